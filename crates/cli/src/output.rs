//! What the read commands print: tables for people, JSON, JSON Lines and CSV for machines.

use crate::{ExportFormat, ListFormat, ShowFormat};
use anyhow::{Context, Result};
use recount_export::{write_acled_csv, write_csv, write_jsonl, AdminNames, WarcInfo, WarcWriter};
use recount_model::{FigureKind, Incident};
use recount_store::{Filter, Store};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

pub fn list(store: &dyn Store, filter: &Filter, format: ListFormat) -> Result<()> {
    let incidents = store.incidents(filter)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        ListFormat::Table => table(&mut out, &incidents)?,
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &incidents)?;
            writeln!(out)?;
        }
        ListFormat::Jsonl => {
            write_jsonl(&mut out, incidents.iter())?;
        }
        ListFormat::Csv => {
            write_csv(&mut out, incidents.iter())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Pads to a display width (Chinese characters are two columns wide).
fn pad(s: &str, width: usize) -> String {
    let mut cut = String::new();
    for c in s.chars() {
        if UnicodeWidthStr::width(format!("{cut}{c}").as_str()) > width {
            break;
        }
        cut.push(c);
    }
    let w = UnicodeWidthStr::width(cut.as_str());
    format!("{cut}{}", " ".repeat(width.saturating_sub(w)))
}

fn figure(inc: &Incident, kind: FigureKind) -> String {
    inc.best(kind).map_or("-".to_string(), |v| v.to_string())
}

fn place_label(inc: &Incident) -> String {
    inc.location
        .as_ref()
        .map(|l| {
            l.name_en
                .clone()
                .or_else(|| l.name.clone())
                .unwrap_or_else(|| l.country.clone())
        })
        .unwrap_or_else(|| "-".into())
}

fn table(out: &mut impl Write, incidents: &[Incident]) -> Result<()> {
    writeln!(
        out,
        "{} {} {} {} {:>5} {:>5} TITLE",
        pad("ID", 16),
        pad("DATE", 10),
        pad("TYPE", 11),
        pad("PLACE", 26),
        "DEAD",
        "INJ",
    )?;
    for inc in incidents {
        writeln!(
            out,
            "{} {} {} {} {:>5} {:>5} {}",
            pad(&inc.id, 16),
            pad(
                &inc.date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into()),
                10
            ),
            pad(inc.kind.as_str(), 11),
            pad(&place_label(inc), 26),
            figure(inc, FigureKind::Dead),
            figure(inc, FigureKind::Injured),
            pad(
                inc.title_zh
                    .as_deref()
                    .filter(|_| inc.title.is_empty())
                    .unwrap_or(&inc.title),
                60
            )
            .trim_end()
        )?;
    }
    writeln!(out, "{} incidents", incidents.len())?;
    Ok(())
}

pub fn show(store: &dyn Store, id: &str, format: ShowFormat) -> Result<ExitCode> {
    let Some(detail) = store.incident(id)? else {
        eprintln!("error: no incident with id {id} (list them with `recount incidents`)");
        return Ok(ExitCode::FAILURE);
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let inc = &detail.incident;
    if let ShowFormat::Json = format {
        let v = serde_json::json!({
            "incident": inc,
            "reports": detail.reports,
            "documents": detail.documents,
            "history": detail.history,
        });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{}  {}", inc.id, inc.title)?;
    if let Some(zh) = &inc.title_zh {
        writeln!(out, "    {zh}")?;
    }
    let facets: Vec<String> = [&inc.sector, &inc.mechanism, &inc.grievance]
        .iter()
        .filter_map(|f| f.as_ref().map(|s| s.replace('_', " ")))
        .collect();
    writeln!(
        out,
        "type:     {} {}",
        inc.kind,
        if facets.is_empty() {
            String::new()
        } else {
            format!("({})", facets.join(", "))
        }
    )?;
    let date = inc
        .date
        .map(|d| d.to_string())
        .unwrap_or_else(|| "unknown".into());
    match inc.date_end {
        Some(end) => writeln!(out, "date:     {date} to {end}")?,
        None => writeln!(out, "date:     {date}")?,
    }
    if let Some(l) = &inc.location {
        writeln!(
            out,
            "place:    {} {} {} [{}]{}",
            l.name.as_deref().unwrap_or(""),
            l.name_en.as_deref().unwrap_or(""),
            l.adcode.as_deref().unwrap_or(&l.country),
            l.level,
            l.detail
                .as_deref()
                .map(|d| format!(" — {d}"))
                .unwrap_or_default()
        )?;
    }
    for o in &inc.organizations {
        writeln!(
            out,
            "org:      {} ({})",
            o.name,
            o.role.as_deref().unwrap_or("other")
        )?;
    }
    if !inc.flags.is_empty() {
        let flags: Vec<&str> = inc.flags.iter().map(|f| f.as_str()).collect();
        writeln!(out, "flags:    {}", flags.join(", "))?;
    }
    for (kind, fig) in &inc.figures {
        writeln!(
            out,
            "\n{kind}: best {}  low {}  high {}",
            fig.best.map_or("-".into(), |v| v.to_string()),
            fig.low.map_or("-".into(), |v| v.to_string()),
            fig.high.map_or("-".into(), |v| v.to_string())
        )?;
        if let Some(s) = &fig.superseded {
            writeln!(
                out,
                "  no longer stands: accounted for by {} {}{}",
                s.value,
                s.by,
                s.as_of.map_or(String::new(), |d| format!(" as of {d}"))
            )?;
        }
        for c in &fig.claims {
            writeln!(
                out,
                "  {:>8} {:<9} {:<8} as of {:<10} {}",
                c.value,
                c.qualifier.as_str(),
                c.attributed_to.map_or("unknown", |s| s.as_str()),
                c.as_of.map(|d| d.to_string()).unwrap_or_else(|| "?".into()),
                c.source
            )?;
            if let Some(q) = &c.quote {
                let q: String = q.chars().take(160).collect();
                writeln!(out, "           “{q}”")?;
            }
        }
    }
    writeln!(out, "\nsources:")?;
    for s in &inc.sources {
        let doc = detail.documents.iter().find(|d| d.id == s.doc);
        writeln!(
            out,
            "  {}  published {}  {}  sha256 {}",
            s.doc,
            s.published.as_deref().unwrap_or("?"),
            doc.and_then(|d| d.source.as_deref()).unwrap_or(""),
            s.sha256
                .as_deref()
                .map(|h| &h[..h.len().min(16)])
                .unwrap_or("?")
        )?;
        if let Some(u) = &s.url {
            writeln!(out, "    {u}")?;
        }
    }
    writeln!(out, "\nreports (passages):")?;
    for r in &detail.reports {
        let q: String = r.quote.chars().take(100).collect();
        writeln!(
            out,
            "  {}  {}  {}  “{q}”",
            r.key,
            r.doc,
            r.date.map(|d| d.to_string()).unwrap_or_default()
        )?;
    }
    if !inc.related.is_empty() {
        writeln!(out, "\nrelated:")?;
        for r in &inc.related {
            writeln!(out, "  {} {}", r.relation.replace('_', " "), r.id)?;
        }
    }
    if !detail.history.is_empty() {
        writeln!(out, "\nhistory:")?;
        for h in &detail.history {
            writeln!(
                out,
                "  {} {} {} {} — {}",
                h.at,
                h.who,
                h.action,
                h.detail,
                h.reason.as_deref().unwrap_or("")
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// ACLED's admin1..3 from the gazetteer's hierarchy.
struct GazetteerNames;

impl AdminNames for GazetteerNames {
    fn admin_names(&self, adcode: &str) -> [Option<String>; 3] {
        let geo = recount_geo::gazetteer();
        let mut names: [Option<String>; 3] = [None, None, None];
        let mut chain: Vec<_> = geo.ancestors(adcode);
        if let Some(u) = geo.unit(adcode) {
            chain.insert(0, u);
        }
        for u in chain {
            let slot = match u.level {
                recount_model::PlaceLevel::Province => 0,
                recount_model::PlaceLevel::Prefecture => 1,
                _ => 2,
            };
            names[slot].get_or_insert_with(|| u.name_en.clone());
        }
        names
    }
}

pub fn export(store: &dyn Store, format: ExportFormat, out: Option<&Path>) -> Result<()> {
    let mut sink: Box<dyn Write> = match out {
        Some(p) => Box::new(BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    if let ExportFormat::Warc = format {
        let info = WarcInfo {
            software: format!("recount {}", env!("CARGO_PKG_VERSION")),
            format: WarcInfo::FORMAT_1_1.to_string(),
            description: Some("Every original archived by recount, byte for byte.".into()),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        let mut warc = WarcWriter::new(&mut sink, &info)?;
        // One original in memory at a time.
        for doc in store.documents()? {
            let bytes = store
                .original(&doc.sha256)?
                .with_context(|| format!("document {} has no archived bytes", doc.id))?;
            warc.write_original(&doc, &bytes)?;
        }
        let n = warc.count();
        warc.finish()?;
        sink.flush()?;
        if out.is_some() {
            eprintln!("exported {n} originals");
        }
        return Ok(());
    }
    let incidents = store.incidents(&Filter::default())?;
    let n = match format {
        ExportFormat::Jsonl => write_jsonl(&mut sink, incidents.iter())?,
        ExportFormat::Csv => write_csv(&mut sink, incidents.iter())?,
        ExportFormat::AcledCsv => write_acled_csv(&mut sink, incidents.iter(), &GazetteerNames)?,
        ExportFormat::Warc => unreachable!("handled above"),
    };
    sink.flush()?;
    if out.is_some() {
        eprintln!("exported {n} incidents");
    }
    Ok(())
}
