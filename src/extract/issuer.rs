//! The issuing body of a report, from its title, the page's source line or the opening sentence,
//! for report headers and batch tables. Not a scored fact: a best effort, absent when the report
//! does not say.
//!
//! An opening sentence often names its author relatively — `我市`, `区司法局`, `湖里区` — so such a
//! name is completed from the places the report names in full (`《郴州市…》`, `中共广州市从化区委`):
//! `郴州市人民政府`, `广州市从化区司法局`, `湖里区人民政府`.

use std::collections::BTreeMap;

use super::structure::{han, white_space, Fixed};
use crate::syntax::ast::IssuerKind;

/// `江夏区人民政府关于2024年度…`, `广州市从化区司法局2024年…`: a body named before the year.
static TITLE: Fixed = Fixed::new(concat!(
    "(?m)^",
    white_space!(),
    "*([",
    han!(),
    "]{2,24}?(?:人民政府|人民政府办公室|政府办公室|司法局|局|委员会))(?:关于)?20[0-9]{2}年"
));
/// `来源：郴州市人民政府`: a web page's source line. Like the place names below, it is matched line
/// by line, on the few lines that can hold it: over the whole text it would soon be compiled by the
/// regex crate, whose thirty copies of the Han class took a tenth of scoring one report.
static SOURCE: Fixed = Fixed::new(concat!(
    "^[ \t]*(?:来源|信息来源|发布机构|发文机关|发布单位)[ \t]*[:：][ \t]*([",
    han!(),
    "]{2,30}?(?:人民政府|政府办公室|办公室|司法局|局|委员会|政府))"
));
/// The words [`SOURCE`] starts with (after spaces and tabs).
const SOURCE_LABELS: [&str; 5] = ["来源", "信息来源", "发布机构", "发文机关", "发布单位"];
/// `2024年,湖里区坚持…`, `2024年,我市坚持…`: a body named at the start of the opening sentence.
static OPENING: Fixed = Fixed::new(concat!(
    "(?m)^",
    white_space!(),
    "*20[0-9]{2}年,?(?:在[^,。]{0,24}下,)?([",
    han!(),
    "]{1,8}?(?:区|市|县|旗|州|局))(?:坚持|以|深入|全面|紧紧|认真|在)"
));
/// A city named in full: `《郴州市…》`, `中共郴州市委`.
static CITY: Fixed = Fixed::new(concat!("(?:《|中共)([", han!(), "]{2,3}?市)"));
/// A district or county with its city: `中共广州市从化区委`, `厦门市湖里区人民政府`. Matched per
/// line, `^` is where a line starts.
static CITY_DISTRICT: Fixed = Fixed::new(concat!(
    "(?:《|中共|^|[^",
    han!(),
    "])([",
    han!(),
    "]{2,3}?市)([",
    han!(),
    "]{2,3}?[区县])(?:委|人民政府|政府|司法局)"
));

/// The lines of `text` that hold `word`: no match of the regexes above crosses a line, so
/// looking only there finds the same matches in the same order.
fn lines_with<'t>(text: &'t str, word: &'t str) -> impl Iterator<Item = &'t str> + 't {
    text.split('\n').filter(move |line| line.contains(word))
}

/// The body the first [`SOURCE`] line names.
fn named_in_source_line(text: &str) -> Option<&str> {
    text.split('\n')
        .filter(|line| {
            let words = line.trim_start_matches([' ', '\t']);
            SOURCE_LABELS.iter().any(|label| words.starts_with(label))
        })
        .find_map(|line| Some(SOURCE.captures(line)?.get(1)?.as_str()))
}

/// Every [`CITY`] match, in text order.
fn cities(text: &str) -> impl Iterator<Item = &str> {
    lines_with(text, "市").flat_map(|line| {
        CITY.captures_iter(line)
            .filter_map(|c| Some(c.get(1)?.as_str()))
    })
}

/// Every [`CITY_DISTRICT`] match, in text order: (city, district).
fn cities_with_districts(text: &str) -> impl Iterator<Item = (&str, &str)> {
    lines_with(text, "市").flat_map(|line| {
        CITY_DISTRICT
            .captures_iter(line)
            .filter_map(|c| Some((c.get(1)?.as_str(), c.get(2)?.as_str())))
    })
}

/// A department (司法局, 市场监督管理局, 委员会, 办公室) reports on its own remit; anything else
/// that issues a 法治政府建设 report is a people's government.
pub fn kind(issuer: &str) -> IssuerKind {
    let department = ["局", "委员会", "办公室", "厅", "委", "中心", "办"];
    if !issuer.ends_with("人民政府") && department.iter().any(|d| issuer.ends_with(d)) {
        IssuerKind::Department
    } else {
        IssuerKind::Government
    }
}

/// The body the report names as its author, if any.
pub fn issuer(text: &str) -> Option<String> {
    let head: String = text.chars().take(600).collect();
    let in_title = TITLE
        .captures(&head)
        .and_then(|c| Some(c.get(1)?.as_str().to_string()));
    if let Some(named) = in_title.or_else(|| named_in_source_line(text).map(str::to_string)) {
        return Some(named);
    }
    let named = OPENING.captures(&head)?.get(1)?.as_str();
    complete(named, text)
}

/// A relative or bare name made whole from the places the text names in full.
fn complete(named: &str, text: &str) -> Option<String> {
    let level = named.chars().next_back()?;
    let first = named.chars().next()?;
    // `我市`, `我区`: the place the text names most.
    if first == '我' {
        return match level {
            '市' => most_named_city(text).map(|c| format!("{c}人民政府")),
            '区' | '县' => {
                most_named_district(text, level).map(|(c, d)| format!("{c}{d}人民政府"))
            }
            _ => None,
        };
    }
    // `区司法局`, `市司法局`: a department of the place the text names most.
    if matches!(first, '区' | '县' | '市') && named.ends_with('局') {
        let place = match first {
            '市' => most_named_city(text),
            _ => most_named_district(text, first).map(|(c, d)| format!("{c}{d}")),
        };
        return Some(match place {
            Some(place) => format!("{place}{}", &named[first.len_utf8()..]),
            None => named.to_string(),
        });
    }
    // `湖里区`: a place, whose government wrote the report; with its city when the text says.
    if matches!(level, '区' | '县' | '市' | '旗' | '州') {
        let city = cities_with_districts(text)
            .find(|(_, district)| *district == named)
            .map(|(city, _)| city);
        return Some(format!("{}{named}人民政府", city.unwrap_or_default()));
    }
    Some(named.to_string())
}

/// The most often named city (ties: the first named), ignoring `全市`, `本市` and the like.
fn most_named_city(text: &str) -> Option<String> {
    most(
        cities(text)
            .filter(|city| !city.starts_with(['我', '全', '本', '各', '该', '省', '市']))
            .map(str::to_string),
    )
}

/// The most often named district (or county) with its city.
fn most_named_district(text: &str, level: char) -> Option<(String, String)> {
    most(
        cities_with_districts(text)
            .filter(|(_, district)| district.ends_with(level))
            .map(|(city, district)| (city.to_string(), district.to_string())),
    )
}

fn most<T: Ord + Clone>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, (usize, usize)> = BTreeMap::new();
    for (order, item) in items.enumerate() {
        counts.entry(item).or_insert((0, order)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        .map(|(item, _)| item)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// What the regexes matched when they ran over the whole text with the regex crate; the
    /// line-by-line regex-lite search must find the same, in the same order.
    #[test]
    fn line_by_line_finds_what_a_whole_text_search_found() {
        let source = regex::Regex::new(r"(?m)^[ \t]*(?:来源|信息来源|发布机构|发文机关|发布单位)[ \t]*[:：][ \t]*([\p{Han}]{2,30}?(?:人民政府|政府办公室|办公室|司法局|局|委员会|政府))").unwrap();
        let city = regex::Regex::new(r"(?:《|中共)([\p{Han}]{2,3}?市)").unwrap();
        let city_district = regex::Regex::new(r"(?:《|中共|^|[^\p{Han}])([\p{Han}]{2,3}?市)([\p{Han}]{2,3}?[区县])(?:委|人民政府|政府|司法局)").unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports-fixtures");
        let mut texts: Vec<String> = ["", "real"]
            .iter()
            .flat_map(|dir| std::fs::read_dir(root.join(dir)).into_iter().flatten())
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "txt"))
            .map(|path| crate::read::read_path(&path).unwrap().text)
            .collect();
        assert!(texts.len() > 45);
        texts.extend(
            [
                "厦门市湖里区人民政府\n中共厦门市湖里区委",
                "标题\n \t来源：郴州市人民政府\n来源:别的市人民政府",
                "\n信息来源：广州市从化区司法局办公室",
                "《郴州市法治政府建设实施方案》中共郴州市委\n《长沙市》",
                "。广州市从化区委和南宁市\n青秀区人民政府,市县区政府",
            ]
            .map(String::from),
        );
        let mut found = 0;
        for text in &texts {
            let whole = source.captures(text).and_then(|c| Some(c.get(1)?.as_str()));
            assert_eq!(named_in_source_line(text), whole);
            let whole: Vec<_> = city
                .captures_iter(text)
                .filter_map(|c| Some(c.get(1)?.as_str()))
                .collect();
            assert_eq!(cities(text).collect::<Vec<_>>(), whole);
            found += whole.len();
            let whole: Vec<_> = city_district
                .captures_iter(text)
                .filter_map(|c| Some((c.get(1)?.as_str(), c.get(2)?.as_str())))
                .collect();
            assert_eq!(cities_with_districts(text).collect::<Vec<_>>(), whole);
            found += whole.len();
        }
        assert!(found > 30, "{found}");
    }

    #[test]
    fn issuers_from_titles_and_opening_sentences() {
        assert_eq!(
            issuer("江夏区人民政府关于2024年度法治政府建设情况的报告\n").as_deref(),
            Some("江夏区人民政府")
        );
        assert_eq!(
            issuer("石家庄市新华区人民政府\n石家庄市新华区人民政府2024年法治政府建设年度报告")
                .as_deref(),
            Some("石家庄市新华区人民政府")
        );
        assert_eq!(
            issuer("广州市从化区司法局2024年法治政府建设年度报告\n").as_deref(),
            Some("广州市从化区司法局")
        );
        assert_eq!(
            issuer("2024年,湖里区坚持以习近平新时代中国特色社会主义思想为指导").as_deref(),
            Some("湖里区人民政府")
        );
        assert_eq!(issuer("没有标题的文字"), None);
    }

    #[test]
    fn relative_names_are_completed_from_the_places_the_text_names() {
        assert_eq!(
            issuer("2024年,在区委、区政府的坚强领导下,区司法局坚持以……印发《中共广州市从化区委全面依法治区委员会2024年工作要点》")
                .as_deref(),
            Some("广州市从化区司法局")
        );
        assert_eq!(
            issuer("2024年,我市坚持以……印发《郴州市领导干部应知应会清单》,落实《郴州市人民政府重大行政决策程序规定》,全市……")
                .as_deref(),
            Some("郴州市人民政府")
        );
        assert_eq!(
            issuer("2024年,湖里区坚持……厦门市湖里区人民政府……").as_deref(),
            Some("厦门市湖里区人民政府")
        );
        // Nothing named in full: the relative name as the report gives it.
        assert_eq!(
            issuer("2024年,在区委、区政府的坚强领导下,区司法局坚持").as_deref(),
            Some("区司法局")
        );
        assert_eq!(issuer("2024年,我市坚持以习近平"), None);
    }

    #[test]
    fn a_source_line_names_the_issuer() {
        assert_eq!(
            issuer("2024年法治政府建设年度报告\n发布时间：2025-03-01\n来源：郴州市人民政府\n正文")
                .as_deref(),
            Some("郴州市人民政府")
        );
    }
}
