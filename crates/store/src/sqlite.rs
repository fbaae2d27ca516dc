//! The SQLite store: WAL, foreign keys, versioned migrations. Its logic is `store.rs`,
//! shared with the PostgreSQL store.

use crate::checkpointer::Checkpointer;
use crate::db::Db;
use crate::StoreError;
use rusqlite::{Connection, TransactionBehavior};
use std::path::{Path, PathBuf};

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
/// Never edit a released entry: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: archive, reports, incidents and their blocking keys.
    "
    CREATE TABLE documents (
        rowid INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        media_type TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        published TEXT,
        source TEXT,
        lang TEXT,
        title TEXT,
        url TEXT,
        size INTEGER NOT NULL,
        body BLOB NOT NULL
    );
    CREATE INDEX documents_doc_id ON documents(doc_id);
    CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        day_start TEXT,
        day_end TEXT,
        adcode TEXT,
        country TEXT,
        dead INTEGER,
        updated_at TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX incidents_day ON incidents(day_start);
    CREATE INDEX incidents_kind_day ON incidents(kind, day_start);
    CREATE INDEX incidents_adcode ON incidents(adcode);
    CREATE TABLE reports (
        key TEXT PRIMARY KEY,
        document INTEGER NOT NULL REFERENCES documents(rowid),
        incident TEXT NOT NULL REFERENCES incidents(id) DEFERRABLE INITIALLY DEFERRED,
        kind TEXT NOT NULL,
        block TEXT NOT NULL,
        day_start TEXT,
        day_end TEXT,
        body TEXT NOT NULL
    );
    CREATE INDEX reports_incident ON reports(incident);
    CREATE INDEX reports_block ON reports(block, day_start);
    CREATE TABLE report_keys (
        key TEXT NOT NULL,
        report TEXT NOT NULL REFERENCES reports(key) ON DELETE CASCADE
    );
    CREATE INDEX report_keys_key ON report_keys(key);
    CREATE TABLE incident_aliases (
        alias TEXT PRIMARY KEY,
        incident TEXT NOT NULL
    );
    ",
    // 2: review — edits, history, pins that keep merges and splits, related incidents.
    "
    ALTER TABLE reports ADD COLUMN pin TEXT;
    CREATE INDEX reports_pin ON reports(pin);
    CREATE TABLE incident_edits (
        rowid INTEGER PRIMARY KEY,
        incident TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL
    );
    CREATE INDEX incident_edits_incident ON incident_edits(incident);
    CREATE TABLE incident_history (
        rowid INTEGER PRIMARY KEY,
        incident TEXT NOT NULL,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL,
        reason TEXT
    );
    CREATE INDEX incident_history_incident ON incident_history(incident);
    CREATE TABLE incident_links (
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        relation TEXT NOT NULL,
        PRIMARY KEY (a, b)
    );
    CREATE INDEX incident_links_b ON incident_links(b);
    ",
    // 3: the tamper-evident log: leaves, the append frontier, signed checkpoints.
    "
    CREATE TABLE ledger_leaves (
        idx INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        data BLOB NOT NULL,
        hash BLOB NOT NULL
    );
    CREATE INDEX ledger_leaves_subject ON ledger_leaves(kind, subject);
    CREATE TABLE ledger_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        frontier BLOB NOT NULL
    );
    CREATE TABLE ledger_checkpoints (
        size INTEGER PRIMARY KEY,
        root BLOB NOT NULL,
        note TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    ",
    // 4: the change feed: one row each time an incident is written or removed, in the
    // same transaction, so that derived views (the search index, alerts) can catch up.
    "
    CREATE TABLE incident_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        incident TEXT NOT NULL
    );
    CREATE TRIGGER incidents_changed_insert AFTER INSERT ON incidents
        BEGIN INSERT INTO incident_changes(incident) VALUES (new.id); END;
    CREATE TRIGGER incidents_changed_update AFTER UPDATE ON incidents
        BEGIN INSERT INTO incident_changes(incident) VALUES (new.id); END;
    CREATE TRIGGER incidents_changed_delete AFTER DELETE ON incidents
        BEGIN INSERT INTO incident_changes(incident) VALUES (old.id); END;
    INSERT INTO incident_changes(incident) SELECT id FROM incidents ORDER BY id;
    ", // 5: API tokens of `recount serve`: only the sha256 of each secret is kept.
    "
    CREATE TABLE api_tokens (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        secret_sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    ",
    // 6: monitoring: each feed's polling state and the entries already taken from it,
    // each alert consumer's place in the change feed, and what each rule last announced.
    "
    CREATE TABLE feed_state (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        last_poll TEXT,
        last_status TEXT
    );
    CREATE TABLE feed_seen (
        feed TEXT NOT NULL,
        item TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (feed, item)
    );
    CREATE TABLE alert_cursors (
        consumer TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
    );
    CREATE TABLE alerts_sent (
        rule TEXT NOT NULL,
        incident TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (rule, incident)
    );
    ",
    // 7: indexes for the matching and linking that every commit runs, so their cost
    // stays flat as the store grows; `prefecture` (the first four digits of the adcode)
    // is what linking looks incidents up by.
    "
    CREATE INDEX IF NOT EXISTS report_keys_report ON report_keys(report);
    CREATE INDEX IF NOT EXISTS reports_document ON reports(document);
    CREATE INDEX IF NOT EXISTS incident_aliases_incident ON incident_aliases(incident);
    DROP INDEX IF EXISTS reports_block;
    CREATE INDEX reports_block ON reports(block, kind, day_start, day_end, incident);
    DROP INDEX IF EXISTS incidents_adcode;
    CREATE INDEX incidents_adcode_day ON incidents(adcode, day_start);
    ALTER TABLE incidents ADD COLUMN prefecture TEXT;
    UPDATE incidents SET prefecture = substr(adcode, 1, 4) WHERE adcode IS NOT NULL;
    CREATE INDEX incidents_prefecture_day ON incidents(prefecture, day_start);
    CREATE INDEX incidents_kind_dead_day ON incidents(kind, dead, day_start);
    ",
    // 8: production figures (tonnes of coal per province or prefecture and year) that
    // `recount stats` and `risk` divide deaths by; one row per (place, year).
    "
    CREATE TABLE production (
        adcode TEXT NOT NULL,
        year INTEGER NOT NULL,
        tonnes INTEGER NOT NULL,
        source TEXT,
        loaded_at TEXT NOT NULL,
        PRIMARY KEY (adcode, year)
    );
    ",
    // 9: the name keys carry their report's kind and dates, so matching by a shared name
    // finds the reports near a date in the index alone instead of reading every report
    // that ever carried the name. Reports spanning more than 31 days are marked `wide`,
    // so the date lookup reaches back a year only among those. Linking reads kind and
    // place from its index. Listings filtered by toll check it in the date index they
    // walk (an index led by the toll tempted the planner into sorting every match), and
    // a province, like a prefecture, is a column whose index ends with the date.
    "
    ALTER TABLE report_keys ADD COLUMN kind TEXT;
    ALTER TABLE report_keys ADD COLUMN day_start TEXT;
    ALTER TABLE report_keys ADD COLUMN day_end TEXT;
    UPDATE report_keys SET kind = r.kind, day_start = r.day_start, day_end = r.day_end
        FROM reports r WHERE r.key = report_keys.report;
    DROP INDEX IF EXISTS report_keys_key;
    CREATE INDEX report_keys_lookup ON report_keys(key, kind, day_start, day_end, report);
    ALTER TABLE reports ADD COLUMN wide INTEGER NOT NULL DEFAULT 0;
    UPDATE reports SET wide = 1 WHERE julianday(day_end) - julianday(day_start) > 31;
    DROP INDEX IF EXISTS reports_block;
    CREATE INDEX reports_block ON reports(block, kind, wide, day_start, day_end, incident);
    DROP INDEX IF EXISTS incidents_prefecture_day;
    CREATE INDEX incidents_prefecture_day ON incidents(prefecture, day_start, kind, adcode, id);
    DROP INDEX IF EXISTS incidents_day;
    CREATE INDEX incidents_day ON incidents(day_start, dead);
    DROP INDEX IF EXISTS incidents_kind_day;
    CREATE INDEX incidents_kind_day ON incidents(kind, day_start, dead);
    DROP INDEX IF EXISTS incidents_kind_dead_day;
    ALTER TABLE incidents ADD COLUMN province TEXT;
    UPDATE incidents SET province = substr(adcode, 1, 2) WHERE adcode IS NOT NULL;
    CREATE INDEX incidents_province_day ON incidents(province, day_start, dead);
    ",
    // 10: nothing to do here. PostgreSQL's migration 10 orders its date indexes newest
    // first with undated incidents last, the listing's order; SQLite sorts NULL lowest,
    // so its ascending indexes read backwards already give that order.
    "-- the indexes of migration 9 serve the listing's order",
    // 11: a file's modification day (the fallback date of an undated document) and the
    // publication dates reviewers set with `recount redate`, kept apart from the archived
    // original so its log leaf still verifies.
    "
    ALTER TABLE documents ADD COLUMN modified TEXT;
    CREATE TABLE document_dates (
        sha256 TEXT PRIMARY KEY,
        published TEXT NOT NULL
    );
    ",
    // 12: the derivation (the fingerprint of the code that extracts and builds, see the
    // store's build script) that wrote a document's reports and an incident's row, so
    // `recount verify` knows which rows this build can recompute; and each report's
    // matching signature, with one representative report per signature of an incident
    // (`rep`), so matching finds and compares an incident through one report of each
    // kind rather than all (rows from before are all representatives until their
    // incident is next rebuilt).
    "
    ALTER TABLE documents ADD COLUMN derivation TEXT;
    ALTER TABLE incidents ADD COLUMN derivation TEXT;
    ALTER TABLE reports ADD COLUMN signature TEXT;
    ALTER TABLE reports ADD COLUMN rep INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX reports_incident_signature ON reports(incident, signature, rep);
    CREATE INDEX reports_rep_block ON reports(block, kind, wide, day_start, day_end, incident)
        WHERE rep = 1;
    CREATE INDEX reports_rep_incident ON reports(incident, key) WHERE rep = 1;
    ",
];

/// The embedded default store.
pub struct SqliteStore {
    conn: Connection,
    /// The file, until the first commit starts the checkpoint thread over it; `None`
    /// in memory.
    path: Option<PathBuf>,
    checkpointer: Option<Checkpointer>,
    /// Signs a checkpoint in every write transaction that grows the log (`sign_commits`).
    pub(crate) signer: Option<crate::log::OwnedSigner>,
}

impl SqliteStore {
    /// Runs raw SQL on the connection: for tests that need to break the store on purpose.
    #[cfg(test)]
    pub(crate) fn run_sql(&self, sql: &str) -> Result<(), StoreError> {
        self.reader().batch(sql)
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        let mut store = Self::init(conn, &path.display().to_string())?;
        store.path = Some(path.to_path_buf());
        Ok(store)
    }

    /// An in-memory store, for tests.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?, ":memory:")
    }

    fn init(conn: Connection, path: &str) -> Result<Self, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Every statement of the store is cached (see `db.rs`); they number about fifty.
        conn.set_prepared_statement_cache_capacity(128);
        // WAL lets readers run while an ingest writes; NORMAL sync keeps every
        // committed transaction across a process kill (only power loss can drop the last).
        // Switching a new file to WAL needs the file to itself, and SQLite answers "busy"
        // to it without waiting: two first runs may meet here, so it is tried again
        // within the same bound as every other lock.
        let started = std::time::Instant::now();
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < std::time::Duration::from_secs(10) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                other => break other?,
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 256 MiB of page cache at most (the default is 2 MiB): matching and linking read
        // the same index pages for every document, and re-reading them costs a system call.
        conn.pragma_update(None, "cache_size", -262144)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        let mut store = SqliteStore {
            conn,
            path: None,
            checkpointer: None,
            signer: None,
        };
        store.migrate(path)?;
        Ok(store)
    }

    fn migrate(&mut self, path: &str) -> Result<(), StoreError> {
        let known = MIGRATIONS.len() as i64;
        let current = |conn: &Connection| -> Result<i64, StoreError> {
            let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if version > known {
                return Err(StoreError::TooNew {
                    path: path.to_string(),
                    found: version,
                    known,
                });
            }
            Ok(version)
        };
        // Most opens find the schema up to date, and take no write lock to see it.
        if current(&self.conn)? == known {
            return Ok(());
        }
        // Two first runs may open a new file at once: the migrations run under the write
        // lock, taken before the version is read again, so the second waits for the
        // first and then finds nothing left to do (instead of creating the tables twice).
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version = current(&tx)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)?;
            if i == 2 {
                // A store made before the log: enter what it already holds, in order.
                crate::log::enter_existing(&*tx)?;
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The underlying connection, for maintenance commands and tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn reader(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one transaction: committed when it succeeds, rolled back when it fails.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // The write lock is taken at the start, where waiting for it is safe: a
        // transaction that read first and then had to wait to write could deadlock
        // with another writer (or a restarting checkpoint), so SQLite fails it at once.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&*tx)?;
        if let Some(signer) = &self.signer {
            signer.sign(&*tx)?;
        }
        tx.commit()?;
        self.committed();
        Ok(out)
    }

    /// Runs `f` over one consistent snapshot of the database (a read transaction, rolled
    /// back at the end); writers go on meanwhile.
    pub(crate) fn snapshot<T>(
        &mut self,
        f: impl FnOnce(&dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&*tx)
    }

    /// After a commit: wakes the checkpoint thread, starting it on the first commit of a
    /// file store (read-only uses never start one). Once it runs, the writer's own
    /// automatic checkpoints only back it up (see `checkpointer.rs`).
    fn committed(&mut self) {
        if let Some(c) = &mut self.checkpointer {
            c.after_commit(&self.conn);
            return;
        }
        let Some(path) = self.path.take() else {
            return;
        };
        self.checkpointer = Checkpointer::start(&path, &self.conn);
    }
}

impl Drop for SqliteStore {
    /// Refreshes the query planner's statistics where they went stale (SQLite's advice
    /// for short-lived connections): after a large ingest, listings then pick the index
    /// that narrows most. Cheap when little changed; a failure only costs the hint.
    fn drop(&mut self) {
        // The checkpoint thread ends first; closing the connection then copies the rest
        // of the log into the database.
        self.checkpointer = None;
        let _ = self
            .conn
            .execute_batch("PRAGMA analysis_limit = 1000; PRAGMA optimize;");
    }
}

crate::store::impl_store!(SqliteStore);
