//! A flat CSV of incidents: one row each, every figure spread over three columns.
//!
//! Columns, in order: `id, type, date, date_end, sector, mechanism, grievance, country,
//! adcode, level, place, place_en, lat, lon`, then `<kind>_best, <kind>_low, <kind>_high`
//! for each kind in [`FigureKind::ALL`] (dead first, amount_cny last), then `flags`,
//! `sources`, `organizations`, `title`, `title_zh`.
//!
//! Absent values are empty cells. List cells (`flags`, `sources` as document ids,
//! `organizations` as names) are joined with `;`; a name that itself contains `;` is not
//! escaped, so read the JSON Lines export when lists must round-trip exactly. Claims,
//! quotes and related incidents are not in this table: it is a summary, and the JSON
//! Lines export is the full record. Cells are written verbatim (no spreadsheet-formula
//! neutralising), since the CSV is for machines first.

use crate::ExportError;
use recount_model::{FigureKind, Incident};
use std::borrow::Borrow;
use std::io::Write;

const FORMAT: &str = "csv";

/// Columns before the figure columns.
const LEADING: [&str; 14] = [
    "id",
    "type",
    "date",
    "date_end",
    "sector",
    "mechanism",
    "grievance",
    "country",
    "adcode",
    "level",
    "place",
    "place_en",
    "lat",
    "lon",
];

/// Columns after the figure columns.
const TRAILING: [&str; 5] = ["flags", "sources", "organizations", "title", "title_zh"];

/// The header row of [`write_csv`], in column order.
///
/// Built at run time because the figure columns follow [`FigureKind::ALL`]: a new figure
/// kind in the model gets its three columns without a change here.
pub fn csv_header() -> Vec<String> {
    let mut header: Vec<String> = LEADING.iter().map(|c| c.to_string()).collect();
    for kind in FigureKind::ALL {
        for part in ["best", "low", "high"] {
            header.push(format!("{kind}_{part}"));
        }
    }
    header.extend(TRAILING.iter().map(|c| c.to_string()));
    header
}

/// Writes incidents one at a time as rows of the flat CSV.
///
/// The header is written by [`CsvWriter::new`], so an export of no incidents is still a
/// valid, self-describing file. The `csv` crate buffers output (8 KiB); call
/// [`CsvWriter::finish`] to flush it and see a failed final write.
pub struct CsvWriter<W: Write> {
    out: csv::Writer<W>,
    count: usize,
}

impl<W: Write> CsvWriter<W> {
    /// Starts a CSV export and writes the header row.
    pub fn new(out: W) -> Result<Self, ExportError> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(csv_header())
            .map_err(|e| ExportError::from_csv(FORMAT, None, e))?;
        Ok(CsvWriter { out, count: 0 })
    }

    /// Appends one incident as one row. Cost: a few small string allocations for the
    /// numeric and joined cells.
    pub fn write(&mut self, incident: &Incident) -> Result<(), ExportError> {
        let err = |e| ExportError::from_csv(FORMAT, Some(&incident.id), e);
        for cell in row(incident) {
            self.out.write_field(cell).map_err(err)?;
        }
        self.out.write_record(None::<&[u8]>).map_err(err)?;
        self.count += 1;
        Ok(())
    }

    /// How many incident rows have been written so far (the header not counted).
    pub fn count(&self) -> usize {
        self.count
    }

    /// Flushes the buffer and hands back the underlying writer.
    pub fn finish(self) -> Result<W, ExportError> {
        self.out
            .into_inner()
            .map_err(|e| ExportError::write(FORMAT, None, e.into_error()))
    }
}

/// Writes the header and one row per incident; returns how many rows were written.
///
/// Accepts `&Incident` or owned `Incident` items; memory stays at one row plus the CSV
/// buffer. Stops at the first failure.
pub fn write_csv<W, I>(out: W, incidents: I) -> Result<usize, ExportError>
where
    W: Write,
    I: IntoIterator,
    I::Item: Borrow<Incident>,
{
    let mut writer = CsvWriter::new(out)?;
    for incident in incidents {
        writer.write(incident.borrow())?;
    }
    let count = writer.count();
    writer.finish()?;
    Ok(count)
}

/// The cells of one incident, in [`csv_header`] order.
fn row(inc: &Incident) -> Vec<String> {
    let place = inc.location.as_ref();
    let text = |s: Option<&String>| s.cloned().unwrap_or_default();
    let mut cells = vec![
        inc.id.clone(),
        inc.kind.to_string(),
        inc.date.map(|d| d.to_string()).unwrap_or_default(),
        inc.date_end.map(|d| d.to_string()).unwrap_or_default(),
        text(inc.sector.as_ref()),
        text(inc.mechanism.as_ref()),
        text(inc.grievance.as_ref()),
        place.map(|p| p.country.clone()).unwrap_or_default(),
        text(place.and_then(|p| p.adcode.as_ref())),
        place.map(|p| p.level.to_string()).unwrap_or_default(),
        text(place.and_then(|p| p.name.as_ref())),
        text(place.and_then(|p| p.name_en.as_ref())),
        number(place.and_then(|p| p.lat)),
        number(place.and_then(|p| p.lon)),
    ];
    for kind in FigureKind::ALL {
        let figure = inc.figures.get(kind);
        cells.push(number(figure.and_then(|f| f.best)));
        cells.push(number(figure.and_then(|f| f.low)));
        cells.push(number(figure.and_then(|f| f.high)));
    }
    cells.push(join(inc.flags.iter().map(|f| f.as_str())));
    cells.push(join(inc.sources.iter().map(|s| s.doc.as_str())));
    cells.push(join(inc.organizations.iter().map(|o| o.name.as_str())));
    cells.push(inc.title.clone());
    cells.push(text(inc.title_zh.as_ref()));
    cells
}

/// An optional number as a cell: empty when absent, shortest round-trip form otherwise.
pub(crate) fn number<N: ToString>(n: Option<N>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_has_three_columns_per_figure_kind() {
        let header = csv_header();
        assert_eq!(
            header.len(),
            LEADING.len() + 3 * FigureKind::ALL.len() + TRAILING.len()
        );
        assert_eq!(header[14], "dead_best");
        assert_eq!(header[15], "dead_low");
        assert_eq!(header[16], "dead_high");
        assert_eq!(header.last().map(String::as_str), Some("title_zh"));
    }

    #[test]
    fn absent_numbers_are_empty_cells() {
        assert_eq!(number::<i64>(None), "");
        assert_eq!(number(Some(53)), "53");
        assert_eq!(number(Some(38.5_f64)), "38.5");
    }
}
