//! What the fuzz targets share: the embedded rule set, loaded once per process.

use std::sync::OnceLock;

pub fn ruleset() -> &'static fazhi::RuleSet {
    static RULESET: OnceLock<fazhi::RuleSet> = OnceLock::new();
    RULESET.get_or_init(|| match fazhi::load_rules(fazhi::rules::embedded()).0 {
        Some(ruleset) => ruleset,
        None => std::process::abort(),
    })
}
