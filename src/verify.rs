//! `fazhi verify`: whether a saved `--format json` output matches a fresh score of the report.

use serde_json::Value;

/// Differences between a saved output and a fresh one, in words; empty when they match.
/// The audit record is compared first: a different input or rule set explains everything else.
pub fn differences(saved: &Value, fresh: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let field = |v: &Value, path: &[&str]| {
        path.iter()
            .try_fold(v, |v, key| v.get(key))
            .cloned()
            .unwrap_or(Value::Null)
    };
    for (path, what) in [
        (&["audit", "input_sha256"][..], "输入文件的 SHA-256"),
        (&["audit", "rules_sha256"][..], "规则文件的 SHA-256"),
        (&["audit", "engine_version"][..], "引擎版本"),
        (&["schema_version"][..], "输出格式版本"),
        (&["total"][..], "总分"),
        (&["grade"][..], "等级"),
    ] {
        let (a, b) = (field(saved, path), field(fresh, path));
        if a != b {
            out.push(format!("{what}：保存时为 {a}，现在为 {b}"));
        }
    }
    let rules = |v: &Value| -> Vec<(String, Value, Value)> {
        v.get("rules")
            .and_then(Value::as_array)
            .map(|rules| {
                rules
                    .iter()
                    .map(|r| {
                        (
                            r.get("id")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string(),
                            field(r, &["outcome"]),
                            field(r, &["earned"]),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old, new) = (rules(saved), rules(fresh));
    for (id, outcome, earned) in &new {
        match old.iter().find(|(o, _, _)| o == id) {
            None => out.push(format!("规则 `{id}` 是新增的")),
            Some((_, o, e)) if o != outcome || e != earned => out.push(format!(
                "规则 `{id}`：保存时为 `{o}` {e} 分，现在为 `{outcome}` {earned} 分"
            )),
            Some(_) => {}
        }
    }
    for (id, _, _) in &old {
        if !new.iter().any(|(n, _, _)| n == id) {
            out.push(format!("规则 `{id}` 已不存在"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identical_outputs_match_and_changes_are_named() {
        let a = json!({"total": "61.00", "grade": "合格", "audit": {"input_sha256": "x"}, "rules": [{"id": "r", "outcome": "pass", "earned": "1.00"}]});
        assert!(differences(&a, &a).is_empty());
        let b = json!({"total": "60.00", "grade": "合格", "audit": {"input_sha256": "y"}, "rules": [{"id": "r", "outcome": "fail", "earned": "0.00"}]});
        let found = differences(&a, &b);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("输入文件的 SHA-256"));
        assert!(found[2].contains("规则 `r`"));
    }
}
