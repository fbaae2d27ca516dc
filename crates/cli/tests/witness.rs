//! Checkpoints published outside the database, and `verify --witness` against them: an
//! intact log passes; a log truncated, stripped of its checkpoints or rewritten fails,
//! naming the checkpoint's size, even where plain `verify` is satisfied.

#[path = "../../fetch/tests/server/mod.rs"]
mod server;

use assert_cmd::Command;
use recount_ledger::{CompactRange, Hash};
use server::{Reply, Server};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus(name: &str) -> PathBuf {
    repo().join("samples/corpus").join(name)
}

fn recount(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.arg("--db").arg(db).env_remove("RECOUNT_PUBLISH");
    cmd
}

/// A store made by two ingests, each publishing its checkpoint to `dir/witness/`: first
/// two documents, then the rest of the sample corpus. Returns the temp dir, the
/// database, the witness directory and the two checkpoint sizes.
struct Published {
    _dir: tempfile::TempDir,
    db: PathBuf,
    witness: PathBuf,
    first: u64,
    last: u64,
}

fn published() -> Published {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let witness = dir.path().join("witness");
    let publish = format!("{}/", witness.display());
    recount(&db)
        .args(["--publish", &publish, "ingest"])
        .arg(corpus("en_guizhou_gas_blast_2025-10-15.txt"))
        .arg(corpus("zh_qinyuan_tongbao_2025-09-25.txt"))
        .assert()
        .success();
    let first = leaves(&db).len() as u64;
    // The same destination from the environment, as RECOUNT_DB and RECOUNT_KEY are.
    recount(&db)
        .env("RECOUNT_PUBLISH", &publish)
        .arg("ingest")
        .arg(repo().join("samples/corpus"))
        .assert()
        .success();
    let last = leaves(&db).len() as u64;
    Published {
        _dir: dir,
        db,
        witness,
        first,
        last,
    }
}

fn leaves(db: &Path) -> Vec<Hash> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT hash FROM ledger_leaves ORDER BY idx")
        .unwrap();
    let rows = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|h| h.unwrap().try_into().unwrap())
        .collect();
    rows
}

fn tamper(db: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(sql).unwrap();
}

/// Recomputes the stored frontier from the leaf rows, as someone rewriting the file
/// would, so that the log state agrees with the leaves left.
fn recompute_frontier(db: &Path) {
    let range = CompactRange::from_leaf_hashes(&leaves(db));
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "UPDATE ledger_state SET frontier = ?1 WHERE id = 1",
        [range.to_bytes()],
    )
    .unwrap();
}

/// The attack of someone who can write the database but has no key: the documents after
/// an earlier signed checkpoint of `size` leaves go with their leaves, the frontier is
/// recomputed and the checkpoints after it are deleted. What remains agrees with itself,
/// and its latest checkpoint covers the whole log.
fn truncate_to(db: &Path, size: u64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF;
         DELETE FROM documents WHERE sha256 IN
             (SELECT subject FROM ledger_leaves WHERE kind = 'original' AND idx >= {size});
         DELETE FROM ledger_leaves WHERE idx >= {size};
         DELETE FROM ledger_checkpoints WHERE size > {size};"
    ))
    .unwrap();
    drop(conn);
    recompute_frontier(db);
}

/// The last document and its leaf go, the frontier is recomputed and the checkpoints
/// after what is left are deleted: the start of a rewrite by someone who then signs again.
fn drop_last_document(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let (idx, sha): (i64, String) = conn
        .query_row(
            "SELECT idx, subject FROM ledger_leaves ORDER BY idx DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute("DELETE FROM documents WHERE sha256 = ?1", [&sha])
        .unwrap();
    conn.execute("DELETE FROM ledger_leaves WHERE idx = ?1", [idx])
        .unwrap();
    conn.execute("DELETE FROM ledger_checkpoints WHERE size > ?1", [idx])
        .unwrap();
    drop(conn);
    recompute_frontier(db);
}

/// Runs `recount verify --quick [--witness PATH]` (the log alone, not the rows derived
/// from it, which the tampering here leaves behind): (exit code, stdout, stderr).
fn verify(db: &Path, witness: Option<&Path>) -> (i32, String, String) {
    let mut cmd = recount(db);
    cmd.args(["verify", "--quick"]);
    if let Some(w) = witness {
        cmd.arg("--witness").arg(w);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The notes of a file of checkpoints.
fn notes(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    recount_ledger::split_checkpoint_notes(&text)
        .unwrap()
        .into_iter()
        .map(str::to_string)
        .collect()
}

fn size_of(note: &str) -> u64 {
    recount_ledger::Checkpoint::parse_unverified(note)
        .unwrap()
        .size
}

#[test]
fn each_checkpoint_is_published_once_and_an_intact_log_passes_the_witness() {
    let p = published();
    assert!(p.last > p.first);
    let listed = notes(&p.witness.join("checkpoints"));
    assert_eq!(
        listed.iter().map(|n| size_of(n)).collect::<Vec<_>>(),
        [p.first, p.last]
    );
    for (note, size) in listed.iter().zip([p.first, p.last]) {
        let one = std::fs::read_to_string(p.witness.join(format!("checkpoint.{size}"))).unwrap();
        assert_eq!(&one, note);
    }
    // Publishing again changes nothing; the latest printed is the one published.
    let out = recount(&p.db)
        .arg("checkpoint")
        .arg("--publish")
        .arg(&p.witness)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), listed[1]);
    assert_eq!(notes(&p.witness.join("checkpoints")), listed);

    let (code, stdout, stderr) = verify(&p.db, Some(&p.witness));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(&format!(
            "2 checkpoints up to size {}; each is consistent with the log's checkpoint of size {}",
            p.last, p.last
        )),
        "{stdout}"
    );

    // A file destination: the latest note, appended once; the file is a witness too.
    let file = p.witness.parent().unwrap().join("witness.txt");
    for _ in 0..2 {
        recount(&p.db)
            .arg("--publish")
            .arg(&file)
            .arg("checkpoint")
            .assert()
            .success();
    }
    assert_eq!(notes(&file), [listed[1].clone()]);
    assert_eq!(verify(&p.db, Some(&file)).0, 0);
}

#[test]
fn a_log_rewritten_without_the_key_passes_verify_but_not_the_witness() {
    let p = published();
    truncate_to(&p.db, p.first);
    let (code, _, stderr) = verify(&p.db, None);
    assert_eq!(code, 0, "what is left agrees with itself: {stderr}");

    let (code, stdout, stderr) = verify(&p.db, Some(&p.witness));
    assert_ne!(code, 0, "{stdout}");
    assert!(
        stderr.contains(&format!(
            "witnessed checkpoint of size {} ({}",
            p.last,
            p.witness.display()
        )) && stderr.contains(&format!(
            "the log's latest checkpoint has size {}: the log went back",
            p.first
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&format!("witnessed checkpoint of size {} ", p.first)),
        "the first checkpoint still holds: {stderr}"
    );
    // And the witness directory refuses the smaller checkpoint.
    let out = recount(&p.db)
        .args(["checkpoint", "--publish"])
        .arg(&p.witness)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("the log went back"), "{err}");
    assert_eq!(notes(&p.witness.join("checkpoints")).len(), 2);
}

#[test]
fn a_log_without_its_checkpoints_fails_the_witness() {
    let p = published();
    tamper(&p.db, "DELETE FROM ledger_checkpoints");
    let (code, _, stderr) = verify(&p.db, Some(&p.witness));
    assert_ne!(code, 0);
    for size in [p.first, p.last] {
        assert!(
            stderr.contains(&format!(
                "witnessed checkpoint of size {size} ({}",
                p.witness.display()
            )),
            "{stderr}"
        );
    }
    assert!(
        stderr.contains("the log has no signed checkpoint"),
        "{stderr}"
    );
}

#[test]
fn leaves_removed_after_a_published_checkpoint_fail_the_witness() {
    let p = published();
    tamper(
        &p.db,
        &format!("DELETE FROM ledger_leaves WHERE idx >= {}", p.first),
    );
    let (code, _, stderr) = verify(&p.db, Some(&p.witness));
    assert_ne!(code, 0);
    assert!(
        stderr.contains(&format!("witnessed checkpoint of size {} (", p.last))
            && stderr.contains(&format!(
                "the log holds {} leaves, fewer than the {}",
                p.first, p.last
            )),
        "{stderr}"
    );
}

#[test]
fn a_log_rewritten_and_signed_again_with_the_key_fails_the_witness() {
    let p = published();
    let dir = p.witness.parent().unwrap();
    // Drop the last document, then archive another one in its place and sign: the log
    // is as large as the witness's latest checkpoint again, with another history.
    drop_last_document(&p.db);
    let other = dir.join("other.txt");
    std::fs::write(
        &other,
        "A different report, archived in place of the last one.\n",
    )
    .unwrap();
    recount(&p.db).arg("ingest").arg(&other).assert().success();
    assert_eq!(leaves(&p.db).len() as u64, p.last);
    let (code, _, stderr) = verify(&p.db, None);
    assert_eq!(code, 0, "{stderr}");

    let (code, _, stderr) = verify(&p.db, Some(&p.witness));
    assert_ne!(code, 0);
    assert!(
        stderr.contains(&format!("witnessed checkpoint of size {} (", p.last))
            && stderr.contains("were rewritten or removed"),
        "{stderr}"
    );
    // Publishing the rewritten checkpoint there is refused as a fork.
    let out = recount(&p.db)
        .args(["checkpoint", "--publish"])
        .arg(&p.witness)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("fork"));
}

#[test]
fn a_forged_or_foreign_checkpoint_in_the_witness_is_named() {
    let p = published();
    let one = p.witness.join(format!("checkpoint.{}", p.first));
    let note = std::fs::read_to_string(&one).unwrap();
    // The root line changed, the signature kept.
    let lines: Vec<&str> = note.lines().collect();
    let forged_root = if lines[2].starts_with('A') { "B" } else { "A" };
    let forged = note.replacen(lines[2], &format!("{forged_root}{}", &lines[2][1..]), 1);
    std::fs::write(&one, forged).unwrap();
    let (code, _, stderr) = verify(&p.db, Some(&p.witness));
    assert_ne!(code, 0);
    assert!(
        stderr.contains(&format!("witnessed checkpoint of size {} in", p.first))
            && stderr.contains("does not verify"),
        "{stderr}"
    );
    // A witness with nothing in it is an error, not a pass.
    let empty = p.witness.parent().unwrap().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, _, stderr) = verify(&p.db, Some(&empty));
    assert_ne!(code, 0);
    assert!(stderr.contains("holds no checkpoint"), "{stderr}");
}

#[test]
fn a_checkpoint_is_posted_to_a_url_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let server = Server::start(|_| Reply::status(202));
    let url = format!("http://127.0.0.1:{}/add-checkpoint", server.port);
    // A loopback address is refused unless allowed, as for feeds.
    let out = recount(&db)
        .args(["--publish", &url, "ingest"])
        .arg(corpus("en_guizhou_gas_blast_2025-10-15.txt"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("refused") && err.contains("checkpoint --publish"),
        "{err}"
    );
    assert!(server.log.lock().unwrap().is_empty());

    let out = recount(&db)
        .args(["--publish", &url, "--publish-allow-private", "checkpoint"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let note = String::from_utf8(out.stdout).unwrap();
    recount(&db)
        .args(["--publish", &url, "--publish-allow-private", "ingest"])
        .arg(corpus("zh_qinyuan_tongbao_2025-09-25.txt"))
        .assert()
        .success();
    let log = server.log.lock().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, "/add-checkpoint");
    assert!(log[0]
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(String::from_utf8(log[0].body.clone()).unwrap(), note);
    let second = String::from_utf8(log[1].body.clone()).unwrap();
    assert_eq!((size_of(&note), size_of(&second)), (1, 2));
}

#[test]
fn python_a_consistency_proof_checks_offline_against_a_kept_checkpoint() {
    recount_testkit::python3();
    let p = published();
    let dir = p.witness.parent().unwrap().to_path_buf();
    let vkey = {
        let out = recount(&p.db)
            .args(["checkpoint", "--verifier-key"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .to_string()
    };
    let script = repo().join("scripts/verify_proof.py");
    let check = |proof: &str, old: &Path| -> (bool, String) {
        let file = dir.join("consistency.json");
        std::fs::write(&file, proof).unwrap();
        let out = std::process::Command::new("python3")
            .arg(&script)
            .arg(&file)
            .args(["--key", &vkey, "--old"])
            .arg(old)
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), said)
    };
    let prove = |from: u64| -> String {
        let out = recount(&p.db)
            .args(["proof", "--consistency", &from.to_string()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let kept = p.witness.join(format!("checkpoint.{}", p.first));
    let proof = prove(p.first);
    assert_eq!(proof.lines().count(), 1);
    let json: serde_json::Value = serde_json::from_str(&proof).unwrap();
    assert_eq!(
        (json["old_size"].as_u64(), json["new_size"].as_u64()),
        (Some(p.first), Some(p.last))
    );
    assert!(json["old_checkpoint"].is_string());
    let (ok, said) = check(&proof, &kept);
    assert!(ok && said.contains("matches the kept checkpoint"), "{said}");
    // The list of every published checkpoint serves as --old too.
    assert!(check(&proof, &p.witness.join("checkpoints")).0);
    // A proof from a size the kept checkpoint is not of says nothing about it.
    let (ok, said) = check(&prove(1), &kept);
    assert!(!ok && said.contains("at size 1"), "{said}");
    // One proof hash changed.
    let hash = json["proof"][0].as_str().unwrap();
    let flipped: String = hash
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '0' {
                    '1'
                } else {
                    '0'
                }
            } else {
                c
            }
        })
        .collect();
    assert!(!check(&proof.replacen(hash, &flipped, 1), &kept).0);

    // Rewritten and signed again: the log's own proof holds, the kept checkpoint does not.
    drop_last_document(&p.db);
    let other = dir.join("other.txt");
    std::fs::write(&other, "Another report in place of the last one.\n").unwrap();
    recount(&p.db).arg("ingest").arg(&other).assert().success();
    let kept_last = p.witness.join(format!("checkpoint.{}", p.last));
    let (ok, said) = check(&prove(p.last), &kept_last);
    assert!(!ok && said.contains("rewrote"), "{said}");
}
