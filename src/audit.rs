//! The audit record every output carries, so a score can be reproduced and checked later: the
//! engine version, the rule set's id and version, and SHA-256 hashes of the rule files and input.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::check::RuleSet;
use crate::diagnostic::Source;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audit {
    pub engine: String,
    pub engine_version: String,
    pub ruleset_id: String,
    pub ruleset_version: String,
    /// One hash over every rule file's name and contents, in rule-set order.
    pub rules_sha256: String,
    /// Each rule file's name (without its directory) and hash.
    pub rule_files: Vec<RuleFile>,
    pub input: String,
    pub input_sha256: String,
}

/// The hashes of a rule set's files, computed once when the rule set is loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulesDigest {
    /// One hash over every rule file's name and contents, in rule-set order.
    pub rules_sha256: String,
    pub files: Vec<RuleFile>,
}

impl RulesDigest {
    pub fn of(sources: &[Source]) -> RulesDigest {
        let mut all = Sha256::new();
        let files = sources
            .iter()
            .map(|source| {
                // Only the file name counts: the embedded set and a checkout of it hash the same.
                let name = std::path::Path::new(&source.name)
                    .file_name()
                    .map_or(source.name.clone(), |n| n.to_string_lossy().into_owned());
                all.update((name.len() as u64).to_le_bytes());
                all.update(name.as_bytes());
                all.update((source.text.len() as u64).to_le_bytes());
                all.update(source.text.as_bytes());
                RuleFile {
                    sha256: sha256_hex(source.text.as_bytes()),
                    name,
                }
            })
            .collect();
        RulesDigest {
            rules_sha256: hex(&all.finalize()),
            files,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleFile {
    pub name: String,
    pub sha256: String,
}

impl Audit {
    pub fn new(ruleset: &RuleSet, input: &str, input_bytes: &[u8]) -> Audit {
        Audit {
            engine: "fazhi".into(),
            engine_version: env!("CARGO_PKG_VERSION").into(),
            ruleset_id: ruleset.id.clone(),
            ruleset_version: ruleset.version.clone(),
            rules_sha256: ruleset.digest.rules_sha256.clone(),
            rule_files: ruleset.digest.files.clone(),
            input: input.into(),
            input_sha256: sha256_hex(input_bytes),
        }
    }

    /// One line for footers: `fazhi 0.1.0 · outline_2021 0.1.0 · rules sha256:… · input sha256:…`.
    pub fn line(&self) -> String {
        format!(
            "{} {} · 规则集 {} {} · 规则 sha256:{} · 输入 sha256:{}",
            self.engine,
            self.engine_version,
            self.ruleset_id,
            self.ruleset_version,
            self.rules_sha256,
            self.input_sha256
        )
    }
}

/// The engine version of this build, `fazhi 0.1.0`.
pub fn engine() -> String {
    format!("fazhi {}", env!("CARGO_PKG_VERSION"))
}

/// The audit line of outputs about many inputs (batch summaries): the engine and the rule set,
/// without an input hash.
pub fn ruleset_line(ruleset: &RuleSet) -> String {
    format!(
        "{} · 规则集 {} {} · 规则 sha256:{}",
        engine(),
        ruleset.id,
        ruleset.version,
        ruleset.digest.rules_sha256
    )
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
