//! `recount search` and `recount reindex`, and keeping the search index current after the
//! commands that write (ingest, watch, edit, merge, split, reextract).

use crate::place_filter::FilterArgs;
use anyhow::{Context, Result};
use clap::ValueEnum;
use recount_model::Incident;
use recount_search::{CatchUp, Hit, SearchIndex};
use recount_store::Store;
use std::collections::HashMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;

/// Hits shown when `--limit` is not given.
const DEFAULT_LIMIT: usize = 20;

#[derive(clap::Args)]
pub struct SearchArgs {
    /// Words in Chinese or English, or a Chinese name in pinyin (坤源煤矿, "coal mine strike", Kunyuan).
    pub query: String,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// How to print the hits: a table with snippets, or JSON / JSON Lines with offsets.
    #[arg(long, value_enum, default_value = "table")]
    pub format: SearchFormat,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SearchFormat {
    Table,
    Json,
    Jsonl,
}

fn open(dir: &Path) -> Result<SearchIndex> {
    SearchIndex::open_or_create(dir).with_context(|| "opening the search index")
}

/// Brings the index up to date with the store after a command wrote; a failure is a
/// warning (the data is committed; the next search catches up).
pub fn after_write(store: &dyn Store, dir: &Path) {
    let result = open(dir).and_then(|index| Ok(index.catch_up(store)?));
    match result {
        Ok(CatchUp::Applied { .. }) => {}
        Ok(CatchUp::Busy) => eprintln!(
            "note: search index {} is being written by another process; it catches up on the next search",
            dir.display()
        ),
        Err(e) => eprintln!(
            "warning: search index {} not updated: {e:#}; `recount reindex` makes it again",
            dir.display()
        ),
    }
}

/// `recount reindex`: the index made again from every incident.
pub fn reindex(store: &dyn Store, dir: &Path) -> Result<()> {
    let index = open(dir)?;
    let start = std::time::Instant::now();
    let n = index.rebuild(store)?;
    eprintln!(
        "indexed {n} incidents into {} in {:.1} s",
        dir.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `recount search`: catch up, search, print.
pub fn search(store: &dyn Store, dir: &Path, args: &SearchArgs) -> Result<()> {
    let index = open(dir)?;
    if index.catch_up(store)? == CatchUp::Busy {
        eprintln!(
            "note: search index {} is being written by another process; searching what it last committed",
            dir.display()
        );
    }
    let filter = args.filter.to_filter()?;
    let limit = args.filter.limit.unwrap_or(DEFAULT_LIMIT);
    let hits = index.search(&args.query, &filter, limit)?;
    let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    let mut incidents: HashMap<String, Incident> = store
        .incidents_by_id(&ids)?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    // A hit whose incident went away since the index committed is left out.
    let found: Vec<(Hit, Incident)> = hits
        .into_iter()
        .filter_map(|h| incidents.remove(&h.id).map(|i| (h, i)))
        .collect();
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        SearchFormat::Table => {
            // Bold on a terminal; brackets in a file or a pipe.
            let (open, close) = if tty {
                ("\x1b[1m", "\x1b[0m")
            } else {
                ("[", "]")
            };
            for (hit, inc) in &found {
                let date = inc.date.map_or("-".to_string(), |d| d.to_string());
                let place = inc
                    .location
                    .as_ref()
                    .and_then(|l| l.name.clone().or_else(|| l.name_en.clone()))
                    .unwrap_or_else(|| "-".into());
                let title = inc.title_zh.as_deref().unwrap_or(&inc.title);
                writeln!(
                    out,
                    "{}  {date}  {}  {place}  {title}  (score {:.2})",
                    inc.id, inc.kind, hit.score
                )?;
                for s in &hit.snippets {
                    let text = s.marked(open, close).replace('\n', " ");
                    writeln!(out, "    {}: {}", s.field, text.trim())?;
                }
            }
            writeln!(out, "{} incidents", found.len())?;
        }
        SearchFormat::Json => {
            let rows: Vec<_> = found.iter().map(|(h, i)| row(h, i)).collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        SearchFormat::Jsonl => {
            for (h, i) in &found {
                serde_json::to_writer(&mut out, &row(h, i))?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// A hit for machines: the score, the snippets (with byte ranges and marked text) and the
/// incident as the export writes it.
fn row(hit: &Hit, inc: &Incident) -> serde_json::Value {
    serde_json::json!({
        "id": hit.id,
        "score": hit.score,
        "snippets": hit.snippets.iter().map(|s| serde_json::json!({
            "field": s.field,
            "text": s.text,
            "highlights": s.highlights.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
            "marked": s.marked("[", "]"),
        })).collect::<Vec<_>>(),
        "incident": inc,
    })
}
