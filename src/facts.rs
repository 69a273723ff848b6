//! Facts of one report: typed values with their provenance, read from a facts file (TOML or JSON)
//! or produced by the extractor.

use std::collections::HashSet;
use std::ops::Range;
use std::str::FromStr;

use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::check::RuleSet;
use crate::diagnostic::{did_you_mean, suggest, Code, Diag, Source, Span};
use crate::syntax::ast::{CreditedLevel, IssuerKind};
use crate::value::{Date, FactType, Qualifier, Value};

/// The catalogue of ../shared/facts.md: ids and types the extractor must produce and the default
/// rule set reads. A test checks the embedded rule set declares each with this type.
pub const CATALOGUE: [(&str, FactType); 25] = [
    ("report_year", FactType::Year),
    ("published_on", FactType::Date),
    ("has_shortcomings", FactType::Flag),
    ("has_next_year_plan", FactType::Flag),
    ("first_responsible_duty", FactType::Flag),
    ("officials_law_report", FactType::Flag),
    ("pre_meeting_law_study_sessions", FactType::Count),
    ("major_decision_catalog", FactType::Flag),
    ("legal_adviser_full_coverage", FactType::Flag),
    ("normative_docs_filed", FactType::Count),
    ("normative_docs_filing_rate", FactType::Percent),
    ("enforcement_three_systems", FactType::Flag),
    ("enforcement_files_reviewed", FactType::Count),
    ("enforcement_exam_pass_rate", FactType::Percent),
    ("reconsideration_cases", FactType::Count),
    ("reconsideration_concluded", FactType::Count),
    ("reconsideration_correction_rate", FactType::Percent),
    ("admin_litigation_cases", FactType::Count),
    ("court_appearance_rate", FactType::Percent),
    ("mediation_cases", FactType::Count),
    ("mediation_success_rate", FactType::Percent),
    ("legal_aid_cases", FactType::Count),
    ("info_disclosed", FactType::Count),
    ("disclosure_response_rate", FactType::Percent),
    ("online_service_rate", FactType::Percent),
];

/// Where a fact's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Found in the report by the extractor.
    Extracted,
    /// Entered by hand in a facts file; overrides extraction.
    Manual,
    /// Given in a DSL test.
    Given,
    /// Computed by a `derived fact` from other facts.
    Derived,
}

/// The quoted report text a value was read from: `span` is a byte range of the report's source
/// text (the original input, decoded), and `quote` is that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub span: Span,
    pub quote: String,
    /// The value inside the quote, underlined in explanations.
    pub value_span: Option<Span>,
    /// The quote's range in the normalized text the extractor read, for showing a web page's
    /// article text instead of its markup; `None` for evidence entered by hand.
    pub text_span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactValue {
    pub value: Value,
    pub qualifier: Option<Qualifier>,
    pub evidence: Option<Evidence>,
    pub origin: Origin,
}

/// A report's facts by id. Iteration follows insertion order; renderers follow the rule set's
/// declaration order instead, so output never depends on input order.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub values: IndexMap<String, FactValue>,
    /// For facts read from a facts file: where each entry's quote (or, without one, the entry)
    /// is written there, so evidence problems can point at it.
    pub written_at: IndexMap<String, Span>,
    /// Facts a person entered as not stated in the report (`value = "未提及"`): they remove what
    /// extraction found, and renderers mark the silence 人工录入.
    pub silent: Vec<String>,
    /// Evidence in words, by rule id: the report names the rule's subject (`mention`) without
    /// the figure, or admits a shortfall on it. An admission is kept over a description.
    pub mentions: IndexMap<String, Mention>,
    /// Flag facts stated in the negative (`部分单位尚未落实三项制度`), by fact id: evidence
    /// against the rules that read them.
    pub admissions: IndexMap<String, Evidence>,
    /// Whose report it is, when known: a people's government or one of its departments.
    pub issuer_kind: Option<IssuerKind>,
    /// Rates stated for part of the government's scope (`241个涉企服务事项100%全程网办`), by fact
    /// id, with the words naming the part: at most the credit of a description.
    pub partial_scope: IndexMap<String, String>,
    /// Derived facts that cannot be computed although their inputs are stated, with why
    /// （`分母为零（行政复议审结件数为 0）`）.
    pub undefined: IndexMap<String, String>,
}

/// A rule's subject named in words, with the sentence that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub level: CreditedLevel,
    pub evidence: Evidence,
}

impl Facts {
    pub fn get(&self, id: &str) -> Option<&FactValue> {
        self.values.get(id)
    }

    /// Why a fact has no value, in the reader's words: `报告未提及「label」`, or for a derived
    /// fact whose inputs are stated but cannot be combined, `「label」无法计算：分母为零（…）`.
    pub fn absent_text(&self, id: &str, label: &str) -> String {
        match self.undefined.get(id) {
            Some(reason) => format!("「{label}」无法计算：{reason}"),
            None => format!("报告未提及「{label}」"),
        }
    }

    pub fn insert(&mut self, id: impl Into<String>, value: FactValue) {
        self.values.insert(id.into(), value);
    }

    /// Records words about a rule's subject; an admitted shortfall replaces a description.
    pub fn mention(&mut self, rule: &str, mention: Mention) {
        match self.mentions.get(rule) {
            Some(kept) if kept.level == CreditedLevel::Admitted => {}
            Some(kept) if kept.level == mention.level => {}
            _ => {
                self.mentions.insert(rule.to_string(), mention);
            }
        }
    }

    /// Entries of `other` replace those of `self` (hand corrections over extraction).
    pub fn override_with(&mut self, other: Facts) {
        // A corrected value is the whole government's unless the correction says otherwise.
        for id in other.values.keys() {
            self.partial_scope.shift_remove(id);
        }
        for (id, value) in other.values {
            self.silent.retain(|s| *s != id);
            self.values.insert(id, value);
        }
        for id in other.silent {
            self.values.shift_remove(&id);
            self.partial_scope.shift_remove(&id);
            self.admissions.shift_remove(&id);
            if !self.silent.contains(&id) {
                self.silent.push(id);
            }
        }
        self.written_at.extend(other.written_at);
        for (rule, mention) in other.mentions {
            self.mentions.insert(rule, mention);
        }
        self.admissions.extend(other.admissions);
        if other.issuer_kind.is_some() {
            self.issuer_kind = other.issuer_kind;
        }
    }

    /// Whether a person entered this fact as not stated in the report.
    pub fn is_silent(&self, id: &str) -> bool {
        self.silent.iter().any(|s| s == id)
    }
}

/// What a facts file says about its report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportMeta {
    pub issuer: Option<String>,
    pub year: Option<i32>,
    /// The report file, relative to the facts file.
    pub file: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FactsFile {
    pub meta: ReportMeta,
    pub facts: Facts,
}

/// One entry as written, before it is typed: both file formats come down to this.
struct RawEntry {
    id: String,
    id_span: Span,
    value: Option<(Raw, Span)>,
    qualifier: Option<(String, Span)>,
    quote: Option<(String, Span)>,
    span: Option<(Vec<i64>, Span)>,
    whole: Span,
}

/// A scalar as written in the file; `Text` keeps the source text of numbers so that `99.87`
/// is read exactly, never through a float.
enum Raw {
    Text(String),
    Bool(bool),
    Other(&'static str),
}

/// Parses a facts file. `.json` names are read as JSON, anything else as TOML.
pub fn parse(source: &Source, ruleset: &RuleSet) -> (Option<FactsFile>, Vec<Diag>) {
    let mut diags = Vec::new();
    let raw = if source.name.ends_with(".json") {
        raw_from_json(source, &mut diags)
    } else {
        raw_from_toml(source, &mut diags)
    };
    let Some((meta, entries)) = raw else {
        return (
            None,
            diags.into_iter().map(|d| d.in_source(source)).collect(),
        );
    };
    let mut facts = Facts::default();
    for entry in entries {
        if is_silence(&entry) && ruleset.facts.contains_key(&entry.id) {
            facts.written_at.insert(entry.id.clone(), entry.whole);
            facts.silent.push(entry.id);
            continue;
        }
        if let Some(value) = typed(&entry, ruleset, &mut diags) {
            let written = entry.quote.as_ref().map_or(entry.whole, |(_, span)| *span);
            facts.written_at.insert(entry.id.clone(), written);
            facts.insert(entry.id, value);
        }
    }
    let diags: Vec<Diag> = diags.into_iter().map(|d| d.in_source(source)).collect();
    let ok = !diags.iter().any(Diag::is_error);
    (ok.then_some(FactsFile { meta, facts }), diags)
}

/// The words a facts file uses to say the report does not state a fact.
pub const SILENCE: [&str; 2] = ["未提及", "报告未提及"];

fn is_silence(entry: &RawEntry) -> bool {
    matches!(&entry.value, Some((Raw::Text(t), _)) if SILENCE.contains(&t.trim()))
}

fn typed(entry: &RawEntry, ruleset: &RuleSet, diags: &mut Vec<Diag>) -> Option<FactValue> {
    let Some(decl) = ruleset.facts.get(&entry.id) else {
        let help = match suggest(&entry.id, ruleset.facts.keys().map(String::as_str)) {
            Some(s) => did_you_mean(s),
            None => {
                "事实 id 须是规则集中已声明的（见规则文件中的 `fact` 声明，或 `fazhi explain 事实id`）"
                    .into()
            }
        };
        diags.push(
            Diag::error(
                Code::FactsUnknownFact,
                format!("未声明的事实 `{}`", entry.id),
            )
            .label(entry.id_span, "未声明")
            .help(help),
        );
        return None;
    };
    let Some((raw, value_span)) = &entry.value else {
        diags.push(
            Diag::error(Code::FactsBadValue, format!("`{}` 没有值", entry.id))
                .label(entry.whole, "缺少 `value`")
                .help("在该条目中写上 `value = …`"),
        );
        return None;
    };
    let value = match parse_value(raw, decl.ty) {
        Ok(v) => v,
        Err((code, problem, help)) => {
            diags.push(
                Diag::error(
                    code,
                    format!(
                        "`{}` 是{}类事实：{problem}",
                        entry.id,
                        crate::check::Ty::of_fact(decl.ty)
                    ),
                )
                .label(*value_span, problem)
                .help(help),
            );
            return None;
        }
    };
    let qualifier = match &entry.qualifier {
        None => None,
        Some((word, span)) => match Qualifier::from_keyword(word) {
            Some(q) => Some(q),
            None => {
                diags.push(Diag::error(Code::FactsBadValue, format!("未知的限定词 `{word}`")).label(*span, "不是限定词").help("限定词有 `at_least`（以上）、`more_than`（余、多、超、逾）和 `about`（近、约）"));
                None
            }
        },
    };
    let evidence = match (&entry.span, &entry.quote) {
        (Some((range, span)), quote) => match range.as_slice() {
            [start, end] if 0 <= *start && start <= end => Some(Evidence {
                span: Span::new(
                    usize::try_from(*start).unwrap_or(0),
                    usize::try_from(*end).unwrap_or(0),
                ),
                quote: quote.as_ref().map(|(q, _)| q.clone()).unwrap_or_default(),
                value_span: None,
                text_span: None,
            }),
            _ => {
                diags.push(
                    Diag::error(
                        Code::FactsBadSpan,
                        "`span` 应为字节偏移 `[start, end]`，且 `start ≤ end`",
                    )
                    .label(*span, "`span` 有误")
                    .help("写出引文在报告中的字节范围，如 `span = [120, 163]`"),
                );
                None
            }
        },
        (None, Some(quote)) => Some(Evidence {
            span: Span::default(),
            quote: quote.0.clone(),
            value_span: None,
            text_span: None,
        }),
        (None, None) => None,
    };
    Some(FactValue {
        value,
        qualifier,
        evidence,
        origin: Origin::Manual,
    })
}

type ValueError = (Code, String, String);

/// Reads a value written for a fact of type `ty`: `"95"`, `"95%"`, `95`, `"2025-03-24"`, `true`.
fn parse_value(raw: &Raw, ty: FactType) -> Result<Value, ValueError> {
    let bad =
        |problem: &str, help: &str| (Code::FactsBadValue, problem.to_string(), help.to_string());
    let range =
        |problem: &str, help: &str| (Code::FactsOutOfRange, problem.to_string(), help.to_string());
    let text = match raw {
        Raw::Bool(b) if ty == FactType::Flag => return Ok(Value::Flag(*b)),
        Raw::Bool(_) => return Err(bad("此处应为数值，却是 true/false", &example(ty))),
        Raw::Other(kind) => return Err(bad(&format!("{kind}不能作为值"), &example(ty))),
        Raw::Text(t) => t.trim(),
    };
    match ty {
        FactType::Flag => match text {
            "true" => Ok(Value::Flag(true)),
            "false" => Ok(Value::Flag(false)),
            _ => Err(bad("不是 true 或 false", &example(ty))),
        },
        FactType::Date => Date::parse_iso(text)
            .map(Value::Date)
            .ok_or_else(|| bad("不是有效的日期", &example(ty))),
        FactType::Year => match text.parse::<i32>() {
            Ok(y) if (1949..=2100).contains(&y) => Ok(Value::Year(y)),
            Ok(_) => Err(range("年份不在 1949–2100 之间", &example(ty))),
            Err(_) => Err(bad("不是年份", &example(ty))),
        },
        FactType::Percent | FactType::Count | FactType::Amount => {
            let digits = if ty == FactType::Percent {
                text.strip_suffix('%').unwrap_or(text)
            } else {
                text
            };
            let number = decimal(digits).ok_or_else(|| bad("不是数字", &example(ty)))?;
            if number.is_sign_negative() && !number.is_zero() {
                return Err(range("是负数", "数值不能为负"));
            }
            match ty {
                FactType::Percent if !crate::value::rate_in_range(number) => {
                    Err(range("超过 100%", "比率在 0 到 100 之间"))
                }
                FactType::Percent => Ok(Value::Percent(number)),
                FactType::Count if !number.fract().is_zero() => Err(bad("不是整数", &example(ty))),
                FactType::Count => Ok(Value::Count(number)),
                _ => Ok(Value::Amount(number)),
            }
        }
    }
}

/// A plain decimal: optional sign, digits, optional fraction. `Decimal::from_str` alone would
/// accept `1_0` and `.5`.
fn decimal(text: &str) -> Option<Decimal> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(int) || !digits_only(frac) || body.len() > 28 {
        return None;
    }
    Decimal::from_str(text).ok()
}

fn example(ty: FactType) -> String {
    match ty {
        FactType::Percent => {
            "把 0 到 100 之间的比率写成字符串，如 `value = \"99.87\"` 或 `\"100%\"`"
        }
        FactType::Count => "写整数，如 `value = \"368\"`（1.1万写作 `\"11000\"`）",
        FactType::Amount => "以元为单位写成数字字符串，如 `value = \"320000000\"`",
        FactType::Date => "日期写作 `\"2025-03-24\"`",
        FactType::Year => "年份写作 `\"2024\"`",
        FactType::Flag => "写作 `value = true`",
    }
    .to_string()
}

/// What a facts file in JSON looks like, for the help of every JSON shape error.
const JSON_SHAPE: &str = "JSON 事实文件的结构与 `fazhi extract --format json` 的输出相同：`{\"facts\": {id: {\"value\": …}}}`";

/// serde_json's message in Chinese, with where it is ("第 L 行第 C 列"), for callers without a
/// label to show the place.
pub(crate) fn json_problem_in_chinese(e: &serde_json::Error) -> String {
    format!(
        "{}（第 {} 行第 {} 列）",
        parser_detail(&json_problem(e)),
        e.line(),
        e.column()
    )
}

/// serde_json's message without its " at line L column C" (the label shows where).
fn json_problem(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// The TOML and JSON parsers' own English messages in Chinese, phrase by phrase; a phrase not in
/// the table is kept as the parser wrote it rather than guessed at.
fn parser_detail(detail: &str) -> String {
    const PHRASES: [(&str, &str); 29] = [
        ("EOF while parsing a list", "列表没有结束，文件就完了"),
        ("EOF while parsing an object", "对象没有结束，文件就完了"),
        ("EOF while parsing a string", "字符串没有结束，文件就完了"),
        ("EOF while parsing a value", "缺少值，文件就完了"),
        ("expected `,` or `]`", "应为 `,` 或 `]`"),
        ("expected `,` or `}`", "应为 `,` 或 `}`"),
        ("expected `:`", "应为 `:`"),
        ("expected value", "应为一个值"),
        ("expected ident", "应为 `true`、`false` 或 `null`"),
        ("key must be a string", "键必须是字符串"),
        ("trailing comma", "多了结尾的逗号"),
        ("trailing characters", "值后面还有多余的字符"),
        ("invalid escape", "转义序列无效"),
        ("invalid number", "数字无效"),
        ("number out of range", "数字超出范围"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "字符串中有控制字符",
        ),
        ("recursion limit exceeded", "嵌套太深"),
        ("invalid table header", "表头无效"),
        ("invalid key", "键无效"),
        ("invalid string", "字符串无效"),
        ("invalid basic string", "字符串无效"),
        ("invalid literal string", "字符串无效"),
        ("invalid array", "数组无效"),
        ("invalid inline table", "内联表无效"),
        ("invalid integer", "整数无效"),
        ("invalid floating-point number", "数字无效"),
        ("expected", "应为"),
        ("newline", "换行"),
        ("unexpected", "意外的"),
    ];
    detail
        .lines()
        .map(|line| {
            // "duplicate key `k` in table `t`": the names in backticks, reordered.
            let names: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
            match (line.starts_with("duplicate key `"), names.as_slice()) {
                (true, [key, table]) => format!("表 `{table}` 中的键 `{key}` 重复"),
                (true, [key]) => format!("键 `{key}` 重复"),
                _ => PHRASES
                    .iter()
                    .fold(line.to_string(), |out, (english, chinese)| {
                        out.replace(english, chinese)
                    }),
            }
        })
        .collect::<Vec<_>>()
        .join("；")
        .replace("`, `", "`、`")
}

fn span_of(range: Option<std::ops::Range<usize>>) -> Span {
    range.map_or(Span::default(), |r| Span::new(r.start, r.end))
}

fn raw_from_toml(source: &Source, diags: &mut Vec<Diag>) -> Option<(ReportMeta, Vec<RawEntry>)> {
    use toml_edit::{ImDocument, Item, Value as T};
    let doc = match ImDocument::parse(source.text.to_string()) {
        Ok(doc) => doc,
        Err(e) => {
            diags.push(
                Diag::error(
                    Code::FactsParse,
                    format!("不是有效的 TOML：{}", parser_detail(e.message().trim())),
                )
                .label(span_of(e.span()), "此处")
                .help(
                    "事实文件用 TOML 写：先写 `[facts.court_appearance_rate]`，下一行写 `value = \"100\"`",
                ),
            );
            return None;
        }
    };
    let scalar = |value: &T| -> Raw {
        match value {
            T::String(s) => Raw::Text(s.value().clone()),
            T::Integer(i) => Raw::Text(i.value().to_string()),
            T::Float(f) => Raw::Text(f.display_repr().trim().replace('_', "")),
            T::Boolean(b) => Raw::Bool(*b.value()),
            T::Datetime(d) => Raw::Text(d.value().to_string()),
            T::Array(_) => Raw::Other("列表"),
            T::InlineTable(_) => Raw::Other("表"),
        }
    };
    let mut meta = ReportMeta::default();
    if let Some(report) = doc.get("report").and_then(Item::as_table_like) {
        let at = |key: &str| report.get(key).map(|item| span_of(item.span()));
        let text_of = |key: &str, diags: &mut Vec<Diag>| match report.get(key) {
            None => None,
            Some(item) => {
                let text = item.as_str().map(str::to_string);
                if text.is_none() {
                    diags.push(meta_error(key, "不是字符串", at(key)));
                }
                text
            }
        };
        meta.issuer = text_of("issuer", diags);
        meta.file = text_of("file", diags);
        if let Some(year) = report.get("year") {
            meta.year = year
                .as_integer()
                .and_then(|y| i32::try_from(y).ok())
                .filter(|y| YEARS.contains(y));
            if meta.year.is_none() {
                diags.push(meta_error(
                    "year",
                    "不是 1949 至 2100 之间的年份",
                    at("year"),
                ));
            }
        }
    }
    let mut entries = Vec::new();
    let Some(facts) = doc.get("facts") else {
        return Some((meta, entries));
    };
    let Some(table) = facts.as_table_like() else {
        diags.push(
            Diag::error(Code::FactsParse, "`facts` 必须是表")
                .label(span_of(facts.span()), "不是表")
                .help("写成一节节的 `[facts.court_appearance_rate]`"),
        );
        return None;
    };
    for (id, item) in table.iter() {
        let id_span = span_of(table.key(id).and_then(|k| k.span()));
        let whole = span_of(item.span()).max(id_span);
        let mut entry = RawEntry {
            id: id.to_string(),
            id_span,
            value: None,
            qualifier: None,
            quote: None,
            span: None,
            whole,
        };
        match item {
            Item::Value(T::InlineTable(_)) | Item::Table(_) => {
                let Some(fields) = item.as_table_like() else {
                    continue;
                };
                for (key, field) in fields.iter() {
                    let field_span = span_of(field.span());
                    let Some(value) = field.as_value() else {
                        continue;
                    };
                    match key {
                        "value" => entry.value = Some((scalar(value), field_span)),
                        // A qualifier of the wrong kind is shown as written and refused when typed.
                        "qualifier" => {
                            entry.qualifier = Some((
                                value.as_str().map_or_else(
                                    || value.to_string().trim().to_string(),
                                    str::to_string,
                                ),
                                field_span,
                            ))
                        }
                        "quote" => {
                            entry.quote = value.as_str().map(|q| (q.to_string(), field_span))
                        }
                        "span" => {
                            let numbers = value
                                .as_array()
                                .map(|a| a.iter().filter_map(T::as_integer).collect())
                                .unwrap_or_default();
                            entry.span = Some((numbers, field_span));
                        }
                        "occurrence" | "origin" | "note" => {}
                        other => diags.push(unknown_field(
                            other,
                            span_of(fields.key(other).and_then(|k| k.span())),
                        )),
                    }
                }
            }
            Item::Value(value) => entry.value = Some((scalar(value), span_of(value.span()))),
            _ => {}
        }
        entries.push(entry);
    }
    Some((meta, entries))
}

fn raw_from_json(source: &Source, diags: &mut Vec<Diag>) -> Option<(ReportMeta, Vec<RawEntry>)> {
    use serde_json::Value as J;
    let doc: J = match serde_json::from_str(&source.text) {
        Ok(doc) => doc,
        Err(e) => {
            let offset = offset_of_line_col(&source.text, e.line(), e.column());
            diags.push(
                Diag::error(
                    Code::FactsParse,
                    format!("不是有效的 JSON：{}", parser_detail(&json_problem(&e))),
                )
                .label(Span::new(offset, offset + 1), "此处")
                .help(JSON_SHAPE),
            );
            return None;
        }
    };
    let scalar = |value: &J| -> Raw {
        match value {
            J::String(s) => Raw::Text(s.clone()),
            J::Number(n) => Raw::Text(n.to_string()),
            J::Bool(b) => Raw::Bool(*b),
            J::Null => Raw::Other("空值（null）"),
            J::Array(_) => Raw::Other("列表"),
            J::Object(_) => Raw::Other("表"),
        }
    };
    let J::Object(top) = &doc else {
        diags.push(
            Diag::error(Code::FactsParse, "JSON 事实文件应是一个对象")
                .label(Span::new(0, source.text.len()), "不是对象")
                .help(JSON_SHAPE),
        );
        return None;
    };
    // serde_json keeps no positions, and keeps only the last of duplicate keys: the members of
    // each object that matters are found in the text in one pass, so diagnostics point at the
    // value that is wrong and a key written twice is an error, not a silent choice.
    let text = &source.text;
    let members_of = |within: Option<Range<usize>>, diags: &mut Vec<Diag>| -> Members {
        let members = within.map(|w| json_members(text, w)).unwrap_or_default();
        let mut seen: HashSet<&str> = HashSet::new();
        for (key, range, _) in &members {
            if !seen.insert(key.as_str()) {
                diags.push(
                    Diag::error(Code::FactsParse, format!("键 `{key}` 重复出现"))
                        .label(Span::new(range.start, range.end), "第二次出现")
                        .help("JSON 只会保留其中一个：每个键只写一次"),
                );
            }
        }
        members
            .into_iter()
            .map(|(key, k, v)| (key, (Span::new(k.start, k.end), v)))
            .collect()
    };
    let top_members = members_of(Some(0..text.len()), diags);
    for (key, (span, _)) in &top_members {
        if key != "facts" && key != "report" {
            diags.push(
                Diag::warning(Code::FactsParse, format!("未知的键 `{key}`，已忽略"))
                    .label(*span, "已忽略")
                    .help("事实文件只有 `report` 和 `facts` 两部分"),
            );
        }
    }
    let at =
        |members: &Members, key: &str| members.get(key).map(|(_, v)| Span::new(v.start, v.end));
    let report = top.get("report");
    let report_members = members_of(top_members.get("report").map(|(_, v)| v.clone()), diags);
    let mut meta = ReportMeta::default();
    if let Some(report) = report {
        let text_of = |key: &str, diags: &mut Vec<Diag>| match report.get(key) {
            None => None,
            Some(J::String(s)) => Some(s.clone()),
            Some(_) => {
                diags.push(meta_error(key, "不是字符串", at(&report_members, key)));
                None
            }
        };
        meta.issuer = text_of("issuer", diags);
        meta.file = text_of("file", diags);
        meta.year = match report.get("year") {
            None => None,
            Some(y) => {
                let year = y
                    .as_i64()
                    .or_else(|| y.as_str()?.parse().ok())
                    .and_then(|y| i32::try_from(y).ok())
                    .filter(|y| YEARS.contains(y));
                if year.is_none() {
                    diags.push(meta_error(
                        "year",
                        "不是 1949 至 2100 之间的年份",
                        at(&report_members, "year"),
                    ));
                }
                year
            }
        };
    }
    let facts_members = members_of(top_members.get("facts").map(|(_, v)| v.clone()), diags);
    let mut entries = Vec::new();
    if let Some(facts) = top.get("facts").and_then(J::as_object) {
        for (id, item) in facts {
            let (id_span, body) = facts_members
                .get(id.as_str())
                .map_or((Span::default(), None), |(k, v)| (*k, Some(v.clone())));
            let fields = match item {
                J::Object(_) => members_of(body.clone(), diags),
                _ => Members::new(),
            };
            let field_span = |name: &str| at(&fields, name).unwrap_or(id_span);
            let mut entry = RawEntry {
                id: id.clone(),
                id_span,
                value: None,
                qualifier: None,
                quote: None,
                span: None,
                whole: id_span,
            };
            match item {
                J::Object(object) => {
                    // A field of the wrong kind is shown as written and refused when typed.
                    let written = |v: &J| v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    entry.value = object
                        .get("value")
                        .map(|v| (scalar(v), field_span("value")));
                    entry.qualifier = object
                        .get("qualifier")
                        .map(|q| (written(q), field_span("qualifier")));
                    entry.quote = object
                        .get("quote")
                        .and_then(J::as_str)
                        .map(|q| (q.to_string(), field_span("quote")));
                    entry.span = object
                        .get("span")
                        .map(|a| (json_span(a), field_span("span")));
                    for key in object.keys() {
                        if !ENTRY_FIELDS.contains(&key.as_str()) {
                            diags.push(unknown_field(key, field_span(key)));
                        }
                    }
                }
                other => {
                    let span = body.map_or(id_span, |v| Span::new(v.start, v.end));
                    entry.value = Some((scalar(other), span));
                }
            }
            entries.push(entry);
        }
    } else if let Some(span) = at(&top_members, "facts") {
        diags.push(
            Diag::error(Code::FactsParse, "`facts` 应是一个对象")
                .label(span, "不是对象")
                .help("写成 `\"facts\": {\"court_appearance_rate\": {\"value\": \"100\"}}`"),
        );
    }
    Some((meta, entries))
}

/// The members of one JSON object: key → (key span, value range).
type Members = IndexMap<String, (Span, Range<usize>)>;

/// Years a facts file may state.
const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

/// The fields an entry may have; others are warned about and ignored.
const ENTRY_FIELDS: [&str; 7] = [
    "value",
    "qualifier",
    "quote",
    "span",
    "occurrence",
    "origin",
    "note",
];

fn unknown_field(key: &str, span: Span) -> Diag {
    Diag::warning(Code::FactsParse, format!("未知字段 `{key}`，已忽略"))
        .label(span, "已忽略")
        .help("条目可有的字段为 `value`、`qualifier`、`quote` 和 `span`")
}

/// A `[report]` field of the wrong kind.
fn meta_error(key: &str, problem: &str, span: Option<Span>) -> Diag {
    Diag::error(Code::FactsBadValue, format!("`report.{key}` {problem}"))
        .label(span.unwrap_or_default(), problem)
        .help("`[report]` 中 `file`、`issuer` 为字符串，`year` 为年份，如 `year = 2024`")
}

/// A JSON span as numbers; anything else gives an empty list, which is refused when typed.
fn json_span(value: &serde_json::Value) -> Vec<i64> {
    match value.as_array() {
        Some(items) if items.iter().all(serde_json::Value::is_i64) => {
            items.iter().filter_map(serde_json::Value::as_i64).collect()
        }
        _ => Vec::new(),
    }
}

/// Every member directly inside the JSON object at `within`, in order: the key (unescaped), its
/// range and its value's range. One pass over the object; the text is valid JSON (serde_json
/// read it first), so a malformed shape only ends the list early.
fn json_members(text: &str, within: Range<usize>) -> Vec<(String, Range<usize>, Range<usize>)> {
    let bytes = text.as_bytes();
    let end = within.end.min(bytes.len());
    let skip = |mut at: usize, also: &[u8]| {
        while at < end && (bytes[at].is_ascii_whitespace() || also.contains(&bytes[at])) {
            at += 1;
        }
        at
    };
    let mut members = Vec::new();
    let mut at = skip(within.start, &[]);
    if bytes.get(at) != Some(&b'{') {
        return members;
    }
    at += 1;
    loop {
        at = skip(at, b",");
        if at >= end || bytes[at] != b'"' {
            return members;
        }
        let Some(key_end) = json_value_end(bytes, at).filter(|e| *e <= end) else {
            return members;
        };
        let key = serde_json::from_str::<String>(&text[at..key_end])
            .unwrap_or_else(|_| text[at..key_end].to_string());
        let value = skip(key_end, b":");
        let Some(value_end) = json_value_end(bytes, value).map(|e| e.min(end)) else {
            return members;
        };
        members.push((key, at..key_end, value..value_end));
        at = value_end;
    }
}

/// Where the JSON value starting at `start` ends (exclusive).
fn json_value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => {
            let mut at = start + 1;
            while at < bytes.len() {
                match bytes[at] {
                    b'\\' => at += 2,
                    b'"' => return Some(at + 1),
                    _ => at += 1,
                }
            }
            None
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = start;
            while at < bytes.len() {
                match bytes[at] {
                    b'"' => {
                        at = json_value_end(bytes, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            None
        }
        _ => Some(
            bytes[start..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                .map_or(bytes.len(), |n| start + n),
        ),
    }
}

fn offset_of_line_col(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// Checks hand-written evidence against the report: every quote must be the text at its span.
/// A quote without a span is located by search. Errors label the quote in the facts file and,
/// for a wrong span, the place in the report it points at.
pub fn check_evidence(facts: &mut Facts, report: &Source, facts_source: &Source) -> Vec<Diag> {
    let mut diags = Vec::new();
    for (id, fact) in facts.values.iter_mut() {
        let Some(evidence) = fact.evidence.as_mut() else {
            continue;
        };
        let written = facts.written_at.get(id).copied().unwrap_or_default();
        let at_span = report.text.get(evidence.span.start..evidence.span.end);
        if evidence.span == Span::default() && !evidence.quote.is_empty() {
            match report.text.find(&evidence.quote) {
                Some(start) => evidence.span = Span::new(start, start + evidence.quote.len()),
                None => diags.push(
                    Diag::error(Code::FactsBadSpan, format!("`{id}` 的引文不在报告中"))
                        .in_source(facts_source)
                        .label(written, "报告中找不到")
                        .help(format!("从 `{}` 原样复制引文", report.name)),
                ),
            }
        } else if at_span != Some(evidence.quote.as_str()) && !evidence.quote.is_empty() {
            let found = at_span.map_or("报告范围之外".to_string(), |t| {
                format!("`{}`", t.chars().take(40).collect::<String>())
            });
            let there = Diag::advice(
                Code::FactsBadSpan,
                format!("`span` 指向 `{}` 的此处", report.name),
            )
            .in_source(report)
            .label(evidence.span, "`span` 指向此处");
            diags.push(
                Diag::error(Code::FactsBadSpan, format!("`{id}` 的 `span` 处不是它的引文：报告在该处是 {found}"))
                    .in_source(facts_source)
                    .label(written, "此引文")
                    .related(there)
                    .help(format!("把 `span` 改为 `{}` 在报告中的字节范围（可用 reports-fixtures/label_spans.py 计算）", evidence.quote)),
            );
        } else if evidence.quote.is_empty() {
            evidence.quote = at_span.unwrap_or_default().to_string();
        }
    }
    diags
}
