//! `recount bench`: run one pipeline stage alone over a set of passages, so that it can be
//! scored and timed side by side with another tool on the same texts
//! (`scripts/bench_places.py`, results in `docs/benchmarks.md`).

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use serde_json::{json, Value};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to benchmark.
#[derive(Subcommand)]
pub enum BenchWhat {
    /// Place resolution: for each JSON Lines record `{"id", "text"}` print
    /// `{"id", "adcode", "level", "country", "name"}`; the timing goes to standard error.
    Places {
        /// JSON Lines input (standard input when absent).
        input: Option<PathBuf>,
    },
}

/// Run one benchmark.
pub fn run(what: &BenchWhat) -> Result<()> {
    match what {
        BenchWhat::Places { input } => match input {
            Some(path) => {
                let file =
                    File::open(path).with_context(|| format!("opening {}", path.display()))?;
                places(BufReader::new(file), path)
            }
            None => places(io::stdin().lock(), Path::new("<stdin>")),
        },
    }
}

/// Locate every passage of `input` with the gazetteer. Only the `locate` calls are timed:
/// the gazetteer is built before the clock starts, and reading, parsing and printing are
/// left out, so the figure is comparable with a library call in another language.
fn places(input: impl BufRead, name: &Path) -> Result<()> {
    let gazetteer = recount_geo::gazetteer();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut spent = Duration::ZERO;
    let mut count: u64 = 0;
    for (n, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("{}: reading line {}", name.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = serde_json::from_str(&line)
            .with_context(|| format!("{} line {}: not JSON", name.display(), n + 1))?;
        let Some(text) = record.get("text").and_then(Value::as_str) else {
            bail!(
                "{} line {}: no string field \"text\"",
                name.display(),
                n + 1
            );
        };
        let id = record.get("id").cloned().unwrap_or(Value::Null);

        let start = Instant::now();
        let located = gazetteer.locate(text, &[]);
        spent += start.elapsed();
        count += 1;

        let row = match located {
            Some(l) => json!({
                "id": id,
                "adcode": l.place.adcode,
                "level": l.place.level.as_str(),
                "country": l.place.country,
                "name": l.place.name,
            }),
            None => json!({"id": id, "adcode": null, "level": null, "country": null, "name": null}),
        };
        serde_json::to_writer(&mut out, &row)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    let ms = spent.as_secs_f64() * 1000.0;
    let rate = if spent.is_zero() {
        0.0
    } else {
        count as f64 / spent.as_secs_f64()
    };
    eprintln!("places: {count} passages in {ms:.3} ms ({rate:.0} passages/s)");
    Ok(())
}
