//! `recount`: turn scattered reports into one verifiable incident record.
//!
//! This binary wires the library crates together: sources → text → extract → store
//! (which resolves), and store → export. It owns argument parsing, progress and exit
//! status; no pipeline logic lives here.

mod alerts;
mod bench;
mod ingest;
mod ledger;
mod output;
mod place_filter;
mod review;
mod search;
mod serve;
mod stats;
mod watch;
mod witness;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use recount_sources::OwnFiles;
use recount_store::{PgStore, SqliteStore, Store};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "recount",
    version,
    about = "Turn scattered reports of accidents, strikes and protests into one verifiable incident record."
)]
struct Cli {
    /// The SQLite database file.
    #[arg(long, global = true, env = "RECOUNT_DB", default_value = "recount.db")]
    db: PathBuf,
    /// A PostgreSQL database instead of the SQLite file: postgres://user[:password]@host[:port]/name.
    #[arg(long, global = true, env = "RECOUNT_DATABASE_URL")]
    database_url: Option<String>,
    /// The log's signing key (created on first use; default: the database path + ".key",
    /// or recount-<name>.key in the working directory for PostgreSQL).
    #[arg(long, global = true, env = "RECOUNT_KEY")]
    key: Option<PathBuf>,
    /// The search index's directory (default: the database path + ".index", or
    /// recount-<name>.index in the working directory for PostgreSQL).
    #[arg(long, global = true, env = "RECOUNT_INDEX")]
    index: Option<PathBuf>,
    /// Also publish the latest checkpoint after a command that signs one (`checkpoint`: the
    /// latest, new or not) outside the database: to a directory (one that exists, or a path
    /// ending in /: DIR/checkpoint.SIZE and the list DIR/checkpoints), a file (appended to),
    /// or an http(s) URL (POSTed as text/plain).
    #[arg(
        long,
        global = true,
        env = "RECOUNT_PUBLISH",
        value_name = "DIR|FILE|URL"
    )]
    publish: Option<String>,
    /// Let --publish post to a loopback, private or other non-public address.
    #[arg(long, global = true, env = "RECOUNT_PUBLISH_ALLOW_PRIVATE")]
    publish_allow_private: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Archive documents and extract their incidents (files, folders, JSON Lines, feeds, URLs).
    Ingest(ingest::IngestArgs),
    /// Poll feeds on a schedule, ingest new entries and deliver alerts, until stopped.
    Watch(watch::WatchArgs),
    /// List incidents.
    Incidents(ListArgs),
    /// Search incidents and the passages behind them: Chinese, English, or Chinese names in pinyin.
    Search(search::SearchArgs),
    /// Make the search index again from every incident.
    Reindex,
    /// Show one incident: facts, every claim with its source and quote, the sources.
    Show {
        /// The incident's id (inc-…), or a former id it absorbed.
        id: String,
        /// Text for reading, or the incident as JSON with its reports, documents and history.
        #[arg(long, value_enum, default_value = "text")]
        format: ShowFormat,
    },
    /// Correct an incident: set fields (type, date, place, sector, dead, …); kept across re-extraction.
    Edit {
        /// The incident's id (inc-…).
        id: String,
        /// field=value, e.g. date=2024-03-08, type=strike, place=桐梓县, dead=14 (repeatable)
        #[arg(long = "set", required = true)]
        sets: Vec<String>,
        /// Why: recorded in the incident's history.
        #[arg(long)]
        reason: String,
        /// Who is editing (default: RECOUNT_USER or the login name).
        #[arg(long)]
        who: Option<String>,
    },
    /// Make one incident of several that tell the same event.
    Merge {
        /// Two or more incident ids (the ids merged away stay aliases of the one incident).
        #[arg(required = true, num_args = 2..)]
        ids: Vec<String>,
        /// Why: recorded in the incident's history.
        #[arg(long)]
        reason: String,
        /// Who is merging (default: RECOUNT_USER or the login name).
        #[arg(long)]
        who: Option<String>,
    },
    /// List pairs of incidents that almost merged, with the evidence for and against,
    /// so that a reviewer can merge them (`recount merge A B --reason …`).
    Duplicates {
        /// The lowest score listed (merging takes 3; each day beyond 3 apart, another
        /// site named, a falling toll cost points).
        #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
        min_score: i32,
        /// Text for reading, or one JSON object a line.
        #[arg(long, value_enum, default_value = "text")]
        format: ShowFormat,
    },
    /// Take one report (passage) out of an incident into an incident of its own.
    Split {
        /// The incident's id (inc-…).
        id: String,
        /// The report key, as `recount show ID` lists it.
        #[arg(long)]
        passage: String,
        /// Why: recorded in the incident's history.
        #[arg(long)]
        reason: String,
        /// Who is splitting (default: RECOUNT_USER or the login name).
        #[arg(long)]
        who: Option<String>,
    },
    /// Re-run extraction over every archived original, keeping reviewers' edits, merges and splits.
    Reextract,
    /// Give an archived document its publication date, or correct it, and re-extract it
    /// (for documents ingested without one: re-ingesting the same bytes is a duplicate).
    Redate {
        /// The document id: the file name, feed item link or record id it was ingested as.
        doc: String,
        /// The publication date: YYYY-MM-DD (or YYYY-MM, YYYY).
        #[arg(long)]
        published: String,
        /// Why: recorded in the history of the incidents it supports.
        #[arg(long, default_value = "publication date set")]
        reason: String,
        /// Who is acting (default: RECOUNT_USER or the login name).
        #[arg(long)]
        who: Option<String>,
    },
    /// Show how one file is read: each sentence with its date and fate, each candidate event
    /// with its words, counts, place and the decision taken, then the reports. Stores nothing.
    Explain {
        /// The document (.txt, .md, .html, .json, .jsonl; a sidecar FILE.meta.json is read).
        file: PathBuf,
        /// The publication date to anchor relative dates (overrides the sidecar's).
        #[arg(long)]
        published: Option<String>,
    },
    /// Sign a checkpoint of the tamper-evident log (when it grew) and print the latest
    /// (with --publish, publish it too).
    Checkpoint {
        /// Also print the verifier key a third party needs to check it.
        #[arg(long)]
        verifier_key: bool,
    },
    /// Recompute the log from the archive and check every checkpoint, then recompute every
    /// report and incident from the logged originals and actions; names each changed,
    /// removed, reordered or unlogged row and each derived row that differs.
    Verify {
        /// Check the log alone (leaves, rows they cover, checkpoints), not the reports and
        /// incidents derived from it: seconds instead of an extraction of the archive.
        #[arg(long)]
        quick: bool,
        /// Also check the log against every checkpoint published to this directory or
        /// file (by --publish): each must be signed by the log's key and extended by the
        /// log's latest checkpoint, proven with a consistency proof.
        #[arg(long, value_name = "FILE|DIR")]
        witness: Option<PathBuf>,
    },
    /// Inclusion proofs (JSON, one per line) of an incident's sources or of one document;
    /// or, with --consistency, a consistency proof between two trees of the log.
    Proof {
        /// An incident's id, or one document's id, sha256, or sha256 prefix (8 hex digits
        /// or more, as `recount show` prints it).
        #[arg(required_unless_present = "consistency")]
        id: Option<String>,
        /// Instead, the consistency proof (JSON) from the log's tree of OLD_SIZE leaves to
        /// its latest checkpoint.
        #[arg(long, value_name = "OLD_SIZE", conflicts_with = "id")]
        consistency: Option<u64>,
    },
    /// Export every incident.
    Export {
        /// What to write (see README, "recount export").
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Serve the JSON API (OpenAPI at /openapi.json) and the dashboard.
    Serve(serve::ServeArgs),
    /// API tokens for `serve`: create (with a role), list, revoke.
    Token {
        #[command(subcommand)]
        what: serve::TokenCommand,
    },
    /// Counts and deaths of the filtered incidents, grouped (by province, month, type, …).
    Stats(stats::StatsArgs),
    /// Recurrence: incidents per organisation, site or place in rolling windows, and repeat
    /// offenders (--repeat 3/4m).
    Risk(stats::RiskArgs),
    /// Coal production figures for deaths per million tonnes: load a CSV, list them.
    Production {
        #[command(subcommand)]
        what: stats::ProductionCommand,
    },
    /// Benchmarks (docs/benchmarks.md): generate a synthetic corpus with known answers, time
    /// ingest over it, time listing and search at scale, or resolve places alone.
    Bench {
        #[command(subcommand)]
        what: bench::BenchWhat,
    },
}

#[derive(clap::Args)]
struct ListArgs {
    #[command(flatten)]
    filter: place_filter::FilterArgs,
    /// How to print them: a table, a JSON array, JSON Lines (one export line each), or CSV.
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Table,
    Json,
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum ShowFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// One incident per line, exactly ../shared/schema/incident.schema.json.
    Jsonl,
    /// One row per incident; each figure as <kind>_best, <kind>_low, <kind>_high.
    Csv,
    /// ACLED's columns (docs/acled-mapping.md).
    AcledCsv,
    /// WARC 1.1: every archived original, byte for byte, with its digests.
    Warc,
}

/// Where the store lives.
enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Database {
    fn of(cli: &Cli) -> Database {
        match &cli.database_url {
            Some(url) => Database::Postgres(url.clone()),
            None => Database::Sqlite(cli.db.clone()),
        }
    }

    fn open(&self) -> Result<Box<dyn Store + Send>> {
        Ok(match self {
            Database::Sqlite(path) => Box::new(
                SqliteStore::open(path)
                    .with_context(|| format!("opening database {}", path.display()))?,
            ),
            Database::Postgres(url) => Box::new(
                PgStore::connect(url)
                    .with_context(|| format!("opening database {}", PgStore::redact(url)))?,
            ),
        })
    }

    /// What the signing key's file name and origin derive from: the SQLite file, or
    /// `recount-<name>` in the working directory for a PostgreSQL database.
    fn key_base(&self) -> Result<PathBuf> {
        match self {
            Database::Sqlite(path) => Ok(path.clone()),
            Database::Postgres(url) => {
                let name = PgStore::database_name(url)
                    .with_context(|| format!("reading database URL {}", PgStore::redact(url)))?;
                Ok(PathBuf::from(format!("recount-{name}")))
            }
        }
    }
}

/// recount's own files, which no ingest may take whatever the path or flag: the SQLite
/// database with its journals, the signing key and the search index.
fn own_files(database: &Database, key: &std::path::Path, index: &std::path::Path) -> OwnFiles {
    let mut own = OwnFiles::default();
    if let Database::Sqlite(db) = database {
        own.file(db, "the database");
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut journal = db.as_os_str().to_owned();
            journal.push(suffix);
            own.file(std::path::Path::new(&journal), "a journal of the database");
        }
    }
    own.file(key, "the log's signing key");
    own.folder(index, "the search index");
    own
}

/// The search index's directory: `--index`, else beside what the key derives from.
fn index_dir(base: &std::path::Path, flag: Option<&std::path::Path>) -> PathBuf {
    match flag {
        Some(dir) => dir.to_path_buf(),
        None => {
            let mut name = base.as_os_str().to_owned();
            name.push(".index");
            PathBuf::from(name)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A stored incident the store cannot read is left out of every listing; the user
    // hears of it here, once per id.
    recount_store::on_unreadable(|row| eprintln!("warning: {row}"));
    match run(cli) {
        Ok(code) => code,
        // A reader that stopped early (`recount export | head`) is not a failure.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let database = Database::of(&cli);
    let base = database.key_base()?;
    let key_flag = cli.key.as_deref();
    let index = index_dir(&base, cli.index.as_deref());
    let open = || database.open();
    // A command that writes signs a checkpoint inside each of its transactions that grew
    // the log, so a commit is never without its signature (the key exists first). With
    // --publish it publishes the latest checkpoint at its end, if that is not the one the
    // store held when it began.
    let open_signed = || -> Result<(Box<dyn Store + Send>, ledger::Keys)> {
        let publishing = cli.publish.as_deref().map(|to| {
            witness::Publishing::new(witness::Destination::parse(to), cli.publish_allow_private)
        });
        let keys = ledger::load_or_create(&base, key_flag)?.publishing(publishing);
        let mut store = database.open()?;
        store.sign_commits(&keys.origin, &keys.key);
        if let Some(to) = &keys.publish {
            to.known(store.latest_checkpoint()?);
        }
        Ok((store, keys))
    };
    match cli.command {
        Command::Ingest(args) => {
            // The key exists before the first commit, so a store is never without the key
            // that signs its log, however early an ingest is killed.
            let (mut store, keys) = open_signed()?;
            let own = own_files(&database, &ledger::key_path(&base, key_flag), &index);
            let code = ingest::run(store.as_mut(), &args, &own)?;
            // Publish what was archived: a signed checkpoint over the grown log.
            ledger::checkpoint_after_write(store.as_mut(), &keys)?;
            search::after_write(store.as_ref(), &index);
            Ok(code)
        }
        Command::Watch(args) => {
            let (mut store, keys) = open_signed()?;
            watch::run(store.as_mut(), &keys, &args, &index)
        }
        Command::Incidents(args) => {
            let store = open()?;
            let filter = args.filter.to_filter()?;
            output::list(store.as_ref(), &filter, args.format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search(args) => {
            let store = open()?;
            search::search(store.as_ref(), &index, &args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex => {
            let store = open()?;
            search::reindex(store.as_ref(), &index)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Redate {
            doc,
            published,
            reason,
            who,
        } => {
            let (mut store, keys) = open_signed()?;
            review::redate(
                store.as_mut(),
                &doc,
                &published,
                &reason,
                &review::who(who.as_deref()),
            )?;
            ledger::checkpoint_after_write(store.as_mut(), &keys)?;
            search::after_write(store.as_ref(), &index);
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { file, published } => {
            let ok = ingest::explain_file(&file, published.as_deref())?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Show { id, format } => {
            let store = open()?;
            output::show(store.as_ref(), &id, format)
        }
        Command::Edit {
            id,
            sets,
            reason,
            who,
        } => {
            let (mut store, keys) = open_signed()?;
            review::edit(
                store.as_mut(),
                &id,
                &sets,
                &reason,
                &review::who(who.as_deref()),
            )?;
            ledger::checkpoint_after_write(store.as_mut(), &keys)?;
            search::after_write(store.as_ref(), &index);
            Ok(ExitCode::SUCCESS)
        }
        Command::Duplicates { min_score, format } => {
            let store = open()?;
            review::duplicates(
                store.as_ref(),
                min_score,
                matches!(format, ShowFormat::Json),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge { ids, reason, who } => {
            let (mut store, keys) = open_signed()?;
            review::merge(store.as_mut(), &ids, &reason, &review::who(who.as_deref()))?;
            ledger::checkpoint_after_write(store.as_mut(), &keys)?;
            search::after_write(store.as_ref(), &index);
            Ok(ExitCode::SUCCESS)
        }
        Command::Split {
            id,
            passage,
            reason,
            who,
        } => {
            let (mut store, keys) = open_signed()?;
            review::split(
                store.as_mut(),
                &id,
                &passage,
                &reason,
                &review::who(who.as_deref()),
            )?;
            ledger::checkpoint_after_write(store.as_mut(), &keys)?;
            search::after_write(store.as_ref(), &index);
            Ok(ExitCode::SUCCESS)
        }
        Command::Reextract => {
            let (mut store, _) = open_signed()?;
            let ok = review::reextract(store.as_mut())?;
            search::after_write(store.as_ref(), &index);
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Checkpoint { verifier_key } => {
            let (mut store, keys) = open_signed()?;
            ledger::checkpoint(store.as_mut(), &keys, verifier_key)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { quick, witness } => {
            let mut store = open()?;
            let path = ledger::key_path(&base, key_flag);
            if !path.exists() {
                anyhow::bail!(
                    "no signing key at {}: pass --key (or RECOUNT_KEY)",
                    path.display()
                );
            }
            let keys = ledger::load_or_create(&base, key_flag)?;
            ledger::verify(store.as_mut(), &keys, quick, witness.as_deref())
        }
        Command::Proof { id, consistency } => {
            let (mut store, keys) = open_signed()?;
            match (consistency, id) {
                (Some(old_size), _) => ledger::consistency(store.as_mut(), &keys, old_size)?,
                (None, Some(id)) => ledger::proof(store.as_mut(), &keys, &id)?,
                (None, None) => anyhow::bail!("give an ID to prove, or --consistency OLD_SIZE"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { format, out } => {
            let store = open()?;
            output::export(store.as_ref(), format, out.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => {
            let (store, keys) = open_signed()?;
            serve::serve(store, keys, &args, &index)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { what } => {
            serve::token(open()?.as_mut(), &what)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats(args) => {
            stats::stats(open()?.as_ref(), &args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Risk(args) => {
            stats::risk(open()?.as_ref(), &args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Production { what } => stats::production(open()?.as_mut(), &what),
        Command::Bench { what } => {
            let own = own_files(&database, &ledger::key_path(&base, key_flag), &index);
            bench::run(&what, &open, &index, &own).map(|()| ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every command and every argument (but clap's own `--help` and `--version`) of
    /// `recount` and its subcommands, however deep, as `command PATH: argument`.
    fn without_help(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                let shown = match arg.get_long() {
                    Some(long) => format!("--{long}"),
                    None => format!("<{}>", id.to_uppercase()),
                };
                out.push(format!("{path}: {shown}"));
            }
        }
        for sub in cmd.get_subcommands() {
            let sub_path = format!("{path} {}", sub.get_name());
            if sub.get_about().is_none() && sub.get_long_about().is_none() {
                out.push(sub_path.clone());
            }
            without_help(sub, &sub_path, out);
        }
    }

    #[test]
    fn every_command_and_argument_has_help_text() {
        let mut missing = Vec::new();
        without_help(&Cli::command(), "recount", &mut missing);
        assert!(
            missing.is_empty(),
            "without help text:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn a_command_or_argument_without_help_text_is_named() {
        let cmd = clap::Command::new("tool")
            .arg(clap::Arg::new("quiet").long("quiet").help("Say less."))
            .subcommand(
                clap::Command::new("show")
                    .about("Show one.")
                    .arg(clap::Arg::new("id")),
            )
            .subcommand(clap::Command::new("bare"));
        let mut missing = Vec::new();
        without_help(&cmd, "tool", &mut missing);
        assert_eq!(missing, ["tool show: <ID>", "tool bare"]);
    }
}
