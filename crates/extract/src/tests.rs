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

fn adcode(r: &Report) -> Option<&str> {
    r.place.as_ref().and_then(|p| p.adcode.as_deref())
}

#[test]
fn traditional_script_reads_like_simplified_and_quotes_keep_the_original() {
    let text = "2024年3月5日，陝西省韓城市一煤礦發生瓦斯爆炸，造成12人遇難。";
    let reports = run(text, "2024-03-06");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let r = &reports[0];
    assert_eq!(r.kind, IncidentType::Accident);
    assert_eq!(best(r, FigureKind::Dead), Some(12));
    assert_eq!(adcode(r), Some("610581"));
    assert_eq!(r.sector.as_deref(), Some("coal_mining"));
    // The archived words, not their normalised form.
    assert!(r.quote.contains("煤礦發生"), "{}", r.quote);
    assert!(r.claims[0].quote.contains("遇難"), "{}", r.claims[0].quote);
}

#[test]
fn a_wire_datelines_city_is_the_desk_and_its_date_the_anchor() {
    // The desk is in the provincial capital; the crash is in a county elsewhere, and
    // 昨天 counts from the dateline's day, not the (later) publication date.
    let text = "某地客车相撞\n\n新华社太原3月5日电（记者某某）昨天下午，吕梁市交城县一辆客车与货车相撞，造成3人死亡。";
    let reports = run_titled(text, "某地客车相撞", "2024-03-07");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(reports[0].date.unwrap().to_string(), "2024-03-04");
    assert_eq!(adcode(&reports[0]), Some("141122"));
}

#[test]
fn a_total_of_one_event_is_no_statistic() {
    // 共有 and 截至 tell one event's totals; 统计 beside "this accident" does too.
    for text in [
        "8月19日晚，某县国道上两车迎面相撞，两车共有7人，其中4人死亡，3人受伤。",
        "8月19日下午，某县一辆客车翻入江中，截至昨晚，已造成4人死亡。",
        "8月19日，某县一辆客车翻入江中，据统计，此次事故共造成4人死亡。",
    ] {
        let reports = run(text, "2024-08-20");
        assert_eq!(reports.len(), 1, "{text}: {reports:#?}");
        assert_eq!(best(&reports[0], FigureKind::Dead), Some(4), "{text}");
    }
    // A tally of many events is still dropped.
    assert!(run(
        "据统计，今年以来全省共发生交通事故12起，死亡30人。",
        "2024-08-20"
    )
    .is_empty());
}

#[test]
fn injury_grades_add_up_and_a_headcount_is_no_toll() {
    let text = "3月2日凌晨，某县高速公路上一辆大客车追尾货车，事故造成5人死亡、1人重伤、4人轻伤，12人轻微伤。";
    let r = &run(text, "2024-03-03")[0];
    assert_eq!(best(r, FigureKind::Injured), Some(17));
    assert_eq!(best(r, FigureKind::Dead), Some(5));
}

#[test]
fn one_victim_without_a_numeral_is_one() {
    let text = "5月6日上午，河北省保定市清苑区一路口，一辆货车撞上一辆电动车，骑车人当场死亡，货车司机受轻伤。";
    let r = &run(text, "2024-05-06")[0];
    assert_eq!(best(r, FigureKind::Dead), Some(1));
    assert_eq!(best(r, FigureKind::Injured), Some(1));
    // Said not to have happened, it is no count.
    let text = "5月6日上午，河北省保定市清苑区一辆货车侧翻，司机未受伤，车上货物散落。";
    let r = &run(text, "2024-05-06")[0];
    assert_eq!(best(r, FigureKind::Injured), None);
}

#[test]
fn the_poisoned_of_a_meal_are_injured_and_hotlines_are_no_counts() {
    let text = "4月3日中午，某县一所小学的46名学生在食堂吃过午饭后，陆续出现呕吐、腹痛等食物中毒症状，学校随即拨打120，学生被送往医院救治。";
    let reports = run(text, "2024-04-04");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let r = &reports[0];
    assert_eq!(r.mechanism.as_deref(), Some("poisoning"));
    assert_eq!(best(r, FigureKind::Injured), Some(46));
    assert!(r.organizations.is_empty(), "{:?}", r.organizations);
    // Gas poisoning at work: those overcome are not counted as injured.
    let text = "4月3日，某县一座铅锌矿井下3名工人中毒晕倒，其中2人经抢救无效死亡。";
    let r = &run(text, "2024-04-04")[0];
    assert_eq!(best(r, FigureKind::Injured), None);
    assert_eq!(best(r, FigureKind::Dead), Some(2));
}

#[test]
fn one_event_told_on_two_days_is_one_report() {
    let text = "4月29日14时许，云南省大理市一处山林起火，消防队员赶赴现场扑救。\n\n4月30日上午，大理市山林明火被全部扑灭，过火面积约200亩，无人员伤亡。";
    let reports = run(text, "2024-04-30");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(reports[0].date.unwrap().to_string(), "2024-04-29");
}

#[test]
fn natural_disasters_are_no_incidents_and_attacks_are_crimes() {
    let quake = "5月12日，某国发生7.8级地震，造成至少300人死亡。";
    assert!(run(quake, "2024-05-13").is_empty());
    // The same quake bringing a mine down is a workplace accident.
    let mine = "5月12日，地震导致某县一座煤矿井下巷道垮塌，5名矿工被困。";
    assert_eq!(run(mine, "2024-05-13")[0].kind, IncidentType::Accident);
    let attack = "6月9日晚，巴基斯坦白沙瓦一家酒店遭自杀式炸弹袭击，爆炸造成18人死亡。";
    let r = &run(attack, "2024-06-10")[0];
    assert_eq!(r.kind, IncidentType::Crime);
    assert_eq!(r.place.as_ref().map(|p| p.country.as_str()), Some("PK"));
}

#[test]
fn background_with_a_year_is_not_an_event() {
    let text = "3月8日，某县一座煤矿发生冒顶事故，造成2人死亡。该矿2001年被列为高瓦斯矿井。";
    let reports = run(text, "2024-03-09");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let text = "矿长张某2015年起任该矿矿长，2019年退休。";
    assert!(run(text, "2024-03-09").is_empty());
}

#[test]
fn an_undated_document_is_dated_from_its_fallback_and_flagged() {
    let input = |text| Input {
        doc_id: "t.txt",
        sha256: "0123456789abcdef0123",
        text,
        title: None,
        published: None,
        fallback: NaiveDate::from_ymd_opt(2024, 6, 10).map(|d| (d, "the file's modification time")),
    };
    let r = &extract(&input("昨天下午，某县一座煤矿发生透水事故，造成3人死亡。"))[0];
    assert_eq!(r.date.unwrap().to_string(), "2024-06-09");
    assert!(r.date_uncertain);
    // A date with its year written is the text's own.
    let r = &extract(&input(
        "2024年3月5日，某县一座煤矿发生瓦斯爆炸，造成5人死亡。",
    ))[0];
    assert_eq!(r.date.unwrap().to_string(), "2024-03-05");
    assert!(!r.date_uncertain);
    // A dateline dates the report itself.
    let r = &extract(&input(
        "新华社太原6月3日电 2日晚，某县一座煤矿发生瓦斯爆炸，造成5人死亡。",
    ))[0];
    assert_eq!(r.date.unwrap().to_string(), "2024-06-02");
    assert!(!r.date_uncertain);
}

#[test]
fn explain_says_what_became_of_each_sentence() {
    let input = Input {
        doc_id: "t.txt",
        sha256: "0123456789abcdef0123",
        text: "据统计，今年以来全省共发生事故12起。\n\n3月8日，某县一座煤矿发生冒顶事故，造成2人死亡。",
        title: None,
        published: "2024-03-09".parse().ok(),
        fallback: None,
    };
    let (reports, trace) = explain(&input);
    assert_eq!(reports, extract(&input));
    assert_eq!(trace.sentences.len(), 2);
    assert!(trace.sentences[0]
        .decision
        .starts_with("dropped: speaks of many events"));
    assert_eq!(trace.sentences[1].run, Some(0));
    assert_eq!(trace.runs[0].decision, "report 0");
    assert!(trace.runs[0]
        .evidence
        .iter()
        .any(|e| e == "accident:冒顶(3)"));
    let text = trace.render();
    assert!(text.contains("relative dates count from: 2024-03-09 (the publication date)"));
    assert!(text.contains("counts: dead 2"));
}

#[test]
fn a_traditional_forum_repost_is_read_past_its_furniture() {
    let text = "【2024年03月05日訊】\n發表於 2024-03-05 10:12\n據網友爆料，3月4日上午，黑龍江省雙鴨山市寶山區一煤礦約200名礦工因被拖欠工資三個月，集體罷工，拒絕下井。\n有礦工稱，當地警方到場後帶走了3名工人代表。\n";
    let reports = extract(&Input {
        doc_id: "t.txt",
        sha256: "0123456789abcdef0123",
        text,
        title: None,
        published: None,
        fallback: None,
    });
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let r = &reports[0];
    assert_eq!(r.kind, IncidentType::Strike);
    assert_eq!(r.date.unwrap().to_string(), "2024-03-04");
    assert!(
        !r.date_uncertain,
        "the bracketed dateline is the report's own date"
    );
    assert_eq!(adcode(r), Some("230506"));
    assert_eq!(best(r, FigureKind::Participants), Some(200));
    // The undated sentence with a count goes on the strike.
    assert_eq!(best(r, FigureKind::Arrested), Some(3));
}

#[test]
fn legal_classes_of_accident_are_no_tolls() {
    let text = "3月8日，山西省吕梁市孝义市一座煤矿发生瓦斯爆炸，造成4人死亡。按照规定，造成3人以上10人以下死亡的事故为较大事故。";
    let r = &run(text, "2024-03-09")[0];
    assert_eq!(best(r, FigureKind::Dead), Some(4));
    assert!(r.claims.iter().all(|c| c.value == 4), "{:?}", r.claims);
}

#[test]
fn the_day_a_finding_was_announced_is_not_the_day_of_the_accident() {
    let text = "12月2日，某市应急管理局发布通报称，经调查核实，2024年11月20日某县某镇一煤矿发生的瓦斯爆炸事故实际造成8人死亡。";
    let reports = run(text, "2024-12-03");
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(reports[0].date.unwrap().to_string(), "2024-11-20");
    assert_eq!(reports[0].date_end, None);
    // Without another date written out, the day told stays (a counted "today" may be
    // the very day of the statement).
    let text = "3月9日，记者从县政府获悉，今日凌晨一处工地发生坍塌，造成2人死亡。";
    assert_eq!(
        run(text, "2024-03-10")[0].date.unwrap().to_string(),
        "2024-03-09"
    );
}

#[test]
fn a_protest_answering_an_accident_does_not_carry_its_dead() {
    let text = "4月3日上午，二十多名“3·28”透水事故遇难矿工的家属聚集在山西省左云县政府门前，要求公开调查结果。家属们说，官方通报的6人死亡并不是全部，另有3名矿工的遗体被连夜运走。";
    let reports = run(text, "2024-04-04");
    let protest = reports
        .iter()
        .find(|r| r.kind == IncidentType::Protest)
        .expect("a protest");
    assert_eq!(best(protest, FigureKind::Dead), None, "{protest:#?}");
    // Neither the bodies moved nor the day of the accident's name are participants.
    let participants: Vec<i64> = protest
        .claims
        .iter()
        .filter(|c| c.kind == FigureKind::Participants)
        .map(|c| c.value)
        .collect();
    assert_eq!(participants, vec![20], "{protest:#?}");
    // Harm done at the gathering stays with it.
    let text = "4月3日，上百名村民在山西省左云县某镇政府门前抗议煤矿透水事故后的赔偿方案，双方发生冲突，5名村民受伤。";
    let reports = run(text, "2024-04-04");
    let protest = reports
        .iter()
        .find(|r| r.kind == IncidentType::Protest)
        .expect("a protest");
    assert_eq!(best(protest, FigureKind::Injured), Some(5));
}

#[test]
fn a_figure_said_to_be_reported_only_is_the_officials_whoever_says_so() {
    let text = "The county chief ordered the toll kept low and reported only 12 deaths, while relatives of the dead said on March 4 that 19 miners were killed at the Dongshan mine.";
    let reports = run(text, "2024-03-05");
    let claims: Vec<_> = reports
        .iter()
        .flat_map(|r| &r.claims)
        .filter(|c| c.kind == FigureKind::Dead)
        .collect();
    let twelve = claims.iter().find(|c| c.value == 12).expect("12 read");
    assert!(twelve.disputed);
    assert_eq!(twelve.attributed_to, recount_model::Speaker::Official);
}
