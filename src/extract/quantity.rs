//! Reading numbers, percents, dates and years as Chinese reports write them.
//!
//! Each `*_PATTERN` is a regex fragment with no capture groups of its own, so the extractor can
//! wrap it in a named group. Every text a fragment matches is accepted by its `parse_*` function
//! (a randomized test checks this); the parsers accept a little more (surrounding whitespace,
//! full-width digits, bare `百`).
//!
//! The `regex` crate has no look-around, so a fragment cannot see its context. The caller checks:
//! - **Ordinals and list labels.** `一是`, `第三`, `(二)`, `三、`, `1.加强` match
//!   [`COUNT_PATTERN`]; reject a match when [`is_ordinal_context`] is true.
//! - **Numerals inside words.** `进一步`, `统一`, `一些`, `一次性`, `三中全会`, `十三五` contain
//!   numerals. Require a measure word (`件`, `次`, `人`, …) right after a count, as the
//!   extractor's phrase patterns do anyway, and reject a lone `一` when [`is_word_context`] is
//!   true. Hotline and plan names (`12345`, `1+N`) are counts to this module.
//! - **Overlaps between kinds.** `2024年3月5日` also contains a year and counts, `百分之九十五`
//!   contains the count `九十五`, `超百分之九十` the count `超百`: try [`DATE_PATTERN`] and
//!   [`PERCENT_PATTERN`] first and drop counts that overlap them.
//! - **`以上`/`左右` after the unit** (`100件以上`) are matched by the caller with
//!   [`SUFFIX_QUALIFIER_PATTERN`] and read with [`suffix_qualifier`]; a qualifier already inside
//!   the number (`近`, `余`) wins over it.
//!
//! Digits in the fragments are ASCII only (the input is normalized); `(?-u:\b)` after Arabic
//! numbers stops `12,3456` from reading as `12,345`, and before dates/years stops `12024年`.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::value::{Date, Qualifier};

/// A number as stated, with its qualifier kept beside it (facts.md: 余/多/超/逾 → more_than,
/// 以上 → at_least, 近/约 → about).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    pub value: Decimal,
    pub qualifier: Option<Qualifier>,
}

// The fragments are built from these pieces with `concat!` so that each piece is written once.
macro_rules! prefix_qualifier {
    () => {
        "(?:近|约|超过|超|逾)"
    };
}
macro_rules! cn_digit {
    () => {
        "[一二两三四五六七八九]"
    };
}
macro_rules! cn_zero {
    () => {
        "[零〇]"
    };
}
/// A digit after a (possible) 零 inside a Chinese numeral.
macro_rules! cn_next {
    ($unit:literal) => {
        concat!("(?:", cn_zero!(), "?", cn_digit!(), $unit, ")?")
    };
}
/// 1..=9999 in Chinese numerals: 三千零五, 三百六十八, 十二, 二十, 九; a trailing digit right
/// after a unit is the colloquial short form (一千五 = 1500).
#[rustfmt::skip]
macro_rules! cn_section {
    () => {
        concat!(
            "(?:", cn_digit!(), "千", cn_next!("百"), cn_next!("十"), cn_next!(""),
            "|", cn_digit!(), "百", cn_next!("十"), cn_next!(""),
            "|", cn_digit!(), "?十", cn_digit!(), "?",
            "|", cn_digit!(),
            ")"
        )
    };
}
/// A Chinese integer up to 亿 sections: 三亿, 一万二千, 一亿零五百万零三.
#[rustfmt::skip]
macro_rules! cn_integer {
    () => {
        concat!(
            "(?:", cn_section!(), "亿",
                "(?:", cn_zero!(), "?", cn_section!(), "万)?",
                "(?:", cn_zero!(), "?", cn_section!(), ")?",
            "|", cn_section!(), "万(?:", cn_zero!(), "?", cn_section!(), ")?",
            "|", cn_section!(),
            ")"
        )
    };
}
/// A unit standing alone as a number: 逾百, 百余, 近千万.
macro_rules! cn_bare_unit {
    () => {
        "(?:万亿|千万|百万|[百千万亿])"
    };
}
/// 余/多 may come before a scale (300余万) or after it (1.1万余), never both.
macro_rules! more_tail {
    () => {
        "(?:余|多)(?:万亿|千万|百万|万|亿)?"
    };
}
/// `1,234.5` or `1234.5`. The ASCII word boundary ends the number at a non-digit, so a
/// separator group is exactly three digits (`12,3456` reads as `12`), and `5G` is no number.
macro_rules! arabic_number {
    () => {
        "(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?(?-u:\\b)"
    };
}
#[rustfmt::skip]
macro_rules! count_body {
    () => {
        concat!(
            "(?:", arabic_number!(), "(?:", more_tail!(), "|(?:万亿|千万|百万|万|亿|千)(?:余|多)?)?",
            "|", cn_integer!(), "(?:", more_tail!(), ")?",
            ")"
        )
    };
}

/// A count or amount: `1,234`, `1.1万余`, `近2万`, `300余万`, `两千余`, `逾百`, `十二`.
/// 共/累计 are not part of it: they say "in total", not how exact the number is. A bare unit
/// (`百`, `万`) is a number only with a qualifier (`逾百`, `万余`), so `百姓` and `万家` are not.
#[rustfmt::skip]
pub const COUNT_PATTERN: &str = concat!(
    "(?:", prefix_qualifier!(), "(?:", count_body!(), "|", cn_bare_unit!(), "(?:", more_tail!(), ")?)",
    "|", count_body!(),
    "|", cn_bare_unit!(), more_tail!(),
    ")"
);

/// The shape of a count, for the patterns of a rule set: what [`COUNT_PATTERN`] matches and a
/// little more (any run of Chinese numerals), at a twentieth of its compiled size. A rule set
/// compiles a regex per pattern, and the exact numeral grammar made each count pattern cost
/// about 3.5 ms to compile; [`is_count`] then tells whether the text matched is a count.
#[rustfmt::skip]
pub const COUNT_SHAPE: &str = concat!(
    "(?:", prefix_qualifier!(), "?(?:",
    arabic_number!(), "(?:", more_tail!(), "|(?:万亿|千万|百万|万|亿|千)(?:余|多)?)?",
    "|[零〇一二两三四五六七八九十百千万亿]+(?:", more_tail!(), ")?",
    "))"
);

/// The shape of a percent, as [`COUNT_SHAPE`] is of a count; [`is_percent`] decides.
#[rustfmt::skip]
pub const PERCENT_SHAPE: &str = concat!(
    "(?:", prefix_qualifier!(), "?",
    "(?:[0-9]+(?:\\.[0-9]+)?[%％]|百分之[零〇一二两三四五六七八九十百千点]+)",
    "(?:以上)?)"
);

/// Whether a text [`COUNT_SHAPE`] matched is one [`COUNT_PATTERN`] matches too: a Chinese
/// numeral must be well formed, and a bare unit (`百`, `万`) needs a qualifier (`近万`, `百余`).
pub fn is_count(s: &str) -> bool {
    let (prefix, rest) = strip_prefix_qualifier(s);
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return parse_count(s).is_some();
    }
    let end = rest.find(|c: char| !is_cn_numeral(c)).unwrap_or(rest.len());
    let (numeral, tail) = rest.split_at(end);
    let more = !tail.is_empty();
    let bare = matches!(
        numeral,
        "百" | "千" | "万" | "亿" | "万亿" | "千万" | "百万"
    );
    let valid = if bare {
        more || prefix.is_some()
    } else {
        !matches!(numeral, "零" | "〇") && chinese_integer(numeral).is_some()
    };
    valid && parse_count_tail(tail).is_some()
}

/// Whether a text [`PERCENT_SHAPE`] matched is one [`PERCENT_PATTERN`] matches too: after
/// 百分之, 百 alone, or 零 or a number below ten thousand, each with decimals after 点.
pub fn is_percent(s: &str) -> bool {
    let (_, rest) = strip_prefix_qualifier(s);
    let Some(chinese) = rest.strip_prefix("百分之") else {
        return parse_percent(s).is_some();
    };
    let chinese = chinese.strip_suffix("以上").unwrap_or(chinese);
    if chinese == "百" {
        return true;
    }
    let (int, decimals) = chinese.split_once('点').unwrap_or((chinese, ""));
    // 两 is a digit before a unit only: 五点两 is not a number.
    if decimals.contains('两') {
        return false;
    }
    let section = !int.contains(['万', '亿']) && int != "〇" && !int.starts_with(['百', '千']);
    (int == "零" || section) && parse_percent(s).is_some()
}

/// A qualifier that follows the unit: `100件以上`, `1700余人次`, `300人左右`.
pub const SUFFIX_QUALIFIER_PATTERN: &str = "(?:以上|左右|余|多)";

/// A percent: `99.87%`, `100％`, `百分之百`, `百分之九十九点八`, `近90%`, `90%以上`.
#[rustfmt::skip]
pub const PERCENT_PATTERN: &str = concat!(
    "(?:", prefix_qualifier!(), "?",
    "(?:[0-9]+(?:\\.[0-9]+)?[%％]",
    "|百分之(?:百|", cn_section!(), "(?:点[零〇一二三四五六七八九]+)?|零(?:点[零〇一二三四五六七八九]+)?)",
    ")(?:以上)?)"
);

/// A calendar day: `2025-03-24`, `2025/3/4`, `2025.03.28`, `2025年1月6日`. A following time
/// (`16:55`) is not part of it; the word boundaries keep `12025-03-241` out.
#[rustfmt::skip]
pub const DATE_PATTERN: &str = concat!(
    "(?:(?-u:\\b)[0-9]{4}(?:",
    "-[0-9]{1,2}-[0-9]{1,2}(?-u:\\b)",
    "|/[0-9]{1,2}/[0-9]{1,2}(?-u:\\b)",
    "|\\.[0-9]{1,2}\\.[0-9]{1,2}(?-u:\\b)",
    "|年[0-9]{1,2}月[0-9]{1,2}[日号]",
    "))"
);

/// A year 1949..=2100 followed by 年 or 年度: `2024年度`.
pub const YEAR_PATTERN: &str = "(?:(?-u:\\b)(?:19(?:49|[5-9][0-9])|20[0-9]{2}|2100)年度?)";

/// Decimals hold 28 significant digits; longer numbers are not real report figures.
const MAX_DIGITS: usize = 28;

/// Reads a count as matched by [`COUNT_PATTERN`].
pub fn parse_count(s: &str) -> Option<Quantity> {
    let text = fold_width(s);
    let (prefix, rest) = strip_prefix_qualifier(&text);
    let (value, tail) = if rest.starts_with(|c: char| c.is_ascii_digit()) {
        split_arabic(rest)?
    } else {
        split_chinese(rest)?
    };
    let (scale, suffix) = parse_count_tail(tail)?;
    Some(Quantity {
        value: value.checked_mul(scale)?.normalize(),
        qualifier: prefix.or(suffix),
    })
}

/// Reads a percent as matched by [`PERCENT_PATTERN`], as stated: values over 100 are kept for
/// the checker to judge.
pub fn parse_percent(s: &str) -> Option<Quantity> {
    let text = fold_width(s);
    let (prefix, rest) = strip_prefix_qualifier(&text);
    let (rest, at_least) = match rest.strip_suffix("以上") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let value = match rest.strip_prefix("百分之") {
        Some(chinese) => chinese_percent(chinese)?,
        None => plain_decimal(rest.strip_suffix('%')?)?,
    };
    Some(Quantity {
        value: value.normalize(),
        qualifier: prefix.or(at_least.then_some(Qualifier::AtLeast)),
    })
}

/// Reads a date as matched by [`DATE_PATTERN`]; an impossible day (`2025-02-30`) is `None`.
pub fn parse_date(s: &str) -> Option<Date> {
    let text = fold_width(s);
    let (year, month, day) = match text.split_once('年') {
        Some((year, rest)) => {
            let (month, day) = rest.split_once('月')?;
            let day = day.strip_suffix('日').or_else(|| day.strip_suffix('号'))?;
            (year, month, day)
        }
        None => {
            let sep = ['-', '/', '.'].into_iter().find(|c| text.contains(*c))?;
            let mut parts = text.split(sep);
            let parts = (parts.next()?, parts.next()?, parts.next()?, parts.next());
            match parts {
                (year, month, day, None) => (year, month, day),
                _ => return None,
            }
        }
    };
    if year.len() != 4 || !(1..=2).contains(&month.len()) || !(1..=2).contains(&day.len()) {
        return None;
    }
    let year = i32::try_from(ascii_number(year)?).ok()?;
    Date::new(year, ascii_number(month)?, ascii_number(day)?)
}

/// Reads `2024年`, `2024年度` or a bare `2024`; only 1949..=2100.
pub fn parse_year(s: &str) -> Option<i32> {
    let text = fold_width(s);
    let digits = text
        .strip_suffix("年度")
        .or_else(|| text.strip_suffix('年'))
        .unwrap_or(&text);
    if digits.len() != 4 {
        return None;
    }
    let year = i32::try_from(ascii_number(digits)?).ok()?;
    (1949..=2100).contains(&year).then_some(year)
}

/// Reads a Chinese integer: `十二` = 12, `一百零五` = 105, `两千` = 2000, `一万二千` = 12000,
/// `三亿`; a bare unit (`百`, `千万`) is one of it; `一千五` is the short form of 1500.
pub fn parse_chinese_integer(s: &str) -> Option<Decimal> {
    chinese_integer(s.trim()).map(Decimal::from)
}

/// The qualifier named by a word after the unit: 以上 → at least, 余/多 → more than,
/// 左右 → about.
pub fn suffix_qualifier(s: &str) -> Option<Qualifier> {
    match s.trim() {
        "以上" => Some(Qualifier::AtLeast),
        "余" | "多" => Some(Qualifier::MoreThan),
        "左右" => Some(Qualifier::About),
        _ => None,
    }
}

/// True when the numeral ending at byte `match_end` of `text` labels a list item rather than
/// stating a quantity: `第三`, `其一`, `一是`, `二要`, `三、`, `一方面`, `(二)`, and `1.`/`1)`
/// at the start of a line. `false` when `match_end` is not a character boundary.
pub fn is_ordinal_context(text: &str, match_end: usize) -> bool {
    let (Some(before), Some(after)) = (text.get(..match_end), text.get(match_end..)) else {
        return false;
    };
    let head = before.trim_end_matches(|c: char| c.is_ascii_digit() || is_cn_numeral(c));
    if head.len() == before.len() {
        // The match does not end in a numeral (`100%`, `300余`): nothing ordinal about it.
        return false;
    }
    let prev = head.chars().next_back();
    let mut rest = after.chars();
    let next = rest.next();
    if matches!(prev, Some('第' | '其')) {
        return true;
    }
    if matches!(prev, Some('(' | '（')) && matches!(next, Some(')' | '）')) {
        return true;
    }
    if ["是", "、", "要", "来", "则", "者", "方面"]
        .iter()
        .any(|w| after.starts_with(w))
    {
        return true;
    }
    // `1.加强…` opens a list item, but `审结240.` may end a sentence if 。 was folded to `.`,
    // so only a number at the start of a line counts.
    let line_start = prev.is_none_or(char::is_whitespace);
    let label_end = matches!(next, Some('.' | '．' | ')' | '）'))
        && !rest.next().is_some_and(|c| c.is_ascii_digit());
    line_start && label_end
}

/// True when the match `text[start..end]` is a lone 一 inside a word rather than the number
/// one: 进一步, 统一, 唯一, 之一, 逐一, 一些, 一定, 一体, 一直, 一般, 一致, 一律, 一切, 一网通办,
/// 一站式, 一级. `false` for any other match or for offsets that are not character boundaries.
pub fn is_word_context(text: &str, start: usize, end: usize) -> bool {
    const BEFORE: &str = "进统唯同万之逐单划专合";
    const AFTER: [&str; 21] = [
        "些", "定", "体", "直", "起", "般", "样", "致", "律", "切", "旦", "网", "站", "窗", "级",
        "流", "把手", "刀切", "揽子", "系列", "大批",
    ];
    let (Some(head), Some("一"), Some(after)) =
        (text.get(..start), text.get(start..end), text.get(end..))
    else {
        return false;
    };
    head.chars().next_back().is_some_and(|c| BEFORE.contains(c))
        || AFTER.iter().any(|w| after.starts_with(w))
}

/// Folds the full-width forms the normalizer may have missed; trims surrounding whitespace.
fn fold_width(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '％' => '%',
            '．' => '.',
            '－' => '-',
            '／' => '/',
            _ => c,
        })
        .collect()
}

fn strip_prefix_qualifier(s: &str) -> (Option<Qualifier>, &str) {
    const PREFIXES: [(&str, Qualifier); 5] = [
        ("超过", Qualifier::MoreThan),
        ("超", Qualifier::MoreThan),
        ("逾", Qualifier::MoreThan),
        ("近", Qualifier::About),
        ("约", Qualifier::About),
    ];
    PREFIXES
        .iter()
        .find_map(|(word, q)| s.strip_prefix(word).map(|rest| (Some(*q), rest)))
        .unwrap_or((None, s))
}

/// Splits a leading Arabic number (`1,234.5`, `3.2`) from the rest.
fn split_arabic(s: &str) -> Option<(Decimal, &str)> {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(s.len());
    let (number, rest) = s.split_at(end);
    let (int, frac) = match number.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (number, None),
    };
    let mut groups = int.split(',');
    let first = groups.next()?;
    let grouped = int.contains(',');
    let first_ok = all_digits(first) && (!grouped || first.len() <= 3);
    if !first_ok || !groups.all(|g| g.len() == 3 && all_digits(g)) {
        return None;
    }
    let digits: String = int.chars().filter(char::is_ascii_digit).collect();
    let value = match frac {
        Some(frac) if !all_digits(frac) => return None,
        Some(frac) => plain_decimal(&format!("{digits}.{frac}"))?,
        None => plain_decimal(&digits)?,
    };
    Some((value, rest))
}

/// Splits a leading Chinese numeral (`三百`, `百`) from the rest (`余万`).
fn split_chinese(s: &str) -> Option<(Decimal, &str)> {
    let end = s.find(|c: char| !is_cn_numeral(c)).unwrap_or(s.len());
    let (numeral, rest) = s.split_at(end);
    Some((Decimal::from(chinese_integer(numeral)?), rest))
}

/// Reads what may follow a count's number: 余/多 and a scale, in either order, each optional.
fn parse_count_tail(s: &str) -> Option<(Decimal, Option<Qualifier>)> {
    const SCALES: [(&str, u64); 6] = [
        ("万亿", 1_000_000_000_000),
        ("千万", 10_000_000),
        ("百万", 1_000_000),
        ("万", 10_000),
        ("亿", 100_000_000),
        ("千", 1_000),
    ];
    fn strip_more(s: &str) -> Option<&str> {
        s.strip_prefix('余').or_else(|| s.strip_prefix('多'))
    }
    let mut rest = s;
    let mut qualifier = None;
    if let Some(r) = strip_more(rest) {
        qualifier = Some(Qualifier::MoreThan);
        rest = r;
    }
    let mut scale = 1;
    if let Some((r, factor)) = SCALES
        .iter()
        .find_map(|(word, factor)| rest.strip_prefix(word).map(|r| (r, *factor)))
    {
        scale = factor;
        rest = r;
    }
    if qualifier.is_none() {
        if let Some(r) = strip_more(rest) {
            qualifier = Some(Qualifier::MoreThan);
            rest = r;
        }
    }
    rest.is_empty().then_some((Decimal::from(scale), qualifier))
}

/// `百` (百分之百), or a Chinese integer with an optional `点` fraction read digit by digit.
fn chinese_percent(s: &str) -> Option<Decimal> {
    if s == "百" {
        return Some(Decimal::ONE_HUNDRED);
    }
    let (int, frac) = match s.split_once('点') {
        Some((int, frac)) => (int, Some(frac)),
        None => (s, None),
    };
    let int = chinese_integer(int)?;
    match frac {
        None => Some(Decimal::from(int)),
        Some(frac) => {
            let digits =
                frac.chars()
                    .map(|c| match c {
                        '零' | '〇' => Some('0'),
                        _ => cn_digit_value(c)
                            .and_then(|d| char::from_digit(u32::try_from(d).ok()?, 10)),
                    })
                    .collect::<Option<String>>()?;
            if digits.is_empty() {
                return None;
            }
            plain_decimal(&format!("{int}.{digits}"))
        }
    }
}

/// `123` or `12.5` exactly: `Decimal::from_str` alone would also take `1_2`, `.5` and `-1`.
fn plain_decimal(s: &str) -> Option<Decimal> {
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => (int, frac),
        None => (s, ""),
    };
    let valid = all_digits(int) && (frac.is_empty() || all_digits(frac)) && !s.ends_with('.');
    if !valid || int.len() + frac.len() > MAX_DIGITS {
        return None;
    }
    Decimal::from_str(s).ok()
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn ascii_number(s: &str) -> Option<u32> {
    if !all_digits(s) || s.len() > 9 {
        return None;
    }
    s.parse().ok()
}

fn is_cn_numeral(c: char) -> bool {
    "零〇一二两三四五六七八九十百千万亿".contains(c)
}

fn cn_digit_value(c: char) -> Option<u64> {
    let d = match c {
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    };
    Some(d)
}

fn cn_small_unit(c: char) -> Option<u64> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1_000),
        _ => None,
    }
}

fn cn_big_unit(c: char) -> Option<u64> {
    match c {
        '万' => Some(10_000),
        '亿' => Some(100_000_000),
        _ => None,
    }
}

/// The state of one section (below 万) while reading a Chinese integer.
#[derive(Default)]
struct Section {
    value: u64,
    digit: Option<u64>,
    last_unit: Option<u64>,
    after_zero: bool,
}

impl Section {
    /// The section's value with its pending digit: after 零 it is the ones (一千零五 = 1005),
    /// right after a unit it is the short form one place lower (一千五 = 1500, 二十三 = 23).
    fn close(&self) -> Option<u64> {
        let Some(d) = self.digit else {
            return Some(self.value);
        };
        let place = match self.last_unit {
            Some(unit) if !self.after_zero => unit / 10,
            _ => 1,
        };
        self.value.checked_add(d.checked_mul(place)?)
    }
}

fn chinese_integer(s: &str) -> Option<u64> {
    match s {
        "" => return None,
        "零" | "〇" => return Some(0),
        "十" => return Some(10),
        "百" => return Some(100),
        "千" => return Some(1_000),
        "万" => return Some(10_000),
        "百万" => return Some(1_000_000),
        "千万" => return Some(10_000_000),
        "亿" => return Some(100_000_000),
        "万亿" => return Some(1_000_000_000_000),
        _ => {}
    }
    let mut total: u64 = 0;
    let mut section = Section::default();
    let mut last_big: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = cn_digit_value(c) {
            if section.digit.is_some() {
                return None;
            }
            section.digit = Some(d);
        } else if c == '零' || c == '〇' {
            // 零 only stands between a unit and a digit.
            let after_unit = section.last_unit.is_some() || last_big.is_some();
            // 十零八 is no number: after a section's leading 十 no place is left to skip (as in
            // COUNT_PATTERN, which still lets 零 stand before a last digit: 二百七十零三).
            let after_ten = section.last_unit == Some(10) && section.value < 100;
            if section.digit.is_some() || section.after_zero || !after_unit || after_ten {
                return None;
            }
            section.after_zero = true;
        } else if let Some(unit) = cn_small_unit(c) {
            let d = match section.digit.take() {
                Some(d) => d,
                // 十二, 十万: 十 without a digit only opens a section.
                None if unit == 10 && section.last_unit.is_none() => 1,
                None => return None,
            };
            if section.last_unit.is_some_and(|last| unit >= last) {
                return None;
            }
            section.value = section.value.checked_add(d.checked_mul(unit)?)?;
            section.last_unit = Some(unit);
            section.after_zero = false;
        } else if let Some(unit) = cn_big_unit(c) {
            // 零 stands before a digit, never before 万 or 亿.
            if section.after_zero && section.digit.is_none() {
                return None;
            }
            let value = section.close()?;
            if value == 0 || last_big.is_some_and(|last| unit >= last) {
                return None;
            }
            total = total.checked_add(value.checked_mul(unit)?)?;
            last_big = Some(unit);
            section = Section::default();
        } else {
            return None;
        }
    }
    if section.after_zero && section.digit.is_none() {
        return None;
    }
    // 一万五 = 15000: a lone digit after a big unit is the short form too.
    if section.last_unit.is_none() && !section.after_zero {
        if let (Some(d), Some(big)) = (section.digit, last_big) {
            return total.checked_add(d.checked_mul(big / 10)?);
        }
    }
    total.checked_add(section.close()?)
}

// Tests state their expectations with unwrap: a panic there is a failing test, not a crash.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use regex::Regex;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// Asserts a parse result as (printed value, qualifier).
    fn check(actual: Option<Quantity>, expected: Option<(&str, Option<Qualifier>)>) {
        let actual = actual.map(|q| (q.value.to_string(), q.qualifier));
        let expected = expected.map(|(v, q)| (v.to_string(), q));
        assert_eq!(actual, expected);
    }

    /// The first match of a fragment in `text`.
    fn find<'t>(pattern: &str, text: &'t str) -> Option<&'t str> {
        Regex::new(pattern).unwrap().find(text).map(|m| m.as_str())
    }

    fn whole(pattern: &str) -> Regex {
        Regex::new(&format!("^{pattern}$")).unwrap()
    }

    use Qualifier::{About, AtLeast, MoreThan};

    #[test]
    fn counts_are_scaled_exactly() {
        check(parse_count("1.1万"), Some(("11000", None)));
        check(parse_count("2.42万"), Some(("24200", None)));
        check(parse_count("3.2亿"), Some(("320000000", None)));
        check(parse_count("1,234"), Some(("1234", None)));
        check(parse_count("3,698"), Some(("3698", None)));
        check(parse_count("1,234,567.5"), Some(("1234567.5", None)));
        check(parse_count("1.23456万"), Some(("12345.6", None)));
        check(parse_count("90.78亿"), Some(("9078000000", None)));
        check(parse_count("2千"), Some(("2000", None)));
        check(parse_count("1.5万亿"), Some(("1500000000000", None)));
        check(parse_count("3百万"), Some(("3000000", None)));
        check(parse_count("１２３"), Some(("123", None)));
        check(parse_count("0"), Some(("0", None)));
        check(parse_count("007"), Some(("7", None)));
    }

    #[test]
    fn counts_keep_their_qualifier() {
        check(parse_count("1.1万余"), Some(("11000", Some(MoreThan))));
        check(parse_count("1700余"), Some(("1700", Some(MoreThan))));
        check(parse_count("近2万"), Some(("20000", Some(About))));
        check(parse_count("超8800"), Some(("8800", Some(MoreThan))));
        check(parse_count("超过8800"), Some(("8800", Some(MoreThan))));
        check(parse_count("逾百"), Some(("100", Some(MoreThan))));
        check(parse_count("约3000"), Some(("3000", Some(About))));
        check(parse_count("300多"), Some(("300", Some(MoreThan))));
        check(parse_count("300余万"), Some(("3000000", Some(MoreThan))));
        check(parse_count("两千余"), Some(("2000", Some(MoreThan))));
        check(parse_count("三百余万"), Some(("3000000", Some(MoreThan))));
        check(parse_count("百余"), Some(("100", Some(MoreThan))));
        check(parse_count("近千万"), Some(("10000000", Some(About))));
        check(parse_count("十余"), Some(("10", Some(MoreThan))));
        // The prefix wins when both are written.
        check(parse_count("近300余"), Some(("300", Some(About))));
    }

    #[test]
    fn counts_in_chinese_numerals() {
        check(parse_count("十二"), Some(("12", None)));
        check(parse_count("三百六十八"), Some(("368", None)));
        check(parse_count("一万二千"), Some(("12000", None)));
        check(parse_count("两千"), Some(("2000", None)));
    }

    #[test]
    fn malformed_counts_are_rejected() {
        for bad in [
            "",
            "余",
            "近",
            "1,23",
            "12,3456",
            "1.",
            ".5",
            "1..2",
            "-5",
            "1_000",
            "1,234,",
            "293,",
            "1万万",
            "1余多",
            "1余万余",
            "2401a",
            "一一",
            "十十",
            "一零",
            "零五",
            "一千零",
            "共489",
            "累计397",
            "1万件",
        ] {
            assert_eq!(parse_count(bad), None, "{bad}");
        }
    }

    #[test]
    fn huge_counts_are_none_not_panics() {
        assert_eq!(parse_count(&"9".repeat(29)), None);
        assert_eq!(parse_count(&"9".repeat(400)), None);
        assert_eq!(parse_count("9999999999999999999999999999万亿"), None);
        check(
            parse_count(&"9".repeat(28)),
            Some(("9".repeat(28).as_str(), None)),
        );
    }

    #[test]
    fn chinese_integers() {
        let cases = [
            ("零", 0),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("二十三", 23),
            ("一百零五", 105),
            ("一百一十", 110),
            ("两千", 2000),
            ("三千零五十", 3050),
            ("一千五", 1500),
            ("一万二千", 12000),
            ("一万二", 12000),
            ("一万零二", 10002),
            ("十万", 100_000),
            ("一百二十万", 1_200_000),
            ("三亿", 300_000_000),
            ("一亿二", 120_000_000),
            ("一亿零五百万零三", 105_000_003),
            ("百", 100),
            ("百万", 1_000_000),
        ];
        for (text, n) in cases {
            assert_eq!(
                parse_chinese_integer(text),
                Some(Decimal::from(n)),
                "{text}"
            );
        }
        for bad in [
            "",
            "一二",
            "十十",
            "百十",
            "一百十",
            "一万万",
            "万一",
            "一万亿",
            "二〇二五",
            "一千零",
            "零十",
            "统一",
            "一是",
            "一百点五",
            "12",
            "十零八",
            "一千二百三十零万",
        ] {
            assert_eq!(parse_chinese_integer(bad), None, "{bad}");
        }
    }

    #[test]
    fn count_pattern_stops_at_the_clause() {
        assert_eq!(find(COUNT_PATTERN, "已审结240全区"), Some("240"));
        assert_eq!(find(COUNT_PATTERN, "调解矛盾纠纷3,698件"), Some("3,698"));
        assert_eq!(find(COUNT_PATTERN, "受理293,已审结240"), Some("293"));
        assert_eq!(find(COUNT_PATTERN, "受理293件,已审结240"), Some("293"));
        assert_eq!(find(COUNT_PATTERN, "受理12,3456件"), Some("12"));
        assert_eq!(
            find(COUNT_PATTERN, "化解各类矛盾纠纷1.1万余件"),
            Some("1.1万余")
        );
        assert_eq!(find(COUNT_PATTERN, "咨询近2万人次"), Some("近2万"));
        assert_eq!(find(COUNT_PATTERN, "服务超8800家"), Some("超8800"));
        assert_eq!(find(COUNT_PATTERN, "共489件"), Some("489"));
        assert_eq!(find(COUNT_PATTERN, "累计397次"), Some("397"));
        assert_eq!(find(COUNT_PATTERN, "会议两千余人"), Some("两千余"));
        assert_eq!(find(COUNT_PATTERN, "逾百家"), Some("逾百"));
        assert_eq!(find(COUNT_PATTERN, "4000多件"), Some("4000多"));
        // 5G is not a count; 万家 and 百姓 are words, not numbers.
        assert_eq!(find(COUNT_PATTERN, "5G网络"), None);
        assert_eq!(find(COUNT_PATTERN, "万家灯火"), None);
        assert_eq!(find(COUNT_PATTERN, "服务百姓"), None);
        assert_eq!(find(COUNT_PATTERN, "千家万户"), None);
    }

    #[test]
    fn ordinal_context_is_reported() {
        let first = |text: &str| {
            let m = Regex::new(COUNT_PATTERN).unwrap().find(text).unwrap();
            (m.as_str().to_string(), is_ordinal_context(text, m.end()))
        };
        assert_eq!(first("一是加强领导"), ("一".into(), true));
        assert_eq!(first("二要完善制度"), ("二".into(), true));
        assert_eq!(first("三、主要举措"), ("三".into(), true));
        assert_eq!(first("(二)推进"), ("二".into(), true));
        assert_eq!(first("第三次会议"), ("三".into(), true));
        assert_eq!(first("一方面"), ("一".into(), true));
        assert_eq!(first("1.加强"), ("1".into(), true));
        assert_eq!(first("答复2.5天"), ("2.5".into(), false));
        assert_eq!(first("已审结240.全区"), ("240".into(), false));
        assert_eq!(first("办理三件"), ("三".into(), false));
        assert_eq!(first("1700余人是"), ("1700余".into(), false));
        // Not on a character boundary: no panic, no claim.
        assert!(!is_ordinal_context("一是", 1));
        assert!(!is_ordinal_context("一是", 99));
        assert!(!is_ordinal_context("", 0));
    }

    #[test]
    fn word_context_is_reported() {
        let first = |text: &str| {
            let m = Regex::new(COUNT_PATTERN).unwrap().find(text).unwrap();
            (
                m.as_str().to_string(),
                is_word_context(text, m.start(), m.end()),
            )
        };
        assert_eq!(first("进一步规范"), ("一".into(), true));
        assert_eq!(first("统一规范"), ("一".into(), true));
        assert_eq!(first("问题之一"), ("一".into(), true));
        assert_eq!(first("一些短板"), ("一".into(), true));
        assert_eq!(first("万一发生"), ("一".into(), true));
        assert_eq!(first("办理一件"), ("一".into(), false));
        assert_eq!(first("一万一千件"), ("一万一千".into(), false));
        assert_eq!(first("十一些"), ("十一".into(), false));
        assert!(!is_word_context("进一步", 1, 4));
        assert!(!is_word_context("进一步", 3, 99));
    }

    #[test]
    fn percents() {
        check(parse_percent("100%"), Some(("100", None)));
        check(parse_percent("99.87%"), Some(("99.87", None)));
        check(parse_percent("100％"), Some(("100", None)));
        check(parse_percent("１００％"), Some(("100", None)));
        check(parse_percent("百分之百"), Some(("100", None)));
        check(parse_percent("百分之一百"), Some(("100", None)));
        check(parse_percent("百分之九十五"), Some(("95", None)));
        check(parse_percent("百分之九十九点八"), Some(("99.8", None)));
        check(parse_percent("百分之零点五"), Some(("0.5", None)));
        check(parse_percent("90%以上"), Some(("90", Some(AtLeast))));
        check(parse_percent("近90%"), Some(("90", Some(About))));
        check(parse_percent("超过95%"), Some(("95", Some(MoreThan))));
        check(parse_percent("150%"), Some(("150", None)));
        check(parse_percent("80.00%"), Some(("80", None)));
        for bad in [
            "",
            "%",
            "-5%",
            "1,000%",
            "100",
            "百分之",
            "百分之点五",
            "5%%",
            ".5%",
            "百分之九十点",
        ] {
            assert_eq!(parse_percent(bad), None, "{bad}");
        }
    }

    #[test]
    fn percent_pattern_stops_at_the_clause() {
        assert_eq!(find(PERCENT_PATTERN, "答复率达到100%二是"), Some("100%"));
        assert_eq!(find(PERCENT_PATTERN, "达到3个100%"), Some("100%"));
        assert_eq!(find(PERCENT_PATTERN, "化解率达90%以上"), Some("90%以上"));
        assert_eq!(
            find(PERCENT_PATTERN, "比例达百分之九十五以上"),
            Some("百分之九十五以上")
        );
        assert_eq!(find(PERCENT_PATTERN, "提高5个百分点"), None);
        // `3个100%`: the count pattern still reads the 3 on its own.
        assert_eq!(find(COUNT_PATTERN, "3个100%"), Some("3"));
    }

    #[test]
    fn dates() {
        let d = |y, m, day| Date::new(y, m, day);
        assert_eq!(parse_date("2025-03-24"), d(2025, 3, 24));
        assert_eq!(parse_date("2025-3-4"), d(2025, 3, 4));
        assert_eq!(parse_date("2025年01月06日"), d(2025, 1, 6));
        assert_eq!(parse_date("2025年1月6日"), d(2025, 1, 6));
        assert_eq!(parse_date("2025/03/28"), d(2025, 3, 28));
        assert_eq!(parse_date("2025.03.28"), d(2025, 3, 28));
        assert_eq!(parse_date("２０２５－０３－２４"), d(2025, 3, 24));
        assert_eq!(parse_date("2024-02-29"), d(2024, 2, 29));
        for bad in [
            "2025-02-30",
            "2025-13-01",
            "2025-00-10",
            "2025-01-32",
            "2023-02-29",
            "2025-03/24",
            "2025-03-24-1",
            "25-03-24",
            "2025-003-24",
            "2025年3月",
            "2025年3月24",
            "2025-03-24 16:55",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(
            find(DATE_PATTERN, "发布日期:2025-03-24 16:55"),
            Some("2025-03-24")
        );
        assert_eq!(
            find(DATE_PATTERN, "发布时间:2025年01月06日 09:41"),
            Some("2025年01月06日")
        );
        assert_eq!(find(DATE_PATTERN, "2025-03-241"), None);
        assert_eq!(find(DATE_PATTERN, "12025-03-24"), None);
    }

    #[test]
    fn years() {
        assert_eq!(parse_year("2024年度"), Some(2024));
        assert_eq!(parse_year("2024年"), Some(2024));
        assert_eq!(parse_year("2024"), Some(2024));
        assert_eq!(parse_year("1949年"), Some(1949));
        assert_eq!(parse_year("2100"), Some(2100));
        for bad in [
            "1234年",
            "1948",
            "2101年",
            "20245",
            "024",
            "二〇二四年",
            "2024年年",
            "",
        ] {
            assert_eq!(parse_year(bad), None, "{bad}");
        }
        assert_eq!(find(YEAR_PATTERN, "2024年度法治政府"), Some("2024年度"));
        assert_eq!(find(YEAR_PATTERN, "2021—2025年"), Some("2025年"));
        assert_eq!(find(YEAR_PATTERN, "1234年"), None);
        assert_eq!(find(YEAR_PATTERN, "12024年"), None);
    }

    #[test]
    fn suffix_qualifiers() {
        assert_eq!(suffix_qualifier("以上"), Some(AtLeast));
        assert_eq!(suffix_qualifier("余"), Some(MoreThan));
        assert_eq!(suffix_qualifier("多"), Some(MoreThan));
        assert_eq!(suffix_qualifier("左右"), Some(About));
        assert_eq!(suffix_qualifier("件"), None);
        let re = Regex::new(&format!(
            "(?P<n>{COUNT_PATTERN})件(?P<q>{SUFFIX_QUALIFIER_PATTERN})?"
        ))
        .unwrap();
        let caps = re.captures("受理100件以上").unwrap();
        assert_eq!(&caps["n"], "100");
        assert_eq!(suffix_qualifier(&caps["q"]), Some(AtLeast));
    }

    #[test]
    fn fragments_have_no_capture_groups() {
        for p in [
            COUNT_PATTERN,
            PERCENT_PATTERN,
            DATE_PATTERN,
            YEAR_PATTERN,
            SUFFIX_QUALIFIER_PATTERN,
        ] {
            assert_eq!(Regex::new(p).unwrap().captures_len(), 1, "{p}");
        }
    }

    /// Standard Chinese numerals for 0..10^12, written independently of the parser.
    fn to_chinese(n: u64) -> String {
        const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        fn section(n: u64, leading: bool) -> String {
            let mut out = String::new();
            let mut zero = false;
            for (place, unit) in [(1000, "千"), (100, "百"), (10, "十"), (1, "")] {
                let d = (n / place % 10) as usize;
                if d == 0 {
                    zero = !out.is_empty();
                    continue;
                }
                if zero {
                    out.push('零');
                    zero = false;
                }
                if !(place == 10 && d == 1 && leading && out.is_empty()) {
                    out.push_str(DIGITS[d]);
                }
                out.push_str(unit);
            }
            out
        }
        if n == 0 {
            return "零".into();
        }
        let (yi, wan, ones) = (n / 100_000_000, n / 10_000 % 10_000, n % 10_000);
        let mut out = String::new();
        if yi > 0 {
            out += &section(yi, true);
            out += "亿";
        }
        if wan > 0 {
            if yi > 0 && wan < 1000 {
                out.push('零');
            }
            out += &section(wan, yi == 0);
            out += "万";
        }
        if ones > 0 {
            if (yi > 0 || wan > 0) && (ones < 1000 || wan == 0) && !out.ends_with('零') {
                out.push('零');
            }
            out += &section(ones, n < 10_000);
        }
        out
    }

    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn chinese_numerals_round_trip() {
        let count = whole(COUNT_PATTERN);
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let spot = [
            1,
            10,
            11,
            20,
            100,
            101,
            110,
            1000,
            1001,
            1010,
            10_000,
            10_001,
            10_010,
            100_000_000,
            100_000_001,
            100_010_000,
        ];
        let random = (0..20_000).map(|i| {
            let digits = 1 + i % 12;
            rng.next() % 10u64.pow(digits as u32)
        });
        for n in spot.into_iter().chain(random) {
            let text = to_chinese(n);
            assert_eq!(
                parse_chinese_integer(&text),
                Some(Decimal::from(n)),
                "{text}"
            );
            if n > 0 {
                assert!(count.is_match(&text), "{text}");
                assert_eq!(
                    parse_count(&text).map(|q| q.value),
                    Some(Decimal::from(n)),
                    "{text}"
                );
            }
        }
    }

    /// A symbol, a run of digits, a date-like piece or a Chinese numeral, so that every fragment
    /// gets matched often enough to be tested.
    fn random_token(rng: &mut XorShift) -> String {
        const SYMBOLS: [&str; 44] = [
            "0",
            "1",
            "2",
            "3",
            "5",
            "9",
            "0",
            "7",
            ",",
            ".",
            "%",
            "％",
            "-",
            "/",
            ":",
            " ",
            "０",
            "余",
            "多",
            "万",
            "亿",
            "千",
            "百",
            "十",
            "零",
            "〇",
            "一",
            "二",
            "两",
            "三",
            "九",
            "近",
            "约",
            "超过",
            "逾",
            "年",
            "月",
            "日",
            "度",
            "以上",
            "百分之",
            "点",
            "是",
            "第",
        ];
        const DATEISH: [&str; 16] = [
            "2025",
            "1949",
            "2100",
            "1948",
            "2024年",
            "年度",
            "3月",
            "12月",
            "24日",
            "-",
            "/",
            ".",
            "2025-03-",
            "2024/2/",
            "2025.1.",
            "2025年2月",
        ];
        match rng.below(10) {
            0..=2 => (0..1 + rng.below(4))
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect(),
            3 => to_chinese(rng.next() % 10u64.pow(1 + rng.below(9) as u32)),
            4 => DATEISH[rng.below(DATEISH.len())].to_string(),
            _ => SYMBOLS[rng.below(SYMBOLS.len())].to_string(),
        }
    }

    /// True when `s` is a well-formed date that the calendar rejects (`2025-02-30`): the only
    /// reason `parse_date` may decline a text `DATE_PATTERN` matched.
    fn impossible_day(s: &str) -> bool {
        let numbers: Vec<u32> = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().unwrap())
            .collect();
        numbers.len() == 3 && Date::new(numbers[0] as i32, numbers[1], numbers[2]).is_none()
    }

    #[test]
    fn random_text_never_panics_and_fragments_agree_with_parsers() {
        type Accepts = fn(&str) -> bool;
        let fragments: [(&str, Accepts); 5] = [
            (COUNT_PATTERN, |s| parse_count(s).is_some()),
            (PERCENT_PATTERN, |s| parse_percent(s).is_some()),
            (DATE_PATTERN, |s| {
                parse_date(s).is_some() || impossible_day(s)
            }),
            (YEAR_PATTERN, |s| parse_year(s).is_some()),
            (SUFFIX_QUALIFIER_PATTERN, |s| suffix_qualifier(s).is_some()),
        ];
        let compiled: Vec<_> = fragments
            .iter()
            .map(|(p, accepts)| (Regex::new(p).unwrap(), whole(p), *accepts))
            .collect();
        let mut matched = [0usize; 5];
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        for _ in 0..30_000 {
            let text: String = (0..rng.below(10)).map(|_| random_token(&mut rng)).collect();
            let _ = (parse_count(&text), parse_percent(&text), parse_date(&text));
            let _ = (
                parse_year(&text),
                parse_chinese_integer(&text),
                suffix_qualifier(&text),
            );
            let _ = is_ordinal_context(&text, rng.below(text.len() + 2));
            let _ = is_word_context(&text, rng.below(text.len() + 2), rng.below(text.len() + 2));
            for (i, (anywhere, anchored, accepts)) in compiled.iter().enumerate() {
                if anchored.is_match(&text) {
                    assert!(accepts(&text), "whole match {text:?} not parsed");
                }
                for m in anywhere.find_iter(&text) {
                    matched[i] += 1;
                    assert!(
                        accepts(m.as_str()),
                        "match {:?} in {text:?} not parsed",
                        m.as_str()
                    );
                    let _ = is_ordinal_context(&text, m.end());
                }
            }
        }
        assert!(
            matched.iter().all(|&n| n >= 100),
            "some fragment was barely exercised: {matched:?}"
        );
    }

    /// The shapes the patterns use and the exact fragments accept the same texts, once
    /// [`is_count`] and [`is_percent`] have judged what a shape matched.
    #[test]
    fn shapes_with_their_checks_accept_what_the_exact_fragments_accept() {
        type Check = fn(&str) -> bool;
        let pairs: [(&str, &str, Check); 2] = [
            (COUNT_SHAPE, COUNT_PATTERN, is_count),
            (PERCENT_SHAPE, PERCENT_PATTERN, is_percent),
        ];
        let pairs: Vec<_> = pairs
            .iter()
            .map(|(shape, exact, check)| (whole(shape), whole(exact), *check))
            .collect();
        let mut exact_matches = [0usize; 2];
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..60_000 {
            let text: String = (0..1 + rng.below(4))
                .map(|_| random_token(&mut rng))
                .collect();
            // Percents in words are rare among random tokens: each text is tried after 百分之 too.
            let texts = [text.clone(), format!("百分之{text}")];
            for (i, (shape, exact, check)) in pairs.iter().enumerate() {
                let text = &texts[i];
                let is_exact = exact.is_match(text);
                exact_matches[i] += usize::from(is_exact);
                if is_exact {
                    assert!(shape.is_match(text), "the shape misses {text:?}");
                }
                if shape.is_match(text) {
                    assert_eq!(check(text), is_exact, "{text:?}");
                }
            }
        }
        assert!(
            exact_matches.iter().all(|&n| n >= 500),
            "too few exact matches to compare: {exact_matches:?}"
        );
    }

    #[test]
    fn quantity_values_print_normalized() {
        assert_eq!(parse_count("1.1万").unwrap().value.to_string(), "11000");
        assert_eq!(parse_count("1.10").unwrap().value, dec("1.1"));
    }
}
