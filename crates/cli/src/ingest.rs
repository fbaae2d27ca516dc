//! `recount ingest`: read, archive, extract and resolve, one transaction per document.

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use recount_extract::{extract, Input};
use recount_model::{Document, PartialDate};
use recount_sources::{discover, read, Format, Item, Meta};
use recount_store::Store;
use recount_text::{decode, html};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::ExitCode;

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

/// Counts for the summary line.
#[derive(Default)]
struct Tally {
    new: usize,
    duplicate: usize,
    failed: usize,
    incidents_new: usize,
    incidents_updated: usize,
}

pub fn run(store: &mut dyn Store, args: &IngestArgs) -> Result<ExitCode> {
    let defaults = Meta {
        published: args.published.clone(),
        source: args.source.clone(),
        lang: args.lang.clone(),
        title: None,
        url: None,
    };
    let files = discover(&args.paths);
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut tally = Tally::default();
    for found in files {
        bar.inc(1);
        let path = match found {
            Ok(p) => p,
            Err(e) => {
                bar.suspend(|| eprintln!("error: {e}"));
                tally.failed += 1;
                continue;
            }
        };
        for item in read(&path, args.max_bytes, &defaults) {
            let result = item.map_err(|e| e.to_string()).and_then(|item| {
                ingest_item(store, &item).map_err(|e| format!("{}: {e}", item.origin))
            });
            match result {
                Ok(Outcome::Duplicate) => tally.duplicate += 1,
                Ok(Outcome::New { new, updated }) => {
                    tally.new += 1;
                    tally.incidents_new += new;
                    tally.incidents_updated += updated;
                }
                Err(msg) => {
                    bar.suspend(|| eprintln!("error: {msg}"));
                    tally.failed += 1;
                }
            }
        }
    }
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

fn ingest_item(store: &mut dyn Store, item: &Item) -> Result<Outcome, String> {
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
