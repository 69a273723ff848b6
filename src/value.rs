//! Typed values shared by every stage: fact types, dates, qualifiers and fact values.
//!
//! Numbers are `rust_decimal::Decimal` everywhere; nothing in fazhi uses floats.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The type of a fact, as declared in the DSL and listed in `facts.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    /// A rate from 0 to 100, written `95%`.
    Percent,
    /// A whole, non-negative number of cases, items, people or times.
    Count,
    /// An amount of money in yuan.
    Amount,
    /// A calendar day.
    Date,
    /// A calendar year.
    Year,
    /// The report states that a thing was done or exists.
    Flag,
}

impl FactType {
    pub const ALL: [FactType; 6] = [
        FactType::Percent,
        FactType::Count,
        FactType::Amount,
        FactType::Date,
        FactType::Year,
        FactType::Flag,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            FactType::Percent => "percent",
            FactType::Count => "count",
            FactType::Amount => "amount",
            FactType::Date => "date",
            FactType::Year => "year",
            FactType::Flag => "flag",
        }
    }

    pub fn from_keyword(word: &str) -> Option<FactType> {
        FactType::ALL.into_iter().find(|t| t.keyword() == word)
    }
}

/// The values a rate can take, wherever it comes from: a facts file refuses others, extraction
/// ignores them (`出庭应诉率150%` is a misprint or a growth figure, never full marks).
pub fn rate_in_range(rate: Decimal) -> bool {
    (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&rate)
}

impl fmt::Display for FactType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A calendar day. Ordering is chronological because the fields are in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A valid Gregorian date, or `None`.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            year,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        })
    }

    /// Parses the ISO form `2025-03-24`.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse::<i32>().ok()?;
        let month = parts.next()?.parse::<u32>().ok()?;
        let day = parts.next()?.parse::<u32>().ok()?;
        Date::new(year, month, day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// How the report qualifies a stated number: `1.1万余件` is `more_than` 11000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// 以上: the value or more.
    AtLeast,
    /// 余, 多, 超, 逾: more than the value.
    MoreThan,
    /// 近, 约: about the value.
    About,
}

impl Qualifier {
    pub fn keyword(self) -> &'static str {
        match self {
            Qualifier::AtLeast => "at_least",
            Qualifier::MoreThan => "more_than",
            Qualifier::About => "about",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Qualifier> {
        [Qualifier::AtLeast, Qualifier::MoreThan, Qualifier::About]
            .into_iter()
            .find(|q| q.keyword() == word)
    }
}

/// A fact's value. Numeric kinds keep their type so units print right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    Percent(Decimal),
    Count(Decimal),
    Amount(Decimal),
    Date(Date),
    Year(i32),
    Flag(bool),
}

impl Value {
    pub fn fact_type(&self) -> FactType {
        match self {
            Value::Percent(_) => FactType::Percent,
            Value::Count(_) => FactType::Count,
            Value::Amount(_) => FactType::Amount,
            Value::Date(_) => FactType::Date,
            Value::Year(_) => FactType::Year,
            Value::Flag(_) => FactType::Flag,
        }
    }

    /// The value as written in `fazhi extract` JSON: decimals and dates as strings.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Flag(b) => serde_json::Value::Bool(*b),
            other => serde_json::Value::String(other.plain()),
        }
    }

    /// The value without its unit: `95`, `2025-03-24`, `true`.
    pub fn plain(&self) -> String {
        match self {
            Value::Percent(d) | Value::Count(d) | Value::Amount(d) => d.normalize().to_string(),
            Value::Date(d) => d.to_string(),
            Value::Year(y) => y.to_string(),
            Value::Flag(b) => b.to_string(),
        }
    }
}

impl fmt::Display for Value {
    /// The value as a reader expects it, in Chinese convention: `95%`, `368件`-less plain counts,
    /// `2025-03-24`, `2024年`, `是`/`否`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Percent(d) => write!(f, "{}%", d.normalize()),
            Value::Count(d) => write!(f, "{}", d.normalize()),
            Value::Amount(d) => write!(f, "{}元", d.normalize()),
            Value::Date(d) => write!(f, "{d}"),
            Value::Year(y) => write!(f, "{y}年"),
            Value::Flag(true) => f.write_str("是"),
            Value::Flag(false) => f.write_str("否"),
        }
    }
}
