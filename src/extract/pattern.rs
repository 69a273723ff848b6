//! The pattern notation of `fact { pattern "…" }`, compiled to regular expressions.
//!
//! | notation | matches |
//! | --- | --- |
//! | Chinese or other text | itself (the report text is normalized: ASCII digits, `%`, `,`, `(`, `:`) |
//! | `(a\|b)`, `(…)?`, `x?` | alternatives, an optional group, an optional character |
//! | `…` | a gap of up to 20 characters inside one sentence (a name in “…” counts as one) |
//! | `{percent}` `{count}` `{amount}` `{date}` `{year}` | the value, exactly one, of the fact's type (in a flag's pattern: any number of them, as context) |
//! | `{verb}` | an optional linking verb (达/达到/为/均为…), also across a list (`备案率、公开率均为`) |
//!
//! Nothing else is special, so a rule author never writes regex syntax, and the regex crate keeps
//! matching linear-time whatever a rule file holds.

use std::ops::Range;

use regex::Regex;

use super::engine::{Promoting, DFA_SIZE_LIMIT};
use super::quantity::{COUNT_SHAPE, DATE_PATTERN, PERCENT_SHAPE, YEAR_PATTERN};
use super::structure::white_space;
use crate::value::FactType;

/// The name of the capture group that holds the value.
pub const VALUE_GROUP: &str = "v";

/// Compiled size cap per pattern: a hostile rule file gets an error, not a huge automaton.
const SIZE_LIMIT: usize = 4 << 20;

/// A gap inside one sentence: no sentence end, no line break. A name in quotation marks counts
/// as one character: a training course or a campaign named between two words does not part them
/// (`执法人员参加“…能力建设”培训班`). Titles in 《》 do not: a document's title often ends one clause
/// and a different act follows.
///
/// Patterns run over one sentence at a time ([`sentences`]), so the classes need not exclude
/// `。` and line breaks: each excluded multi-byte character makes every one of the twenty
/// copies of the class larger to compile.
const GAP: &str = "(?:[^;!?]|“[^”;!?]*”){0,20}?";

/// A linking verb, optionally after the rest of a list (`审查率、备案率、公开率均为100%` states
/// all three): the list tail, then a change from last year (`由2023年的85%提升至`: the old value
/// is skipped), then 均/全部/都, then the verb, each optional.
const VERB: &str = "(?:(?:、|和|及|与)[^,;、:]{1,12}?)*(?:(?:由|从)[^,;:]{1,16}?(?:提升|提高|上升|增长|增加|增|下降|降低|减少|降)(?:至|到))?(?:均|全部|都|分别)?(?:仅为|仅|只有|只)?(?:达到了|达到|达|为|是|实现|保持|提升至|提高到|提升到|提高至|上升至|上升到|增至|共计|共|累计|合计)?(?:首次)?(?:达到)?(?:[0-9一二三四五六七八九]个)?";

/// The sentences of `text` that patterns run over, each with its byte offset: split after `。`
/// and line breaks, which a pattern never crosses (the checker refuses a `。` in a pattern).
pub fn sentences(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive(['\n', '。'])
        .scan(0, |start, sentence| {
            let offset = *start;
            *start += sentence.len();
            Some((offset, sentence))
        })
}

/// What is wrong with a pattern, and where in its text (a byte range) when one place is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// Reads after "pattern of `fact` ": "has a `)` without its `(`".
    pub message: String,
    pub at: Option<Range<usize>>,
    /// Set when the pattern is valid but does not mean what it looks like (a bare `a|b`): the
    /// checker reports it under its own code, with this help.
    pub ambiguous: Option<&'static str>,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn error(message: impl Into<String>, at: Option<Range<usize>>) -> PatternError {
    PatternError {
        message: message.into(),
        at,
        ambiguous: None,
    }
}

fn ambiguous(message: &str, at: Range<usize>, help: &'static str) -> PatternError {
    PatternError {
        message: message.into(),
        at: Some(at),
        ambiguous: Some(help),
    }
}

/// How to write "a or b", for every diagnostic about alternatives.
pub const ALTERNATIVES_HELP: &str =
    "把可选的写法放进一个分组：`出庭(应诉率|率){verb}{percent}` 读取“出庭应诉率”或“出庭率”；`(a|b)` 表示“a 或 b”，`(a)?` 表示“a 或没有”";

/// What the last notation written was, for a `?` after it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// A character or a group: `?` makes it optional.
    Atom,
    /// `(`, `|` or `?`: nothing for a `?` to apply to.
    Nothing,
    /// A gap or `{verb}`: already optional.
    AlreadyOptional,
    /// The captured value, which a match must hold.
    Value,
}

/// `{item}`: the marker of a second numbered item, as reports write it (`二是`, `(二)`, `二、`,
/// `2.`), which the pattern notation cannot spell since `(` is its own syntax.
///
/// The white space is Unicode's, spelled out for regex-lite.
const SECOND_ITEM: &str = concat!(
    r"(?:二是|第二[,、]|\(二\)|（二）|(?:^|",
    white_space!(),
    r")二、|(?:^|[^0-9.])2[.、])"
);

/// Translates a pattern to a regex string; the error says what is wrong and where.
pub fn translate(pattern: &str, ty: FactType) -> Result<String, PatternError> {
    let mut regex = String::new();
    // Where each open `(` is, for "never closed".
    let mut open: Vec<usize> = Vec::new();
    let mut values = 0usize;
    let mut chars = pattern.char_indices().peekable();
    let mut last_open_empty = false;
    // What a `?` would apply to.
    let mut last = Last::Nothing;
    // Whether the current group's branch is still empty, for `(a|)` and `(|a)`.
    let mut branch_empty = true;
    while let Some((at, c)) = chars.next() {
        let here = Some(at..at + c.len_utf8());
        let opens = c == '(';
        let before = last;
        last = if matches!(c, '(' | '|' | '?') {
            Last::Nothing
        } else {
            Last::Atom
        };
        // `(|a)`, `(a||b)`, `(a|)`; not `()` (an empty group, reported below) nor a stray `)`.
        let empty_branch_ends = match c {
            '|' => true,
            ')' => !last_open_empty && !open.is_empty(),
            _ => false,
        };
        if branch_empty && empty_branch_ends {
            return Err(ambiguous(
                "有空的选项：这个分组也能什么都不匹配",
                at..at + 1,
                "删去空的选项，把分组设为可选：`(a|b)?` 表示“a、b 或都没有”",
            ));
        }
        branch_empty = matches!(c, '(' | '|');
        match c {
            '(' => {
                open.push(at);
                regex.push_str("(?:");
            }
            ')' => {
                let Some(start) = open.pop() else {
                    return Err(error("`)` 没有对应的 `(`", here));
                };
                if last_open_empty {
                    return Err(error("有空的分组 `()`", Some(start..at + 1)));
                }
                regex.push(')');
            }
            '?' if before == Last::AlreadyOptional => {
                return Err(ambiguous(
                    "`…` 或 `{verb}` 后面有 `?`：它们本来就可有可无，`?` 只会改变它们取多少字",
                    at..at + 1,
                    "删去 `?`：`…` 匹配 0 到 20 个字，`{verb}` 本来就可以不出现",
                ))
            }
            '?' if before == Last::Value => {
                return Err(error(
                    "值占位符后面有 `?`：没有数值的表述什么也没有说明",
                    here,
                ))
            }
            '?' if before == Last::Atom => {
                regex.push('?');
                continue;
            }
            '?' => return Err(error("`?` 前面没有可设为可选的内容", here)),
            '|' if open.is_empty() => {
                return Err(ambiguous(
                    "括号外有 `|`：它把整个模式一分为二（要么整个左边，要么整个右边），而不是只在两旁的字之间选择",
                    at..at + 1,
                    ALTERNATIVES_HELP,
                ))
            }
            '|' => regex.push('|'),
            '…' => {
                regex.push_str(GAP);
                last = Last::AlreadyOptional;
            }
            '{' => {
                let mut end = at + 1;
                let mut name = String::new();
                for (i, c) in chars.by_ref() {
                    end = i + c.len_utf8();
                    if c == '}' {
                        break;
                    }
                    name.push(c);
                }
                let placeholder = Some(at..end);
                let expected = match ty {
                    FactType::Percent => "percent",
                    FactType::Count => "count",
                    FactType::Amount => "amount",
                    FactType::Date => "date",
                    FactType::Year => "year",
                    FactType::Flag => "",
                };
                let fragment = match name.as_str() {
                    "verb" => {
                        regex.push_str(VERB);
                        last_open_empty = false;
                        last = Last::AlreadyOptional;
                        continue;
                    }
                    // A second numbered item: a list of tasks, not one sentence of intent.
                    "item" => {
                        regex.push_str(SECOND_ITEM);
                        last_open_empty = false;
                        continue;
                    }
                    "percent" => PERCENT_SHAPE,
                    "count" | "amount" => COUNT_SHAPE,
                    "date" => DATE_PATTERN,
                    "year" => YEAR_PATTERN,
                    other => {
                        let value = if expected.is_empty() { "…" } else { expected };
                        let message = format!("未知的占位符 `{{{other}}}`：可用 `{{verb}}`、`{{item}}` 或值占位符 `{{{value}}}`");
                        return Err(error(message, placeholder));
                    }
                };
                // In a flag's phrase a value is only context (`{year}年工作安排`): not captured.
                if ty == FactType::Flag {
                    regex.push_str(&format!("(?:{fragment})"));
                    last_open_empty = false;
                    continue;
                }
                if name != expected {
                    let message = format!(
                        "捕获的 `{{{name}}}` 得不到 `{ty}` 类型的值：应写 `{{{expected}}}`"
                    );
                    return Err(error(message, placeholder));
                }
                values += 1;
                if values > 1 {
                    return Err(error("值占位符多于一个", placeholder));
                }
                regex.push_str(&format!("(?P<{VALUE_GROUP}>{fragment})"));
                last = Last::Value;
            }
            '}' => return Err(error("`}` 没有对应的 `{`", here)),
            '。' => return Err(error("含有 `。`：证据只在一句话之内查找", here)),
            other => {
                let mut buf = [0u8; 4];
                regex.push_str(&regex::escape(other.encode_utf8(&mut buf)));
            }
        }
        last_open_empty = opens;
    }
    if let Some(start) = open.pop() {
        return Err(error("`(` 没有闭合", Some(start..start + 1)));
    }
    if values == 0 && ty != FactType::Flag {
        let message = format!("没有值占位符：在数值所在处加上 `{{{}}}`", ty.keyword());
        return Err(error(message, None));
    }
    if pattern.trim().is_empty() {
        return Err(error("为空", None));
    }
    Ok(regex)
}

/// Compiles a translated pattern with the regex crate's automata.
fn build(source: &str) -> Result<Regex, PatternError> {
    regex::RegexBuilder::new(source)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .build()
        .map_err(|e| error(format!("无法编译：{e}"), None))
}

/// Translates and compiles a pattern.
pub fn compile(pattern: &str, ty: FactType) -> Result<Regex, PatternError> {
    build(&translate(pattern, ty)?)
}

/// Where a match of a pattern is: the whole statement and its value, if it captures one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub whole: Range<usize>,
    pub value: Option<Range<usize>>,
}

/// A pattern of a rule set: its fact, the literals one of which every match contains, and its
/// regex, compiled the first time it is needed — by regex-lite, then by the regex crate once it
/// has searched enough ([`engine`](super::engine)). A report holds the literals of under half the
/// patterns, and compiling all of them up front with the regex crate was most of the time to
/// score one report.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The fact it states, or for a `mention`, the rule whose subject it names.
    pub fact: String,
    /// A rule's `mention` pattern rather than a fact's.
    pub mention: bool,
    /// What every match contains: see [`required_literal_sets`]. Empty when nothing is certain.
    pub literal_sets: Vec<Vec<String>>,
    /// The translated regex.
    source: String,
    engines: Promoting,
}

impl Compiled {
    /// Translates `pattern`; it is compiled later, on first use.
    pub fn new(
        fact: String,
        mention: bool,
        pattern: &str,
        ty: FactType,
    ) -> Result<Compiled, PatternError> {
        Ok(Compiled {
            fact,
            mention,
            literal_sets: required_literal_sets(pattern),
            source: translate(pattern, ty)?,
            engines: Promoting::default(),
        })
    }

    /// The regex crate's automata, compiled on first call: what the checker compiles to refuse
    /// a pattern past the size cap. It fails only past that cap.
    pub fn regex(&self) -> Result<&Regex, PatternError> {
        self.engines
            .full(&self.source, SIZE_LIMIT)
            .map_err(|e| error(format!("无法编译：{e}"), None))
    }

    /// The first match in `haystack` at or after byte `at`. It fails only when regex-lite cannot
    /// compile the pattern; one past the regex crate's cap (which the checker refuses) keeps
    /// searching with regex-lite.
    pub fn find_at(&self, haystack: &str, at: usize) -> Result<Option<Found>, PatternError> {
        let engine = self
            .engines
            .engine(&self.source, SIZE_LIMIT, haystack.len().saturating_sub(at))
            .map_err(|e| error(format!("无法编译：{e}"), None))?;
        let Some(groups) = engine.captures_at(haystack, at) else {
            return Ok(None);
        };
        let value = engine
            .group_index(VALUE_GROUP)
            .and_then(|i| groups.get(i))
            .map(|g| g.range());
        Ok(groups.get(0).map(|whole| Found {
            whole: whole.range(),
            value,
        }))
    }

    /// Whether the pattern has been compiled by either engine.
    pub fn is_compiled(&self) -> bool {
        self.engines.is_compiled()
    }

    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Literals one of which every match of `pattern` contains, or `None` when no such set exists
/// (a pattern made only of placeholders and optional parts): of [`required_literal_sets`], the
/// one whose shortest literal is longest.
pub fn required_literals(pattern: &str) -> Option<Vec<String>> {
    let mut chars = pattern.chars().peekable();
    required_literals_of(&parse_sequence(&mut chars))
}

/// Sets of literals such that every match of `pattern` contains one literal of each set, in
/// pattern order. The extractor finds them all with one Aho-Corasick pass and runs (and first
/// compiles) a pattern's regex only on the sentences holding one literal of every set.
///
/// From the notation: a run of plain characters is a literal; a group gives the union of its
/// branches' literals (none if a branch has none); optional parts, gaps and placeholders give
/// none.
pub fn required_literal_sets(pattern: &str) -> Vec<Vec<String>> {
    let mut chars = pattern.chars().peekable();
    let sequence = parse_sequence(&mut chars);
    sequence_literal_sets(&sequence)
}

/// The notation as a tree, for [`required_literals`].
enum Node {
    Char(char),
    Group(Vec<Vec<Node>>),
    /// A gap, a placeholder or anything optional: no literal is certain.
    Other,
}

fn parse_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Vec<Node> {
    let mut sequence = Vec::new();
    while let Some(&c) = chars.peek() {
        match c {
            ')' | '|' => break,
            '(' => {
                chars.next();
                let mut branches = vec![parse_sequence(chars)];
                while chars.peek() == Some(&'|') {
                    chars.next();
                    branches.push(parse_sequence(chars));
                }
                chars.next(); // `)`
                sequence.push(Node::Group(branches));
            }
            '{' => {
                chars.by_ref().take_while(|c| *c != '}').for_each(drop);
                sequence.push(Node::Other);
            }
            '…' => {
                chars.next();
                sequence.push(Node::Other);
            }
            '?' => {
                chars.next();
                if let Some(last) = sequence.last_mut() {
                    *last = Node::Other;
                }
            }
            other => {
                chars.next();
                sequence.push(Node::Char(other));
            }
        }
    }
    sequence
}

fn sequence_literal_sets(sequence: &[Node]) -> Vec<Vec<String>> {
    let mut sets: Vec<Vec<String>> = Vec::new();
    // A stretch of characters and all-literal groups is a set of exact strings: `行政(诉讼|应诉)`
    // is {行政诉讼, 行政应诉}, rarer in a report than `行政` alone.
    let mut stretch: Vec<String> = vec![String::new()];
    let close = |stretch: &mut Vec<String>, sets: &mut Vec<Vec<String>>| {
        if stretch.iter().all(|s| !s.is_empty()) {
            sets.push(std::mem::take(stretch));
        }
        *stretch = vec![String::new()];
    };
    for node in sequence {
        match exact_strings(node) {
            Some(options) if stretch.len() * options.len() <= MAX_LITERALS_PER_PATTERN => {
                stretch = stretch
                    .iter()
                    .flat_map(|s| options.iter().map(move |o| format!("{s}{o}")))
                    .collect();
            }
            Some(options) => {
                close(&mut stretch, &mut sets);
                stretch = options;
            }
            None => {
                close(&mut stretch, &mut sets);
                // A group whose every branch has a literal: one of those is certain.
                if let Node::Group(branches) = node {
                    let union: Option<Vec<String>> = branches
                        .iter()
                        .map(|b| required_literals_of(b))
                        .collect::<Option<Vec<_>>>()
                        .map(|sets| sets.into_iter().flatten().collect());
                    sets.extend(union);
                }
            }
        }
    }
    close(&mut stretch, &mut sets);
    sets.retain(|set| !set.is_empty());
    sets
}

/// The best single set of a branch (see [`required_literals`]).
fn required_literals_of(sequence: &[Node]) -> Option<Vec<String>> {
    let shortest = |set: &Vec<String>| set.iter().map(|l| l.chars().count()).min().unwrap_or(0);
    sequence_literal_sets(sequence)
        .into_iter()
        .max_by(|a, b| shortest(a).cmp(&shortest(b)).then(b.len().cmp(&a.len())))
}

/// How many literals one pattern may contribute: a cap on the cross products of groups.
const MAX_LITERALS_PER_PATTERN: usize = 32;

/// The exact strings a node matches, when it matches only fixed strings (a character, or a group
/// whose branches are all fixed strings).
fn exact_strings(node: &Node) -> Option<Vec<String>> {
    match node {
        Node::Char(c) => Some(vec![c.to_string()]),
        Node::Other => None,
        Node::Group(branches) => {
            let mut all = Vec::new();
            for branch in branches {
                let mut strings = vec![String::new()];
                for part in branch {
                    let options = exact_strings(part)?;
                    if strings.len() * options.len() > MAX_LITERALS_PER_PATTERN {
                        return None;
                    }
                    strings = strings
                        .iter()
                        .flat_map(|s| options.iter().map(move |o| format!("{s}{o}")))
                        .collect();
                }
                all.extend(strings);
            }
            (!all.is_empty()).then_some(all)
        }
    }
}

/// Checks a pattern for a fact of type `ty`; the error says what is wrong, after "pattern of `x` ".
pub fn validate(pattern: &str, ty: FactType) -> Result<(), PatternError> {
    compile(pattern, ty).map(|_| ())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn value_in(pattern: &str, ty: FactType, text: &str) -> Option<String> {
        let regex = compile(pattern, ty).ok()?;
        sentences(text).find_map(|(_, sentence)| {
            regex
                .captures(sentence)
                .and_then(|c| c.name(VALUE_GROUP))
                .map(|m| m.as_str().to_string())
        })
    }

    /// regex-lite and the regex crate must find the same statements: a pattern changes engine
    /// after [`PROMOTE_AFTER_BYTES`], and a fact must not depend on how much text came before.
    #[test]
    fn both_engines_find_the_same_matches_in_every_real_sentence() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports-fixtures");
        let mut paths: Vec<_> = ["", "real"]
            .iter()
            .flat_map(|dir| std::fs::read_dir(root.join(dir)).into_iter().flatten())
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "txt"))
            .collect();
        paths.sort();
        assert!(paths.len() > 45, "{}", paths.len());
        let (ruleset, _) = crate::check::load_for_use(crate::rules::embedded(), 0);
        let extractor = ruleset.expect("the embedded rules load").extractor;
        let mut admission = super::super::Admission::default();
        let mut compared = 0;
        for path in paths {
            let document = crate::read::read_path(&path).expect("a fixture reads");
            for (_, sentence) in sentences(&document.text) {
                for index in extractor.admitted(sentence, &mut admission) {
                    let pattern = &extractor.patterns[index];
                    let (Ok(lite), Ok(full)) = (build_lite(pattern.source()), pattern.regex())
                    else {
                        panic!("{} does not compile", pattern.source());
                    };
                    let lite: Vec<_> = lite
                        .captures_iter(sentence)
                        .map(|c| {
                            (
                                c.get(0).map(|m| m.range()),
                                c.name(VALUE_GROUP).map(|m| m.range()),
                            )
                        })
                        .collect();
                    let full: Vec<_> = full
                        .captures_iter(sentence)
                        .map(|c| {
                            (
                                c.get(0).map(|m| m.range()),
                                c.name(VALUE_GROUP).map(|m| m.range()),
                            )
                        })
                        .collect();
                    assert_eq!(lite, full, "{} in {sentence}", pattern.source());
                    compared += lite.len();
                }
            }
        }
        assert!(compared > 1000, "{compared} matches compared");
    }

    fn build_lite(source: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
        regex_lite::Regex::new(source)
    }

    #[test]
    fn a_second_item_after_unicode_white_space_reads_the_same_in_both_engines() {
        let source = translate("一是…{item}", FactType::Flag).unwrap();
        let lite = build_lite(&source).unwrap();
        let full = build(&source).unwrap();
        for text in [
            "一是学法\u{3000}二、普法",
            "一是学法\u{A0}二、普法",
            "一是学法 二、普法",
        ] {
            assert!(full.is_match(text), "{text:?}");
            assert!(lite.is_match(text), "{text:?}");
        }
        assert!(!lite.is_match("一是学法二、普法"));
    }

    #[test]
    fn required_literals_are_certain_parts_of_every_match() {
        let lits = |p: &str| required_literals(p);
        assert_eq!(
            lits("负责人…出庭应诉率{verb}{percent}"),
            Some(vec!["出庭应诉率".to_string()])
        );
        assert_eq!(
            lits("(新收|受理)(行政)?复议案件{count}件"),
            Some(vec!["复议案件".to_string()])
        );
        assert_eq!(
            lits("(备案|报备)率{verb}{percent}"),
            Some(vec!["备案率".to_string(), "报备率".to_string()])
        );
        assert_eq!(lits("下一步,?我区将"), Some(vec!["我区将".to_string()]));
        assert_eq!(lits("(专题)?{count}"), None);
        assert_eq!(lits("(a|{count})件"), Some(vec!["件".to_string()]));
    }

    #[test]
    fn values_are_captured_through_verbs_and_gaps() {
        let p = "负责人…出庭应诉率{verb}{percent}";
        assert_eq!(
            value_in(p, FactType::Percent, "行政机关负责人出庭应诉率达100%").as_deref(),
            Some("100%")
        );
        assert_eq!(
            value_in(p, FactType::Percent, "行政机关主要负责人出庭应诉率为99.5%").as_deref(),
            Some("99.5%")
        );
        assert_eq!(
            value_in(p, FactType::Percent, "负责人出庭。应诉率达100%"),
            None
        );
    }

    #[test]
    fn a_quoted_name_in_a_gap_counts_as_one_character() {
        let matches = |pattern: &str, text: &str| {
            compile(pattern, FactType::Flag).is_ok_and(|r| r.is_match(text))
        };
        // 郴州 2024: the course's name is 22 characters long.
        let mention = "执法人员…(培训|轮训)";
        assert!(matches(
            mention,
            "组织716名行政执法人员参加“学习贯彻习近平法治思想、强化行政执法能力建设”培训班"
        ));
        assert!(!matches(
            mention,
            "行政执法人员参加了由省里组织的为期很长时间的各类专门法律知识的集中培训"
        ));
        // A title in 《》 still counts in full: the act after it is another clause.
        assert!(!matches(
            "印发…重大行政决策(事项)?目录",
            "印发《关于加强区政府重大行政决策程序和监督管理工作的通知》,编制2024年区政府重大行政决策事项目录"
        ));
    }

    #[test]
    fn a_distributive_list_states_every_member() {
        let p = "备案率{verb}{percent}";
        assert_eq!(
            value_in(p, FactType::Percent, "审查率、备案率、公开率均为100%").as_deref(),
            Some("100%")
        );
        assert_eq!(
            value_in(p, FactType::Percent, "备案率和公开率均达到100%").as_deref(),
            Some("100%")
        );
    }

    #[test]
    fn a_change_from_last_year_gives_the_new_value() {
        let p = "出庭应诉率{verb}{percent}";
        assert_eq!(
            value_in(p, FactType::Percent, "出庭应诉率由2023年的85%提升至98%").as_deref(),
            Some("98%")
        );
        assert_eq!(
            value_in(p, FactType::Percent, "出庭应诉率从上年的90%提高到100%").as_deref(),
            Some("100%")
        );
    }

    #[test]
    fn alternatives_and_optional_groups() {
        let p = "(办理|受理)(行政复议)?案件{count}件";
        assert_eq!(
            value_in(p, FactType::Count, "受理案件368件").as_deref(),
            Some("368")
        );
        assert_eq!(
            value_in(p, FactType::Count, "办理行政复议案件1.1万余件").as_deref(),
            Some("1.1万余")
        );
    }

    #[test]
    fn counted_rates_and_flag_context() {
        let p = "合格率{verb}{percent}";
        assert_eq!(
            value_in(
                p,
                FactType::Percent,
                "参考率、通过率和合格率首次达到3个100%"
            )
            .as_deref(),
            Some("100%")
        );
        let plan = compile("{year}…主要安排", FactType::Flag).ok();
        assert!(plan.is_some_and(
            |r| r.is_match("2025年推进法治政府建设的主要安排") && r.captures_len() == 1
        ));
    }

    #[test]
    fn a_question_mark_makes_the_character_or_group_before_it_optional() {
        let p = "下一步,?(我区)?将";
        assert!(compile(p, FactType::Flag)
            .is_ok_and(|r| r.is_match("下一步我区将") && r.is_match("下一步,将")));
        assert!(translate("?将", FactType::Flag).is_err());
        assert!(translate("(?将)", FactType::Flag).is_err());
    }

    #[test]
    fn a_bare_alternation_splits_the_whole_pattern_and_is_refused() {
        // What a bare `|` meant before it was refused: the whole left side or the whole right
        // side, so `出庭应诉率` alone matched (with no value), and the prefilter looked only for
        // the left side's literals, so a line holding only the right side was never tried.
        let regex = Regex::new("出庭应诉率|应诉率达(?P<v>[0-9]+%)").ok();
        assert!(regex.is_some_and(|r| r
            .captures("出庭应诉率有待提高")
            .is_some_and(|c| c.name(VALUE_GROUP).is_none())));
        assert_eq!(
            required_literals("出庭应诉率|应诉率{percent}"),
            Some(vec!["出庭应诉率".to_string()])
        );
        let problem = translate("出庭应诉率|应诉率{verb}{percent}", FactType::Percent).err();
        assert_eq!(problem.as_ref().and_then(|p| p.at.clone()), Some(15..16));
        assert_eq!(problem.and_then(|p| p.ambiguous), Some(ALTERNATIVES_HELP));
        // Inside a group it is an alternative, as documented.
        assert!(translate("出庭(应诉率|率){verb}{percent}", FactType::Percent).is_ok());
    }

    #[test]
    fn empty_alternatives_and_doubly_optional_parts_are_ambiguous() {
        let ambiguous = |p: &str, ty| translate(p, ty).err().and_then(|e| e.ambiguous).is_some();
        assert!(ambiguous("(出庭|)应诉", FactType::Flag));
        assert!(ambiguous("(|出庭)应诉", FactType::Flag));
        assert!(ambiguous("(出庭||到庭)应诉", FactType::Flag));
        assert!(ambiguous("应诉率…?{percent}", FactType::Percent));
        assert!(ambiguous("应诉率{verb}?{percent}", FactType::Percent));
        // An optional value is an error of its own: the statement would state nothing.
        let optional_value = translate("应诉率{percent}?", FactType::Percent).err();
        assert!(optional_value.is_some_and(|e| e.ambiguous.is_none()));
        // What they mean, written plainly, is accepted.
        assert!(translate("(出庭)?应诉", FactType::Flag).is_ok());
        assert!(translate("{year}?年工作安排", FactType::Flag).is_ok());
        assert!(translate("(出庭|到庭)?应诉", FactType::Flag).is_ok());
    }

    #[test]
    fn regex_syntax_is_literal_text() {
        assert_eq!(
            value_in("a.b*{count}件", FactType::Count, "a.b*3件").as_deref(),
            Some("3")
        );
        assert_eq!(value_in("a.b*{count}件", FactType::Count, "axbb3件"), None);
    }

    #[test]
    fn mistakes_say_where() {
        let at = |p: &str, ty| {
            translate(p, ty)
                .err()
                .and_then(|e| e.at)
                .map(|r| p[r].to_string())
        };
        assert_eq!(
            at("出庭应诉率{count}", FactType::Percent).as_deref(),
            Some("{count}")
        );
        assert_eq!(at("(出庭(应诉)", FactType::Flag).as_deref(), Some("("));
        assert_eq!(at("出庭)", FactType::Flag).as_deref(), Some(")"));
        assert_eq!(at("出庭。", FactType::Flag).as_deref(), Some("。"));
        assert_eq!(at("出庭应诉率", FactType::Percent), None);
    }

    #[test]
    fn mistakes_are_explained() {
        let err = |p: &str, ty| {
            translate(p, ty)
                .err()
                .map(|e| e.message)
                .unwrap_or_default()
        };
        assert!(err("出庭应诉率{count}", FactType::Percent).contains("应写 `{percent}`"));
        assert!(err("出庭应诉率", FactType::Percent).contains("没有值占位符"));
        assert!(err("(出庭", FactType::Flag).contains("没有闭合"));
        assert!(err("出庭)", FactType::Flag).contains("没有对应的 `(`"));
        assert!(err("{percent}{percent}", FactType::Percent).contains("多于一个"));
        assert!(err("{foo}", FactType::Flag).contains("未知的占位符"));
        assert!(err("()", FactType::Flag).contains("空的分组"));
    }
}
