use super::*;
use crate::merkle::leaf_hash;
use crate::note::{generate_signing_key, sign};
use crate::testutil::{leaves, TestRng};
use ed25519_dalek::SigningKey;

const ORIGIN: &str = "recount.example/archive";

fn signed_log(n: usize) -> (Vec<Hash>, String, SigningKey) {
    let key = generate_signing_key(&mut TestRng(11));
    let tree = leaves(n);
    let checkpoint = Checkpoint::new(ORIGIN, n as u64, root(&tree));
    let note = sign(&checkpoint, ORIGIN, &key).expect("valid checkpoint");
    (tree, note, key)
}

#[test]
fn built_proofs_verify_after_a_json_round_trip() {
    let (tree, note, key) = signed_log(13);
    for index in 0..13u64 {
        let proof = Proof::build(&tree, index, &note).expect("leaf in tree");
        let read = Proof::from_json(&proof.to_json()).expect("own JSON");
        assert_eq!(read, proof);
        let checkpoint = read.verify(&key.verifying_key()).expect("valid proof");
        assert_eq!(checkpoint.size, 13);
        assert_eq!(read.leaf_hash, tree[index as usize]);
    }
}

#[test]
fn proofs_against_an_older_checkpoint_use_its_size() {
    let (mut tree, note, key) = signed_log(10);
    tree.extend(leaves(20).into_iter().skip(10));
    let proof = Proof::build(&tree, 9, &note).expect("leaf in old tree");
    assert_eq!(proof.tree_size, 10);
    assert!(proof.verify(&key.verifying_key()).is_ok());
    assert!(matches!(
        Proof::build(&tree, 10, &note),
        Err(Error::IndexOutOfRange {
            index: 10,
            size: 10
        })
    ));
}

#[test]
fn building_from_changed_rows_is_refused() {
    let (mut tree, note, _) = signed_log(6);
    tree[2] = leaf_hash(b"edited");
    assert!(matches!(
        Proof::build(&tree, 0, &note),
        Err(Error::RootMismatch { size: 6, .. })
    ));
    assert!(matches!(
        Proof::build(&tree[..5], 0, &note),
        Err(Error::SizeOrder { old: 6, new: 5 })
    ));
}

#[test]
fn tampered_proofs_fail_to_verify() {
    let (tree, note, key) = signed_log(9);
    let vk = key.verifying_key();
    let good = Proof::build(&tree, 4, &note).unwrap();

    let mut wrong_leaf = good.clone();
    wrong_leaf.leaf_hash = leaf_hash(b"other");
    assert!(matches!(
        wrong_leaf.verify(&vk),
        Err(Error::NotIncluded { .. })
    ));

    let mut wrong_index = good.clone();
    wrong_index.leaf_index = 5;
    assert!(matches!(
        wrong_index.verify(&vk),
        Err(Error::NotIncluded { .. })
    ));

    let mut wrong_path = good.clone();
    wrong_path.proof[1][7] ^= 0x20;
    assert!(matches!(
        wrong_path.verify(&vk),
        Err(Error::NotIncluded { .. })
    ));

    let mut wrong_root = good.clone();
    wrong_root.root[0] ^= 1;
    assert!(matches!(
        wrong_root.verify(&vk),
        Err(Error::CheckpointMismatch { field: "root", .. })
    ));

    let mut wrong_size = good.clone();
    wrong_size.tree_size = 8;
    assert!(matches!(
        wrong_size.verify(&vk),
        Err(Error::CheckpointMismatch {
            field: "tree_size",
            ..
        })
    ));

    let mut forged = good.clone();
    forged.checkpoint = forged.checkpoint.replacen("\n9\n", "\n8\n", 1);
    assert!(matches!(
        forged.verify(&vk),
        Err(Error::BadSignature { .. })
    ));

    let stranger = generate_signing_key(&mut TestRng(12)).verifying_key();
    assert!(matches!(
        good.verify(&stranger),
        Err(Error::NoSignature { .. })
    ));
}

#[test]
fn json_names_the_bad_member() {
    let (tree, note, _) = signed_log(4);
    let json = Proof::build(&tree, 1, &note).unwrap().to_json();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for member in [
        "leaf_index",
        "tree_size",
        "leaf_hash",
        "proof",
        "root",
        "checkpoint",
    ] {
        assert!(value.get(member).is_some(), "missing {member}");
    }
    let mut bad = value.clone();
    bad["proof"][1] = "zz".into();
    let err = Proof::from_json(&bad.to_string()).unwrap_err();
    assert!(err.to_string().contains("proof[1]"), "{err}");
    let mut short = value.clone();
    short["root"] = "abcd".into();
    let err = Proof::from_json(&short.to_string()).unwrap_err();
    assert!(err.to_string().contains("root is 2 bytes"), "{err}");
    let mut missing = value.clone();
    missing.as_object_mut().unwrap().remove("leaf_hash");
    assert!(Proof::from_json(&missing.to_string()).is_err());
    let mut extra = value;
    extra["subject"] = "doc:abc".into();
    assert!(Proof::from_json(&extra.to_string()).is_ok());
}
