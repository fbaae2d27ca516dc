//! Files and folders: every document file under a path, with its sidecar metadata.
//!
//! A document is a file with a listed extension ([`DOCUMENT_EXTENSIONS`], and the feeds'
//! [`FEED_EXTENSIONS`]), or any file when [`Options::any_extension`] says so. Hidden
//! files are left out; links are not followed unless [`Options::follow_links`]; recount's
//! own files ([`OwnFiles`]: its database, their journals, the signing key, the search
//! index) are never taken, whatever the path or the options; and a file that holds a
//! private key is refused when it is read.

use crate::meta::sidecar_meta;
use crate::records::records;
use crate::{Format, Item, Meta, SourceError};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The extensions of documents (compared without regard to case).
pub const DOCUMENT_EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "html", "htm", "xhtml", "json", "jsonl", "ndjson",
];

/// The extensions of feed files; an `.xml` is a feed only when its content is one.
pub const FEED_EXTENSIONS: &[&str] = &["rss", "atom", "xml"];

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

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// True when the file's extension is a listed document or feed type.
pub fn listed(path: &Path) -> bool {
    extension(path).is_some_and(|e| {
        DOCUMENT_EXTENSIONS.contains(&e.as_str()) || FEED_EXTENSIONS.contains(&e.as_str())
    })
}

fn format_of(path: &Path) -> Format {
    match extension(path).as_deref() {
        Some("html" | "htm" | "xhtml") => Format::Html,
        Some("md" | "markdown") => Format::Markdown,
        Some("json" | "jsonl" | "ndjson") => Format::Record,
        // Plain text; other extensions get here only with `any_extension`.
        _ => Format::Text,
    }
}

fn sidecar(path: &Path) -> Result<Meta, SourceError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".meta.json");
    let side = PathBuf::from(name);
    match std::fs::read(&side) {
        Ok(bytes) => {
            sidecar_meta(&bytes).map_err(|reason| SourceError::BadSidecar { path: side, reason })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Meta::default()),
        Err(source) => Err(SourceError::Io { path: side, source }),
    }
}

/// A path made absolute with every link resolved; for a file that does not exist (yet),
/// its folder's canonical path and its name.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or(absolute.clone()),
        _ => absolute,
    }
}

/// recount's own files, never ingested: compared by canonical path, so no spelling of
/// the path and no link leads to them.
#[derive(Debug, Clone, Default)]
pub struct OwnFiles {
    /// Canonical path, whether everything under it is meant, and what it is.
    entries: Vec<(PathBuf, bool, String)>,
}

impl OwnFiles {
    /// One file, e.g. the database or its key; `what` names it in messages.
    pub fn file(&mut self, path: &Path, what: &str) {
        self.entries
            .push((canonical(path), false, what.to_string()));
    }

    /// A folder and everything in it, e.g. the search index.
    pub fn folder(&mut self, path: &Path, what: &str) {
        self.entries.push((canonical(path), true, what.to_string()));
    }

    /// What `path` is, if it is one of them (or inside one of the folders).
    pub fn of(&self, path: &Path) -> Option<&str> {
        let path = canonical(path);
        self.entries
            .iter()
            .find(|(own, folder, _)| {
                if *folder {
                    path.starts_with(own)
                } else {
                    &path == own
                }
            })
            .map(|(_, _, what)| what.as_str())
    }
}

/// How [`discover`] treats links and extensions, and which files it never takes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Follow symbolic links, given as arguments or met in folders (a folder reached
    /// twice is walked once).
    pub follow_links: bool,
    /// Take files of any extension (read as plain text when not listed).
    pub any_extension: bool,
    /// Never taken, whatever the options.
    pub own: OwnFiles,
}

/// The files found, and those left out of the folders walked, by reason.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The documents in order, and each argument refused (a link, an unlisted type,
    /// one of recount's own files, a missing path), by name.
    pub files: Vec<Result<PathBuf, SourceError>>,
    /// Files of unlisted types inside the folders (taken with `any_extension`).
    pub unlisted: Vec<PathBuf>,
    /// Links inside the folders (followed with `follow_links`).
    pub links: Vec<PathBuf>,
    /// recount's own files (or folders) inside the folders.
    pub own: Vec<PathBuf>,
    /// Entries that are neither files nor folders (sockets, pipes, devices).
    pub special: Vec<PathBuf>,
}

/// Collects every document under `paths` at once, with the default [`Options`]; see
/// [`discover`] and [`read`]. Holds every item in memory: for large inputs, discover then
/// read one at a time.
pub fn collect(paths: &[PathBuf], max_bytes: u64, defaults: &Meta) -> Collected {
    let mut out = Collected::default();
    for found in discover(paths, &Options::default()).files {
        match found {
            Ok(path) => out.items.extend(read(&path, max_bytes, defaults)),
            Err(e) => out.items.push(Err(e)),
        }
    }
    out
}

/// The document files under `paths` (files, and folders recursively, in name order),
/// skipping sidecars and hidden files. An argument that cannot be taken is an error
/// that names it; what is left out of a folder is listed by reason. Reads no file content.
pub fn discover(paths: &[PathBuf], opts: &Options) -> Discovered {
    let mut out = Discovered::default();
    let mut walked = BTreeSet::new();
    for p in paths {
        let Ok(meta) = p.symlink_metadata() else {
            out.files
                .push(Err(SourceError::Missing { path: p.clone() }));
            continue;
        };
        if meta.file_type().is_symlink() && !opts.follow_links {
            out.files.push(Err(SourceError::Link { path: p.clone() }));
            continue;
        }
        if let Some(what) = opts.own.of(p) {
            out.files.push(Err(SourceError::Own {
                path: p.clone(),
                what: what.to_string(),
            }));
            continue;
        }
        if p.is_dir() {
            walk(p, opts, &mut walked, &mut out);
        } else if !p.is_file() {
            out.files
                .push(Err(SourceError::NotAFile { path: p.clone() }));
        } else if is_sidecar(p) {
            // Read as the metadata of its document, never as one.
        } else if !listed(p) && !opts.any_extension {
            out.files
                .push(Err(SourceError::Unlisted { path: p.clone() }));
        } else {
            out.files.push(Ok(p.clone()));
        }
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

/// Walks one folder; `walked` holds the canonical folders walked, so that followed links
/// never walk one twice (nor loop).
fn walk(dir: &Path, opts: &Options, walked: &mut BTreeSet<PathBuf>, out: &mut Discovered) {
    if !walked.insert(canonical(dir)) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(source) => {
            out.files.push(Err(SourceError::Io {
                path: dir.to_path_buf(),
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
        if hidden {
            continue;
        }
        // Links are not followed unless asked: a folder must not lead outside itself.
        let link = c
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
        if link && !opts.follow_links {
            out.links.push(c);
            continue;
        }
        if opts.own.of(&c).is_some() {
            out.own.push(c);
        } else if c.is_dir() {
            walk(&c, opts, walked, out);
        } else if !c.is_file() {
            // A broken link, a socket, a pipe (reading one would wait forever), a device.
            out.special.push(c);
        } else if is_sidecar(&c) {
            // Metadata of its document.
        } else if listed(&c) || opts.any_extension {
            out.files.push(Ok(c));
        } else {
            out.unlisted.push(c);
        }
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
    if let Some(kind) = crate::private_key(&bytes) {
        out.items.push(Err(SourceError::PrivateKey {
            path: path.to_path_buf(),
            kind,
        }));
        return;
    }
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

    fn names(paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    fn found(d: &Discovered) -> Vec<String> {
        let ok: Vec<PathBuf> = d
            .files
            .iter()
            .filter_map(|f| f.as_ref().ok().cloned())
            .collect();
        names(&ok)
    }

    #[test]
    fn only_listed_types_are_documents_unless_any_extension() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "a.txt", "b.MD", "c.htm", "d.jsonl", "e.xml", "f.rss", "g.pdf", "h.key", "README",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let d = discover(&[dir.path().to_path_buf()], &Options::default());
        assert_eq!(
            found(&d),
            ["a.txt", "b.MD", "c.htm", "d.jsonl", "e.xml", "f.rss"]
        );
        assert_eq!(names(&d.unlisted), ["README", "g.pdf", "h.key"]);
        let any = Options {
            any_extension: true,
            ..Options::default()
        };
        let d = discover(&[dir.path().to_path_buf()], &any);
        assert_eq!(found(&d).len(), 9);
        assert!(d.unlisted.is_empty());
        // Named as an argument, an unlisted file is an error that says what to do.
        let d = discover(&[dir.path().join("g.pdf")], &Options::default());
        let err = d.files[0].as_ref().unwrap_err().to_string();
        assert!(
            err.contains("g.pdf") && err.contains("--any-extension"),
            "{err}"
        );
        assert_eq!(
            found(&discover(&[dir.path().join("g.pdf")], &any)),
            ["g.pdf"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_refused_as_arguments_and_skipped_in_folders_unless_followed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let docs = dir.path().join("docs");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(outside.join("o.txt"), "outside").unwrap();
        std::fs::write(docs.join("d.txt"), "inside").unwrap();
        symlink(outside.join("o.txt"), docs.join("link.txt")).unwrap();
        symlink(&outside, docs.join("folder")).unwrap();
        // A loop: followed, it is walked once.
        symlink(&docs, docs.join("again")).unwrap();
        let arg = dir.path().join("arg.txt");
        symlink(outside.join("o.txt"), &arg).unwrap();

        let d = discover(&[docs.clone(), arg.clone()], &Options::default());
        assert_eq!(found(&d), ["d.txt"]);
        assert_eq!(names(&d.links), ["again", "folder", "link.txt"]);
        let err = d.files.last().unwrap().as_ref().unwrap_err().to_string();
        assert!(
            err.contains("arg.txt") && err.contains("--follow-links"),
            "{err}"
        );

        let follow = Options {
            follow_links: true,
            ..Options::default()
        };
        let d = discover(&[docs, arg], &follow);
        assert_eq!(found(&d), ["d.txt", "o.txt", "link.txt", "arg.txt"]);
        assert!(d.links.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn recounts_own_files_are_never_taken_whatever_the_path() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("mine.db");
        for name in ["mine.db", "mine.db-wal", "mine.db.key", "doc.txt"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("mine.db.index")).unwrap();
        std::fs::write(dir.path().join("mine.db.index/meta.json"), "{}").unwrap();
        symlink(dir.path().join("mine.db.key"), dir.path().join("key.txt")).unwrap();
        let mut own = OwnFiles::default();
        own.file(&db, "the database");
        own.file(&dir.path().join("mine.db-wal"), "the database's journal");
        own.file(
            &dir.path().join("mine.db-journal"),
            "the database's journal",
        );
        own.file(&dir.path().join("mine.db.key"), "the log's signing key");
        own.folder(&dir.path().join("mine.db.index"), "the search index");
        let opts = Options {
            follow_links: true,
            any_extension: true,
            own,
        };
        let d = discover(&[dir.path().to_path_buf()], &opts);
        assert_eq!(found(&d), ["doc.txt"]);
        assert_eq!(
            names(&d.own),
            [
                "key.txt",
                "mine.db",
                "mine.db-wal",
                "mine.db.index",
                "mine.db.key"
            ]
        );
        // Another spelling of the same path, given as an argument.
        let other = dir.path().join(".").join("mine.db.key");
        let d = discover(&[other], &opts);
        let err = d.files[0].as_ref().unwrap_err().to_string();
        assert!(
            err.contains("the log's signing key") && err.contains("never"),
            "{err}"
        );
    }

    #[test]
    fn a_file_that_holds_a_private_key_is_refused_whatever_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("notes.txt");
        std::fs::write(
            &f,
            "deploy notes\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----\n",
        )
        .unwrap();
        let got = read(&f, 1000, &Meta::default());
        let err = got[0].as_ref().unwrap_err().to_string();
        assert!(
            err.contains("notes.txt") && err.contains("OpenSSH private key"),
            "{err}"
        );
    }

    #[test]
    fn a_sidecar_with_a_bad_field_names_the_sidecar_and_the_field() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        std::fs::write(
            dir.path().join("a.txt.meta.json"),
            r#"{"published": "not a date"}"#,
        )
        .unwrap();
        let got = read(&dir.path().join("a.txt"), 100, &Meta::default());
        let err = got[0].as_ref().unwrap_err().to_string();
        assert!(
            err.contains("a.txt.meta.json: \"published\": \"not a date\" is not a date"),
            "{err}"
        );
    }
}
