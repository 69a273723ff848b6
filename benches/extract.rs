//! Extraction throughput: read → extract over a ≥ 100 MB corpus (the five real reports repeated
//! with small variations), one thread, the rule set compiled once outside the timed loop.
//! `cargo bench --bench extract`; `FAZHI_BENCH_MB=10 cargo bench --bench extract` for a smaller
//! corpus. Figures and how they compare with ripgrep: docs/extraction.md.

#[path = "support/corpus.rs"]
mod corpus;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn extract_corpus(c: &mut Criterion) {
    let (ruleset, diags) = fazhi::check::load(fazhi::rules::embedded());
    let Some(ruleset) = ruleset else {
        eprintln!("the embedded rule set has {} problem(s)", diags.len());
        return;
    };
    let mb: usize = std::env::var("FAZHI_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let docs = corpus::build(mb << 20);
    let bytes = corpus::size(&docs);
    let mut group = c.benchmark_group("extract");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Bytes(u64::try_from(bytes).unwrap_or(u64::MAX)));
    group.bench_function(
        format!("read+extract {} docs, {} MiB", docs.len(), bytes >> 20),
        |b| {
            b.iter(|| {
                let mut facts = 0usize;
                for (name, doc) in &docs {
                    if let Ok(document) = fazhi::read::read_bytes(name, doc) {
                        facts += fazhi::extract::extract(&ruleset, &document)
                            .facts
                            .values
                            .len();
                    }
                }
                std::hint::black_box(facts)
            });
        },
    );
    group.finish();
}

criterion_group!(benches, extract_corpus);
criterion_main!(benches);
