//! Published RFC 6962 test data, kept in one place so every test reads the same table.
//!
//! Source: transparency-dev/merkle (Apache-2.0), the Go library behind Trillian and
//! Certificate Transparency's `merkle` packages:
//! - `testonly/constants.go`: `LeafInputs`, `NodeHashes` (every complete subtree of
//!   the 8-leaf tree, by level), `RootHashes` (sizes 0..=8);
//! - `proof/verify_test.go`: `inclusionProofs` and `consistencyProofs` (known-good
//!   proofs as hashes; its leaf numbers are 1-based, ours are 0-based indices);
//! - `proof/proof_test.go`: `TestInclusion`, `TestConsistency` (which nodes each proof
//!   holds, by level and index, for trees up to 8 leaves).
//!
//! The same values appear in google/certificate-transparency-go's `merkletree` tests.

/// The 8 leaf inputs (hex).
pub const LEAF_INPUTS: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Roots of the trees of the first 0..=8 leaves.
pub const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// `NODE_HASHES[level][index]`: the root of leaves `index << level ..
/// (index + 1) << level` of the 8-leaf tree.
pub const NODE_HASHES: [&[&str]; 4] = [
    &[
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    &[
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    &[
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
];

/// Known-good inclusion proofs: (0-based leaf index, tree size, proof).
pub const INCLUSION_PROOFS: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// Known-good consistency proofs: (old size, new size, proof).
pub const CONSISTENCY_PROOFS: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

/// A node of a proof named as in `proof_test.go`: a complete subtree by (level,
/// index), or `Rehash` for the one node of a 7-leaf tree that is not complete
/// (`l = node_hash(i, j)`, leaves 4..7), which that test builds by rehashing.
#[derive(Debug, Clone, Copy)]
pub enum Node {
    At(usize, usize),
    Rehash7,
}

use Node::{At, Rehash7};

/// Which nodes each inclusion proof holds: (size, index, nodes), nearest first.
pub const INCLUSION_SHAPES: [(u64, u64, &[Node]); 15] = [
    (1, 0, &[]),
    (2, 0, &[At(0, 1)]),
    (2, 1, &[At(0, 0)]),
    (3, 1, &[At(0, 0), At(0, 2)]),
    (7, 0, &[At(0, 1), At(1, 1), Rehash7]),
    (7, 1, &[At(0, 0), At(1, 1), Rehash7]),
    (7, 2, &[At(0, 3), At(1, 0), Rehash7]),
    (7, 3, &[At(0, 2), At(1, 0), Rehash7]),
    (7, 4, &[At(0, 5), At(0, 6), At(2, 0)]),
    (7, 5, &[At(0, 4), At(0, 6), At(2, 0)]),
    (7, 6, &[At(1, 2), At(2, 0)]),
    (4, 2, &[At(0, 3), At(1, 0)]),
    (5, 3, &[At(0, 2), At(1, 0), At(0, 4)]),
    (6, 3, &[At(0, 2), At(1, 0), At(1, 2)]),
    (6, 4, &[At(0, 5), At(2, 0)]),
];

/// Which nodes each consistency proof holds: (old size, new size, nodes).
pub const CONSISTENCY_SHAPES: [(u64, u64, &[Node]); 16] = [
    (1, 2, &[At(0, 1)]),
    (1, 4, &[At(0, 1), At(1, 1)]),
    (1, 6, &[At(0, 1), At(1, 1), At(1, 2)]),
    (2, 3, &[At(0, 2)]),
    (2, 8, &[At(1, 1), At(2, 1)]),
    (3, 7, &[At(0, 2), At(0, 3), At(1, 0), Rehash7]),
    (4, 7, &[Rehash7]),
    (5, 7, &[At(0, 4), At(0, 5), At(0, 6), At(2, 0)]),
    (6, 7, &[At(1, 2), At(0, 6), At(2, 0)]),
    (7, 8, &[At(0, 6), At(0, 7), At(1, 2), At(2, 0)]),
    (2, 4, &[At(1, 1)]),
    (3, 5, &[At(0, 2), At(0, 3), At(1, 0), At(0, 4)]),
    (3, 6, &[At(0, 2), At(0, 3), At(1, 0), At(1, 2)]),
    (4, 6, &[At(1, 2)]),
    (1, 7, &[At(0, 1), At(1, 1), Rehash7]),
    (8, 8, &[]),
];
