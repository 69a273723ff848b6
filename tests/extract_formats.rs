//! The same report as plain text, GB18030, UTF-16, HTML and docx gives the same facts (values,
//! qualifiers, and quotes equal after normalization) and the same total; each fact's span points
//! at its quote in that format's own decoded source.

#![allow(clippy::panic)]

use std::path::{Path, PathBuf};

mod common;

use fazhi::check::RuleSet;
use fazhi::facts::Facts;

fn ruleset() -> RuleSet {
    common::embedded_ruleset()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("reports-fixtures")
}

fn inputs() -> Vec<PathBuf> {
    let dir = fixtures();
    vec![
        dir.join("xiamen-huli-2024.txt"),
        dir.join("formats/xiamen-huli-2024.gb18030.txt"),
        dir.join("formats/xiamen-huli-2024.utf16.txt"),
        dir.join("formats/xiamen-huli-2024.html"),
        dir.join("formats/xiamen-huli-2024.docx"),
    ]
}

/// A quote as the rules see it: read through the same reader (an HTML quote may hold entities
/// such as `&rdquo;`).
fn normalized(quote: &str, format: fazhi::read::Format) -> String {
    let name = if format == fazhi::read::Format::Html {
        "quote.html"
    } else {
        "quote.txt"
    };
    match fazhi::read::read_bytes(name, quote.as_bytes()) {
        Ok(doc) => doc.text,
        Err(_) => quote.trim().to_string(),
    }
}

fn extract(ruleset: &RuleSet, path: &Path) -> (fazhi::read::Document, Facts) {
    let document =
        fazhi::read::read_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let extraction = fazhi::extract::extract(ruleset, &document);
    (document, extraction.facts)
}

#[test]
fn every_format_gives_the_same_facts() {
    let ruleset = ruleset();
    let inputs = inputs();
    let (_, reference) = extract(&ruleset, &inputs[0]);
    assert!(
        reference.values.len() >= 14,
        "the reference extraction is too small: {:?}",
        reference.values.keys()
    );
    for path in &inputs {
        let (document, facts) = extract(&ruleset, path);
        let name = path.display();
        let ids: Vec<_> = facts.values.keys().collect();
        let want: Vec<_> = reference.values.keys().collect();
        assert_eq!(ids, want, "{name}: different facts");
        for (id, fact) in &facts.values {
            let Some(expected) = reference.get(id) else {
                continue;
            };
            assert_eq!(fact.value, expected.value, "{name}: {id}");
            assert_eq!(fact.qualifier, expected.qualifier, "{name}: {id}");
            let (Some(got), Some(want)) = (&fact.evidence, &expected.evidence) else {
                panic!("{name}: {id} has no evidence");
            };
            assert_eq!(
                normalized(&got.quote, document.format),
                normalized(&want.quote, fazhi::read::Format::Text),
                "{name}: {id} quote"
            );
            let in_source = document.source.get(got.span.start..got.span.end);
            assert_eq!(
                in_source,
                Some(got.quote.as_str()),
                "{name}: {id}: source[span] is not the quote"
            );
        }
    }
}

#[test]
fn every_format_gives_the_same_total() {
    let ruleset = ruleset();
    let inputs = inputs();
    let totals: Vec<_> = inputs
        .iter()
        .map(
            |path| match fazhi::score::score_path(&ruleset, path, None) {
                Ok(scored) => (
                    scored.card.total,
                    scored.card.grade.clone(),
                    scored.facts.values.len(),
                ),
                Err(diags) => panic!("{}: {diags:?}", path.display()),
            },
        )
        .collect();
    for (path, total) in inputs.iter().zip(&totals) {
        assert_eq!(total, &totals[0], "{}", path.display());
    }
}

/// The report as a web page: one `<p>` per line, text escaped.
fn as_html(text: &str) -> String {
    let mut page = String::from("<html><head><meta charset=\"utf-8\"></head><body>\n");
    for line in text.lines() {
        let escaped = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        page.push_str(&format!("<p>{escaped}</p>\n"));
    }
    page.push_str("</body></html>\n");
    page
}

/// The report as a minimal docx: one `<w:p>` per line.
fn as_docx(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut body = String::new();
    for line in text.lines() {
        let escaped = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        body.push_str(&format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{escaped}</w:t></w:r></w:p>"
        ));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (path, content) in [
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", document.as_str()),
    ] {
        if writer.start_file(path, options).is_err()
            || writer.write_all(content.as_bytes()).is_err()
        {
            panic!("cannot build a docx");
        }
    }
    match writer.finish() {
        Ok(cursor) => cursor.into_inner(),
        Err(e) => panic!("cannot build a docx: {e}"),
    }
}

/// (id, value, qualifier) of every fact extracted from `bytes` read as `name`.
fn fact_values(ruleset: &RuleSet, name: &str, bytes: &[u8]) -> Vec<(String, String)> {
    let document = fazhi::read::read_bytes(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let extraction = fazhi::extract::extract(ruleset, &document);
    extraction
        .facts
        .values
        .iter()
        .map(|(id, f)| (id.clone(), format!("{} {:?}", f.value, f.qualifier)))
        .collect()
}

#[test]
fn all_five_reports_give_the_same_facts_as_html_and_docx() {
    let ruleset = ruleset();
    for txt in common::FIXTURES {
        let name = txt
            .trim_start_matches("reports-fixtures/")
            .trim_end_matches(".txt");
        let path = fixtures().join(format!("{name}.txt"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let want = fact_values(&ruleset, &format!("{name}.txt"), text.as_bytes());
        let html = fact_values(&ruleset, &format!("{name}.html"), as_html(&text).as_bytes());
        assert_eq!(html, want, "{name}.html");
        let docx = fact_values(&ruleset, &format!("{name}.docx"), &as_docx(&text));
        assert_eq!(docx, want, "{name}.docx");
    }
}

#[test]
fn a_paragraph_without_final_punctuation_ends_its_sentence_in_html_and_docx() {
    let ruleset = ruleset();
    // The first paragraph is long (not a heading) and ends without `。`; joined to the next, it
    // would read `行政复议案件12件` as the year's reconsideration cases.
    let first = "全区持续加强行政复议规范化建设,不断提升办案质量和效率,充分发挥行政复议化解行政争议的主渠道作用,全年办理行政复议案件";
    let second = "12件典型案例汇编成册,供各单位学习参考。";
    let text = format!("某区2024年法治政府建设情况报告\n一、主要工作\n{first}。\n{second}\n");
    let want = fact_values(&ruleset, "r.txt", text.as_bytes());
    assert!(
        !want.iter().any(|(id, _)| id == "reconsideration_cases"),
        "{want:?}"
    );
    let unpunctuated = text.replace(&format!("{first}。"), first);
    let html = as_html(&unpunctuated);
    assert_eq!(
        fact_values(&ruleset, "r.html", html.as_bytes()),
        want,
        "html"
    );
    let docx = as_docx(&unpunctuated);
    assert_eq!(fact_values(&ruleset, "r.docx", &docx), want, "docx");
    let with_br = format!(
        "<body><div>某区2024年法治政府建设情况报告<br>一、主要工作<br>{first}<br>{second}</div></body>"
    );
    assert_eq!(
        fact_values(&ruleset, "r.html", with_br.as_bytes()),
        want,
        "<br>"
    );
    let document =
        fazhi::read::read_bytes("r.html", with_br.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        document.text.contains(&format!("{first}\n12件")),
        "{}",
        document.text
    );
}

#[test]
fn line_breaks_inside_pre_are_kept() {
    let page = "<body><pre>一、主要工作\n全区持续加强行政复议规范化建设,依法审理行政复议案件\n12件典型案例汇编成册。</pre></body>";
    let document =
        fazhi::read::read_bytes("r.html", page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        document.text.contains("行政复议案件\n12件"),
        "{:?}",
        document.text
    );
}
