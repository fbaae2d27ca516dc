//! Files and folders: every file under a path, with its sidecar metadata.

use crate::records::records;
use crate::{Format, Item, Meta, SourceError};
use std::path::{Path, PathBuf};

/// What a walk over the inputs produced: items in a stable order, and the inputs
/// that failed (each failure stands alone; the rest go on).
#[derive(Debug, Default)]
pub struct Collected {
    pub items: Vec<Result<Item, SourceError>>,
}

/// True for `FILE.meta.json`: metadata of FILE, never a document itself.
fn is_sidecar(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".meta.json"))
}

fn format_of(path: &Path) -> Format {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm" | "xhtml") => Format::Html,
        Some("md" | "markdown") => Format::Markdown,
        Some("json" | "jsonl" | "ndjson") => Format::Record,
        _ => Format::Text,
    }
}

fn sidecar(path: &Path) -> Result<Meta, SourceError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".meta.json");
    let side = PathBuf::from(name);
    match std::fs::read(&side) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| SourceError::BadSidecar {
            path: side,
            reason: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Meta::default()),
        Err(source) => Err(SourceError::Io { path: side, source }),
    }
}

/// Collects every document under `paths` at once; see [`discover`] and [`read`].
/// Holds every item in memory: for large inputs, discover then read one at a time.
pub fn collect(paths: &[PathBuf], max_bytes: u64, defaults: &Meta) -> Collected {
    let mut out = Collected::default();
    for found in discover(paths) {
        match found {
            Ok(path) => out.items.extend(read(&path, max_bytes, defaults)),
            Err(e) => out.items.push(Err(e)),
        }
    }
    out
}

/// The document files under `paths` (files, and folders recursively, in name order),
/// skipping sidecars, hidden files and links. Reads no file content.
pub fn discover(paths: &[PathBuf]) -> Vec<Result<PathBuf, SourceError>> {
    let mut out = Vec::new();
    for p in paths {
        if !p.exists() {
            out.push(Err(SourceError::Missing { path: p.clone() }));
            continue;
        }
        let mut files = Vec::new();
        let mut errors = Collected::default();
        walk(p, &mut files, &mut errors);
        out.extend(errors.items.into_iter().filter_map(Result::err).map(Err));
        out.extend(files.into_iter().map(Ok));
    }
    out
}

/// Reads one file into items: one, or one per record for JSON Lines. A file over
/// `max_bytes` is refused without being read. `defaults` fill metadata the sources lack.
pub fn read(path: &Path, max_bytes: u64, defaults: &Meta) -> Vec<Result<Item, SourceError>> {
    let mut out = Collected::default();
    read_file(path, max_bytes, defaults, &mut out);
    out.items
}

fn walk(path: &Path, files: &mut Vec<PathBuf>, out: &mut Collected) {
    if path.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(e) => e,
            Err(source) => {
                out.items.push(Err(SourceError::Io {
                    path: path.to_path_buf(),
                    source,
                }));
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for c in children {
            let hidden = c
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            // Links are not followed: a folder must not lead outside itself.
            let link = c
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink());
            if !hidden && !link {
                walk(&c, files, out);
            }
        }
    } else if !is_sidecar(path) {
        files.push(path.to_path_buf());
    }
}

fn read_file(path: &Path, max_bytes: u64, defaults: &Meta, out: &mut Collected) {
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(source) => {
            out.items.push(Err(SourceError::Io {
                path: path.to_path_buf(),
                source,
            }));
            return;
        }
    };
    // A JSON Lines file is a collection: the limit holds for each of its records.
    let collection = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    if size > max_bytes && !collection {
        out.items.push(Err(SourceError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: max_bytes,
        }));
        return;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(source) => {
            out.items.push(Err(SourceError::Io {
                path: path.to_path_buf(),
                source,
            }));
            return;
        }
    };
    let meta = match sidecar(path) {
        Ok(m) => m.or(defaults),
        Err(e) => {
            out.items.push(Err(e));
            return;
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let format = format_of(path);
    if format == Format::Record {
        // A JSON file that holds records expands to one item per record; any other
        // JSON is read as the text of a document.
        if let Some(items) = records(&bytes, &path.display().to_string(), &meta, max_bytes) {
            out.items.extend(items);
            return;
        }
    }
    out.items.push(Ok(Item {
        doc_id: name,
        origin: path.display().to_string(),
        bytes,
        format: if format == Format::Record {
            Format::Text
        } else {
            format
        },
        meta,
        text: None,
        modified: modified_day(path),
    }));
}

/// The day a file was last modified, in UTC: the fallback date of an undated document.
fn modified_day(path: &Path) -> Option<String> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let day: chrono::DateTime<chrono::Utc> = modified.into();
    Some(day.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_folders_reads_sidecars_and_skips_them() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(dir.path().join("a.txt"), "text a").unwrap();
        std::fs::write(
            dir.path().join("a.txt.meta.json"),
            r#"{"published":"2024-01-02","source":"Wire"}"#,
        )
        .unwrap();
        std::fs::write(sub.join("b.html"), "<p>b</p>").unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        let got = collect(
            &[dir.path().to_path_buf()],
            1000,
            &Meta {
                lang: Some("zh".into()),
                ..Meta::default()
            },
        );
        let items: Vec<Item> = got.items.into_iter().map(|r| r.unwrap()).collect();
        let ids: Vec<&str> = items.iter().map(|i| i.doc_id.as_str()).collect();
        assert_eq!(ids, vec!["a.txt", "b.html"]);
        assert_eq!(items[0].meta.published.as_deref(), Some("2024-01-02"));
        assert_eq!(items[0].meta.lang.as_deref(), Some("zh"));
        assert_eq!(items[1].format, Format::Html);
    }

    #[test]
    fn oversized_and_missing_inputs_are_errors_that_name_them() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.txt");
        std::fs::write(&big, vec![b'x'; 100]).unwrap();
        let got = collect(
            &[big.clone(), dir.path().join("nope.txt")],
            10,
            &Meta::default(),
        );
        let errs: Vec<String> = got
            .items
            .into_iter()
            .map(|r| r.unwrap_err().to_string())
            .collect();
        assert!(errs[0].contains("big.txt") && errs[0].contains("--max-bytes"));
        assert!(errs[1].contains("nope.txt"));
    }

    #[test]
    fn a_bad_sidecar_fails_only_its_document() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("a.txt.meta.json"), "{not json").unwrap();
        std::fs::write(dir.path().join("b.txt"), "b").unwrap();
        let got = collect(&[dir.path().to_path_buf()], 100, &Meta::default());
        assert!(got.items[0].is_err());
        assert!(got.items[1].is_ok());
    }

    #[test]
    fn the_limit_holds_per_record_in_json_lines_and_per_file_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let small = r#"{"id":"a","text":"short"}"#;
        let big = format!(r#"{{"id":"b","text":"{}"}}"#, "x".repeat(200));
        std::fs::write(
            dir.path().join("r.jsonl"),
            format!("{small}\n{big}\n{small}\n"),
        )
        .unwrap();
        std::fs::write(dir.path().join("t.txt"), "y".repeat(200)).unwrap();
        let got = collect(&[dir.path().to_path_buf()], 100, &Meta::default());
        let r: Vec<_> = got.items.iter().take(3).collect();
        // The file is over the limit, its records are not, but for the long one.
        assert!(r[0].is_ok() && r[2].is_ok());
        let err = r[1].as_ref().unwrap_err().to_string();
        assert!(
            err.contains("r.jsonl:2") && err.contains("over the limit"),
            "{err}"
        );
        assert!(matches!(got.items[3], Err(SourceError::TooLarge { .. })));
    }
}
