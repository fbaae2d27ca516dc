//! Documents as archived, and reports: what one passage says about one event.

use crate::{FigureKind, IncidentType, Organization, PartialDate, Place, Qualifier, Speaker};
use serde::{Deserialize, Serialize};

/// One archived original and what is known about where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The file name for files, the item link for feed items, the `id` of a JSON Lines record.
    pub id: String,
    /// Hex sha256 of the exact archived bytes.
    pub sha256: String,
    pub media_type: String,
    /// When recount fetched or read it (RFC 3339).
    pub fetched_at: String,
    pub published: Option<PartialDate>,
    pub source: Option<String>,
    pub lang: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub size: u64,
    /// For files: the day the file was last modified, the fallback date of a document
    /// that states none (not part of the archived original's log leaf).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<PartialDate>,
}

/// A number as one passage states it, before it is tied to an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimDraft {
    pub kind: FigureKind,
    pub value: i64,
    pub qualifier: Qualifier,
    pub value_max: Option<i64>,
    pub attributed_to: Speaker,
    /// The text says this number was concealed, lowered or "reported only".
    pub disputed: bool,
    pub quote: String,
}

/// What one passage of one document says about one event.
///
/// Extraction produces reports; resolution groups reports of the same event into
/// an incident. `key` identifies the report independently of ingest order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Stable key: document sha256 and the event's position in that document.
    pub key: String,
    pub doc: String,
    pub kind: IncidentType,
    pub sector: Option<String>,
    pub mechanism: Option<String>,
    pub grievance: Option<String>,
    pub date: Option<PartialDate>,
    pub date_end: Option<PartialDate>,
    /// The date was guessed (no year in the text, or relative with no anchor).
    pub date_uncertain: bool,
    pub place: Option<Place>,
    pub place_uncertain: bool,
    pub organizations: Vec<Organization>,
    pub claims: Vec<ClaimDraft>,
    /// When the claims were made: the publication date of the document.
    pub as_of: Option<PartialDate>,
    pub title: String,
    pub lang: String,
    /// The sentences the event was read from.
    pub quote: String,
    /// Words that tie this report to others (mine names, distinctive terms), lower-cased.
    pub keys: Vec<String>,
}
