//! Review from the command line: ids that open what they name after merge → split →
//! edit → reextract; `recount duplicates` and the merge it proposes; edits refused for
//! values no record can have.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn recount(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.arg("--db").arg(db);
    cmd
}

fn run(db: &Path, args: &[&str]) -> (bool, String, String) {
    let out = recount(db).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (success, out, err) = run(db, args);
    assert!(success, "{args:?}: {err}");
    out
}

fn show(db: &Path, id: &str) -> Value {
    serde_json::from_str(&ok(db, &["show", id, "--format", "json"])).unwrap()
}

fn ids(db: &Path) -> Vec<String> {
    let mut ids: Vec<String> = ok(db, &["export", "--format", "jsonl"])
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    ids.sort();
    ids
}

/// Two reports of one explosion five days apart in their dates (too far to merge on
/// their own), and an accident elsewhere in the province.
fn corpus(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let files = [
        ("first.txt", "On March 8, 2024, a gas explosion at the Dahe Coal Mine in Qinyuan County, Changzhi, Shanxi killed 5 miners."),
        ("later.txt", "On March 13, 2024, a gas explosion at the Dahe Coal Mine in Qinyuan County, Changzhi, Shanxi killed 7 miners."),
        ("other.txt", "2024年3月20日，山西省吕梁市交口县一铁矿发生冒顶事故，造成2人死亡。"),
    ];
    for (name, text) in files {
        std::fs::write(input.join(name), text).unwrap();
    }
    let db = dir.join("r.db");
    recount(&db).arg("ingest").arg(&input).assert().success();
    db
}

fn source_of(detail: &Value) -> String {
    detail["incident"]["sources"][0]["doc"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn each_id_opens_what_it_names_after_merge_split_edit_and_reextract() {
    let dir = tempfile::tempdir().unwrap();
    let db = corpus(dir.path());
    let all = ids(&db);
    assert_eq!(all.len(), 3, "{all:?}");
    let by_doc = |doc: &str| {
        all.iter()
            .find(|id| source_of(&show(&db, id)) == doc)
            .cloned()
            .unwrap()
    };
    let (first, later) = (by_doc("first.txt"), by_doc("later.txt"));
    let passage = show(&db, &later)["reports"][0]["key"]
        .as_str()
        .unwrap()
        .to_string();

    let out = ok(
        &db,
        &[
            "merge",
            &first,
            &later,
            "--reason",
            "one blast",
            "--who",
            "r",
        ],
    );
    assert!(out.contains(&format!("merged into {first}")), "{out}");
    // The id merged away opens the incident that absorbed it.
    assert_eq!(show(&db, &later)["incident"]["id"], first.as_str());

    let out = ok(
        &db,
        &[
            "split",
            &first,
            "--passage",
            &passage,
            "--reason",
            "two reports",
            "--who",
            "r",
        ],
    );
    assert!(out.contains(&format!("into {later}")), "{out}");
    // The id handed back by the split names the incident split off, not the one it
    // was once merged into.
    let split_off = show(&db, &later);
    assert_eq!(split_off["incident"]["id"], later.as_str());
    assert_eq!(source_of(&split_off), "later.txt");
    assert_eq!(show(&db, &first)["incident"]["id"], first.as_str());
    assert!(ids(&db).contains(&later));

    // An edit of that id edits that incident.
    ok(
        &db,
        &[
            "edit", &later, "--set", "dead=8", "--reason", "notice", "--who", "r",
        ],
    );
    assert_eq!(show(&db, &later)["incident"]["figures"]["dead"]["best"], 8);
    assert_eq!(show(&db, &first)["incident"]["figures"]["dead"]["best"], 5);

    ok(&db, &["reextract"]);
    let after = show(&db, &later);
    assert_eq!(after["incident"]["id"], later.as_str());
    assert_eq!(
        after["incident"]["figures"]["dead"]["best"], 8,
        "the edit holds"
    );
    assert_eq!(show(&db, &first)["incident"]["id"], first.as_str());
    assert_eq!(ids(&db).len(), 3);
    // A pair a reviewer split apart is not offered as a duplicate again.
    let listed = ok(&db, &["duplicates", "--format", "json"]);
    assert!(!listed.contains(&later), "{listed}");
}

#[test]
fn duplicates_lists_a_pair_that_almost_merged_and_its_merge_command_works() {
    let dir = tempfile::tempdir().unwrap();
    let db = corpus(dir.path());
    let listed = ok(&db, &["duplicates", "--format", "json"]);
    let pairs: Vec<Value> = listed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(pairs.len(), 1, "{listed}");
    let p = &pairs[0];
    let against: Vec<&str> = p["evidence_against"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(against, vec!["5 days apart"], "{p}");
    let pro = p["evidence_for"].to_string();
    assert!(
        pro.contains("same place") && pro.contains("same organisation or site"),
        "{pro}"
    );
    assert!(p["score"].as_i64().unwrap() >= 1);
    // A higher bar leaves it out.
    let strict = ok(&db, &["duplicates", "--min-score", "6"]);
    assert!(strict.contains("no pair"), "{strict}");

    // The text form gives the command; it merges the pair in one step.
    let text = ok(&db, &["duplicates"]);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("merge:"))
        .unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&words[1..3], &["recount", "merge"], "{line}");
    let (a, b) = (words[3], words[4]);
    assert_eq!((a, b), (p["a"].as_str().unwrap(), p["b"].as_str().unwrap()));
    ok(&db, &["merge", a, b, "--reason", "listed as a duplicate"]);
    assert_eq!(ids(&db).len(), 2);
    let merged = show(&db, a);
    assert_eq!(merged["incident"]["figures"]["dead"]["best"], 7);
    assert!(ok(&db, &["duplicates"]).contains("no pair"));
}

#[test]
fn edits_with_values_no_record_can_have_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = corpus(dir.path());
    let id = ids(&db)[0].clone();
    let before = show(&db, &id)["incident"].clone();
    for (set, says) in [
        ("dead=-5", "below zero"),
        ("dead=", "empty"),
        ("sector=banana", "is not a sector"),
        ("grievance=weather", "is not a grievance"),
        ("date_end=1999-01-01", "before the start"),
        ("date=someday", "date"),
        ("place=Nowhere Town", "no place is called"),
        ("colour=red", "cannot be edited"),
    ] {
        let (success, _, err) = run(&db, &["edit", &id, "--set", set, "--reason", "check"]);
        assert!(!success, "{set} was accepted");
        assert!(err.contains(says), "{set}: {err}");
    }
    let (success, _, err) = run(&db, &["edit", &id, "--set", "dead=3", "--reason", ""]);
    assert!(!success && err.contains("reason is required"), "{err}");
    let (success, _, err) = run(&db, &["merge", &id, &ids(&db)[1], "--reason", " "]);
    assert!(!success && err.contains("reason is required"), "{err}");
    assert_eq!(show(&db, &id)["incident"], before, "nothing changed");
    assert!(show(&db, &id)["history"].as_array().unwrap().is_empty());
}
