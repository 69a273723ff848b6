//! The rule language: parse and check one file, then render every diagnostic as the terminal
//! would (the renderer once panicked on long lines); and `fazhi fmt` on it, which must either
//! refuse a file that does not parse or give a text that formats to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = fazhi::diagnostic::Source::new("fuzz.fz", text);
    match fazhi::syntax::format::format(&source) {
        Ok(formatted) => {
            let again = fazhi::diagnostic::Source::new("fuzz.fz", formatted.as_str());
            assert_eq!(fazhi::syntax::format::format(&again).ok(), Some(formatted));
        }
        Err(diags) => assert!(diags
            .iter()
            .all(|d| d.code != fazhi::diagnostic::Code::FmtInternal)),
    }
    let (ruleset, diags) = fazhi::check::load(vec![source]);
    for diag in diags.iter().take(20) {
        let _ = fazhi::render::diagnostic(diag, false);
    }
    if let Some(ruleset) = ruleset {
        let _ = fazhi::testing::run(&ruleset);
    }
});
