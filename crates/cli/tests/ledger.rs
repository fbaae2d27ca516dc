//! The tamper-evident log end to end: untouched stores verify; a row changed, removed,
//! reordered or added behind the log's back is named; proofs check offline.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn recount(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.arg("--db").arg(db);
    cmd
}

fn ingested() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    recount(&db)
        .arg("ingest")
        .arg(repo().join("samples/corpus"))
        .assert()
        .success();
    (dir, db)
}

/// Runs `recount verify` and returns (exit code, stderr).
fn verify(db: &Path) -> (i32, String) {
    let out = recount(db).arg("verify").output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn tamper(db: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn an_untouched_store_verifies_and_the_key_is_private() {
    let (_dir, db) = ingested();
    assert_eq!(verify(&db).0, 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = PathBuf::from(format!("{}.key", db.display()));
        let mode = std::fs::metadata(key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn a_changed_archived_row_is_named() {
    let (_dir, db) = ingested();
    tamper(
        &db,
        "UPDATE documents SET body = X'00' || body WHERE rowid = 4",
    );
    let (code, err) = verify(&db);
    assert_ne!(code, 0);
    assert!(
        err.contains("log leaf 3") && err.contains("archived bytes"),
        "{err}"
    );
}

#[test]
fn a_removed_row_is_named() {
    let (_dir, db) = ingested();
    tamper(
        &db,
        "PRAGMA foreign_keys = OFF; DELETE FROM documents WHERE rowid = 2",
    );
    let (code, err) = verify(&db);
    assert_ne!(code, 0);
    assert!(
        err.contains("log leaf 1") && err.contains("removed"),
        "{err}"
    );
}

#[test]
fn reordered_rows_are_named() {
    let (_dir, db) = ingested();
    tamper(
        &db,
        "PRAGMA foreign_keys = OFF;
         UPDATE documents SET rowid = 1000 WHERE rowid = 2;
         UPDATE documents SET rowid = 2 WHERE rowid = 3;
         UPDATE documents SET rowid = 3 WHERE rowid = 1000;",
    );
    let (code, err) = verify(&db);
    assert_ne!(code, 0);
    assert!(err.contains("out of order"), "{err}");
}

#[test]
fn a_rewritten_leaf_breaks_the_checkpoint() {
    let (_dir, db) = ingested();
    tamper(&db, "DELETE FROM ledger_leaves WHERE idx = 5");
    let (code, err) = verify(&db);
    assert_ne!(code, 0);
    assert!(
        err.contains("leaf 5 is missing") && err.contains("checkpoint"),
        "{err}"
    );
}

#[test]
fn review_actions_are_logged_and_a_smuggled_edit_is_found() {
    let (_dir, db) = ingested();
    let out = recount(&db)
        .args(["incidents", "--format", "jsonl"])
        .output()
        .unwrap();
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let id = first["id"].as_str().unwrap();
    recount(&db)
        .args([
            "edit", id, "--set", "dead=99", "--reason", "test", "--who", "t",
        ])
        .assert()
        .success();
    assert_eq!(verify(&db).0, 0);
    tamper(&db, "UPDATE incident_edits SET value = '1'");
    let (code, err) = verify(&db);
    assert_ne!(code, 0);
    assert!(err.contains("review row") && err.contains("edit"), "{err}");
}

#[test]
fn python_a_proof_checks_offline_with_the_python_verifier() {
    recount_testkit::python3();
    let (dir, db) = ingested();
    let out = recount(&db)
        .args(["incidents", "--format", "jsonl"])
        .output()
        .unwrap();
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let proofs = recount(&db)
        .args(["proof", first["id"].as_str().unwrap()])
        .output()
        .unwrap();
    assert!(proofs.status.success());
    let line = String::from_utf8(proofs.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let file = dir.path().join("proof.json");
    std::fs::write(&file, &line).unwrap();
    let cp = recount(&db)
        .args(["checkpoint", "--verifier-key"])
        .output()
        .unwrap();
    let vkey = String::from_utf8(cp.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    let script = repo().join("scripts/verify_proof.py");
    let ok = std::process::Command::new("python3")
        .arg(&script)
        .arg(&file)
        .args(["--key", &vkey])
        .status()
        .unwrap();
    assert!(ok.success());
    let forged = line.replacen("\"leaf_index\":", "\"leaf_index\":1", 1);
    std::fs::write(&file, forged).unwrap();
    let bad = std::process::Command::new("python3")
        .arg(&script)
        .arg(&file)
        .args(["--key", &vkey])
        .status()
        .unwrap();
    assert!(!bad.success());
}

#[test]
fn warcio_export_lists_every_original_for_warcio() {
    recount_testkit::warcio();
    let (dir, db) = ingested();
    let warc = dir.path().join("archive.warc");
    recount(&db)
        .args(["export", "--format", "warc", "--out"])
        .arg(&warc)
        .assert()
        .success();
    let index = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys; from warcio.cli import main; sys.exit(main(sys.argv[1:]))",
            "index",
        ])
        .arg(&warc)
        .output()
        .unwrap();
    assert!(index.status.success());
    let listed = String::from_utf8(index.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"resource\""))
        .count();
    let docs = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM documents", [], |r| r.get::<_, i64>(0))
        .unwrap();
    assert_eq!(listed as i64, docs);
    let check = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys; from warcio.cli import main; sys.exit(main(sys.argv[1:]))",
            "check",
        ])
        .arg(&warc)
        .status()
        .unwrap();
    assert!(check.success(), "warcio check found a bad digest");
}

/// The verifier key, as `recount checkpoint --verifier-key` prints it last.
fn verifier_key(db: &Path) -> String {
    let out = recount(db)
        .args(["checkpoint", "--verifier-key"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string()
}

/// Runs the Python verifier on a file: (success, what it said).
fn python_verifier(file: &Path, key: &str) -> (bool, String) {
    let out = std::process::Command::new("python3")
        .arg(repo().join("scripts/verify_proof.py"))
        .arg(file)
        .args(["--key", key])
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn python_what_recount_proof_writes_checks_offline_line_by_line() {
    recount_testkit::python3();
    let (dir, db) = ingested();
    let vkey = verifier_key(&db);
    // Every document's proof, one line each, in one file.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let docs: Vec<(String, String)> = conn
        .prepare("SELECT doc_id, sha256 FROM documents ORDER BY rowid LIMIT 4")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut all = String::new();
    for (doc_id, sha) in &docs {
        let out = recount(&db).args(["proof", sha]).output().unwrap();
        assert!(out.status.success());
        let line = String::from_utf8(out.stdout).unwrap();
        let proof: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(proof["doc_id"], doc_id.as_str());
        assert_eq!(proof["sha256"], sha.as_str());
        let leaf: serde_json::Value =
            serde_json::from_str(proof["leaf"].as_str().unwrap()).unwrap();
        assert_eq!(
            (&leaf["doc_id"], &leaf["sha256"]),
            (&proof["doc_id"], &proof["sha256"])
        );
        all.push_str(&line);
    }
    let file = dir.path().join("proofs.jsonl");
    std::fs::write(&file, &all).unwrap();
    let (ok, said) = python_verifier(&file, &vkey);
    assert!(ok, "{said}");
    assert_eq!(said.matches("OK (proof ").count(), docs.len(), "{said}");
    assert!(said.contains(&docs[1].0), "names the document: {said}");

    // A proof that names another document than its leaf covers fails, alone.
    let lines: Vec<&str> = all.lines().collect();
    let renamed = lines[1].replacen(
        &format!("\"doc_id\":\"{}\"", docs[1].0),
        "\"doc_id\":\"someone-else.txt\"",
        1,
    );
    assert_ne!(renamed, lines[1]);
    let mixed = [lines[0], renamed.as_str(), lines[2], lines[3]].join("\n");
    std::fs::write(&file, mixed).unwrap();
    let (ok, said) = python_verifier(&file, &vkey);
    assert!(!ok);
    assert!(
        said.contains("FAIL (proof 2): the leaf data names another doc_id")
            && said.contains("1 of 4 proofs"),
        "{said}"
    );
}

#[test]
fn proof_takes_the_sha256_prefix_show_prints() {
    let (_dir, db) = ingested();
    let out = recount(&db)
        .args(["incidents", "--format", "jsonl"])
        .output()
        .unwrap();
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let shown = recount(&db)
        .args(["show", first["id"].as_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(shown.stdout).unwrap();
    let prefix = text
        .split("sha256 ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("show prints a sha256 for each source")
        .to_string();
    assert_eq!(prefix.len(), 16, "{text}");
    let out = recount(&db).args(["proof", &prefix]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let proof: serde_json::Value =
        serde_json::from_str(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
    assert!(proof["sha256"].as_str().unwrap().starts_with(&prefix));

    // Too short to be looked up as a prefix: not found.
    let out = recount(&db).args(["proof", &prefix[..7]]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("no incident"));
}

#[test]
fn proof_consistency_is_one_json_line_that_verifies() {
    let (_dir, db) = ingested();
    let out = recount(&db)
        .args(["proof", "--consistency", "3"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    let proof = recount_ledger::ConsistencyProof::from_json(text.trim()).unwrap();
    assert_eq!(proof.old_size, 3);
    let key_file = PathBuf::from(format!("{}.key", db.display()));
    let (_, key) =
        recount_ledger::parse_signer_key(std::fs::read_to_string(key_file).unwrap().trim())
            .unwrap();
    let latest = proof.verify(&key.verifying_key()).unwrap();
    let leaves = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM ledger_leaves", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
    assert_eq!(latest.size as i64, leaves);

    let out = recount(&db)
        .args(["proof", "--consistency", &(leaves + 1).to_string()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("larger"));
    // An id and --consistency together are refused by the argument parser.
    recount(&db)
        .args(["proof", "inc-1", "--consistency", "1"])
        .assert()
        .failure();
}
