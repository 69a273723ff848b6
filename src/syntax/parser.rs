//! pest pairs → syntax tree. The only code that knows the grammar's shape; pest types never
//! leave the `syntax` module.

use std::str::FromStr;

use pest::iterators::{Pair, Pairs};
use rust_decimal::Decimal;

use super::ast::*;
use super::names::is_keyword;
use crate::diagnostic::{Code, Diag, Span};
use crate::value::{Date, FactType};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/fazhi.pest"]
pub struct FazhiParser;

type Walk<T> = Result<T, Diag>;

/// The largest number a rule file may write (points, weights, thresholds, test values).
pub const MAX_LITERAL: i64 = 1_000_000_000;

/// An impossible tree shape: a bug in this walker, reported instead of panicking.
fn internal(span: Span, what: &str) -> Diag {
    Diag::error(
        Code::SyntaxParse,
        format!("内部错误：语法树的形状不符合预期（{what}）"),
    )
    .label(span, "此处")
    .help("这是 fazhi 的缺陷，请连同此文件一并报告")
}

/// The significant children of a pair: keywords are dropped, they are recognised by text.
struct Children<'i> {
    pairs: Pairs<'i, Rule>,
    parent: Span,
}

impl<'i> Children<'i> {
    fn of(pair: Pair<'i, Rule>) -> Children<'i> {
        let parent = Span::from(pair.as_span());
        Children {
            pairs: pair.into_inner(),
            parent,
        }
    }

    fn next(&mut self) -> Option<Pair<'i, Rule>> {
        loop {
            let pair = self.pairs.next()?;
            if !is_keyword(pair.as_rule()) {
                return Some(pair);
            }
        }
    }

    fn expect(&mut self, wanted: Rule) -> Walk<Pair<'i, Rule>> {
        match self.next() {
            Some(pair) if pair.as_rule() == wanted => Ok(pair),
            Some(pair) => Err(internal(
                pair.as_span().into(),
                &format!("{:?} for {wanted:?}", pair.as_rule()),
            )),
            None => Err(internal(self.parent, &format!("missing {wanted:?}"))),
        }
    }
}

/// Walks a parsed `file` pair into a [`File`]. Literal problems (a 13th month) are pushed to
/// `diags` and the item is still built where possible.
pub fn walk_file(file: FileId, pair: Pair<'_, Rule>, diags: &mut Vec<Diag>) -> Walk<File> {
    let mut out = File::default();
    let mut walker = Walker {
        file,
        diags,
        depth: 0,
    };
    for item in pair.into_inner() {
        match item.as_rule() {
            Rule::ruleset => out.rulesets.push(walker.ruleset(item)?),
            Rule::fact_decl => out.facts.push(walker.fact(item)?),
            Rule::derived_decl => out.facts.push(walker.derived(item)?),
            Rule::overlay => out.overlays.push(walker.overlay(item)?),
            Rule::extension => out.extensions.push(walker.extension(item)?),
            Rule::section => out.sections.push(walker.section(item)?),
            Rule::test_block => out.tests.push(walker.test(item)?),
            Rule::EOI => {}
            other => {
                return Err(internal(
                    item.as_span().into(),
                    &format!("{other:?} at top level"),
                ))
            }
        }
    }
    Ok(out)
}

struct Walker<'d> {
    file: FileId,
    diags: &'d mut Vec<Diag>,
    /// How many parentheses, `not`s and calls enclose the expression being walked.
    depth: usize,
}

/// Nesting beyond this (parentheses, `not`, calls) is refused: every later stage walks
/// expressions recursively, and no real rule comes near it.
pub const MAX_NESTING: usize = 12;
/// Operands in one chain such as `a + b + c` or `x and y and z`, for the same reason.
pub const MAX_OPERANDS: usize = 32;

fn too_complex(span: Span, what: String) -> Diag {
    Diag::error(Code::SyntaxTooComplex, format!("表达式过于复杂：{what}"))
        .label(span, "此处")
        .help("把条件拆成几条规则，或把其中一部分定义为事实")
}

impl Walker<'_> {
    fn ruleset(&mut self, pair: Pair<'_, Rule>) -> Walk<RulesetHeader> {
        let mut children = Children::of(pair);
        let id = ident(children.expect(Rule::ident)?);
        let mut header = RulesetHeader {
            file: self.file,
            id,
            title: None,
            source: None,
            effective: None,
            version: None,
            total: None,
            grades: Vec::new(),
            no_evidence: None,
            credits: Vec::new(),
            combine: Vec::new(),
            statutory: None,
            repeated: Vec::new(),
        };
        while let Some(entry) = children.next() {
            let span = Span::from(entry.as_span());
            let kind_rule = entry.as_rule();
            let mut inner = Children::of(entry);
            let repeated = match kind_rule {
                Rule::title_entry => set(&mut header.title, text(inner.expect(Rule::string)?)),
                Rule::source_entry => set(&mut header.source, text(inner.expect(Rule::string)?)),
                Rule::version_entry => set(&mut header.version, text(inner.expect(Rule::string)?)),
                Rule::total_entry => set(
                    &mut header.total,
                    self.number(inner.expect(Rule::number_lit)?),
                ),
                Rule::effective_entry => {
                    let from = self.date(inner.expect(Rule::date_lit)?);
                    let to = self.date(inner.expect(Rule::date_lit)?);
                    set(&mut header.effective, (from, to, span))
                }
                Rule::grade_entry => {
                    let name = text(inner.expect(Rule::string)?);
                    let threshold = self.number(inner.expect(Rule::number_lit)?);
                    header.grades.push(Grade { name, threshold });
                    false
                }
                Rule::no_evidence_entry => {
                    let mode = inner.expect(Rule::no_evidence_mode)?;
                    let value = match mode.as_str() {
                        "zero" => NoEvidence::Zero,
                        "excluded" => NoEvidence::Excluded,
                        _ => return Err(internal(span, "no_evidence mode")),
                    };
                    set(&mut header.no_evidence, (value, span))
                }
                Rule::credit_entry => {
                    header.credits.push(self.credit(inner, span)?);
                    false
                }
                Rule::combine_entry => {
                    let number = match inner.expect(Rule::combined_number)?.as_str() {
                        "statutory" => Combined::Statutory,
                        "coverage" => Combined::Coverage,
                        "performance" => Combined::Performance,
                        _ => return Err(internal(span, "combined number")),
                    };
                    let weight = self.number(inner.expect(Rule::number_lit)?);
                    let mut next = inner.next();
                    let full_from = match &next {
                        Some(p) if p.as_rule() == Rule::percent_lit => {
                            let percent = p.as_str().trim_end_matches('%');
                            let value = Decimal::from_str(percent)
                                .map_err(|_| internal(span, "coverage percent"))?;
                            let number = Number {
                                value: value / Decimal::ONE_HUNDRED,
                                span: Span::from(p.as_span()),
                            };
                            next = inner.next();
                            Some(number)
                        }
                        _ => None,
                    };
                    let reason = match next {
                        Some(p) if p.as_rule() == Rule::string => text(p),
                        _ => return Err(internal(span, "combine reason")),
                    };
                    header.combine.push(Combine {
                        number,
                        weight,
                        full_from,
                        reason,
                        span,
                    });
                    false
                }
                Rule::statutory_entry => {
                    set(&mut header.statutory, ident(inner.expect(Rule::ident)?))
                }
                other => return Err(internal(span, &format!("{other:?} in ruleset"))),
            };
            if repeated {
                header.repeated.push(span);
            }
        }
        Ok(header)
    }

    /// `credit LEVEL SHARE "理由"`, from the children of a `credit_entry`.
    fn credit(&mut self, mut inner: Children<'_>, span: Span) -> Walk<Credit> {
        let level = match inner.expect(Rule::evidence_level)?.as_str() {
            "described" => CreditedLevel::Described,
            "admitted" => CreditedLevel::Admitted,
            _ => return Err(internal(span, "evidence level")),
        };
        let share = self.number(inner.expect(Rule::number_lit)?);
        let reason = text(inner.expect(Rule::string)?);
        Ok(Credit {
            level,
            share,
            reason,
            span,
        })
    }

    /// `fact ID TYPE "label"` (also after `derived`): a declaration without patterns yet, and the
    /// children after its label.
    fn fact_head<'i>(&self, pair: Pair<'i, Rule>) -> Walk<(FactDecl, Children<'i>)> {
        let mut children = Children::of(pair);
        let id = ident(children.expect(Rule::ident)?);
        let ty_pair = children.expect(Rule::fact_type)?;
        let ty_span = Span::from(ty_pair.as_span());
        let ty = FactType::from_keyword(ty_pair.as_str())
            .ok_or_else(|| internal(ty_span, "fact type"))?;
        let label = text(children.expect(Rule::string)?);
        let decl = FactDecl {
            file: self.file,
            id,
            ty,
            ty_span,
            label,
            patterns: Vec::new(),
            scope: None,
            examples: Vec::new(),
            derived: None,
        };
        Ok((decl, children))
    }

    fn fact(&mut self, pair: Pair<'_, Rule>) -> Walk<FactDecl> {
        let (mut decl, mut children) = self.fact_head(pair)?;
        if let Some(body) = children.next() {
            for entry in Children::of(body)
                .pairs
                .filter(|p| !is_keyword(p.as_rule()))
            {
                let span = Span::from(entry.as_span());
                match entry.as_rule() {
                    Rule::pattern_entry => decl
                        .patterns
                        .push(text(Children::of(entry).expect(Rule::string)?)),
                    Rule::scope_entry => {
                        let name = Children::of(entry).expect(Rule::scope_name)?;
                        let scope = match name.as_str() {
                            "work" => Scope::Work,
                            "shortcomings" => Scope::Shortcomings,
                            "plan" => Scope::Plan,
                            "header" => Scope::Header,
                            "anywhere" => Scope::Anywhere,
                            _ => return Err(internal(span, "scope")),
                        };
                        decl.scope = Some((scope, span));
                    }
                    Rule::example_entry | Rule::counterexample_entry => {
                        let counter = entry.as_rule() == Rule::counterexample_entry;
                        let mut parts = Children::of(entry);
                        let sentence = text(parts.expect(Rule::string)?);
                        let expected = match parts.next() {
                            _ if counter => None,
                            Some(literal) => Some(ExampleValue::Literal(self.literal(literal)?)),
                            None => Some(ExampleValue::Stated),
                        };
                        // The clause ends at its last token, not at the spaces after it.
                        let end = match expected {
                            Some(ExampleValue::Literal(l)) => l.span.end,
                            _ => sentence.span.end,
                        };
                        decl.examples.push(PatternExample {
                            sentence,
                            expected,
                            span: Span::new(span.start, end),
                        });
                    }
                    other => return Err(internal(span, &format!("{other:?} in fact"))),
                }
            }
        }
        Ok(decl)
    }

    fn derived(&mut self, pair: Pair<'_, Rule>) -> Walk<FactDecl> {
        let (mut decl, mut children) = self.fact_head(pair)?;
        decl.derived = Some(self.expr(children.expect(Rule::expr)?)?);
        Ok(decl)
    }

    fn overlay(&mut self, pair: Pair<'_, Rule>) -> Walk<Overlay> {
        let mut children = Children::of(pair);
        let id = ident(children.expect(Rule::ident)?);
        let mut overlay = Overlay {
            file: self.file,
            id,
            title: None,
            changes: Vec::new(),
        };
        while let Some(entry) = children.next() {
            let span = Span::from(entry.as_span());
            let kind_rule = entry.as_rule();
            let mut inner = Children::of(entry);
            if kind_rule == Rule::title_entry {
                overlay.title = Some(text(inner.expect(Rule::string)?));
                continue;
            }
            let target = ident(inner.expect(Rule::ident)?);
            let kind = match kind_rule {
                Rule::set_points => {
                    ChangeKind::Points(self.number(inner.expect(Rule::number_lit)?).value)
                }
                Rule::set_weight => {
                    ChangeKind::Weight(self.number(inner.expect(Rule::number_lit)?).value)
                }
                Rule::disable_entry => ChangeKind::Disable,
                other => return Err(internal(span, &format!("{other:?} in overlay"))),
            };
            let reason = text(inner.expect(Rule::string)?);
            overlay.changes.push(Change {
                kind,
                target,
                reason,
                span,
            });
        }
        Ok(overlay)
    }

    fn extension(&mut self, pair: Pair<'_, Rule>) -> Walk<Extension> {
        let mut children = Children::of(pair);
        let section = ident(children.expect(Rule::ident)?);
        let mut rules = Vec::new();
        while let Some(entry) = children.next() {
            rules.push(self.rule(entry)?);
        }
        Ok(Extension {
            file: self.file,
            section,
            rules,
        })
    }

    fn section(&mut self, pair: Pair<'_, Rule>) -> Walk<Section> {
        let mut children = Children::of(pair);
        let id = ident(children.expect(Rule::ident)?);
        let title = text(children.expect(Rule::string)?);
        let weight = self.number(children.expect(Rule::number_lit)?);
        let mut section = Section {
            file: self.file,
            id,
            title,
            weight,
            notes: Vec::new(),
            credits: Vec::new(),
            rules: Vec::new(),
        };
        while let Some(entry) = children.next() {
            match entry.as_rule() {
                Rule::note_entry => section
                    .notes
                    .push(text(Children::of(entry).expect(Rule::string)?)),
                Rule::rule_decl => section.rules.push(self.rule(entry)?),
                Rule::credit_entry => {
                    let span = Span::from(entry.as_span());
                    let credit = self.credit(Children::of(entry), span)?;
                    section.credits.push(credit);
                }
                other => {
                    return Err(internal(
                        entry.as_span().into(),
                        &format!("{other:?} in section"),
                    ))
                }
            }
        }
        Ok(section)
    }

    fn rule(&mut self, pair: Pair<'_, Rule>) -> Walk<Rule_> {
        let span = Span::from(pair.as_span());
        let mut children = Children::of(pair);
        let id = ident(children.expect(Rule::ident)?);
        let title = text(children.expect(Rule::string)?);
        let mut rule = Rule_ {
            file: self.file,
            id,
            title,
            span,
            cite: None,
            points: None,
            applies: None,
            require: None,
            partial: None,
            deduct: None,
            missing: None,
            explain: None,
            help: None,
            notes: Vec::new(),
            mentions: Vec::new(),
            issuers: None,
            credits: Vec::new(),
            repeated: Vec::new(),
        };
        while let Some(entry) = children.next() {
            let span = Span::from(entry.as_span());
            let kind = entry.as_rule();
            let mut inner = Children::of(entry);
            let repeated = match kind {
                Rule::cite_entry => {
                    let text = text(inner.expect(Rule::string)?);
                    let standing_pair = inner.expect(Rule::standing)?;
                    let standing_span = Span::from(standing_pair.as_span());
                    let standing = match standing_pair.as_str() {
                        "verified" => Standing::Verified,
                        "recalled" => Standing::Recalled,
                        "local" => Standing::Local,
                        _ => return Err(internal(standing_span, "standing")),
                    };
                    set(
                        &mut rule.cite,
                        Cite {
                            text,
                            standing,
                            standing_span,
                        },
                    )
                }
                Rule::points_entry => set(
                    &mut rule.points,
                    self.number(inner.expect(Rule::number_lit)?),
                ),
                Rule::applies_entry => {
                    set(&mut rule.applies, self.expr(inner.expect(Rule::expr)?)?)
                }
                Rule::require_entry => {
                    set(&mut rule.require, self.expr(inner.expect(Rule::expr)?)?)
                }
                Rule::partial_entry => {
                    let partial =
                        self.partial(inner.next().ok_or_else(|| internal(span, "partial"))?)?;
                    set(&mut rule.partial, partial)
                }
                Rule::deduct_entry => {
                    let per = self.number(inner.expect(Rule::number_lit)?);
                    let expr = self.expr(inner.expect(Rule::expr)?)?;
                    let cap = inner.next().map(|p| self.number(p));
                    set(
                        &mut rule.deduct,
                        Deduct {
                            per,
                            expr,
                            cap,
                            span,
                        },
                    )
                }
                Rule::missing_entry => {
                    let mode = match inner.expect(Rule::missing_mode)?.as_str() {
                        "unknown" => Missing::Unknown,
                        "fail" => Missing::Fail,
                        "not_applicable" => Missing::NotApplicable,
                        _ => return Err(internal(span, "missing mode")),
                    };
                    set(&mut rule.missing, (mode, span))
                }
                Rule::explain_entry => set(&mut rule.explain, text(inner.expect(Rule::string)?)),
                Rule::help_entry => set(&mut rule.help, text(inner.expect(Rule::string)?)),
                Rule::mention_entry => {
                    rule.mentions.push(text(inner.expect(Rule::string)?));
                    false
                }
                Rule::issuers_entry => {
                    let mut kinds = Vec::new();
                    while let Some(kind) = inner.next() {
                        kinds.push(
                            IssuerKind::from_keyword(kind.as_str())
                                .ok_or_else(|| internal(span, "issuer kind"))?,
                        );
                    }
                    set(&mut rule.issuers, (kinds, span))
                }
                Rule::credit_entry => {
                    rule.credits.push(self.credit(inner, span)?);
                    false
                }
                Rule::note_entry => {
                    rule.notes.push(text(inner.expect(Rule::string)?));
                    false
                }
                other => return Err(internal(span, &format!("{other:?} in rule"))),
            };
            if repeated {
                rule.repeated.push(span);
            }
        }
        Ok(rule)
    }

    fn partial(&mut self, pair: Pair<'_, Rule>) -> Walk<Partial> {
        let span = Span::from(pair.as_span());
        let kind = pair.as_rule();
        let mut inner = Children::of(pair);
        match kind {
            Rule::linear => {
                let expr = self.expr(inner.expect(Rule::expr)?)?;
                let from = self.literal(inner.expect(Rule::literal)?)?;
                let to = self.literal(inner.expect(Rule::literal)?)?;
                Ok(Partial::Linear {
                    expr,
                    from,
                    to,
                    span,
                })
            }
            Rule::tiers => {
                let mut tiers = Vec::new();
                while let Some(tier) = inner.next() {
                    let mut parts = Children::of(tier);
                    let condition = self.expr(parts.expect(Rule::expr)?)?;
                    let points = self.number(parts.expect(Rule::number_lit)?);
                    tiers.push((condition, points));
                }
                Ok(Partial::Tiers { tiers, span })
            }
            other => Err(internal(span, &format!("{other:?} as partial credit"))),
        }
    }

    fn test(&mut self, pair: Pair<'_, Rule>) -> Walk<Test> {
        let span = Span::from(pair.as_span());
        let mut children = Children::of(pair);
        let name = text(children.expect(Rule::string)?);
        let mut given = Vec::new();
        let mut given_children = Children::of(children.expect(Rule::given)?);
        while let Some(fact) = given_children.next() {
            let mut parts = Children::of(fact);
            let id = ident(parts.expect(Rule::ident)?);
            let value = self.literal(parts.expect(Rule::literal)?)?;
            given.push((id, value));
        }
        let mut expectations = Vec::new();
        while let Some(expect) = children.next() {
            let span = Span::from(expect.as_span());
            let kind = expect.as_rule();
            let mut parts = Children::of(expect);
            expectations.push(match kind {
                Rule::expect_total => Expectation::Total {
                    value: self.number(parts.expect(Rule::number_lit)?),
                    span,
                },
                Rule::expect_grade => Expectation::Grade {
                    name: text(parts.expect(Rule::string)?),
                    span,
                },
                Rule::expect_rule => {
                    let rule = ident(parts.expect(Rule::ident)?);
                    let outcome = match parts.expect(Rule::outcome)?.as_str() {
                        "pass" => Outcome::Pass,
                        "partial" => Outcome::Partial,
                        "fail" => Outcome::Fail,
                        "unknown" => Outcome::Unknown,
                        "not_applicable" => Outcome::NotApplicable,
                        _ => return Err(internal(span, "outcome")),
                    };
                    let points = parts.next().map(|p| self.number(p));
                    Expectation::Rule {
                        rule,
                        outcome,
                        points,
                        span,
                    }
                }
                other => return Err(internal(span, &format!("{other:?} in test"))),
            });
        }
        Ok(Test {
            file: self.file,
            name,
            span,
            given,
            expectations,
        })
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Walk<Expr> {
        let span = Span::from(pair.as_span());
        match pair.as_rule() {
            Rule::expr => self.expr(
                Children::of(pair)
                    .next()
                    .ok_or_else(|| internal(span, "empty expression"))?,
            ),
            Rule::or_expr | Rule::and_expr | Rule::sum | Rule::product | Rule::comparison => {
                self.binary_chain(pair)
            }
            Rule::not_expr => {
                let mut inner = Children::of(pair);
                let first = inner.next().ok_or_else(|| internal(span, "empty not"))?;
                if first.as_rule() == Rule::not_expr {
                    let operand = self.nested(span, |w| w.expr(first))?;
                    Ok(Expr {
                        kind: ExprKind::Not(Box::new(operand)),
                        span,
                    })
                } else {
                    self.expr(first)
                }
            }
            Rule::literal => {
                let literal = self.literal(pair)?;
                Ok(Expr {
                    kind: ExprKind::Literal(literal.value),
                    span,
                })
            }
            Rule::paren => {
                // The parenthesised expression, spanning its parentheses: `a and (b or c)` ends at `)`.
                let inner = Children::of(pair)
                    .next()
                    .ok_or_else(|| internal(span, "empty parentheses"))?;
                let mut expr = self.nested(span, |w| w.expr(inner))?;
                expr.span = span;
                Ok(expr)
            }
            Rule::fact_ref => Ok(Expr {
                kind: ExprKind::Fact(pair.as_str().to_string()),
                span,
            }),
            Rule::call => {
                let mut inner = Children::of(pair);
                let name_pair = inner.expect(Rule::function_name)?;
                let name = Ident {
                    name: name_pair.as_str().to_string(),
                    span: name_pair.as_span().into(),
                };
                let mut args = Vec::new();
                while let Some(arg) = inner.next() {
                    if args.len() >= MAX_OPERANDS {
                        return Err(too_complex(span, format!("参数超过 {MAX_OPERANDS} 个")));
                    }
                    args.push(self.nested(span, |w| w.expr(arg))?);
                }
                Ok(Expr {
                    kind: ExprKind::Call { name, args },
                    span,
                })
            }
            other => Err(internal(span, &format!("{other:?} in expression"))),
        }
    }

    /// `a op b op c` as left-associated binary nodes; keyword operators (`or`, `and`, `before`)
    /// are read from the text between operands.
    /// Walks a nested expression, refusing nesting past [`MAX_NESTING`].
    fn nested<T>(&mut self, span: Span, walk: impl FnOnce(&mut Self) -> Walk<T>) -> Walk<T> {
        if self.depth >= MAX_NESTING {
            return Err(too_complex(span, format!("嵌套超过 {MAX_NESTING} 层")));
        }
        self.depth += 1;
        let result = walk(self);
        self.depth -= 1;
        result
    }

    fn binary_chain(&mut self, pair: Pair<'_, Rule>) -> Walk<Expr> {
        let span = Span::from(pair.as_span());
        let mut parts = pair.into_inner();
        let first = parts.next().ok_or_else(|| internal(span, "empty chain"))?;
        let mut lhs = self.expr(first)?;
        let mut pending: Option<BinaryOp> = None;
        let mut operands = 1;
        for part in parts {
            match part.as_rule() {
                Rule::kw_or => pending = Some(BinaryOp::Or),
                Rule::kw_and => pending = Some(BinaryOp::And),
                Rule::compare_op | Rule::add_op | Rule::mul_op => {
                    pending =
                        Some(operator(part.as_str()).ok_or_else(|| internal(span, "operator"))?)
                }
                _ => {
                    let op = pending
                        .take()
                        .ok_or_else(|| internal(span, "operand without operator"))?;
                    operands += 1;
                    if operands > MAX_OPERANDS {
                        return Err(too_complex(
                            span,
                            format!("连续的操作数超过 {MAX_OPERANDS} 个"),
                        ));
                    }
                    let rhs = self.expr(part)?;
                    let joined = Span::new(lhs.span.start, rhs.span.end);
                    lhs = Expr {
                        kind: ExprKind::Binary {
                            op,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                        },
                        span: joined,
                    };
                }
            }
        }
        Ok(lhs)
    }

    fn literal(&mut self, pair: Pair<'_, Rule>) -> Walk<Literal> {
        let span = Span::from(pair.as_span());
        let inner = Children::of(pair)
            .next()
            .ok_or_else(|| internal(span, "empty literal"))?;
        let value = match inner.as_rule() {
            Rule::number_lit => LiteralValue::Number(self.number(inner).value),
            Rule::percent_lit => {
                let digits = inner.as_str().trim_end_matches('%');
                LiteralValue::Percent(self.decimal(digits, span))
            }
            Rule::date_lit => LiteralValue::Date(self.date(inner)),
            Rule::bool_lit => LiteralValue::Bool(inner.as_str() == "true"),
            other => return Err(internal(span, &format!("{other:?} as literal"))),
        };
        Ok(Literal { value, span })
    }

    fn number(&mut self, pair: Pair<'_, Rule>) -> Number {
        let span = Span::from(pair.as_span());
        Number {
            value: self.decimal(pair.as_str(), span),
            span,
        }
    }

    /// A number literal, at most [`MAX_LITERAL`] so that products of weights, points and totals
    /// always fit in a `Decimal`.
    fn decimal(&mut self, digits: &str, span: Span) -> Decimal {
        match Decimal::from_str(digits) {
            Ok(value) if value <= Decimal::from(MAX_LITERAL) => value,
            _ => {
                self.diags.push(
                    Diag::error(
                        Code::SyntaxBadLiteral,
                        format!("`{digits}` 太大，规则文件中写不下"),
                    )
                    .label(span, "太大")
                    .help(format!("规则中的数字最大为 {MAX_LITERAL}")),
                );
                Decimal::ZERO
            }
        }
    }

    fn date(&mut self, pair: Pair<'_, Rule>) -> Date {
        let span = Span::from(pair.as_span());
        Date::parse_iso(pair.as_str()).unwrap_or_else(|| {
            self.diags.push(
                Diag::error(
                    Code::SyntaxBadLiteral,
                    format!("`{}` 不是有效的日期", pair.as_str()),
                )
                .label(span, "没有这一天")
                .help("日期写成 YYYY-MM-DD，月、日须真实存在，如 `2025-04-01`"),
            );
            Date {
                year: 1970,
                month: 1,
                day: 1,
            }
        })
    }
}

/// Sets a clause once; returns true when it was already set (the checker reports repeats).
fn set<T>(slot: &mut Option<T>, value: T) -> bool {
    let repeated = slot.is_some();
    if !repeated {
        *slot = Some(value);
    }
    repeated
}

type Rule_ = super::ast::Rule;

fn ident(pair: Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: pair.as_span().into(),
    }
}

fn text(pair: Pair<'_, Rule>) -> Text {
    let raw = pair.as_str();
    let inner = raw
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(raw);
    let mut text = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => text.push('\n'),
                Some(other) => text.push(other),
                None => {}
            },
            c => text.push(c),
        }
    }
    Text {
        text,
        span: pair.as_span().into(),
    }
}

fn operator(symbol: &str) -> Option<BinaryOp> {
    Some(match symbol {
        ">=" => BinaryOp::Ge,
        "<=" => BinaryOp::Le,
        ">" | "after" => BinaryOp::Gt,
        "<" | "before" => BinaryOp::Lt,
        "==" => BinaryOp::Eq,
        "!=" => BinaryOp::Ne,
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        _ => return None,
    })
}
