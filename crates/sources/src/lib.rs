//! Sources: where documents come from. Each input kind is one module that turns a
//! path into [`Item`]s — the exact bytes to archive plus what the source says about
//! them (files, folders, records, feed entries) — or a per-item error that names the input. Nothing here decodes or extracts.

mod feeds;
mod files;
mod meta;
mod records;
mod secrets;

pub use feeds::{is_feed, parse_feed, FeedEntry, FEED_HEAD};
pub use files::{
    collect, discover, listed, read, Collected, Discovered, Options, OwnFiles, DOCUMENT_EXTENSIONS,
    FEED_EXTENSIONS,
};
pub use meta::{parse_published, Published, META_FIELDS};
pub use secrets::private_key;

use serde::Deserialize;
use std::path::PathBuf;

/// Metadata a source gives about a document (sidecar `FILE.meta.json`, a JSON Lines
/// record's fields, or command-line flags).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Meta {
    pub published: Option<String>,
    pub source: Option<String>,
    pub lang: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
}

impl Meta {
    /// Fills the fields `self` lacks from `other`.
    pub fn or(mut self, other: &Meta) -> Meta {
        self.published = self.published.or_else(|| other.published.clone());
        self.source = self.source.or_else(|| other.source.clone());
        self.lang = self.lang.or_else(|| other.lang.clone());
        self.title = self.title.or_else(|| other.title.clone());
        self.url = self.url.or_else(|| other.url.clone());
        self
    }
}

/// How the bytes of an item are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    /// A JSON Lines or JSON record whose `text` field is the document.
    Record,
}

impl Format {
    pub fn media_type(&self) -> &'static str {
        match self {
            Format::Text => "text/plain",
            Format::Markdown => "text/markdown",
            Format::Html => "text/html",
            Format::Record => "application/json",
        }
    }
}

/// One document as a source hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The document id: the file name, or the record's `id`.
    pub doc_id: String,
    /// Where it came from, for messages: a path, or `path:line`.
    pub origin: String,
    pub bytes: Vec<u8>,
    pub format: Format,
    pub meta: Meta,
    /// For records: the text field, already a string (the bytes are the whole record).
    pub text: Option<String>,
    /// For files: the day the file was last modified (YYYY-MM-DD, UTC), the fallback date
    /// of a document that states none.
    pub modified: Option<String>,
}

/// Why an input could not be read; always names the input.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {size} bytes is over the limit of {limit} bytes (raise it with --max-bytes)")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{origin}: not a valid record: {reason}")]
    BadRecord { origin: String, reason: String },
    #[error("{path}: {reason}")]
    BadSidecar { path: PathBuf, reason: String },
    #[error("{origin}: not a valid feed: {reason}")]
    BadFeed { origin: String, reason: String },
    #[error("{path}: no such file or folder")]
    Missing { path: PathBuf },
    #[error("{path}: a symbolic link, not followed (pass --follow-links to follow links)")]
    Link { path: PathBuf },
    #[error("{path}: not a type recount reads (.txt, .md, .html, .htm, .json, .jsonl, .rss, .atom, .xml); pass --any-extension to read it as text")]
    Unlisted { path: PathBuf },
    #[error("{path}: {what}; recount never ingests its own files")]
    Own { path: PathBuf, what: String },
    #[error("{path}: not a regular file or folder")]
    NotAFile { path: PathBuf },
    #[error("{path}: holds {kind}; refused (a private key is never ingested)")]
    PrivateKey { path: PathBuf, kind: &'static str },
}
