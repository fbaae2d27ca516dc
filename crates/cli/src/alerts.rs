//! Alert rules: which incidents to announce, and where.
//!
//! Driven by the store's change feed: each rule keeps its own cursor in the store and a
//! fingerprint (the figures) of what it last announced about each incident, so an alert
//! fires once when an incident first matches the rule and once per change of its figures,
//! across restarts. A failed delivery is not recorded: the rule's cursor stays before it
//! and the next run tries again (an alert already delivered is not repeated).

use crate::place_filter::resolve_place;
use anyhow::{bail, Context, Result};
use recount_fetch::{Client, Post};
use recount_model::{FigureKind, Incident, IncidentType};
use recount_store::Store;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The rules file: `[[rule]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<RuleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    name: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    sector: Option<String>,
    place: Option<String>,
    min_dead: Option<i64>,
    min_participants: Option<i64>,
    #[serde(default)]
    keywords: Vec<String>,
    on: Option<Vec<String>>,
    #[serde(default)]
    stdout: bool,
    jsonl: Option<PathBuf>,
    webhook: Option<String>,
}

#[derive(Debug, Clone)]
enum Delivery {
    Stdout,
    Jsonl(PathBuf),
    Webhook(String),
}

/// One rule, with its place resolved to adcodes and country codes.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    kind: Option<IncidentType>,
    sector: Option<String>,
    adcodes: Vec<String>,
    countries: Vec<String>,
    place_given: bool,
    min_dead: Option<i64>,
    min_participants: Option<i64>,
    keywords: Vec<String>,
    on_new: bool,
    on_changed: bool,
    deliver: Vec<Delivery>,
}

/// The rules of one file.
pub struct Alerts {
    pub rules: Vec<Rule>,
}

/// How many changes one read of the change feed takes.
const BATCH: usize = 500;

fn consumer(rule: &str) -> String {
    format!("alert-rule:{rule}")
}

impl Alerts {
    /// Reads and checks a rules file; every error names the file and the rule.
    pub fn load(path: &Path) -> Result<Alerts> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading alert rules {}", path.display()))?;
        Alerts::parse(&text, path.parent().unwrap_or(Path::new(".")))
            .with_context(|| format!("alert rules {}", path.display()))
    }

    /// Parses rules; relative `jsonl` paths are taken from `base`.
    pub fn parse(text: &str, base: &Path) -> Result<Alerts> {
        let file: RulesFile = toml::from_str(text)?;
        let mut rules = Vec::new();
        for spec in file.rule {
            let name = spec.name.trim().to_string();
            if name.is_empty() {
                bail!("a rule has an empty name");
            }
            if rules.iter().any(|r: &Rule| r.name == name) {
                bail!("two rules are named '{name}'");
            }
            let kind = spec
                .kind
                .as_deref()
                .map(|k| {
                    k.parse::<IncidentType>()
                        .map_err(|e| anyhow::anyhow!("rule '{name}': type: {e}"))
                })
                .transpose()?;
            let (adcodes, countries) = match spec.place.as_deref().map(str::trim) {
                Some(place) => {
                    let (a, c) = resolve_place(place);
                    if a.is_empty() && c.is_empty() {
                        bail!("rule '{name}': place: no province, prefecture, county or country is called '{place}'");
                    }
                    (a, c)
                }
                None => (vec![], vec![]),
            };
            let on = spec
                .on
                .unwrap_or_else(|| vec!["new".into(), "changed".into()]);
            for o in &on {
                if o != "new" && o != "changed" {
                    bail!("rule '{name}': on: '{o}' is not 'new' or 'changed'");
                }
            }
            let mut deliver = Vec::new();
            if let Some(p) = spec.jsonl {
                deliver.push(Delivery::Jsonl(base.join(p)));
            }
            if let Some(url) = spec.webhook {
                deliver.push(Delivery::Webhook(url));
            }
            if spec.stdout || deliver.is_empty() {
                deliver.insert(0, Delivery::Stdout);
            }
            rules.push(Rule {
                name,
                kind,
                sector: spec.sector.map(|s| s.trim().to_lowercase()),
                place_given: spec.place.is_some(),
                adcodes,
                countries,
                min_dead: spec.min_dead,
                min_participants: spec.min_participants,
                keywords: spec.keywords.iter().map(|k| k.to_lowercase()).collect(),
                on_new: on.iter().any(|o| o == "new"),
                on_changed: on.iter().any(|o| o == "changed"),
                deliver,
            });
        }
        Ok(Alerts { rules })
    }

    /// Starts the cursor of each rule the store has not seen at the end of the change
    /// feed: a new rule announces what happens from now on, not the whole archive.
    pub fn start(&self, store: &mut dyn Store) -> Result<()> {
        let end = store.latest_change()?;
        for rule in &self.rules {
            if store.alert_cursor(&consumer(&rule.name))?.is_none() {
                store.set_alert_cursor(&consumer(&rule.name), end)?;
            }
        }
        Ok(())
    }

    /// Reads the change feed after each rule's cursor and delivers what fires.
    /// Returns the number of alerts delivered; delivery failures are printed.
    pub fn run(&self, store: &mut dyn Store, client: &Client) -> Result<usize> {
        let mut fired = 0;
        for rule in &self.rules {
            fired += rule.run(store, client)?;
        }
        Ok(fired)
    }
}

impl Rule {
    /// True when the incident as it stands now satisfies every condition of the rule.
    pub fn matches(&self, inc: &Incident) -> bool {
        if self.kind.is_some_and(|k| k != inc.kind) {
            return false;
        }
        if let Some(sector) = &self.sector {
            if inc.sector.as_deref().map(str::to_lowercase).as_ref() != Some(sector) {
                return false;
            }
        }
        if self.place_given && !self.place_matches(inc) {
            return false;
        }
        let at_least = |kind: FigureKind, min: Option<i64>| {
            min.is_none_or(|m| inc.best(kind).is_some_and(|v| v >= m))
        };
        if !at_least(FigureKind::Dead, self.min_dead)
            || !at_least(FigureKind::Participants, self.min_participants)
        {
            return false;
        }
        if !self.keywords.is_empty() {
            let haystack = searchable(inc).to_lowercase();
            if !self.keywords.iter().any(|k| haystack.contains(k)) {
                return false;
            }
        }
        true
    }

    fn place_matches(&self, inc: &Incident) -> bool {
        let Some(loc) = &inc.location else {
            return false;
        };
        let geo = recount_geo::gazetteer();
        if let Some(code) = &loc.adcode {
            if self
                .adcodes
                .iter()
                .any(|outer| outer == code || geo.contains(outer, code))
            {
                return true;
            }
        }
        self.countries
            .iter()
            .any(|c| c.eq_ignore_ascii_case(&loc.country))
    }

    fn run(&self, store: &mut dyn Store, client: &Client) -> Result<usize> {
        let key = consumer(&self.name);
        let mut cursor = store.alert_cursor(&key)?.unwrap_or(0);
        let mut fired = 0;
        loop {
            let changes = store.changes_since(cursor, BATCH)?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            // The latest change of each incident in this batch, in feed order.
            let mut latest: BTreeMap<String, i64> = BTreeMap::new();
            for c in &changes {
                latest.insert(c.incident.clone(), c.seq);
            }
            let mut order: Vec<(i64, String)> =
                latest.into_iter().map(|(id, seq)| (seq, id)).collect();
            order.sort();
            let ids: Vec<String> = order.iter().map(|(_, id)| id.clone()).collect();
            let incidents: BTreeMap<String, Incident> = store
                .incidents_by_id(&ids)?
                .into_iter()
                .map(|i| (i.id.clone(), i))
                .collect();
            let mut held_at: Option<i64> = None;
            for (seq, id) in &order {
                let Some(inc) = incidents.get(id) else {
                    continue;
                };
                if !self.matches(inc) {
                    continue;
                }
                let fp = fingerprint(inc);
                let event = match store.alert_fingerprint(&self.name, id)? {
                    None if self.on_new => "new",
                    Some(prev) if prev != fp && self.on_changed => "changed",
                    _ => continue,
                };
                if self.deliver(inc, event, client) {
                    store.record_alert(&self.name, id, &fp)?;
                    fired += 1;
                } else if held_at.is_none() {
                    held_at = Some(seq - 1);
                }
            }
            cursor = held_at.unwrap_or(last);
            store.set_alert_cursor(&key, cursor)?;
            if held_at.is_some() || changes.len() < BATCH {
                break;
            }
        }
        Ok(fired)
    }

    /// Delivers one alert everywhere the rule says; false when any delivery failed.
    fn deliver(&self, inc: &Incident, event: &str, client: &Client) -> bool {
        let record = serde_json::json!({
            "rule": self.name,
            "event": event,
            "alerted_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "incident": inc,
        });
        let line = record.to_string();
        let mut ok = true;
        for d in &self.deliver {
            let result = match d {
                Delivery::Stdout => {
                    println!("{}", summary(&self.name, event, inc));
                    Ok(())
                }
                Delivery::Jsonl(path) => append_line(path, &line)
                    .with_context(|| format!("alert file {}", path.display())),
                Delivery::Webhook(url) => client
                    .post(
                        url,
                        &Post {
                            content_type: "application/json",
                            body: line.as_bytes(),
                        },
                    )
                    .map(|_| ())
                    .map_err(|e| anyhow::anyhow!("webhook {e}")),
            };
            if let Err(e) = result {
                eprintln!(
                    "error: alert '{}' for {}: {e:#} (will retry)",
                    self.name, inc.id
                );
                ok = false;
            }
        }
        ok
    }
}

fn append_line(path: &Path, line: &str) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_data()?;
    Ok(())
}

/// The figures an alert announced: a change of any best, low or high fires again.
fn fingerprint(inc: &Incident) -> String {
    inc.figures
        .iter()
        .map(|(k, f)| {
            let v = |x: Option<i64>| x.map_or("-".to_string(), |n| n.to_string());
            format!("{}={}/{}/{}", k.as_str(), v(f.best), v(f.low), v(f.high))
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Titles, organisations, place names and quoted words: what keywords are matched against.
fn searchable(inc: &Incident) -> String {
    let mut parts: Vec<&str> = vec![inc.title.as_str()];
    parts.extend(inc.title_zh.as_deref());
    for o in &inc.organizations {
        parts.push(&o.name);
        parts.extend(o.name_en.as_deref());
    }
    if let Some(loc) = &inc.location {
        parts.extend(loc.name.as_deref());
        parts.extend(loc.name_en.as_deref());
        parts.extend(loc.detail.as_deref());
    }
    for s in &inc.sources {
        parts.extend(s.quote.as_deref());
    }
    for f in inc.figures.values() {
        for c in &f.claims {
            parts.extend(c.quote.as_deref());
        }
    }
    parts.join("\n")
}

/// One line for a terminal.
fn summary(rule: &str, event: &str, inc: &Incident) -> String {
    let place = inc
        .location
        .as_ref()
        .and_then(|l| l.name.clone().or(l.name_en.clone()))
        .unwrap_or_else(|| "-".into());
    let date = inc.date.map_or("-".to_string(), |d| d.to_string());
    let figures: Vec<String> = inc
        .figures
        .iter()
        .filter_map(|(k, f)| f.best.map(|b| format!("{} {b}", k.as_str())))
        .collect();
    format!(
        "alert [{rule}] {event}: {} {} {date} {place} {} — {}",
        inc.id,
        inc.kind.as_str(),
        figures.join(", "),
        inc.title_zh.as_deref().unwrap_or(&inc.title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(json: serde_json::Value) -> Incident {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn rules_parse_and_name_their_errors() {
        let a = Alerts::parse(
            r#"
[[rule]]
name = "nm"
type = "accident"
place = "内蒙古"
min_dead = 3
jsonl = "out.jsonl"
"#,
            Path::new("/base"),
        )
        .unwrap();
        assert_eq!(a.rules.len(), 1);
        assert_eq!(a.rules[0].adcodes, vec!["150000".to_string()]);
        assert!(
            matches!(&a.rules[0].deliver[..], [Delivery::Jsonl(p)] if p == Path::new("/base/out.jsonl"))
        );
        for (text, want) in [
            ("[[rule]]\nname = \"x\"\nplace = \"Atlantis\"", "Atlantis"),
            ("[[rule]]\nname = \"x\"\ntype = \"flood\"", "type"),
            ("[[rule]]\nname = \"x\"\non = [\"gone\"]", "gone"),
            ("[[rule]]\nname = \"x\"\nmin_deaths = 3", "min_deaths"),
        ] {
            let err = format!("{:#}", Alerts::parse(text, Path::new(".")).err().unwrap());
            assert!(err.contains(want), "{err}");
        }
    }

    #[test]
    fn a_rule_matches_type_place_inside_and_figures() {
        let a = Alerts::parse(
            "[[rule]]\nname = \"r\"\ntype = \"accident\"\nplace = \"内蒙古\"\nmin_dead = 3\nkeywords = [\"煤矿\", \"mine\"]",
            Path::new("."),
        )
        .unwrap();
        let rule = &a.rules[0];
        let base = serde_json::json!({
            "id": "i1", "type": "accident", "title": "Collapse at a coal mine",
            "location": {"country": "CN", "adcode": "152921", "level": "county", "name": "阿拉善左旗"},
            "figures": {"dead": {"best": 5, "low": 5, "high": 5, "claims": []}},
            "sources": [], "flags": []
        });
        assert!(rule.matches(&incident(base.clone())));
        let mut few = base.clone();
        few["figures"]["dead"]["best"] = 2.into();
        assert!(!rule.matches(&incident(few)));
        let mut elsewhere = base.clone();
        elsewhere["location"]["adcode"] = "140702".into();
        assert!(!rule.matches(&incident(elsewhere)));
        let mut strike = base.clone();
        strike["type"] = "strike".into();
        assert!(!rule.matches(&incident(strike)));
        let mut other_words = base.clone();
        other_words["title"] = "Collapse at a factory".into();
        assert!(!rule.matches(&incident(other_words)));
    }

    #[test]
    fn the_fingerprint_follows_the_figures() {
        let a = incident(serde_json::json!({
            "id": "i", "type": "accident", "title": "t",
            "figures": {"dead": {"best": 3, "low": 3, "high": 4, "claims": []}}, "sources": [], "flags": []
        }));
        let mut b = a.clone();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        b.title = "another title".into();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        b.figures.get_mut(&FigureKind::Dead).unwrap().best = Some(4);
        assert_ne!(fingerprint(&a), fingerprint(&b));
    }
}
