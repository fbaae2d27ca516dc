//! `recount stats`, `risk` and `production` against real SQLite files.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn recount(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.arg("--db").arg(db);
    cmd
}

/// Runs a command that must succeed and returns its standard output.
fn ok(db: &Path, args: &[&str]) -> String {
    let out = recount(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON")
}

fn listing(db: &Path, filters: &[&str]) -> Vec<Value> {
    let mut args = vec!["incidents", "--format", "jsonl"];
    args.extend_from_slice(filters);
    ok(db, &args)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// (incidents, with deaths, dead best, dead low) per province, counted from the listing:
/// a Chinese adcode's first two digits, a country code abroad, else unknown.
fn by_hand(incidents: &[Value]) -> BTreeMap<String, (u64, u64, i64, i64)> {
    let mut groups: BTreeMap<String, (u64, u64, i64, i64)> = BTreeMap::new();
    for inc in incidents {
        let loc = &inc["location"];
        let key = match (loc["adcode"].as_str(), loc["country"].as_str()) {
            (Some(code), _) => format!("{}0000", &code[..2]),
            (None, Some(c)) if c != "CN" => c.to_string(),
            _ => "unknown".to_string(),
        };
        let dead = &inc["figures"]["dead"];
        let best = dead["best"].as_i64();
        let low = dead["low"].as_i64().or(best);
        let g = groups.entry(key).or_default();
        g.0 += 1;
        g.1 += u64::from(best.is_some_and(|b| b > 0));
        g.2 += best.unwrap_or(0);
        g.3 += low.unwrap_or(0);
    }
    groups
}

fn by_key(rows: &Value) -> BTreeMap<String, (u64, u64, i64, i64)> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                (
                    r["incidents"].as_u64().unwrap(),
                    r["incidents_with_deaths"].as_u64().unwrap(),
                    r["dead"].as_i64().unwrap(),
                    r["dead_low"].as_i64().unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn shared_seed_stats_by_province_match_the_listing_grouped_by_hand() {
    let seeds = recount_testkit::shared().join("corpus/seeds");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seeds.db");
    ok(&db, &["ingest", seeds.to_str().unwrap()]);
    for filters in [
        &[][..],
        &["--type", "accident"][..],
        &["--from", "2025"][..],
    ] {
        let incidents = listing(&db, filters);
        assert!(!incidents.is_empty(), "{filters:?}");
        let mut args = vec!["stats", "--by", "province", "--format", "json"];
        args.extend_from_slice(filters);
        let stats = json(&db, &args);
        let expected = by_hand(&incidents);
        assert!(expected.len() > 1, "several provinces in the seeds");
        assert_eq!(by_key(&stats), expected, "{filters:?}");
    }
    // The table and the CSV show the same groups.
    let csv = ok(&db, &["stats", "--by", "province", "--format", "csv"]);
    let table = ok(&db, &["stats", "--by", "province"]);
    let groups = by_hand(&listing(&db, &[])).len();
    assert_eq!(csv.lines().count(), groups + 1);
    assert!(table.contains(&format!("{groups} groups")), "{table}");
    // Bad groupings name the choices.
    let bad = recount(&db)
        .args(["stats", "--by", "colour"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("province, prefecture"));
}

/// Five strikes: four at one Shenzhen factory in January, February, April and May 2024
/// (the last told in English), one at a Wenzhou shoe maker in March.
fn strikes(dir: &Path) -> PathBuf {
    let input = dir.join("strikes");
    std::fs::create_dir_all(&input).unwrap();
    for (name, text) in [
        ("a.txt", "2024年1月15日，广东省深圳市宝安区银图电器工厂数百名工人罢工，抗议工厂拖欠工资。"),
        ("b.txt", "2024年2月20日，深圳市宝安区银图电器工厂工人再次罢工，要求补发拖欠的工资。"),
        ("c.txt", "2024年4月3日，广东深圳宝安区银图电器工厂约两百名工人停工抗议，称工厂拖欠两个月工资。"),
        ("d.txt", "On May 8, 2024, hundreds of workers at the Yintu Electric factory in Bao'an District, Shenzhen, Guangdong went on strike over unpaid wages."),
        ("e.txt", "2024年3月9日，浙江省温州市鹿城区雅朵鞋业工人罢工，抗议拖欠工资。"),
    ] {
        std::fs::write(input.join(name), text).unwrap();
    }
    let db = dir.join("strikes.db");
    ok(&db, &["ingest", input.to_str().unwrap()]);
    db
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn risk_finds_the_factory_that_strikes_month_after_month() {
    let dir = tempfile::tempdir().unwrap();
    let db = strikes(dir.path());
    let mut shenzhen: Vec<(String, String)> = listing(&db, &["--place", "宝安区"])
        .iter()
        .map(|i| {
            (
                i["date"].as_str().unwrap().to_string(),
                i["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(shenzhen.len(), 4, "four strikes at the factory");
    shenzhen.sort();
    let latest_first: Vec<String> = shenzhen.iter().rev().map(|(_, id)| id.clone()).collect();

    // Its organisation and its county: in 3 of the last 4 months (Feb, Apr, May).
    for by in ["organization", "county"] {
        let r = json(
            &db,
            &["risk", "--by", by, "--repeat", "3/4m", "--format", "json"],
        );
        assert_eq!(r["as_of"], "2024-05-08", "the latest date");
        let entities = r["entities"].as_array().unwrap();
        assert_eq!(entities.len(), 1, "{by}: {entities:?}");
        let e = &entities[0];
        assert_eq!(e["recent_months"], 3, "{by}");
        assert_eq!(e["months"], 4, "{by}");
        assert_eq!(e["incidents"], 4, "{by}");
        assert_eq!(ids(&e["ids"]), latest_first, "{by}");
        assert_eq!(e["first"], shenzhen[0].0.as_str());
    }
    // The site is named in the three Chinese reports (Jan, Feb, Apr): a repeat offender
    // at the end of April, no longer at the end of May when January has left the window.
    let site = |as_of: &str| {
        json(
            &db,
            &[
                "risk", "--by", "site", "--repeat", "3/4m", "--as-of", as_of, "--format", "json",
            ],
        )["entities"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(site("2024-04"), 1);
    assert_eq!(site("2024-05"), 0);
    // A window of two months ending on the last strike holds April and May.
    let r = json(
        &db,
        &[
            "risk", "--by", "county", "--window", "2m", "--format", "json",
        ],
    );
    assert_eq!(r["entities"][0]["in_window"], 2);
    let csv = ok(&db, &["risk", "--by", "county", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    let bad = recount(&db)
        .args(["risk", "--repeat", "5/4m"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("K/Nm"));
}

#[test]
fn production_loads_whole_or_not_at_all_and_gives_deaths_per_million_tonnes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("a.txt"),
        "On March 3, 2024, a gas explosion at a coal mine in Qinyuan County, Changzhi, Shanxi killed 5 miners.",
    )
    .unwrap();
    std::fs::write(
        input.join("b.txt"),
        "2024年3月20日,贵州省遵义市桐梓县一煤矿发生透水事故,造成3人死亡。",
    )
    .unwrap();
    let db = dir.path().join("r.db");
    ok(&db, &["ingest", input.to_str().unwrap()]);
    // Shanxi's coal-mining deaths of 2024, from the listing.
    let shanxi_dead: i64 = listing(
        &db,
        &["--place", "Shanxi", "--from", "2024", "--to", "2024"],
    )
    .iter()
    .filter(|i| i["type"] == "accident" && i["sector"] == "coal_mining")
    .map(|i| i["figures"]["dead"]["best"].as_i64().unwrap_or(0))
    .sum();
    assert!(shanxi_dead > 0);

    // One bad row refuses the whole file, naming its line.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "province,year,mt\nShanxi,2024,1250\nNarnia,2024,3\n").unwrap();
    let out = recount(&db)
        .args(["production", "load", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("Narnia"), "{err}");
    assert_eq!(
        json(&db, &["production", "list", "--format", "json"]),
        serde_json::json!([])
    );

    let good = dir.path().join("coal.csv");
    std::fs::write(&good, "province,year,mt\n山西,2024,1250\n").unwrap();
    ok(&db, &["production", "load", good.to_str().unwrap()]);
    let rate = |by: &str| -> Value {
        let rows = json(&db, &["stats", "--by", by, "--format", "json"]);
        let key = if by == "year" { "2024" } else { "140000" };
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap()
            .clone()
    };
    for by in ["province", "year"] {
        let row = rate(by);
        assert_eq!(row["coal_mining_dead"], shanxi_dead, "{by}");
        assert_eq!(row["production_mt"], 1250.0, "{by}");
        let per = row["dead_per_mt"].as_f64().unwrap();
        assert!(
            (per - shanxi_dead as f64 / 1250.0).abs() < 1e-9,
            "{by}: {per}"
        );
    }
    // Guizhou has no figures: no rate.
    let rows = json(&db, &["stats", "--by", "province", "--format", "json"]);
    let guizhou = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "520000")
        .unwrap();
    assert!(guizhou["dead_per_mt"].is_null());

    // Loading the same province and year again replaces the figure (tonnes this time).
    std::fs::write(&good, "Province,Year,Tonnes\n140000,2024,1000000000\n").unwrap();
    ok(&db, &["production", "load", good.to_str().unwrap()]);
    let listed = json(&db, &["production", "list", "--format", "json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["tonnes"], 1_000_000_000i64);
    assert_eq!(rate("province")["production_mt"], 1000.0);
}
