//! The one error type of the export writers.

use std::io;

/// Why an export stopped, naming the format and the incident it was on.
///
/// `incident` is `None` when the failure came before or after any row: while writing
/// the CSV header or while flushing the last buffered bytes.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output refused bytes: a closed pipe, a full disk, a revoked file handle.
    #[error("writing {format} output failed {}: {source}; check that the destination is writable and has space", at(.incident))]
    Write {
        /// `jsonl`, `csv` or `acled-csv`.
        format: &'static str,
        /// Id of the incident being written, if any.
        incident: Option<String>,
        /// What the output said.
        #[source]
        source: io::Error,
    },
    /// An incident could not be turned into JSON; the record itself is malformed.
    #[error("incident {incident} could not be serialised to JSON: {source}")]
    Json {
        /// Id of the incident at fault.
        incident: String,
        /// What `serde_json` said.
        #[source]
        source: serde_json::Error,
    },
    /// The CSV encoder rejected a row for a reason other than I/O.
    #[error("{format} row {} could not be encoded: {source}", at(.incident))]
    Csv {
        /// `csv` or `acled-csv`.
        format: &'static str,
        /// Id of the incident at fault, if any.
        incident: Option<String>,
        /// What the `csv` crate said.
        #[source]
        source: csv::Error,
    },
}

fn at(incident: &Option<String>) -> String {
    match incident {
        Some(id) => format!("at incident {id}"),
        None => "at the header or final flush".to_string(),
    }
}

impl ExportError {
    /// Classifies a `csv` error: its I/O failures are reported as [`ExportError::Write`]
    /// so callers can treat a broken pipe the same in every format.
    pub(crate) fn from_csv(format: &'static str, incident: Option<&str>, err: csv::Error) -> Self {
        let incident = incident.map(str::to_string);
        if err.is_io_error() {
            match err.into_kind() {
                csv::ErrorKind::Io(source) => ExportError::Write {
                    format,
                    incident,
                    source,
                },
                // `is_io_error` promised Io; keep the error rather than panic if that changes.
                other => ExportError::Csv {
                    format,
                    incident,
                    source: csv::Error::from(io::Error::other(format!("{other:?}"))),
                },
            }
        } else {
            ExportError::Csv {
                format,
                incident,
                source: err,
            }
        }
    }

    /// Wraps an I/O error from `format`'s output.
    pub(crate) fn write(format: &'static str, incident: Option<&str>, source: io::Error) -> Self {
        ExportError::Write {
            format,
            incident: incident.map(str::to_string),
            source,
        }
    }
}
