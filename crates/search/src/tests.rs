//! The index over a real store: what is found in which language, what the filters keep,
//! and that edits and merges show after a catch-up.

use super::*;
use recount_model::{
    ClaimDraft, Document, IncidentType, Organization, Place, PlaceLevel, Qualifier, Report, Speaker,
};
use recount_store::{Reviewer, SqliteStore};

fn doc(id: &str, body: &str) -> (Document, Vec<u8>) {
    // A digest that only has to be unique per body in these tests.
    let mut h: u64 = 1469598103934665603;
    for b in body.bytes() {
        h = (h ^ b as u64).wrapping_mul(1099511628211);
    }
    let bytes = body.as_bytes().to_vec();
    (
        Document {
            id: id.into(),
            sha256: format!("{h:016x}"),
            media_type: "text/plain".into(),
            fetched_at: "2025-01-01T00:00:00Z".into(),
            published: Some("2025-11-20".parse().unwrap()),
            source: None,
            lang: None,
            title: None,
            url: None,
            size: bytes.len() as u64,
            modified: None,
        },
        bytes,
    )
}

struct Event<'a> {
    kind: IncidentType,
    sector: &'a str,
    date: &'a str,
    adcode: &'a str,
    org: (&'a str, Option<&'a str>),
    title: &'a str,
    quote: &'a str,
    dead: Option<i64>,
}

fn commit(store: &mut dyn Store, name: &str, e: &Event) {
    let (d, bytes) = doc(name, e.quote);
    let report = Report {
        key: format!("{}:0", d.sha256),
        doc: d.id.clone(),
        kind: e.kind,
        sector: Some(e.sector.into()),
        mechanism: None,
        grievance: None,
        date: Some(e.date.parse().unwrap()),
        date_end: None,
        date_uncertain: false,
        place: Some(Place {
            country: "CN".into(),
            adcode: Some(e.adcode.into()),
            level: PlaceLevel::County,
            name: None,
            name_en: None,
            detail: None,
            lat: None,
            lon: None,
        }),
        place_uncertain: false,
        organizations: vec![Organization {
            name: e.org.0.into(),
            name_en: e.org.1.map(Into::into),
            role: Some("operator".into()),
        }],
        claims: e
            .dead
            .map(|n| ClaimDraft {
                kind: FigureKind::Dead,
                value: n,
                qualifier: Qualifier::Exact,
                value_max: None,
                attributed_to: Speaker::Media,
                disputed: false,
                quote: e.quote.into(),
            })
            .into_iter()
            .collect(),
        as_of: None,
        title: e.title.into(),
        lang: "zh".into(),
        quote: e.quote.into(),
        keys: vec![],
    };
    store.commit(&d, &bytes, &[report]).unwrap();
}

const KUNYUAN: Event = Event {
    kind: IncidentType::Accident,
    sector: "coal_mining",
    date: "2024-12-20",
    adcode: "140702",
    org: ("坤源煤矿", None),
    title: "坤源煤矿透水事故",
    quote: "12月20日,山西省晋中市榆次区坤源煤矿发生透水事故,3名矿工遇难。",
    dead: Some(3),
};

const DAHE: Event = Event {
    kind: IncidentType::Strike,
    sector: "coal_mining",
    date: "2025-11-01",
    adcode: "520322",
    org: ("Dahe Coal Mine", Some("Dahe Coal Mine")),
    title: "Strike in Tongzi County",
    quote: "On November 1, workers at Dahe Coal Mine in Tongzi County went on strike over unpaid wages.",
    dead: None,
};

const SHOES: Event = Event {
    kind: IncidentType::Protest,
    sector: "manufacturing",
    date: "2025-03-02",
    adcode: "330302",
    org: ("雅朵鞋业", Some("Yaduo Shoes")),
    title: "雅朵鞋业工人抗议拖欠工资",
    quote: "3月2日,温州雅朵鞋业上百名工人聚集抗议,要求支付拖欠的工资。",
    dead: None,
};

fn store_with(events: &[&Event]) -> SqliteStore {
    let mut store = SqliteStore::in_memory().unwrap();
    for (n, e) in events.iter().enumerate() {
        commit(&mut store, &format!("doc{n}.txt"), e);
    }
    store
}

fn ids(index: &SearchIndex, q: &str, filter: &Filter) -> BTreeSet<String> {
    index
        .search(q, filter, 20)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect()
}

/// The id of the incident whose organisation is `org`.
fn id_of(store: &dyn Store, org: &str) -> String {
    store
        .incidents(&Filter::default())
        .unwrap()
        .into_iter()
        .find(|i| i.organizations.iter().any(|o| o.name == org))
        .unwrap_or_else(|| panic!("no incident of {org}"))
        .id
}

#[test]
fn finds_chinese_english_and_pinyin_with_snippets() {
    let store = store_with(&[&KUNYUAN, &DAHE, &SHOES]);
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    let CatchUp::Applied { incidents, .. } = index.catch_up(&store).unwrap() else {
        panic!("nobody else writes");
    };
    assert_eq!(incidents, 3);
    let kunyuan = id_of(&store, "坤源煤矿");
    let dahe = id_of(&store, "Dahe Coal Mine");
    let shoes = id_of(&store, "雅朵鞋业");
    let none = Filter::default();

    // Chinese: a word of the text, and a name the dictionary does not know.
    let hits = index.search("坤源", &none, 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, kunyuan);
    let marked = hits[0].snippets[0].marked("[", "]");
    assert!(
        marked.contains("[坤][源]") || marked.contains("[坤源]"),
        "{marked}"
    );
    // 煤矿 is in one's text and in the other's sector (told only in English).
    assert_eq!(
        ids(&index, "煤矿", &none),
        [kunyuan.clone(), dahe.clone()].into()
    );
    // English, stemmed: "strikes" meets "strike", "wage" meets "wages".
    assert_eq!(ids(&index, "strikes", &none), [dahe.clone()].into());
    assert_eq!(ids(&index, "unpaid wage", &none), [dahe.clone()].into());
    // Pinyin of the Chinese names, however it is spaced or cased.
    for q in ["Kunyuan", "kunyuan", "Kun Yuan", "kun-yuan"] {
        assert_eq!(ids(&index, q, &none), [kunyuan.clone()].into(), "{q}");
    }
    assert_eq!(ids(&index, "Yaduo", &none), [shoes.clone()].into());
    // A name known only in Latin letters is found with its syllables spaced too.
    assert_eq!(ids(&index, "Da He", &none), [dahe.clone()].into());
    // And by its Chinese characters, through their pinyin.
    assert_eq!(ids(&index, "大河", &none), [dahe.clone()].into());
    // A phrase of Chinese words must be adjacent: 工人 and 工资 both occur, 工人工资 does not.
    assert!(ids(&index, "工人工资", &none).is_empty());
    assert_eq!(ids(&index, "拖欠工资", &none), [shoes].into());
    // Nothing matches nothing.
    assert!(ids(&index, "稀土", &none).is_empty());
    assert!(matches!(
        index.search(" ,。 ", &none, 10),
        Err(SearchError::EmptyQuery)
    ));
}

#[test]
fn filters_narrow_the_hits_as_the_listing_does() {
    let store = store_with(&[&KUNYUAN, &DAHE]);
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    index.catch_up(&store).unwrap();
    let kunyuan = id_of(&store, "坤源煤矿");
    let dahe = id_of(&store, "Dahe Coal Mine");
    let both: BTreeSet<String> = [kunyuan.clone(), dahe.clone()].into();
    for (filter, expect) in [
        (
            Filter {
                kind: Some(IncidentType::Strike),
                ..Filter::default()
            },
            vec![&dahe],
        ),
        (
            Filter {
                adcodes: vec!["140000".into()],
                ..Filter::default()
            },
            vec![&kunyuan],
        ),
        (
            Filter {
                adcodes: vec!["520300".into(), "140700".into()],
                ..Filter::default()
            },
            vec![&kunyuan, &dahe],
        ),
        (
            Filter {
                countries: vec!["cn".into()],
                ..Filter::default()
            },
            vec![&kunyuan, &dahe],
        ),
        (
            Filter {
                min_dead: Some(3),
                ..Filter::default()
            },
            vec![&kunyuan],
        ),
        (
            Filter {
                min_dead: Some(4),
                ..Filter::default()
            },
            vec![],
        ),
        (
            Filter {
                from: "2025-01-01".parse().ok(),
                ..Filter::default()
            },
            vec![&dahe],
        ),
        (
            Filter {
                to: "2024-12-20".parse().ok(),
                ..Filter::default()
            },
            vec![&kunyuan],
        ),
    ] {
        let got = ids(&index, "煤矿", &filter);
        let want: BTreeSet<String> = expect.into_iter().cloned().collect();
        assert_eq!(got, want, "{filter:?}");
        // The store's listing agrees.
        let listed: BTreeSet<String> = store
            .incidents(&filter)
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .filter(|id| both.contains(id))
            .collect();
        assert_eq!(got, listed, "{filter:?}");
    }
}

#[test]
fn edits_and_merges_show_after_a_catch_up() {
    let mut store = store_with(&[&KUNYUAN, &DAHE]);
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    index.catch_up(&store).unwrap();
    let kunyuan = id_of(&store, "坤源煤矿");
    let dahe = id_of(&store, "Dahe Coal Mine");
    let none = Filter::default();
    let by = Reviewer {
        who: "test",
        reason: "test",
    };

    store
        .edit(
            &kunyuan,
            "title_zh",
            &serde_json::json!("坤源煤矿重大瓦斯事故"),
            &by,
        )
        .unwrap();
    // Not yet applied: the index shows the committed state.
    assert!(ids(&index, "瓦斯", &none).is_empty());
    let CatchUp::Applied { incidents, seq, .. } = index.catch_up(&store).unwrap() else {
        panic!("nobody else writes");
    };
    assert_eq!(incidents, 1);
    assert_eq!(seq, store.latest_change().unwrap());
    assert_eq!(ids(&index, "瓦斯", &none), [kunyuan.clone()].into());
    // Nothing new: nothing applied.
    assert!(matches!(
        index.catch_up(&store).unwrap(),
        CatchUp::Applied { changes: 0, .. }
    ));

    let merged = store.merge(&[kunyuan.clone(), dahe.clone()], &by).unwrap();
    index.catch_up(&store).unwrap();
    // One incident answers for both; the one merged away is gone.
    assert_eq!(ids(&index, "Kunyuan", &none), [merged.clone()].into());
    assert_eq!(ids(&index, "Dahe", &none), [merged.clone()].into());
    assert_eq!(index.len().unwrap(), 1);
    assert_eq!(ids(&index, "煤矿", &none), [merged].into());
}

#[test]
fn a_rebuilt_index_answers_as_the_caught_up_one() {
    let mut store = store_with(&[&KUNYUAN, &DAHE, &SHOES]);
    let by = Reviewer {
        who: "test",
        reason: "test",
    };
    let dahe = id_of(&store, "Dahe Coal Mine");
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let followed = SearchIndex::open_or_create(a.path()).unwrap();
    followed.catch_up(&store).unwrap();
    store
        .edit(&dahe, "type", &serde_json::json!("protest"), &by)
        .unwrap();
    followed.catch_up(&store).unwrap();
    let rebuilt = SearchIndex::open_or_create(b.path()).unwrap();
    assert_eq!(rebuilt.rebuild(&store).unwrap(), 3);
    assert_eq!(
        rebuilt.applied_seq().unwrap(),
        followed.applied_seq().unwrap()
    );
    let protests = Filter {
        kind: Some(IncidentType::Protest),
        ..Filter::default()
    };
    for q in ["煤矿", "Kunyuan", "工人", "strike", "Yaduo Shoes"] {
        for f in [&Filter::default(), &protests] {
            // Scores may differ (deleted documents count in the statistics until
            // segments merge), so the hits are compared as a set.
            let got = |i: &SearchIndex| -> BTreeSet<(String, Vec<String>)> {
                i.search(q, f, 10)
                    .unwrap()
                    .into_iter()
                    .map(|h| {
                        (
                            h.id,
                            h.snippets.iter().map(|s| s.marked("[", "]")).collect(),
                        )
                    })
                    .collect()
            };
            assert_eq!(got(&followed), got(&rebuilt), "{q} {f:?}");
        }
    }
    // Made again in place, it holds each incident once.
    assert_eq!(followed.rebuild(&store).unwrap(), 3);
    // Reopened, the index knows where it stopped.
    let seq = followed.applied_seq().unwrap();
    drop(followed);
    let reopened = SearchIndex::open_or_create(a.path()).unwrap();
    assert_eq!(reopened.applied_seq().unwrap(), seq);
    assert_eq!(reopened.len().unwrap(), 3);
}

#[test]
fn a_second_writer_waits_and_searching_goes_on() {
    let mut store = store_with(&[&KUNYUAN]);
    let dir = tempfile::tempdir().unwrap();
    let first = SearchIndex::open_or_create(dir.path()).unwrap();
    first.catch_up(&store).unwrap();
    let second = SearchIndex::open_or_create(dir.path()).unwrap();
    commit(&mut store, "dahe.txt", &DAHE);
    // The first holds the writer (as another process's catch-up would).
    let held = first.writer(CATCH_UP_HEAP).unwrap().expect("free");
    assert_eq!(second.catch_up(&store).unwrap(), CatchUp::Busy);
    assert!(matches!(second.rebuild(&store), Err(SearchError::Busy(_))));
    // The last committed state is searched without error.
    let kunyuan = id_of(&store, "坤源煤矿");
    assert_eq!(ids(&second, "煤矿", &Filter::default()), [kunyuan].into());
    drop(held);
    assert!(matches!(
        second.catch_up(&store).unwrap(),
        CatchUp::Applied { incidents: 1, .. }
    ));
    assert_eq!(ids(&second, "Dahe", &Filter::default()).len(), 1);
    // The first sees what the second committed.
    assert_eq!(ids(&first, "Dahe", &Filter::default()).len(), 1);
}

#[test]
fn a_directory_with_other_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let err = SearchIndex::open_or_create(dir.path())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("holds no index"), "{err}");
    assert!(dir.path().join("notes.txt").exists());
}
