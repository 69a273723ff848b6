//! Docx → body text: the runs of `word/document.xml`, one line per paragraph.
//!
//! The body text becomes the document's `source`, so spans of a docx point into this text (the
//! XML has no meaning to a reader). Limits keep a crafted file harmless: the archive may hold at
//! most [`MAX_ENTRIES`] entries, and `word/document.xml` is read through `take()` so its size is
//! what was actually inflated, never what the zip header claims.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::table::{CellStart, TableBuilder};
use super::ReadError;

/// Most bytes `word/document.xml` may inflate to; real reports are well under 5 MiB.
pub const MAX_DOCX_XML_BYTES: usize = 50 * 1024 * 1024;
/// Most entries a docx archive may have; Word writes about 10 to 30.
pub const MAX_ENTRIES: usize = 10_000;

#[cfg(test)]
pub(crate) fn body_text(name: &str, bytes: &[u8]) -> Result<String, ReadError> {
    body_and_tables(name, bytes).map(|(text, _)| text)
}

/// The body text and its tables (cell ranges in the body text).
pub(crate) fn body_and_tables(
    name: &str,
    bytes: &[u8],
) -> Result<(String, Vec<TableBuilder>), ReadError> {
    let bad = |reason: String| ReadError::BadDocx {
        name: name.to_string(),
        reason,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| bad("不是 zip 压缩包".to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(bad(format!(
            "压缩包中有 {} 个条目，超过上限 {MAX_ENTRIES}",
            archive.len()
        )));
    }
    let entry = archive.by_name("word/document.xml").map_err(|e| match e {
        zip::result::ZipError::FileNotFound => bad("其中没有 `word/document.xml`".to_string()),
        _ => bad("无法打开其中的 `word/document.xml`".to_string()),
    })?;
    let mut xml = Vec::new();
    let limit = u64::try_from(MAX_DOCX_XML_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    entry
        .take(limit)
        .read_to_end(&mut xml)
        .map_err(|_| bad("无法解压其中的 `word/document.xml`".to_string()))?;
    if xml.len() > MAX_DOCX_XML_BYTES {
        return Err(ReadError::DocxTooLarge {
            name: name.to_string(),
            limit: MAX_DOCX_XML_BYTES,
        });
    }
    runs_text(&xml).map_err(|_| bad("`word/document.xml` 中的 XML 格式有误".to_string()))
}

/// Text of `<w:t>` runs; `<w:tab/>` → tab, `<w:br/>`/`<w:cr/>` → line break, end of `<w:p>` →
/// line break. Elements are matched by local name, so text boxes (`<a:t>`) count too; the VML
/// copy of a text box inside `<mc:Fallback>` is skipped so it is not read twice. Tables
/// (`<w:tbl>`, rows `<w:tr>`, cells `<w:tc>` with `<w:gridSpan>` and `<w:vMerge>`, header rows
/// `<w:tblHeader>`) are recorded as they are read; nested ones too.
fn runs_text(xml: &[u8]) -> Result<(String, Vec<TableBuilder>), quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut out = String::new();
    // Open tables, innermost last, with whether the current row is a header row.
    let mut tables: Vec<(TableBuilder, bool)> = Vec::new();
    let mut done: Vec<TableBuilder> = Vec::new();
    let (mut in_text, mut in_run, mut fallback) = (false, 0usize, 0usize);
    loop {
        let event = reader.read_event()?;
        let name = match &event {
            Event::Start(e) | Event::Empty(e) => Some(e.local_name().as_ref().to_vec()),
            Event::End(e) => Some(e.local_name().as_ref().to_vec()),
            _ => None,
        };
        let name = name.as_deref().unwrap_or(b"");
        match &event {
            Event::Eof => break,
            Event::Start(_) if name == b"Fallback" => fallback += 1,
            Event::End(_) if name == b"Fallback" => fallback = fallback.saturating_sub(1),
            _ if fallback > 0 => {}
            Event::Start(_) if name == b"tbl" => tables.push((TableBuilder::default(), false)),
            Event::End(_) if name == b"tbl" => {
                if let Some((mut table, _)) = tables.pop() {
                    table.end_cell(out.len());
                    done.push(table);
                }
            }
            Event::Start(_) | Event::Empty(_) if is_table_part(name) => {
                if let (Some((table, header_row)), Event::Start(e) | Event::Empty(e)) =
                    (tables.last_mut(), &event)
                {
                    table_part(table, header_row, name, e, out.len());
                }
            }
            Event::End(_) if name == b"tc" => {
                if let Some((table, _)) = tables.last_mut() {
                    table.end_cell(out.len());
                }
            }
            Event::Start(_) if name == b"r" => in_run += 1,
            Event::End(_) if name == b"r" => in_run = in_run.saturating_sub(1),
            Event::Start(_) if name == b"t" => in_text = true,
            Event::End(_) if name == b"t" => in_text = false,
            Event::End(_) | Event::Empty(_) if name == b"p" => out.push('\n'),
            Event::Start(_) | Event::Empty(_) if in_run > 0 => match name {
                b"tab" => out.push('\t'),
                b"br" | b"cr" => out.push('\n'),
                b"noBreakHyphen" => out.push('-'),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.unescape()?),
            Event::CData(t) if in_text => out.push_str(&String::from_utf8_lossy(t)),
            _ => {}
        }
    }
    while let Some((mut table, _)) = tables.pop() {
        table.end_cell(out.len());
        done.push(table);
    }
    Ok((out, done))
}

fn is_table_part(name: &[u8]) -> bool {
    matches!(name, b"tr" | b"tblHeader" | b"tc" | b"gridSpan" | b"vMerge")
}

/// A row, a header-row mark, a cell or a cell's merge in the innermost open table.
fn table_part(
    table: &mut TableBuilder,
    header_row: &mut bool,
    name: &[u8],
    element: &quick_xml::events::BytesStart,
    at: usize,
) {
    let value = || {
        element.attributes().flatten().find_map(|a| {
            (a.key.local_name().as_ref() == b"val")
                .then(|| String::from_utf8_lossy(&a.value).into_owned())
        })
    };
    match name {
        b"tr" => {
            table.start_row(at);
            *header_row = false;
        }
        // `<w:tblHeader/>` or `w:val="true"`/`"1"`/`"on"`; `"false"`/`"0"`/`"off"` turn it off.
        b"tblHeader" => {
            *header_row = !matches!(value().as_deref(), Some("false" | "0" | "off"));
        }
        b"tc" => table.start_cell(
            at,
            CellStart {
                header: *header_row,
                ..CellStart::default()
            },
        ),
        b"gridSpan" => {
            let span = value().and_then(|v| v.trim().parse().ok()).unwrap_or(1);
            table.set_column_span(span);
        }
        // `<w:vMerge w:val="restart"/>` starts a merged cell; without a value it continues one.
        b"vMerge" if !matches!(value().as_deref(), Some("restart")) => {
            table.set_continues_above();
        }
        _ => {}
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    /// A docx in memory whose `word/document.xml` is `document`.
    pub(crate) fn docx(document: &str) -> Vec<u8> {
        zip_of(&[
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", document),
        ])
    }

    pub(crate) fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (path, content) in entries {
            assert!(writer
                .start_file(*path, SimpleFileOptions::default())
                .is_ok());
            assert!(writer.write_all(content.as_bytes()).is_ok());
        }
        writer.finish().map(Cursor::into_inner).unwrap_or_default()
    }

    pub(crate) fn body(paragraphs: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{paragraphs}</w:body></w:document>"
        )
    }

    #[test]
    fn reads_runs_tabs_breaks_and_paragraphs() {
        let xml = body(
            "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>\
             <w:r><w:t>一、</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">总体 </w:t></w:r>\
             <w:r><w:tab/><w:t>情况</w:t><w:br/><w:t>A&amp;B</w:t></w:r></w:p>\
             <w:p><w:r><w:delText>删除</w:delText><w:t>办结166件</w:t></w:r></w:p>\
             <mc:AlternateContent xmlns:mc=\"m\"><mc:Choice><w:p><w:r><w:t>框</w:t></w:r></w:p></mc:Choice>\
             <mc:Fallback><w:p><w:r><w:t>框</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent>",
        );
        let text = body_text("t.docx", &docx(&xml));
        assert_eq!(
            text.ok().as_deref(),
            Some("一、总体 \t情况\nA&B\n办结166件\n框\n")
        );
    }

    #[test]
    fn rejects_corrupt_archives_and_xml() {
        let err = |bytes: &[u8]| {
            body_text("t.docx", bytes)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(err(b"PK\x03\x04garbage").contains("不是 zip 压缩包"));
        assert!(err(&zip_of(&[("word/other.xml", "<x/>")])).contains("没有 `word/document.xml`"));
        assert!(err(&docx("<w:document><w:p></w:document>")).contains("XML 格式有误"));
        let mut truncated = docx(&body("<w:p><w:r><w:t>法治</w:t></w:r></w:p>"));
        truncated.truncate(truncated.len() / 2);
        assert!(matches!(
            body_text("t.docx", &truncated),
            Err(ReadError::BadDocx { .. })
        ));
    }

    #[test]
    fn refuses_a_zip_bomb_by_what_it_inflates_to() {
        let bomb = docx(&" ".repeat(MAX_DOCX_XML_BYTES + 10));
        assert!(
            bomb.len() < 1024 * 1024,
            "the bomb itself is small: {}",
            bomb.len()
        );
        assert!(matches!(
            body_text("bomb.docx", &bomb),
            Err(ReadError::DocxTooLarge { .. })
        ));
    }
}
