//! fazhi scores Chinese local governments' annual law-based-government reports against rules drawn
//! from the 《法治政府建设实施纲要(2021-2025年)》, and explains every point it gives or takes.
//!
//! The pipeline: [`read`] → [`extract`] → [`eval`] → [`render`]; rule files are [`syntax`]-parsed
//! and [`check`]ed into a [`check::RuleSet`] before anything runs. ARCHITECTURE.md has the map.

pub mod accuracy;
pub mod audit;
pub mod batch;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod eval;
pub mod explain;
pub mod extract;
pub mod facts;
pub mod read;
pub mod render;
pub mod rules;
pub mod score;
pub mod syntax;
pub mod testing;
pub mod value;
pub mod verify;
