//! The second half of `recount verify`: the rows a reader sees that are not leaves of
//! the log, recomputed from rows that are.
//!
//! - A document's reports are extracted again from its archived original (a leaf) and
//!   compared, report by report, with the stored ones.
//! - An incident is built again from its stored reports and the edits the log recorded,
//!   and compared with its stored body and the columns that listings filter on.
//! - Review state that is not itself a leaf (an edit row, a split's pin, a corrected
//!   publication date) must be the one a logged action wrote.
//!
//! Only rows this build would derive the same way are recomputed: each records the
//! [`DERIVATION`] that wrote it, and rows of other derivations are counted, not judged
//! (`recount reextract` derives them again with this build).
//!
//! Not recomputed: which incident an unpinned report joined (matching depends on the
//! order reports arrived in; the incident is still rebuilt from the reports it holds),
//! the matching index `report_keys`, and the links between incidents.

use crate::db::{args, Db, Row};
use crate::log::short;
use crate::review::{edit_row_of, ReviewState};
use crate::store::{
    read_document, reports_and_documents, reports_and_documents_sql, IncidentColumns, DERIVATION,
    DOC_COLUMNS,
};
use crate::{Extractor, StoreError};
use recount_model::{Incident, Report};
use recount_resolve::{build, incident_id};
use std::collections::{BTreeMap, BTreeSet};

/// What recomputing the derived rows found.
#[derive(Debug, Clone, Default)]
pub struct DerivedReport {
    /// Documents whose reports were extracted again and compared.
    pub documents: usize,
    /// Incidents built again and compared.
    pub incidents: usize,
    /// Rows written by another derivation, by derivation (`unrecorded` for rows made
    /// before derivations were recorded), not recomputed: (documents, incidents).
    pub other: BTreeMap<String, (usize, usize)>,
    /// Each difference, naming the row, the field, and stored against recomputed.
    pub problems: Vec<String>,
}

/// Documents read per query.
const PAGE: i64 = 500;

/// Recomputes what can be recomputed; see the module's documentation.
pub(crate) fn verify(db: &dyn Db, extract: &mut Extractor) -> Result<DerivedReport, StoreError> {
    let mut report = DerivedReport::default();
    reports(db, extract, &mut report)?;
    incidents(db, &mut report)?;
    review_rows(db, &mut report)?;
    Ok(report)
}

fn other_name(derivation: Option<String>) -> String {
    derivation.unwrap_or_else(|| "unrecorded".into())
}

/// Every document of this derivation: its reports extracted again, against the stored.
fn reports(
    db: &dyn Db,
    extract: &mut Extractor,
    out: &mut DerivedReport,
) -> Result<(), StoreError> {
    let mut last = i64::MIN;
    loop {
        let page = db.query(
            &format!(
                "SELECT rowid, {DOC_COLUMNS}, body, derivation FROM documents
                 WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"
            ),
            args![last, PAGE],
        )?;
        let Some(end) = page.last() else {
            return Ok(());
        };
        last = end.int(0)?;
        for row in &page {
            let rowid = row.int(0)?;
            let doc = read_document(row, 1)?;
            let derivation = row.opt_text(13)?;
            if derivation.as_deref() != Some(DERIVATION) {
                out.other.entry(other_name(derivation)).or_default().0 += 1;
                continue;
            }
            out.documents += 1;
            let stored = stored_reports(db, rowid)?;
            let body = row.blob(12)?;
            let name = format!("document {} (sha256 {})", doc.id, short(&doc.sha256));
            match extract(&doc, &body) {
                Err(e) => out.problems.push(format!(
                    "{name}: its original no longer extracts ({e}), yet {} reports are stored",
                    stored.len()
                )),
                Ok(mut fresh) => {
                    fresh.sort_by(|a, b| a.key.cmp(&b.key));
                    compare_reports(&name, &stored, &fresh, &mut out.problems);
                }
            }
        }
    }
}

/// The stored reports of a document, by key; a report that does not parse is kept as
/// its text, to be named.
fn stored_reports(
    db: &dyn Db,
    rowid: i64,
) -> Result<BTreeMap<String, Option<serde_json::Value>>, StoreError> {
    let mut out = BTreeMap::new();
    for r in db.query(
        "SELECT key, body FROM reports WHERE document = ?1 ORDER BY key",
        args![rowid],
    )? {
        let key = r.text(0)?;
        let body = r.text(1)?;
        let parsed = serde_json::from_str::<serde_json::Value>(&body).ok();
        out.insert(key, parsed);
    }
    Ok(out)
}

fn compare_reports(
    name: &str,
    stored: &BTreeMap<String, Option<serde_json::Value>>,
    fresh: &[Report],
    problems: &mut Vec<String>,
) {
    let fresh_keys: BTreeSet<&str> = fresh.iter().map(|r| r.key.as_str()).collect();
    for key in stored.keys() {
        if !fresh_keys.contains(key.as_str()) {
            problems.push(format!(
                "{name}: stored report {key} is not what its original gives (added, or its key changed)"
            ));
        }
    }
    for r in fresh {
        let Some(s) = stored.get(&r.key) else {
            problems.push(format!(
                "{name}: report {} that its original gives is not stored (removed)",
                r.key
            ));
            continue;
        };
        let want = serde_json::to_value(r).unwrap_or_default();
        match s {
            None => problems.push(format!("{name}: report {} is not readable JSON", r.key)),
            Some(have) if *have != want => problems.push(format!(
                "{name}: report {} differs from its original's extraction: {}",
                r.key,
                differences(have, &want)
            )),
            Some(_) => {}
        }
    }
}

/// Every incident of this derivation, built again from its reports and logged edits.
fn incidents(db: &dyn Db, out: &mut DerivedReport) -> Result<(), StoreError> {
    let mut last = String::new();
    loop {
        let page = db.query(
            "SELECT id, derivation, kind, day_start, day_end, adcode, country, dead, prefecture,
                    province, body
             FROM incidents WHERE id > ?1 ORDER BY id LIMIT ?2",
            args![&last, PAGE],
        )?;
        let Some(end) = page.last() else {
            break;
        };
        last = end.text(0)?;
        for row in &page {
            incident(db, row, out)?;
        }
    }
    // A report must belong to an incident that exists.
    for r in db.query(
        "SELECT key, incident FROM reports r
         WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = r.incident) ORDER BY key",
        &[],
    )? {
        out.problems.push(format!(
            "report {} names incident {}, which does not exist",
            r.text(0)?,
            r.text(1)?
        ));
    }
    Ok(())
}

fn incident(db: &dyn Db, row: &Row, out: &mut DerivedReport) -> Result<(), StoreError> {
    let id = row.text(0)?;
    let rows = db.query(reports_and_documents_sql(db), args![&id])?;
    let Ok((reports, docs)) = reports_and_documents(&rows) else {
        out.problems.push(format!(
            "incident {id}: one of its stored reports is not readable"
        ));
        return Ok(());
    };
    if reports.is_empty() {
        // Whatever wrote it, an incident without reports comes from no archived original.
        out.problems.push(format!(
            "incident {id} has no reports: no archived original tells it (added behind the log's back)"
        ));
        return Ok(());
    }
    let derivation = row.opt_text(1)?;
    if derivation.as_deref() != Some(DERIVATION) {
        out.other.entry(other_name(derivation)).or_default().1 += 1;
        return Ok(());
    }
    out.incidents += 1;
    let canonical = incident_id(reports.iter().map(|r| r.key.as_str()));
    if canonical != id {
        out.problems.push(format!(
            "incident {id}: its reports make the id {canonical} (reports were moved between incidents)"
        ));
        return Ok(());
    }
    let state = ReviewState::read(db, &id)?;
    let mut fresh = build(&id, &reports, &docs, "");
    state.apply(&mut fresh)?;
    let body = row.text(10)?;
    let Ok(stored) = serde_json::from_str::<Incident>(&body) else {
        out.problems.push(format!(
            "incident {id}: its stored body is not a readable incident"
        ));
        return Ok(());
    };
    let comparable = |inc: &Incident| {
        let mut v = serde_json::to_value(Incident {
            updated_at: None,
            related: Vec::new(),
            ..inc.clone()
        })
        .unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.remove("updated_at");
        }
        v
    };
    let (have, want) = (comparable(&stored), comparable(&fresh));
    if have != want {
        out.problems.push(format!(
            "incident {id}: stored body differs from the one its reports and logged edits build: {}",
            differences(&have, &want)
        ));
    }
    let want = IncidentColumns::of(&fresh);
    let have = IncidentColumns {
        kind: row.text(2)?,
        day_start: row.opt_text(3)?,
        day_end: row.opt_text(4)?,
        adcode: row.opt_text(5)?,
        country: row.opt_text(6)?,
        dead: row.opt_int(7)?,
    };
    for (column, stored, recomputed) in have.differences(&want) {
        out.problems.push(format!(
            "incident {id}: column {column} is {stored}, its record gives {recomputed}"
        ));
    }
    let code = want.adcode.as_deref();
    for (column, stored, len) in [
        ("prefecture", row.opt_text(8)?, 4),
        ("province", row.opt_text(9)?, 2),
    ] {
        let recomputed = code.map(|c| c.chars().take(len).collect::<String>());
        if stored != recomputed {
            out.problems.push(format!(
                "incident {id}: column {column} is {}, its record gives {}",
                shown(&stored),
                shown(&recomputed)
            ));
        }
    }
    Ok(())
}

/// Review state beside the log: each edit row, pin and corrected date must be one a
/// logged action (a history row, each a leaf) wrote.
fn review_rows(db: &dyn Db, out: &mut DerivedReport) -> Result<(), StoreError> {
    let mut edit_rows = BTreeSet::new();
    let mut split_reports = BTreeSet::new();
    let mut pinning_actions = 0usize;
    let mut dates: BTreeMap<String, String> = BTreeMap::new();
    for r in db.query(
        "SELECT action, detail FROM incident_history ORDER BY rowid",
        &[],
    )? {
        let (action, detail) = (r.text(0)?, r.text(1)?);
        let parsed: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        match action.as_str() {
            "edit" => edit_rows.extend(edit_row_of(&detail)),
            "split" => {
                pinning_actions += 1;
                if let Some(k) = parsed.get("report").and_then(|v| v.as_str()) {
                    split_reports.insert(k.to_string());
                }
            }
            "merge" => pinning_actions += 1,
            "redate" => {
                if let (Some(sha), Some(p)) = (
                    parsed.get("sha256").and_then(|v| v.as_str()),
                    parsed.get("published").and_then(|v| v.as_str()),
                ) {
                    // The latest redate of a document stands.
                    dates.insert(sha.to_string(), p.to_string());
                }
            }
            _ => {}
        }
    }
    for r in db.query(
        "SELECT rowid, incident, field FROM incident_edits ORDER BY rowid",
        &[],
    )? {
        let rowid = r.int(0)?;
        if !edit_rows.contains(&rowid) {
            out.problems.push(format!(
                "incident_edits row {rowid} (incident {}, field {}) was recorded by no logged edit: it is not applied",
                r.text(1)?,
                r.text(2)?
            ));
        }
    }
    for r in db.query(
        "SELECT key, pin FROM reports WHERE pin IS NOT NULL ORDER BY key",
        &[],
    )? {
        let (key, pin) = (r.text(0)?, r.text(1)?);
        let logged = match pin.strip_prefix("alone:") {
            Some(k) => k == key && split_reports.contains(k),
            None => pin.starts_with("group:") && pinning_actions > 0,
        };
        if !logged {
            out.problems.push(format!(
                "report {key} is pinned ({pin}) by no logged merge or split"
            ));
        }
    }
    for r in db.query(
        "SELECT sha256, published FROM document_dates ORDER BY sha256",
        &[],
    )? {
        let (sha, published) = (r.text(0)?, r.text(1)?);
        match dates.get(&sha) {
            Some(p) if *p == published => {}
            Some(p) => out.problems.push(format!(
                "document sha256 {}: its corrected date is {published}, the logged redate says {p}",
                short(&sha)
            )),
            None => out.problems.push(format!(
                "document sha256 {}: its date was corrected to {published} by no logged redate",
                short(&sha)
            )),
        }
    }
    Ok(())
}

fn shown(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "empty".into())
}

/// The fields where two JSON objects differ, with both values (shortened).
pub(crate) fn differences(have: &serde_json::Value, want: &serde_json::Value) -> String {
    let clip = |v: Option<&serde_json::Value>| {
        let s = v.map_or_else(|| "absent".to_string(), |v| v.to_string());
        match s.char_indices().nth(80) {
            Some((i, _)) => format!("{}…", &s[..i]),
            None => s,
        }
    };
    let (Some(a), Some(b)) = (have.as_object(), want.as_object()) else {
        return format!(
            "stored {}, recomputed {}",
            clip(Some(have)),
            clip(Some(want))
        );
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            format!(
                "{k} stored {} but recomputed {}",
                clip(a.get(k)),
                clip(b.get(k))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
