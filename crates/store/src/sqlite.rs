//! The SQLite store: WAL, foreign keys, versioned migrations.

use crate::{
    log::Signer, log::VerifyReport, review, Change, CommitOutcome, Counts, Extractor, FeedState,
    Filter, IncidentDetail, ReextractOutcome, Reviewer, Store, StoreError,
};
use recount_ledger::{Proof, VerifyingKey};
use recount_model::{Document, FigureKind, Incident, IncidentType, Report};
use recount_resolve::{
    build, candidate_window, incident_id, match_score, DocInfo, MATCH_THRESHOLD,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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
    ",
    // 5: monitoring: each feed's polling state and the entries already taken from it,
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
];

/// The embedded default store.
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        Self::init(conn, &path.display().to_string())
    }

    /// An in-memory store, for tests.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?, ":memory:")
    }

    fn init(conn: Connection, path: &str) -> Result<Self, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL lets readers run while an ingest writes; NORMAL sync keeps every
        // committed transaction across a process kill (only power loss can drop the last).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = SqliteStore { conn };
        store.migrate(path)?;
        Ok(store)
    }

    fn migrate(&mut self, path: &str) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                path: path.to_string(),
                found: version,
                known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            if i == 2 {
                // A store made before the log: enter what it already holds, in order.
                let shas: Vec<String> = tx
                    .prepare("SELECT sha256 FROM documents ORDER BY rowid")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for sha in shas {
                    crate::log::append_document(&tx, &sha)?;
                }
                let rows: Vec<i64> = tx
                    .prepare("SELECT rowid FROM incident_history ORDER BY rowid")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for row in rows {
                    crate::log::append_history(&tx, row)?;
                }
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The underlying connection, for maintenance commands and tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

pub(crate) fn json_err(what: &str) -> impl FnOnce(serde_json::Error) -> StoreError + '_ {
    move |source| StoreError::Json {
        what: what.to_string(),
        source,
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The blocking key of a report: its province, or its country when it has no code.
fn block_of(r: &Report) -> String {
    match &r.place {
        Some(p) => p.province_code().unwrap_or_else(|| p.country.clone()),
        None => "CN".to_string(),
    }
}

fn kind_group(kind: IncidentType) -> &'static str {
    // Corruption and enforcement tellings of one case may meet.
    match kind {
        IncidentType::Corruption | IncidentType::Enforcement => "corruption",
        k => k.as_str(),
    }
}

pub(crate) fn load_reports(tx: &Connection, incident: &str) -> Result<Vec<Report>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT body FROM reports WHERE incident = ?1")?;
    let rows = stmt.query_map([incident], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for body in rows {
        out.push(serde_json::from_str(&body?).map_err(json_err("report"))?);
    }
    Ok(out)
}

fn candidates(tx: &Transaction, r: &Report) -> Result<BTreeSet<String>, StoreError> {
    let mut found = BTreeSet::new();
    if let Some((start, end)) = candidate_window(r) {
        // Year-precise reports span a whole year, so look back that far for starts.
        let earliest = start - chrono::Days::new(366);
        let mut stmt = tx.prepare_cached(
            "SELECT DISTINCT incident FROM reports
             WHERE block = ?1 AND kind = ?2 AND day_start >= ?3 AND day_start <= ?4 AND day_end >= ?5",
        )?;
        let rows = stmt.query_map(
            params![
                block_of(r),
                kind_group(r.kind),
                earliest.to_string(),
                end.to_string(),
                start.to_string()
            ],
            |row| row.get::<_, String>(0),
        )?;
        for id in rows {
            found.insert(id?);
        }
    }
    // A shared name ties reports across provinces and languages, but two dated reports
    // match only within days of each other: a dated report looks among undated ones
    // and those near its own date, so the cost stays flat as the years pile up.
    let window = candidate_window(r).map(|(start, end)| {
        (
            (start - chrono::Days::new(366)).to_string(),
            end.to_string(),
            start.to_string(),
        )
    });
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT r.incident FROM report_keys k JOIN reports r ON r.key = k.report
         WHERE k.key = ?1 AND r.kind = ?2
           AND (?3 IS NULL OR r.day_start IS NULL
                OR (r.day_start >= ?3 AND r.day_start <= ?4 AND r.day_end >= ?5))",
    )?;
    for key in &r.keys {
        let (earliest, end, start) = match &window {
            Some((a, b, c)) => (Some(a), Some(b), Some(c)),
            None => (None, None, None),
        };
        let rows = stmt.query_map(
            params![key, kind_group(r.kind), earliest, end, start],
            |row| row.get::<_, String>(0),
        )?;
        for id in rows {
            found.insert(id?);
        }
    }
    Ok(found)
}

fn doc_infos(tx: &Connection, reports: &[Report]) -> Result<Vec<DocInfo>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT d.doc_id, d.sha256, d.url, d.published, d.lang FROM reports r
         JOIN documents d ON d.rowid = r.document WHERE r.key = ?1",
    )?;
    let mut out: Vec<DocInfo> = Vec::new();
    for r in reports {
        let info = stmt
            .query_row([&r.key], |row| {
                Ok(DocInfo {
                    id: row.get(0)?,
                    sha256: row.get(1)?,
                    url: row.get(2)?,
                    published: row
                        .get::<_, Option<String>>(3)?
                        .and_then(|p| p.parse().ok()),
                    lang: row.get(4)?,
                })
            })
            .optional()?;
        if let Some(info) = info {
            if !out.iter().any(|d| d.sha256 == info.sha256) {
                out.push(info);
            }
        }
    }
    Ok(out)
}

/// Attaches a report to the incident it matches best (or a new one) and stores it.
/// A `pin` forces the report into the incident that already holds that pin (a
/// reviewer's merge or split, kept across re-extraction). Incidents holding a report
/// split out by a reviewer take no new reports.
pub(crate) fn place_report(
    tx: &Transaction,
    document: i64,
    r: &Report,
    pin: Option<&str>,
) -> Result<(String, bool), StoreError> {
    let pinned: Option<String> = match pin {
        Some(p) => tx
            .query_row(
                "SELECT incident FROM reports WHERE pin = ?1 LIMIT 1",
                [p],
                |row| row.get(0),
            )
            .optional()?,
        None => None,
    };
    let alone = pin.is_some_and(|p| p.starts_with("alone:"));
    let mut best: Option<(i32, String)> = None;
    if pinned.is_none() && !alone {
        for cand in candidates(tx, r)? {
            let locked: bool = tx
                .prepare_cached("SELECT 1 FROM reports WHERE incident = ?1 AND pin LIKE 'alone:%'")?
                .exists([&cand])?;
            if locked {
                continue;
            }
            let members = load_reports(tx, &cand)?;
            if let Some(score) = match_score(r, &members) {
                if score >= MATCH_THRESHOLD
                    && best
                        .as_ref()
                        .is_none_or(|(s, id)| score > *s || (score == *s && cand < *id))
                {
                    best = Some((score, cand));
                }
            }
        }
    }
    let (incident, is_new) = match pinned.or(best.map(|(_, id)| id)) {
        Some(id) => (id, false),
        None => (incident_id([r.key.as_str()]), true),
    };
    let window = r.date.map(|d| {
        (
            d.first_day().to_string(),
            r.date_end.unwrap_or(d).last_day().to_string(),
        )
    });
    tx.execute(
        "INSERT OR REPLACE INTO reports(key, document, incident, kind, block, day_start, day_end, body, pin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            r.key,
            document,
            incident,
            kind_group(r.kind),
            block_of(r),
            window.as_ref().map(|w| w.0.clone()),
            window.as_ref().map(|w| w.1.clone()),
            serde_json::to_string(r).map_err(json_err("report"))?,
            pin
        ],
    )?;
    tx.execute("DELETE FROM report_keys WHERE report = ?1", [&r.key])?;
    for key in &r.keys {
        tx.execute(
            "INSERT INTO report_keys(key, report) VALUES (?1, ?2)",
            params![key, r.key],
        )?;
    }
    Ok((incident, is_new))
}

/// Rebuilds one incident from its reports, renaming it when its canonical id moved
/// (a report with a smaller key joined); the old id stays reachable as an alias.
pub(crate) fn rebuild(tx: &Transaction, id: &str, now: &str) -> Result<String, StoreError> {
    let reports = load_reports(tx, id)?;
    let canonical = incident_id(reports.iter().map(|r| r.key.as_str()));
    if reports.is_empty() {
        tx.execute("DELETE FROM incidents WHERE id = ?1", [id])?;
        crate::review::unlink(tx, id)?;
        return Ok(id.to_string());
    }
    if canonical != id {
        tx.execute(
            "UPDATE reports SET incident = ?1 WHERE incident = ?2",
            params![canonical, id],
        )?;
        tx.execute("DELETE FROM incidents WHERE id = ?1", [id])?;
        crate::review::rename(tx, id, &canonical)?;
        tx.execute(
            "INSERT OR REPLACE INTO incident_aliases(alias, incident) VALUES (?1, ?2)",
            params![id, canonical],
        )?;
        tx.execute(
            "UPDATE incident_aliases SET incident = ?1 WHERE incident = ?2",
            params![canonical, id],
        )?;
    }
    let docs = doc_infos(tx, &reports)?;
    let mut incident = build(&canonical, &reports, &docs, now);
    crate::review::apply_edits(tx, &mut incident)?;
    incident.related = crate::review::relate(tx, &incident)?;
    write_incident(tx, &incident)?;
    Ok(canonical)
}

pub(crate) fn write_incident(tx: &Connection, inc: &Incident) -> Result<(), StoreError> {
    let body = serde_json::to_string(inc).map_err(json_err("incident"))?;
    let loc = inc.location.as_ref();
    tx.execute(
        "INSERT OR REPLACE INTO incidents(id, kind, day_start, day_end, adcode, country, dead, updated_at, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            inc.id,
            inc.kind.as_str(),
            inc.date.map(|d| d.first_day().to_string()),
            inc.date_end.or(inc.date).map(|d| d.last_day().to_string()),
            loc.and_then(|l| l.adcode.clone()),
            loc.map(|l| l.country.clone()),
            inc.best(FigureKind::Dead),
            inc.updated_at.clone().unwrap_or_default(),
            body
        ],
    )?;
    Ok(())
}

pub(crate) fn read_document(row: &rusqlite::Row) -> rusqlite::Result<Document> {
    Ok(Document {
        id: row.get(0)?,
        sha256: row.get(1)?,
        media_type: row.get(2)?,
        fetched_at: row.get(3)?,
        published: row
            .get::<_, Option<String>>(4)?
            .and_then(|p| p.parse().ok()),
        source: row.get(5)?,
        lang: row.get(6)?,
        title: row.get(7)?,
        url: row.get(8)?,
        size: row.get::<_, i64>(9)? as u64,
    })
}

pub(crate) const DOC_COLUMNS: &str =
    "doc_id, sha256, media_type, fetched_at, published, source, lang, title, url, size";

impl Store for SqliteStore {
    fn has_document(&self, sha256: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM documents WHERE sha256 = ?1")?
            .exists([sha256])?)
    }

    fn commit(
        &mut self,
        doc: &Document,
        bytes: &[u8],
        reports: &[Report],
    ) -> Result<CommitOutcome, StoreError> {
        let now = now();
        let tx = self.conn.transaction()?;
        let exists = tx
            .prepare_cached("SELECT 1 FROM documents WHERE sha256 = ?1")?
            .exists([&doc.sha256])?;
        if exists {
            return Ok(CommitOutcome {
                duplicate: true,
                ..CommitOutcome::default()
            });
        }
        tx.execute(
            "INSERT INTO documents(doc_id, sha256, media_type, fetched_at, published, source, lang, title, url, size, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                doc.id,
                doc.sha256,
                doc.media_type,
                doc.fetched_at,
                doc.published.map(|p| p.to_string()),
                doc.source,
                doc.lang,
                doc.title,
                doc.url,
                doc.size as i64,
                bytes
            ],
        )?;
        let rowid = tx.last_insert_rowid();
        crate::log::append_document(&tx, &doc.sha256)?;
        let mut touched: BTreeMap<String, bool> = BTreeMap::new();
        for r in reports {
            let (incident, is_new) = place_report(&tx, rowid, r, None)?;
            let entry = touched.entry(incident).or_insert(is_new);
            *entry &= is_new;
        }
        let mut outcome = CommitOutcome::default();
        for (id, is_new) in touched {
            rebuild(&tx, &id, &now)?;
            if is_new {
                outcome.new_incidents += 1;
            } else {
                outcome.updated_incidents += 1;
            }
        }
        tx.commit()?;
        Ok(outcome)
    }

    fn incidents(&self, f: &Filter) -> Result<Vec<Incident>, StoreError> {
        let mut sql = String::from("SELECT body FROM incidents WHERE 1 = 1");
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(k) = f.kind {
            sql.push_str(" AND kind = ?");
            args.push(Box::new(k.as_str()));
        }
        if let Some(from) = f.from {
            sql.push_str(" AND day_end >= ?");
            args.push(Box::new(from.to_string()));
        }
        if let Some(to) = f.to {
            sql.push_str(" AND day_start <= ?");
            args.push(Box::new(to.to_string()));
        }
        if let Some(n) = f.min_dead {
            sql.push_str(" AND dead >= ?");
            args.push(Box::new(n));
        }
        let mut places = Vec::new();
        for code in &f.adcodes {
            let prefix = code.trim_end_matches("00").trim_end_matches("00");
            places.push("adcode LIKE ?".to_string());
            args.push(Box::new(format!("{prefix}%")));
        }
        for c in &f.countries {
            places.push("country = ?".to_string());
            args.push(Box::new(c.to_ascii_uppercase()));
        }
        if !places.is_empty() {
            sql.push_str(&format!(" AND ({})", places.join(" OR ")));
        }
        sql.push_str(" ORDER BY day_start DESC, id");
        if let Some(n) = f.limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            r.get::<_, String>(0)
        })?;
        let mut out = Vec::new();
        for body in rows {
            out.push(serde_json::from_str(&body?).map_err(json_err("incident"))?);
        }
        Ok(out)
    }

    fn incident(&self, id: &str) -> Result<Option<IncidentDetail>, StoreError> {
        let id = review::canonical(&self.conn, id)?;
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM incidents WHERE id = ?1", [&id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(body) = body else {
            return Ok(None);
        };
        let incident: Incident = serde_json::from_str(&body).map_err(json_err("incident"))?;
        let reports = load_reports(&self.conn, &id)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT DISTINCT {} FROM documents d JOIN reports r ON r.document = d.rowid
             WHERE r.incident = ?1 ORDER BY d.rowid",
            DOC_COLUMNS
                .split(", ")
                .map(|c| format!("d.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
        let documents = stmt
            .query_map([&id], read_document)?
            .collect::<Result<Vec<_>, _>>()?;
        let history = review::history(&self.conn, &id)?;
        Ok(Some(IncidentDetail {
            incident,
            reports,
            documents,
            history,
        }))
    }

    fn documents(&self) -> Result<Vec<Document>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DOC_COLUMNS} FROM documents ORDER BY rowid"
        ))?;
        let docs = stmt
            .query_map([], read_document)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(docs)
    }

    fn original(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT body FROM documents WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn edit(
        &mut self,
        id: &str,
        field: &str,
        value: &serde_json::Value,
        by: &Reviewer,
    ) -> Result<String, StoreError> {
        let now = now();
        let tx = self.conn.transaction()?;
        let id = review::canonical(&tx, id)?;
        let id = review::edit(&tx, &id, field, value, by.reason, by.who, &now)?;
        tx.commit()?;
        Ok(id)
    }

    fn merge(&mut self, ids: &[String], by: &Reviewer) -> Result<String, StoreError> {
        let now = now();
        let tx = self.conn.transaction()?;
        let mut canon = Vec::new();
        for id in ids {
            let c = review::canonical(&tx, id)?;
            if !canon.contains(&c) {
                canon.push(c);
            }
        }
        if canon.len() < 2 {
            return Err(StoreError::BadEdit(
                "merge needs two different incidents".into(),
            ));
        }
        let id = review::merge(&tx, &canon, by.reason, by.who, &now)?;
        tx.commit()?;
        Ok(id)
    }

    fn split(
        &mut self,
        id: &str,
        report: &str,
        by: &Reviewer,
    ) -> Result<(String, String), StoreError> {
        let now = now();
        let tx = self.conn.transaction()?;
        let id = review::canonical(&tx, id)?;
        let out = review::split(&tx, &id, report, by.reason, by.who, &now)?;
        tx.commit()?;
        Ok(out)
    }

    fn reextract(&mut self, extract: &mut Extractor) -> Result<ReextractOutcome, StoreError> {
        let now = now();
        let tx = self.conn.transaction()?;
        let mut outcome = ReextractOutcome {
            incidents_before: tx
                .query_row("SELECT COUNT(*) FROM incidents", [], |r| r.get::<_, i64>(0))?
                as usize,
            ..ReextractOutcome::default()
        };
        let pins: BTreeMap<String, String> = tx
            .prepare("SELECT key, pin FROM reports WHERE pin IS NOT NULL")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        // Read everything first: a document whose new extraction fails keeps its reports.
        let mut plan: Vec<(i64, Vec<Report>)> = Vec::new();
        {
            let mut docs = tx.prepare(&format!(
                "SELECT rowid, {DOC_COLUMNS}, body FROM documents ORDER BY rowid"
            ))?;
            let mut rows = docs.query([])?;
            while let Some(row) = rows.next()? {
                let rowid: i64 = row.get(0)?;
                let doc = Document {
                    id: row.get(1)?,
                    sha256: row.get(2)?,
                    media_type: row.get(3)?,
                    fetched_at: row.get(4)?,
                    published: row
                        .get::<_, Option<String>>(5)?
                        .and_then(|p| p.parse().ok()),
                    source: row.get(6)?,
                    lang: row.get(7)?,
                    title: row.get(8)?,
                    url: row.get(9)?,
                    size: row.get::<_, i64>(10)? as u64,
                };
                let body: Vec<u8> = row.get(11)?;
                outcome.documents += 1;
                match extract(&doc, &body) {
                    Ok(reports) => plan.push((rowid, reports)),
                    Err(e) => {
                        let mut old = Vec::new();
                        for b in tx
                            .prepare_cached(
                                "SELECT body FROM reports WHERE document = ?1 ORDER BY key",
                            )?
                            .query_map([rowid], |r| r.get::<_, String>(0))?
                        {
                            old.push(serde_json::from_str(&b?).map_err(json_err("report"))?);
                        }
                        outcome.failed.push((doc.id.clone(), e));
                        plan.push((rowid, old));
                    }
                }
            }
        }
        tx.execute_batch(
            "DELETE FROM report_keys; DELETE FROM reports; DELETE FROM incidents; DELETE FROM incident_links;",
        )?;
        let mut touched = BTreeSet::new();
        for (rowid, reports) in &plan {
            for r in reports {
                let (id, _) = place_report(&tx, *rowid, r, pins.get(&r.key).map(String::as_str))?;
                touched.insert(id);
                outcome.reports += 1;
            }
            // Rebuild as we go so that later documents match against built incidents.
            for id in std::mem::take(&mut touched) {
                rebuild(&tx, &id, &now)?;
            }
        }
        outcome.incidents_after =
            tx.query_row("SELECT COUNT(*) FROM incidents", [], |r| r.get::<_, i64>(0))? as usize;
        tx.commit()?;
        Ok(outcome)
    }

    fn checkpoint(&mut self, signer: &Signer) -> Result<Option<String>, StoreError> {
        let tx = self.conn.transaction()?;
        let note = crate::log::checkpoint(&tx, signer, &now())?;
        tx.commit()?;
        Ok(note)
    }

    fn latest_checkpoint(&self) -> Result<Option<String>, StoreError> {
        crate::log::latest(&self.conn)
    }

    fn verify(&self, origin: &str, key: &VerifyingKey) -> Result<VerifyReport, StoreError> {
        crate::log::verify(&self.conn, origin, key)
    }

    fn proofs(&self, subject: &str) -> Result<Vec<(String, Proof)>, StoreError> {
        // An incident (or former id) proves its sources; else a document id or sha256.
        let id = review::canonical(&self.conn, subject)?;
        let mut shas: Vec<String> = self
            .conn
            .prepare(
                "SELECT DISTINCT d.sha256 FROM reports r JOIN documents d ON d.rowid = r.document
                 WHERE r.incident = ?1 ORDER BY d.rowid",
            )?
            .query_map([&id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if shas.is_empty() {
            shas = self
                .conn
                .prepare(
                    "SELECT sha256 FROM documents WHERE doc_id = ?1 OR sha256 = ?1 ORDER BY rowid",
                )?
                .query_map([subject], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
        }
        if shas.is_empty() {
            return Err(StoreError::NoIncident(subject.to_string()));
        }
        crate::log::proofs(&self.conn, &shas)
    }

    fn changes_since(&self, after: i64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, incident FROM incident_changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], |r| {
            Ok(Change {
                seq: r.get(0)?,
                incident: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn incidents_by_id(&self, ids: &[String]) -> Result<Vec<Incident>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM incidents WHERE id = ?1")?;
        let mut out = Vec::new();
        for id in ids {
            let body: Option<String> = stmt.query_row([id], |r| r.get(0)).optional()?;
            if let Some(body) = body {
                out.push(serde_json::from_str(&body).map_err(json_err("incident"))?);
            }
        }
        Ok(out)
    }

    fn latest_change(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM incident_changes",
            [],
            |r| r.get(0),
        )?)
    }

    fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT url, etag, last_modified, last_poll, last_status FROM feed_state WHERE url = ?1",
                [url],
                |r| {
                    Ok(FeedState {
                        url: r.get(0)?,
                        etag: r.get(1)?,
                        last_modified: r.get(2)?,
                        last_poll: r.get(3)?,
                        last_status: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    fn save_feed_state(&mut self, st: &FeedState) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO feed_state(url, etag, last_modified, last_poll, last_status)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
                 last_modified = excluded.last_modified, last_poll = excluded.last_poll,
                 last_status = excluded.last_status",
            params![
                st.url,
                st.etag,
                st.last_modified,
                st.last_poll,
                st.last_status
            ],
        )?;
        Ok(())
    }

    fn feed_item_seen(&self, feed: &str, item: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM feed_seen WHERE feed = ?1 AND item = ?2",
                [feed, item],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn mark_feed_item_seen(&mut self, feed: &str, item: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO feed_seen(feed, item, seen_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(feed, item) DO NOTHING",
            params![feed, item, now()],
        )?;
        Ok(())
    }

    fn alert_cursor(&self, consumer: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq FROM alert_cursors WHERE consumer = ?1",
                [consumer],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn set_alert_cursor(&mut self, consumer: &str, seq: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO alert_cursors(consumer, seq) VALUES (?1, ?2)
             ON CONFLICT(consumer) DO UPDATE SET seq = excluded.seq",
            params![consumer, seq],
        )?;
        Ok(())
    }

    fn alert_fingerprint(&self, rule: &str, incident: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT fingerprint FROM alerts_sent WHERE rule = ?1 AND incident = ?2",
                [rule, incident],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn record_alert(
        &mut self,
        rule: &str,
        incident: &str,
        fingerprint: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO alerts_sent(rule, incident, fingerprint, sent_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(rule, incident) DO UPDATE SET fingerprint = excluded.fingerprint,
                 sent_at = excluded.sent_at",
            params![rule, incident, fingerprint, now()],
        )?;
        Ok(())
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        let count = |table: &str| -> Result<usize, StoreError> {
            Ok(self
                .conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })? as usize)
        };
        Ok(Counts {
            documents: count("documents")?,
            reports: count("reports")?,
            incidents: count("incidents")?,
        })
    }
}

#[cfg(test)]
#[path = "sqlite/tests.rs"]
mod tests;
