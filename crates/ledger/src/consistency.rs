//! A consistency proof a third party checks offline: that the log only appended between
//! two of its trees, with nothing but the proof file and the log's public key.
//!
//! The JSON form (one object; hashes are lowercase hex of 32 bytes, as in [`crate::Proof`]):
//!
//! ```json
//! {
//!   "old_size": 5,
//!   "new_size": 8,
//!   "old_root": "<hex>",
//!   "new_root": "<hex>",
//!   "proof": ["<hex>", "..."],
//!   "checkpoint": "<the signed checkpoint note of the new tree, verbatim>",
//!   "old_checkpoint": "<the log's signed checkpoint of the old tree>" or null
//! }
//! ```
//!
//! It proves: `checkpoint` is signed by the log's key and names `new_size` and
//! `new_root`; `old_checkpoint`, when the log signed one at `old_size`, is signed by the
//! same key and names `old_size` and `old_root`; and `proof` is the RFC 9162 §2.1.4
//! consistency proof that the tree of `old_size` leaves with root `old_root` is a prefix
//! of the tree of `new_size` leaves with root `new_root`. Whoever holds a checkpoint of
//! `old_size` from earlier (a witness) compares its root with `old_root`: if they
//! differ, the log rewrote its history ([`ConsistencyProof::verify_extends`]). Other
//! members are ignored on reading. `scripts/verify_proof.py` checks the same file.

use crate::merkle::{consistency_proof, root, verify_consistency, Hash};
use crate::note::{open, Checkpoint};
use crate::Error;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

/// A consistency proof from an older tree of the log to a signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProof {
    pub old_size: u64,
    pub new_size: u64,
    pub old_root: Hash,
    pub new_root: Hash,
    pub proof: Vec<Hash>,
    /// The signed checkpoint note of the new tree.
    pub checkpoint: String,
    /// The log's own signed checkpoint of the old tree, when it signed one at that size.
    pub old_checkpoint: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    old_size: u64,
    new_size: u64,
    old_root: String,
    new_root: String,
    proof: Vec<String>,
    checkpoint: String,
    #[serde(default)]
    old_checkpoint: Option<String>,
}

fn decode_hash(field: &str, text: &str) -> Result<Hash, Error> {
    let bytes = hex::decode(text)
        .map_err(|e| Error::ProofJson(format!("{field} {text:?} is not hex: {e}")))?;
    Hash::try_from(bytes)
        .map_err(|b| Error::ProofJson(format!("{field} is {} bytes, not 32", b.len())))
}

/// The leaves `[..size]` and their root, after checking that the caller has that many and
/// that they hash to `signed`.
fn signed_prefix<'a>(
    leaf_hashes: &'a [Hash],
    signed: &Checkpoint,
) -> Result<(&'a [Hash], Hash), Error> {
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
    Ok((tree, computed))
}

impl ConsistencyProof {
    /// The proof from the tree of the first `old_size` leaves to the tree a checkpoint
    /// the caller signed names, built from the log's leaf hashes (at least the
    /// checkpoint's size of them, in order). `old_checkpoint` is the caller's own
    /// checkpoint at `old_size`, if it signed one: it travels with the proof.
    ///
    /// Checks that the leaves give the checkpoint's root, and `old_checkpoint`'s root
    /// when given ([`Error::RootMismatch`]), so a store whose rows changed since it
    /// signed cannot hand out a proof that fails later; [`Error::SizeOrder`] when
    /// `old_size` exceeds the checkpoint's size. Signatures are not checked: they are
    /// the caller's own. Cost: about `3 * size` node hashes.
    pub fn build(
        leaf_hashes: &[Hash],
        old_size: u64,
        checkpoint: &str,
        old_checkpoint: Option<&str>,
    ) -> Result<Self, Error> {
        let signed = Checkpoint::parse_unverified(checkpoint)?;
        let (tree, new_root) = signed_prefix(leaf_hashes, &signed)?;
        if old_size > signed.size {
            return Err(Error::SizeOrder {
                old: old_size,
                new: signed.size,
            });
        }
        let old = &tree[..old_size as usize];
        let old_root = match old_checkpoint {
            Some(note) => {
                let earlier = Checkpoint::parse_unverified(note)?;
                if earlier.size != old_size {
                    return Err(Error::CheckpointMismatch {
                        field: "old_size",
                        proof: old_size.to_string(),
                        checkpoint: earlier.size.to_string(),
                    });
                }
                signed_prefix(old, &earlier)?.1
            }
            None => root(old),
        };
        Ok(Self {
            old_size,
            new_size: signed.size,
            old_root,
            new_root,
            proof: consistency_proof(tree, old_size)?,
            checkpoint: checkpoint.to_string(),
            old_checkpoint: old_checkpoint.map(str::to_string),
        })
    }

    /// The documented JSON form on one line, without a final newline (a proof is one
    /// line of what `recount proof` prints). Cost: linear in the proof's size.
    pub fn to_json(&self) -> String {
        let wire = Wire {
            old_size: self.old_size,
            new_size: self.new_size,
            old_root: hex::encode(self.old_root),
            new_root: hex::encode(self.new_root),
            proof: self.proof.iter().map(hex::encode).collect(),
            checkpoint: self.checkpoint.clone(),
            old_checkpoint: self.old_checkpoint.clone(),
        };
        serde_json::to_string(&wire).expect("a struct of strings and integers always serialises")
    }

    /// Reads the documented JSON form. Errors name the member at fault; nothing is
    /// verified yet (see [`ConsistencyProof::verify`]).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let wire: Wire = serde_json::from_str(json).map_err(|e| Error::ProofJson(e.to_string()))?;
        let proof = wire
            .proof
            .iter()
            .enumerate()
            .map(|(i, text)| decode_hash(&format!("proof[{i}]"), text))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            old_size: wire.old_size,
            new_size: wire.new_size,
            old_root: decode_hash("old_root", &wire.old_root)?,
            new_root: decode_hash("new_root", &wire.new_root)?,
            proof,
            checkpoint: wire.checkpoint,
            old_checkpoint: wire.old_checkpoint,
        })
    }

    /// Checks the proof offline: the new checkpoint is signed by `key` under its own
    /// origin and names `new_size` and `new_root`; the old checkpoint, if the proof
    /// carries one, is signed by the same key under the same origin and names
    /// `old_size` and `old_root`; and the proof shows the old tree is a prefix of the
    /// new ([`Error::NotConsistent`] otherwise). Returns the verified new checkpoint.
    /// Cost: one or two Ed25519 verifications and two node hashes per proof element.
    pub fn verify(&self, key: &VerifyingKey) -> Result<Checkpoint, Error> {
        let claimed = Checkpoint::parse_unverified(&self.checkpoint)?;
        let signed = open(&self.checkpoint, &claimed.origin, key)?;
        check_names(
            &signed,
            ("new_size", "new_root"),
            self.new_size,
            &self.new_root,
        )?;
        if let Some(note) = &self.old_checkpoint {
            let earlier = open(note, &signed.origin, key)?;
            if earlier.origin != signed.origin {
                return Err(Error::CheckpointMismatch {
                    field: "old checkpoint's origin",
                    proof: signed.origin.clone(),
                    checkpoint: earlier.origin,
                });
            }
            check_names(
                &earlier,
                ("old_size", "old_root"),
                self.old_size,
                &self.old_root,
            )?;
        }
        if !verify_consistency(
            self.old_size,
            self.new_size,
            &self.old_root,
            &self.new_root,
            &self.proof,
        ) {
            return Err(Error::NotConsistent {
                old: self.old_size,
                new: self.new_size,
            });
        }
        Ok(signed)
    }

    /// What a witness checks: [`ConsistencyProof::verify`], and that `held`, a
    /// checkpoint of this log the caller verified earlier and kept, is the proof's old
    /// tree: same origin, size and root. A log that rewrote or dropped any of its first
    /// `held.size` leaves fails here with [`Error::NotConsistent`], however well its own
    /// proof and checkpoints agree. Returns the verified new checkpoint.
    pub fn verify_extends(
        &self,
        key: &VerifyingKey,
        held: &Checkpoint,
    ) -> Result<Checkpoint, Error> {
        let signed = self.verify(key)?;
        if held.origin != signed.origin {
            return Err(Error::CheckpointMismatch {
                field: "origin",
                proof: signed.origin,
                checkpoint: held.origin.clone(),
            });
        }
        if held.size != self.old_size {
            return Err(Error::CheckpointMismatch {
                field: "old_size",
                proof: self.old_size.to_string(),
                checkpoint: held.size.to_string(),
            });
        }
        if held.root != self.old_root {
            return Err(Error::NotConsistent {
                old: held.size,
                new: self.new_size,
            });
        }
        Ok(signed)
    }
}

/// That a verified checkpoint names the size and root the proof states for its tree.
fn check_names(
    cp: &Checkpoint,
    (size_field, root_field): (&'static str, &'static str),
    size: u64,
    root: &Hash,
) -> Result<(), Error> {
    if cp.size != size {
        return Err(Error::CheckpointMismatch {
            field: size_field,
            proof: size.to_string(),
            checkpoint: cp.size.to_string(),
        });
    }
    if cp.root != *root {
        return Err(Error::CheckpointMismatch {
            field: root_field,
            proof: hex::encode(root),
            checkpoint: hex::encode(cp.root),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
