//! The gazetteer's data and lookups: units, hierarchy, names, renames, countries, mentions.

use proptest::prelude::*;
use recount_geo::{gazetteer, PlaceLevel, Unit};
use std::collections::HashSet;

fn codes(units: &[&Unit]) -> Vec<String> {
    units.iter().map(|u| u.adcode.clone()).collect()
}

#[test]
fn every_unit_is_well_formed_and_unique() {
    let g = gazetteer();
    assert!(g.units().len() > 3300, "{} units", g.units().len());
    let mut seen = HashSet::new();
    for u in g.units() {
        assert!(
            u.adcode.len() == 6 && u.adcode.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            u.adcode
        );
        assert!(seen.insert(u.adcode.clone()), "duplicate {}", u.adcode);
        assert!(!u.name.is_empty() && !u.name_en.is_empty(), "{}", u.adcode);
        assert_eq!(
            u.parent.is_none(),
            u.level == PlaceLevel::Province,
            "{}",
            u.adcode
        );
    }
    let provinces = g
        .units()
        .iter()
        .filter(|u| u.level == PlaceLevel::Province)
        .count();
    // 31 mainland provinces, Hong Kong, Macao, Taiwan.
    assert_eq!(provinces, 34);
    for code in [
        "810000", "820000", "710000", "152921", "520281", "520204", "133100",
    ] {
        assert!(g.unit(code).is_some(), "{code}");
    }
}

#[test]
fn every_ancestor_chain_ends_at_a_province() {
    let g = gazetteer();
    for u in g.units() {
        let chain = g.ancestors(&u.adcode);
        assert!(chain.len() <= 2, "{}", u.adcode);
        let top = chain.last().copied().unwrap_or(u);
        assert_eq!(top.level, PlaceLevel::Province, "{}", u.adcode);
        // Codes nest: a unit shares its province's first two digits.
        assert_eq!(top.adcode[..2], u.adcode[..2], "{}", u.adcode);
        for a in &chain {
            assert!(g.contains(&a.adcode, &u.adcode));
            assert!(!g.contains(&u.adcode, &a.adcode));
        }
    }
}

#[test]
fn every_unit_is_found_by_its_names() {
    let g = gazetteer();
    for u in g.units() {
        for name in std::iter::once(&u.name)
            .chain([&u.name_en])
            .chain(&u.aliases)
        {
            // One-character aliases are not names on their own.
            if name.chars().count() < 2 {
                continue;
            }
            assert!(
                g.lookup(name).iter().any(|f| f.adcode == u.adcode),
                "{name} does not find {}",
                u.adcode
            );
        }
    }
}

#[test]
fn hierarchy() {
    let g = gazetteer();
    assert_eq!(codes(&g.ancestors("520322")), ["520300", "520000"]);
    assert_eq!(codes(&g.ancestors("520300")), ["520000"]);
    assert!(g.ancestors("520000").is_empty());
    assert!(g.ancestors("999999").is_empty());
    // Counties directly under their province.
    assert_eq!(codes(&g.ancestors("419001")), ["410000"]);
    // Municipal districts sit directly under the municipality.
    assert_eq!(codes(&g.ancestors("110105")), ["110000"]);
    assert!(g.contains("520000", "520322"));
    assert!(g.contains("520322", "520322"));
    assert!(!g.contains("530000", "520322"));
    assert!(!g.contains("520000", "nonsense"));
    // Former codes count as their successor.
    assert!(g.contains("520200", "520222"));
}

#[test]
fn renamed_units() {
    let g = gazetteer();
    assert_eq!(codes(&g.lookup("盘县")), ["520281"]);
    assert_eq!(codes(&g.lookup("水城县")), ["520204"]);
    assert_eq!(g.unit("520222").map(|u| u.name.as_str()), Some("盘州市"));
    assert_eq!(g.unit("520221").map(|u| u.name.as_str()), Some("水城区"));
    assert_eq!(
        g.unit("520222000000").map(|u| u.adcode.as_str()),
        Some("520281")
    );
    let pan = g.renames().iter().find(|r| r.old_name == "盘县").unwrap();
    assert_eq!(pan.old_adcode.as_deref(), Some("520222"));
    assert_eq!(pan.new_adcode, "520281");
    assert_eq!(pan.year, Some(2017));
    assert!(g.renames().len() >= 100, "{}", g.renames().len());
    for r in g.renames() {
        assert!(g.unit(&r.new_adcode).is_some(), "{}", r.old_name);
    }
}

#[test]
fn english_names() {
    let g = gazetteer();
    let en = |code: &str| g.unit(code).unwrap().name_en.clone();
    assert_eq!(en("152921"), "Alxa Left Banner");
    assert_eq!(en("152900"), "Alxa League");
    assert_eq!(en("520322"), "Tongzi County");
    assert_eq!(en("610600"), "Yan'an City");
    assert_eq!(en("610100"), "Xi'an City");
    assert_eq!(en("150000"), "Inner Mongolia Autonomous Region");
    assert_eq!(en("610000"), "Shaanxi Province");
    assert_eq!(en("140000"), "Shanxi Province");
    assert_eq!(en("532500"), "Honghe Hani and Yi Autonomous Prefecture");
    assert_eq!(en("520200"), "Liupanshui City");
    assert_eq!(en("340300"), "Bengbu City");
    assert_eq!(en("511100"), "Leshan City");
    assert_eq!(en("140400"), "Changzhi City");
    assert_eq!(en("500000"), "Chongqing Municipality");
    assert_eq!(en("341500"), "Lu'an City");
    assert_eq!(en("141024"), "Hongtong County");
    assert_eq!(en("150100"), "Hohhot City");
    assert_eq!(en("330203"), "Haishu District");
    assert_eq!(en("210881"), "Gaizhou City");
    assert_eq!(en("520203"), "Liuzhi Special District");
    assert_eq!(en("429021"), "Shennongjia Forestry District");
    // ü has every spelling; "Luliang" finds both 吕梁 and 陆良.
    assert_eq!(en("141100"), "Lüliang City");
    for spelling in ["Lvliang", "Lyuliang", "Luliang", "lüliang city"] {
        assert!(
            codes(&g.lookup(spelling)).contains(&"141100".to_string()),
            "{spelling}"
        );
    }
    assert_eq!(codes(&g.lookup("Luliang")), ["141100", "530322"]);
    // "Shanxi" is never 陕西.
    assert_eq!(codes(&g.lookup("Shanxi")), ["140000"]);
    // Bare stems are English aliases.
    for (stem, code) in [
        ("Yanchuan", "610622"),
        ("Tongzi", "520322"),
        ("Haishu", "330203"),
    ] {
        assert!(codes(&g.lookup(stem)).contains(&code.to_string()), "{stem}");
    }
}

#[test]
fn lookup_ignores_case_spaces_and_apostrophes() {
    let g = gazetteer();
    for name in ["Yan'an", "yanan", "YAN AN", "Yan’an", "yan'an city"] {
        assert!(
            codes(&g.lookup(name)).contains(&"610600".to_string()),
            "{name}"
        );
    }
    for (name, code) in [
        ("内蒙古", "150000"),
        ("内蒙古自治区", "150000"),
        ("阿拉善", "152900"),
        ("阿左旗", "152921"),
        ("桐梓", "520322"),
        ("宁波", "330200"),
        ("Alashan", "152900"),
        ("Inner Mongolia", "150000"),
        ("Hong Kong", "810000"),
        ("Macau", "820000"),
        ("Canton", "440100"),
        ("Urumqi", "650100"),
        ("Tibet", "540000"),
        ("红河州", "532500"),
        ("Honghe", "532500"),
    ] {
        assert!(codes(&g.lookup(name)).contains(&code.to_string()), "{name}");
    }
    assert!(g.lookup("Atlantis").is_empty());
    assert!(g.lookup("").is_empty());
}

#[test]
fn countries() {
    let g = gazetteer();
    let code = |name: &str| g.country(name).map(|c| c.code);
    for (name, expected) in [
        ("几内亚", "GN"),
        ("Guinea", "GN"),
        ("GN", "GN"),
        ("gn", "GN"),
        ("坦桑尼亚", "TZ"),
        ("Tanzania", "TZ"),
        ("沙特阿拉伯", "SA"),
        ("Saudi Arabia", "SA"),
        ("白俄罗斯", "BY"),
        ("柬埔寨", "KH"),
        ("美国", "US"),
        ("US", "US"),
        ("USA", "US"),
        ("United States", "US"),
        ("英国", "GB"),
        ("UK", "GB"),
        ("越南", "VN"),
        ("Vietnam", "VN"),
        ("中国", "CN"),
        ("China", "CN"),
        ("Burma", "MM"),
        ("刚果金", "CD"),
        ("Papua New Guinea", "PG"),
    ] {
        assert_eq!(code(name).as_deref(), Some(expected), "{name}");
    }
    assert_eq!(code("Atlantis"), None);
    assert_eq!(g.countries().len(), 250);
    let gn = g.country("GN").unwrap();
    assert_eq!(
        (gn.name_en.as_str(), gn.name_zh.as_deref()),
        ("Guinea", Some("几内亚"))
    );
}

#[test]
fn mentions_find_every_name_once() {
    let g = gazetteer();
    let text = "贵州省遵义市桐梓县和Alxa Left Banner, Inner Mongolia以及几内亚";
    let found: Vec<&str> = g
        .mentions(text)
        .iter()
        .map(|m| &text[m.span.clone()])
        .collect();
    assert_eq!(
        found,
        [
            "贵州省",
            "遵义市",
            "桐梓县",
            "Alxa Left Banner",
            "Inner Mongolia",
            "几内亚"
        ]
    );
    let m = g.mentions(text);
    assert!(m[2].full_name && m[2].units.len() == 1);
    assert_eq!(m[5].country.map(|c| c.code.as_str()), Some("GN"));
    assert!(m[5].units.is_empty());
    // Longest match wins: 几内亚比绍 is Guinea-Bissau, not Guinea.
    let m = g.mentions("几内亚比绍");
    assert_eq!(m[0].country.map(|c| c.code.as_str()), Some("GW"));
    // "us" in running text is not the United States; "US" is.
    assert!(g.mentions("tell us about it").is_empty());
    assert_eq!(g.mentions("the US embassy").len(), 1);
    // Shared names list every candidate.
    let m = g.mentions("鼓楼区");
    assert!(m[0].units.len() >= 4);
}

/// Names and fillers to build texts that are full of near-misses.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("桐梓县".to_string()),
        Just("遵义".to_string()),
        Just("鼓楼区".to_string()),
        Just("天台".to_string()),
        Just("北海村".to_string()),
        Just("Yan'an".to_string()),
        Just("Luliang".to_string()),
        Just(" County".to_string()),
        Just("Wang ".to_string()),
        Just("Guinea".to_string()),
        Just("几内亚".to_string()),
        Just("Inner Mongolia Mining Co.".to_string()),
        Just("，".to_string()),
        Just(", ".to_string()),
        Just(" in ".to_string()),
        "\\PC{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mentions_never_panic_and_stay_on_char_boundaries(text in "\\PC{0,80}") {
        for m in gazetteer().mentions(&text) {
            prop_assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
            prop_assert!(m.span.start < m.span.end);
            prop_assert!(!m.units.is_empty() || m.country.is_some());
        }
    }

    #[test]
    fn place_like_texts_are_handled(parts in prop::collection::vec(fragment(), 0..12)) {
        let text: String = parts.concat();
        let g = gazetteer();
        let mentions = g.mentions(&text);
        let mut last_end = 0;
        for m in &mentions {
            prop_assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
            prop_assert!(m.span.start >= last_end, "mentions overlap");
            last_end = m.span.end;
        }
        let half = text.len() / 2;
        let cut = (0..=half).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let org = 0..cut;
        let located = g.locate_excluding(&text, std::slice::from_ref(&org), &[&text[..cut]]);
        if let Some(l) = located {
            match &l.place.adcode {
                Some(code) => prop_assert!(g.unit(code).is_some()),
                None => prop_assert!(g.country(&l.place.country).is_some()),
            }
            if let Some(d) = &l.place.detail {
                prop_assert!(text.contains(d.as_str()));
            }
        }
    }

    #[test]
    fn lookup_finds_a_unit_by_each_of_its_names(i in 0usize..4000) {
        let g = gazetteer();
        let u = &g.units()[i % g.units().len()];
        prop_assert!(g.lookup(&u.name).iter().any(|f| f.adcode == u.adcode));
        prop_assert!(g.lookup(&u.name_en.to_uppercase()).iter().any(|f| f.adcode == u.adcode));
        // The gazetteer's own names locate the unit when written with their parents.
        let mut full: String = g.ancestors(&u.adcode).iter().rev().map(|a| a.name.as_str()).collect();
        full.push_str(&u.name);
        let l = g.locate(&full, &[]);
        prop_assert!(l.is_some(), "{} not located", full);
        prop_assert_eq!(l.unwrap().place.adcode, Some(u.adcode.clone()), "{}", full);
    }
}

#[test]
fn every_unit_is_located_by_its_full_address() {
    let g = gazetteer();
    let mut failures = Vec::new();
    for u in g.units() {
        let mut chinese: String = g
            .ancestors(&u.adcode)
            .iter()
            .rev()
            .map(|a| a.name.as_str())
            .collect();
        chinese.push_str(&u.name);
        let mut english = vec![u.name_en.as_str()];
        english.extend(g.ancestors(&u.adcode).iter().map(|a| a.name_en.as_str()));
        let english = english.join(", ");
        for text in [chinese, english] {
            let got = g.locate(&text, &[]).and_then(|l| l.place.adcode);
            if got.as_deref() != Some(u.adcode.as_str()) {
                failures.push(format!("{text} -> {got:?}, expected {}", u.adcode));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
