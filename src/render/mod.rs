//! Rendering results: miette diagnostics and tables for people, JSON for pipelines.

pub mod human;
pub mod json;

use miette::{GraphicalReportHandler, GraphicalTheme};



/// Renders a diagnostic the same way on every run: fixed width, no links, colour only on
/// request. The header position comes from the source name (see `Diag`), in characters.
pub fn diagnostic(diag: &dyn miette::Diagnostic, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false).without_primary_span_start();
    let mut out = String::new();
    if handler.render_report(&mut out, diag).is_err() {
        out = format!("{diag}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Diag, Source, Span};

    #[test]
    fn evidence_windows_are_cut_around_the_span_inside_its_line() {
        let long = format!("第一行\n{}出庭应诉率达100%{}\n末行", "甲".repeat(100), "乙".repeat(100));
        let report = Source::new("r.txt", long.as_str());
        let start = long.find("出庭").unwrap_or(0);
        let span = Span::new(start, start + "出庭应诉率达100%".len());
        let diag = Diag::warning(Code::ScoreRulePass, "x").in_window(&report, span, None, "证据");
        let rendered = diagnostic(&diag, false);
        assert!(rendered.contains("r.txt:2:101"), "{rendered}");
        assert!(rendered.contains("…甲"), "{rendered}");
        assert!(!rendered.contains(&"甲".repeat(31)), "{rendered}");
    }
}
