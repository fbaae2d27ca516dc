//! `cargo run --release -p recount-cli` and the tests in the same profile (`scripts/test`)
//! share their dependencies' build: every crate that both use is built with the same
//! features, since cargo builds a crate again (and everything above it) for another set.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

/// `name version` → its features, as `cargo tree` resolves them for `args`.
type Features = BTreeMap<String, BTreeSet<String>>;

/// Reads `cargo tree -f '{p} [{f}]' --prefix none` lines: `serde v1.0.0 [default,std]`,
/// `recount-text v0.1.0 (/path) [default]`, with ` (*)` or ` (proc-macro)` after some.
fn parse(tree: &str) -> Features {
    let mut out = Features::new();
    for line in tree.lines() {
        let Some((package, rest)) = line.rsplit_once(" [") else {
            continue;
        };
        let Some((features, _)) = rest.split_once(']') else {
            continue;
        };
        let mut words = package.split(' ');
        let (Some(name), Some(version)) = (words.next(), words.next()) else {
            continue;
        };
        out.entry(format!("{name} {version}")).or_default().extend(
            features
                .split(',')
                .filter(|f| !f.is_empty())
                .map(String::from),
        );
    }
    out
}

fn features(args: &[&str]) -> Features {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--prefix", "none", "-f", "{p} [{f}]"])
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse(&String::from_utf8(out.stdout).expect("UTF-8"))
}

/// Each crate of `binary` that `tests` builds with other features, and what they add.
fn differences(binary: &Features, tests: &Features) -> Vec<String> {
    binary
        .iter()
        .filter_map(|(package, features)| {
            let more: Vec<&String> = tests.get(package)?.difference(features).collect();
            (!more.is_empty()).then(|| format!("{package}: the tests add {more:?}"))
        })
        .collect()
}

#[test]
fn the_binary_and_the_tests_build_their_common_dependencies_alike() {
    let binary = features(&["-p", "recount-cli", "-e", "normal,build"]);
    let tests = features(&["--workspace", "-e", "normal,build,dev"]);
    assert!(binary.len() > 100 && tests.len() > binary.len());
    let differ = differences(&binary, &tests);
    assert!(
        differ.is_empty(),
        "the tests would build these dependencies again; turn the features on in \
         crates/cli/Cargo.toml's list too:\n{}",
        differ.join("\n")
    );
}

#[test]
fn a_feature_only_the_tests_turn_on_is_named() {
    let binary = parse(
        "serde_json v1.0.1 [default,std]\nrecount-text v0.1.0 (/r/crates/text) [default] (*)\n",
    );
    let tests = parse(
        "serde_json v1.0.1 [default,float_roundtrip,std]\n\
         recount-text v0.1.0 (/r/crates/text) [default]\nproptest v1.0.0 [std]\n",
    );
    assert_eq!(
        binary["recount-text v0.1.0"],
        BTreeSet::from(["default".into()])
    );
    assert_eq!(
        differences(&binary, &tests),
        ["serde_json v1.0.1: the tests add [\"float_roundtrip\"]"]
    );
}
