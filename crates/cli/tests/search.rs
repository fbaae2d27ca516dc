//! `recount search` and `recount reindex` on the seed corpus: what is found is checked
//! against the incidents themselves (`incidents --format jsonl`), never against ids.

use assert_cmd::Command;
use recount_testkit::TempDatabase;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn seeds() -> PathBuf {
    recount_testkit::shared().join("corpus/seeds")
}

fn recount(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.current_dir(dir).arg("--db").arg(dir.join("r.db"));
    cmd
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Ids of the hits of a search, as JSON Lines.
fn search(cmd: &mut Command, args: &[&str]) -> BTreeSet<String> {
    lines(&run(cmd
        .arg("search")
        .args(args)
        .args(["--format", "jsonl"])))
    .iter()
    .map(|h| h["id"].as_str().unwrap().to_string())
    .collect()
}

fn incidents(cmd: &mut Command) -> Vec<Value> {
    lines(&run(cmd.args(["incidents", "--format", "jsonl"])))
}

/// The coal-mine strikes and the Kunyuan incidents, by what the records say.
fn expected(all: &[Value]) -> (BTreeSet<String>, BTreeSet<String>) {
    let coal_strikes: BTreeSet<String> = all
        .iter()
        .filter(|i| i["type"] == "strike" && i["sector"] == "coal_mining")
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    let kunyuan: BTreeSet<String> = all
        .iter()
        .filter(|i| {
            i["organizations"].as_array().unwrap().iter().any(|o| {
                o["name"].as_str().unwrap_or("").contains("坤源")
                    || o["name_en"].as_str().unwrap_or("").contains("Kunyuan")
            })
        })
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    (coal_strikes, kunyuan)
}

#[test]
fn shared_seeds_coal_strikes_and_kunyuan_are_found() {
    let seeds = seeds();
    let dir = tempfile::tempdir().unwrap();
    run(recount(dir.path()).arg("ingest").arg(&seeds));
    // The ingest made the index beside the database.
    assert!(dir.path().join("r.db.index/meta.json").exists());
    let all = incidents(&mut recount(dir.path()));
    let (coal_strikes, kunyuan) = expected(&all);
    assert_eq!(coal_strikes.len(), 4, "the seeds tell four coal strikes");
    assert_eq!(kunyuan.len(), 2, "the seeds tell two Kunyuan incidents");

    let hits = search(&mut recount(dir.path()), &["煤矿"]);
    assert!(
        hits.is_superset(&coal_strikes),
        "{hits:?} ⊉ {coal_strikes:?}"
    );
    // With the listing's filters, exactly the coal strikes.
    let strikes = search(&mut recount(dir.path()), &["煤矿", "--type", "strike"]);
    assert_eq!(strikes, coal_strikes);
    for q in ["Kunyuan", "kunyuan", "Kun Yuan", "坤源"] {
        assert_eq!(search(&mut recount(dir.path()), &[q]), kunyuan, "{q}");
    }
    // A place filter narrows: the Kunyuan strike is in Shanxi, the accident is not.
    let shanxi = search(&mut recount(dir.path()), &["Kunyuan", "--place", "山西"]);
    assert_eq!(shanxi.len(), 1);
    assert!(kunyuan.is_superset(&shanxi));

    // The table marks the matched words (brackets when not on a terminal).
    let table = run(recount(dir.path()).args(["search", "坤源"]));
    assert!(
        table.contains("[坤源]") || table.contains("[坤][源]"),
        "{table}"
    );
    assert!(table.contains("2 incidents"), "{table}");
}

#[test]
fn shared_an_edit_shows_in_search_and_a_reindexed_index_answers_the_same() {
    let seeds = seeds();
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("elsewhere.index");
    let with_index = |d: &Path| {
        let mut cmd = recount(d);
        cmd.arg("--index").arg(&index);
        cmd
    };
    run(with_index(dir.path()).arg("ingest").arg(&seeds));
    assert!(index.join("meta.json").exists());
    assert!(!dir.path().join("r.db.index").exists());
    let all = incidents(&mut recount(dir.path()));
    let (coal_strikes, _) = expected(&all);
    let one = coal_strikes.iter().next().unwrap().clone();
    run(with_index(dir.path()).args([
        "edit",
        &one,
        "--set",
        "title_zh=矿工集体罢工要求补发欠薪",
        "--reason",
        "test",
    ]));
    assert_eq!(
        search(&mut with_index(dir.path()), &["补发欠薪"]),
        [one].into()
    );

    let queries: &[&[&str]] = &[
        &["煤矿"],
        &["Kunyuan"],
        &["strike", "--from", "2025-11"],
        &["补发欠薪"],
        &["veterans"],
        &["鞋厂"],
    ];
    let before: Vec<BTreeSet<String>> = queries
        .iter()
        .map(|q| search(&mut with_index(dir.path()), q))
        .collect();
    assert!(before.iter().all(|hits| !hits.is_empty()), "{before:?}");
    run(with_index(dir.path()).arg("reindex"));
    let after: Vec<BTreeSet<String>> = queries
        .iter()
        .map(|q| search(&mut with_index(dir.path()), q))
        .collect();
    assert_eq!(before, after);
    // A fresh index made by the first search gives the same too.
    let fresh = dir.path().join("fresh.index");
    let again: Vec<BTreeSet<String>> = queries
        .iter()
        .map(|q| {
            let mut cmd = recount(dir.path());
            cmd.arg("--index").arg(&fresh);
            search(&mut cmd, q)
        })
        .collect();
    assert_eq!(before, again);
}

#[test]
fn pg_shared_search_works_on_postgres_with_the_index_named_after_the_database() {
    let seeds = seeds();
    let db = TempDatabase::create();
    let dir = tempfile::tempdir().unwrap();
    let pg = || {
        let mut cmd = Command::cargo_bin("recount").expect("binary built");
        cmd.current_dir(dir.path())
            .arg("--database-url")
            .arg(db.url());
        cmd
    };
    run(pg().arg("ingest").arg(&seeds));
    let name = db.url().rsplit('/').next().unwrap();
    assert!(dir
        .path()
        .join(format!("recount-{name}.index/meta.json"))
        .exists());
    let all = incidents(&mut pg());
    let (coal_strikes, kunyuan) = expected(&all);
    assert_eq!(
        search(&mut pg(), &["煤矿", "--type", "strike"]),
        coal_strikes
    );
    assert_eq!(search(&mut pg(), &["Kunyuan"]), kunyuan);
}

#[test]
fn a_query_without_words_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = recount(dir.path())
        .args(["search", "。，"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no words"), "{err}");
}
