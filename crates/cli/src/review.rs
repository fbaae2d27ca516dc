//! `recount edit | merge | split | reextract`: a reviewer's corrections, recorded with who,
//! when and why, and kept when extraction runs again.

use crate::ingest::extract_document;
use anyhow::{bail, Context, Result};
use recount_store::{Reviewer, Store};

/// Who is acting: `--who`, else `RECOUNT_USER`, else the login name.
pub fn who(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("RECOUNT_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// Turns `field=value` into the stored edit. `place=NAME|ADCODE` becomes a full location
/// from the gazetteer; other values are JSON when they parse as JSON, else text.
fn parse_set(set: &str) -> Result<(String, serde_json::Value)> {
    let (field, value) = set
        .split_once('=')
        .with_context(|| format!("--set '{set}': write it as field=value"))?;
    let field = field.trim();
    let value = value.trim();
    if field == "place" || field == "location" {
        if value == "null" {
            return Ok(("location".into(), serde_json::Value::Null));
        }
        let Some(place) = recount_geo::gazetteer().place_named(value) else {
            bail!("--set {field}: no place is called '{value}'");
        };
        return Ok(("location".into(), serde_json::to_value(place)?));
    }
    let json = serde_json::from_str(value)
        .unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
    Ok((field.to_string(), json))
}

pub fn edit(
    store: &mut dyn Store,
    id: &str,
    sets: &[String],
    reason: &str,
    who: &str,
) -> Result<()> {
    if sets.is_empty() {
        bail!(
            "nothing to edit: give --set field=value (fields: {})",
            recount_store::EDITABLE.join("; ")
        );
    }
    let by = Reviewer { who, reason };
    let mut id = id.to_string();
    for set in sets {
        let (field, value) = parse_set(set)?;
        id = store.edit(&id, &field, &value, &by)?;
    }
    println!("edited {id}");
    Ok(())
}

pub fn merge(store: &mut dyn Store, ids: &[String], reason: &str, who: &str) -> Result<()> {
    let id = store.merge(ids, &Reviewer { who, reason })?;
    println!("merged into {id}");
    Ok(())
}

pub fn split(
    store: &mut dyn Store,
    id: &str,
    passage: &str,
    reason: &str,
    who: &str,
) -> Result<()> {
    let (kept, new) = store.split(id, passage, &Reviewer { who, reason })?;
    println!("split {passage} from {kept} into {new}");
    Ok(())
}

pub fn reextract(store: &mut dyn Store) -> Result<bool> {
    let outcome = store.reextract(&mut |doc, bytes| extract_document(doc, bytes))?;
    for (doc, e) in &outcome.failed {
        eprintln!("error: {doc}: {e} (its previous reports were kept)");
    }
    println!(
        "documents: {}, reports: {}, incidents: {} before, {} after, {} failed",
        outcome.documents,
        outcome.reports,
        outcome.incidents_before,
        outcome.incidents_after,
        outcome.failed.len()
    );
    Ok(outcome.failed.is_empty())
}

/// `recount redate DOC --published DATE`: gives an archived document its publication date
/// (or corrects it) and re-extracts it; logged like a review action.
pub fn redate(
    store: &mut dyn Store,
    doc: &str,
    published: &str,
    reason: &str,
    who: &str,
) -> Result<()> {
    let date = crate::ingest::parse_published(published).ok_or_else(|| {
        anyhow::anyhow!("--published {published}: not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    })?;
    let outcome = store.redate(doc, date, who, reason, &mut |d, bytes| {
        extract_document(d, bytes)
    })?;
    println!(
        "redated {doc} to {date} ({} archived version{}): reports {} before, {} after; incidents: {}",
        outcome.documents,
        if outcome.documents == 1 { "" } else { "s" },
        outcome.reports_before,
        outcome.reports_after,
        if outcome.incidents.is_empty() {
            "none".to_string()
        } else {
            outcome.incidents.join(", ")
        }
    );
    Ok(())
}

/// `recount duplicates`: pairs of incidents that almost merged, best first, each with
/// the evidence for and against and the command that merges them.
pub fn duplicates(store: &dyn Store, min_score: i32, json: bool) -> Result<()> {
    let pairs = store.likely_duplicates(min_score)?;
    let ids: Vec<String> = pairs
        .iter()
        .flat_map(|p| [p.a.clone(), p.b.clone()])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let incidents: std::collections::BTreeMap<String, recount_model::Incident> = store
        .incidents_by_id(&ids)?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    if json {
        for p in &pairs {
            println!("{}", serde_json::to_string(p)?);
        }
        return Ok(());
    }
    if pairs.is_empty() {
        println!("no pair of incidents scores {min_score} or more");
        return Ok(());
    }
    let line = |id: &str| match incidents.get(id) {
        Some(i) => format!(
            "{id} {:<10} {:<24} {}",
            i.date.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
            i.location
                .as_ref()
                .and_then(|l| l.name_en.clone().or_else(|| l.name.clone()))
                .unwrap_or_else(|| "-".into()),
            i.title
        ),
        None => id.to_string(),
    };
    for p in &pairs {
        println!(
            "score {} (merging takes {})",
            p.score,
            recount_store::MATCH_THRESHOLD
        );
        println!("  {}", line(&p.a));
        println!("  {}", line(&p.b));
        println!("  for:     {}", list(&p.evidence_for));
        println!("  against: {}", list(&p.evidence_against));
        println!("  merge:   recount merge {} {} --reason \"…\"", p.a, p.b);
    }
    println!(
        "{} pair{}",
        pairs.len(),
        if pairs.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}
