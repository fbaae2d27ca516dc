//! Likely duplicates for reviewers: pairs of incidents whose reports almost merged, with
//! the evidence for and against, found by the same blocking keys as matching (province ×
//! kind × days, organisation and site names) and weighed by [`recount_resolve::compare`]
//! in its loose form. A pair a reviewer split apart is not offered again.

use crate::db::{Db, Row};
use crate::store::json_err;
use crate::StoreError;
use recount_model::Report;
use recount_resolve::matching::{self, LOOSE_GAP_DAYS};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Two incidents that may tell one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LikelyDuplicate {
    /// The smaller id first.
    pub a: String,
    pub b: String,
    /// The score of their closest pair of reports (merging takes
    /// [`recount_resolve::MATCH_THRESHOLD`]).
    pub score: i32,
    /// The evidence that counts for one event, and against.
    pub evidence_for: Vec<String>,
    pub evidence_against: Vec<String>,
    /// The closest pair: a report key of each.
    pub reports: (String, String),
}

/// Reports in one key group beyond this are not paired with each other (a name shared
/// by hundreds of reports tells nothing about any two of them).
const KEY_GROUP_CAP: usize = 64;

struct Placed {
    incident: String,
    block: String,
    kind: String,
    start: Option<chrono::NaiveDate>,
    end: Option<chrono::NaiveDate>,
    report: Report,
    alone: bool,
}

fn day(v: Option<String>) -> Option<chrono::NaiveDate> {
    v.and_then(|d| d.parse().ok())
}

fn read(row: &Row) -> Result<Placed, StoreError> {
    Ok(Placed {
        incident: row.text(0)?,
        block: row.text(1)?,
        kind: row.text(2)?,
        start: day(row.opt_text(3)?),
        end: day(row.opt_text(4)?),
        report: serde_json::from_str(&row.text(5)?).map_err(json_err("report"))?,
        alone: row.opt_text(6)?.is_some_and(|p| p.starts_with("alone:")),
    })
}

/// Pairs of incidents scoring at least `min_score`, best first.
pub(crate) fn likely_duplicates(
    db: &dyn Db,
    min_score: i32,
) -> Result<Vec<LikelyDuplicate>, StoreError> {
    let rows = db.query(
        "SELECT incident, block, kind, day_start, day_end, body, pin FROM reports
         ORDER BY block, kind, day_start, key",
        &[],
    )?;
    let rows: Vec<Placed> = rows.iter().map(read).collect::<Result<_, _>>()?;
    // Incidents a reviewer split a report out of: not offered for merging again.
    let split: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.alone)
        .map(|r| r.incident.as_str())
        .collect();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    // Near in days within a province and kind.
    for (i, a) in rows.iter().enumerate() {
        let (Some(_), Some(end)) = (a.start, a.end) else {
            continue;
        };
        let reach = end + chrono::Days::new(LOOSE_GAP_DAYS as u64);
        for (j, b) in rows.iter().enumerate().skip(i + 1) {
            if b.block != a.block || b.kind != a.kind || b.start.is_none_or(|s| s > reach) {
                break;
            }
            pairs.push((i, j));
        }
    }
    // Sharing a name, anywhere.
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        for k in &r.report.keys {
            by_key.entry(k.as_str()).or_default().push(i);
        }
    }
    for members in by_key.values().filter(|m| m.len() <= KEY_GROUP_CAP) {
        for (n, &i) in members.iter().enumerate() {
            pairs.extend(members[n + 1..].iter().map(|&j| (i, j)));
        }
    }
    let mut best: BTreeMap<(String, String), LikelyDuplicate> = BTreeMap::new();
    for (i, j) in pairs {
        let (a, b) = (&rows[i], &rows[j]);
        if a.incident == b.incident
            || split.contains(a.incident.as_str())
            || split.contains(b.incident.as_str())
        {
            continue;
        }
        let Ok(points) = matching::compare(&a.report, &b.report, true) else {
            continue;
        };
        let score = matching::score(&points);
        if score < min_score {
            continue;
        }
        let (first, second) = if a.incident < b.incident {
            (a, b)
        } else {
            (b, a)
        };
        let key = (first.incident.clone(), second.incident.clone());
        if best.get(&key).is_some_and(|d| d.score >= score) {
            continue;
        }
        let (pro, con): (Vec<&matching::Point>, Vec<&matching::Point>) =
            points.iter().partition(|p| p.weight() > 0);
        best.insert(
            key.clone(),
            LikelyDuplicate {
                a: key.0,
                b: key.1,
                score,
                evidence_for: pro.iter().map(|p| p.to_string()).collect(),
                evidence_against: con.iter().map(|p| p.to_string()).collect(),
                reports: (first.report.key.clone(), second.report.key.clone()),
            },
        );
    }
    let mut out: Vec<LikelyDuplicate> = best.into_values().collect();
    out.sort_by(|x, y| {
        y.score
            .cmp(&x.score)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    Ok(out)
}
