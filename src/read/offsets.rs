//! The offset map from an output string back to the string it was made from.
//!
//! Representation: a sorted list of segments, one at every point where the mapping stops being
//! "same bytes, shifted by a constant". A *linear* segment is a verbatim copy (output bytes
//! `text..text+n` are source bytes `src..src+n`); a *replacement* segment (full-width `，` → `,`,
//! an entity, `\r\n` → `\n`, a run of spaces → one space) maps as a whole to its source range.
//! Source bytes that were dropped (tags, zero-width characters, stray spaces) lie between
//! segments. Lookups are binary searches, and adjacent copies are merged while building, so the
//! map stays small next to the text: one segment per normalization event, not per character.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    /// Start of the segment in the output; it ends where the next one starts.
    text: usize,
    /// Source range the segment came from.
    src: usize,
    src_end: usize,
    linear: bool,
}

/// Output text and its map under construction.
#[derive(Debug, Default)]
pub(crate) struct MapBuilder {
    text: String,
    segments: Vec<Segment>,
}

impl MapBuilder {
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.segments.clear();
    }

    /// Copies `source[range]` verbatim; `range` must lie on char boundaries of `source`.
    pub(crate) fn copy(&mut self, source: &str, range: Range<usize>) {
        let Some(piece) = source.get(range.clone()) else {
            return;
        };
        if piece.is_empty() {
            return;
        }
        match self.segments.last_mut() {
            Some(last) if last.linear && last.src_end == range.start => last.src_end = range.end,
            _ => self.segments.push(Segment {
                text: self.text.len(),
                src: range.start,
                src_end: range.end,
                linear: true,
            }),
        }
        self.text.push_str(piece);
    }

    /// Emits `out` as the replacement of the whole source `range`.
    pub(crate) fn replace(&mut self, range: Range<usize>, out: &str) {
        if out.is_empty() {
            return;
        }
        self.segments.push(Segment {
            text: self.text.len(),
            src: range.start,
            src_end: range.end.max(range.start),
            linear: false,
        });
        self.text.push_str(out);
    }

    pub(crate) fn replace_char(&mut self, range: Range<usize>, out: char) {
        self.replace(range, out.encode_utf8(&mut [0; 4]));
    }

    /// Appends another builder's output (whose map points into the same source).
    pub(crate) fn append(&mut self, other: &MapBuilder) {
        let shift = self.text.len();
        for (i, seg) in other.segments.iter().enumerate() {
            let mergeable = i == 0
                && matches!(self.segments.last(), Some(last) if last.linear && seg.linear && last.src_end == seg.src);
            match self.segments.last_mut() {
                Some(last) if mergeable => last.src_end = seg.src_end,
                _ => self.segments.push(Segment {
                    text: seg.text + shift,
                    ..*seg
                }),
            }
        }
        self.text.push_str(&other.text);
    }

    /// Source range covered by the output so far, if any.
    pub(crate) fn source_span(&self) -> Option<Range<usize>> {
        Some(self.segments.first()?.src..self.segments.last()?.src_end)
    }

    pub(crate) fn finish(self) -> (String, OffsetMap) {
        let map = OffsetMap {
            text_len: self.text.len(),
            segments: self.segments,
        };
        (self.text, map)
    }
}

/// Maps byte offsets of an output string to byte offsets of its source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OffsetMap {
    segments: Vec<Segment>,
    text_len: usize,
}

impl OffsetMap {
    /// Number of segments, for tests that check the map stays compact.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.segments.len()
    }

    fn segment_end(&self, i: usize) -> usize {
        self.segments.get(i + 1).map_or(self.text_len, |s| s.text)
    }

    /// Source offset where the output character starting at `t` begins.
    fn start_of(&self, t: usize) -> usize {
        let i = self.segments.partition_point(|s| s.text <= t);
        let Some(seg) = i.checked_sub(1).and_then(|i| self.segments.get(i)) else {
            return self.segments.first().map_or(0, |s| s.src);
        };
        if t >= self.text_len {
            return seg.src_end;
        }
        if seg.linear {
            (seg.src + (t - seg.text)).min(seg.src_end)
        } else {
            seg.src
        }
    }

    /// Source offset where the output character ending at `t` ends.
    fn end_of(&self, t: usize) -> usize {
        let i = self.segments.partition_point(|s| s.text < t);
        let Some(idx) = i.checked_sub(1) else {
            return self.segments.first().map_or(0, |s| s.src);
        };
        let Some(seg) = self.segments.get(idx) else {
            return 0;
        };
        let t = t.min(self.segment_end(idx));
        if seg.linear {
            (seg.src + (t - seg.text)).min(seg.src_end)
        } else {
            seg.src_end
        }
    }

    /// The inverse of [`OffsetMap::map`]: the output range whose characters all come from
    /// within the source `range` (a replacement counts when its whole source lies inside). The
    /// map is monotone, so this is two binary searches.
    pub(crate) fn text_range(&self, range: Range<usize>) -> Range<usize> {
        let first = self.segments.partition_point(|s| s.src_end <= range.start);
        let start = self.segments.get(first).map_or(self.text_len, |seg| {
            if seg.linear {
                seg.text + range.start.saturating_sub(seg.src)
            } else if seg.src >= range.start {
                seg.text
            } else {
                self.segment_end(first)
            }
        });
        let last = self.segments.partition_point(|s| s.src < range.end);
        let end = last
            .checked_sub(1)
            .and_then(|i| Some((i, self.segments.get(i)?)))
            .map_or(0, |(i, seg)| {
                if seg.linear {
                    seg.text + (range.end.min(seg.src_end) - seg.src)
                } else if seg.src_end <= range.end {
                    self.segment_end(i)
                } else {
                    seg.text
                }
            });
        let start = start.min(self.text_len);
        start..end.clamp(start, self.text_len)
    }

    /// Maps an output range to the source range it came from (`start <= end` always).
    pub(crate) fn map(&self, range: Range<usize>) -> Range<usize> {
        let start = self.start_of(range.start.min(self.text_len));
        let end = if range.end > range.start {
            self.end_of(range.end.min(self.text_len))
        } else {
            start
        };
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build() -> (String, OffsetMap) {
        // source: "ab，cd  e"  →  output: "ab,cd e" with "，" replaced and two spaces → one
        let source = "ab，cd  e";
        let mut b = MapBuilder::default();
        b.copy(source, 0..2);
        b.replace_char(2..5, ',');
        b.copy(source, 5..7);
        b.replace_char(7..9, ' ');
        b.copy(source, 9..10);
        b.finish()
    }

    #[test]
    fn maps_copies_and_replacements() {
        let (text, map) = build();
        assert_eq!(text, "ab,cd e");
        assert_eq!(map.map(0..2), 0..2);
        assert_eq!(map.map(2..3), 2..5);
        assert_eq!(map.map(1..4), 1..6);
        assert_eq!(map.map(5..6), 7..9);
        assert_eq!(map.map(0..7), 0..10);
        assert_eq!(map.map(7..7), 10..10);
        assert_eq!(map.map(3..3), 5..5);
    }

    #[test]
    fn maps_source_ranges_back_to_the_output() {
        // "ab，cd  e" → "ab,cd e"
        let (_, map) = build();
        assert_eq!(map.text_range(0..2), 0..2);
        assert_eq!(map.text_range(0..5), 0..3, "the replaced `，` lies inside");
        assert_eq!(map.text_range(0..4), 0..2, "half of `，` is not enough");
        assert_eq!(map.text_range(5..7), 3..5);
        assert_eq!(map.text_range(9..10), 6..7);
        assert_eq!(map.text_range(3..3), 3..3);
        for (a, b) in [(0, 10), (2, 9), (1, 8)] {
            let out = map.text_range(a..b);
            let back = map.map(out);
            assert!(back.start >= a && back.end <= b, "{a}..{b} → {back:?}");
        }
        assert_eq!(MapBuilder::default().finish().1.text_range(0..4), 0..0);
    }

    #[test]
    fn merges_adjacent_copies_and_skips_deletions() {
        let source = "abcXYdef";
        let mut b = MapBuilder::default();
        b.copy(source, 0..1);
        b.copy(source, 1..3);
        b.copy(source, 5..8);
        let (text, map) = b.finish();
        assert_eq!(text, "abcdef");
        assert_eq!(map.len(), 2);
        assert_eq!(map.map(2..4), 2..6, "a range across a deletion covers it");
        assert_eq!(
            map.map(3..6),
            5..8,
            "a range starting after a deletion excludes it"
        );
    }

    #[test]
    fn empty_map_is_harmless() {
        let map = MapBuilder::default().finish().1;
        assert_eq!(map.map(0..0), 0..0);
        assert_eq!(map.map(3..9), 0..0);
    }
}
