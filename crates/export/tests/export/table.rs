//! The flat CSV: header, and rows that parse back with the right figures.

use crate::fixtures;
use proptest::prelude::*;
use recount_export::{csv_header, write_csv};
use recount_model::{FigureKind, Incident};
use std::collections::HashMap;

/// The exported rows as column-name → cell maps, plus the header.
fn export(incidents: &[Incident]) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut out = Vec::new();
    let n = write_csv(&mut out, incidents).expect("export to memory succeeds");
    assert_eq!(n, incidents.len());
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = reader
        .headers()
        .expect("header row")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("row parses");
            assert_eq!(r.len(), header.len(), "row width matches header");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn header_lists_the_documented_columns() {
    let (header, _) = export(&[]);
    let mut expected: Vec<String> = [
        "id",
        "type",
        "date",
        "date_end",
        "sector",
        "mechanism",
        "grievance",
        "country",
        "adcode",
        "level",
        "place",
        "place_en",
        "lat",
        "lon",
    ]
    .map(String::from)
    .to_vec();
    for kind in FigureKind::ALL {
        for part in ["best", "low", "high"] {
            expected.push(format!("{kind}_{part}"));
        }
    }
    expected.extend(["flags", "sources", "organizations", "title", "title_zh"].map(String::from));
    assert_eq!(header, expected);
    assert_eq!(csv_header(), expected);
    assert!(header.contains(&"amount_cny_high".to_string()));
}

#[test]
fn rows_carry_best_low_and_high() {
    let (_, rows) = export(&fixtures::all());
    assert_eq!(rows.len(), 4);
    let accident = &rows[0];
    assert_eq!(accident["id"], "inc-3f2a9c01b7de");
    assert_eq!(accident["type"], "accident");
    assert_eq!(accident["date"], "2023-02-22");
    assert_eq!(
        (
            &*accident["dead_best"],
            &*accident["dead_low"],
            &*accident["dead_high"]
        ),
        ("53", "4", "53")
    );
    assert_eq!(accident["missing_best"], "49");
    assert_eq!(accident["arrested_best"], "");
    assert_eq!(accident["adcode"], "152921");
    assert_eq!(accident["place"], "阿拉善左旗");
    assert_eq!(accident["lat"], "38.833");
    assert_eq!(
        accident["flags"],
        "figure_conflict;underreporting_suspected"
    );
    assert_eq!(
        accident["sources"],
        "000_b8e64ec1ab396f01.txt;001_5f57a5ad7dc2597b.txt"
    );
    assert_eq!(accident["organizations"], "内蒙古阿拉善盟新井煤业有限公司");
    assert!(accident["title"].contains("\"Xinjing\""), "quotes survive");

    let strike = &rows[1];
    assert_eq!((&*strike["country"], &*strike["adcode"]), ("RS", ""));
    assert_eq!(strike["level"], "country");
    assert_eq!(strike["date_end"], "2024-11-07");
    assert_eq!(strike["participants_best"], "300");

    let protest = &rows[2];
    assert_eq!(protest["date"], "2025-06");
    for kind in FigureKind::ALL {
        assert_eq!(protest[&format!("{kind}_best")], "", "{kind}");
    }
    assert_eq!(rows[3]["amount_cny_best"], "12000000");
    assert_eq!(rows[3]["country"], "", "no location, no country");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Commas, quotes and newlines in free text survive a CSV round trip.
    #[test]
    fn free_text_round_trips(title in "\\PC*[,\"\\n]?\\PC*", org in "[^;]{1,20}") {
        let mut inc = fixtures::strike_abroad();
        inc.title = title.clone();
        inc.organizations[0].name = org.clone();
        let (_, rows) = export(&[inc]);
        prop_assert_eq!(rows.len(), 1);
        prop_assert_eq!(&rows[0]["title"], &title);
        prop_assert_eq!(&rows[0]["organizations"], &org);
    }
}
