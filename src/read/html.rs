//! HTML → article text, with an offset map into the decoded page.
//!
//! A hand-written scanner rather than an HTML crate: html5ever and friends build a DOM and do not
//! give byte offsets for text and entities, and we need every output character to map back to
//! the bytes it came from (an entity maps to the whole entity, a block tag's line break to the
//! tag). The scanner only has to find text, not understand the page: it drops tags, comments,
//! `<script>`/`<style>`-like raw text, and whole elements that are never article text (`<head>`,
//! `<nav>`, `<footer>`, `<aside>`, …); block tags become line breaks; HTML whitespace collapses
//! to one space. It never fails: unclosed tags, a `<` at the end or an unterminated comment just
//! end the text. Navigation residue that survives (`【打印本页】`) is dropped by `normalize`.

use std::ops::Range;

use super::offsets::{MapBuilder, OffsetMap};
use super::table::{CellStart, TableBuilder};

/// Elements whose content is raw text up to the matching end tag, never article text.
const RAW_TEXT: [&str; 9] = [
    "script", "style", "title", "textarea", "noscript", "iframe", "noembed", "noframes", "xmp",
];
/// Elements dropped with everything inside them.
const SKIPPED: [&str; 9] = [
    "head", "nav", "footer", "aside", "template", "svg", "select", "button", "object",
];
/// Elements that start a new line.
const BLOCKS: [&str; 40] = [
    "address",
    "article",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
    "legend",
];
/// Elements whose contents are separated by a space (table cells).
const CELLS: [&str; 2] = ["td", "th"];

#[cfg(test)]
pub(crate) fn extract(source: &str) -> (String, OffsetMap) {
    let (text, map, _) = extract_with_tables(source);
    (text, map)
}

/// The article text, its map into the page, and the page's tables (cell ranges in the text).
pub(crate) fn extract_with_tables(source: &str) -> (String, OffsetMap, Vec<TableBuilder>) {
    let mut scanner = Scanner {
        src: source,
        out: MapBuilder::default(),
        skip: None,
        may_skip: true,
        pre: 0,
        tables: Vec::new(),
        done: Vec::new(),
    };
    let mut pos = 0;
    while pos < source.len() {
        pos = scanner.step(pos);
        if pos >= source.len() {
            if let Some(skip) = scanner.skip.take() {
                // An element we skip was never closed: skipping it would lose the rest of the
                // page. Go back and read its content; skip nothing from then on, so at most
                // two passes are made.
                scanner.may_skip = false;
                pos = skip.content_start;
            }
        }
    }
    let end = scanner.out.text().len();
    while let Some(mut table) = scanner.tables.pop() {
        table.builder.end_cell(end);
        scanner.done.push(table.builder);
    }
    let (text, map) = scanner.out.finish();
    (text, map, scanner.done)
}

/// A table being read: its builder and whether a `<thead>` is open.
struct OpenTable {
    builder: TableBuilder,
    head: bool,
}

struct Skip {
    name: String,
    depth: usize,
    content_start: usize,
}

struct Scanner<'a> {
    src: &'a str,
    out: MapBuilder,
    skip: Option<Skip>,
    may_skip: bool,
    /// How many `<pre>` elements are open: inside one, a line break is kept.
    pre: usize,
    /// Tables open, innermost last, and those closed.
    tables: Vec<OpenTable>,
    done: Vec<TableBuilder>,
}

impl Scanner<'_> {
    /// Handles the construct at `pos` and returns where the next one starts.
    fn step(&mut self, pos: usize) -> usize {
        let rest = self.src.get(pos..).unwrap_or("");
        let end = self.src.len();
        if rest.starts_with("<!--") {
            return rest
                .get(4..)
                .and_then(|r| r.find("-->"))
                .map_or(end, |i| pos + 4 + i + 3);
        }
        if rest.starts_with("<!")
            || rest.starts_with("<?")
            || (rest.starts_with("</") && !starts_name(&rest[2..]))
        {
            return rest.find('>').map_or(end, |i| pos + i + 1);
        }
        if let Some(after_lt) = rest.strip_prefix('<') {
            let closing = after_lt.starts_with('/');
            let name_at = pos + 1 + usize::from(closing);
            let tail = self.src.get(name_at..).unwrap_or("");
            if starts_name(tail) {
                let name_len = tail
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
                    .unwrap_or(tail.len());
                let name = &tail[..name_len];
                let Some(tag_end) = tag_end(self.src, name_at + name_len) else {
                    return end;
                };
                let self_closing =
                    self.src.as_bytes().get(tag_end.saturating_sub(2)) == Some(&b'/');
                return if closing {
                    self.close_tag(name, pos..tag_end)
                } else {
                    self.open_tag(name, pos..tag_end, self_closing)
                };
            }
        }
        // Text up to the next tag or entity; a lone `<` or `&` is text too.
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let stop = rest
            .get(first..)
            .and_then(|r| r.find(['<', '&']))
            .map_or(end, |i| pos + first + i);
        if self.skip.is_none() {
            if rest.starts_with('&') {
                if let Some((c, len)) = entity(rest) {
                    self.emit_char(pos..pos + len, c);
                    return pos + len;
                }
            }
            self.emit_text(pos..stop);
        }
        stop
    }

    fn open_tag(&mut self, name: &str, tag: Range<usize>, self_closing: bool) -> usize {
        // Raw text first, even inside a skipped element: a script may contain `</nav>`.
        if is_one_of(&RAW_TEXT, name) && !self_closing {
            return find_end_tag(self.src, tag.end, name);
        }
        if let Some(skip) = &mut self.skip {
            if skip.name.eq_ignore_ascii_case(name) && !self_closing {
                skip.depth += 1;
            } else if skip.name == "head" && name.eq_ignore_ascii_case("body") {
                self.skip = None; // `<body>` ends an unclosed `<head>`
            }
            return tag.end;
        }
        if is_one_of(&SKIPPED, name) && !self_closing && self.may_skip {
            self.skip = Some(Skip {
                name: name.to_ascii_lowercase(),
                depth: 1,
                content_start: tag.end,
            });
        } else if is_one_of(&BLOCKS, name) {
            if name.eq_ignore_ascii_case("pre") && !self_closing {
                self.pre += 1;
            }
            self.emit_break(tag.clone());
            if !self_closing {
                self.open_table_part(name);
            }
        } else if is_one_of(&CELLS, name) {
            self.emit_space(tag.clone());
            let at = self.out.text().len();
            let attributes = self.src.get(tag.clone()).unwrap_or("");
            if let Some(table) = self.tables.last_mut() {
                table.builder.start_cell(
                    at,
                    CellStart {
                        row_span: span_attribute(attributes, "rowspan"),
                        column_span: span_attribute(attributes, "colspan"),
                        header: table.head || name.eq_ignore_ascii_case("th"),
                        continues_above: false,
                    },
                );
            }
        }
        tag.end
    }

    /// `<table>`, `<tr>` and `<thead>` open: the table model follows.
    fn open_table_part(&mut self, name: &str) {
        let at = self.out.text().len();
        if name.eq_ignore_ascii_case("table") {
            self.tables.push(OpenTable {
                builder: TableBuilder::default(),
                head: false,
            });
        } else if let Some(table) = self.tables.last_mut() {
            if name.eq_ignore_ascii_case("tr") {
                table.builder.start_row(at);
            } else if name.eq_ignore_ascii_case("thead") {
                table.head = true;
            } else if name.eq_ignore_ascii_case("tbody") || name.eq_ignore_ascii_case("tfoot") {
                table.head = false;
            }
        }
    }

    /// `</table>`, `</tr>`, `</thead>`, `</td>`, `</th>`: the open cell ends where its text does.
    fn close_table_part(&mut self, name: &str) {
        let at = self.out.text().len();
        if name.eq_ignore_ascii_case("table") {
            if let Some(mut table) = self.tables.pop() {
                table.builder.end_cell(at);
                self.done.push(table.builder);
            }
        } else if let Some(table) = self.tables.last_mut() {
            if is_one_of(&["tr", "td", "th"], name) {
                table.builder.end_cell(at);
            } else if name.eq_ignore_ascii_case("thead") {
                table.head = false;
            }
        }
    }

    fn close_tag(&mut self, name: &str, tag: Range<usize>) -> usize {
        if let Some(skip) = &mut self.skip {
            if skip.name.eq_ignore_ascii_case(name) {
                skip.depth -= 1;
                if skip.depth == 0 {
                    self.skip = None;
                }
            }
        } else if is_one_of(&BLOCKS, name) {
            if name.eq_ignore_ascii_case("pre") {
                self.pre = self.pre.saturating_sub(1);
            }
            self.close_table_part(name);
            self.emit_break(tag.clone());
        } else if is_one_of(&CELLS, name) {
            self.close_table_part(name);
            self.emit_space(tag.clone());
        }
        tag.end
    }

    /// Copies text, collapsing each run of HTML whitespace to one space (a line break inside
    /// `<pre>` stays a line break).
    fn emit_text(&mut self, range: Range<usize>) {
        let Some(text) = self.src.get(range.clone()) else {
            return;
        };
        let mut run_start = 0;
        for (i, c) in text.char_indices() {
            if is_html_space(c) {
                self.out
                    .copy(self.src, range.start + run_start..range.start + i);
                if c == '\n' && self.pre > 0 {
                    self.emit_break(range.start + i..range.start + i + 1);
                } else {
                    self.emit_space(range.start + i..range.start + i + 1);
                }
                run_start = i + 1;
            }
        }
        self.out.copy(self.src, range.start + run_start..range.end);
    }

    fn emit_char(&mut self, range: Range<usize>, c: char) {
        if is_html_space(c) {
            self.emit_space(range);
        } else {
            self.out.replace_char(range, c);
        }
    }

    /// One space, unless the output is at a line start or already ends with a space.
    fn emit_space(&mut self, range: Range<usize>) {
        if !matches!(self.out.text().chars().next_back(), None | Some(' ' | '\n')) {
            self.out.replace_char(range, ' ');
        }
    }

    /// One line break, unless the output is empty or already at a line start.
    fn emit_break(&mut self, range: Range<usize>) {
        if !matches!(self.out.text().chars().next_back(), None | Some('\n')) {
            self.out.replace_char(range, '\n');
        }
    }
}

/// The value of a `rowspan`/`colspan` attribute in a start tag's text; 1 when absent or not a
/// number (HTML treats 0 and garbage alike for our purpose: the cell covers its own slot).
fn span_attribute(tag: &str, name: &str) -> usize {
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(i) = tag
        .get(from..)
        .and_then(|rest| find_ascii_ci(rest, name.as_bytes()))
    {
        let at = from + i;
        from = at + name.len();
        let before_ok = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let rest = tag[from..].trim_start_matches(is_html_space);
        let Some(value) = rest.strip_prefix('=').filter(|_| before_ok) else {
            continue;
        };
        let value = value
            .trim_start_matches(is_html_space)
            .trim_start_matches(['"', '\'']);
        let digits = value.bytes().take_while(u8::is_ascii_digit).take(6).count();
        return value[..digits].parse().ok().filter(|n| *n > 0).unwrap_or(1);
    }
    1
}

/// Position of `needle` (ASCII, any case) in `haystack`.
fn find_ascii_ci(haystack: &str, needle: &[u8]) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Tag names are ASCII case-insensitive; comparing in place avoids a lowercase copy per tag.
fn is_one_of(names: &[&str], name: &str) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

fn starts_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// End (after `>`) of a tag whose attributes start at `from`; quoted values may contain `>`.
fn tag_end(src: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, b) in src.as_bytes().get(from..)?.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if q == *b => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(*b),
            (None, b'>') => return Some(from + i + 1),
            _ => {}
        }
    }
    None
}

/// Start of `</name` (ASCII case-insensitive) at or after `from`, or the end of `src`.
fn find_end_tag(src: &str, from: usize, name: &str) -> usize {
    let bytes = src.as_bytes();
    let mut at = from;
    while let Some(i) = src.get(at..).and_then(|r| r.find("</")) {
        let name_at = at + i + 2;
        if bytes
            .get(name_at..name_at + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        {
            return at + i;
        }
        at = name_at;
    }
    src.len()
}

/// Decodes the character reference at the start of `s` (which starts with `&`): the character
/// and the reference's length in bytes. Unknown or malformed references stay text.
fn entity(s: &str) -> Option<(char, usize)> {
    const NAMED: [(&str, char); 44] = [
        ("nbsp", '\u{A0}'),
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("ldquo", '“'),
        ("rdquo", '”'),
        ("lsquo", '‘'),
        ("rsquo", '’'),
        ("mdash", '—'),
        ("ndash", '–'),
        ("hellip", '…'),
        ("middot", '·'),
        ("bull", '•'),
        ("times", '×'),
        ("divide", '÷'),
        ("copy", '©'),
        ("reg", '®'),
        ("trade", '™'),
        ("ensp", '\u{2002}'),
        ("emsp", '\u{2003}'),
        ("thinsp", '\u{2009}'),
        ("zwj", '\u{200D}'),
        ("zwnj", '\u{200C}'),
        ("shy", '\u{AD}'),
        ("laquo", '«'),
        ("raquo", '»'),
        ("deg", '°'),
        ("plusmn", '±'),
        ("yen", '¥'),
        ("permil", '‰'),
        ("sect", '§'),
        ("para", '¶'),
        ("le", '≤'),
        ("ge", '≥'),
        ("ne", '≠'),
        ("rarr", '→'),
        ("larr", '←'),
        ("uarr", '↑'),
        ("darr", '↓'),
        ("lsaquo", '‹'),
        ("rsaquo", '›'),
        ("sup2", '²'),
    ];
    // Legacy references that browsers accept without the `;`.
    const BARE: [&str; 7] = ["nbsp", "amp", "lt", "gt", "quot", "copy", "reg"];
    let body = s.get(1..)?;
    let len = body
        .bytes()
        .take(32)
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
        .count();
    let name = &body[..len];
    if body.as_bytes().get(len) != Some(&b';') {
        let bare = BARE.iter().find(|n| body.starts_with(**n))?;
        return NAMED
            .iter()
            .find(|(n, _)| n == bare)
            .map(|&(_, c)| (c, 1 + bare.len()));
    }
    let c = if let Some(number) = name.strip_prefix('#') {
        let (digits, radix) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (number, 10),
        };
        let code = u32::from_str_radix(digits, radix).ok()?;
        char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or(char::REPLACEMENT_CHARACTER)
    } else {
        NAMED.iter().find(|(n, _)| *n == name)?.1
    };
    Some((c, len + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(html: &str) -> String {
        extract(html).0
    }

    #[test]
    fn keeps_article_text_and_breaks_blocks() {
        let page = "<!DOCTYPE html><html><head><meta charset=utf-8><title>标题</title>\
            <style>p{color:red}</style><script>var a = '<p>x</p>';</script></head>\
            <body><nav><a href=/>首页</a></nav><!-- comment <p> --><div class=\"art\"><h1>报告</h1>\
            <p>第一段\n  文字。</p><p>第二段<br>换行</p><table><tr><td>案件</td><td>590件</td></tr></table>\
            </div><noscript>请启用</noscript><footer>版权所有</footer></body></html>";
        assert_eq!(
            check(page),
            "报告\n第一段 文字。\n第二段\n换行\n案件 590件 \n"
        );
    }

    #[test]
    fn decodes_entities_and_maps_them_to_the_whole_reference() {
        let html = "<p>&ldquo;放管服&rdquo;&nbsp;A&amp;B &#20013;&#x6587; &lt;x&gt; &nbsp&copy; &bogus; &#xZZ; & x</p>";
        let (text, map) = extract(html);
        assert_eq!(
            text,
            "“放管服”\u{A0}A&B 中文 <x> \u{A0}© &bogus; &#xZZ; & x\n"
        );
        let at = text.find('中').unwrap_or(0);
        assert_eq!(&html[map.map(at..at + '中'.len_utf8())], "&#20013;");
        let at = text.find('“').unwrap_or(0);
        assert_eq!(&html[map.map(at..at + 3)], "&ldquo;");
        assert_eq!(check("&#0;&#1114112;&#55296;"), "\u{FFFD}\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn survives_malformed_html() {
        for html in [
            "<",
            "<p",
            "<p class=\"x>text",
            "a<",
            "<!--",
            "<!-- x",
            "<script>x",
            "</",
            "</p",
            "<?xml",
            "&",
            "&#",
            "&#x;",
            "&#99999999999;",
            "<<<>>>",
            "<p>a</ p>b",
            "<div><p>text",
        ] {
            let (text, map) = extract(html);
            let _ = map.map(0..text.len());
        }
        assert_eq!(check("a < b and 5<6"), "a < b and 5<6");
        assert_eq!(
            check("text<d"),
            "text",
            "an unterminated tag at the end is dropped, as browsers do"
        );
        assert_eq!(check("<p>正文<script>unterminated"), "正文");
        assert_eq!(check("<p>正文<!-- unterminated"), "正文");
        assert_eq!(
            check("<p>x</p><footer>unclosed footer <p>kept"),
            "x\nunclosed footer \nkept"
        );
        assert_eq!(
            check("<head><title>t</title><p>no body tag</p>"),
            "no body tag\n"
        );
        assert_eq!(
            check("<html><head><meta charset=utf-8><body><p>body</p>"),
            "body\n"
        );
    }

    #[test]
    fn skips_nested_skipped_elements_as_a_whole() {
        assert_eq!(
            check("<nav>a<nav>b</nav>c</nav>d<svg><text>x</text></svg>"),
            "d"
        );
    }
}
