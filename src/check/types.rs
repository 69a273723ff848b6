//! Expression types: what the checker infers for every expression, and the rules for combining them.

use std::fmt;

use crate::syntax::ast::BinaryOp;
use crate::value::FactType;

/// The type of an expression. `Number` is a bare literal, which unifies with counts, amounts and
/// years but not with percents (write `95%`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Percent,
    Count,
    Amount,
    Date,
    Year,
    Bool,
    Number,
    /// An expression that already has an error; it combines with anything silently so that one
    /// mistake is reported once.
    Error,
}

impl Ty {
    pub fn of_fact(ty: FactType) -> Ty {
        match ty {
            FactType::Percent => Ty::Percent,
            FactType::Count => Ty::Count,
            FactType::Amount => Ty::Amount,
            FactType::Date => Ty::Date,
            FactType::Year => Ty::Year,
            FactType::Flag => Ty::Bool,
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Ty::Percent | Ty::Count | Ty::Amount | Ty::Year | Ty::Number | Ty::Error
        )
    }

    /// The common type of two operands of a comparison, if they can be compared.
    pub fn unify(self, other: Ty) -> Option<Ty> {
        match (self, other) {
            (Ty::Error, t) | (t, Ty::Error) => Some(t),
            (a, b) if a == b => Some(a),
            (Ty::Number, t @ (Ty::Count | Ty::Amount | Ty::Year))
            | (t @ (Ty::Count | Ty::Amount | Ty::Year), Ty::Number) => Some(t),
            _ => None,
        }
    }

    /// The type of `self op other` for arithmetic operators.
    pub fn arithmetic(self, op: BinaryOp, other: Ty) -> Option<Ty> {
        if self == Ty::Error || other == Ty::Error {
            return Some(Ty::Error);
        }
        match op {
            BinaryOp::Add | BinaryOp::Sub => match (self, other) {
                (Ty::Year, Ty::Number) | (Ty::Number, Ty::Year) => Some(Ty::Year),
                (Ty::Year, Ty::Year) if op == BinaryOp::Sub => Some(Ty::Number),
                (Ty::Year, Ty::Year) => None,
                (a, b) if a.is_numeric() && b.is_numeric() => a.unify(b),
                _ => None,
            },
            BinaryOp::Mul => match (self, other) {
                (Ty::Number, t) | (t, Ty::Number) if t.is_numeric() && t != Ty::Year => Some(t),
                _ => None,
            },
            BinaryOp::Div => match (self, other) {
                (t, Ty::Number) if t.is_numeric() && t != Ty::Year => Some(t),
                (a, b) if a == b && a.is_numeric() && a != Ty::Year => Some(Ty::Number),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Ty::Percent => "百分比",
            Ty::Count => "计数",
            Ty::Amount => "金额",
            Ty::Date => "日期",
            Ty::Year => "年份",
            Ty::Bool => "是非值（true/false）",
            Ty::Number => "数字",
            Ty::Error => "无效的表达式",
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_do_not_mix_with_bare_numbers() {
        assert_eq!(Ty::Percent.unify(Ty::Number), None);
        assert_eq!(Ty::Count.unify(Ty::Number), Some(Ty::Count));
        assert_eq!(Ty::Date.unify(Ty::Year), None);
    }

    #[test]
    fn a_ratio_of_counts_times_a_percent_is_a_percent() {
        let ratio = Ty::Count.arithmetic(BinaryOp::Div, Ty::Count);
        assert_eq!(ratio, Some(Ty::Number));
        assert_eq!(
            Ty::Number.arithmetic(BinaryOp::Mul, Ty::Percent),
            Some(Ty::Percent)
        );
        assert_eq!(
            Ty::Year.arithmetic(BinaryOp::Add, Ty::Number),
            Some(Ty::Year)
        );
        assert_eq!(Ty::Date.arithmetic(BinaryOp::Add, Ty::Number), None);
    }
}
