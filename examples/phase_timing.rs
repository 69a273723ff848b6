//! Times each phase of scoring one report in one process — loading the embedded rules for use,
//! reading, extracting (cold: patterns compile on first use; then warm), evaluating, freeing —
//! to find where the CPU time of `fazhi score` goes (docs/extraction.md).
//!
//! `cargo run --release --example phase_timing -- REPORT`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let t0 = Instant::now();
    let t = Instant::now();
    let mut diags = Vec::new();
    for (i, source) in fazhi::rules::embedded().iter().enumerate() {
        fazhi::syntax::parse(fazhi::syntax::ast::FileId(i), source, &mut diags);
    }
    eprintln!("parse alone: {:?}", t.elapsed());
    let t = Instant::now();
    let sources = fazhi::rules::embedded();
    let n = sources.len();
    let (rs, _d) = fazhi::check::load_for_use(sources, n);
    let rs = rs.unwrap();
    eprintln!("load_for_use: {:?}", t.elapsed());
    let t = Instant::now();
    let bytes = std::fs::read(&path).unwrap();
    let doc = fazhi::read::read_bytes(&path, &bytes).unwrap();
    eprintln!("read: {:?}", t.elapsed());
    let t = Instant::now();
    let ex = fazhi::extract::extract(&rs, &doc);
    eprintln!(
        "extract: {:?} ({} facts)",
        t.elapsed(),
        ex.facts.values.len()
    );
    let t = Instant::now();
    let ex2 = fazhi::extract::extract(&rs, &doc);
    eprintln!(
        "extract warm: {:?} ({} facts)",
        t.elapsed(),
        ex2.facts.values.len()
    );
    let t = Instant::now();
    let card = fazhi::eval::evaluate(&rs, &ex.facts);
    eprintln!("evaluate: {:?} {}", t.elapsed(), card.total);
    let t = Instant::now();
    drop(rs);
    eprintln!("drop: {:?}  total {:?}", t.elapsed(), t0.elapsed());
}
