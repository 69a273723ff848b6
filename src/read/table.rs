//! Tables as the reader finds them: cells laid on a grid (row and column spans resolved), each
//! with its byte range in the document's normalized text.
//!
//! The text of a table stays in `Document::text` as before (a row per line, cells separated by a
//! space), so everything that reads prose still does; the table model only says which part of
//! that text is which cell, so that extraction can give a figure its row and column headers as
//! subject and quote the cell. The reader records where cells start and end while it writes the
//! intermediate text (the stripped page, the docx body text); [`TableBuilder::finish`] lays them
//! on the grid and maps their ranges into the normalized text.
//!
//! Limits keep hostile markup linear: a span is at most [`MAX_SPAN`], and the grid slots of all
//! the tables of a document together are at most [`slot_budget`] of its length — a table past
//! the budget is left out of the model (its text is still read as prose).

use std::ops::Range;

use super::offsets::OffsetMap;

/// Lays out the tables a reader recorded, in document order, within the document's budget.
pub(crate) fn finish_all(mut raw: Vec<TableBuilder>, map: &OffsetMap, text: &str) -> Vec<Table> {
    raw.sort_by_key(TableBuilder::start);
    let mut budget = slot_budget(text.len());
    raw.into_iter()
        .filter_map(|builder| builder.finish(map, text, &mut budget))
        .collect()
}

/// Largest row or column span taken from the markup (HTML allows 1,000 columns).
pub const MAX_SPAN: usize = 1000;

/// Grid slots all the tables of a document may have together, for a normalized text of
/// `text_len` bytes: a cell is at least a few bytes of markup, so real tables stay far below.
pub fn slot_budget(text_len: usize) -> usize {
    text_len.saturating_mul(4).saturating_add(10_000)
}

/// A table: its cells once each, in document order, and the grid they cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub cells: Vec<Cell>,
    pub rows: usize,
    pub columns: usize,
    /// Row-major, `rows × columns`: the index in `cells` + 1 of the cell covering each slot, 0
    /// where no cell does (a short row).
    grid: Vec<u32>,
}

/// One cell of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The cell's text in `Document::text`, trimmed (empty for an empty cell).
    pub text: Range<usize>,
    /// Top-left slot of the cell on the grid.
    pub row: usize,
    pub column: usize,
    pub row_span: usize,
    pub column_span: usize,
    /// Marked as a header by the markup: `<th>`, a cell of `<thead>`, a docx row repeated as
    /// the table header (`w:tblHeader`).
    pub header: bool,
}

impl Table {
    /// The cell covering a slot of the grid.
    pub fn cell_at(&self, row: usize, column: usize) -> Option<&Cell> {
        if row >= self.rows || column >= self.columns {
            return None;
        }
        let index = *self.grid.get(row * self.columns + column)?;
        self.cells.get(usize::try_from(index).ok()?.checked_sub(1)?)
    }

    /// The index in `cells` of the cell covering a slot.
    pub fn index_at(&self, row: usize, column: usize) -> Option<usize> {
        if row >= self.rows || column >= self.columns {
            return None;
        }
        let index = *self.grid.get(row * self.columns + column)?;
        usize::try_from(index).ok()?.checked_sub(1)
    }
}

/// A cell as the markup gives it, its range in the intermediate text.
#[derive(Debug, Clone)]
struct RawCell {
    range: Range<usize>,
    row_span: usize,
    column_span: usize,
    header: bool,
    /// A docx `<w:vMerge/>` without `restart`: the cell above goes on down through this one.
    continues_above: bool,
}

/// One table under construction, as rows of cells in the intermediate text's coordinates.
#[derive(Debug, Default)]
pub(crate) struct TableBuilder {
    rows: Vec<Vec<RawCell>>,
    open: Option<RawCell>,
}

/// How a cell starts: its spans and whether it is a header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CellStart {
    pub row_span: usize,
    pub column_span: usize,
    pub header: bool,
    pub continues_above: bool,
}

impl Default for CellStart {
    fn default() -> Self {
        CellStart {
            row_span: 1,
            column_span: 1,
            header: false,
            continues_above: false,
        }
    }
}

impl TableBuilder {
    /// Starts a row (closing an open cell at `at`).
    pub(crate) fn start_row(&mut self, at: usize) {
        self.end_cell(at);
        self.rows.push(Vec::new());
    }

    /// Starts a cell whose text begins at `at` (closing an open one there).
    pub(crate) fn start_cell(&mut self, at: usize, start: CellStart) {
        self.end_cell(at);
        if self.rows.is_empty() {
            self.rows.push(Vec::new());
        }
        self.open = Some(RawCell {
            range: at..at,
            row_span: start.row_span.clamp(1, MAX_SPAN),
            column_span: start.column_span.clamp(1, MAX_SPAN),
            header: start.header,
            continues_above: start.continues_above,
        });
    }

    /// Where the first cell starts in the intermediate text: tables are put in document order.
    pub(crate) fn start(&self) -> usize {
        self.rows
            .iter()
            .flatten()
            .map(|c| c.range.start)
            .next()
            .unwrap_or(usize::MAX)
    }

    /// Sets the column span of the open cell (a docx `<w:gridSpan>` comes after the cell's start).
    pub(crate) fn set_column_span(&mut self, span: usize) {
        if let Some(cell) = &mut self.open {
            cell.column_span = span.clamp(1, MAX_SPAN);
        }
    }

    /// Marks the open cell as the continuation of the one above (docx `<w:vMerge/>`).
    pub(crate) fn set_continues_above(&mut self) {
        if let Some(cell) = &mut self.open {
            cell.continues_above = true;
        }
    }

    /// Ends the open cell, if any, at `at`.
    pub(crate) fn end_cell(&mut self, at: usize) {
        if let Some(mut cell) = self.open.take() {
            cell.range.end = at.max(cell.range.start);
            if let Some(row) = self.rows.last_mut() {
                row.push(cell);
            }
        }
    }

    /// Lays the cells on the grid and maps their ranges through `map` (normalized text →
    /// intermediate text) into `text`. `budget` is the grid slots still allowed; `None` when the
    /// table has no cell or would take more than the budget. A cell that rowspans from above
    /// push past twice the widest row is cut off (only hostile markup does that).
    pub(crate) fn finish(self, map: &OffsetMap, text: &str, budget: &mut usize) -> Option<Table> {
        let rows = self.rows.len();
        // Columns a row needs, spans included, before rowspans from above are known: an upper
        // bound is enough to refuse a table over budget without laying it out.
        let widest = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.column_span).sum::<usize>())
            .max()
            .unwrap_or(0);
        let cells_total: usize = self.rows.iter().map(Vec::len).sum();
        if cells_total == 0 {
            return None;
        }
        // Rowspans can push a row's cells right by at most the widest row again.
        let bound = rows.checked_mul(widest.checked_mul(2)?)?;
        if bound > *budget {
            return None;
        }
        let columns = widest.saturating_mul(2);
        let mut grid = vec![0u32; bound];
        let mut cells: Vec<Cell> = Vec::with_capacity(cells_total);
        for (r, row) in self.rows.into_iter().enumerate() {
            let mut c = 0;
            for raw in row {
                while c < columns && grid[r * columns + c] != 0 {
                    c += 1;
                }
                if c >= columns {
                    break;
                }
                let column_span = raw.column_span.min(columns - c);
                let above = r.checked_sub(1).map_or(0, |up| grid[up * columns + c]);
                let index = if raw.continues_above && above != 0 {
                    // Only the vertical merge counts: the continuing cell's own text is empty.
                    let i = usize::try_from(above - 1).ok()?;
                    let cell = cells.get_mut(i)?;
                    cell.row_span = r + 1 - cell.row;
                    above
                } else {
                    let row_span = raw.row_span.min(rows - r);
                    let text_range = text_range(map, text, raw.range);
                    cells.push(Cell {
                        text: text_range,
                        row: r,
                        column: c,
                        row_span,
                        column_span,
                        header: raw.header,
                    });
                    u32::try_from(cells.len()).ok()?
                };
                let row_span = cells
                    .get(usize::try_from(index - 1).ok()?)
                    .map_or(1, |cell| if cell.row == r { cell.row_span } else { 1 });
                for dr in 0..row_span {
                    for dc in 0..column_span {
                        if let Some(slot) = grid.get_mut((r + dr) * columns + c + dc) {
                            if *slot == 0 {
                                *slot = index;
                            }
                        }
                    }
                }
                c += column_span;
            }
        }
        // Trim the columns no cell reached.
        let used = (0..columns)
            .rev()
            .find(|&c| (0..rows).any(|r| grid[r * columns + c] != 0))
            .map_or(0, |c| c + 1);
        let grid: Vec<u32> = if used == columns {
            grid
        } else {
            grid.chunks(columns.max(1))
                .flat_map(|row| row.iter().take(used).copied())
                .collect()
        };
        *budget -= grid.len();
        Some(Table {
            cells,
            rows,
            columns: used,
            grid,
        })
    }
}

/// The trimmed range of `text` whose characters come from `source` (intermediate) range.
fn text_range(map: &OffsetMap, text: &str, source: Range<usize>) -> Range<usize> {
    let range = map.text_range(source);
    let start = range.start.min(text.len());
    let end = range.end.clamp(start, text.len());
    let Some(inner) = text.get(start..end) else {
        return start..start;
    };
    let trimmed_start = inner.len() - inner.trim_start().len();
    let trimmed = inner.trim();
    start + trimmed_start..start + trimmed_start + trimmed.len()
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use crate::read::offsets::MapBuilder;

    /// An identity map over `text`.
    fn identity(text: &str) -> OffsetMap {
        let mut b = MapBuilder::default();
        b.copy(text, 0..text.len());
        b.finish().1
    }

    fn cell(b: &mut TableBuilder, text: &str, at: &mut usize, start: CellStart) {
        b.start_cell(*at, start);
        *at += text.len();
        b.end_cell(*at);
        *at += 1;
    }

    #[test]
    fn lays_spans_on_the_grid() {
        // | A (rowspan 2) | B (colspan 2)  |
        // |               | C     | D      |
        let text = "A B C D";
        let map = identity(text);
        let mut b = TableBuilder::default();
        let mut at = 0;
        b.start_row(at);
        cell(
            &mut b,
            "A",
            &mut at,
            CellStart {
                row_span: 2,
                ..CellStart::default()
            },
        );
        cell(
            &mut b,
            "B",
            &mut at,
            CellStart {
                column_span: 2,
                ..CellStart::default()
            },
        );
        b.start_row(at);
        cell(&mut b, "C", &mut at, CellStart::default());
        cell(&mut b, "D", &mut at, CellStart::default());
        b.end_cell(at);
        let mut budget = 100;
        let table = b.finish(&map, text, &mut budget);
        let Some(table) = table else {
            panic!("no table")
        };
        assert_eq!((table.rows, table.columns), (2, 3));
        let at = |r, c| table.cell_at(r, c).map(|c| &text[c.text.clone()]);
        assert_eq!(
            [at(0, 0), at(0, 1), at(0, 2), at(1, 0), at(1, 1), at(1, 2)],
            [
                Some("A"),
                Some("B"),
                Some("B"),
                Some("A"),
                Some("C"),
                Some("D")
            ]
        );
        assert_eq!(budget, 100 - 6);
    }

    #[test]
    fn a_vertical_merge_continues_the_cell_above() {
        let text = "A B C";
        let map = identity(text);
        let mut b = TableBuilder::default();
        let mut at = 0;
        b.start_row(at);
        cell(&mut b, "A", &mut at, CellStart::default());
        cell(&mut b, "B", &mut at, CellStart::default());
        b.start_row(at);
        let merged = CellStart {
            continues_above: true,
            ..CellStart::default()
        };
        b.start_cell(at, merged);
        b.end_cell(at);
        cell(&mut b, "C", &mut at, CellStart::default());
        b.end_cell(at);
        let Some(table) = b.finish(&map, text, &mut 100) else {
            panic!("no table")
        };
        assert_eq!(table.cells.len(), 3);
        assert_eq!(table.cells[0].row_span, 2);
        assert_eq!(table.index_at(1, 0), Some(0));
        assert_eq!(
            table.cell_at(1, 1).map(|c| &text[c.text.clone()]),
            Some("C")
        );
    }

    #[test]
    fn a_table_over_budget_is_left_out() {
        let text = "A";
        let map = identity(text);
        let mut b = TableBuilder::default();
        b.start_row(0);
        b.start_cell(
            0,
            CellStart {
                column_span: 100_000,
                ..CellStart::default()
            },
        );
        b.end_cell(1);
        let mut budget = 5000;
        assert!(b.finish(&map, text, &mut budget).is_some());
        assert_eq!(
            budget,
            5000 - MAX_SPAN,
            "the span is cut to the largest allowed"
        );
        let mut b = TableBuilder::default();
        b.start_row(0);
        b.start_cell(0, CellStart::default());
        b.end_cell(1);
        let mut none = 0;
        assert!(b.finish(&map, text, &mut none).is_none());
    }
}
