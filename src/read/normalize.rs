//! Normalization: decoded text → the text rules match against, with an offset map back.
//!
//! Two levels. Within a line: full-width ASCII variants become ASCII, Unicode spaces become
//! spaces, zero-width and control characters go, and a run of spaces is kept as one space or
//! dropped depending on its neighbours (see [`keep_gap`]). Between lines: a line break is kept
//! where a paragraph really ends and removed where a web page or PDF broke a sentence or a
//! number (see [`separator`]); blank lines collapse to one `\n\n`; lines that are only web-page
//! residue (`【打印本页】`, `分享到:`) are dropped in every format, so a report reads the same
//! whether it came as a web page or as text copied from one.

use std::ops::Range;

use super::offsets::{MapBuilder, OffsetMap};

/// Longest line (in characters) that counts as a heading when it has no `。`.
const HEADING_MAX_CHARS: usize = 40;
/// Longest line (in characters) that can be web-page residue.
const RESIDUE_MAX_CHARS: usize = 60;

pub(crate) fn normalize(source: &str) -> (String, OffsetMap) {
    let mut out = MapBuilder::default();
    let mut line = MapBuilder::default();
    let mut prev: Option<LineInfo> = None;
    let mut blank = false;
    let mut gap_start = 0;
    for range in lines(source) {
        line.clear();
        normalize_line(source, range, &mut line);
        let Some(span) = line.source_span() else {
            blank |= prev.is_some();
            continue;
        };
        if is_residue(line.text()) {
            continue;
        }
        if let Some(prev) = &prev {
            out.replace(gap_start..span.start, separator(prev, line.text(), blank));
        }
        out.append(&line);
        gap_start = span.end;
        prev = Some(LineInfo::of(line.text()));
        blank = false;
    }
    out.finish()
}

/// Content ranges of the lines of `s`, split at `\n`, `\r\n`, `\r`, U+2028 and U+2029.
fn lines(s: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut rest = 0;
    std::iter::from_fn(move || {
        if rest > s.len() {
            return None;
        }
        let tail = s.get(rest..)?;
        let Some((i, c)) = tail
            .char_indices()
            .find(|&(_, c)| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
        else {
            let line = rest..s.len();
            rest = s.len() + 1;
            return Some(line);
        };
        let line = rest..rest + i;
        let crlf = c == '\r' && tail.as_bytes().get(i + 1) == Some(&b'\n');
        rest += i + c.len_utf8() + usize::from(crlf);
        Some(line)
    })
}

/// What a single source character becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Keep,
    Drop,
    Space,
    Replace(char),
}

fn classify(c: char) -> Class {
    match c {
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Class::Drop,
        ' '
        | '\t'
        | '\u{0B}'
        | '\u{0C}'
        | '\u{A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => Class::Space,
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(u32::from(c) - 0xFEE0).map_or(Class::Keep, Class::Replace)
        }
        c if c.is_control() => Class::Drop,
        _ => Class::Keep,
    }
}

/// The character `c` stands for after normalization, if it stays.
fn normalized(c: char) -> Option<char> {
    match classify(c) {
        Class::Keep => Some(c),
        Class::Replace(r) => Some(r),
        Class::Space => Some(' '),
        Class::Drop => None,
    }
}

/// Han ideographs, CJK and full-width punctuation, kana: text written without spaces.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{303F}' | '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3FFFF}'
        | '\u{2010}'..='\u{2027}' | '\u{00B7}')
}

/// Normalizes the characters of one line into `out` (which must be empty), trimming its ends.
fn normalize_line(source: &str, range: Range<usize>, out: &mut MapBuilder) {
    let Some(line) = source.get(range.clone()) else {
        return;
    };
    // Traditional characters read as simplified ones (復議 → 复议): `fast2s` converts one
    // character for one, so the n-th character of `simplified` stands for the n-th of `line`.
    let simplified = fast2s::convert(line);
    let mut simplified = simplified.chars();
    let glosses = pinyin_glosses(line);
    let mut gap: Option<(Range<usize>, usize)> = None;
    for (i, c) in line.char_indices() {
        let s = simplified.next().unwrap_or(c);
        if glosses.iter().any(|g| g.contains(&i)) {
            continue;
        }
        let at = range.start + i..range.start + i + c.len_utf8();
        let class = match classify(c) {
            Class::Keep if s != c => Class::Replace(s),
            class => class,
        };
        let next = match class {
            Class::Drop => continue,
            Class::Space => {
                gap = Some(match gap {
                    Some((r, n)) => (r.start..at.end, n + 1),
                    None => (at, 1),
                });
                continue;
            }
            Class::Keep => c,
            Class::Replace(r) => r,
        };
        if let (Some((gap_range, run)), Some(prev)) = (gap.take(), out.text().chars().next_back()) {
            let right = source.get(at.start..).map_or(0, leading_digits);
            if keep_gap(prev, next, run, trailing_digits(out.text()), right) {
                out.replace_char(gap_range, ' ');
            }
        }
        match class {
            Class::Replace(r) => out.replace_char(at, r),
            _ => out.copy(source, at),
        }
    }
}

/// The byte ranges (within `line`) of mirror-site pinyin glosses: a parenthesis right after a
/// Chinese character holding only a pinyin syllable with a tone mark, `區(qū)`, `發(fā)`,
/// `數(shù)`. Such sites annotate characters at random; the annotation is not text.
fn pinyin_glosses(line: &str) -> Vec<Range<usize>> {
    let mut glosses = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in line.char_indices() {
        if matches!(c, '(' | '（') && prev.is_some_and(is_han) {
            let body = &line[i + c.len_utf8()..];
            if let Some(end) = body.find([')', '）']) {
                let syllable = &body[..end];
                let close = body[end..].chars().next().map_or(1, char::len_utf8);
                if is_pinyin_syllable(syllable) {
                    glosses.push(i..i + c.len_utf8() + end + close);
                }
            }
        }
        prev = Some(c);
    }
    glosses
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// One pinyin syllable with a tone mark: 1–6 lowercase letters, at least one of them a vowel
/// with a tone mark (so `(一)`, `(a)` or `(ab)` are never glosses).
fn is_pinyin_syllable(s: &str) -> bool {
    const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ";
    let count = s.chars().count();
    (1..=6).contains(&count)
        && s.chars().any(|c| TONED.contains(c))
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || TONED.contains(c) || c == 'ü')
}

/// Decides whether a run of `run` spaces between `prev` and `next` stays (as one space).
/// `left` and `right` count the ASCII digits touching the gap (up to 4).
///
/// Spaces inside Chinese text are typesetting residue: removed between two CJK characters and
/// between CJK and ASCII punctuation (`(一) 强化` → `(一)强化`). Between CJK and a digit a single
/// space is residue (`办结166 件`, `2025年 3月`) but a wider gap separates fields
/// (`16:55   文章来源`), so it stays. Between two digits a space is removed only in the
/// thousands pattern (`1 000` → `1000`, `12 345`); `2025-03-24 16:55` keeps its space. A space
/// between a digit and `-/.:%~` goes (`2025 -03-24`). Spaces around ASCII words stay.
fn keep_gap(prev: char, next: char, run: usize, left: usize, right: usize) -> bool {
    let digit = |c: char| c.is_ascii_digit();
    let number_punct = |c: char| matches!(c, '-' | '/' | '.' | ':' | '%' | '~');
    let pair = |a: &dyn Fn(char) -> bool, b: &dyn Fn(char) -> bool| {
        (a(prev) && b(next)) || (b(prev) && a(next))
    };
    if is_cjk(prev) && is_cjk(next) {
        false
    } else if pair(&is_cjk, &digit) {
        run >= 2
    } else if digit(prev) && digit(next) {
        !((1..=3).contains(&left) && right == 3)
    } else if pair(&digit, &number_punct) {
        false
    } else {
        !pair(&is_cjk, &|c: char| c.is_ascii_punctuation())
    }
}

fn trailing_digits(s: &str) -> usize {
    s.bytes()
        .rev()
        .take(4)
        .take_while(u8::is_ascii_digit)
        .count()
}

/// ASCII digits (after normalization, so `１` counts) at the start of `s`, up to 4.
fn leading_digits(s: &str) -> usize {
    s.chars()
        .filter_map(normalized)
        .take(4)
        .take_while(char::is_ascii_digit)
        .count()
}

/// What the join decision needs to know about the previous line.
struct LineInfo {
    last: char,
    sentence_end: bool,
    heading_like: bool,
}

impl LineInfo {
    fn of(line: &str) -> LineInfo {
        let closers = ['”', '’', '」', '』', ')', '》', '】', '"', '\''];
        let body = line.trim_end_matches(closers);
        let sentence_end = body.ends_with(['。', '!', '?', ';', ':', '…']);
        let heading_like = is_metadata(line)
            || (line.chars().count() <= HEADING_MAX_CHARS
                && !line.contains('。')
                && !line.ends_with([',', '、']));
        LineInfo {
            last: line.chars().next_back().unwrap_or(' '),
            sentence_end,
            heading_like,
        }
    }
}

/// What replaces the line break(s) between the previous line and `next` (see module doc).
fn separator(prev: &LineInfo, next: &str, blank: bool) -> &'static str {
    let first = next.chars().next().unwrap_or(' ');
    if blank {
        "\n\n"
    } else if starts_with_heading_marker(next) || is_metadata(next) || prev.sentence_end {
        "\n"
    } else if prev.last.is_ascii_digit()
        && "人件个项次万亿元条家名起场余多年月日天时期份所批宗户台辆套本册篇倍千百%".contains(first)
    {
        // `785\n人`: a number cut from its unit, even on a short line.
        ""
    } else if prev.heading_like {
        "\n"
    } else if prev.last.is_ascii_alphanumeric() && first.is_ascii_alphanumeric() {
        " "
    } else {
        ""
    }
}

const CN_NUMERALS: &str = "一二三四五六七八九十百零〇";

/// `一、` `(一)` `(1)` `1、` `1.` `第一章` `第二部分` `①`: the start of a numbered heading.
fn starts_with_heading_marker(line: &str) -> bool {
    let numeral = |c: char| CN_NUMERALS.contains(c);
    // The rest of `s` after at least one leading char matching `f`.
    fn after<'s>(s: &'s str, f: &dyn Fn(char) -> bool) -> Option<&'s str> {
        let rest = s.trim_start_matches(f);
        (rest.len() < s.len()).then_some(rest)
    }
    if let Some(inner) = line.strip_prefix('(') {
        return after(inner, &|c| numeral(c) || c.is_ascii_digit())
            .is_some_and(|r| r.starts_with(')'));
    }
    if let Some(rest) = line.strip_prefix('第') {
        return after(rest, &|c| numeral(c) || c.is_ascii_digit())
            .is_some_and(|r| r.starts_with(['章', '节', '条', '部', '篇', '、', ',']));
    }
    if let Some(rest) = after(line, &numeral) {
        return rest.starts_with('、');
    }
    if let Some(rest) = after(line, &|c| c.is_ascii_digit()) {
        let mut chars = rest.chars();
        return match chars.next() {
            Some('、') => true,
            Some('.') => !chars.next().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        };
    }
    line.chars()
        .next()
        .is_some_and(|c| ('\u{2460}'..='\u{2487}').contains(&c))
}

/// `发布日期:…`, `来源:…`: page metadata that is always its own line.
fn is_metadata(line: &str) -> bool {
    const LABELS: [&str; 12] = [
        "发布日期",
        "发布时间",
        "发文日期",
        "成文日期",
        "日期",
        "来源",
        "文章来源",
        "信息来源",
        "作者",
        "浏览次数",
        "索引号",
        "发布机构",
    ];
    LABELS
        .iter()
        .any(|label| line.strip_prefix(label).is_some_and(|r| r.starts_with(':')))
}

/// Phrases of web-page furniture, longest first (matching order matters: `打印本页` before `打印`).
const RESIDUE_PHRASES: [&str; 33] = [
    "使用扫一扫即可将网页分享至朋友圈",
    "扫一扫在手机上查看当前页面",
    "打开微信点击底部的发现",
    "扫一扫在手机打开当前页",
    "在手机上查看当前页面",
    "在手机打开当前页",
    "微信朋友圈",
    "打印本页",
    "打印本文",
    "打印文章",
    "关闭窗口",
    "关闭本页",
    "返回顶部",
    "返回首页",
    "腾讯微博",
    "新浪微博",
    "我要纠错",
    "收藏本页",
    "QQ空间",
    "分享到",
    "扫一扫",
    "大中小",
    "打印",
    "关闭",
    "分享",
    "收藏",
    "下载",
    "微信",
    "微博",
    "字号",
    "默认",
    "QQ",
    "顶部",
];
/// Line starts that make a short line navigation (breadcrumbs, links to other articles).
const RESIDUE_PREFIXES: [&str; 9] = [
    "当前位置",
    "您的位置",
    "您当前的位置",
    "您现在的位置",
    "当前的位置",
    "上一篇",
    "下一篇",
    "上一条",
    "下一条",
];

/// A short line made only of web-page furniture: `【打印本页】【关闭窗口】`, `字号:大 中 小`,
/// `分享到微信朋友圈 ×`, `当前位置:首页 > 政务公开`. Lines with no letter or digit at all go too.
fn is_residue(line: &str) -> bool {
    if line.chars().count() > RESIDUE_MAX_CHARS {
        return false;
    }
    let compact: String = line.chars().filter(|c| c.is_alphanumeric()).collect();
    if RESIDUE_PREFIXES.iter().any(|p| compact.starts_with(p)) {
        return true;
    }
    // Greedy tokenization, longest phrase first at each position.
    let mut rest = compact.as_str();
    while !rest.is_empty() {
        match RESIDUE_PHRASES.iter().find_map(|p| rest.strip_prefix(p)) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str) -> String {
        normalize(source).0
    }

    #[test]
    fn converts_full_width_ascii_and_keeps_cjk_punctuation() {
        assert_eq!(check("办结率１００％，（一）：；！"), "办结率100%,(一):;!");
        assert_eq!(
            check("《条例》“一件事”、「」。"),
            "《条例》“一件事”、「」。"
        );
        assert_eq!(check("ＡＢＣ　ｘｙｚ"), "ABC xyz");
    }

    #[test]
    fn drops_zero_width_and_maps_spaces() {
        assert_eq!(check("法\u{200B}治\u{FEFF}政\u{200D}府"), "法治政府");
        assert_eq!(check("use\u{A0}APP\tnow"), "use APP now");
        assert_eq!(check("\u{3000}\u{3000}开展培训  \t"), "开展培训");
    }

    #[test]
    fn reads_traditional_characters_as_simplified() {
        assert_eq!(check("新收行政複議申請393件"), "新收行政复议申请393件");
        assert_eq!(
            check("調解矛盾糾紛1.1萬件,發布日期"),
            "调解矛盾纠纷1.1万件,发布日期"
        );
        // Simplified text is left as it is.
        assert_eq!(
            check("全区行政复议案件审结率达100%"),
            "全区行政复议案件审结率达100%"
        );
    }

    #[test]
    fn drops_mirror_site_pinyin_glosses() {
        assert_eq!(
            check("行政復(fù)議,全區(qū)調(diào)解"),
            "行政复议,全区调解"
        );
        assert_eq!(check("發(fā)布日期:2024-01-02"), "发布日期:2024-01-02");
        // Not glosses: an enumeration, a Latin word, text in parentheses.
        assert_eq!(
            check("(一)强化,办理(a)项,局(ABC)"),
            "(一)强化,办理(a)项,局(ABC)"
        );
        assert_eq!(check("复议(含调解)"), "复议(含调解)");
    }

    #[test]
    fn maps_offsets_through_conversion_and_glosses() {
        let source = "全區(qū)新收復議申請39件";
        let (text, map) = normalize(source);
        assert_eq!(text, "全区新收复议申请39件");
        let at = text.find("39").unwrap_or_default();
        let back = map.map(at..at + 2);
        assert_eq!(&source[back], "39");
    }

    #[test]
    fn removes_stray_spaces_in_numbers_and_chinese() {
        assert_eq!(check("办结166 件"), "办结166件");
        assert_eq!(check("2025年 3月 24日"), "2025年3月24日");
        assert_eq!(check("2025 -03-24"), "2025-03-24");
        assert_eq!(check("法治 政府"), "法治政府");
        assert_eq!(check("(一) 强化"), "(一)强化");
        assert_eq!(check("１００ ％"), "100%");
        assert_eq!(check("共1 000件,12 345人"), "共1000件,12345人");
    }

    #[test]
    fn keeps_meaningful_spaces() {
        assert_eq!(
            check("2025-03-24 16:55   文章来源:区政府"),
            "2025-03-24 16:55 文章来源:区政府"
        );
        assert_eq!(check("使用 APP 办理"), "使用 APP 办理");
        assert_eq!(check("ISO 9001 认证"), "ISO 9001认证");
        assert_eq!(check("1 2 3"), "1 2 3");
    }

    #[test]
    fn joins_lines_broken_inside_a_sentence_or_number() {
        assert_eq!(
            check("组织全区行政执法人员785\n人统一进行培训。"),
            "组织全区行政执法人员785人统一进行培训。"
        );
        assert_eq!(
            check("一是规范机构。区司法局在行政复议办\n公室加挂牌子。"),
            "一是规范机构。区司法局在行政复议办公室加挂牌子。"
        );
        assert_eq!(
            check("2024年,\r\n我区坚持依法行政。"),
            "2024年,我区坚持依法行政。"
        );
        assert_eq!(
            check("the quick brown fox jumps over the lazy dog and keeps running far\naway"),
            "the quick brown fox jumps over the lazy dog and keeps running far away"
        );
    }

    #[test]
    fn keeps_paragraph_and_heading_breaks() {
        assert_eq!(
            check("全面完成任务。\n下一步工作"),
            "全面完成任务。\n下一步工作"
        );
        assert_eq!(
            check("他说:“依法办事。”\n下一段"),
            "他说:“依法办事。”\n下一段"
        );
        assert_eq!(
            check("一、主要举措和成效\n坚持和加强党的领导"),
            "一、主要举措和成效\n坚持和加强党的领导"
        );
        assert_eq!(check("这是一个很长的段落没有句号但是还没有结束因为它被网页截断了所以需要接上后面的内容才行啊\n(一)强化政治引领"),
            "这是一个很长的段落没有句号但是还没有结束因为它被网页截断了所以需要接上后面的内容才行啊\n(一)强化政治引领");
        assert_eq!(
            check("标题\n\n\n\n正文。\r\r下一段"),
            "标题\n\n正文。\n\n下一段"
        );
        assert_eq!(check("发布日期:2025-03-24 16:55   文章来源:中共江夏区委全面依法治区委员会办公室所属的某个部门\n2024年,江夏区"),
            "发布日期:2025-03-24 16:55 文章来源:中共江夏区委全面依法治区委员会办公室所属的某个部门\n2024年,江夏区");
    }

    #[test]
    fn recognises_heading_markers() {
        for yes in [
            "一、总体",
            "十二、其他",
            "(一)强化",
            "(12)细则",
            "1、加强",
            "3.完善",
            "第一章",
            "第二部分",
            "①落实",
        ] {
            assert!(starts_with_heading_marker(yes), "{yes}");
        }
        for no in [
            "一是加强",
            "2024年",
            "1.5万件",
            "第一批",
            "(注)",
            "十分重要",
        ] {
            assert!(!starts_with_heading_marker(no), "{no}");
        }
    }

    #[test]
    fn drops_residue_lines_only() {
        let page = "正文。\n打开微信,点击底部的“发现”,\n使用“扫一扫”即可将网页分享至朋友圈。\n【打印本页】【关闭窗口】\n字号:大 中 小\n分享到微信朋友圈 ×\n当前位置:首页 > 政务公开\n上一篇:关于某事的通知\n扫一扫在手机上查看当前页面\n返回顶部\n结尾。";
        assert_eq!(check(page), "正文。\n结尾。");
        assert!(!is_residue("专此报告。"));
        assert!(!is_residue("政策解读:"));
    }

    #[test]
    fn residue_phrases_are_longest_first() {
        let lengths: Vec<usize> = RESIDUE_PHRASES.iter().map(|p| p.chars().count()).collect();
        assert!(lengths.windows(2).all(|w| w[0] >= w[1]), "{lengths:?}");
    }

    #[test]
    fn maps_normalized_text_back_to_source() {
        let source = "\u{3000}办结１６６ 件,\r\n785\n人。";
        let (text, map) = normalize(source);
        assert_eq!(text, "办结166件,785人。");
        let find = |s: &str| text.find(s).map(|i| &source[map.map(i..i + s.len())]);
        assert_eq!(find("办结"), Some("办结"));
        assert_eq!(find("166"), Some("１６６"));
        assert_eq!(find("166件"), Some("１６６ 件"));
        assert_eq!(find("785人"), Some("785\n人"));
        assert_eq!(find(","), Some(","));
    }
}
