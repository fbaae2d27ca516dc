//! Metadata fields as sidecars and records give them, checked: each field a string (or
//! null), the publication date a date. A field that is not is an error naming it, never
//! a value quietly dropped.

use crate::Meta;
use serde_json::{Map, Value};

/// The fields of [`Meta`], in the order messages list them.
pub const META_FIELDS: &[&str] = &["published", "source", "lang", "title", "url"];

/// A publication date: a year, with its month and day when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

/// A publication date as sources write it: `2024-03-09`, `2024/03/09`, `2024.3.9`,
/// `2024-03`, `2024`, a timestamp that starts with the day (`2024-03-09T08:00:00+08:00`,
/// `2024-03-09 08:00`), or an RFC 2822 date (`Sat, 09 Mar 2024 08:00:00 +0800`, its day as
/// written). `None` for anything else, and for a month or day that does not exist.
pub fn parse_published(s: &str) -> Option<Published> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc2822(s) {
        use chrono::Datelike;
        return Some(Published {
            year: t.year(),
            month: Some(t.month()),
            day: Some(t.day()),
        });
    }
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '/' | '.')))
        .unwrap_or(s.len());
    let (date, time) = s.split_at(end);
    // What follows the date may only be a time of day.
    let mut time = time.chars();
    match (time.next(), time.next()) {
        (None, _) => {}
        (Some('T' | 't' | ' '), Some(c)) if c.is_ascii_digit() => {}
        _ => return None,
    }
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    let number = |p: &&str, digits: std::ops::RangeInclusive<usize>| -> Option<u32> {
        (digits.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let year = number(&parts[0], 4..=4)? as i32;
    let month = match parts.get(1) {
        Some(m) => Some(number(m, 1..=2).filter(|m| (1..=12).contains(m))?),
        None => None,
    };
    let day = match parts.get(2) {
        Some(d) => {
            let d = number(d, 1..=2)?;
            chrono::NaiveDate::from_ymd_opt(year, month?, d)?;
            Some(d)
        }
        None => None,
    };
    (parts.len() <= 3).then_some(Published { year, month, day })
}

/// The kind of a JSON value, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One string field of an object: absent or null is `None`; any other type is an error.
pub(crate) fn string_field(
    obj: &Map<String, Value>,
    field: &str,
) -> Result<Option<String>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("\"{field}\" must be a string, not {}", kind(other))),
    }
}

/// The metadata fields of an object (other fields are not looked at), each checked.
pub(crate) fn meta_fields(obj: &Map<String, Value>) -> Result<Meta, String> {
    let meta = Meta {
        published: string_field(obj, "published")?,
        source: string_field(obj, "source")?,
        lang: string_field(obj, "lang")?,
        title: string_field(obj, "title")?,
        url: string_field(obj, "url")?,
    };
    if let Some(p) = &meta.published {
        if parse_published(p).is_none() {
            return Err(format!(
                "\"published\": {p:?} is not a date (YYYY-MM-DD, YYYY-MM or YYYY, optionally with a time)"
            ));
        }
    }
    Ok(meta)
}

/// Edits (insertions, deletions, substitutions) between two short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A sidecar's metadata: a JSON object whose [`META_FIELDS`] are checked. Other fields
/// (an archive's own `author`, `channel`, `link`, …) are left alone, but one within two
/// edits of a field recount reads (one, for the short `lang` and `url`) is a misspelling
/// whose value would be lost, and is an error.
pub(crate) fn sidecar_meta(bytes: &[u8]) -> Result<Meta, String> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("sidecar metadata is not valid JSON: {e}"))?;
    let Value::Object(obj) = v else {
        return Err(format!(
            "sidecar metadata must be a JSON object, not {}",
            kind(&v)
        ));
    };
    let misspelt = |k: &str| {
        !META_FIELDS.contains(&k)
            && META_FIELDS
                .iter()
                .any(|f| edit_distance(&k.to_lowercase(), f) <= if f.len() <= 4 { 1 } else { 2 })
    };
    if let Some(unknown) = obj.keys().find(|k| misspelt(k)) {
        return Err(format!(
            "unknown field \"{unknown}\" (the fields are {})",
            META_FIELDS.join(", ")
        ));
    }
    meta_fields(&obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Option<(i32, Option<u32>, Option<u32>)> {
        parse_published(s).map(|p| (p.year, p.month, p.day))
    }

    #[test]
    fn fields_recount_does_not_read_are_left_alone_unless_misspelt() {
        let meta = sidecar_meta(
            br#"{"published": "2024-05-10", "author": "A. Writer", "channel": "wire", "id": 7,
                 "link": "https://example.org/a", "tag": "mine"}"#,
        )
        .unwrap();
        assert_eq!(meta.published.as_deref(), Some("2024-05-10"));
        for misspelt in ["publised", "Source", "titel", "urls"] {
            let json = format!(r#"{{"{misspelt}": "x"}}"#);
            let err = sidecar_meta(json.as_bytes()).unwrap_err();
            assert!(err.contains("unknown field"), "{misspelt}: {err}");
        }
    }

    #[test]
    fn dates_in_the_forms_sources_write_them() {
        assert_eq!(day("2024-03-09"), Some((2024, Some(3), Some(9))));
        assert_eq!(day(" 2024/3/9 "), Some((2024, Some(3), Some(9))));
        assert_eq!(day("2024.03.09"), Some((2024, Some(3), Some(9))));
        assert_eq!(day("2024-03"), Some((2024, Some(3), None)));
        assert_eq!(day("2024"), Some((2024, None, None)));
        assert_eq!(
            day("2024-03-09T08:00:00+08:00"),
            Some((2024, Some(3), Some(9)))
        );
        assert_eq!(day("2024-03-09 08:00"), Some((2024, Some(3), Some(9))));
        assert_eq!(
            day("Sat, 09 Mar 2024 08:00:00 +0800"),
            Some((2024, Some(3), Some(9)))
        );
    }

    #[test]
    fn anything_else_is_not_a_date() {
        for s in [
            "not a date",
            "2024-13-45",
            "2024-02-30",
            "2024-00",
            "yesterday",
            "",
            "24-03-09",
            "2024-03-09garbage",
            "2024-03-09 and more",
            "2024-03-09-01",
            "12024",
        ] {
            assert_eq!(day(s), None, "{s:?}");
        }
    }

    #[test]
    fn sidecar_fields_are_checked_and_named() {
        let ok =
            sidecar_meta(br#"{"published": "2024-05-10", "source": "Wire", "url": null}"#).unwrap();
        assert_eq!(ok.published.as_deref(), Some("2024-05-10"));
        assert_eq!(ok.url, None);
        for (json, want) in [
            (
                r#"{"published": "not a date"}"#,
                "\"published\": \"not a date\" is not a date",
            ),
            (
                r#"{"published": "2024-13-45"}"#,
                "\"published\": \"2024-13-45\" is not a date",
            ),
            (
                r#"{"published": 20240510}"#,
                "\"published\" must be a string, not a number",
            ),
            (
                r#"{"title": ["a", "b"]}"#,
                "\"title\" must be a string, not an array",
            ),
            (
                r#"{"lang": true}"#,
                "\"lang\" must be a string, not a boolean",
            ),
            (
                r#"{"pubished": "2024-05-10"}"#,
                "unknown field \"pubished\"",
            ),
            (r#"{"Title ": "x"}"#, "unknown field \"Title \""),
            (r#"["2024-05-10"]"#, "must be a JSON object, not an array"),
            (r#"{"published": "2024-05-10""#, "not valid JSON"),
        ] {
            let err = sidecar_meta(json.as_bytes()).unwrap_err();
            assert!(err.contains(want), "{json}: {err}");
        }
    }
}
