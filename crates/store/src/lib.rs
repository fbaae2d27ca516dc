//! Storage of recount: the archive of originals, the reports read from them, and the
//! incidents they resolve to.
//!
//! [`Store`] is the interface the pipeline and the commands use; [`SqliteStore`] is the
//! embedded default and [`PgStore`] the shared server for several workers. Both run the
//! same logic (`store.rs`) over a small SQL interface (`db.rs`). A document is committed
//! in one transaction with its reports and every incident they touch, so a crash leaves
//! either all of it or none.

mod checkpointer;
mod db;
mod derived;
mod duplicates;
mod log;
mod postgres;
mod review;
mod sqlite;
mod store;
mod unreadable;

pub use derived::DerivedReport;
pub use duplicates::LikelyDuplicate;
pub use log::{DocumentProof, Signer, VerifyReport};
pub use recount_ledger::{ConsistencyProof, Proof, SigningKey, VerifyingKey};
pub use recount_resolve::MATCH_THRESHOLD;

pub use postgres::PgStore;
pub use review::{apply_edit, HistoryEntry, EDITABLE};
pub use sqlite::SqliteStore;
pub use store::DERIVATION;
pub use unreadable::{on_unreadable, Unreadable};

use recount_model::{Document, Incident, IncidentType, Report};
use std::collections::BTreeSet;

/// A PostgreSQL error in words: the server's own message (the driver's display of a
/// server error is only "db error").
fn pg_message(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

/// Errors of the store, each naming what failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL error: {}", pg_message(.0))]
    Postgres(#[from] ::postgres::Error),
    #[error("cannot start the PostgreSQL client: {0}")]
    Runtime(std::io::Error),
    #[error("unexpected value in the database: {0}")]
    Column(String),
    #[error("stored record is not valid JSON ({what}): {source}")]
    Json {
        what: String,
        source: serde_json::Error,
    },
    #[error("database {path} was written by a newer recount (schema {found}, this build knows {known}); upgrade recount")]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("no incident with id {0}")]
    NoIncident(String),
    #[error("{0}")]
    BadEdit(String),
    #[error("a token named '{0}' exists already")]
    TokenExists(String),
    /// Something asked for by name or number that the store does not hold (other than
    /// an incident), such as a checkpoint of a given size.
    #[error("{0}")]
    NotFound(String),
    /// The log's rows disagree with its signed checkpoints, so no proof can be given.
    #[error("the log does not match its checkpoints: {0}")]
    Inconsistent(String),
}

/// Which incidents to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kind: Option<IncidentType>,
    /// Incidents whose date interval ends on or after this day.
    pub from: Option<chrono::NaiveDate>,
    /// Incidents whose date interval starts on or before this day.
    pub to: Option<chrono::NaiveDate>,
    /// Adcodes: an incident matches when its place lies inside any of them.
    pub adcodes: Vec<String>,
    /// ISO country codes (for places abroad).
    pub countries: Vec<String>,
    pub min_dead: Option<i64>,
    /// Words in the title (either language), an organisation's name, the place's detail
    /// or a facet; matched as a substring, case-insensitively for Latin letters.
    pub text: Option<String>,
    /// Only incidents after this one in the listing's order (keyset pagination).
    pub after: Option<Cursor>,
    pub limit: Option<usize>,
}

/// A position in the listing's order (latest first, undated last, then by id): the
/// incidents after it stay the same when others are added before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The first day of the incident's date, as `YYYY-MM-DD`.
    pub day_start: Option<String>,
    pub id: String,
}

impl Cursor {
    /// The cursor that continues a listing after this incident.
    pub fn after(incident: &Incident) -> Self {
        Cursor {
            day_start: incident.date.map(|d| d.first_day().to_string()),
            id: incident.id.clone(),
        }
    }
}

/// What an API token may do: read, also review (edit, merge, split), also manage tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Reader,
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "reader" => Ok(Role::Reader),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            other => Err(format!("'{other}' is not a role: reader, editor, admin")),
        }
    }
}

/// An API token as stored: its name (the `who` of the history rows it writes), its role,
/// and the sha256 of its secret; the secret itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// What committing one document did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitOutcome {
    /// The same bytes were archived before; nothing changed.
    pub duplicate: bool,
    pub new_incidents: usize,
    pub updated_incidents: usize,
}

/// One document waiting to be committed: its metadata, original bytes and reports.
#[derive(Debug, Clone, Copy)]
pub struct Pending<'a> {
    pub doc: &'a Document,
    pub bytes: &'a [u8],
    pub reports: &'a [Report],
}

/// An incident with everything behind it, for `recount show`.
#[derive(Debug, Clone)]
pub struct IncidentDetail {
    pub incident: Incident,
    pub reports: Vec<Report>,
    pub documents: Vec<Document>,
    /// Reviewers' edits, merges and splits, oldest first.
    pub history: Vec<HistoryEntry>,
}

/// Who made a review action, and why.
#[derive(Debug, Clone)]
pub struct Reviewer<'a> {
    pub who: &'a str,
    pub reason: &'a str,
}

/// What a re-extraction did.
#[derive(Debug, Clone, Default)]
pub struct ReextractOutcome {
    pub documents: usize,
    pub reports: usize,
    pub incidents_before: usize,
    pub incidents_after: usize,
    /// Documents whose new extraction failed: their previous reports were kept.
    pub failed: Vec<(String, String)>,
}

/// What `recount redate` did to one document id.
#[derive(Debug, Clone, Default)]
pub struct RedateOutcome {
    /// Archived versions of the document id (usually one).
    pub documents: usize,
    /// Reports before and after re-extraction with the new date.
    pub reports_before: usize,
    pub reports_after: usize,
    /// The incidents its reports now belong to.
    pub incidents: Vec<String>,
}

/// Extraction as re-extraction calls it: a document and its archived bytes in, reports out.
pub type Extractor<'a> = dyn FnMut(&Document, &[u8]) -> Result<Vec<Report>, String> + 'a;

/// One entry of the change feed: the incident with this id was written or removed.
/// `seq` grows with every change; an id can appear many times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub incident: String,
}

/// What `recount watch` keeps about one feed between polls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedState {
    pub url: String,
    /// Validators of the last fetched body, for a conditional GET.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// When the feed was last polled (RFC 3339, UTC).
    pub last_poll: Option<String>,
    /// What the last poll found: `ok: N new`, `not modified`, or the error.
    pub last_status: Option<String>,
}

/// Counts of what the store holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub documents: usize,
    pub reports: usize,
    pub incidents: usize,
}

/// Tonnes of coal produced in one province or prefecture in one year, as loaded by
/// `recount production load`. Statistics divide deaths by it (deaths per million tonnes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Production {
    /// The province's or prefecture's adcode.
    pub adcode: String,
    pub year: i32,
    pub tonnes: i64,
    /// Where the figure came from (the loaded file's name).
    pub source: Option<String>,
}

/// The storage interface of the pipeline and the commands.
pub trait Store {
    /// Which of these sha256s name documents already archived (asked together, so a
    /// batch of inputs costs one query per few dozen, not one each).
    fn archived(&self, sha256s: &[String]) -> Result<BTreeSet<String>, StoreError>;

    /// True when a document with these exact bytes is archived.
    fn has_document(&self, sha256: &str) -> Result<bool, StoreError> {
        Ok(!self.archived(&[sha256.to_string()])?.is_empty())
    }

    /// Archives a document and resolves its reports into incidents, all in one
    /// transaction. Committing the same bytes again is a no-op reported as duplicate.
    fn commit(
        &mut self,
        doc: &Document,
        bytes: &[u8],
        reports: &[Report],
    ) -> Result<CommitOutcome, StoreError>;

    /// Commits several documents, in order, sharing one transaction when they all succeed.
    /// The outcome of each is what `commit` would have given: one that fails is rolled
    /// back alone and reported in its place while the others land.
    fn commit_batch(&mut self, docs: &[Pending<'_>]) -> Vec<Result<CommitOutcome, StoreError>>;

    /// Incidents matching a filter, latest first.
    fn incidents(&self, filter: &Filter) -> Result<Vec<Incident>, StoreError>;

    /// One incident by id (or a former id), with its reports and documents.
    fn incident(&self, id: &str) -> Result<Option<IncidentDetail>, StoreError>;

    /// Every archived document's metadata, in the order archived.
    fn documents(&self) -> Result<Vec<Document>, StoreError>;

    /// One archived document's metadata by its sha256.
    fn document(&self, sha256: &str) -> Result<Option<Document>, StoreError>;

    /// The archived bytes of a document by its sha256.
    fn original(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError>;

    fn counts(&self) -> Result<Counts, StoreError>;

    /// Pairs of incidents whose reports almost merged, scoring at least `min_score` by
    /// the loose form of matching, best first, with the evidence for and against. Pairs
    /// a reviewer split apart are left out.
    fn likely_duplicates(&self, min_score: i32) -> Result<Vec<LikelyDuplicate>, StoreError>;

    /// Sets one field of an incident; the edit is replayed on every rebuild.
    /// Returns the incident's id after the edit.
    fn edit(
        &mut self,
        id: &str,
        field: &str,
        value: &serde_json::Value,
        by: &Reviewer,
    ) -> Result<String, StoreError>;

    /// Makes one incident of several; returns its id.
    fn merge(&mut self, ids: &[String], by: &Reviewer) -> Result<String, StoreError>;

    /// Takes one report out of an incident into its own; returns (kept id, new id).
    fn split(
        &mut self,
        id: &str,
        report: &str,
        by: &Reviewer,
    ) -> Result<(String, String), StoreError>;

    /// Signs a checkpoint of the log when it grew since the last one; returns the note.
    fn checkpoint(&mut self, signer: &Signer) -> Result<Option<String>, StoreError>;

    /// The latest signed checkpoint of the log.
    fn latest_checkpoint(&self) -> Result<Option<String>, StoreError>;

    /// Recomputes every log leaf from the row it covers and every checkpoint from the
    /// leaves; the report names each changed, removed, reordered or unlogged row.
    fn verify(&self, origin: &str, key: &VerifyingKey) -> Result<VerifyReport, StoreError>;

    /// Recomputes the rows that are not leaves of the log from those that are: each
    /// document's reports by extracting its archived original again with `extract`, each
    /// incident from its reports and logged edits, and the review rows beside the log
    /// (see `derived.rs`). Reads one consistent snapshot; writers are not held up.
    fn verify_derived(&mut self, extract: &mut Extractor) -> Result<DerivedReport, StoreError>;

    /// Signs a checkpoint with `signer` at the end of every write transaction that grew
    /// the log, inside that transaction: every committed leaf is covered by a signed
    /// checkpoint the moment it is committed, so `verify` can require the latest
    /// checkpoint to cover the whole log.
    fn sign_commits(&mut self, origin: &str, key: &SigningKey);

    /// Inclusion proofs, against the latest checkpoint, of the originals behind an
    /// incident (or of one document, by id, sha256, or a prefix of at least 8 hex digits
    /// of its sha256 that no other document shares).
    fn proofs(&self, subject: &str) -> Result<Vec<DocumentProof>, StoreError>;

    /// The consistency proof (RFC 9162 §2.1.4) that the log's tree of its first `from`
    /// leaves is a prefix of the tree its checkpoint of size `to` signed (the latest
    /// checkpoint when `None`), with that checkpoint and the one of size `from` if the
    /// log signed one. [`StoreError::NotFound`] when there is no such checkpoint,
    /// [`StoreError::BadEdit`] when `from` exceeds its size, and
    /// [`StoreError::Inconsistent`] when the leaves no longer give the signed roots.
    fn consistency(&self, from: u64, to: Option<u64>) -> Result<ConsistencyProof, StoreError>;

    /// Re-runs extraction over every archived original and rebuilds all incidents,
    /// keeping reviewers' edits, merges and splits. One transaction: all or nothing.
    fn reextract(&mut self, extract: &mut Extractor) -> Result<ReextractOutcome, StoreError>;

    /// Gives an archived document (every version of the id) a publication date, or
    /// corrects it, and re-extracts it with that date, keeping pins; one transaction.
    /// The archived original and its log leaf stay as they were: the date is a
    /// correction beside it, recorded (with `who` and `reason`) in the history of the
    /// incidents the document now supports, each a leaf of the log.
    fn redate(
        &mut self,
        doc_id: &str,
        published: recount_model::PartialDate,
        who: &str,
        reason: &str,
        extract: &mut Extractor,
    ) -> Result<RedateOutcome, StoreError>;

    /// The change feed after `after` (0 for the start), oldest first, at most `limit`
    /// entries. A consumer keeps the last `seq` it applied and reads each changed id's
    /// current state with [`Store::incidents_by_id`]; an id no longer there was removed
    /// (merged away, renamed, or re-extracted out of existence).
    fn changes_since(&self, after: i64, limit: usize) -> Result<Vec<Change>, StoreError>;

    /// The incidents with exactly these ids (no alias is followed), in the order given;
    /// ids that do not exist are left out.
    fn incidents_by_id(&self, ids: &[String]) -> Result<Vec<Incident>, StoreError>;

    /// Records a new API token by the sha256 (hex) of its secret. Names are unique.
    fn create_token(
        &mut self,
        name: &str,
        role: Role,
        secret_sha256: &str,
    ) -> Result<Token, StoreError>;

    /// The live (not revoked) token whose secret has this sha256 (hex).
    fn token_by_secret(&self, secret_sha256: &str) -> Result<Option<Token>, StoreError>;

    /// Every token, revoked ones too, by name.
    fn tokens(&self) -> Result<Vec<Token>, StoreError>;

    /// Revokes a token by name; false when no live token has that name.
    fn revoke_token(&mut self, name: &str) -> Result<bool, StoreError>;

    /// The `seq` of the latest change (0 when there is none).
    fn latest_change(&self) -> Result<i64, StoreError>;

    /// A feed's polling state, if it was polled before.
    fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError>;

    /// Writes a feed's polling state (insert or replace).
    fn save_feed_state(&mut self, state: &FeedState) -> Result<(), StoreError>;

    /// True when the entry `item` of `feed` was taken before.
    fn feed_item_seen(&self, feed: &str, item: &str) -> Result<bool, StoreError>;

    /// Records that the entry `item` of `feed` was taken.
    fn mark_feed_item_seen(&mut self, feed: &str, item: &str) -> Result<(), StoreError>;

    /// The last change-feed `seq` an alert consumer handled, if it ran before.
    fn alert_cursor(&self, consumer: &str) -> Result<Option<i64>, StoreError>;

    fn set_alert_cursor(&mut self, consumer: &str, seq: i64) -> Result<(), StoreError>;

    /// The fingerprint of what `rule` last announced about `incident`.
    fn alert_fingerprint(&self, rule: &str, incident: &str) -> Result<Option<String>, StoreError>;

    /// Records that `rule` announced `incident` in the state `fingerprint`.
    fn record_alert(
        &mut self,
        rule: &str,
        incident: &str,
        fingerprint: &str,
    ) -> Result<(), StoreError>;
    /// Calls `visit` with every incident the filter selects, in the listing's order,
    /// reading them a page at a time, so that statistics over a large store never hold
    /// all incidents at once. Honours the filter's `after` and `limit`. Returns how many
    /// were visited.
    fn visit_incidents(
        &self,
        filter: &Filter,
        visit: &mut dyn FnMut(&Incident),
    ) -> Result<usize, StoreError>;

    /// Stores production figures in one transaction (all or none); a row for a (place,
    /// year) already stored replaces it. Returns how many rows were written.
    fn load_production(&mut self, rows: &[Production]) -> Result<usize, StoreError>;

    /// Every stored production figure, by adcode and year.
    fn production(&self) -> Result<Vec<Production>, StoreError>;

    /// For benchmarks only (`recount bench search`): writes these incidents as they are,
    /// in one transaction, with no document, report or log leaf behind them (the change
    /// feed does record them). A store filled this way serves listings and search as
    /// any other, but its incidents cannot be re-extracted, verified or proved; nothing
    /// but the benchmark calls it.
    fn bench_load_incidents(&mut self, incidents: &[Incident]) -> Result<(), StoreError>;
}
