//! ARCHITECTURE.md's crate graph is the workspace's: every normal dependency of one
//! workspace crate on another is drawn, nothing else is, every crate has its line, and each
//! crate depends only on crates drawn above it.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

/// Crate → the crates it depends on, by short name (`store` for `recount-store`).
type Graph = BTreeMap<String, BTreeSet<String>>;

/// What introduces the block in ARCHITECTURE.md.
const MARKER: &str = "<!-- The crate graph: checked by crates/cli/tests/architecture.rs. -->";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The lines of the fenced block after the marker, in order: `NAME → A, B` (`—` for none).
fn drawn(doc: &str) -> Result<Vec<(String, BTreeSet<String>)>, String> {
    let after = doc
        .split_once(MARKER)
        .ok_or("ARCHITECTURE.md has no crate graph marker")?
        .1;
    let mut lines = after.lines().skip_while(|l| l.trim().is_empty());
    if !lines.next().is_some_and(|l| l.starts_with("```")) {
        return Err("the marker is not followed by a fenced block".into());
    }
    let mut rows = Vec::new();
    for line in lines.take_while(|l| !l.starts_with("```")) {
        let (name, deps) = line
            .split_once('→')
            .ok_or_else(|| format!("not `NAME → DEPENDENCIES`: {line:?}"))?;
        let deps = deps.trim();
        let deps: BTreeSet<String> = if deps == "—" {
            BTreeSet::new()
        } else {
            deps.split(',').map(|d| d.trim().to_string()).collect()
        };
        rows.push((name.trim().to_string(), deps));
    }
    Ok(rows)
}

/// The workspace's graph from `cargo metadata`: normal dependencies among its members.
fn actual() -> Graph {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(repo())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata is JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let short = |name: &str| name.strip_prefix("recount-").unwrap_or(name).to_string();
    let members: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().expect("package name"))
        .collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| d["name"].as_str())
                .filter(|d| members.contains(d))
                .map(short)
                .collect();
            (short(p["name"].as_str().unwrap()), deps)
        })
        .collect()
}

/// What is wrong with the drawing, one line per problem; empty when it is the graph.
fn differences(rows: &[(String, BTreeSet<String>)], graph: &Graph) -> Vec<String> {
    let mut problems = Vec::new();
    let mut above = BTreeSet::new();
    for (name, deps) in rows {
        match graph.get(name) {
            None => problems.push(format!("{name} is drawn but is no workspace crate")),
            Some(real) => {
                for dep in real.difference(deps) {
                    problems.push(format!("{name} → {dep} is missing"));
                }
                for dep in deps.difference(real) {
                    problems.push(format!("{name} → {dep} is drawn but absent"));
                }
            }
        }
        for dep in deps.difference(&above) {
            problems.push(format!("{name} → {dep}: {dep} is not drawn above {name}"));
        }
        if !above.insert(name.clone()) {
            problems.push(format!("{name} is drawn twice"));
        }
    }
    for name in graph.keys().filter(|n| !above.contains(*n)) {
        problems.push(format!("{name} has no line"));
    }
    problems
}

#[test]
fn the_diagram_draws_every_crate_dependency_and_no_other() {
    let doc = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let rows = drawn(&doc).unwrap();
    let problems = differences(&rows, &actual());
    assert!(
        problems.is_empty(),
        "ARCHITECTURE.md's crate graph is not the workspace's (cargo metadata):\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_missing_extra_or_misplaced_edge_is_named() {
    let graph: Graph = [
        ("model", &[][..]),
        ("text", &["model"][..]),
        ("geo", &["model"][..]),
    ]
    .into_iter()
    .map(|(n, d)| (n.into(), d.iter().map(|d| d.to_string()).collect()))
    .collect();
    let doc = format!("{MARKER}\n```text\ngeo → model, text\nmodel → —\ntext →  —\n```\n");
    let rows = drawn(&doc).unwrap();
    assert_eq!(
        differences(&rows, &graph),
        [
            "geo → text is drawn but absent",
            "geo → model: model is not drawn above geo",
            "geo → text: text is not drawn above geo",
            "text → model is missing",
        ]
    );
    assert!(drawn("no marker").is_err());
    assert!(drawn(&format!("{MARKER}\n```\nmodel depends on nothing\n```")).is_err());
}
