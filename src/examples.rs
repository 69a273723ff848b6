//! Pattern examples: the `example "…" => VALUE` and `counterexample "…"` clauses of a fact, each
//! sentence read on its own as `fazhi extract --text` reads it. `fazhi check` reports a failing
//! example as an error; `fazhi test` runs each as a test; `fazhi test --coverage` counts the
//! patterns they exercise.

use crate::check::RuleSet;
use crate::diagnostic::{Code, Diag, Span};
use crate::extract;
use crate::facts::FactValue;
use crate::syntax::ast::{ExampleValue, FactDecl, FileId, PatternExample};
use crate::testing::literal_value;
use crate::value::{FactType, Value};

/// One example tried.
#[derive(Debug, Clone)]
pub struct ExampleRun {
    pub fact: String,
    pub file: FileId,
    /// The whole clause.
    pub span: Span,
    /// The sentence's span in the rule file.
    pub sentence_span: Span,
    pub sentence: String,
    pub counter: bool,
    /// What the fact's patterns read from the sentence.
    pub found: Option<FactValue>,
    /// Indices of the fact's patterns whose regex matches the sentence.
    pub patterns: Vec<usize>,
    /// Why it failed, in the author's words; `None` when it holds.
    pub problem: Option<Problem>,
}

/// Why an example failed: the message and the help saying what was read instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: String,
}

impl ExampleRun {
    pub fn passed(&self) -> bool {
        self.problem.is_none()
    }

    /// The example as a test of `fazhi test`: `例句 `fact`:「…」` or `反例 …`.
    pub fn as_test(&self) -> crate::testing::TestResult {
        let kind = if self.counter { "反例" } else { "例句" };
        let (failures, details) = match &self.problem {
            Some(p) => (vec![p.message.clone()], vec![p.help.clone()]),
            None => (Vec::new(), Vec::new()),
        };
        crate::testing::TestResult {
            name: format!("{kind} `{}`：「{}」", self.fact, self.sentence),
            failures,
            details,
            file: self.file,
            span: self.span,
        }
    }
}

/// Problems an example has before any sentence is read: a non-flag example without its value, or
/// a value of the wrong type. Reported by the checker with the other declaration errors.
pub fn static_problem(decl: &FactDecl, example: &PatternExample) -> Option<(Span, String, String)> {
    match example.expected? {
        ExampleValue::Stated if decl.ty != FactType::Flag => Some((
            example.span,
            format!(
                "`{}` 的例句没有写值：`{}` 类事实的例句要写明应读出的值",
                decl.id.name, decl.ty
            ),
            format!(
                "在 `=>` 后写上值，如 `example \"…\" => {}`",
                sample(decl.ty)
            ),
        )),
        ExampleValue::Literal(literal) => match literal_value(literal.value, decl.ty) {
            None => Some((
                literal.span,
                format!("`{}` 的例句期望的值不是 `{}` 类", decl.id.name, decl.ty),
                format!("写一个 `{}` 类的值，如 `{}`", decl.ty, sample(decl.ty)),
            )),
            Some(Value::Flag(false)) => Some((
                literal.span,
                format!(
                    "`{}` 的例句期望 `false`，而提取从不读出 `false`",
                    decl.id.name
                ),
                "未提及不是证据，标志类事实只会读成“写明了”：把这句写成 `counterexample \"…\"`"
                    .into(),
            )),
            Some(_) => None,
        },
        ExampleValue::Stated => None,
    }
}

fn sample(ty: FactType) -> &'static str {
    match ty {
        FactType::Percent => "100%",
        FactType::Count => "12",
        FactType::Amount => "3200000",
        FactType::Date => "2025-03-24",
        FactType::Year => "2024",
        FactType::Flag => "true",
    }
}

/// Tries every example of the rule set, in declaration order.
pub fn run(ruleset: &RuleSet) -> Vec<ExampleRun> {
    let mut runs = Vec::new();
    for decl in ruleset.facts.values() {
        for example in &decl.examples {
            if static_problem(decl, example).is_some() {
                continue;
            }
            runs.push(run_one(ruleset, decl, example));
        }
    }
    runs
}

fn run_one(ruleset: &RuleSet, decl: &FactDecl, example: &PatternExample) -> ExampleRun {
    let id = decl.id.name.as_str();
    let read = extract::sentence(ruleset, &example.sentence.text);
    let found = read.as_ref().and_then(|(_, facts)| facts.get(id).cloned());
    let patterns = read
        .as_ref()
        .map(|(document, _)| extract::patterns_matching(ruleset, id, document))
        .unwrap_or_default();
    let expected = match example.expected {
        Some(ExampleValue::Literal(l)) => literal_value(l.value, decl.ty),
        Some(ExampleValue::Stated) => Some(Value::Flag(true)),
        None => None,
    };
    let quote = |f: &FactValue| {
        f.evidence
            .as_ref()
            .map_or(String::new(), |e| format!("（读自「{}」）", e.quote))
    };
    let matched_but_rejected = |patterns: &[usize]| {
        match patterns.first().and_then(|i| decl.patterns.get(*i)) {
        Some(p) => format!(
            "模式 `{}` 与这句相符，但读出的值被舍弃了（序数、上年的值、未达到的差额、否定，或只是一部分的数字）",
            p.text
        ),
        None => "这个事实的模式都不与这句相符；`fazhi extract --text \"…\"` 可显示从这句读出什么".into(),
    }
    };
    let problem = match (&expected, &found) {
        (Some(want), Some(got)) if got.value == *want => None,
        (Some(want), Some(got)) => Some(Problem {
            message: format!("`{id}` 的例句读出 `{}`，而不是 `{want}`", got.value),
            help: format!("模式读出 `{}`{}", got.value, quote(got)),
        }),
        (Some(want), None) => Some(Problem {
            message: format!("`{id}` 的例句什么也没有读出，期望 `{want}`"),
            help: matched_but_rejected(&patterns),
        }),
        (None, Some(got)) => Some(Problem {
            message: format!("`{id}` 的反例读出了 `{}`", got.value),
            help: format!(
                "模式读出 `{}`{}：把相符的模式写得更严，让它不再读这句",
                got.value,
                quote(got)
            ),
        }),
        (None, None) => None,
    };
    ExampleRun {
        fact: id.to_string(),
        file: decl.file,
        span: example.span,
        sentence_span: example.sentence.span,
        sentence: example.sentence.text.clone(),
        counter: example.expected.is_none(),
        found,
        patterns,
        problem,
    }
}

/// The failing examples as `fazhi::check::example` errors on their clauses.
pub fn diagnostics(ruleset: &RuleSet, runs: &[ExampleRun]) -> Vec<Diag> {
    runs.iter()
        .filter_map(|run| {
            let problem = run.problem.as_ref()?;
            let diag = Diag::error(Code::CheckExample, problem.message.clone())
                .label(run.sentence_span, "这句")
                .help(problem.help.clone());
            Some(match ruleset.source(run.file) {
                Some(source) => diag.in_source(source),
                None => diag,
            })
        })
        .collect()
}
