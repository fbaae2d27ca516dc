//! Tests of the internals; behaviour through the public API is tested in `tests/`.

use crate::data::{normalize, NameKind};
use crate::{detail, gazetteer};

#[test]
fn normalize_folds_case_spaces_and_apostrophes() {
    for (input, expected) in [
        ("Yan'an", "yanan"),
        ("Yan’an City", "yanancity"),
        (" Inner  Mongolia ", "innermongolia"),
        ("Guinea-Bissau", "guineabissau"),
        ("U.S.", "us"),
        ("内蒙古", "内蒙古"),
        ("Lüliang", "lüliang"),
    ] {
        assert_eq!(normalize(input), expected, "{input}");
    }
}

#[test]
fn name_kinds_follow_the_suffix() {
    let g = gazetteer();
    let kind_of = |text: &str, code: &str| {
        let unit = g.index(code).unwrap();
        let key = if text.is_ascii() {
            text.to_ascii_lowercase()
        } else {
            text.to_string()
        };
        let id = g.pattern_texts.iter().position(|t| *t == key).unwrap();
        g.patterns[id]
            .targets
            .iter()
            .find(|t| t.unit == unit)
            .map(|t| t.kind)
    };
    assert_eq!(kind_of("桐梓县", "520322"), Some(NameKind::Full));
    assert_eq!(kind_of("桐梓", "520322"), Some(NameKind::Stem));
    assert_eq!(kind_of("Tongzi County", "520322"), Some(NameKind::Full));
    assert_eq!(kind_of("Tongzi", "520322"), Some(NameKind::Stem));
    assert_eq!(kind_of("红河州", "532500"), Some(NameKind::Full));
    assert_eq!(kind_of("阿左旗", "152921"), Some(NameKind::Full));
    assert_eq!(kind_of("盖州", "210881"), Some(NameKind::Stem));
    assert_eq!(kind_of("盘县", "520281"), Some(NameKind::Former));
    assert_eq!(kind_of("Shanxi", "610000"), None);
}

#[test]
fn chinese_detail_is_a_chain_of_place_segments() {
    let lex = &gazetteer().lex;
    for (text, expected) in [
        ("英德市冷坑镇桐光村一工厂发生火灾", Some("冷坑镇桐光村")),
        ("海曙区天一广场", Some("天一广场")),
        ("延川县禾草沟煤矿发生爆炸", Some("禾草沟煤矿")),
        ("苏州市高新技术工业园区一厂房", Some("高新技术工业园区")),
        ("桐梓县一煤矿发生透水", None),
        ("桐梓县，工人", None),
        ("桐梓县", None),
        ("桐梓县发生事故", None),
    ] {
        let end = text
            .find('县')
            .or(text.find('市'))
            .or(text.find('区'))
            .unwrap()
            + 3;
        assert_eq!(
            detail::after_zh(lex, text, end).as_deref(),
            expected,
            "{text}"
        );
    }
}

#[test]
fn english_detail_is_the_capitalised_phrases_before() {
    let lex = &gazetteer().lex;
    for (text, unit, expected) in [
        (
            "a fire in Tongguang Village, Lengkeng Town, Yingde City",
            "Yingde",
            Some("Tongguang Village, Lengkeng Town"),
        ),
        (
            "a blast at Xintai Coal Mine in Yanchuan County",
            "Yanchuan",
            Some("Xintai Coal Mine"),
        ),
        (
            "In Panguan Town, Panzhou City",
            "Panzhou",
            Some("Panguan Town"),
        ),
        (
            "Beihai Village of Gaizhou City",
            "Gaizhou",
            Some("Beihai Village"),
        ),
        ("a strike in Yuci District", "Yuci", None),
        ("Town, Panzhou City", "Panzhou", None),
        ("the old town, Panzhou City", "Panzhou", None),
    ] {
        let start = text.find(unit).unwrap();
        assert_eq!(
            detail::before_en(lex, text, start).as_deref(),
            expected,
            "{text}"
        );
    }
}

#[test]
fn cjk_ranges() {
    assert!(crate::scan::is_cjk('桐'));
    assert!(crate::scan::is_cjk('，'));
    assert!(!crate::scan::is_cjk('a'));
    assert!(!crate::scan::is_cjk('ü'));
}

#[test]
fn chinese_detail_is_not_a_clause() {
    let lex = &gazetteer().lex;
    for text in [
        "辽宁营口政府随意停航镇压渔民",
        "营口市人民政府",
        "营口市公安局",
    ] {
        let end = text.find('口').unwrap() + 3;
        let end = if text[end..].starts_with('市') {
            end + 3
        } else {
            end
        };
        assert_eq!(detail::after_zh(lex, text, end), None, "{text}");
    }
}
