//! A synthetic corpus with known answers: reports in Chinese and English, written from
//! templates over real places (the gazetteer's counties), invented organisations and
//! figures, several reports per event (an early toll, a revised one, a telling in the other
//! language, a re-post of the same bytes), and the truth about every event in the format
//! of the scorer's gold files. It measures speed and resolution quality at scale
//! (`recount bench generate`, `recount bench ingest`).
//!
//! The corpus is a pure function of the seed and the size: the same arguments give the same
//! bytes on every machine (the generator is ChaCha8, which is portable).

mod text;

use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::ChaCha8Rng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use recount_geo::{gazetteer, PlaceLevel};
use serde_json::{json, Value};
use std::collections::VecDeque;

/// One generated report: a JSON Lines record as `recount ingest` reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: String,
    pub published: NaiveDate,
    pub source: &'static str,
    pub lang: &'static str,
    pub title: String,
    pub url: String,
    pub text: String,
}

impl Report {
    /// The record `{"id", "text", "published", "source", "lang", "title", "url"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "published": self.published.to_string(),
            "source": self.source,
            "lang": self.lang,
            "title": self.title,
            "url": self.url,
            "text": self.text,
        })
    }
}

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Accident,
    Strike,
    Protest,
    Corruption,
}

impl Kind {
    /// A type in the corpus's proportions: a little over half accidents, then strikes,
    /// protests and corruption cases.
    fn draw(rng: &mut ChaCha8Rng) -> Kind {
        match rng.random_range(0..100) {
            0..=54 => Kind::Accident,
            55..=74 => Kind::Strike,
            75..=89 => Kind::Protest,
            _ => Kind::Corruption,
        }
    }
}

/// The truth about one event, and the ids of the reports that tell it.
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    pub key: String,
    pub kind: Kind,
    pub date: NaiveDate,
    pub adcode: String,
    /// The settled death toll of an accident.
    pub dead: Option<i64>,
    /// Every death toll the reports give, when they differ (early and revised).
    pub dead_claims: Vec<i64>,
    pub docs: Vec<String>,
}

impl Truth {
    /// One line of a gold file as `score.py` reads it.
    pub fn to_gold(&self) -> Value {
        let types: &[&str] = match self.kind {
            Kind::Accident => &["accident"],
            Kind::Strike => &["strike", "protest"],
            Kind::Protest => &["protest"],
            Kind::Corruption => &["corruption", "enforcement"],
        };
        let mut figures = serde_json::Map::new();
        let mut claims = serde_json::Map::new();
        if let Some(d) = self.dead {
            figures.insert("dead".into(), json!(d));
        }
        if self.dead_claims.len() > 1 {
            claims.insert("dead".into(), json!(self.dead_claims));
        }
        json!({
            "key": self.key,
            "required": true,
            "type": types,
            "date": self.date.to_string(),
            "date_tol_days": 1,
            "country": "CN",
            "adcodes": [self.adcode],
            "level": "county",
            "figures": figures,
            "claims": claims,
            "flags_any": [],
            "docs": self.docs,
        })
    }
}

/// A county with the names a report needs.
#[derive(Debug, Clone)]
pub(crate) struct County {
    pub adcode: String,
    pub province: String,
    pub province_en: String,
    pub prefecture: String,
    pub prefecture_en: String,
    pub name: String,
    pub name_en: String,
}

/// Counties of mainland China whose province and prefecture are known, in adcode order.
fn counties() -> Vec<County> {
    let g = gazetteer();
    let mut out = Vec::new();
    for unit in g.units() {
        if unit.level != PlaceLevel::County || !unit.adcode.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let ancestors = g.ancestors(&unit.adcode);
        let province = ancestors.iter().find(|u| u.level == PlaceLevel::Province);
        let prefecture = ancestors.iter().find(|u| u.level == PlaceLevel::Prefecture);
        // Hong Kong, Macao and Taiwan are told differently; leave them out.
        let (Some(p), Some(f)) = (province, prefecture) else {
            continue;
        };
        if matches!(&p.adcode[..2], "71" | "81" | "82") {
            continue;
        }
        out.push(County {
            adcode: unit.adcode.clone(),
            province: p.name.clone(),
            province_en: short_en(p),
            prefecture: f.name.clone(),
            prefecture_en: short_en(f),
            name: unit.name.clone(),
            name_en: unit.name_en.clone(),
        });
    }
    out
}

/// The English name as text says it: the shortest English alias that begins the full name
/// ("Zunyi" for "Zunyi City", "Inner Mongolia" for "Inner Mongolia Autonomous Region").
fn short_en(unit: &recount_geo::Unit) -> String {
    unit.aliases
        .iter()
        .filter(|a| a.is_ascii() && unit.name_en.starts_with(a.as_str()))
        .min_by_key(|a| a.len())
        .cloned()
        .unwrap_or_else(|| unit.name_en.clone())
}

/// The generator: an iterator of reports, then the truth of every event it told.
pub struct Corpus {
    rng: ChaCha8Rng,
    counties: Vec<County>,
    target: usize,
    emitted: usize,
    events: usize,
    start: NaiveDate,
    days: u64,
    /// Reports written but not yet emitted: a sliding window shuffles their order the way
    /// reports of nearby days interleave in a real collection.
    pending: VecDeque<Report>,
    truth: Vec<Truth>,
}

const WINDOW: usize = 64;

impl Corpus {
    /// A corpus of `reports` reports (exactly), from `seed`.
    pub fn new(reports: usize, seed: u64) -> Self {
        let start = NaiveDate::from_ymd_opt(2016, 1, 1).expect("a valid date");
        let end = NaiveDate::from_ymd_opt(2025, 12, 31).expect("a valid date");
        Corpus {
            rng: ChaCha8Rng::seed_from_u64(seed),
            counties: counties(),
            target: reports,
            emitted: 0,
            events: 0,
            start,
            days: (end - start).num_days() as u64,
            pending: VecDeque::new(),
            truth: Vec::new(),
        }
    }

    /// The events told so far, with the reports that tell them. Complete once the
    /// iterator is exhausted; an event whose reports were cut off by the size keeps the
    /// ones emitted.
    pub fn truth(&self) -> &[Truth] {
        &self.truth
    }

    /// Writes the next event's reports into the pending window.
    fn next_event(&mut self) {
        // Events march through the ten years in order, with a few days of jitter, at the
        // pace of the reports written so far: counting events instead would run ahead
        // whenever events average fewer reports than expected, and pile the rest onto
        // the last day.
        let written = self.emitted + self.pending.len();
        let offset = (written as f64 / self.target.max(1) as f64 * self.days as f64) as u64;
        let jitter = self.rng.random_range(0..3);
        let date = self.start + Days::new((offset + jitter).min(self.days));
        let kind = Kind::draw(&mut self.rng);
        let county = self
            .counties
            .choose(&mut self.rng)
            .expect("the gazetteer has counties")
            .clone();
        let key = format!("synth-{:07}", self.events);
        self.events += 1;
        let event = text::Event::new(&mut self.rng, kind, date, county);
        let mut tellings = vec![text::Telling::First];
        let extra = self.rng.random_range(0..100);
        if extra < 45 {
            tellings.push(text::Telling::OtherLanguage);
        }
        if kind == Kind::Accident && event.dead_final != event.dead_first {
            tellings.push(text::Telling::Revised);
        }
        if extra % 7 == 0 {
            tellings.push(text::Telling::Repost);
        }
        let mut truth = Truth {
            key,
            kind,
            date,
            adcode: event.county.adcode.clone(),
            dead: (kind == Kind::Accident).then_some(0),
            dead_claims: Vec::new(),
            docs: Vec::new(),
        };
        let mut last: Option<Report> = None;
        for (i, telling) in tellings.into_iter().enumerate() {
            let report = match (telling, &last) {
                (text::Telling::Repost, Some(prev)) => prev.clone(),
                _ => event.write(&mut self.rng, telling, &truth.key, i),
            };
            if kind == Kind::Accident && telling != text::Telling::Repost {
                // Only the first telling gives the early toll; later ones give the final.
                let told = match telling {
                    text::Telling::First => event.dead_first,
                    _ => event.dead_final,
                };
                if !truth.dead_claims.contains(&told) {
                    truth.dead_claims.push(told);
                }
            }
            if !truth.docs.contains(&report.id) {
                truth.docs.push(report.id.clone());
            }
            last = Some(report.clone());
            self.pending.push_back(report);
        }
        if kind == Kind::Accident {
            truth.dead = Some(event.dead_final);
            truth.dead_claims.sort_unstable();
        }
        self.truth.push(truth);
    }
}

impl Iterator for Corpus {
    type Item = Report;

    fn next(&mut self) -> Option<Report> {
        if self.emitted >= self.target {
            return None;
        }
        while self.pending.len() < WINDOW && self.emitted + self.pending.len() < self.target {
            self.next_event();
        }
        let pick = self.rng.random_range(0..self.pending.len().min(8));
        let report = self.pending.remove(pick)?;
        self.emitted += 1;
        if self.emitted == self.target {
            // Events cut off at the end keep only the reports that were emitted.
            let left: Vec<String> = self.pending.iter().map(|r| r.id.clone()).collect();
            self.pending.clear();
            for t in &mut self.truth {
                t.docs.retain(|d| !left.contains(d));
            }
            self.truth.retain(|t| !t.docs.is_empty());
        }
        Some(report)
    }
}

/// `reports` tellings of one accident, as a story followed for days is told: first
/// reports, the other language's, revised tolls, in turn (each its own document, with
/// its own words around the lead), and the truth of that one event. For the benchmark
/// of a run in which every report joins the same incident.
pub fn one_event(reports: usize, seed: u64) -> (Vec<Report>, Truth) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let county = counties()
        .choose(&mut rng)
        .expect("the gazetteer has counties")
        .clone();
    let date = NaiveDate::from_ymd_opt(2025, 6, 10).expect("a valid date");
    let event = text::Event::new(&mut rng, Kind::Accident, date, county);
    let key = "synth-one-event".to_string();
    let tellings = [
        text::Telling::First,
        text::Telling::OtherLanguage,
        text::Telling::Revised,
    ];
    let out: Vec<Report> = (0..reports)
        .map(|i| event.write(&mut rng, tellings[i % tellings.len()], &key, i))
        .collect();
    let mut dead_claims = vec![event.dead_first, event.dead_final];
    dead_claims.sort_unstable();
    dead_claims.dedup();
    let truth = Truth {
        key,
        kind: Kind::Accident,
        date,
        adcode: event.county.adcode.clone(),
        dead: Some(event.dead_final),
        dead_claims,
        docs: out.iter().map(|r| r.id.clone()).collect(),
    };
    (out, truth)
}

/// Incidents without reports, for the listing and search benchmark (`recount bench
/// search`): each is an event as the report generator makes it (a county of the
/// gazetteer, an invented firm in Chinese with its pinyin English name, a type in the same
/// proportions, a day in 2016–2025 drawn evenly), written as the resolved incident: both
/// titles, facets, the final toll, the lead paragraph of its first telling and, for 45%,
/// of the other language's as the sources' quotes. A pure function of seed and count; the
/// ids (`inc-` and 12 hex digits from the seed and the position) are unique.
pub struct Incidents {
    rng: ChaCha8Rng,
    counties: Vec<County>,
    seed: u64,
    next: usize,
    count: usize,
    start: NaiveDate,
    days: u64,
}

impl Incidents {
    pub fn new(count: usize, seed: u64) -> Self {
        let start = NaiveDate::from_ymd_opt(2016, 1, 1).expect("a valid date");
        let end = NaiveDate::from_ymd_opt(2025, 12, 31).expect("a valid date");
        Incidents {
            // Another stream than the report corpus of the same seed.
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_1c1d_e475),
            counties: counties(),
            seed,
            next: 0,
            count,
            start,
            days: (end - start).num_days() as u64,
        }
    }
}

impl Iterator for Incidents {
    type Item = recount_model::Incident;

    fn next(&mut self) -> Option<recount_model::Incident> {
        if self.next >= self.count {
            return None;
        }
        let date = self.start + Days::new(self.rng.random_range(0..=self.days));
        let kind = Kind::draw(&mut self.rng);
        let county = self
            .counties
            .choose(&mut self.rng)
            .expect("the gazetteer has counties")
            .clone();
        let event = text::Event::new(&mut self.rng, kind, date, county);
        let both = self.rng.random_range(0..100) < 45;
        let id = format!("inc-{:04x}{:08x}", self.seed & 0xffff, self.next);
        self.next += 1;
        Some(event.incident(id, both))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.count - self.next;
        (left, Some(left))
    }
}

/// The date a report of an event `after` days late is published.
pub(crate) fn published(date: NaiveDate, after: u64) -> NaiveDate {
    date + Days::new(after)
}

/// `2024年5月12日`.
pub(crate) fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests;
