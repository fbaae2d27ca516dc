//! Bytes to text: BOMs, declared charsets, and detection of GB18030/GBK, Big5 and friends.
//!
//! Chinese sources arrive in UTF-8, GB18030 (and its subsets GBK/GB2312), Big5, and
//! occasionally UTF-16. Whatever the encoding or the script, one rule decides whether a
//! document is text: every sequence that is invalid in the encoding read is replaced by
//! U+FFFD and counted ([`Decoded::replaced`], for the caller to report), and the document
//! is refused when the replaced sequences are more than 1% of its characters. A binary
//! file (a known signature, NUL bytes outside UTF-16, or more than 5% control characters)
//! is refused as such.
//!
//! Which encoding is read: the BOM's; else UTF-8 when the bytes are valid UTF-8 or mostly
//! so (more valid multi-byte sequences than invalid ones: UTF-8 with a few damaged bytes);
//! else a declared charset, or a detected multi-byte encoding (GB18030, Big5, Shift_JIS,
//! EUC-KR …), when it reads the bytes without an invalid sequence; else GB18030 or Big5
//! when it replaces fewer sequences than UTF-8 and gives at least ten CJK characters per
//! replacement (a damaged legacy Chinese text); else UTF-8. A single-byte encoding
//! (windows-1252, ISO-8859-x) is read only when declared: any bytes at all are valid in
//! one, so a clean reading proves nothing, and stray bytes in ASCII text would pass for
//! letters.

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Text decoded from a document's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the encoding used, e.g. "UTF-8", "gb18030", "Big5".
    pub encoding: &'static str,
    /// Invalid sequences replaced by U+FFFD (at most 1% of the characters).
    pub replaced: usize,
}

impl Decoded {
    /// The warning a caller shows for a document with replaced sequences, if any:
    /// "3 invalid UTF-8 sequences replaced".
    pub fn warning(&self) -> Option<String> {
        match self.replaced {
            0 => None,
            1 => Some(format!("1 invalid {} sequence replaced", self.encoding)),
            n => Some(format!("{n} invalid {} sequences replaced", self.encoding)),
        }
    }
}

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the document is empty")]
    Empty,
    #[error("the document looks binary ({0}), not text")]
    Binary(&'static str),
    #[error("the document is not text in {encoding}: {bad} of its {total} characters are invalid sequences (more than 1% is refused)")]
    Invalid {
        encoding: &'static str,
        bad: usize,
        total: usize,
    },
}

/// Share of replaced sequences above which a document is refused, for every encoding.
const MAX_BAD_RATIO: f64 = 0.01;

/// Share of control characters above which decoded text is taken for a binary file.
const MAX_CONTROL_RATIO: f64 = 0.05;

/// Decodes a document. `declared` is a charset label from metadata or an HTML
/// `<meta charset>`; see the module's documentation for which encoding is read.
///
/// Cost: one pass to validate UTF-8; for bytes that are not, one detection pass and a
/// decoding pass per candidate encoding (at most five).
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return finish(read_as(enc, &bytes[bom_len..]));
    }
    if let Some(kind) = binary_signature(bytes) {
        return Err(DecodeError::Binary(kind));
    }
    if let Some(enc) = utf16_guess(bytes) {
        return finish(read_as(enc, bytes));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return checked_text(Decoded {
            text: s.to_string(),
            encoding: UTF_8.name(),
            replaced: 0,
        });
    }
    let utf8 = read_as(UTF_8, bytes);
    if beyond_ascii(&utf8) > utf8.replaced {
        return finish(utf8);
    }
    let declared = declared.and_then(|l| Encoding::for_label(l.trim().as_bytes()));
    let mut readings = Vec::new();
    for enc in [declared, detected(bytes)].into_iter().flatten() {
        let d = read_as(enc, bytes);
        if d.replaced == 0 {
            return finish(d);
        }
        readings.push(d);
    }
    // Nothing reads the bytes cleanly: a damaged legacy Chinese text (a detector gives
    // up on an invalid byte) is the reading with fewer replacements than UTF-8 that is
    // mostly CJK characters. Stray bytes in ASCII text give few, so they stay UTF-8.
    for enc in [encoding_rs::GB18030, encoding_rs::BIG5] {
        if !readings.iter().any(|d| d.encoding == enc.name()) {
            readings.push(read_as(enc, bytes));
        }
    }
    let chinese = readings
        .into_iter()
        .filter(|d| d.replaced < utf8.replaced)
        .filter(|d| {
            let cjk = d.text.chars().filter(|&c| is_cjk(c)).count();
            cjk > 0 && cjk >= d.replaced * 10
        })
        .min_by_key(|d| d.replaced);
    finish(chinese.unwrap_or(utf8))
}

/// Characters beyond ASCII that decoded (not counting the replacements).
fn beyond_ascii(d: &Decoded) -> usize {
    d.text.chars().filter(|c| !c.is_ascii()).count() - d.replaced
}

/// Han, kana, hangul and the full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3FFFF}')
}

/// The detector's guess when it is a multi-byte encoding: a single-byte one reads any
/// bytes, so its guess is no evidence.
fn detected(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    (!guess.is_single_byte()).then_some(guess)
}

/// The bytes read in `enc`, every invalid sequence replaced by U+FFFD and counted.
fn read_as(enc: &'static Encoding, bytes: &[u8]) -> Decoded {
    // GBK and GB2312 texts are read as GB18030, their superset, so that four-byte
    // sequences (rare characters in names) survive.
    let enc = if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    };
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut replaced = 0;
    let mut rest = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut text, true);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                let more = decoder
                    .max_utf8_buffer_length_without_replacement(rest.len())
                    .unwrap_or(rest.len() * 3)
                    .max(16);
                text.reserve(more);
            }
            DecoderResult::Malformed(_, _) => {
                replaced += 1;
                text.push('\u{FFFD}');
            }
        }
    }
    Decoded {
        text,
        encoding: enc.name(),
        replaced,
    }
}

/// Applies the one threshold: more than 1% replaced is not text.
fn finish(d: Decoded) -> Result<Decoded, DecodeError> {
    if d.text.chars().all(|c| c.is_whitespace()) && d.replaced == 0 {
        return Err(DecodeError::Empty);
    }
    let total = d.text.chars().count();
    if d.replaced as f64 > total as f64 * MAX_BAD_RATIO {
        return Err(DecodeError::Invalid {
            encoding: d.encoding,
            bad: d.replaced,
            total,
        });
    }
    checked_text(d)
}

/// Rejects text that decoded but is full of control characters (a binary file that
/// happened to be valid in some encoding).
fn checked_text(d: Decoded) -> Result<Decoded, DecodeError> {
    let total = d.text.chars().count();
    let control = d
        .text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if total > 0 && control as f64 > total as f64 * MAX_CONTROL_RATIO {
        return Err(DecodeError::Binary("control characters"));
    }
    if d.text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(d)
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

/// The byte order of BOM-less UTF-16 that [`binary_signature`] let through.
fn utf16_guess(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8192)];
    if !looks_utf16(head) {
        return None;
    }
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
    Some(if odd_nul >= even_nul {
        UTF_16LE
    } else {
        UTF_16BE
    })
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

    const EN: &str = "The county emergency bureau said the roof of the third working face fell \
        at about nine in the evening. Rescue teams reached the trapped men before dawn, and \
        the mine was ordered to stop production while the cause is investigated. ";

    /// `pieces` joined by `bad`, as bytes.
    fn joined(pieces: &[Vec<u8>], bad: &[u8]) -> Vec<u8> {
        pieces.join(bad)
    }

    #[test]
    fn stray_bytes_in_ascii_are_counted_not_read_as_letters() {
        let mut bytes = EN.repeat(3).into_bytes();
        bytes.splice(40..40, *b"\xFF");
        bytes.splice(200..200, *b"\x80");
        bytes.splice(400..400, *b"\xC3 ");
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.replaced, 3);
        assert_eq!(d.text.matches('\u{FFFD}').count(), 3);
        assert_eq!(
            d.warning().as_deref(),
            Some("3 invalid UTF-8 sequences replaced")
        );
        assert_eq!(decode(EN.as_bytes(), None).unwrap().warning(), None);
    }

    #[test]
    fn chinese_utf8_with_one_bad_byte_is_read_with_one_replacement() {
        let text = ZH.repeat(10);
        let half = text.char_indices().nth(115).unwrap().0;
        let mut bytes = text.clone().into_bytes();
        bytes.insert(half, 0xFF);
        let d = decode(&bytes, None).unwrap();
        assert_eq!((d.encoding, d.replaced), ("UTF-8", 1));
        assert_eq!(d.text.replace('\u{FFFD}', ""), text);
        // A character cut short is one sequence too.
        let mut cut = text.into_bytes();
        cut.remove(half + 1);
        let d = decode(&cut, None).unwrap();
        assert_eq!((d.encoding, d.replaced), ("UTF-8", 1));
        assert_eq!(
            d.warning().as_deref(),
            Some("1 invalid UTF-8 sequence replaced")
        );
    }

    #[test]
    fn damaged_gb18030_is_read_as_gb18030_with_its_replacements() {
        let pieces: Vec<Vec<u8>> = (0..10)
            .map(|_| encoding_rs::GB18030.encode(ZH).0.into_owned())
            .collect();
        let halves = [pieces[..5].concat(), pieces[5..].concat()];
        let d = decode(&joined(&halves, b"\xFF"), None).unwrap();
        assert_eq!((d.encoding, d.replaced), ("gb18030", 1));
        assert_eq!(d.text.replace('\u{FFFD}', ""), ZH.repeat(10));
    }

    /// English, Chinese in UTF-8 and Chinese in GB18030, each about `chars` characters long
    /// with `bad` invalid bytes spread through it.
    fn damaged(chars: usize, bad: usize) -> [(&'static str, Vec<u8>); 3] {
        let en_reps = chars / EN.chars().count() + 1;
        let zh_reps = chars / ZH.chars().count() + 1;
        let spread = |pieces: Vec<Vec<u8>>| -> Vec<u8> {
            let mut out = Vec::new();
            let every = pieces.len() / bad.max(1);
            for (i, p) in pieces.into_iter().enumerate() {
                out.extend(p);
                if bad > 0 && i % every == 0 && i / every < bad {
                    out.push(0xFF);
                }
            }
            out
        };
        let en: Vec<Vec<u8>> = EN
            .repeat(en_reps)
            .split_inclusive(' ')
            .map(|w| w.as_bytes().to_vec())
            .collect();
        let zh: Vec<Vec<u8>> = ZH
            .repeat(zh_reps)
            .chars()
            .map(|c| c.to_string().into_bytes())
            .collect();
        let gb: Vec<Vec<u8>> = ZH
            .repeat(zh_reps)
            .chars()
            .map(|c| encoding_rs::GB18030.encode(&c.to_string()).0.into_owned())
            .collect();
        [
            ("UTF-8", spread(en)),
            ("UTF-8", spread(zh)),
            ("gb18030", spread(gb)),
        ]
    }

    #[test]
    fn one_threshold_for_every_script() {
        // 0.5% damaged: read, each replacement counted.
        for (encoding, bytes) in damaged(1000, 5) {
            let d = decode(&bytes, None).unwrap();
            assert_eq!((d.encoding, d.replaced), (encoding, 5));
        }
        // 2% damaged: refused, whatever the script.
        for (encoding, bytes) in damaged(1000, 20) {
            match decode(&bytes, None) {
                Err(DecodeError::Invalid {
                    encoding: e,
                    bad,
                    total,
                }) => {
                    assert_eq!((e, bad), (encoding, 20));
                    assert!(total > 900, "{total}");
                }
                other => panic!("{encoding}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_single_byte_encoding_is_read_only_when_declared() {
        let bytes = b"Caf\xE9 workers walked out on Monday.";
        let d = decode(bytes, Some("windows-1252")).unwrap();
        assert_eq!(d.text, "Caf\u{e9} workers walked out on Monday.");
        assert_eq!((d.encoding, d.replaced), ("windows-1252", 0));
        // Undeclared, the stray byte is an invalid UTF-8 sequence (here more than 1%).
        assert!(matches!(
            decode(bytes, None),
            Err(DecodeError::Invalid {
                encoding: "UTF-8",
                bad: 1,
                ..
            })
        ));
    }
}
