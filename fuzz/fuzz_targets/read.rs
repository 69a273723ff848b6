//! Reading: encoding detection, HTML, docx and normalization, with the offset map checked.
//! The first byte picks the name the bytes are read under (the extension guides the format).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = ["r.txt", "r.html", "r.docx", "r"][usize::from(pick % 4)];
    if let Ok(document) = fazhi::read::read_bytes(name, bytes) {
        // Every range of the normalized text maps back into the source, on char boundaries.
        let len = document.text.len();
        for (start, end) in [(0, len), (len / 3, len / 2), (len, len)] {
            let range = document.source_range(start..end);
            assert!(range.start <= range.end && range.end <= document.source.len());
            assert!(document.source.is_char_boundary(range.start));
            assert!(document.source.is_char_boundary(range.end));
        }
    }
});
