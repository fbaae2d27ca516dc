use super::*;
use recount_model::Qualifier;

fn run(text: &str, published: &str) -> Vec<Report> {
    extract(&Input {
        doc_id: "t.txt",
        sha256: "0123456789abcdef0123",
        text,
        title: None,
        published: published.parse().ok(),
        fallback: None,
    })
}

fn best(r: &Report, kind: FigureKind) -> Option<i64> {
    r.claims
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.value)
        .max()
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
    assert_eq!(
        r.place.as_ref().and_then(|p| p.adcode.as_deref()),
        Some("441900")
    );
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
    assert_eq!(
        r.place.as_ref().and_then(|p| p.adcode.as_deref()),
        Some("140431")
    );
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
    let p = r
        .claims
        .iter()
        .find(|c| c.kind == FigureKind::Participants)
        .unwrap();
    assert_eq!((p.value, p.qualifier), (100, Qualifier::AtLeast));
}

#[test]
fn a_financial_collapse_is_no_accident() {
    let text = "In late September 2024, the lending platform in Weinan collapsed, leaving investors unpaid.";
    assert!(run(text, "2024-10-10")
        .iter()
        .all(|r| r.kind != IncidentType::Accident));
}

fn run_titled(text: &str, title: &str, published: &str) -> Vec<Report> {
    extract(&Input {
        doc_id: "t.txt",
        sha256: "0123456789abcdef0123",
        text,
        title: Some(title),
        published: published.parse().ok(),
        fallback: None,
    })
}

#[test]
fn the_lead_sentence_types_the_run() {
    let text = "On May 6, about forty relatives of the miners killed in the April 2 gas explosion at a mine in Xingwen County, Yibin, Sichuan gathered outside the county government demanding compensation. They said the blast had been preventable.";
    let reports = run(text, "2024-05-07");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(reports[0].kind, IncidentType::Protest);
    assert_eq!(reports[0].date.unwrap().to_string(), "2024-05-06");
    assert!(reports[0].claims.iter().all(|c| c.kind != FigureKind::Dead));
}

#[test]
fn one_accident_occurred_is_not_a_statistic() {
    let text = "2024年3月2日9时许,山西省长治市沁源县一煤矿发生一起顶板事故,造成2人死亡。";
    let reports = run(text, "2024-03-03");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(best(&reports[0], FigureKind::Dead), Some(2));
}

#[test]
fn a_named_accident_dates_its_own_report_but_not_a_protest() {
    let rescue = "永川区“3·5”透水事故搜救工作已于12日晚结束,被困的4名矿工全部遇难。";
    let r = &run(&format!("重庆市{rescue}"), "2024-03-13")[0];
    assert_eq!(r.kind, IncidentType::Accident);
    assert_eq!(r.date.unwrap().to_string(), "2024-03-05");
    let protest =
        "3月15日上午,四十多名重庆市永川区“3·5”透水事故遇难者家属聚集在区政府门前,拉起横幅。";
    let p = &run(protest, "2024-03-16")[0];
    assert_eq!(p.kind, IncidentType::Protest);
    assert_eq!(p.date.unwrap().to_string(), "2024-03-15");
}

#[test]
fn datelines_citations_and_since_are_not_event_dates() {
    let text = "TAIYUAN, March 9 — Around 200 workers at a coking plant in Jiexiu, Jinzhong, Shanxi went on strike on Friday over unpaid wages.";
    let r = &run(text, "2024-03-09")[0];
    assert_eq!(r.date.unwrap().to_string(), "2024-03-08");
    let since = "Workers at a textile mill in Kaiping, Jiangmen, Guangdong have staged a strike since September.";
    assert!(
        run(since, "2024-11-01").is_empty(),
        "no event date but the span's start"
    );
    let cited = "本月初,遇难矿工家属曾在县政府门前聚集抗议(见本刊11月5日报道)。";
    let reports = run(cited, "2024-11-20");
    assert!(reports
        .iter()
        .all(|r| r.date.map(|d| d.to_string()) != Some("2024-11-05".into())));
}

#[test]
fn related_link_lists_are_skipped() {
    let text = "Nothing happened in the factory this week.\n\nRelated coverage\n · Hundreds of workers strike at a Shenzhen toy plant on Monday\n · Miners protest in Datong on Tuesday\n";
    assert!(run(text, "2024-06-07").is_empty());
}

#[test]
fn threatened_or_negated_events_are_not_events() {
    let text = "11月3日,矿工们表示,如果月底前还拿不到工资,会再次停工。";
    assert!(run(text, "2024-11-04").is_empty());
    let negated = "今年1至9月,全市煤矿未发生死亡事故。";
    assert!(run(negated, "2024-10-01").is_empty());
}

#[test]
fn a_channel_named_yesterday_is_not_a_date() {
    let text = "In the first half of March, the “Yesterday” channel recorded a strike at a steel plant in Tangshan, Hebei.";
    let reports = run(text, "2024-03-20");
    assert!(reports
        .iter()
        .all(|r| r.date.map(|d| d.precision()) != Some(recount_model::Precision::Day)));
}

#[test]
fn counts_of_relatives_are_not_tolls() {
    let text = "On June 3, more than thirty relatives of miners killed in a flood at a mine in Qitaihe, Heilongjiang gathered at the mine gate.";
    let r = &run(text, "2024-06-04")[0];
    assert_eq!(r.kind, IncidentType::Protest);
    assert_eq!(best(r, FigureKind::Dead), None);
    assert_eq!(best(r, FigureKind::Participants), Some(30));
}

#[test]
fn an_official_notice_speaks_for_officials_and_concealment_disputes_the_lower_toll() {
    let text = "2024年5月8日,贵州省六盘水市水城区一煤矿发生瓦斯爆炸事故,造成6人死亡。";
    let r = &run_titled(text, "关于水城区一煤矿瓦斯爆炸事故的通报", "2024-05-09")[0];
    assert_eq!(r.claims[0].attributed_to, recount_model::Speaker::Official);
    let hidden =
        "5月20日,调查组核查认定,此前通报死亡6人的水城区煤矿瓦斯爆炸事故实际死亡9人,矿方瞒报3人。";
    let r = &run(hidden, "2024-05-21")[0];
    let six = r
        .claims
        .iter()
        .find(|c| c.value == 6 && c.kind == FigureKind::Dead)
        .unwrap();
    let nine = r
        .claims
        .iter()
        .find(|c| c.value == 9 && c.kind == FigureKind::Dead)
        .unwrap();
    assert!(six.disputed && !nine.disputed);
}

#[test]
fn rescue_progress_continues_the_accident() {
    let text = "11月6日凌晨,陕西省铜川市印台区一煤矿发生透水事故,7人被困。\n\n9日下午,救援人员将5名被困矿工救出,另外2名矿工已经遇难。";
    let reports = run(text, "2024-11-10");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(best(&reports[0], FigureKind::Dead), Some(2));
}

#[test]
fn a_list_keeps_apart_accidents_at_different_mines() {
    let text = "On March 1, an accident at the Xinglong Coal Mine in Heilongjiang caused 5 deaths. On March 9, an accident at the Fuqiang Coal Mine in Jixi City, Heilongjiang resulted in the deaths of 7 miners.";
    assert_eq!(run(text, "2024-12-30").len(), 2);
}

proptest::proptest! {
    #[test]
    fn extraction_never_panics(text in "\\PC{0,400}") {
        let _ = run(&text, "2024-06-01");
    }

    #[test]
    fn reports_keep_their_invariants(text in "[0-9a-zA-Z 月日年名人死亡罢工抗议山西省贵州煤矿,。.]{0,300}") {
        for r in run(&text, "2024-06-01") {
            proptest::prop_assert!(r.date.is_some());
            proptest::prop_assert!(r.key.starts_with("0123456789abcdef"));
            proptest::prop_assert!(r.claims.iter().all(|c| c.value >= 0));
        }
    }
}

#[test]
fn a_determiner_is_not_part_of_an_organisation_name() {
    let text = "11月6日凌晨,陕西省铜川市印台区一煤矿发生透水事故,7人被困。";
    let r = &run(text, "2024-11-07")[0];
    assert_eq!(
        r.place.as_ref().and_then(|p| p.adcode.as_deref()),
        Some("610203")
    );
    assert!(r.organizations.is_empty(), "{:?}", r.organizations);
}
