//! Normalisation for matching: traditional Chinese characters to simplified ones, so that
//! one lexicon, one gazetteer and one set of number and date rules read both scripts
//! (罷工 → 罢工, 礦 → 矿, 遇難 → 遇难, 韓城市 → 韩城市).
//!
//! The conversion is character for character (fast2s, MIT) and keeps every character's
//! UTF-8 length, so the normalised text has exactly the original's byte offsets: a span
//! found in it is the same span of the original, and quotes can be cut from the original
//! bytes. That identity is the offset map. Phrase-level conversion (OpenCC) would read a
//! few more words right but moves offsets; matching does not need it.
//!
//! Full-width digits and punctuation are read where they occur by the number and date
//! rules, so they are left as they are here.

use std::borrow::Cow;

/// The text with traditional characters replaced by simplified ones, byte for byte the
/// same length, with the same character boundaries. Borrowed when nothing changes.
/// Cost: one pass over the text.
pub fn simplified(text: &str) -> Cow<'_, str> {
    // Only CJK characters can change; pure ASCII text (English reports) is returned as is.
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let converted = fast2s::convert(text);
    if converted == text {
        return Cow::Borrowed(text);
    }
    if converted.len() == text.len() {
        // Check the promise char by char: the same boundaries everywhere.
        let same_shape = text
            .chars()
            .zip(converted.chars())
            .all(|(a, b)| a.len_utf8() == b.len_utf8());
        if same_shape {
            return Cow::Owned(converted);
        }
    }
    // A replacement of another length would move offsets: keep those characters as
    // written and convert the rest.
    let mut out = String::with_capacity(text.len());
    for (a, b) in text.chars().zip(converted.chars()) {
        out.push(if a.len_utf8() == b.len_utf8() { b } else { a });
    }
    Cow::Owned(out)
}

/// Whether the text holds characters that normalisation changes (it is, at least in
/// part, written in traditional script).
pub fn has_traditional(text: &str) -> bool {
    matches!(simplified(text), Cow::Owned(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_words_become_simplified() {
        for (traditional, simple) in [
            ("礦工罷工", "矿工罢工"),
            ("三人遇難", "三人遇难"),
            ("韓城市一煤礦發生爆炸", "韩城市一煤矿发生爆炸"),
            ("經搶救無效死亡", "经抢救无效死亡"),
        ] {
            assert_eq!(simplified(traditional), simple);
        }
    }

    #[test]
    fn offsets_are_kept() {
        let text = "據報道，2024年3月5日，山西一煤礦發生瓦斯爆炸，造成12人遇難。";
        let norm = simplified(text);
        assert_eq!(norm.len(), text.len());
        let start = norm.find("瓦斯爆炸").expect("normalised word");
        assert_eq!(&text[start..start + "瓦斯爆炸".len()], "瓦斯爆炸");
        let cut = norm.find("12人遇难").expect("normalised phrase");
        assert_eq!(&text[cut..cut + "12人遇難".len()], "12人遇難");
        for (i, _) in text.char_indices() {
            assert!(norm.is_char_boundary(i));
        }
    }

    #[test]
    fn simplified_and_english_text_is_borrowed() {
        assert!(matches!(simplified("矿工罢工"), Cow::Borrowed(_)));
        assert!(matches!(
            simplified("Miners went on strike."),
            Cow::Borrowed(_)
        ));
        assert!(!has_traditional("煤矿"));
        assert!(has_traditional("煤礦"));
    }
}
