//! What the workbench holds: the rule set, and the reports uploaded in this session with their
//! hand corrections. Everything lives in memory; nothing an inspector uploads is written to disk.

use std::sync::{Arc, Mutex, MutexGuard};

use indexmap::IndexMap;

use crate::check::RuleSet;
use crate::diagnostic::{Code, Diag, Source};
use crate::score::{score_bytes, Scored};

/// Most reports held at once.
pub const MAX_REPORTS: usize = 500;
/// Most report bytes held at once (the reports themselves; their scores take a few times more).
pub const MAX_HELD_BYTES: usize = 512 * 1024 * 1024;

/// A fact entered by hand in the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correction {
    /// A value as a facts file writes it (`95`, `95%`, `2025-03-24`, `true`), with the quoted
    /// sentence of the report it comes from, when given.
    Value {
        value: String,
        quote: Option<String>,
    },
    /// The report does not state it (报告未提及).
    Silent,
}

/// One uploaded report.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: u64,
    pub name: String,
    pub bytes: Arc<[u8]>,
    /// Fact id → correction, in the order entered.
    pub corrections: IndexMap<String, Correction>,
    pub scored: Arc<Scored>,
    /// `fazhi score NAME --format json` of the report with its corrections.
    pub json: Arc<serde_json::Value>,
}

impl Entry {
    /// The corrections as a facts file (TOML): `fazhi score REPORT --facts FILE` gives the same
    /// score on the command line.
    pub fn facts_file(&self) -> String {
        corrections_toml(&self.name, &self.corrections)
    }

    /// The name the corrections file goes by, for diagnostics and downloads.
    pub fn facts_file_name(&self) -> String {
        facts_file_name(&self.name)
    }
}

pub fn facts_file_name(report: &str) -> String {
    let stem = std::path::Path::new(report)
        .file_stem()
        .map_or("report".to_string(), |s| s.to_string_lossy().into_owned());
    format!("{stem}.corrections.toml")
}

/// The workbench's state, shared by every request.
pub struct App {
    pub ruleset: RuleSet,
    reports: Mutex<IndexMap<u64, Entry>>,
    next_id: Mutex<u64>,
    /// Scoring runs on blocking threads, this many at once.
    pub workers: tokio::sync::Semaphore,
    /// Requests allowed to wait for a worker; beyond that the answer is 503.
    pub waiting: tokio::sync::Semaphore,
}

/// Requests that may wait for a worker at once.
pub const MAX_WAITING: usize = 32;

impl App {
    pub fn new(ruleset: RuleSet) -> App {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        App {
            ruleset,
            reports: Mutex::new(IndexMap::new()),
            next_id: Mutex::new(1),
            workers: tokio::sync::Semaphore::new(cores.clamp(1, 4)),
            waiting: tokio::sync::Semaphore::new(MAX_WAITING),
        }
    }

    fn lock(&self) -> MutexGuard<'_, IndexMap<u64, Entry>> {
        // A panic while holding the lock cannot leave the map half-changed (every change is one
        // insert or remove), so a poisoned lock is still good to use.
        self.reports
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every report held, in upload order.
    pub fn entries(&self) -> Vec<Entry> {
        self.lock().values().cloned().collect()
    }

    pub fn entry(&self, id: u64) -> Option<Entry> {
        self.lock().get(&id).cloned()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Whether another report of `size` bytes fits within the bounds.
    pub fn room_for(&self, size: usize) -> Result<(), Diag> {
        let reports = self.lock();
        let held: usize = reports.values().map(|e| e.bytes.len()).sum();
        if reports.len() >= MAX_REPORTS || held.saturating_add(size) > MAX_HELD_BYTES {
            return Err(Diag::error(
                Code::ServeBusy,
                format!(
                    "工作台已保存 {} 份报告（{} 字节），不能再接收",
                    reports.len(),
                    held
                ),
            )
            .help(format!(
                "最多保存 {MAX_REPORTS} 份、共 {MAX_HELD_BYTES} 字节；先下载结果，再在首页“清空”后继续上传"
            )));
        }
        Ok(())
    }

    /// Scores a report with its corrections. Blocking: call it on a worker thread.
    pub fn score(
        &self,
        name: &str,
        bytes: &[u8],
        corrections: &IndexMap<String, Correction>,
    ) -> Result<(Scored, serde_json::Value), Vec<Diag>> {
        let facts = (!corrections.is_empty()).then(|| corrections_toml(name, corrections));
        let facts_name = facts_file_name(name);
        let scored = score_bytes(
            &self.ruleset,
            name,
            bytes,
            facts
                .as_deref()
                .map(|f| (facts_name.as_str(), f.as_bytes())),
            None,
            &|file| self.find_report(file),
        )?;
        let json = crate::render::json::score(&scored.context(&self.ruleset));
        Ok((scored, json))
    }

    /// A report a facts-file upload names, looked up among the reports held (by file name).
    fn find_report(&self, file: &str) -> Result<Source, String> {
        let wanted = base_name(file);
        let found = self
            .lock()
            .values()
            .find(|e| base_name(&e.name) == wanted)
            .map(|e| (e.name.clone(), Arc::clone(&e.bytes)));
        let Some((name, bytes)) = found else {
            return Err(format!("工作台中没有名为 `{file}` 的报告"));
        };
        crate::read::read_bytes(&name, &bytes)
            .map(|doc| Source::new(name, doc.source))
            .map_err(|e| e.to_string())
    }

    /// Keeps a scored report and returns its id.
    pub fn add(
        &self,
        name: String,
        bytes: Arc<[u8]>,
        scored: Scored,
        json: serde_json::Value,
    ) -> u64 {
        let id = {
            let mut next = self
                .next_id
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let id = *next;
            *next += 1;
            id
        };
        self.lock().insert(
            id,
            Entry {
                id,
                name,
                bytes,
                corrections: IndexMap::new(),
                scored: Arc::new(scored),
                json: Arc::new(json),
            },
        );
        id
    }

    /// Replaces a report's corrections and score (after a correction was scored).
    pub fn update(
        &self,
        id: u64,
        corrections: IndexMap<String, Correction>,
        scored: Scored,
        json: serde_json::Value,
    ) {
        if let Some(entry) = self.lock().get_mut(&id) {
            entry.corrections = corrections;
            entry.scored = Arc::new(scored);
            entry.json = Arc::new(json);
        }
    }
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// A facts file holding the corrections, as `fazhi score REPORT --facts FILE` reads it.
pub fn corrections_toml(report: &str, corrections: &IndexMap<String, Correction>) -> String {
    use toml_edit::{value, DocumentMut, Item, Table};
    let mut doc = DocumentMut::new();
    let mut meta = Table::new();
    meta.insert("file", value(base_name(report)));
    doc.insert("report", Item::Table(meta));
    let mut facts = Table::new();
    facts.set_implicit(true);
    for (id, correction) in corrections {
        let mut entry = Table::new();
        match correction {
            Correction::Value { value: v, quote } => {
                entry.insert("value", value(v.as_str()));
                if let Some(quote) = quote {
                    entry.insert("quote", value(quote.as_str()));
                }
            }
            Correction::Silent => {
                entry.insert("value", value(crate::facts::SILENCE[0]));
            }
        }
        facts.insert(id, Item::Table(entry));
    }
    doc.insert("facts", Item::Table(facts));
    format!(
        "# 人工录入的事实（fazhi serve 工作台）；命令行用法：fazhi score {} --facts 本文件\n{doc}",
        base_name(report)
    )
}
