use super::*;
use crate::testutil::{h, leaves};
use crate::vectors::{
    Node, CONSISTENCY_PROOFS, CONSISTENCY_SHAPES, INCLUSION_PROOFS, INCLUSION_SHAPES, LEAF_INPUTS,
    NODE_HASHES, ROOTS,
};
use proptest::prelude::*;

fn vector_leaves() -> Vec<Hash> {
    LEAF_INPUTS
        .iter()
        .map(|input| leaf_hash(&hex::decode(input).expect("hex leaf input")))
        .collect()
}

fn hashes(hex_list: &[&str]) -> Vec<Hash> {
    hex_list.iter().map(|x| h(x)).collect()
}

fn node(n: Node) -> Hash {
    match n {
        Node::At(level, index) => h(NODE_HASHES[level][index]),
        Node::Rehash7 => node_hash(&h(NODE_HASHES[1][2]), &h(NODE_HASHES[0][6])),
    }
}

fn flip(hash: &Hash, byte: usize, mask: u8) -> Hash {
    let mut changed = *hash;
    changed[byte] ^= mask;
    changed
}

#[test]
fn empty_root_is_sha256_of_nothing() {
    assert_eq!(empty_root(), h(ROOTS[0]));
    assert_eq!(root(&[]), h(ROOTS[0]));
    assert_eq!(CompactRange::new().root(), h(ROOTS[0]));
}

#[test]
fn leaf_hashes_match_published_level_zero() {
    let leaves = vector_leaves();
    assert_eq!(leaves, hashes(NODE_HASHES[0]));
}

#[test]
fn roots_match_published_for_every_size() {
    let leaves = vector_leaves();
    for (size, expected) in ROOTS.iter().enumerate() {
        assert_eq!(root(&leaves[..size]), h(expected), "size {size}");
        let range = CompactRange::from_leaf_hashes(&leaves[..size]);
        assert_eq!(range.root(), h(expected), "compact range, size {size}");
    }
}

#[test]
fn complete_subtrees_match_published_node_hashes() {
    let leaves = vector_leaves();
    for (level, row) in NODE_HASHES.iter().enumerate() {
        for (index, expected) in row.iter().enumerate() {
            let span = &leaves[index << level..(index + 1) << level];
            assert_eq!(root(span), h(expected), "level {level} index {index}");
        }
    }
}

#[test]
fn compact_range_nodes_match_published_compact_trees() {
    // testonly/constants.go CompactTrees(): the frontier after each append.
    let leaves = vector_leaves();
    let expected: [&[(usize, usize)]; 9] = [
        &[],
        &[(0, 0)],
        &[(1, 0)],
        &[(1, 0), (0, 2)],
        &[(2, 0)],
        &[(2, 0), (0, 4)],
        &[(2, 0), (1, 2)],
        &[(2, 0), (1, 2), (0, 6)],
        &[(3, 0)],
    ];
    for (size, nodes) in expected.iter().enumerate() {
        let range = CompactRange::from_leaf_hashes(&leaves[..size]);
        let want: Vec<Hash> = nodes.iter().map(|&(l, i)| h(NODE_HASHES[l][i])).collect();
        assert_eq!(range.nodes(), want.as_slice(), "size {size}");
        assert_eq!(range.size(), size as u64);
    }
}

#[test]
fn inclusion_proofs_match_published_and_verify() {
    let leaves = vector_leaves();
    for (index, size, expected) in INCLUSION_PROOFS {
        let tree = &leaves[..size as usize];
        let proof = inclusion_proof(tree, index).expect("index in range");
        assert_eq!(proof, hashes(expected), "index {index} size {size}");
        let root = h(ROOTS[size as usize]);
        assert!(verify_inclusion(
            &leaves[index as usize],
            index,
            size,
            &proof,
            &root
        ));
    }
}

#[test]
fn inclusion_proofs_hold_the_published_nodes() {
    let leaves = vector_leaves();
    for (size, index, shape) in INCLUSION_SHAPES {
        let proof = inclusion_proof(&leaves[..size as usize], index).expect("in range");
        let want: Vec<Hash> = shape.iter().map(|&n| node(n)).collect();
        assert_eq!(proof, want, "size {size} index {index}");
    }
}

/// The corruptions of transparency-dev/merkle `corruptInclusionProof`: none may verify.
#[test]
fn corrupted_inclusion_proofs_fail() {
    let leaves = vector_leaves();
    let some_hash = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    for (index, size, expected) in INCLUSION_PROOFS {
        let proof = hashes(expected);
        let root = h(ROOTS[size as usize]);
        let leaf = leaves[index as usize];
        let mut probes: Vec<(u64, u64, Hash, Vec<Hash>, Hash, String)> = vec![
            (
                index.wrapping_sub(1),
                size,
                leaf,
                proof.clone(),
                root,
                "index - 1".into(),
            ),
            (
                index + 1,
                size,
                leaf,
                proof.clone(),
                root,
                "index + 1".into(),
            ),
            (
                index ^ 2,
                size,
                leaf,
                proof.clone(),
                root,
                "index ^ 2".into(),
            ),
            (
                index,
                size * 2,
                leaf,
                proof.clone(),
                root,
                "size * 2".into(),
            ),
            (
                index,
                size / 2,
                leaf,
                proof.clone(),
                root,
                "size / 2".into(),
            ),
            (
                index,
                size,
                leaf_hash(b"WrongLeaf"),
                proof.clone(),
                root,
                "wrong leaf".into(),
            ),
            (
                index,
                size,
                leaf,
                proof.clone(),
                empty_root(),
                "empty root".into(),
            ),
            (
                index,
                size,
                leaf,
                proof.clone(),
                some_hash,
                "random root".into(),
            ),
        ];
        for extra in [root, [0u8; 32]] {
            let mut trailing = proof.clone();
            trailing.push(extra);
            probes.push((index, size, leaf, trailing, root, "trailing hash".into()));
            let mut preceding = vec![extra];
            preceding.extend(proof.iter().copied());
            probes.push((index, size, leaf, preceding, root, "preceding hash".into()));
        }
        for i in 0..proof.len() {
            let mut changed = proof.clone();
            changed[i] = flip(&changed[i], 0, 8);
            probes.push((index, size, leaf, changed, root, format!("bit flip in {i}")));
        }
        if !proof.is_empty() {
            let shorter = proof[..proof.len() - 1].to_vec();
            probes.push((index, size, leaf, shorter, root, "removed hash".into()));
        }
        if proof.len() > 1 {
            let mut inserted = vec![proof[0], some_hash];
            inserted.extend(proof[1..].iter().copied());
            probes.push((index, size, leaf, inserted, root, "inserted hash".into()));
        }
        for (i, s, l, p, r, what) in probes {
            // The "index ± 1" probes for a 1-leaf tree land on a valid position of
            // nothing; they must fail like the rest.
            assert!(
                !verify_inclusion(&l, i, s, &p, &r),
                "{what} verified for index {index} size {size}"
            );
        }
    }
}

#[test]
fn inclusion_of_a_single_leaf_is_the_empty_proof() {
    let leaf = leaf_hash(b"data");
    assert_eq!(inclusion_proof(&[leaf], 0), Ok(vec![]));
    assert!(verify_inclusion(&leaf, 0, 1, &[], &leaf));
    assert!(!verify_inclusion(&leaf, 0, 1, &[], &empty_root()));
    for (index, size) in [(0, 0), (1, 0), (2, 1)] {
        assert!(!verify_inclusion(&leaf, index, size, &[], &leaf));
    }
}

#[test]
fn inclusion_proof_outside_the_tree_is_an_error() {
    let tree = leaves(7);
    assert_eq!(
        inclusion_proof(&tree, 7),
        Err(Error::IndexOutOfRange { index: 7, size: 7 })
    );
    assert!(inclusion_proof(&[], 0).is_err());
    assert!(inclusion_proof(&tree, u64::MAX).is_err());
}

#[test]
fn consistency_proofs_match_published_and_verify() {
    let leaves = vector_leaves();
    for (old, new, expected) in CONSISTENCY_PROOFS {
        let proof = consistency_proof(&leaves[..new as usize], old).expect("old <= new");
        assert_eq!(proof, hashes(expected), "{old} -> {new}");
        let old_root = h(ROOTS[old as usize]);
        let new_root = h(ROOTS[new as usize]);
        assert!(verify_consistency(old, new, &old_root, &new_root, &proof));
    }
}

#[test]
fn consistency_proofs_hold_the_published_nodes() {
    let leaves = vector_leaves();
    for (old, new, shape) in CONSISTENCY_SHAPES {
        let proof = consistency_proof(&leaves[..new as usize], old).expect("old <= new");
        let want: Vec<Hash> = shape.iter().map(|&n| node(n)).collect();
        assert_eq!(proof, want, "{old} -> {new}");
    }
}

/// The corruptions of transparency-dev/merkle `corruptConsistencyProof`.
#[test]
fn corrupted_consistency_proofs_fail() {
    for (old, new, expected) in CONSISTENCY_PROOFS {
        let proof = hashes(expected);
        if proof.is_empty() {
            continue;
        }
        let r1 = h(ROOTS[old as usize]);
        let r2 = h(ROOTS[new as usize]);
        let wrong = leaf_hash(b"WrongRoot");
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>, String)> = vec![
            (old - 1, new, r1, r2, proof.clone(), "old - 1".into()),
            (old + 1, new, r1, r2, proof.clone(), "old + 1".into()),
            (old ^ 2, new, r1, r2, proof.clone(), "old ^ 2".into()),
            (old, new * 2, r1, r2, proof.clone(), "new * 2".into()),
            (old, new / 2, r1, r2, proof.clone(), "new / 2".into()),
            (old, new, wrong, r2, proof.clone(), "wrong old root".into()),
            (old, new, r1, wrong, proof.clone(), "wrong new root".into()),
            (old, new, r2, r1, proof.clone(), "swapped roots".into()),
            (old, new, r1, r2, vec![], "empty proof".into()),
            (
                old,
                new,
                r1,
                r2,
                proof[..proof.len() - 1].to_vec(),
                "truncated".into(),
            ),
        ];
        for extra in [[0u8; 32], r1, r2, proof[0]] {
            let mut trailing = proof.clone();
            trailing.push(extra);
            probes.push((old, new, r1, r2, trailing, "trailing hash".into()));
            let mut preceding = vec![extra];
            preceding.extend(proof.iter().copied());
            probes.push((old, new, r1, r2, preceding, "preceding hash".into()));
        }
        for i in 0..proof.len() {
            let mut changed = proof.clone();
            changed[i] = flip(&changed[i], 0, 16);
            probes.push((old, new, r1, r2, changed, format!("bit flip in {i}")));
        }
        for (o, n, a, b, p, what) in probes {
            assert!(
                !verify_consistency(o, n, &a, &b, &p),
                "{what} verified for {old} -> {new}"
            );
        }
    }
}

#[test]
fn consistency_edge_cases() {
    let r1 = leaf_hash(b"don't care 1");
    let r2 = leaf_hash(b"don't care 2");
    let e = empty_root();
    // Equal sizes: equal roots and nothing to prove.
    assert!(verify_consistency(0, 0, &r1, &r1, &[]));
    assert!(verify_consistency(1, 1, &r2, &r2, &[]));
    assert!(!verify_consistency(0, 0, &r1, &r2, &[]));
    assert!(!verify_consistency(1, 1, &r1, &r2, &[]));
    assert!(!verify_consistency(1, 1, &e, &e, &[e]));
    // From the empty tree, only the empty tree's root.
    assert!(verify_consistency(0, 1, &e, &r2, &[]));
    assert!(!verify_consistency(0, 1, &r1, &r2, &[]));
    assert!(!verify_consistency(0, 1, &e, &r2, &[e]));
    // A log never shrinks.
    assert!(!verify_consistency(1, 0, &r1, &r2, &[]));
    assert!(!verify_consistency(2, 1, &r1, &r2, &[]));
    // Growth needs a proof.
    assert!(!verify_consistency(1, 2, &r1, &r2, &[]));
}

#[test]
fn consistency_proof_beyond_the_leaves_is_an_error() {
    let tree = leaves(5);
    assert_eq!(
        consistency_proof(&tree, 6),
        Err(Error::SizeOrder { old: 6, new: 5 })
    );
    assert_eq!(consistency_proof(&tree, 0), Ok(vec![]));
    assert_eq!(consistency_proof(&tree, 5), Ok(vec![]));
}

#[test]
fn consistency_proofs_verify_for_every_pair_up_to_64() {
    let tree = leaves(64);
    let roots: Vec<Hash> = (0..=64).map(|n| root(&tree[..n])).collect();
    for new in 0..=64usize {
        for old in 0..=new {
            let proof = consistency_proof(&tree[..new], old as u64).expect("old <= new");
            let (o, n) = (old as u64, new as u64);
            assert!(
                verify_consistency(o, n, &roots[old], &roots[new], &proof),
                "{old} -> {new}"
            );
            let altered_old = flip(&roots[old], 31, 1);
            assert!(
                !verify_consistency(o, n, &altered_old, &roots[new], &proof),
                "altered old root verified for {old} -> {new}"
            );
            // The empty tree is a prefix of every tree, whatever its root.
            if old > 0 {
                let altered_new = flip(&roots[new], 0, 0x80);
                assert!(
                    !verify_consistency(o, n, &roots[old], &altered_new, &proof),
                    "altered new root verified for {old} -> {new}"
                );
            }
            if old > 0 && old < new {
                // A proof between other sizes says nothing about these.
                assert!(!verify_consistency(o, n, &roots[old], &roots[new], &[]));
            }
        }
    }
}

#[test]
fn compact_range_round_trips_through_bytes() {
    for n in [0usize, 1, 2, 3, 7, 8, 255, 256, 1000] {
        let range = CompactRange::from_leaf_hashes(&leaves(n));
        let bytes = range.to_bytes();
        assert_eq!(bytes.len(), 8 + 32 * (n as u64).count_ones() as usize);
        assert_eq!(&bytes[..8], &(n as u64).to_be_bytes());
        assert_eq!(CompactRange::from_bytes(&bytes), Ok(range.clone()));
    }
}

#[test]
fn compact_range_rejects_truncated_bytes() {
    let range = CompactRange::from_leaf_hashes(&leaves(7));
    let bytes = range.to_bytes();
    assert!(CompactRange::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    assert!(CompactRange::from_bytes(&bytes[..bytes.len() - 32]).is_err());
    assert!(CompactRange::from_bytes(&bytes[..7]).is_err());
    let mut longer = bytes.clone();
    longer.extend_from_slice(&[0; 32]);
    assert!(CompactRange::from_bytes(&longer).is_err());
}

#[test]
fn compact_range_continues_after_reload() {
    let tree = leaves(100);
    let mut range = CompactRange::from_leaf_hashes(&tree[..37]);
    range = CompactRange::from_bytes(&range.to_bytes()).expect("round trip");
    for leaf in &tree[37..] {
        range.append(*leaf);
    }
    assert_eq!(range.root(), root(&tree));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every leaf of a random tree is proven, and a proof for one leaf proves no other.
    #[test]
    fn every_inclusion_proof_verifies(n in 1usize..=300, seed in any::<u64>()) {
        let tree: Vec<Hash> = (0..n as u64).map(|i| leaf_hash(&(i ^ seed).to_le_bytes())).collect();
        let tree_root = root(&tree);
        let size = n as u64;
        for index in 0..n {
            let i = index as u64;
            let proof = inclusion_proof(&tree, i).expect("in range");
            prop_assert!(verify_inclusion(&tree[index], i, size, &proof, &tree_root));
            let other = (index + 1) % n;
            if other != index {
                prop_assert!(!verify_inclusion(&tree[index], other as u64, size, &proof, &tree_root));
            }
        }
    }

    /// A single flipped bit anywhere (leaf, proof, root) or a wrong index fails.
    #[test]
    fn tampered_inclusion_proofs_fail(
        n in 2usize..=300,
        index_seed in any::<usize>(),
        wrong_seed in any::<usize>(),
        byte in 0usize..32,
        bit in 0u8..8,
        target in 0usize..3,
    ) {
        let tree = leaves(n);
        let tree_root = root(&tree);
        let index = index_seed % n;
        let proof = inclusion_proof(&tree, index as u64).expect("in range");
        let mut leaf = tree[index];
        let mut path = proof.clone();
        let mut r = tree_root;
        match target {
            0 => leaf[byte] ^= 1 << bit,
            1 => { let k = byte % path.len(); path[k][byte] ^= 1 << bit; }
            _ => r[byte] ^= 1 << bit,
        }
        prop_assert!(!verify_inclusion(&leaf, index as u64, n as u64, &path, &r));
        let wrong = (index + 1 + wrong_seed % (n - 1)) % n;
        prop_assert_ne!(wrong, index);
        prop_assert!(!verify_inclusion(&tree[index], wrong as u64, n as u64, &proof, &tree_root));
    }

    /// The compact range's root equals the full recomputation after every append.
    #[test]
    fn compact_range_root_equals_root(n in 0usize..=300, seed in any::<u64>()) {
        let tree: Vec<Hash> = (0..n as u64).map(|i| leaf_hash(&i.wrapping_mul(seed).to_le_bytes())).collect();
        let mut range = CompactRange::new();
        prop_assert_eq!(range.root(), root(&[]));
        for (i, leaf) in tree.iter().enumerate() {
            range.append(*leaf);
            prop_assert_eq!(range.size(), i as u64 + 1);
            prop_assert_eq!(range.nodes().len(), (i as u64 + 1).count_ones() as usize);
            prop_assert_eq!(range.root(), root(&tree[..=i]));
        }
    }

    /// Consistency proofs from random prefixes of larger random trees verify.
    #[test]
    fn consistency_proofs_verify_for_larger_trees(new in 1usize..=300, old_seed in any::<usize>()) {
        let tree = leaves(new);
        let old = old_seed % (new + 1);
        let proof = consistency_proof(&tree, old as u64).expect("old <= new");
        let old_root = root(&tree[..old]);
        let new_root = root(&tree);
        prop_assert!(verify_consistency(old as u64, new as u64, &old_root, &new_root, &proof));
        prop_assert!(!verify_consistency(old as u64, new as u64, &flip(&old_root, 3, 4), &new_root, &proof));
    }
}
