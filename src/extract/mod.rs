//! Extraction: the patterns declared with each fact, run over a report's normalized text, give
//! typed facts with provenance spans in the original input.
//!
//! Patterns are compiled once per rule set (an Aho-Corasick prefilter over their literals plus one regex per pattern)
//! when the rule set is checked; extracting a report only runs them.

mod engine;
pub mod genre;
pub mod issuer;
pub mod pattern;
pub mod quantity;
pub mod structure;
pub mod table;

use std::collections::HashSet;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::check::RuleSet;
use crate::diagnostic::{Code, Diag, Source, Span};
use crate::facts::{Evidence, FactValue, Facts, Mention, Origin};
use crate::read::Document;
use crate::syntax::ast::{CreditedLevel, FactDecl, Scope};
use crate::value::{rate_in_range, FactType, Qualifier, Value};
use structure::{white_space, Fixed, Part, Structure};

/// The patterns of a rule set, with one Aho-Corasick automaton over the literals their matches
/// must contain: a pattern's regex is compiled and run only on the sentences holding one
/// literal of each of its literal sets.
#[derive(Debug, Clone)]
pub struct Extractor {
    /// `None` only in the empty extractor of a rule set whose patterns failed to index.
    literals: Option<AhoCorasick>,
    /// For each literal of `literals`, the literal sets it belongs to: (pattern, set number).
    admits: Vec<Vec<(usize, u32)>>,
    /// For each pattern, one bit per literal set; 0 for a pattern with no certain literal,
    /// which runs on every sentence.
    required: Vec<u64>,
    /// Patterns with no certain literal.
    always: Vec<usize>,
    patterns: Vec<pattern::Compiled>,
}

/// Scratch space for [`Extractor::admitted`]: the literal sets found per pattern.
#[derive(Default)]
struct Admission {
    found: Vec<u64>,
    touched: Vec<usize>,
}

impl Extractor {
    /// Builds the extractor from the patterns the checker translated.
    pub fn new(patterns: Vec<pattern::Compiled>) -> Result<Extractor, aho_corasick::BuildError> {
        let mut index: IndexMap<&str, Vec<(usize, u32)>> = IndexMap::new();
        let mut required = Vec::with_capacity(patterns.len());
        let mut always = Vec::new();
        for (i, compiled) in patterns.iter().enumerate() {
            // One bit per set: past 64 sets the rest are not required, which only admits more.
            let sets = compiled.literal_sets.iter().take(64).zip(0u32..);
            let mut bits = 0u64;
            for (set, bit) in sets {
                bits |= 1 << bit;
                for literal in set {
                    let admits = index.entry(literal_prefix(literal)).or_default();
                    if admits.last() != Some(&(i, bit)) {
                        admits.push((i, bit));
                    }
                }
            }
            if bits == 0 {
                always.push(i);
            }
            required.push(bits);
        }
        // A contiguous NFA builds in a fraction of the DFA's time (whose table was a tenth of
        // scoring one report) and searched an 8 MiB corpus just as fast.
        let literals = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(index.keys())?;
        let admits = index.into_values().collect();
        Ok(Extractor {
            literals: Some(literals),
            admits,
            required,
            always,
            patterns,
        })
    }

    /// The compiled regular expressions, in declaration order (for tools such as a comparison
    /// with `rg -f`).
    pub fn pattern_sources(&self) -> Vec<&str> {
        self.patterns
            .iter()
            .map(pattern::Compiled::source)
            .collect()
    }

    /// How many patterns have been compiled so far: a rule set loaded for use compiles a
    /// pattern only when a sentence holds its literals.
    pub fn compiled(&self) -> usize {
        self.patterns.iter().filter(|p| p.is_compiled()).count()
    }

    pub fn empty() -> Extractor {
        Extractor {
            literals: None,
            admits: Vec::new(),
            required: Vec::new(),
            always: Vec::new(),
            patterns: Vec::new(),
        }
    }

    /// The patterns that may match `line`, in declaration order. Linear in the literals found,
    /// not in the number of patterns.
    fn admitted(&self, line: &str, scratch: &mut Admission) -> Vec<usize> {
        scratch.found.resize(self.patterns.len(), 0);
        for found in self
            .literals
            .iter()
            .flat_map(|ac| ac.find_overlapping_iter(line))
        {
            for &(pattern, bit) in &self.admits[found.pattern().as_usize()] {
                if scratch.found[pattern] == 0 {
                    scratch.touched.push(pattern);
                }
                scratch.found[pattern] |= 1 << bit;
            }
        }
        let mut admitted: Vec<usize> = scratch
            .touched
            .iter()
            .copied()
            .filter(|&p| scratch.found[p] == self.required[p])
            .chain(self.always.iter().copied())
            .collect();
        for p in scratch.touched.drain(..) {
            scratch.found[p] = 0;
        }
        admitted.sort_unstable();
        admitted
    }
}

/// The longest literal the prefilter looks for, in characters. A prefix of a literal every match
/// contains is one too, and the automaton's build time grows with the square of a literal's
/// length (one 4,000-character pattern took 12 s to check).
const MAX_LITERAL_CHARS: usize = 16;

fn literal_prefix(literal: &str) -> &str {
    literal
        .char_indices()
        .nth(MAX_LITERAL_CHARS)
        .map_or(literal, |(i, _)| &literal[..i])
}

/// Facts found in a report, and warnings about conflicting evidence.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub facts: Facts,
    /// The body the report names as its author: see [`issuer::issuer`].
    pub issuer: Option<String>,
    pub diags: Vec<Diag>,
    /// Bytes examined by the pattern searches and context checks: what tests use to show that
    /// extraction grows linearly with its input, without timing it.
    pub work: usize,
}

thread_local! {
    /// [`Extraction::work`] of the extraction running on this thread.
    static WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count_work(bytes: usize) {
    WORK.with(|work| work.set(work.get().saturating_add(bytes)));
}

/// How much a candidate statement speaks for the whole government.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// 全区/全市/我区…: the headline statement.
    Headline,
    /// No marker either way.
    Plain,
    /// 其中/协助/部分…: a department, a town or a sub-category.
    Part,
}

#[derive(Debug, Clone)]
struct Candidate {
    value: Value,
    qualifier: Option<Qualifier>,
    quote: Range<usize>,
    value_range: Option<Range<usize>>,
    rank: Rank,
}

/// The part of the report a fact is looked for in when its declaration says nothing.
pub fn default_scope(decl: &FactDecl) -> Scope {
    decl.scope.map_or(Scope::Work, |(scope, _)| scope)
}

/// Words that give a figure the whole government's scope. Not 全年: it says when, not who
/// (`全年共审结135件` is not a headline over `新受理151件`).
static WHOLE_GOVERNMENT: Fixed = Fixed::new(
    "全区|全市|全县|全旗|全州|全省|全镇|全国|我区|我市|我县|本区|本市|本县|区政府|市政府|县政府",
);
/// In the clause of the value itself (when the match began in an earlier clause): figures of
/// lower governments or a sub-category.
static VALUE_CLAUSE_PART: Fixed = Fixed::new("其中|下级|县市区|各县|各乡镇|各街道");
static SUB_CATEGORY: Fixed = Fixed::new("其中|协助|部分|个别|分别|重大疑难");
/// Villages and communities as the subject: `17427个村(居)实现法律顾问全覆盖` is about village
/// legal advisers, not the government's own bodies. Such a flag is not evidence; such a count is
/// a part.
static VILLAGE_SCOPE: Fixed = Fixed::new("村\\((?:居|社区)\\)|村居|村级|社区");
/// Words before a value that make it a shortfall, not an achievement: `未达到执法人员5%`.
static SHORTFALL: Fixed = Fixed::new("未达到|未达|不足|低于|尚未|没有达到|差距");
/// Words right before a flag's phrase that deny it: `尚未全面落实`, `未建立`, `没有实现`.
static NEGATED_BEFORE: Fixed = Fixed::new("(?:尚未|仍未|未能|未|没有|从未)(?:全面|完全|有效|真正|严格|按要求)?(?:落实|执行|实行|推行|建立|实现|履行|开展|编制|公布|做到)?$");
/// A denial inside a flag's phrase, where a gap let it in: `法律顾问没有实现全覆盖`.
static NEGATED_INSIDE: Fixed =
    Fixed::new("尚未|仍未|未能|没有|从未|未(?:全面|实现|建立|落实|达到|做到)");
/// A figure for several years, not the report's year: `新行政诉讼法实施两年来…受理16830件`,
/// `五年来`, `近三年`. (`2024年以来` is the year itself and does not match.)
static SEVERAL_YEARS: Fixed = Fixed::new("(?:^|[^0-9])(?:[两二三四五六七八九十]|[2-9])年(?:来|间|以来)|近(?:[两二三四五六七八九十]|[2-9])年");
/// Counts caused by information disclosure (`因政府信息公开被申请行政复议3件,被提起行政诉讼2件`):
/// the boilerplate of a 政府信息公开工作年度报告, not the government's own case counts.
static DISCLOSURE_CAUSED: Fixed = Fixed::new("因(?:政府)?信息公开");
/// Whether a pattern's match names disclosure: only such a fact reads a figure about it (a
/// count caused by disclosure in prose, a disclosure table's cell).
fn names_disclosure(matched: &str) -> bool {
    matched.contains("公开")
}

/// A date labelled as the day the document was signed or generated, which gives way to the day
/// it was published: `成文日期: 2015-04-29 … 发布日期: 2015-05-06`.
static SIGNED_DATE: Fixed = Fixed::new("^(?:成文|发文|生成|印发|签发)日期");
/// A line that starts a news page's list of links to other articles: their titles carry other
/// places' and other years' figures (`上半年…纠错率13.7%`).
const RELATED_ARTICLES: [&str; 7] = [
    "相关阅读",
    "相关新闻",
    "相关文章",
    "相关链接",
    "推荐阅读",
    "延伸阅读",
    "热点推荐",
];
/// A value that is the previous year's: `由2023年的85%提升至98%` (85 is the old value).
static PREVIOUS_YEAR_BEFORE: Fixed = Fixed::new(
    "(?:由|从)(?:20[0-9]{2}年|上年|去年)的?$|(?:上年|去年|上一年度?)(?:同期)?(?:的|为)?$",
);
static RISES_TO_AFTER: Fixed =
    Fixed::new("^(?:件|次|个|项|人次|人)?(?:提升|提高|上升|增长|下降|降低|增加|减少)(?:至|到)");

/// Wording that turns a statement into an admitted shortfall when it stands in the same clause:
/// `部分单位尚未落实三项制度`, `三项制度落实不到位`, `法制审核把关不严`. Not a bare `未` or `不`,
/// which also say good things (`未发生`, `不断`).
static NEGATION: Fixed = Fixed::new("尚未|未能|未全面|未完全|未有效|未充分|未建立|未落实|未开展|未实现|未形成|未达到|未按|没有|不够|不到位|不足|不严|不力|不高|不强|不深|不实|不细|不精准|不规范|不健全|不完善|不平衡|不充分|薄弱|欠缺|缺乏|有待|仍需|亟待|差距|滞后|偏低|较低|偏少|较少");

/// The one computed fact: how many requirements the shortcomings part names (through the rules'
/// `mention` patterns). A specific shortcoming points at a requirement; "存在一些问题和不足"
/// points at none. Filled when the rule set declares it as a count.
pub const SHORTCOMINGS_NAMED: &str = "shortcomings_specific";

/// How often one pattern retries an anchor on one line after rejecting its value.
const MAX_RETRIES: usize = 8;

/// Runs the rule set's patterns over a report.
pub fn extract(ruleset: &RuleSet, document: &Document) -> Extraction {
    extract_in(ruleset, document, &Structure::detect(&document.text))
}

/// The name a sentence tried on its own is read under.
pub const SENTENCE_NAME: &str = "例句";

/// The facts one sentence states, each fact read as if the sentence stood in the part of a
/// report its `scope` looks in (a plan's fact as in the plans): what `example` clauses and
/// `fazhi extract --text` test. `None` when the sentence cannot be read (empty, too large).
pub fn sentence(ruleset: &RuleSet, sentence: &str) -> Option<(Document, Facts)> {
    let document =
        crate::read::read_bytes(&format!("{SENTENCE_NAME}.txt"), sentence.as_bytes()).ok()?;
    let mut facts = Facts::default();
    // One extraction per scope the rule set's facts use (at most five).
    let mut done: Vec<Scope> = Vec::new();
    for scope in ruleset.facts.values().map(default_scope) {
        if done.contains(&scope) {
            continue;
        }
        done.push(scope);
        let structure = match scope {
            Scope::Work => Structure::single(Part::Work),
            Scope::Header => Structure::single(Part::Header),
            Scope::Shortcomings => Structure::single(Part::Shortcomings),
            Scope::Plan => Structure::single(Part::Plan),
            Scope::Anywhere => Structure::detect(&document.text),
        };
        let found = extract_in(ruleset, &document, &structure).facts;
        // The computed count of shortcomings named is about a whole report, not a sentence.
        for (id, decl) in ruleset
            .facts
            .iter()
            .filter(|(id, _)| *id != SHORTCOMINGS_NAMED)
        {
            if default_scope(decl) == scope {
                if let Some(value) = found.get(id) {
                    facts.insert(id.clone(), value.clone());
                }
            }
        }
    }
    Some((document, facts))
}

/// The patterns of `fact` (indices into its declaration's `pattern`s) whose regex matches the
/// sentence: what an example exercises, for `fazhi test --coverage`.
pub fn patterns_matching(ruleset: &RuleSet, fact: &str, document: &Document) -> Vec<usize> {
    ruleset
        .extractor
        .patterns
        .iter()
        .filter(|p| !p.mention && p.fact == fact)
        .enumerate()
        .filter(|(_, p)| {
            pattern::sentences(&document.text)
                .any(|(_, sentence)| matches!(p.find_at(sentence, 0), Ok(Some(_))))
        })
        .map(|(i, _)| i)
        .collect()
}

fn extract_in(ruleset: &RuleSet, document: &Document, structure: &Structure) -> Extraction {
    WORK.with(|work| work.set(0));
    let text = document.text.as_str();
    let extractor = &ruleset.extractor;
    let mut candidates: IndexMap<&str, Vec<Candidate>> = IndexMap::new();
    // No pattern crosses a sentence (gaps and verbs stop at `。` and line breaks, and the checker
    // refuses a `。` in a pattern), so the literal prefilter runs once per sentence and a pattern's
    // regex only over the sentences holding one of its literals: a small fraction of running it
    // over whole paragraphs, which in reports are often 500–2000 characters on one line.
    let mut admission = Admission::default();
    // (fact, quote start) of every candidate kept: one statement counts once per fact.
    let mut seen: HashSet<(&str, usize)> = HashSet::new();
    // Rules' subjects named in words, and flags stated in the negative, in text order.
    let mut facts_in_words: Vec<(&str, CreditedLevel, Range<usize>)> = Vec::new();
    let mut negated_flags: Vec<(&str, Range<usize>)> = Vec::new();
    // Rules whose subject the shortcomings part names, with the first clause naming each.
    let mut named_in_shortcomings: Vec<(&str, Range<usize>)> = Vec::new();
    // Patterns that failed to compile (only past the size cap), each reported once.
    let mut uncompiled: Vec<usize> = Vec::new();
    let mut diags = Vec::new();
    for (offset, line) in pattern::sentences(text) {
        if line.trim().is_empty() {
            continue;
        }
        // A news page's list of other articles (相关阅读) ends what the page states.
        if RELATED_ARTICLES.contains(&line.trim()) {
            break;
        }
        // Parts start at sentence starts, so the whole sentence is in one part.
        let part = structure.part_at(offset);
        count_work(line.len());
        let indices = extractor.admitted(line, &mut admission);
        for index in indices {
            let Some(compiled) = extractor.patterns.get(index) else {
                continue;
            };
            let found = match compiled.find_at(line, 0) {
                Ok(found) => found,
                Err(problem) => {
                    if !uncompiled.contains(&index) {
                        uncompiled.push(index);
                        diags.push(pattern_too_large(compiled, &problem));
                    }
                    continue;
                }
            };
            if compiled.mention {
                if let Some((level, quote)) =
                    found.and_then(|found| mention_in(text, part, found.whole, line, offset))
                {
                    if part == Part::Shortcomings
                        && !named_in_shortcomings
                            .iter()
                            .any(|(r, _)| *r == compiled.fact)
                    {
                        named_in_shortcomings.push((compiled.fact.as_str(), quote.clone()));
                    }
                    facts_in_words.push((compiled.fact.as_str(), level, quote));
                }
                continue;
            }
            let Some(decl) = ruleset.facts.get(&compiled.fact) else {
                continue;
            };
            let scope = default_scope(decl);
            if !part.within(scope) {
                continue;
            }
            let mut at = 0;
            // A rejected value (an ordinal, last year's figure) is masked and the same anchor is
            // tried again, so that it does not hide a later value the anchor leads to:
            // `常务会议…第三次会议起…学法9次`. Each retry masks one more value, so this ends.
            let mut masked: Option<String> = None;
            let mut retries = 0;
            // The first search was made above, to see whether the pattern compiles.
            let mut first = Some(found);
            loop {
                let haystack = masked.as_deref().unwrap_or(line);
                let found = match first.take() {
                    Some(found) => found,
                    None => compiled.find_at(haystack, at).ok().flatten(),
                };
                // A search reads up to its match's end, or to the sentence's end.
                count_work(
                    found
                        .as_ref()
                        .map_or(haystack.len(), |found| found.whole.end)
                        - at,
                );
                let Some(pattern::Found { whole, value }) = found else {
                    break;
                };
                let whole_range = offset + whole.start..offset + whole.end;
                at = whole.end;
                if !structure.part_at(whole_range.start).within(scope) {
                    continue;
                }
                // A statement of the work said in the negative is an admission, not the fact;
                // facts looked for in the shortcomings are about shortfalls to begin with.
                if decl.ty == FactType::Flag
                    && scope == Scope::Work
                    && negated(text, whole_range.clone())
                {
                    negated_flags.push((compiled.fact.as_str(), clause_around(text, whole_range)));
                    continue;
                }
                let candidate = match &value {
                    // `尚未全面落实行政执法三项制度` says the opposite of the flag.
                    None if decl.ty == FactType::Flag
                        && (NEGATED_BEFORE.is_match(clause_before(
                            text,
                            whole_range.start,
                            &['。', '\n', ';', ',', ':'],
                        )) || NEGATED_INSIDE.is_match(&text[whole_range.clone()])
                            || VILLAGE_SCOPE.is_match(clause_before(
                                text,
                                whole_range.start,
                                &['。', '\n', ';', ','],
                            ))) =>
                    {
                        None
                    }
                    None if decl.ty == FactType::Flag => Some(Candidate {
                        value: Value::Flag(true),
                        qualifier: None,
                        quote: whole_range.clone(),
                        value_range: None,
                        rank: rank(text, whole_range.start, None),
                    }),
                    None => None,
                    Some(value) => read_value(
                        text,
                        decl.ty,
                        offset + value.start..offset + value.end,
                        whole_range.clone(),
                    ),
                };
                match (candidate, value) {
                    (Some(candidate), _) => {
                        if seen.insert((compiled.fact.as_str(), candidate.quote.start)) {
                            candidates
                                .entry(compiled.fact.as_str())
                                .or_default()
                                .push(candidate);
                        }
                    }
                    (None, Some(value)) if retries < MAX_RETRIES => {
                        let mut copy = masked.take().unwrap_or_else(|| line.to_string());
                        copy.replace_range(value.clone(), &"#".repeat(value.len()));
                        masked = Some(copy);
                        retries += 1;
                        at = whole.start;
                    }
                    (None, _) => {}
                }
            }
        }
    }

    table::read_cells(ruleset, document, structure, &mut candidates);

    let mut facts = Facts::default();
    let source = Source::new(document.name.clone(), document.source.clone());
    for (id, decl) in &ruleset.facts {
        let Some(list) = candidates.get_mut(id.as_str()) else {
            continue;
        };
        count_work(list.len());
        list.sort_by_key(|c| c.quote.start);
        let Some(best) = list.iter().min_by_key(|c| c.rank).cloned() else {
            continue;
        };
        if let Some(other) = list.iter().find(|c| {
            c.rank == Rank::Headline && best.rank == Rank::Headline && c.value != best.value
        }) {
            diags.push(conflict(document, &source, id, decl, &best, other));
        }
        if let Some(scope) = best
            .value_range
            .as_ref()
            .filter(|_| decl.ty == FactType::Percent)
            .and_then(|v| sub_scope(text, best.quote.start.min(v.start), v.start))
        {
            facts.partial_scope.insert(id.clone(), scope);
        }
        let span = to_source(document, best.quote.clone());
        facts.insert(
            id.clone(),
            FactValue {
                value: best.value,
                qualifier: best.qualifier,
                evidence: Some(Evidence {
                    quote: document
                        .source
                        .get(span.start..span.end)
                        .unwrap_or_default()
                        .to_string(),
                    span,
                    value_span: best.value_range.map(|r| to_source(document, r)),
                    text_span: Some(Span::new(best.quote.start, best.quote.end)),
                }),
                origin: Origin::Extracted,
            },
        );
    }
    let evidence = |range: Range<usize>| {
        let span = to_source(document, range.clone());
        Evidence {
            quote: document
                .source
                .get(span.start..span.end)
                .unwrap_or_default()
                .to_string(),
            span,
            value_span: None,
            text_span: Some(Span::new(range.start, range.end)),
        }
    };
    for (rule, level, range) in facts_in_words {
        facts.mention(
            rule,
            Mention {
                level,
                evidence: evidence(range),
            },
        );
    }
    for (fact, range) in negated_flags {
        if facts.get(fact).is_none() && !facts.admissions.contains_key(fact) {
            facts.admissions.insert(fact.to_string(), evidence(range));
        }
    }
    if let (Some(decl), Some((_, first))) = (
        ruleset.facts.get(SHORTCOMINGS_NAMED),
        named_in_shortcomings.first(),
    ) {
        if decl.ty == FactType::Count && facts.get(SHORTCOMINGS_NAMED).is_none() {
            facts.insert(
                SHORTCOMINGS_NAMED,
                FactValue {
                    value: Value::Count(Decimal::from(named_in_shortcomings.len())),
                    qualifier: None,
                    evidence: Some(evidence(first.clone())),
                    origin: Origin::Extracted,
                },
            );
        }
    }
    let issuer = issuer::issuer(text);
    facts.issuer_kind = issuer.as_deref().map(issuer::kind);
    Extraction {
        facts,
        issuer,
        diags,
        work: WORK.with(std::cell::Cell::get),
    }
}

/// A pattern a report needed that could not be compiled: loading for use does not compile
/// patterns ahead, so a pattern past the size cap is first noticed here.
fn pattern_too_large(compiled: &pattern::Compiled, problem: &pattern::PatternError) -> Diag {
    let whose = if compiled.mention { "规则" } else { "事实" };
    Diag::error(
        Code::CheckPattern,
        format!(
            "{whose} `{}` 的一个提取模式{problem}，本次提取没有使用它",
            compiled.fact
        ),
    )
    .help("运行 `fazhi check` 找到这个模式，拆分或简化它")
}

/// A rule's `mention` in this line: in the account of the work it describes the subject, unless
/// the clause is negative; in the shortcomings it admits a shortfall. The quote is the clause.
fn mention_in(
    text: &str,
    part: Part,
    found: Range<usize>,
    line: &str,
    offset: usize,
) -> Option<(CreditedLevel, Range<usize>)> {
    // A heading names a subject without saying anything done about it: `(四)强化执法监督`.
    if is_heading(line) {
        return None;
    }
    count_work(line.len());
    let range = offset + found.start..offset + found.end;
    let clause = clause_around(text, range.clone());
    if HEADING_START.is_match(&text[clause.clone()]) && text[clause].chars().count() <= 24 {
        return None;
    }
    let level = match part {
        Part::Shortcomings => CreditedLevel::Admitted,
        Part::Work if negated(text, range.clone()) => CreditedLevel::Admitted,
        Part::Work => CreditedLevel::Described,
        Part::Header | Part::Plan => return None,
    };
    Some((level, clause_around(text, range)))
}

/// A short line without a full stop, or one that opens with a part number (`一、`, `(四)`) and
/// ends without a full stop: a heading.
fn is_heading(line: &str) -> bool {
    let trimmed = line.trim();
    let sentence_end = trimmed.ends_with(['。', ';', ';']);
    let short = trimmed.chars().count() <= 40;
    !sentence_end && short
}

/// A part number that opens a heading: `一、`, `(四)`, `（二）`.
static HEADING_START: Fixed = Fixed::new(concat!(
    "^",
    white_space!(),
    "*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])"
));

/// A rate stated for a counted subset of items (`241个涉企服务事项100%全程网办`, `其中…`) or for one
/// street or village: the words that name the subset.
static SUB_SCOPE: Fixed = Fixed::new("[0-9一二三四五六七八九十百千]+(?:个|项|类)[^,;。]{0,12}(?:事项|业务|服务)|其中[^,;。]{0,12}|[^,;。]{1,8}(?:街道|镇|村|社区)(?:的)?");

/// The subset a rate's clause names before the value, if any.
fn sub_scope(text: &str, clause_from: usize, value: usize) -> Option<String> {
    let clause = clause_before(text, value, &CLAUSE_STOPS);
    let start = (value - clause.len()).min(clause_from);
    let before = text.get(start..value)?;
    let before = clause_before(before, before.len(), &CLAUSE_STOPS);
    SUB_SCOPE
        .captures(before)?
        .get(0)
        .map(|m| m.as_str().to_string())
}

/// Clause stops: a statement's polarity and quote do not reach past them.
const CLAUSE_STOPS: [char; 6] = ['。', '\n', ';', ',', '!', '?'];

/// Whether the clause holding `range` says the thing was not done or falls short.
fn negated(text: &str, range: Range<usize>) -> bool {
    NEGATION.is_match(&text[clause_around(text, range)])
}

/// The clause that holds `range`, for quoting words without a figure: at most
/// [`MAX_CONTEXT_BYTES`] on either side of it, like [`clause_before`] (looking ahead without a
/// bound made every match in one long clause rescan the rest of it: quadratic time).
fn clause_around(text: &str, range: Range<usize>) -> Range<usize> {
    let start = range.start - clause_before(text, range.start, &CLAUSE_STOPS).len();
    let window_end = text.ceil_char_boundary_compat(range.end.saturating_add(MAX_CONTEXT_BYTES));
    count_work(window_end - range.end);
    let end = text[range.end..window_end]
        .find(CLAUSE_STOPS)
        .map_or(window_end, |i| range.end + i);
    // Close the quote with the sentence's own stop when it is a full stop.
    let end = match text[end..].chars().next() {
        Some(c @ ('。' | ';')) => end + c.len_utf8(),
        _ => end,
    };
    start..end
}

fn to_source(document: &Document, range: Range<usize>) -> Span {
    let mapped = document.source_range(range);
    Span::new(mapped.start, mapped.end)
}

fn conflict(
    document: &Document,
    source: &Source,
    id: &str,
    decl: &FactDecl,
    chosen: &Candidate,
    other: &Candidate,
) -> Diag {
    let window = |candidate: &Candidate, diag: Diag, label: String| {
        let underline = candidate
            .value_range
            .clone()
            .map(|r| to_source(document, r));
        diag.in_window(
            source,
            to_source(document, candidate.quote.clone()),
            underline,
            &label,
        )
    };
    let message = format!(
        "报告两次写到 `{id}`（{}），数值不同：{} 与 {}",
        decl.label.text, chosen.value, other.value
    );
    let also = window(
        other,
        Diag::advice(
            Code::ExtractConflict,
            format!("另一处写作：{}", other.value),
        ),
        format!("另一处写作：{}", other.value),
    );
    window(chosen, Diag::warning(Code::ExtractConflict, message), format!("采用：{}", chosen.value))
        .related(also)
        .help(format!("采用第一处全域性的表述；如有误，用 `--facts` 更正（`fazhi extract {} --format toml` 可生成供修改的文件）", document.name))
}

/// How far back context checks look: a sentence longer than this is cut to its last part, so a
/// check costs at most this much per match whatever the sentence's length (a report of one
/// 400 KB sentence would otherwise make every match rescan it: quadratic time).
const MAX_CONTEXT_BYTES: usize = 1500;

/// The sentence or clause before `at` (at most [`MAX_CONTEXT_BYTES`] of it), for context checks.
fn clause_before<'t>(text: &'t str, at: usize, stops: &[char]) -> &'t str {
    let from = text.floor_char_boundary_compat(at.saturating_sub(MAX_CONTEXT_BYTES));
    let before = &text[from..at];
    count_work(before.len());
    let start = before.rfind(stops).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    &before[start..]
}

/// How much the statement at `at` speaks for the whole government; `value` is where its value
/// starts, when the match reaches over a comma to it (`报送备案规范性文件12件,备案审查下级政府规范性文件35件`:
/// the 35 is about lower governments).
fn rank(text: &str, at: usize, value: Option<usize>) -> Rank {
    let sentence = clause_before(text, at, &['。', '\n', ';']);
    let clause = clause_before(text, at, &['。', '\n', ';', ',']);
    let value_clause = value
        .filter(|v| *v > at)
        .map_or("", |v| clause_before(text, v, &['。', '\n', ';', ',']));
    // `全区调解案件7077件,其中,人民调解案件6280件,行政调解案件436件`: every figure after 其中
    // in the same sentence is a part of the one before it.
    if SUB_CATEGORY.is_match(clause)
        || VILLAGE_SCOPE.is_match(clause)
        || sentence.contains("其中")
        || VALUE_CLAUSE_PART.is_match(value_clause)
    {
        Rank::Part
    } else if WHOLE_GOVERNMENT.is_match(sentence) {
        Rank::Headline
    } else {
        Rank::Plain
    }
}

/// Reads a captured value and checks its context; `None` when it is not evidence of this year's value.
fn read_value(
    text: &str,
    ty: FactType,
    value: Range<usize>,
    whole: Range<usize>,
) -> Option<Candidate> {
    let raw = &text[value.clone()];
    let (typed, mut qualifier) = match ty {
        // Patterns match the shape of a value (`quantity::COUNT_SHAPE`): the checks decide.
        FactType::Percent => {
            if !quantity::is_percent(raw) {
                return None;
            }
            let q = quantity::parse_percent(raw).filter(|q| rate_in_range(q.value))?;
            (Value::Percent(q.value), q.qualifier)
        }
        FactType::Count | FactType::Amount => {
            if quantity::is_ordinal_context(text, value.end)
                || quantity::is_word_context(text, value.start, value.end)
                || inside_number_or_date(text, value.clone())
                || !quantity::is_count(raw)
            {
                return None;
            }
            let q = quantity::parse_count(raw)?;
            if ty == FactType::Count && !q.value.fract().is_zero() {
                return None;
            }
            (
                if ty == FactType::Count {
                    Value::Count(q.value)
                } else {
                    Value::Amount(q.value)
                },
                q.qualifier,
            )
        }
        FactType::Date => (Value::Date(quantity::parse_date(raw)?), None),
        FactType::Year => (Value::Year(quantity::parse_year(raw)?), None),
        FactType::Flag => (Value::Flag(true), None),
    };
    if ty != FactType::Date && ty != FactType::Year {
        if SEVERAL_YEARS.is_match(clause_before(text, value.start, &['。', '\n'])) {
            return None;
        }
        if SHORTFALL.is_match(clause_before(
            text,
            value.start,
            &['。', '\n', ';', ',', ':'],
        )) {
            return None;
        }
        // Only a fact whose own wording names disclosure reads a figure caused by it, as in
        // disclosure tables (`table.rs`).
        if DISCLOSURE_CAUSED.is_match(clause_before(text, value.start, &['。', '\n', ';']))
            && !names_disclosure(&text[whole.clone()])
        {
            return None;
        }
        let before =
            &text[text.floor_char_boundary_compat(value.start.saturating_sub(24))..value.start];
        let after =
            &text[value.end..text.ceil_char_boundary_compat((value.end + 24).min(text.len()))];
        if PREVIOUS_YEAR_BEFORE.is_match(before) && RISES_TO_AFTER.is_match(after) {
            return None;
        }
        if qualifier.is_none() {
            let tail = &text[whole.end..];
            qualifier = ["以上", "左右"]
                .iter()
                .find(|w| tail.starts_with(**w))
                .and_then(|w| quantity::suffix_qualifier(w));
        }
    }
    // Who a sentence speaks for says nothing about which year or day a report is: the first
    // statement wins (a 区政府常务会议审议《…2022年度…报告》 later on is not a headline year).
    let rank = match ty {
        FactType::Date if SIGNED_DATE.is_match(&text[whole.clone()]) => Rank::Part,
        FactType::Date | FactType::Year => Rank::Plain,
        _ => rank(text, whole.start, Some(value.start)),
    };
    Some(Candidate {
        value: typed,
        qualifier,
        quote: whole.clone(),
        value_range: Some(value),
        rank,
    })
}

/// True when a count's match is only part of a longer number, a year or a date: it starts right
/// after a digit or a decimal point (`2024` read from `12024`, `024件` inside `2024件`), or it is
/// followed by 年/月/日 (`2024年`, `12月`), which no count pattern's measure word is.
fn inside_number_or_date(text: &str, value: Range<usize>) -> bool {
    let before = text[..value.start].chars().next_back();
    let after = text[value.end..].chars().next();
    matches!(before, Some('0'..='9' | '.')) || matches!(after, Some('年' | '月' | '日' | '号'))
}

/// `floor_char_boundary` is unstable; these do the same on stable Rust.
trait CharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
    fn ceil_char_boundary_compat(&self, i: usize) -> usize;
}

impl CharBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        i = i.min(self.len());
        while !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn ceil_char_boundary_compat(&self, mut i: usize) -> usize {
        i = i.min(self.len());
        while !self.is_char_boundary(i) {
            i += 1;
        }
        i
    }
}

/// `fazhi extract --format json`: exactly the shape facts.md gives, in declaration order.
pub fn to_json(ruleset: &RuleSet, facts: &Facts) -> String {
    let mut map = serde_json::Map::new();
    for id in ruleset.facts.keys() {
        let Some(fact) = facts.get(id) else { continue };
        map.insert(
            id.clone(),
            serde_json::json!({
                "value": fact.value.to_json(),
                "qualifier": fact.qualifier.map(Qualifier::keyword),
                "span": fact.evidence.as_ref().map(|e| [e.span.start, e.span.end]),
                "quote": fact.evidence.as_ref().map(|e| e.quote.clone()),
            }),
        );
    }
    let doc = serde_json::json!({ "facts": map });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

/// `fazhi extract --format toml`: a facts file an inspector can correct and pass back with
/// `fazhi score REPORT --facts FILE`.
pub fn to_toml(ruleset: &RuleSet, facts: &Facts, report: &Source) -> String {
    use toml_edit::{value, Array, DocumentMut, Item, Table};
    let mut doc = DocumentMut::new();
    let mut meta = Table::new();
    let file_name = std::path::Path::new(&report.name)
        .file_name()
        .map_or(report.name.clone(), |n| n.to_string_lossy().into_owned());
    meta.insert("file", value(file_name));
    if let Some(Value::Year(year)) = facts.get("report_year").map(|f| f.value) {
        meta.insert("year", value(i64::from(year)));
    }
    doc.insert("report", Item::Table(meta));
    let mut table = Table::new();
    table.set_implicit(true);
    for (id, decl) in &ruleset.facts {
        let Some(fact) = facts.get(id) else { continue };
        let mut entry = Table::new();
        entry
            .decor_mut()
            .set_prefix(format!("\n# {}\n", decl.label.text));
        match fact.value {
            Value::Flag(b) => entry.insert("value", value(b)),
            other => entry.insert("value", value(other.plain())),
        };
        if let Some(q) = fact.qualifier {
            entry.insert("qualifier", value(q.keyword()));
        }
        if let Some(evidence) = &fact.evidence {
            entry.insert("quote", value(evidence.quote.clone()));
            let mut span = Array::new();
            span.push(i64::try_from(evidence.span.start).unwrap_or(0));
            span.push(i64::try_from(evidence.span.end).unwrap_or(0));
            entry.insert("span", value(span));
        }
        table.insert(id, Item::Table(entry));
    }
    doc.insert("facts", Item::Table(table));
    format!(
        "# 由 fazhi {} 从 {} 提取的事实；可在此更正数值，再用 --facts 传回。\n{doc}",
        env!("CARGO_PKG_VERSION"),
        report.name
    )
}

/// What the extractor looked for, for "the report is silent" explanations.
pub fn searched(decl: &FactDecl) -> Vec<&str> {
    decl.patterns.iter().map(|p| p.text.as_str()).collect()
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    fn facts_of(text: &str) -> Extraction {
        let (ruleset, diags) = crate::check::load(crate::rules::embedded());
        let Some(ruleset) = ruleset else {
            panic!("{diags:?}")
        };
        let Ok(document) = crate::read::read_bytes("t.txt", text.as_bytes()) else {
            panic!("unreadable")
        };
        extract(&ruleset, &document)
    }

    fn value(text: &str, id: &str) -> Option<String> {
        facts_of(text).facts.get(id).map(|f| f.value.plain())
    }

    const INTRO: &str = "某区2024年法治政府建设情况报告\n2024年,某区坚持依法行政,法治政府建设取得新成效。\n一、主要工作\n";

    #[test]
    fn counts_caused_by_information_disclosure_are_not_the_governments_cases() {
        let text = format!("{INTRO}因政府信息公开被申请行政复议3件,被提起行政诉讼2件。\n");
        assert_eq!(value(&text, "admin_litigation_cases"), None);
        assert_eq!(value(&text, "reconsideration_cases"), None);
        let text = format!("{INTRO}全年共收到行政应诉案件75件,因信息公开被起诉的2件。\n");
        assert_eq!(
            value(&text, "admin_litigation_cases").as_deref(),
            Some("75")
        );
    }

    #[test]
    fn a_clause_is_looked_for_within_a_window_on_both_sides() {
        // One clause of 1.2 MB: a statement in its middle is quoted with at most the window on
        // each side, so each of many statements costs the same whatever the clause's length.
        let half = "落实行政执法三项制度".repeat(20_000);
        let text = format!("{half}述法工作{half}。");
        let at = half.len();
        let clause = clause_around(&text, at..at + "述法工作".len());
        assert!(clause.start >= at - MAX_CONTEXT_BYTES, "{clause:?}");
        assert!(
            clause.end <= at + "述法工作".len() + MAX_CONTEXT_BYTES,
            "{clause:?}"
        );
        assert!(text.is_char_boundary(clause.start) && text.is_char_boundary(clause.end));
        // A short clause is still whole, with its full stop.
        let text = "甲乙,述法工作落实。丙";
        let at = text.find("述法").unwrap_or(0);
        assert_eq!(&text[clause_around(text, at..at + 6)], "述法工作落实。");
    }

    #[test]
    fn an_ordinal_is_never_a_count() {
        let text =
            format!("{INTRO}区政府常务会议坚持会前学法制度,第三次常务会议专题学习行政复议法。\n");
        assert_eq!(value(&text, "pre_meeting_law_study_sessions"), None);
        // The rejected ordinal does not hide the real count the same anchor leads to.
        let text = format!("{INTRO}区政府常务会议坚持学法制度,第三次会议起全年学法9次。\n");
        assert_eq!(
            value(&text, "pre_meeting_law_study_sessions").as_deref(),
            Some("9")
        );
        let text = format!("{INTRO}(二)行政复议案件一是办理规范。\n");
        assert_eq!(value(&text, "reconsideration_cases"), None);
    }

    #[test]
    fn a_year_or_part_of_a_number_is_never_a_count() {
        assert!(inside_number_or_date("2024件", 1..4));
        assert!(inside_number_or_date("共2024年", 3..7));
        assert!(inside_number_or_date("学法12月", 6..8));
        assert!(!inside_number_or_date("学法12次", 6..8));
        let text = format!("{INTRO}区政府常务会议坚持学法制度,自2024年起常态化开展。\n");
        assert_eq!(value(&text, "pre_meeting_law_study_sessions"), None);
        let text = format!("{INTRO}区政府常务会议坚持会前学法,2024年12月底前共学法5次。\n");
        assert_eq!(
            value(&text, "pre_meeting_law_study_sessions").as_deref(),
            Some("5")
        );
    }

    #[test]
    fn last_years_value_and_shortfalls_are_not_evidence() {
        let text = format!("{INTRO}行政机关负责人出庭应诉率由2023年的85%提升至98%。\n");
        assert_eq!(value(&text, "court_appearance_rate").as_deref(), Some("98"));
        let text = format!("{INTRO}行政执法人员资格考试通过人数偏少,尚未达到合格率90%的要求。\n");
        assert_eq!(value(&text, "enforcement_exam_pass_rate"), None);
    }

    #[test]
    fn a_figure_of_lower_governments_gives_way() {
        let text = format!("{INTRO}全年报送备案规范性文件12件,备案审查下级政府规范性文件35件。\n");
        assert_eq!(value(&text, "normative_docs_filed").as_deref(), Some("12"));
        let text = format!("{INTRO}全区调解案件7077件,其中,人民调解案件6280件。\n");
        assert_eq!(value(&text, "mediation_cases").as_deref(), Some("7077"));
    }

    #[test]
    fn a_figure_for_several_years_is_not_the_years() {
        let text = format!("{INTRO}新法实施两年来,全市共收到行政复议申请1683件。\n");
        assert_eq!(value(&text, "reconsideration_cases"), None);
        let text = format!("{INTRO}近三年累计调解矛盾纠纷9000件。\n");
        assert_eq!(value(&text, "mediation_cases"), None);
        let text = format!("{INTRO}2024年以来,全市共收到行政复议申请168件。\n");
        assert_eq!(
            value(&text, "reconsideration_cases").as_deref(),
            Some("168")
        );
    }

    #[test]
    fn the_publication_date_beats_the_signing_date() {
        let text = "成文日期:2025-01-10 发布日期:2025-01-15\n2024年法治政府建设情况报告\n";
        assert_eq!(value(text, "published_on").as_deref(), Some("2025-01-15"));
        let text = "成文日期:2025-01-10\n2024年法治政府建设情况报告\n";
        assert_eq!(value(text, "published_on").as_deref(), Some("2025-01-10"));
    }

    #[test]
    fn a_denied_flag_is_not_evidence() {
        let text = format!("{INTRO}部分单位尚未全面落实行政执法三项制度。\n");
        assert!(facts_of(&text)
            .facts
            .get("enforcement_three_systems")
            .is_none());
        let text = format!("{INTRO}全区全面落实行政执法三项制度。\n");
        assert!(facts_of(&text)
            .facts
            .get("enforcement_three_systems")
            .is_some());
        let text = format!("{INTRO}党政机关法律顾问没有实现全覆盖。\n");
        assert!(facts_of(&text)
            .facts
            .get("legal_adviser_full_coverage")
            .is_none());
    }

    #[test]
    fn the_first_year_wins_whoever_speaks_later() {
        let text = "某区2024年度法治政府建设情况报告\n2024年,某区坚持依法行政。\n一、主要工作\n区政府常务会议审议《某区2023年度法治政府建设情况报告》。\n";
        assert_eq!(value(text, "report_year").as_deref(), Some("2024"));
    }

    #[test]
    fn villages_are_not_the_government() {
        let text = format!("{INTRO}全区1200个村(社区)实现法律顾问全覆盖。\n");
        assert!(facts_of(&text)
            .facts
            .get("legal_adviser_full_coverage")
            .is_none());
        let text =
            format!("{INTRO}全区党政机关法律顾问实现全覆盖,300个村(居)实现法律顾问全覆盖。\n");
        assert!(facts_of(&text)
            .facts
            .get("legal_adviser_full_coverage")
            .is_some());
    }

    #[test]
    fn links_to_other_articles_are_not_the_pages_statements() {
        let text = format!("{INTRO}全市行政复议机关新收案件70件。\n相关阅读\n上半年纠错率13.7%\n");
        let extraction = facts_of(&text);
        assert!(extraction
            .facts
            .get("reconsideration_correction_rate")
            .is_none());
        assert_eq!(value(&text, "reconsideration_cases").as_deref(), Some("70"));
    }

    #[test]
    fn when_is_not_who() {
        // 全年 says when; 以市政府为被申请人 is a subset even though it names the city government.
        let text = format!("{INTRO}2024年新受理行政复议案件151件。全年共审结行政复议申请135件。\n");
        assert_eq!(
            value(&text, "reconsideration_cases").as_deref(),
            Some("151")
        );
        let text = format!("{INTRO}全年本市各级行政复议机关共收到行政复议申请620件。全年以市政府为被申请人的复议案件60件。\n");
        assert_eq!(
            value(&text, "reconsideration_cases").as_deref(),
            Some("620")
        );
    }

    #[test]
    fn the_plans_are_not_evidence() {
        let text = format!("{INTRO}加强法律援助工作。\n二、下一步工作安排\n下一步,我区将力争办理法律援助案件1000件。\n");
        let extraction = facts_of(&text);
        assert!(extraction.facts.get("legal_aid_cases").is_none());
        assert!(extraction.facts.get("has_next_year_plan").is_some());
    }
}
