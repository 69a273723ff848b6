//! The `read` stage: bytes of a report (text, HTML or docx) → normalized text with an offset
//! map back to the original.
//!
//! Pipeline: detect the format → decode (text and HTML) or unzip (docx) into `source` → for
//! HTML, strip the markup → normalize. Every character of `text` maps back to the bytes of
//! `source` it came from, so a later stage can quote the original in a diagnostic.
//!
//! Architecture invariant: this module does no printing and never panics on any input; its
//! only I/O is [`read_path`], and memory stays a small multiple of the input (inputs are capped
//! at [`MAX_INPUT_BYTES`], inflated docx XML at [`MAX_DOCX_XML_BYTES`]).

mod decode;
mod docx;
mod error;
mod html;
mod normalize;
mod offsets;
mod table;

use std::io::Read;
use std::ops::Range;
use std::path::Path;

pub use docx::{MAX_DOCX_XML_BYTES, MAX_ENTRIES as MAX_DOCX_ENTRIES};
pub use error::ReadError;
use offsets::OffsetMap;
pub use table::{Cell, Table, MAX_SPAN};

/// Largest input accepted, in bytes; larger files are refused before being read.
pub const MAX_INPUT_BYTES: usize = 20 * 1024 * 1024;

/// How the input was written: detected from zip magic, markup near the start, or the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Docx,
}

impl Format {
    pub fn name(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
        }
    }
}

/// A report read into normalized text.
#[derive(Debug, Clone)]
pub struct Document {
    /// Display name (the path as given).
    pub name: String,
    pub format: Format,
    /// `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `UTF-16BE` or `GB18030` (a docx is `UTF-8`).
    pub encoding: &'static str,
    /// The input decoded to UTF-8 without BOM: the whole file for text and HTML (markup
    /// included), the body text (one line per paragraph) for docx. Spans are byte offsets into
    /// this string, not into the file: a GB18030 or UTF-16 file is decoded first, and a docx's
    /// spans point into its body text, never into the XML.
    pub source: String,
    /// Normalized text that rules match against.
    pub text: String,
    /// `text` → intermediate → … → `source`; one map for text and docx, two for HTML
    /// (normalized → stripped text → page). Composed at lookup time.
    maps: Vec<OffsetMap>,
    /// The tables of an HTML page or a docx, in document order, each cell a range of `text`
    /// (a plain-text report has none: its columns are not marked).
    pub tables: Vec<Table>,
}

impl Document {
    /// Maps a byte range of `text` to the byte range of `source` it came from. The result is on
    /// char boundaries of `source`, `start <= end <= source.len()`. A range over characters that
    /// normalization left alone maps to the identical bytes; a replaced character (`，`, `&amp;`)
    /// maps to all of its source, and a range spanning removed source (a stray space, a tag)
    /// includes it.
    pub fn source_range(&self, text: Range<usize>) -> Range<usize> {
        let range = self.maps.iter().fold(text, |range, map| map.map(range));
        let len = self.source.len();
        let mut start = range.start.min(len);
        while !self.source.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = range.end.clamp(start, len);
        while !self.source.is_char_boundary(end) {
            end += 1;
        }
        start..end
    }

    fn with_tables(self, tables: Vec<Table>) -> Document {
        Document { tables, ..self }
    }

    /// Source offset of the character at `text_offset` in `text`.
    pub fn source_offset(&self, text_offset: usize) -> usize {
        self.source_range(text_offset..text_offset).start
    }
}

/// Reads a report from memory; `name` is used for messages and to guess the format from its
/// extension.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    if bytes.len() > MAX_INPUT_BYTES {
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        return Err(ReadError::TooLarge {
            name: name.to_string(),
            size,
            limit: MAX_INPUT_BYTES,
        });
    }
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let extension = extension.as_deref().unwrap_or("");
    if bytes.starts_with(b"PK\x03\x04") || extension == "docx" {
        let (source, tables) = docx::body_and_tables(name, bytes)?;
        let (text, map) = normalize::normalize_paragraphs(&source);
        let tables = table::finish_all(tables, &map, &text);
        return document(name, Format::Docx, "UTF-8", source, text, vec![map])
            .map(|doc| doc.with_tables(tables));
    }
    let decoded = decode::decode(name, bytes)?;
    if matches!(extension, "html" | "htm" | "xhtml" | "shtml") || looks_like_html(&decoded.text) {
        let (stripped, page_map, tables) = html::extract_with_tables(&decoded.text);
        let (text, map) = normalize::normalize_paragraphs(&stripped);
        let tables = table::finish_all(tables, &map, &text);
        return document(
            name,
            Format::Html,
            decoded.encoding,
            decoded.text,
            text,
            vec![map, page_map],
        )
        .map(|doc| doc.with_tables(tables));
    }
    let (text, map) = normalize::normalize(&decoded.text);
    document(
        name,
        Format::Text,
        decoded.encoding,
        decoded.text,
        text,
        vec![map],
    )
}

fn document(
    name: &str,
    format: Format,
    encoding: &'static str,
    source: String,
    text: String,
    maps: Vec<OffsetMap>,
) -> Result<Document, ReadError> {
    if text.is_empty() {
        return Err(ReadError::Empty {
            name: name.to_string(),
        });
    }
    Ok(Document {
        name: name.to_string(),
        format,
        encoding,
        source,
        text,
        maps,
        tables: Vec::new(),
    })
}

/// Reads a report file, refusing one larger than [`MAX_INPUT_BYTES`] without reading it all.
pub fn read_path(path: &Path) -> Result<Document, ReadError> {
    let bytes = read_path_bytes(path)?;
    read_bytes(&path.display().to_string(), &bytes)
}

/// The bytes of a file, refusing more than [`MAX_INPUT_BYTES`] without reading them all.
pub fn read_path_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(io)?;
    let too_large = |size| ReadError::TooLarge {
        name: name.clone(),
        size,
        limit: MAX_INPUT_BYTES,
    };
    let limit = u64::try_from(MAX_INPUT_BYTES).unwrap_or(u64::MAX);
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(too_large(size));
    }
    // The size can change, and special files report 0: read at most one byte past the limit.
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large(limit + 1));
    }
    Ok(bytes)
}

/// Content sniffing: a page saved with a `.txt` name still starts with markup.
fn looks_like_html(text: &str) -> bool {
    const MARKERS: [&str; 10] = [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<meta",
        "<div",
        "<p>",
        "<p ",
        "<table",
        "<br",
    ];
    let start: String = text
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    MARKERS.iter().any(|m| start.contains(m))
        && (start.starts_with('<') || start.contains("<html") || start.contains("<body"))
}

#[cfg(test)]
#[allow(clippy::panic)]
pub(crate) mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Reads `bytes` and checks the offset-map properties every document must have.
    fn check(name: &str, bytes: &[u8]) -> Result<Document, ReadError> {
        let doc = read_bytes(name, bytes)?;
        assert_map_sane(&doc);
        Ok(doc)
    }

    /// Every character maps to a non-empty, in-bounds, char-aligned source range; ranges never go
    /// backwards; a run of characters that each map to themselves, back to back in the source,
    /// maps to exactly the same text.
    fn assert_map_sane(doc: &Document) {
        let mut prev_end = 0;
        let mut run: Option<(usize, usize)> = None; // (text start, source start) of a verbatim run
        let check_run = |run: Option<(usize, usize)>, text_end: usize| {
            if let Some((t, _)) = run {
                let r = doc.source_range(t..text_end);
                assert_eq!(
                    &doc.source[r],
                    &doc.text[t..text_end],
                    "verbatim run in {}",
                    doc.name
                );
            }
        };
        for (i, c) in doc.text.char_indices() {
            let r = doc.source_range(i..i + c.len_utf8());
            assert!(
                r.start <= r.end && r.end <= doc.source.len(),
                "{r:?} in {}",
                doc.name
            );
            assert!(doc.source.is_char_boundary(r.start) && doc.source.is_char_boundary(r.end));
            assert!(
                r.start >= prev_end.min(r.start) && r.end >= prev_end,
                "map goes backwards at {i} in {}",
                doc.name
            );
            assert!(
                r.start < r.end,
                "char {c:?} at {i} maps to nothing in {}",
                doc.name
            );
            prev_end = r.end;
            let verbatim = doc.source[r.clone()] == *c.encode_utf8(&mut [0; 4]);
            run = match run {
                Some((t, s)) if verbatim && doc.source_range(t..i).end == r.start => Some((t, s)),
                _ => {
                    check_run(run, i);
                    verbatim.then_some((i, r.start))
                }
            };
        }
        check_run(run, doc.text.len());
        // Any char-aligned range, including empty ones and ones over removed source.
        let bounds: Vec<usize> = doc
            .text
            .char_indices()
            .map(|(i, _)| i)
            .chain([doc.text.len()])
            .collect();
        let step = (bounds.len() / 40).max(1);
        for &a in bounds.iter().step_by(step) {
            for &b in bounds.iter().step_by(step).filter(|&&b| b >= a) {
                let r = doc.source_range(a..b);
                assert!(
                    r.start <= r.end && doc.source.get(r.clone()).is_some(),
                    "{a}..{b} → {r:?} in {}",
                    doc.name
                );
            }
        }
        assert_eq!(
            doc.source_offset(doc.text.len()),
            doc.source_range(doc.text.len()..doc.text.len()).start
        );
        // Every table cell is a char-aligned range of the text, on the grid it says.
        for table in &doc.tables {
            for (i, cell) in table.cells.iter().enumerate() {
                assert!(doc.text.get(cell.text.clone()).is_some(), "{}", doc.name);
                assert_eq!(table.index_at(cell.row, cell.column), Some(i));
            }
        }
    }

    fn fixtures() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reports-fixtures")
    }

    fn fixture(path: &str) -> Result<Document, ReadError> {
        let doc = read_path(&fixtures().join(path))?;
        assert_map_sane(&doc);
        Ok(doc)
    }

    fn is_heading(line: &str) -> bool {
        let (text, _) = normalize::normalize(line);
        [
            "一、", "二、", "三、", "四、", "五、", "六、", "七、", "(一)", "(二)", "(三)", "(四)",
            "(五)", "(六)", "发布",
        ]
        .iter()
        .any(|m| text.starts_with(m))
    }

    /// The five real reports of reports-fixtures/, by stem.
    pub(crate) const REPORTS: [&str; 5] = [
        "chenzhou-2024",
        "guangzhou-conghua-justice-bureau-2024",
        "shijiazhuang-xinhua-2024",
        "wuhan-jiangxia-2024",
        "xiamen-huli-2024",
    ];

    #[test]
    fn real_reports_keep_headings_on_their_own_lines() -> Result<(), ReadError> {
        for name in REPORTS {
            let doc = fixture(&format!("{name}.txt"))?;
            assert_eq!((doc.format, doc.encoding), (Format::Text, "UTF-8"));
            let lines: Vec<&str> = doc.text.lines().collect();
            let headings: Vec<&str> = doc.source.lines().filter(|l| is_heading(l)).collect();
            assert!(!headings.is_empty(), "{name}");
            for heading in headings {
                let (normalized, _) = normalize::normalize(heading);
                assert!(
                    lines.contains(&normalized.as_str()),
                    "{name}: heading not on its own line: {normalized}"
                );
            }
            assert!(
                !doc.text.contains("\n\n\n")
                    && !doc.text.contains(" \n")
                    && !doc.text.ends_with('\n')
            );
        }
        Ok(())
    }

    #[test]
    fn real_reports_join_broken_lines_and_drop_residue() -> Result<(), ReadError> {
        let doc = fixture("shijiazhuang-xinhua-2024.txt")?;
        assert!(doc.text.contains("组织全区行政执法人员785人统一进行了"));
        assert!(doc.text.contains("区司法局在行政复议办公室加挂"));
        assert!(doc.text.contains("\n发布时间:2025年01月06日09:41\n"));
        let at = doc.text.find("785人").unwrap_or(0);
        assert_eq!(&doc.source[doc.source_range(at..at + 4)], "785\n人");
        let doc = fixture("wuhan-jiangxia-2024.txt")?;
        assert!(doc.text.contains(
            "\n\n发布日期:2025-03-24 16:55 文章来源:中共江夏区委全面依法治区委员会办公室\n\n"
        ));
        assert!(!doc.text.contains("打印") && !doc.text.contains("分享到微信朋友圈"));
        let doc = fixture("xiamen-huli-2024.txt")?;
        assert!(!doc.text.contains("扫一扫在手机上查看当前页面"));
        assert_eq!(doc.text.lines().count(), 23);
        Ok(())
    }

    #[test]
    fn every_format_of_a_report_reads_to_the_same_text() -> Result<(), ReadError> {
        let original = fixture("xiamen-huli-2024.txt")?;
        for (file, format, encoding) in [
            ("xiamen-huli-2024.gb18030.txt", Format::Text, "GB18030"),
            ("xiamen-huli-2024.utf16.txt", Format::Text, "UTF-16LE"),
            ("xiamen-huli-2024.html", Format::Html, "UTF-8"),
            ("xiamen-huli-2024.docx", Format::Docx, "UTF-8"),
        ] {
            let doc = fixture(&format!("formats/{file}"))?;
            assert_eq!((doc.format, doc.encoding), (format, encoding), "{file}");
            let line = doc
                .text
                .lines()
                .zip(original.text.lines())
                .position(|(a, b)| a != b);
            assert!(
                doc.text == original.text,
                "{file} differs from the original at line {line:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn html_spans_point_into_the_page() -> Result<(), ReadError> {
        let page = "<html><body><p>办结率&nbsp;１００％，&ldquo;一件事&rdquo;</p><p>【打印本页】</p></body></html>";
        let doc = check("a.html", page.as_bytes())?;
        assert_eq!(doc.text, "办结率100%,“一件事”");
        assert_eq!(doc.source, page);
        let span = |s: &str| {
            doc.text
                .find(s)
                .map(|i| &doc.source[doc.source_range(i..i + s.len())])
        };
        assert_eq!(span("100%"), Some("１００％"));
        assert_eq!(span("办结率100"), Some("办结率&nbsp;１００"));
        assert_eq!(span("“一件事”"), Some("&ldquo;一件事&rdquo;"));
        assert_eq!(span("一件事"), Some("一件事"));
        Ok(())
    }

    #[test]
    fn reads_html_and_docx_tables_cell_by_cell() -> Result<(), ReadError> {
        let page = "<p>表1</p><table><thead><tr><th rowspan=2>类别</th><th colspan='2'>2024年</th></tr>\
            <tr><td>数量</td><td>占比</td></tr></thead><tr><td>行政复议</td><td>３９３</td><td>50%</td></tr></table>";
        let doc = check("t.html", page.as_bytes())?;
        let docx = docx::tests::docx(&docx::tests::body(
            "<w:p><w:r><w:t>表1</w:t></w:r></w:p><w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr>\
             <w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>类别</w:t></w:r></w:p></w:tc>\
             <w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>2024年</w:t></w:r></w:p></w:tc></w:tr>\
             <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>数量</w:t></w:r></w:p></w:tc>\
             <w:tc><w:p><w:r><w:t>占比</w:t></w:r></w:p></w:tc></w:tr>\
             <w:tr><w:tc><w:p><w:r><w:t>行政复议</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>３９３</w:t></w:r></w:p></w:tc>\
             <w:tc><w:p><w:r><w:t>50%</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        ));
        let docx = check("t.docx", &docx)?;
        for doc in [doc, docx] {
            let [table] = doc.tables.as_slice() else {
                panic!("{}: {:?}", doc.name, doc.tables)
            };
            let at = |r, c| table.cell_at(r, c).map(|c| &doc.text[c.text.clone()]);
            assert_eq!((table.rows, table.columns), (3, 3), "{}", doc.name);
            assert_eq!(
                [at(0, 0), at(0, 1), at(0, 2), at(1, 0), at(1, 1), at(2, 1)],
                [
                    Some("类别"),
                    Some("2024年"),
                    Some("2024年"),
                    Some("类别"),
                    Some("数量"),
                    Some("393")
                ],
                "{}",
                doc.name
            );
            assert!(
                table.cells[0].header && !table.cells[5].header,
                "{}",
                doc.name
            );
            // The cell maps back to its own bytes in the original: the full-width figure.
            let cell = table.cell_at(2, 1).map_or(0..0, |c| c.text.clone());
            assert_eq!(
                &doc.source[doc.source_range(cell)],
                "３９３",
                "{}",
                doc.name
            );
        }
        Ok(())
    }

    #[test]
    fn detects_formats() -> Result<(), ReadError> {
        let html = check("report.txt", b"  <!DOCTYPE html><html><body><p>text</p>")?;
        assert_eq!((html.format, html.text.as_str()), (Format::Html, "text"));
        assert_eq!(
            check("report.htm", "正文。<br>下一段".as_bytes())?.format,
            Format::Html
        );
        let text = check(
            "report.txt",
            "关于<p>标签的说明:正文提到了<div>。".as_bytes(),
        )?;
        assert_eq!(text.format, Format::Text);
        let docx = docx::tests::docx(&docx::tests::body("<w:p><w:r><w:t>法治</w:t></w:r></w:p>"));
        assert_eq!(check("report.bin", &docx)?.format, Format::Docx);
        assert!(matches!(
            read_bytes("old.docx", b"\xD0\xCF\x11\xE0 old word"),
            Err(ReadError::BadDocx { .. })
        ));
        assert_eq!(Format::Html.name(), "html");
        Ok(())
    }

    #[test]
    fn reads_encodings_end_to_end() -> Result<(), ReadError> {
        let (gb, _, _) = encoding_rs::GB18030.encode("办结率１００％，组织人员785\n人参加。");
        let doc = check("gb.txt", &gb)?;
        assert_eq!(
            (doc.encoding, doc.text.as_str()),
            ("GB18030", "办结率100%,组织人员785人参加。")
        );
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(
                "一、总体\r\n(一)强化"
                    .encode_utf16()
                    .flat_map(u16::to_be_bytes),
            )
            .collect();
        let doc = check("be.txt", &be)?;
        assert_eq!(
            (doc.encoding, doc.text.as_str()),
            ("UTF-16BE", "一、总体\n(一)强化")
        );
        let doc = check("bom.txt", "\u{FEFF}２０２５年 3月".as_bytes())?;
        assert_eq!(
            (doc.encoding, doc.text.as_str(), doc.source.as_str()),
            ("UTF-8 (BOM)", "2025年3月", "２０２５年 3月")
        );
        Ok(())
    }

    #[test]
    fn reads_a_docx_built_in_memory() -> Result<(), ReadError> {
        let xml = docx::tests::body(
            "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p><w:p><w:r><w:t>组织全区行政执法人员</w:t></w:r>\
             <w:r><w:t>785</w:t></w:r></w:p><w:p><w:r><w:t xml:space=\"preserve\"> 人参加培训，</w:t></w:r>\
             <w:r><w:t>合格率１００％。</w:t></w:r></w:p>",
        );
        let doc = check("r.docx", &docx::tests::docx(&xml))?;
        assert_eq!(
            doc.source,
            "一、总体情况\n组织全区行政执法人员785\n 人参加培训，合格率１００％。\n"
        );
        assert_eq!(
            doc.text,
            "一、总体情况\n组织全区行政执法人员785人参加培训,合格率100%。"
        );
        Ok(())
    }

    #[test]
    fn refuses_empty_large_and_bomb_inputs() {
        let code = |r: Result<Document, ReadError>| r.err().map(|e| e.to_string());
        for empty in [
            &b""[..],
            b" \n\t\r\n",
            "\u{3000}\u{200B}".as_bytes(),
            b"<html><body><p>&nbsp;</p></body></html>",
        ] {
            assert!(
                matches!(read_bytes("e.txt", empty), Err(ReadError::Empty { .. })),
                "{:?}",
                code(read_bytes("e.txt", empty))
            );
        }
        let empty_docx = docx::tests::docx(&docx::tests::body("<w:p/>"));
        assert!(matches!(
            read_bytes("e.docx", &empty_docx),
            Err(ReadError::Empty { .. })
        ));
        let big = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert!(matches!(
            read_bytes("big.txt", &big),
            Err(ReadError::TooLarge { .. })
        ));
        let bomb = docx::tests::docx(&"<w:p/>".repeat(MAX_DOCX_XML_BYTES / 6 + 1));
        assert!(matches!(
            read_bytes("bomb.docx", &bomb),
            Err(ReadError::DocxTooLarge { .. })
        ));
    }

    fn limit_plus_one() -> u64 {
        u64::try_from(MAX_INPUT_BYTES).unwrap_or(u64::MAX) + 1
    }

    #[test]
    fn read_path_reports_io_errors_and_refuses_large_files_unread() {
        let missing = read_path(Path::new("/nonexistent/report.txt"));
        assert!(
            matches!(&missing, Err(ReadError::Io { path, .. }) if path.ends_with("report.txt"))
        );
        let dir = std::env::temp_dir().join(format!("fazhi-read-{}", std::process::id()));
        assert!(std::fs::create_dir_all(&dir).is_ok());
        let sparse = dir.join("huge.txt");
        let made = std::fs::File::create(&sparse).and_then(|f| f.set_len(limit_plus_one()));
        assert!(made.is_ok());
        assert!(matches!(
            read_path(&sparse),
            Err(ReadError::TooLarge { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let pieces: [&[u8]; 15] = [
            b"<table>",
            b"<tr>",
            b"<td colspan=3>",
            b"<th rowspan=\"2\">",
            b"</td>",
            b"<p>",
            b"</",
            b"&#",
            b"\n",
            "法治".as_bytes(),
            "１".as_bytes(),
            b" ",
            b"<!--",
            b"PK\x03\x04",
            b"\xFF\xFE",
        ];
        for round in 0..400 {
            let len = usize::try_from(next() % 300).unwrap_or(0);
            let mut bytes = Vec::with_capacity(len);
            while bytes.len() < len {
                let r = next();
                if round % 2 == 0 {
                    bytes.push(r.to_le_bytes()[0]);
                } else {
                    let i = usize::try_from(r % 15).unwrap_or(0);
                    bytes.extend_from_slice(pieces[i]);
                }
            }
            let name = ["r.txt", "r.html", "r.docx"][round % 3];
            if let Ok(doc) = read_bytes(name, &bytes) {
                assert_map_sane(&doc);
            }
        }
    }
}
