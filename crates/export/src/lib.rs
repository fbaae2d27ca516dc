//! Writers that stream incident records out of recount.
//!
//! Three formats, one module each, all writing to any [`std::io::Write`]:
//!
//! - [`jsonl`]: one compact JSON object per line, exactly the record of
//!   `shared/schema/incident.schema.json` (the model's serde form, not a second model).
//! - [`table`]: a flat CSV with one row per incident and `best`/`low`/`high` columns for
//!   every figure, for spreadsheets and data frames.
//! - [`acled`]: a CSV with ACLED's column names, so incidents can be read beside ACLED
//!   event data; the mapping is documented in the module and in `docs/acled-mapping.md`.
//!
//! Every writer is streaming: it holds one incident's output at a time plus a fixed-size
//! buffer, never the whole export, so memory stays flat however many incidents pass
//! through. Each format has a push-style writer (`JsonlWriter`, `CsvWriter`,
//! `AcledWriter`) for callers that produce incidents one by one (a database cursor, a
//! callback), and a `write_*` function for callers that hold an iterator. The functions
//! accept both `&Incident` and owned `Incident` items.
//!
//! This crate does no I/O of its own beyond the writer it is given: no files, no clock.

#![warn(missing_docs)]

pub mod acled;
mod country;
mod error;
pub mod jsonl;
pub mod table;
pub mod warc;

pub use acled::{write_acled_csv, AcledWriter, AdminNames, NoAdminNames, ACLED_COLUMNS};
pub use error::ExportError;
pub use jsonl::{write_jsonl, JsonlWriter};
pub use table::{csv_header, write_csv, CsvWriter};
pub use warc::{WarcInfo, WarcWriter};
