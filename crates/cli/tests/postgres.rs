//! The `recount` binary against PostgreSQL: several ingest workers on one database give
//! what one worker gives. Each test makes its own database on the server at
//! `RECOUNT_TEST_PG` and reads the seeds in `../shared` (see `recount_testkit`).

use recount_store::{PgStore, Store};
use recount_testkit::{repo, shared, TempDatabase};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn recount(url: &str, key: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("recount"));
    cmd.arg("--database-url").arg(url).arg("--key").arg(key);
    // The search index of a PostgreSQL store is made in the working directory: the
    // test's own, not the source tree.
    if let Some(dir) = key.parent() {
        cmd.current_dir(dir);
    }
    cmd
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The export as incidents by id, without the time each was last written.
fn export(url: &str, key: &Path) -> BTreeMap<String, Value> {
    let text = ok(
        recount(url, key)
            .args(["export", "--format", "jsonl"])
            .output()
            .unwrap(),
        "export",
    );
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let mut v: Value = serde_json::from_str(line).expect("each line is JSON");
        v.as_object_mut().unwrap().remove("updated_at");
        let id = v["id"].as_str().unwrap().to_string();
        assert!(
            out.insert(id.clone(), v).is_none(),
            "incident {id} exported twice"
        );
    }
    out
}

/// Every document file of the seeds, the sample corpus and the second development set
/// (sidecars travel with their files), sorted.
fn corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let dirs = [
        shared().join("corpus/seeds"),
        repo().join("samples/corpus"),
        repo().join("eval/dev"),
    ];
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_file() && !name.ends_with(".meta.json") && !name.starts_with('.') {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn pg_shared_four_workers_give_what_one_worker_gives() {
    let files = corpus();
    let single = TempDatabase::create();
    let shared_db = TempDatabase::create();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("log.key");

    ok(
        recount(single.url(), &key)
            .arg("ingest")
            .args(&files)
            .output()
            .unwrap(),
        "single ingest",
    );
    let expected = export(single.url(), &key);
    assert!(expected.len() > 30, "the corpus gives many incidents");

    // Four workers, each over the whole corpus in its own order, all at once.
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let mut order = files.clone();
            order.rotate_left(w * files.len() / 4);
            if w % 2 == 1 {
                order.reverse();
            }
            recount(shared_db.url(), &key)
                .arg("ingest")
                .args(&order)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut new_documents = 0;
    for (w, child) in workers.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let summary = String::from_utf8_lossy(&out.stdout).into_owned();
        ok(out, &format!("worker {w}"));
        // "documents: N new, M duplicate, …": the workers share out the documents.
        let n: usize = summary
            .lines()
            .last()
            .and_then(|l| l.strip_prefix("documents: "))
            .and_then(|l| l.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("worker {w} printed no summary: {summary}"));
        new_documents += n;
    }

    let store = PgStore::connect(shared_db.url()).unwrap();
    let alone = PgStore::connect(single.url()).unwrap();
    assert_eq!(
        store.counts().unwrap(),
        alone.counts().unwrap(),
        "documents, reports and incidents"
    );
    assert_eq!(new_documents, alone.counts().unwrap().documents);
    let got = export(shared_db.url(), &key);
    let missing: Vec<_> = expected.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "ids differ: missing {missing:?}, extra {extra:?}"
    );
    for (id, inc) in &expected {
        assert_eq!(&got[id], inc, "incident {id} differs");
    }
    let verified = ok(
        recount(shared_db.url(), &key)
            .arg("verify")
            .output()
            .unwrap(),
        "verify",
    );
    assert!(
        verified.contains("every row and checkpoint verifies"),
        "{verified}"
    );
    drop((store, alone));
}

#[test]
fn pg_shared_review_commands_and_reopening_work_on_postgres() {
    let files = corpus();
    let db = TempDatabase::create();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("log.key");
    ok(
        recount(db.url(), &key)
            .arg("ingest")
            .args(&files[..6])
            .output()
            .unwrap(),
        "ingest",
    );
    let before = export(db.url(), &key);
    let id = before.keys().next().unwrap().clone();
    ok(
        recount(db.url(), &key)
            .args([
                "edit", &id, "--set", "dead=99", "--reason", "test", "--who", "t",
            ])
            .output()
            .unwrap(),
        "edit",
    );
    let shown = ok(
        recount(db.url(), &key)
            .args(["show", &id, "--format", "json"])
            .output()
            .unwrap(),
        "show",
    );
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["incident"]["figures"]["dead"]["best"], 99, "{shown}");
    // A second ingest of the same files is all duplicates.
    let again = ok(
        recount(db.url(), &key)
            .arg("ingest")
            .args(&files[..6])
            .output()
            .unwrap(),
        "second ingest",
    );
    assert!(again.contains(" 0 new, 6 duplicate"), "{again}");
    ok(
        recount(db.url(), &key).arg("reextract").output().unwrap(),
        "reextract",
    );
    let after = export(db.url(), &key);
    assert_eq!(after[&id]["figures"]["dead"]["best"], 99);
    let verified = ok(
        recount(db.url(), &key).arg("verify").output().unwrap(),
        "verify",
    );
    assert!(
        verified.contains("every row and checkpoint verifies"),
        "{verified}"
    );
}
