//! Spans, source files and the one diagnostic type every stage reports with.
//!
//! Each problem fazhi finds in user input is a [`Diag`]: a stable [`Code`], a short message, a
//! label on the offending span of a named source, and help. Stages collect them in a `Vec` and
//! carry on, so a user sees every problem in a file at once.

use std::fmt;
use std::sync::{Arc, OnceLock};

use miette::{LabeledSpan, NamedSource, Severity, SourceSpan};

/// A byte range in one source text. Line and column are computed only when printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// Clamped into `len` and at least one byte wide where the text allows, because miette hides a
    /// snippet whose label is out of bounds and drops zero-length labels at the end of a file.
    pub fn to_source_span(self, text: &str) -> SourceSpan {
        let len = text.len();
        let mut start = self.start.min(len);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = self.end.clamp(start, len);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end == start {
            if let Some(c) = text[start..].chars().next() {
                end = start + c.len_utf8();
            } else if let Some(c) = text[..start].chars().next_back() {
                start -= c.len_utf8();
            }
        }
        SourceSpan::from(start..end)
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(span: pest::Span<'_>) -> Span {
        Span::new(span.start(), span.end())
    }
}

/// A named text that spans point into: a `.fz` file, a facts file, a report.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: Arc<str>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// Every diagnostic code fazhi emits. The string forms are a contract: docs/diagnostics.md lists
/// them all (a test keeps it complete), and users search for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    SyntaxParse,
    SyntaxUnterminatedString,
    SyntaxFullwidth,
    SyntaxBadLiteral,
    SyntaxTooComplex,
    CheckMissingRuleset,
    CheckDuplicateRuleset,
    CheckDuplicateId,
    CheckDuplicateEntry,
    CheckUnknownFact,
    CheckUnknownRule,
    CheckUnknownGrade,
    CheckUnknownFunction,
    CheckArity,
    CheckTypeMismatch,
    CheckMissingEntry,
    CheckWeights,
    CheckPointsExceedSection,
    CheckThresholdOrder,
    CheckTestPoints,
    CheckGrades,
    CheckTemplate,
    CheckPattern,
    CheckEffective,
    CheckCoverage,
    CheckScoringModel,
    CheckSharedDeduction,
    CheckAmbiguousPattern,
    CheckExample,
    CheckDerived,
    CheckOverlay,
    CheckUnreachableTier,
    CheckUnguardedDivision,
    CheckConstantCondition,
    CheckUnusedFact,
    CheckDuplicateTest,
    FactsParse,
    FactsUnknownFact,
    FactsBadValue,
    FactsOutOfRange,
    FactsBadSpan,
    FactsReport,
    ExtractConflict,
    ScoreOutsideEffective,
    ScoreNotAReport,
    ScoreRuleFail,
    ScoreRulePartial,
    ScoreRuleUnknown,
    ScoreRulePass,
    ScoreRuleNotApplicable,
    TestFailed,
    CliIo,
    CliUsage,
    CliMoreDiagnostics,
    FmtInternal,
    LspProtocol,
    ReadEmpty,
    ReadBinary,
    ReadTooLarge,
    ReadBadEncoding,
    ReadBadDocx,
    ReadDocxTooLarge,
    ReadIo,
    ServeExposed,
    ServeBind,
    ServeRequest,
    ServeBusy,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::SyntaxParse,
        Code::SyntaxUnterminatedString,
        Code::SyntaxFullwidth,
        Code::SyntaxBadLiteral,
        Code::SyntaxTooComplex,
        Code::CheckMissingRuleset,
        Code::CheckDuplicateRuleset,
        Code::CheckDuplicateId,
        Code::CheckDuplicateEntry,
        Code::CheckUnknownFact,
        Code::CheckUnknownRule,
        Code::CheckUnknownGrade,
        Code::CheckUnknownFunction,
        Code::CheckArity,
        Code::CheckTypeMismatch,
        Code::CheckMissingEntry,
        Code::CheckWeights,
        Code::CheckPointsExceedSection,
        Code::CheckThresholdOrder,
        Code::CheckTestPoints,
        Code::CheckGrades,
        Code::CheckTemplate,
        Code::CheckPattern,
        Code::CheckEffective,
        Code::CheckCoverage,
        Code::CheckScoringModel,
        Code::CheckSharedDeduction,
        Code::CheckAmbiguousPattern,
        Code::CheckExample,
        Code::CheckDerived,
        Code::CheckOverlay,
        Code::CheckUnreachableTier,
        Code::CheckUnguardedDivision,
        Code::CheckConstantCondition,
        Code::CheckUnusedFact,
        Code::CheckDuplicateTest,
        Code::FactsParse,
        Code::FactsUnknownFact,
        Code::FactsBadValue,
        Code::FactsOutOfRange,
        Code::FactsBadSpan,
        Code::FactsReport,
        Code::ExtractConflict,
        Code::ScoreOutsideEffective,
        Code::ScoreNotAReport,
        Code::ScoreRuleFail,
        Code::ScoreRulePartial,
        Code::ScoreRuleUnknown,
        Code::ScoreRulePass,
        Code::ScoreRuleNotApplicable,
        Code::TestFailed,
        Code::CliIo,
        Code::CliUsage,
        Code::CliMoreDiagnostics,
        Code::FmtInternal,
        Code::LspProtocol,
        Code::ReadEmpty,
        Code::ReadBinary,
        Code::ReadTooLarge,
        Code::ReadBadEncoding,
        Code::ReadBadDocx,
        Code::ReadDocxTooLarge,
        Code::ReadIo,
        Code::ServeExposed,
        Code::ServeBind,
        Code::ServeRequest,
        Code::ServeBusy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::SyntaxParse => "fazhi::syntax::parse",
            Code::SyntaxUnterminatedString => "fazhi::syntax::unterminated-string",
            Code::SyntaxFullwidth => "fazhi::syntax::fullwidth-punctuation",
            Code::SyntaxBadLiteral => "fazhi::syntax::bad-literal",
            Code::SyntaxTooComplex => "fazhi::syntax::too-complex",
            Code::CheckMissingRuleset => "fazhi::check::missing-ruleset",
            Code::CheckDuplicateRuleset => "fazhi::check::duplicate-ruleset",
            Code::CheckDuplicateId => "fazhi::check::duplicate-id",
            Code::CheckDuplicateEntry => "fazhi::check::duplicate-entry",
            Code::CheckUnknownFact => "fazhi::check::unknown-fact",
            Code::CheckUnknownRule => "fazhi::check::unknown-rule",
            Code::CheckUnknownGrade => "fazhi::check::unknown-grade",
            Code::CheckUnknownFunction => "fazhi::check::unknown-function",
            Code::CheckArity => "fazhi::check::arity",
            Code::CheckTypeMismatch => "fazhi::check::type-mismatch",
            Code::CheckMissingEntry => "fazhi::check::missing-entry",
            Code::CheckWeights => "fazhi::check::weights",
            Code::CheckPointsExceedSection => "fazhi::check::points-exceed-section",
            Code::CheckThresholdOrder => "fazhi::check::threshold-order",
            Code::CheckTestPoints => "fazhi::check::test-points",
            Code::CheckGrades => "fazhi::check::grades",
            Code::CheckTemplate => "fazhi::check::template",
            Code::CheckPattern => "fazhi::check::pattern",
            Code::CheckEffective => "fazhi::check::effective",
            Code::CheckCoverage => "fazhi::check::coverage",
            Code::CheckScoringModel => "fazhi::check::scoring-model",
            Code::CheckSharedDeduction => "fazhi::check::shared-deduction",
            Code::CheckAmbiguousPattern => "fazhi::check::ambiguous-pattern",
            Code::CheckExample => "fazhi::check::example",
            Code::CheckDerived => "fazhi::check::derived",
            Code::CheckOverlay => "fazhi::check::overlay",
            Code::CheckUnreachableTier => "fazhi::check::unreachable-tier",
            Code::CheckUnguardedDivision => "fazhi::check::unguarded-division",
            Code::CheckConstantCondition => "fazhi::check::constant-condition",
            Code::CheckUnusedFact => "fazhi::check::unused-fact",
            Code::CheckDuplicateTest => "fazhi::check::duplicate-test",
            Code::FactsParse => "fazhi::facts::parse",
            Code::FactsUnknownFact => "fazhi::facts::unknown-fact",
            Code::FactsBadValue => "fazhi::facts::bad-value",
            Code::FactsOutOfRange => "fazhi::facts::out-of-range",
            Code::FactsBadSpan => "fazhi::facts::bad-span",
            Code::FactsReport => "fazhi::facts::report",
            Code::ExtractConflict => "fazhi::extract::conflict",
            Code::ScoreOutsideEffective => "fazhi::score::outside-effective",
            Code::ScoreNotAReport => "fazhi::score::not-a-report",
            Code::ScoreRuleFail => "fazhi::score::fail",
            Code::ScoreRulePartial => "fazhi::score::partial",
            Code::ScoreRuleUnknown => "fazhi::score::no-evidence",
            Code::ScoreRulePass => "fazhi::score::pass",
            Code::ScoreRuleNotApplicable => "fazhi::score::not-applicable",
            Code::TestFailed => "fazhi::test::failed",
            Code::CliIo => "fazhi::cli::io",
            Code::CliUsage => "fazhi::cli::usage",
            Code::CliMoreDiagnostics => "fazhi::cli::more-diagnostics",
            Code::FmtInternal => "fazhi::fmt::internal",
            Code::LspProtocol => "fazhi::lsp::protocol",
            Code::ReadEmpty => "fazhi::read::empty",
            Code::ReadBinary => "fazhi::read::binary",
            Code::ReadTooLarge => "fazhi::read::too-large",
            Code::ReadBadEncoding => "fazhi::read::bad-encoding",
            Code::ReadBadDocx => "fazhi::read::bad-docx",
            Code::ReadDocxTooLarge => "fazhi::read::docx-too-large",
            Code::ReadIo => "fazhi::read::io",
            Code::ServeExposed => "fazhi::serve::exposed",
            Code::ServeBind => "fazhi::serve::bind",
            Code::ServeRequest => "fazhi::serve::request",
            Code::ServeBusy => "fazhi::serve::busy",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem or finding, with its code, message, labels in one source, help and related
/// diagnostics (each with its own source, e.g. the rule in its `.fz` file and the evidence in the
/// report).
#[derive(Debug, Clone)]
pub struct Diag {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The source and labels as miette shows them, built on first use (see [`Shown`]).
    shown: OnceLock<Option<Shown>>,
    source_text: Option<Arc<str>>,
    source_name: String,
    /// Whether `source_name` already says where the text is (an evidence window).
    named_position: bool,
    labels: Vec<(Span, String)>,
    pub help: Option<String>,
    related: Vec<Diag>,
}

impl Diag {
    pub fn error(code: Code, message: impl Into<String>) -> Diag {
        Diag::new(code, Severity::Error, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diag {
        Diag::new(code, Severity::Warning, message)
    }

    pub fn advice(code: Code, message: impl Into<String>) -> Diag {
        Diag::new(code, Severity::Advice, message)
    }

    pub fn new(code: Code, severity: Severity, message: impl Into<String>) -> Diag {
        Diag {
            code,
            severity,
            message: message.into(),
            shown: OnceLock::new(),
            source_text: None,
            source_name: String::new(),
            named_position: false,
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
        }
    }

    /// Attaches the source that this diagnostic's labels point into.
    pub fn in_source(mut self, source: &Source) -> Diag {
        self.source_name = source.name.clone();
        self.source_text = Some(Arc::clone(&source.text));
        self.named_position = false;
        self.shown = OnceLock::new();
        self
    }

    /// Like [`Diag::in_source`] for a window of a larger text, whose name says where it is.
    pub fn in_named_source(mut self, name: String, text: Arc<str>) -> Diag {
        self.source_name = name;
        self.source_text = Some(text);
        self.named_position = true;
        self.shown = OnceLock::new();
        self
    }

    /// A label on `span`; the first label added is the primary one. Spans are clamped to the
    /// source when rendered, so the order of `label` and `in_source` calls does not matter.
    pub fn label(mut self, span: Span, text: impl Into<String>) -> Diag {
        self.labels.push((span, text.into()));
        self.shown = OnceLock::new();
        self
    }

    /// Attaches a window of `report` around `span` and labels it (on `underline`, the value, when
    /// it lies inside). Report paragraphs are often 500–800 characters on one line and miette
    /// never shortens a line, so the window is cut to ±30 characters inside the line, and the real
    /// line and character column go in the source name.
    pub fn in_window(
        self,
        report: &Source,
        span: Span,
        underline: Option<Span>,
        label: &str,
    ) -> Diag {
        let (window, marked) = window(&report.text, span, underline);
        self.in_named_source(
            format!("{}{}", report.name, position(&report.text, span.start)),
            Arc::from(window),
        )
        .label(marked, label)
    }

    /// As [`Diag::in_window`], located at `span` in the file `report` but showing `shown_span` of
    /// `shown`: a web page's article text, where the file itself is markup no reader wants.
    pub fn in_window_of(
        self,
        report: &Source,
        span: Span,
        shown: &Source,
        shown_span: Span,
        label: &str,
    ) -> Diag {
        let (window, marked) = window(&shown.text, shown_span, None);
        self.in_named_source(
            format!("{}{}", report.name, position(&report.text, span.start)),
            Arc::from(window),
        )
        .label(marked, label)
    }

    /// What miette is given, built once: the source named with the primary label's line and
    /// character column (miette's own header counts bytes, which is wrong for CJK text), control
    /// characters made harmless, and, when a labelled line is long, only windows of it.
    fn shown(&self) -> Option<&Shown> {
        self.shown
            .get_or_init(|| {
                let text = self.source_text.as_ref()?;
                let name = match self.labels.first() {
                    Some((span, _)) if !self.named_position => {
                        let at = floor_boundary(text, span.start);
                        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                        let line = text.as_bytes()[..at]
                            .iter()
                            .filter(|b| **b == b'\n')
                            .count()
                            + 1;
                        let column = text[line_start..at].chars().count() + 1;
                        format!("{}:{line}:{column}", self.source_name)
                    }
                    _ => self.source_name.clone(),
                };
                let (text, labels) = excerpt(text, &self.labels);
                let labels = labels
                    .into_iter()
                    .map(|(span, label)| (span.to_source_span(&text), harmless(&label)))
                    .collect();
                Some(Shown {
                    source: NamedSource::new(harmless(&name), text).with_language("fazhi"),
                    labels,
                })
            })
            .as_ref()
    }

    /// The name of the source the labels point into (a file name, or a window's name).
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, other: Diag) -> Diag {
        self.related.push(other);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The primary label's span, for tests and machine formats.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|(span, _)| *span)
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&harmless(&self.message))
    }
}

/// A diagnostic's source and labels as given to miette.
#[derive(Debug, Clone)]
struct Shown {
    source: NamedSource<Arc<str>>,
    labels: Vec<(SourceSpan, String)>,
}

/// A labelled line longer than this many characters is shown only in windows around its labels:
/// miette never shortens a line, and panics on a column past 65,535.
const LONG_LINE_CHARS: usize = 300;
/// Characters kept on each side of a label in a window of a long line.
const WINDOW_CHARS: usize = 30;

fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The text miette is given and the labels shifted into it. Unchanged (with control characters
/// made harmless) when every labelled line is short; otherwise one line per window of ±30
/// characters around each label (overlapping windows merged), with `…` where a line was cut.
/// Work is bounded by the windows and the labelled lines, never by the whole file per label.
fn excerpt(text: &str, labels: &[(Span, String)]) -> (Arc<str>, Vec<(Span, String)>) {
    let line_of = |at: usize| {
        let at = floor_boundary(text, at);
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        (start, end)
    };
    let is_long = |(start, end): (usize, usize)| {
        end - start > LONG_LINE_CHARS && text[start..end].chars().nth(LONG_LINE_CHARS).is_some()
    };
    // miette shows the line before and after a label too.
    let long = labels.iter().any(|(span, _)| {
        let (start, end) = line_of(span.start);
        is_long((start, end))
            || (start > 0 && is_long(line_of(start - 1)))
            || (end < text.len() && is_long(line_of(end + 1)))
    });
    if !long {
        return (Arc::from(harmless_same_length(text)), labels.to_vec());
    }
    // Windows in text order, each clamped to its label's line, overlapping ones merged.
    let mut windows: Vec<(usize, usize, usize, usize)> = labels
        .iter()
        .map(|(span, _)| {
            let start = floor_boundary(text, span.start);
            let end = ceil_boundary(text, span.end.max(span.start)).min(start + 4 * WINDOW_CHARS);
            let end = ceil_boundary(text, end);
            let (line_start, _) = line_of(start);
            let (_, line_end) = line_of(end.max(start));
            let from = text[line_start..start]
                .char_indices()
                .rev()
                .nth(WINDOW_CHARS - 1)
                .map_or(line_start, |(i, _)| line_start + i);
            let to = text[end.min(line_end)..line_end]
                .char_indices()
                .nth(WINDOW_CHARS)
                .map_or(line_end, |(i, _)| end.min(line_end) + i);
            (from, to, line_start, line_end)
        })
        .collect();
    windows.sort_unstable();
    let mut merged: Vec<(usize, usize, usize, usize)> = Vec::new();
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.0 <= last.1 => {
                last.1 = last.1.max(w.1);
                last.3 = last.3.max(w.3);
            }
            _ => merged.push(w),
        }
    }
    let mut shown = String::new();
    // (original start, original end, shown start) of each window, to shift the labels.
    let mut shifts = Vec::new();
    for (n, (from, to, line_start, line_end)) in merged.iter().enumerate() {
        if n > 0 {
            shown.push('\n');
        }
        if from > line_start {
            shown.push('…');
        }
        shifts.push((*from, *to, shown.len()));
        shown.push_str(&harmless_same_length(&text[*from..*to]));
        if to < line_end {
            shown.push('…');
        }
    }
    let labels = labels
        .iter()
        .map(|(span, label)| {
            let start = floor_boundary(text, span.start);
            let end = ceil_boundary(text, span.end.max(start));
            let shifted = shifts
                .iter()
                .find(|(from, to, _)| start >= *from && start <= *to)
                .map_or(Span::new(0, 0), |(from, to, at)| {
                    Span::new(start - from + at, end.min(*to) - from + at)
                });
            (shifted, label.clone())
        })
        .collect();
    (Arc::from(shown), labels)
}

/// Control characters (the start of every terminal escape sequence among them) replaced by `�`,
/// for text that reaches a terminal; tabs, line feeds and carriage returns stay.
pub fn harmless(text: &str) -> String {
    if !text.chars().any(is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| if is_control(c) { '\u{FFFD}' } else { c })
        .collect()
}

/// Like [`harmless`] but keeping every byte offset: each control character becomes as many
/// spaces as its UTF-8 length, so spans still point at the same text.
fn harmless_same_length(text: &str) -> String {
    if !text.chars().any(is_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_control(c) {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\t' | '\r')
}

impl std::error::Error for Diag {}

impl miette::Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(harmless(h)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.shown().map(|s| &s.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let shown = self.shown()?;
        if shown.labels.is_empty() {
            return None;
        }
        Some(Box::new(shown.labels.iter().enumerate().map(
            |(i, (span, label))| {
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(label.clone()), *span)
                } else {
                    LabeledSpan::new_with_span(Some(label.clone()), *span)
                }
            },
        )))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}

/// Levenshtein distance over chars, for [`did_you_mean`] suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Why an operation on a file or socket failed, in Chinese: the operating system's own message
/// (English on most machines) is kept only for kinds without a translation.
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let reason = match error.kind() {
        ErrorKind::NotFound => "文件或目录不存在",
        ErrorKind::PermissionDenied => "没有权限",
        ErrorKind::AlreadyExists => "已存在",
        ErrorKind::IsADirectory => "这是一个目录",
        ErrorKind::NotADirectory => "路径中有一部分不是目录",
        ErrorKind::InvalidData => "内容不是有效的 UTF-8 文字",
        ErrorKind::UnexpectedEof => "文件意外结束",
        ErrorKind::AddrInUse => "地址已被占用",
        ErrorKind::AddrNotAvailable => "本机没有这个地址",
        ErrorKind::ReadOnlyFilesystem => "文件系统是只读的",
        ErrorKind::StorageFull => "磁盘已满",
        ErrorKind::FileTooLarge => "文件太大",
        ErrorKind::TimedOut => "超时",
        ErrorKind::Interrupted => "被中断",
        ErrorKind::OutOfMemory => "内存不足",
        _ => return error.to_string(),
    };
    reason.to_string()
}

/// The help line that proposes a near name: 「你是不是想写 `x`？」.
pub fn did_you_mean(name: &str) -> String {
    format!("你是不是想写 `{name}`？")
}

/// The closest candidate within a third of the name's length, for [`did_you_mean`].
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    candidates
        .into_iter()
        // The distance is at least the difference in length: skip the candidates it rules out.
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `:LINE:COLUMN` of byte `at` in `text`, the column in characters.
fn position(text: &str, at: usize) -> String {
    let at = floor_boundary(text, at.min(text.len()));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() + 1;
    let column = text[line_start..at].chars().count() + 1;
    format!(":{line}:{column}")
}

/// Up to 30 characters each side of `span` within its line, with `…` where the line goes on,
/// and the span (or `underline`, when it lies inside the window) in the window's coordinates.
fn window(text: &str, span: Span, underline: Option<Span>) -> (String, Span) {
    const WINDOW_CHARS: usize = 30;
    let start = floor_boundary(text, span.start.min(text.len()));
    let end = floor_boundary(text, span.end.min(text.len())).max(start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(WINDOW_CHARS - 1)
        .map_or(0, |(i, _)| i)
        .max(line_start);
    let to = text[end..]
        .char_indices()
        .nth(WINDOW_CHARS)
        .map_or(text.len(), |(i, _)| end + i)
        .min(line_end);
    let mut window = String::new();
    if from > line_start {
        window.push('…');
    }
    let shift = window.len();
    window.push_str(&text[from..to]);
    if to < line_end {
        window.push('…');
    }
    let marked = underline
        .filter(|u| u.start >= from && u.end <= to && u.start <= u.end)
        .unwrap_or(Span::new(start, end));
    (
        window,
        Span::new(marked.start - from + shift, marked.end - from + shift),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        let names = [
            "court_appearance_rate",
            "mediation_cases",
            "legal_aid_cases",
        ];
        assert_eq!(
            suggest("court_apearance_rate", names),
            Some("court_appearance_rate")
        );
        assert_eq!(suggest("legal_aid_case", names), Some("legal_aid_cases"));
        assert_eq!(suggest("zzz", names), None);
    }

    #[test]
    fn spans_are_clamped_to_char_boundaries_and_never_empty() {
        let text = "出庭率";
        assert_eq!(Span::new(1, 2).to_source_span(text), SourceSpan::from(0..3));
        assert_eq!(Span::new(9, 9).to_source_span(text), SourceSpan::from(6..9));
        assert_eq!(Span::new(3, 3).to_source_span(text), SourceSpan::from(3..6));
    }
}
