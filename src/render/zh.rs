//! Chinese text for people: full-width punctuation in Chinese sentences, and the report's own
//! sentence around a piece of evidence with its line number.

use crate::diagnostic::Source;
use crate::facts::Evidence;

/// Whether a character is Chinese writing (Han, CJK punctuation, full-width forms).
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}' | '“' | '”' | '‘' | '’' | '…' | '—')
}

/// Chinese sentences take full-width punctuation: `依据:纲要` → `依据：纲要`,
/// `(2021-2025年)` → `（2021-2025年）`. A colon, semicolon, comma, question or exclamation mark
/// after a Chinese character becomes full-width; a pair of parentheses becomes full-width when what
/// it holds or what it follows is Chinese. Code in backticks, quotes of the report in 「…」 and
/// ASCII-only text stay as they are.
pub fn punct(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let mut in_code = false;
    // Inside 「…」 is the report's own text, quoted as it is.
    let mut quoted = 0usize;
    // Open parentheses not yet closed: their index and whether they become full-width.
    let mut open: Vec<usize> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '`' if quoted == 0 => in_code = !in_code,
            '「' if !in_code => quoted += 1,
            '」' if !in_code => quoted = quoted.saturating_sub(1),
            _ => {}
        }
        if in_code || quoted > 0 || c == '`' {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let after = chars.get(i + 1).copied();
        match c {
            ':' | ';' | ',' | '?' | '!'
                if before.is_some_and(is_cjk) || after.is_some_and(is_cjk) =>
            {
                out[i] = match c {
                    ':' => '：',
                    ';' => '；',
                    ',' => '，',
                    '?' => '？',
                    _ => '！',
                };
            }
            '(' => open.push(i),
            ')' => {
                if let Some(start) = open.pop() {
                    let inner = &chars[start + 1..i];
                    let follows = start
                        .checked_sub(1)
                        .and_then(|j| chars.get(j))
                        .is_some_and(|&b| is_cjk(b));
                    if inner.iter().any(|&c| is_cjk(c)) || follows {
                        out[start] = '（';
                        out[i] = '）';
                    }
                }
            }
            _ => {}
        }
    }
    // A colon fixed above may have followed a parenthesis only now made full-width; one more
    // pass for `）:`.
    let mut text: String = out.into_iter().collect();
    for (from, to) in [("）:", "）："), ("）;", "）；"), ("）,", "），")] {
        text = text.replace(from, to);
    }
    text
}

/// The report's sentence holding a piece of evidence, cut to about `limit` characters around
/// it, and the line it starts on (1-based) in the original file.
pub fn sentence(
    report: &Source,
    article: Option<&Source>,
    evidence: &Evidence,
    limit: usize,
) -> Option<(usize, String)> {
    let line = report
        .text
        .get(..evidence.span.start)
        .map(|before| before.matches('\n').count() + 1)?;
    // A web page's markup means nothing to a reader: quote its article text instead.
    let (text, span) = match (article, evidence.text_span) {
        (Some(article), Some(span)) => (&*article.text, span),
        _ => (&*report.text, evidence.span),
    };
    let ends = ['。', '！', '？', '；', '!', '?', ';', '\n'];
    let head = text.get(..span.start)?;
    let start = head.rfind(ends).map_or(0, |i| {
        i + head[i..].chars().next().map_or(1, char::len_utf8)
    });
    let tail = text.get(span.end..)?;
    let end = span.end
        + tail.find(ends).map_or(tail.len(), |i| {
            i + tail[i..]
                .chars()
                .next()
                .map_or(0, |c| if c == '\n' { 0 } else { c.len_utf8() })
        });
    let before: Vec<char> = text.get(start..span.start)?.chars().collect();
    let quote = text.get(span.start..span.end)?;
    let after: Vec<char> = text.get(span.end..end)?.chars().collect();
    let room = limit.saturating_sub(quote.chars().count()) / 2;
    let mut out = String::new();
    if before.len() > room {
        out.push('…');
        out.extend(&before[before.len() - room..]);
    } else {
        out.extend(&before);
    }
    out.push_str(quote);
    if after.len() > room {
        out.extend(&after[..room]);
        out.push('…');
    } else {
        out.extend(&after);
    }
    let cleaned: String = out
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    Some((line, cleaned.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    #[test]
    fn chinese_sentences_take_full_width_punctuation() {
        assert_eq!(punct("依据:纲要 五（十五）"), "依据：纲要 五（十五）");
        assert_eq!(
            punct("《法治政府建设实施纲要(2021-2025年)》"),
            "《法治政府建设实施纲要（2021-2025年）》"
        );
        assert_eq!(
            punct("改进建议(按可提高的总分排序):"),
            "改进建议（按可提高的总分排序）："
        );
        assert_eq!(
            punct("合格率为80%(分档为地方考核惯例)"),
            "合格率为80%（分档为地方考核惯例）"
        );
        assert_eq!(punct("规则 `a >= 90%`;按档次"), "规则 `a >= 90%`；按档次");
        assert_eq!(punct("`a:b`"), "`a:b`");
        assert_eq!(
            punct("原文:「考试,合格」,得分"),
            "原文：「考试,合格」，得分"
        );
        assert_eq!(punct("共1,000件,占比"), "共1,000件，占比");
        assert_eq!(punct("see (docs) a:b"), "see (docs) a:b");
        assert_eq!(punct("时间12:30"), "时间12:30");
        assert_eq!(punct("达80%,考试"), "达80%，考试");
    }

    #[test]
    fn the_sentence_around_evidence_with_its_line() {
        let text = "标题\n第一句。考试合格72人,合格率达80%。下一句\n";
        let report = Source::new("r.txt", text);
        let start = text.find("合格率").unwrap_or(0);
        let evidence = Evidence {
            span: Span::new(start, start + "合格率达80%".len()),
            quote: "合格率达80%".into(),
            value_span: None,
            text_span: None,
        };
        assert_eq!(
            sentence(&report, None, &evidence, 80),
            Some((2, "考试合格72人,合格率达80%。".to_string()))
        );
        let (_, short) = sentence(&report, None, &evidence, 10).unwrap_or_default();
        assert_eq!(short, "…,合格率达80%。");
    }
}
