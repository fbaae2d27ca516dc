//! Computes `DERIVATION`: a fingerprint of the code and data that turn an archived
//! original into reports and reports into incidents (decoding, extraction, places,
//! resolution, the store's rebuild). A row records the derivation that wrote it, so
//! `recount verify` recomputes exactly the rows this build would write the same way and
//! says which ones an other build made.
//!
//! The fingerprint is FNV-1a (64 bits) over every file's path, relative to the
//! workspace, and bytes, in path order: the same sources give the same value on every
//! machine. It is a version, not a seal: the log, not this value, protects the rows.

use std::fs;
use std::path::{Path, PathBuf};

/// What derivation reads, relative to the workspace root.
const INPUTS: &[&str] = &[
    "crates/model/src",
    "crates/text/src",
    "crates/geo/src",
    "crates/extract/src",
    "crates/resolve/src",
    "crates/sources/src",
    "crates/store/src",
    "crates/cli/src/ingest.rs",
    "data",
];

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest
        .parent()
        .and_then(Path::parent)
        .expect("the store crate sits in crates/ of the workspace")
        .to_path_buf();
    let mut all = Vec::new();
    for input in INPUTS {
        let path = root.join(input);
        println!("cargo:rerun-if-changed={}", path.display());
        files(&path, &mut all);
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for file in &all {
        let rel = file.strip_prefix(&root).expect("under the root");
        feed(rel.to_string_lossy().replace('\\', "/").as_bytes());
        feed(&[0]);
        feed(&fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display())));
        feed(&[0]);
    }
    println!("cargo:rustc-env=RECOUNT_DERIVATION={hash:016x}");
}
