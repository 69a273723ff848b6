//! Prints extraction precision and recall over the hand-labelled fixtures:
//! `cargo run --release --example accuracy [DIR]` (default `reports-fixtures`).

use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("reports-fixtures"), PathBuf::from);
    match fazhi::accuracy::measure_dir(&dir) {
        Ok(comparison) => {
            print!("{}", fazhi::accuracy::table(&comparison));
            for line in &comparison.mismatches {
                println!("  {line}");
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
