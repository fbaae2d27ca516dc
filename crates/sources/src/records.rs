//! JSON Lines and JSON records: `{"id", "text", "published", "source", "lang", "title", "url"}`.

use crate::{Format, Item, Meta, SourceError};
use serde::Deserialize;

#[derive(Deserialize)]
struct Record {
    id: Option<serde_json::Value>,
    text: Option<String>,
    #[serde(flatten)]
    meta: Meta,
}

/// Reads records from a `.jsonl`/`.json` file: one per line, or a JSON array, or one
/// object. Returns `None` when the bytes are not records at all (the caller then reads
/// the file as a text document). Each record's archived bytes are its own line.
pub(crate) fn records(
    bytes: &[u8],
    path: &str,
    defaults: &Meta,
    max_bytes: u64,
) -> Option<Vec<Result<Item, SourceError>>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let values: Vec<serde_json::Value> = serde_json::from_str(trimmed).ok()?;
        return Some(
            values
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    let raw = serde_json::to_vec(&v).unwrap_or_default();
                    record(&raw, v, &format!("{path}[{i}]"), defaults)
                })
                .collect(),
        );
    }
    if !trimmed.starts_with('{') {
        return None;
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let origin = format!("{path}:{}", n + 1);
        if line.len() as u64 > max_bytes {
            out.push(Err(SourceError::BadRecord {
                origin,
                reason: format!(
                    "{} bytes is over the limit of {max_bytes} bytes (raise it with --max-bytes)",
                    line.len()
                ),
            }));
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v) => out.push(record(line.as_bytes(), v, &origin, defaults)),
            Err(e) if n == 0 && out.is_empty() => {
                // A pretty-printed single object spans lines.
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                    return Some(vec![record(bytes, v, path, defaults)]);
                }
                out.push(Err(SourceError::BadRecord {
                    origin,
                    reason: e.to_string(),
                }));
            }
            Err(e) => out.push(Err(SourceError::BadRecord {
                origin,
                reason: e.to_string(),
            })),
        }
    }
    Some(out)
}

fn record(
    raw: &[u8],
    v: serde_json::Value,
    origin: &str,
    defaults: &Meta,
) -> Result<Item, SourceError> {
    let bad = |reason: &str| SourceError::BadRecord {
        origin: origin.to_string(),
        reason: reason.to_string(),
    };
    let r: Record = serde_json::from_value(v).map_err(|e| bad(&e.to_string()))?;
    let text = r
        .text
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| bad("no \"text\" field"))?;
    let id = match r.id {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => r
            .meta
            .url
            .clone()
            .ok_or_else(|| bad("no \"id\" (or \"url\") field"))?,
    };
    Ok(Item {
        doc_id: id,
        origin: origin.to_string(),
        bytes: raw.to_vec(),
        format: Format::Record,
        meta: r.meta.or(defaults),
        text: Some(text),
        modified: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_items_and_bad_lines_errors() {
        let data = b"{\"id\":\"r1\",\"text\":\"one\",\"published\":\"2024-02-01\"}\n\n{broken\n{\"id\":\"r3\"}\n{\"id\":7,\"text\":\"seven\"}\n";
        let got = records(data, "f.jsonl", &Meta::default(), u64::MAX).unwrap();
        assert_eq!(got.len(), 4);
        let first = got[0].as_ref().unwrap();
        assert_eq!(first.doc_id, "r1");
        assert_eq!(first.text.as_deref(), Some("one"));
        assert_eq!(first.meta.published.as_deref(), Some("2024-02-01"));
        assert!(got[1]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("f.jsonl:3"));
        assert!(got[2].as_ref().unwrap_err().to_string().contains("text"));
        assert_eq!(got[3].as_ref().unwrap().doc_id, "7");
    }

    #[test]
    fn arrays_and_non_records() {
        let got = records(
            br#"[{"id":"a","text":"x"},{"id":"b","text":"y"}]"#,
            "f.json",
            &Meta::default(),
            u64::MAX,
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert!(records(b"plain words", "f.json", &Meta::default(), u64::MAX).is_none());
    }
}
