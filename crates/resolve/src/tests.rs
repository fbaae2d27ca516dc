use super::*;
use recount_model::{ClaimDraft, PlaceLevel, Qualifier, Speaker};

fn place(adcode: &str) -> Place {
    let level = if adcode.ends_with("0000") {
        PlaceLevel::Province
    } else if adcode.ends_with("00") {
        PlaceLevel::Prefecture
    } else {
        PlaceLevel::County
    };
    Place {
        country: "CN".into(),
        adcode: Some(adcode.into()),
        level,
        name: None,
        name_en: None,
        detail: None,
        lat: None,
        lon: None,
    }
}

fn dead(value: i64, speaker: Speaker, disputed: bool) -> ClaimDraft {
    ClaimDraft {
        kind: FigureKind::Dead,
        value,
        qualifier: Qualifier::Exact,
        value_max: None,
        attributed_to: speaker,
        disputed,
        quote: format!("{value} dead"),
    }
}

fn report(key: &str, doc: &str, date: &str, adcode: &str) -> Report {
    Report {
        key: key.into(),
        doc: doc.into(),
        kind: IncidentType::Accident,
        sector: Some("coal_mining".into()),
        mechanism: Some("explosion".into()),
        grievance: None,
        date: Some(date.parse().unwrap()),
        date_end: None,
        date_uncertain: false,
        place: Some(place(adcode)),
        place_uncertain: false,
        organizations: vec![],
        claims: vec![],
        as_of: None,
        title: "Gas explosion".into(),
        lang: "en".into(),
        quote: "an explosion".into(),
        keys: vec![],
    }
}

fn doc(id: &str, published: &str) -> DocInfo {
    DocInfo {
        id: id.into(),
        sha256: format!("sha-{id}"),
        url: None,
        published: Some(published.parse().unwrap()),
        lang: Some("en".into()),
    }
}

#[test]
fn same_day_same_county_matches() {
    let a = report("a:0", "a", "2024-03-08", "140702");
    let b = report("b:0", "b", "2024-03-08", "140702");
    assert!(match_score(&a, &[b]).unwrap() >= MATCH_THRESHOLD);
}

#[test]
fn month_report_joins_day_report_inside_its_prefecture() {
    let early = report("a:0", "a", "2023-02-22", "152900");
    let mut late = report("b:0", "b", "2023-02", "152921");
    late.mechanism = Some("explosion".into());
    assert!(match_score(&late, &[early]).unwrap() >= MATCH_THRESHOLD);
}

#[test]
fn same_named_mine_in_another_province_never_matches() {
    let mut a = report("a:0", "a", "2024-03-08", "230303");
    let mut b = report("b:0", "b", "2024-03-08", "140702");
    a.keys = vec!["kunyuan coal mine".into()];
    b.keys = a.keys.clone();
    assert_eq!(match_score(&a, &[b]), None);
}

#[test]
fn different_types_or_distant_days_never_match() {
    let a = report("a:0", "a", "2024-03-08", "140702");
    let mut strike = report("b:0", "b", "2024-03-08", "140702");
    strike.kind = IncidentType::Strike;
    assert_eq!(match_score(&a, &[strike]), None);
    let later = report("c:0", "c", "2024-03-20", "140702");
    assert_eq!(match_score(&a, &[later]), None);
}

#[test]
fn reports_of_one_document_stay_apart() {
    let a = report("a:0", "a", "2024-03-08", "140702");
    let b = report("a:1", "a", "2024-03-08", "140702");
    assert_eq!(match_score(&a, &[b]), None);
}

#[test]
fn undated_reports_need_a_shared_name() {
    let mut a = report("a:0", "a", "2024-03-08", "140702");
    a.date = None;
    let b = report("b:0", "b", "2024-03-08", "140702");
    assert_eq!(match_score(&a, std::slice::from_ref(&b)), None);
    a.keys = vec!["dahe coal mine".into()];
    let mut b = b;
    b.keys = vec!["dahe coal mine".into()];
    assert!(match_score(&a, &[b]).unwrap() >= MATCH_THRESHOLD);
}

#[test]
fn id_depends_on_the_smallest_key_only() {
    assert_eq!(incident_id(["b:1", "a:0"]), incident_id(["a:0", "b:1"]));
    assert_ne!(incident_id(["a:0"]), incident_id(["a:1"]));
    assert!(incident_id(["x"]).starts_with("inc-"));
}

#[test]
fn revised_toll_keeps_every_claim_and_the_latest_is_best() {
    let mut early = report("a:0", "early", "2023-02-22", "152900");
    early.claims = vec![dead(4, Speaker::Media, false)];
    let mut late = report("b:0", "late", "2023-02", "152921");
    late.claims = vec![
        dead(35, Speaker::Official, true),
        dead(53, Speaker::Insider, false),
    ];
    let docs = [doc("early", "2023-02-23"), doc("late", "2025-08-28")];
    let inc = build("inc-x", &[late, early], &docs, "now");
    let fig = &inc.figures[&FigureKind::Dead];
    let values: Vec<i64> = fig.claims.iter().map(|c| c.value).collect();
    assert_eq!(values, vec![4, 35, 53]);
    assert_eq!((fig.best, fig.low, fig.high), (Some(53), Some(4), Some(53)));
    assert!(inc.flags.contains(&Flag::UnderreportingSuspected));
    assert!(inc.flags.contains(&Flag::FigureConflict));
    assert!(!inc.flags.contains(&Flag::SingleSource));
    assert_eq!(inc.date.unwrap().to_string(), "2023-02-22");
    assert_eq!(inc.location.unwrap().adcode.as_deref(), Some("152921"));
}

#[test]
fn an_early_count_superseded_is_no_conflict() {
    let mut a = report("a:0", "a", "2024-03-08", "140702");
    a.claims = vec![dead(3, Speaker::Media, false)];
    let mut b = report("b:0", "b", "2024-03-08", "140702");
    b.claims = vec![dead(9, Speaker::Official, false)];
    let docs = [doc("a", "2024-03-08"), doc("b", "2024-03-30")];
    let inc = build("inc-y", &[a, b], &docs, "now");
    assert_eq!(inc.best(FigureKind::Dead), Some(9));
    assert!(inc.flags.is_empty(), "{:?}", inc.flags);
}

#[test]
fn official_below_a_later_independent_count_is_suspect() {
    let mut a = report("a:0", "a", "2024-03-08", "140702");
    a.claims = vec![dead(9, Speaker::Official, false)];
    let mut b = report("b:0", "b", "2024-03-08", "140702");
    b.claims = vec![dead(14, Speaker::Family, false)];
    let docs = [doc("a", "2024-03-09"), doc("b", "2024-03-10")];
    let inc = build("inc-z", &[a, b], &docs, "now");
    assert!(inc.flags.contains(&Flag::UnderreportingSuspected));
    assert!(inc.flags.contains(&Flag::FigureConflict));
    assert_eq!(inc.best(FigureKind::Dead), Some(14));
}

#[test]
fn build_is_independent_of_report_order() {
    let mut a = report("a:0", "a", "2024-03-08", "140700");
    a.claims = vec![dead(3, Speaker::Media, false)];
    let mut b = report("b:0", "b", "2024-03-08", "140702");
    b.claims = vec![dead(5, Speaker::Media, false)];
    let docs = [doc("a", "2024-03-08"), doc("b", "2024-03-09")];
    let one = build("i", &[a.clone(), b.clone()], &docs, "t");
    let two = build("i", &[b, a], &docs, "t");
    assert_eq!(one, two);
}

#[test]
fn lower_bounds_agree_with_larger_exact_counts() {
    let mk = |value, qualifier| Claim {
        value,
        qualifier,
        value_max: None,
        source: "d".into(),
        attributed_to: Some(Speaker::Media),
        as_of: Some("2024-01-01".parse().unwrap()),
        quote: None,
    };
    let (fig, flags) = figure_from_claims(&[
        (mk(4, Qualifier::AtLeast), false),
        (mk(6, Qualifier::Exact), false),
    ]);
    assert_eq!(fig.best, Some(6));
    assert!(flags.is_empty(), "{flags:?}");
}

#[test]
fn the_same_mine_days_apart_merges_and_another_mine_does_not() {
    let mine = |r: &mut Report, k: &str| r.keys = vec![format!("{k}|mine")];
    let mut first = report("a:0", "a", "2024-03-08", "140702");
    let mut follow = report("b:0", "b", "2024-03-11", "140702");
    mine(&mut first, "dahe");
    mine(&mut follow, "dahe");
    assert!(match_score(&follow, std::slice::from_ref(&first)).unwrap() >= MATCH_THRESHOLD);
    // The same county and day with another mine named is another event.
    let mut other = report("c:0", "c", "2024-03-08", "140702");
    mine(&mut other, "xiaohe");
    assert!(match_score(&other, std::slice::from_ref(&first)).unwrap() < MATCH_THRESHOLD);
    // Four days apart is too far even for the same mine; the same mine a year later too.
    let mut late = report("d:0", "d", "2024-03-12", "140702");
    mine(&mut late, "dahe");
    assert_eq!(match_score(&late, std::slice::from_ref(&first)), None);
    let mut next_year = report("e:0", "e", "2025-03-08", "140702");
    mine(&mut next_year, "dahe");
    assert_eq!(match_score(&next_year, &[first]), None);
}

#[test]
fn evidence_names_what_was_weighed() {
    let mut a = report("a:0", "a", "2024-03-08", "140702");
    let mut b = report("b:0", "b", "2024-03-10", "140702");
    a.claims = vec![dead(9, Speaker::Official, false)];
    b.claims = vec![dead(5, Speaker::Official, false)];
    a.as_of = Some("2024-03-08".parse().unwrap());
    b.as_of = Some("2024-03-11".parse().unwrap());
    let points = compare(&a, &b, false).unwrap();
    assert!(points.contains(&matching::Point::DaysApart(2)));
    assert!(points.contains(&matching::Point::SamePlace));
    assert!(points.contains(&matching::Point::TollFell {
        earlier: 9,
        later: 5
    }));
    // place 2 + two days 1 + mechanism 1 − a falling toll 1
    assert_eq!(matching::score(&points), 3);
    let text: Vec<String> = points.iter().map(|p| p.to_string()).collect();
    assert!(
        text.contains(&"toll fell from 9 to 5 dead".to_string()),
        "{text:?}"
    );
    // Loose comparison reaches further, at a cost, and across one document.
    let far = report("c:0", "a", "2024-03-15", "140702");
    assert_eq!(
        compare(&a, &far, false),
        Err(matching::RuledOut::SameDocument)
    );
    let loose = compare(&a, &far, true).unwrap();
    assert!(loose.contains(&matching::Point::DaysApart(7)));
    assert!(matching::score(&loose) < MATCH_THRESHOLD);
}

#[test]
fn choose_takes_the_best_candidate_and_the_smaller_id_on_a_tie() {
    let r = report("z:0", "z", "2024-03-08", "140702");
    let near = [report("a:0", "a", "2024-03-08", "140702")];
    let same = [report("b:0", "b", "2024-03-08", "140702")];
    let weak = [report("c:0", "c", "2024-03-11", "140700")];
    let cands = vec![
        ("inc-b", &same[..]),
        ("inc-a", &near[..]),
        ("inc-c", &weak[..]),
    ];
    assert_eq!(choose(&r, cands.clone()).map(|(id, _)| id), Some("inc-a"));
    assert_eq!(
        choose(&r, vec![cands[2]]),
        None,
        "a weak candidate starts a new one"
    );
}

fn claim_on(kind: FigureKind, value: i64, speaker: Speaker, disputed: bool) -> ClaimDraft {
    ClaimDraft {
        kind,
        ..dead(value, speaker, disputed)
    }
}

#[test]
fn a_toll_rising_day_by_day_is_no_conflict_but_a_lowered_official_count_is() {
    let mut first = report("a:0", "a", "2024-03-08", "140702");
    first.claims = vec![dead(2, Speaker::Media, false)];
    let mut later = report("b:0", "b", "2024-03-08", "140702");
    later.claims = vec![dead(9, Speaker::Official, false)];
    let docs = [doc("a", "2024-03-08"), doc("b", "2024-03-10")];
    let inc = build("i", &[first.clone(), later], &docs, "t");
    assert_eq!(inc.best(FigureKind::Dead), Some(9));
    assert!(
        !inc.flags.contains(&Flag::FigureConflict),
        "{:?}",
        inc.flags
    );
    // A later count below an earlier one is two accounts.
    let mut lower = report("b:0", "b", "2024-03-08", "140702");
    lower.claims = vec![dead(1, Speaker::Official, false)];
    let inc = build("i", &[first, lower], &docs, "t");
    assert!(inc.flags.contains(&Flag::FigureConflict), "{:?}", inc.flags);
    // An official 12 said to be lowered, against an insider's 15 the same day.
    let mut one = report("c:0", "c", "2024-03-08", "140702");
    one.claims = vec![
        dead(12, Speaker::Official, true),
        dead(15, Speaker::Insider, false),
    ];
    let inc = build("i", &[one], &[doc("c", "2024-03-12")], "t");
    assert_eq!(inc.best(FigureKind::Dead), Some(15));
    assert!(inc.flags.contains(&Flag::FigureConflict));
    assert!(inc.flags.contains(&Flag::UnderreportingSuspected));
}

#[test]
fn missing_counted_later_among_the_dead_no_longer_stands() {
    let mut early = report("a:0", "a", "2023-02-22", "152921");
    early.claims = vec![
        dead(4, Speaker::Media, false),
        claim_on(FigureKind::Missing, 49, Speaker::Media, false),
    ];
    let mut late = report("b:0", "b", "2023-02-22", "152921");
    late.claims = vec![dead(53, Speaker::Official, false)];
    let docs = [doc("a", "2023-02-23"), doc("b", "2023-03-01")];
    let inc = build("i", &[early.clone(), late], &docs, "t");
    let missing = &inc.figures[&FigureKind::Missing];
    assert_eq!(missing.best, Some(49), "the count is kept as given");
    assert_eq!(missing.claims.len(), 1, "and its claim stays");
    let mark = missing.superseded.as_ref().expect("superseded");
    assert_eq!((mark.by, mark.value), (FigureKind::Dead, 53));
    assert_eq!(inc.standing(FigureKind::Missing), None);
    assert_eq!(inc.standing(FigureKind::Dead), Some(53));
    // Three days on, a toll that does not account for them leaves them standing.
    let mut next = report("c:0", "c", "2023-02-22", "152921");
    next.claims = vec![dead(10, Speaker::Official, false)];
    let docs = [doc("a", "2023-02-23"), doc("c", "2023-02-26")];
    let inc = build("i", &[early, next], &docs, "t");
    assert_eq!(inc.standing(FigureKind::Missing), Some(49));
}

#[test]
fn an_end_before_the_start_is_dropped_and_negative_claims_ignored() {
    let mut r = report("a:0", "a", "2025-11-21", "520525");
    r.date_end = Some("2025-10-14".parse().unwrap());
    r.claims = vec![
        dead(-5, Speaker::Media, false),
        dead(3, Speaker::Media, false),
    ];
    let inc = build("i", &[r.clone()], &[doc("a", "2025-11-22")], "t");
    assert_eq!(inc.date_end, None);
    let fig = &inc.figures[&FigureKind::Dead];
    assert_eq!((fig.best, fig.low, fig.high), (Some(3), Some(3), Some(3)));
    r.date_end = Some("2025-11-25".parse().unwrap());
    let inc = build("i", &[r], &[doc("a", "2025-11-22")], "t");
    assert_eq!(inc.date_end.unwrap().to_string(), "2025-11-25");
}

/// A change made to a report, for tests that try many.
type Change = Box<dyn Fn(&mut Report)>;

#[test]
fn the_match_signature_holds_what_compare_reads_and_nothing_else() {
    use crate::matching::match_signature;
    let mut a = report("k1", "d1", "2025-03-04", "520525");
    a.keys = vec!["yanshan|mine".into()];
    a.claims = vec![dead(3, Speaker::Official, false)];
    a.as_of = Some("2025-03-05".parse().unwrap());
    let base = {
        let mut b = a.clone();
        b.key = "k2".into();
        b.doc = "d2".into();
        b
    };
    let others = [
        report("k3", "d3", "2025-03-04", "520525"),
        report("k4", "d4", "2025-03-06", "520500"),
        {
            let mut r = report("k5", "d5", "2025-03-05", "520525");
            r.keys = vec!["yanshan|mine".into()];
            r.claims = vec![dead(9, Speaker::Media, false)];
            r.as_of = Some("2025-03-09".parse().unwrap());
            r
        },
    ];
    // What compare does not read: changing it keeps the signature and every comparison.
    let unread: Vec<(&str, Change)> = vec![
        ("key", Box::new(|r| r.key = "k9".into())),
        ("doc", Box::new(|r| r.doc = "d9".into())),
        ("title", Box::new(|r| r.title = "Another title".into())),
        ("quote", Box::new(|r| r.quote = "other words".into())),
        ("lang", Box::new(|r| r.lang = "zh".into())),
        (
            "sector",
            Box::new(|r| r.sector = Some("metal_mining".into())),
        ),
        ("place_uncertain", Box::new(|r| r.place_uncertain = true)),
        (
            "an injured claim",
            Box::new(|r| {
                r.claims
                    .push(claim_on(FigureKind::Injured, 4, Speaker::Media, false))
            }),
        ),
        (
            "a dead claim's quote",
            Box::new(|r| r.claims[0].quote = "three died".into()),
        ),
    ];
    for (what, change) in &unread {
        let mut b = base.clone();
        change(&mut b);
        assert_eq!(match_signature(&b), match_signature(&base), "{what}");
        for o in &others {
            assert_eq!(
                compare(o, &b, false).map(|p| matching::score(&p)),
                compare(o, &base, false).map(|p| matching::score(&p)),
                "{what} changed a comparison with {}",
                o.key
            );
        }
    }
    // What compare reads: changing it changes the signature.
    let read: Vec<(&str, Change)> = vec![
        ("kind", Box::new(|r| r.kind = IncidentType::Strike)),
        ("place", Box::new(|r| r.place = Some(place("520526")))),
        (
            "date",
            Box::new(|r| r.date = Some("2025-03-05".parse().unwrap())),
        ),
        ("date_uncertain", Box::new(|r| r.date_uncertain = true)),
        (
            "date_end",
            Box::new(|r| r.date_end = Some("2025-03-07".parse().unwrap())),
        ),
        ("keys", Box::new(|r| r.keys.push("other|mine".into()))),
        (
            "mechanism",
            Box::new(|r| r.mechanism = Some("flood".into())),
        ),
        (
            "grievance",
            Box::new(|r| r.grievance = Some("wages".into())),
        ),
        ("dead value", Box::new(|r| r.claims[0].value = 4)),
        ("dead disputed", Box::new(|r| r.claims[0].disputed = true)),
        (
            "dead qualifier",
            Box::new(|r| r.claims[0].qualifier = Qualifier::AtLeast),
        ),
        (
            "as_of",
            Box::new(|r| r.as_of = Some("2025-03-08".parse().unwrap())),
        ),
    ];
    for (what, change) in &read {
        let mut b = base.clone();
        change(&mut b);
        assert_ne!(match_signature(&b), match_signature(&base), "{what}");
    }
}
