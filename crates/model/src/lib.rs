//! The record model of recount: the one vocabulary every stage speaks.
//!
//! `Incident` serialises to exactly one line of `recount export --format jsonl`
//! (see `shared/schema/incident.schema.json`); the other types are the pieces it is
//! built from. This crate holds data and small pure helpers only: no I/O.

mod date;
pub mod facets;
mod incident;
mod report;

pub use date::{DateParseError, PartialDate, Precision};
pub use incident::{
    Claim, Figure, FigureKind, Flag, Incident, IncidentType, Organization, Place, PlaceLevel,
    Qualifier, Related, SourceRef, Speaker, Superseded,
};
pub use report::{ClaimDraft, Document, Report};
