//! The finer place text next to a coded unit (town, village, mine, square), kept as
//! `Place::detail`. Chinese writes it after the unit (冷坑镇桐光村 after 英德市), English
//! before ("Tongguang Village, Lengkeng Town, Yingde City").

use crate::data::Lexicon;
use crate::scan::is_cjk;

/// The longest Chinese segment that can end at a detail word.
const MAX_SEGMENT_CHARS: usize = 12;
/// The longest town, village or street name before its 镇, 村, 路 ...
const MAX_ADMIN_NAME_CHARS: usize = 5;
/// The most capitalised words in one English detail phrase ("Xintai Coal Chemical Plant").
const MAX_PHRASE_WORDS: usize = 6;

/// Chinese detail right after byte `end`: consecutive segments that each end with a detail
/// word (镇, 村, 广场, 煤矿 ...), e.g. 冷坑镇 + 桐光村.
pub(crate) fn after_zh(lex: &Lexicon, text: &str, end: usize) -> Option<String> {
    let rest = &text[end..];
    let mut taken = 0;
    while let Some(len) = segment(lex, &rest[taken..]) {
        taken += len;
    }
    (taken > 0).then(|| rest[..taken].to_string())
}

/// Byte length of the place segment opening `seg`, if it opens with one.
fn segment(lex: &Lexicon, seg: &str) -> Option<usize> {
    let first = seg.chars().next()?;
    if !is_cjk(first)
        || lex
            .detail_skip_zh
            .iter()
            .any(|w| seg.starts_with(w.as_str()))
    {
        return None;
    }
    let ends = |prefix: &str| -> Option<bool> {
        if lex.detail_zh.iter().any(|w| prefix.ends_with(w.as_str())) {
            return Some(true);
        }
        let w = lex
            .detail_admin_zh
            .iter()
            .find(|w| prefix.ends_with(w.as_str()))?;
        let name_chars = prefix.chars().count() - w.chars().count();
        Some((1..=MAX_ADMIN_NAME_CHARS).contains(&name_chars))
    };
    for (n, (i, c)) in seg.char_indices().enumerate() {
        if n >= MAX_SEGMENT_CHARS || !(is_cjk(c) || c.is_ascii_digit()) || is_punct(c) {
            return None;
        }
        let upto = i + c.len_utf8();
        match ends(&seg[..upto]) {
            // A town name too long to be one: the text is not an address.
            Some(false) => return None,
            Some(true) => {
                // Keep the longer word when the text goes on with one (工业园 → 工业园区).
                let longer = seg[upto..]
                    .char_indices()
                    .map(|(j, c)| upto + j + c.len_utf8())
                    .take(2)
                    .filter(|&e| ends(&seg[..e]) == Some(true))
                    .last();
                return Some(longer.unwrap_or(upto));
            }
            None => {}
        }
    }
    None
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '（'
            | '）'
            | '“'
            | '”'
            | '《'
            | '》'
            | '！'
            | '？'
            | '　'
    )
}

/// English detail before byte `start`: capitalised phrases ending with a detail word and
/// joined to the unit by ", ", " of " or " in ", e.g. "Tongguang Village, Lengkeng Town".
pub(crate) fn before_en(lex: &Lexicon, text: &str, start: usize) -> Option<String> {
    let mut head = &text[..start];
    let mut phrases: Vec<&str> = Vec::new();
    // "X Village of Y Town, Z County": each phrase joins the next the same way.
    while let Some(rest) = [", ", ",", " of ", " in ", " at "]
        .iter()
        .find_map(|sep| head.strip_suffix(sep))
    {
        let Some(phrase) = phrase_before(lex, rest) else {
            break;
        };
        phrases.push(phrase);
        head = &rest[..rest.len() - phrase.len()];
    }
    if phrases.is_empty() {
        return None;
    }
    phrases.reverse();
    Some(phrases.join(", "))
}

/// The capitalised words ending `text`, when the last one is a detail word and there are at
/// least two ("Panguan Town", not "Town").
fn phrase_before<'t>(lex: &Lexicon, text: &'t str) -> Option<&'t str> {
    let mut phrase_start = text.len();
    let mut cursor = text.len();
    let mut words = 0;
    while words < MAX_PHRASE_WORDS {
        let head = &text[..cursor];
        let word_start = head.rfind(' ').map_or(0, |i| i + 1);
        let word = &head[word_start..];
        let capitalised = word.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
        let clean = word
            .chars()
            .all(|c| (c.is_alphanumeric() && !is_cjk(c)) || matches!(c, '\'' | '’' | '-'));
        let function_word = matches!(
            word,
            "The" | "A" | "An" | "In" | "At" | "On" | "Near" | "From" | "Of"
        );
        if !capitalised || !clean || function_word {
            break;
        }
        words += 1;
        phrase_start = word_start;
        if word_start == 0 {
            break;
        }
        cursor = word_start - 1;
    }
    if words < 2 {
        return None;
    }
    let phrase = &text[phrase_start..];
    let last = phrase.rsplit(' ').next()?;
    lex.detail_en.iter().any(|w| w == last).then_some(phrase)
}
