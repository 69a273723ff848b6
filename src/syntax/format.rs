//! `fazhi fmt`: one canonical layout for `.fz` files.
//!
//! The layout is driven by the parse tree, not by the syntax tree, because the syntax tree drops
//! comments and the order of clauses. Every grammar rule has a [`Layout`]: a top-level item, a
//! clause on its own line, or a run of words inside a line. A new construct in the grammar is one
//! more arm in [`layout`] (a new clause kind is `Layout::Clause`); everything else (keywords,
//! strings, expressions) flows onto the line of the clause that holds it.
//!
//! Literal punctuation (`{`, `}`, `=>`, `..`, `(`…) and comments produce no pest pairs: they are
//! read from the text between pairs by [`Formatter::lex_until`]. Words are copied verbatim
//! (strings keep their escapes, numbers their digits), so formatting never changes meaning; the
//! result is parsed again and compared with the original tree before it is returned.
//!
//! The layout: four spaces per level; one clause per line; a blank line between top-level items
//! and between rules; an author's blank line kept (at most one) where a line starts anyway; no
//! blank line after `{` or before `}`; `{}` for an empty body; one space between words, none
//! inside parentheses, before `,`, or between a function and its `(`; a trailing comment after
//! one space; every line without trailing spaces and the file ending in one newline.

use pest::iterators::Pair;
use pest::Parser as _;

use super::ast::{File, FileId};
use super::names::is_keyword;
use super::parser::{FazhiParser, Rule};
use crate::diagnostic::{Code, Diag, Source, Span};

const INDENT: &str = "    ";

/// Where a grammar rule's text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// A top-level item: starts a line, after a blank line.
    Item,
    /// A clause inside `{ … }`: starts a line; `blank` puts a blank line before it unless it is
    /// the first thing in its block (rules, which are long, are kept apart).
    Clause { blank: bool },
    /// A clause whose body `{ … }` stays on its line, its clauses two spaces apart, when it holds
    /// at most `up_to` of them and no comment: `given { a = 1  b = true }`.
    ShortClause { up_to: usize },
    /// Words on the current line (keywords, names, strings, expressions, bodies).
    Flow,
}

/// The layout of each grammar rule. Adding a construct to the grammar means adding its arm here
/// when it starts a line of its own; rules not listed flow onto the line of their clause.
fn layout(rule: Rule) -> Layout {
    match rule {
        Rule::ruleset
        | Rule::overlay
        | Rule::fact_decl
        | Rule::derived_decl
        | Rule::section
        | Rule::extension
        | Rule::test_block => Layout::Item,
        Rule::rule_decl => Layout::Clause { blank: true },
        Rule::given => Layout::ShortClause { up_to: 5 },
        Rule::title_entry
        | Rule::source_entry
        | Rule::effective_entry
        | Rule::version_entry
        | Rule::total_entry
        | Rule::grade_entry
        | Rule::no_evidence_entry
        | Rule::credit_entry
        | Rule::combine_entry
        | Rule::statutory_entry
        | Rule::pattern_entry
        | Rule::scope_entry
        | Rule::example_entry
        | Rule::counterexample_entry
        | Rule::set_points
        | Rule::set_weight
        | Rule::disable_entry
        | Rule::note_entry
        | Rule::mention_entry
        | Rule::issuers_entry
        | Rule::cite_entry
        | Rule::points_entry
        | Rule::applies_entry
        | Rule::require_entry
        | Rule::partial_entry
        | Rule::deduct_entry
        | Rule::missing_entry
        | Rule::explain_entry
        | Rule::help_entry
        | Rule::tier
        | Rule::given_fact
        | Rule::expect_total
        | Rule::expect_grade
        | Rule::expect_rule => Layout::Clause { blank: false },
        _ => Layout::Flow,
    }
}

/// Grammar rules printed verbatim as one word. Other rules without inner pairs (an empty fact
/// body) are read as punctuation.
fn is_word(rule: Rule) -> bool {
    is_keyword(rule)
        || matches!(
            rule,
            Rule::string
                | Rule::ident
                | Rule::function_name
                | Rule::number_lit
                | Rule::percent_lit
                | Rule::date_lit
                | Rule::compare_op
                | Rule::add_op
                | Rule::mul_op
        )
}

/// The canonical layout of one source. A source with a syntax error (or any error found while
/// parsing, such as an impossible date) is not formatted: its diagnostics are returned instead.
pub fn format(source: &Source) -> Result<String, Vec<Diag>> {
    let original = parsed(source)?;
    let text: &str = &source.text;
    let file = FazhiParser::parse(Rule::file, text)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .ok_or_else(|| vec![internal(source, "文件第一次能解析，第二次不能")])?;
    let mut formatter = Formatter {
        text,
        pos: 0,
        printer: Printer::default(),
        newlines: 0,
    };
    formatter.walk(file);
    formatter.lex_until(text.len());
    let formatted = formatter.printer.finish();
    // The guard that formatting never changes meaning: the tree of the result, spans aside, is
    // the tree of the original.
    let again = parsed(&Source::new(source.name.clone(), formatted.as_str()))
        .map_err(|_| vec![internal(source, "格式化后的文本无法解析")])?;
    if without_spans(&again) != without_spans(&original) {
        return Err(vec![internal(source, "格式化后的文本含义变了")]);
    }
    Ok(formatted)
}

/// The syntax tree of a source, or its error diagnostics.
fn parsed(source: &Source) -> Result<File, Vec<Diag>> {
    let mut diags = Vec::new();
    let file = super::parse(FileId(0), source, &mut diags);
    diags.retain(Diag::is_error);
    match file {
        Some(file) if diags.is_empty() => Ok(file),
        _ => Err(diags),
    }
}

/// A syntax tree's debug form with every span blanked: equal for two texts that mean the same.
pub fn without_spans(file: &File) -> String {
    let debug = format!("{file:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span { start: ") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find('}').map_or(rest.len(), |i| i + 1);
        out.push_str("Span");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn internal(source: &Source, what: &str) -> Diag {
    Diag::error(Code::FmtInternal, format!("格式化出错：{what}，文件未改动"))
        .label(Span::new(0, 0), "此文件")
        .help("这是 fazhi 的缺陷，请附上此文件报告")
        .in_source(source)
}

/// Walks the parse tree in text order, reading punctuation and comments between pairs.
struct Formatter<'t> {
    text: &'t str,
    /// How far the text has been read.
    pos: usize,
    printer: Printer,
    /// Line breaks in the text since the last word or comment, so that an author's blank line
    /// can be kept.
    newlines: usize,
}

impl Formatter<'_> {
    fn walk(&mut self, pair: Pair<'_, Rule>) {
        let rule = pair.as_rule();
        let span = pair.as_span();
        match layout(rule) {
            Layout::Item => self.printer.request(Break::Blank),
            Layout::Clause { blank: true } => self.printer.request(Break::Blank),
            Layout::Clause { blank: false } => self.printer.request(Break::Line),
            Layout::ShortClause { .. } => self.printer.request(Break::Line),
            Layout::Flow => {}
        }
        let short = match layout(rule) {
            Layout::ShortClause { up_to } => {
                let clauses = pair
                    .clone()
                    .into_inner()
                    .filter(|p| layout(p.as_rule()) != Layout::Flow);
                clauses.count() <= up_to && !span.as_str().contains("//")
            }
            _ => false,
        };
        if is_word(rule) {
            self.lex_until(span.start());
            self.word(span.as_str(), Some(rule));
            self.pos = span.end();
            return;
        }
        self.printer.inline += usize::from(short);
        for child in pair.into_inner() {
            self.walk(child);
        }
        self.lex_until(span.end());
        self.printer.inline -= usize::from(short);
    }

    /// Reads the text from the current position to `end`, which holds only whitespace, comments
    /// and literal punctuation, and prints the comments and punctuation.
    fn lex_until(&mut self, end: usize) {
        while self.pos < end {
            let rest = &self.text[self.pos..end];
            let Some(c) = rest.chars().next() else {
                break;
            };
            if rest.starts_with("//") {
                let len = rest.find('\n').unwrap_or(rest.len());
                let own_line = self.newlines > 0 || self.printer.at_file_start();
                self.printer
                    .comment(rest[..len].trim_end(), own_line, self.newlines > 1);
                self.newlines = 0;
                self.pos += len;
            } else if is_whitespace(c) {
                if c == '\n' {
                    self.newlines += 1;
                }
                self.pos += c.len_utf8();
            } else {
                let token = punctuation(rest);
                let len = token.len();
                // `{` followed by nothing but whitespace and `}`: an empty body, printed `{}`.
                let empty_body = (token == "{")
                    .then(|| rest[1..].trim_start_matches(is_whitespace))
                    .filter(|after| after.starts_with('}'))
                    .map(|after| rest.len() - after.len() + 1);
                match empty_body {
                    Some(len) => {
                        self.word("{}", None);
                        self.pos += len;
                    }
                    None => {
                        self.word(token, None);
                        self.pos += len;
                    }
                }
            }
        }
    }

    fn word(&mut self, text: &str, rule: Option<Rule>) {
        let blank = self.newlines > 1;
        self.newlines = 0;
        self.printer.word(text, rule, blank);
    }
}

fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{3000}' | '\u{FEFF}')
}

/// The literal punctuation at the start of `rest`: the grammar's two-character tokens first.
fn punctuation(rest: &str) -> &str {
    for token in ["=>", "..", ">="] {
        if rest.starts_with(token) {
            return token;
        }
    }
    rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
}

/// A line break the layout asks for before the next word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Break {
    #[default]
    None,
    /// Two spaces: the separation of clauses kept on one line.
    Wide,
    Line,
    Blank,
}

/// Writes words, lines and indentation.
#[derive(Default)]
struct Printer {
    out: String,
    depth: usize,
    /// Whether the current line holds something.
    line_open: bool,
    pending: Break,
    /// Nothing printed since the last `{` (no blank line goes there).
    block_opened: bool,
    /// Inside a short clause kept on one line: braces do not open lines, clauses are two spaces
    /// apart.
    inline: usize,
    /// The last word on the current line, for spacing.
    previous: Option<(String, Option<Rule>)>,
}

impl Printer {
    fn at_file_start(&self) -> bool {
        self.out.is_empty() && !self.line_open
    }

    fn request(&mut self, wanted: Break) {
        let wanted = if self.inline > 0 {
            wanted.min(Break::Wide)
        } else {
            wanted
        };
        self.pending = self.pending.max(wanted);
    }

    fn end_line(&mut self) {
        if self.line_open {
            self.out.push('\n');
            self.line_open = false;
            self.previous = None;
        }
    }

    /// Starts a new line at `depth` (plus `extra` levels), after a blank line if one is pending
    /// and allowed there.
    fn start_line(&mut self, blank: bool, extra: usize) {
        self.end_line();
        if blank && !self.block_opened && !self.out.is_empty() {
            self.out.push('\n');
        }
        for _ in 0..self.depth + extra {
            self.out.push_str(INDENT);
        }
        self.line_open = true;
        self.pending = Break::None;
    }

    fn comment(&mut self, text: &str, own_line: bool, blank_before: bool) {
        if own_line || !self.line_open {
            let pending = self.pending;
            self.start_line(pending == Break::Blank || blank_before, 0);
            // The clause the comment stands before still starts on a line of its own; inside a
            // clause, the rest of it continues one level deeper.
            self.pending = if pending > Break::None {
                Break::Line
            } else {
                Break::None
            };
        } else {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.block_opened = false;
        self.end_line();
    }

    /// Prints one word; `blank` says the author left a blank line before it.
    fn word(&mut self, text: &str, rule: Option<Rule>, blank: bool) {
        let opens = text == "{" || text == "{}";
        if self.inline > 0 && self.line_open && self.pending <= Break::Wide {
            let after_brace = self.previous.as_ref().is_some_and(|(p, _)| p == "{");
            // The first clause asks for its separation before the `{` is read.
            let wide = self.pending == Break::Wide && !after_brace && !opens;
            self.out.push_str(if wide { "  " } else { " " });
            if !opens {
                self.pending = Break::None;
            }
            self.out.push_str(text);
            self.previous = Some((text.to_string(), rule));
            return;
        }
        if text == "}" {
            self.depth = self.depth.saturating_sub(1);
            self.block_opened = false;
            self.start_line(false, 0);
        } else if opens && self.line_open {
            // A body opens on the line of its header; the first clause in it may already have
            // asked for its line, which stays pending.
            self.out.push(' ');
        } else if self.pending > Break::None {
            let blank = self.pending == Break::Blank || blank;
            self.start_line(blank, 0);
        } else if !self.line_open {
            // A clause broken by a comment continues one level deeper.
            self.start_line(false, 1);
        } else if self.wants_space(text) {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.block_opened = false;
        if text == "{" {
            self.depth += 1;
            self.block_opened = true;
            self.request(Break::Line);
            self.previous = None;
        } else {
            self.previous = Some((text.to_string(), rule));
        }
    }

    fn wants_space(&self, next: &str) -> bool {
        match &self.previous {
            None => false,
            Some((previous, rule)) => {
                !(previous == "("
                    || next == ")"
                    || next == ","
                    || next == "(" && *rule == Some(Rule::function_name))
            }
        }
    }

    fn finish(mut self) -> String {
        self.end_line();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clause added to the grammar without its arm in `layout` would be joined to the line
    /// before it (as `example` once was): every `…_entry` rule starts a line of its own.
    #[test]
    fn every_clause_of_the_grammar_starts_a_line() {
        // Silent rules (`name = _{ … }`) group alternatives and never reach the printer.
        let grammar = include_str!("../../grammar/fazhi.pest");
        let silent = |name: &str| grammar.contains(&format!("\n{name} = _{{"));
        let flowing: Vec<String> = Rule::all_rules()
            .iter()
            .filter(|rule| {
                let name = format!("{rule:?}");
                let clause = name.ends_with("_entry") || name.starts_with("set_");
                clause && !silent(&name)
            })
            .filter(|rule| matches!(layout(**rule), Layout::Flow))
            .map(|rule| format!("{rule:?}"))
            .collect();
        assert!(flowing.is_empty(), "clauses without a layout: {flowing:?}");
    }
}
