//! fazhi scores Chinese local governments' annual law-based-government reports against rules drawn
//! from the 《法治政府建设实施纲要(2021-2025年)》, and explains every point it gives or takes.
//!
//! The pipeline: [`read`] → [`extract`] → [`eval`] → [`render`]; rule files are [`syntax`]-parsed
//! and [`check`]ed into a [`check::RuleSet`] before anything runs. ARCHITECTURE.md has the map.
//!
//! # Library use
//!
//! Load a rule set once, then score any number of reports with it; every result renders in each
//! format. The items re-exported here are the stable surface; the modules expose more for the
//! CLI, tests and tools.
//!
//! ```
//! let (ruleset, diagnostics) = fazhi::load_rules(fazhi::rules::embedded());
//! let ruleset = ruleset.ok_or(diagnostics)?;
//! let scored = fazhi::score_path(&ruleset, "reports-fixtures/wuhan-jiangxia-2024.txt".as_ref(), None)?;
//! assert_eq!(scored.card.grade, "合格");
//! let json = fazhi::render::json::score(&scored.context(&ruleset));
//! assert_eq!(json["total"], fazhi::eval::points_text(scored.card.total));
//! # Ok::<(), Vec<fazhi::Diag>>(())
//! ```

pub mod accuracy;
pub mod audit;
pub mod batch;
pub mod check;
pub mod cli;
pub mod coverage;
pub mod diagnostic;
pub mod eval;
pub mod examples;
pub mod explain;
pub mod extract;
pub mod facts;
pub mod lsp;
pub mod read;
pub mod render;
pub mod rules;
pub mod score;
pub mod serve;
pub mod syntax;
pub mod testing;
pub mod value;
pub mod verify;

pub use check::{load as load_rules, RuleSet};
pub use diagnostic::{Code, Diag};
pub use eval::Scorecard;
pub use score::{score_path, Scored};
