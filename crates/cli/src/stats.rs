//! `recount stats`, `recount risk` and `recount production`: the statistics of
//! `recount-stats` printed as a table for people, JSON or CSV for machines.

use crate::place_filter::FilterArgs;
use anyhow::{Context, Result};
use clap::ValueEnum;
use recount_stats::{Entity, GroupBy, Repeat, RiskOptions, RiskReport, StatRow, Window};
use recount_store::Store;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args)]
pub struct StatsArgs {
    /// province, prefecture, county, month, year, type, sector, grievance or organization
    #[arg(long, value_parser = parse::<GroupBy>)]
    by: GroupBy,
    #[command(flatten)]
    filter: FilterArgs,
    /// How to print the rows: a table, a JSON array, or CSV.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(clap::Args)]
pub struct RiskArgs {
    /// organization, site, county, prefecture or province
    #[arg(long, value_parser = parse::<Entity>, default_value = "organization")]
    by: Entity,
    /// The rolling window: a number and d, w, m or y (90d, 2w, 4m, 1y).
    #[arg(long, value_parser = parse::<Window>, default_value = "12m")]
    window: Window,
    /// Only entities with incidents in at least K of the last N calendar months (3/4m).
    #[arg(long, value_parser = parse::<Repeat>)]
    repeat: Option<Repeat>,
    /// The last day considered (YYYY-MM-DD, YYYY-MM or YYYY: its last day); default: the
    /// latest date among the selected incidents.
    #[arg(long)]
    as_of: Option<String>,
    /// Only entities with at least this many incidents.
    #[arg(long, default_value_t = 2)]
    min_incidents: usize,
    #[command(flatten)]
    filter: FilterArgs,
    /// How to print the rows: a table, a JSON array, or CSV.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(clap::Subcommand)]
pub enum ProductionCommand {
    /// Load coal production figures from CSV: a province or prefecture column, year, and
    /// tonnes or mt (million tonnes). All rows or none; a (place, year) loaded before is
    /// replaced.
    Load {
        /// The CSV file.
        file: PathBuf,
    },
    /// List the loaded production figures.
    List {
        /// How to print them: a table, a JSON array, or CSV.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

fn parse<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, String> {
    s.parse()
}

/// Pads to a display width (Chinese characters are two columns wide).
fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn rate(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"))
}

/// A group's name for people: the English and the Chinese name, once when they agree.
fn name(label: &str, label_zh: &str) -> String {
    if label == label_zh {
        label.to_string()
    } else {
        format!("{label} {label_zh}")
    }
}

fn csv_number(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v}"))
}

pub fn stats(store: &dyn Store, args: &StatsArgs) -> Result<()> {
    let filter = args.filter.to_filter()?;
    let rows = recount_stats::stats(store, &filter, args.by)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        Format::Csv => stats_csv(&mut out, &rows)?,
        Format::Table => stats_table(&mut out, &rows, args.by)?,
    }
    out.flush()?;
    Ok(())
}

fn stats_csv(out: &mut impl Write, rows: &[StatRow]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "key",
        "label",
        "label_zh",
        "incidents",
        "incidents_with_deaths",
        "dead",
        "dead_low",
        "coal_mining_dead",
        "production_mt",
        "dead_per_mt",
    ])?;
    for r in rows {
        w.write_record([
            r.key.clone(),
            r.label.clone(),
            r.label_zh.clone(),
            r.incidents.to_string(),
            r.incidents_with_deaths.to_string(),
            r.dead.to_string(),
            r.dead_low.to_string(),
            r.coal_mining_dead
                .map_or_else(String::new, |v| v.to_string()),
            csv_number(r.production_mt),
            csv_number(r.dead_per_mt),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn stats_table(out: &mut impl Write, rows: &[StatRow], by: GroupBy) -> Result<()> {
    let names: Vec<String> = rows.iter().map(|r| name(&r.label, &r.label_zh)).collect();
    let width = names
        .iter()
        .map(|n| UnicodeWidthStr::width(n.as_str()))
        .chain([by.as_str().len()])
        .max()
        .unwrap_or(0)
        .min(48);
    let rates = rows.iter().any(|r| r.production_mt.is_some());
    write!(
        out,
        "{} {:>9} {:>11} {:>7} {:>8}",
        pad(&by.as_str().to_uppercase(), width),
        "INCIDENTS",
        "WITH_DEATHS",
        "DEAD",
        "DEAD_LOW"
    )?;
    if rates {
        write!(
            out,
            " {:>9} {:>13} {:>10}",
            "COAL_DEAD", "PRODUCTION_MT", "DEAD_PER_MT"
        )?;
    }
    writeln!(out)?;
    for (r, n) in rows.iter().zip(&names) {
        write!(
            out,
            "{} {:>9} {:>11} {:>7} {:>8}",
            pad(n, width),
            r.incidents,
            r.incidents_with_deaths,
            r.dead,
            r.dead_low
        )?;
        if rates {
            write!(
                out,
                " {:>9} {:>13} {:>10}",
                opt(r.coal_mining_dead),
                r.production_mt.map_or("-".into(), |v| format!("{v:.1}")),
                rate(r.dead_per_mt)
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{} groups", rows.len())?;
    Ok(())
}

pub fn risk(store: &dyn Store, args: &RiskArgs) -> Result<()> {
    let filter = args.filter.to_filter()?;
    let as_of = args
        .as_of
        .as_deref()
        .map(|s| {
            s.parse::<recount_model::PartialDate>()
                .map(|d| d.last_day())
                .map_err(|e| anyhow::anyhow!("--as-of: {e}"))
        })
        .transpose()?;
    let options = RiskOptions {
        by: args.by,
        window: args.window,
        repeat: args.repeat,
        as_of,
        min_incidents: args.min_incidents,
    };
    let report = recount_stats::risk(store, &filter, &options)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Csv => risk_csv(&mut out, &report)?,
        Format::Table => risk_table(&mut out, &report)?,
    }
    out.flush()?;
    Ok(())
}

fn risk_csv(out: &mut impl Write, report: &RiskReport) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "key",
        "label",
        "label_zh",
        "incidents",
        "in_window",
        "peak_window",
        "peak_from",
        "peak_to",
        "months",
        "recent_months",
        "dead",
        "first",
        "last",
        "coal_mining_dead",
        "production_mt",
        "dead_per_mt",
        "ids",
    ])?;
    for r in &report.entities {
        w.write_record([
            r.key.clone(),
            r.label.clone(),
            r.label_zh.clone(),
            r.incidents.to_string(),
            r.in_window.to_string(),
            r.peak_window.to_string(),
            r.peak_from.clone().unwrap_or_default(),
            r.peak_to.clone().unwrap_or_default(),
            r.months.to_string(),
            r.recent_months.map_or_else(String::new, |v| v.to_string()),
            r.dead.to_string(),
            r.first.clone().unwrap_or_default(),
            r.last.clone().unwrap_or_default(),
            r.coal_mining_dead
                .map_or_else(String::new, |v| v.to_string()),
            csv_number(r.production_mt),
            csv_number(r.dead_per_mt),
            r.ids.join(" "),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn risk_table(out: &mut impl Write, report: &RiskReport) -> Result<()> {
    writeln!(
        out,
        "{} by {}, as of {}, window {}{}",
        if report.repeat.is_some() {
            "repeat offenders"
        } else {
            "recurrence"
        },
        report.by,
        report.as_of.as_deref().unwrap_or("-"),
        report.window,
        report
            .repeat
            .as_deref()
            .map(|r| format!(", repeat {r}"))
            .unwrap_or_default()
    )?;
    let names: Vec<String> = report
        .entities
        .iter()
        .map(|r| name(&r.label, &r.label_zh))
        .collect();
    let width = names
        .iter()
        .map(|n| UnicodeWidthStr::width(n.as_str()))
        .chain([6])
        .max()
        .unwrap_or(0)
        .min(40);
    let repeat = report.repeat.is_some();
    let rates = report.entities.iter().any(|r| r.production_mt.is_some());
    write!(
        out,
        "{} {:>9} {:>6} {:>4} {:>6}",
        pad("ENTITY", width),
        "INCIDENTS",
        "WINDOW",
        "PEAK",
        "MONTHS"
    )?;
    if repeat {
        write!(out, " {:>6}", "RECENT")?;
    }
    write!(out, " {:>5} {:<10} {:<10}", "DEAD", "FIRST", "LAST")?;
    if rates {
        write!(out, " {:>11}", "DEAD_PER_MT")?;
    }
    writeln!(out, " IDS")?;
    for (r, n) in report.entities.iter().zip(&names) {
        write!(
            out,
            "{} {:>9} {:>6} {:>4} {:>6}",
            pad(n, width),
            r.incidents,
            r.in_window,
            r.peak_window,
            r.months
        )?;
        if repeat {
            write!(out, " {:>6}", opt(r.recent_months))?;
        }
        write!(
            out,
            " {:>5} {:<10} {:<10}",
            r.dead,
            r.first.as_deref().unwrap_or("-"),
            r.last.as_deref().unwrap_or("-")
        )?;
        if rates {
            write!(out, " {:>11}", rate(r.dead_per_mt))?;
        }
        writeln!(out, " {}", r.ids.join(" "))?;
    }
    writeln!(out, "{} entities", report.entities.len())?;
    Ok(())
}

pub fn production(store: &mut dyn Store, what: &ProductionCommand) -> Result<ExitCode> {
    match what {
        ProductionCommand::Load { file } => {
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", file.display()))?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let name = file.display().to_string();
            let rows = match recount_stats::parse_production_csv(text, &name) {
                Ok(rows) => rows,
                Err(e) => {
                    for p in &e.problems {
                        eprintln!("error: {}: {p}", e.file);
                    }
                    eprintln!("error: {name}: nothing loaded");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let n = store.load_production(&rows)?;
            let places: std::collections::BTreeSet<&str> =
                rows.iter().map(|r| r.adcode.as_str()).collect();
            let years = (
                rows.iter().map(|r| r.year).min().unwrap_or(0),
                rows.iter().map(|r| r.year).max().unwrap_or(0),
            );
            println!(
                "loaded {n} production figures from {name}: {} places, {}–{}",
                places.len(),
                years.0,
                years.1
            );
            Ok(ExitCode::SUCCESS)
        }
        ProductionCommand::List { format } => {
            let rows = store.production()?;
            let geo = recount_geo::gazetteer();
            let mut out = BufWriter::new(std::io::stdout().lock());
            match format {
                Format::Json => {
                    let v: Vec<serde_json::Value> = rows
                        .iter()
                        .map(|r| {
                            serde_json::json!({"adcode": r.adcode, "year": r.year,
                                "tonnes": r.tonnes, "source": r.source})
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut out, &v)?;
                    writeln!(out)?;
                }
                Format::Csv => {
                    let mut w = csv::Writer::from_writer(&mut out);
                    w.write_record(["adcode", "name", "year", "tonnes", "source"])?;
                    for r in &rows {
                        let unit = geo.unit(&r.adcode).map(|u| u.name.clone());
                        w.write_record([
                            r.adcode.clone(),
                            unit.unwrap_or_default(),
                            r.year.to_string(),
                            r.tonnes.to_string(),
                            r.source.clone().unwrap_or_default(),
                        ])?;
                    }
                    w.flush()?;
                }
                Format::Table => {
                    writeln!(out, "ADCODE PLACE                YEAR    MILLION_T SOURCE")?;
                    for r in &rows {
                        let unit = geo
                            .unit(&r.adcode)
                            .map(|u| name(&u.name_en, &u.name))
                            .unwrap_or_default();
                        writeln!(
                            out,
                            "{} {} {} {:>12.3} {}",
                            r.adcode,
                            pad(&unit, 20),
                            r.year,
                            r.tonnes as f64 / 1e6,
                            r.source.as_deref().unwrap_or("")
                        )?;
                    }
                    writeln!(out, "{} figures", rows.len())?;
                }
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
