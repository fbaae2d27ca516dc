//! JSON Lines and JSON records: `{"id", "text", "published", "source", "lang", "title", "url"}`.

use crate::meta::{meta_fields, string_field};
use crate::{Format, Item, Meta, SourceError};

/// Reads records from a `.jsonl`/`.json` file: one per line, or a JSON array, or one
/// object. Returns `None` when the bytes are not records at all (the caller then reads
/// the file as a text document). Each record's archived bytes are its own line. JSON is
/// UTF-8: a line that is not is a bad record (the others go on).
pub(crate) fn records(
    bytes: &[u8],
    path: &str,
    defaults: &Meta,
    max_bytes: u64,
) -> Option<Vec<Result<Item, SourceError>>> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let bad = |origin: &str, reason: String| SourceError::BadRecord {
        origin: origin.to_string(),
        reason,
    };
    if bytes[start] == b'[' {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Some(vec![Err(bad(
                path,
                "a JSON array that is not UTF-8".into(),
            ))]);
        };
        let values: Vec<serde_json::Value> = serde_json::from_str(text.trim_start()).ok()?;
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
    if bytes[start] != b'{' {
        return None;
    }
    let mut out = Vec::new();
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        // The bytes of a record are its line without the line break (CR LF included).
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let origin = format!("{path}:{}", n + 1);
        if line.len() as u64 > max_bytes {
            out.push(Err(bad(
                &origin,
                format!(
                    "{} bytes is over the limit of {max_bytes} bytes (raise it with --max-bytes)",
                    line.len()
                ),
            )));
            continue;
        }
        let line = match std::str::from_utf8(line) {
            Ok(l) => l,
            Err(e) => {
                out.push(Err(bad(
                    &origin,
                    format!(
                        "not UTF-8 (an invalid sequence at byte {} of the line)",
                        e.valid_up_to() + 1
                    ),
                )));
                continue;
            }
        };
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v) => out.push(record(line.as_bytes(), v, &origin, defaults)),
            Err(e) if n == 0 && out.is_empty() => {
                // A pretty-printed single object spans lines.
                if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
                    return Some(vec![record(bytes, v, path, defaults)]);
                }
                out.push(Err(bad(&origin, e.to_string())));
            }
            Err(e) => out.push(Err(bad(&origin, e.to_string()))),
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
    let serde_json::Value::Object(obj) = v else {
        return Err(bad("a record is a JSON object"));
    };
    let meta = meta_fields(&obj).map_err(|e| bad(&e))?;
    let text = string_field(&obj, "text")
        .map_err(|e| bad(&e))?
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| bad("no \"text\" field"))?;
    let id = match obj.get("id") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        None | Some(serde_json::Value::Null) => meta
            .url
            .clone()
            .ok_or_else(|| bad("no \"id\" (or \"url\") field"))?,
        Some(_) => return Err(bad("\"id\" must be a non-empty string or a number")),
    };
    Ok(Item {
        doc_id: id,
        origin: origin.to_string(),
        bytes: raw.to_vec(),
        format: Format::Record,
        meta: meta.or(defaults),
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

    #[test]
    fn fields_of_the_wrong_type_and_bad_dates_name_the_record_and_field() {
        let data = "{\"id\":\"a\",\"text\":\"x\",\"published\":\"2024-13-45\"}\n\
            {\"id\":\"b\",\"text\":\"y\",\"source\":7}\n\
            {\"id\":\"c\",\"text\":[\"z\"]}\n\
            {\"id\":\"d\",\"text\":\"fine\",\"author\":\"kept out\"}\n";
        let got = records(data.as_bytes(), "f.jsonl", &Meta::default(), u64::MAX).unwrap();
        let errors: Vec<String> = got[..3]
            .iter()
            .map(|r| r.as_ref().unwrap_err().to_string())
            .collect();
        assert!(
            errors[0].starts_with("f.jsonl:1:")
                && errors[0].contains("\"published\": \"2024-13-45\" is not a date"),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].starts_with("f.jsonl:2:")
                && errors[1].contains("\"source\" must be a string, not a number")
        );
        assert!(
            errors[2].starts_with("f.jsonl:3:") && errors[2].contains("\"text\" must be a string")
        );
        // Fields that are not metadata are a record's own business.
        assert_eq!(got[3].as_ref().unwrap().doc_id, "d");
    }

    #[test]
    fn a_line_that_is_not_utf8_is_a_bad_record_and_the_rest_go_on() {
        let mut data = b"{\"id\":\"a\",\"text\":\"caf".to_vec();
        data.extend(b"\xE9\"}\n{\"id\":\"b\",\"text\":\"fine\"}\n");
        let got = records(&data, "f.jsonl", &Meta::default(), u64::MAX).unwrap();
        let err = got[0].as_ref().unwrap_err().to_string();
        assert!(
            err.starts_with("f.jsonl:1:") && err.contains("not UTF-8"),
            "{err}"
        );
        assert_eq!(got[1].as_ref().unwrap().doc_id, "b");
    }
}
