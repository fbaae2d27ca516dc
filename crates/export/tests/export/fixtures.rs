//! Hand-built incidents that cover the shapes the writers must handle.

use recount_model::{
    Claim, Figure, FigureKind, Flag, Incident, IncidentType, Organization, PartialDate, Place,
    PlaceLevel, Qualifier, SourceRef, Speaker,
};
use std::collections::BTreeMap;

fn date(s: &str) -> Option<PartialDate> {
    Some(s.parse().expect("fixture dates are valid"))
}

fn source(doc: &str, published: &str, lang: &str) -> SourceRef {
    SourceRef {
        doc: doc.into(),
        url: None,
        published: Some(published.into()),
        lang: Some(lang.into()),
        sha256: Some("ab".repeat(32)),
        quote: None,
    }
}

fn claim(value: i64, qualifier: Qualifier, doc: &str, who: Speaker, as_of: &str) -> Claim {
    Claim {
        value,
        qualifier,
        value_max: None,
        source: doc.into(),
        attributed_to: Some(who),
        as_of: date(as_of),
        quote: Some(format!("{value}")),
    }
}

fn settled(value: i64, doc: &str) -> Figure {
    Figure {
        best: Some(value),
        low: Some(value),
        high: Some(value),
        superseded: None,
        claims: vec![claim(
            value,
            Qualifier::Exact,
            doc,
            Speaker::Media,
            "2023-02-23",
        )],
    }
}

/// An accident whose death toll was revised: 4, then an official 35, then 53.
pub fn accident_with_revised_toll() -> Incident {
    let early = "001_5f57a5ad7dc2597b.txt";
    let late = "000_b8e64ec1ab396f01.txt";
    let mut figures = BTreeMap::new();
    figures.insert(
        FigureKind::Dead,
        Figure {
            best: Some(53),
            low: Some(4),
            high: Some(53),
            superseded: None,
            claims: vec![
                claim(4, Qualifier::Exact, early, Speaker::Media, "2023-02-23"),
                claim(35, Qualifier::Exact, late, Speaker::Official, "2023-03-01"),
                claim(53, Qualifier::Exact, late, Speaker::Official, "2024-01-10"),
            ],
        },
    );
    figures.insert(FigureKind::Injured, settled(6, early));
    figures.insert(FigureKind::Missing, settled(49, early));
    Incident {
        id: "inc-3f2a9c01b7de".into(),
        kind: IncidentType::Accident,
        sector: Some("coal_mining".into()),
        mechanism: Some("collapse".into()),
        grievance: None,
        date: date("2023-02-22"),
        date_end: None,
        location: Some(Place {
            country: "CN".into(),
            adcode: Some("152921".into()),
            level: PlaceLevel::County,
            name: Some("阿拉善左旗".into()),
            name_en: Some("Alxa Left Banner".into()),
            detail: Some("Xinjing open-pit coal mine".into()),
            lat: Some(38.833),
            lon: Some(105.667),
        }),
        organizations: vec![Organization {
            name: "内蒙古阿拉善盟新井煤业有限公司".into(),
            name_en: Some("Xinjing Coal Mining".into()),
            role: Some("operator".into()),
        }],
        figures,
        flags: vec![Flag::FigureConflict, Flag::UnderreportingSuspected],
        sources: vec![
            source(late, "2024-01-10", "en"),
            source(early, "2023-02-23", "zh"),
        ],
        related: vec![],
        title: "Open-pit coal mine collapse in Alxa Left Banner, \"Xinjing\"".into(),
        title_zh: Some("阿拉善新井煤矿坍塌".into()),
        updated_at: Some("2025-11-01T12:00:00Z".into()),
    }
}

/// A strike abroad: the place is a whole country and has no adcode.
pub fn strike_abroad() -> Incident {
    let doc = "https://example.org/feed/item-42";
    let mut figures = BTreeMap::new();
    figures.insert(
        FigureKind::Participants,
        Figure {
            best: Some(300),
            low: Some(300),
            high: Some(300),
            superseded: None,
            claims: vec![claim(
                300,
                Qualifier::About,
                doc,
                Speaker::Witness,
                "2024-11-06",
            )],
        },
    );
    Incident {
        id: "inc-77aa00bb11cc".into(),
        kind: IncidentType::Strike,
        sector: Some("manufacturing".into()),
        mechanism: None,
        grievance: Some("wage_arrears".into()),
        date: date("2024-11-05"),
        date_end: date("2024-11-07"),
        location: Some(Place {
            country: "RS".into(),
            adcode: None,
            level: PlaceLevel::Country,
            name: Some("塞尔维亚".into()),
            name_en: Some("Serbia".into()),
            detail: None,
            lat: None,
            lon: None,
        }),
        organizations: vec![Organization {
            name: "玲珑轮胎".into(),
            name_en: Some("Linglong Tire".into()),
            role: Some("employer".into()),
        }],
        figures,
        flags: vec![Flag::SingleSource],
        sources: vec![source(doc, "2024-11-06", "en")],
        related: vec![],
        title: "Workers at a Chinese tyre plant in Serbia strike over unpaid wages".into(),
        title_zh: None,
        updated_at: None,
    }
}

/// A protest known only to the month, with no figures at all.
pub fn protest_month_no_figures() -> Incident {
    Incident {
        id: "inc-0000aaaa1111".into(),
        kind: IncidentType::Protest,
        sector: Some("finance".into()),
        mechanism: None,
        grievance: Some("financial_loss".into()),
        date: date("2025-06"),
        date_end: None,
        location: Some(Place {
            country: "CN".into(),
            adcode: Some("410100".into()),
            level: PlaceLevel::Prefecture,
            name: Some("郑州市".into()),
            name_en: Some("Zhengzhou".into()),
            detail: None,
            lat: Some(34.746),
            lon: Some(113.625),
        }),
        organizations: vec![],
        figures: BTreeMap::new(),
        flags: vec![Flag::DateUncertain],
        sources: vec![source("weekly-2025-06.txt", "2025-06-30", "zh")],
        related: vec![],
        title: "Depositors protest frozen accounts in Zhengzhou".into(),
        title_zh: Some("郑州储户维权".into()),
        updated_at: Some("2025-07-01T08:30:00+08:00".into()),
    }
}

/// A corruption case known only to the year, with arrests; no location.
pub fn corruption_year_only() -> Incident {
    let mut figures = BTreeMap::new();
    figures.insert(FigureKind::Arrested, settled(3, "notice.html"));
    figures.insert(FigureKind::AmountCny, settled(12_000_000, "notice.html"));
    Incident {
        id: "inc-c0ffee000001".into(),
        kind: IncidentType::Corruption,
        sector: Some("public_sector".into()),
        mechanism: None,
        grievance: None,
        date: date("2021"),
        date_end: None,
        location: None,
        organizations: vec![],
        figures,
        flags: vec![],
        sources: vec![source("notice.html", "2022-01-05", "zh")],
        related: vec![],
        title: "Mine safety officials detained for bribery".into(),
        title_zh: None,
        updated_at: None,
    }
}

/// Every fixture, in a fixed order.
pub fn all() -> Vec<Incident> {
    vec![
        accident_with_revised_toll(),
        strike_abroad(),
        protest_month_no_figures(),
        corruption_year_only(),
    ]
}

/// A cheap, distinct incident for volume tests.
pub fn numbered(i: usize) -> Incident {
    let mut inc = if i.is_multiple_of(2) {
        accident_with_revised_toll()
    } else {
        protest_month_no_figures()
    };
    inc.id = format!("inc-{i:012x}");
    inc
}
