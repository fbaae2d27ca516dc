//! The ACLED-style CSV: exact header, date precision, fatalities, admin names.

use crate::fixtures;
use recount_export::{write_acled_csv, AdminNames, NoAdminNames};
use recount_model::Incident;
use std::collections::HashMap;

fn export(
    incidents: &[Incident],
    names: &dyn AdminNames,
) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut out = Vec::new();
    let n = write_acled_csv(&mut out, incidents, names).expect("export to memory succeeds");
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
fn header_is_exactly_acleds() {
    let (header, rows) = export(&[], &NoAdminNames);
    assert!(rows.is_empty());
    assert_eq!(
        header,
        [
            "event_id_cnty",
            "event_date",
            "year",
            "time_precision",
            "event_type",
            "sub_event_type",
            "actor1",
            "country",
            "admin1",
            "admin2",
            "admin3",
            "location",
            "latitude",
            "longitude",
            "geo_precision",
            "source",
            "notes",
            "fatalities",
            "timestamp",
        ]
    );
}

#[test]
fn time_precision_follows_the_date() {
    let (_, rows) = export(&fixtures::all(), &NoAdminNames);
    let by_precision: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (&*r["event_date"], &*r["year"], &*r["time_precision"]))
        .collect();
    assert_eq!(
        by_precision,
        [
            ("2023-02-22", "2023", "1"),
            ("2024-11-05", "2024", "1"),
            ("2025-06-01", "2025", "3"),
            ("2021-01-01", "2021", "3"),
        ]
    );
}

#[test]
fn fatalities_are_the_lowest_claimed_toll_or_zero() {
    let (_, rows) = export(&fixtures::all(), &NoAdminNames);
    let fatalities: Vec<&str> = rows.iter().map(|r| &*r["fatalities"]).collect();
    // The accident's claims run from 4 to 53 dead: ACLED codes the conservative 4.
    assert_eq!(fatalities, ["4", "0", "0", "0"]);
}

#[test]
fn rows_map_type_place_actor_and_time() {
    let (_, rows) = export(&fixtures::all(), &NoAdminNames);
    let [accident, strike, protest, corruption] = &rows[..] else {
        panic!("four rows expected, got {}", rows.len());
    };
    assert_eq!(accident["event_id_cnty"], "CHN3f2a9c01b7de");
    assert_eq!(
        (&*accident["event_type"], &*accident["sub_event_type"]),
        ("Strategic developments", "Other")
    );
    assert_eq!(accident["actor1"], "Xinjing Coal Mining");
    assert_eq!(accident["country"], "China");
    assert_eq!(
        (
            &*accident["admin1"],
            &*accident["admin2"],
            &*accident["admin3"]
        ),
        ("", "", "Alxa Left Banner")
    );
    assert_eq!(accident["location"], "Xinjing open-pit coal mine");
    assert_eq!(accident["geo_precision"], "1");
    assert_eq!(accident["timestamp"], "1761998400");
    assert!(accident["notes"].contains("53 dead (claims from 4 to 53)"));
    assert_eq!(
        accident["source"],
        "000_b8e64ec1ab396f01.txt; 001_5f57a5ad7dc2597b.txt"
    );

    assert_eq!(strike["event_id_cnty"], "SRB77aa00bb11cc");
    assert_eq!(
        (&*strike["event_type"], &*strike["sub_event_type"]),
        ("Protests", "Peaceful protest")
    );
    assert_eq!(strike["actor1"], "Labor Group (Serbia)");
    assert_eq!(strike["country"], "Serbia");
    assert_eq!(strike["location"], "Serbia");
    assert_eq!(strike["geo_precision"], "3");
    assert_eq!((&*strike["latitude"], &*strike["timestamp"]), ("", "0"));

    assert_eq!(protest["actor1"], "Protesters (China)");
    assert_eq!(protest["admin2"], "Zhengzhou");
    assert_eq!(protest["geo_precision"], "2");
    assert_eq!(protest["timestamp"], "1751329800");

    assert_eq!(corruption["event_id_cnty"], "XXXc0ffee000001");
    assert_eq!(corruption["sub_event_type"], "Arrests");
    assert_eq!(corruption["country"], "");
    assert!(corruption["notes"].contains("3 arrested, CNY 12000000 involved"));
}

/// Stands in for the gazetteer crate.
struct Gazetteer;

impl AdminNames for Gazetteer {
    fn admin_names(&self, adcode: &str) -> [Option<String>; 3] {
        match adcode {
            "152921" => [
                Some("Inner Mongolia".into()),
                Some("Alxa League".into()),
                Some("Alxa Left Banner".into()),
            ],
            "410100" => [Some("Henan".into()), None, None],
            _ => [None, None, None],
        }
    }

    fn country_name(&self, iso2: &str) -> Option<String> {
        (iso2 == "RS").then(|| "Republic of Serbia".into())
    }
}

#[test]
fn admin_names_hook_fills_the_levels_above_the_place() {
    let (_, rows) = export(&fixtures::all(), &Gazetteer);
    let admins = |r: &HashMap<String, String>| {
        [
            r["admin1"].clone(),
            r["admin2"].clone(),
            r["admin3"].clone(),
        ]
    };
    assert_eq!(
        admins(&rows[0]),
        ["Inner Mongolia", "Alxa League", "Alxa Left Banner"]
    );
    assert_eq!(admins(&rows[2]), ["Henan", "Zhengzhou", ""]);
    assert_eq!(rows[1]["country"], "Republic of Serbia");
    assert_eq!(rows[1]["actor1"], "Labor Group (Republic of Serbia)");
}
