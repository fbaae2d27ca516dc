//! Grouped statistics: counts and deaths per province, prefecture, county, month, year,
//! type, sector, grievance or organisation (the crate's rules say how each incident
//! counts).

use crate::keys::{self, Level, UNKNOWN};
use crate::production::{add_coal_deaths, CoalDeaths, Period, ProductionTable};
use recount_model::{FigureKind, Incident, Precision};
use recount_store::Filter;
use serde::Serialize;
use std::collections::BTreeMap;

/// What to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Province,
    Prefecture,
    County,
    Month,
    Year,
    Type,
    Sector,
    Grievance,
    Organization,
}

impl GroupBy {
    pub const ALL: &'static [GroupBy] = &[
        GroupBy::Province,
        GroupBy::Prefecture,
        GroupBy::County,
        GroupBy::Month,
        GroupBy::Year,
        GroupBy::Type,
        GroupBy::Sector,
        GroupBy::Grievance,
        GroupBy::Organization,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            GroupBy::Province => "province",
            GroupBy::Prefecture => "prefecture",
            GroupBy::County => "county",
            GroupBy::Month => "month",
            GroupBy::Year => "year",
            GroupBy::Type => "type",
            GroupBy::Sector => "sector",
            GroupBy::Grievance => "grievance",
            GroupBy::Organization => "organization",
        }
    }

    fn level(&self) -> Option<Level> {
        match self {
            GroupBy::Province => Some(Level::Province),
            GroupBy::Prefecture => Some(Level::Prefecture),
            GroupBy::County => Some(Level::County),
            _ => None,
        }
    }
}

impl std::str::FromStr for GroupBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        let s = match s.as_str() {
            "organisation" => "organization",
            other => other,
        };
        GroupBy::ALL
            .iter()
            .find(|g| g.as_str() == s)
            .copied()
            .ok_or_else(|| {
                let names: Vec<&str> = GroupBy::ALL.iter().map(GroupBy::as_str).collect();
                format!("'{s}' is not one of: {}", names.join(", "))
            })
    }
}

/// One group of incidents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatRow {
    /// The group: an adcode (or ISO country code abroad), YYYY-MM, YYYY, a type, a facet,
    /// an organisation's key; `unknown` when the incident has none.
    pub key: String,
    /// Its English name (places, organisations) or the key.
    pub label: String,
    /// Its Chinese name (places, organisations) or the key.
    pub label_zh: String,
    pub incidents: usize,
    /// Incidents whose best death figure is above zero.
    pub incidents_with_deaths: usize,
    /// Sum of the best death figures.
    pub dead: i64,
    /// Sum of the low death figures (the best when an incident has no low).
    pub dead_low: i64,
    /// Coal-mining accident deaths in the places and years with production figures;
    /// only when the group has figures.
    pub coal_mining_dead: Option<i64>,
    /// Coal production of those places and years, in millions of tonnes.
    pub production_mt: Option<f64>,
    /// `coal_mining_dead` per million tonnes.
    pub dead_per_mt: Option<f64>,
}

#[derive(Debug, Default)]
struct Acc {
    incidents: usize,
    with_deaths: usize,
    dead: i64,
    dead_low: i64,
    /// English and Chinese names seen for the group (organisations).
    label: Option<String>,
    label_zh: Option<String>,
    coal: CoalDeaths,
}

/// Folds incidents into groups, one at a time; [`Grouper::finish`] gives the rows.
#[derive(Debug)]
pub struct Grouper {
    by: GroupBy,
    groups: BTreeMap<String, Acc>,
    /// The earliest and latest year among the incidents seen.
    years: Option<(i32, i32)>,
}

impl Grouper {
    pub fn new(by: GroupBy) -> Self {
        Grouper {
            by,
            groups: BTreeMap::new(),
            years: None,
        }
    }

    /// The groups one incident counts in, with the names it gives them: one, or for
    /// organisations one per organisation.
    fn keys(by: GroupBy, inc: &Incident) -> Vec<(String, Option<String>, Option<String>)> {
        let one = |k: Option<String>| vec![(k.unwrap_or_else(|| UNKNOWN.to_string()), None, None)];
        if let Some(level) = by.level() {
            return one(keys::place_key(inc, level));
        }
        match by {
            GroupBy::Month => one(inc
                .date
                .filter(|d| d.precision() >= Precision::Month)
                .map(|d| d.first_day().format("%Y-%m").to_string())),
            GroupBy::Year => one(inc.date.map(|d| format!("{:04}", d.year))),
            GroupBy::Type => one(Some(inc.kind.as_str().to_string())),
            GroupBy::Sector => one(inc.sector.clone()),
            GroupBy::Grievance => one(inc.grievance.clone()),
            GroupBy::Organization => {
                let orgs = keys::organizations(inc);
                if orgs.is_empty() {
                    return one(None);
                }
                orgs
            }
            GroupBy::Province | GroupBy::Prefecture | GroupBy::County => {
                unreachable!("places are handled above")
            }
        }
    }

    /// Counts one incident.
    pub fn add(&mut self, inc: &Incident) {
        if let Some(d) = inc.date {
            self.years = Some(match self.years {
                Some((a, b)) => (a.min(d.year), b.max(d.year)),
                None => (d.year, d.year),
            });
        }
        let best = inc.best(FigureKind::Dead);
        let low = inc
            .figures
            .get(&FigureKind::Dead)
            .and_then(|f| f.low.or(f.best));
        for (key, en, zh) in Self::keys(self.by, inc) {
            let acc = self.groups.entry(key).or_default();
            acc.incidents += 1;
            acc.with_deaths += usize::from(best.is_some_and(|b| b > 0));
            acc.dead += best.unwrap_or(0);
            acc.dead_low += low.unwrap_or(0);
            if acc.label.is_none() {
                acc.label = en;
            }
            if acc.label_zh.is_none() {
                acc.label_zh = zh;
            }
            add_coal_deaths(&mut acc.coal, inc);
        }
    }

    /// The rows, by key (`unknown` last), with deaths per million tonnes where the
    /// production table covers a group. `filter` is the one that selected the incidents:
    /// its dates set the rate's period and its places bound the figures used.
    pub fn finish(self, production: &ProductionTable, filter: &Filter) -> Vec<StatRow> {
        let period = Period::of(filter, self.years);
        let by = self.by;
        let mut rows: Vec<StatRow> = self
            .groups
            .into_iter()
            .map(|(key, acc)| {
                let rate = if production.is_empty() || key == UNKNOWN {
                    None
                } else {
                    match by {
                        GroupBy::Province | GroupBy::Prefecture => {
                            production.place_rate(&key, period, &acc.coal, filter)
                        }
                        GroupBy::Year => key
                            .parse()
                            .ok()
                            .and_then(|y| production.year_rate(y, &acc.coal, filter)),
                        _ => None,
                    }
                };
                let (label, label_zh) = if by.level().is_some() || key == UNKNOWN {
                    keys::place_labels(&key)
                } else {
                    let en = acc.label.clone().or(acc.label_zh.clone());
                    let zh = acc.label_zh.clone().or(acc.label.clone());
                    (
                        en.unwrap_or_else(|| key.clone()),
                        zh.unwrap_or_else(|| key.clone()),
                    )
                };
                StatRow {
                    label,
                    label_zh,
                    incidents: acc.incidents,
                    incidents_with_deaths: acc.with_deaths,
                    dead: acc.dead,
                    dead_low: acc.dead_low,
                    coal_mining_dead: rate.map(|r| r.coal_mining_dead),
                    production_mt: rate.map(|r| r.production_mt()),
                    dead_per_mt: rate.and_then(|r| r.dead_per_mt()),
                    key,
                }
            })
            .collect();
        // Places by adcode and times in order; types, facets and organisations the most
        // frequent first; the unknown group at the end.
        if matches!(
            by,
            GroupBy::Type | GroupBy::Sector | GroupBy::Grievance | GroupBy::Organization
        ) {
            rows.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.key.cmp(&b.key)));
        }
        rows.sort_by_key(|r| r.key == UNKNOWN);
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use recount_store::Production;
    use serde_json::json;

    fn incident(id: &str, v: serde_json::Value) -> Incident {
        let mut base = json!({
            "id": id, "type": "accident", "sector": null, "mechanism": null, "grievance": null,
            "date": null, "date_end": null, "location": null, "organizations": [],
            "figures": {}, "flags": [], "sources": [], "related": [], "title": "t",
            "title_zh": null, "updated_at": null
        });
        for (k, val) in v.as_object().unwrap() {
            base[k] = val.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    fn place(adcode: Option<&str>, country: &str) -> serde_json::Value {
        json!({"country": country, "adcode": adcode, "level": "county", "name": null,
               "name_en": null, "detail": null, "lat": null, "lon": null})
    }

    fn dead(best: i64, low: Option<i64>) -> serde_json::Value {
        json!({"dead": {"best": best, "low": low, "high": best, "claims": []}})
    }

    fn group(by: GroupBy, incidents: &[Incident]) -> Vec<StatRow> {
        let mut g = Grouper::new(by);
        for i in incidents {
            g.add(i);
        }
        g.finish(&ProductionTable::default(), &Filter::default())
    }

    fn keyed(rows: &[StatRow]) -> Vec<(&str, usize, i64)> {
        rows.iter()
            .map(|r| (r.key.as_str(), r.incidents, r.dead))
            .collect()
    }

    #[test]
    fn places_missing_abroad_and_too_coarse() {
        let incidents = [
            incident(
                "a",
                json!({"location": place(Some("140702"), "CN"), "figures": dead(5, Some(3))}),
            ),
            incident(
                "b",
                json!({"location": place(Some("140000"), "CN"), "figures": dead(2, None)}),
            ),
            incident("c", json!({"location": place(None, "GN")})),
            incident("d", json!({})),
        ];
        let rows = group(GroupBy::Province, &incidents);
        assert_eq!(
            keyed(&rows),
            [("140000", 2, 7), ("GN", 1, 0), ("unknown", 1, 0)]
        );
        assert_eq!(rows[0].label_zh, "山西省");
        assert_eq!(rows[0].dead_low, 5, "the low, else the best");
        assert_eq!(rows[0].incidents_with_deaths, 2);
        assert_eq!(rows[1].label, "Guinea");
        // A province-wide incident has no prefecture.
        let rows = group(GroupBy::Prefecture, &incidents);
        assert_eq!(
            keyed(&rows),
            [("140700", 1, 5), ("GN", 1, 0), ("unknown", 2, 2)]
        );
    }

    #[test]
    fn months_and_years_at_the_date_s_precision() {
        let incidents = [
            incident("a", json!({"date": "2024-03-31", "date_end": "2024-04-02"})),
            incident("b", json!({"date": "2024-04"})),
            incident("c", json!({"date": "2024"})),
            incident("d", json!({})),
        ];
        assert_eq!(
            keyed(&group(GroupBy::Month, &incidents)),
            [("2024-03", 1, 0), ("2024-04", 1, 0), ("unknown", 2, 0)]
        );
        assert_eq!(
            keyed(&group(GroupBy::Year, &incidents)),
            [("2024", 3, 0), ("unknown", 1, 0)]
        );
    }

    #[test]
    fn an_incident_counts_once_in_each_of_its_organisations() {
        let orgs = |names: &[&str]| {
            json!(names
                .iter()
                .map(|n| json!({"name": n, "name_en": null, "role": null}))
                .collect::<Vec<_>>())
        };
        let incidents = [
            // The same mine in two languages, and its parent group: two organisations.
            incident(
                "a",
                json!({"location": place(Some("140702"), "CN"), "figures": dead(4, None),
                "organizations": orgs(&["坤源煤矿", "Kunyuan Coal Mine", "晋能控股集团"])}),
            ),
            incident(
                "b",
                json!({"location": place(Some("140702"), "CN"),
                "organizations": orgs(&["Kunyuan Coal Mine"])}),
            ),
            // A Kunyuan mine in Heilongjiang is another mine.
            incident(
                "c",
                json!({"location": place(Some("230303"), "CN"),
                "organizations": orgs(&["Kunyuan Coal Mine"])}),
            ),
            incident("d", json!({})),
        ];
        let rows = group(GroupBy::Organization, &incidents);
        let total: usize = rows.iter().map(|r| r.incidents).sum();
        assert_eq!(total, 5, "a counts in two groups");
        let shanxi = rows
            .iter()
            .find(|r| r.key == "140000:kunyuan|mine")
            .unwrap();
        assert_eq!((shanxi.incidents, shanxi.dead), (2, 4));
        assert_eq!(
            (shanxi.label.as_str(), shanxi.label_zh.as_str()),
            ("Kunyuan Coal Mine", "坤源煤矿")
        );
        assert!(rows
            .iter()
            .any(|r| r.key == "230000:kunyuan|mine" && r.incidents == 1));
        assert_eq!(rows.last().unwrap().key, "unknown");
    }

    #[test]
    fn facets_and_rates_by_province() {
        let incidents = [
            incident(
                "a",
                json!({"sector": "coal_mining", "date": "2023-05-01",
                "location": place(Some("140702"), "CN"), "figures": dead(20, None)}),
            ),
            incident(
                "b",
                json!({"type": "strike", "grievance": "wage_arrears", "date": "2024-01-01",
                "location": place(Some("140702"), "CN")}),
            ),
        ];
        assert_eq!(
            keyed(&group(GroupBy::Sector, &incidents)),
            [("coal_mining", 1, 20), ("unknown", 1, 0)]
        );
        assert_eq!(
            keyed(&group(GroupBy::Grievance, &incidents)),
            [("wage_arrears", 1, 0), ("unknown", 1, 20)]
        );
        let table = ProductionTable::new(vec![Production {
            adcode: "140000".into(),
            year: 2023,
            tonnes: 400_000_000,
            source: None,
        }]);
        let mut g = Grouper::new(GroupBy::Province);
        for i in &incidents {
            g.add(i);
        }
        let rows = g.finish(&table, &Filter::default());
        assert_eq!(rows[0].coal_mining_dead, Some(20));
        assert_eq!(rows[0].production_mt, Some(400.0));
        assert_eq!(rows[0].dead_per_mt, Some(0.05));
    }
}
