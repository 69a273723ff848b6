//! Rendering results: miette diagnostics and tables for people, JSON for pipelines. Every
//! renderer takes one [`Context`]; none does I/O.

pub mod compare;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod verdict;
pub mod zh;

use crate::audit::Audit;
use crate::check::RuleSet;
use crate::diagnostic::{Diag, Source};
use crate::eval::{Advice, Scorecard};
use crate::facts::Facts;

/// Everything a renderer needs about one scored report.
pub struct Context<'a> {
    pub ruleset: &'a RuleSet,
    pub card: &'a Scorecard,
    pub facts: &'a Facts,
    /// The report's original text (decoded), which evidence spans point into.
    pub report: Option<&'a Source>,
    /// For a web page, its article text as the extractor read it (evidence `text_span`s point
    /// into it): what a page for people shows instead of the markup.
    pub article: Option<&'a Source>,
    pub info: ReportInfo,
    /// Warnings about the input (conflicting evidence, a year outside the rule set's period).
    pub warnings: &'a [Diag],
    pub advice: Vec<Advice>,
    pub audit: &'a Audit,
}

/// What is known about the report itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportInfo {
    pub name: String,
    pub issuer: Option<String>,
    pub year: Option<i32>,
}

impl ReportInfo {
    /// `江夏区人民政府 2024年度 (reports-fixtures/wuhan-jiangxia-2024.txt)`.
    pub fn title(&self) -> String {
        let mut title = self.issuer.clone().unwrap_or_default();
        if let Some(year) = self.year {
            title.push_str(&format!(" {year}年度"));
        }
        // The issuer is read from the report and the name is a file name: either may hold a
        // terminal escape sequence.
        crate::diagnostic::harmless(format!("{} ({})", title.trim(), self.name).trim())
    }
}

/// One advice item with what a reader needs to act on it.
pub struct AdviceItem<'a> {
    pub gain: rust_decimal::Decimal,
    pub result: &'a crate::eval::RuleResult,
    pub rule: &'a crate::syntax::ast::Rule,
    /// The rule's help, or its title when it has none: what to do.
    pub what: &'a str,
}

/// A share (0 to 1) as a whole percentage, `88%`; `—` when there is none.
pub fn percent(share: Option<rust_decimal::Decimal>) -> String {
    share.map_or("—".to_string(), |s| {
        format!("{}%", (s * rust_decimal::Decimal::ONE_HUNDRED).round_dp(0))
    })
}

/// One of the scoring model's three numbers as every format shows it.
pub struct NumberLine {
    pub label: &'static str,
    /// The share as a percentage, `None` when nothing it is measured on applies.
    pub percent: Option<rust_decimal::Decimal>,
    /// What it adds to the total, and its weight there.
    pub points: rust_decimal::Decimal,
    pub weight: rust_decimal::Decimal,
    /// For performance below the coverage it needs: the factor it was scaled by.
    pub scaled: Option<rust_decimal::Decimal>,
}

impl NumberLine {
    /// `88.59%`, or `不适用` when nothing it is measured on applies.
    pub fn percent_text(&self) -> String {
        self.percent.map_or("不适用".to_string(), |p| {
            format!("{}%", crate::eval::points_text(p))
        })
    }

    /// `，覆盖度不足按 0.91 折算` when performance was scaled down, else empty.
    pub fn scaled_text(&self) -> String {
        self.scaled.map_or(String::new(), |f| {
            format!("，覆盖度不足按 {} 折算", crate::eval::points_text(f))
        })
    }
}

/// Requirements the report leaves out (待补充材料), by section.
pub struct MissingGroup<'a> {
    pub section: &'a crate::syntax::ast::Section,
    pub rules: Vec<&'a crate::syntax::ast::Rule>,
}

impl<'a> Context<'a> {
    /// The three numbers and what each adds to the total, when the rule set combines them.
    pub fn number_lines(&self) -> Vec<NumberLine> {
        use crate::syntax::ast::Combined;
        use rust_decimal::Decimal;
        let (Some(numbers), Some(combination)) = (&self.card.numbers, &self.ruleset.combination)
        else {
            return Vec::new();
        };
        let scale = numbers.performance_scale;
        [
            (Combined::Statutory, numbers.statutory, Decimal::ONE),
            (Combined::Coverage, numbers.coverage, Decimal::ONE),
            (Combined::Performance, numbers.performance, scale),
        ]
        .into_iter()
        .map(|(number, share, factor)| {
            let weight = combination.weight(number);
            NumberLine {
                label: number.label(),
                percent: share.map(|s| s * Decimal::ONE_HUNDRED),
                points: share.unwrap_or_default() * factor * weight,
                weight,
                scaled: (factor != Decimal::ONE).then_some(factor),
            }
        })
        .collect()
    }

    /// The rules the report is silent on, grouped by section in rule-set order.
    pub fn missing_materials(&self) -> Vec<MissingGroup<'a>> {
        let mut groups: Vec<MissingGroup<'a>> = Vec::new();
        for result in &self.card.rules {
            // A derived fact that cannot be computed (a zero denominator) is stated, not missing.
            let undefined = result
                .facts_read
                .iter()
                .any(|f| self.facts.undefined.contains_key(f));
            if result.level != Some(crate::eval::Level::Silent)
                || result.outcome == crate::syntax::ast::Outcome::NotApplicable
                || undefined
            {
                continue;
            }
            let Some((section, rule)) = self.rule_of(result) else {
                continue;
            };
            match groups.last_mut() {
                Some(group) if std::ptr::eq(group.section, section) => group.rules.push(rule),
                _ => groups.push(MissingGroup {
                    section,
                    rules: vec![rule],
                }),
            }
        }
        groups
    }

    /// The advice, most points first, with each rule and what to do about it.
    pub fn advice_items(&self) -> impl Iterator<Item = AdviceItem<'_>> {
        self.advice.iter().filter_map(|item| {
            let result = self.card.rules.get(item.result)?;
            let (_, rule) = self.rule_of(result)?;
            let what = rule
                .help
                .as_ref()
                .map_or(rule.title.text.as_str(), |h| h.text.as_str());
            Some(AdviceItem {
                gain: item.gain,
                result,
                rule,
                what,
            })
        })
    }

    /// The rule and section behind a result.
    pub fn rule_of(
        &self,
        result: &crate::eval::RuleResult,
    ) -> Option<(
        &'a crate::syntax::ast::Section,
        &'a crate::syntax::ast::Rule,
    )> {
        let section = self.ruleset.sections.get(result.section)?;
        Some((section, section.rules.get(result.rule)?))
    }
}

use miette::{GraphicalReportHandler, GraphicalTheme};

/// Renders a diagnostic the same way on every run: fixed width, no links, colour only on
/// request. The header position comes from the source name (see `Diag`), in characters.
pub fn diagnostic(diag: &dyn miette::Diagnostic, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .without_primary_span_start();
    let mut out = String::new();
    if handler.render_report(&mut out, diag).is_err() {
        out = format!("{diag}\n");
    }
    related_severity_in_chinese(&out)
}

/// miette writes the severity of each related diagnostic in English at the start of its line
/// ("Advice: fazhi::…"); only those line starts are replaced, never text quoted from a file.
fn related_severity_in_chinese(rendered: &str) -> String {
    const SEVERITIES: [(&str, &str); 3] = [
        ("Error: ", "错误："),
        ("Warning: ", "警告："),
        ("Advice: ", "提示："),
    ];
    if !SEVERITIES
        .iter()
        .any(|(english, _)| rendered.contains(english))
    {
        return rendered.to_string();
    }
    let mut out = String::with_capacity(rendered.len());
    for line in rendered.split_inclusive('\n') {
        match SEVERITIES
            .iter()
            .find_map(|(english, chinese)| Some((chinese, line.strip_prefix(english)?)))
        {
            Some((chinese, rest)) => {
                out.push_str(chinese);
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Diag, Source, Span};

    #[test]
    fn evidence_windows_are_cut_around_the_span_inside_its_line() {
        let long = format!(
            "第一行\n{}出庭应诉率达100%{}\n末行",
            "甲".repeat(100),
            "乙".repeat(100)
        );
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
