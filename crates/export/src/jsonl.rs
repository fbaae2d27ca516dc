//! JSON Lines: one incident per line, exactly as `incident.schema.json` describes.
//!
//! The line is the model's own serde form, so this module adds nothing to the record:
//! whatever `recount_model::Incident` serialises to is the contract.

use crate::ExportError;
use recount_model::Incident;
use std::borrow::Borrow;
use std::io::{BufWriter, Write};

const FORMAT: &str = "jsonl";

/// Writes incidents one at a time as JSON Lines.
///
/// Output goes through an 8 KiB buffer, so an unbuffered `File` or socket is fine; call
/// [`JsonlWriter::finish`] to flush it and learn of a failed final write (dropping the
/// writer flushes too, but swallows that error). Memory: the buffer, nothing per incident.
pub struct JsonlWriter<W: Write> {
    out: BufWriter<W>,
    count: usize,
}

impl<W: Write> JsonlWriter<W> {
    /// Starts a JSON Lines export; writes nothing until the first incident.
    pub fn new(out: W) -> Self {
        JsonlWriter {
            out: BufWriter::new(out),
            count: 0,
        }
    }

    /// Appends one incident as one compact line. Cost: one serialisation, no allocation
    /// beyond what `serde_json` needs for escaping.
    pub fn write(&mut self, incident: &Incident) -> Result<(), ExportError> {
        serde_json::to_writer(&mut self.out, incident).map_err(|e| {
            if e.is_io() {
                ExportError::write(FORMAT, Some(&incident.id), e.into())
            } else {
                ExportError::Json {
                    incident: incident.id.clone(),
                    source: e,
                }
            }
        })?;
        self.out
            .write_all(b"\n")
            .map_err(|e| ExportError::write(FORMAT, Some(&incident.id), e))?;
        self.count += 1;
        Ok(())
    }

    /// How many incidents have been written so far.
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

/// Writes every incident as one JSON line and returns how many were written.
///
/// Accepts `&Incident` or owned `Incident` items, so a cursor that yields records one by
/// one streams straight through; memory stays at one record plus an 8 KiB buffer. Stops
/// at the first failure, having written every line before it.
pub fn write_jsonl<W, I>(out: W, incidents: I) -> Result<usize, ExportError>
where
    W: Write,
    I: IntoIterator,
    I::Item: Borrow<Incident>,
{
    let mut writer = JsonlWriter::new(out);
    for incident in incidents {
        writer.write(incident.borrow())?;
    }
    let count = writer.count();
    writer.finish()?;
    Ok(count)
}
