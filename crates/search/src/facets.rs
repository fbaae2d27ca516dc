//! Words for an incident's facets (sector, mechanism, grievance), in both languages, from
//! the extraction lexicon: a strike at "Dahe Coal Mine" told only in English is still
//! found by 煤矿, because its sector `coal_mining` is told by 煤矿 in the lexicon.

use std::collections::HashMap;
use std::sync::LazyLock;

const LEXICON_TSV: &str = include_str!("../../../data/lexicon.tsv");

/// The fields of the lexicon that are facets of an incident.
const FACETS: &[&str] = &["sector", "mechanism", "grievance"];

/// (field, value) → the lexicon's terms for it, joined by spaces.
static WORDS: LazyLock<HashMap<(String, String), String>> = LazyLock::new(|| {
    let mut words: HashMap<(String, String), String> = HashMap::new();
    for line in LEXICON_TSV.lines() {
        if line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [field, value, _weight, terms] = cols[..] else {
            continue;
        };
        if !FACETS.contains(&field) {
            continue;
        }
        let entry = words.entry((field.into(), value.into())).or_default();
        for term in terms.split('|') {
            entry.push(' ');
            entry.push_str(term);
        }
    }
    words
});

/// The text of a facet for the index: its value (`coal_mining` as `coal mining`) and the
/// lexicon's words for it.
pub fn facet_text(field: &str, value: &str) -> String {
    let mut text = value.replace('_', " ");
    if let Some(words) = WORDS.get(&(field.to_string(), value.to_string())) {
        text.push_str(words);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facet_brings_its_words_in_both_languages() {
        let text = facet_text("sector", "coal_mining");
        assert!(text.starts_with("coal mining"), "{text}");
        assert!(text.contains("煤矿"), "{text}");
        // A value the lexicon does not know is still its own words.
        assert_eq!(facet_text("grievance", "no_such_thing"), "no such thing");
    }
}
