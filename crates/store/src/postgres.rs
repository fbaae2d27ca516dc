//! The PostgreSQL store: one database shared by several `recount ingest` or review
//! processes. Its logic is `store.rs`, shared with the SQLite store; this file holds the
//! schema in PostgreSQL's dialect and the transaction discipline.
//!
//! Every write transaction (a document with its reports and incidents, a review action,
//! a checkpoint, a re-extraction, a migration) first takes one transaction-scoped
//! advisory lock, so writers run one at a time, each seeing everything committed before
//! it. That is what the store's invariants need: the log is one sequence whose leaves
//! follow the archive's row order, the change feed's `seq` must grow in commit order, and
//! placing a report reads the incidents it may join. Readers never wait. The expensive
//! part of ingest (decoding, HTML cleaning, extraction) runs before the transaction, in
//! parallel across workers.

use crate::db::{args, Db, PgClient, PgConn};
use crate::StoreError;

/// The key of the advisory lock every write transaction takes ("recount" in ASCII).
const WRITE_LOCK: i64 = 0x0072_6563_6f75_6e74;

/// Schema migrations in PostgreSQL's dialect, entry for entry the same as SQLite's
/// (`sqlite.rs`); `recount_schema.version` records how many ran. Text columns use the
/// "C" collation so that ordering and comparison are bytewise, as in SQLite.
const MIGRATIONS: &[&str] = &[
    // 1: archive, reports, incidents and their blocking keys.
    r#"
    CREATE TABLE documents (
        rowid BIGSERIAL PRIMARY KEY,
        doc_id TEXT COLLATE "C" NOT NULL,
        sha256 TEXT COLLATE "C" NOT NULL UNIQUE,
        media_type TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        published TEXT,
        source TEXT,
        lang TEXT,
        title TEXT,
        url TEXT,
        size BIGINT NOT NULL,
        body BYTEA NOT NULL
    );
    CREATE INDEX documents_doc_id ON documents(doc_id);
    CREATE TABLE incidents (
        id TEXT COLLATE "C" PRIMARY KEY,
        kind TEXT COLLATE "C" NOT NULL,
        day_start TEXT COLLATE "C",
        day_end TEXT COLLATE "C",
        adcode TEXT COLLATE "C",
        country TEXT COLLATE "C",
        dead BIGINT,
        updated_at TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX incidents_day ON incidents(day_start);
    CREATE INDEX incidents_kind_day ON incidents(kind, day_start);
    CREATE INDEX incidents_adcode ON incidents(adcode);
    CREATE TABLE reports (
        key TEXT COLLATE "C" PRIMARY KEY,
        document BIGINT NOT NULL REFERENCES documents(rowid),
        incident TEXT COLLATE "C" NOT NULL REFERENCES incidents(id) DEFERRABLE INITIALLY DEFERRED,
        kind TEXT COLLATE "C" NOT NULL,
        block TEXT COLLATE "C" NOT NULL,
        day_start TEXT COLLATE "C",
        day_end TEXT COLLATE "C",
        body TEXT NOT NULL
    );
    CREATE INDEX reports_incident ON reports(incident);
    CREATE INDEX reports_block ON reports(block, day_start);
    CREATE INDEX reports_document ON reports(document);
    CREATE TABLE report_keys (
        key TEXT COLLATE "C" NOT NULL,
        report TEXT COLLATE "C" NOT NULL REFERENCES reports(key) ON DELETE CASCADE
    );
    CREATE INDEX report_keys_key ON report_keys(key);
    CREATE INDEX report_keys_report ON report_keys(report);
    CREATE TABLE incident_aliases (
        alias TEXT COLLATE "C" PRIMARY KEY,
        incident TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX incident_aliases_incident ON incident_aliases(incident);
    "#,
    // 2: review — edits, history, pins that keep merges and splits, related incidents.
    r#"
    ALTER TABLE reports ADD COLUMN pin TEXT COLLATE "C";
    CREATE INDEX reports_pin ON reports(pin);
    CREATE TABLE incident_edits (
        rowid BIGSERIAL PRIMARY KEY,
        incident TEXT COLLATE "C" NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL
    );
    CREATE INDEX incident_edits_incident ON incident_edits(incident);
    CREATE TABLE incident_history (
        rowid BIGSERIAL PRIMARY KEY,
        incident TEXT COLLATE "C" NOT NULL,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL,
        reason TEXT
    );
    CREATE INDEX incident_history_incident ON incident_history(incident);
    CREATE TABLE incident_links (
        a TEXT COLLATE "C" NOT NULL,
        b TEXT COLLATE "C" NOT NULL,
        relation TEXT NOT NULL,
        PRIMARY KEY (a, b)
    );
    CREATE INDEX incident_links_b ON incident_links(b);
    "#,
    // 3: the tamper-evident log: leaves, the append frontier, signed checkpoints.
    r#"
    CREATE TABLE ledger_leaves (
        idx BIGINT PRIMARY KEY,
        kind TEXT COLLATE "C" NOT NULL,
        subject TEXT COLLATE "C" NOT NULL,
        data BYTEA NOT NULL,
        hash BYTEA NOT NULL
    );
    CREATE INDEX ledger_leaves_subject ON ledger_leaves(kind, subject);
    CREATE TABLE ledger_state (
        id BIGINT PRIMARY KEY CHECK (id = 1),
        frontier BYTEA NOT NULL
    );
    CREATE TABLE ledger_checkpoints (
        size BIGINT PRIMARY KEY,
        root BYTEA NOT NULL,
        note TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    "#,
    // 4: the change feed: one row each time an incident is written or removed, in the
    // same transaction. Writers are serialised (see the module comment), so `seq`
    // grows in commit order and a reader that keeps the last `seq` misses nothing.
    r#"
    CREATE TABLE incident_changes (
        seq BIGSERIAL PRIMARY KEY,
        incident TEXT COLLATE "C" NOT NULL
    );
    CREATE FUNCTION recount_incident_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            INSERT INTO incident_changes(incident) VALUES (OLD.id);
            RETURN OLD;
        END IF;
        INSERT INTO incident_changes(incident) VALUES (NEW.id);
        RETURN NEW;
    END
    $$;
    CREATE TRIGGER incidents_changed AFTER INSERT OR UPDATE OR DELETE ON incidents
        FOR EACH ROW EXECUTE FUNCTION recount_incident_changed();
    INSERT INTO incident_changes(incident) SELECT id FROM incidents ORDER BY id;
    "#, // 5: API tokens of `recount serve`: only the sha256 of each secret is kept.
    r#"
    CREATE TABLE api_tokens (
        name TEXT COLLATE "C" PRIMARY KEY,
        role TEXT NOT NULL,
        secret_sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    "#,
    // 6: monitoring: each feed's polling state and the entries already taken from it,
    // each alert consumer's place in the change feed, and what each rule last announced.
    r#"
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
        seq BIGINT NOT NULL
    );
    CREATE TABLE alerts_sent (
        rule TEXT NOT NULL,
        incident TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (rule, incident)
    );
    "#,
    // 7: indexes for the matching and linking that every commit runs, so their cost
    // stays flat as the store grows; `prefecture` (the first four digits of the adcode)
    // is what linking looks incidents up by.
    r#"
    CREATE INDEX IF NOT EXISTS report_keys_report ON report_keys(report);
    CREATE INDEX IF NOT EXISTS reports_document ON reports(document);
    CREATE INDEX IF NOT EXISTS incident_aliases_incident ON incident_aliases(incident);
    DROP INDEX IF EXISTS reports_block;
    CREATE INDEX reports_block ON reports(block, kind, day_start, day_end, incident);
    DROP INDEX IF EXISTS incidents_adcode;
    CREATE INDEX incidents_adcode_day ON incidents(adcode, day_start);
    ALTER TABLE incidents ADD COLUMN prefecture TEXT COLLATE "C";
    UPDATE incidents SET prefecture = substr(adcode, 1, 4) WHERE adcode IS NOT NULL;
    CREATE INDEX incidents_prefecture_day ON incidents(prefecture, day_start);
    CREATE INDEX incidents_kind_dead_day ON incidents(kind, dead, day_start);
    "#,
    // 8: production figures (tonnes of coal per province or prefecture and year) that
    // `recount stats` and `risk` divide deaths by; one row per (place, year).
    r#"
    CREATE TABLE production (
        adcode TEXT COLLATE "C" NOT NULL,
        year BIGINT NOT NULL,
        tonnes BIGINT NOT NULL,
        source TEXT,
        loaded_at TEXT NOT NULL,
        PRIMARY KEY (adcode, year)
    );
    "#,
    // 9: the name keys carry their report's kind and dates, so matching by a shared name
    // finds the reports near a date in the index alone instead of reading every report
    // that ever carried the name. Reports spanning more than 31 days are marked `wide`,
    // so the date lookup reaches back a year only among those. Linking reads kind and
    // place from its index. Listings filtered by toll check it in the date index they
    // walk (an index led by the toll tempted the planner into sorting every match), and
    // a province, like a prefecture, is a column whose index ends with the date.
    r#"
    ALTER TABLE report_keys ADD COLUMN kind TEXT COLLATE "C";
    ALTER TABLE report_keys ADD COLUMN day_start TEXT COLLATE "C";
    ALTER TABLE report_keys ADD COLUMN day_end TEXT COLLATE "C";
    UPDATE report_keys SET kind = r.kind, day_start = r.day_start, day_end = r.day_end
        FROM reports r WHERE r.key = report_keys.report;
    DROP INDEX IF EXISTS report_keys_key;
    CREATE INDEX report_keys_lookup ON report_keys(key, kind, day_start, day_end, report);
    ALTER TABLE reports ADD COLUMN wide BIGINT NOT NULL DEFAULT 0;
    UPDATE reports SET wide = 1 WHERE day_end::date - day_start::date > 31;
    DROP INDEX IF EXISTS reports_block;
    CREATE INDEX reports_block ON reports(block, kind, wide, day_start, day_end, incident);
    DROP INDEX IF EXISTS incidents_prefecture_day;
    CREATE INDEX incidents_prefecture_day ON incidents(prefecture, day_start, kind, adcode, id);
    DROP INDEX IF EXISTS incidents_day;
    CREATE INDEX incidents_day ON incidents(day_start, dead);
    DROP INDEX IF EXISTS incidents_kind_day;
    CREATE INDEX incidents_kind_day ON incidents(kind, day_start, dead);
    DROP INDEX IF EXISTS incidents_kind_dead_day;
    ALTER TABLE incidents ADD COLUMN province TEXT COLLATE "C";
    UPDATE incidents SET province = substr(adcode, 1, 2) WHERE adcode IS NOT NULL;
    CREATE INDEX incidents_province_day ON incidents(province, day_start, dead);
    "#,
    // 10: the date indexes of incidents in the listing's order, newest first and undated
    // last: ascending ones, scanned backwards, put undated incidents first, so every
    // listing sorted the whole table (at 100k reports the unfiltered page took 75 ms,
    // now 0.2 ms). Range lookups by date read them as well either way.
    r#"
    DROP INDEX IF EXISTS incidents_day;
    CREATE INDEX incidents_day ON incidents(day_start DESC NULLS LAST, dead);
    DROP INDEX IF EXISTS incidents_kind_day;
    CREATE INDEX incidents_kind_day ON incidents(kind, day_start DESC NULLS LAST, dead);
    DROP INDEX IF EXISTS incidents_province_day;
    CREATE INDEX incidents_province_day ON incidents(province, day_start DESC NULLS LAST, dead);
    DROP INDEX IF EXISTS incidents_prefecture_day;
    CREATE INDEX incidents_prefecture_day
        ON incidents(prefecture, day_start DESC NULLS LAST, kind, adcode, id);
    DROP INDEX IF EXISTS incidents_adcode_day;
    CREATE INDEX incidents_adcode_day ON incidents(adcode, day_start DESC NULLS LAST);
    "#,
    // 11: a file's modification day (the fallback date of an undated document) and the
    // publication dates reviewers set with `recount redate`, kept apart from the archived
    // original so its log leaf still verifies.
    r#"
    ALTER TABLE documents ADD COLUMN modified TEXT;
    CREATE TABLE document_dates (
        sha256 TEXT COLLATE "C" PRIMARY KEY,
        published TEXT NOT NULL
    );
    "#,
    // 12: the derivation (the fingerprint of the code that extracts and builds, see the
    // store's build script) that wrote a document's reports and an incident's row, so
    // `recount verify` knows which rows this build can recompute; and each report's
    // matching signature, with one representative report per signature of an incident
    // (`rep`), so matching finds and compares an incident through one report of each
    // kind rather than all (rows from before are all representatives until their
    // incident is next rebuilt).
    r#"
    ALTER TABLE documents ADD COLUMN derivation TEXT;
    ALTER TABLE incidents ADD COLUMN derivation TEXT;
    ALTER TABLE reports ADD COLUMN signature TEXT;
    ALTER TABLE reports ADD COLUMN rep INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX reports_incident_signature ON reports(incident, signature, rep);
    CREATE INDEX reports_rep_block ON reports(block, kind, wide, day_start, day_end, incident)
        WHERE rep = 1;
    CREATE INDEX reports_rep_incident ON reports(incident, key) WHERE rep = 1;
    "#,
];

/// Write transactions between two looks at the tables' upkeep (about 10,000 documents
/// of an ingest).
const UPKEEP_EVERY: u64 = 64;

/// A store in a PostgreSQL database, safe to share between processes.
pub struct PgStore {
    conn: PgConn,
    database: String,
    /// Write transactions committed on this connection.
    writes: u64,
    /// Whether the server can be told to keep one plan per statement (PostgreSQL 12
    /// and later).
    generic_plans: bool,
    /// Signs a checkpoint in every write transaction that grows the log (`sign_commits`).
    pub(crate) signer: Option<crate::log::OwnedSigner>,
}

impl PgStore {
    /// Runs raw SQL on the connection: for tests that need to break the store on purpose.
    #[cfg(test)]
    pub(crate) fn run_sql(&self, sql: &str) -> Result<(), StoreError> {
        self.reader().batch(sql)
    }

    /// Connects to `url` (`postgres://user[:password]@host[:port]/database`, without TLS)
    /// and brings the schema up to date. Several processes may do this at once.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let conn = PgConn::connect(url)?;
        // Statements are prepared once and PostgreSQL may keep one generic plan for each.
        // A plan made while the tables were small (a new database being filled) would keep
        // scanning long after indexes answer, so `upkeep` analyzes the tables as they grow,
        // which makes PostgreSQL plan again; planning every execution instead cost the
        // server more than running the statements (10k documents: 323/s → 534/s).
        //
        // Values too long to stay in their row (documents, and the bodies of busy
        // incidents) are compressed with lz4 where the server has it: pglz took 7% of the
        // server's time in an ingest, lz4 a fraction of that, at about the same size
        // (10k documents: the server's CPU 8% lower, the database 74 MB against 77 MB).
        // A server built without lz4 refuses the setting and keeps pglz.
        let _ = conn.reader().batch("SET default_toast_compression = 'lz4'");
        let row = conn.reader().query_one(
            "SELECT current_database(), current_setting('server_version_num')::bigint",
            &[],
        )?;
        let mut store = PgStore {
            conn,
            database: row.text(0)?,
            writes: 0,
            generic_plans: row.int(1)? >= 120_000,
            signer: None,
        };
        store.migrate()?;
        Ok(store)
    }

    /// The name of the database connected to.
    pub fn database(&self) -> &str {
        &self.database
    }

    /// The database a URL names (PostgreSQL's default: the user's name), without
    /// connecting.
    pub fn database_name(url: &str) -> Result<String, StoreError> {
        let config: postgres::Config = url.parse()?;
        config
            .get_dbname()
            .or(config.get_user())
            .map(str::to_string)
            .ok_or_else(|| StoreError::BadEdit(format!("{}: names no database", Self::redact(url))))
    }

    /// A URL fit for messages: its password replaced by `***`.
    pub fn redact(url: &str) -> String {
        let Some((scheme, rest)) = url.split_once("://") else {
            return url.to_string();
        };
        let authority = rest.split('/').next().unwrap_or(rest);
        match authority.rsplit_once('@') {
            Some((userinfo, host)) if userinfo.contains(':') => {
                let user = userinfo.split(':').next().unwrap_or("");
                let tail = &rest[authority.len()..];
                format!("{scheme}://{user}:***@{host}{tail}")
            }
            _ => url.to_string(),
        }
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let database = self.database.clone();
        self.write(|db| {
            db.batch("CREATE TABLE IF NOT EXISTS recount_schema (version BIGINT NOT NULL)")?;
            let version = match db.query_opt("SELECT version FROM recount_schema", &[])? {
                Some(row) => row.int(0)?,
                None => {
                    db.execute("INSERT INTO recount_schema(version) VALUES (0)", &[])?;
                    0
                }
            };
            let known = MIGRATIONS.len() as i64;
            if version > known {
                return Err(StoreError::TooNew {
                    path: database,
                    found: version,
                    known,
                });
            }
            for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                db.batch(sql)?;
                if i == 2 {
                    crate::log::enter_existing(db)?;
                }
                db.execute(
                    "UPDATE recount_schema SET version = ?1",
                    args![(i + 1) as i64],
                )?;
            }
            Ok(())
        })
    }

    /// Runs `f` over one consistent snapshot (a read-only repeatable-read transaction);
    /// writers go on meanwhile.
    pub(crate) fn snapshot<T>(
        &mut self,
        f: impl FnOnce(&dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.conn.in_transaction(|db| {
            db.write(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                &[],
            )?;
            f(db)
        })
    }

    fn reader(&self) -> PgClient<'_> {
        self.conn.reader()
    }

    /// Runs `f` in one transaction that holds the write lock: committed when `f`
    /// succeeds, rolled back when it fails.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let generic = self.generic_plans;
        let signer = self.signer.clone();
        let out = self.conn.in_transaction(|db| {
            // The lock goes out as the transaction's first statement; the server takes it
            // before running the next.
            db.write("SELECT pg_advisory_xact_lock(?1)", args![WRITE_LOCK])?;
            // A write looks things up by key, id, place and date range. PostgreSQL judged
            // the generic plans of the range lookups (a report's candidates, an incident's
            // connections) dearer than planning anew, and planned them again at every
            // execution: a fifth of the server's time at 400k documents. Their generic
            // plans use the same indexes (checked with EXPLAIN), so a write keeps one plan
            // per statement; reads, whose filters vary, keep PostgreSQL's choice.
            if generic {
                db.write("SET LOCAL plan_cache_mode = force_generic_plan", &[])?;
            }
            let out = f(db)?;
            if let Some(signer) = &signer {
                signer.sign(db)?;
            }
            Ok(out)
        })?;
        self.writes += 1;
        // Early and then regularly: after 1, 2, 4, … 64 transactions, then every 64.
        if self.writes.is_multiple_of(UPKEEP_EVERY)
            || (self.writes < UPKEEP_EVERY && self.writes.is_power_of_two())
        {
            // Only upkeep is at stake: a failure leaves the tables as they were.
            let _ = self.upkeep();
        }
        Ok(out)
    }

    /// Vacuums and analyzes the tables that need it by the rules of PostgreSQL's
    /// autovacuum, which a server may run late or not at all: a table is vacuumed once a
    /// fifth of it is dead rows or new since its last vacuum, and analyzed once a tenth of
    /// it changed. Without statistics the planner hashed whole tables where an index
    /// lookup would do; without vacuums the covering indexes of matching could not answer
    /// alone (only a vacuum marks pages all-visible) and dead rows piled up. Returns the
    /// tables it worked on.
    pub fn upkeep(&self) -> Result<Vec<String>, StoreError> {
        let db = self.reader();
        let due = db.query(
            "SELECT relname,
                    n_dead_tup > 50 + n_live_tup / 5
                        OR n_ins_since_vacuum > 1000 + n_live_tup / 5
             FROM pg_stat_user_tables
             WHERE schemaname = current_schema()
               AND (n_mod_since_analyze > 50 + n_live_tup / 10
                    OR n_dead_tup > 50 + n_live_tup / 5
                    OR n_ins_since_vacuum > 1000 + n_live_tup / 5)
             ORDER BY relname",
            &[],
        )?;
        let mut out = Vec::new();
        for row in due {
            let table = row.text(0)?;
            let name = format!("\"{}\"", table.replace('"', "\"\""));
            // Outside a transaction (VACUUM must be), like every read of this connection.
            if row.int(1)? != 0 {
                db.batch(&format!("VACUUM (ANALYZE) {name}"))?;
            } else {
                db.batch(&format!("ANALYZE {name}"))?;
            }
            out.push(table);
        }
        Ok(out)
    }
}

impl Drop for PgStore {
    /// Leaves the tables vacuumed and their statistics fresh after a large ingest, as the
    /// SQLite store refreshes its own.
    fn drop(&mut self) {
        let _ = self.upkeep();
    }
}

crate::store::impl_store!(PgStore);

#[cfg(test)]
mod tests {
    use super::PgStore;
    use crate::db::Db;
    use crate::Store;
    use recount_testkit::TempDatabase;

    /// A plain-text document of `bytes`, named by their hash.
    fn document(bytes: &[u8]) -> recount_model::Document {
        use sha2::{Digest, Sha256};
        let sha256 = hex::encode(Sha256::digest(bytes));
        recount_model::Document {
            id: format!("d{}", &sha256[..8]),
            sha256,
            media_type: "text/plain".into(),
            fetched_at: "2025-01-01T00:00:00Z".into(),
            published: None,
            source: None,
            lang: None,
            title: None,
            url: None,
            size: bytes.len() as u64,
            modified: None,
        }
    }

    #[test]
    fn pg_long_documents_are_compressed_with_lz4_where_the_server_has_it() {
        let db = TempDatabase::create();
        let mut store = PgStore::connect(db.url()).unwrap();
        let bytes = "The roof of the east roadway fell at the night shift. "
            .repeat(200)
            .into_bytes();
        store.commit(&document(&bytes), &bytes, &[]).unwrap();
        let has_lz4 = store
            .reader()
            .query_one(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings
                 WHERE name = 'default_toast_compression'",
                &[],
            )
            .unwrap()
            .int(0)
            .unwrap();
        let used = store
            .reader()
            .query_one("SELECT pg_column_compression(body) FROM documents", &[])
            .unwrap()
            .text(0)
            .unwrap();
        assert_eq!(used, if has_lz4 == 1 { "lz4" } else { "pglz" });
        // Stored compressed, read back whole.
        assert_eq!(
            store.original(&document(&bytes).sha256).unwrap(),
            Some(bytes)
        );
    }

    #[test]
    fn pg_tables_grown_or_rewritten_by_commits_are_analyzed_or_vacuumed_then_left_alone() {
        let db = TempDatabase::create();
        let mut store = PgStore::connect(db.url()).unwrap();
        for i in 0..100 {
            let bytes = format!("report {i}").into_bytes();
            store.commit(&document(&bytes), &bytes, &[]).unwrap();
        }
        // And a table that lost half its rows.
        store
            .run_sql(
                "CREATE TABLE scratch AS SELECT generate_series(1, 1000) AS n;
                 DELETE FROM scratch WHERE n <= 500;",
            )
            .unwrap();
        // A backend passes its counts to the statistics views when it goes idle after a
        // transaction, at most once a second: wait, and end one more.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        store.counts().unwrap();
        let done = store.upkeep().unwrap();
        // A hundred new documents in an empty table: analyzed, not vacuumed. Half the
        // table dead: vacuumed.
        assert!(done.iter().any(|t| t == "documents"), "{done:?}");
        let vacuumed = store
            .reader()
            .query(
                "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL",
                &[],
            )
            .unwrap();
        let vacuumed: Vec<String> = vacuumed.iter().map(|r| r.text(0).unwrap()).collect();
        assert!(vacuumed.contains(&"scratch".to_string()), "{vacuumed:?}");
        assert!(!vacuumed.contains(&"documents".to_string()), "{vacuumed:?}");
        // Tables seen to are left alone until they change again.
        assert_eq!(store.upkeep().unwrap(), Vec::<String>::new());
    }

    #[test]
    fn pg_writes_keep_one_plan_per_statement_and_reads_keep_the_servers_choice() {
        let db = TempDatabase::create();
        let mut store = PgStore::connect(db.url()).unwrap();
        let mode = |db: &dyn Db| db.query_one("SHOW plan_cache_mode", &[])?.text(0);
        let before = mode(&store.reader()).unwrap();
        let within = store.write(mode).unwrap();
        assert_eq!(within, "force_generic_plan");
        // Set for the transaction only: the connection's readers are as before.
        assert_eq!(mode(&store.reader()).unwrap(), before);
        assert_ne!(before, "force_generic_plan");
    }

    #[test]
    fn names_the_database_and_hides_the_password() {
        assert_eq!(
            PgStore::database_name("postgres://ann:pw@db.example:5433/reports").unwrap(),
            "reports"
        );
        assert_eq!(
            PgStore::database_name("postgres://ann@127.0.0.1").unwrap(),
            "ann"
        );
        assert_eq!(
            PgStore::redact("postgres://ann:s3cret@db.example:5433/reports?sslmode=disable"),
            "postgres://ann:***@db.example:5433/reports?sslmode=disable"
        );
        assert_eq!(
            PgStore::redact("postgres://ann@db.example/reports"),
            "postgres://ann@db.example/reports"
        );
    }
}
