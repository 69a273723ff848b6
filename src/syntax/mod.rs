//! Parsing `.fz` files: pest grammar → syntax tree with spans, and parse errors in plain words.

pub mod ast;
pub mod format;
mod names;
mod parser;

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser as _;

use crate::diagnostic::{Code, Diag, Source, Span};
use ast::{File, FileId};
use names::Name;
use parser::{FazhiParser, Rule};

/// Parses one source. On a syntax error the diagnostic is pushed and `None` returned; literal
/// errors (an impossible date) are pushed while the tree is still returned.
pub fn parse(file: FileId, source: &Source, diags: &mut Vec<Diag>) -> Option<File> {
    let (text, mut found) = replace_fullwidth(&source.text);
    let result = match FazhiParser::parse(Rule::file, &text) {
        Ok(mut pairs) => match pairs.next() {
            Some(pair) => parser::walk_file(file, pair, &mut found).map_err(|d| vec![d]),
            None => Ok(File::default()),
        },
        Err(error) => Err(vec![syntax_error(&source.text, &error)]),
    };
    let attach = |d: Diag| d.in_source(source);
    diags.extend(found.into_iter().map(attach));
    match result {
        Ok(file) => Some(file),
        Err(errors) => {
            diags.extend(errors.into_iter().map(attach));
            None
        }
    }
}

/// Full-width punctuation typed with a Chinese input method (`｛`, `；`, `＝`, `“`) outside strings
/// and comments: each is reported, then replaced by its ASCII form padded with spaces to the same
/// byte length, so that the rest of the file still parses and every span stays right.
fn replace_fullwidth(text: &str) -> (String, Vec<Diag>) {
    let mut out = String::with_capacity(text.len());
    let mut diags = Vec::new();
    let (mut in_comment, mut escaped) = (false, false);
    // Inside a string: `Some(true)` when it was opened with a curly `“`, which `”` then closes.
    let mut string: Option<bool> = None;
    let mut previous = '\0';
    for (at, c) in text.char_indices() {
        let mut replace = false;
        if in_comment {
            in_comment = c != '\n';
        } else if let Some(curly) = string {
            let closes = (c == '"' && !escaped) || (curly && c == '”');
            replace = curly && c == '”';
            if closes || c == '\n' {
                string = None;
            }
            escaped = c == '\\' && !escaped;
        } else if c == '/' && previous == '/' {
            in_comment = true;
        } else if c == '"' || c == '“' {
            string = Some(c == '“');
            escaped = false;
            replace = c == '“';
        } else {
            replace = ascii_of_fullwidth(c).is_some();
        }
        match ascii_of_fullwidth(c).filter(|_| replace) {
            Some(ascii) => {
                diags.push(
                    Diag::error(
                        Code::SyntaxFullwidth,
                        format!("规则语言此处应为 ASCII 字符，却是全角的 `{c}`"),
                    )
                    .label(Span::new(at, at + c.len_utf8()), "全角字符")
                    .help(format!(
                        "改为 ASCII 的 `{ascii}`；中文只能写在双引号字符串里"
                    )),
                );
                out.push(ascii);
                out.extend(std::iter::repeat_n(' ', c.len_utf8() - ascii.len_utf8()));
            }
            None => out.push(c),
        }
        previous = c;
    }
    (out, diags)
}

/// Turns a pest error into our own diagnostic: the byte offset from pest, grammar rules by their
/// human names, and targeted help for unterminated strings (full-width punctuation is caught
/// before parsing, by `replace_fullwidth`).
fn syntax_error(text: &str, error: &pest::error::Error<Rule>) -> Diag {
    let offset = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    }
    .min(text.len());
    let rest = &text[offset..];
    let found = rest.chars().next();

    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    if found == Some('"') && !line[1..].contains('"') {
        return Diag::error(Code::SyntaxUnterminatedString, "字符串没有结束")
            .label(
                Span::new(offset, offset + line.len()),
                "此字符串缺少结尾的 `\"`",
            )
            .help("在同一行内用 `\"` 结束字符串；字符串中的引号写作 `\\\"`");
    }

    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
        // pest's own guard against deep recursion ("stack limit reached").
        ErrorVariant::CustomError { message } if message.contains("limit") => {
            return Diag::error(Code::SyntaxTooComplex, "表达式过于复杂：嵌套太深，无法解析")
                .label(Span::new(offset, offset + 1), "此处")
                .help("把条件拆成几条规则，或把其中一部分定义为事实");
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let found_text = match found {
        None => "文件末尾".to_string(),
        Some(_) => format!("`{}`", token_at(rest)),
    };
    Diag::error(
        Code::SyntaxParse,
        format!("此处应为{}，却是{}", spaced(&expected), spaced(&found_text)),
    )
    .label(
        Span::new(offset, offset + token_at(rest).len().max(1)),
        format!("应为{}", spaced(&expected)),
    )
    .help(hint_for(rest))
}

/// "a、b 或 c" from the grammar rules pest expected, without duplicates or hidden rules.
fn expected_list(rules: &[Rule]) -> String {
    let mut names: Vec<String> = rules
        .iter()
        .filter_map(|r| match names::name(*r) {
            Name::Keyword(k) => Some(format!("`{k}`")),
            Name::Thing(t) => Some(t.to_string()),
            Name::Hidden => None,
        })
        .collect();
    names.sort();
    names.dedup();
    match names.len() {
        0 => "其他内容".to_string(),
        1 => names.remove(0),
        n => {
            let last = names.remove(n - 1);
            format!("{} 或 {last}", names.join("、"))
        }
    }
}

/// `text` with a space before it when it starts with ASCII (a backticked keyword), as Chinese
/// typesetting separates Latin words from the Chinese before them.
fn spaced(text: &str) -> String {
    if text.starts_with(|c: char| c.is_ascii()) {
        format!(" {text}")
    } else {
        text.to_string()
    }
}

/// The word or symbol at the start of `rest`, for "found `x`".
fn token_at(rest: &str) -> &str {
    let word_end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    if word_end > 0 {
        // At most 40 characters (not bytes: a word of Chinese characters is one word here).
        let end = rest[..word_end]
            .char_indices()
            .nth(40)
            .map_or(word_end, |(i, _)| i);
        return &rest[..end];
    }
    rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
}

fn hint_for(rest: &str) -> String {
    if rest.starts_with(|c: char| !c.is_ascii() && !c.is_whitespace()) {
        "中文只能写在双引号字符串里，如 `\"行政机关负责人出庭应诉率\"`".to_string()
    } else if rest.starts_with(|c: char| c.is_ascii_uppercase()) {
        "名称由小写 ASCII 字母和 `_` 组成，如 `court_appearance_rate`".to_string()
    } else {
        "规则语言见 docs/dsl.md".to_string()
    }
}

/// The ASCII character a full-width one stands for, for punctuation users type in a Chinese IME.
fn ascii_of_fullwidth(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0),
        '“' | '”' => Some('"'),
        '、' => Some(','),
        '。' => Some('.'),
        _ => None,
    }
}

/// The language's keywords, read from the grammar (`kw_… = @{ "…" ~ !word_char }`), so that
/// completion in the language server cannot drift from it.
pub fn keywords() -> Vec<&'static str> {
    const GRAMMAR: &str = include_str!("../../grammar/fazhi.pest");
    GRAMMAR
        .lines()
        .filter(|line| line.starts_with("kw_"))
        .filter_map(|line| line.split('"').nth(1))
        .collect()
}
