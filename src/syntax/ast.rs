//! The rule language's syntax tree. Every node carries the [`Span`] it was parsed from, and the
//! file it came from is recorded once per top-level item.

use rust_decimal::Decimal;

use crate::diagnostic::Span;
use crate::value::{Date, FactType};

/// An index into the list of `.fz` sources a rule set was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// A name with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal's text (escapes resolved) with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub span: Span,
}

/// A number literal with its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    pub value: Decimal,
    pub span: Span,
}

/// Everything parsed from one file.
#[derive(Debug, Clone, Default)]
pub struct File {
    pub rulesets: Vec<RulesetHeader>,
    pub facts: Vec<FactDecl>,
    pub sections: Vec<Section>,
    pub tests: Vec<Test>,
    /// `overlay` headers: changes to the rule set this file extends.
    pub overlays: Vec<Overlay>,
    /// `extend section ID { … }`: rules added to a section declared elsewhere.
    pub extensions: Vec<Extension>,
}

/// `overlay ID { … }`: a local rule set's changes to the set it extends, each with its reason.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub file: FileId,
    pub id: Ident,
    pub title: Option<Text>,
    pub changes: Vec<Change>,
}

/// One change an overlay makes to a rule or section of the set it extends.
#[derive(Debug, Clone)]
pub struct Change {
    pub kind: ChangeKind,
    /// The rule or section changed, by id.
    pub target: Ident,
    pub reason: Text,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// `points RULE N`: the rule's full points.
    Points(Decimal),
    /// `weight SECTION N`: the section's weight.
    Weight(Decimal),
    /// `disable RULE`: the rule is switched off (not scored, not shown).
    Disable,
}

impl ChangeKind {
    /// Whether the change names a section (else a rule).
    pub fn targets_section(self) -> bool {
        matches!(self, ChangeKind::Weight(_))
    }
}

/// `extend section ID { rule … }`.
#[derive(Debug, Clone)]
pub struct Extension {
    pub file: FileId,
    pub section: Ident,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
pub struct RulesetHeader {
    pub file: FileId,
    pub id: Ident,
    pub title: Option<Text>,
    pub source: Option<Text>,
    pub effective: Option<(Date, Date, Span)>,
    pub version: Option<Text>,
    pub total: Option<Number>,
    pub grades: Vec<Grade>,
    pub no_evidence: Option<(NoEvidence, Span)>,
    /// `credit described 0.5 "理由"`: what each level of evidence short of a figure earns.
    pub credits: Vec<Credit>,
    /// `combine coverage 20 "理由"`: the weights of the three numbers in the total.
    pub combine: Vec<Combine>,
    /// `statutory report`: the section of the report's statutory contents and publication.
    pub statutory: Option<Ident>,
    /// Settings given twice, reported by the checker.
    pub repeated: Vec<Span>,
}

/// Levels of evidence short of a stated figure or statement, whose credit is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditedLevel {
    /// The report describes the measure in words, without the figure the rule asks for.
    Described,
    /// The report admits a shortfall (in its shortcomings, or in negated wording).
    Admitted,
}

impl CreditedLevel {
    pub fn keyword(self) -> &'static str {
        match self {
            CreditedLevel::Described => "described",
            CreditedLevel::Admitted => "admitted",
        }
    }
}

/// `credit LEVEL SHARE "理由"`.
#[derive(Debug, Clone)]
pub struct Credit {
    pub level: CreditedLevel,
    pub share: Number,
    pub reason: Text,
    pub span: Span,
}

/// The three numbers a total combines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Combined {
    /// The report's statutory contents and publication (督察工作规定).
    Statutory,
    /// The weighted share of requirements the report addresses.
    Coverage,
    /// How well the report does on what it addresses.
    Performance,
}

impl Combined {
    pub fn keyword(self) -> &'static str {
        match self {
            Combined::Statutory => "statutory",
            Combined::Coverage => "coverage",
            Combined::Performance => "performance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Combined::Statutory => "法定内容与公开",
            Combined::Coverage => "披露覆盖度",
            Combined::Performance => "已披露事项实绩",
        }
    }
}

/// `combine NUMBER WEIGHT "理由"`.
#[derive(Debug, Clone)]
pub struct Combine {
    pub number: Combined,
    pub weight: Number,
    /// `from 50%`: the coverage from which the number counts with its full weight.
    pub full_from: Option<Number>,
    pub reason: Text,
    pub span: Span,
}

/// Kinds of issuer a rule can be limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuerKind {
    /// A people's government (区/县/市人民政府).
    Government,
    /// One of its departments (司法局, 市场监管局…), reporting on its own remit.
    Department,
}

impl IssuerKind {
    pub fn keyword(self) -> &'static str {
        match self {
            IssuerKind::Government => "government",
            IssuerKind::Department => "department",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IssuerKind::Government => "人民政府",
            IssuerKind::Department => "政府部门",
        }
    }

    pub fn from_keyword(word: &str) -> Option<IssuerKind> {
        match word {
            "government" => Some(IssuerKind::Government),
            "department" => Some(IssuerKind::Department),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Grade {
    pub name: Text,
    pub threshold: Number,
}

/// How a rule with no evidence counts in its section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoEvidence {
    /// 0 points out of its possible points.
    Zero,
    /// Left out of the denominator, like a rule that does not apply.
    Excluded,
}

#[derive(Debug, Clone)]
pub struct FactDecl {
    pub file: FileId,
    pub id: Ident,
    pub ty: FactType,
    pub ty_span: Span,
    pub label: Text,
    pub patterns: Vec<Text>,
    pub scope: Option<(Scope, Span)>,
    /// `derived fact … = EXPR`: computed from other facts rather than found in a report.
    pub derived: Option<Expr>,
    /// Sentences the patterns must read (with the value) or must not read.
    pub examples: Vec<PatternExample>,
}

/// `example "…" => VALUE` or `counterexample "…"`: a sentence and what the fact's patterns must
/// read from it.
#[derive(Debug, Clone)]
pub struct PatternExample {
    pub sentence: Text,
    /// `None` for a counterexample: nothing may be read.
    pub expected: Option<ExampleValue>,
    /// The whole clause, for diagnostics and test locations.
    pub span: Span,
}

/// What an example must yield: a written value, or (a flag's example without `=>`) the flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleValue {
    Literal(Literal),
    Stated,
}

/// The part of a report that evidence for a fact must come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The account of the year's work (the default): not the shortcomings, not the plans.
    Work,
    /// The part on shortcomings and their causes.
    Shortcomings,
    /// The part on next year's plans.
    Plan,
    /// The title block and page header: title, publication date.
    Header,
    /// Anywhere in the report.
    Anywhere,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub file: FileId,
    pub id: Ident,
    pub title: Text,
    pub weight: Number,
    pub notes: Vec<Text>,
    /// Credits that override the header's for the rules of this section.
    pub credits: Vec<Credit>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    /// The file the rule is written in (an `extend section` puts it in another file than its
    /// section).
    pub file: FileId,
    pub id: Ident,
    pub title: Text,
    pub span: Span,
    pub cite: Option<Cite>,
    pub points: Option<Number>,
    pub applies: Option<Expr>,
    pub require: Option<Expr>,
    pub partial: Option<Partial>,
    pub deduct: Option<Deduct>,
    pub missing: Option<(Missing, Span)>,
    pub explain: Option<Text>,
    pub help: Option<Text>,
    pub notes: Vec<Text>,
    /// Patterns showing the report addresses the rule's subject in words.
    pub mentions: Vec<Text>,
    /// The issuer kinds the rule applies to; `None` for all.
    pub issuers: Option<(Vec<IssuerKind>, Span)>,
    /// Credits that override the section's and the header's for this rule.
    pub credits: Vec<Credit>,
    /// Clauses given twice, reported by the checker.
    pub repeated: Vec<Span>,
}

impl Rule {
    /// Every fact the rule reads — in its applicability, requirement, partial credit and
    /// deductions — in order of first appearance.
    pub fn facts_read(&self) -> Vec<&str> {
        let mut read = Vec::new();
        for expr in [&self.applies, &self.require].into_iter().flatten() {
            expr.facts(&mut read);
        }
        match &self.partial {
            Some(Partial::Linear { expr, .. }) => expr.facts(&mut read),
            Some(Partial::Tiers { tiers, .. }) => {
                tiers.iter().for_each(|(e, _)| e.facts(&mut read))
            }
            None => {}
        }
        if let Some(deduct) = &self.deduct {
            deduct.expr.facts(&mut read);
        }
        read
    }
}

#[derive(Debug, Clone)]
pub struct Cite {
    pub text: Text,
    pub standing: Standing,
    pub standing_span: Span,
}

/// How far a citation was checked. Where each one was checked (source file or page, article,
/// the quoted sentence) is recorded in docs/citations.md; a test keeps that table complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Checked: the cited article was read in an official text and supports the requirement.
    Verified,
    /// Not yet checked: the source could not be read; the keyword is kept for the DSL.
    Recalled,
    /// The scoring threshold is a local-assessment convention; its legal footing (the first part
    /// of the citation) is recorded as checked in docs/citations.md.
    Local,
}

impl Standing {
    pub fn keyword(self) -> &'static str {
        match self {
            Standing::Verified => "verified",
            Standing::Recalled => "recalled",
            Standing::Local => "local",
        }
    }

    /// How an explanation describes the requirement's footing, in the reader's words.
    pub fn describe(self) -> &'static str {
        match self {
            Standing::Verified => "已核对原文",
            Standing::Recalled => "条文出处待核对",
            Standing::Local => "计分标准为地方考核惯例，非法定要求",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Partial {
    /// 0 points at `from`, full points at `to`.
    Linear {
        expr: Expr,
        from: Literal,
        to: Literal,
        span: Span,
    },
    /// The first condition that holds gives its points.
    Tiers {
        tiers: Vec<(Expr, Number)>,
        span: Span,
    },
}

/// 扣分: `per` points for every unit of `expr`, at most `cap`.
#[derive(Debug, Clone)]
pub struct Deduct {
    pub per: Number,
    pub expr: Expr,
    pub cap: Option<Number>,
    pub span: Span,
}

/// What silence on a fact the rule reads means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Unknown,
    Fail,
    NotApplicable,
}

#[derive(Debug, Clone)]
pub struct Test {
    pub file: FileId,
    pub name: Text,
    pub span: Span,
    pub given: Vec<(Ident, Literal)>,
    pub expectations: Vec<Expectation>,
}

#[derive(Debug, Clone)]
pub enum Expectation {
    Total {
        value: Number,
        span: Span,
    },
    Grade {
        name: Text,
        span: Span,
    },
    Rule {
        rule: Ident,
        outcome: Outcome,
        points: Option<Number>,
        span: Span,
    },
}

/// A rule's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Partial,
    Fail,
    Unknown,
    NotApplicable,
}

impl Outcome {
    pub fn keyword(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Partial => "partial",
            Outcome::Fail => "fail",
            Outcome::Unknown => "unknown",
            Outcome::NotApplicable => "not_applicable",
        }
    }

    /// The outcome in the reader's words.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "达标",
            Outcome::Partial => "部分达标",
            Outcome::Fail => "未达标",
            Outcome::Unknown => "无证据",
            Outcome::NotApplicable => "不适用",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralValue {
    Number(Decimal),
    Percent(Decimal),
    Date(Date),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Literal {
    pub value: LiteralValue,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Literal(LiteralValue),
    Fact(String),
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    Not(Box<Expr>),
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Ge,
    Le,
    Gt,
    Lt,
    Eq,
    Ne,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Ge => ">=",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Lt => "<",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Ge | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Lt | BinaryOp::Eq | BinaryOp::Ne
        )
    }
}

impl Expr {
    /// Every fact the expression reads, in order of appearance.
    pub fn facts<'a>(&'a self, out: &mut Vec<&'a str>) {
        match &self.kind {
            ExprKind::Literal(_) => {}
            ExprKind::Fact(name) => {
                if !out.contains(&name.as_str()) {
                    out.push(name);
                }
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.facts(out)),
            ExprKind::Not(inner) => inner.facts(out),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.facts(out);
                rhs.facts(out);
            }
        }
    }
}
