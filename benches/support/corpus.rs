//! The benchmark corpus: the five real reports' text, repeated with small variations (a numbered
//! title line, one digit changed everywhere) until it reaches the requested size.

use std::path::Path;

const REPORTS: [&str; 5] = [
    "chenzhou-2024.txt",
    "guangzhou-conghua-justice-bureau-2024.txt",
    "shijiazhuang-xinhua-2024.txt",
    "wuhan-jiangxia-2024.txt",
    "xiamen-huli-2024.txt",
];

/// Documents of about `target_bytes` together, each a variant of one of the five reports.
pub fn build(target_bytes: usize) -> Vec<(String, Vec<u8>)> {
    build_up_to(target_bytes, usize::MAX)
}

/// As [`build`], stopping at `max_docs` documents too.
pub fn build_up_to(target_bytes: usize, max_docs: usize) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports-fixtures");
    let texts: Vec<String> = REPORTS
        .iter()
        .filter_map(|name| std::fs::read_to_string(dir.join(name)).ok())
        .collect();
    let mut docs = Vec::new();
    let mut total = 0;
    let mut i = 0usize;
    while total < target_bytes && i < max_docs && !texts.is_empty() {
        let base = &texts[i % texts.len()];
        let from = char::from(b'0' + u8::try_from(i % 10).unwrap_or(0));
        let to = char::from(b'0' + u8::try_from((i / 10 + 1) % 10).unwrap_or(0));
        let body = if from == to {
            base.clone()
        } else {
            base.replace(from, &to.to_string())
        };
        let text = format!("样本{i}\n{body}");
        total += text.len();
        docs.push((format!("doc-{i}.txt"), text.into_bytes()));
        i += 1;
    }
    docs
}

/// Total size of the documents in bytes.
pub fn size(docs: &[(String, Vec<u8>)]) -> usize {
    docs.iter().map(|(_, bytes)| bytes.len()).sum()
}
