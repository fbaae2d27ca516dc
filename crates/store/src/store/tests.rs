//! Every test of the store's behaviour runs on both backends: an in-memory SQLite
//! store and a fresh PostgreSQL database (`recount_testkit::TempDatabase`), as two tests,
//! `NAME` and `pg_backend::NAME`, so that a run without a server reports the second skipped.

use super::*;
use crate::Cursor;
use crate::Production;
use crate::{Pending, PgStore, SqliteStore, Store};
use recount_model::{ClaimDraft, Place, PlaceLevel, Qualifier, Speaker};
use recount_testkit::TempDatabase;
use std::cell::{Cell, RefCell};

/// Opens a fresh, empty store each time it is called.
type Open<'a> = &'a dyn Fn() -> Box<dyn Store>;

thread_local! {
    /// Set by the tests of `pg_backend`: `each_backend` runs on PostgreSQL.
    static ON_POSTGRES: Cell<bool> = const { Cell::new(false) };
}

/// Runs `body` with fresh stores of the test's backend: SQLite stores in the test itself,
/// PostgreSQL stores (one database each) in its twin `pg_backend::NAME`, which every test
/// that calls this must have (see `pg_twins!` at the end).
fn each_backend(body: impl Fn(Open)) {
    if !ON_POSTGRES.get() {
        let thread = std::thread::current();
        if let Some(test) = thread.name().and_then(|n| n.rsplit("::").next()) {
            assert!(
                test == "main" || PG_TWINS.contains(&test),
                "{test} runs on each backend: add it to pg_twins! so that it runs on PostgreSQL too"
            );
        }
        eprintln!("backend: sqlite");
        body(&|| Box::new(SqliteStore::in_memory().unwrap()));
        return;
    }
    let databases = RefCell::new(Vec::new());
    let open = || -> Box<dyn Store> {
        let db = TempDatabase::create();
        let url = db.url().to_string();
        databases.borrow_mut().push(db);
        Box::new(PgStore::connect(&url).unwrap())
    };
    eprintln!("backend: postgres");
    body(&open);
}

fn doc(id: &str, body: &str, published: &str) -> (Document, Vec<u8>) {
    use sha2_free::sha;
    let bytes = body.as_bytes().to_vec();
    (
        Document {
            id: id.into(),
            sha256: sha(&bytes),
            media_type: "text/plain".into(),
            fetched_at: "2025-01-01T00:00:00Z".into(),
            published: Some(published.parse().unwrap()),
            source: None,
            lang: Some("en".into()),
            title: None,
            url: None,
            size: bytes.len() as u64,
            modified: None,
        },
        bytes,
    )
}

/// Every incident of a store by id, without the time each was written.
fn unstamped(store: &dyn Store) -> Vec<Incident> {
    let mut all = store.incidents(&Filter::default()).unwrap();
    for inc in &mut all {
        inc.updated_at = None;
    }
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// A stand-in digest for tests: unique per body, hex like the real one.
mod sha2_free {
    pub fn sha(bytes: &[u8]) -> String {
        let mut h: u64 = 1469598103934665603;
        for b in bytes {
            h = (h ^ *b as u64).wrapping_mul(1099511628211);
        }
        format!("{h:016x}")
    }
}

fn report(doc: &Document, idx: usize, date: &str, adcode: &str, dead: i64) -> Report {
    Report {
        key: format!("{}:{idx}", doc.sha256),
        doc: doc.id.clone(),
        kind: IncidentType::Accident,
        sector: None,
        mechanism: Some("flood".into()),
        grievance: None,
        date: Some(date.parse().unwrap()),
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
            value: dead,
            qualifier: Qualifier::Exact,
            value_max: None,
            attributed_to: Speaker::Media,
            disputed: false,
            quote: format!("{dead} died"),
        }],
        as_of: None,
        title: "Flooding".into(),
        lang: "en".into(),
        quote: "flooding".into(),
        keys: vec![],
    }
}

#[test]
fn commits_merges_and_ignores_duplicates() {
    each_backend(commits_merges_and_ignores_duplicates_on);
}

fn commits_merges_and_ignores_duplicates_on(open: Open) {
    let mut store = open();
    let (d1, b1) = doc("first.txt", "first", "2024-05-02");
    let (d2, b2) = doc("second.txt", "second", "2024-05-09");
    let (d3, b3) = doc("other.txt", "other", "2024-05-02");
    let r1 = report(&d1, 0, "2024-05-01", "140702", 3);
    let out = store.commit(&d1, &b1, &[r1]).unwrap();
    assert_eq!(
        (out.new_incidents, out.updated_incidents, out.duplicate),
        (1, 0, false)
    );

    let r2 = report(&d2, 0, "2024-05-01", "140702", 7);
    let out = store.commit(&d2, &b2, &[r2]).unwrap();
    assert_eq!((out.new_incidents, out.updated_incidents), (0, 1));

    // Same day, other province: another event.
    let r3 = report(&d3, 0, "2024-05-01", "520322", 2);
    assert_eq!(store.commit(&d3, &b3, &[r3]).unwrap().new_incidents, 1);

    let again = store.commit(&d1, &b1, &[]).unwrap();
    assert!(again.duplicate);
    assert_eq!(
        store.counts().unwrap(),
        Counts {
            documents: 3,
            reports: 3,
            incidents: 2
        }
    );
    let all = store.incidents(&Filter::default()).unwrap();
    let merged = all.iter().find(|i| i.sources.len() == 2).unwrap();
    assert_eq!(merged.best(FigureKind::Dead), Some(7));
    let detail = store.incident(&merged.id).unwrap().unwrap();
    assert_eq!(detail.reports.len(), 2);
    assert_eq!(detail.documents.len(), 2);
}

#[test]
fn a_report_dated_only_by_year_or_month_still_meets_the_day_dated_tellings() {
    each_backend(a_report_dated_only_by_year_or_month_still_meets_the_day_dated_tellings_on);
}

fn a_report_dated_only_by_year_or_month_still_meets_the_day_dated_tellings_on(open: Open) {
    let mut store = open();
    // The year-dated telling comes first: it spans the whole year, so a day in May must
    // reach back past January to find it (the `wide` lookup), not just a month.
    let (d1, b1) = doc("year.txt", "year", "2024-12-30");
    let (d2, b2) = doc("month.txt", "month", "2024-06-02");
    let (d3, b3) = doc("day.txt", "day", "2024-05-21");
    store
        .commit(&d1, &b1, &[report(&d1, 0, "2024", "140702", 3)])
        .unwrap();
    store
        .commit(&d2, &b2, &[report(&d2, 0, "2024-05", "140702", 3)])
        .unwrap();
    let out = store
        .commit(&d3, &b3, &[report(&d3, 0, "2024-05-20", "140702", 3)])
        .unwrap();
    assert_eq!((out.new_incidents, out.updated_incidents), (0, 1));
    let all = store.incidents(&Filter::default()).unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].sources.len(), 3);
    assert_eq!(all[0].date.unwrap().to_string(), "2024-05-20");
}

#[test]
fn ids_do_not_depend_on_ingest_order() {
    each_backend(ids_do_not_depend_on_ingest_order_on);
}

fn ids_do_not_depend_on_ingest_order_on(open: Open) {
    let (d1, b1) = doc("a.txt", "aaa", "2024-05-02");
    let (d2, b2) = doc("b.txt", "bbb", "2024-05-03");
    let r1 = report(&d1, 0, "2024-05-01", "140702", 3);
    let r2 = report(&d2, 0, "2024-05-01", "140702", 4);
    let mut one = open();
    one.commit(&d1, &b1, std::slice::from_ref(&r1)).unwrap();
    one.commit(&d2, &b2, std::slice::from_ref(&r2)).unwrap();
    let mut two = open();
    two.commit(&d2, &b2, &[r2]).unwrap();
    let first_id = two.incidents(&Filter::default()).unwrap()[0].id.clone();
    two.commit(&d1, &b1, &[r1]).unwrap();
    let a = one.incidents(&Filter::default()).unwrap();
    let b = two.incidents(&Filter::default()).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].id, b[0].id);
    // The id the incident had before the merge still finds it.
    if first_id != b[0].id {
        assert_eq!(
            two.incident(&first_id).unwrap().unwrap().incident.id,
            b[0].id
        );
    }
}

#[test]
fn filters_by_type_date_place_and_toll() {
    each_backend(filters_by_type_date_place_and_toll_on);
}

fn filters_by_type_date_place_and_toll_on(open: Open) {
    let mut store = open();
    for (i, (date, code, dead)) in [
        ("2024-01-10", "140702", 1),
        ("2024-03-10", "520322", 12),
        ("2024-06-10", "520204", 5),
    ]
    .iter()
    .enumerate()
    {
        let (d, b) = doc(&format!("{i}.txt"), &format!("body {i}"), date);
        let r = report(&d, 0, date, code, *dead);
        store.commit(&d, &b, &[r]).unwrap();
    }
    let count = |f: Filter| store.incidents(&f).unwrap().len();
    assert_eq!(count(Filter::default()), 3);
    assert_eq!(
        count(Filter {
            adcodes: vec!["520000".into()],
            ..Filter::default()
        }),
        2
    );
    // A prefecture and a county are filtered by their own columns and codes.
    assert_eq!(
        count(Filter {
            adcodes: vec!["520200".into()],
            ..Filter::default()
        }),
        1
    );
    assert_eq!(
        count(Filter {
            adcodes: vec!["520322".into(), "140000".into()],
            ..Filter::default()
        }),
        2
    );
    assert_eq!(
        count(Filter {
            min_dead: Some(5),
            ..Filter::default()
        }),
        2
    );
    assert_eq!(
        count(Filter {
            from: "2024-02-01".parse().ok(),
            to: "2024-04-01".parse().ok(),
            ..Filter::default()
        }),
        1
    );
    assert_eq!(
        count(Filter {
            kind: Some(IncidentType::Strike),
            ..Filter::default()
        }),
        0
    );
    let latest = store.incidents(&Filter::default()).unwrap();
    assert_eq!(latest[0].date.unwrap().to_string(), "2024-06-10");
}

#[test]
fn reopening_keeps_data_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        let (d, b) = doc("x.txt", "x", "2024-01-01");
        store.commit(&d, &b, &[]).unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.counts().unwrap().documents, 1);
    let mode: String = store
        .connection()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn change_feed_names_every_written_and_removed_incident() {
    each_backend(change_feed_names_every_written_and_removed_incident_on);
}

fn change_feed_names_every_written_and_removed_incident_on(open: Open) {
    let mut store = open();
    assert!(store.changes_since(0, 100).unwrap().is_empty());
    // Commit the later key first so that the second report renames the incident.
    let (d1, b1) = doc("b.txt", "bbb", "2024-05-03");
    let (d2, b2) = doc("a.txt", "aaa", "2024-05-04");
    let r1 = report(&d1, 0, "2024-05-01", "140702", 3);
    let r2 = report(&d2, 0, "2024-05-01", "140702", 4);
    store.commit(&d1, &b1, &[r1]).unwrap();
    let first = store.changes_since(0, 100).unwrap();
    let first_id = store.incidents(&Filter::default()).unwrap()[0].id.clone();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].incident, first_id);

    store.commit(&d2, &b2, &[r2]).unwrap();
    let after = store.changes_since(first[0].seq, 100).unwrap();
    let now_id = store.incidents(&Filter::default()).unwrap()[0].id.clone();
    let named: BTreeSet<&str> = after.iter().map(|c| c.incident.as_str()).collect();
    assert!(named.contains(now_id.as_str()));
    assert!(after.windows(2).all(|w| w[0].seq < w[1].seq));
    if now_id != first_id {
        // The old id was removed: it is in the feed and no longer readable by id.
        assert!(named.contains(first_id.as_str()));
        assert!(store.incidents_by_id(&[first_id]).unwrap().is_empty());
    }
    let got = store
        .incidents_by_id(std::slice::from_ref(&now_id))
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].best(FigureKind::Dead), Some(4));
    // The limit bounds one read; reading on from the last seq gives the rest.
    let one = store.changes_since(0, 1).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(
        store.changes_since(one[0].seq, 100).unwrap().len(),
        store.changes_since(0, 100).unwrap().len() - 1
    );
}

#[test]
fn keyset_pages_cover_every_incident_once_even_as_incidents_arrive() {
    each_backend(keyset_pages_cover_every_incident_once_even_as_incidents_arrive_on);
}

fn keyset_pages_cover_every_incident_once_even_as_incidents_arrive_on(open: Open) {
    let mut store = open();
    // Six incidents in distinct provinces, two on the same day, one undated.
    let days = [
        "2024-05-01",
        "2024-05-03",
        "2024-05-03",
        "2023-01-09",
        "2022-07-07",
    ];
    let codes = ["520322", "140702", "150121", "230302", "610102"];
    for (i, (day, code)) in days.iter().zip(codes).enumerate() {
        let (d, b) = doc(&format!("d{i}.txt"), &format!("body {i}"), day);
        store
            .commit(&d, &b, &[report(&d, 0, day, code, i as i64)])
            .unwrap();
    }
    let (d, b) = doc("undated.txt", "undated body", "2024-01-01");
    let mut r = report(&d, 0, "2024-01-01", "330102", 1);
    r.date = None;
    store.commit(&d, &b, &[r]).unwrap();
    let all = store.incidents(&Filter::default()).unwrap();
    assert_eq!(all.len(), 6);

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .incidents(&Filter {
                after: after.clone(),
                limit: Some(2),
                ..Filter::default()
            })
            .unwrap();
        if page.is_empty() {
            break;
        }
        // An incident dated before the cursor arriving between pages must still be seen,
        // and nothing already seen may come again.
        if seen.len() == 2 {
            let (d, b) = doc("late.txt", "late body", "2021-03-03");
            store
                .commit(&d, &b, &[report(&d, 0, "2021-03-03", "440106", 0)])
                .unwrap();
        }
        after = page.last().map(Cursor::after);
        seen.extend(page.into_iter().map(|i| i.id));
    }
    let mut expected: Vec<String> = store
        .incidents(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(
        seen, expected,
        "pages in the listing's order, each incident once"
    );
    expected.dedup();
    assert_eq!(expected.len(), 7);
}

#[test]
fn text_filter_reads_titles_and_organisations_not_field_names() {
    each_backend(text_filter_reads_titles_and_organisations_not_field_names_on);
}

fn text_filter_reads_titles_and_organisations_not_field_names_on(open: Open) {
    let mut store = open();
    let (d, b) = doc("a.txt", "a", "2024-05-01");
    let mut r = report(&d, 0, "2024-05-01", "520322", 3);
    r.title = "Gas explosion at Kunyuan mine".into();
    r.organizations = vec![recount_model::Organization {
        name: "坤源煤矿".into(),
        name_en: None,
        role: None,
    }];
    store.commit(&d, &b, &[r]).unwrap();
    let (d, b) = doc("b.txt", "b", "2024-06-01");
    store
        .commit(&d, &b, &[report(&d, 0, "2024-06-01", "140702", 1)])
        .unwrap();
    let find = |t: &str| {
        store
            .incidents(&Filter {
                text: Some(t.into()),
                ..Filter::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(find("kunyuan"), 1);
    assert_eq!(find("坤源"), 1);
    assert_eq!(find("Flooding"), 1, "the other incident's title");
    assert_eq!(find("dead"), 0, "a field name of the body is not text");
    assert_eq!(find("%"), 0, "LIKE wildcards are literal");
}

#[test]
fn tokens_are_found_by_secret_hash_until_revoked() {
    each_backend(tokens_are_found_by_secret_hash_until_revoked_on);
}

fn tokens_are_found_by_secret_hash_until_revoked_on(open: Open) {
    let mut store = open();
    store.create_token("alice", Role::Editor, "aa11").unwrap();
    assert!(matches!(
        store.create_token("alice", Role::Reader, "bb22"),
        Err(StoreError::TokenExists(_))
    ));
    let t = store.token_by_secret("aa11").unwrap().unwrap();
    assert_eq!((t.name.as_str(), t.role), ("alice", Role::Editor));
    assert!(store.token_by_secret("bb22").unwrap().is_none());
    assert!(store.revoke_token("alice").unwrap());
    assert!(!store.revoke_token("alice").unwrap());
    assert!(store.token_by_secret("aa11").unwrap().is_none());
    assert!(store.tokens().unwrap()[0].revoked_at.is_some());
}

#[test]
fn feed_and_alert_state_is_kept_and_replaced() {
    each_backend(feed_and_alert_state_is_kept_and_replaced_on);
}

fn feed_and_alert_state_is_kept_and_replaced_on(open: Open) {
    let mut store = open();
    assert_eq!(store.feed_state("http://f.example/rss").unwrap(), None);
    let st = FeedState {
        url: "http://f.example/rss".into(),
        etag: Some("\"e1\"".into()),
        last_modified: None,
        last_poll: Some("2026-11-23T10:00:00Z".into()),
        last_status: Some("ok: 2 new".into()),
    };
    store.save_feed_state(&st).unwrap();
    store
        .save_feed_state(&FeedState {
            etag: Some("\"e2\"".into()),
            ..st
        })
        .unwrap();
    assert!(!store.feed_item_seen("f", "i1").unwrap());
    store.mark_feed_item_seen("f", "i1").unwrap();
    store.mark_feed_item_seen("f", "i1").unwrap();
    assert_eq!(store.alert_cursor("rules").unwrap(), None);
    store.set_alert_cursor("rules", 7).unwrap();
    store.set_alert_cursor("rules", 9).unwrap();
    store.record_alert("r", "inc", "fp1").unwrap();
    store.record_alert("r", "inc", "fp2").unwrap();

    let st = store.feed_state("http://f.example/rss").unwrap().unwrap();
    assert_eq!(st.etag.as_deref(), Some("\"e2\""));
    assert_eq!(st.last_status.as_deref(), Some("ok: 2 new"));
    assert!(store.feed_item_seen("f", "i1").unwrap());
    assert!(!store.feed_item_seen("f", "i2").unwrap());
    assert_eq!(store.alert_cursor("rules").unwrap(), Some(9));
    assert_eq!(
        store.alert_fingerprint("r", "inc").unwrap().as_deref(),
        Some("fp2")
    );
    assert_eq!(store.alert_fingerprint("r", "other").unwrap(), None);
    assert_eq!(store.latest_change().unwrap(), 0);
}

/// Makes storing the reports of a document called `poison` fail, as a full disk or a
/// broken constraint would: SQLite and PostgreSQL spellings. The document's own row goes
/// in first, so a failure must take it back too; on PostgreSQL the report's insert is
/// pipelined, so its failure surfaces at a later statement of the transaction.
const POISON_SQLITE: &str = "CREATE TRIGGER poison BEFORE INSERT ON reports
    WHEN NEW.body LIKE '%\"doc\":\"poison\"%'
    BEGIN SELECT RAISE(ABORT, 'poisoned document'); END;";
const POISON_POSTGRES: &str = "CREATE FUNCTION poison() RETURNS trigger AS $$
    BEGIN
        IF NEW.body LIKE '%\"doc\":\"poison\"%' THEN
            RAISE EXCEPTION 'poisoned document';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    CREATE TRIGGER poison BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION poison();";

/// Signs a checkpoint of the store's log, verifies the whole log against it (no
/// problems allowed) and returns how many leaves it holds.
fn verified_leaves(store: &mut dyn Store) -> u64 {
    let key = crate::SigningKey::from_bytes(&[7; 32]);
    let signer = crate::Signer {
        key: &key,
        origin: "test",
    };
    store.checkpoint(&signer).unwrap();
    let report = store.verify("test", &key.verifying_key()).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    report.leaves
}

#[test]
fn proofs_name_their_document_and_find_it_by_a_sha256_prefix() {
    each_backend(proofs_name_their_document_and_find_it_by_a_sha256_prefix_on);
}

fn proofs_name_their_document_and_find_it_by_a_sha256_prefix_on(open: Open) {
    let mut store = open();
    let key = crate::SigningKey::from_bytes(&[8; 32]);
    let signer = crate::Signer {
        key: &key,
        origin: "test",
    };
    // Two documents whose sha256s share their first 9 hex digits.
    let twin = |id: &str, body: &str, sha: &str| {
        let (mut d, b) = doc(id, body, "2024-05-02");
        d.sha256 = format!("{sha}{}", "0".repeat(64 - sha.len()));
        (d, b)
    };
    let (d1, b1) = twin("north.txt", "north", "abcdef0121");
    let (d2, b2) = twin("south.txt", "south", "abcdef0122");
    let (d3, b3) = doc("third.txt", "third", "2024-06-02");
    for (d, b, adcode) in [
        (&d1, &b1, "140702"),
        (&d2, &b2, "520322"),
        (&d3, &b3, "230302"),
    ] {
        store
            .commit(d, b, &[report(d, 0, "2024-05-01", adcode, 1)])
            .unwrap();
    }
    assert!(matches!(
        store.proofs("north.txt"),
        Err(StoreError::NotFound(_))
    ));
    store.checkpoint(&signer).unwrap();

    let found = store.proofs("ABCDEF0121").unwrap();
    assert_eq!(found.len(), 1);
    let p = &found[0];
    assert_eq!(
        (p.doc_id.as_str(), p.sha256.as_str()),
        ("north.txt", d1.sha256.as_str())
    );
    assert_eq!(
        recount_ledger::leaf_hash(p.leaf.as_bytes()),
        p.proof.leaf_hash
    );
    let leaf: serde_json::Value = serde_json::from_str(&p.leaf).unwrap();
    assert_eq!(
        (leaf["doc_id"].as_str(), leaf["sha256"].as_str()),
        (Some("north.txt"), Some(d1.sha256.as_str()))
    );
    assert_eq!(p.proof.verify(&key.verifying_key()).unwrap().size, 3);
    let json = p.to_json();
    assert_eq!(json["doc_id"], "north.txt");
    assert_eq!(json["sha256"], d1.sha256.as_str());
    assert_eq!(json["leaf_index"], 0);

    match store.proofs("abcdef012") {
        Err(StoreError::BadEdit(m)) => {
            assert!(
                m.contains("ambiguous") && m.contains("2 archived documents"),
                "{m}"
            )
        }
        other => panic!("{other:?}"),
    }
    // Fewer than 8 digits is not looked up as a prefix.
    assert!(matches!(
        store.proofs("abcdef0"),
        Err(StoreError::NoIncident(_))
    ));
    assert_eq!(
        store.proofs(&d3.sha256[..8]).unwrap()[0].doc_id,
        "third.txt"
    );
}

#[test]
fn consistency_proofs_go_from_any_older_size_to_a_checkpoint() {
    each_backend(consistency_proofs_go_from_any_older_size_to_a_checkpoint_on);
}

fn consistency_proofs_go_from_any_older_size_to_a_checkpoint_on(open: Open) {
    let mut store = open();
    let key = crate::SigningKey::from_bytes(&[9; 32]);
    let vk = key.verifying_key();
    let signer = crate::Signer {
        key: &key,
        origin: "test",
    };
    assert!(matches!(
        store.consistency(0, None),
        Err(StoreError::NotFound(_))
    ));
    let bodies = ["one", "two", "three", "four", "five"];
    for (i, body) in bodies.iter().enumerate() {
        let (d, b) = doc(&format!("{body}.txt"), body, "2024-05-02");
        let adcode = ["140702", "520322", "230302", "110101", "310101"][i];
        store
            .commit(&d, &b, &[report(&d, 0, "2024-05-01", adcode, 1)])
            .unwrap();
        if i == 2 || i == 4 {
            store.checkpoint(&signer).unwrap();
        }
    }
    for from in 0..=5u64 {
        let p = store.consistency(from, None).unwrap();
        assert_eq!((p.old_size, p.new_size), (from, 5));
        assert_eq!(
            p.old_checkpoint.is_some(),
            from == 3 || from == 5,
            "from {from}"
        );
        assert_eq!(p.verify(&vk).unwrap().size, 5, "from {from}");
    }
    let to_three = store.consistency(1, Some(3)).unwrap();
    assert_eq!((to_three.old_size, to_three.new_size), (1, 3));
    assert!(to_three.verify(&vk).is_ok());
    let held = recount_ledger::open(
        &store.consistency(3, None).unwrap().old_checkpoint.unwrap(),
        "test",
        &vk,
    )
    .unwrap();
    assert!(store
        .consistency(3, None)
        .unwrap()
        .verify_extends(&vk, &held)
        .is_ok());
    assert!(matches!(
        store.consistency(6, None),
        Err(StoreError::BadEdit(_))
    ));
    assert!(matches!(
        store.consistency(4, Some(3)),
        Err(StoreError::BadEdit(_))
    ));
    match store.consistency(1, Some(4)) {
        Err(StoreError::NotFound(m)) => assert!(m.contains("no checkpoint of size 4"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_batch_commits_like_single_commits_and_rolls_back_a_failure_alone() {
    let poisoned = SqliteStore::in_memory().unwrap();
    poisoned.run_sql(POISON_SQLITE).unwrap();
    eprintln!("backend: sqlite");
    batch_commits_on(
        Box::new(poisoned),
        Box::new(SqliteStore::in_memory().unwrap()),
        Box::new(SqliteStore::in_memory().unwrap()),
    );
}

#[test]
fn pg_a_batch_commits_like_single_commits_and_rolls_back_a_failure_alone() {
    let (a, b, c) = (
        TempDatabase::create(),
        TempDatabase::create(),
        TempDatabase::create(),
    );
    let poisoned = PgStore::connect(a.url()).unwrap();
    poisoned.run_sql(POISON_POSTGRES).unwrap();
    eprintln!("backend: postgres");
    batch_commits_on(
        Box::new(poisoned),
        Box::new(PgStore::connect(b.url()).unwrap()),
        Box::new(PgStore::connect(c.url()).unwrap()),
    );
}

/// `batched` refuses the reports of documents called `poison`; `single` and `clean` are empty stores.
fn batch_commits_on(
    mut batched: Box<dyn Store>,
    mut single: Box<dyn Store>,
    mut clean: Box<dyn Store>,
) {
    let (d1, b1) = doc("first.txt", "first", "2024-05-02");
    let (bad, bad_bytes) = doc("poison", "poison", "2024-05-03");
    let (d2, b2) = doc("second.txt", "second", "2024-05-09");
    let (d3, b3) = doc("other.txt", "other", "2024-05-02");
    let r1 = vec![report(&d1, 0, "2024-05-01", "140702", 3)];
    let rbad = vec![report(&bad, 0, "2024-05-01", "140702", 99)];
    let r2 = vec![report(&d2, 0, "2024-05-01", "140702", 7)];
    let r3 = vec![report(&d3, 0, "2024-05-01", "520322", 2)];
    let pending = |d, b, r| Pending {
        doc: d,
        bytes: b,
        reports: r,
    };
    let out = batched.commit_batch(&[
        pending(&d1, &b1, &r1),
        pending(&bad, &bad_bytes, &rbad),
        pending(&d2, &b2, &r2),
        pending(&d3, &b3, &r3),
        // The same bytes again within the batch: a duplicate, as in two commits.
        pending(&d1, &b1, &r1),
    ]);
    assert_eq!(out.len(), 5);
    let ok = |i: usize| out[i].as_ref().unwrap().clone();
    assert_eq!((ok(0).new_incidents, ok(0).duplicate), (1, false));
    let err = out[1].as_ref().unwrap_err().to_string();
    assert!(err.contains("poisoned document"), "{err}");
    assert_eq!((ok(2).new_incidents, ok(2).updated_incidents), (0, 1));
    assert_eq!(ok(3).new_incidents, 1);
    assert!(ok(4).duplicate);

    for (d, b, r) in [(&d1, &b1, &r1), (&d2, &b2, &r2), (&d3, &b3, &r3)] {
        single.commit(d, b, r).unwrap();
    }
    let all = Filter::default();
    let strip = |mut v: Vec<Incident>| {
        for i in &mut v {
            i.updated_at = None;
        }
        v
    };
    // Nothing of the failed document is left: the toll of 99 never joined the incident.
    assert_eq!(
        strip(batched.incidents(&all).unwrap()),
        strip(single.incidents(&all).unwrap())
    );
    assert_eq!(batched.counts().unwrap(), single.counts().unwrap());
    assert!(!batched.has_document(&bad.sha256).unwrap());
    // A run without failures shares one transaction and ends the same.
    let out = clean.commit_batch(&[
        pending(&d1, &b1, &r1),
        pending(&d2, &b2, &r2),
        pending(&d3, &b3, &r3),
        pending(&d1, &b1, &r1),
    ]);
    let dup: Vec<bool> = out.iter().map(|o| o.as_ref().unwrap().duplicate).collect();
    assert_eq!(dup, [false, false, false, true]);
    assert_eq!(
        strip(clean.incidents(&all).unwrap()),
        strip(single.incidents(&all).unwrap())
    );
    // The log holds the three originals and nothing of the failed one.
    assert_eq!(verified_leaves(&mut *batched), 3);
}

#[test]
fn a_long_run_archives_each_new_document_once_in_order() {
    eprintln!("backend: sqlite");
    long_run_on(
        SqliteStore::in_memory().unwrap(),
        SqliteStore::in_memory().unwrap(),
        |store, run| store.write(|tx| commit_all(tx, run)),
    );
}

#[test]
fn pg_a_long_run_archives_each_new_document_once_in_order() {
    let (a, b) = (TempDatabase::create(), TempDatabase::create());
    eprintln!("backend: postgres");
    long_run_on(
        PgStore::connect(a.url()).unwrap(),
        PgStore::connect(b.url()).unwrap(),
        |store, run| store.write(|tx| commit_all(tx, run)),
    );
}

/// A run of more documents than one statement archives (16), with one archived before
/// the run and one repeated within it, commits in one transaction (`in_one`, which
/// fails the whole run when any of it fails) and ends as the same documents committed
/// one by one.
fn long_run_on<S: Store>(
    mut batched: S,
    mut single: S,
    in_one: impl Fn(&mut S, &[(&Document, &[u8], &[Report])]) -> Result<Vec<CommitOutcome>, StoreError>,
) {
    let docs: Vec<(Document, Vec<u8>)> = (0..21)
        .map(|i| {
            doc(
                &format!("run{i}.txt"),
                &format!("run body {i}"),
                "2024-05-02",
            )
        })
        .collect();
    let reports: Vec<Vec<Report>> = docs
        .iter()
        .enumerate()
        .map(|(i, (d, _))| vec![report(d, 0, "2024-05-01", "140702", i as i64)])
        .collect();
    let order: Vec<usize> = (0..21).chain(std::iter::once(5)).collect();
    batched.commit(&docs[0].0, &docs[0].1, &reports[0]).unwrap();
    let run: Vec<(&Document, &[u8], &[Report])> = order
        .iter()
        .map(|&i| (&docs[i].0, docs[i].1.as_slice(), reports[i].as_slice()))
        .collect();
    let out = in_one(&mut batched, &run).unwrap();
    let duplicates: Vec<bool> = out.iter().map(|o| o.duplicate).collect();
    let mut expected = vec![false; order.len()];
    (expected[0], expected[order.len() - 1]) = (true, true);
    assert_eq!(duplicates, expected);
    for &i in std::iter::once(&0).chain(&order) {
        single.commit(&docs[i].0, &docs[i].1, &reports[i]).unwrap();
    }
    let archived = batched.documents().unwrap();
    assert_eq!(archived, single.documents().unwrap());
    let names: Vec<&str> = archived.iter().map(|d| d.id.as_str()).collect();
    let want: Vec<String> = (0..21).map(|i| format!("run{i}.txt")).collect();
    assert_eq!(names, want, "each document once, in the run's order");
    for (d, bytes) in &docs {
        assert_eq!(batched.original(&d.sha256).unwrap().as_ref(), Some(bytes));
    }
    assert_eq!(unstamped(&batched), unstamped(&single));
    assert_eq!(verified_leaves(&mut batched), 21, "one leaf per original");
}

#[test]
fn visiting_pages_through_the_filtered_incidents_once_each() {
    each_backend(visiting_pages_through_the_filtered_incidents_once_each_on);
}

fn visiting_pages_through_the_filtered_incidents_once_each_on(open: Open) {
    let mut store = open();
    // Five incidents in distinct provinces (pages of two in tests), one undated.
    let days = [
        "2024-05-01",
        "2024-05-03",
        "2023-01-09",
        "2022-07-07",
        "2021-02-02",
    ];
    let codes = ["520322", "140702", "150121", "230302", "610102"];
    for (i, (day, code)) in days.iter().zip(codes).enumerate() {
        let (d, b) = doc(&format!("v{i}.txt"), &format!("visit {i}"), day);
        let mut r = report(&d, 0, day, code, i as i64);
        if i == 4 {
            r.date = None;
        }
        store.commit(&d, &b, &[r]).unwrap();
    }
    let ids = |f: &Filter| -> Vec<String> {
        let mut out = Vec::new();
        let n = store
            .visit_incidents(f, &mut |i| out.push(i.id.clone()))
            .unwrap();
        assert_eq!(n, out.len());
        out
    };
    let listed = |f: &Filter| -> Vec<String> {
        store
            .incidents(f)
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect()
    };
    let all = Filter::default();
    assert_eq!(ids(&all).len(), 5);
    assert_eq!(ids(&all), listed(&all), "the listing's order, each once");
    let recent = Filter {
        from: Some("2022-01-01".parse().unwrap()),
        ..Filter::default()
    };
    assert_eq!(ids(&recent), listed(&recent));
    assert_eq!(ids(&recent).len(), 4);
    let three = Filter {
        limit: Some(3),
        ..Filter::default()
    };
    assert_eq!(ids(&three), listed(&all)[..3].to_vec(), "the limit holds");
}

#[test]
fn production_loads_atomically_and_replaces_the_same_place_and_year() {
    each_backend(production_loads_atomically_and_replaces_the_same_place_and_year_on);
}

fn production_loads_atomically_and_replaces_the_same_place_and_year_on(open: Open) {
    let mut store = open();
    let row = |adcode: &str, year: i32, tonnes: i64| Production {
        adcode: adcode.into(),
        year,
        tonnes,
        source: Some("a.csv".into()),
    };
    assert!(store.production().unwrap().is_empty());
    let first = [
        row("140000", 2023, 1_378_000_000),
        row("140000", 2024, 1_270_000_000),
        row("520000", 2023, 131_000_000),
    ];
    assert_eq!(store.load_production(&first).unwrap(), 3);
    assert_eq!(store.production().unwrap(), first.to_vec());
    // A second load replaces Shanxi 2024 and adds a prefecture; the rest stays.
    let mut again = row("140000", 2024, 1_266_000_000);
    again.source = Some("b.csv".into());
    store
        .load_production(&[again.clone(), row("140700", 2024, 90_000_000)])
        .unwrap();
    let now = store.production().unwrap();
    assert_eq!(now.len(), 4);
    assert_eq!(
        now.iter()
            .find(|p| p.adcode == "140000" && p.year == 2024)
            .unwrap(),
        &again
    );
    assert!(now.contains(&row("140700", 2024, 90_000_000)));
}

#[test]
fn archived_names_exactly_the_stored_documents_across_chunks() {
    each_backend(archived_names_exactly_the_stored_documents_across_chunks_on);
}

fn archived_names_exactly_the_stored_documents_across_chunks_on(open: Open) {
    let mut store = open();
    // More than one chunk of the lookup, stored and unknown hashes interleaved.
    let mut asked = Vec::new();
    let mut stored = BTreeSet::new();
    for i in 0..70 {
        let (d, b) = doc(&format!("d{i}.txt"), &format!("body {i}"), "2024-05-02");
        if i % 3 != 0 {
            store.commit(&d, &b, &[]).unwrap();
            stored.insert(d.sha256.clone());
        }
        asked.push(d.sha256);
    }
    assert_eq!(store.archived(&asked).unwrap(), stored);
    assert!(store.archived(&[]).unwrap().is_empty());
    assert!(store.has_document(&asked[1]).unwrap());
    assert!(!store.has_document(&asked[0]).unwrap());
}

#[test]
fn incidents_a_document_creates_are_built_as_a_rebuild_builds_them() {
    each_backend(incidents_a_document_creates_are_built_as_a_rebuild_builds_them_on);
}

fn incidents_a_document_creates_are_built_as_a_rebuild_builds_them_on(open: Open) {
    let mut store = open();
    let (d1, b1) = doc("mine.txt", "a flood and a strike", "2024-05-03");
    // A flood, a flood elsewhere, and a strike in the same county days later, which is
    // related to the first flood; then another document telling the first flood.
    let flood = report(&d1, 2, "2024-05-01", "140702", 3);
    let elsewhere = report(&d1, 3, "2024-05-01", "520322", 1);
    let mut strike = report(&d1, 4, "2024-05-06", "140702", 0);
    strike.kind = IncidentType::Strike;
    strike.claims.clear();
    let (d2, b2) = doc("later.txt", "the flood again", "2024-05-04");
    let later = report(&d2, 0, "2024-05-01", "140702", 5);
    let mut by_doc: BTreeMap<String, Vec<Report>> = BTreeMap::new();
    by_doc.insert(d1.sha256.clone(), vec![flood, elsewhere, strike]);
    by_doc.insert(d2.sha256.clone(), vec![later]);
    let first = store.commit(&d1, &b1, &by_doc[&d1.sha256]).unwrap();
    assert_eq!(first.new_incidents, 3);
    let (strikes, _) = store
        .incidents(&Filter::default())
        .unwrap()
        .into_iter()
        .partition::<Vec<_>, _>(|i| i.kind == IncidentType::Strike);
    // Built from memory, the new strike already names the flood it followed.
    assert_eq!(strikes.len(), 1);
    assert_eq!(strikes[0].related.len(), 1);
    store.commit(&d2, &b2, &by_doc[&d2.sha256]).unwrap();
    let committed = unstamped(&*store);
    assert_eq!(committed.len(), 3);
    assert!(committed.iter().any(|i| !i.related.is_empty()));
    // Re-extraction rebuilds every incident from the stored rows.
    store
        .reextract(&mut |d: &Document, _: &[u8]| Ok(by_doc[&d.sha256].clone()))
        .unwrap();
    assert_eq!(unstamped(&*store), committed);
}

#[test]
fn a_document_read_ahead_of_its_turn_is_read_again_when_the_one_before_changed_it() {
    each_backend(a_document_read_ahead_of_its_turn_is_read_again_when_the_one_before_changed_it_on);
}

/// In a batch, each one-report document's candidates and connections are read while the
/// document before it commits. Documents here depend on the one before them through one
/// way in each: the block (the flood again, placed only in its province), a name key
/// (across blocks), the prefecture (a strike days after a flood); the strike after a
/// flood joined by a second report, through that incident; and a strike after a document
/// of two reports.
fn a_document_read_ahead_of_its_turn_is_read_again_when_the_one_before_changed_it_on(open: Open) {
    let (da, ba) = doc("a.txt", "a flood in one county", "2024-05-02");
    let (db, bb) = doc("b.txt", "the flood, placed in the province", "2024-05-02");
    let (ds, bs) = doc("s.txt", "a strike after the flood", "2024-05-07");
    let (dk1, bk1) = doc("k1.txt", "a named mine floods", "2024-05-11");
    let (dk2, bk2) = doc("k2.txt", "the named mine, no place given", "2024-05-11");
    let (df, bf) = doc("f.txt", "a flood in another province", "2024-06-02");
    let (dt, bt) = doc("t.txt", "a strike after that flood", "2024-06-09");
    let (dm, bm) = doc("m.txt", "two floods in one article", "2024-07-02");
    let (du, bu) = doc("u.txt", "a strike after the first of them", "2024-07-09");
    let a = vec![report(&da, 0, "2024-05-01", "140702", 3)];
    let mut b = report(&db, 0, "2024-05-01", "140000", 3);
    if let Some(place) = b.place.as_mut() {
        place.level = PlaceLevel::Province;
    }
    let b = vec![b];
    let strike = |d: &Document, date: &str, adcode: &str| {
        let mut r = report(d, 0, date, adcode, 0);
        r.kind = IncidentType::Strike;
        r.claims.clear();
        vec![r]
    };
    let s = strike(&ds, "2024-05-06", "140702");
    let mut k1 = report(&dk1, 0, "2024-05-10", "520322", 2);
    k1.keys = vec!["mine:hongshi".into()];
    let mut k2 = report(&dk2, 0, "2024-05-10", "520322", 2);
    k2.keys = k1.keys.clone();
    k2.place = None;
    let (k1, k2) = (vec![k1], vec![k2]);
    let f = vec![report(&df, 0, "2024-06-01", "610302", 4)];
    let t = strike(&dt, "2024-06-08", "610302");
    let m = vec![
        report(&dm, 0, "2024-07-01", "330102", 6),
        report(&dm, 1, "2024-07-01", "450102", 1),
    ];
    let u = strike(&du, "2024-07-08", "330102");
    let docs = [
        (&da, &ba, &a),
        (&db, &bb, &b),
        (&ds, &bs, &s),
        (&dk1, &bk1, &k1),
        (&dk2, &bk2, &k2),
        (&df, &bf, &f),
        (&dt, &bt, &t),
        (&dm, &bm, &m),
        (&du, &bu, &u),
    ];

    let mut single = open();
    for (d, bytes, r) in docs {
        single.commit(d, bytes, r).unwrap();
    }
    let one_by_one = unstamped(&*single);
    // Committed one at a time: the first flood's two tellings are one, and so are the
    // named mine's; each strike follows its flood, and the second flood of the article
    // stands alone.
    let sources = |i: &Incident| i.sources.len();
    let mut shape: Vec<(IncidentType, usize, usize)> = one_by_one
        .iter()
        .map(|i| (i.kind, sources(i), i.related.len()))
        .collect();
    shape.sort_by_key(|&(kind, n, related)| (kind.as_str(), n, related));
    use IncidentType::{Accident, Strike};
    assert_eq!(
        shape,
        [
            (Accident, 1, 0),
            (Accident, 1, 1),
            (Accident, 1, 1),
            (Accident, 2, 0),
            (Accident, 2, 1),
            (Strike, 1, 1),
            (Strike, 1, 1),
            (Strike, 1, 1),
        ]
    );

    let mut batched = open();
    let pending: Vec<Pending> = docs
        .iter()
        .map(|(d, bytes, r)| Pending {
            doc: d,
            bytes,
            reports: r,
        })
        .collect();
    for out in batched.commit_batch(&pending) {
        out.unwrap();
    }
    assert_eq!(unstamped(&*batched), one_by_one);
}

/// Sent queries answer as of when they were sent, in any order of receiving; a failed
/// query fails when its rows are asked for, and a failed write is the error of the
/// statement after it, not that statement's own.
fn sent_queries_on(db: &dyn Db) -> Result<(), StoreError> {
    db.batch("CREATE TABLE t (n BIGINT NOT NULL)")?;
    db.write("INSERT INTO t VALUES (?1)", args![1i64])?;
    let before = db.send(&[
        ("SELECT count(*) FROM t", &[]),
        ("SELECT max(n) FROM t", &[]),
    ])?;
    db.write("INSERT INTO t VALUES (?1)", args![2i64])?;
    let after = db.send(&[("SELECT count(*) FROM t", &[])])?;
    let after = db.receive(after)?;
    let before = db.receive(before)?;
    assert_eq!(
        (
            before[0][0].int(0)?,
            before[1][0].int(0)?,
            after[0][0].int(0)?
        ),
        (1, 1, 2)
    );
    let missing = db
        .send(&[("SELECT n FROM no_such_table", &[])])
        .and_then(|sent| db.receive(sent))
        .unwrap_err();
    assert!(missing.to_string().contains("no_such_table"), "{missing}");
    Ok(())
}

fn failed_write_on(db: &dyn Db) -> Result<(), StoreError> {
    db.write("INSERT INTO u VALUES (NULL)", &[])?;
    db.query("SELECT count(*) FROM u", &[])?;
    Ok(())
}

#[test]
fn sent_queries_answer_as_of_sending_and_failures_name_their_statement() {
    let create = |db: &dyn Db| db.batch("CREATE TABLE u (n BIGINT NOT NULL)");
    let mut sqlite = SqliteStore::in_memory().unwrap();
    sqlite.write(sent_queries_on).unwrap();
    sqlite.write(create).unwrap();
    let err = sqlite.write(failed_write_on).unwrap_err().to_string();
    assert!(err.contains("NOT NULL"), "{err}");
}

#[test]
fn pg_sent_queries_answer_as_of_sending_and_failures_name_their_statement() {
    let create = |db: &dyn Db| db.batch("CREATE TABLE u (n BIGINT NOT NULL)");
    let temp = TempDatabase::create();
    let mut pg = PgStore::connect(temp.url()).unwrap();
    pg.write(sent_queries_on).unwrap();
    pg.write(create).unwrap();
    // The insert's own error, not the refusal of the query after it.
    let err = pg.write(failed_write_on).unwrap_err().to_string();
    assert!(err.contains("null value"), "{err}");
}

#[test]
fn links_are_read_from_either_end_and_go_with_an_incident_merged_away() {
    each_backend(links_are_read_from_either_end_and_go_with_an_incident_merged_away_on);
}

fn links_are_read_from_either_end_and_go_with_an_incident_merged_away_on(open: Open) {
    let mut store = open();
    // A flood, a strike in the same county days later, and then a report of an earlier
    // flood there, six weeks before: the strike answers both.
    let (d1, b1) = doc("flood.txt", "a flood", "2024-05-02");
    // The change feed names every incident whose `related` list a step changed.
    let changed_by = |store: &mut Box<dyn Store>, step: &mut dyn FnMut(&mut Box<dyn Store>)| {
        let before = store.latest_change().unwrap();
        step(store);
        let changes = store.changes_since(before, 100).unwrap();
        changes
            .into_iter()
            .map(|c| c.incident)
            .collect::<BTreeSet<_>>()
    };
    let flood = report(&d1, 0, "2024-05-01", "140702", 3);
    store.commit(&d1, &b1, &[flood]).unwrap();
    let (d2, b2) = doc("strike.txt", "a strike", "2024-05-07");
    let mut strike = report(&d2, 0, "2024-05-06", "140702", 0);
    strike.kind = IncidentType::Strike;
    strike.claims.clear();
    let strike_changed = changed_by(&mut store, &mut |s| {
        s.commit(&d2, &b2, std::slice::from_ref(&strike)).unwrap();
    });
    let (d3, b3) = doc("flood2.txt", "an earlier flood", "2024-05-08");
    let earlier = report(&d3, 0, "2024-03-25", "140702", 1);
    let earlier_changed = changed_by(&mut store, &mut |s| {
        s.commit(&d3, &b3, std::slice::from_ref(&earlier)).unwrap();
    });

    let all = unstamped(&*store);
    assert_eq!(all.len(), 3);
    let id_of = |kind: IncidentType, date: &str| {
        all.iter()
            .find(|i| i.kind == kind && i.date.unwrap().to_string() == date)
            .unwrap()
            .id
            .clone()
    };
    let (first, strike, second) = (
        id_of(IncidentType::Accident, "2024-05-01"),
        id_of(IncidentType::Strike, "2024-05-06"),
        id_of(IncidentType::Accident, "2024-03-25"),
    );
    let links = |inc: &Incident| -> Vec<(String, String)> {
        inc.related
            .iter()
            .map(|r| (r.id.clone(), r.relation.clone()))
            .collect()
    };
    assert_eq!(
        strike_changed,
        BTreeSet::from([first.clone(), strike.clone()])
    );
    assert_eq!(
        earlier_changed,
        BTreeSet::from([second.clone(), strike.clone()])
    );
    let led = |id: &String| (id.clone(), "led_to".to_string());
    let responds = |id: &String| (id.clone(), "response_to".to_string());
    // The strike was written before the earlier flood was reported; it names it all the
    // same, with its links in id order.
    let mut floods = vec![responds(&first), responds(&second)];
    floods.sort();
    for inc in &all {
        let want = match inc.id {
            ref id if *id == strike => floods.clone(),
            _ => vec![led(&strike)],
        };
        assert_eq!(links(inc), want, "{}", inc.id);
    }
    // Every read path fills them alike: one incident, and incidents by id, in the order asked.
    let shown = store.incident(&strike).unwrap().unwrap();
    assert_eq!(links(&shown.incident), floods);
    let by_id = store
        .incidents_by_id(&[second.clone(), "no-such-incident".into(), strike.clone()])
        .unwrap();
    let asked: Vec<(&str, Vec<(String, String)>)> =
        by_id.iter().map(|i| (i.id.as_str(), links(i))).collect();
    assert_eq!(
        asked,
        vec![
            (second.as_str(), vec![led(&strike)]),
            (strike.as_str(), floods.clone())
        ]
    );

    // Merged into one incident, the two floods leave the strike one link, to the
    // incident that is left, and no link to an id that is gone.
    let by = Reviewer {
        who: "tester",
        reason: "one flood",
    };
    let mut merged = String::new();
    let merge_changed = changed_by(&mut store, &mut |s| {
        merged = s.merge(&[first.clone(), second.clone()], &by).unwrap();
    });
    assert!(merge_changed.contains(&strike), "{merge_changed:?}");
    let all = unstamped(&*store);
    assert_eq!(all.len(), 2);
    for inc in &all {
        let want = match inc.id {
            ref id if *id == strike => vec![responds(&merged)],
            _ => vec![led(&strike)],
        };
        assert_eq!(links(inc), want, "{}", inc.id);
    }
}

#[test]
fn a_report_joining_from_a_vaguer_place_keeps_the_incidents_links() {
    each_backend(a_report_joining_from_a_vaguer_place_keeps_the_incidents_links_on);
}

fn a_report_joining_from_a_vaguer_place_keeps_the_incidents_links_on(open: Open) {
    let mut store = open();
    // A flood in a county and a strike there after it; then a report of the flood that
    // names only the province. It joins the flood, which keeps the county, so the
    // connections guessed from the joining report's place (the province) are not the
    // incident's and are read again.
    let (d1, b1) = doc("flood.txt", "a flood", "2024-05-02");
    let flood = report(&d1, 0, "2024-05-01", "140702", 3);
    let (d2, b2) = doc("strike.txt", "a strike", "2024-05-21");
    let mut strike = report(&d2, 0, "2024-05-20", "140702", 0);
    strike.kind = IncidentType::Strike;
    strike.claims.clear();
    let (d3, b3) = doc("province.txt", "the flood, province-wide", "2024-05-03");
    let mut vague = report(&d3, 0, "2024-05-01", "140000", 4);
    vague.place.as_mut().unwrap().level = PlaceLevel::Province;
    let mut by_doc: BTreeMap<String, Vec<Report>> = BTreeMap::new();
    for (d, b, r) in [(&d1, &b1, flood), (&d2, &b2, strike), (&d3, &b3, vague)] {
        store.commit(d, b, std::slice::from_ref(&r)).unwrap();
        by_doc.insert(d.sha256.clone(), vec![r]);
    }
    let committed = unstamped(&*store);
    assert_eq!(committed.len(), 2, "the vague report joins the flood");
    let flood = committed
        .iter()
        .find(|i| i.kind == IncidentType::Accident)
        .unwrap();
    assert_eq!(flood.sources.len(), 2);
    assert_eq!(
        flood.location.as_ref().unwrap().adcode.as_deref(),
        Some("140702")
    );
    for inc in &committed {
        assert_eq!(inc.related.len(), 1, "{} keeps its link", inc.id);
    }
    // Rebuilt from the stored rows, without a guess, it is the same.
    store
        .reextract(&mut |d: &Document, _: &[u8]| Ok(by_doc[&d.sha256].clone()))
        .unwrap();
    assert_eq!(unstamped(&*store), committed);
}

/// The PostgreSQL twin of each test that runs `each_backend`: `pg_backend::NAME` runs the
/// test `NAME` on PostgreSQL, and `PG_TWINS` lists them for `each_backend`'s check.
macro_rules! pg_twins {
    ($($test:ident),* $(,)?) => {
        const PG_TWINS: &[&str] = &[$(stringify!($test)),*];

        mod pg_backend {
            $(
                #[test]
                fn $test() {
                    super::ON_POSTGRES.set(true);
                    super::$test();
                }
            )*
        }
    };
}

pg_twins!(
    commits_merges_and_ignores_duplicates,
    a_report_dated_only_by_year_or_month_still_meets_the_day_dated_tellings,
    ids_do_not_depend_on_ingest_order,
    filters_by_type_date_place_and_toll,
    change_feed_names_every_written_and_removed_incident,
    keyset_pages_cover_every_incident_once_even_as_incidents_arrive,
    text_filter_reads_titles_and_organisations_not_field_names,
    tokens_are_found_by_secret_hash_until_revoked,
    feed_and_alert_state_is_kept_and_replaced,
    visiting_pages_through_the_filtered_incidents_once_each,
    production_loads_atomically_and_replaces_the_same_place_and_year,
    archived_names_exactly_the_stored_documents_across_chunks,
    incidents_a_document_creates_are_built_as_a_rebuild_builds_them,
    a_document_read_ahead_of_its_turn_is_read_again_when_the_one_before_changed_it,
    links_are_read_from_either_end_and_go_with_an_incident_merged_away,
    a_report_joining_from_a_vaguer_place_keeps_the_incidents_links,
    proofs_name_their_document_and_find_it_by_a_sha256_prefix,
    consistency_proofs_go_from_any_older_size_to_a_checkpoint,
);
