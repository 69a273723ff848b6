//! The whole job for one input: read a report (or a facts file), extract, apply hand
//! corrections, evaluate, and gather what the renderers need. No printing; the CLI and batch
//! scoring both call [`score_path`].

use std::path::Path;

use crate::audit::Audit;
use crate::check::RuleSet;
use crate::diagnostic::{Code, Diag, Source, Span};
use crate::eval::{advice, evaluate, Scorecard};
use crate::facts::{self, Facts};
use crate::render::{Context, ReportInfo};
use crate::syntax::ast::IssuerKind;
use crate::value::Value;
use crate::{extract, read};

/// A scored report and everything said about it.
#[derive(Debug, Clone)]
pub struct Scored {
    pub card: Scorecard,
    pub facts: Facts,
    pub report: Option<Source>,
    /// A web page's article text, for display (see `render::Context::article`).
    pub article: Option<Source>,
    pub info: ReportInfo,
    /// Warnings about the input; errors never reach here.
    pub warnings: Vec<Diag>,
    pub audit: Audit,
}

impl Scored {
    /// Why this does not look like a 法治政府建设 annual report, if it does not (a report read
    /// from a facts file is not judged: facts can come from any document).
    pub fn not_a_report(&self) -> Option<String> {
        let report = self.report.as_ref()?;
        if is_facts_file(Path::new(&self.audit.input)) {
            return None;
        }
        let text = self.article.as_ref().unwrap_or(report);
        extract::genre::not_a_report(&text.text, self.info.year)
    }

    pub fn context<'a>(&'a self, ruleset: &'a RuleSet) -> Context<'a> {
        Context {
            ruleset,
            card: &self.card,
            facts: &self.facts,
            report: self.report.as_ref(),
            article: self.article.as_ref(),
            info: self.info.clone(),
            warnings: &self.warnings,
            advice: advice(ruleset, &self.card),
            audit: &self.audit,
        }
    }
}

/// Whether a path names a facts file rather than a report.
pub fn is_facts_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml" || e == "json")
}

/// What scoring may do beyond the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// A facts file's `[report] file` may name a report outside the facts file's folder (by
    /// default it may not: a shared facts file could otherwise quote `/etc/passwd` in a page).
    pub report_outside: bool,
    /// The issuer kind given rather than read from the report (`--issuer-kind`).
    pub issuer_kind: Option<IssuerKind>,
}

/// Scores a report (.txt, .html, .docx, anything readable) or a facts file (.toml, .json);
/// `corrections` are facts entered by hand that override extraction. Errors are returned as
/// diagnostics, with any warnings found before them.
pub fn score_path(
    ruleset: &RuleSet,
    input: &Path,
    corrections: Option<&Path>,
) -> Result<Scored, Vec<Diag>> {
    score_path_with(ruleset, input, corrections, Options::default())
}

/// [`score_path`] with the issuer kind given rather than read from the report (`--issuer-kind`).
pub fn score_path_as(
    ruleset: &RuleSet,
    input: &Path,
    corrections: Option<&Path>,
    issuer_kind: Option<IssuerKind>,
) -> Result<Scored, Vec<Diag>> {
    let options = Options {
        issuer_kind,
        ..Options::default()
    };
    score_path_with(ruleset, input, corrections, options)
}

/// [`score_path`] with [`Options`].
pub fn score_path_with(
    ruleset: &RuleSet,
    input: &Path,
    corrections: Option<&Path>,
    options: Options,
) -> Result<Scored, Vec<Diag>> {
    let bytes = read::read_path_bytes(input).map_err(|e| vec![Diag::from(&e)])?;
    let corrections = match corrections {
        Some(path) => Some((
            path.display().to_string(),
            read::read_path_bytes(path).map_err(|e| vec![Diag::from(&e)])?,
        )),
        None => None,
    };
    let dir = input.parent().unwrap_or(Path::new("."));
    let find_report = |file: &str| {
        if !options.report_outside && !inside_folder(file) {
            return Err(format!(
                "`[report] file` 指向事实文件所在文件夹之外的 `{file}`，未读取；如信任该事实文件，可加 `--allow-report-outside`"
            ));
        }
        let path = dir.join(file);
        read::read_path(&path)
            .map(|doc| Source::new(path.display().to_string(), doc.source))
            .map_err(|e| format!("无法读取报告 `{}`：{e}", path.display()))
    };
    score_bytes(
        ruleset,
        &input.display().to_string(),
        &bytes,
        corrections
            .as_ref()
            .map(|(n, b)| (n.as_str(), b.as_slice())),
        options.issuer_kind,
        &find_report,
    )
}

/// Finds the report a facts file names in its `[report] file`: its decoded text, or why not.
pub type FindReport<'a> = dyn Fn(&str) -> Result<Source, String> + 'a;

/// [`score_path`] on bytes in memory: `name` is the input's name (its extension chooses a facts
/// file or a report, and it is the name outputs show), `corrections` a facts file's name and
/// bytes, `issuer_kind` as for [`score_path_as`], and `find_report` looks up the report a
/// facts-file input names.
pub fn score_bytes(
    ruleset: &RuleSet,
    name: &str,
    bytes: &[u8],
    corrections: Option<(&str, &[u8])>,
    issuer_kind: Option<IssuerKind>,
    find_report: &FindReport<'_>,
) -> Result<Scored, Vec<Diag>> {
    let name = name.to_string();
    let mut diags = Vec::new();
    let (mut facts, report, article, meta) = if is_facts_file(Path::new(&name)) {
        let Some((file, facts_source)) = facts_file(ruleset, &name, bytes, &mut diags) else {
            return Err(diags);
        };
        let mut facts = file.facts;
        let report = match &file.meta.file {
            Some(report_name) => match find_report(report_name) {
                Ok(source) => Some(source),
                Err(why) => {
                    diags.push(
                        Diag::warning(Code::FactsReport, why)
                            .help("证据只显示引文；改正 `[report] file` 后可在报告原文中显示"),
                    );
                    None
                }
            },
            None => None,
        };
        check_evidence(&mut facts, report.as_ref(), &facts_source, &mut diags);
        (facts, report, None, file.meta)
    } else {
        let document = read::read_bytes(&name, bytes).map_err(|e| vec![Diag::from(&e)])?;
        diags.extend(damaged_bytes(&document));
        let extraction = extract::extract(ruleset, &document);
        diags.extend(extraction.diags);
        let meta = facts::ReportMeta {
            issuer: extraction.issuer,
            ..facts::ReportMeta::default()
        };
        // A web page's markup means nothing to a reader: pages for people show its article text.
        let article = (document.format == read::Format::Html)
            .then(|| Source::new(document.name.clone(), document.text.clone()));
        (
            extraction.facts,
            Some(Source::new(document.name, document.source)),
            article,
            meta,
        )
    };
    if let Some((corrections_name, corrections_bytes)) = corrections {
        let Some((file, facts_source)) =
            facts_file(ruleset, corrections_name, corrections_bytes, &mut diags)
        else {
            return Err(diags);
        };
        let mut manual = file.facts;
        check_evidence(&mut manual, report.as_ref(), &facts_source, &mut diags);
        facts.override_with(manual);
    }
    if diags.iter().any(Diag::is_error) {
        return Err(diags);
    }
    let year = meta
        .year
        .or_else(|| match facts.get("report_year").map(|f| f.value) {
            Some(Value::Year(y)) => Some(y),
            _ => None,
        });
    if let (Some(year), Some((from, to))) = (year, ruleset.effective) {
        if year < from.year || year > to.year {
            diags.push(
                Diag::warning(
                    Code::ScoreOutsideEffective,
                    format!("报告年度为 {year} 年，不在规则集的适用期间 {from} 至 {to} 内"),
                )
                .help("评分可能与该年度实行的要求不符；用 --rules 指定适用于该期间的规则集"),
            );
        }
    }
    // Whose report it is decides which rules apply: the command line, else what the report or
    // its facts file names.
    facts.issuer_kind = issuer_kind
        .or(facts.issuer_kind)
        .or_else(|| meta.issuer.as_deref().map(extract::issuer::kind));
    crate::eval::derive(ruleset, &mut facts);
    let card = evaluate(ruleset, &facts);
    let info = ReportInfo {
        name: report.as_ref().map_or(name.clone(), |r| r.name.clone()),
        issuer: meta.issuer,
        year,
    };
    let audit = Audit::new(ruleset, &name, bytes);
    Ok(Scored {
        card,
        facts,
        report,
        article,
        info,
        warnings: diags,
        audit,
    })
}

/// A warning when decoding replaced bytes it could not read (a damaged byte in a UTF-8 or
/// GB18030 file, a truncated tail): the report is read, but what stood there is lost.
fn damaged_bytes(document: &read::Document) -> Option<Diag> {
    let first = document.source.find(char::REPLACEMENT_CHARACTER)?;
    let count = document.source.matches(char::REPLACEMENT_CHARACTER).count();
    let report = Source::new(document.name.clone(), document.source.clone());
    Some(
        Diag::warning(
            Code::ReadBadEncoding,
            format!(
                "报告中有{count}处无法按 {} 解码的字节，已替换为 �",
                document.encoding
            ),
        )
        .in_window(&report, Span::new(first, first + 3), None, "无法解码")
        .help("文件可能已损坏；如替换处有数字，请核对原件，必要时用 `--facts` 更正"),
    )
}

/// Whether a path written in a facts file stays inside the facts file's folder: relative, and
/// without `..`.
fn inside_folder(name: &str) -> bool {
    use std::path::Component;
    !name.is_empty()
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Reads a facts file's bytes, adding its diagnostics to `diags`; `None` when it has errors.
pub(crate) fn facts_file(
    ruleset: &RuleSet,
    name: &str,
    bytes: &[u8],
    diags: &mut Vec<Diag>,
) -> Option<(facts::FactsFile, Source)> {
    let source = match utf8_source(name, bytes) {
        Ok(source) => source,
        Err(errors) => {
            diags.extend(errors);
            return None;
        }
    };
    let (file, found) = facts::parse(&source, ruleset);
    diags.extend(found);
    Some((file?, source))
}

/// Checks hand-written evidence against the report, when there is one to check it against.
fn check_evidence(
    facts: &mut Facts,
    report: Option<&Source>,
    facts_source: &Source,
    diags: &mut Vec<Diag>,
) {
    if let Some(report) = report {
        diags.extend(facts::check_evidence(facts, report, facts_source));
    }
}

fn utf8_source(name: &str, bytes: &[u8]) -> Result<Source, Vec<Diag>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        vec![
            Diag::error(Code::CliIo, format!("`{name}` 不是 UTF-8 文本"))
                .help("把事实文件另存为 UTF-8 编码"),
        ]
    })?;
    Ok(Source::new(
        name,
        text.strip_prefix('\u{FEFF}').unwrap_or(text),
    ))
}
