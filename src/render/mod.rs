//! Rendering results: miette diagnostics and tables for people, JSON for pipelines.

pub mod human;
pub mod json;

use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diagnostic::{Diag, Source, Span};

/// Renders a diagnostic the same way on every run: fixed width, no links, colour only on request.
pub fn diagnostic(diag: &dyn miette::Diagnostic, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, diag).is_err() {
        out = format!("{diag}\n");
    }
    out
}

/// Characters of context kept on each side of evidence: report paragraphs are often 500–800
/// characters on one line, and miette never shortens a line.
const WINDOW_CHARS: usize = 30;

/// A diagnostic on a window of the report around `span`: the window is cut inside the line, the
/// label shifted into it, and the real line and character column named in the source name.
pub fn evidence_window(diag: Diag, report: &Source, span: Span, label: &str) -> Diag {
    let text = &report.text;
    let start = floor_char(text, span.start.min(text.len()));
    let end = floor_char(text, span.end.clamp(start, text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let from = back_chars(text, start, WINDOW_CHARS).max(line_start);
    let to = forward_chars(text, end, WINDOW_CHARS).min(line_end);
    let line = text[..start].matches('\n').count() + 1;
    let column = text[line_start..start].chars().count() + 1;
    let mut window = String::new();
    if from > line_start {
        window.push('…');
    }
    let shift = window.len();
    window.push_str(&text[from..to]);
    if to < line_end {
        window.push('…');
    }
    let name = format!("{}:{line}:{column}", report.name);
    let local = Span::new(start - from + shift, end.max(start) - from + shift);
    diag.in_named_source(name, Arc::from(window)).label(local, label)
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn back_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from].char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i)
}

fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..].char_indices().nth(n).map_or(text.len(), |(i, _)| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_windows_are_cut_around_the_span_inside_its_line() {
        let long = format!("第一行\n{}出庭应诉率达100%{}\n末行", "甲".repeat(100), "乙".repeat(100));
        let report = Source::new("r.txt", long.as_str());
        let start = long.find("出庭").unwrap_or(0);
        let span = Span::new(start, start + "出庭应诉率达100%".len());
        let diag = evidence_window(Diag::warning(crate::diagnostic::Code::ScoreRulePass, "x"), &report, span, "证据");
        let rendered = diagnostic(&diag, false);
        assert!(rendered.contains("r.txt:2:101"), "{rendered}");
        assert!(rendered.contains("…甲"), "{rendered}");
        assert!(!rendered.contains(&"甲".repeat(31)), "{rendered}");
    }
}
