//! The ledger: an append-only, tamper-evident log over everything recount archives
//! and every reviewer's edit, merge and split.
//!
//! Three layers, all pure (no I/O, no clock, no randomness of its own; the caller
//! passes leaf hashes, keys and random sources in):
//!
//! - [`merkle`]: RFC 6962 / RFC 9162 hashing, tree heads, inclusion and consistency
//!   proofs, and [`CompactRange`], the O(log n) state that lets the store append a
//!   leaf and learn the new root without rereading the log.
//! - [`note`]: signed checkpoints in the C2SP `tlog-checkpoint` format, signed as
//!   C2SP `signed-note`s with Ed25519, and the key strings of that ecosystem.
//! - [`proof`]: a JSON inclusion proof that a third party checks offline, in Rust
//!   ([`Proof::verify`]) or with `scripts/verify_proof.py`.
//! - [`consistency`]: a JSON consistency proof between two trees of the log, checked
//!   the same two ways ([`ConsistencyProof::verify`]), and by a witness holding an
//!   older checkpoint ([`ConsistencyProof::verify_extends`]).
//!
//! The store owns the leaves: it appends a leaf row and updates the persisted
//! [`CompactRange`] in the same transaction as the data the leaf covers, and signs a
//! [`Checkpoint`] over the new root when it wants to publish one.

pub mod consistency;
pub mod merkle;
pub mod note;
pub mod proof;

#[cfg(test)]
mod testutil;
#[cfg(test)]
mod vectors;

pub use consistency::ConsistencyProof;
pub use ed25519_dalek::{SigningKey, VerifyingKey};
pub use merkle::{
    consistency_proof, empty_root, inclusion_proof, leaf_hash, node_hash, root, verify_consistency,
    verify_inclusion, CompactRange, Hash,
};
pub use note::{
    generate_signing_key, key_id, open, open_note, parse_signer_key, sign, sign_note,
    signer_key_string, split_checkpoint_notes, Checkpoint, VerifierKey,
};
pub use proof::Proof;
/// The `rand_core` version [`generate_signing_key`] takes its random source from, so a
/// caller can name `rand_core::OsRng` (feature `getrandom`) without a version clash.
pub use rand_core;

/// Everything that can go wrong building, reading or checking the ledger's artefacts.
///
/// Each message says which part of the input is at fault; a proof or note that fails
/// to verify is an error here rather than a `false`, so the caller can tell a
/// malformed file from a forged one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A proof was asked for a leaf the tree does not have.
    #[error("leaf index {index} is outside a tree of {size} leaves")]
    IndexOutOfRange { index: u64, size: u64 },
    /// A consistency proof was asked from a larger tree to a smaller one, or from a
    /// size the caller does not have the leaves for.
    #[error("tree size {old} is larger than {new}: a log only grows")]
    SizeOrder { old: u64, new: u64 },
    /// A key name that signed-note forbids.
    #[error("key name {0:?} is invalid: it must be non-empty, with no spaces, '+' or control characters")]
    KeyName(String),
    /// A checkpoint field that cannot be written as a note line.
    #[error("checkpoint {field} {value:?} is invalid: {reason}")]
    CheckpointField {
        field: &'static str,
        value: String,
        reason: &'static str,
    },
    /// Text that is not a well-formed signed note.
    #[error("malformed signed note: {0}")]
    MalformedNote(String),
    /// A note whose text is not a well-formed checkpoint body.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(String),
    /// The note carries no signature by the expected key (name and key ID).
    #[error("the note has no signature by {name} (key ID {key_id}); check the verifier key")]
    NoSignature { name: String, key_id: String },
    /// The note carries a signature by the expected key that does not verify: the
    /// text was changed after signing.
    #[error("the signature by {name} does not verify: the note text was changed after signing")]
    BadSignature { name: String },
    /// A verifier or signer key string that cannot be read.
    #[error("malformed {kind} key: {reason}")]
    KeyString { kind: &'static str, reason: String },
    /// Persisted [`CompactRange`] bytes of the wrong length.
    #[error("malformed compact range: {0}")]
    CompactRange(String),
    /// A proof file that is not the documented JSON.
    #[error("malformed proof JSON: {0}")]
    ProofJson(String),
    /// The leaves the caller holds do not produce the root the checkpoint names, so
    /// the log rows changed since the checkpoint was signed.
    #[error("the first {size} leaves hash to {computed}, but the checkpoint names {signed}")]
    RootMismatch {
        size: u64,
        computed: String,
        signed: String,
    },
    /// A proof whose own fields disagree with its signed checkpoint.
    #[error("the proof's {field} is {proof} but its checkpoint says {checkpoint}")]
    CheckpointMismatch {
        field: &'static str,
        proof: String,
        checkpoint: String,
    },
    /// The consistency proof does not show the old tree to be a prefix of the new: the
    /// proof, a size or a root was changed, or the log rewrote its first `old` leaves.
    #[error("the tree of {old} leaves is not a prefix of the tree of {new} leaves: the log's first {old} leaves were rewritten or removed, or the proof was changed")]
    NotConsistent { old: u64, new: u64 },
    /// The inclusion path does not lead from the leaf to the root.
    #[error("leaf {index} with hash {leaf_hash} is not proven in the tree of {size} leaves: the proof, index or leaf was changed")]
    NotIncluded {
        index: u64,
        size: u64,
        leaf_hash: String,
    },
}
