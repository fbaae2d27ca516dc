//! Resolution: which reports tell the same event, and what the incident built from
//! them says.
//!
//! Pure functions over [`Report`]s. The store finds candidate incidents by blocking keys
//! (province × date window, organisation keys) and asks [`choose`] which one a new
//! report belongs to (the evidence is in [`matching`]); [`build`] then derives the
//! incident record from all its reports.
//! Nothing here compares all pairs: cost per report is the number of candidates.

mod figures;
pub mod matching;

pub use figures::{figure_from_claims, supersede_missing, FigurePolicy};
pub use matching::{choose, compare, kinds_compatible, match_score, MATCH_THRESHOLD};

use recount_model::{
    Claim, Figure, FigureKind, Flag, Incident, IncidentType, Organization, PartialDate, Place,
    Report, SourceRef,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// What the builder needs to know about a document besides its reports.
#[derive(Debug, Clone, PartialEq)]
pub struct DocInfo {
    pub id: String,
    pub sha256: String,
    pub url: Option<String>,
    pub published: Option<PartialDate>,
    pub lang: Option<String>,
}

/// The id of an incident whose reports have these keys: a function of the smallest
/// key, so it does not depend on the order in which documents were ingested.
pub fn incident_id<'a>(keys: impl IntoIterator<Item = &'a str>) -> String {
    let min = keys.into_iter().min().unwrap_or("");
    let digest = Sha256::digest(min.as_bytes());
    format!("inc-{}", &hex::encode(digest)[..12])
}

/// True when one adcode is the other or lies inside it.
pub fn adcode_contains(outer: &str, inner: &str) -> bool {
    if outer.len() != 6 || inner.len() != 6 {
        return false;
    }
    if outer.ends_with("0000") {
        outer[..2] == inner[..2]
    } else if outer.ends_with("00") {
        outer[..4] == inner[..4]
    } else {
        outer == inner
    }
}

/// Whether two places can be the same site: same country, and one coded unit inside
/// the other. A place with no code is compatible with any place in its country.
pub fn places_compatible(a: &Place, b: &Place) -> bool {
    if !a.country.eq_ignore_ascii_case(&b.country) {
        return false;
    }
    match (&a.adcode, &b.adcode) {
        (Some(x), Some(y)) => adcode_contains(x, y) || adcode_contains(y, x),
        _ => true,
    }
}

/// Days either side of a report's date within which candidate incidents are looked up.
pub const CANDIDATE_PAD_DAYS: u64 = matching::MAX_GAP_DAYS as u64;

/// The date window in which candidate incidents for `report` are looked up.
pub fn candidate_window(report: &Report) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let d = report.date?;
    let pad = chrono::Days::new(CANDIDATE_PAD_DAYS);
    Some((d.first_day() - pad, d.last_day() + pad))
}

/// Builds the incident record from all its reports.
///
/// Choices: the most precise date (then the earliest report); the finest place that
/// agrees with the others; every claim with its source, speaker, as-of date and quote,
/// with `best/low/high` by [`figure_from_claims`]; flags from the claims and the
/// number of sources. Reports are read in key order, so the result does not depend on
/// ingest order.
pub fn build(id: &str, reports: &[Report], docs: &[DocInfo], updated_at: &str) -> Incident {
    let mut reports: Vec<&Report> = reports.iter().collect();
    reports.sort_by(|a, b| a.key.cmp(&b.key));
    let doc_of = |r: &Report| docs.iter().find(|d| d.id == r.doc);

    let kind = majority(reports.iter().map(|r| r.kind)).unwrap_or(IncidentType::Other);
    let dated = reports.iter().filter(|r| r.date.is_some()).max_by(|a, b| {
        let (da, db) = (
            a.date.unwrap_or(PartialDate::year(0)),
            b.date.unwrap_or(PartialDate::year(0)),
        );
        da.precision()
            .cmp(&db.precision())
            .then(b.date_uncertain.cmp(&a.date_uncertain))
            .then(db.cmp(&da))
    });
    let date = dated.and_then(|r| r.date);
    // An end is kept only when it does not come before the start.
    let date_end = dated
        .and_then(|r| r.date_end)
        .filter(|end| date.is_some_and(|d| end.last_day() >= d.first_day()));
    let location = finest_place(reports.iter().filter_map(|r| r.place.as_ref()));

    let mut organizations: Vec<Organization> = Vec::new();
    for o in reports.iter().flat_map(|r| &r.organizations) {
        if !organizations.iter().any(|x| x.name == o.name) {
            organizations.push(o.clone());
        }
    }

    let mut claims: BTreeMap<FigureKind, Vec<(Claim, bool)>> = BTreeMap::new();
    for r in &reports {
        let as_of = r.as_of.or_else(|| doc_of(r).and_then(|d| d.published));
        for c in &r.claims {
            claims.entry(c.kind).or_default().push((
                Claim {
                    value: c.value,
                    qualifier: c.qualifier,
                    value_max: c.value_max,
                    source: r.doc.clone(),
                    attributed_to: Some(c.attributed_to),
                    as_of,
                    quote: Some(c.quote.clone()),
                },
                c.disputed,
            ));
        }
    }
    let mut flags = BTreeSet::new();
    let mut figures = BTreeMap::new();
    for (kind, list) in claims {
        let (figure, f) = figure_from_claims(&list);
        flags.extend(f);
        figures.insert(kind, figure);
    }
    supersede_missing(&mut figures);

    let mut sources: Vec<SourceRef> = Vec::new();
    for r in &reports {
        if sources.iter().any(|s| s.doc == r.doc) {
            continue;
        }
        let d = doc_of(r);
        sources.push(SourceRef {
            doc: r.doc.clone(),
            url: d.and_then(|d| d.url.clone()),
            published: d.and_then(|d| d.published).map(|p| p.to_string()),
            lang: d
                .and_then(|d| d.lang.clone())
                .or_else(|| Some(r.lang.clone())),
            sha256: d.map(|d| d.sha256.clone()),
            quote: Some(r.quote.clone()),
        });
    }
    if sources.len() == 1 {
        flags.insert(Flag::SingleSource);
    }
    if !reports.is_empty() && reports.iter().all(|r| r.date_uncertain) {
        flags.insert(Flag::DateUncertain);
    }
    if !reports.is_empty() && reports.iter().all(|r| r.place_uncertain) {
        flags.insert(Flag::PlaceUncertain);
    }

    let title = reports
        .iter()
        .find(|r| r.lang == "en")
        .or(reports.first())
        .map(|r| r.title.clone())
        .unwrap_or_default();
    let title_zh = reports
        .iter()
        .find(|r| r.lang == "zh")
        .map(|r| r.title.clone());
    let facet =
        |f: fn(&Report) -> &Option<String>| majority(reports.iter().filter_map(|r| f(r).clone()));

    Incident {
        id: id.to_string(),
        kind,
        sector: facet(|r| &r.sector),
        mechanism: facet(|r| &r.mechanism),
        grievance: facet(|r| &r.grievance),
        date,
        date_end,
        location,
        organizations,
        figures,
        flags: flags.into_iter().collect(),
        sources,
        related: Vec::new(),
        title,
        title_zh,
        updated_at: Some(updated_at.to_string()),
    }
}

/// The most frequent value; the first seen wins a tie.
fn majority<T: PartialEq + Clone>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: Vec<(T, usize)> = Vec::new();
    for it in items {
        match counts.iter_mut().find(|(v, _)| *v == it) {
            Some((_, n)) => *n += 1,
            None => counts.push((it, 1)),
        }
    }
    let max = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == max).map(|(v, _)| v)
}

/// The deepest place among those that agree with the first coded one.
fn finest_place<'a>(places: impl Iterator<Item = &'a Place>) -> Option<Place> {
    let mut best: Option<&Place> = None;
    for p in places {
        best = match best {
            None => Some(p),
            Some(b) if !places_compatible(b, p) => Some(b),
            Some(b) => {
                let depth = |x: &Place| (x.adcode.is_some(), x.level, x.detail.is_some());
                if depth(p) > depth(b) {
                    Some(p)
                } else {
                    Some(b)
                }
            }
        };
    }
    best.cloned()
}

/// The figure of one kind as the policy reads it; exposed for tests and callers that
/// only need a value.
pub fn best_of(figures: &BTreeMap<FigureKind, Figure>, kind: FigureKind) -> Option<i64> {
    figures.get(&kind).and_then(|f| f.best)
}

#[cfg(test)]
mod tests;
