//! Where did it happen? The gazetteer of Chinese administrative divisions and of countries,
//! and place resolution in context.
//!
//! recount records an incident's place as a Chinese administrative division code (adcode) at
//! the finest level the text supports, or as a country code abroad. This crate knows every
//! province, prefecture and county unit (with Chinese and English names, short forms, former
//! names and codes, coordinates) and every ISO 3166-1 country, and turns text into a
//! [`Place`]:
//!
//! * [`Gazetteer::mentions`] finds every place name in a text in one pass;
//! * [`Gazetteer::locate`] picks the event's place from the sentences that tell the event,
//!   using the surrounding text only to tell same-named places apart.
//!
//! ```
//! let g = recount_geo::gazetteer();
//! let found = g.locate("A gas blast hit a mine in Hengshan District", &["Jixi, Heilongjiang"]).unwrap();
//! assert_eq!(found.place.adcode.as_deref(), Some("230303")); // 鸡西市恒山区, not 榆林市横山区
//! let found = g.locate("浙江宁波市海曙区天一广场有人聚集", &[]).unwrap();
//! assert_eq!(found.place.detail.as_deref(), Some("天一广场"));
//! assert_eq!(g.unit("520222").unwrap().name, "盘州市"); // 盘县's old code
//! ```
//!
//! All data is compiled in from `data/*.tsv` (see `data/SOURCES.md`) and parsed once, on first
//! use of [`gazetteer`]. The crate does no I/O and keeps no state besides that table: every
//! function is a pure function of its arguments.

#![warn(missing_docs)]

mod data;
mod detail;
mod locate;
mod scan;

use aho_corasick::AhoCorasick;
pub use recount_model::{Place, PlaceLevel};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// One administrative unit: a province, a prefecture or a county (district, county-level city,
/// banner ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Six-digit administrative division code, e.g. `520322`.
    pub adcode: String,
    /// Province, prefecture or county.
    pub level: PlaceLevel,
    /// Code of the enclosing unit; `None` for provinces. Counties directly under a province
    /// (济源市, 仙桃市, Xinjiang's corps cities) have the province as parent.
    pub parent: Option<String>,
    /// Full Chinese name, e.g. 桐梓县.
    pub name: String,
    /// English name, e.g. "Tongzi County", "Alxa Left Banner".
    pub name_en: String,
    /// Latitude of the unit's seat as the source gives it (cpca's points, which look like
    /// Amap's GCJ-02: off WGS 84 by up to a few hundred metres); `None` when it has none.
    pub lat: Option<f64>,
    /// Longitude, like `lat`.
    pub lon: Option<f64>,
    /// Other names: Chinese short forms (桐梓, 阿左旗), English stems and variants (Tongzi,
    /// Lvliang, Alxa).
    pub aliases: Vec<String>,
}

/// A country of ISO 3166-1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// Alpha-2 code, e.g. `GN`.
    pub code: String,
    /// English display name, e.g. "Guinea".
    pub name_en: String,
    /// Chinese display name, e.g. 几内亚.
    pub name_zh: Option<String>,
    /// Every English and Chinese name the gazetteer knows for it.
    pub names: Vec<String>,
}

/// A former name (and code) of a unit that was renamed, recoded or merged into another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// e.g. 盘县.
    pub old_name: String,
    /// e.g. "Pan County".
    pub old_name_en: String,
    /// The current unit, e.g. `520281` (盘州市).
    pub new_adcode: String,
    /// The old code when known, e.g. `520222`.
    pub old_adcode: Option<String>,
    /// The year the change took effect, when known.
    pub year: Option<u16>,
    /// `renamed`, `recoded` or `merged`.
    pub change: String,
}

/// One place name found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention<'g> {
    /// Byte range of the name in the text (always on character boundaries).
    pub span: Range<usize>,
    /// Every unit the name can denote, before any use of context (several for 鼓楼区 or
    /// "Luliang").
    pub units: Vec<&'g Unit>,
    /// True when the name carries its administrative suffix or is a former full name
    /// (桐梓县, "Tongzi County", 盘县); false for bare stems (桐梓, "Tongzi").
    pub full_name: bool,
    /// The country the name denotes, if it names one (几内亚, "Guinea", "China"). Hong Kong,
    /// Macao and Taiwan are both units and countries.
    pub country: Option<&'g Country>,
}

/// The place [`Gazetteer::locate`] chose, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// The place: a Chinese unit (country `CN`, adcode, names, coordinates, detail) or a
    /// country (adcode `None`, level `country`).
    pub place: Place,
    /// True when the choice was between candidates with no decisive evidence (several units
    /// share the name and nothing nearby names one of their parents; two unrelated places
    /// compete; the named province contradicts the unit).
    pub uncertain: bool,
    /// Human-readable reasons, one per step, e.g. "桐梓县 → 520322 (full name, unique)".
    pub evidence: Vec<String>,
}

/// The gazetteer: units, countries, names and the matcher over all of them.
///
/// Get it with [`gazetteer`]; it is built once (a few tens of milliseconds, a few tens of MB)
/// and shared.
pub struct Gazetteer {
    units: Vec<Unit>,
    parent: Vec<Option<u32>>,
    /// 1 province, 2 prefecture, 3 county.
    depth: Vec<u8>,
    /// Current codes and old codes of renamed units.
    by_code: HashMap<String, u32>,
    renames: Vec<Rename>,
    countries: Vec<Country>,
    country_by_code: HashMap<String, u16>,
    country_keys: HashMap<String, u16>,
    lookup_keys: HashMap<String, Vec<u32>>,
    patterns: Vec<data::Pattern>,
    /// The matcher's patterns as text, by pattern id (for tests and diagnostics).
    #[cfg_attr(not(test), allow(dead_code))]
    pattern_texts: Vec<String>,
    matcher: AhoCorasick,
    lex: data::Lexicon,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("units", &self.units.len())
            .field("names", &self.patterns.len())
            .field("renames", &self.renames.len())
            .field("countries", &self.countries.len())
            .finish()
    }
}

/// The shared gazetteer, parsed from the embedded tables on first call.
///
/// The first call costs the parse and the matcher build (tens of milliseconds); later calls
/// are a pointer read.
pub fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(data::build)
}

impl Gazetteer {
    /// Every unit, provinces first in adcode order. O(1).
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Every known former name and code. O(1).
    pub fn renames(&self) -> &[Rename] {
        &self.renames
    }

    /// Every ISO 3166-1 country. O(1).
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// The unit with this code, or the current unit for a former code (`"520222"`, 盘县, answers
    /// 盘州市 `520281`). Codes of 9 or 12 digits padded with zeros are accepted. One hash lookup.
    pub fn unit(&self, adcode: &str) -> Option<&Unit> {
        self.index(adcode).map(|i| &self.units[i as usize])
    }

    pub(crate) fn index(&self, adcode: &str) -> Option<u32> {
        let code = adcode.trim();
        let code = match code.len() {
            9 | 12 if code[6..].bytes().all(|b| b == b'0') => &code[..6],
            _ => code,
        };
        self.by_code.get(code).copied()
    }

    /// The enclosing units of a unit, nearest first: a county gives `[prefecture, province]`
    /// (or `[province]` when directly under it), a province gives `[]`. Unknown codes give `[]`.
    /// At most two steps.
    pub fn ancestors(&self, adcode: &str) -> Vec<&Unit> {
        let mut out = Vec::new();
        let mut at = self.index(adcode);
        while let Some(i) = at.and_then(|i| self.parent[i as usize]) {
            out.push(&self.units[i as usize]);
            at = Some(i);
        }
        out
    }

    /// True when `inner` lies in `outer` or is `outer` (former codes count as their current
    /// unit). False when either code is unknown. At most two steps.
    pub fn contains(&self, outer: &str, inner: &str) -> bool {
        match (self.index(outer), self.index(inner)) {
            (Some(o), Some(i)) => self.is_within(i, o),
            _ => false,
        }
    }

    /// `inner` is `outer` or lies in it.
    pub(crate) fn is_within(&self, inner: u32, outer: u32) -> bool {
        let mut at = Some(inner);
        while let Some(i) = at {
            if i == outer {
                return true;
            }
            at = self.parent[i as usize];
        }
        false
    }

    /// Every unit one name can denote: Chinese full names, short forms, former names, English
    /// names, stems and exonyms, ignoring case, spaces, apostrophes and hyphens (`"yanan"`,
    /// `"Yan'an"`). Ordered by adcode. One hash lookup plus the result's allocation.
    pub fn lookup(&self, name: &str) -> Vec<&Unit> {
        self.lookup_keys
            .get(&data::normalize(name))
            .map(|units| units.iter().map(|&u| &self.units[u as usize]).collect())
            .unwrap_or_default()
    }

    /// The place a reviewer names when correcting an incident: a unit by adcode or name
    /// (the first when a name is ambiguous), else a country.
    pub fn place_named(&self, name: &str) -> Option<Place> {
        let name = name.trim();
        if let Some(u) = self
            .unit(name)
            .or_else(|| self.lookup(name).into_iter().next())
        {
            Some(self.to_place(u, None))
        } else {
            self.country(name).map(|c| self.country_place(&c, None))
        }
    }

    /// What a place filter names: the adcodes (a 6-digit code, or every unit a name can
    /// denote) and the countries (by code or name; China only when no unit matched). The
    /// listing's `--place` and the server's `place=` both read a place this way.
    pub fn filter_codes(&self, place: &str) -> (Vec<String>, Vec<String>) {
        let place = place.trim();
        if place.len() == 6 && place.bytes().all(|b| b.is_ascii_digit()) {
            let code = self
                .unit(place)
                .map_or(place.to_string(), |u| u.adcode.clone());
            return (vec![code], vec![]);
        }
        let adcodes: Vec<String> = self
            .lookup(place)
            .iter()
            .map(|u| u.adcode.clone())
            .collect();
        let countries: Vec<String> = self
            .country(place)
            .filter(|c| c.code != "CN" || adcodes.is_empty())
            .map(|c| c.code)
            .into_iter()
            .collect();
        (adcodes, countries)
    }

    /// The country with this alpha-2 code (`"GN"`, any case) or English or Chinese name
    /// (`"Guinea"`, `"几内亚"`). One or two hash lookups and a clone of the answer.
    pub fn country(&self, name_or_code: &str) -> Option<Country> {
        let text = name_or_code.trim();
        if text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic()) {
            if let Some(&c) = self.country_by_code.get(&text.to_ascii_uppercase()) {
                return Some(self.countries[c as usize].clone());
            }
        }
        self.country_keys
            .get(&data::normalize(text))
            .map(|&c| self.countries[c as usize].clone())
    }

    /// Every place-name mention in `text`, in order, with the units or country each can
    /// denote. Bare stems that name something smaller (北海村, "Beihai Village") or a person
    /// ("Wang Lixia"), and common words (和平, 天台) not right after a named parent, are left
    /// out.
    ///
    /// One pass of a leftmost-longest Aho-Corasick automaton over all names plus a constant
    /// amount of checking per match: linear in the text's length.
    pub fn mentions(&self, text: &str) -> Vec<Mention<'_>> {
        scan::scan(self, text)
            .into_iter()
            .map(|m| Mention {
                span: m.start..m.end,
                units: m
                    .units
                    .iter()
                    .map(|t| &self.units[t.unit as usize])
                    .collect(),
                full_name: m.units.iter().any(|t| t.kind != data::NameKind::Stem),
                country: m.country.map(|c| &self.countries[c as usize]),
            })
            .collect()
    }

    /// The place of the event told in `focus`, at the finest level the text supports.
    ///
    /// `context` holds wider text in decreasing weight (section heading, surrounding paragraph,
    /// document title): it tells same-named places apart and is the answer only when `focus`
    /// names no place. Returns `None` when neither names a place.
    ///
    /// Cost: one [`Gazetteer::mentions`] pass per text plus work quadratic in the number of
    /// mentions (tens in a report), so linear in practice.
    pub fn locate(&self, focus: &str, context: &[&str]) -> Option<Located> {
        locate::locate(self, focus, &[], context)
    }

    /// Like [`Gazetteer::locate`], but place names inside the byte ranges `exclude` of `focus`
    /// (organisation names such as 山西建投公司 or "Inner Mongolia Mining Co.") only support
    /// other mentions and are the answer only when nothing else in `focus` is.
    pub fn locate_excluding(
        &self,
        focus: &str,
        exclude: &[Range<usize>],
        context: &[&str],
    ) -> Option<Located> {
        locate::locate(self, focus, exclude, context)
    }

    /// The model's [`Place`] for a unit: country `CN`, its adcode, level, names and
    /// coordinates (the nearest enclosing unit's when the unit has none), and `detail`.
    pub fn to_place(&self, unit: &Unit, detail: Option<String>) -> Place {
        let (lat, lon) = self.coordinates(unit);
        Place {
            country: "CN".to_string(),
            adcode: Some(unit.adcode.clone()),
            level: unit.level,
            name: Some(unit.name.clone()),
            name_en: Some(unit.name_en.clone()),
            detail,
            lat,
            lon,
        }
    }

    /// The model's [`Place`] for a whole country (no adcode, level `country`).
    pub fn country_place(&self, country: &Country, detail: Option<String>) -> Place {
        Place {
            country: country.code.clone(),
            adcode: None,
            level: PlaceLevel::Country,
            name: country.name_zh.clone(),
            name_en: Some(country.name_en.clone()),
            detail,
            lat: None,
            lon: None,
        }
    }

    fn coordinates(&self, unit: &Unit) -> (Option<f64>, Option<f64>) {
        let mut at = self.index(&unit.adcode);
        while let Some(i) = at {
            let u = &self.units[i as usize];
            if let (Some(lat), Some(lon)) = (u.lat, u.lon) {
                return (Some(lat), Some(lon));
            }
            at = self.parent[i as usize];
        }
        (None, None)
    }
}

#[cfg(test)]
mod tests;
