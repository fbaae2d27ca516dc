//! Helpers shared by the unit tests.

use crate::merkle::{leaf_hash, Hash};
use rand_core::{CryptoRng, RngCore};

/// A 32-byte hash from 64 hex digits; panics on a typo in a test table.
pub fn h(hex_digits: &str) -> Hash {
    let bytes = hex::decode(hex_digits).expect("test vector is hex");
    bytes.try_into().expect("test vector is 32 bytes")
}

/// Leaf hashes of `n` distinct leaves, for trees whose content does not matter.
pub fn leaves(n: usize) -> Vec<Hash> {
    (0..n as u64).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

/// A seeded, deterministic random source (SplitMix64) so key generation in tests is
/// reproducible. Marked `CryptoRng` only to satisfy the signature of
/// `SigningKey::generate`: never use it outside tests.
pub struct TestRng(pub u64);

impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for TestRng {}
