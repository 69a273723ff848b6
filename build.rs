//! Embeds the default rule set: every `rules/*.fz` file, in name order, becomes an entry of
//! `EMBEDDED_RULES` so that `fazhi score REPORT` needs no other file.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "fz"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("/// The default rule set's files: (name, text), in name order.\npub const EMBEDDED_RULES: &[(&str, &str)] = &[\n");
    for path in &names {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            code,
            "    ({:?}, include_str!({:?})),",
            format!("rules/{name}"),
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("embedded_rules.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
