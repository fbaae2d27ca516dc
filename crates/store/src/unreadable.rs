//! Stored incidents that cannot be read (a body that is not the JSON of an incident): the
//! readers skip them, so that one damaged row never takes a listing, an export or a page
//! down with it, and report each one here, once per process, so that it is never skipped
//! unsaid. The program decides where the report goes ([`on_unreadable`]); until it does,
//! it goes to standard error as a `warning:` line.

use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

/// A stored incident skipped by the readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The incident's id, as its row gives it.
    pub id: String,
    /// What is wrong with the row.
    pub reason: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "stored incident {} cannot be read ({}); it is left out (`recount reextract` rebuilds every incident from the archive)",
            self.id, self.reason
        )
    }
}

type Hook = Box<dyn Fn(&Unreadable) + Send + Sync>;

static HOOK: OnceLock<Hook> = OnceLock::new();

/// Sets what happens to each unreadable incident the readers skip (the first time it is
/// met in this process). Once per process: false when a hook was set before.
pub fn on_unreadable(hook: impl Fn(&Unreadable) + Send + Sync + 'static) -> bool {
    HOOK.set(Box::new(hook)).is_ok()
}

/// Reports a skipped incident, unless it was reported before in this process.
pub(crate) fn report(id: &str, reason: &str) {
    static SEEN: OnceLock<Mutex<BTreeSet<String>>> = OnceLock::new();
    let first = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id.to_string());
    if !first {
        return;
    }
    let row = Unreadable {
        id: id.to_string(),
        reason: reason.to_string(),
    };
    match HOOK.get() {
        Some(hook) => hook(&row),
        None => eprintln!("warning: {row}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Filter, SqliteStore, Store};
    use recount_model::{
        ClaimDraft, Document, FigureKind, IncidentType, Place, PlaceLevel, Qualifier, Report,
        Speaker,
    };
    use sha2::{Digest, Sha256};

    /// What the hook heard, for the one test of this process that breaks a row.
    static HEARD: Mutex<Vec<Unreadable>> = Mutex::new(Vec::new());

    /// A document and the one report read from it: a flood on `day` in county `adcode`.
    fn told(n: usize, day: &str, adcode: &str) -> (Document, Vec<u8>, Report) {
        let bytes = format!("Flood report number {n}.").into_bytes();
        let doc = Document {
            id: format!("flood-{n}.txt"),
            sha256: hex::encode(Sha256::digest(&bytes)),
            media_type: "text/plain".into(),
            fetched_at: "2025-01-01T00:00:00Z".into(),
            published: Some(day.parse().unwrap()),
            source: None,
            lang: Some("en".into()),
            title: None,
            url: None,
            size: bytes.len() as u64,
            modified: None,
        };
        let report = Report {
            key: format!("{}:0", doc.sha256),
            doc: doc.id.clone(),
            kind: IncidentType::Accident,
            sector: None,
            mechanism: Some("flood".into()),
            grievance: None,
            date: Some(day.parse().unwrap()),
            date_end: None,
            date_uncertain: false,
            place: Some(Place {
                country: "CN".into(),
                adcode: Some(adcode.into()),
                level: PlaceLevel::County,
                name: None,
                name_en: None,
                detail: None,
                lat: None,
                lon: None,
            }),
            place_uncertain: false,
            organizations: vec![],
            claims: vec![ClaimDraft {
                kind: FigureKind::Dead,
                value: n as i64 + 1,
                qualifier: Qualifier::Exact,
                value_max: None,
                attributed_to: Speaker::Media,
                disputed: false,
                quote: format!("{} died", n + 1),
            }],
            as_of: None,
            title: "Flooding".into(),
            lang: "en".into(),
            quote: "flooding".into(),
            keys: vec![],
        };
        (doc, bytes, report)
    }

    fn ids(incidents: &[recount_model::Incident]) -> Vec<String> {
        incidents.iter().map(|i| i.id.clone()).collect()
    }

    #[test]
    fn a_corrupt_incident_is_left_out_by_every_reader_and_reported_once() {
        assert!(on_unreadable(|u| HEARD.lock().unwrap().push(u.clone())));
        let mut store = SqliteStore::in_memory().unwrap();
        let places = [
            ("2024-05-01", "520322"),
            ("2024-04-01", "140702"),
            ("2024-03-01", "150121"),
            ("2024-02-01", "230302"),
            ("2024-01-01", "610102"),
        ];
        for (n, (day, code)) in places.iter().enumerate() {
            let (doc, bytes, report) = told(n, day, code);
            store.commit(&doc, &bytes, &[report]).unwrap();
        }
        let all = ids(&store.incidents(&Filter::default()).unwrap());
        assert_eq!(all.len(), 5);
        // The second row of the listing: the first page of a visit (two rows in tests)
        // ends with it.
        let bad = all[1].clone();
        store
            .run_sql(&format!(
                "UPDATE incidents SET body = '{{\"id\": \"{bad}\", truncated' WHERE id = '{bad}'"
            ))
            .unwrap();
        let good: Vec<String> = all.iter().filter(|id| **id != bad).cloned().collect();

        assert_eq!(ids(&store.incidents(&Filter::default()).unwrap()), good);
        let mut visited = Vec::new();
        let n = store
            .visit_incidents(&Filter::default(), &mut |i| visited.push(i.id.clone()))
            .unwrap();
        assert_eq!(
            (n, &visited),
            (4, &good),
            "the visit goes on past the bad row"
        );
        assert_eq!(ids(&store.incidents_by_id(&all).unwrap()), good);
        assert!(store.incident(&bad).unwrap().is_none());
        assert!(store.incident(&good[0]).unwrap().is_some());

        let heard = HEARD.lock().unwrap().clone();
        assert_eq!(heard.len(), 1, "once per process: {heard:?}");
        assert_eq!(heard[0].id, bad);
        assert!(
            heard[0].reason.contains("not valid JSON"),
            "{}",
            heard[0].reason
        );
        assert!(heard[0].to_string().contains(&bad));
    }
}
