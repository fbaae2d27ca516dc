//! WARC 1.1 (ISO 28500:2017): the archived originals, byte for byte, in the web-archive
//! container that archiving tools (warcio, pywb, jwarc, the Wayback Machine) read.
//!
//! A file is one `warcinfo` record followed by one `resource` record per archived
//! original. The record block of a `resource` record is the original's exact bytes (for
//! `resource` records the payload *is* the block, so both digests are of those bytes).
//!
//! ```text
//! WARC/1.1
//! WARC-Type: resource
//! WARC-Record-ID: <urn:uuid:…>          first 16 bytes of the document's sha256, as a v8 UUID
//! WARC-Warcinfo-ID: <urn:uuid:…>        the warcinfo record at the start of the file
//! WARC-Date: 2023-02-22T12:00:00Z       the document's fetched_at, in UTC, to the second
//! WARC-Target-URI: https://…            the document's url, else urn:recount:doc:<id>
//! Content-Type: text/html               the document's media type, as archived
//! Content-Length: 5120                  the number of original bytes
//! WARC-Block-Digest: sha256:<base32>
//! WARC-Payload-Digest: sha256:<base32>
//! WARC-Recount-Doc-Id: 001_5f57a5ad.txt
//! WARC-Recount-Source: …                only the fields the document has
//! WARC-Recount-Published: 2023-02-22
//! WARC-Recount-Title: …
//! WARC-Recount-Lang: zh
//!
//! <the original bytes>
//!
//! ```
//!
//! Every header line ends in CRLF, a blank line ends the header, and CRLF CRLF follows
//! the block.
//!
//! **Record ids.** A record id is a version-8 UUID (RFC 9562 §5.8, the form for
//! name-based UUIDs built on SHA-256): the first 16 bytes of a sha256 with the version
//! nibble set to `8` and the variant bits to `10`. For a `resource` record the sha256 is
//! the document's own, so its id is the first 32 hex digits of the document's sha256
//! with two digits overwritten (the 13th becomes `8`, the 17th one of `8`–`b`): the
//! same archive always exports the same ids, and an id leads back to its document. The
//! store keeps one document per sha256, so ids are unique within an export. The
//! `warcinfo` id is made the same way from sha256 of `"recount warcinfo\n"` followed by
//! the warcinfo block, so it cannot coincide with a document's.
//!
//! **Digests.** `sha256:` followed by the RFC 4648 base32 of the raw 32-byte digest,
//! with its `====` padding: WARC's own convention (its examples are base32 SHA-1), and
//! the form warcio writes and checks (warcio compares lengths, and reads an unpadded
//! 52-character value as base64, so the padding matters).
//!
//! **Target URI.** The document's `url` when it has a scheme (`https:`, `file:` …), with
//! bytes a URI may not contain (spaces, control characters, non-ASCII as UTF-8,
//! ``"<>\^`{|}``) percent-encoded, as RFC 3987 maps an IRI to a URI. Otherwise
//! `urn:recount:doc:` followed by the document id with every byte outside RFC 3986's
//! unreserved set (`A–Z a–z 0–9 - . _ ~`) percent-encoded, so the id can be recovered
//! exactly; a `url` without a scheme is then kept in `WARC-Recount-Url`. (`recount` is
//! not a registered URN namespace; the form only has to be a stable URI.)
//!
//! **Recount's metadata** goes into extension headers on the `resource` record itself,
//! not into a separate `metadata` record: `WARC-Recount-Doc-Id`, `WARC-Recount-Source`,
//! `WARC-Recount-Published` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), `WARC-Recount-Title`,
//! `WARC-Recount-Lang`, each present only when the document has it. WARC readers must
//! ignore fields they do not know, so this costs them nothing, while it keeps the
//! description inseparable from the bytes: a tool that copies or extracts single
//! records carries it along, `warcio index -f warc-recount-doc-id` lists it, and each
//! original is one record, not a pair joined by `WARC-Concurrent-To`. The `WARC-`
//! prefix follows common practice for extension fields (Common Crawl, Browsertrix);
//! `Recount-` keeps them out of the standard's way. Values are single lines: control
//! characters (CR and LF among them) and Unicode line separators become spaces and the
//! value is trimmed; other non-ASCII text is written as UTF-8, which WARC 1.1 allows.
//!
//! **Content-Type** is the document's media type as archived, with no `charset`
//! parameter added (recount does not know the charset of the original bytes); it is
//! left out when the media type is empty.
//!
//! **The `warcinfo` record** has an `application/warc-fields` block with `software`,
//! `format` and, when given, `description`; its `WARC-Date` is [`WarcInfo::created`],
//! and it carries a `WARC-Block-Digest` so it can be checked like the rest.
//!
//! The writer checks that the bytes it is given hash to the document's `sha256`, and
//! refuses them otherwise: a WARC export must not carry a copy that differs from what
//! the archive recorded.

use crate::ExportError;
use chrono::DateTime;
use recount_model::Document;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

const FORMAT: &str = "warc";

/// The version line every record starts with.
const VERSION: &str = "WARC/1.1";

/// What the `warcinfo` record at the head of a WARC file says about the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcInfo {
    /// The software and version that wrote the file, e.g. `recount 0.1.0`.
    pub software: String,
    /// The format the file conforms to: [`WarcInfo::FORMAT_1_1`].
    pub format: String,
    /// Free text about the export (which archive, which selection), if any.
    pub description: Option<String>,
    /// When the export was made, RFC 3339; becomes the record's `WARC-Date` (UTC, to
    /// the second). Passed in: the writer reads no clock.
    pub created: String,
}

impl WarcInfo {
    /// The `format` value for files this writer produces.
    pub const FORMAT_1_1: &'static str = "WARC File Format 1.1";
}

/// Writes archived originals one at a time as a WARC 1.1 file.
///
/// [`WarcWriter::new`] writes the `warcinfo` record; each [`WarcWriter::write_original`]
/// adds one `resource` record holding a document's exact bytes. The record layout,
/// ids, digests and metadata headers are described in the [module documentation](self).
///
/// Output goes through an 8 KiB buffer; call [`WarcWriter::finish`] to flush it and
/// learn of a failed final write. Memory: the buffer plus one record header; the
/// original's bytes are written straight from the caller's slice, never copied.
///
/// Errors are [`ExportError::Write`] with format `warc` and the document id in the
/// `incident` slot. Records the writer refuses (bytes that do not hash to the
/// document's `sha256`, a `fetched_at` or `created` that is not RFC 3339) are reported
/// the same way with an [`io::ErrorKind::InvalidData`] source, and nothing of such a
/// record is written.
pub struct WarcWriter<W: Write> {
    out: BufWriter<W>,
    warcinfo_id: String,
    count: usize,
}

impl<W: Write> WarcWriter<W> {
    /// Starts a WARC file by writing its `warcinfo` record.
    ///
    /// Fails when `info.created` is not an RFC 3339 timestamp, or the output refuses
    /// the bytes.
    pub fn new(out: W, info: &WarcInfo) -> Result<Self, ExportError> {
        let date = warc_date(&info.created).ok_or_else(|| {
            invalid(
                None,
                format!(
                    "warcinfo created '{}' is not an RFC 3339 timestamp",
                    info.created
                ),
            )
        })?;

        let mut block = String::new();
        field(&mut block, "software", &info.software);
        field(&mut block, "format", &info.format);
        if let Some(description) = &info.description {
            field(&mut block, "description", description);
        }

        let mut hasher = Sha256::new();
        hasher.update(b"recount warcinfo\n");
        hasher.update(block.as_bytes());
        let warcinfo_id = record_id(&hasher.finalize().into());
        let digest = labelled_digest(&Sha256::digest(block.as_bytes()).into());

        let mut head = String::with_capacity(256);
        line(&mut head, VERSION);
        header(&mut head, "WARC-Type", "warcinfo");
        header(&mut head, "WARC-Record-ID", &warcinfo_id);
        header(&mut head, "WARC-Date", &date);
        header(&mut head, "Content-Type", "application/warc-fields");
        header(&mut head, "Content-Length", &block.len().to_string());
        header(&mut head, "WARC-Block-Digest", &digest);
        line(&mut head, "");

        let mut writer = WarcWriter {
            out: BufWriter::new(out),
            warcinfo_id,
            count: 0,
        };
        writer
            .record(head.as_bytes(), block.as_bytes())
            .map_err(|e| ExportError::write(FORMAT, None, e))?;
        Ok(writer)
    }

    /// Appends one `resource` record holding `bytes`, the archived original of `doc`.
    ///
    /// `bytes` must hash to `doc.sha256`; the record is refused otherwise, as it is when
    /// `doc.fetched_at` is not RFC 3339. Cost: one SHA-256 pass over the bytes.
    pub fn write_original(&mut self, doc: &Document, bytes: &[u8]) -> Result<(), ExportError> {
        let id = Some(doc.id.as_str());
        let sha: [u8; 32] = Sha256::digest(bytes).into();
        match parse_hex32(&doc.sha256) {
            Some(recorded) if recorded == sha => {}
            Some(_) => {
                return Err(invalid(
                    id,
                    format!(
                        "the bytes given for document {} hash to {}, not to its recorded sha256 {}",
                        doc.id,
                        hex(&sha),
                        doc.sha256
                    ),
                ))
            }
            None => {
                return Err(invalid(
                    id,
                    format!(
                        "document {} has sha256 '{}', which is not 64 hex digits",
                        doc.id, doc.sha256
                    ),
                ))
            }
        }
        let date = warc_date(&doc.fetched_at).ok_or_else(|| {
            invalid(
                id,
                format!(
                    "document {} has fetched_at '{}', which is not an RFC 3339 timestamp",
                    doc.id, doc.fetched_at
                ),
            )
        })?;

        let url = doc.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        let (target, stray_url) = match url {
            Some(u) if has_scheme(u) => (escape_uri(u), None),
            other => (doc_urn(&doc.id), other),
        };
        let digest = labelled_digest(&sha);

        let mut head = String::with_capacity(512);
        line(&mut head, VERSION);
        header(&mut head, "WARC-Type", "resource");
        header(&mut head, "WARC-Record-ID", &record_id(&sha));
        header(&mut head, "WARC-Warcinfo-ID", &self.warcinfo_id);
        header(&mut head, "WARC-Date", &date);
        header(&mut head, "WARC-Target-URI", &target);
        text_header(&mut head, "Content-Type", &doc.media_type);
        header(&mut head, "Content-Length", &bytes.len().to_string());
        header(&mut head, "WARC-Block-Digest", &digest);
        header(&mut head, "WARC-Payload-Digest", &digest);
        text_header(&mut head, "WARC-Recount-Doc-Id", &doc.id);
        if let Some(u) = stray_url {
            text_header(&mut head, "WARC-Recount-Url", u);
        }
        if let Some(source) = &doc.source {
            text_header(&mut head, "WARC-Recount-Source", source);
        }
        if let Some(published) = &doc.published {
            header(&mut head, "WARC-Recount-Published", &published.to_string());
        }
        if let Some(title) = &doc.title {
            text_header(&mut head, "WARC-Recount-Title", title);
        }
        if let Some(lang) = &doc.lang {
            text_header(&mut head, "WARC-Recount-Lang", lang);
        }
        line(&mut head, "");

        self.record(head.as_bytes(), bytes)
            .map_err(|e| ExportError::write(FORMAT, id, e))?;
        self.count += 1;
        Ok(())
    }

    /// How many `resource` records (originals) have been written so far; the
    /// `warcinfo` record is not counted.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Flushes the buffer and hands back the underlying writer.
    pub fn finish(self) -> Result<W, ExportError> {
        self.out
            .into_inner()
            .map_err(|e| ExportError::write(FORMAT, None, e.into_error()))
    }

    /// Writes a header (already ending in its blank line), the block, and the record's
    /// closing CRLF CRLF.
    fn record(&mut self, head: &[u8], block: &[u8]) -> io::Result<()> {
        self.out.write_all(head)?;
        self.out.write_all(block)?;
        self.out.write_all(b"\r\n\r\n")
    }
}

/// A refused record, as an [`ExportError::Write`] with an `InvalidData` source.
fn invalid(doc: Option<&str>, message: String) -> ExportError {
    ExportError::write(
        FORMAT,
        doc,
        io::Error::new(io::ErrorKind::InvalidData, message),
    )
}

/// `text` followed by CRLF.
fn line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push_str("\r\n");
}

/// A named field whose value the writer made itself and knows to be one clean line.
fn header(out: &mut String, name: &str, value: &str) {
    debug_assert!(value.chars().all(|c| !c.is_control()));
    let _ = write!(out, "{name}: {value}\r\n");
}

/// A named field from document text: made single-line, and left out when empty.
fn text_header(out: &mut String, name: &str, value: &str) {
    let value = single_line(value);
    if !value.is_empty() {
        header(out, name, &value);
    }
}

/// One `name: value` line of an `application/warc-fields` block, left out when empty.
fn field(out: &mut String, name: &str, value: &str) {
    text_header(out, name, value);
}

/// `value` with every control character (CR, LF, TAB, NUL, DEL, C1) and Unicode line or
/// paragraph separator replaced by a space, then trimmed.
fn single_line(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// An RFC 3339 timestamp as WARC's `YYYY-MM-DDThh:mm:ssZ`: converted to UTC, fractions
/// of a second dropped. `None` when it is not RFC 3339.
fn warc_date(rfc3339: &str) -> Option<String> {
    let t = DateTime::parse_from_rfc3339(rfc3339.trim()).ok()?.to_utc();
    Some(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// `<urn:uuid:…>`: the first 16 bytes of a sha256 as a version-8, RFC 9562-variant UUID.
fn record_id(sha: &[u8; 32]) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&sha[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// `sha256:` and the padded base32 of the digest.
fn labelled_digest(sha: &[u8; 32]) -> String {
    format!("sha256:{}", base32(sha))
}

/// RFC 4648 base32 (alphabet `A–Z2–7`) with `=` padding to a multiple of 8 characters.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut group = [0u8; 5];
        group[..chunk.len()].copy_from_slice(chunk);
        let bits = group.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        // Characters that carry data: ceil(8 * len / 5); the rest of the 8 are padding.
        let used = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < used {
                out.push(ALPHABET[((bits >> (35 - 5 * i)) & 0x1f) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// 64 hex digits (either case) as 32 bytes.
fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    let s = s.trim().as_bytes();
    if s.len() != 64 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (i, pair) in s.chunks(2).enumerate() {
        out[i] = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}

/// True when `s` starts with an RFC 3986 scheme: a letter, then letters, digits, `+`,
/// `-` or `.`, then `:`.
fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// A URL with the bytes a URI may not contain percent-encoded; `%` and the reserved
/// characters are kept, so an already-escaped URL passes unchanged.
fn escape_uri(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for &b in url.as_bytes() {
        let forbidden = b <= 0x20
            || b >= 0x7f
            || matches!(
                b,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
            );
        if forbidden {
            let _ = write!(out, "%{b:02X}");
        } else {
            out.push(b as char);
        }
    }
    out
}

/// `urn:recount:doc:` and the id with every byte outside RFC 3986's unreserved set
/// percent-encoded.
fn doc_urn(id: &str) -> String {
    let mut out = String::from("urn:recount:doc:");
    for &b in id.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ];
        for (input, expected) in cases {
            assert_eq!(base32(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn sha256_of_nothing_in_warc_form() {
        // Python: base64.b32encode(hashlib.sha256(b"").digest())
        assert_eq!(
            labelled_digest(&Sha256::digest(b"").into()),
            "sha256:4OYMIQUY7QOBJGX36TEJS35ZEQT24QPEMSNZGTFESWMRW6CSXBKQ===="
        );
    }

    #[test]
    fn record_id_is_a_v8_uuid_from_the_hash_prefix() {
        let sha = parse_hex32(&"ab".repeat(32)).unwrap();
        assert_eq!(
            record_id(&sha),
            "<urn:uuid:abababab-abab-8bab-abab-abababababab>"
        );
        let zero = [0u8; 32];
        assert_eq!(
            record_id(&zero),
            "<urn:uuid:00000000-0000-8000-8000-000000000000>"
        );
    }

    #[test]
    fn dates_become_utc_seconds() {
        assert_eq!(
            warc_date("2023-02-22T20:15:07.829+08:00").as_deref(),
            Some("2023-02-22T12:15:07Z")
        );
        assert_eq!(
            warc_date("2025-01-01T00:00:00Z").as_deref(),
            Some("2025-01-01T00:00:00Z")
        );
        assert_eq!(warc_date("2025-01-01"), None);
        assert_eq!(warc_date("yesterday"), None);
    }

    #[test]
    fn uris_are_escaped_and_ids_recoverable() {
        assert_eq!(
            escape_uri("https://example.cn/新闻/a b.html?q=%E7&x=\"y\""),
            "https://example.cn/%E6%96%B0%E9%97%BB/a%20b.html?q=%E7&x=%22y%22"
        );
        assert_eq!(
            doc_urn("001_煤矿 a/b:c.txt"),
            "urn:recount:doc:001_%E7%85%A4%E7%9F%BF%20a%2Fb%3Ac.txt"
        );
        assert!(has_scheme("https://x") && has_scheme("file:///a") && has_scheme("urn:x:y"));
        assert!(!has_scheme("www.example.com/a") && !has_scheme("1http://x") && !has_scheme(""));
    }

    #[test]
    fn header_values_are_single_lines() {
        assert_eq!(
            single_line(" Title\r\nWARC-Type: x\u{2028}y\t\u{85}z "),
            "Title  WARC-Type: x y  z"
        );
    }
}
