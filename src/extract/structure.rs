//! The parts of a report: the header (title, date, opening paragraph), the account of the year's
//! work, the shortcomings, and next year's plan — as headings (`二、存在的问题和不足`) or as
//! unheaded sentences (`…但仍存在一些不足`, `下一步,我区将…`).

use std::sync::OnceLock;

use super::engine::{Engine, Groups, Promoting};

use serde::Serialize;

use crate::syntax::ast::Scope;

/// The part of a report a piece of text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Header,
    Work,
    Shortcomings,
    Plan,
}

impl Part {
    /// Whether evidence in this part may count for a fact of the given scope.
    pub fn within(self, scope: Scope) -> bool {
        match scope {
            Scope::Anywhere => true,
            // The opening paragraph summarises the year's work, so it counts as work too.
            Scope::Work => matches!(self, Part::Work | Part::Header),
            Scope::Header => self == Part::Header,
            Scope::Shortcomings => self == Part::Shortcomings,
            Scope::Plan => self == Part::Plan,
        }
    }
}

/// Where each part starts in the normalized text, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Structure {
    starts: Vec<(usize, Part)>,
}

/// Unicode's white space, what the regex crate's `\s` matches, as a class regex-lite reads the
/// same way (its `\s` is ASCII only).
macro_rules! white_space {
    () => {
        r"[\t\n\x0B\x0C\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]"
    };
}
pub(crate) use white_space;

/// The Han script, what the regex crate's `\p{Han}` matches (its Unicode tables, regex-syntax
/// 0.8), as ranges to put inside a class: `[` han!() `]`, `[^` han!() `]`.
macro_rules! han {
    () => {
        concat!(
            r"\x{2E80}-\x{2E99}\x{2E9B}-\x{2EF3}\x{2F00}-\x{2FD5}\x{3005}\x{3007}\x{3021}-\x{3029}",
            r"\x{3038}-\x{303B}\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FA6D}\x{FA70}-\x{FAD9}",
            r"\x{16FE2}-\x{16FE3}\x{16FF0}-\x{16FF1}\x{20000}-\x{2A6DF}\x{2A700}-\x{2B739}",
            r"\x{2B740}-\x{2B81D}\x{2B820}-\x{2CEA1}\x{2CEB0}-\x{2EBE0}\x{2EBF0}-\x{2EE5D}",
            r"\x{2F800}-\x{2FA1D}\x{30000}-\x{3134A}\x{31350}-\x{323AF}"
        )
    };
}
pub(crate) use han;

/// A fixed regex, compiled once per process: by regex-lite, in microseconds, then by the regex
/// crate once it has searched enough ([`engine`](super::engine)). Scoring one report needs
/// twenty-odd of them over a few clauses each, where the regex crate's 0.1–1 ms of compiling
/// each was a fifth of the time; a batch runs them over megabytes. regex-lite has no `\p{Han}` and
/// an ASCII `\s`: write [`han!`] and [`white_space!`] instead. The patterns are constants covered
/// by tests; if one ever failed to compile it would match nothing rather than panic.
pub(crate) struct Fixed {
    source: &'static str,
    engines: OnceLock<Promoting>,
}

/// Compiled size cap of a fixed regex: they are small, this only keeps the two engines' limits
/// equal.
const FIXED_SIZE_LIMIT: usize = 4 << 20;

impl Fixed {
    pub(crate) const fn new(source: &'static str) -> Fixed {
        Fixed {
            source,
            engines: OnceLock::new(),
        }
    }

    fn engine(&self, text: &str) -> Option<Engine<'_>> {
        self.engines
            .get_or_init(Promoting::default)
            .engine(self.source, FIXED_SIZE_LIMIT, text.len())
            .ok()
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.engine(text).is_some_and(|e| e.is_match(text))
    }

    /// Every match, in order.
    pub(crate) fn captures_iter<'t>(&self, text: &'t str) -> impl Iterator<Item = Groups<'t>> {
        self.engine(text)
            .map(|e| e.captures_all(text))
            .unwrap_or_default()
            .into_iter()
    }

    pub(crate) fn count(&self, text: &str) -> usize {
        self.engine(text).map_or(0, |e| e.count(text))
    }

    pub(crate) fn captures<'t>(&self, text: &'t str) -> Option<Groups<'t>> {
        self.engine(text).and_then(|e| e.captures_at(text, 0))
    }
}

/// A top-level heading: `一、…` … `十、…`.
static TOP_HEADING: Fixed = Fixed::new(r"^[一二三四五六七八九十]{1,2}、");
static SHORTCOMING_WORDS: Fixed = Fixed::new(r"不足|问题|短板|差距|薄弱|弱项");
static PLAN_WORDS: Fixed = Fixed::new(r"安排|计划|打算|思路|下一步|展望|下一年度");
/// An unheaded opening of the shortcomings: `…但仍存在一些不足`, `存在的问题`.
static SHORTCOMING_SENTENCE: Fixed = Fixed::new(
    r"(?:仍然?|也|还|依然)存在(?:一些|一定的?|着|不少)?[^。]{0,8}?(?:问题|不足|短板|弱项|差距)|存在的(?:问题|不足)",
);
/// An unheaded opening of the plans: `下一步,我区将…`, `2025年,湖里区将…`.
static PLAN_SENTENCE: Fixed =
    Fixed::new(r"^(?:下一步|下一年度|明年|20[0-9]{2}年,?[^。,;]{0,12}?将)");

impl Structure {
    /// A text that lies wholly in one part: a sentence tried on its own (`example`,
    /// `fazhi extract --text`) as if it stood there.
    pub fn single(part: Part) -> Structure {
        Structure {
            starts: vec![(0, part)],
        }
    }

    pub fn detect(text: &str) -> Structure {
        let mut starts = vec![(0, Part::Header)];
        let mut current = Part::Header;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            let lead = line.len() - line.trim_start().len();
            let heading_like = TOP_HEADING.is_match(trimmed)
                || (trimmed.chars().count() <= 40 && !trimmed.contains('。'));
            let next = if heading_like && current != Part::Header || TOP_HEADING.is_match(trimmed) {
                let heading = heading_text(trimmed);
                if PLAN_WORDS.is_match(heading) {
                    Some((start + lead, Part::Plan))
                } else if SHORTCOMING_WORDS.is_match(heading) {
                    Some((start + lead, Part::Shortcomings))
                } else if TOP_HEADING.is_match(trimmed) {
                    Some((start + lead, Part::Work))
                } else {
                    None
                }
            } else {
                None
            };
            let moves = match next {
                Some(heading) => vec![heading],
                None => sentence_transitions(line, start, current),
            };
            for (at, part) in moves {
                if part != current {
                    starts.push((at, part));
                    current = part;
                }
            }
            // A body paragraph ends the header even without a heading.
            if current == Part::Header
                && !heading_like
                && trimmed.chars().count() > 60
                && starts.len() == 1
            {
                // The opening paragraph itself stays in the header; the next line starts the work.
                starts.push((offset, Part::Work));
                current = Part::Work;
            }
        }
        Structure { starts }
    }

    pub fn part_at(&self, offset: usize) -> Part {
        let index = self.starts.partition_point(|(start, _)| *start <= offset);
        self.starts
            .get(index.saturating_sub(1))
            .map_or(Part::Header, |(_, part)| *part)
    }

    /// The parts and where they start, for `fazhi extract` and tests.
    pub fn starts(&self) -> &[(usize, Part)] {
        &self.starts
    }
}

/// Longest heading (in characters) read from a line that also holds body text.
const SHARED_HEADING_MAX_CHARS: usize = 20;

/// The heading's own words when a flattened web page put the heading and its body on one line
/// (`一、总体情况 本年度报告…包括…存在的主要问题…`, where normalization removed the space): at
/// most the first 20 characters before the first `,` `。` `;` or space. The body's words (问题,
/// 安排) say nothing about the part. A line without `。` is all heading.
fn heading_text(line: &str) -> &str {
    if !line.contains('。') {
        return line;
    }
    let end = line.find([' ', '。', ',', ';']).unwrap_or(line.len());
    let end = line[..end]
        .char_indices()
        .nth(SHARED_HEADING_MAX_CHARS)
        .map_or(end, |(i, _)| i);
    &line[..end]
}

/// Unheaded moves to the shortcomings and then the plans inside a paragraph: each part starts
/// at the beginning of the sentence that announces it. One closing paragraph often holds both
/// (`…也存在一些短板和不足,…。下一步,我区将…`).
fn sentence_transitions(line: &str, line_start: usize, mut current: Part) -> Vec<(usize, Part)> {
    let mut moves = Vec::new();
    if current == Part::Header {
        return moves;
    }
    let mut sentence_start = 0;
    for sentence in line.split_inclusive('。') {
        let trimmed = sentence.trim_start();
        let at = line_start + sentence_start + (sentence.len() - trimmed.len());
        if current != Part::Plan && PLAN_SENTENCE.is_match(trimmed) {
            moves.push((at, Part::Plan));
            current = Part::Plan;
        } else if current == Part::Work && SHORTCOMING_SENTENCE.is_match(sentence) {
            moves.push((at, Part::Shortcomings));
            current = Part::Shortcomings;
        }
        sentence_start += sentence.len();
    }
    moves
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The classes written for regex-lite match exactly what the regex crate's `\s` and
    /// `\p{Han}` match, on every character.
    #[test]
    fn spelled_classes_match_the_regex_crate_on_every_character() {
        let pairs = [
            (
                regex::Regex::new(r"^\s$"),
                concat!("^", white_space!(), "$"),
            ),
            (regex::Regex::new(r"^\p{Han}$"), concat!("^[", han!(), "]$")),
            (
                regex::Regex::new(r"^\P{Han}$"),
                concat!("^[^", han!(), "]$"),
            ),
        ];
        for (unicode, spelled) in pairs {
            let unicode = unicode.unwrap();
            let spelled = regex_lite::Regex::new(spelled).unwrap();
            let mut buf = [0u8; 4];
            let differ: Vec<char> = (0..=0x10FFFF)
                .filter_map(char::from_u32)
                .filter(|c| {
                    let text = c.encode_utf8(&mut buf);
                    unicode.is_match(text) != spelled.is_match(text)
                })
                .take(5)
                .collect();
            assert!(differ.is_empty(), "{unicode}: {differ:?}");
        }
    }

    fn parts(text: &str) -> Vec<(String, Part)> {
        let s = Structure::detect(text);
        s.starts()
            .iter()
            .map(|(at, p)| (text[*at..].chars().take(6).collect(), *p))
            .collect()
    }

    #[test]
    fn headed_parts() {
        let text = "某区2024年法治政府建设年度报告\n发布时间:2025年01月06日\n一、2024年主要工作\n全年办结案件10件。\n二、存在的问题和不足\n一是不够深入。\n三、2025年工作主要安排\n继续推进。\n";
        let found = parts(text);
        assert_eq!(
            found.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
            vec![Part::Header, Part::Work, Part::Shortcomings, Part::Plan]
        );
        assert_eq!(found[2].0, "二、存在的问");
    }

    #[test]
    fn a_heading_sharing_its_line_with_the_body_is_read_by_its_own_words() {
        // A flattened page: the body lists the report's sections, 存在的主要问题 among them.
        let text = "信息公开年度报告\n一、总体情况 本报告包括总体情况、存在的主要问题及改进情况。全年公开信息50条。\n二、存在的主要问题 一是更新不及时。\n";
        assert_eq!(
            heading_text("一、总体情况本报告包括总体情况、存在的主要问题。"),
            "一、总体情况本报告包括总体情况、存在的主"
        );
        let found = parts(text);
        assert_eq!(
            found.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
            vec![Part::Header, Part::Work, Part::Shortcomings]
        );
        assert_eq!(found[1].0, "一、总体情况");
    }

    #[test]
    fn unheaded_parts_start_at_their_sentence() {
        let intro = "2024年,某区坚持以习近平新时代中国特色社会主义思想为指导,扎实推进依法行政,法治政府建设取得新进展新成效。";
        let text = format!("{intro}\n一、加强领导\n办结案件10件。\n某区成效显著,但仍存在一些问题和不足,比如:决策程序有待规范。\n下一步,我区将继续推进。\n");
        let found = parts(&text);
        assert_eq!(
            found.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
            vec![Part::Header, Part::Work, Part::Shortcomings, Part::Plan]
        );
        assert_eq!(found[2].0, "某区成效显著");
        assert_eq!(found[3].0, "下一步,我区");
    }

    #[test]
    fn one_closing_paragraph_holds_the_shortcomings_and_the_plan() {
        let text = "一、主要工作\n办结案件10件。\n对照要求,我区工作也存在一些短板和不足,主要是基层力量薄弱。下一步,我区将持续推进。\n";
        let found = parts(text);
        assert_eq!(
            found.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
            vec![Part::Header, Part::Work, Part::Shortcomings, Part::Plan]
        );
        assert_eq!(found[3].0, "下一步,我区");
    }

    #[test]
    fn a_short_unnumbered_heading_names_the_plan() {
        let text =
            "一、主要举措\n办结案件10件。\n2025年推进法治政府建设的主要安排\n我区将深入推进。\n";
        let s = Structure::detect(text);
        assert_eq!(s.part_at(text.find("我区将").unwrap_or(0)), Part::Plan);
        assert_eq!(s.part_at(text.find("办结").unwrap_or(0)), Part::Work);
    }
}
