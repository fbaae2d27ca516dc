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
