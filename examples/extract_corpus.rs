//! Reads and extracts a ≥ 100 MB corpus (the five real reports repeated with small variations)
//! once, single-threaded, and prints the throughput: for peak memory (`/usr/bin/time -v`) and
//! the comparison with ripgrep (docs/extraction.md).
//!
//! `cargo run --release --example extract_corpus [-- --mb N] [--docs N] [--write-corpus FILE] [--write-dir DIR] [--write-patterns FILE] [--no-extract]`
//!
//! `--write-dir` writes each document as a file of its own (for `bench/batch`); `--docs` caps their number.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::io::Write as _;
use std::time::Instant;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value_of = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let mb: usize = value_of("--mb").and_then(|v| v.parse().ok()).unwrap_or(100);
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    let Some(ruleset) = ruleset else {
        eprintln!("the embedded rule set has {} problem(s)", diags.len());
        return std::process::ExitCode::FAILURE;
    };
    if let Some(path) = value_of("--write-patterns") {
        // `rg -f` joins the lines into one alternation, where the value group's name would repeat.
        let text: String = ruleset
            .extractor
            .pattern_sources()
            .iter()
            .map(|p| format!("{}\n", p.replace("(?P<v>", "(?:")))
            .collect();
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{path}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    }
    let docs = match value_of("--docs").and_then(|n| n.parse().ok()) {
        Some(count) => corpus::build_up_to(usize::MAX, count),
        None => corpus::build(mb << 20),
    };
    let bytes = corpus::size(&docs);
    if let Some(path) = value_of("--write-corpus") {
        // One sentence per line: fazhi runs patterns per sentence and rg per line, so both
        // search the same stretches (a gap in a pattern does not stop at `。`).
        let one_per_line = |doc: &[u8]| -> Vec<u8> {
            let mut out = Vec::with_capacity(doc.len() + doc.len() / 40);
            for (i, &byte) in doc.iter().enumerate() {
                out.push(byte);
                if doc[..=i].ends_with("。".as_bytes()) {
                    out.push(b'\n');
                }
            }
            out
        };
        let written = std::fs::File::create(&path).and_then(|mut file| {
            docs.iter()
                .try_for_each(|(_, doc)| file.write_all(&one_per_line(doc)))
        });
        if let Err(e) = written {
            eprintln!("{path}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    }
    if let Some(dir) = value_of("--write-dir") {
        let written = std::fs::create_dir_all(&dir).and_then(|()| {
            docs.iter().try_for_each(|(name, doc)| {
                std::fs::write(std::path::Path::new(&dir).join(name), doc)
            })
        });
        if let Err(e) = written {
            eprintln!("{dir}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    }
    if args.iter().any(|a| a == "--no-extract") {
        return std::process::ExitCode::SUCCESS;
    }
    let start = Instant::now();
    let mut facts = 0usize;
    for (name, doc) in &docs {
        match fazhi::read::read_bytes(name, doc) {
            Ok(document) => {
                facts += fazhi::extract::extract(&ruleset, &document)
                    .facts
                    .values
                    .len()
            }
            Err(e) => eprintln!("{name}: {e}"),
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let mib = bytes as f64 / f64::from(1u32 << 20);
    println!("{} documents, {mib:.1} MiB, {facts} facts, {seconds:.2} s, {:.1} MiB/s (read + extract, one thread, {} patterns)", docs.len(), mib / seconds, ruleset.extractor.pattern_sources().len());
    std::process::ExitCode::SUCCESS
}
