//! `recount bench`: run one pipeline stage alone over a set of passages, so that it can be
//! scored and timed side by side with another tool on the same texts
//! (`scripts/bench_places.py`, results in `docs/benchmarks.md`).

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use recount_store::Store;
use serde_json::{json, Value};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to benchmark.
#[derive(Subcommand)]
pub enum BenchWhat {
    /// Write a synthetic corpus with known incidents (crates/synth): JSON Lines files of
    /// reports in OUT/reports/, 10,000 to a file, and OUT/truth.jsonl, a gold file for
    /// `score.py`.
    Generate {
        /// How many reports.
        #[arg(long)]
        reports: usize,
        /// The seed: the same seed and size give the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder to write (created; files in it are replaced).
        #[arg(long)]
        out: PathBuf,
        /// Every report tells the same accident (its tellings in turn: first reports, the
        /// other language's, revised tolls), all in one file: the case of a story followed
        /// for days, where each report joins one growing incident.
        #[arg(long)]
        one_event: bool,
    },
    /// Ingest a folder (as `recount ingest` does) and report throughput by tenths of the
    /// run, peak memory, and listing latency over the store it built.
    Ingest(IngestArgs),
    /// Listing and search latency over N synthetic incidents (crates/synth), written into
    /// a fresh database and index through a bulk path; prints p50/p95/p99.
    Search(SearchArgs),
    /// Place resolution: for each JSON Lines record `{"id", "text"}` print
    /// `{"id", "adcode", "level", "country", "name"}`; the timing goes to standard error.
    Places {
        /// JSON Lines input (standard input when absent).
        input: Option<PathBuf>,
    },
}

/// Run one benchmark.
pub fn run(
    what: &BenchWhat,
    open: &dyn Fn() -> Result<Box<dyn Store + Send>>,
    index: &Path,
    own: &recount_sources::OwnFiles,
) -> Result<()> {
    match what {
        BenchWhat::Search(args) => search(open()?.as_mut(), index, args),
        BenchWhat::Generate {
            reports,
            seed,
            out,
            one_event,
        } => match one_event {
            true => generate_one_event(*reports, *seed, out),
            false => generate(*reports, *seed, out),
        },
        BenchWhat::Ingest(args) => ingest(open()?.as_mut(), args, own),
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

/// Reports per generated file.
const PER_FILE: usize = 10_000;

/// [`generate`] with `--one-event`: OUT/reports/one-event.jsonl and OUT/truth.jsonl.
fn generate_one_event(reports: usize, seed: u64, out: &Path) -> Result<()> {
    let reports_dir = out.join("reports");
    std::fs::create_dir_all(&reports_dir)
        .with_context(|| format!("creating {}", reports_dir.display()))?;
    let (tellings, truth) = recount_synth::one_event(reports, seed);
    let path = reports_dir.join("one-event.jsonl");
    let mut f = BufWriter::new(
        File::create(&path).with_context(|| format!("creating {}", path.display()))?,
    );
    for r in &tellings {
        serde_json::to_writer(&mut f, &r.to_json())?;
        f.write_all(b"\n")?;
    }
    f.flush()?;
    let truth_path = out.join("truth.jsonl");
    std::fs::write(&truth_path, format!("{}\n", truth.to_gold()))
        .with_context(|| format!("creating {}", truth_path.display()))?;
    eprintln!(
        "generated {reports} reports of one accident into {}",
        out.display()
    );
    Ok(())
}

fn generate(reports: usize, seed: u64, out: &Path) -> Result<()> {
    // Reports in their own folder, so that `recount ingest OUT/reports` takes them all
    // and nothing else.
    let reports_dir = out.join("reports");
    std::fs::create_dir_all(&reports_dir)
        .with_context(|| format!("creating {}", reports_dir.display()))?;
    let start = Instant::now();
    let mut corpus = recount_synth::Corpus::new(reports, seed);
    let mut file: Option<BufWriter<File>> = None;
    let mut bytes: u64 = 0;
    for (n, report) in corpus.by_ref().enumerate() {
        if n % PER_FILE == 0 {
            if let Some(mut f) = file.take() {
                f.flush()?;
            }
            let path = reports_dir.join(format!("{:04}.jsonl", n / PER_FILE));
            let f = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
            file = Some(BufWriter::new(f));
        }
        let f = file.as_mut().expect("a file is open");
        bytes += report.text.len() as u64;
        serde_json::to_writer(&mut *f, &report.to_json())?;
        f.write_all(b"\n")?;
    }
    if let Some(mut f) = file.take() {
        f.flush()?;
    }
    let truth_path = out.join("truth.jsonl");
    let mut truth = BufWriter::new(
        File::create(&truth_path).with_context(|| format!("creating {}", truth_path.display()))?,
    );
    for t in corpus.truth() {
        serde_json::to_writer(&mut truth, &t.to_gold())?;
        truth.write_all(b"\n")?;
    }
    truth.flush()?;
    eprintln!(
        "generated {reports} reports ({:.0} bytes of text on average) telling {} incidents into {} in {:.1} s",
        bytes as f64 / reports.max(1) as f64,
        corpus.truth().len(),
        out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `recount bench ingest`.
#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files and folders to ingest, as `recount ingest` takes them (e.g. the output of
    /// `recount bench generate`).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Report the throughput of every this many documents.
    #[arg(long, default_value_t = 10_000)]
    every: usize,
    /// How many listing queries to time afterwards.
    #[arg(long, default_value_t = 200)]
    queries: usize,
}

fn ingest(store: &mut dyn Store, args: &IngestArgs, own: &recount_sources::OwnFiles) -> Result<()> {
    let before = store.counts()?;
    let ingest_args = crate::ingest::IngestArgs::for_paths(args.paths.clone());
    let files =
        recount_sources::discover(&args.paths, &crate::ingest::discovery(&ingest_args, own)).files;
    let every = args.every.max(1);
    let start = Instant::now();
    let mut done = 0usize;
    let mut last = (0usize, Duration::ZERO);
    let mut segments: Vec<(usize, usize, f64)> = Vec::new();
    let tally = crate::ingest::ingest_items(
        store,
        crate::ingest::items(files, &ingest_args, None),
        |event| {
            if let crate::ingest::Event::Failed(msg) = event {
                eprintln!("error: {msg}");
            }
            done += 1;
            if done.is_multiple_of(every) {
                let now = start.elapsed();
                let rate = (done - last.0) as f64 / (now - last.1).as_secs_f64();
                eprintln!("  documents {:>9}..{:<9} {rate:>8.0}/s", last.0, done);
                segments.push((last.0, done, rate));
                last = (done, now);
            }
        },
    );
    let spent = start.elapsed().as_secs_f64();
    let after = store.counts()?;
    let documents = tally.new + tally.duplicate + tally.failed;
    println!(
        "ingest: {documents} documents ({} new, {} duplicate, {} failed) in {spent:.1} s: {:.0} documents/s",
        tally.new,
        tally.duplicate,
        tally.failed,
        documents as f64 / spent
    );
    println!(
        "committing took {:.1} s of the {spent:.1} s ({:.0}%) in {} transactions ({:.1} documents each); extraction ran on {} threads beside it",
        tally.commit_time.as_secs_f64(),
        tally.commit_time.as_secs_f64() / spent * 100.0,
        tally.runs,
        documents as f64 / tally.runs.max(1) as f64,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "store: {} documents, {} reports, {} incidents (was {} documents)",
        after.documents, after.reports, after.incidents, before.documents
    );
    if let (Some(first), Some(last)) = (segments.first(), segments.last()) {
        println!(
            "throughput by segment: first {:.0}/s, last {:.0}/s ({:+.0}%)",
            first.2,
            last.2,
            (last.2 / first.2 - 1.0) * 100.0
        );
    }
    if let Some(kb) = peak_rss_kib() {
        println!("peak memory (VmHWM): {:.0} MiB", kb as f64 / 1024.0);
    }
    let latencies = listing_latency(store, args.queries)?;
    if !latencies.is_empty() {
        println!(
            "listing (50 rows, varied filters, {} queries): p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
            latencies.len(),
            percentile(&latencies, 50.0),
            percentile(&latencies, 95.0),
            percentile(&latencies, 99.0)
        );
    }
    Ok(())
}

/// The process's peak resident set, from /proc (Linux); `None` elsewhere.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// The adcodes of every province, for filters that cycle through them.
fn province_codes() -> Vec<String> {
    recount_geo::gazetteer()
        .units()
        .iter()
        .filter(|u| u.level == recount_model::PlaceLevel::Province)
        .map(|u| u.adcode.clone())
        .collect()
}

/// Times `n` listing queries of 50 rows with filters like a user's: a type, a year, a
/// province, a minimum toll, and combinations. The filters cycle, so runs compare.
fn listing_latency(store: &dyn recount_store::Store, n: usize) -> Result<Vec<f64>> {
    use recount_model::IncidentType;
    let provinces = province_codes();
    let kinds = [
        IncidentType::Accident,
        IncidentType::Strike,
        IncidentType::Protest,
        IncidentType::Corruption,
    ];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut f = recount_store::Filter {
            limit: Some(50),
            ..Default::default()
        };
        if i % 2 == 0 {
            f.kind = Some(kinds[i / 2 % kinds.len()]);
        }
        if i % 3 == 0 {
            f.adcodes = vec![provinces[i % provinces.len()].clone()];
        }
        if i % 5 == 0 {
            let year = 2016 + (i % 10) as i32;
            f.from = chrono::NaiveDate::from_ymd_opt(year, 1, 1);
            f.to = chrono::NaiveDate::from_ymd_opt(year, 12, 31);
        }
        if i % 7 == 0 {
            f.min_dead = Some(3);
        }
        let start = Instant::now();
        let rows = store.incidents(&f)?;
        out.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(rows);
    }
    Ok(out)
}

/// The `p`th percentile of `values` (nearest rank).
fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// `recount bench search`.
#[derive(clap::Args)]
pub struct SearchArgs {
    /// How many synthetic incidents to generate.
    #[arg(long)]
    incidents: usize,
    /// The seed: the same seed and count give the same incidents.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many listing queries and how many searches to time.
    #[arg(long, default_value_t = 500)]
    queries: usize,
}

/// Incidents written per transaction while loading.
const LOAD_BATCH: usize = 10_000;

fn search(store: &mut dyn Store, index_dir: &Path, args: &SearchArgs) -> Result<()> {
    if store.counts()?.incidents > 0 || store.latest_change()? > 0 {
        bail!(
            "bench search fills a fresh database, and this one holds incidents already: \
             give --db a new file (or --database-url an empty database)"
        );
    }
    let start = Instant::now();
    let mut batch = Vec::with_capacity(LOAD_BATCH);
    let mut loaded = 0usize;
    for inc in recount_synth::Incidents::new(args.incidents, args.seed) {
        batch.push(inc);
        if batch.len() == LOAD_BATCH {
            store.bench_load_incidents(&batch)?;
            loaded += batch.len();
            batch.clear();
            if loaded.is_multiple_of(100_000) {
                eprintln!("  loaded {loaded} incidents");
            }
        }
    }
    store.bench_load_incidents(&batch)?;
    println!(
        "load: {} synthetic incidents (seed {}) in {:.1} s",
        args.incidents,
        args.seed,
        start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let index = recount_search::SearchIndex::open_or_create(index_dir)?;
    let indexed = index.rebuild(store)?;
    println!(
        "index: {indexed} incidents into {} in {:.1} s",
        index_dir.display(),
        start.elapsed().as_secs_f64()
    );
    // A few runs of each to warm caches, then the timed ones.
    listing_latency(store, 20)?;
    let listing = listing_latency(store, args.queries)?;
    search_latency(&index, 20)?;
    let searches = search_latency(&index, args.queries)?;
    println!();
    println!(
        "{:<34} {:>7} {:>8} {:>8} {:>8}  {:>10}",
        "query", "count", "p50 ms", "p95 ms", "p99 ms", "target p95"
    );
    let row = |what: &str, v: &[f64], target: &str| {
        if !v.is_empty() {
            println!(
                "{what:<34} {:>7} {:>8.1} {:>8.1} {:>8.1}  {target:>10}",
                v.len(),
                percentile(v, 50.0),
                percentile(v, 95.0),
                percentile(v, 99.0)
            );
        }
    };
    row("listing, 50 rows, filters", &listing, "50 ms");
    for (lang, label) in [
        (Lang::Chinese, "search, 20 hits, Chinese"),
        (Lang::English, "search, 20 hits, English"),
        (Lang::Pinyin, "search, 20 hits, pinyin"),
    ] {
        let v: Vec<f64> = searches
            .iter()
            .filter(|s| s.0 == lang)
            .map(|s| s.1)
            .collect();
        row(label, &v, "100 ms");
    }
    let filtered: Vec<f64> = searches.iter().filter(|s| s.2).map(|s| s.1).collect();
    row("search, 20 hits, with filters", &filtered, "100 ms");
    let all: Vec<f64> = searches.iter().map(|s| s.1).collect();
    row("search, 20 hits, all", &all, "100 ms");
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Chinese,
    English,
    Pinyin,
}

/// What people search the synthetic incidents for: words of their titles and passages,
/// firm names (as the generator makes them) in Chinese and pinyin, phrases in English.
const SEARCHES: &[(Lang, &str)] = &[
    (Lang::Chinese, "煤矿"),
    (Lang::Chinese, "瓦斯爆炸"),
    (Lang::Chinese, "拖欠工资"),
    (Lang::Chinese, "坤源"),
    (Lang::Chinese, "鑫源煤矿"),
    (Lang::Chinese, "透水事故"),
    (Lang::Chinese, "排放污水"),
    (Lang::Chinese, "受贿"),
    (Lang::English, "gas explosion"),
    (Lang::English, "unpaid wages"),
    (Lang::English, "coal mine"),
    (Lang::English, "strike"),
    (Lang::English, "chemical pollution"),
    (Lang::English, "roof collapse miners"),
    (Lang::Pinyin, "Kunyuan"),
    (Lang::Pinyin, "xin yuan"),
    (Lang::Pinyin, "Hengtai"),
    (Lang::Pinyin, "ruifeng"),
];

/// Times `n` searches of 20 hits (snippets included), cycling through [`SEARCHES`]; one
/// in three also narrows by a type, a province, a year or a minimum toll. Returns (the
/// query's kind, milliseconds, filtered).
fn search_latency(index: &recount_search::SearchIndex, n: usize) -> Result<Vec<(Lang, f64, bool)>> {
    use recount_model::IncidentType;
    let provinces = province_codes();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (lang, q) = SEARCHES[i % SEARCHES.len()];
        let mut f = recount_store::Filter::default();
        let filtered = i % 3 == 0;
        if filtered {
            match i / 3 % 4 {
                0 => f.kind = Some(IncidentType::Accident),
                1 => f.adcodes = vec![provinces[i % provinces.len()].clone()],
                2 => {
                    let year = 2016 + (i % 10) as i32;
                    f.from = chrono::NaiveDate::from_ymd_opt(year, 1, 1);
                    f.to = chrono::NaiveDate::from_ymd_opt(year, 12, 31);
                }
                _ => f.min_dead = Some(3),
            }
        }
        let start = Instant::now();
        let hits = index.search(q, &f, 20)?;
        out.push((lang, start.elapsed().as_secs_f64() * 1000.0, filtered));
        std::hint::black_box(hits);
    }
    Ok(out)
}
