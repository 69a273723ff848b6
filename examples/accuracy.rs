//! Prints extraction precision and recall, per fact and overall, for each labelled set:
//! `cargo run --release --example accuracy [-- --held] [DIR…]`.
//!
//! Without directories: the five real reports (`reports-fixtures`), the made-up edge cases
//! (`reports-fixtures/edge`) and the real development corpus (`reports-fixtures/real`); `--held`
//! adds the held-out real pages (`reports-fixtures/real/held`), which are measured only at the
//! end, never while changing extraction.

use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let held = args.iter().any(|a| a == "--held");
    let dirs: Vec<(String, PathBuf)> = args
        .iter()
        .filter(|a| *a != "--held")
        .map(|a| (a.clone(), PathBuf::from(a)))
        .collect();
    let dirs = if dirs.is_empty() {
        fazhi::accuracy::sets(held)
            .into_iter()
            .map(|(name, dir)| (format!("{name} ({dir})"), PathBuf::from(dir)))
            .collect()
    } else {
        dirs
    };
    let mut all = fazhi::accuracy::Comparison::default();
    for (name, dir) in &dirs {
        match fazhi::accuracy::measure_dir(dir) {
            Ok(comparison) => {
                println!("== {name}");
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
