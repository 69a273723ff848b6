//! Extraction over any text read as a plain-text report, with every evidence span checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::ruleset;

fuzz_target!(|data: &[u8]| {
    let Ok(document) = fazhi::read::read_bytes("r.txt", data) else {
        return;
    };
    let extraction = fazhi::extract::extract(ruleset(), &document);
    for fact in extraction.facts.values.values() {
        if let Some(evidence) = &fact.evidence {
            assert!(evidence.span.start <= evidence.span.end);
            assert_eq!(
                document.source.get(evidence.span.start..evidence.span.end),
                Some(evidence.quote.as_str())
            );
        }
    }
    for diag in &extraction.diags {
        let _ = fazhi::render::diagnostic(diag, false);
    }
});
