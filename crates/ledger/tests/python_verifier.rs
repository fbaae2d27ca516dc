//! The proof JSON checked by an independent verifier: `scripts/verify_proof.py`,
//! written against the RFCs with Python's standard library, shares no code with this
//! crate, so agreement here means the format is what its documentation says.

use recount_ledger::{
    inclusion_proof, leaf_hash, root, sign, Checkpoint, Hash, Proof, SigningKey, VerifierKey,
};
use std::path::{Path, PathBuf};
use std::process::Command;

const ORIGIN: &str = "recount.example/archive";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/verify_proof.py")
}

/// Runs the script on `proof` (written to a temp file) and returns its exit code.
fn run(proof_json: &str, key: Option<&str>) -> i32 {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("proof.json");
    std::fs::write(&file, proof_json).expect("write proof");
    let mut command = Command::new("python3");
    command.arg(script()).arg(&file);
    if let Some(key) = key {
        command.arg("--key").arg(key);
    }
    let out = command.output().expect("run python3");
    eprintln!(
        "verify_proof.py: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.status.code().expect("exit code")
}

struct Log {
    leaves: Vec<Hash>,
    note: String,
    verifier: String,
    key: SigningKey,
}

fn signed_log(n: usize, seed: u8) -> Log {
    let key = SigningKey::from_bytes(&[seed; 32]);
    let leaves: Vec<Hash> = (0..n)
        .map(|i| leaf_hash(format!("document {i}").as_bytes()))
        .collect();
    let checkpoint = Checkpoint::new(ORIGIN, n as u64, root(&leaves));
    let note = sign(&checkpoint, ORIGIN, &key).expect("sign");
    let verifier = VerifierKey::new(ORIGIN, key.verifying_key())
        .expect("valid name")
        .to_string();
    Log {
        leaves,
        note,
        verifier,
        key,
    }
}

#[test]
fn python_accepts_every_proof_of_a_small_log() {
    recount_testkit::python3();
    let log = signed_log(11, 1);
    for index in 0..11 {
        let proof = Proof::build(&log.leaves, index, &log.note).expect("build");
        assert!(proof.verify(&log.key.verifying_key()).is_ok());
        assert_eq!(run(&proof.to_json(), None), 0, "leaf {index}");
    }
}

#[test]
fn python_checks_the_signature_with_the_verifier_key() {
    recount_testkit::python3();
    let log = signed_log(300, 2);
    let proof = Proof::build(&log.leaves, 257, &log.note).expect("build");
    assert_eq!(run(&proof.to_json(), Some(&log.verifier)), 0);

    let other = signed_log(300, 3);
    assert_eq!(run(&proof.to_json(), Some(&other.verifier)), 1);
}

#[test]
fn python_rejects_tampered_proofs() {
    recount_testkit::python3();
    let log = signed_log(37, 4);
    let good = Proof::build(&log.leaves, 20, &log.note).expect("build");
    assert_eq!(run(&good.to_json(), Some(&log.verifier)), 0);

    let mut leaf = good.clone();
    leaf.leaf_hash = leaf_hash(b"a different document");
    let mut index = good.clone();
    index.leaf_index = 21;
    let mut path = good.clone();
    path.proof[2][31] ^= 1;
    let mut short = good.clone();
    short.proof.pop();
    let mut size = good.clone();
    size.tree_size = 38;
    for (what, tampered) in [
        ("leaf hash", leaf),
        ("leaf index", index),
        ("proof hash", path),
        ("proof length", short),
        ("tree size", size),
    ] {
        assert_eq!(run(&tampered.to_json(), None), 1, "{what}");
        assert!(
            tampered.verify(&log.key.verifying_key()).is_err(),
            "Rust accepted {what}"
        );
    }

    // A proof recomputed for a forged tree, with its checkpoint body edited to match:
    // the Merkle math holds, only the signature check catches it.
    let mut forged_leaves = log.leaves.clone();
    forged_leaves[20] = leaf_hash(b"a quietly edited document");
    let forged_root = root(&forged_leaves);
    let honest = Checkpoint::parse_unverified(&log.note).expect("own note");
    let body = honest.body().expect("body");
    let forged_body = Checkpoint::new(ORIGIN, 37, forged_root)
        .body()
        .expect("body");
    let forged = Proof {
        leaf_index: 20,
        tree_size: 37,
        leaf_hash: forged_leaves[20],
        proof: inclusion_proof(&forged_leaves, 20).expect("in range"),
        root: forged_root,
        checkpoint: log.note.replacen(&body, &forged_body, 1),
    };
    assert_eq!(run(&forged.to_json(), None), 0, "math alone cannot tell");
    assert_eq!(run(&forged.to_json(), Some(&log.verifier)), 1);
    assert!(forged.verify(&log.key.verifying_key()).is_err());

    assert_eq!(run("{\"leaf_index\": 0}", None), 1, "incomplete JSON");
    assert_eq!(run("not json", None), 1, "not JSON");
}
