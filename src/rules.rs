//! Finding rule sources: the embedded default, a `.fz` file, or a directory of them.

use std::path::Path;

use crate::diagnostic::{Code, Diag, Source};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The default rule set's sources, compiled into the binary.
pub fn embedded() -> Vec<Source> {
    EMBEDDED_RULES
        .iter()
        .map(|(name, text)| Source::new(*name, *text))
        .collect()
}

/// The `.fz` sources at `path`: the file itself, or every `.fz` file in the directory (not
/// recursive), sorted by name so results never depend on directory order.
pub fn from_path(path: &Path) -> Result<Vec<Source>, Diag> {
    let io = |e: std::io::Error| {
        Diag::error(
            Code::CliIo,
            format!(
                "无法读取 `{}`：{}",
                path.display(),
                crate::diagnostic::io_reason(&e)
            ),
        )
        .help("给出一个 `.fz` 文件，或存放 `.fz` 文件的目录")
    };
    let mut files = if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "fz"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    if files.is_empty() {
        return Err(Diag::error(
            Code::CliIo,
            format!("`{}` 中没有 `.fz` 文件", path.display()),
        )
        .help("规则文件以 `.fz` 结尾"));
    }
    files
        .drain(..)
        .map(|file| {
            let bytes = std::fs::read(&file).map_err(io)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Diag::error(Code::CliIo, format!("`{}` 不是 UTF-8 文本", file.display()))
                    .help("把规则文件另存为 UTF-8 编码")
            })?;
            // A byte-order mark is not part of the language; strip it so spans stay right.
            let text = text
                .strip_prefix('\u{FEFF}')
                .map(str::to_string)
                .unwrap_or(text);
            Ok(Source::new(file.display().to_string(), text))
        })
        .collect()
}

/// The sources of `--rules PATH…` (or `fazhi check PATH…`), in the order given, and how many
/// of the first sources are the set they extend. No path: the embedded set alone. Paths of which
/// no file holds a `ruleset` header are a local rule set over the embedded default, which comes
/// first (a given file with the name of an embedded one replaces it, so an edited copy of a
/// default file is checked in place); with a header the files stand alone.
pub fn layered(paths: &[std::path::PathBuf]) -> Result<(Vec<Source>, usize), Diag> {
    if paths.is_empty() {
        return Ok((embedded(), 0));
    }
    let mut given = Vec::new();
    for path in paths {
        given.extend(from_path(path)?);
    }
    if given.iter().any(has_header) {
        return Ok((given, 0));
    }
    Ok(over_default(given))
}

/// A single `.fz` file without a `ruleset` header is checked as part of the embedded rule set:
/// it replaces the embedded file of the same name, or joins them (the language server's view of
/// a file opened on its own).
pub fn with_embedded_header(sources: Vec<Source>) -> Vec<Source> {
    if sources.len() != 1 || sources.iter().any(has_header) {
        return sources;
    }
    over_default(sources).0
}

/// The embedded default set with `given` over it, and how many of the first sources are the
/// default set that `given` extends (0 when `given` replaces one of its files).
fn over_default(given: Vec<Source>) -> (Vec<Source>, usize) {
    let file_name = |s: &Source| {
        Path::new(&s.name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    };
    let mine: Vec<Option<String>> = given.iter().map(file_name).collect();
    let default = embedded();
    let replaces = default.iter().any(|s| mine.contains(&file_name(s)));
    let mut all: Vec<Source> = default
        .into_iter()
        .filter(|s| !mine.contains(&file_name(s)))
        .collect();
    // An edited default file is the default set still: its other files' tests apply.
    let base = if replaces { 0 } else { all.len() };
    all.extend(given);
    (all, base)
}

/// Whether a source declares a `ruleset` header (a line starting with the keyword).
fn has_header(source: &Source) -> bool {
    source.text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("ruleset ") || l.starts_with("ruleset\t")
    })
}
