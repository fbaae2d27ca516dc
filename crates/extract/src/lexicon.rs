//! The extraction lexicon (`data/lexicon.tsv`): words that mark event types, facets,
//! speakers, disputed figures and aggregate statistics, in Chinese and English.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

const LEXICON_TSV: &str = include_str!("../../../data/lexicon.tsv");

/// One lexicon entry: a term is evidence for `value` of `field` with `weight`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub field: String,
    pub value: String,
    pub weight: u32,
}

/// A lexicon term found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'l> {
    pub entry: &'l Entry,
    pub start: usize,
    pub end: usize,
}

/// The parsed lexicon: one automaton per field, so that a term of one field (瓦斯爆炸,
/// a mechanism) never hides an overlapping term of another (爆炸, an event type).
pub struct Lexicon {
    entries: Vec<Entry>,
    fields: Vec<FieldMatcher>,
}

struct FieldMatcher {
    field: String,
    /// For each pattern: the entry it belongs to, and whether it is ASCII (English
    /// terms must sit on word boundaries; Chinese has none to check).
    patterns: Vec<(usize, bool)>,
    automaton: AhoCorasick,
}

/// A field's name, its terms, and for each term its entry and whether it is ASCII.
type FieldTerms = (String, Vec<String>, Vec<(usize, bool)>);

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::parse(LEXICON_TSV));

/// The lexicon compiled into the binary.
pub fn lexicon() -> &'static Lexicon {
    &LEXICON
}

impl Lexicon {
    /// Parses the TSV form: field, value, weight, `|`-separated terms; `#` starts a comment.
    /// A malformed line is a build-time data error, reported with its line number.
    pub fn parse(tsv: &str) -> Lexicon {
        let mut entries = Vec::new();
        // Terms and pattern info per field, in order of first appearance.
        let mut by_field: Vec<FieldTerms> = Vec::new();
        for (n, line) in tsv.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert!(
                cols.len() == 4,
                "data/lexicon.tsv line {}: want 4 tab-separated columns",
                n + 1
            );
            let weight = cols[2].parse().unwrap_or_else(|_| {
                panic!("data/lexicon.tsv line {}: weight is not a number", n + 1)
            });
            entries.push(Entry {
                field: cols[0].to_string(),
                value: cols[1].to_string(),
                weight,
            });
            let slot = match by_field.iter().position(|(f, _, _)| f == cols[0]) {
                Some(i) => i,
                None => {
                    by_field.push((cols[0].to_string(), Vec::new(), Vec::new()));
                    by_field.len() - 1
                }
            };
            for term in cols[3].split('|').filter(|t| !t.is_empty()) {
                by_field[slot].1.push(term.to_lowercase());
                by_field[slot].2.push((entries.len() - 1, term.is_ascii()));
            }
        }
        let fields = by_field
            .into_iter()
            .map(|(field, terms, patterns)| FieldMatcher {
                field,
                patterns,
                automaton: AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&terms)
                    .expect("lexicon terms build an automaton"),
            })
            .collect();
        Lexicon { entries, fields }
    }

    /// Every lexicon term in `text`: per field leftmost-longest, English terms on word
    /// boundaries. Cost: one pass over the text per field.
    pub fn hits<'l>(&'l self, text: &str) -> Vec<Hit<'l>> {
        self.scan(text, |_| true)
    }

    /// The hits of the named fields only: one pass per field named, not per field.
    pub fn hits_in<'l>(&'l self, text: &str, fields: &[&str]) -> Vec<Hit<'l>> {
        self.scan(text, |f| fields.contains(&f))
    }

    fn scan<'l>(&'l self, text: &str, wanted: impl Fn(&str) -> bool) -> Vec<Hit<'l>> {
        let bytes = text.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric();
        let mut out = Vec::new();
        for f in self.fields.iter().filter(|f| wanted(&f.field)) {
            for m in f.automaton.find_iter(text) {
                let (entry, ascii) = f.patterns[m.pattern().as_usize()];
                if ascii {
                    let before = m.start() > 0 && word(bytes[m.start() - 1]);
                    let after = m.end() < bytes.len() && word(bytes[m.end()]);
                    if before || after {
                        continue;
                    }
                }
                out.push(Hit {
                    entry: &self.entries[entry],
                    start: m.start(),
                    end: m.end(),
                });
            }
        }
        out.sort_by_key(|h| h.start);
        out
    }

    /// Whether `text` holds a term of `field` (any value).
    pub fn has(&self, text: &str, field: &str) -> bool {
        !self.hits_in(text, &[field]).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_facet_value_is_in_the_schema_vocabulary() {
        let lex = lexicon();
        let mut seen = 0;
        for e in &lex.entries {
            if let Some(allowed) = recount_model::facets::values_of(&e.field) {
                seen += 1;
                assert!(
                    allowed.contains(&e.value.as_str()),
                    "lexicon {} value '{}' is not one of {allowed:?}",
                    e.field,
                    e.value
                );
            }
        }
        assert!(seen > 20, "the lexicon has facet entries");
    }

    #[test]
    fn english_terms_need_word_boundaries() {
        let lex = lexicon();
        let fields: Vec<_> = lex
            .hits("The strikers' demonstration")
            .iter()
            .map(|h| h.entry.value.clone())
            .collect();
        assert_eq!(fields, vec!["protest"]);
        assert!(lex
            .hits("a bore hole")
            .iter()
            .all(|h| h.entry.value != "metal_mining"));
    }

    #[test]
    fn chinese_terms_match_inside_text() {
        let lex = lexicon();
        let hits = lex.hits("某煤矿发生瓦斯爆炸");
        assert!(hits
            .iter()
            .any(|h| h.entry.field == "type" && h.entry.value == "accident"));
        assert!(hits
            .iter()
            .any(|h| h.entry.field == "sector" && h.entry.value == "coal_mining"));
    }

    #[test]
    #[should_panic(expected = "line 1")]
    fn malformed_lines_are_reported() {
        Lexicon::parse("type\taccident\tthree\tfire");
    }
}
