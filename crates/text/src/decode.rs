//! Bytes to text: BOMs, declared charsets, and detection of GB18030/GBK, Big5 and friends.
//!
//! Chinese sources arrive in UTF-8, GB18030 (and its subsets GBK/GB2312), Big5, and
//! occasionally UTF-16. A document is accepted only when it decodes cleanly enough to
//! trust: a file that is mostly replacement characters is reported, not archived as noise.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Text decoded from a document's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the encoding used, e.g. "UTF-8", "gb18030", "Big5".
    pub encoding: &'static str,
}

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the document is empty")]
    Empty,
    #[error("the document looks binary ({0}), not text")]
    Binary(&'static str),
    #[error("the document does not decode as {encoding}: {bad} of {total} characters are invalid")]
    Invalid {
        encoding: &'static str,
        bad: usize,
        total: usize,
    },
}

/// Share of replacement characters above which a decoding is rejected.
const MAX_BAD_RATIO: f64 = 0.01;

/// Decodes a document. `declared` is a charset label from metadata or an HTML
/// `<meta charset>`; it is trusted only when the bytes decode cleanly under it.
///
/// Cost: one pass to validate UTF-8, plus one detection pass and one decoding pass
/// for legacy encodings.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return finish(enc, &bytes[bom_len..]);
    }
    if let Some(kind) = binary_signature(bytes) {
        return Err(DecodeError::Binary(kind));
    }
    if let Some((text, enc)) = decode_utf16_guess(bytes) {
        return checked_text(text, enc);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return checked_text(s.to_string(), UTF_8.name());
    }
    if let Some(enc) = declared.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
        // A wrong declaration is common (pages that say GB2312 but are GB18030); GB
        // labels all map to the GB18030 superset, which encoding_rs does for us.
        if enc != UTF_8 {
            if let Ok(d) = finish(enc, bytes) {
                return Ok(d);
            }
        }
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    finish(guess, bytes)
}

fn finish(enc: &'static Encoding, bytes: &[u8]) -> Result<Decoded, DecodeError> {
    // GBK and GB2312 texts are read as GB18030, their superset, so that four-byte
    // sequences (rare characters in names) survive.
    let enc = if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let total = text.chars().count();
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    if total == 0 || bad as f64 > total as f64 * MAX_BAD_RATIO {
        return Err(DecodeError::Invalid {
            encoding: enc.name(),
            bad,
            total,
        });
    }
    checked_text(text.into_owned(), enc.name())
}

/// Rejects text that decoded but is full of control characters (a binary file that
/// happened to be valid in some encoding).
fn checked_text(text: String, encoding: &'static str) -> Result<Decoded, DecodeError> {
    let total = text.chars().count();
    let control = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if total > 0 && control as f64 > total as f64 * 0.05 {
        return Err(DecodeError::Binary("control characters"));
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(Decoded { text, encoding })
}

/// Recognises common binary formats by their magic bytes, and NUL bytes that no text
/// file carries outside UTF-16 (which a BOM would have announced).
fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x1f\x8b", "gzip"),
        (b"PK\x03\x04", "zip"),
        (b"%PDF", "PDF"),
        (b"\x89PNG", "PNG"),
        (b"\xff\xd8\xff", "JPEG"),
        (b"GIF8", "GIF"),
        (b"\x7fELF", "ELF executable"),
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ", "xz"),
        (b"SQLite format 3", "SQLite database"),
    ];
    for (magic, name) in MAGIC {
        if bytes.starts_with(magic) {
            return Some(name);
        }
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nul = head.iter().filter(|&&b| b == 0).count();
    if nul > 0 {
        // UTF-16 without a BOM: every other byte is NUL for ASCII text.
        if looks_utf16(head) {
            return None;
        }
        return Some("NUL bytes");
    }
    None
}

fn looks_utf16(head: &[u8]) -> bool {
    let pairs = head.len() / 2;
    pairs > 4 && {
        let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        even * 3 > pairs * 2 || odd * 3 > pairs * 2
    }
}

/// Decodes BOM-less UTF-16 that [`binary_signature`] let through.
fn decode_utf16_guess(bytes: &[u8]) -> Option<(String, &'static str)> {
    let head = &bytes[..bytes.len().min(8192)];
    if !looks_utf16(head) {
        return None;
    }
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let enc = if odd_nul >= even_nul {
        UTF_16LE
    } else {
        UTF_16BE
    };
    let (text, bad) = enc.decode_without_bom_handling(bytes);
    (!bad).then(|| (text.into_owned(), enc.name()))
}

/// Finds a charset declared in the first 2 KB of an HTML document
/// (`<meta charset=…>` or `content="text/html; charset=…"`).
pub fn sniff_html_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let pos = lower.windows(8).position(|w| w == b"charset=")?;
    let rest = &head[pos + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .unwrap_or(rest.len());
    let label = std::str::from_utf8(&rest[..end]).ok()?;
    (!label.is_empty()).then(|| label.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZH: &str = "山西省晋中市某煤矿发生透水事故,三名矿工被困。";

    #[test]
    fn utf8_passes_through() {
        let d = decode(ZH.as_bytes(), None).unwrap();
        assert_eq!(d.text, ZH);
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn gb18030_is_detected_without_a_label() {
        let text = ZH.repeat(3);
        let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.text, ZH.repeat(3));
        assert_eq!(d.encoding, "gb18030");
    }

    #[test]
    fn gbk_label_decodes_as_gb18030() {
        let (bytes, _, _) = encoding_rs::GB18030.encode(ZH);
        let d = decode(&bytes, Some("GBK")).unwrap();
        assert_eq!(d.text, ZH);
    }

    #[test]
    fn big5_is_detected() {
        let trad = "臺灣某礦場發生爆炸事故,造成多名礦工死亡,當局正在調查事故原因。";
        let text = trad.repeat(4);
        let (bytes, _, _) = encoding_rs::BIG5.encode(&text);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "Big5");
        assert_eq!(d.text, trad.repeat(4));
    }

    #[test]
    fn utf16_with_bom_decodes() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in ZH.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes, None).unwrap().text, ZH);
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(decode(b"", None), Err(DecodeError::Empty));
        assert_eq!(decode(b"  \n\t ", None), Err(DecodeError::Empty));
        assert_eq!(
            decode(b"\x1f\x8b\x08\x00rest", None),
            Err(DecodeError::Binary("gzip"))
        );
        let mut junk = b"abc".to_vec();
        junk.extend([0u8, 1, 2, 3, 0, 0, 0xff, 0xfe, 0x00, 0x9c]);
        assert!(matches!(decode(&junk, None), Err(DecodeError::Binary(_))));
    }

    #[test]
    fn sniffs_meta_charset() {
        let html = br#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>"#;
        assert_eq!(sniff_html_charset(html).as_deref(), Some("gb2312"));
        let html5 = br#"<meta charset="GB18030">"#;
        assert_eq!(sniff_html_charset(html5).as_deref(), Some("GB18030"));
        assert_eq!(sniff_html_charset(b"<html></html>"), None);
    }
}
