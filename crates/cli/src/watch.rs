//! `recount watch FEEDS_FILE`: poll feeds on a schedule, ingest what is new, run the
//! alert rules after each round, until SIGINT/SIGTERM.
//!
//! Each feed's validators (ETag, Last-Modified), last poll and status, and the entries
//! already taken live in the store, so a restart neither refetches nor re-announces. A
//! signal stops the loop between documents: the one being committed finishes.

use crate::alerts::Alerts;
use crate::ingest::{ArticleMode, FetchArgs, Pipeline, Tally};
use crate::ledger;
use anyhow::{bail, Context, Result};
use recount_fetch::{Fetched, Validators};
use recount_sources::{is_feed, Meta};
use recount_store::{FeedState, Store};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct WatchArgs {
    /// The feeds file (TOML, `[[feed]]` tables: url, name, interval, language, trust).
    feeds: PathBuf,
    /// Alert rules (TOML, `[[rule]]` tables).
    #[arg(long = "alert", value_name = "RULES_FILE")]
    alert: Option<PathBuf>,
    /// Polling interval of feeds that set none: 90s, 10m, 1h, 500ms.
    #[arg(long, default_value = "10m")]
    every: String,
    /// Stop after this many rounds (default: run until SIGINT or SIGTERM).
    #[arg(long)]
    rounds: Option<u64>,
    /// Poll every feed once and stop (the same as --rounds 1).
    #[arg(long, conflicts_with = "rounds")]
    once: bool,
    /// Largest document or feed accepted, in bytes (as sent and after decompression).
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_bytes: u64,
    #[command(flatten)]
    fetch: FetchArgs,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedsFile {
    /// Allow non-public addresses for every feed (as --allow-private).
    #[serde(default)]
    allow_private: bool,
    #[serde(default)]
    feed: Vec<FeedSpec>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct FeedSpec {
    url: String,
    /// The source name given to its documents (default: the feed's title).
    name: Option<String>,
    interval: Option<String>,
    language: Option<String>,
    /// How far its reports are trusted: official, media, independent, social, unverified.
    trust: Option<String>,
    fetch_articles: Option<ArticleMode>,
}

const TRUST: &[&str] = &["official", "media", "independent", "social", "unverified"];

struct Feed {
    spec: FeedSpec,
    interval: Duration,
    due: Instant,
}

/// Set by SIGINT/SIGTERM.
static STOP: AtomicBool = AtomicBool::new(false);

/// A duration as people write it: `500ms`, `90s`, `10m`, `1h`, or plain seconds.
pub fn parse_interval(s: &str) -> Result<Duration> {
    let t = s.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| anyhow::anyhow!("'{s}' is not an interval (e.g. 90s, 10m, 1h)"))?;
    let d = match unit.trim() {
        "ms" => Duration::from_millis(n),
        "" | "s" => Duration::from_secs(n),
        "m" | "min" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => bail!("'{s}' is not an interval (e.g. 90s, 10m, 1h)"),
    };
    if d.is_zero() {
        bail!("'{s}': an interval must be longer than zero");
    }
    Ok(d)
}

fn load_feeds(path: &Path, default_every: Duration) -> Result<(FeedsFile, Vec<Feed>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading feeds file {}", path.display()))?;
    let file: FeedsFile =
        toml::from_str(&text).with_context(|| format!("feeds file {}", path.display()))?;
    if file.feed.is_empty() {
        bail!("feeds file {}: no [[feed]] tables", path.display());
    }
    let now = Instant::now();
    let mut feeds = Vec::new();
    for spec in &file.feed {
        let at = |what: &str| format!("feeds file {}: feed {}: {what}", path.display(), spec.url);
        if let Some(t) = &spec.trust {
            if !TRUST.contains(&t.as_str()) {
                bail!(
                    "{}",
                    at(&format!("trust '{t}' is not one of {}", TRUST.join(", ")))
                );
            }
        }
        let interval = match &spec.interval {
            Some(i) => parse_interval(i).with_context(|| at("interval"))?,
            None => default_every,
        };
        feeds.push(Feed {
            spec: spec.clone(),
            interval,
            due: now,
        });
    }
    Ok((file, feeds))
}

/// What one poll of one feed found, for the status line.
enum Poll {
    Fetched,
    NotModified,
    Failed,
}

pub fn run(
    store: &mut dyn Store,
    keys: &ledger::Keys,
    args: &WatchArgs,
    index: &std::path::Path,
) -> Result<ExitCode> {
    let every = parse_interval(&args.every).context("--every")?;
    let (file, mut feeds) = load_feeds(&args.feeds, every)?;
    let alerts = args.alert.as_deref().map(Alerts::load).transpose()?;
    if let Some(a) = &alerts {
        a.start(store)?;
    }
    let mut fetch = args.fetch.clone();
    fetch.allow_private |= file.allow_private;
    let client = fetch.client(args.max_bytes);
    ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst))
        .context("installing the SIGINT/SIGTERM handler")?;
    let rounds = if args.once { Some(1) } else { args.rounds };
    let mut round = 0u64;
    while !STOP.load(Ordering::SeqCst) && rounds.is_none_or(|r| round < r) {
        // Sleep until the next feed is due, waking often enough to notice a signal.
        let next = feeds
            .iter()
            .map(|f| f.due)
            .min()
            .unwrap_or_else(Instant::now);
        while Instant::now() < next && !STOP.load(Ordering::SeqCst) {
            std::thread::sleep((next - Instant::now()).min(Duration::from_millis(100)));
        }
        if STOP.load(Ordering::SeqCst) {
            break;
        }
        round += 1;
        let mut p = Pipeline {
            store: &mut *store,
            client: &client,
            articles: fetch.fetch_articles,
            tally: Tally::default(),
            stop: &STOP,
            bar: None,
        };
        let (mut fetched, mut unchanged, mut failed) = (0, 0, 0);
        let now = Instant::now();
        for feed in feeds.iter_mut().filter(|f| f.due <= now) {
            if p.stopped() {
                break;
            }
            p.articles = feed.spec.fetch_articles.unwrap_or(fetch.fetch_articles);
            match poll(&mut p, &feed.spec)? {
                Poll::Fetched => fetched += 1,
                Poll::NotModified => unchanged += 1,
                Poll::Failed => failed += 1,
            }
            feed.due = Instant::now() + feed.interval;
        }
        let tally = p.tally;
        ledger::checkpoint_after_write(store, keys)?;
        crate::search::after_write(store, index);
        let fired = match &alerts {
            Some(a) => a.run(store, &client)?,
            None => 0,
        };
        println!(
            "round {round} {}: feeds: {fetched} fetched, {unchanged} not modified, {failed} failed; {}; alerts: {fired}",
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            tally.line(),
        );
    }
    if STOP.load(Ordering::SeqCst) {
        eprintln!("stopped by signal after {round} rounds; every fetched document is committed");
    }
    Ok(ExitCode::SUCCESS)
}

/// Polls one feed: a conditional GET, then every entry not taken before. The new
/// validators are kept only when every entry was taken, so an entry that failed or was
/// cut short by a signal is fetched again next time.
fn poll(p: &mut Pipeline, spec: &FeedSpec) -> Result<Poll> {
    let url = spec.url.as_str();
    let mut state = p.store.feed_state(url)?.unwrap_or(FeedState {
        url: url.to_string(),
        ..FeedState::default()
    });
    let validators = Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    let defaults = Meta {
        source: spec.name.clone(),
        lang: spec.language.clone(),
        ..Meta::default()
    };
    let outcome = match p.client.get(url, &validators) {
        Ok(Fetched::NotModified { .. }) => {
            state.last_status = Some("not modified".into());
            Poll::NotModified
        }
        Ok(Fetched::Body(resp)) if !is_feed(&resp.body) => {
            let msg = format!("{url}: not an RSS, Atom or JSON feed");
            p.failed(&msg);
            state.last_status = Some(msg);
            Poll::Failed
        }
        Ok(Fetched::Body(resp)) => {
            let failed_before = p.tally.failed;
            let taken = p.feed(&resp.body, url, &defaults, Some(url));
            let complete = p.tally.failed == failed_before && !p.stopped();
            if complete {
                state.etag = resp.validators.etag;
                state.last_modified = resp.validators.last_modified;
            }
            state.last_status = Some(if complete {
                format!("ok: {taken} new")
            } else {
                format!("partial: {taken} new; the rest next time")
            });
            if complete {
                Poll::Fetched
            } else {
                Poll::Failed
            }
        }
        Err(e) => {
            p.failed(&e.to_string());
            state.last_status = Some(e.to_string());
            Poll::Failed
        }
    };
    state.last_poll = Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    p.store.save_feed_state(&state)?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_in_the_forms_people_write() {
        assert_eq!(parse_interval("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_interval("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_interval("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_interval("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_interval("1h").unwrap(), Duration::from_secs(3600));
        assert!(parse_interval("0s").is_err());
        assert!(parse_interval("soon").is_err());
        assert!(parse_interval("5 days").is_err());
    }
}
