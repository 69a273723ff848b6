#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! The TextMate grammar under editors/ is valid JSON, names every keyword of grammar/fazhi.pest
//! (so that the two cannot drift apart), and the VS Code manifest points at real files.

use serde_json::Value;

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"))
}

/// Every `match` regex of the grammar, wherever it is nested.
fn regexes(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match inner {
                    Value::String(s) if key == "match" || key == "begin" => out.push(s.clone()),
                    _ => regexes(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| regexes(i, out)),
        _ => {}
    }
}

#[test]
fn the_textmate_grammar_names_every_keyword_of_the_pest_grammar() {
    let grammar = json("editors/textmate/fazhi.tmLanguage.json");
    assert_eq!(grammar["scopeName"], "source.fazhi");
    let mut found = Vec::new();
    regexes(&grammar, &mut found);
    // The words of the alternations `\b(?:a|b|c)\b` and `\b(a|b)\s+…`.
    let words: Vec<&str> = found
        .iter()
        .flat_map(|r| r.split(|c: char| !(c.is_ascii_lowercase() || c == '_')))
        .collect();
    let keywords = fazhi::syntax::keywords();
    assert!(
        keywords.len() >= 70,
        "{} keywords read from the grammar",
        keywords.len()
    );
    let missing: Vec<&&str> = keywords.iter().filter(|k| !words.contains(k)).collect();
    assert!(
        missing.is_empty(),
        "keywords missing from the TextMate grammar: {missing:?}"
    );
    for needed in ["\"", "//", "%", "\\\\."] {
        assert!(
            found.iter().any(|r| r.contains(needed)),
            "no pattern for {needed}"
        );
    }
}

#[test]
fn the_vscode_manifest_points_at_the_grammar_and_configuration() {
    let manifest = json("editors/textmate/package.json");
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["extensions"][0], ".fz");
    let grammar = &manifest["contributes"]["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.fazhi");
    for file in [&grammar["path"], &language["configuration"]] {
        let path = format!("editors/textmate/{}", file.as_str().unwrap());
        json(&path);
    }
}
