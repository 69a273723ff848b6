//! Encoding detection for text and HTML: bytes → UTF-8 `String` plus the encoding's name.
//!
//! Order, strongest evidence first: a byte-order mark; NUL bytes (UTF-16 without BOM if their
//! positions say so, otherwise binary); control bytes (binary); valid UTF-8; a `charset=` label
//! in an HTML `<meta>` (only when the bytes are not UTF-8: migrated sites keep stale GBK labels
//! on UTF-8 pages, and UTF-8 Chinese often also decodes, as mojibake, in GB18030); GB18030.

use encoding_rs::{Encoding, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

use super::ReadError;

/// How many bytes the sniffers look at; detection cost stays constant for large files.
const SNIFF_LEN: usize = 64 * 1024;

pub(crate) struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

pub(crate) fn decode(name: &str, bytes: &[u8]) -> Result<Decoded, ReadError> {
    let found = |text: String, encoding| Ok(Decoded { text, encoding });
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return found(lossy(UTF_8, rest), "UTF-8 (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return found(lossy(UTF_16LE, rest), "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return found(lossy(UTF_16BE, rest), "UTF-16BE");
    }
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    if sample.contains(&0) {
        return match utf16_without_bom(bytes) {
            Some(decoded) => Ok(decoded),
            None => Err(ReadError::Binary {
                name: name.to_string(),
            }),
        };
    }
    let controls = sample.iter().filter(|&&b| is_binary_control(b)).count();
    if controls * 100 > sample.len() {
        return Err(ReadError::Binary {
            name: name.to_string(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => return found(text.to_string(), "UTF-8"),
        // Only an incomplete character at the very end: a truncated UTF-8 file, not another encoding.
        Err(e) if e.error_len().is_none() => return found(lossy(UTF_8, bytes), "UTF-8"),
        // A damaged byte or two in a UTF-8 report: replaced (and warned about by the reader), as
        // GB18030 tolerates them, when the rest is valid UTF-8 with Chinese in it; GB18030 would
        // decode such bytes as mojibake.
        Err(_) => {
            if let Some(text) = utf8_with_damage(bytes) {
                return found(text, "UTF-8");
            }
        }
    }
    let labelled = meta_charset(sample).and_then(|label| Encoding::for_label(label.as_bytes()));
    for encoding in labelled.into_iter().chain([GB18030]) {
        if encoding == UTF_8 || encoding == UTF_16LE || encoding == UTF_16BE {
            continue;
        }
        if let Some(text) = mostly_clean(encoding, bytes) {
            // GBK is decoded by its superset GB18030 (encoding_rs decodes both the same way).
            let name = if encoding == GBK || encoding == GB18030 {
                "GB18030"
            } else {
                encoding.name()
            };
            return found(text, name);
        }
    }
    Err(ReadError::BadEncoding {
        name: name.to_string(),
    })
}

/// Bytes that are not valid UTF-8 decoded as UTF-8 text with a few damaged bytes: Chinese in
/// multi-byte UTF-8 sequences and at most one replacement per ten Chinese characters (a byte
/// inside a character costs up to three; text in another encoding has almost no Chinese).
fn utf8_with_damage(bytes: &[u8]) -> Option<String> {
    let text = lossy(UTF_8, bytes);
    let wide = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    let bad = text
        .chars()
        .filter(|&c| c == char::REPLACEMENT_CHARACTER)
        .count();
    (wide >= 2 && bad * 10 <= wide).then_some(text)
}

/// Control bytes that never occur in text in any of our encodings (tab, LF, FF, CR and ESC may).
fn is_binary_control(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F)
}

fn lossy(encoding: &'static Encoding, bytes: &[u8]) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// Decodes when at most one character in a thousand is undecodable (a damaged byte or a
/// truncated tail should not reject a whole report; a wrong encoding fails far more often).
fn mostly_clean(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = text
            .chars()
            .filter(|&c| c == char::REPLACEMENT_CHARACTER)
            .count();
        if bad > (text.chars().count() / 1000).max(1) {
            return None;
        }
    }
    Some(text.into_owned())
}

/// UTF-16 without a BOM: of the two byte orders, the one whose sample decodes to plausible
/// characters (ASCII, CJK, CJK and full-width punctuation) for at least nine in ten; the other
/// order turns `法` into Hangul and `A` into a rare ideograph. (NUL parity alone misleads: `一`
/// is U+4E00, a NUL at the other parity, and it is frequent in Chinese.)
fn utf16_without_bom(bytes: &[u8]) -> Option<Decoded> {
    let sample = &bytes[..bytes.len().min(SNIFF_LEN) & !1];
    let plausible = |encoding: &'static Encoding| {
        let (text, _) = encoding.decode_without_bom_handling(sample);
        let (mut good, mut all) = (0usize, 0usize);
        for c in text.chars() {
            all += 1;
            if matches!(c, ' '..='~' | '\t' | '\n' | '\r' | '\u{3000}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}' | '\u{2010}'..='\u{2027}')
            {
                good += 1;
            }
        }
        (good * 10 >= all * 9).then_some(good)
    };
    let (encoding, name) = match (plausible(UTF_16LE), plausible(UTF_16BE)) {
        (Some(le), Some(be)) if be > le => (UTF_16BE, "UTF-16BE"),
        (Some(_), _) => (UTF_16LE, "UTF-16LE"),
        (None, Some(_)) => (UTF_16BE, "UTF-16BE"),
        (None, None) => return None,
    };
    let text = mostly_clean(encoding, bytes)?;
    let chars = text.chars().count();
    let controls = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C'))
        .count();
    (controls * 100 <= chars).then_some(Decoded {
        text,
        encoding: name,
    })
}

/// The label of `charset=…` in an HTML head, e.g. `gb2312` in `<meta charset="gb2312">`.
fn meta_charset(sample: &[u8]) -> Option<String> {
    let head = &sample[..sample.len().min(4096)];
    let lower = head.to_ascii_lowercase();
    let at = lower.windows(7).position(|w| w == b"charset")?;
    let rest = lower.get(at + 7..)?;
    let rest = rest
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let label: String = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        .map(|&b| char::from(b))
        .collect();
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    fn check(bytes: &[u8]) -> Result<(String, &'static str), String> {
        decode("t", bytes)
            .map(|d| (d.text, d.encoding))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn detects_boms() {
        assert_eq!(check(b"\xEF\xBB\xBFabc"), Ok(("abc".into(), "UTF-8 (BOM)")));
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("法治".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(check(&le), Ok(("法治".into(), "UTF-16LE")));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("法治2024".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(check(&be), Ok(("法治2024".into(), "UTF-16BE")));
    }

    #[test]
    fn truncated_utf16_decodes_with_a_replacement() {
        let mut le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("法治".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        le.push(0x55);
        assert_eq!(check(&le), Ok(("法治\u{FFFD}".into(), "UTF-16LE")));
    }

    #[test]
    fn detects_utf16_without_bom_from_nul_positions() {
        let text = "2024年,办结166件 (100%)\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(check(&le), Ok((text.into(), "UTF-16LE")));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(check(&be), Ok((text.into(), "UTF-16BE")));
    }

    #[test]
    fn detects_utf16_without_bom_in_all_five_reports() {
        // `一` is U+4E00: frequent, with a NUL at the parity opposite to ASCII's.
        for name in crate::read::tests::REPORTS {
            let path = format!("{}/reports-fixtures/{name}.txt", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(!text.is_empty(), "{path}");
            let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            assert_eq!(check(&le), Ok((text.clone(), "UTF-16LE")), "{name} LE");
            let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            assert_eq!(check(&be), Ok((text.clone(), "UTF-16BE")), "{name} BE");
        }
        let ones = "一一一一一一一一一一一一一一一一一一一一,办结12件。\n";
        let le: Vec<u8> = ones.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(check(&le), Ok((ones.into(), "UTF-16LE")));
    }

    #[test]
    fn one_invalid_byte_in_utf8_is_replaced_like_in_gb18030() {
        let text = "2024年,全区办理行政复议案件12件,出庭应诉率100%。".repeat(20);
        let mut bytes = text.clone().into_bytes();
        bytes.insert("2024年,".len(), 0xFF);
        let (decoded, encoding) = check(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(encoding, "UTF-8");
        assert_eq!(decoded.matches('\u{FFFD}').count(), 1);
        assert_eq!(decoded.replace('\u{FFFD}', ""), text);
        // Inside a character: that character is lost, the rest is read.
        let mut bytes = text.clone().into_bytes();
        bytes.insert(30, 0xFF);
        assert!(matches!(check(&bytes), Ok((_, "UTF-8"))));
        // GB18030 tolerates the same damage.
        let (mut gb, _, _) = GB18030.encode(&text);
        gb.to_mut().insert(GB18030.encode("2024年,").0.len(), 0xFF);
        assert!(matches!(check(&gb), Ok((_, "GB18030"))));
    }

    #[test]
    fn detects_gb18030_and_meta_labels() {
        let (gb, _, _) = GB18030.encode("法治政府建设年度报告,办结166件");
        assert_eq!(
            check(&gb),
            Ok(("法治政府建设年度报告,办结166件".into(), "GB18030"))
        );
        let page = "<html><head><meta charset=\"big5\"></head><body>法治政府</body></html>";
        let (big5, _, _) = encoding_rs::BIG5.encode(page);
        assert_eq!(check(&big5), Ok((page.into(), "Big5")));
        let page = "<meta http-equiv=Content-Type content='text/html; charset=gb2312'><p>法治</p>";
        let (gbk, _, _) = GBK.encode(page);
        assert_eq!(check(&gbk), Ok((page.into(), "GB18030")));
    }

    #[test]
    fn valid_utf8_wins_over_a_stale_meta_label() {
        let page = "<meta charset=gbk><p>法治政府</p>";
        assert_eq!(check(page.as_bytes()), Ok((page.into(), "UTF-8")));
    }

    #[test]
    fn truncated_utf8_stays_utf8() {
        let bytes = "法治政府".as_bytes();
        assert_eq!(
            check(&bytes[..bytes.len() - 1]),
            Ok(("法治政\u{FFFD}".into(), "UTF-8"))
        );
    }

    #[test]
    fn rejects_binary_and_undecodable_bytes() {
        assert!(matches!(
            decode("t", b"%PDF-1.7\n\x00\x01\x02\xff\xfe\x00\x13"),
            Err(ReadError::Binary { .. })
        ));
        assert!(matches!(
            decode("t", b"abc\x01\x02\x03\x04\x05"),
            Err(ReadError::Binary { .. })
        ));
        // 0x80 and 0xFF are never valid in GB18030 (nor is a lone lead byte followed by a space).
        let bad: Vec<u8> = std::iter::repeat_n(*b"\x80\xFF\x81 ", 50)
            .flatten()
            .collect();
        assert!(matches!(
            decode("t", &bad),
            Err(ReadError::BadEncoding { .. })
        ));
    }
}
