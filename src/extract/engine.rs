//! A regex that starts on regex-lite and moves to the regex crate once it has searched enough.
//!
//! regex-lite compiles a pattern in microseconds and searches it several times slower; the regex
//! crate takes 0.1–3 ms to compile a pattern (each copy of a Unicode class is a UTF-8 automaton)
//! and then searches fast. Scoring one report runs most regexes over a few sentences, where
//! compiling is the cost; a batch runs them over megabytes, where searching is. So each regex
//! searches with regex-lite until it has read [`PROMOTE_AFTER_BYTES`], then with the regex crate.
//! Both are leftmost-first and read the same syntax the same way, except `\s`, `\d`, `\w`, `\b`
//! (ASCII in regex-lite) and `\p{…}` (absent there): the regexes given here spell their classes
//! out ([`white_space!`](super::structure::white_space), [`han!`](super::structure::han)) or use
//! `(?-u:\b)`, which is ASCII in both.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Bytes a regex searches with regex-lite before it is compiled by the regex crate.
pub(crate) const PROMOTE_AFTER_BYTES: usize = 64 << 10;

/// The two compiled forms of one regex, each built on first need, and the bytes searched so far.
#[derive(Debug, Default)]
pub(crate) struct Promoting {
    lite: OnceLock<Result<regex_lite::Regex, String>>,
    full: OnceLock<Result<regex::Regex, String>>,
    searched: AtomicUsize,
}

impl Clone for Promoting {
    fn clone(&self) -> Promoting {
        Promoting {
            lite: self.lite.clone(),
            full: self.full.clone(),
            searched: AtomicUsize::new(self.searched.load(Ordering::Relaxed)),
        }
    }
}

/// The engine to search with this time.
#[derive(Clone, Copy)]
pub(crate) enum Engine<'r> {
    Lite(&'r regex_lite::Regex),
    Full(&'r regex::Regex),
}

impl Promoting {
    /// The engine for a search of `bytes` bytes: the regex crate's once `source` has searched
    /// [`PROMOTE_AFTER_BYTES`] (or was compiled by it already), regex-lite before. `size_limit`
    /// caps each compiled program. It fails only when regex-lite cannot compile `source`; a
    /// regex past the regex crate's cap keeps searching with regex-lite.
    pub(crate) fn engine(
        &self,
        source: &str,
        size_limit: usize,
        bytes: usize,
    ) -> Result<Engine<'_>, &str> {
        let before = self.searched.fetch_add(bytes, Ordering::Relaxed);
        let full = if before >= PROMOTE_AFTER_BYTES {
            self.full(source, size_limit).ok()
        } else {
            self.full.get().and_then(|r| r.as_ref().ok())
        };
        if let Some(full) = full {
            return Ok(Engine::Full(full));
        }
        let lite = self.lite.get_or_init(|| {
            regex_lite::RegexBuilder::new(source)
                .size_limit(size_limit)
                .build()
                .map_err(|e| e.to_string())
        });
        lite.as_ref().map(Engine::Lite).map_err(String::as_str)
    }

    /// The regex crate's form, compiled on first call.
    pub(crate) fn full(&self, source: &str, size_limit: usize) -> Result<&regex::Regex, &str> {
        self.full
            .get_or_init(|| {
                regex::RegexBuilder::new(source)
                    .size_limit(size_limit)
                    .dfa_size_limit(DFA_SIZE_LIMIT)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }

    pub(crate) fn is_compiled(&self) -> bool {
        self.lite.get().is_some() || self.full.get().is_some()
    }
}

/// Lazy-DFA cache per regex: the value fragments (Chinese numerals) make large automata, and a
/// cache that is too small makes the regex crate fall back to its slow NFA simulation.
pub(crate) const DFA_SIZE_LIMIT: usize = 8 << 20;

/// The groups of one match, whichever engine found it: group 0 is the whole match.
#[derive(Debug, Clone)]
pub(crate) struct Groups<'t> {
    text: &'t str,
    ranges: Vec<Option<Range<usize>>>,
}

/// One group of a match.
#[derive(Debug, Clone)]
pub(crate) struct Group<'t> {
    text: &'t str,
    range: Range<usize>,
}

impl<'t> Groups<'t> {
    pub(crate) fn get(&self, index: usize) -> Option<Group<'t>> {
        let range = self.ranges.get(index)?.clone()?;
        Some(Group {
            text: self.text,
            range,
        })
    }
}

impl<'t> Group<'t> {
    pub(crate) fn as_str(&self) -> &'t str {
        &self.text[self.range.clone()]
    }

    pub(crate) fn start(&self) -> usize {
        self.range.start
    }

    pub(crate) fn end(&self) -> usize {
        self.range.end
    }

    pub(crate) fn range(&self) -> Range<usize> {
        self.range.clone()
    }
}

impl<'r> Engine<'r> {
    pub(crate) fn is_match(self, text: &str) -> bool {
        match self {
            Engine::Lite(r) => r.is_match(text),
            Engine::Full(r) => r.is_match(text),
        }
    }

    /// The first match at or after byte `at`.
    pub(crate) fn captures_at(self, text: &str, at: usize) -> Option<Groups<'_>> {
        match self {
            Engine::Lite(r) => r
                .captures_at(text, at)
                .map(|c| groups(text, c.iter().map(|m| m.map(|m| m.range())))),
            Engine::Full(r) => r
                .captures_at(text, at)
                .map(|c| groups(text, c.iter().map(|m| m.map(|m| m.range())))),
        }
    }

    /// Every match, in order, as the engines' own iterators find them.
    pub(crate) fn captures_all<'t>(self, text: &'t str) -> Vec<Groups<'t>> {
        match self {
            Engine::Lite(r) => r
                .captures_iter(text)
                .map(|c| groups(text, c.iter().map(|m| m.map(|m| m.range()))))
                .collect(),
            Engine::Full(r) => r
                .captures_iter(text)
                .map(|c| groups(text, c.iter().map(|m| m.map(|m| m.range()))))
                .collect(),
        }
    }

    pub(crate) fn count(self, text: &str) -> usize {
        match self {
            Engine::Lite(r) => r.find_iter(text).count(),
            Engine::Full(r) => r.find_iter(text).count(),
        }
    }

    /// The index of the group named `name`: the same in both engines.
    pub(crate) fn group_index(self, name: &str) -> Option<usize> {
        match self {
            Engine::Lite(r) => r.capture_names().position(|n| n == Some(name)),
            Engine::Full(r) => r.capture_names().position(|n| n == Some(name)),
        }
    }
}

fn groups<'t>(text: &'t str, ranges: impl Iterator<Item = Option<Range<usize>>>) -> Groups<'t> {
    Groups {
        text,
        ranges: ranges.collect(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_regex_moves_to_the_regex_crate_after_its_quota_and_finds_the_same() {
        let source = "(?:受理|收到)(?P<v>[0-9]+)件";
        let text = "全年共收到行政复议申请,受理123件,审结120件。";
        let promoting = Promoting::default();
        let mut found = Vec::new();
        let mut engines = Vec::new();
        for _ in 0..(PROMOTE_AFTER_BYTES / text.len() + 2) {
            let engine = promoting.engine(source, 1 << 20, text.len()).unwrap();
            engines.push(matches!(engine, Engine::Full(_)));
            let groups = engine.captures_at(text, 0).unwrap();
            let value = groups.get(engine.group_index("v").unwrap()).unwrap();
            found.push((groups.get(0).unwrap().range(), value.as_str().to_string()));
        }
        assert!(!engines[0] && *engines.last().unwrap(), "never promoted");
        assert_eq!(
            engines.iter().filter(|full| !**full).count(),
            PROMOTE_AFTER_BYTES / text.len() + 1
        );
        assert!(
            found.windows(2).all(|w| w[0] == w[1]),
            "{:?}",
            found.first()
        );
        assert_eq!(found[0].1, "123");
    }
}
