//! Record invariants, checked on every incident a corpus gives: 10,000 generated reports
//! (`recount bench generate`), and the seeds, the sample corpus and `eval/dev` together,
//! where the totals of `stats` must add up over distinct incidents.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn recount(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.arg("--db").arg(db);
    cmd
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = recount(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn export(db: &Path) -> Vec<Value> {
    ok(db, &["export", "--format", "jsonl"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Day bounds of a YYYY, YYYY-MM or YYYY-MM-DD date, as comparable strings.
fn bounds(d: &str) -> (String, String) {
    match d.len() {
        4 => (format!("{d}-01-01"), format!("{d}-12-31")),
        7 => (format!("{d}-01"), format!("{d}-31")),
        _ => (d.to_string(), d.to_string()),
    }
}

/// Every way an incident breaks the record's invariants.
fn violations(inc: &Value) -> Vec<String> {
    let id = inc["id"].as_str().unwrap_or("?");
    let mut out = Vec::new();
    if let (Some(start), Some(end)) = (inc["date"].as_str(), inc["date_end"].as_str()) {
        if bounds(end).1 < bounds(start).0 {
            out.push(format!("{id}: date_end {end} before date {start}"));
        }
    }
    for (kind, f) in inc["figures"].as_object().into_iter().flatten() {
        let get = |k: &str| f[k].as_i64();
        for (name, v) in [
            ("best", get("best")),
            ("low", get("low")),
            ("high", get("high")),
        ] {
            if v.is_some_and(|v| v < 0) {
                out.push(format!("{id}: {kind}.{name} is negative"));
            }
        }
        if let (Some(low), Some(best), Some(high)) = (get("low"), get("best"), get("high")) {
            if !(low <= best && best <= high) {
                out.push(format!("{id}: {kind} low {low} best {best} high {high}"));
            }
        }
        for c in f["claims"].as_array().into_iter().flatten() {
            if c["value"].as_i64().is_some_and(|v| v < 0) {
                out.push(format!("{id}: a {kind} claim is negative"));
            }
        }
    }
    out
}

#[test]
fn every_incident_of_10k_generated_reports_keeps_the_invariants() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let db = dir.path().join("r.db");
    ok(
        &db,
        &[
            "bench",
            "generate",
            "--reports",
            "10000",
            "--seed",
            "7",
            "--out",
            corpus.to_str().unwrap(),
        ],
    );
    ok(&db, &["ingest", corpus.join("reports").to_str().unwrap()]);
    let incidents = export(&db);
    assert!(incidents.len() > 1000, "{} incidents", incidents.len());
    let bad: Vec<String> = incidents.iter().flat_map(violations).collect();
    assert!(
        bad.is_empty(),
        "{} violations: {:?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}

/// Words that tell harm done at a gathering itself (a clash, a beating, a crush, a
/// suicide): the only deaths a protest or strike may carry.
const HARM_AT_IT: &[&str] = &[
    "冲突", "殴打", "打伤", "打死", "推搡", "踩踏", "镇压", "清场", "自杀", "跳楼", "clash",
    "beat", "police", "crush", "suicide",
];

#[test]
fn shared_totals_add_up_over_distinct_incidents_on_the_seeds_samples_and_dev_texts() {
    let shared = repo().join("../shared/corpus/seeds");
    assert!(
        shared.is_dir(),
        "{} is missing: this test reads the seed corpus beside the repository",
        shared.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    for corpus in [
        shared,
        repo().join("samples/corpus"),
        repo().join("eval/dev"),
    ] {
        ok(&db, &["ingest", corpus.to_str().unwrap()]);
    }
    let incidents = export(&db);
    let bad: Vec<String> = incidents.iter().flat_map(violations).collect();
    assert!(bad.is_empty(), "{bad:?}");

    // Dead by province: the stats table against the sum over distinct incidents.
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for inc in &incidents {
        let Some(code) = inc["location"]["adcode"].as_str() else {
            continue;
        };
        let dead = inc["figures"]["dead"]["best"].as_i64().unwrap_or(0);
        *expected.entry(format!("{}0000", &code[..2])).or_default() += dead;
    }
    let rows: Vec<Value> =
        serde_json::from_str(&ok(&db, &["stats", "--by", "province", "--format", "json"])).unwrap();
    let mut seen = 0;
    for row in &rows {
        let key = row["key"].as_str().unwrap();
        if let Some(want) = expected.get(key) {
            seen += 1;
            assert_eq!(row["dead"].as_i64().unwrap(), *want, "province {key}");
        }
    }
    assert_eq!(
        seen,
        expected.len(),
        "every province with incidents has a row"
    );

    // A protest or strike carries deaths only when its own words tell of harm done at it.
    for inc in &incidents {
        if !matches!(inc["type"].as_str(), Some("protest" | "strike")) {
            continue;
        }
        for kind in ["dead"] {
            for c in inc["figures"][kind]["claims"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let quote = c["quote"].as_str().unwrap_or("").to_lowercase();
                assert!(
                    HARM_AT_IT.iter().any(|w| quote.contains(w)),
                    "{} ({}) carries {kind} {} from: {quote}",
                    inc["id"],
                    inc["type"],
                    c["value"]
                );
            }
        }
    }

    // One event, one incident: no two accidents of one county and mine within days.
    let mut seen_sites: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for inc in &incidents {
        if inc["type"] != "accident" {
            continue;
        }
        let (Some(code), Some(date)) = (inc["location"]["adcode"].as_str(), inc["date"].as_str())
        else {
            continue;
        };
        for o in inc["organizations"].as_array().into_iter().flatten() {
            let name = o["name"].as_str().unwrap_or("").to_string();
            seen_sites
                .entry((code.to_string(), name))
                .or_default()
                .push(date.to_string());
        }
    }
    for ((code, name), dates) in &seen_sites {
        let months: std::collections::BTreeSet<&str> =
            dates.iter().map(|d| &d[..d.len().min(7)]).collect();
        assert_eq!(
            months.len(),
            dates.len(),
            "{name} in {code} has two accidents in one month: {dates:?}"
        );
    }
}
