//! Checking a parsed rule set: names, types, weights, thresholds and tests, every problem at once.
//! A [`RuleSet`] exists only when its files check without errors.

mod layers;
mod lint;
mod types;

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::diagnostic::{did_you_mean, suggest, Code, Diag, Source, Span};
use crate::extract::{pattern, Extractor};
use crate::syntax::ast::*;
use crate::syntax::parse;
use crate::value::{Date, FactType};
pub use layers::Applied;
pub use types::Ty;

/// A checked rule set: everything the evaluator and extractor need, plus the sources for
/// diagnostics that point back into the `.fz` files.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub id: String,
    pub title: String,
    pub source_document: String,
    pub version: String,
    pub effective: Option<(Date, Date)>,
    pub total: Decimal,
    /// Grade bands, highest threshold first.
    pub grades: Vec<(String, Decimal)>,
    pub no_evidence: NoEvidence,
    /// The header's credits for evidence short of a figure (sections and rules may override).
    pub credits: Vec<Credit>,
    /// How the total combines the three numbers; `None`: the total is the sum of section scores.
    pub combination: Option<Combination>,
    pub facts: IndexMap<String, FactDecl>,
    pub sections: Vec<Section>,
    pub tests: Vec<Test>,
    pub sources: Vec<Source>,
    /// The facts' patterns, compiled once.
    pub extractor: Extractor,
    /// The rule files' hashes for audit records, computed once.
    pub digest: crate::audit::RulesDigest,
    /// The derived facts, each after the derived facts it reads.
    pub derived: Vec<String>,
    /// The overlays' changes to the extended set, in the order applied.
    pub changes: Vec<Applied>,
    /// How many of `sources` (the first ones) are the extended set under an overlay; 0 when the
    /// rule set stands alone.
    pub base_files: usize,
}

/// The header's `combine` weights and the section that holds the statutory duties.
#[derive(Debug, Clone)]
pub struct Combination {
    pub statutory_section: usize,
    /// Weight and reason of each number, in the order statutory, coverage, performance.
    pub parts: Vec<Combine>,
}

impl Combination {
    /// The coverage from which performance counts with its full weight, if declared.
    pub fn performance_full_from(&self) -> Option<Decimal> {
        self.parts
            .iter()
            .find(|p| p.number == Combined::Performance)
            .and_then(|p| p.full_from)
            .map(|n| n.value)
    }

    pub fn weight(&self, number: Combined) -> Decimal {
        self.parts
            .iter()
            .filter(|p| p.number == number)
            .map(|p| p.weight.value)
            .sum()
    }
}

impl RuleSet {
    /// The share of a rule's points that `level` earns: the rule's own `credit`, else its
    /// section's, else the header's, else nothing. With the credit's reason, when declared.
    pub fn credit<'a>(
        &'a self,
        section: &'a Section,
        rule: &'a Rule,
        level: CreditedLevel,
    ) -> (Decimal, Option<&'a Credit>) {
        rule.credits
            .iter()
            .chain(&section.credits)
            .chain(&self.credits)
            .find(|c| c.level == level)
            .map_or((Decimal::ZERO, None), |c| (c.share.value, Some(c)))
    }

    pub fn source(&self, file: FileId) -> Option<&Source> {
        self.sources.get(file.0)
    }

    /// Every rule with its section, in rule-set order.
    pub fn rules(&self) -> impl Iterator<Item = (&Section, &Rule)> {
        self.sections
            .iter()
            .flat_map(|s| s.rules.iter().map(move |r| (s, r)))
    }

    pub fn rule(&self, id: &str) -> Option<(&Section, &Rule)> {
        self.rules().find(|(_, r)| r.id.name == id)
    }

    /// The overlay changes to a rule or section, by id.
    pub fn changes_to<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Applied> {
        self.changes
            .iter()
            .filter(move |a| a.change.target.name == id)
    }

    /// The name of the file a declaration comes from, as given (`rules/15-enforcement.fz`).
    pub fn file_name(&self, file: FileId) -> &str {
        self.source(file).map_or("", |s| s.name.as_str())
    }

    /// The grade for a (rounded) total.
    pub fn grade(&self, total: Decimal) -> &str {
        self.grades
            .iter()
            .find(|(_, t)| total >= *t)
            .map_or("", |(name, _)| name.as_str())
    }
}

/// Parses and checks a rule set's sources. Returns the rule set when there are no errors, and all
/// diagnostics (errors and warnings) either way.
pub fn load(sources: Vec<Source>) -> (Option<RuleSet>, Vec<Diag>) {
    load_layered(sources, 0)
}

/// Like [`load`], for a local rule set over the first `base_files` sources (the set it extends):
/// those files' tests describe the extended set as it stands alone and are left out, and lints
/// on declarations only look at the local files.
pub fn load_layered(sources: Vec<Source>, base_files: usize) -> (Option<RuleSet>, Vec<Diag>) {
    load_checked(sources, base_files, true)
}

/// Like [`load_layered`], for commands that use the rule set rather than check it (`score`,
/// `extract`, `serve`…): the pattern examples are not run and patterns are compiled when a
/// report first needs them, which is most of the time to load a rule set. A pattern too large to
/// compile is then reported by extraction, and by `fazhi check` as always.
pub fn load_for_use(sources: Vec<Source>, base_files: usize) -> (Option<RuleSet>, Vec<Diag>) {
    load_checked(sources, base_files, false)
}

fn load_checked(
    sources: Vec<Source>,
    base_files: usize,
    thorough: bool,
) -> (Option<RuleSet>, Vec<Diag>) {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        if let Some(file) = parse(FileId(i), source, &mut diags) {
            files.push(file);
        }
    }
    // A file that does not parse leaves its declarations unknown: checking the rest would report
    // errors (a missing header, unknown facts) that are only echoes of the syntax error.
    if files.len() != sources.len() {
        return (None, diags);
    }
    let mut checker = Checker {
        sources: &sources,
        diags: Vec::new(),
        base_files,
        overlaid: Vec::new(),
        thorough,
    };
    let ruleset = checker.check(files);
    diags.extend(checker.diags);
    // Examples read sentences with the compiled patterns: only a rule set without errors has
    // them all, so a pattern error is not echoed by its examples.
    if let Some(ruleset) = ruleset
        .as_ref()
        .filter(|_| thorough && !diags.iter().any(Diag::is_error))
    {
        let runs = crate::examples::run(ruleset);
        diags.extend(crate::examples::diagnostics(ruleset, &runs));
    }
    let ok = !diags.iter().any(Diag::is_error);
    (ruleset.filter(|_| ok), diags)
}

struct Checker<'s> {
    sources: &'s [Source],
    diags: Vec<Diag>,
    base_files: usize,
    /// The overlays' changes by target id, for pointing at them in later diagnostics.
    overlaid: Vec<(FileId, String, Span)>,
    /// Compiles every pattern (and the caller runs the examples): see [`load_for_use`].
    thorough: bool,
}

/// Rules read these when evaluating; the checker validates calls against them.
const FUNCTIONS: [&str; 3] = ["present", "date", "year"];

impl Checker<'_> {
    fn error(
        &mut self,
        file: FileId,
        code: Code,
        message: String,
        span: Span,
        label: &str,
        help: String,
    ) {
        self.push(
            file,
            Diag::error(code, message).label(span, label).help(help),
        );
    }

    fn push(&mut self, file: FileId, diag: Diag) {
        let diag = match self.sources.get(file.0) {
            Some(source) => diag.in_source(source),
            None => diag,
        };
        self.diags.push(diag);
    }

    fn check(&mut self, files: Vec<File>) -> Option<RuleSet> {
        let mut headers = Vec::new();
        let mut facts: IndexMap<String, FactDecl> = IndexMap::new();
        let mut sections = Vec::new();
        let mut tests = Vec::new();
        let mut overlays = Vec::new();
        let mut extensions = Vec::new();
        for file in files {
            headers.extend(file.rulesets);
            overlays.extend(file.overlays);
            extensions.extend(file.extensions);
            for fact in file.facts {
                if let Some(first) = facts.get(&fact.id.name) {
                    let first = (first.file, first.id.span);
                    self.duplicate("事实", fact.file, &fact.id, first);
                } else {
                    facts.insert(fact.id.name.clone(), fact);
                }
            }
            sections.extend(file.sections);
            tests.extend(file.tests);
        }

        let header = self.header(headers)?;
        let changes = self.apply_overlays(overlays, extensions, &mut sections);
        self.overlaid = changes
            .iter()
            .map(|a| (a.file, a.change.target.name.clone(), a.change.span))
            .collect();
        if self.base_files > 0 {
            let base = self.base_files;
            tests.retain(|t: &Test| t.file.0 >= base);
        }
        let derived = self.derived_facts(&facts);
        let extractor = self.patterns(&facts, &sections);
        self.examples(&facts);
        self.sections(&header, &sections, &facts);
        let combination = self.scoring_model(&header, &sections);
        self.shared_deductions(&sections);
        self.tests(&header, &tests, &sections, &facts);
        if !self.diags.iter().any(Diag::is_error) {
            self.lints(&sections, &facts, &tests);
        }

        Some(RuleSet {
            id: header.id.name.clone(),
            title: header
                .title
                .as_ref()
                .map(|t| t.text.clone())
                .unwrap_or_default(),
            source_document: header
                .source
                .as_ref()
                .map(|t| t.text.clone())
                .unwrap_or_default(),
            version: header
                .version
                .as_ref()
                .map(|t| t.text.clone())
                .unwrap_or_default(),
            effective: header.effective.map(|(from, to, _)| (from, to)),
            total: header_total(&header),
            grades: {
                let mut grades: Vec<_> = header
                    .grades
                    .iter()
                    .map(|g| (g.name.text.clone(), g.threshold.value))
                    .collect();
                grades.sort_by_key(|g| std::cmp::Reverse(g.1));
                grades
            },
            no_evidence: header
                .no_evidence
                .map_or(NoEvidence::Zero, |(mode, _)| mode),
            credits: header.credits.clone(),
            combination,
            facts,
            sections,
            tests,
            sources: self.sources.to_vec(),
            digest: crate::audit::RulesDigest::of(self.sources),
            extractor,
            derived,
            changes,
            base_files: self.base_files,
        })
    }

    fn duplicate(&mut self, what: &str, file: FileId, id: &Ident, first: (FileId, Span)) {
        let mut diag = Diag::error(
            Code::CheckDuplicateId,
            format!("{what} `{}` 声明了两次", id.name),
        )
        .label(id.span, "在此再次声明")
        .help(format!(
            "把其中一个改名，或删去重复的声明；同一规则集中{what} id 不能重复"
        ));
        if first.0 == file {
            diag = diag.label(first.1, "首次在此声明");
        } else if let Some(source) = self.sources.get(first.0 .0) {
            diag = diag.related(
                Diag::advice(
                    Code::CheckDuplicateId,
                    format!("`{}` 首次在此声明", id.name),
                )
                .in_source(source)
                .label(first.1, "首次在此声明"),
            );
        }
        self.push(file, diag);
    }

    fn header(&mut self, mut headers: Vec<RulesetHeader>) -> Option<RulesetHeader> {
        if headers.is_empty() {
            self.push(
                FileId(0),
                Diag::error(
                    Code::CheckMissingRuleset,
                    "规则文件中没有 `ruleset` 头部",
                )
                .label(Span::new(0, 0), "规则集从这里开始")
                .help("在其中一个文件里加上 `ruleset my_rules { total 100 grade \"合格\" >= 60 }`"),
            );
            return None;
        }
        let header = headers.remove(0);
        for extra in headers {
            let diag = Diag::error(
                Code::CheckDuplicateRuleset,
                format!("第二个 `ruleset` 头部 `{}`", extra.id.name),
            )
            .label(extra.id.span, "第二个头部")
            .help(format!(
                "一个规则集只有一个头部，已声明了 `{}`",
                header.id.name
            ));
            self.push(extra.file, diag);
        }
        for span in &header.repeated {
            self.error(
                header.file,
                Code::CheckDuplicateEntry,
                "规则集头部中同一设置写了两次".into(),
                *span,
                "重复",
                "只保留其中一条".into(),
            );
        }
        if let Some((from, to, span)) = header.effective {
            if from > to {
                self.error(
                    header.file,
                    Code::CheckEffective,
                    format!("有效期的结束日期（{to}）早于开始日期（{from}）"),
                    span,
                    "起止颠倒",
                    "写成 `effective 开始 .. 结束`，开始日期在前".into(),
                );
            }
        }
        let total = header_total(&header);
        if header.grades.is_empty() {
            self.error(
                header.file,
                Code::CheckGrades,
                "没有等级档".into(),
                header.id.span,
                "此头部",
                "加上等级档，如 `grade \"合格\" >= 60` 和 `grade \"不合格\" >= 0`".into(),
            );
        }
        let mut seen = HashSet::new();
        for grade in &header.grades {
            if !seen.insert(&grade.name.text) {
                self.error(
                    header.file,
                    Code::CheckGrades,
                    format!("等级 `{}` 列了两次", grade.name.text),
                    grade.name.span,
                    "重复",
                    "每个等级档用不同的名称".into(),
                );
            }
            if grade.threshold.value > total {
                self.error(
                    header.file,
                    Code::CheckGrades,
                    format!(
                        "等级 `{}` 要求 {} 分，但总分只有 {total}",
                        grade.name.text, grade.threshold.value
                    ),
                    grade.threshold.span,
                    "无法达到",
                    "降低门槛，或提高 `total`".into(),
                );
            }
        }
        if !header.grades.is_empty() && !header.grades.iter().any(|g| g.threshold.value.is_zero()) {
            self.push(
                header.file,
                Diag::warning(Code::CheckGrades, "没有从 0 分起的等级档")
                    .label(header.id.span, "低分将没有等级")
                    .help("加上最低一档，如 `grade \"不合格\" >= 0`"),
            );
        }
        Some(header)
    }

    /// Compiles every fact's patterns, reporting the bad ones, into the rule set's extractor.
    /// Compiles the facts' patterns and the rules' `mention` patterns (read like a flag's).
    fn patterns(&mut self, facts: &IndexMap<String, FactDecl>, sections: &[Section]) -> Extractor {
        let mut compiled = Vec::new();
        let fact_patterns = facts.values().flat_map(|fact| {
            fact.patterns
                .iter()
                .map(move |text| (fact.file, &fact.id.name, fact.ty, text, false))
        });
        let mention_patterns = sections.iter().flat_map(|section| {
            section.rules.iter().flat_map(|rule| {
                rule.mentions
                    .iter()
                    .map(move |text| (rule.file, &rule.id.name, FactType::Flag, text, true))
            })
        });
        for (file, owner, ty, text, mention) in fact_patterns.chain(mention_patterns) {
            let translated = pattern::Compiled::new(owner.clone(), mention, &text.text, ty);
            // Compiling is what takes time, and only a pattern past the size cap fails it: a
            // thorough check compiles every pattern, loading for use leaves it to extraction.
            let built = translated.and_then(|p| {
                if self.thorough {
                    p.regex()?;
                }
                Ok(p)
            });
            match built {
                Ok(pattern) => compiled.push(pattern),
                Err(problem) => {
                    let span = self.span_in_string(file, text, problem.at.clone());
                    let (whose, kind) = if mention {
                        ("规则", "`mention` 模式")
                    } else {
                        ("事实", "提取模式")
                    };
                    let (code, help) = match problem.ambiguous {
                        Some(help) => (Code::CheckAmbiguousPattern, help),
                        None => (Code::CheckPattern, "见 docs/dsl.md 的「Patterns」一节"),
                    };
                    self.error(
                        file,
                        code,
                        format!("{whose} `{owner}` 的{kind}有误：{problem}"),
                        span,
                        if problem.at.is_some() {
                            "此处"
                        } else {
                            "此模式"
                        },
                        help.into(),
                    )
                }
            }
        }
        Extractor::new(compiled).unwrap_or_else(|e| {
            self.push(
                FileId(0),
                Diag::error(
                    Code::CheckPattern,
                    format!("无法为提取模式中的固定文字建立索引：{e}"),
                )
                .help("拆分或简化提取模式"),
            );
            Extractor::empty()
        })
    }

    /// Examples whose value is missing or of the wrong type (what they read is checked once the
    /// rule set is built: `crate::examples`).
    fn examples(&mut self, facts: &IndexMap<String, FactDecl>) {
        for decl in facts.values() {
            for example in &decl.examples {
                if let Some((span, message, help)) = crate::examples::static_problem(decl, example)
                {
                    self.error(decl.file, Code::CheckExample, message, span, "此处", help);
                }
            }
        }
    }

    /// Credits within 0–1 with an admitted shortfall never above a description in words, and
    /// `combine` weights that add up to the total over an existing statutory section.
    fn scoring_model(
        &mut self,
        header: &RulesetHeader,
        sections: &[Section],
    ) -> Option<Combination> {
        let credits =
            header
                .credits
                .iter()
                .map(|c| (header.file, c))
                .chain(sections.iter().flat_map(|s| {
                    s.credits
                        .iter()
                        .chain(s.rules.iter().flat_map(|r| &r.credits))
                        .map(move |c| (s.file, c))
                }));
        for (file, credit) in credits {
            if credit.share.value > Decimal::ONE {
                self.error(
                    file,
                    Code::CheckScoringModel,
                    format!(
                        "`credit {}` 的比例 {} 超过 1",
                        credit.level.keyword(),
                        credit.share.value
                    ),
                    credit.share.span,
                    "比例须在 0 到 1 之间",
                    "`credit` 是该证据等级可得本项分值的比例，写 0 到 1 之间的小数，如 0.5".into(),
                );
            }
        }
        let header_share = |level: CreditedLevel| header.credits.iter().find(|c| c.level == level);
        if let (Some(described), Some(admitted)) = (
            header_share(CreditedLevel::Described),
            header_share(CreditedLevel::Admitted),
        ) {
            if admitted.share.value > described.share.value {
                self.error(header.file, Code::CheckScoringModel, "自认不足（`admitted`）的得分比例高于仅文字表述（`described`）".into(), admitted.share.span, "高于 `described`", "承认未做到的事项不应比写明做了但无数据的事项得分更高；把 `admitted` 调到不高于 `described`".into());
            }
        }
        if header.combine.is_empty() {
            return None;
        }
        let Some(statutory) = &header.statutory else {
            self.error(
                header.file,
                Code::CheckScoringModel,
                "有 `combine` 却没有指明 `statutory` 部分".into(),
                header.id.span,
                "规则集头部",
                "加上 `statutory 部分id`，指明记录年度报告法定内容与公开情况的部分".into(),
            );
            return None;
        };
        let Some(index) = sections.iter().position(|s| s.id.name == statutory.name) else {
            let ids: Vec<&str> = sections.iter().map(|s| s.id.name.as_str()).collect();
            let help = match suggest(&statutory.name, ids.iter().copied()) {
                Some(near) => format!("{}写一个已声明的部分 id", did_you_mean(near)),
                None => "写一个已声明的部分 id".into(),
            };
            self.error(
                header.file,
                Code::CheckScoringModel,
                format!("`statutory` 指向的部分 `{}` 不存在", statutory.name),
                statutory.span,
                "未声明的部分",
                help,
            );
            return None;
        };
        let sum: Decimal = header.combine.iter().map(|c| c.weight.value).sum();
        let total = header_total(header);
        if sum != total {
            let span = header.combine.first().map_or(header.id.span, |c| c.span);
            self.error(
                header.file,
                Code::CheckScoringModel,
                format!("`combine` 的权重合计 {sum}，不等于总分 {total}"),
                span,
                "三项权重",
                "`statutory`、`coverage`、`performance` 三项权重之和应等于 `total`".into(),
            );
        }
        for part in &header.combine {
            let Some(from) = part.full_from else { continue };
            if part.number != Combined::Performance
                || from.value.is_zero()
                || from.value > Decimal::ONE
            {
                self.error(
                    header.file,
                    Code::CheckScoringModel,
                    "`from` 只能写在 `combine performance` 上，且在 0% 到 100% 之间（不含 0%）"
                        .into(),
                    from.span,
                    "覆盖度门槛",
                    "例：`combine performance 50 from 50% \"理由\"`".into(),
                );
            }
        }
        for number in [
            Combined::Statutory,
            Combined::Coverage,
            Combined::Performance,
        ] {
            let given: Vec<&Combine> = header
                .combine
                .iter()
                .filter(|c| c.number == number)
                .collect();
            if let Some(second) = given.get(1) {
                self.error(
                    header.file,
                    Code::CheckDuplicateEntry,
                    format!("`combine {}` 写了两次", number.keyword()),
                    second.span,
                    "重复",
                    "保留一条".into(),
                );
            }
        }
        let combination = Combination {
            statutory_section: index,
            parts: header.combine.clone(),
        };
        self.monotone(header, sections, &combination);
        Some(combination)
    }

    /// Addressing one more requirement, at the smallest credit any level earns, must never lower
    /// the total. Adding a rule at share x to what a report addresses moves performance by
    /// (x − P) × its points ÷ the points addressed, and coverage by its points ÷ the points that
    /// apply; with performance scaled in proportion below coverage `from`, the total never falls
    /// when coverage weight × from ≥ performance weight × (1 − x).
    fn monotone(
        &mut self,
        header: &RulesetHeader,
        sections: &[Section],
        combination: &Combination,
    ) {
        let performance = combination.weight(Combined::Performance);
        if performance.is_zero() {
            return;
        }
        let smallest = header
            .credits
            .iter()
            .chain(sections.iter().flat_map(|s| {
                s.credits
                    .iter()
                    .chain(s.rules.iter().flat_map(|r| &r.credits))
            }))
            .map(|c| c.share.value)
            .min()
            .unwrap_or(Decimal::ZERO);
        let from = combination.performance_full_from().unwrap_or(Decimal::ZERO);
        let coverage = combination.weight(Combined::Coverage);
        if coverage * from < performance * (Decimal::ONE - smallest) {
            let span = header
                .combine
                .iter()
                .find(|c| c.number == Combined::Performance)
                .map_or(header.id.span, |c| c.span);
            self.error(
                header.file,
                Code::CheckScoringModel,
                format!(
                    "总分不单调：覆盖度权重 {coverage} × 门槛 {}% 小于实绩权重 {performance} ×（1 − 最低得分比例 {}）",
                    (from * Decimal::ONE_HUNDRED).normalize(),
                    smallest.normalize()
                ),
                span,
                "按这一组合，多写一项要求可能反而降低总分",
                "提高 `coverage` 的权重或 `from` 门槛，降低 `performance` 的权重，或提高最低的 `credit` 比例，使 `coverage × from ≥ performance × (1 − 最低 credit)`".into(),
            );
        }
    }

    /// Two rules that take points away for the same fact make one figure cost twice.
    fn shared_deductions(&mut self, sections: &[Section]) {
        let mut first: HashMap<String, (FileId, &Rule)> = HashMap::new();
        for section in sections {
            for rule in &section.rules {
                let Some(deduct) = &rule.deduct else { continue };
                let mut read = Vec::new();
                deduct.expr.facts(&mut read);
                for fact in read {
                    match first.get(fact) {
                        Some((_, earlier)) => {
                            let diag = Diag::warning(
                                Code::CheckSharedDeduction,
                                format!(
                                    "规则 `{}` 与 `{}` 都按 `{fact}` 扣分",
                                    rule.id.name, earlier.id.name
                                ),
                            )
                            .label(deduct.expr.span, "再次按同一事实扣分")
                            .help("同一个数字只应扣一次分：合并两条规则，或让其中一条改读别的事实");
                            self.push(rule.file, diag);
                        }
                        None => {
                            first.insert(fact.to_string(), (section.file, rule));
                        }
                    }
                }
            }
        }
    }

    fn sections(
        &mut self,
        header: &RulesetHeader,
        sections: &[Section],
        facts: &IndexMap<String, FactDecl>,
    ) {
        let total = header_total(header);
        let mut section_ids: HashMap<&str, (FileId, Span)> = HashMap::new();
        let mut rule_ids: HashMap<&str, (FileId, Span)> = HashMap::new();
        let mut weight_sum = Decimal::ZERO;
        for section in sections {
            weight_sum += section.weight.value;
            match section_ids.get(section.id.name.as_str()) {
                Some(first) => self.duplicate("部分", section.file, &section.id, *first),
                None => {
                    section_ids.insert(&section.id.name, (section.file, section.id.span));
                }
            }
            let mut points_sum = Decimal::ZERO;
            for rule in &section.rules {
                match rule_ids.get(rule.id.name.as_str()) {
                    Some(first) => self.duplicate("规则", rule.file, &rule.id, *first),
                    None => {
                        rule_ids.insert(&rule.id.name, (rule.file, rule.id.span));
                    }
                }
                points_sum += rule.points.map_or(Decimal::ZERO, |p| p.value);
                self.rule(rule.file, rule, facts);
            }
            if points_sum > section.weight.value {
                let mut diag = Diag::error(
                    Code::CheckPointsExceedSection,
                    format!(
                        "部分 `{}` 中各规则合计 {points_sum} 分，超过该部分的权重 {}",
                        section.id.name, section.weight.value
                    ),
                )
                .label(section.weight.span, "部分权重")
                .help("一个部分中各规则的分值之和不能超过其权重：降低规则分值或提高权重");
                let touched = |name: &str| {
                    name == section.id.name || section.rules.iter().any(|r| r.id.name == name)
                };
                for (file, span) in self
                    .overlaid
                    .iter()
                    .filter(|(_, name, _)| touched(name))
                    .map(|(f, _, s)| (*f, *s))
                    .collect::<Vec<_>>()
                {
                    if let Some(source) = self.sources.get(file.0) {
                        diag = diag.related(
                            Diag::advice(
                                Code::CheckPointsExceedSection,
                                "本地规则集在此修改了该分项的分值或权重",
                            )
                            .in_source(source)
                            .label(span, "修改"),
                        );
                    }
                }
                self.push(section.file, diag);
            }
        }
        if weight_sum != total && !sections.is_empty() {
            let parts: Vec<String> = sections
                .iter()
                .map(|s| format!("`{}` {}", s.id.name, s.weight.value))
                .collect();
            let diag = Diag::error(
                Code::CheckWeights,
                format!("各部分权重合计 {weight_sum}，不等于声明的总分 {total}"),
            )
            .label(
                header.total.map_or(header.id.span, |t| t.span),
                "声明的总分",
            )
            .help(format!(
                "各部分权重为 {} = {weight_sum}；调整权重（或 `total`）使两者一致",
                parts.join(" + ")
            ));
            self.push(header.file, diag);
        }
    }

    fn rule(&mut self, file: FileId, rule: &Rule, facts: &IndexMap<String, FactDecl>) {
        for span in &rule.repeated {
            self.error(
                file,
                Code::CheckDuplicateEntry,
                format!("规则 `{}` 中同一子句写了两次", rule.id.name),
                *span,
                "重复",
                "只保留其中一条".into(),
            );
        }
        let missing = |what: &str| format!("规则 `{}` 缺少 `{what}`", rule.id.name);
        if rule.cite.is_none() {
            self.error(
                file,
                Code::CheckMissingEntry,
                missing("cite"),
                rule.id.span,
                "此规则",
                "注明要求的出处，如 `cite \"纲要 七（二十三）\" recalled`".into(),
            );
        }
        let points = match rule.points {
            Some(p) => p.value,
            None => {
                self.error(
                    file,
                    Code::CheckMissingEntry,
                    missing("points"),
                    rule.id.span,
                    "此规则",
                    "加上 `points N`".into(),
                );
                Decimal::ZERO
            }
        };
        let linear = matches!(rule.partial, Some(Partial::Linear { .. }));
        if rule.require.is_none() && rule.deduct.is_none() && !linear {
            self.error(
                file,
                Code::CheckMissingEntry,
                missing("require"),
                rule.id.span,
                "此规则",
                "写明怎样得分：`require 表达式`、`partial linear …` 或 `deduct …`".into(),
            );
        }
        let mut env = Env {
            checker: self,
            file,
            facts,
        };
        for expr in [&rule.applies, &rule.require].into_iter().flatten() {
            env.expect(expr, Ty::Bool, "条件");
        }
        if let Some(partial) = &rule.partial {
            env.partial(rule, partial, points);
        }
        if let Some(deduct) = &rule.deduct {
            let ty = env.infer(&deduct.expr);
            if !matches!(ty, Ty::Count | Ty::Number | Ty::Error) {
                env.checker.error(
                    file,
                    Code::CheckTypeMismatch,
                    format!("`deduct … per` 按件数扣分，这里却是{ty}"),
                    deduct.expr.span,
                    "不是计数",
                    "按计数类事实扣分，如 `deduct 0.5 per problems_found cap 2`".into(),
                );
            }
            if deduct.per.value <= Decimal::ZERO {
                env.checker.error(
                    file,
                    Code::CheckThresholdOrder,
                    "每件扣分必须大于 0".into(),
                    deduct.per.span,
                    "扣分",
                    "写出每件扣多少分，如 `deduct 0.5 per …`".into(),
                );
            }
            if let Some(cap) = deduct.cap {
                if cap.value > points || cap.value <= Decimal::ZERO {
                    env.checker.error(
                        file,
                        Code::CheckThresholdOrder,
                        format!("扣分上限 {} 不在 0 < 上限 ≤ {points} 分的范围内", cap.value),
                        cap.span,
                        "扣分上限",
                        "扣分上限最多等于本规则的分值".into(),
                    );
                }
            }
        }
        if let Some(explain) = &rule.explain {
            self.template(file, explain, facts);
        }
    }

    /// The span of `inner` (a byte range of a string literal's text) in the `.fz` source, when the
    /// literal is written without escapes so the two line up; otherwise the whole literal.
    fn span_in_string(
        &self,
        file: FileId,
        literal: &Text,
        inner: Option<std::ops::Range<usize>>,
    ) -> Span {
        let raw = self
            .sources
            .get(file.0)
            .and_then(|s| s.text.get(literal.span.start..literal.span.end));
        match (inner, raw) {
            (Some(inner), Some(raw)) if raw.len() == literal.text.len() + 2 => {
                let start = literal.span.start + 1 + inner.start;
                Span::new(start, start + inner.len())
            }
            _ => literal.span,
        }
    }

    /// `{fact}` placeholders must name declared facts; braces must balance.
    fn template(&mut self, file: FileId, template: &Text, facts: &IndexMap<String, FactDecl>) {
        for placeholder in placeholders(&template.text) {
            let Ok(name) = placeholder else {
                self.error(
                    file,
                    Code::CheckTemplate,
                    "说明文字中的 `{` 与 `}` 不配对".into(),
                    template.span,
                    "此段文字",
                    "写 `{fact_id}` 以显示事实的值".into(),
                );
                return;
            };
            if !facts.contains_key(name) {
                let help = match suggest(name, facts.keys().map(String::as_str)) {
                    Some(s) => did_you_mean(s),
                    None => "占位符应为已声明的事实，如 `{court_appearance_rate}`".into(),
                };
                // Point at the placeholder itself when the string's source text holds it.
                let span = self
                    .sources
                    .get(file.0)
                    .and_then(|s| s.text.get(template.span.start..template.span.end))
                    .and_then(|raw| raw.find(&format!("{{{name}}}")))
                    .map_or(template.span, |at| {
                        let start = template.span.start + at;
                        Span::new(start, start + name.len() + 2)
                    });
                self.error(
                    file,
                    Code::CheckTemplate,
                    format!("说明文字中有未声明的事实 `{name}`"),
                    span,
                    "未声明的事实",
                    help,
                );
            }
        }
    }

    fn tests(
        &mut self,
        header: &RulesetHeader,
        tests: &[Test],
        sections: &[Section],
        facts: &IndexMap<String, FactDecl>,
    ) {
        let rules: HashMap<&str, &Rule> = sections
            .iter()
            .flat_map(|s| &s.rules)
            .map(|r| (r.id.name.as_str(), r))
            .collect();
        let total = header_total(header);
        for test in tests {
            let mut given_names = HashSet::new();
            for (id, literal) in &test.given {
                if !given_names.insert(&id.name) {
                    self.error(
                        test.file,
                        Code::CheckDuplicateEntry,
                        format!("事实 `{}` 给了两次", id.name),
                        id.span,
                        "重复",
                        "每个事实只给一次".into(),
                    );
                }
                match facts.get(&id.name) {
                    None => self.unknown_fact(test.file, id, facts),
                    Some(decl) => {
                        if let Err(problem) = literal_fits(literal.value, decl.ty) {
                            self.error(
                                test.file,
                                Code::CheckTypeMismatch,
                                format!("`{}` 是{}，{problem}", id.name, Ty::of_fact(decl.ty)),
                                literal.span,
                                "此值",
                                example_of(decl.ty),
                            );
                        }
                    }
                }
            }
            for expectation in &test.expectations {
                match expectation {
                    Expectation::Rule { rule, points, .. } => match rules.get(rule.name.as_str()) {
                        None => {
                            let help = match suggest(&rule.name, rules.keys().copied()) {
                                Some(s) => did_you_mean(s),
                                None => "`expect` 后应写某个部分中已声明的规则 id".into(),
                            };
                            self.error(
                                test.file,
                                Code::CheckUnknownRule,
                                format!("未知的规则 `{}`", rule.name),
                                rule.span,
                                "没有这条规则",
                                help,
                            );
                        }
                        Some(declared) => {
                            let max = declared.points.map_or(Decimal::ZERO, |p| p.value);
                            if let Some(expected) = points.filter(|p| p.value > max) {
                                self.error(
                                    test.file,
                                    Code::CheckTestPoints,
                                    format!(
                                        "测试期望 {} 分，但 `{}` 只有 {max} 分",
                                        expected.value, rule.name
                                    ),
                                    expected.span,
                                    "超过规则的分值",
                                    "一条规则的得分在 0 与其分值之间".into(),
                                );
                            }
                        }
                    },
                    Expectation::Total { value, .. } if value.value > total => {
                        self.error(
                            test.file,
                            Code::CheckTestPoints,
                            format!("测试期望总分 {}，但规则集的总分只有 {total}", value.value),
                            value.span,
                            "超过总分",
                            "总分以头部的 `total` 为满分".into(),
                        );
                    }
                    Expectation::Grade { name, .. }
                        if !header.grades.iter().any(|g| g.name.text == name.text) =>
                    {
                        let help = match suggest(
                            &name.text,
                            header.grades.iter().map(|g| g.name.text.as_str()),
                        ) {
                            Some(s) => did_you_mean(s),
                            None => "等级应为头部 `grade` 所列的等级档之一".into(),
                        };
                        self.error(
                            test.file,
                            Code::CheckUnknownGrade,
                            format!("未知的等级 `{}`", name.text),
                            name.span,
                            "没有这个等级",
                            help,
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    fn unknown_fact(&mut self, file: FileId, id: &Ident, facts: &IndexMap<String, FactDecl>) {
        let help = match suggest(&id.name, facts.keys().map(String::as_str)) {
            Some(s) => did_you_mean(s),
            None => "用 `fact 名称 类型 \"标签\"` 声明它，或改用已声明的事实".into(),
        };
        self.error(
            file,
            Code::CheckUnknownFact,
            format!("未声明的事实 `{}`", id.name),
            id.span,
            "未声明",
            help,
        );
    }
}

fn header_total(header: &RulesetHeader) -> Decimal {
    header.total.map_or(Decimal::ONE_HUNDRED, |t| t.value)
}

/// The `{name}` placeholders of a template, or `Err(())` for unbalanced braces.
pub fn placeholders(template: &str) -> impl Iterator<Item = Result<&str, ()>> {
    let mut rest = template;
    std::iter::from_fn(move || {
        let open = rest.find('{');
        let close = rest.find('}');
        match (open, close) {
            (None, None) => None,
            (Some(o), Some(c)) if o < c => {
                let name = &rest[o + 1..c];
                rest = &rest[c + 1..];
                if name.contains('{') {
                    Some(Err(()))
                } else {
                    Some(Ok(name))
                }
            }
            _ => {
                rest = "";
                Some(Err(()))
            }
        }
    })
}

/// Whether a test's literal can be the value of a fact of type `ty`.
pub fn literal_fits(value: LiteralValue, ty: FactType) -> Result<(), String> {
    match (value, ty) {
        (LiteralValue::Percent(p), FactType::Percent) if p <= Decimal::ONE_HUNDRED => Ok(()),
        (LiteralValue::Percent(_), FactType::Percent) => Err("比率不能超过 100%".into()),
        (LiteralValue::Number(n), FactType::Count) if n.fract().is_zero() => Ok(()),
        (LiteralValue::Number(_), FactType::Count) => Err("必须是整数".into()),
        (LiteralValue::Number(_), FactType::Amount) => Ok(()),
        (LiteralValue::Number(n), FactType::Year)
            if n.fract().is_zero() && (Decimal::from(1949)..=Decimal::from(2100)).contains(&n) =>
        {
            Ok(())
        }
        (LiteralValue::Number(_), FactType::Year) => Err("必须是 1949 至 2100 之间的年份".into()),
        (LiteralValue::Date(_), FactType::Date) | (LiteralValue::Bool(_), FactType::Flag) => Ok(()),
        (value, _) => Err(format!(
            "不能是{}",
            match value {
                LiteralValue::Number(_) => "数字",
                LiteralValue::Percent(_) => "百分比",
                LiteralValue::Date(_) => "日期",
                LiteralValue::Bool(_) => "是非值（true/false）",
            }
        )),
    }
}

fn example_of(ty: FactType) -> String {
    let example = match ty {
        FactType::Percent => "`95%`",
        FactType::Count => "`12`",
        FactType::Amount => "`3200000`",
        FactType::Date => "`2025-03-24`",
        FactType::Year => "`2024`",
        FactType::Flag => "`true`",
    };
    format!("写一个 `{ty}` 类型的值，如 {example}")
}

/// Type inference over one rule's expressions.
struct Env<'c, 's> {
    checker: &'c mut Checker<'s>,
    file: FileId,
    facts: &'c IndexMap<String, FactDecl>,
}

impl Env<'_, '_> {
    fn expect(&mut self, expr: &Expr, want: Ty, role: &str) {
        let ty = self.infer(expr);
        if ty != want && ty != Ty::Error {
            self.checker.error(
                self.file,
                Code::CheckTypeMismatch,
                format!("{role}应为{want}，这里却是{ty}"),
                expr.span,
                &format!("这是{ty}"),
                "比较两个值来构成条件，如 `court_appearance_rate >= 100%`".into(),
            );
        }
    }

    fn mismatch(&mut self, span: Span, message: String, help: &str) -> Ty {
        self.checker.error(
            self.file,
            Code::CheckTypeMismatch,
            message,
            span,
            "类型不符",
            help.into(),
        );
        Ty::Error
    }

    fn infer(&mut self, expr: &Expr) -> Ty {
        match &expr.kind {
            ExprKind::Literal(LiteralValue::Number(_)) => Ty::Number,
            ExprKind::Literal(LiteralValue::Percent(_)) => Ty::Percent,
            ExprKind::Literal(LiteralValue::Date(_)) => Ty::Date,
            ExprKind::Literal(LiteralValue::Bool(_)) => Ty::Bool,
            ExprKind::Fact(name) => match self.facts.get(name) {
                Some(decl) => Ty::of_fact(decl.ty),
                None => {
                    let id = Ident {
                        name: name.clone(),
                        span: expr.span,
                    };
                    self.checker.unknown_fact(self.file, &id, self.facts);
                    Ty::Error
                }
            },
            ExprKind::Not(inner) => {
                self.expect(inner, Ty::Bool, "`not` 的操作数");
                Ty::Bool
            }
            ExprKind::Call { name, args } => self.call(name, args, expr.span),
            ExprKind::Binary { op, lhs, rhs } => {
                let (l, r) = (self.infer(lhs), self.infer(rhs));
                match op {
                    BinaryOp::And | BinaryOp::Or => {
                        for (ty, side) in [(l, lhs), (r, rhs)] {
                            if ty != Ty::Bool && ty != Ty::Error {
                                self.mismatch(side.span, format!("`{}` 用来连接条件，这里却是{ty}", op.symbol()), "比较两个值来构成条件");
                            }
                        }
                        Ty::Bool
                    }
                    op if op.is_comparison() => match l.unify(r) {
                        Some(Ty::Bool) if !matches!(op, BinaryOp::Eq | BinaryOp::Ne) => {
                            self.mismatch(expr.span, "是非值只能用 `==` 或 `!=` 比较".into(), "直接把该是非值当作条件")
                        }
                        Some(_) => Ty::Bool,
                        None => {
                            let help = if l == Ty::Percent && r == Ty::Number || r == Ty::Percent && l == Ty::Number {
                                "把数字写成百分比，如 `100%`"
                            } else {
                                "比较同一类的值：百分比与 `95%` 比，日期与 `2025-04-01` 或 `date(…)` 比，计数和年份与数字比"
                            };
                            self.mismatch(expr.span, format!("不能把{l}与{r}比较"), help)
                        }
                    },
                    op => match l.arithmetic(*op, r) {
                        Some(ty) => ty,
                        None => self.mismatch(expr.span, format!("不能对{l}和{r}做 `{}` 运算", op.symbol()), "算术只能在同一类数值之间进行；`a / b * 100%` 可把两个计数之比化为百分比"),
                    },
                }
            }
        }
    }

    fn call(&mut self, name: &Ident, args: &[Expr], span: Span) -> Ty {
        let arity = |n: usize, checker: &mut Checker<'_>, file| {
            if args.len() != n {
                checker.error(
                    file,
                    Code::CheckArity,
                    format!("`{}` 需要 {n} 个参数，这里有 {} 个", name.name, args.len()),
                    span,
                    "参数个数不对",
                    "可用的函数有 `present(fact)`、`date(year, month, day)` 和 `year(date)`".into(),
                );
                false
            } else {
                true
            }
        };
        match name.name.as_str() {
            "present" => {
                if arity(1, self.checker, self.file) {
                    if let ExprKind::Fact(_) = args[0].kind {
                        self.infer(&args[0]);
                    } else {
                        self.mismatch(
                            args[0].span,
                            "`present` 的参数应为事实名称".into(),
                            "写成 `present(court_appearance_rate)`",
                        );
                    }
                }
                Ty::Bool
            }
            "date" => {
                if arity(3, self.checker, self.file) {
                    let year = self.infer(&args[0]);
                    if !matches!(year, Ty::Year | Ty::Number | Ty::Error) {
                        self.mismatch(
                            args[0].span,
                            format!("`date` 的年份参数应为年份，这里却是{year}"),
                            "写成 `date(report_year + 1, 4, 1)`",
                        );
                    }
                    for arg in &args[1..] {
                        let ty = self.infer(arg);
                        if !matches!(ty, Ty::Number | Ty::Error) {
                            self.mismatch(
                                arg.span,
                                format!("月和日应为数字，这里却是{ty}"),
                                "写成 `date(report_year + 1, 4, 1)`",
                            );
                        }
                    }
                }
                Ty::Date
            }
            "year" => {
                if arity(1, self.checker, self.file) {
                    let ty = self.infer(&args[0]);
                    if !matches!(ty, Ty::Date | Ty::Error) {
                        self.mismatch(
                            args[0].span,
                            format!("`year` 的参数应为日期，这里却是{ty}"),
                            "写成 `year(published_on)`",
                        );
                    }
                }
                Ty::Year
            }
            other => {
                let help = match suggest(other, FUNCTIONS) {
                    Some(s) => did_you_mean(s),
                    None => format!(
                        "可用的函数有 {}",
                        FUNCTIONS.map(|f| format!("`{f}`")).join("、")
                    ),
                };
                self.checker.error(
                    self.file,
                    Code::CheckUnknownFunction,
                    format!("未知的函数 `{other}`"),
                    name.span,
                    "没有这个函数",
                    help,
                );
                Ty::Error
            }
        }
    }

    fn partial(&mut self, rule: &Rule, partial: &Partial, points: Decimal) {
        match partial {
            Partial::Linear {
                expr,
                from,
                to,
                span,
            } => {
                let ty = self.infer(expr);
                for literal in [from, to] {
                    let lit_ty = match literal.value {
                        LiteralValue::Number(_) => Ty::Number,
                        LiteralValue::Percent(_) => Ty::Percent,
                        LiteralValue::Date(_) => Ty::Date,
                        LiteralValue::Bool(_) => Ty::Bool,
                    };
                    if !ty.is_numeric() || ty.unify(lit_ty).is_none() {
                        self.mismatch(
                            literal.span,
                            format!("对{ty}按比例给分时，不能用{lit_ty}作门槛"),
                            "门槛应与表达式同类：百分比写 `from 80% to 100%`",
                        );
                    }
                }
                let (Some(a), Some(b)) = (numeric(from.value), numeric(to.value)) else {
                    return;
                };
                let ascending = match &rule.require {
                    Some(Expr {
                        kind:
                            ExprKind::Binary {
                                op: BinaryOp::Le | BinaryOp::Lt,
                                ..
                            },
                        ..
                    }) => Some(false),
                    Some(Expr {
                        kind:
                            ExprKind::Binary {
                                op: BinaryOp::Ge | BinaryOp::Gt,
                                ..
                            },
                        ..
                    }) => Some(true),
                    _ => None,
                };
                let bad = match ascending {
                    _ if a == b => Some("两个门槛相等"),
                    Some(true) if a > b => {
                        Some("`>=` 要求中 `from` 应低于 `to`（`from` 处得 0 分，`to` 处得满分）")
                    }
                    Some(false) if a < b => Some("`<=` 要求中 `from` 应高于 `to`（越低越好）"),
                    _ => None,
                };
                if let Some(problem) = bad {
                    self.checker.error(
                        self.file,
                        Code::CheckThresholdOrder,
                        format!("部分得分的门槛顺序不对：{problem}"),
                        *span,
                        "门槛",
                        "`from` 处得 0 分，`to` 处得满分".into(),
                    );
                }
            }
            Partial::Tiers { tiers, span } => {
                let mut previous = points;
                for (condition, tier_points) in tiers {
                    self.expect(condition, Ty::Bool, "`tier` 的条件");
                    if tier_points.value >= previous {
                        self.checker.error(
                            self.file,
                            Code::CheckThresholdOrder,
                            format!("档次分值 {} 不低于上一档的 {previous}", tier_points.value),
                            tier_points.span,
                            "顺序不对",
                            "按分值从高到低列出各档，每档都低于本规则的分值".into(),
                        );
                    }
                    previous = tier_points.value;
                }
                if tiers.is_empty() {
                    self.checker.error(
                        self.file,
                        Code::CheckThresholdOrder,
                        "没有列出档次".into(),
                        *span,
                        "空",
                        "加上 `条件 => 分值` 各行".into(),
                    );
                }
            }
        }
    }
}

fn numeric(value: LiteralValue) -> Option<Decimal> {
    match value {
        LiteralValue::Number(n) | LiteralValue::Percent(n) => Some(n),
        _ => None,
    }
}

/// How many tests have an `expect` on each rule, for `fazhi test --coverage`.
pub fn coverage(ruleset: &RuleSet) -> Vec<Diag> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for test in &ruleset.tests {
        let mut seen = HashSet::new();
        for e in &test.expectations {
            if let Expectation::Rule { rule, .. } = e {
                if seen.insert(rule.name.as_str()) {
                    *counts.entry(rule.name.as_str()).or_default() += 1;
                }
            }
        }
    }
    let mut diags = Vec::new();
    for (_, rule) in ruleset.rules() {
        let n = counts.get(rule.id.name.as_str()).copied().unwrap_or(0);
        if n < 2 {
            let mut diag = Diag::warning(
                Code::CheckCoverage,
                format!("规则 `{}` 只被 {n} 个测试检验", rule.id.name),
            )
            .label(rule.id.span, "测试少于两个")
            .help("为达标、不达标或部分得分以及报告未提及的情形各加测试");
            if let Some(source) = ruleset.source(rule.file) {
                diag = diag.in_source(source);
            }
            diags.push(diag);
        }
    }
    diags
}
