//! Fault injection, as an auditor would try it, bounded in time:
//!
//! - **tampering**: a store built from the sample corpus and reviewed (an edit, a merge, a
//!   split, a corrected date) is copied once per case, the copy's SQLite file edited
//!   directly, and `recount verify` must fail and name what was changed;
//! - **first runs racing**: two ingests into one new database at once, twenty times,
//!   must both succeed and store every document.
//!
//! Each test prints its figures (tries, caught or survived) as a table row; run with
//! `--no-capture` to see them (docs/faults.md holds the latest). Killing ingests at
//! random moments is `crash.rs`.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn recount(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.arg("--db").arg(db).env_remove("RECOUNT_KEY");
    cmd
}

fn sql_one(db: &Path, sql: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The sample corpus, ingested and then reviewed by every kind of action.
fn reviewed_store(dir: &Path) -> PathBuf {
    let db = dir.join("r.db");
    recount(&db)
        .arg("ingest")
        .arg(repo().join("samples/corpus"))
        .assert()
        .success();
    let edited = sql_one(
        &db,
        "SELECT id FROM incidents WHERE kind = 'accident' ORDER BY id LIMIT 1",
    );
    recount(&db)
        .args([
            "edit",
            &edited,
            "--set",
            "injured=7",
            "--reason",
            "audit",
            "--who",
            "t",
        ])
        .assert()
        .success();
    let (a, b) = (
        sql_one(
            &db,
            "SELECT id FROM incidents WHERE kind = 'strike' ORDER BY id LIMIT 1",
        ),
        sql_one(
            &db,
            "SELECT id FROM incidents WHERE kind = 'strike' ORDER BY id LIMIT 1 OFFSET 1",
        ),
    );
    recount(&db)
        .args(["merge", &a, &b, "--reason", "audit", "--who", "t"])
        .assert()
        .success();
    let split = sql_one(
        &db,
        "SELECT incident || ' ' || MAX(key) FROM reports WHERE pin IS NULL
         GROUP BY incident HAVING COUNT(*) > 1 ORDER BY incident LIMIT 1",
    );
    let (inc, key) = split.split_once(' ').unwrap();
    recount(&db)
        .args([
            "split",
            inc,
            "--passage",
            key,
            "--reason",
            "audit",
            "--who",
            "t",
        ])
        .assert()
        .success();
    let doc = sql_one(
        &db,
        "SELECT doc_id FROM documents WHERE rowid IN (SELECT document FROM reports)
         ORDER BY rowid LIMIT 1",
    );
    recount(&db)
        .args(["redate", &doc, "--published", "2025-11-02", "--who", "t"])
        .assert()
        .success();
    db
}

/// `recount verify` on `db`: (exit code, stdout and stderr together).
fn verify(db: &Path, quick: bool) -> (i32, String) {
    let mut cmd = recount(db);
    cmd.arg("verify");
    if quick {
        cmd.arg("--quick");
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A direct edit of the database and the words `verify` must name it with.
struct Case {
    name: &'static str,
    sql: &'static str,
    named: &'static [&'static str],
}

const CASES: &[Case] = &[
    // The archive and the log.
    Case {
        name: "an original's bytes changed",
        sql: "UPDATE documents SET body = body || X'20' WHERE rowid = 3",
        named: &["log leaf 2", "archived bytes"],
    },
    Case {
        name: "an original's title changed",
        sql: "UPDATE documents SET title = 'x' WHERE rowid = 2",
        named: &["log leaf 1", "title"],
    },
    Case {
        name: "an original's publication date changed",
        sql: "UPDATE documents SET published = '2001-01-01' WHERE rowid = 4",
        named: &["log leaf 3", "published"],
    },
    Case {
        name: "an original's address changed",
        sql: "UPDATE documents SET url = 'https://example.org/x' WHERE rowid = 5",
        named: &["log leaf 4", "url"],
    },
    Case {
        name: "an original's sha256 changed",
        sql: "UPDATE documents SET sha256 = '00' || substr(sha256, 3) WHERE rowid = 2",
        named: &["was removed", "is not in the log"],
    },
    Case {
        name: "an original removed",
        sql: "PRAGMA foreign_keys = OFF; DELETE FROM documents WHERE rowid = 6",
        named: &["log leaf 5", "removed"],
    },
    Case {
        name: "an original added",
        sql: "INSERT INTO documents(doc_id, sha256, media_type, fetched_at, size, body)
              VALUES ('forged.txt', 'ab', 'text/plain', '2025-01-01T00:00:00Z', 1, X'41')",
        named: &["forged.txt", "is not in the log"],
    },
    Case {
        name: "two originals swapped in order",
        sql: "PRAGMA foreign_keys = OFF;
              UPDATE documents SET rowid = 1000 WHERE rowid = 2;
              UPDATE documents SET rowid = 2 WHERE rowid = 3;
              UPDATE documents SET rowid = 3 WHERE rowid = 1000;",
        named: &["out of order"],
    },
    Case {
        name: "a leaf removed",
        sql: "DELETE FROM ledger_leaves WHERE idx = 4",
        named: &["leaf 4 is missing"],
    },
    Case {
        name: "a leaf's data changed",
        sql: "UPDATE ledger_leaves SET data = data || X'20' WHERE idx = 3",
        named: &["log leaf 3", "hash does not match"],
    },
    Case {
        name: "a leaf's data and hash changed together",
        sql: "UPDATE ledger_leaves SET data = X'7b7d',
              hash = X'0000000000000000000000000000000000000000000000000000000000000000'
              WHERE idx = 2",
        named: &["log leaf 2", "checkpoint"],
    },
    Case {
        name: "the log's frontier changed",
        sql: "UPDATE ledger_state SET frontier = X'00'",
        named: &["log state"],
    },
    Case {
        name: "a checkpoint's signature changed",
        sql: "UPDATE ledger_checkpoints SET note = replace(note, '—', '-')
              WHERE size = (SELECT MAX(size) FROM ledger_checkpoints)",
        named: &["signature does not verify"],
    },
    Case {
        name: "every checkpoint removed",
        sql: "DELETE FROM ledger_checkpoints",
        named: &["latest checkpoint covers 0"],
    },
    Case {
        name: "the last leaf and its original removed, the frontier left",
        sql: "PRAGMA foreign_keys = OFF;
              DELETE FROM documents WHERE sha256 =
                (SELECT subject FROM ledger_leaves WHERE kind = 'original' ORDER BY idx DESC LIMIT 1);
              DELETE FROM ledger_leaves WHERE idx = (SELECT MAX(idx) FROM ledger_leaves WHERE kind = 'original');",
        named: &["checkpoint"],
    },
    // Review actions.
    Case {
        name: "a history row's reason changed",
        sql: "UPDATE incident_history SET reason = 'x' WHERE rowid = 1",
        named: &["review row", "reason"],
    },
    Case {
        name: "a history row removed",
        sql: "DELETE FROM incident_history WHERE rowid = 1",
        named: &["review row", "removed"],
    },
    Case {
        name: "a history row added",
        sql: "INSERT INTO incident_history(incident, at, who, action, detail, reason)
              SELECT incident, at, 'x', action, detail, reason FROM incident_history LIMIT 1",
        named: &["incident_history row", "not in the log"],
    },
    Case {
        name: "an edit's value changed",
        sql: "UPDATE incident_edits SET value = '1'",
        named: &["review row", "edit"],
    },
    Case {
        name: "an edit row added",
        sql: "INSERT INTO incident_edits(incident, field, value)
              SELECT id, 'dead', '77' FROM incidents ORDER BY id LIMIT 1",
        named: &["incident_edits row", "no logged edit"],
    },
    Case {
        name: "a report pinned alone by no split",
        sql: "UPDATE reports SET pin = 'alone:' || key
              WHERE key = (SELECT key FROM reports WHERE pin IS NULL ORDER BY key LIMIT 1)",
        named: &["pinned", "no logged merge or split"],
    },
    Case {
        name: "a corrected date changed",
        sql: "UPDATE document_dates SET published = '2020-02-02'",
        named: &["corrected date", "logged redate"],
    },
    // Derived rows.
    Case {
        name: "an incident's dead column changed",
        sql: "UPDATE incidents SET dead = dead + 100 WHERE id = (SELECT id FROM incidents WHERE dead IS NOT NULL ORDER BY id LIMIT 1)",
        named: &["column dead"],
    },
    Case {
        name: "an incident's dead column and body changed together",
        sql: "UPDATE incidents SET dead = 999, body = json_set(body, '$.figures.dead.best', 999)
              WHERE id = (SELECT id FROM incidents WHERE dead IS NOT NULL ORDER BY id LIMIT 1)",
        named: &["stored body differs", "figures"],
    },
    Case {
        name: "an incident's title changed",
        sql: "UPDATE incidents SET body = json_set(body, '$.title', 'x')
              WHERE id = (SELECT id FROM incidents ORDER BY id LIMIT 1)",
        named: &["stored body differs", "title"],
    },
    Case {
        name: "an incident's place column changed",
        sql: "UPDATE incidents SET adcode = '110101', province = '11', prefecture = '1101'
              WHERE id = (SELECT id FROM incidents WHERE adcode IS NOT NULL ORDER BY id LIMIT 1)",
        named: &["column adcode"],
    },
    Case {
        name: "an incident added",
        sql: "INSERT INTO incidents(id, kind, day_start, day_end, adcode, country, dead,
                                    updated_at, body, prefecture, province, derivation)
              SELECT 'inc-forged000000', kind, day_start, day_end, adcode, country, 99,
                     updated_at, json_set(body, '$.id', 'inc-forged000000'), prefecture,
                     province, derivation
              FROM incidents ORDER BY id LIMIT 1",
        named: &["inc-forged000000", "has no reports"],
    },
    Case {
        name: "a claim's value changed in a report",
        sql: "UPDATE reports SET body = json_set(body, '$.claims[0].value', 4321)
              WHERE key = (SELECT key FROM reports WHERE json_array_length(body, '$.claims') > 0
                           ORDER BY key LIMIT 1)",
        named: &["differs from its original's extraction", "claims"],
    },
    Case {
        name: "a document's reports removed",
        sql: "DELETE FROM report_keys WHERE report IN
                (SELECT key FROM reports WHERE document = (SELECT MIN(document) FROM reports));
              DELETE FROM reports WHERE document = (SELECT MIN(document) FROM reports);",
        named: &["is not stored (removed)"],
    },
    Case {
        name: "a report added",
        sql: "INSERT INTO reports(key, document, incident, kind, block, day_start, day_end, body)
              SELECT key || 'x', document, incident, kind, block, day_start, day_end,
                     json_set(body, '$.key', key || 'x')
              FROM reports ORDER BY key LIMIT 1",
        named: &["is not what its original gives"],
    },
];

#[test]
fn every_tamper_case_is_caught_and_named_by_verify() {
    let dir = tempfile::tempdir().unwrap();
    let db = reviewed_store(dir.path());
    let (code, out) = verify(&db, false);
    assert_eq!(code, 0, "the untouched store must verify:\n{out}");
    assert!(out.contains("every one matches"), "{out}");
    let key = PathBuf::from(format!("{}.key", db.display()));
    let mut caught = 0;
    let mut missed = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let copy = dir.path().join(format!("case{i}.db"));
        std::fs::copy(&db, &copy).unwrap();
        std::fs::copy(&key, format!("{}.key", copy.display())).unwrap();
        let conn = rusqlite::Connection::open(&copy).unwrap();
        conn.execute_batch(case.sql)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        drop(conn);
        let (code, out) = verify(&copy, false);
        let named = case.named.iter().all(|w| out.contains(w));
        if code != 0 && named {
            caught += 1;
        } else {
            missed.push(format!("{} (exit {code}):\n{out}", case.name));
        }
    }
    println!(
        "| tampering of the SQLite file | {} cases | {caught} caught and named | {} missed |",
        CASES.len(),
        missed.len()
    );
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
}

#[test]
fn the_log_check_alone_is_quick_and_still_catches_log_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let db = reviewed_store(dir.path());
    let (code, out) = verify(&db, true);
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.contains("derived:"),
        "--quick recomputes nothing: {out}"
    );
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("UPDATE documents SET title = 'x' WHERE rowid = 2")
        .unwrap();
    let (code, out) = verify(&db, true);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("title"), "{out}");
}

/// Two ingests started together on one database file that does not exist yet.
#[test]
fn first_runs_racing_on_a_new_database_both_succeed() {
    const TRIES: usize = 20;
    let corpus = tempfile::tempdir().unwrap();
    let (a, b) = (corpus.path().join("a"), corpus.path().join("b"));
    for (dir, text) in [
        (&a, "2025年3月4日，某县一煤矿发生透水事故，造成3人死亡。"),
        (
            &b,
            "On 5 March 2025 some 200 workers at a shoe factory struck over unpaid wages.",
        ),
    ] {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("one.txt"), text).unwrap();
    }
    let mut failures = Vec::new();
    for i in 0..TRIES {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("new.db");
        let start = |input: &Path| {
            std::process::Command::new(env!("CARGO_BIN_EXE_recount"))
                .arg("--db")
                .arg(&db)
                .arg("ingest")
                .arg(input)
                .env_remove("RECOUNT_KEY")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = (start(&a), start(&b));
        for child in [first, second] {
            let out = child.wait_with_output().unwrap();
            if !out.status.success() {
                failures.push(format!(
                    "try {i}: exit {:?}: {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        let stored = sql_one(&db, "SELECT CAST(COUNT(*) AS TEXT) FROM documents");
        if stored != "2" {
            failures.push(format!("try {i}: {stored} documents stored, not 2"));
        }
        let (code, out) = verify(&db, true);
        if code != 0 {
            failures.push(format!("try {i}: verify failed:\n{out}"));
        }
    }
    println!(
        "| two first ingests racing on a new database | {TRIES} tries | {} survived | {} failed |",
        TRIES - failures.len().min(TRIES),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
