//! Whether a text is a 法治政府建设 annual report at all, before it is scored: a title that says
//! so, a year, parts, enough text, and not another kind of annual report. Scoring anything else
//! would give a confident and meaningless 0.00.

use super::structure::{white_space, Fixed};

/// Fewer Chinese characters than this is a notice or a fragment, not an annual report (the
/// shortest real report in reports-fixtures/ has over 3,000).
pub const MIN_HAN: usize = 300;
/// How far into the text the title and the opening are looked for, in characters.
const HEAD_CHARS: usize = 400;

/// A part heading at the start of a line: `一、`, `（二）`, `第三部分`.
static PART_HEADING: Fixed = Fixed::new(concat!(
    "(?m)^",
    white_space!(),
    "*(?:[一二三四五六七八九十]{1,2}[、.．]|[（(][一二三四五六七八九十]{1,2}[)）]|第[一二三四五六七八九十]{1,2}部分)"
));
static YEAR: Fixed = Fixed::new(concat!("20[0-9]{2}", white_space!(), "*年"));
/// Other kinds of annual report that share words with ours.
const OTHER_KINDS: [&str; 4] = [
    "政府信息公开工作年度报告",
    "政府信息公开年度报告",
    "政务公开工作年度报告",
    "统计公报",
];

/// Why `text` does not look like a 法治政府建设 annual report, in Chinese; `None` when it does.
/// `year` is the year already found for it (a facts file's or the extracted one).
pub fn not_a_report(text: &str, year: Option<i32>) -> Option<String> {
    let head: String = text.chars().take(HEAD_CHARS).collect();
    if let Some(kind) = OTHER_KINDS.iter().find(|k| head.contains(*k)) {
        if !head.contains("法治政府建设") {
            return Some(format!("这是一份「{kind}」，不是法治政府建设年度报告"));
        }
    }
    let han = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    if han < MIN_HAN {
        return Some(format!(
            "篇幅过短：只有 {han} 个汉字，法治政府建设年度报告通常有数千字（至少 {MIN_HAN} 字才评分）"
        ));
    }
    if !["法治政府建设", "法治建设", "依法行政"]
        .iter()
        .any(|t| head.contains(t))
    {
        return Some("开头没有写明「法治政府建设」的标题或开篇语".to_string());
    }
    if year.is_none() && !YEAR.is_match(&head) {
        return Some("没有写明报告年度（如「2024年」）".to_string());
    }
    if PART_HEADING.count(text) < 2 {
        return Some("没有分部分的标题（如「一、」「二、」）".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(title: &str, body_han: usize) -> String {
        format!(
            "{title}\n2024年,本区坚持依法行政。\n一、主要工作\n{}\n二、存在的不足\n{}\n",
            "依法".repeat(body_han / 4),
            "行政".repeat(body_han / 4)
        )
    }

    #[test]
    fn a_report_with_title_year_parts_and_text_is_accepted() {
        assert_eq!(
            not_a_report(&report("某区2024年法治政府建设年度报告", 400), None),
            None
        );
    }

    #[test]
    fn other_texts_are_refused_with_the_reason() {
        let reason = |t: &str| not_a_report(t, None).unwrap_or_default();
        assert!(reason("hello\n").contains("篇幅过短：只有 0 个汉字"));
        assert!(reason(&report("某区2024年政府信息公开工作年度报告", 400))
            .contains("「政府信息公开工作年度报告」"));
        assert!(
            reason(&report("某区2024年统计工作总结", 400).replace("依法行政", "工作"))
                .contains("标题")
        );
        let no_parts = format!("某区法治政府建设报告\n2024年。{}", "依法".repeat(200));
        assert!(reason(&no_parts).contains("分部分"));
        let no_year = report("某区法治政府建设年度报告", 400).replace("2024年,", "");
        assert!(reason(&no_year).contains("年度"));
        assert_eq!(not_a_report(&no_year, Some(2024)), None);
    }
}
