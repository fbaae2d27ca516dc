//! Words of Chinese and English text for the index: jieba segments the text (search mode
//! for indexing, so that a long word is also findable by its parts; precise mode for
//! queries), Latin words are lower-cased and stemmed, punctuation is dropped. Pinyin keys
//! make Chinese names findable in Latin letters (坤源 → `kunyuan`).

use jieba_rs::Jieba;
use pinyin::ToPinyin;
use std::sync::LazyLock;
use tantivy::tokenizer::{
    Language, LowerCaser, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer, WhitespaceTokenizer,
};

/// The name the text analyzer is registered under in the index.
pub const ZH_TOKENIZER: &str = "recount_zh";
/// The name of the analyzer of the pinyin field (keys separated by spaces).
pub const PINYIN_TOKENIZER: &str = "recount_pinyin";

/// The dictionary is large; it is loaded once per process, on first use.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Segments text with jieba. Unknown words are not guessed (no HMM): a name the dictionary
/// lacks falls apart into its characters the same way in a document and in a query, so
/// the two always meet.
#[derive(Clone, Copy, Debug)]
pub struct ZhTokenizer {
    /// Search mode: every dictionary word inside a long word is a token too.
    pub search: bool,
}

/// The tokens of one text, made at once and handed out one by one.
pub struct ZhTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream {
        let words = if self.search {
            JIEBA.cut_for_search(text, false)
        } else {
            JIEBA.cut(text, false)
        };
        let mut tokens: Vec<Token> = words
            .into_iter()
            .filter(|w| w.word.chars().any(char::is_alphanumeric))
            .map(|w| Token {
                offset_from: w.byte_start,
                offset_to: w.byte_end,
                // The position is the character offset, so that a phrase of adjacent
                // words can be matched with the offsets the query's own words have,
                // whichever overlapping parts search mode added.
                position: w.start,
                text: w.word.to_lowercase(),
                position_length: 1,
            })
            .collect();
        // Positions of one term must not go backwards; search mode emits a long word's
        // parts before the word.
        tokens.sort_by_key(|t| (t.offset_from, t.offset_to));
        ZhTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for ZhTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The analyzer of the text fields: search-mode segmentation, English stemming.
pub fn index_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ZhTokenizer { search: true })
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyzer of queries: precise segmentation, the same stemming.
pub fn query_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ZhTokenizer { search: false })
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyzer of the pinyin field: the keys are made by [`pinyin_keys`] already.
pub fn pinyin_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WhitespaceTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// The terms an analyzer makes of a text, with their byte offsets and positions.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// The longest run of syllables a pinyin key spans: long enough for a firm's name with
/// its trade word (坤源煤业), short enough to keep the field small.
const MAX_SYLLABLES: usize = 6;

/// Pinyin keys of a Chinese name: for every run of up to six consecutive Chinese
/// characters, their toneless syllables joined (坤源煤矿 → `kun`, `kunyuan`,
/// `kunyuanmei`, …, `yuan`, `yuanmei`, …). `ü` is written `u`, as names usually are in
/// English. Other characters break runs.
pub fn pinyin_keys(name: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut run: Vec<&'static str> = Vec::new();
    let flush = |run: &mut Vec<&'static str>, keys: &mut Vec<String>| {
        for start in 0..run.len() {
            let mut key = String::new();
            for syllable in run.iter().skip(start).take(MAX_SYLLABLES) {
                key.push_str(syllable);
                keys.push(key.replace('ü', "u"));
            }
        }
        run.clear();
    };
    for c in name.chars() {
        match c.to_pinyin() {
            Some(p) => run.push(p.plain()),
            None => flush(&mut run, &mut keys),
        }
    }
    flush(&mut run, &mut keys);
    keys.sort();
    keys.dedup();
    keys
}

/// Keys of a name written in Latin letters, in the same form as pinyin keys: every run of up
/// to four consecutive words joined and lower-cased ("Kunyuan Coal Mine" → `kunyuan`,
/// `kunyuancoal`, …, `mine`), so that a name romanised as one word is found when the query
/// spaces its syllables (`Kun Yuan`).
pub fn latin_keys(name: &str) -> Vec<String> {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut keys = Vec::new();
    for start in 0..words.len() {
        let mut key = String::new();
        for w in words.iter().skip(start).take(4) {
            key.push_str(w);
            keys.push(key.clone());
        }
    }
    keys
}

/// The pinyin key of a query written in Chinese characters only (坤源 → `kunyuan`), so that
/// it also finds a name that is known only in its romanised form ("Kunyuan Coal Mine").
pub fn pinyin_of(query: &str) -> Option<String> {
    let mut key = String::new();
    for c in query.chars().filter(|c| !c.is_whitespace()) {
        key.push_str(c.to_pinyin()?.plain());
    }
    (!key.is_empty()).then(|| key.replace('ü', "u"))
}

/// A query as a pinyin key when it could be one: Latin letters only, with spaces,
/// hyphens and apostrophes between syllables ("Kun Yuan", "kun-yuan", "Xi'an").
pub fn pinyin_query(query: &str) -> Option<String> {
    let q = query.trim();
    if q.is_empty()
        || !q
            .chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’'))
    {
        return None;
    }
    let key: String = q
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        tokens(analyzer, text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn chinese_is_segmented_into_words_and_their_parts() {
        let words = texts(
            &mut index_analyzer(),
            "山西省晋中市榆次区坤源煤矿工人罢工讨薪。",
        );
        for w in ["山西省", "晋中市", "煤矿", "工人", "罢工"] {
            assert!(words.contains(&w.to_string()), "{w} missing from {words:?}");
        }
        // Punctuation is no word.
        assert!(!words.iter().any(|w| w == "。"), "{words:?}");
        // Search mode: the parts of a long word are words too.
        let words = texts(&mut index_analyzer(), "中华人民共和国");
        assert!(words.contains(&"中华人民共和国".to_string()), "{words:?}");
        assert!(words.contains(&"人民".to_string()), "{words:?}");
        // The query analyzer keeps the long word whole.
        assert_eq!(
            texts(&mut query_analyzer(), "中华人民共和国"),
            ["中华人民共和国"]
        );
    }

    #[test]
    fn offsets_are_bytes_and_positions_are_characters() {
        let toks = tokens(&mut query_analyzer(), "六名矿工 died");
        let miners = toks.iter().find(|t| t.text == "矿工").expect("矿工");
        assert_eq!(
            &"六名矿工 died"[miners.offset_from..miners.offset_to],
            "矿工"
        );
        assert_eq!(miners.position, 2);
        let died = toks.iter().find(|t| t.text == "die").expect("died stemmed");
        assert_eq!(died.position, 5);
    }

    #[test]
    fn english_words_are_lowercased_and_stemmed() {
        let words = texts(
            &mut index_analyzer(),
            "Miners STRIKING over unpaid Wages, again!",
        );
        assert_eq!(
            words,
            ["miner", "strike", "over", "unpaid", "wage", "again"]
        );
        // A query meets the text whatever the inflection.
        assert_eq!(texts(&mut query_analyzer(), "strikes"), ["strike"]);
    }

    #[test]
    fn pinyin_keys_cover_runs_of_syllables() {
        let keys = pinyin_keys("坤源煤矿");
        for k in ["kun", "kunyuan", "kunyuanmeikuang", "yuanmei", "kuang"] {
            assert!(keys.contains(&k.to_string()), "{k} missing from {keys:?}");
        }
        // Latin text breaks runs and makes no key.
        let keys = pinyin_keys("吕梁 Coal 矿");
        assert!(keys.contains(&"luliang".to_string()), "{keys:?}");
        assert!(!keys.iter().any(|k| k.contains("coal")), "{keys:?}");
        assert!(!keys.contains(&"liangkuang".to_string()), "{keys:?}");
    }

    #[test]
    fn latin_names_give_keys_of_joined_words() {
        let keys = latin_keys("Kunyuan Coal-Mine");
        for k in [
            "kunyuan",
            "kunyuancoal",
            "kunyuancoalmine",
            "coalmine",
            "mine",
        ] {
            assert!(keys.contains(&k.to_string()), "{k} missing from {keys:?}");
        }
        assert!(latin_keys("坤源").is_empty());
    }

    #[test]
    fn latin_queries_become_pinyin_keys() {
        assert_eq!(pinyin_query("Kun Yuan").as_deref(), Some("kunyuan"));
        assert_eq!(pinyin_query("kunyuan").as_deref(), Some("kunyuan"));
        assert_eq!(pinyin_query("Xi'an").as_deref(), Some("xian"));
        assert_eq!(pinyin_query("坤源"), None);
        assert_eq!(pinyin_of("坤源").as_deref(), Some("kunyuan"));
        assert_eq!(pinyin_of("坤源 mine"), None);
        assert_eq!(pinyin_query("coal 2024"), None);
    }
}
