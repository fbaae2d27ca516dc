//! Parsing the embedded tables into a [`Gazetteer`] and building its name matcher.
//!
//! Everything here runs once per process (behind the `OnceLock` in `gazetteer()`); the tables
//! are compiled into the binary, so a malformed row is a build defect and panics with the file
//! and line, caught by the crate's tests before it can ship.

use crate::{Country, Gazetteer, Rename, Unit};
use aho_corasick::{AhoCorasickBuilder, MatchKind};
use recount_model::PlaceLevel;
use std::collections::{HashMap, HashSet};

const GAZETTEER_TSV: &str = include_str!("../../../data/gazetteer.tsv");
const EXONYMS_TSV: &str = include_str!("../../../data/exonyms.tsv");
const RENAMES_TSV: &str = include_str!("../../../data/renames.tsv");
const COUNTRIES_TSV: &str = include_str!("../../../data/countries.tsv");
const LEXICON_TSV: &str = include_str!("../../../data/place_lexicon.tsv");

/// How a matched name relates to the unit it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    /// The name with its administrative suffix, an exonym with one, or a distinctive short form
    /// (桐梓县, "Tongzi County", 阿左旗, 红河州).
    Full,
    /// The bare stem (桐梓, "Tongzi", 宁波): many places share stems, so it needs support.
    Stem,
    /// A former full name (盘县, 水城县) of a unit that was renamed or merged.
    Former,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub unit: u32,
    pub kind: NameKind,
}

/// One distinct string in the matcher and everything it can name.
#[derive(Debug, Default)]
pub(crate) struct Pattern {
    /// Written in Latin script: matched only as whole words starting with a capital letter.
    pub latin: bool,
    /// An all-capitals abbreviation (US, UK, PRC): "us" in running text is not the country.
    pub exact: Option<String>,
    /// An ordinary word (和平, 天台, "Guide"): only right after a named ancestor.
    pub stop: bool,
    pub targets: Vec<Target>,
    pub countries: Vec<u16>,
}

/// Word lists from `data/place_lexicon.tsv`.
#[derive(Debug, Default)]
pub(crate) struct Lexicon {
    pub stop_words: HashSet<String>,
    pub surnames: HashSet<String>,
    pub finer_zh: Vec<String>,
    pub finer_en: Vec<String>,
    pub detail_zh: Vec<String>,
    pub detail_en: Vec<String>,
    pub detail_admin_zh: Vec<String>,
    pub detail_skip_zh: Vec<String>,
    pub site_zh: Vec<String>,
    pub site_en: Vec<String>,
    pub origin_zh: Vec<String>,
    pub origin_after_zh: Vec<String>,
    pub origin_en: Vec<String>,
    /// One-character province abbreviations (京, 沪, 粤) with the province's adcode.
    pub abbrevs: Vec<(String, String)>,
}

/// Rows of a tab-separated table, without comments and blank lines, with their line numbers.
fn rows(table: &'static str) -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    table
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l.split('\t').collect()))
}

fn level(text: &str, line: usize) -> PlaceLevel {
    match text {
        "province" => PlaceLevel::Province,
        "prefecture" => PlaceLevel::Prefecture,
        "county" => PlaceLevel::County,
        other => panic!("data/gazetteer.tsv:{line}: unknown level {other:?}"),
    }
}

fn coordinate(text: &str, line: usize) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("data/gazetteer.tsv:{line}: bad coordinate {text:?}")),
    )
}

/// The key `lookup` files a name under: case, spaces, apostrophes, hyphens and dots do not
/// matter ("Yan'an", "yanan", "Yan An" are one key).
pub(crate) fn normalize(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| {
            !matches!(
                c,
                ' ' | '\'' | '’' | '‘' | '`' | '-' | '.' | '\u{3000}' | '·'
            )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_latin(name: &str) -> bool {
    name.chars().all(|c| !crate::scan::is_cjk(c))
}

/// English names end with a word that says the unit type; bare stems do not.
const ENGLISH_SUFFIXES: &[&str] = &[
    "province",
    "city",
    "county",
    "district",
    "banner",
    "league",
    "prefecture",
    "region",
    "municipality",
    "area",
    "zone",
    "park",
    "sar",
    "township",
    "town",
];

/// Full or stem, for an alias that the table does not label: a Chinese alias that begins the
/// full name (宁波 of 宁波市) is its stem; an English one is full when it ends with a unit word.
fn alias_kind(alias: &str, full_name: &str) -> NameKind {
    if is_latin(alias) {
        let last = alias.rsplit(' ').next().unwrap_or(alias).to_lowercase();
        if alias.contains(' ') && ENGLISH_SUFFIXES.contains(&last.as_str()) {
            NameKind::Full
        } else {
            NameKind::Stem
        }
    } else if full_name.starts_with(alias) {
        NameKind::Stem
    } else {
        NameKind::Full
    }
}

#[derive(Default)]
struct Builder {
    patterns: Vec<Pattern>,
    texts: Vec<String>,
    by_text: HashMap<String, u32>,
    lookup: HashMap<String, Vec<u32>>,
    country_keys: HashMap<String, u16>,
}

impl Builder {
    fn pattern(&mut self, text: &str) -> &mut Pattern {
        let latin = is_latin(text);
        // ASCII case is folded by the matcher, so one pattern serves every capitalisation.
        let key = if latin {
            text.to_ascii_lowercase()
        } else {
            text.to_string()
        };
        let id = match self.by_text.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.patterns.len() as u32;
                self.patterns.push(Pattern {
                    latin,
                    ..Pattern::default()
                });
                self.texts.push(key.clone());
                self.by_text.insert(key, id);
                id
            }
        };
        let pattern = &mut self.patterns[id as usize];
        if latin && text.len() <= 5 && text.chars().all(|c| !c.is_lowercase()) {
            pattern.exact = Some(text.to_string());
        }
        pattern
    }

    /// Spellings of one name that the text may use: curly apostrophes for straight ones.
    fn spellings(text: &str) -> Vec<String> {
        let mut out = vec![text.to_string()];
        if text.contains('\'') {
            out.push(text.replace('\'', "’"));
        }
        out
    }

    fn add_unit_name(&mut self, text: &str, unit: u32, kind: NameKind) {
        let text = text.trim();
        // One character (盘, 沙) or two letters is never a place on its own.
        let too_short = if is_latin(text) {
            text.len() < 3
        } else {
            text.chars().count() < 2
        };
        if too_short {
            return;
        }
        let units = self.lookup.entry(normalize(text)).or_default();
        if !units.contains(&unit) {
            units.push(unit);
        }
        for spelling in Self::spellings(text) {
            let pattern = self.pattern(&spelling);
            match pattern.targets.iter_mut().find(|t| t.unit == unit) {
                // The strongest reading wins: 盖州 may be a stem of one name and the full
                // short form of another alias of the same unit.
                Some(t) if t.kind == NameKind::Stem => t.kind = kind,
                Some(_) => {}
                None => pattern.targets.push(Target { unit, kind }),
            }
        }
    }

    fn remove_unit_name(&mut self, text: &str, unit: u32) {
        for spelling in Self::spellings(text) {
            let key = if is_latin(&spelling) {
                spelling.to_ascii_lowercase()
            } else {
                spelling.clone()
            };
            if let Some(&id) = self.by_text.get(&key) {
                self.patterns[id as usize]
                    .targets
                    .retain(|t| t.unit != unit);
            }
        }
        if let Some(units) = self.lookup.get_mut(&normalize(text)) {
            units.retain(|&u| u != unit);
        }
    }

    fn add_country_name(&mut self, text: &str, country: u16) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        self.country_keys.entry(normalize(text)).or_insert(country);
        for spelling in Self::spellings(text) {
            let pattern = self.pattern(&spelling);
            if !pattern.countries.contains(&country) {
                pattern.countries.push(country);
            }
        }
    }
}

fn lexicon() -> Lexicon {
    let mut lex = Lexicon::default();
    for (line, cols) in rows(LEXICON_TSV) {
        let [kind, text] = cols[..] else {
            panic!("data/place_lexicon.tsv:{line}: expected kind<TAB>text");
        };
        let text = text.trim().to_string();
        match kind {
            "word" => {
                lex.stop_words.insert(text);
            }
            "surname" => {
                lex.surnames.insert(text.to_lowercase());
            }
            "finer_zh" => lex.finer_zh.push(text),
            "finer_en" => lex.finer_en.push(text),
            "detail_zh" => lex.detail_zh.push(text),
            "detail_en" => lex.detail_en.push(text),
            "detail_admin_zh" => lex.detail_admin_zh.push(text),
            "detail_skip_zh" => lex.detail_skip_zh.push(text),
            "site_zh" => lex.site_zh.push(text),
            "site_en" => lex.site_en.push(text),
            "origin_zh" => lex.origin_zh.push(text),
            "origin_after_zh" => lex.origin_after_zh.push(text),
            "origin_en" => lex.origin_en.push(text),
            "abbrev_zh" => {
                let Some((abbr, code)) = text.split_once('=') else {
                    panic!("data/place_lexicon.tsv:{line}: abbrev_zh wants ABBR=ADCODE");
                };
                lex.abbrevs.push((abbr.to_string(), code.to_string()));
            }
            other => panic!("data/place_lexicon.tsv:{line}: unknown kind {other:?}"),
        }
    }
    // Longest endings first, so 工业园区 is preferred to 园区 and 煤矿 to 矿.
    lex.detail_zh
        .sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    lex.detail_admin_zh
        .sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    lex
}

pub(crate) fn build() -> Gazetteer {
    let mut units = Vec::new();
    let mut by_code: HashMap<String, u32> = HashMap::new();
    for (line, cols) in rows(GAZETTEER_TSV) {
        if cols.len() != 8 {
            panic!(
                "data/gazetteer.tsv:{line}: expected 8 columns, found {}",
                cols.len()
            );
        }
        let unit = Unit {
            adcode: cols[0].to_string(),
            level: level(cols[1], line),
            parent: (!cols[2].is_empty()).then(|| cols[2].to_string()),
            name: cols[3].to_string(),
            name_en: cols[4].to_string(),
            lat: coordinate(cols[5], line),
            lon: coordinate(cols[6], line),
            aliases: cols[7]
                .split('|')
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
        };
        by_code.insert(unit.adcode.clone(), units.len() as u32);
        units.push(unit);
    }
    let parent: Vec<Option<u32>> = units
        .iter()
        .map(|u| {
            u.parent.as_ref().map(|p| {
                *by_code.get(p).unwrap_or_else(|| {
                    panic!("data/gazetteer.tsv: {} has unknown parent {p}", u.adcode)
                })
            })
        })
        .collect();

    let mut b = Builder::default();
    for (i, u) in units.iter().enumerate() {
        let i = i as u32;
        b.add_unit_name(&u.name, i, NameKind::Full);
        b.add_unit_name(&u.name_en, i, alias_kind(&u.name_en, &u.name));
        for alias in &u.aliases {
            b.add_unit_name(alias, i, alias_kind(alias, &u.name));
        }
    }
    for (line, cols) in rows(EXONYMS_TSV) {
        if cols.len() < 2 {
            panic!("data/exonyms.tsv:{line}: expected english<TAB>adcode[<TAB>role]");
        }
        let unit = *by_code
            .get(cols[1])
            .unwrap_or_else(|| panic!("data/exonyms.tsv:{line}: unknown adcode {}", cols[1]));
        match cols.get(2).copied().unwrap_or("alias") {
            "not" => b.remove_unit_name(cols[0], unit),
            _ => {
                let name = units[unit as usize].name.clone();
                b.add_unit_name(cols[0], unit, alias_kind(cols[0], &name));
            }
        }
    }

    let mut renames = Vec::new();
    for (line, cols) in rows(RENAMES_TSV) {
        if cols.len() != 6 {
            panic!(
                "data/renames.tsv:{line}: expected 6 columns, found {}",
                cols.len()
            );
        }
        let unit = *by_code
            .get(cols[2])
            .unwrap_or_else(|| panic!("data/renames.tsv:{line}: unknown new adcode {}", cols[2]));
        let rename = Rename {
            old_name: cols[0].to_string(),
            old_name_en: cols[1].to_string(),
            new_adcode: cols[2].to_string(),
            old_adcode: (!cols[3].is_empty()).then(|| cols[3].to_string()),
            year: (!cols[4].is_empty()).then(|| {
                cols[4]
                    .parse()
                    .unwrap_or_else(|_| panic!("data/renames.tsv:{line}: bad year {}", cols[4]))
            }),
            change: cols[5].to_string(),
        };
        b.add_unit_name(&rename.old_name, unit, NameKind::Former);
        b.add_unit_name(&rename.old_name_en, unit, NameKind::Former);
        if let Some(old) = &rename.old_adcode {
            // A code that still names a current unit keeps naming it (襄都区 took 桥东区's).
            by_code.entry(old.clone()).or_insert(unit);
        }
        renames.push(rename);
    }

    let mut countries = Vec::new();
    let mut country_by_code = HashMap::new();
    for (line, cols) in rows(COUNTRIES_TSV) {
        if cols.len() != 3 {
            panic!(
                "data/countries.tsv:{line}: expected 3 columns, found {}",
                cols.len()
            );
        }
        let english: Vec<&str> = cols[1].split('|').filter(|s| !s.is_empty()).collect();
        let chinese: Vec<&str> = cols[2].split('|').filter(|s| !s.is_empty()).collect();
        let id = countries.len() as u16;
        for name in english.iter().chain(&chinese) {
            b.add_country_name(name, id);
        }
        country_by_code.insert(cols[0].to_string(), id);
        countries.push(Country {
            code: cols[0].to_string(),
            name_en: english.first().unwrap_or(&cols[0]).to_string(),
            name_zh: chinese.first().map(|s| s.to_string()),
            names: english
                .iter()
                .chain(&chinese)
                .map(|s| s.to_string())
                .collect(),
        });
    }

    let lex = lexicon();
    for word in &lex.stop_words {
        let key = if is_latin(word) {
            word.to_ascii_lowercase()
        } else {
            word.clone()
        };
        if let Some(&id) = b.by_text.get(&key) {
            b.patterns[id as usize].stop = true;
        }
        let curly = key.replace('\'', "’");
        if let Some(&id) = b.by_text.get(&curly) {
            b.patterns[id as usize].stop = true;
        }
    }

    let matcher = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&b.texts)
        .expect("the gazetteer's names build a matcher");

    let depth = units
        .iter()
        .map(|u| match u.level {
            PlaceLevel::Province => 1,
            PlaceLevel::Prefecture => 2,
            _ => 3,
        })
        .collect();
    for units in b.lookup.values_mut() {
        units.sort_by_key(|&u| u);
    }
    Gazetteer {
        units,
        parent,
        depth,
        by_code,
        renames,
        countries,
        country_by_code,
        country_keys: b.country_keys,
        lookup_keys: b.lookup,
        patterns: b.patterns,
        pattern_texts: b.texts,
        matcher,
        lex,
    }
}
