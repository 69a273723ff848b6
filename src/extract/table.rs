//! Figures in tables, read cell by cell.
//!
//! A table's text stays in the document's text, where a row reads as its cells one after the
//! other, so a pattern run over it can give a cell's figure the subject of a neighbouring cell.
//! Here each numeric cell is said as a statement of its own — its row headers, its column
//! headers, the cell's text and the unit the headers name (`规章 本年制发件数 0` →
//! `规章本年制发0件`) — and the facts' own patterns run over that statement, in both orders (row
//! headers first, then column headers first). A figure found this way is quoted by its cell. A
//! pattern's match over a numeric cell in the running text gives way to the table's reading.
//!
//! Headers: the leading rows with no numeric cell are header rows (a cell's column headers are
//! the header-row cells above it); in a row, the text cells before a numeric cell are its row
//! headers. A numeric cell with no header, or whose headers are all too long to be headers
//! (a layout table's paragraphs), says nothing.
//!
//! Scope: a table about 政府信息公开 (its caption or the heading above it says so, or the whole
//! page is a 政府信息公开工作年度报告) counts applications, appeals and lawsuits about disclosure
//! only: its figures are said with `政府信息公开` as subject and feed only a fact whose pattern
//! names 公开 — never the government's 行政复议/行政诉讼 counts. A column of another year than the
//! table's latest, or of a change (上年, 同比, 增减), is not this year's figure and is skipped.

use std::collections::HashSet;
use std::ops::Range;

use indexmap::IndexMap;

use super::structure::{Fixed, Structure};
use super::{default_scope, names_disclosure, pattern, read_value, Admission, Candidate};
use crate::check::RuleSet;
use crate::read::{Document, Table};
use crate::value::FactType;

/// A numeric cell said as a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Headers, then the cell's text, then the unit the headers name.
    pub text: String,
    /// The cell's text inside `text`.
    pub cell_in_text: Range<usize>,
    /// The cell in the document's text.
    pub cell: Range<usize>,
    /// The table is about government-information disclosure (see the module doc).
    pub disclosure: bool,
}

/// Longest header, in characters: a longer cell is a paragraph of a layout table.
const MAX_HEADER_CHARS: usize = 30;
/// Longest numeric cell, in bytes.
const MAX_VALUE_BYTES: usize = 40;
/// Most row headers and column headers a statement takes (the nearest ones).
const MAX_HEADERS: usize = 4;
/// Bytes of statements a document may give: `STATEMENT_BYTES_PER_TEXT_BYTE` per byte of its
/// text plus `STATEMENT_BYTES_EXTRA`. A real report's statements are a fraction of its text;
/// a page of 100,000 tiny cells under long headers would otherwise say a hundred times its size.
pub const STATEMENT_BYTES_PER_TEXT_BYTE: usize = 16;
pub const STATEMENT_BYTES_EXTRA: usize = 1 << 20;
/// How far before a table its caption or heading is looked for, in bytes.
const CONTEXT_BYTES: usize = 300;

/// A cell that is one figure: a number with an optional qualifier, scale and unit.
static VALUE_CELL: Fixed = Fixed::new("^(?:约|近|超|逾|共|计)?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?(?:万|亿)?(?:余|多)?(?:%|‰|件|条|次|人次|人|个|项|家|宗|起|卷|场|份|篇|元|万元|亿元|户|名|本|批)?(?:以上|左右)?$");
/// A year as a header: `2024`, `2024年`, `2024年度`.
static YEAR_HEADER: Fixed = Fixed::new("^((?:19|20)[0-9]{2})(?:年度?)?$");
/// A column or row of a comparison, not this year's figure.
static COMPARISON: Fixed = Fixed::new("上年|去年|上一年|同期|同比|环比|增减|增长|变化|比较");
/// A list number that opens a header: `一、`, `(三)`, `1.`.
static ENUMERATOR: Fixed =
    Fixed::new("^(?:[一二三四五六七八九十]+、|\\([一二三四五六七八九十0-9]+\\)|[0-9]+[.、])");
/// A unit written in a header: `(件)`, `(单位:件)`.
static UNIT_MARK: Fixed = Fixed::new(
    "\\((?:单位:)?(%|件|条|次|人次|人|个|项|家|宗|起|卷|场|份|篇|元|万元|亿元|户|名)\\)",
);
/// A table-wide unit in its caption: `单位:件`.
static CAPTION_UNIT: Fixed =
    Fixed::new("单位:(%|件|条|次|人次|人|个|项|家|宗|起|卷|场|份|篇|元|万元|亿元|户|名)");
/// A header naming a count by its measure word: `本年制发件数` (件), `参训人数` (人).
static MEASURE_COUNT: Fixed = Fixed::new("(件|条|次|人次|人|个|项|家|宗|起|卷|户)数(?:量)?$");
/// A count named without its measure word: `申请数量`, `收案数`.
static BARE_COUNT: Fixed = Fixed::new("(?:数量|总数|数)$");
static DISCLOSURE: Fixed = Fixed::new("信息公开|公开申请");

/// The numeric cells of a document's tables, each said as a statement in both header orders
/// (row headers first, then column headers first; one when the cell has headers of one kind).
/// Work and output are linear in the tables' size: each cell is classified once, headers are
/// found per row and per column, a statement holds at most `2 × MAX_HEADERS` headers of at
/// most `MAX_HEADER_CHARS` characters, and statements stop at a budget proportional to the
/// text (see [`STATEMENT_BYTES_PER_TEXT_BYTE`]).
pub fn statements(document: &Document) -> Vec<Statement> {
    let text = document.text.as_str();
    let whole_page_disclosure = page_is_disclosure_report(text);
    let mut out = Statements {
        list: Vec::new(),
        budget: text
            .len()
            .saturating_mul(STATEMENT_BYTES_PER_TEXT_BYTE)
            .saturating_add(STATEMENT_BYTES_EXTRA),
    };
    for table in &document.tables {
        if out.budget == 0 {
            break;
        }
        read_table(text, table, whole_page_disclosure, &mut out);
    }
    out.list
}

/// Statements said so far and the bytes still allowed.
struct Statements {
    list: Vec<Statement>,
    budget: usize,
}

impl Statements {
    fn push(&mut self, statement: Statement) {
        if statement.text.len() <= self.budget {
            self.budget -= statement.text.len();
            self.list.push(statement);
        } else {
            self.budget = 0;
        }
    }
}

/// A 政府信息公开工作年度报告: its title, near the start, says so.
fn page_is_disclosure_report(text: &str) -> bool {
    let head = &text[..floor_boundary(text, 600)];
    head.contains("政府信息公开工作年度报告") || head.contains("政府信息公开工作报告")
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// What a cell is, for finding headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Value,
    Header,
    /// Empty, or too long to be a header.
    Other,
}

fn kind(text: &str) -> Kind {
    if text.is_empty() {
        Kind::Other
    } else if text.len() <= MAX_VALUE_BYTES
        && VALUE_CELL.is_match(text)
        && !YEAR_HEADER.is_match(text)
    {
        Kind::Value
    } else if text.chars().nth(MAX_HEADER_CHARS).is_none() {
        Kind::Header
    } else {
        Kind::Other
    }
}

fn read_table(text: &str, table: &Table, page_disclosure: bool, out: &mut Statements) {
    let cell_text = |i: usize| {
        table
            .cells
            .get(i)
            .and_then(|c| text.get(c.text.clone()))
            .unwrap_or("")
    };
    // A cell the markup marks as a header (`<th>`, a header row) is never a figure: `<th>1</th>`
    // numbers a row.
    let kinds: Vec<Kind> = table
        .cells
        .iter()
        .enumerate()
        .map(|(i, cell)| match kind(cell_text(i)) {
            Kind::Value if cell.header => Kind::Header,
            other => other,
        })
        .collect();
    let kind_at = |r: usize, c: usize| table.index_at(r, c).map(|i| (i, kinds[i]));
    // Each header cell as words once, however many figures it stands over.
    let said: Vec<Option<Header>> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| (*k == Kind::Header).then(|| Header::of(cell_text(i))))
        .collect();
    let row_has = |r: usize, wanted: Kind| {
        (0..table.columns).any(|c| kind_at(r, c).is_some_and(|(_, k)| k == wanted))
    };
    // Column headers: the header cells over each column in the run of rows without a figure
    // right above a row of figures (a table may start a new block of headers part way down).
    // A row without figures names columns when it has two header cells or more; a single label
    // across the table names them only above the first row that does (a title over the
    // headers), and below it is a section label (`三、本年度办理结果`) that leaves them alone.
    let names_columns = |r: usize| {
        let mut first = None;
        (0..table.columns).any(|c| match kind_at(r, c) {
            Some((i, Kind::Header)) => first.replace(i).is_some_and(|f| f != i),
            _ => false,
        })
    };
    let block_headers = |rows: Range<usize>| -> Vec<Vec<usize>> {
        let first_naming = rows.clone().find(|&r| names_columns(r));
        let rows: Vec<usize> = rows
            .filter(|&r| first_naming.is_none_or(|first| r <= first || names_columns(r)))
            .collect();
        (0..table.columns)
            .map(|c| {
                let mut headers: Vec<usize> = Vec::new();
                for &r in &rows {
                    if let Some((i, Kind::Header)) = kind_at(r, c) {
                        if headers.last() != Some(&i) {
                            headers.push(i);
                        }
                    }
                }
                nearest(headers)
            })
            .collect()
    };
    // A row without figures part way down starts a new block of headers when it names columns.
    let mut blocks: Vec<(usize, Vec<Vec<usize>>)> = Vec::new();
    let mut block_start: Option<usize> = Some(0);
    for r in 0..table.rows {
        if row_has(r, Kind::Value) {
            if let Some(start) = block_start.take() {
                blocks.push((r, block_headers(start..r)));
            }
        } else if block_start.is_none() && names_columns(r) {
            block_start = Some(r);
        }
    }
    // The years the headers name (`2023年 | 2024年` over the columns or down the rows): only
    // the latest year's figures are this year's.
    let year_of = |i: usize| {
        YEAR_HEADER
            .captures(cell_text(i))
            .and_then(|c| c.get(1)?.as_str().parse::<u16>().ok())
    };
    let latest_year = (0..table.cells.len())
        .filter(|&i| kinds[i] == Kind::Header)
        .filter_map(year_of)
        .max();
    let first_cell = table.cells.iter().map(|c| c.text.start).min().unwrap_or(0);
    let context = context_before(text, first_cell);
    let table_disclosure = page_disclosure || DISCLOSURE.is_match(context);
    let table_unit = CAPTION_UNIT
        .captures(context)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str());
    for r in 0..table.rows {
        // The block of column headers above this row; rows before the first figure have none
        // (and no figure to read).
        let block = blocks.partition_point(|(first, _)| *first <= r);
        let Some((_, column_headers)) = block.checked_sub(1).and_then(|b| blocks.get(b)) else {
            continue;
        };
        if out.budget == 0 {
            return;
        }
        let mut row_headers: Vec<usize> = Vec::new();
        let mut after_value = false;
        for (c, column_headers) in column_headers.iter().enumerate() {
            let Some((i, kind)) = kind_at(r, c) else {
                continue;
            };
            let Some(cell) = table.cells.get(i) else {
                continue;
            };
            // Each cell once: on its own top-left slot for a value, on any slot for a header of
            // this row (a rowspan header from above is this row's too).
            match kind {
                Kind::Header => {
                    if after_value {
                        row_headers.clear();
                        after_value = false;
                    }
                    if row_headers.last() != Some(&i) {
                        row_headers.push(i);
                    }
                }
                Kind::Value if cell.row == r && cell.column == c => {
                    after_value = true;
                    let columns = column_headers;
                    let rows = nearest(row_headers.clone());
                    if latest_year.is_some_and(|latest| {
                        columns
                            .iter()
                            .chain(&rows)
                            .any(|&h| year_of(h).is_some_and(|y| y != latest))
                    }) {
                        continue;
                    }
                    let headers = |order: &[&[usize]]| -> Vec<&Header> {
                        order
                            .iter()
                            .flat_map(|h| h.iter())
                            .filter_map(|&h| said.get(h)?.as_ref())
                            .collect()
                    };
                    let rows_first = headers(&[&rows, columns]);
                    // The unit the nearest header names (a column's over a row's), whatever
                    // the order the headers are said in.
                    let unit = rows_first.iter().rev().find_map(|h| h.unit).or(table_unit);
                    let mut orders = vec![rows_first];
                    if !rows.is_empty() && !columns.is_empty() {
                        orders.push(headers(&[columns, &rows]));
                    }
                    for (n, order) in orders.iter().enumerate() {
                        let joined =
                            |o: &[&Header]| o.iter().map(|h| h.words.as_str()).collect::<String>();
                        if n == 1 && joined(order) == joined(&orders[0]) {
                            continue; // the same words either way
                        }
                        if let Some(statement) = statement(
                            order,
                            cell_text(i),
                            cell.text.clone(),
                            table_disclosure,
                            unit,
                        ) {
                            out.push(statement);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The last [`MAX_HEADERS`] of a list of headers, outermost first.
fn nearest(mut headers: Vec<usize>) -> Vec<usize> {
    let extra = headers.len().saturating_sub(MAX_HEADERS);
    headers.drain(..extra);
    headers
}

/// The up to three lines before a table (its caption, the heading above it), at most
/// [`CONTEXT_BYTES`].
fn context_before(text: &str, at: usize) -> &str {
    let at = floor_boundary(text, at);
    let from = floor_boundary(text, at.saturating_sub(CONTEXT_BYTES));
    let before = &text[from..at];
    let start = before
        .trim_end()
        .rmatch_indices('\n')
        .nth(2)
        .map_or(0, |(i, _)| i + 1);
    &before[start..]
}

/// A statement from a cell's headers, or `None` when it has none or one names a comparison.
fn statement(
    headers: &[&Header],
    value: &str,
    cell: Range<usize>,
    table_disclosure: bool,
    unit: Option<&str>,
) -> Option<Statement> {
    if headers.is_empty() || headers.iter().any(|h| h.comparison) {
        return None;
    }
    let mut said = String::new();
    for header in headers {
        said.push_str(&header.words);
    }
    let disclosure = table_disclosure || DISCLOSURE.is_match(&said);
    if disclosure && !said.contains("公开") {
        said.insert_str(0, "政府信息公开");
    }
    let cell_start = said.len();
    said.push_str(value);
    let cell_in_text = cell_start..said.len();
    let has_unit = value.ends_with(|c: char| !c.is_ascii_digit());
    if let Some(unit) = unit.filter(|_| !has_unit) {
        said.push_str(unit);
    }
    Some(Statement {
        text: said,
        cell_in_text,
        cell,
        disclosure,
    })
}

/// A header cell as a statement says it.
#[derive(Debug, Clone)]
struct Header {
    words: String,
    unit: Option<&'static str>,
    /// It heads a comparison (上年, 同比): no figure under it is this year's.
    comparison: bool,
}

impl Header {
    fn of(cell: &str) -> Header {
        // A row's number (`<th>2</th>`) names no subject.
        let (words, unit) = if cell.bytes().all(|b| b.is_ascii_digit()) {
            (String::new(), None)
        } else {
            header_words(cell)
        };
        Header {
            words,
            unit,
            comparison: COMPARISON.is_match(cell),
        }
    }
}

/// A header as words of a statement, and the unit it names: the list number and the unit mark
/// go, a count's `数`/`数量` gives way to the measure word after the figure (`本年制发件数` →
/// `本年制发` … `件`; `行政复议案件数` → `行政复议案件` … `件`), a rate names `%`.
fn header_words(header: &str) -> (String, Option<&'static str>) {
    let mut words = header.trim().to_string();
    if let Some(m) = ENUMERATOR.captures(&words).and_then(|c| c.get(0)) {
        words.replace_range(..m.end(), "");
    }
    let mut unit = None;
    if let Some(caps) = UNIT_MARK.captures(&words) {
        unit = caps.get(1).map(|m| static_unit(m.as_str()));
        if let Some(m) = caps.get(0) {
            words.replace_range(m.range(), "");
        }
    }
    let words = words.trim().to_string();
    if let Some(caps) = MEASURE_COUNT.captures(&words) {
        let measure = caps.get(1).map_or("", |m| m.as_str());
        let start = caps.get(0).map_or(words.len(), |m| m.start());
        // `案件数`: 件 belongs to the noun 案件, which stays.
        let keep = if words[..start].ends_with('案') {
            start + measure.len()
        } else {
            start
        };
        return (
            words[..keep].to_string(),
            unit.or(Some(static_unit(measure))),
        );
    }
    if let Some(m) = BARE_COUNT.captures(&words).and_then(|c| c.get(0)) {
        return (words[..m.start()].to_string(), unit);
    }
    if words.ends_with('率') {
        return (words, unit.or(Some("%")));
    }
    (words, unit)
}

/// The unit as a `'static` string (the regexes' alternatives).
fn static_unit(unit: &str) -> &'static str {
    const UNITS: [&str; 20] = [
        "%", "件", "条", "次", "人次", "人", "个", "项", "家", "宗", "起", "卷", "场", "份", "篇",
        "元", "万元", "亿元", "户", "名",
    ];
    UNITS.iter().find(|u| **u == unit).copied().unwrap_or("")
}

/// Candidates from the document's tables: for each numeric cell's statements, each pattern of a
/// count, amount or percent fact whose value is exactly the cell's figure. `(fact, candidate)`
/// pairs, the candidate's quote the cell, its value range the figure inside the cell.
fn table_candidates<'r>(
    ruleset: &'r RuleSet,
    document: &Document,
    structure: &Structure,
) -> Vec<(&'r str, Candidate)> {
    let extractor = &ruleset.extractor;
    let mut found: Vec<(&'r str, Candidate)> = Vec::new();
    // (fact, cell start): a cell gives a fact once, whichever order of its headers matched.
    let mut seen: HashSet<(&str, usize)> = HashSet::new();
    let mut admission = Admission::default();
    for statement in statements(document) {
        let part = structure.part_at(statement.cell.start);
        let indices = extractor.admitted(&statement.text, &mut admission);
        for index in indices {
            let Some(compiled) = extractor.patterns.get(index) else {
                continue;
            };
            let Some(decl) = ruleset.facts.get(&compiled.fact) else {
                continue;
            };
            if compiled.mention
                || !matches!(
                    decl.ty,
                    FactType::Count | FactType::Amount | FactType::Percent
                )
                || !part.within(default_scope(decl))
                || seen.contains(&(compiled.fact.as_str(), statement.cell.start))
            {
                continue;
            }
            // A pattern too large to compile is reported where prose needs it.
            let Ok(Some(pattern::Found {
                whole,
                value: Some(value),
            })) = compiled.find_at(&statement.text, 0)
            else {
                continue;
            };
            // The figure must be the cell's, not a number in a header; a disclosure table's
            // figure only feeds a fact whose wording names disclosure.
            let in_cell = statement.cell_in_text.start <= value.start
                && value.end <= statement.cell_in_text.end;
            if !in_cell
                || (statement.disclosure && !names_disclosure(&statement.text[whole.clone()]))
            {
                continue;
            }
            let Some(mut candidate) = read_value(&statement.text, decl.ty, value.clone(), whole)
            else {
                continue;
            };
            let shift = |at: usize| statement.cell.start + (at - statement.cell_in_text.start);
            candidate.quote = statement.cell.clone();
            candidate.value_range = Some(shift(value.start)..shift(value.end));
            seen.insert((compiled.fact.as_str(), statement.cell.start));
            found.push((compiled.fact.as_str(), candidate));
        }
    }
    found
}

/// Reads the document's tables into `candidates`: a pattern's match whose figure lies in a
/// numeric cell gives way (the running text gives the figure a neighbour's subject), and the
/// cells' own statements are added.
pub(super) fn read_cells<'r>(
    ruleset: &'r RuleSet,
    document: &Document,
    structure: &Structure,
    candidates: &mut IndexMap<&'r str, Vec<Candidate>>,
) {
    if document.tables.is_empty() {
        return;
    }
    let cells = numeric_cells(document);
    for list in candidates.values_mut() {
        list.retain(|c| !c.value_range.as_ref().is_some_and(|v| in_cell(&cells, v)));
    }
    for (fact, candidate) in table_candidates(ruleset, document, structure) {
        candidates.entry(fact).or_default().push(candidate);
    }
}

/// The numeric cells of all tables, sorted by start.
fn numeric_cells(document: &Document) -> Vec<Range<usize>> {
    let text = document.text.as_str();
    let mut cells: Vec<Range<usize>> = document
        .tables
        .iter()
        .flat_map(|t| t.cells.iter())
        .filter(|c| {
            text.get(c.text.clone())
                .is_some_and(|t| kind(t) == Kind::Value)
        })
        .map(|c| c.text.clone())
        .collect();
    cells.sort_by_key(|c| c.start);
    cells
}

/// Whether `range` lies inside one of the sorted `cells` (numeric cells do not overlap but
/// for identical ranges of nested tables, so the last one starting before is the one).
fn in_cell(cells: &[Range<usize>], range: &Range<usize>) -> bool {
    let i = cells.partition_point(|c| c.start <= range.start);
    i.checked_sub(1)
        .and_then(|i| cells.get(i))
        .is_some_and(|c| range.end <= c.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_their_unit() {
        assert_eq!(
            header_words("本年制发件数"),
            ("本年制发".into(), Some("件"))
        );
        assert_eq!(
            header_words("行政复议案件数"),
            ("行政复议案件".into(), Some("件"))
        );
        assert_eq!(header_words("收案数(件)"), ("收案".into(), Some("件")));
        assert_eq!(
            header_words("一、本年新收政府信息公开申请数量"),
            ("本年新收政府信息公开申请".into(), None)
        );
        assert_eq!(header_words("纠错率"), ("纠错率".into(), Some("%")));
        assert_eq!(header_words("(三)不予公开"), ("不予公开".into(), None));
    }

    #[test]
    fn cells_are_figures_headers_or_neither() {
        assert_eq!(kind("393"), Kind::Value);
        assert_eq!(kind("1,234件"), Kind::Value);
        assert_eq!(kind("98.5%"), Kind::Value);
        assert_eq!(kind("2024年"), Kind::Header);
        assert_eq!(kind("2024"), Kind::Header);
        assert_eq!(kind("行政复议"), Kind::Header);
        assert_eq!(kind(""), Kind::Other);
        assert_eq!(kind(&"很长的段落".repeat(10)), Kind::Other);
    }
}
