use super::*;
use recount_extract::{extract, Input};
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn the_same_seed_gives_the_same_corpus_and_another_seed_another() {
    let a: Vec<Report> = Corpus::new(300, 7).collect();
    let b: Vec<Report> = Corpus::new(300, 7).collect();
    let c: Vec<Report> = Corpus::new(300, 8).collect();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn gives_exactly_the_size_asked_and_the_truth_covers_every_report() {
    for n in [1, 2, 63, 64, 65, 1000] {
        let mut corpus = Corpus::new(n, 1);
        let ids: Vec<String> = corpus.by_ref().map(|r| r.id).collect();
        assert_eq!(ids.len(), n, "size {n}");
        let told: BTreeMap<&str, usize> = corpus
            .truth()
            .iter()
            .flat_map(|t| t.docs.iter().map(|d| (d.as_str(), 1)))
            .fold(BTreeMap::new(), |mut m, (d, k)| {
                *m.entry(d).or_default() += k;
                m
            });
        let distinct: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        // Every report tells exactly one event; the truth names no report that was not emitted.
        assert_eq!(told.keys().copied().collect::<BTreeSet<_>>(), distinct);
        assert!(told.values().all(|&k| k == 1));
    }
}

#[test]
fn events_have_several_reports_revisions_and_reposts() {
    let mut corpus = Corpus::new(5000, 3);
    let reports: Vec<Report> = corpus.by_ref().collect();
    let truth = corpus.truth();
    let per_event = reports.len() as f64 / truth.len() as f64;
    assert!(
        (1.6..2.0).contains(&per_event),
        "{per_event} reports per event"
    );
    assert!(truth.iter().any(|t| t.dead_claims.len() == 2));
    let distinct: BTreeSet<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    assert!(distinct.len() < reports.len(), "some reports are re-posted");
    let zh = reports.iter().filter(|r| r.lang == "zh").count();
    assert!(zh > reports.len() / 3 && zh < reports.len() * 2 / 3 + reports.len() / 6);
    let mean = reports.iter().map(|r| r.text.len()).sum::<usize>() / reports.len();
    assert!((2500..4000).contains(&mean), "mean size {mean}");
    // Dates march through the years in order.
    assert!(truth.first().unwrap().date.year() == 2016);
    assert!(truth.last().unwrap().date.year() == 2025);
}

#[test]
fn events_spread_evenly_over_the_years_without_piling_onto_the_last_day() {
    let mut corpus = Corpus::new(20_000, 5);
    corpus.by_ref().for_each(drop);
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for t in corpus.truth() {
        *per_day.entry(t.date).or_default() += 1;
    }
    let events = corpus.truth().len();
    let busiest = per_day.values().max().copied().unwrap_or(0);
    // About three events a day over ten years; a day with ten times that would be a
    // pile-up that no real corpus has (and that makes matching look slower at scale).
    let mean = events as f64 / 3652.0;
    assert!(
        (busiest as f64) < mean * 10.0,
        "{busiest} events on one day, {mean:.1} a day on average"
    );
    let last = per_day.keys().next_back().copied().unwrap();
    assert_eq!(last.year(), 2025);
}

#[test]
fn the_pipeline_reads_the_true_place_date_and_toll_from_first_reports() {
    let mut corpus = Corpus::new(400, 11);
    let reports: Vec<Report> = corpus.by_ref().collect();
    let truth: BTreeMap<&str, &Truth> = corpus
        .truth()
        .iter()
        .flat_map(|t| t.docs.iter().map(move |d| (d.as_str(), t)))
        .collect();
    let (mut checked, mut right) = (0, 0);
    for r in reports.iter().filter(|r| r.id.contains("-0-")) {
        let t = truth[r.id.as_str()];
        let got = extract(&Input {
            doc_id: &r.id,
            sha256: &r.id,
            text: &r.text,
            title: Some(&r.title),
            published: Some(r.published),
            fallback: None,
        });
        checked += 1;
        let hit = got.iter().any(|e| {
            e.date.map(|d| d.first_day()) == Some(t.date)
                && e.place.as_ref().and_then(|p| p.adcode.as_deref()) == Some(t.adcode.as_str())
        });
        if hit {
            right += 1;
        }
    }
    // Templates are plain; extraction should read nearly all of them right.
    assert!(checked > 100);
    assert!(right * 100 >= checked * 95, "{right}/{checked}");
}

#[test]
fn bench_incidents_are_a_function_of_seed_and_count() {
    let a: Vec<_> = crate::Incidents::new(300, 9).collect();
    let b: Vec<_> = crate::Incidents::new(300, 9).collect();
    assert_eq!(a, b);
    assert_ne!(a, crate::Incidents::new(300, 10).collect::<Vec<_>>());
    let ids: std::collections::BTreeSet<_> = a.iter().map(|i| &i.id).collect();
    assert_eq!(ids.len(), 300);
    for inc in &a {
        // Everything the listing filters on and search reads is there.
        let place = inc.location.as_ref().expect("a place");
        assert_eq!(place.adcode.as_deref().map(str::len), Some(6), "{inc:?}");
        assert!(inc.date.is_some() && inc.title_zh.is_some(), "{inc:?}");
        assert!(inc.sources.iter().all(|s| s.quote.is_some()), "{inc:?}");
        assert_eq!(
            inc.best(recount_model::FigureKind::Dead).is_some(),
            inc.kind == recount_model::IncidentType::Accident,
            "{inc:?}"
        );
    }
    // Every kind occurs, in roughly the corpus's proportions.
    let accidents = a
        .iter()
        .filter(|i| i.kind == recount_model::IncidentType::Accident)
        .count();
    assert!((120..=210).contains(&accidents), "{accidents}");
}
