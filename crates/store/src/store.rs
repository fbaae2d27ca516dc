//! The store's logic, written once against [`Db`]: archiving, placing reports into
//! incidents, rebuilding them, and every query of the [`Store`] trait. The backends
//! (`sqlite.rs`, `postgres.rs`) only open connections, migrate, and run transactions;
//! `impl_store!` gives each the same `Store` implementation.

use crate::db::{args, Db, Row, Sent, Value};
use crate::review::Reach;
use crate::{
    log::DocumentProof, log::Signer, log::VerifyReport, review, Change, CommitOutcome, Counts,
    Extractor, FeedState, Filter, IncidentDetail, Production, ReextractOutcome, Reviewer, Role,
    StoreError, Token,
};
use recount_ledger::VerifyingKey;
use recount_model::{Document, FigureKind, Incident, IncidentType, Related, Report};
use recount_resolve::{build, candidate_window, choose, incident_id, DocInfo, CANDIDATE_PAD_DAYS};
use std::collections::{BTreeMap, BTreeSet};

/// The fingerprint of the code and data that derive reports and incidents (the store's
/// build script), recorded on every row they write.
pub const DERIVATION: &str = env!("RECOUNT_DERIVATION");

pub(crate) fn json_err(what: &str) -> impl FnOnce(serde_json::Error) -> StoreError + '_ {
    move |source| StoreError::Json {
        what: what.to_string(),
        source,
    }
}

pub(crate) fn now() -> String {
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

/// A report's matching signature as stored: the sha256 of
/// [`recount_resolve::matching::match_signature`], shortened (a collision would only make
/// two kinds of report stand for each other in matching).
fn signature_of(r: &Report) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(recount_resolve::matching::match_signature(r).as_bytes());
    hex::encode(&digest[..16])
}

/// Reports whose dates span more than this many days are `wide` (migration 9 writes the
/// same number): the date lookup of matching reaches back this far for all others.
const WIDE_DAYS: u64 = 31;

/// The reports of an incident, by key (the same order on every backend).
pub(crate) fn load_reports(tx: &dyn Db, incident: &str) -> Result<Vec<Report>, StoreError> {
    let mut out = Vec::new();
    for row in tx.query(
        "SELECT body FROM reports WHERE incident = ?1 ORDER BY key",
        args![incident],
    )? {
        out.push(report_of(&row)?);
    }
    Ok(out)
}

/// The report stored in the first column of a row.
fn report_of(row: &Row) -> Result<Report, StoreError> {
    serde_json::from_str(&row.text(0)?).map_err(json_err("report"))
}

/// The incidents a report may join, by id, each with its reports (by key), or `None`
/// when one of them was split out alone by a reviewer.
type Candidates = BTreeMap<String, Option<Vec<Report>>>;

/// The query for a report's [`Candidates`]: one for every way in, so a report costs one
/// round trip to look around. `None` when there is no way in.
fn candidates_query(r: &Report) -> Option<(String, Vec<Value>)> {
    let mut parts: Vec<String> = Vec::new();
    let mut args: Vec<Value> = vec![Value::from(kind_group(r.kind))];
    let window = candidate_window(r);
    if let Some((start, end)) = window {
        // A report overlapping this one started at most its own span before it: up to
        // `WIDE_DAYS` for most, a year for the few wide ones (year-precise dates).
        args.extend([
            Value::from((start - chrono::Days::new(366)).to_string()),
            Value::from(end.to_string()),
            Value::from(start.to_string()),
            Value::from((start - chrono::Days::new(WIDE_DAYS)).to_string()),
            Value::from(block_of(r)),
        ]);
        parts.push(
            "SELECT incident FROM reports
             WHERE rep = 1 AND block = ?6 AND kind = ?1 AND wide = 0
               AND day_start >= ?5 AND day_start <= ?3 AND day_end >= ?4
             UNION
             SELECT incident FROM reports
             WHERE rep = 1 AND block = ?6 AND kind = ?1 AND wide = 1
               AND day_start >= ?2 AND day_start <= ?3 AND day_end >= ?4"
                .to_string(),
        );
    }
    // A shared name ties reports across provinces and languages, but two dated reports
    // match only within days of each other: a dated report looks among undated ones and
    // those near its own date, so the cost stays flat as the years pile up.
    if !r.keys.is_empty() {
        let first = args.len() + 1;
        let list = (first..first + r.keys.len())
            .map(|n| format!("?{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        args.extend(r.keys.iter().map(Value::from));
        let dated = if window.is_some() {
            " AND (k.day_start IS NULL
                   OR (k.day_start >= ?2 AND k.day_start <= ?3 AND k.day_end >= ?4))"
        } else {
            ""
        };
        parts.push(format!(
            "SELECT r.incident FROM report_keys k JOIN reports r ON r.key = k.report
             WHERE k.key IN ({list}) AND k.kind = ?1{dated}"
        ));
    }
    if parts.is_empty() {
        return None;
    }
    // The candidates' reports come back with them: the representatives (see
    // [`refresh_representatives`]; the others would score the same, and every report a
    // reviewer split out alone is one, so such an incident is seen to take no new report)
    // and every report of the same document (two events of one document never merge).
    // A report is compared with a few reports of an incident told a thousand times alike,
    // not with all of them, and finds it through those few.
    let doc = args.len() + 1;
    args.push(Value::from(&r.doc));
    Some((
        format!(
            "WITH candidates AS ({})
             SELECT incident, body, pin FROM reports
             WHERE key IN (
                 SELECT key FROM reports
                 WHERE rep = 1 AND incident IN (SELECT incident FROM candidates)
                 UNION
                 SELECT key FROM reports
                 WHERE document IN (SELECT rowid FROM documents WHERE doc_id = ?{doc})
                   AND incident IN (SELECT incident FROM candidates))
             ORDER BY incident, key",
            parts.join(" UNION ")
        ),
        args,
    ))
}

/// The incidents a report may join, by id, each with its reports (by key), or `None`
/// when one of them was split out alone by a reviewer: such an incident takes no new
/// reports.
fn candidates(tx: &dyn Db, r: &Report) -> Result<Candidates, StoreError> {
    match candidates_query(r) {
        Some((sql, args)) => candidates_from(&tx.query(&sql, &args)?),
        None => Ok(Candidates::new()),
    }
}

/// [`Candidates`] from the rows of [`candidates_query`].
fn candidates_from(rows: &[Row]) -> Result<Candidates, StoreError> {
    let mut found = Candidates::new();
    for row in rows {
        let members = found
            .entry(row.text(0)?)
            .or_insert_with(|| Some(Vec::new()));
        // An incident holding a report a reviewer split out alone takes no new reports.
        if row.opt_text(2)?.is_some_and(|p| p.starts_with("alone:")) {
            *members = None;
        }
        if let Some(members) = members {
            members.push(serde_json::from_str(&row.text(1)?).map_err(json_err("report"))?);
        }
    }
    Ok(found)
}

/// The query for the reports of an incident (by key) with the documents they came from.
pub(crate) fn reports_and_documents_sql(tx: &dyn Db) -> &'static str {
    // Each report's document by its row number: PostgreSQL, planning with stale
    // statistics during a bulk ingest, hashed the whole archive for a plain join, so there
    // the lookup is a lateral subquery it cannot flatten (the `LIMIT`).
    if tx.is_postgres() {
        "SELECT r.body, d.doc_id, d.sha256, d.url, d.published, d.lang FROM reports r
         LEFT JOIN LATERAL (SELECT doc_id, sha256, url, published, lang FROM documents
                            WHERE rowid = r.document LIMIT 1) d ON TRUE
         WHERE r.incident = ?1 ORDER BY r.key"
    } else {
        "SELECT r.body, d.doc_id, d.sha256, d.url, d.published, d.lang FROM reports r
         LEFT JOIN documents d ON d.rowid = r.document WHERE r.incident = ?1 ORDER BY r.key"
    }
}

/// The reports and the documents they came from (each once, in the order of its first
/// report), from the rows of [`reports_and_documents_sql`].
pub(crate) fn reports_and_documents(
    rows: &[Row],
) -> Result<(Vec<Report>, Vec<DocInfo>), StoreError> {
    let mut reports = Vec::with_capacity(rows.len());
    let mut docs: Vec<DocInfo> = Vec::new();
    for row in rows {
        reports.push(report_of(row)?);
        let Some(sha256) = row.opt_text(2)? else {
            continue;
        };
        if docs.iter().any(|d| d.sha256 == sha256) {
            continue;
        }
        docs.push(DocInfo {
            id: row.text(1)?,
            sha256,
            url: row.opt_text(3)?,
            published: row.opt_text(4)?.and_then(|p| p.parse().ok()),
            lang: row.opt_text(5)?,
        });
    }
    Ok((reports, docs))
}

/// Attaches a report to the incident it matches best (or a new one) and stores it with
/// the archived document it came from (by sha256). A `pin` forces the report into the
/// incident that already holds that pin (a reviewer's merge or split, kept across
/// re-extraction). Incidents holding a report split out by a reviewer take no new reports.
pub(crate) fn place_report(
    tx: &dyn Db,
    document: &str,
    r: &Report,
    pin: Option<&str>,
) -> Result<(String, bool), StoreError> {
    place_report_among(tx, document, r, pin, None)
}

/// [`place_report`], given the report's candidates when the caller read them already.
fn place_report_among(
    tx: &dyn Db,
    document: &str,
    r: &Report,
    pin: Option<&str>,
    found: Option<Candidates>,
) -> Result<(String, bool), StoreError> {
    let pinned: Option<String> = match pin {
        Some(p) => tx
            .query_opt(
                "SELECT incident FROM reports WHERE pin = ?1 LIMIT 1",
                args![p],
            )?
            .map(|row| row.text(0))
            .transpose()?,
        None => None,
    };
    let alone = pin.is_some_and(|p| p.starts_with("alone:"));
    let mut best: Option<String> = None;
    if pinned.is_none() && !alone {
        let found = match found {
            Some(found) => found,
            None => candidates(tx, r)?,
        };
        // An incident holding a report a reviewer split out alone takes no new reports.
        let open = found
            .iter()
            .filter_map(|(id, members)| Some((id.as_str(), members.as_deref()?)));
        best = choose(r, open).map(|(id, _)| id.to_string());
    }
    let (incident, is_new) = match (pinned, best) {
        (Some(id), _) => (id, false),
        (None, Some(id)) => (id, false),
        (None, None) => (incident_id([r.key.as_str()]), true),
    };
    let days = report_days(r);
    let wide = days.is_some_and(|(first, last)| (last - first).num_days() > WIDE_DAYS as i64);
    let window = days.map(|(first, last)| (first.to_string(), last.to_string()));
    let signature = signature_of(r);
    // The first report of its signature in the incident represents it; a report split
    // out alone always does.
    let represents = is_new
        || pin.is_some_and(|p| p.starts_with("alone:"))
        || !tx.exists(
            "SELECT 1 FROM reports WHERE incident = ?1 AND signature = ?2 AND rep = 1",
            args![&incident, &signature],
        )?;
    tx.write(
        "INSERT INTO reports(key, document, incident, kind, block, day_start, day_end, body, pin,
                             wide, signature, rep)
         VALUES (?1, (SELECT rowid FROM documents WHERE sha256 = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9,
                 ?10, ?11, ?12)
         ON CONFLICT (key) DO UPDATE SET document = excluded.document, incident = excluded.incident,
             kind = excluded.kind, block = excluded.block, day_start = excluded.day_start,
             day_end = excluded.day_end, body = excluded.body, pin = excluded.pin,
             wide = excluded.wide, signature = excluded.signature, rep = excluded.rep",
        args![
            &r.key,
            document,
            &incident,
            kind_group(r.kind),
            block_of(r),
            window.as_ref().map(|w| w.0.clone()),
            window.as_ref().map(|w| w.1.clone()),
            serde_json::to_string(r).map_err(json_err("report"))?,
            pin,
            i64::from(wide),
            &signature,
            i64::from(represents)
        ],
    )?;
    // The report is new to the store (its document is, or re-extraction emptied the
    // table), so it has no keys to replace; all of them go in one statement. Only a
    // representative's keys are indexed: the others have the same.
    if represents {
        index_keys(tx, r, window.as_ref())?;
    }
    Ok((incident, is_new))
}

/// Enters a report's name keys in `report_keys`, with its kind and days.
fn index_keys(
    tx: &dyn Db,
    r: &Report,
    window: Option<&(String, String)>,
) -> Result<(), StoreError> {
    if !r.keys.is_empty() {
        let rows = (0..r.keys.len())
            .map(|i| format!("(?{}, ?1, ?2, ?3, ?4)", i + 5))
            .collect::<Vec<_>>()
            .join(", ");
        let mut args = vec![
            Value::from(&r.key),
            Value::from(kind_group(r.kind)),
            Value::from(window.as_ref().map(|w| w.0.clone())),
            Value::from(window.as_ref().map(|w| w.1.clone())),
        ];
        args.extend(r.keys.iter().map(Value::from));
        tx.write(
            &format!(
                "INSERT INTO report_keys(key, report, kind, day_start, day_end) VALUES {rows}"
            ),
            &args,
        )?;
    }
    Ok(())
}

/// Keeps one representative report for each matching signature of an incident (and
/// every report split out alone), after its reports changed: matching finds and
/// compares an incident through its representatives only, and two reports of one
/// signature score the same against any third. A signature that lost its
/// representative (moved out, deleted) gets its smallest key; one with several (after a
/// merge) keeps the smallest of them. Rows from before signatures were kept get theirs.
fn refresh_representatives(tx: &dyn Db, id: &str, reports: &[Report]) -> Result<(), StoreError> {
    let mut stored: BTreeMap<String, (bool, bool, Option<String>)> = BTreeMap::new();
    for row in tx.query(
        "SELECT key, rep, pin, signature FROM reports WHERE incident = ?1",
        args![id],
    )? {
        let alone = row.opt_text(2)?.is_some_and(|p| p.starts_with("alone:"));
        stored.insert(row.text(0)?, (row.int(1)? == 1, alone, row.opt_text(3)?));
    }
    // By signature: the reports (in key order), and whether each is a representative now.
    let mut groups: BTreeMap<String, Vec<(&Report, bool, bool)>> = BTreeMap::new();
    for r in reports {
        let Some((rep, alone, signature)) = stored.get(&r.key) else {
            continue;
        };
        let sig = signature.clone().unwrap_or_else(|| signature_of(r));
        groups.entry(sig).or_default().push((r, *rep, *alone));
    }
    for (sig, members) in &groups {
        let keep = members
            .iter()
            .find(|(_, rep, alone)| *rep && !*alone)
            .or_else(|| members.iter().find(|(_, _, alone)| !*alone))
            .map(|(r, _, _)| r.key.as_str());
        for (r, rep, alone) in members {
            let wanted = *alone || Some(r.key.as_str()) == keep;
            let unsigned = stored.get(&r.key).is_some_and(|s| s.2.is_none());
            if wanted == *rep && !unsigned {
                continue;
            }
            tx.write(
                "UPDATE reports SET rep = ?1, signature = ?2 WHERE key = ?3",
                args![i64::from(wanted), sig, &r.key],
            )?;
            match (wanted, *rep) {
                (true, false) => {
                    let window = report_days(r).map(|(a, b)| (a.to_string(), b.to_string()));
                    index_keys(tx, r, window.as_ref())?;
                }
                (false, true) => {
                    tx.write("DELETE FROM report_keys WHERE report = ?1", args![&r.key])?
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Rebuilds one incident from its reports, renaming it when its canonical id moved
/// (a report with a smaller key joined); the old id stays reachable as an alias.
pub(crate) fn rebuild(tx: &dyn Db, id: &str, now: &str) -> Result<String, StoreError> {
    Ok(rebuild_as(tx, id, now, false, None)?.map_or_else(|| id.to_string(), |inc| inc.id))
}

/// [`rebuild`]. With `fresh`, the caller knows that a new id the incident may take was
/// never used (it derives from a report key the document being committed brought), so
/// the review state read under the old id carries over instead of being read again.
///
/// `near` is a guess of the rebuilt incident's [`Reach`]: its connections are read in
/// the same exchange, and used when the guess covers the reach it turns out to have
/// (otherwise they are read again).
fn rebuild_as(
    tx: &dyn Db,
    id: &str,
    now: &str,
    fresh: bool,
    near: Option<&Reach>,
) -> Result<Option<Incident>, StoreError> {
    use crate::review::{ReviewState, REVIEW_QUERIES};
    // Everything about the incident, read in one exchange.
    let by_id = [Value::from(id)];
    let review = ReviewState::queries(id);
    let around = near.map(|reach| reach.query(id));
    let mut queries: Vec<(&str, &[Value])> = vec![(reports_and_documents_sql(tx), &by_id)];
    queries.extend(review.iter().map(|(sql, args)| (*sql, args.as_slice())));
    queries.extend(around.iter().map(|(sql, args)| (*sql, args.as_slice())));
    let results = tx.query_all(&queries)?;
    let (reports, docs) = reports_and_documents(&results[0])?;
    let state = ReviewState::from_rows(&results[1..=REVIEW_QUERIES])?;
    if reports.is_empty() {
        tx.execute("DELETE FROM incidents WHERE id = ?1", args![id])?;
        crate::review::unlink(tx, id)?;
        return Ok(None);
    }
    let canonical = incident_id(reports.iter().map(|r| r.key.as_str()));
    let state = if canonical == id {
        state
    } else {
        tx.write(
            "UPDATE reports SET incident = ?1 WHERE incident = ?2",
            args![&canonical, id],
        )?;
        tx.write("DELETE FROM incidents WHERE id = ?1", args![id])?;
        // Review rows and aliases follow the new id.
        crate::review::rename(tx, id, &canonical, &state)?;
        if fresh {
            state.renamed()
        } else {
            ReviewState::read(tx, &canonical)?
        }
    };
    refresh_representatives(tx, &canonical, &reports)?;
    let mut incident = build(&canonical, &reports, &docs, now);
    state.apply(&mut incident)?;
    // Rows read for a guess that turned out too small are not used: they are read again.
    let connected = near
        .zip(results.get(1 + REVIEW_QUERIES))
        .filter(|(guess, _)| Reach::of(&incident).is_none_or(|reach| guess.covers(&reach)))
        .map(|(_, rows)| rows.as_slice());
    let related = crate::review::relate(tx, &incident, &state.links, connected)?;
    write_incident(tx, &incident)?;
    incident.related = related;
    Ok(Some(incident))
}

/// Writes an incident's row. Its `related` list is not part of the stored body: the
/// links live in `incident_links`, and reads fill it from there ([`with_related`]).
pub(crate) fn write_incident(tx: &dyn Db, inc: &Incident) -> Result<(), StoreError> {
    let body = match inc.related.is_empty() {
        true => serde_json::to_string(inc),
        false => serde_json::to_string(&Incident {
            related: Vec::new(),
            ..inc.clone()
        }),
    }
    .map_err(json_err("incident"))?;
    let columns = IncidentColumns::of(inc);
    tx.write(
        "INSERT INTO incidents(id, kind, day_start, day_end, adcode, country, dead, updated_at, body,
                               prefecture, province, derivation)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, substr(?5, 1, 4), substr(?5, 1, 2), ?10)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, day_start = excluded.day_start,
             day_end = excluded.day_end, adcode = excluded.adcode, country = excluded.country,
             dead = excluded.dead, updated_at = excluded.updated_at, body = excluded.body,
             prefecture = excluded.prefecture, province = excluded.province,
             derivation = excluded.derivation",
        args![
            &inc.id,
            columns.kind,
            columns.day_start,
            columns.day_end,
            columns.adcode,
            columns.country,
            columns.dead,
            inc.updated_at.clone().unwrap_or_default(),
            body,
            DERIVATION
        ],
    )?;
    Ok(())
}

/// The columns of an incident's row that listings filter and sort on, beside its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IncidentColumns {
    pub kind: String,
    pub day_start: Option<String>,
    pub day_end: Option<String>,
    pub adcode: Option<String>,
    pub country: Option<String>,
    pub dead: Option<i64>,
}

impl IncidentColumns {
    /// What the row of `inc` holds.
    pub(crate) fn of(inc: &Incident) -> Self {
        let loc = inc.location.as_ref();
        IncidentColumns {
            kind: inc.kind.as_str().to_string(),
            day_start: inc.date.map(|d| d.first_day().to_string()),
            day_end: inc.date_end.or(inc.date).map(|d| d.last_day().to_string()),
            adcode: loc.and_then(|l| l.adcode.clone()),
            country: loc.map(|l| l.country.clone()),
            dead: inc.best(FigureKind::Dead),
        }
    }

    /// The columns where `self` (stored) and `other` (recomputed) differ: name, stored,
    /// recomputed.
    pub(crate) fn differences(&self, other: &Self) -> Vec<(&'static str, String, String)> {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "empty".into());
        let num = |v: &Option<i64>| v.map_or_else(|| "empty".into(), |n| n.to_string());
        let mut out = Vec::new();
        if self.kind != other.kind {
            out.push(("kind", self.kind.clone(), other.kind.clone()));
        }
        for (name, a, b) in [
            ("day_start", &self.day_start, &other.day_start),
            ("day_end", &self.day_end, &other.day_end),
            ("adcode", &self.adcode, &other.adcode),
            ("country", &self.country, &other.country),
        ] {
            if a != b {
                out.push((name, show(a), show(b)));
            }
        }
        if self.dead != other.dead {
            out.push(("dead", num(&self.dead), num(&other.dead)));
        }
        out
    }
}

/// A document from the `DOC_COLUMNS` of a row, starting at column `at`.
pub(crate) fn read_document(row: &Row, at: usize) -> Result<Document, StoreError> {
    Ok(Document {
        id: row.text(at)?,
        sha256: row.text(at + 1)?,
        media_type: row.text(at + 2)?,
        fetched_at: row.text(at + 3)?,
        published: row.opt_text(at + 4)?.and_then(|p| p.parse().ok()),
        source: row.opt_text(at + 5)?,
        lang: row.opt_text(at + 6)?,
        title: row.opt_text(at + 7)?,
        url: row.opt_text(at + 8)?,
        size: row.int(at + 9)? as u64,
        modified: row.opt_text(at + 10)?.and_then(|p| p.parse().ok()),
    })
}

/// The columns [`read_document`] reads. `published` is the date a reviewer set with
/// `recount redate` where there is one, else the archived original's.
pub(crate) const DOC_COLUMNS: &str =
    "doc_id, sha256, media_type, fetched_at,
     COALESCE((SELECT dd.published FROM document_dates dd WHERE dd.sha256 = documents.sha256), published),
     source, lang, title, url, size, modified";

/// Values per `IN` list in [`rows_in`]: a fixed width, so one prepared statement serves
/// every chunk (the short last one is padded with NULL, which matches nothing).
const IN_CHUNK: usize = 32;

/// The rows of `select` (which ends in `IN`) for every value of `values`, asked in
/// chunks of [`IN_CHUNK`]; independent of each other, so a PostgreSQL transaction sends
/// them together.
fn rows_in(db: &dyn Db, select: &str, values: &[String]) -> Result<Vec<Row>, StoreError> {
    let (list, chunks) = crate::db::fixed_width(values.iter().map(Value::from), IN_CHUNK, |n| {
        format!("?{n}")
    });
    let sql = format!("{select} ({list})");
    let queries: Vec<(&str, &[Value])> = chunks
        .iter()
        .map(|a| (sql.as_str(), a.as_slice()))
        .collect();
    Ok(db.query_all(&queries)?.into_iter().flatten().collect())
}

pub(crate) fn archived(db: &dyn Db, sha256s: &[String]) -> Result<BTreeSet<String>, StoreError> {
    rows_in(db, "SELECT sha256 FROM documents WHERE sha256 IN", sha256s)?
        .iter()
        .map(|row| row.text(0))
        .collect()
}

/// Fills each incident's `related` list from `incident_links`, in id order.
pub(crate) fn with_related(
    db: &dyn Db,
    mut incidents: Vec<Incident>,
) -> Result<Vec<Incident>, StoreError> {
    let ids: Vec<String> = incidents.iter().map(|inc| inc.id.clone()).collect();
    let mut links: BTreeMap<String, Vec<Related>> = BTreeMap::new();
    for row in rows_in(
        db,
        "SELECT a, b, relation FROM incident_links WHERE a IN",
        &ids,
    )? {
        links.entry(row.text(0)?).or_default().push(Related {
            id: row.text(1)?,
            relation: row.text(2)?,
        });
    }
    for inc in &mut incidents {
        let mut related = links.remove(&inc.id).unwrap_or_default();
        related.sort_by(|a, b| a.id.cmp(&b.id));
        inc.related = related;
    }
    Ok(incidents)
}

/// The days a report is stored with (`day_start`, `day_end`), when dated.
fn report_days(r: &Report) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    r.date
        .map(|d| (d.first_day(), r.date_end.unwrap_or(d).last_day()))
}

/// What a report's row and name keys offer the candidates query of another report.
struct Footprint {
    kind: &'static str,
    block: String,
    keys: Vec<String>,
    days: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

impl Footprint {
    fn of(r: &Report) -> Self {
        Footprint {
            kind: kind_group(r.kind),
            block: block_of(r),
            keys: r.keys.clone(),
            days: report_days(r),
        }
    }

    /// Whether the candidates query of `other` may find this report: by a shared name
    /// key, or in its block with overlapping days (a superset of [`candidates_query`]'s
    /// conditions, which all ask for the same kind, and in the block dates too).
    fn may_meet(&self, other: &Footprint) -> bool {
        if self.kind != other.kind {
            return false;
        }
        if self.keys.iter().any(|k| other.keys.contains(k)) {
            return true;
        }
        match (self.days, other.days) {
            (Some((first, last)), Some((start, end))) => {
                let pad = chrono::Days::new(CANDIDATE_PAD_DAYS);
                self.block == other.block && first <= end + pad && last >= start - pad
            }
            _ => false,
        }
    }
}

/// What a document's commit changed that a look-around read before it may miss (see
/// [`LookAhead`]).
enum Written {
    /// Nothing of reports or incidents: a duplicate, or a document without reports.
    None,
    /// One report placed: the report, the incidents written (one renamed: both ids) and
    /// the prefectures they have now.
    One {
        report: Footprint,
        incidents: Vec<String>,
        prefectures: Vec<String>,
    },
    /// Anything else (several reports).
    Other,
}

/// The prefecture column of an incident's row (`write_incident`).
fn prefecture_of(inc: &Incident) -> Option<String> {
    let code = inc.location.as_ref()?.adcode.as_deref()?;
    Some(code.chars().take(4).collect())
}

/// A report's candidates, with the incident it would start alone (built, its links not
/// yet set) and the rows of that incident's connections query.
type Looked = (Candidates, (Incident, Vec<Row>));

/// A one-report document's look-around, sent while the document before it commits:
/// the report's candidates and the connections of the incident it would start, as the
/// store stood before that commit. On PostgreSQL the server reads them while the worker
/// places the previous document, so the two no longer take turns.
struct LookAhead {
    sent: Sent,
    starts: Incident,
    near: bool,
    linked: bool,
    report: Footprint,
}

impl LookAhead {
    fn send(tx: &dyn Db, r: &Report, source: &DocInfo, now: &str) -> Result<Self, StoreError> {
        let starts = build(
            &incident_id([r.key.as_str()]),
            std::slice::from_ref(r),
            std::slice::from_ref(source),
            now,
        );
        let near = candidates_query(r);
        let linked = crate::review::connections_query(&starts);
        let mut queries: Vec<(&str, &[Value])> = Vec::new();
        if let Some((sql, args)) = &near {
            queries.push((sql, args));
        }
        if let Some((sql, args)) = &linked {
            queries.push((sql, args));
        }
        let sent = tx.send(&queries)?;
        Ok(LookAhead {
            sent,
            near: near.is_some(),
            linked: linked.is_some(),
            starts,
            report: Footprint::of(r),
        })
    }

    /// Its rows, as the store stood when it was sent.
    fn read(self, tx: &dyn Db) -> Result<(Looked, Footprint, bool), StoreError> {
        // Every sent query is answered, even when its rows turn out stale.
        let mut results = tx.receive(self.sent)?.into_iter();
        let found = match self.near {
            true => candidates_from(&results.next().unwrap_or_default())?,
            false => Candidates::new(),
        };
        // No query: it can be connected to nothing, which the empty rows say.
        let connected = match self.linked {
            true => results.next().unwrap_or_default(),
            false => Vec::new(),
        };
        Ok(((found, (self.starts, connected)), self.report, self.linked))
    }

    /// Sends and reads at once.
    fn read_now(
        tx: &dyn Db,
        r: &Report,
        source: &DocInfo,
        now: &str,
    ) -> Result<Looked, StoreError> {
        Ok(Self::send(tx, r, source, now)?.read(tx)?.0)
    }

    /// Its rows; `None` when `written`, committed since it was sent, may have changed
    /// them (see [`Written::leaves`]).
    fn receive(self, tx: &dyn Db, written: &Written) -> Result<Option<Looked>, StoreError> {
        let (looked, report, linked) = self.read(tx)?;
        Ok(written.leaves(&report, linked, &looked).then_some(looked))
    }
}

impl Written {
    /// Whether a look-around read before this was written still holds: `report` is the
    /// report it was read for, `linked` whether it read connections. The candidates
    /// are found through the reports' blocks and name keys, and come with all the
    /// reports of each; the connections are the incidents of one prefecture. A report
    /// placed changes the candidates when the other report may meet it or when one of
    /// them is an incident it touched, and the connections when one of them is, or when
    /// an incident it touched is now of their prefecture.
    fn leaves(
        &self,
        report: &Footprint,
        linked: bool,
        (found, (starts, connected)): &Looked,
    ) -> bool {
        match self {
            Written::None => true,
            Written::Other => false,
            Written::One {
                report: placed,
                incidents,
                prefectures,
            } => {
                let connected_to = |id: &String| {
                    connected
                        .iter()
                        .any(|row| row.text(0).is_ok_and(|other| other == *id))
                };
                let here = prefecture_of(starts);
                !placed.may_meet(report)
                    && !incidents.iter().any(|id| found.contains_key(id))
                    && (!linked
                        || (!incidents.iter().any(connected_to)
                            && !prefectures.iter().any(|p| Some(p) == here.as_ref())))
            }
        }
    }
}

fn doc_info(doc: &Document) -> DocInfo {
    DocInfo {
        id: doc.id.clone(),
        sha256: doc.sha256.clone(),
        url: doc.url.clone(),
        published: doc.published,
        lang: doc.lang.clone(),
    }
}

/// An incident a document's reports went to.
struct Touched<'a> {
    /// Every report placed in it started it (the outcome counts it as new).
    is_new: bool,
    /// This document created it.
    created: bool,
    /// The reports the document placed there.
    placed: Vec<&'a Report>,
}

/// Archives a document and places its reports, inside the caller's transaction, whose
/// log leaves `log` appends (the caller finishes it before committing). `looked` is the
/// look-around of a one-report document, read already.
fn commit(
    tx: &dyn Db,
    log: &mut crate::log::Appender,
    stored: &mut BTreeSet<String>,
    (doc, bytes, reports): (&Document, &[u8], &[Report]),
    looked: Option<Looked>,
    dirty: &mut BTreeSet<String>,
) -> Result<(CommitOutcome, Written), StoreError> {
    let now = now();
    if !stored.insert(doc.sha256.clone()) {
        let outcome = CommitOutcome {
            duplicate: true,
            ..CommitOutcome::default()
        };
        return Ok((outcome, Written::None));
    }
    // The caller archived the document already (`archive`).
    let published = doc.published.map(|p| p.to_string());
    log.append_document(tx, doc, published.as_deref(), bytes)?;
    let mut touched: BTreeMap<String, Touched> = BTreeMap::new();
    let source = doc_info(doc);
    // A document of one report (most are) reads what the report may join and, in the
    // same exchange, what the incident it would start is connected to; that second read
    // is wasted when the report joins an incident instead. With more reports, an
    // incident one of them starts may be connected to one another starts, written only
    // later, so each incident reads its connections when it is built.
    let mut looked = looked;
    let mut ahead: Option<(Incident, Vec<Row>)> = None;
    for r in reports {
        let found = if reports.len() == 1 {
            let (found, starts) = match looked.take() {
                Some(read) => read,
                None => LookAhead::read_now(tx, r, &source, &now)?,
            };
            ahead = Some(starts);
            Some(found)
        } else {
            None
        };
        let (incident, is_new) = place_report_among(tx, &doc.sha256, r, None, found)?;
        let entry = touched.entry(incident).or_insert_with(|| Touched {
            is_new,
            created: is_new,
            placed: Vec::new(),
        });
        entry.is_new &= is_new;
        entry.placed.push(r);
    }
    let mut outcome = CommitOutcome::default();
    let mut written = match reports {
        [] => Written::None,
        _ => Written::Other,
    };
    for (id, touched) in touched {
        let is_new = touched.is_new;
        // An incident that existed before this document is rebuilt once, when the run
        // ends: a run of many reports of one event then reads and writes it once, not
        // once a report. Nothing before then reads its row to decide (matching reads
        // reports; links are set again, both ways, when it is rebuilt).
        if !touched.created {
            dirty.insert(id.clone());
            if let [r] = reports {
                written = Written::One {
                    report: Footprint::of(r),
                    incidents: vec![id],
                    prefectures: Vec::new(),
                };
            }
            outcome.updated_incidents += 1;
            continue;
        }
        // Any new id is fresh: the smallest key of the incident's reports is one this
        // document brought.
        let built = build_created(tx, &id, touched.placed, &source, &now, ahead.take())?;
        let (ids, incident) = match built {
            Some(incident) => (vec![id], Some(incident)),
            None => {
                let incident = rebuild_as(tx, &id, &now, true, None)?;
                let renamed = incident.as_ref().map(|inc| inc.id.clone());
                (std::iter::once(id).chain(renamed).collect(), incident)
            }
        };
        if let [r] = reports {
            written = Written::One {
                report: Footprint::of(r),
                incidents: ids,
                prefectures: incident
                    .as_ref()
                    .and_then(prefecture_of)
                    .into_iter()
                    .collect(),
            };
        }
        if is_new {
            outcome.new_incidents += 1;
        } else {
            outcome.updated_incidents += 1;
        }
    }
    Ok((outcome, written))
}

/// Builds an incident this document created, from what is in memory: its reports are
/// the ones just placed in it and its one source is this document. An id derived from
/// one of the document's new report keys has never been used, so there are no edits,
/// history or links to read. `ahead` is the incident as its one report would start it,
/// with its connections read already (see [`LookAhead`]). Returns the incident written,
/// or `None`, building nothing, when the incident must be renamed (a later report of
/// the document has the smaller key): `rebuild` does that.
fn build_created(
    tx: &dyn Db,
    id: &str,
    mut placed: Vec<&Report>,
    source: &DocInfo,
    now: &str,
    ahead: Option<(Incident, Vec<Row>)>,
) -> Result<Option<Incident>, StoreError> {
    placed.sort_by(|a, b| a.key.cmp(&b.key));
    if incident_id(placed.iter().map(|r| r.key.as_str())) != id {
        return Ok(None);
    }
    let no_links = BTreeMap::new();
    let (mut incident, connected) = match ahead {
        Some((incident, connected)) if incident.id == id && placed.len() == 1 => {
            (incident, Some(connected))
        }
        _ => {
            let reports: Vec<Report> = placed.into_iter().cloned().collect();
            (build(id, &reports, std::slice::from_ref(source), now), None)
        }
    };
    let related = crate::review::relate(tx, &incident, &no_links, connected.as_deref())?;
    write_incident(tx, &incident)?;
    incident.related = related;
    Ok(Some(incident))
}

/// Documents one statement archives at most: a run's new documents go in a few
/// statements instead of one each.
const DOCUMENTS_PER_STATEMENT: usize = 16;

/// Archives the documents of a run that are new, in order, each once; `stored` holds
/// the ones archived already. Nothing needs to come back: on PostgreSQL the rows go out
/// with the transaction's next query, and reports name their document by its sha256.
fn archive(
    tx: &dyn Db,
    docs: &[(&Document, &[u8], &[Report])],
    stored: &BTreeSet<String>,
) -> Result<(), StoreError> {
    let mut seen = BTreeSet::new();
    let rows: Vec<Vec<Value>> = docs
        .iter()
        .filter(|(doc, _, _)| !stored.contains(&doc.sha256) && seen.insert(&doc.sha256))
        .map(|&(doc, bytes, _)| {
            vec![
                Value::from(&doc.id),
                Value::from(&doc.sha256),
                Value::from(&doc.media_type),
                Value::from(&doc.fetched_at),
                Value::from(doc.published.map(|p| p.to_string())),
                Value::from(doc.source.clone()),
                Value::from(doc.lang.clone()),
                Value::from(doc.title.clone()),
                Value::from(doc.url.clone()),
                Value::from(doc.size),
                Value::from(doc.modified.map(|p| p.to_string())),
                Value::from(bytes),
                Value::from(DERIVATION),
            ]
        })
        .collect();
    crate::db::insert_rows(
        tx,
        "INSERT INTO documents(doc_id, sha256, media_type, fetched_at, published, source, lang,
                               title, url, size, modified, body, derivation) VALUES",
        13,
        &rows,
        DOCUMENTS_PER_STATEMENT,
    )
}

/// Commits documents (with their bytes and reports) in the caller's transaction, in order.
pub(crate) fn commit_all(
    tx: &dyn Db,
    docs: &[(&Document, &[u8], &[Report])],
) -> Result<Vec<CommitOutcome>, StoreError> {
    let mut log = crate::log::Appender::default();
    // Which documents are archived already, asked once under the write lock (no other
    // writer can add one meanwhile); each document this run stores joins the set, so
    // a second copy within the run is a duplicate too.
    let shas: Vec<String> = docs.iter().map(|(doc, _, _)| doc.sha256.clone()).collect();
    let mut stored = archived(tx, &shas)?;
    archive(tx, docs, &stored)?;
    let mut outcomes = Vec::with_capacity(docs.len());
    // The look-around of the document whose turn is next, sent before this one's
    // writes, and what this one changed.
    let mut ahead: Option<LookAhead> = None;
    let mut written = Written::None;
    // Incidents that existed before a document joined them, rebuilt at the end.
    let mut dirty = BTreeSet::new();
    for (i, &(doc, bytes, reports)) in docs.iter().enumerate() {
        let looked = match ahead.take() {
            Some(sent) => sent.receive(tx, &written)?,
            None => None,
        };
        if let Some(&(next, _, [r])) = docs.get(i + 1) {
            if next.sha256 != doc.sha256 && !stored.contains(&next.sha256) {
                ahead = Some(LookAhead::send(tx, r, &doc_info(next), &now())?);
            }
        }
        let (outcome, changed) = commit(
            tx,
            &mut log,
            &mut stored,
            (doc, bytes, reports),
            looked,
            &mut dirty,
        )?;
        outcomes.push(outcome);
        written = changed;
    }
    let now = now();
    for id in &dirty {
        rebuild_as(tx, id, &now, false, None)?;
    }
    log.finish(tx)?;
    Ok(outcomes)
}

/// The incidents of rows whose first two columns are the body and the id, with their
/// `related` lists. A row whose body is not an incident is left out and reported
/// ([`crate::unreadable`]): one damaged row must not make every reader fail.
fn incidents_of(db: &dyn Db, rows: &[Row]) -> Result<Vec<Incident>, StoreError> {
    let mut incidents = Vec::with_capacity(rows.len());
    for row in rows {
        let body = row
            .text(0)
            .and_then(|b| serde_json::from_str::<Incident>(&b).map_err(json_err("incident")));
        match body {
            Ok(inc) => incidents.push(inc),
            Err(e) => crate::unreadable::report(
                &row.text(1).unwrap_or_else(|_| "(without an id)".into()),
                &e.to_string(),
            ),
        }
    }
    with_related(db, incidents)
}

pub(crate) fn incidents(db: &dyn Db, f: &Filter) -> Result<Vec<Incident>, StoreError> {
    Ok(incidents_page(db, f)?.0)
}

/// The incidents of a filter, how many rows the query gave (unreadable ones included) and
/// the cursor after the last of them, so that a page with a skipped row still continues.
fn incidents_page(
    db: &dyn Db,
    f: &Filter,
) -> Result<(Vec<Incident>, usize, Option<crate::Cursor>), StoreError> {
    let mut sql = String::from("SELECT body, id, day_start FROM incidents WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    let mut arg = |sql: &mut String, clause: &str, v: Value| {
        args.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(k) = f.kind {
        arg(&mut sql, " AND kind = ?", k.as_str().into());
    }
    if let Some(from) = f.from {
        arg(&mut sql, " AND day_end >= ?", from.to_string().into());
    }
    if let Some(to) = f.to {
        arg(&mut sql, " AND day_start <= ?", to.to_string().into());
    }
    if let Some(n) = f.min_dead {
        arg(&mut sql, " AND dead >= ?", n.into());
    }
    let mut places = String::new();
    for code in &f.adcodes {
        let prefix = code.trim_end_matches("00").trim_end_matches("00");
        let or = if places.is_empty() { "" } else { " OR " };
        // A province or a prefecture is a column with an index that ends with the date,
        // so a page of the newest comes straight off it; a range over the codes would
        // have to sort every incident of the province first.
        match prefix.len() {
            2 => arg(&mut places, &format!("{or}province = ?"), prefix.into()),
            4 => arg(&mut places, &format!("{or}prefecture = ?"), prefix.into()),
            _ => {
                // The codes under a place as a range ('~' sorts after every digit), which
                // the (adcode, day_start) index answers; LIKE would scan.
                arg(&mut places, &format!("{or}(adcode >= ?"), prefix.into());
                arg(&mut places, " AND adcode < ?)", format!("{prefix}~").into());
            }
        }
    }
    for c in &f.countries {
        let or = if places.is_empty() { "" } else { " OR " };
        arg(
            &mut places,
            &format!("{or}country = ?"),
            c.to_ascii_uppercase().into(),
        );
    }
    if !places.is_empty() {
        sql.push_str(&format!(" AND ({places})"));
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // The words people search for: titles, organisations, the place's detail and the
        // facets; not field names or numbers of the JSON body.
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        args.push(pattern.into());
        let n = args.len();
        sql.push_str(&text_clause(db.is_postgres(), n));
    }
    if let Some(c) = &f.after {
        // Keyset pagination in the listing's order (latest first, undated last, then
        // id): stable however many incidents arrive meanwhile.
        match &c.day_start {
            Some(day) => {
                args.push(day.as_str().into());
                args.push(c.id.as_str().into());
                let (n, m) = (args.len() - 1, args.len());
                sql.push_str(&format!(
                    " AND (day_start < ?{n} OR (day_start = ?{n} AND id > ?{m}) OR day_start IS NULL)"
                ));
            }
            None => {
                args.push(c.id.as_str().into());
                sql.push_str(&format!(" AND day_start IS NULL AND id > ?{}", args.len()));
            }
        }
    }
    // Both databases put undated incidents last, whatever their defaults for NULL.
    sql.push_str(" ORDER BY day_start DESC NULLS LAST, id");
    if let Some(n) = f.limit {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    let rows = db.query(&sql, &args)?;
    let last = match rows.last() {
        Some(row) => Some(crate::Cursor {
            day_start: row.opt_text(2)?,
            id: row.text(1)?,
        }),
        None => None,
    };
    Ok((incidents_of(db, &rows)?, rows.len(), last))
}

/// The text filter's condition, with the pattern bound to `?n`; case-insensitive for
/// Latin letters on both databases.
fn text_clause(postgres: bool, n: usize) -> String {
    if postgres {
        let like = format!("ILIKE ?{n} ESCAPE '\\'");
        format!(
            " AND (body::jsonb->>'title' {like}
              OR body::jsonb->>'title_zh' {like}
              OR body::jsonb->>'sector' {like}
              OR body::jsonb->>'mechanism' {like}
              OR body::jsonb->>'grievance' {like}
              OR body::jsonb->'location'->>'detail' {like}
              OR EXISTS (SELECT 1 FROM jsonb_array_elements(
                             COALESCE(body::jsonb->'organizations', '[]'::jsonb)) o
                         WHERE o->>'name' {like} OR o->>'name_en' {like}))"
        )
    } else {
        let like = format!("LIKE ?{n} ESCAPE '\\'");
        format!(
            " AND (json_extract(body, '$.title') {like}
              OR json_extract(body, '$.title_zh') {like}
              OR json_extract(body, '$.sector') {like}
              OR json_extract(body, '$.mechanism') {like}
              OR json_extract(body, '$.grievance') {like}
              OR json_extract(body, '$.location.detail') {like}
              OR EXISTS (SELECT 1 FROM json_each(body, '$.organizations') o
                         WHERE json_extract(o.value, '$.name') {like}
                            OR json_extract(o.value, '$.name_en') {like}))"
        )
    }
}

pub(crate) fn incident(db: &dyn Db, id: &str) -> Result<Option<IncidentDetail>, StoreError> {
    let id = review::canonical(db, id)?;
    let rows = db.query("SELECT body, id FROM incidents WHERE id = ?1", args![&id])?;
    let Some(incident) = incidents_of(db, &rows)?.pop() else {
        return Ok(None);
    };
    let reports = load_reports(db, &id)?;
    let documents = db
        .query(
            &format!(
                "SELECT {DOC_COLUMNS} FROM documents
                 WHERE rowid IN (SELECT document FROM reports WHERE incident = ?1) ORDER BY rowid"
            ),
            args![&id],
        )?
        .iter()
        .map(|row| read_document(row, 0))
        .collect::<Result<Vec<_>, _>>()?;
    let history = review::history(db, &id)?;
    Ok(Some(IncidentDetail {
        incident,
        reports,
        documents,
        history,
    }))
}

pub(crate) fn documents(db: &dyn Db) -> Result<Vec<Document>, StoreError> {
    db.query(
        &format!("SELECT {DOC_COLUMNS} FROM documents ORDER BY rowid"),
        &[],
    )?
    .iter()
    .map(|row| read_document(row, 0))
    .collect()
}

pub(crate) fn original(db: &dyn Db, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
    db.query_opt(
        "SELECT body FROM documents WHERE sha256 = ?1",
        args![sha256],
    )?
    .map(|row| row.blob(0))
    .transpose()
}

pub(crate) fn edit(
    tx: &dyn Db,
    id: &str,
    field: &str,
    value: &serde_json::Value,
    by: &Reviewer,
) -> Result<String, StoreError> {
    let id = review::canonical(tx, id)?;
    review::edit(tx, &id, field, value, by.reason, by.who, &now())
}

pub(crate) fn merge(tx: &dyn Db, ids: &[String], by: &Reviewer) -> Result<String, StoreError> {
    let mut canon = Vec::new();
    for id in ids {
        let c = review::canonical(tx, id)?;
        if !canon.contains(&c) {
            canon.push(c);
        }
    }
    if canon.len() < 2 {
        return Err(StoreError::BadEdit(
            "merge needs two different incidents".into(),
        ));
    }
    review::merge(tx, &canon, by.reason, by.who, &now())
}

pub(crate) fn split(
    tx: &dyn Db,
    id: &str,
    report: &str,
    by: &Reviewer,
) -> Result<(String, String), StoreError> {
    let id = review::canonical(tx, id)?;
    review::split(tx, &id, report, by.reason, by.who, &now())
}

fn count(db: &dyn Db, table: &str) -> Result<usize, StoreError> {
    Ok(db
        .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])?
        .int(0)? as usize)
}

/// Documents read per query while re-extracting, so the archive is never in memory whole.
const REEXTRACT_PAGE: i64 = 64;

pub(crate) fn reextract(
    tx: &dyn Db,
    extract: &mut Extractor,
) -> Result<ReextractOutcome, StoreError> {
    let now = now();
    let mut outcome = ReextractOutcome {
        incidents_before: count(tx, "incidents")?,
        ..ReextractOutcome::default()
    };
    let mut pins: BTreeMap<String, String> = BTreeMap::new();
    for row in tx.query("SELECT key, pin FROM reports WHERE pin IS NOT NULL", &[])? {
        pins.insert(row.text(0)?, row.text(1)?);
    }
    // Read everything first: a document whose new extraction fails keeps its reports.
    // Each document by its sha256, with its reports.
    let mut plan: Vec<(String, Vec<Report>)> = Vec::new();
    let mut last = i64::MIN;
    loop {
        let page = tx.query(
            &format!(
                "SELECT rowid, {DOC_COLUMNS}, body FROM documents WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"
            ),
            args![last, REEXTRACT_PAGE],
        )?;
        if page.is_empty() {
            break;
        }
        for row in &page {
            let rowid = row.int(0)?;
            last = rowid;
            let doc = read_document(row, 1)?;
            let body = row.blob(12)?;
            outcome.documents += 1;
            match extract(&doc, &body) {
                Ok(reports) => {
                    tx.write(
                        "UPDATE documents SET derivation = ?1 WHERE rowid = ?2",
                        args![DERIVATION, rowid],
                    )?;
                    plan.push((doc.sha256, reports))
                }
                Err(e) => {
                    let mut old = Vec::new();
                    for b in tx.query(
                        "SELECT body FROM reports WHERE document = ?1 ORDER BY key",
                        args![rowid],
                    )? {
                        old.push(report_of(&b)?);
                    }
                    outcome.failed.push((doc.id.clone(), e));
                    plan.push((doc.sha256, old));
                }
            }
        }
    }
    tx.batch(
        "DELETE FROM report_keys; DELETE FROM reports; DELETE FROM incidents; DELETE FROM incident_links;",
    )?;
    let mut touched = BTreeSet::new();
    for (sha256, reports) in &plan {
        for r in reports {
            let (id, _) = place_report(tx, sha256, r, pins.get(&r.key).map(String::as_str))?;
            touched.insert(id);
            outcome.reports += 1;
        }
        // Rebuild as we go so that later documents match against built incidents.
        for id in std::mem::take(&mut touched) {
            rebuild(tx, &id, &now)?;
        }
    }
    outcome.incidents_after = count(tx, "incidents")?;
    Ok(outcome)
}

pub(crate) fn redate(
    tx: &dyn Db,
    doc_id: &str,
    published: recount_model::PartialDate,
    who: &str,
    reason: &str,
    extract: &mut Extractor,
) -> Result<crate::RedateOutcome, StoreError> {
    let now = now();
    let rows = tx.query(
        &format!(
            "SELECT rowid, {DOC_COLUMNS}, body FROM documents WHERE doc_id = ?1 ORDER BY rowid"
        ),
        args![doc_id],
    )?;
    if rows.is_empty() {
        return Err(StoreError::BadEdit(format!(
            "no archived document with id {doc_id} (the file name, feed link or record id it was ingested as)"
        )));
    }
    let mut outcome = crate::RedateOutcome::default();
    let mut now_in: BTreeSet<String> = BTreeSet::new();
    for row in &rows {
        let rowid = row.int(0)?;
        let mut doc = read_document(row, 1)?;
        let body = row.blob(12)?;
        let was = doc.published.map(|p| p.to_string());
        doc.published = Some(published);
        let reports = extract(&doc, &body)
            .map_err(|e| StoreError::BadEdit(format!("{doc_id}: extraction failed: {e}")))?;
        tx.execute(
            "INSERT INTO document_dates(sha256, published) VALUES (?1, ?2)
             ON CONFLICT(sha256) DO UPDATE SET published = excluded.published",
            args![doc.sha256.clone(), published.to_string()],
        )?;
        tx.execute(
            "UPDATE documents SET derivation = ?1 WHERE rowid = ?2",
            args![DERIVATION, rowid],
        )?;
        let mut pins: BTreeMap<String, String> = BTreeMap::new();
        let mut touched: BTreeSet<String> = BTreeSet::new();
        for r in tx.query(
            "SELECT key, pin, incident FROM reports WHERE document = ?1",
            args![rowid],
        )? {
            if let Some(pin) = r.opt_text(1)? {
                pins.insert(r.text(0)?, pin);
            }
            touched.insert(r.text(2)?);
            outcome.reports_before += 1;
        }
        tx.execute(
            "DELETE FROM report_keys WHERE report IN (SELECT key FROM reports WHERE document = ?1)",
            args![rowid],
        )?;
        tx.execute("DELETE FROM reports WHERE document = ?1", args![rowid])?;
        let mut placed = Vec::new();
        for r in &reports {
            let (id, _) = place_report(tx, &doc.sha256, r, pins.get(&r.key).map(String::as_str))?;
            touched.insert(id.clone());
            placed.push(id);
            outcome.reports_after += 1;
        }
        let mut renamed: BTreeMap<String, String> = BTreeMap::new();
        for id in &touched {
            renamed.insert(id.clone(), rebuild(tx, id, &now)?);
        }
        let mut supports: BTreeSet<String> = placed
            .iter()
            .map(|id| renamed.get(id).cloned().unwrap_or_else(|| id.clone()))
            .collect();
        let detail = serde_json::json!({
            "document": doc_id,
            "sha256": doc.sha256,
            "published": published.to_string(),
            "was": was,
        });
        // The action is logged even when the document now tells no incident.
        if supports.is_empty() {
            supports.insert(format!("document:{doc_id}"));
        }
        for id in &supports {
            crate::review::record(tx, id, who, "redate", detail.clone(), reason)?;
        }
        // The record now holds a reviewer's action: built again, it says so (as the
        // next rebuild would, and as `verify` recomputes it).
        for id in supports.iter().filter(|s| !s.starts_with("document:")) {
            rebuild(tx, id, &now)?;
        }
        now_in.extend(supports.into_iter().filter(|s| !s.starts_with("document:")));
        outcome.documents += 1;
    }
    outcome.incidents = now_in.into_iter().collect();
    Ok(outcome)
}

pub(crate) fn checkpoint(tx: &dyn Db, signer: &Signer) -> Result<Option<String>, StoreError> {
    crate::log::checkpoint(tx, signer, &now())
}

pub(crate) fn verify(
    db: &dyn Db,
    origin: &str,
    key: &VerifyingKey,
) -> Result<VerifyReport, StoreError> {
    crate::log::verify(db, origin, key)
}

pub(crate) fn proofs(db: &dyn Db, subject: &str) -> Result<Vec<DocumentProof>, StoreError> {
    // An incident (or former id) proves its sources; else a document id or sha256, or a
    // prefix of a sha256 (as `recount show` prints them).
    let id = review::canonical(db, subject)?;
    let shas = |sql: &str, arg: &str| -> Result<Vec<String>, StoreError> {
        db.query(sql, args![arg])?
            .iter()
            .map(|r| r.text(0))
            .collect()
    };
    let mut found = shas(
        "SELECT sha256 FROM documents
         WHERE rowid IN (SELECT document FROM reports WHERE incident = ?1) ORDER BY rowid",
        &id,
    )?;
    if found.is_empty() {
        found = shas(
            "SELECT sha256 FROM documents WHERE doc_id = ?1 OR sha256 = ?1 ORDER BY rowid",
            subject,
        )?;
    }
    if found.is_empty() {
        if let Some(prefix) = sha256_prefix(subject) {
            found = shas(
                "SELECT sha256 FROM documents WHERE sha256 LIKE ?1 ORDER BY rowid",
                &format!("{prefix}%"),
            )?;
            if found.len() > 1 {
                let listed: Vec<&str> = found.iter().take(5).map(|s| &s[..16]).collect();
                return Err(StoreError::BadEdit(format!(
                    "sha256 prefix {prefix} is ambiguous: {} archived documents begin with it ({}{}); give more digits",
                    found.len(),
                    listed.join(", "),
                    if found.len() > 5 { ", …" } else { "" }
                )));
            }
        }
    }
    if found.is_empty() {
        return Err(StoreError::NoIncident(subject.to_string()));
    }
    crate::log::proofs(db, &found)
}

/// The shortest prefix of a sha256 that `recount proof` looks documents up by: 8 hex
/// digits (32 bits), so that a typo rarely lands on another document.
const MIN_SHA256_PREFIX: usize = 8;

/// `subject` in lower case when it can be a prefix of a sha256: 8 to 63 hex digits.
fn sha256_prefix(subject: &str) -> Option<String> {
    let hex = subject.bytes().all(|b| b.is_ascii_hexdigit());
    (hex && (MIN_SHA256_PREFIX..64).contains(&subject.len())).then(|| subject.to_ascii_lowercase())
}

pub(crate) fn changes_since(
    db: &dyn Db,
    after: i64,
    limit: usize,
) -> Result<Vec<Change>, StoreError> {
    db.query(
        "SELECT seq, incident FROM incident_changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        args![after, limit],
    )?
    .iter()
    .map(|r| {
        Ok(Change {
            seq: r.int(0)?,
            incident: r.text(1)?,
        })
    })
    .collect()
}

/// The incidents of `ids` that exist, in the order of `ids`.
pub(crate) fn incidents_by_id(db: &dyn Db, ids: &[String]) -> Result<Vec<Incident>, StoreError> {
    let rows = rows_in(db, "SELECT body, id FROM incidents WHERE id IN", ids)?;
    let mut found: BTreeMap<String, Incident> = incidents_of(db, &rows)?
        .into_iter()
        .map(|inc| (inc.id.clone(), inc))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

pub(crate) fn document(db: &dyn Db, sha256: &str) -> Result<Option<Document>, StoreError> {
    db.query_opt(
        &format!("SELECT {DOC_COLUMNS} FROM documents WHERE sha256 = ?1"),
        args![sha256],
    )?
    .map(|r| read_document(&r, 0))
    .transpose()
}

const TOKEN_COLUMNS: &str = "name, role, created_at, revoked_at";

/// A stored token; a role this build does not know is an error, never a silent reader.
fn to_token(row: &Row) -> Result<Token, StoreError> {
    let name = row.text(0)?;
    let role = row
        .text(1)?
        .parse::<Role>()
        .map_err(|e| StoreError::BadEdit(format!("token {name}: {e}")))?;
    Ok(Token {
        name,
        role,
        created_at: row.text(2)?,
        revoked_at: row.opt_text(3)?,
    })
}

pub(crate) fn create_token(
    db: &dyn Db,
    name: &str,
    role: Role,
    secret_sha256: &str,
) -> Result<Token, StoreError> {
    let created_at = now();
    let inserted = db.execute(
        "INSERT INTO api_tokens(name, role, secret_sha256, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
        args![name, role.as_str(), secret_sha256, &created_at],
    )?;
    if inserted == 0 {
        return Err(StoreError::TokenExists(name.to_string()));
    }
    Ok(Token {
        name: name.to_string(),
        role,
        created_at,
        revoked_at: None,
    })
}

pub(crate) fn token_by_secret(
    db: &dyn Db,
    secret_sha256: &str,
) -> Result<Option<Token>, StoreError> {
    db.query_opt(
        &format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE secret_sha256 = ?1 AND revoked_at IS NULL"
        ),
        args![secret_sha256],
    )?
    .map(|r| to_token(&r))
    .transpose()
}

pub(crate) fn tokens(db: &dyn Db) -> Result<Vec<Token>, StoreError> {
    db.query(
        &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY name"),
        &[],
    )?
    .iter()
    .map(to_token)
    .collect()
}

pub(crate) fn revoke_token(db: &dyn Db, name: &str) -> Result<bool, StoreError> {
    let n = db.execute(
        "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
        args![name, now()],
    )?;
    Ok(n > 0)
}

pub(crate) fn latest_change(db: &dyn Db) -> Result<i64, StoreError> {
    db.query_one("SELECT COALESCE(MAX(seq), 0) FROM incident_changes", &[])?
        .int(0)
}

pub(crate) fn feed_state(db: &dyn Db, url: &str) -> Result<Option<FeedState>, StoreError> {
    db.query_opt(
        "SELECT url, etag, last_modified, last_poll, last_status FROM feed_state WHERE url = ?1",
        args![url],
    )?
    .map(|r| {
        Ok(FeedState {
            url: r.text(0)?,
            etag: r.opt_text(1)?,
            last_modified: r.opt_text(2)?,
            last_poll: r.opt_text(3)?,
            last_status: r.opt_text(4)?,
        })
    })
    .transpose()
}

pub(crate) fn save_feed_state(db: &dyn Db, st: &FeedState) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO feed_state(url, etag, last_modified, last_poll, last_status)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
             last_modified = excluded.last_modified, last_poll = excluded.last_poll,
             last_status = excluded.last_status",
        args![
            &st.url,
            st.etag.clone(),
            st.last_modified.clone(),
            st.last_poll.clone(),
            st.last_status.clone()
        ],
    )?;
    Ok(())
}

pub(crate) fn feed_item_seen(db: &dyn Db, feed: &str, item: &str) -> Result<bool, StoreError> {
    db.exists(
        "SELECT 1 FROM feed_seen WHERE feed = ?1 AND item = ?2",
        args![feed, item],
    )
}

pub(crate) fn mark_feed_item_seen(db: &dyn Db, feed: &str, item: &str) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO feed_seen(feed, item, seen_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(feed, item) DO NOTHING",
        args![feed, item, now()],
    )?;
    Ok(())
}

pub(crate) fn alert_cursor(db: &dyn Db, consumer: &str) -> Result<Option<i64>, StoreError> {
    db.query_opt(
        "SELECT seq FROM alert_cursors WHERE consumer = ?1",
        args![consumer],
    )?
    .map(|r| r.int(0))
    .transpose()
}

pub(crate) fn set_alert_cursor(db: &dyn Db, consumer: &str, seq: i64) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO alert_cursors(consumer, seq) VALUES (?1, ?2)
         ON CONFLICT(consumer) DO UPDATE SET seq = excluded.seq",
        args![consumer, seq],
    )?;
    Ok(())
}

pub(crate) fn alert_fingerprint(
    db: &dyn Db,
    rule: &str,
    incident: &str,
) -> Result<Option<String>, StoreError> {
    db.query_opt(
        "SELECT fingerprint FROM alerts_sent WHERE rule = ?1 AND incident = ?2",
        args![rule, incident],
    )?
    .map(|r| r.text(0))
    .transpose()
}

pub(crate) fn record_alert(
    db: &dyn Db,
    rule: &str,
    incident: &str,
    fingerprint: &str,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO alerts_sent(rule, incident, fingerprint, sent_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(rule, incident) DO UPDATE SET fingerprint = excluded.fingerprint,
             sent_at = excluded.sent_at",
        args![rule, incident, fingerprint, now()],
    )?;
    Ok(())
}

/// Incidents read per query by [`visit_incidents`]: large enough that the per-query cost
/// vanishes, small enough that a page is a few megabytes. The store's own tests use pages
/// of two, so that their handful of incidents crosses page boundaries.
#[cfg(not(test))]
const VISIT_PAGE: usize = 1000;
#[cfg(test)]
const VISIT_PAGE: usize = 2;

pub(crate) fn visit_incidents(
    db: &dyn Db,
    filter: &Filter,
    visit: &mut dyn FnMut(&Incident),
) -> Result<usize, StoreError> {
    // Keyset pages in the listing's order: each page starts after the last incident of
    // the previous one, so no incident is read twice and the cost per page stays flat.
    let mut page = filter.clone();
    // Rows read (for the limit) and incidents visited (the unreadable left out).
    let (mut seen, mut visited) = (0usize, 0usize);
    loop {
        let want = match filter.limit {
            Some(limit) if limit <= seen => break,
            Some(limit) => VISIT_PAGE.min(limit - seen),
            None => VISIT_PAGE,
        };
        page.limit = Some(want);
        let (incidents, rows, last) = incidents_page(db, &page)?;
        for inc in &incidents {
            visit(inc);
        }
        visited += incidents.len();
        seen += rows;
        // A full page of rows may go on, though an unreadable row was left out of it.
        match last {
            Some(last) if rows == want => page.after = Some(last),
            _ => break,
        }
    }
    Ok(visited)
}

pub(crate) fn load_production(tx: &dyn Db, rows: &[Production]) -> Result<usize, StoreError> {
    let loaded_at = now();
    for r in rows {
        tx.execute(
            "INSERT INTO production(adcode, year, tonnes, source, loaded_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (adcode, year) DO UPDATE SET tonnes = excluded.tonnes,
                 source = excluded.source, loaded_at = excluded.loaded_at",
            args![
                &r.adcode,
                i64::from(r.year),
                r.tonnes,
                r.source.clone(),
                &loaded_at
            ],
        )?;
    }
    Ok(rows.len())
}

pub(crate) fn production(db: &dyn Db) -> Result<Vec<Production>, StoreError> {
    db.query(
        "SELECT adcode, year, tonnes, source FROM production ORDER BY adcode, year",
        &[],
    )?
    .iter()
    .map(|r| {
        let year = r.int(1)?;
        Ok(Production {
            adcode: r.text(0)?,
            year: i32::try_from(year)
                .map_err(|_| StoreError::Column(format!("production year {year}")))?,
            tonnes: r.int(2)?,
            source: r.opt_text(3)?,
        })
    })
    .collect()
}

pub(crate) fn counts(db: &dyn Db) -> Result<Counts, StoreError> {
    Ok(Counts {
        documents: count(db, "documents")?,
        reports: count(db, "reports")?,
        incidents: count(db, "incidents")?,
    })
}

/// Implements [`crate::Store`] for a backend over the functions above. The backend has
/// `fn reader(&self) -> impl Db` (reads outside a transaction) and
/// `fn write<T>(&mut self, f: impl FnOnce(&dyn Db) -> Result<T, StoreError>) -> Result<T, StoreError>`
/// (one transaction, committed when `f` succeeds, rolled back when it fails).
macro_rules! impl_store {
    ($ty:ty) => {
        impl $crate::Store for $ty {
            fn archived(
                &self,
                sha256s: &[String],
            ) -> Result<std::collections::BTreeSet<String>, $crate::StoreError> {
                $crate::store::archived(&self.reader(), sha256s)
            }
            fn commit(
                &mut self,
                doc: &recount_model::Document,
                bytes: &[u8],
                reports: &[recount_model::Report],
            ) -> Result<$crate::CommitOutcome, $crate::StoreError> {
                self.write(|tx| $crate::store::commit_all(tx, &[(doc, bytes, reports)]))
                    .map(|mut all| all.remove(0))
            }
            fn commit_batch(
                &mut self,
                docs: &[$crate::Pending<'_>],
            ) -> Vec<Result<$crate::CommitOutcome, $crate::StoreError>> {
                // Optimistic: the whole run in one transaction. Should any document fail,
                // that transaction is rolled back and the run committed one document per
                // transaction, so the failure stays with its document. (Savepoints would
                // do the same but journal every page twice; failures are rare.)
                let all: Vec<_> = docs.iter().map(|d| (d.doc, d.bytes, d.reports)).collect();
                let together = self.write(|tx| $crate::store::commit_all(tx, &all));
                match together {
                    Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
                    Err(_) => docs
                        .iter()
                        .map(|d| {
                            self.write(|tx| {
                                $crate::store::commit_all(tx, &[(d.doc, d.bytes, d.reports)])
                            })
                            .map(|mut one| one.remove(0))
                        })
                        .collect(),
                }
            }
            fn incidents(
                &self,
                filter: &$crate::Filter,
            ) -> Result<Vec<recount_model::Incident>, $crate::StoreError> {
                $crate::store::incidents(&self.reader(), filter)
            }
            fn incident(
                &self,
                id: &str,
            ) -> Result<Option<$crate::IncidentDetail>, $crate::StoreError> {
                $crate::store::incident(&self.reader(), id)
            }
            fn documents(&self) -> Result<Vec<recount_model::Document>, $crate::StoreError> {
                $crate::store::documents(&self.reader())
            }
            fn document(
                &self,
                sha256: &str,
            ) -> Result<Option<recount_model::Document>, $crate::StoreError> {
                $crate::store::document(&self.reader(), sha256)
            }
            fn create_token(
                &mut self,
                name: &str,
                role: $crate::Role,
                secret_sha256: &str,
            ) -> Result<$crate::Token, $crate::StoreError> {
                self.write(|tx| $crate::store::create_token(tx, name, role, secret_sha256))
            }
            fn token_by_secret(
                &self,
                secret_sha256: &str,
            ) -> Result<Option<$crate::Token>, $crate::StoreError> {
                $crate::store::token_by_secret(&self.reader(), secret_sha256)
            }
            fn tokens(&self) -> Result<Vec<$crate::Token>, $crate::StoreError> {
                $crate::store::tokens(&self.reader())
            }
            fn revoke_token(&mut self, name: &str) -> Result<bool, $crate::StoreError> {
                self.write(|tx| $crate::store::revoke_token(tx, name))
            }
            fn latest_change(&self) -> Result<i64, $crate::StoreError> {
                $crate::store::latest_change(&self.reader())
            }
            fn feed_state(
                &self,
                url: &str,
            ) -> Result<Option<$crate::FeedState>, $crate::StoreError> {
                $crate::store::feed_state(&self.reader(), url)
            }
            fn save_feed_state(
                &mut self,
                st: &$crate::FeedState,
            ) -> Result<(), $crate::StoreError> {
                self.write(|tx| $crate::store::save_feed_state(tx, st))
            }
            fn feed_item_seen(&self, feed: &str, item: &str) -> Result<bool, $crate::StoreError> {
                $crate::store::feed_item_seen(&self.reader(), feed, item)
            }
            fn mark_feed_item_seen(
                &mut self,
                feed: &str,
                item: &str,
            ) -> Result<(), $crate::StoreError> {
                self.write(|tx| $crate::store::mark_feed_item_seen(tx, feed, item))
            }
            fn alert_cursor(&self, consumer: &str) -> Result<Option<i64>, $crate::StoreError> {
                $crate::store::alert_cursor(&self.reader(), consumer)
            }
            fn set_alert_cursor(
                &mut self,
                consumer: &str,
                seq: i64,
            ) -> Result<(), $crate::StoreError> {
                self.write(|tx| $crate::store::set_alert_cursor(tx, consumer, seq))
            }
            fn alert_fingerprint(
                &self,
                rule: &str,
                incident: &str,
            ) -> Result<Option<String>, $crate::StoreError> {
                $crate::store::alert_fingerprint(&self.reader(), rule, incident)
            }
            fn record_alert(
                &mut self,
                rule: &str,
                incident: &str,
                fingerprint: &str,
            ) -> Result<(), $crate::StoreError> {
                self.write(|tx| $crate::store::record_alert(tx, rule, incident, fingerprint))
            }
            // Benchmarks only (see the trait): the incident rows, nothing behind them.
            fn bench_load_incidents(
                &mut self,
                incidents: &[recount_model::Incident],
            ) -> Result<(), $crate::StoreError> {
                self.write(|tx| {
                    for inc in incidents {
                        $crate::store::write_incident(tx, inc)?;
                    }
                    Ok(())
                })
            }
            fn original(&self, sha256: &str) -> Result<Option<Vec<u8>>, $crate::StoreError> {
                $crate::store::original(&self.reader(), sha256)
            }
            fn counts(&self) -> Result<$crate::Counts, $crate::StoreError> {
                $crate::store::counts(&self.reader())
            }
            fn edit(
                &mut self,
                id: &str,
                field: &str,
                value: &serde_json::Value,
                by: &$crate::Reviewer,
            ) -> Result<String, $crate::StoreError> {
                self.write(|tx| $crate::store::edit(tx, id, field, value, by))
            }
            fn merge(
                &mut self,
                ids: &[String],
                by: &$crate::Reviewer,
            ) -> Result<String, $crate::StoreError> {
                self.write(|tx| $crate::store::merge(tx, ids, by))
            }
            fn split(
                &mut self,
                id: &str,
                report: &str,
                by: &$crate::Reviewer,
            ) -> Result<(String, String), $crate::StoreError> {
                self.write(|tx| $crate::store::split(tx, id, report, by))
            }
            fn checkpoint(
                &mut self,
                signer: &$crate::Signer,
            ) -> Result<Option<String>, $crate::StoreError> {
                self.write(|tx| $crate::store::checkpoint(tx, signer))
            }
            fn latest_checkpoint(&self) -> Result<Option<String>, $crate::StoreError> {
                $crate::log::latest(&self.reader())
            }
            fn verify(
                &self,
                origin: &str,
                key: &$crate::VerifyingKey,
            ) -> Result<$crate::VerifyReport, $crate::StoreError> {
                $crate::store::verify(&self.reader(), origin, key)
            }
            fn verify_derived(
                &mut self,
                extract: &mut $crate::Extractor,
            ) -> Result<$crate::DerivedReport, $crate::StoreError> {
                self.snapshot(|db| $crate::derived::verify(db, extract))
            }
            fn sign_commits(&mut self, origin: &str, key: &$crate::SigningKey) {
                self.signer = Some($crate::log::OwnedSigner {
                    origin: origin.to_string(),
                    key: key.clone(),
                });
            }
            fn proofs(
                &self,
                subject: &str,
            ) -> Result<Vec<$crate::DocumentProof>, $crate::StoreError> {
                $crate::store::proofs(&self.reader(), subject)
            }
            fn consistency(
                &self,
                from: u64,
                to: Option<u64>,
            ) -> Result<$crate::ConsistencyProof, $crate::StoreError> {
                $crate::log::consistency(&self.reader(), from, to)
            }
            fn reextract(
                &mut self,
                extract: &mut $crate::Extractor,
            ) -> Result<$crate::ReextractOutcome, $crate::StoreError> {
                self.write(|tx| $crate::store::reextract(tx, extract))
            }
            fn redate(
                &mut self,
                doc_id: &str,
                published: recount_model::PartialDate,
                who: &str,
                reason: &str,
                extract: &mut $crate::Extractor,
            ) -> Result<$crate::RedateOutcome, $crate::StoreError> {
                self.write(|tx| $crate::store::redate(tx, doc_id, published, who, reason, extract))
            }
            fn changes_since(
                &self,
                after: i64,
                limit: usize,
            ) -> Result<Vec<$crate::Change>, $crate::StoreError> {
                $crate::store::changes_since(&self.reader(), after, limit)
            }
            fn incidents_by_id(
                &self,
                ids: &[String],
            ) -> Result<Vec<recount_model::Incident>, $crate::StoreError> {
                $crate::store::incidents_by_id(&self.reader(), ids)
            }
            fn visit_incidents(
                &self,
                filter: &$crate::Filter,
                visit: &mut dyn FnMut(&recount_model::Incident),
            ) -> Result<usize, $crate::StoreError> {
                $crate::store::visit_incidents(&self.reader(), filter, visit)
            }
            fn load_production(
                &mut self,
                rows: &[$crate::Production],
            ) -> Result<usize, $crate::StoreError> {
                self.write(|tx| $crate::store::load_production(tx, rows))
            }
            fn production(&self) -> Result<Vec<$crate::Production>, $crate::StoreError> {
                $crate::store::production(&self.reader())
            }
            fn likely_duplicates(
                &self,
                min_score: i32,
            ) -> Result<Vec<$crate::LikelyDuplicate>, $crate::StoreError> {
                $crate::duplicates::likely_duplicates(&self.reader(), min_score)
            }
        }
    };
}
pub(crate) use impl_store;

#[cfg(test)]
#[path = "store/tests.rs"]
mod tests;
