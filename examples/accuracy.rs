//! Prints extraction precision and recall over the hand-labelled fixtures:
//! `cargo run --release --example accuracy [DIR…]` (default: `reports-fixtures` — the five real
//! reports — and `reports-fixtures/edge` — the made-up edge cases — each, then both together).

use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let dirs = if args.is_empty() {
        fazhi::accuracy::FIXTURE_DIRS
            .iter()
            .map(PathBuf::from)
            .collect()
    } else {
        args
    };
    let mut all = fazhi::accuracy::Comparison::default();
    for dir in &dirs {
        match fazhi::accuracy::measure_dir(dir) {
            Ok(comparison) => {
                println!("== {}", dir.display());
                print!("{}", fazhi::accuracy::table(&comparison));
                for line in &comparison.mismatches {
                    println!("  {line}");
                }
                println!();
                all.merge(comparison);
            }
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    if dirs.len() > 1 {
        println!("== all");
        print!("{}", fazhi::accuracy::table(&all));
    }
    std::process::ExitCode::SUCCESS
}
