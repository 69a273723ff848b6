//! Tables (issue 9): HTML `<table>` and docx `<w:tbl>` read cell by cell, a figure's row and
//! column headers as its subject, the cell as its quote. Fixtures: reports-fixtures/formats/
//! tables-report.* and disclosure-report.* (made by make_tables.py there).

#![allow(clippy::panic)]

use std::path::{Path, PathBuf};

mod common;

use fazhi::check::RuleSet;
use fazhi::extract::table::{statements, STATEMENT_BYTES_EXTRA, STATEMENT_BYTES_PER_TEXT_BYTE};
use fazhi::facts::Facts;
use fazhi::read::Document;

fn ruleset() -> RuleSet {
    common::embedded_ruleset()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("reports-fixtures/formats")
        .join(name)
}

fn read(path: &Path) -> Document {
    fazhi::read::read_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_bytes(name: &str, bytes: &[u8]) -> Document {
    fazhi::read::read_bytes(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn facts_of(ruleset: &RuleSet, document: &Document) -> Facts {
    fazhi::extract::extract(ruleset, document).facts
}

fn value(facts: &Facts, id: &str) -> Option<String> {
    facts.get(id).map(|f| f.value.plain())
}

/// The figures of table 1 of tables-report, and the cell each is quoted by.
const TABLE_FACTS: [(&str, &str); 4] = [
    ("reconsideration_cases", "393"),
    ("reconsideration_concluded", "368"),
    ("admin_litigation_cases", "63"),
    ("court_appearance_rate", "100%"),
];

#[test]
fn html_and_docx_tables_give_the_facts_quoted_by_cell() {
    let ruleset = ruleset();
    for name in ["tables-report.html", "tables-report.docx"] {
        let document = read(&fixture(name));
        let facts = facts_of(&ruleset, &document);
        for (id, cell) in TABLE_FACTS {
            let Some(fact) = facts.get(id) else {
                panic!("{name}: no {id}")
            };
            assert_eq!(
                fact.value.plain(),
                cell.trim_end_matches('%'),
                "{name}: {id}"
            );
            let Some(evidence) = &fact.evidence else {
                panic!("{name}: {id} without evidence")
            };
            // The quote is the cell, in the original input.
            assert_eq!(evidence.quote, cell, "{name}: {id}");
            assert_eq!(
                &document.source[evidence.span.start..evidence.span.end],
                cell
            );
            let text_span = evidence.text_span.unwrap_or_default();
            let in_a_cell = document
                .tables
                .iter()
                .flat_map(|t| &t.cells)
                .any(|c| c.text.start == text_span.start && c.text.end == text_span.end);
            assert!(in_a_cell, "{name}: {id} is not quoted by a cell");
            if name.ends_with(".html") {
                let before = &document.source[..evidence.span.start];
                assert!(before.ends_with("<td><p>"), "{name}: {id}: {before:.20}");
            }
        }
    }
}

#[test]
fn spans_lay_headers_over_the_cells_they_cover() {
    for name in ["tables-report.html", "tables-report.docx"] {
        let document = read(&fixture(name));
        let Some(table) = document.tables.first() else {
            panic!("{name}: no table")
        };
        let at = |r: usize, c: usize| {
            table
                .cell_at(r, c)
                .map(|cell| &document.text[cell.text.clone()])
        };
        assert_eq!((table.rows, table.columns), (6, 4), "{name}");
        // `类别` spans two rows, `2024年` two columns, `行政复议` two rows.
        assert_eq!([at(0, 0), at(1, 0)], [Some("类别"), Some("类别")], "{name}");
        assert_eq!([at(0, 2), at(0, 3)], [Some("2024年"), Some("2024年")]);
        assert_eq!([at(1, 2), at(1, 3)], [Some("数量"), Some("同比增减")]);
        assert_eq!([at(2, 0), at(3, 0)], [Some("行政复议"), Some("行政复议")]);
        assert_eq!(
            [at(3, 1), at(3, 2)],
            [Some("审结行政复议案件(件)"), Some("368")]
        );
        assert!(table.cells.iter().take(5).all(|c| c.header), "{name}");
        let said: Vec<String> = statements(&document).into_iter().map(|s| s.text).collect();
        assert!(
            said.contains(&"2024年行政复议审结行政复议案件368件".to_string()),
            "{name}: {said:?}"
        );
        // The change from last year is not this year's figure.
        assert!(!said.iter().any(|s| s.contains("同比")), "{name}: {said:?}");
    }
}

#[test]
fn the_same_figures_in_prose_and_in_a_table_give_the_same_value() {
    let ruleset = ruleset();
    let prose = facts_of(&ruleset, &read(&fixture("tables-report.txt")));
    for name in ["tables-report.html", "tables-report.docx"] {
        let table = facts_of(&ruleset, &read(&fixture(name)));
        for (id, _) in TABLE_FACTS {
            assert_eq!(value(&table, id), value(&prose, id), "{name}: {id}");
            assert!(value(&prose, id).is_some(), "{id}");
        }
    }
    // Both at once: one value, no conflict, and the prose (first) is quoted.
    let page = "<html><body><p>某区2024年法治政府建设年度报告</p><p>一、主要工作</p>\
        <p>全年新收行政复议案件393件。</p>\
        <table><tr><th>项目</th><th>数量(件)</th></tr><tr><td>新收行政复议案件</td><td>393</td></tr></table>\
        </body></html>";
    let document = read_bytes("both.html", page.as_bytes());
    let extraction = fazhi::extract::extract(&ruleset, &document);
    assert_eq!(
        value(&extraction.facts, "reconsideration_cases").as_deref(),
        Some("393")
    );
    assert!(extraction.diags.is_empty(), "{:?}", extraction.diags);
}

#[test]
fn a_table_without_headers_reads_nothing() {
    let ruleset = ruleset();
    let document = read(&fixture("tables-report.html"));
    let headerless = document.tables.get(1).map(|t| t.cells.len());
    assert_eq!(headerless, Some(6), "the second table is read as a table");
    let facts = facts_of(&ruleset, &document);
    for figure in ["120", "35", "7", "98", "41", "2"] {
        assert!(
            !facts.values.values().any(|f| f.value.plain() == figure),
            "{figure} read from a table without headers"
        );
    }
    // Numbers only, right under a caption that names a fact: nothing.
    let page = "<p>某区2024年法治政府建设年度报告</p><p>一、主要工作</p><p>调解矛盾纠纷(件)</p>\
        <table><tr><td>3698</td><td>12</td></tr><tr><td>15</td><td>9</td></tr></table>";
    let facts_of_page = facts_of(&ruleset, &read_bytes("bare.html", page.as_bytes()));
    assert_eq!(value(&facts_of_page, "mediation_cases"), None);
    // A layout table around the article changes nothing: its cells are paragraphs.
    let prose = "<p>某区2024年法治政府建设年度报告</p><p>一、主要工作</p><p>全年调解矛盾纠纷3698件,办理法律援助案件812件。</p>";
    let wrapped = format!("<table><tr><td>导航</td><td>{prose}</td></tr></table>");
    let plain = facts_of(&ruleset, &read_bytes("plain.html", prose.as_bytes()));
    let laid_out = facts_of(&ruleset, &read_bytes("layout.html", wrapped.as_bytes()));
    for id in ["mediation_cases", "legal_aid_cases", "report_year"] {
        assert!(value(&plain, id).is_some(), "{id}");
        assert_eq!(value(&laid_out, id), value(&plain, id), "{id}");
    }
}

#[test]
fn a_section_label_across_the_table_keeps_the_column_headers() {
    let ruleset = ruleset();
    let page = "<p>某区2024年法治政府建设年度报告</p><p>一、主要工作</p>\
        <table><tr><th>项目</th><th>数量(件)</th></tr><tr><td colspan=2>一、行政复议</td></tr>\
        <tr><td>新收行政复议案件</td><td>393</td></tr></table>";
    let document = read_bytes("label.html", page.as_bytes());
    let said: Vec<String> = statements(&document).into_iter().map(|s| s.text).collect();
    assert_eq!(said, ["新收行政复议案件393件"]);
    let facts = facts_of(&ruleset, &document);
    assert_eq!(
        value(&facts, "reconsideration_cases").as_deref(),
        Some("393")
    );
}

#[test]
fn only_the_latest_years_figures_are_read() {
    let ruleset = ruleset();
    // Years down the rows, numbered rows in `<th>`.
    let page = "<p>某区2024年法治政府建设年度报告</p><p>一、主要工作</p>\
        <table><tr><th>序号</th><th>年份</th><th>新收行政复议案件(件)</th></tr>\
        <tr><th>1</th><td>2023年</td><td>350</td></tr><tr><th>2</th><td>2024年</td><td>393</td></tr></table>";
    let facts = facts_of(&ruleset, &read_bytes("rows.html", page.as_bytes()));
    assert_eq!(
        value(&facts, "reconsideration_cases").as_deref(),
        Some("393")
    );
    // Years over the columns, and a column of the change.
    let page = "<p>某区2024年法治政府建设年度报告</p><p>一、主要工作</p>\
        <table><tr><th>项目</th><th>2023</th><th>2024</th><th>增减</th></tr>\
        <tr><td>审结行政复议案件(件)</td><td>300</td><td>368</td><td>68</td></tr></table>";
    let facts = facts_of(&ruleset, &read_bytes("columns.html", page.as_bytes()));
    assert_eq!(
        value(&facts, "reconsideration_concluded").as_deref(),
        Some("368")
    );
}

#[test]
fn disclosure_tables_are_not_the_governments_case_counts() {
    let ruleset = ruleset();
    for name in ["disclosure-report.html", "disclosure-report.docx"] {
        let document = read(&fixture(name));
        assert_eq!(document.tables.len(), 3, "{name}");
        let facts = facts_of(&ruleset, &document);
        for id in [
            "reconsideration_cases",
            "reconsideration_concluded",
            "reconsideration_correction_rate",
            "admin_litigation_cases",
            "info_disclosed",
            "normative_docs_filed",
        ] {
            assert_eq!(value(&facts, id), None, "{name}: {id}");
        }
        // The tables are read, each figure said as a statement about disclosure.
        let said = statements(&document);
        assert!(said.iter().all(|s| s.disclosure), "{name}");
        let texts: Vec<&str> = said.iter().map(|s| s.text.as_str()).collect();
        for expected in [
            "政府信息公开规章第二十条第(一)项本年制发0件",
            "政府信息公开行政规范性文件第二十条第(一)项现行有效30件",
            "政府信息公开行政许可本年处理决定1234",
            "本年新收政府信息公开申请申请人情况法人或其他组织商业企业3",
            "政府信息公开行政复议尚未审结1",
            "政府信息公开行政诉讼复议后起诉总计0",
        ] {
            assert!(
                texts.contains(&expected),
                "{name}: {expected} not in {texts:?}"
            );
        }
    }
}

/// Hostile tables: the work (statements said, grid slots) stays proportional to the input.
#[test]
fn hostile_tables_stay_linear_and_never_panic() {
    let ruleset = ruleset();
    let check = |name: &str, page: &str| {
        let document = read_bytes(name, page.as_bytes());
        let slots: usize = document.tables.iter().map(|t| t.rows * t.columns).sum();
        assert!(
            slots <= 4 * document.text.len() + 10_000,
            "{name}: {slots} slots for {} bytes",
            document.text.len()
        );
        let said: usize = statements(&document).iter().map(|s| s.text.len()).sum();
        assert!(
            said <= STATEMENT_BYTES_PER_TEXT_BYTE * document.text.len() + STATEMENT_BYTES_EXTRA,
            "{name}: {said} bytes of statements for {} bytes of text",
            document.text.len()
        );
        let _ = fazhi::extract::extract(&ruleset, &document);
        document
    };
    // 100,000 cells: a header row, then 999 rows of a row header and 99 figures.
    let mut page = String::from("<table><tr><th>项目</th>");
    page.push_str(&"<th>新收行政复议案件(件)</th>".repeat(99));
    page.push_str("</tr>");
    for _ in 0..999 {
        page.push_str("<tr><td>行政复议</td>");
        page.push_str(&"<td>393</td>".repeat(99));
        page.push_str("</tr>");
    }
    page.push_str("</table>");
    let document = check("cells.html", &page);
    assert_eq!(
        document.tables.first().map(|t| t.cells.len()),
        Some(100_000)
    );
    // 10,000 columns.
    let wide = format!(
        "<table><tr>{}</tr><tr>{}</tr></table>",
        "<th>审结</th>".repeat(10_000),
        "<td>1</td>".repeat(10_000)
    );
    let document = check("wide.html", &wide);
    assert_eq!(document.tables.first().map(|t| t.columns), Some(10_000));
    // 10,000 tables nested in each other's cells, and never closed.
    let deep = "<table><tr><td>新收行政复议案件".repeat(10_000) + "393";
    let document = check("deep.html", &deep);
    assert_eq!(document.tables.len(), 10_000);
    // Spans of the largest size on every cell: the grid budget refuses most tables.
    let spans = "<table><tr><td colspan=1000 rowspan=65534>1</td></tr></table>".repeat(2_000);
    check("spans.html", &spans);
    // The same in a docx: deep nesting and wide merges.
    let body = "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"999999\"/><w:vMerge/></w:tcPr><w:p><w:r><w:t>审结</w:t></w:r></w:p>"
        .repeat(5_000)
        + "<w:p><w:r><w:t>1</w:t></w:r></w:p>"
        + &"</w:tc></w:tr></w:tbl>".repeat(5_000);
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"w\"><w:body>{body}</w:body></w:document>"
    );
    let docx = zip(&xml);
    let document = read_bytes("deep.docx", &docx);
    let slots: usize = document.tables.iter().map(|t| t.rows * t.columns).sum();
    assert!(slots <= 4 * document.text.len() + 10_000, "{slots} slots");
    // Each table's merge is cut to the largest span, and the budget then refuses the rest.
    assert!((1..5_000).contains(&document.tables.len()));
    let _ = fazhi::extract::extract(&ruleset, &document);
}

/// Random soups of table markup, figures and headers: read and extracted without a panic, every
/// statement's figure inside its cell.
#[test]
fn random_table_soup_never_panics() {
    let ruleset = ruleset();
    let pieces = [
        "<table>",
        "</table>",
        "<tr>",
        "</tr>",
        "<td>",
        "</td>",
        "<th colspan=2>",
        "<td rowspan=3>",
        "<thead>",
        "</thead>",
        "393",
        "12件",
        "98%",
        "新收行政复议案件(件)",
        "2024年",
        "同比",
        "政府信息公开",
        "<p>",
        "\n",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..200 {
        let mut page = String::from("<p>某区2024年法治政府建设年度报告</p><p>一、主要工作</p>");
        for _ in 0..(next() % 120) {
            page.push_str(pieces[usize::try_from(next() % 19).unwrap_or(0)]);
        }
        let Ok(document) = fazhi::read::read_bytes("soup.html", page.as_bytes()) else {
            continue;
        };
        for statement in statements(&document) {
            let figure = &statement.text[statement.cell_in_text.clone()];
            assert_eq!(
                figure,
                &document.text[statement.cell.clone()],
                "round {round}"
            );
        }
        let _ = fazhi::extract::extract(&ruleset, &document);
    }
}

fn zip(document_xml: &str) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    assert!(writer.start_file("word/document.xml", options).is_ok());
    assert!(writer.write_all(document_xml.as_bytes()).is_ok());
    writer
        .finish()
        .map(std::io::Cursor::into_inner)
        .unwrap_or_default()
}
