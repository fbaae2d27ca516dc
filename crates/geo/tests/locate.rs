//! Table-driven tests of `Gazetteer::locate`: one row per rule, the brief's examples plus
//! sentences written for these tests (not taken from any report).

use recount_geo::{gazetteer, Located, PlaceLevel};

/// focus, context, expected adcode (or country code when the place is a country), expected
/// detail (None: no detail expected).
struct Case {
    focus: &'static str,
    context: &'static [&'static str],
    code: &'static str,
    detail: Option<&'static str>,
}

const fn case(
    focus: &'static str,
    context: &'static [&'static str],
    code: &'static str,
    detail: Option<&'static str>,
) -> Case {
    Case {
        focus,
        context,
        code,
        detail,
    }
}

fn code_of(l: &Located) -> &str {
    l.place.adcode.as_deref().unwrap_or(&l.place.country)
}

fn check(cases: &[Case]) {
    let g = gazetteer();
    let mut failures = Vec::new();
    for c in cases {
        match g.locate(c.focus, c.context) {
            Some(l) if code_of(&l) == c.code && l.place.detail.as_deref() == c.detail => {}
            other => failures.push(format!(
                "{:?} {:?}: expected {} {:?}, got {:?}",
                c.focus,
                c.context,
                c.code,
                c.detail,
                other.map(|l| (l.place.adcode, l.place.country, l.place.detail, l.evidence))
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn brief_examples() {
    check(&[
        case("Luliang County, Qujing, Yunnan", &[], "530322", None),
        case("Luliang, Shanxi", &[], "141100", None),
        case("Hengshan District of Jixi City", &[], "230303", None),
        case("Yanchuan County, Yan'an City", &[], "610622", None),
        case(
            "Panguan Town, Panzhou City",
            &[],
            "520281",
            Some("Panguan Town"),
        ),
        case(
            "Yuci District, Jinzhong City, Shanxi Province",
            &[],
            "140702",
            None,
        ),
        case("Shuicheng District, Liupanshui City", &[], "520204", None),
        case("贵州省遵义市桐梓县", &[], "520322", None),
        case("浙江宁波市海曙区天一广场", &[], "330203", Some("天一广场")),
        case("辽宁省营口市盖州市北海村", &[], "210881", Some("北海村")),
        case(
            "Beihai Village, Gaizhou City, Yingkou, Liaoning Province",
            &[],
            "210881",
            Some("Beihai Village"),
        ),
        case("Alxa Left Banner, Inner Mongolia", &[], "152921", None),
        case("Alxa League", &[], "152900", None),
        case("Ji'an, Jiangxi", &[], "360800", None),
        case("Honghe prefecture", &[], "532500", None),
        case("Hengyang, Hunan", &[], "430400", None),
        case("Wuxi, Jiangsu", &[], "320200", None),
        case(
            "Zhenxiong County, Zhaotong City, Yunnan Province",
            &[],
            "530627",
            None,
        ),
        case(
            "Huaiji County, Zhaoqing City, Guangdong",
            &[],
            "441224",
            None,
        ),
        case("Hancheng, Shaanxi", &[], "610581", None),
        case("Lucheng District", &["Wenzhou"], "330302", None),
        case("Inner Mongolia", &[], "150000", None),
        case("Shenzhen", &[], "440300", None),
    ]);
}

#[test]
fn county_needs_a_named_parent_or_a_unique_full_name() {
    check(&[
        // Unique full names stand alone.
        case("桐梓县一煤矿发生透水事故，3人被困。", &[], "520322", None),
        case(
            "A gas blast hit a mine in Tongzi County on Monday.",
            &[],
            "520322",
            None,
        ),
        // A bare county stem with its prefecture named.
        case("遵义桐梓一家砖厂的工人讨薪。", &[], "520322", None),
        // A bare county stem with its province named in the context.
        case("桐梓的工人讨薪。", &["贵州"], "520322", None),
        // Shared full names need a parent, from focus or context.
        case("鼓楼区一工地塔吊倒塌。", &["江苏省南京市"], "320106", None),
        case("鼓楼区一工地塔吊倒塌。", &["福建福州"], "350102", None),
        case("朝阳区一家快递站点工人停工。", &["北京"], "110105", None),
        case(
            "朝阳区一家快递站点工人停工。",
            &["吉林省长春市"],
            "220104",
            None,
        ),
        case(
            "Workers at a plant in Xinhua District, Cangzhou walked out.",
            &[],
            "130902",
            None,
        ),
    ]);
}

#[test]
fn stems_prefer_the_larger_unit_and_support_decides() {
    check(&[
        // 吉安 is both 吉安市 and 吉安县 (and 集安市 in Jilin): bare means the city.
        case("吉安一家鞋厂工人罢工。", &["江西"], "360800", None),
        case("Ji'an County, Jiangxi", &[], "360821", None),
        case("Ji'an, Jilin", &[], "220582", None),
        // Luliang: a city in Shanxi, a county in Yunnan.
        case("Protest in Luliang, Yunnan", &[], "530322", None),
        case(
            "Miners in Lüliang, Shanxi staged a sit-in.",
            &[],
            "141100",
            None,
        ),
        case("Miners in Lvliang staged a sit-in.", &[], "141100", None),
        // Two prefectures called Yulin: a district of one decides.
        case(
            "A blast at a coal plant in Hengshan District, Yulin",
            &[],
            "610803",
            None,
        ),
        case("Yulin, Guangxi", &[], "450900", None),
        // Suzhou: 苏州 (Jiangsu) and 宿州 (Anhui).
        case(
            "Workers at an electronics plant in Suzhou, Anhui",
            &[],
            "341300",
            None,
        ),
        case(
            "Workers at an electronics plant in Suzhou, Jiangsu",
            &[],
            "320500",
            None,
        ),
    ]);
}

#[test]
fn finest_level_wins_and_detail_is_kept() {
    check(&[
        case(
            "广东省清远市英德市冷坑镇桐光村一工厂起火",
            &[],
            "441881",
            Some("冷坑镇桐光村"),
        ),
        case(
            "Fire at a plant in Tongguang Village, Lengkeng Town, Yingde City",
            &[],
            "441881",
            Some("Tongguang Village, Lengkeng Town"),
        ),
        case(
            "An explosion at Xintai Coal Mine in Yanchuan County, Yan'an",
            &[],
            "610622",
            Some("Xintai Coal Mine"),
        ),
        case(
            "陕西省延安市延川县禾草沟煤矿发生爆炸",
            &[],
            "610622",
            Some("禾草沟煤矿"),
        ),
        case("河南省洛阳市一家化工厂发生爆炸", &[], "410300", None),
        case("湖南衡阳", &[], "430400", None),
        case("湖南", &[], "430000", None),
    ]);
}

#[test]
fn renamed_units_resolve_to_their_successor() {
    check(&[
        case("贵州盘县一煤矿瓦斯爆炸", &[], "520281", None),
        case("水城县一处工地发生山体滑坡", &[], "520204", None),
        case("六盘水市水城县", &[], "520204", None),
        case("A landslide hit Pan County, Guizhou.", &[], "520281", None),
        case("浙江省宁波市江东区一商场", &[], "330212", None),
    ]);
}

#[test]
fn common_words_are_not_places() {
    let g = gazetteer();
    for text in [
        "工人从天台坠落，和平解决纠纷",
        "他在中山大学读书，东方红",
        "矿区内发生塌方，城区交通受阻",
        "The guide walked a mile with us",
        "石棉瓦屋顶坍塌",
    ] {
        assert_eq!(g.locate(text, &[]), None, "{text}");
    }
    // ... but they are places right after their parent.
    check(&[
        case("广东中山一家工厂", &[], "442000", None),
        case("浙江天台一家工厂", &[], "331023", None),
    ]);
}

#[test]
fn names_inside_bigger_words_are_not_places() {
    let g = gazetteer();
    // 北海村 is a village, "Beihai Village" too, and Wang Lixia is a person (历下 is Lixia).
    for text in [
        "北海村发生火灾",
        "A fire in Beihai Village",
        "Wang Lixia was dismissed",
    ] {
        assert_eq!(g.locate(text, &[]), None, "{text}");
    }
    // "Xian" inside "Xianyang" is Xianyang.
    check(&[case("A strike in Xianyang", &[], "610400", None)]);
}

#[test]
fn organisation_names_are_only_a_fallback() {
    let g = gazetteer();
    let focus = "山西建投公司承建的桐梓县一处工地发生坍塌";
    let org = 0..focus.find("公司").unwrap();
    let l = g.locate_excluding(focus, &[org], &[]).unwrap();
    assert_eq!(l.place.adcode.as_deref(), Some("520322"));

    let focus = "Six students died during a visit to Inner Mongolia Mining Co.";
    let start = focus.find("Inner").unwrap();
    let org = start..focus.len() - 1;
    let l = g.locate_excluding(focus, &[org], &[]).unwrap();
    assert_eq!(l.place.adcode.as_deref(), Some("150000"));

    // An organisation's province does not beat the event's place elsewhere in the focus.
    let focus = "Workers of Shanxi Construction Investment protested in Hancheng, Shaanxi.";
    let start = focus.find("Shanxi Construction").unwrap();
    let org = start..start + "Shanxi Construction Investment".len();
    let l = g.locate_excluding(focus, &[org], &[]).unwrap();
    assert_eq!(l.place.adcode.as_deref(), Some("610581"));
}

#[test]
fn origin_words_lose_to_the_site() {
    check(&[
        case(
            "Migrant workers from Yuci District struck at a factory in Shenzhen",
            &[],
            "440300",
            None,
        ),
        case("来自四川的工人在东莞市一家工厂讨薪", &[], "441900", None),
        case("河南籍工人在深圳龙华区一工地讨薪", &[], "440309", None),
    ]);
}

#[test]
fn abroad_and_china() {
    let g = gazetteer();
    check(&[
        case(
            "Workers went on strike at the Simandou iron mine project in Guinea.",
            &[],
            "GN",
            None,
        ),
        case(
            "几内亚西芒杜铁矿项目工人罢工",
            &[],
            "GN",
            Some("西芒杜铁矿项目"),
        ),
        case("中资企业在柬埔寨的工厂工人罢工", &[], "KH", None),
        // 达州 written inside a transliterated foreign name is no Chinese place.
        case(
            "在哈萨克斯坦克孜勒奥尔达州,中资企业员工举行罢工",
            &[],
            "KZ",
            None,
        ),
        case(
            "Chinese workers at a nickel smelter in Indonesia protested",
            &[],
            "ID",
            None,
        ),
        case(
            "China's factories saw more strikes this year",
            &[],
            "CN",
            None,
        ),
        case("中国各地欠薪讨薪事件增多", &[], "CN", None),
    ]);
    let l = g.locate("A strike in Guinea", &[]).unwrap();
    assert_eq!(l.place.level, PlaceLevel::Country);
    assert_eq!(l.place.adcode, None);
    let l = g.locate("China", &[]).unwrap();
    assert_eq!(
        (l.place.country.as_str(), l.place.level),
        ("CN", PlaceLevel::Country)
    );
    // A Chinese place in the focus beats China itself.
    check(&[case(
        "China: a mine flooded in Tongzi County",
        &[],
        "520322",
        None,
    )]);
}

#[test]
fn context_only_disambiguates_or_fills_in() {
    check(&[
        // The focus names a place: the context's other places do not replace it.
        case("深圳一家工厂停工", &["广州市"], "440300", None),
        // The focus names none: the heaviest context that does is used.
        case("工人们聚集在厂门口", &["湖南衡阳", "广东"], "430400", None),
        case("工人们聚集在厂门口", &["", "广东"], "440000", None),
    ]);
    assert_eq!(gazetteer().locate("工人们聚集在厂门口", &[]), None);
    assert_eq!(
        gazetteer().locate("Workers gathered at the gate.", &[]),
        None
    );
}

#[test]
fn uncertainty_is_reported() {
    let g = gazetteer();
    // A bare county stem with nothing around it is not accepted.
    assert_eq!(g.locate("桐梓的工人讨薪。", &[]), None);
    // 鼓楼区 exists four times; nothing says which.
    let l = g.locate("鼓楼区一工地塔吊倒塌", &[]);
    assert!(
        l.is_none(),
        "a shared district name alone is not accepted: {l:?}"
    );
    // "Luliang" alone: the city is the convention, but it could be the county.
    let l = g.locate("Protest in Luliang", &[]).unwrap();
    assert_eq!(l.place.adcode.as_deref(), Some("141100"));
    assert!(l.uncertain);
    // With its province named it is certain.
    let l = g.locate("Protest in Luliang, Shanxi", &[]).unwrap();
    assert!(!l.uncertain);
    // Two unrelated places of the same level, no cue: uncertain.
    let l = g.locate("Strikes: Wuhan and Changsha", &[]).unwrap();
    assert!(l.uncertain, "{l:?}");
    // A named province that does not contain the unit.
    let l = g.locate("云南桐梓县", &[]).unwrap();
    assert_eq!(l.place.adcode.as_deref(), Some("520322"));
    assert!(l.uncertain);
}

#[test]
fn more_invented_reports() {
    check(&[
        case(
            "总部位于上海的一家公司在贵州省六盘水市水城区的煤矿发生事故",
            &[],
            "520204",
            None,
        ),
        case("Hong Kong bus drivers staged a strike", &[], "810000", None),
        case("香港巴士司机罢工", &[], "810000", None),
        case(
            "A Guangdong firm's plant in Pingxiang, Jiangxi caught fire",
            &[],
            "360300",
            None,
        ),
        case(
            "内蒙古阿拉善盟阿拉善左旗一露天煤矿坍塌",
            &[],
            "152921",
            None,
        ),
        case("阿左旗一露天煤矿坍塌", &[], "152921", None),
        case("Tibet: protest in Lhasa", &[], "540100", None),
        case("A landslide in Dêqên, Yunnan", &[], "533400", None),
        case(
            "SHENZHEN — Workers at a toy factory walked out",
            &[],
            "440300",
            None,
        ),
    ]);
}

#[test]
fn place_carries_names_and_coordinates() {
    let g = gazetteer();
    let l = g.locate("贵州省遵义市桐梓县", &[]).unwrap();
    let p = &l.place;
    assert_eq!(p.country, "CN");
    assert_eq!(p.level, PlaceLevel::County);
    assert_eq!(p.name.as_deref(), Some("桐梓县"));
    assert_eq!(p.name_en.as_deref(), Some("Tongzi County"));
    let (lat, lon) = (p.lat.unwrap(), p.lon.unwrap());
    assert!(
        (27.0..30.0).contains(&lat) && (105.0..108.0).contains(&lon),
        "{lat},{lon}"
    );
    assert!(!l.evidence.is_empty());
}
