//! `recount ingest`: read, archive, extract and resolve, one transaction per document.

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use recount_extract::{extract, Input};
use recount_model::{Document, PartialDate};
use recount_sources::{discover, read, Format, Item, Meta};
use recount_store::Store;
use recount_text::{decode, html};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{mpsc, Arc, Mutex};

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
}

pub fn run(store: &mut dyn Store, args: &IngestArgs) -> Result<ExitCode> {
    let files = discover(&args.paths);
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let tally = ingest_items(store, items(files, args, Some(&bar)), |event| {
        if let Event::Failed(msg) = event {
            bar.suspend(|| eprintln!("error: {msg}"));
        }
    });
    bar.finish_and_clear();
    println!(
        "documents: {} new, {} duplicate, {} failed; incidents: {} new, {} updated",
        tally.new, tally.duplicate, tally.failed, tally.incidents_new, tally.incidents_updated
    );
    Ok(if tally.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
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
}

/// A document read and extracted, ready to commit.
struct Prepared {
    doc: Document,
    bytes: Vec<u8>,
    reports: Vec<recount_model::Report>,
}

/// Where one item stands between reading and committing.
enum Slot {
    Duplicate,
    Failed(String),
    Ready(Box<Prepared>),
}

/// Ingests `items` into `store`: decoding and extraction run on one thread per core,
/// while this thread checks for duplicates and commits, one transaction per document, in
/// the order the items came (so ids and messages do not depend on thread timing).
/// `on_item` hears about each item as it is settled.
pub fn ingest_items(
    store: &mut dyn Store,
    items: impl Iterator<Item = Result<Item, String>>,
    mut on_item: impl FnMut(Event),
) -> Tally {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Enough work in flight to keep every worker busy while a commit runs.
    let in_flight = workers as u64 * 16;
    let mut tally = Tally::default();
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Item, String)>(in_flight as usize);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::channel::<(u64, Slot)>();
        for _ in 0..workers {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || loop {
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
        }
        drop(done_tx);
        let mut items = items.fuse();
        let mut exhausted = false;
        let (mut sent, mut settled) = (0u64, 0u64);
        // Items handed to the workers and not yet back.
        let mut working = 0u64;
        let mut ready: BTreeMap<u64, Slot> = BTreeMap::new();
        loop {
            while !exhausted && sent - settled < in_flight {
                let Some(next) = items.next() else {
                    exhausted = true;
                    break;
                };
                let seq = sent;
                sent += 1;
                let item = match next {
                    Ok(item) => item,
                    Err(msg) => {
                        ready.insert(seq, Slot::Failed(msg));
                        continue;
                    }
                };
                let sha256 = hex::encode(Sha256::digest(&item.bytes));
                match store.has_document(&sha256) {
                    Ok(true) => {
                        ready.insert(seq, Slot::Duplicate);
                    }
                    Ok(false) => {
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
            while let Some(slot) = ready.remove(&settled) {
                settled += 1;
                let start = std::time::Instant::now();
                settle(store, slot, &mut tally, &mut on_item);
                tally.commit_time += start.elapsed();
            }
            if exhausted && settled == sent {
                break;
            }
            if working == 0 {
                // Nothing is out with the workers: read on.
                continue;
            }
            match done_rx.recv() {
                Ok((seq, slot)) => {
                    working -= 1;
                    ready.insert(seq, slot);
                }
                // Every worker is gone: settle what is left as failed.
                Err(_) => {
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

/// Commits one prepared document, or counts a duplicate or a failure.
fn settle(store: &mut dyn Store, slot: Slot, tally: &mut Tally, on_item: &mut impl FnMut(Event)) {
    match slot {
        Slot::Duplicate => {
            tally.duplicate += 1;
            on_item(Event::Duplicate);
        }
        Slot::Failed(msg) => {
            tally.failed += 1;
            on_item(Event::Failed(&msg));
        }
        Slot::Ready(p) => match store.commit(&p.doc, &p.bytes, &p.reports) {
            Ok(outcome) if outcome.duplicate => {
                tally.duplicate += 1;
                on_item(Event::Duplicate);
            }
            Ok(outcome) => {
                tally.new += 1;
                tally.incidents_new += outcome.new_incidents;
                tally.incidents_updated += outcome.updated_incidents;
                on_item(Event::Committed);
            }
            Err(e) => {
                tally.failed += 1;
                on_item(Event::Failed(&format!("{}: {e}", p.doc.id)));
            }
        },
    }
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

/// Reads one item and extracts its reports: the work the extraction threads do.
fn prepare(item: Item, sha256: String) -> Result<Prepared, String> {
    let r = readable(&item)?;
    let published = r.meta.published.as_deref().and_then(parse_published);
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
    };
    let reports = run_extraction(&doc, &r.text)?;
    Ok(Prepared {
        doc,
        bytes: item.bytes,
        reports,
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
