//! `recount ingest`: read, archive, extract and resolve, one transaction per document.

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use recount_extract::{extract, Input};
use recount_fetch::{Client, Fetched, Validators};
use recount_model::{Document, PartialDate};
use recount_sources::{
    discover, is_feed, parse_feed, private_key, read, Discovered, FeedEntry, Format, Item, Meta,
    Options, OwnFiles, FEED_HEAD,
};
use recount_store::{CommitOutcome, Pending, Store};
use recount_text::{decode, html};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files and folders to ingest (folders recursively).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Publication date for documents that carry none (YYYY-MM-DD).
    #[arg(long)]
    published: Option<String>,
    /// Source name for documents that carry none.
    #[arg(long)]
    source: Option<String>,
    /// Language for documents that carry none (zh, en).
    #[arg(long)]
    lang: Option<String>,
    /// Largest document accepted, in bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_bytes: u64,
    /// Read files of any extension as documents (unlisted ones as plain text); without it
    /// only .txt, .md, .html/.htm, .json/.jsonl and feeds are read. Private keys and
    /// recount's own files are refused still.
    #[arg(long)]
    any_extension: bool,
    /// Follow symbolic links, given as arguments or found in folders (refused and
    /// skipped without it).
    #[arg(long)]
    follow_links: bool,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

/// How URLs are fetched; shared by `ingest` and `watch`.
#[derive(clap::Args, Clone, Debug)]
pub struct FetchArgs {
    /// Allow fetching from loopback, private, link-local and other non-public addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// One non-public address to allow (repeatable), e.g. an intranet feed server.
    #[arg(long = "allow-address", value_name = "IP")]
    pub allow_addresses: Vec<IpAddr>,
    /// For a feed entry with only a summary, fetch the linked article: auto (when the
    /// summary is short), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub fetch_articles: ArticleMode,
    /// Seconds one HTTP request may take in all.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub timeout: u64,
    /// Minimum milliseconds between two requests to the same host.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub host_interval: u64,
}

/// When to fetch the article a feed entry links to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleMode {
    Auto,
    Always,
    Never,
}

/// A summary shorter than this (in characters) is not the article: `auto` fetches the page.
const SHORT_SUMMARY: usize = 1000;

impl FetchArgs {
    /// The HTTP client these options describe.
    pub fn client(&self, max_bytes: u64) -> Client {
        Client::new(recount_fetch::Config {
            allow_private: self.allow_private,
            allowed_addresses: self.allow_addresses.clone(),
            max_bytes,
            max_decoded_bytes: max_bytes,
            total_timeout: Duration::from_secs(self.timeout.max(1)),
            host_interval: Duration::from_millis(self.host_interval),
            ..recount_fetch::Config::default()
        })
    }
}

impl IngestArgs {
    /// The defaults `recount ingest PATHS` runs with.
    pub fn for_paths(paths: Vec<PathBuf>) -> Self {
        IngestArgs {
            paths,
            published: None,
            source: None,
            lang: None,
            max_bytes: 10 * 1024 * 1024,
            any_extension: false,
            follow_links: false,
            fetch: FetchArgs {
                allow_private: false,
                allow_addresses: Vec::new(),
                fetch_articles: ArticleMode::Auto,
                timeout: 60,
                host_interval: 1000,
            },
        }
    }
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub new: usize,
    pub duplicate: usize,
    pub failed: usize,
    pub incidents_new: usize,
    pub incidents_updated: usize,
    /// Time this thread spent committing (the rest went to reading and waiting for
    /// extraction), for `recount bench ingest`.
    pub commit_time: std::time::Duration,
    /// Runs of documents handed to the store together (each one transaction unless a
    /// document in it failed), for `recount bench ingest`.
    pub runs: usize,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.new += other.new;
        self.duplicate += other.duplicate;
        self.failed += other.failed;
        self.incidents_new += other.incidents_new;
        self.incidents_updated += other.incidents_updated;
        self.commit_time += other.commit_time;
        self.runs += other.runs;
    }

    pub fn line(&self) -> String {
        format!(
            "documents: {} new, {} duplicate, {} failed; incidents: {} new, {} updated",
            self.new, self.duplicate, self.failed, self.incidents_new, self.incidents_updated
        )
    }
}

/// Documents into the store, one transaction each, with a tally and per-input errors.
pub struct Pipeline<'a> {
    pub store: &'a mut dyn Store,
    pub client: &'a Client,
    pub articles: ArticleMode,
    pub tally: Tally,
    /// Set by a signal: stop between documents (the one being committed finishes).
    pub stop: &'a AtomicBool,
    pub bar: Option<ProgressBar>,
}

impl Pipeline<'_> {
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Prints one `error:` line (above the progress bar, if any).
    pub fn error(&self, msg: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("error: {msg}")),
            None => eprintln!("error: {msg}"),
        }
    }

    fn warn(&self, msg: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("warning: {msg}")),
            None => eprintln!("warning: {msg}"),
        }
    }

    /// Extracts and commits one item; counts it. True when it is stored (new or duplicate).
    pub fn item(&mut self, item: &Item) -> bool {
        let mut failure = None;
        let mut warnings = Vec::new();
        let t = ingest_items(
            &mut *self.store,
            std::iter::once(Ok(item.clone())),
            |e| match e {
                Event::Failed(msg) => failure = Some(msg.to_string()),
                Event::Warned(msg) => warnings.push(msg.to_string()),
                Event::Committed | Event::Duplicate => {}
            },
        );
        self.tally.add(&t);
        for w in &warnings {
            self.warn(w);
        }
        match failure {
            Some(msg) => {
                self.error(&msg);
                false
            }
            None => true,
        }
    }

    /// Counts and reports an input that failed before it became a document.
    pub fn failed(&mut self, msg: &str) {
        self.error(msg);
        self.tally.failed += 1;
    }

    /// Ingests every entry of a feed. With `seen_key`, entries taken before from that
    /// feed are skipped and the ones taken now are remembered (what `watch` does).
    /// Returns the number of entries taken.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        origin: &str,
        defaults: &Meta,
        seen_key: Option<&str>,
    ) -> usize {
        let entries = match parse_feed(bytes, origin, defaults) {
            Ok(e) => e,
            Err(e) => {
                self.failed(&e.to_string());
                return 0;
            }
        };
        let mut taken = 0;
        for entry in entries {
            if self.stopped() {
                break;
            }
            if let Some(feed) = seen_key {
                match self.store.feed_item_seen(feed, &entry.item.doc_id) {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => {
                        self.failed(&format!("{}: {e}", entry.item.origin));
                        continue;
                    }
                }
            }
            let item = self.article_or_entry(entry);
            if self.item(&item) {
                taken += 1;
                if let Some(feed) = seen_key {
                    if let Err(e) = self.store.mark_feed_item_seen(feed, &item.doc_id) {
                        self.error(&format!("{}: {e}", item.origin));
                    }
                }
            }
        }
        taken
    }

    /// The entry itself, or the article it links to when the entry is only a summary
    /// and the mode asks for it. A failed article fetch keeps the summary, with a warning.
    fn article_or_entry(&self, entry: FeedEntry) -> Item {
        let Some(link) = entry.link.as_deref() else {
            return entry.item;
        };
        let wanted = match self.articles {
            ArticleMode::Never => false,
            ArticleMode::Always => true,
            ArticleMode::Auto => {
                entry.summary_only
                    && String::from_utf8_lossy(&entry.item.bytes).chars().count() < SHORT_SUMMARY
            }
        };
        if !wanted {
            return entry.item;
        }
        match self.client.get(link, &Validators::default()) {
            Ok(Fetched::Body(resp)) => Item {
                origin: format!("{} (article {})", entry.item.origin, resp.url),
                format: format_of_body(resp.content_type.as_deref(), &resp.body),
                bytes: resp.body,
                ..entry.item
            },
            Ok(Fetched::NotModified { .. }) => entry.item,
            Err(e) => {
                self.warn(&format!("{e}; keeping the feed's summary"));
                entry.item
            }
        }
    }

    /// Fetches a URL and ingests it: a feed's entries, or the page as one document.
    pub fn url(&mut self, url: &str, defaults: &Meta) {
        match self.client.get(url, &Validators::default()) {
            Ok(Fetched::Body(resp)) => {
                if is_feed(&resp.body) {
                    self.feed(&resp.body, url, defaults, None);
                } else {
                    let item = Item {
                        doc_id: url.to_string(),
                        origin: url.to_string(),
                        format: format_of_body(resp.content_type.as_deref(), &resp.body),
                        bytes: resp.body,
                        meta: Meta {
                            url: Some(resp.url),
                            ..Meta::default()
                        }
                        .or(defaults),
                        text: None,
                        modified: None,
                    };
                    self.item(&item);
                }
            }
            Ok(Fetched::NotModified { url }) => {
                self.failed(&format!("{url}: the server answered 304 to a plain GET"))
            }
            Err(e) => self.failed(&e.to_string()),
        }
    }
}

/// HTML when the server says so or the body starts like markup; plain text otherwise.
fn format_of_body(content_type: Option<&str>, body: &[u8]) -> Format {
    let ct = content_type.unwrap_or_default().to_ascii_lowercase();
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    if ct.contains("html") || head.trim_start().starts_with('<') {
        Format::Html
    } else {
        Format::Text
    }
}

fn is_url(input: &str) -> bool {
    let lower = input.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// What a discovered file is read as.
#[derive(Debug, PartialEq, Eq)]
enum FileKind {
    Feed,
    Document,
    /// An `.xml` that is not a feed: a document only with `--any-extension`.
    OtherXml,
}

/// A feed file: `.rss`/`.atom` by name, `.xml`/`.json` when the content is a feed.
fn file_kind(path: &Path) -> FileKind {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let sniffed = || {
        let mut head = Vec::with_capacity(FEED_HEAD);
        std::fs::File::open(path)
            .and_then(|f| {
                std::io::Read::read_to_end(&mut std::io::Read::take(f, FEED_HEAD as u64), &mut head)
            })
            .is_ok_and(|_| is_feed(&head))
    };
    match ext.as_deref() {
        Some("rss" | "atom") => FileKind::Feed,
        Some("json") if sniffed() => FileKind::Feed,
        Some("xml") if sniffed() => FileKind::Feed,
        Some("xml") => FileKind::OtherXml,
        _ => FileKind::Document,
    }
}

/// Up to three names of `paths`, and how many more.
fn some_names(paths: &[PathBuf]) -> String {
    let mut names: Vec<String> = paths
        .iter()
        .take(3)
        .map(|p| p.display().to_string())
        .collect();
    if paths.len() > 3 {
        names.push(format!("and {} more", paths.len() - 3));
    }
    names.join(", ")
}

/// One `note:` line per kind of file left out of the folders, with a few names each, so
/// that nothing is skipped unsaid and a large folder does not flood the terminal.
fn skipped_notes(found: &Discovered, other_xml: &[PathBuf]) -> Vec<String> {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut notes = Vec::new();
    let unlisted: Vec<PathBuf> = found.unlisted.iter().chain(other_xml).cloned().collect();
    if !unlisted.is_empty() {
        notes.push(format!(
            "skipped {} ({}): pass --any-extension to read them as text",
            plural(
                unlisted.len(),
                "file of an unlisted type or an .xml that is not a feed",
                "files of unlisted types or .xml that are not feeds"
            ),
            some_names(&unlisted)
        ));
    }
    if !found.links.is_empty() {
        notes.push(format!(
            "skipped {} ({}): pass --follow-links to follow them",
            plural(found.links.len(), "symbolic link", "symbolic links"),
            some_names(&found.links)
        ));
    }
    if !found.own.is_empty() {
        // A handful at most (the database, its journals, the key, the index): all named.
        let names: Vec<String> = found.own.iter().map(|p| p.display().to_string()).collect();
        notes.push(format!(
            "skipped recount's own files ({}): the database, its journals, its key and its search index are never ingested",
            names.join(", ")
        ));
    }
    if !found.special.is_empty() {
        notes.push(format!(
            "skipped {} ({})",
            plural(
                found.special.len(),
                "entry that is not a regular file (a broken link, a pipe, a socket or a device)",
                "entries that are not regular files (broken links, pipes, sockets or devices)"
            ),
            some_names(&found.special)
        ));
    }
    notes
}

/// The options of discovery that `args` ask for, with recount's own files left out.
pub fn discovery(args: &IngestArgs, own: &OwnFiles) -> Options {
    Options {
        follow_links: args.follow_links,
        any_extension: args.any_extension,
        own: own.clone(),
    }
}

/// `recount ingest`. `own` are the files of recount's own that no path may ingest.
pub fn run(store: &mut dyn Store, args: &IngestArgs, own: &OwnFiles) -> Result<ExitCode> {
    if let Some(p) = &args.published {
        if parse_published(p).is_none() {
            anyhow::bail!("--published {p}: not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
        }
    }
    let defaults = Meta {
        published: args.published.clone(),
        source: args.source.clone(),
        lang: args.lang.clone(),
        title: None,
        url: None,
    };
    let (urls, paths): (Vec<&PathBuf>, Vec<&PathBuf>) = args
        .paths
        .iter()
        .partition(|p| p.to_str().is_some_and(is_url));
    let paths: Vec<PathBuf> = paths.into_iter().cloned().collect();
    let mut discovered = if paths.is_empty() {
        Discovered::default()
    } else {
        discover(&paths, &discovery(args, own))
    };
    let (mut feeds, mut files, mut other_xml) = (Vec::new(), Vec::new(), Vec::new());
    for found in std::mem::take(&mut discovered.files) {
        match found {
            Ok(p) => match file_kind(&p) {
                FileKind::Feed => feeds.push(p),
                FileKind::OtherXml if !args.any_extension => other_xml.push(p),
                FileKind::OtherXml | FileKind::Document => files.push(Ok(p)),
            },
            Err(e) => files.push(Err(e)),
        }
    }
    for note in skipped_notes(&discovered, &other_xml) {
        eprintln!("note: {note}");
    }
    let bar = ProgressBar::new((files.len() + feeds.len() + urls.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} inputs {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut tally = ingest_items(store, items(files, args, Some(&bar)), |event| match event {
        Event::Failed(msg) => bar.suspend(|| eprintln!("error: {msg}")),
        Event::Warned(msg) => bar.suspend(|| eprintln!("warning: {msg}")),
        _ => {}
    });
    let client = args.fetch.client(args.max_bytes);
    let never = AtomicBool::new(false);
    let mut p = Pipeline {
        store,
        client: &client,
        articles: args.fetch.fetch_articles,
        tally: Tally::default(),
        stop: &never,
        bar: Some(bar.clone()),
    };
    for path in feeds {
        bar.inc(1);
        match read_bounded(&path, args.max_bytes) {
            Ok(bytes) => {
                p.feed(&bytes, &path.display().to_string(), &defaults, None);
            }
            Err(msg) => p.failed(&msg),
        }
    }
    for url in urls {
        bar.inc(1);
        p.url(&url.to_string_lossy(), &defaults);
    }
    tally.add(&p.tally);
    bar.finish_and_clear();
    println!("{}", tally.line());
    Ok(if tally.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// A feed file's bytes, refused unread when over the limit.
fn read_bounded(path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?
        .len();
    if size > max_bytes {
        return Err(format!(
            "{}: {size} bytes is over the limit of {max_bytes} bytes (raise it with --max-bytes)",
            path.display()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    match private_key(&bytes) {
        Some(kind) => Err(recount_sources::SourceError::PrivateKey {
            path: path.to_path_buf(),
            kind,
        }
        .to_string()),
        None => Ok(bytes),
    }
}

/// Every item of the files found, in order; a file that cannot be read is one failed item.
/// Files are read one at a time, as the ingest reaches them.
pub fn items<'a>(
    files: Vec<Result<PathBuf, recount_sources::SourceError>>,
    args: &'a IngestArgs,
    bar: Option<&'a ProgressBar>,
) -> impl Iterator<Item = Result<Item, String>> + 'a {
    let defaults = Meta {
        published: args.published.clone(),
        source: args.source.clone(),
        lang: args.lang.clone(),
        title: None,
        url: None,
    };
    files.into_iter().flat_map(move |found| {
        if let Some(bar) = bar {
            bar.inc(1);
        }
        match found {
            Ok(path) => read(&path, args.max_bytes, &defaults)
                .into_iter()
                .map(|i| i.map_err(|e| e.to_string()))
                .collect::<Vec<_>>(),
            Err(e) => vec![Err(e.to_string())],
        }
    })
}

/// What happened to one item, as the ingest reports it.
pub enum Event<'a> {
    Committed,
    Duplicate,
    Failed(&'a str),
    /// Stored, with something the user should know (an undated document dated by a
    /// fallback).
    Warned(&'a str),
}

/// A document read and extracted, ready to commit, with the warnings to give once it is.
struct Prepared {
    doc: Document,
    bytes: Vec<u8>,
    reports: Vec<recount_model::Report>,
    warnings: Vec<String>,
}

/// Where one item stands between reading and committing.
enum Slot {
    Duplicate,
    Failed(String),
    Ready(Box<Prepared>),
}

/// Ingests `items` into `store`: decoding and extraction run on one thread per core,
/// while this thread checks for duplicates and commits, in the order the items came (so
/// ids and messages do not depend on thread timing). Runs of ready documents share a
/// transaction.
/// `on_item` hears about each item as it is settled.
pub fn ingest_items(
    store: &mut dyn Store,
    items: impl Iterator<Item = Result<Item, String>>,
    mut on_item: impl FnMut(Event),
) -> Tally {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Enough work in flight to keep every worker busy while a commit runs, and to let
    // a full run of documents gather for one transaction when committing is the
    // bottleneck.
    let in_flight = (workers * 16 + MAX_RUN) as u64;
    let mut tally = Tally::default();
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Item, String)>(in_flight as usize);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::channel::<(u64, Slot)>();
        for _ in 0..workers {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            let spawned = std::thread::Builder::new()
                .name("extract".into())
                .spawn_scoped(scope, move || loop {
                let job = work_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
                let Ok((seq, item, sha256)) = job else { break };
                let origin = item.origin.clone();
                // A defect in reading or extraction costs one document, not the batch.
                let slot = match std::panic::catch_unwind(move || prepare(item, sha256)) {
                    Ok(Ok(p)) => Slot::Ready(Box::new(p)),
                    Ok(Err(e)) => Slot::Failed(format!("{origin}: {e}")),
                    Err(_) => Slot::Failed(format!(
                        "{origin}: internal error while reading (a bug in recount: please report it with this document)"
                    )),
                };
                if done_tx.send((seq, slot)).is_err() {
                    break;
                }
            });
            // A worker the system would not start is simply missing; with none at all,
            // every item is settled below as failed, by name.
            drop(spawned);
        }
        drop(done_tx);
        let mut items = items.fuse();
        let mut exhausted = false;
        let (mut sent, mut settled) = (0u64, 0u64);
        // Items handed to the workers and not yet back.
        let mut working = 0u64;
        let mut ready: BTreeMap<u64, Slot> = BTreeMap::new();
        // Since when the next document to commit has been ready, while waiting for more.
        let mut waiting_since: Option<std::time::Instant> = None;
        loop {
            // Read what the window has room for, up to a few dozen items (so the workers
            // start on slow sources soon), then ask the store once which of them are
            // archived already: a known document skips extraction.
            let mut intake: Vec<(u64, Item, String)> = Vec::new();
            while !exhausted && sent - settled < in_flight && intake.len() < INTAKE {
                let Some(next) = items.next() else {
                    exhausted = true;
                    break;
                };
                let seq = sent;
                sent += 1;
                match next {
                    Ok(item) => {
                        let sha256 = hex::encode(Sha256::digest(&item.bytes));
                        intake.push((seq, item, sha256));
                    }
                    Err(msg) => {
                        ready.insert(seq, Slot::Failed(msg));
                    }
                }
            }
            // A full intake may have left room in the window: read on before waiting.
            let read_on = intake.len() == INTAKE;
            let hashes: Vec<String> = intake.iter().map(|(_, _, sha)| sha.clone()).collect();
            let known = if hashes.is_empty() {
                Ok(Default::default())
            } else {
                store.archived(&hashes)
            };
            for (seq, item, sha256) in intake {
                match &known {
                    Ok(known) if known.contains(&sha256) => {
                        ready.insert(seq, Slot::Duplicate);
                    }
                    Ok(_) => {
                        if work_tx.send((seq, item, sha256)).is_ok() {
                            working += 1;
                        } else {
                            ready
                                .insert(seq, Slot::Failed("the extraction workers stopped".into()));
                        }
                    }
                    Err(e) => {
                        ready.insert(seq, Slot::Failed(format!("{}: {e}", item.origin)));
                    }
                }
            }
            // Take in everything the workers finished meanwhile (while the last run was
            // committing, typically), so the next run is as long as the work allows.
            while let Ok((seq, slot)) = done_rx.try_recv() {
                working -= 1;
                ready.insert(seq, slot);
            }
            // Whatever is ready in order goes to the store together: one transaction for
            // the run, so its cost is shared. While workers are busy, a short run waits a
            // moment for company: a transaction's fixed cost (writing the pages it
            // touched) is most of a document's.
            let gathered = (settled..)
                .take(MIN_RUN)
                .take_while(|seq| ready.contains_key(seq))
                .count();
            let waited = match (gathered, waiting_since) {
                (0, _) => {
                    waiting_since = None;
                    None
                }
                (_, Some(since)) => Some(since.elapsed()),
                (_, None) => {
                    waiting_since = Some(std::time::Instant::now());
                    Some(std::time::Duration::ZERO)
                }
            };
            let patient = gathered < MIN_RUN && working > 0 && waited.is_some_and(|w| w < MAX_WAIT);
            if !patient {
                waiting_since = None;
                loop {
                    let mut run = Vec::new();
                    while run.len() < MAX_RUN {
                        let Some(slot) = ready.remove(&settled) else {
                            break;
                        };
                        settled += 1;
                        run.push(slot);
                    }
                    if run.is_empty() {
                        break;
                    }
                    let start = std::time::Instant::now();
                    settle(store, run, &mut tally, &mut on_item);
                    tally.commit_time += start.elapsed();
                    tally.runs += 1;
                }
            }
            if exhausted && settled == sent {
                break;
            }
            if working == 0 || read_on {
                // Nothing is out with the workers, or more may be read: read on.
                continue;
            }
            let next = match waited {
                Some(w) if patient => match done_rx.recv_timeout(MAX_WAIT.saturating_sub(w)) {
                    Ok(done) => Some(done),
                    // Waited long enough: the next turn commits what there is.
                    Err(mpsc::RecvTimeoutError::Timeout) => continue,
                    Err(mpsc::RecvTimeoutError::Disconnected) => None,
                },
                _ => done_rx.recv().ok(),
            };
            match next {
                Some((seq, slot)) => {
                    working -= 1;
                    ready.insert(seq, slot);
                }
                // Every worker is gone: settle what is left as failed.
                None => {
                    working = 0;
                    for seq in settled..sent {
                        ready.entry(seq).or_insert_with(|| {
                            Slot::Failed("the extraction workers stopped".into())
                        });
                    }
                }
            }
        }
    });
    tally
}

/// The most documents committed in one transaction: bounds what a crash can roll back
/// and how long readers wait for new incidents.
const MAX_RUN: usize = 256;

/// Items read before the store is asked which of them are archived.
const INTAKE: usize = 32;

/// A run this long is committed without waiting for more.
const MIN_RUN: usize = 64;

/// The longest a ready document waits for others to share its transaction.
const MAX_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

/// Commits a run of prepared documents (in one transaction when none fails),
/// and counts duplicates and failures, in input order.
fn settle(
    store: &mut dyn Store,
    run: Vec<Slot>,
    tally: &mut Tally,
    on_item: &mut impl FnMut(Event),
) {
    let pending: Vec<Pending<'_>> = run
        .iter()
        .filter_map(|slot| match slot {
            Slot::Ready(p) => Some(Pending {
                doc: &p.doc,
                bytes: &p.bytes,
                reports: &p.reports,
            }),
            _ => None,
        })
        .collect();
    let outcomes: Vec<Result<CommitOutcome, String>> = if pending.is_empty() {
        Vec::new()
    } else {
        store
            .commit_batch(&pending)
            .into_iter()
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    };
    let mut outcomes = outcomes.into_iter();
    for slot in &run {
        match slot {
            Slot::Duplicate => {
                tally.duplicate += 1;
                on_item(Event::Duplicate);
            }
            Slot::Failed(msg) => {
                tally.failed += 1;
                on_item(Event::Failed(msg));
            }
            Slot::Ready(p) => match outcomes.next() {
                Some(Ok(outcome)) if outcome.duplicate => {
                    tally.duplicate += 1;
                    on_item(Event::Duplicate);
                }
                Some(Ok(outcome)) => {
                    tally.new += 1;
                    tally.incidents_new += outcome.new_incidents;
                    tally.incidents_updated += outcome.updated_incidents;
                    on_item(Event::Committed);
                    for msg in &p.warnings {
                        on_item(Event::Warned(msg));
                    }
                    if let Some(msg) = undated_warning(&p.doc, &p.reports) {
                        on_item(Event::Warned(&msg));
                    }
                }
                Some(Err(e)) => {
                    tally.failed += 1;
                    on_item(Event::Failed(&format!("{}: {e}", p.doc.id)));
                }
                None => {
                    tally.failed += 1;
                    on_item(Event::Failed(&format!(
                        "{}: the store gave no outcome for this document",
                        p.doc.id
                    )));
                }
            },
        }
    }
}

/// Text and metadata read out of an item, and what the user should know about reading
/// it (invalid sequences replaced, a page's date that is no date).
struct Readable {
    text: String,
    meta: Meta,
    warnings: Vec<String>,
}

fn readable(item: &Item) -> Result<Readable, String> {
    if let Some(text) = &item.text {
        return Ok(Readable {
            text: text.clone(),
            meta: item.meta.clone(),
            warnings: Vec::new(),
        });
    }
    let declared = match item.format {
        Format::Html => decode::sniff_html_charset(&item.bytes),
        _ => None,
    };
    let decoded = decode::decode(&item.bytes, declared.as_deref()).map_err(|e| e.to_string())?;
    let mut warnings: Vec<String> = decoded.warning().into_iter().collect();
    match item.format {
        Format::Html => {
            let page = html::extract(&decoded.text);
            if page.text.trim().is_empty() {
                return Err("the page has no readable text".into());
            }
            // A page's own date that is no date is left out, and said so; a sidecar's or
            // a flag's would have been refused before.
            let published = page.published.filter(|p| {
                let date = parse_published(p).is_some();
                if !date && item.meta.published.is_none() {
                    warnings.push(format!(
                        "the page's publication date {p:?} (a meta tag) is not a date; the document is read as undated"
                    ));
                }
                date
            });
            let meta = item.meta.clone().or(&Meta {
                published,
                source: None,
                lang: page.lang,
                title: page.title,
                url: page.url,
            });
            Ok(Readable {
                text: page.text,
                meta,
                warnings,
            })
        }
        Format::Markdown => Ok(Readable {
            text: strip_markdown(&decoded.text),
            meta: item.meta.clone(),
            warnings,
        }),
        Format::Text | Format::Record => Ok(Readable {
            text: decoded.text,
            meta: item.meta.clone(),
            warnings,
        }),
    }
}

/// Markdown markup that would otherwise reach extraction as text.
fn strip_markdown(text: &str) -> String {
    text.lines()
        .map(|l| {
            l.trim_start_matches(['#', '>'])
                .trim_start()
                .replace("**", "")
                .replace("__", "")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A publication date as sources write it: 2024-03-09, 2024/03/09, 2024-03,
/// 2024-03-09T08:00:00+08:00 (see [`recount_sources::parse_published`]).
pub fn parse_published(s: &str) -> Option<PartialDate> {
    let p = recount_sources::parse_published(s)?;
    match (p.month, p.day) {
        (None, _) => Some(PartialDate::year(p.year)),
        (Some(m), None) => PartialDate::month(p.year, m),
        (Some(m), Some(d)) => PartialDate::day(p.year, m, d),
    }
}

/// `recount explain FILE`: reads a file as ingest would (decoding, HTML, sidecar), runs
/// extraction with notes, and prints each sentence, each candidate event and the reports,
/// without touching any database. `published` overrides the document's own date.
pub fn explain_file(path: &std::path::Path, published: Option<&str>) -> anyhow::Result<bool> {
    use anyhow::Context as _;
    let items = read(path, 64 * 1024 * 1024, &Meta::default());
    if items.is_empty() {
        anyhow::bail!(
            "{}: not a document recount reads (.txt, .md, .html, .json, .jsonl)",
            path.display()
        );
    }
    let mut ok = true;
    for item in items {
        let item = item.with_context(|| format!("reading {}", path.display()))?;
        let r = match readable(&item) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}: {e}", item.origin);
                ok = false;
                continue;
            }
        };
        for w in &r.warnings {
            eprintln!("warning: {}: {w}", item.origin);
        }
        let date = match published {
            Some(p) => Some(
                parse_published(p)
                    .with_context(|| format!("--published {p}: not a date (YYYY-MM-DD)"))?,
            ),
            None => r.meta.published.as_deref().and_then(parse_published),
        };
        let input = Input {
            doc_id: &item.doc_id,
            sha256: "0000000000000000",
            text: &r.text,
            title: r.meta.title.as_deref(),
            published: date.filter(|p| p.day.is_some()).map(|p| p.first_day()),
            fallback: item
                .modified
                .as_deref()
                .and_then(parse_published)
                .filter(|m| m.day.is_some())
                .map(|m| (m.first_day(), "the file's modification time")),
        };
        let (reports, trace) = recount_extract::explain(&input);
        println!("document {}", item.doc_id);
        match date {
            Some(d) => println!("published: {d}"),
            None => println!("published: unknown"),
        }
        print!("{}", trace.render());
        println!(
            "
reports: {}",
            reports.len()
        );
        for (i, rep) in reports.iter().enumerate() {
            let date = rep
                .date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into());
            let place = rep
                .place
                .as_ref()
                .map(|p| {
                    let name = p
                        .name
                        .clone()
                        .or_else(|| p.name_en.clone())
                        .unwrap_or_default();
                    format!(
                        "{name} {}",
                        p.adcode.clone().unwrap_or_else(|| p.country.clone())
                    )
                })
                .unwrap_or_else(|| "no place".into());
            let counts: Vec<String> = rep
                .claims
                .iter()
                .map(|c| format!("{} {}", c.kind.as_str(), c.value))
                .collect();
            println!(
                "report {i}: {} {} · {date} · {place} · sector {} · mechanism {} · {}",
                rep.kind.as_str(),
                rep.title,
                rep.sector.as_deref().unwrap_or("-"),
                rep.mechanism.as_deref().unwrap_or("-"),
                if counts.is_empty() {
                    "no counts".to_string()
                } else {
                    counts.join(", ")
                }
            );
        }
        println!();
    }
    Ok(ok)
}

/// The warning for a document stored without its own date whose incidents were dated
/// from a fallback: names the document, the date used, and how to correct it.
fn undated_warning(doc: &Document, reports: &[recount_model::Report]) -> Option<String> {
    if doc.published.is_some_and(|p| p.day.is_some()) {
        return None;
    }
    let unsure = reports.iter().filter(|r| r.date_uncertain).count();
    if unsure == 0 {
        return None;
    }
    let (day, why) = fallback_of(doc)?;
    Some(format!(
        "{}: no publication day or dateline; {unsure} report{} dated from {why} ({day}) and flagged date_uncertain (set the date with `recount redate {} --published YYYY-MM-DD`)",
        doc.id,
        if unsure == 1 { "" } else { "s" },
        doc.id
    ))
}

/// The date an undated document's relative dates count from, and where it came from: the
/// last day of a publication month or year, else the file's modification day, else the day
/// it was ingested. Incidents dated from it are
/// flagged `date_uncertain` (a dateline in the text wins over both; extraction reads it).
pub fn fallback_of(doc: &Document) -> Option<(chrono::NaiveDate, &'static str)> {
    // A publication date known only to the month or year still gives the year: its last day.
    if let Some(p) = doc.published.filter(|p| p.day.is_none()) {
        let why = if p.month.is_some() {
            "the publication month"
        } else {
            "the publication year"
        };
        return Some((p.last_day(), why));
    }
    if let Some(m) = doc.modified.filter(|m| m.day.is_some()) {
        return Some((m.first_day(), "the file's modification time"));
    }
    let fetched = doc.fetched_at.get(..10).and_then(parse_published)?;
    fetched
        .day
        .is_some()
        .then(|| (fetched.first_day(), "the time of ingest"))
}

/// Reads one item and extracts its reports: the work the extraction threads do.
fn prepare(item: Item, sha256: String) -> Result<Prepared, String> {
    let r = readable(&item)?;
    let published = match r.meta.published.as_deref() {
        Some(p) => Some(parse_published(p).ok_or_else(|| {
            format!("\"published\": {p:?} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
        })?),
        None => None,
    };
    let doc = Document {
        id: item.doc_id.clone(),
        sha256,
        media_type: item.format.media_type().to_string(),
        fetched_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        published,
        source: r.meta.source.clone(),
        lang: r.meta.lang.clone(),
        title: r.meta.title.clone(),
        url: r.meta.url.clone(),
        size: item.bytes.len() as u64,
        modified: item.modified.as_deref().and_then(parse_published),
    };
    let reports = run_extraction(&doc, &r.text)?;
    Ok(Prepared {
        doc,
        bytes: item.bytes,
        reports,
        warnings: r
            .warnings
            .into_iter()
            .map(|w| format!("{}: {w}", item.origin))
            .collect(),
    })
}

fn run_extraction(doc: &Document, text: &str) -> Result<Vec<recount_model::Report>, String> {
    let input = Input {
        doc_id: &doc.id,
        sha256: &doc.sha256,
        text,
        title: doc.title.as_deref(),
        published: doc
            .published
            .filter(|p| p.day.is_some())
            .map(|p| p.first_day()),
        fallback: fallback_of(doc),
    };
    // A defect in extraction must cost one document, not the batch: the error names
    // the document and nothing of it is committed.
    std::panic::catch_unwind(|| extract(&input)).map_err(|_| {
        "internal error while extracting (a bug in recount: please report it with this document)"
            .to_string()
    })
}

/// Reads an archived original again and extracts its reports: what `recount reextract`
/// runs for every document. The stored metadata stands in for the sidecar.
pub fn extract_document(
    doc: &Document,
    bytes: &[u8],
) -> Result<Vec<recount_model::Report>, String> {
    let format = match doc.media_type.as_str() {
        "text/html" => Format::Html,
        "text/markdown" => Format::Markdown,
        "application/json" => Format::Record,
        _ => Format::Text,
    };
    let text = if format == Format::Record {
        let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        Some(
            v.get("text")
                .and_then(|t| t.as_str())
                .ok_or("record has no text")?
                .to_string(),
        )
    } else {
        None
    };
    let item = Item {
        doc_id: doc.id.clone(),
        origin: doc.id.clone(),
        bytes: bytes.to_vec(),
        format,
        meta: Meta {
            published: doc.published.map(|p| p.to_string()),
            source: doc.source.clone(),
            lang: doc.lang.clone(),
            title: doc.title.clone(),
            url: doc.url.clone(),
        },
        text,
        modified: None,
    };
    let r = readable(&item)?;
    run_extraction(doc, &r.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publication_dates_in_the_forms_sources_use() {
        for (s, want) in [
            ("2024-03-09", "2024-03-09"),
            ("2024/03/09", "2024-03-09"),
            ("2024-03-09T08:00:00+08:00", "2024-03-09"),
            ("2024-03", "2024-03"),
        ] {
            assert_eq!(parse_published(s).unwrap().to_string(), want);
        }
        assert!(parse_published("yesterday").is_none());
        assert!(parse_published("2024-13-40").is_none());
    }
}
