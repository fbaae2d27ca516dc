use super::*;
use crate::merkle::{leaf_hash, node_hash};
use crate::note::{generate_signing_key, sign};
use crate::testutil::{h, leaves, TestRng};
use crate::vectors::{CONSISTENCY_PROOFS, LEAF_INPUTS, ROOTS};
use ed25519_dalek::SigningKey;

const ORIGIN: &str = "recount.example/archive";

fn key(seed: u64) -> SigningKey {
    generate_signing_key(&mut TestRng(seed))
}

/// The signed checkpoint of the first `size` of `tree`.
fn note(tree: &[Hash], size: usize, key: &SigningKey) -> String {
    let checkpoint = Checkpoint::new(ORIGIN, size as u64, root(&tree[..size]));
    sign(&checkpoint, ORIGIN, key).expect("valid checkpoint")
}

#[test]
fn built_proofs_verify_after_a_json_round_trip_for_every_pair() {
    let signer = key(21);
    let tree = leaves(20);
    for new in 1..=20usize {
        let latest = note(&tree, new, &signer);
        for old in 0..=new {
            let proof = ConsistencyProof::build(&tree, old as u64, &latest, None)
                .unwrap_or_else(|e| panic!("{old} -> {new}: {e}"));
            let json = proof.to_json();
            assert!(!json.contains('\n'), "one line: {json}");
            let read = ConsistencyProof::from_json(&json).expect("own JSON");
            assert_eq!(read, proof);
            let checkpoint = read.verify(&signer.verifying_key()).expect("valid proof");
            assert_eq!(checkpoint.size, new as u64);
            assert_eq!(read.old_root, root(&tree[..old]));
            assert_eq!(read.new_root, root(&tree[..new]));
        }
    }
}

#[test]
fn built_proofs_are_the_published_ones() {
    let signer = key(22);
    let tree: Vec<Hash> = LEAF_INPUTS
        .iter()
        .map(|input| leaf_hash(&hex::decode(input).expect("hex leaf input")))
        .collect();
    for (old, new, expected) in CONSISTENCY_PROOFS {
        let latest = note(&tree, new as usize, &signer);
        let proof = ConsistencyProof::build(&tree, old, &latest, None).expect("old <= new");
        let want: Vec<Hash> = expected.iter().map(|x| h(x)).collect();
        assert_eq!(proof.proof, want, "{old} -> {new}");
        assert_eq!(proof.old_root, h(ROOTS[old as usize]));
        assert_eq!(proof.new_root, h(ROOTS[new as usize]));
        assert!(proof.verify(&signer.verifying_key()).is_ok());
    }
}

#[test]
fn the_old_checkpoint_travels_with_the_proof_and_is_checked() {
    let signer = key(23);
    let tree = leaves(13);
    let (earlier, latest) = (note(&tree, 6, &signer), note(&tree, 13, &signer));
    let proof = ConsistencyProof::build(&tree, 6, &latest, Some(&earlier)).expect("consistent");
    assert_eq!(proof.old_checkpoint.as_deref(), Some(earlier.as_str()));
    let read = ConsistencyProof::from_json(&proof.to_json()).expect("own JSON");
    assert_eq!(read.old_checkpoint, proof.old_checkpoint);
    assert!(read.verify(&signer.verifying_key()).is_ok());

    // An old checkpoint signed by another key, or naming another size, fails.
    let mut foreign = proof.clone();
    foreign.old_checkpoint = Some(note(&tree, 6, &key(99)));
    assert!(matches!(
        foreign.verify(&signer.verifying_key()),
        Err(Error::NoSignature { .. })
    ));
    let mut other_size = proof.clone();
    other_size.old_checkpoint = Some(note(&tree, 5, &signer));
    assert!(matches!(
        other_size.verify(&signer.verifying_key()),
        Err(Error::CheckpointMismatch {
            field: "old_size",
            ..
        })
    ));
    // The store must not pair a proof with an old checkpoint of another size.
    assert!(matches!(
        ConsistencyProof::build(&tree, 7, &latest, Some(&earlier)),
        Err(Error::CheckpointMismatch {
            field: "old_size",
            ..
        })
    ));
}

#[test]
fn building_from_changed_or_missing_rows_is_refused() {
    let signer = key(24);
    let mut tree = leaves(9);
    let (earlier, latest) = (note(&tree, 4, &signer), note(&tree, 9, &signer));
    assert!(matches!(
        ConsistencyProof::build(&tree, 10, &latest, None),
        Err(Error::SizeOrder { old: 10, new: 9 })
    ));
    assert!(matches!(
        ConsistencyProof::build(&tree[..8], 4, &latest, None),
        Err(Error::SizeOrder { old: 9, new: 8 })
    ));
    tree[7] = leaf_hash(b"edited after the checkpoint");
    assert!(matches!(
        ConsistencyProof::build(&tree, 4, &latest, None),
        Err(Error::RootMismatch { size: 9, .. })
    ));
    // Rewritten before the old checkpoint, and the new one re-signed over the rewrite:
    // the old checkpoint the log keeps no longer matches its leaves.
    tree[2] = leaf_hash(b"edited before it");
    let resigned = note(&tree, 9, &signer);
    assert!(matches!(
        ConsistencyProof::build(&tree, 4, &resigned, Some(&earlier)),
        Err(Error::RootMismatch { size: 4, .. })
    ));
}

#[test]
fn tampered_proofs_fail() {
    let signer = key(25);
    let vk = signer.verifying_key();
    let tree = leaves(37);
    let latest = note(&tree, 37, &signer);
    let good = ConsistencyProof::build(&tree, 21, &latest, None).expect("consistent");
    assert!(good.verify(&vk).is_ok());
    assert!(good.proof.len() > 2);

    let mut old_root = good.clone();
    old_root.old_root[0] ^= 1;
    let mut new_root = good.clone();
    new_root.new_root[31] ^= 0x80;
    let mut hash = good.clone();
    hash.proof[1][5] ^= 4;
    let mut short = good.clone();
    short.proof.pop();
    let mut long = good.clone();
    long.proof.push(good.proof[0]);
    let mut old_size = good.clone();
    old_size.old_size = 20;
    let mut new_size = good.clone();
    new_size.new_size = 38;
    let mut unsigned = good.clone();
    unsigned.checkpoint = note(&tree, 37, &key(98));
    for (what, tampered) in [
        ("old root", old_root),
        ("new root", new_root),
        ("proof hash", hash),
        ("proof too short", short),
        ("proof too long", long),
        ("old size", old_size),
        ("new size", new_size),
        ("checkpoint by another key", unsigned),
    ] {
        assert!(tampered.verify(&vk).is_err(), "{what} verified");
        let read = ConsistencyProof::from_json(&tampered.to_json()).expect("still JSON");
        assert!(read.verify(&vk).is_err(), "{what} verified after JSON");
    }
}

#[test]
fn a_witness_holding_an_older_checkpoint_catches_a_rewrite() {
    let signer = key(26);
    let vk = signer.verifying_key();
    let honest = leaves(30);
    let held = open(&note(&honest, 12, &signer), ORIGIN, &vk).expect("own note");

    let grown = ConsistencyProof::build(&honest, 12, &note(&honest, 30, &signer), None)
        .expect("consistent");
    assert_eq!(grown.verify_extends(&vk, &held).expect("extends").size, 30);

    // Leaf 3 rewritten and every checkpoint re-signed: the log's own proof and
    // checkpoints agree, but not with what the witness holds.
    let mut rewritten = honest.clone();
    rewritten[3] = node_hash(&rewritten[3], &rewritten[4]);
    let forged = ConsistencyProof::build(&rewritten, 12, &note(&rewritten, 30, &signer), None)
        .expect("self-consistent");
    assert!(forged.verify(&vk).is_ok());
    assert_eq!(
        forged.verify_extends(&vk, &held),
        Err(Error::NotConsistent { old: 12, new: 30 })
    );

    // A proof from another size says nothing about the held checkpoint.
    let elsewhere = ConsistencyProof::build(&honest, 11, &note(&honest, 30, &signer), None)
        .expect("consistent");
    assert!(matches!(
        elsewhere.verify_extends(&vk, &held),
        Err(Error::CheckpointMismatch {
            field: "old_size",
            ..
        })
    ));
    // Nor about a checkpoint of another log.
    let mut other_log = held.clone();
    other_log.origin = "other.example/log".into();
    assert!(matches!(
        grown.verify_extends(&vk, &other_log),
        Err(Error::CheckpointMismatch {
            field: "origin",
            ..
        })
    ));
}

#[test]
fn malformed_json_names_the_member() {
    let signer = key(27);
    let tree = leaves(3);
    let good = ConsistencyProof::build(&tree, 1, &note(&tree, 3, &signer), None)
        .expect("consistent")
        .to_json();
    let short_root = good.replacen("\"old_root\":\"", "\"old_root\":\"00", 1);
    match ConsistencyProof::from_json(&short_root) {
        Err(Error::ProofJson(message)) => assert!(message.contains("old_root"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        ConsistencyProof::from_json("{\"old_size\": 1}"),
        Err(Error::ProofJson(_))
    ));
    // The old checkpoint may be absent.
    let without = good.replacen(",\"old_checkpoint\":null", "", 1);
    assert_ne!(without, good);
    assert!(ConsistencyProof::from_json(&without).is_ok());
}
