//! An inclusion proof a third party checks offline, with nothing but the proof file
//! and the log's public key.
//!
//! The JSON form (one object; hashes are lowercase hex of 32 bytes):
//!
//! ```json
//! {
//!   "leaf_index": 3,
//!   "tree_size": 8,
//!   "leaf_hash": "<hex SHA-256(0x00 || leaf data)>",
//!   "proof": ["<hex>", "..."],
//!   "root": "<hex>",
//!   "checkpoint": "<the signed checkpoint note, verbatim>"
//! }
//! ```
//!
//! It proves: the checkpoint is signed by the log's key (c2sp.org/signed-note), names
//! `tree_size` and `root`, and `proof` is the RFC 9162 §2.1.3 audit path from
//! `leaf_hash` at `leaf_index` to that root. Whoever holds the leaf data checks
//! `leaf_hash` themselves. Other members are ignored on reading, so a producer may
//! add context (such as which record the leaf covers) without breaking verifiers.
//! `scripts/verify_proof.py` checks the same file with Python's standard library.

use crate::merkle::{inclusion_proof, root, verify_inclusion, Hash};
use crate::note::{open, Checkpoint};
use crate::Error;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

/// An inclusion proof for one leaf against one signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub leaf_index: u64,
    pub tree_size: u64,
    pub leaf_hash: Hash,
    pub proof: Vec<Hash>,
    pub root: Hash,
    /// The signed checkpoint note whose size and root the proof is against.
    pub checkpoint: String,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: String,
    proof: Vec<String>,
    root: String,
    checkpoint: String,
}

fn decode_hash(field: &str, text: &str) -> Result<Hash, Error> {
    let bytes = hex::decode(text)
        .map_err(|e| Error::ProofJson(format!("{field} {text:?} is not hex: {e}")))?;
    Hash::try_from(bytes)
        .map_err(|b| Error::ProofJson(format!("{field} is {} bytes, not 32", b.len())))
}

impl Proof {
    /// The proof that the leaf at `leaf_index` is in the tree a checkpoint the caller
    /// signed names, built from the log's leaf hashes (at least `size` of them, in
    /// order).
    ///
    /// Checks that the first `size` leaves give the checkpoint's root, so a store
    /// whose rows changed since it signed cannot hand out a proof that fails later
    /// ([`Error::RootMismatch`]). The checkpoint's signature is not checked here: it
    /// is the caller's own. Cost: about `2 * size` node hashes.
    pub fn build(leaf_hashes: &[Hash], leaf_index: u64, checkpoint: &str) -> Result<Self, Error> {
        let signed = Checkpoint::parse_unverified(checkpoint)?;
        let size = usize::try_from(signed.size).unwrap_or(usize::MAX);
        if size > leaf_hashes.len() {
            return Err(Error::SizeOrder {
                old: signed.size,
                new: leaf_hashes.len() as u64,
            });
        }
        let tree = &leaf_hashes[..size];
        let computed = root(tree);
        if computed != signed.root {
            return Err(Error::RootMismatch {
                size: signed.size,
                computed: hex::encode(computed),
                signed: hex::encode(signed.root),
            });
        }
        let proof = inclusion_proof(tree, leaf_index)?;
        let leaf_hash = tree[leaf_index as usize];
        Ok(Self {
            leaf_index,
            tree_size: signed.size,
            leaf_hash,
            proof,
            root: signed.root,
            checkpoint: checkpoint.to_string(),
        })
    }

    /// The documented JSON form, pretty-printed with a final newline. Cost: linear in
    /// the proof's size.
    pub fn to_json(&self) -> String {
        let wire = Wire {
            leaf_index: self.leaf_index,
            tree_size: self.tree_size,
            leaf_hash: hex::encode(self.leaf_hash),
            proof: self.proof.iter().map(hex::encode).collect(),
            root: hex::encode(self.root),
            checkpoint: self.checkpoint.clone(),
        };
        let mut json = serde_json::to_string_pretty(&wire)
            .expect("a struct of strings and integers always serialises");
        json.push('\n');
        json
    }

    /// Reads the documented JSON form. Errors name the member at fault; nothing is
    /// verified yet (see [`Proof::verify`]).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let wire: Wire = serde_json::from_str(json).map_err(|e| Error::ProofJson(e.to_string()))?;
        let proof = wire
            .proof
            .iter()
            .enumerate()
            .map(|(i, text)| decode_hash(&format!("proof[{i}]"), text))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            leaf_index: wire.leaf_index,
            tree_size: wire.tree_size,
            leaf_hash: decode_hash("leaf_hash", &wire.leaf_hash)?,
            proof,
            root: decode_hash("root", &wire.root)?,
            checkpoint: wire.checkpoint,
        })
    }

    /// Checks the proof offline: the checkpoint is signed by `key` under its own
    /// origin as key name (the convention c2sp.org/tlog-checkpoint recommends and
    /// [`crate::sign`] callers follow), it names this proof's size and root, and the
    /// audit path leads from the leaf to that root. Returns the verified checkpoint.
    /// Cost: one Ed25519 verification and one node hash per proof element.
    pub fn verify(&self, key: &VerifyingKey) -> Result<Checkpoint, Error> {
        let claimed = Checkpoint::parse_unverified(&self.checkpoint)?;
        let signed = open(&self.checkpoint, &claimed.origin, key)?;
        if signed.size != self.tree_size {
            return Err(Error::CheckpointMismatch {
                field: "tree_size",
                proof: self.tree_size.to_string(),
                checkpoint: signed.size.to_string(),
            });
        }
        if signed.root != self.root {
            return Err(Error::CheckpointMismatch {
                field: "root",
                proof: hex::encode(self.root),
                checkpoint: hex::encode(signed.root),
            });
        }
        if !verify_inclusion(
            &self.leaf_hash,
            self.leaf_index,
            self.tree_size,
            &self.proof,
            &self.root,
        ) {
            return Err(Error::NotIncluded {
                index: self.leaf_index,
                size: self.tree_size,
                leaf_hash: hex::encode(self.leaf_hash),
            });
        }
        Ok(signed)
    }
}

#[cfg(test)]
mod tests;
