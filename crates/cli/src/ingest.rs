//! `recount ingest`: read, archive, extract and resolve, one transaction per document.
//!
//! [`Pipeline`] is the one place documents enter the store, from files, feed files,
//! URLs and `recount watch` alike: extraction, commit and the tally happen here.

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use recount_extract::{extract, Input};
use recount_fetch::{Client, Fetched, Validators};
use recount_model::{Document, PartialDate};
use recount_sources::{discover, is_feed, parse_feed, read, FeedEntry, Format, Item, Meta};
use recount_store::{SqliteStore, Store};
use recount_text::{decode, html};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files, folders (recursively), feed files and http(s) URLs of pages or feeds.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Publication date for documents that carry none (YYYY-MM-DD).
    #[arg(long)]
    published: Option<String>,
    /// Source name for documents that carry none.
    #[arg(long)]
    source: Option<String>,
    /// Language for documents that carry none (zh, en).
    #[arg(long)]
    lang: Option<String>,
    /// Largest document accepted, in bytes (for a URL: as sent and after decompression).
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_bytes: u64,
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

/// Counts for the summary line.
#[derive(Default, Clone, Copy)]
pub struct Tally {
    pub new: usize,
    pub duplicate: usize,
    pub failed: usize,
    pub incidents_new: usize,
    pub incidents_updated: usize,
}

impl Tally {
    pub fn line(&self) -> String {
        format!(
            "documents: {} new, {} duplicate, {} failed; incidents: {} new, {} updated",
            self.new, self.duplicate, self.failed, self.incidents_new, self.incidents_updated
        )
    }
}

/// Documents into the store, one transaction each, with a tally and per-input errors.
pub struct Pipeline<'a> {
    pub store: &'a mut SqliteStore,
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
        match ingest_item(self.store, item) {
            Ok(Outcome::Duplicate) => {
                self.tally.duplicate += 1;
                true
            }
            Ok(Outcome::New { new, updated }) => {
                self.tally.new += 1;
                self.tally.incidents_new += new;
                self.tally.incidents_updated += updated;
                true
            }
            Err(msg) => {
                self.error(&format!("{}: {msg}", item.origin));
                self.tally.failed += 1;
                false
            }
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

/// A feed file: `.rss`/`.atom` by name, `.xml`/`.json` when the content is a feed.
fn feed_file(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("rss" | "atom") => true,
        Some("xml" | "json") => {
            let mut head = [0u8; 1024];
            std::fs::File::open(path)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .is_ok_and(|n| is_feed(&head[..n]))
        }
        _ => false,
    }
}

pub fn run(db: &Path, args: &IngestArgs) -> Result<ExitCode> {
    let mut store = SqliteStore::open(db)
        .map_err(|e| anyhow::anyhow!("opening database {}: {e}", db.display()))?;
    let defaults = Meta {
        published: args.published.clone(),
        source: args.source.clone(),
        lang: args.lang.clone(),
        title: None,
        url: None,
    };
    let (urls, paths): (Vec<&String>, Vec<&String>) = args.inputs.iter().partition(|i| is_url(i));
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let files = if paths.is_empty() {
        Vec::new()
    } else {
        discover(&paths)
    };
    let bar = ProgressBar::new((files.len() + urls.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} inputs {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let client = args.fetch.client(args.max_bytes);
    let never = AtomicBool::new(false);
    let mut p = Pipeline {
        store: &mut store,
        client: &client,
        articles: args.fetch.fetch_articles,
        tally: Tally::default(),
        stop: &never,
        bar: Some(bar.clone()),
    };
    for found in files {
        bar.inc(1);
        let path = match found {
            Ok(p) => p,
            Err(e) => {
                p.failed(&e.to_string());
                continue;
            }
        };
        if feed_file(&path) {
            match read_bounded(&path, args.max_bytes) {
                Ok(bytes) => {
                    p.feed(&bytes, &path.display().to_string(), &defaults, None);
                }
                Err(msg) => p.failed(&msg),
            }
            continue;
        }
        for item in read(&path, args.max_bytes, &defaults) {
            match item {
                Ok(item) => {
                    p.item(&item);
                }
                Err(e) => p.failed(&e.to_string()),
            }
        }
    }
    for url in urls {
        bar.inc(1);
        p.url(url, &defaults);
    }
    let tally = p.tally;
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
    std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

enum Outcome {
    Duplicate,
    New { new: usize, updated: usize },
}

/// Text and metadata read out of an item.
struct Readable {
    text: String,
    meta: Meta,
}

fn readable(item: &Item) -> Result<Readable, String> {
    if let Some(text) = &item.text {
        return Ok(Readable {
            text: text.clone(),
            meta: item.meta.clone(),
        });
    }
    match item.format {
        Format::Html => {
            let declared = decode::sniff_html_charset(&item.bytes);
            let decoded =
                decode::decode(&item.bytes, declared.as_deref()).map_err(|e| e.to_string())?;
            let page = html::extract(&decoded.text);
            if page.text.trim().is_empty() {
                return Err("the page has no readable text".into());
            }
            let meta = item.meta.clone().or(&Meta {
                published: page.published,
                source: None,
                lang: page.lang,
                title: page.title,
                url: page.url,
            });
            Ok(Readable {
                text: page.text,
                meta,
            })
        }
        Format::Markdown => {
            let decoded = decode::decode(&item.bytes, None).map_err(|e| e.to_string())?;
            Ok(Readable {
                text: strip_markdown(&decoded.text),
                meta: item.meta.clone(),
            })
        }
        Format::Text | Format::Record => {
            let decoded = decode::decode(&item.bytes, None).map_err(|e| e.to_string())?;
            Ok(Readable {
                text: decoded.text,
                meta: item.meta.clone(),
            })
        }
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

/// A publication date as sources write it: 2024-03-09, 2024/03/09, 2024-03-09T08:00:00+08:00.
pub fn parse_published(s: &str) -> Option<PartialDate> {
    let head: String = s.trim().chars().take(10).collect();
    let norm = head.replace(['/', '.'], "-");
    let mut parts = norm.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let d: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    match (m, d) {
        (0, _) => Some(PartialDate::year(y)),
        (m, 0) => PartialDate::month(y, m),
        (m, d) => PartialDate::day(y, m, d),
    }
}

fn ingest_item(store: &mut SqliteStore, item: &Item) -> Result<Outcome, String> {
    let sha256 = hex::encode(Sha256::digest(&item.bytes));
    if store.has_document(&sha256).map_err(|e| e.to_string())? {
        return Ok(Outcome::Duplicate);
    }
    let r = readable(item)?;
    let published = r.meta.published.as_deref().and_then(parse_published);
    let doc = Document {
        id: item.doc_id.clone(),
        sha256: sha256.clone(),
        media_type: item.format.media_type().to_string(),
        fetched_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        published,
        source: r.meta.source.clone(),
        lang: r.meta.lang.clone(),
        title: r.meta.title.clone(),
        url: r.meta.url.clone(),
        size: item.bytes.len() as u64,
    };
    let reports = run_extraction(&doc, &r.text)?;
    let outcome = store
        .commit(&doc, &item.bytes, &reports)
        .map_err(|e| e.to_string())?;
    Ok(if outcome.duplicate {
        Outcome::Duplicate
    } else {
        Outcome::New {
            new: outcome.new_incidents,
            updated: outcome.updated_incidents,
        }
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
