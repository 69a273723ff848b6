#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! `fazhi fmt`: the layout keeps meaning and comments, is idempotent, and the embedded rules are
//! formatted with it.

use std::path::{Path, PathBuf};

use fazhi::diagnostic::{Diag, Source};
use fazhi::syntax::ast::FileId;
use fazhi::syntax::format::{format, without_spans};

fn fz_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "fz"))
        .collect();
    files.sort();
    files
}

fn source(path: &Path) -> Source {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    Source::new(path.display().to_string(), text)
}

/// The syntax tree without spans, or `None` when the text has a parse error.
fn meaning(source: &Source) -> Option<String> {
    let mut diags: Vec<Diag> = Vec::new();
    let file = fazhi::syntax::parse(FileId(0), source, &mut diags)?;
    diags
        .iter()
        .all(|d| !d.is_error())
        .then(|| without_spans(&file))
}

/// The comments of a text in order, as the formatter reads them: what follows `//` outside a
/// string, trailing spaces trimmed.
fn comments(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut previous = '\0';
        for (at, c) in line.char_indices() {
            if in_string {
                in_string = c != '"' || escaped;
                escaped = c == '\\' && !escaped;
            } else if c == '"' {
                in_string = true;
            } else if c == '/' && previous == '/' {
                found.push(line[at - 1..].trim_end().to_string());
                break;
            }
            previous = c;
        }
    }
    found
}

/// Every property of a good formatting of `source`, which must parse.
fn assert_formats_well(source: &Source) -> String {
    let name = &source.name;
    let once = format(source).unwrap_or_else(|d| panic!("{name} not formatted: {d:?}"));
    let formatted = Source::new(name.clone(), once.as_str());
    assert_eq!(
        meaning(&formatted),
        meaning(source),
        "{name}: meaning changed"
    );
    assert_eq!(
        comments(&once),
        comments(&source.text),
        "{name}: comments changed"
    );
    let twice = format(&formatted).unwrap_or_else(|d| panic!("{name} not re-formatted: {d:?}"));
    assert_eq!(twice, once, "{name}: not idempotent");
    assert!(
        once.ends_with('\n') && !once.ends_with("\n\n"),
        "{name}: one final newline"
    );
    assert!(
        once.lines().all(|l| l == l.trim_end()),
        "{name}: trailing spaces"
    );
    once
}

#[test]
fn every_parsing_rule_file_keeps_its_meaning_and_comments() {
    let mut formatted = 0;
    for path in fz_files("rules").into_iter().chain(fz_files("tests/check")) {
        let source = source(&path);
        if meaning(&source).is_none() {
            // A file that does not parse is refused, with its parse diagnostic.
            let refused = format(&source).expect_err("a file with errors is not formatted");
            assert!(refused
                .iter()
                .any(|d| d.code.as_str().starts_with("fazhi::syntax::")));
            continue;
        }
        assert_formats_well(&source);
        formatted += 1;
    }
    assert!(formatted >= 40, "only {formatted} files formatted");
}

#[test]
fn the_embedded_rules_are_formatted() {
    for source in fazhi::rules::embedded() {
        let formatted = format(&source).unwrap_or_default();
        assert!(
            formatted == *source.text,
            "{} is not formatted: run `cargo run -- fmt rules`",
            source.name
        );
    }
}

/// A small deterministic generator, so that a failure names its seed.
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The text re-laid out without changing its tokens or comments: lines re-indented with spaces
/// or tabs, lines without comments joined to the next, spaces doubled after a line, CRLF.
fn scramble(text: &str, random: &mut Xorshift) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let indents = ["", "  ", "\t", "        ", "\u{3000}"];
        out.push_str(indents[random.below(indents.len() as u64) as usize]);
        out.push_str(line.trim_start());
        let next_plain = lines
            .get(i + 1)
            .is_some_and(|n| !n.trim().is_empty() && !n.contains("//"));
        let joinable = !line.contains("//") && !line.trim().is_empty() && next_plain;
        match random.below(4) {
            0 if joinable => out.push_str("   "),
            1 => out.push_str("  \r\n"),
            _ => out.push('\n'),
        }
    }
    out
}

#[test]
fn scrambled_layouts_format_back_to_the_same_text() {
    for path in fz_files("rules") {
        let original = source(&path);
        let canonical = assert_formats_well(&original);
        for seed in 1..=6u64 {
            let mut random = Xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let scrambled = Source::new(
                format!("{} (seed {seed})", original.name),
                scramble(&original.text, &mut random),
            );
            let formatted = assert_formats_well(&scrambled);
            assert!(
                formatted == canonical,
                "{}: formats differently after scrambling",
                scrambled.name
            );
        }
    }
}

#[test]
fn layout_of_comments_blocks_and_expressions() {
    let input = "// head\n\n\n\nfact a flag \"甲\"{pattern \"x\"   // why\n\n\n// before scope\nscope   anywhere\n}\n\
        fact b count \"乙\" {}\nsection s \"分项\" weight 10 { note \"n\"\n  rule r \"规则\" { cite \"c\" local points 1\n\
        require ( b+1 )>= 2 and present( a ) // trailing\n partial tiers { b >= 1 => 0.5 }\n}\n rule q \"规则二\" { points 1 require a }}\n\
        test \"t\" { given {   } expect r pass 1 }\n\
        test \"u\" { given { b = 1  a = true\n // comment inside\n } expect total 0 }\n";
    let formatted = assert_formats_well(&Source::new("layout.fz", input));
    let expected = "// head

fact a flag \"甲\" {
    pattern \"x\" // why

    // before scope
    scope anywhere
}

fact b count \"乙\" {}

section s \"分项\" weight 10 {
    note \"n\"

    rule r \"规则\" {
        cite \"c\" local
        points 1
        require (b + 1) >= 2 and present(a) // trailing
        partial tiers {
            b >= 1 => 0.5
        }
    }

    rule q \"规则二\" {
        points 1
        require a
    }
}

test \"t\" {
    given {}
    expect r pass 1
}

test \"u\" {
    given {
        b = 1
        a = true
        // comment inside
    }
    expect total 0
}
";
    assert_eq!(formatted, expected);
}

#[test]
fn a_comment_inside_a_clause_continues_it_one_level_deeper() {
    let input = "section s \"分项\" weight 1 {\n    rule r \"规则\" {\n        require a or // first\n b\n        points 1\n    }\n}\n";
    let formatted = assert_formats_well(&Source::new("inside.fz", input));
    assert!(
        formatted.contains("        require a or // first\n            b\n        points 1\n"),
        "{formatted}"
    );
}

#[test]
fn strings_keep_their_escapes_and_numbers_their_digits() {
    let input = "fact a percent \"他说\\\"好\\\"\\\\\" { pattern \"a // not a comment\" }\nsection s \"s\" weight 10.50 { rule r \"r\" { points 1.0 require a >= 95.0% } }\n";
    let formatted = assert_formats_well(&Source::new("verbatim.fz", input));
    assert!(formatted.contains("\"他说\\\"好\\\"\\\\\""), "{formatted}");
    assert!(
        formatted.contains("pattern \"a // not a comment\"\n"),
        "{formatted}"
    );
    assert!(formatted.contains("weight 10.50") && formatted.contains("points 1.0"));
    assert!(formatted.contains("a >= 95.0%"), "{formatted}");
}

#[test]
fn a_file_with_a_syntax_error_is_refused_with_its_diagnostic() {
    for (text, code) in [
        (
            "fact a flag \"未闭合\n",
            "fazhi::syntax::unterminated-string",
        ),
        (
            "fact a flag \"甲\" ｛ }\n",
            "fazhi::syntax::fullwidth-punctuation",
        ),
        ("rule r \"r\" {}\n", "fazhi::syntax::parse"),
        (
            "test \"t\" { given { d = 2025-02-30 } }\n",
            "fazhi::syntax::bad-literal",
        ),
    ] {
        let refused = format(&Source::new("bad.fz", text)).expect_err(text);
        assert!(
            refused.iter().any(|d| d.code.as_str() == code),
            "{text}: {refused:?}"
        );
    }
}

fn run(args: &[&str]) -> fazhi::cli::Output {
    fazhi::cli::run(args.iter().copied(), false)
}

#[test]
fn fmt_check_lists_files_that_would_change_and_exits_1() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let messy = dir.path().join("messy.fz");
    let tidy = dir.path().join("tidy.fz");
    std::fs::write(&messy, "fact a flag \"甲\"{pattern \"x\"}\n").unwrap_or_default();
    std::fs::write(&tidy, "fact a flag \"甲\" {\n    pattern \"x\"\n}\n").unwrap_or_default();
    let dir_arg = dir.path().display().to_string();

    let checked = run(&["fazhi", "fmt", "--check", &dir_arg]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    assert!(checked
        .stdout
        .contains(&format!("需要格式化：{}", messy.display())));
    assert!(!checked.stdout.contains("tidy.fz"));
    assert!(checked
        .stdout
        .contains("1 个文件需要格式化，1 个文件格式无需改动"));
    let untouched = std::fs::read_to_string(&messy).unwrap_or_default();
    assert_eq!(untouched, "fact a flag \"甲\"{pattern \"x\"}\n");

    let tidied = run(&["fazhi", "fmt", &dir_arg]);
    assert_eq!(tidied.code, 0, "{}", tidied.stderr);
    assert!(tidied
        .stdout
        .contains(&format!("已格式化：{}", messy.display())));
    let rewritten = std::fs::read_to_string(&messy).unwrap_or_default();
    assert_eq!(rewritten, "fact a flag \"甲\" {\n    pattern \"x\"\n}\n");

    let again = run(&["fazhi", "fmt", "--check", &dir_arg]);
    assert_eq!(again.code, 0, "{}", again.stdout);
}

#[test]
fn fmt_leaves_a_file_with_a_syntax_error_alone_and_exits_2() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let broken = dir.path().join("broken.fz");
    let messy = dir.path().join("messy.fz");
    std::fs::write(&broken, "fact a flag \"未闭合\n").unwrap_or_default();
    std::fs::write(&messy, "fact a flag \"甲\"{}\n").unwrap_or_default();
    let ran = run(&["fazhi", "fmt", &dir.path().display().to_string()]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("fazhi::syntax::unterminated-string"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("未格式化"), "{}", ran.stderr);
    assert!(
        ran.stdout
            .contains("1 个文件已格式化，0 个文件格式无需改动，1 个文件有语法错误未格式化"),
        "{}",
        ran.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap_or_default(),
        "fact a flag \"未闭合\n"
    );
    // The other files are still formatted.
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap_or_default(),
        "fact a flag \"甲\" {}\n"
    );
}

#[cfg(unix)]
#[test]
fn fmt_keeps_the_file_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("a.fz");
    std::fs::write(&file, "fact a flag \"甲\"{}\n").unwrap_or_default();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap_or_default();
    let ran = run(&["fazhi", "fmt", &file.display().to_string()]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let mode = std::fs::metadata(&file).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o640));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap_or_default(),
        "fact a flag \"甲\" {}\n"
    );
}

/// Random edits of real files, most of which break them: a file that parses must format well
/// (its meaning and comments kept, idempotent) whatever the edit did; one that does not is
/// refused with a syntax diagnostic, never with `fazhi::fmt::internal`.
#[test]
fn random_edits_either_format_well_or_are_refused() {
    let inserts = [
        "// 注释\n",
        " // 行尾\n",
        "\n\n",
        "{",
        "}",
        "(",
        "\"",
        " ",
        "\t",
        "not ",
        "given {}",
    ];
    let mut formatted = 0;
    for path in [
        "tests/check/clean.fz",
        "rules/11-thought.fz",
        "rules/00-ruleset.fz",
    ] {
        let original = std::fs::read_to_string(path).unwrap_or_default();
        for seed in 1..=150u64 {
            let mut random = Xorshift(seed.wrapping_mul(0x2545_F491_4F6C_DD1D));
            let mut text = original.clone();
            for _ in 0..=random.below(2) {
                let mut at = random.below(text.len() as u64 + 1) as usize;
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if random.below(3) == 0 {
                    let mut end = (at + random.below(8) as usize).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                } else {
                    text.insert_str(at, inserts[random.below(inserts.len() as u64) as usize]);
                }
            }
            let source = Source::new(format!("{path} (seed {seed})"), text);
            if meaning(&source).is_some() {
                assert_formats_well(&source);
                formatted += 1;
            } else if let Err(refused) = format(&source) {
                assert!(
                    refused
                        .iter()
                        .all(|d| d.code.as_str() != "fazhi::fmt::internal"),
                    "{}: {refused:?}",
                    source.name
                );
            }
        }
    }
    assert!(formatted >= 100, "only {formatted} edited files parsed");
}
