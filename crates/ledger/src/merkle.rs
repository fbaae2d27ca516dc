//! RFC 6962 / RFC 9162 Merkle tree hashing and proofs over leaf hashes.
//!
//! Every function takes leaf hashes (`leaf_hash(data)`), not leaf data, because the
//! store keeps one 32-byte hash per leaf row and need not reread what a leaf covers
//! to prove or check the tree. Tree sizes and indices are `u64`, as in the RFC; a
//! slice of leaf hashes is a tree of `len()` leaves.
//!
//! The algorithms are those of RFC 9162 §2.1: the Merkle Tree Hash (§2.1.1), PATH
//! and its verification (§2.1.3), PROOF/SUBPROOF and its verification (§2.1.4).
//! They agree with RFC 6962 §2.1, which they clarify.

use crate::Error;
use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;

/// The hash of one leaf: `SHA-256(0x00 || data)`.
///
/// The prefix keeps a leaf from ever hashing like an interior node (second-preimage
/// resistance, RFC 6962 §2.1). Cost: one SHA-256 over `data.len() + 1` bytes.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(data);
    hasher.finalize().into()
}

/// The hash of an interior node: `SHA-256(0x01 || left || right)`.
///
/// Cost: one SHA-256 over 65 bytes.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([NODE_PREFIX]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree, `SHA-256("")`
/// (`e3b0c442…b855`). Cost: one SHA-256.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The Merkle Tree Hash (RFC 9162 §2.1.1) of a tree with these leaf hashes: the
/// empty-tree hash for none, the leaf hash itself for one, and otherwise
/// `node_hash(MTH(D[0:k]), MTH(D[k:n]))` with `k` the largest power of two below `n`.
///
/// For the current root of a growing log, keep a [`CompactRange`] instead; this is
/// for recomputing a tree from its rows (verification) and for tests. Cost: `n - 1`
/// node hashes, O(log n) stack.
pub fn root(leaf_hashes: &[Hash]) -> Hash {
    if leaf_hashes.is_empty() {
        empty_root()
    } else {
        subtree_root(leaf_hashes)
    }
}

/// MTH of a non-empty slice.
fn subtree_root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [only] => *only,
        _ => {
            let k = split_point(leaves.len());
            node_hash(&subtree_root(&leaves[..k]), &subtree_root(&leaves[k..]))
        }
    }
}

/// The largest power of two strictly less than `n` (for `n >= 2`): where RFC 6962
/// splits a tree of `n` leaves.
fn split_point(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

fn to_usize(value: u64) -> usize {
    // A tree larger than the address space could not have been passed as a slice, so
    // saturating keeps every comparison against a slice length correct.
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// The inclusion proof (audit path, RFC 9162 §2.1.3.1 `PATH(m, D[n])`) for the leaf
/// at `index` in the tree of all of `leaf_hashes`, nearest sibling first.
///
/// To prove against an older checkpoint of size `s`, pass `&leaf_hashes[..s]`.
/// Errors if `index` is not a leaf of the tree. Cost: `n - 1` node hashes at most
/// (every sibling subtree is rehashed from its leaves); the proof has at most
/// `ceil(log2 n)` hashes.
pub fn inclusion_proof(leaf_hashes: &[Hash], index: u64) -> Result<Vec<Hash>, Error> {
    let size = leaf_hashes.len();
    let position = to_usize(index);
    if position >= size {
        return Err(Error::IndexOutOfRange {
            index,
            size: size as u64,
        });
    }
    let mut proof = Vec::new();
    path(position, leaf_hashes, &mut proof);
    Ok(proof)
}

fn path(m: usize, leaves: &[Hash], proof: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split_point(leaves.len());
    if m < k {
        path(m, &leaves[..k], proof);
        proof.push(subtree_root(&leaves[k..]));
    } else {
        path(m - k, &leaves[k..], proof);
        proof.push(subtree_root(&leaves[..k]));
    }
}

/// Whether `proof` shows that `leaf_hash` is the leaf at `index` of the tree of
/// `tree_size` leaves whose root is `root` (RFC 9162 §2.1.3.2).
///
/// Fails for an index outside the tree, a proof with hashes missing or left over,
/// and any changed hash. Cost: one node hash per proof element.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> bool {
    if index >= tree_size {
        return false;
    }
    let mut fnode = index;
    let mut snode = tree_size - 1;
    let mut r = *leaf_hash;
    for p in proof {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && r == *root
}

/// The consistency proof (RFC 9162 §2.1.4.1 `PROOF(m, D[n])`) that the tree of the
/// first `old_size` leaves is a prefix of the tree of all of `leaf_hashes`.
///
/// Empty when `old_size` is 0 or the whole tree; errors when `old_size` exceeds the
/// leaves given. Cost: `n - 1` node hashes at most; the proof has at most
/// `ceil(log2 n) + 1` hashes.
pub fn consistency_proof(leaf_hashes: &[Hash], old_size: u64) -> Result<Vec<Hash>, Error> {
    let size = leaf_hashes.len();
    let m = to_usize(old_size);
    if m > size {
        return Err(Error::SizeOrder {
            old: old_size,
            new: size as u64,
        });
    }
    let mut proof = Vec::new();
    if m > 0 && m < size {
        subproof(m, leaf_hashes, true, &mut proof);
    }
    Ok(proof)
}

fn subproof(m: usize, leaves: &[Hash], whole_old_tree: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        // The old tree's root is a node of the new tree: the verifier knows it
        // already when it is the whole old tree, and needs it otherwise.
        if !whole_old_tree {
            proof.push(subtree_root(leaves));
        }
        return;
    }
    let k = split_point(n);
    if m <= k {
        subproof(m, &leaves[..k], whole_old_tree, proof);
        proof.push(subtree_root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, proof);
        proof.push(subtree_root(&leaves[..k]));
    }
}

/// Whether `proof` shows that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root` (RFC 9162 §2.1.4.2),
/// i.e. that the log only appended between the two.
///
/// Equal sizes need an empty proof and equal roots. An old size of 0 needs an empty
/// proof and `old_root` equal to [`empty_root`] (stricter than the RFC, which leaves
/// the empty tree out, so that a changed old root never passes). Cost: two node hashes
/// per proof element at most.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if old_size == 0 {
        return proof.is_empty() && *old_root == empty_root();
    }
    if proof.is_empty() {
        return false;
    }
    // A power-of-two old tree is a single node of the new tree, which the proof leaves
    // out because the verifier holds it as `old_root`.
    let (first, rest) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        (proof[0], &proof[1..])
    };
    let mut fnode = old_size - 1;
    let mut snode = new_size - 1;
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let mut fr = first;
    let mut sr = first;
    for c in rest {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    fr == *old_root && sr == *new_root && snode == 0
}

/// The state of a growing log that is enough to append and to compute the root: the
/// roots of the perfect subtrees that make up `[0, size)`, one per set bit of `size`,
/// largest (leftmost) first. Also called the log's frontier.
///
/// The store persists it (see [`CompactRange::to_bytes`]) next to the leaf rows and
/// updates it in the transaction that appends a leaf, so an append never rereads the
/// log. It holds at most 64 hashes (2 KiB).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompactRange {
    size: u64,
    nodes: Vec<Hash>,
}

impl CompactRange {
    /// The range of the empty log. Cost: none.
    pub fn new() -> Self {
        Self::default()
    }

    /// The range after appending these leaf hashes to an empty log, for rebuilding the
    /// state from rows. Cost: fewer than `n` node hashes.
    pub fn from_leaf_hashes(leaf_hashes: &[Hash]) -> Self {
        let mut range = Self::new();
        for leaf in leaf_hashes {
            range.append(*leaf);
        }
        range
    }

    /// The number of leaves appended so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect-subtree roots, largest first: `size.count_ones()` hashes.
    pub fn nodes(&self) -> &[Hash] {
        &self.nodes
    }

    /// Appends one leaf hash (`leaf_hash(data)`, not the data). Cost: one node hash per
    /// trailing one bit of the old size, so O(log n) worst case and O(1) amortised.
    pub fn append(&mut self, leaf_hash: Hash) {
        let mut carry = leaf_hash;
        let mut size = self.size;
        // Appending is binary increment: every trailing one bit is a perfect subtree
        // of equal height that merges with the new one.
        while size & 1 == 1 {
            let Some(left) = self.nodes.pop() else { break };
            carry = node_hash(&left, &carry);
            size >>= 1;
        }
        self.nodes.push(carry);
        self.size += 1;
    }

    /// The root of the tree of all leaves appended so far, equal to [`root`] over them.
    /// Cost: `size.count_ones() - 1` node hashes.
    pub fn root(&self) -> Hash {
        let mut nodes = self.nodes.iter().rev();
        let Some(last) = nodes.next() else {
            return empty_root();
        };
        nodes.fold(*last, |right, left| node_hash(left, &right))
    }

    /// The persisted form: the size as 8 bytes big-endian, then each node hash (32
    /// bytes), largest subtree first; `8 + 32 * size.count_ones()` bytes in all.
    /// Read it back with [`CompactRange::from_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(8 + 32 * self.nodes.len());
        bytes.extend_from_slice(&self.size.to_be_bytes());
        for node in &self.nodes {
            bytes.extend_from_slice(node);
        }
        bytes
    }

    /// Reads the form [`CompactRange::to_bytes`] writes. Errors when the length does
    /// not match the size it states, which catches truncation; it cannot tell a
    /// changed hash, so compare [`CompactRange::root`] with the latest checkpoint.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let Some((size_bytes, rest)) = bytes.split_first_chunk::<8>() else {
            return Err(Error::CompactRange(format!(
                "{} bytes, too short for the 8-byte size",
                bytes.len()
            )));
        };
        let size = u64::from_be_bytes(*size_bytes);
        let expected = size.count_ones() as usize;
        if rest.len() != 32 * expected {
            return Err(Error::CompactRange(format!(
                "size {size} needs {expected} hashes ({} bytes) after the size, found {} bytes",
                32 * expected,
                rest.len()
            )));
        }
        let nodes = rest
            .chunks_exact(32)
            .map(|chunk| {
                let mut node = [0u8; 32];
                node.copy_from_slice(chunk);
                node
            })
            .collect();
        Ok(Self { size, nodes })
    }
}

#[cfg(test)]
mod tests;
