use super::*;
use recount_model::Qualifier;

fn run(text: &str, published: &str) -> Vec<Report> {
    extract(&Input {
        doc_id: "t.txt",
        sha256: "0123456789abcdef0123",
        text,
        title: None,
        published: published.parse().ok(),
    })
}

fn best(r: &Report, kind: FigureKind) -> Option<i64> {
    r.claims.iter().filter(|c| c.kind == kind).map(|c| c.value).max()
}

#[test]
fn a_list_of_accidents_in_one_paragraph_becomes_one_report_each() {
    let text = "Officials listed the worst accidents of the year. On March 3, a gas explosion at the Baoshan Coal Mine in Gong County, Yibin City, Sichuan killed 7 miners. On May 19, a roof collapse at the Hongling Coal Mine in Nayong County, Bijie, Guizhou left 4 dead and 2 injured.";
    let reports = run(text, "2024-12-30");
    assert_eq!(reports.len(), 2, "{reports:#?}");
    assert_eq!(reports[0].date.unwrap().to_string(), "2024-03-03");
    assert_eq!(best(&reports[0], FigureKind::Dead), Some(7));
    assert_eq!(reports[0].mechanism.as_deref(), Some("explosion"));
    assert_eq!(reports[1].date.unwrap().to_string(), "2024-05-19");
    assert_eq!(best(&reports[1], FigureKind::Dead), Some(4));
    assert_eq!(best(&reports[1], FigureKind::Injured), Some(2));
    assert!(reports.iter().all(|r| r.kind == IncidentType::Accident));
}

#[test]
fn bilingual_tellings_of_one_strike_are_one_report() {
    let text = "「某电子厂工人罢工(2025.03.06)」3月6日,广东省东莞市长安镇一家电子厂的三百名工人罢工,抗议工厂拖欠工资。\n\n“Electronics workers strike in Dongguan (Mar 6, 2025)”\n\nOn March 6, 300 workers at an electronics factory in Chang'an Town, Dongguan, Guangdong went on strike over unpaid wages.";
    let reports = run(text, "2025-03-07");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let r = &reports[0];
    assert_eq!(r.kind, IncidentType::Strike);
    assert_eq!(r.grievance.as_deref(), Some("wage_arrears"));
    assert_eq!(best(r, FigureKind::Participants), Some(300));
    assert_eq!(r.place.as_ref().and_then(|p| p.adcode.as_deref()), Some("441900"));
}

#[test]
fn statistics_are_not_incidents() {
    let text = "So far this year, 182 people have died in 96 mining accidents nationwide, according to official statistics.";
    assert!(run(text, "2024-10-01").is_empty());
}

#[test]
fn an_undated_lead_joins_the_dated_sentence_that_follows() {
    let text = "Three people have been confirmed dead and 12 remain trapped after a coal mine flooded in Shanxi.\n\nThe flooding happened on Tuesday at a mine in Qinyuan County, Changzhi.";
    let reports = run(text, "2024-04-11");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let r = &reports[0];
    assert_eq!(r.date.unwrap().to_string(), "2024-04-09");
    assert_eq!(best(r, FigureKind::Dead), Some(3));
    assert_eq!(best(r, FigureKind::Trapped), Some(12));
    assert_eq!(r.place.as_ref().and_then(|p| p.adcode.as_deref()), Some("140431"));
}

#[test]
fn concealed_figures_are_marked_disputed_and_official() {
    let text = "On June 2, 2023, a gas explosion at a coal mine in Pingdingshan, Henan killed 21 miners, but the county reported only 9 deaths.";
    let r = &run(text, "2023-07-01")[0];
    let nine = r.claims.iter().find(|c| c.value == 9).unwrap();
    assert!(nine.disputed);
    assert_eq!(nine.attributed_to, recount_model::Speaker::Official);
    let all = r.claims.iter().find(|c| c.value == 21).unwrap();
    assert!(!all.disputed);
}

#[test]
fn the_year_comes_from_a_named_earlier_event() {
    let text = "The Qinyuan flood killed 8 miners in April 2021.\n\nIn the same year as the Qinyuan flood, regulators reported several accidents. On October 4, an explosion at the Daping Coal Mine in Pingdingshan, Henan killed 6 workers.";
    let reports = run(text, "2024-09-01");
    let oct = reports
        .iter()
        .find(|r| r.date.is_some_and(|d| d.month == Some(10)))
        .expect("October accident");
    assert_eq!(oct.date.unwrap().to_string(), "2021-10-04");
}

#[test]
fn arrests_at_a_protest_stay_with_the_protest() {
    let text = "5月9日,浙江省湖州市长兴县数百名村民聚集抗议化工厂污染。至少6名村民被警察带走。";
    let reports = run(text, "2025-05-10");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let r = &reports[0];
    assert_eq!(r.kind, IncidentType::Protest);
    assert_eq!(best(r, FigureKind::Arrested), Some(6));
    let p = r.claims.iter().find(|c| c.kind == FigureKind::Participants).unwrap();
    assert_eq!((p.value, p.qualifier), (100, Qualifier::AtLeast));
}

#[test]
fn a_financial_collapse_is_no_accident() {
    let text = "In late September 2024, the lending platform in Weinan collapsed, leaving investors unpaid.";
    assert!(run(text, "2024-10-10").iter().all(|r| r.kind != IncidentType::Accident));
}
