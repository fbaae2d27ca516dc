//! The proof JSON checked by an independent verifier: `scripts/verify_proof.py`,
//! written against the RFCs with Python's standard library, shares no code with this
//! crate, so agreement here means the format is what its documentation says.

#[path = "../src/vectors.rs"]
#[allow(dead_code)]
mod vectors;

use recount_ledger::{
    inclusion_proof, leaf_hash, root, sign, Checkpoint, ConsistencyProof, Hash, Proof, SigningKey,
    VerifierKey,
};
use std::path::{Path, PathBuf};
use std::process::Command;

const ORIGIN: &str = "recount.example/archive";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/verify_proof.py")
}

/// Runs the script on `proof` (written to a temp file) and returns its exit code.
fn run(proof_json: &str, key: Option<&str>) -> i32 {
    run_with(proof_json, key, None)
}

/// Runs the script with `--old` naming a file holding `old` (checkpoint notes).
fn run_with(proof_json: &str, key: Option<&str>, old: Option<&str>) -> i32 {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("proof.json");
    std::fs::write(&file, proof_json).expect("write proof");
    let mut command = Command::new("python3");
    command.arg(script()).arg(&file);
    if let Some(key) = key {
        command.arg("--key").arg(key);
    }
    if let Some(old) = old {
        let kept = dir.path().join("kept");
        std::fs::write(&kept, old).expect("write kept checkpoints");
        command.arg("--old").arg(kept);
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

/// The signed checkpoint of the first `size` leaves.
fn note_of(leaves: &[Hash], size: usize, key: &SigningKey) -> String {
    sign(
        &Checkpoint::new(ORIGIN, size as u64, root(&leaves[..size])),
        ORIGIN,
        key,
    )
    .expect("sign")
}

#[test]
fn python_accepts_every_consistency_proof_and_inclusion_proof_in_one_file() {
    recount_testkit::python3();
    let log = signed_log(13, 5);
    let mut lines = Vec::new();
    for old in 0..=13 {
        let earlier = (old > 0).then(|| note_of(&log.leaves, old as usize, &log.key));
        let proof = ConsistencyProof::build(&log.leaves, old, &log.note, earlier.as_deref())
            .expect("build");
        assert!(proof.verify(&log.key.verifying_key()).is_ok());
        lines.push(proof.to_json());
    }
    for index in [0, 6, 12] {
        let proof = Proof::build(&log.leaves, index, &log.note).expect("build");
        lines.push(
            serde_json::from_str::<serde_json::Value>(&proof.to_json())
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(run(&lines.join("\n"), Some(&log.verifier)), 0);
    // One bad line among them fails the file.
    let mut bad = lines.clone();
    let changed = bad[9].replacen("\"old_size\":9", "\"old_size\":8", 1);
    assert_ne!(changed, bad[9]);
    bad[9] = changed;
    assert_eq!(run(&bad.join("\n"), Some(&log.verifier)), 1);
}

#[test]
fn python_checks_the_published_consistency_vectors() {
    recount_testkit::python3();
    let key = SigningKey::from_bytes(&[6; 32]);
    let leaves: Vec<Hash> = vectors::LEAF_INPUTS
        .iter()
        .map(|input| leaf_hash(&hex::decode(input).expect("hex")))
        .collect();
    for (old, new, expected) in vectors::CONSISTENCY_PROOFS {
        let proof =
            ConsistencyProof::build(&leaves, old, &note_of(&leaves, new as usize, &key), None)
                .expect("build");
        let published: Vec<String> = expected.iter().map(|x| x.to_string()).collect();
        assert_eq!(
            proof.proof.iter().map(hex::encode).collect::<Vec<_>>(),
            published
        );
        assert_eq!(hex::encode(proof.old_root), vectors::ROOTS[old as usize]);
        assert_eq!(run(&proof.to_json(), None), 0, "{old} -> {new}");
        if let Some(first) = expected.first() {
            let mut flipped = proof.clone();
            flipped.proof[0][0] ^= 1;
            assert_eq!(
                run(&flipped.to_json(), None),
                1,
                "{old} -> {new}: {first} changed"
            );
        }
    }
}

#[test]
fn python_rejects_tampered_consistency_proofs() {
    recount_testkit::python3();
    let log = signed_log(41, 7);
    let vk = log.key.verifying_key();
    let earlier = note_of(&log.leaves, 23, &log.key);
    let good = ConsistencyProof::build(&log.leaves, 23, &log.note, Some(&earlier)).expect("build");
    assert_eq!(run(&good.to_json(), Some(&log.verifier)), 0);

    let mut old_root = good.clone();
    old_root.old_root[4] ^= 2;
    old_root.old_checkpoint = None;
    let mut new_root = good.clone();
    new_root.new_root[9] ^= 1;
    let mut hash = good.clone();
    hash.proof[2][31] ^= 1;
    let mut short = good.clone();
    short.proof.pop();
    let mut long = good.clone();
    long.proof.push([0; 32]);
    let mut old_size = good.clone();
    old_size.old_size = 22;
    old_size.old_checkpoint = None;
    let mut new_size = good.clone();
    new_size.new_size = 42;
    let mut other_old = good.clone();
    other_old.old_checkpoint = Some(note_of(&log.leaves, 22, &log.key));
    for (what, tampered) in [
        ("old root", old_root),
        ("new root", new_root),
        ("proof hash", hash),
        ("proof too short", short),
        ("proof too long", long),
        ("old size", old_size),
        ("new size", new_size),
        ("old checkpoint of another size", other_old),
    ] {
        assert_eq!(run(&tampered.to_json(), Some(&log.verifier)), 1, "{what}");
        assert!(tampered.verify(&vk).is_err(), "Rust accepted {what}");
    }
    // Signed by another key: only the signature check catches it.
    let stranger = signed_log(41, 8);
    let foreign =
        ConsistencyProof::build(&stranger.leaves, 23, &stranger.note, None).expect("build");
    assert_eq!(run(&foreign.to_json(), None), 0);
    assert_eq!(run(&foreign.to_json(), Some(&log.verifier)), 1);
}

#[test]
fn python_with_a_kept_checkpoint_catches_a_rewritten_log() {
    recount_testkit::python3();
    let log = signed_log(20, 9);
    let kept = note_of(&log.leaves, 11, &log.key);
    let honest = ConsistencyProof::build(&log.leaves, 11, &log.note, None).expect("build");
    assert_eq!(
        run_with(&honest.to_json(), Some(&log.verifier), Some(&kept)),
        0
    );
    // The kept checkpoint among others, as in a published list.
    let list = format!("{}\n{kept}\n", note_of(&log.leaves, 4, &log.key));
    assert_eq!(
        run_with(&honest.to_json(), Some(&log.verifier), Some(&list)),
        0
    );

    // Leaf 5 rewritten and the latest checkpoint signed again over the rewrite: the
    // proof agrees with itself, not with the checkpoint kept before.
    let mut rewritten = log.leaves.clone();
    rewritten[5] = leaf_hash(b"rewritten");
    let resigned = note_of(&rewritten, 20, &log.key);
    let forged = ConsistencyProof::build(&rewritten, 11, &resigned, None).expect("build");
    assert_eq!(
        run(&forged.to_json(), Some(&log.verifier)),
        0,
        "math alone cannot tell"
    );
    assert_eq!(
        run_with(&forged.to_json(), Some(&log.verifier), Some(&kept)),
        1
    );
    let held = recount_ledger::open(&kept, ORIGIN, &log.key.verifying_key()).expect("own note");
    assert!(forged
        .verify_extends(&log.key.verifying_key(), &held)
        .is_err());
    // A kept checkpoint of another size is no evidence either way: refused.
    let other = note_of(&log.leaves, 12, &log.key);
    assert_eq!(
        run_with(&honest.to_json(), Some(&log.verifier), Some(&other)),
        1
    );
}
