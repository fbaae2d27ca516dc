//! Production figures: reading them from CSV (`recount production load`), and deaths per
//! million tonnes.
//!
//! The CSV has a header row naming its columns, in any order and case:
//! - `province` or `prefecture` (exactly one): the place, by Chinese or English name
//!   (山西, Shanxi, 晋中市) or adcode, at that level;
//! - `year`;
//! - `tonnes` or `mt` (exactly one): the header names the unit, tonnes or million tonnes;
//!   decimals are allowed and `,`/`_` thousands separators ignored.
//!
//! Other columns (a note, a source) are ignored; lines starting with `#` are comments.
//!
//! **Deaths per million tonnes** of a group: the best death figures of its coal-mining
//! accidents (type `accident`, sector `coal_mining`) in the years and places that have a
//! production figure, divided by the sum of those figures in millions of tonnes. A group
//! of places (province, prefecture) uses its own figures for each year of the [`Period`];
//! a year uses the figures of every province loaded for it (or of every prefecture, when
//! no province has one). With a place filter, only figures of places inside it count, so a
//! county's deaths are never divided by its province's output.

use recount_model::{FigureKind, Incident, IncidentType, PlaceLevel};
use recount_store::{Filter, Production};
use std::collections::{BTreeMap, HashMap};

/// Why a production file was refused: every problem, each with its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {}", problems.join("; "))]
pub struct ProductionError {
    pub file: String,
    pub problems: Vec<String>,
}

/// The coal-mining deaths a rate counts: accidents in the `coal_mining` sector.
pub fn coal_mining_deaths(inc: &Incident) -> Option<i64> {
    (inc.kind == IncidentType::Accident && inc.sector.as_deref() == Some("coal_mining"))
        .then(|| inc.best(FigureKind::Dead))
        .flatten()
}

/// The place a row names, at the level of its column.
fn resolve(value: &str, level: PlaceLevel) -> Result<String, String> {
    let geo = recount_geo::gazetteer();
    let what = if level == PlaceLevel::Province {
        "province"
    } else {
        "prefecture"
    };
    let v = value.trim();
    if v.is_empty() {
        return Err(format!("no {what} given"));
    }
    if v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()) {
        return match geo.unit(v) {
            Some(u) if u.level == level => Ok(u.adcode.clone()),
            Some(u) => Err(format!(
                "{v} is {} ({}), a {}, not a {what}",
                u.name, u.name_en, u.level
            )),
            None => Err(format!("no place has the adcode {v}")),
        };
    }
    let mut found: Vec<_> = geo
        .lookup(v)
        .into_iter()
        .filter(|u| u.level == level)
        .collect();
    found.dedup_by(|a, b| a.adcode == b.adcode);
    match found.as_slice() {
        [u] => Ok(u.adcode.clone()),
        [] => Err(format!("no {what} is called '{v}'")),
        many => Err(format!(
            "'{v}' names {} {what}s ({}); give the adcode",
            many.len(),
            many.iter()
                .map(|u| format!("{} {}", u.adcode, u.name))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A number of tonnes or million tonnes; thousands separators are ignored.
fn amount(value: &str) -> Option<f64> {
    let v: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' '))
        .collect();
    v.parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0)
}

/// Reads production figures from CSV text (see the module's format). All rows are checked
/// and every problem is reported with its line, so a file loads whole or not at all.
/// `source` names the file in the rows and the error.
pub fn parse_production_csv(text: &str, source: &str) -> Result<Vec<Production>, ProductionError> {
    let fail = |problems: Vec<String>| ProductionError {
        file: source.to_string(),
        problems,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect(),
        Err(e) => return Err(fail(vec![format!("unreadable header: {e}")])),
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut header_problems = Vec::new();
    let place = match (col("province"), col("prefecture")) {
        (Some(i), None) => Some((i, PlaceLevel::Province)),
        (None, Some(i)) => Some((i, PlaceLevel::Prefecture)),
        (Some(_), Some(_)) => {
            header_problems.push(
                "line 1: give either a province or a prefecture column, not both".to_string(),
            );
            None
        }
        (None, None) => {
            header_problems
                .push("line 1: no place column: name one 'province' or 'prefecture'".to_string());
            None
        }
    };
    let year = col("year");
    if year.is_none() {
        header_problems.push("line 1: no 'year' column".to_string());
    }
    let unit = match (col("tonnes"), col("mt")) {
        (Some(i), None) => Some((i, 1.0)),
        (None, Some(i)) => Some((i, 1e6)),
        (Some(_), Some(_)) => {
            header_problems.push(
                "line 1: give either a 'tonnes' or an 'mt' (million tonnes) column, not both"
                    .to_string(),
            );
            None
        }
        (None, None) => {
            header_problems.push(
                "line 1: no amount column: name one 'tonnes' or 'mt' (million tonnes)".to_string(),
            );
            None
        }
    };
    let (Some((place_col, level)), Some(year_col), Some((amount_col, scale))) = (place, year, unit)
    else {
        return Err(fail(header_problems));
    };
    let mut problems = Vec::new();
    let mut rows: Vec<Production> = Vec::new();
    let mut seen: HashMap<(String, i32), u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("");
        let mut bad = |what: String| problems.push(format!("line {line}: {what}"));
        let adcode = resolve(field(place_col), level).map_err(&mut bad).ok();
        let y = field(year_col);
        let year = match y.parse::<i32>() {
            Ok(n) if (1900..=2100).contains(&n) => Some(n),
            _ => {
                bad(format!("year '{y}' is not a year between 1900 and 2100"));
                None
            }
        };
        let a = field(amount_col);
        let tonnes = match amount(a) {
            Some(n) => Some((n * scale).round() as i64),
            None => {
                let unit = if scale == 1.0 {
                    "tonnes"
                } else {
                    "million tonnes"
                };
                bad(format!("'{a}' is not a number of {unit} (zero or more)"));
                None
            }
        };
        if let (Some(adcode), Some(year), Some(tonnes)) = (adcode, year, tonnes) {
            if let Some(first) = seen.insert((adcode.clone(), year), line) {
                problems.push(format!(
                    "line {line}: {adcode} {year} is given twice (first on line {first})"
                ));
                continue;
            }
            rows.push(Production {
                adcode,
                year,
                tonnes,
                source: Some(source.to_string()),
            });
        }
    }
    if problems.is_empty() && rows.is_empty() {
        problems.push("no rows under the header".to_string());
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(fail(problems))
    }
}

/// The years a rate covers: the filter's dates when given, else the years of the
/// selected incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: i32,
    pub to: i32,
}

impl Period {
    /// From the filter's `from`/`to`, each side falling back to the selection's earliest
    /// and latest year (`seen`); `None` when neither says anything.
    pub fn of(filter: &Filter, seen: Option<(i32, i32)>) -> Option<Period> {
        use chrono::Datelike;
        let from = filter.from.map(|d| d.year()).or(seen.map(|s| s.0))?;
        let to = filter.to.map(|d| d.year()).or(seen.map(|s| s.1))?;
        Some(Period { from, to })
    }
}

/// Deaths per million tonnes of one group, with what it was computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Coal-mining accident deaths in the covered places and years.
    pub coal_mining_dead: i64,
    pub tonnes: i64,
}

impl Rate {
    pub fn production_mt(&self) -> f64 {
        self.tonnes as f64 / 1e6
    }

    /// `None` when the covered production is zero.
    pub fn dead_per_mt(&self) -> Option<f64> {
        (self.tonnes > 0).then(|| self.coal_mining_dead as f64 / self.production_mt())
    }
}

/// Coal-mining deaths of one group by (year, adcode of the incident's place), the
/// numerator a rate picks from.
pub type CoalDeaths = BTreeMap<(i32, String), i64>;

/// Adds an incident's coal-mining deaths to `coal` (nothing for other incidents, undated
/// ones, or places without an adcode).
pub fn add_coal_deaths(coal: &mut CoalDeaths, inc: &Incident) {
    let Some(dead) = coal_mining_deaths(inc) else {
        return;
    };
    let (Some(date), Some(code)) = (
        inc.date,
        inc.location.as_ref().and_then(|l| l.adcode.clone()),
    ) else {
        return;
    };
    *coal.entry((date.year, code)).or_default() += dead;
}

/// The loaded production figures, by (adcode, year).
#[derive(Debug, Clone, Default)]
pub struct ProductionTable {
    rows: BTreeMap<(String, i32), i64>,
}

impl ProductionTable {
    pub fn new(rows: Vec<Production>) -> Self {
        ProductionTable {
            rows: rows
                .into_iter()
                .map(|p| ((p.adcode, p.year), p.tonnes))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// True when no place filter is given or the unit lies inside one of its places.
    fn inside(filter: &Filter, adcode: &str) -> bool {
        if filter.adcodes.is_empty() && filter.countries.is_empty() {
            return true;
        }
        let geo = recount_geo::gazetteer();
        filter
            .adcodes
            .iter()
            .any(|outer| geo.contains(outer, adcode))
            || filter
                .countries
                .iter()
                .any(|c| c.eq_ignore_ascii_case("CN"))
    }

    /// The rate of a group of one place (a province's or prefecture's adcode) over the
    /// period; `None` without a figure for it in any year of the period.
    pub fn place_rate(
        &self,
        adcode: &str,
        period: Option<Period>,
        coal: &CoalDeaths,
        filter: &Filter,
    ) -> Option<Rate> {
        let period = period?;
        if !Self::inside(filter, adcode) {
            return None;
        }
        let cells: Vec<(String, i32)> = (period.from..=period.to)
            .filter(|y| self.rows.contains_key(&(adcode.to_string(), *y)))
            .map(|y| (adcode.to_string(), y))
            .collect();
        self.rate(&cells, coal)
    }

    /// The rate of a group of one year: the figures of every province loaded for it (or
    /// of every prefecture when no province has one), inside the place filter.
    pub fn year_rate(&self, year: i32, coal: &CoalDeaths, filter: &Filter) -> Option<Rate> {
        let geo = recount_geo::gazetteer();
        let of_year: Vec<&String> = self
            .rows
            .keys()
            .filter(|(code, y)| *y == year && Self::inside(filter, code))
            .map(|(code, _)| code)
            .collect();
        let level = |code: &str| geo.unit(code).map(|u| u.level);
        let provinces: Vec<&String> = of_year
            .iter()
            .copied()
            .filter(|c| level(c) == Some(PlaceLevel::Province))
            .collect();
        let chosen = if provinces.is_empty() {
            of_year
        } else {
            provinces
        };
        let cells: Vec<(String, i32)> = chosen.into_iter().map(|c| (c.clone(), year)).collect();
        self.rate(&cells, coal)
    }

    fn rate(&self, cells: &[(String, i32)], coal: &CoalDeaths) -> Option<Rate> {
        if cells.is_empty() {
            return None;
        }
        let geo = recount_geo::gazetteer();
        let tonnes = cells
            .iter()
            .filter_map(|c| self.rows.get(&(c.0.clone(), c.1)))
            .sum();
        let coal_mining_dead = coal
            .iter()
            .filter(|((year, code), _)| {
                cells
                    .iter()
                    .any(|(unit, y)| y == year && geo.contains(unit, code))
            })
            .map(|(_, dead)| dead)
            .sum();
        Some(Rate {
            coal_mining_dead,
            tonnes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        parse_production_csv(text, "p.csv").unwrap_err().problems
    }

    #[test]
    fn names_adcodes_and_units_are_read() {
        let rows = parse_production_csv(
            "# coal output\nProvince,Year,Mt,note\n山西,2023,1378.4,stats bureau\nShanxi,2024,\"1,266.5\",\n520000,2023,131,\n",
            "coal.csv",
        )
        .unwrap();
        let got: Vec<(&str, i32, i64)> = rows
            .iter()
            .map(|r| (r.adcode.as_str(), r.year, r.tonnes))
            .collect();
        assert_eq!(
            got,
            [
                ("140000", 2023, 1_378_400_000),
                ("140000", 2024, 1_266_500_000),
                ("520000", 2023, 131_000_000)
            ]
        );
        assert_eq!(rows[0].source.as_deref(), Some("coal.csv"));
        let t = parse_production_csv("prefecture,year,tonnes\n晋中市,2024,90000000\n", "t.csv")
            .unwrap();
        assert_eq!((t[0].adcode.as_str(), t[0].tonnes), ("140700", 90_000_000));
    }

    #[test]
    fn header_problems_name_the_columns_to_use() {
        let p = problems("place,year,tonnes\nShanxi,2023,1\n");
        assert!(p[0].contains("'province' or 'prefecture'"), "{p:?}");
        let p = problems("province,year,tonnes,mt\nShanxi,2023,1,1\n");
        assert!(p[0].contains("not both"), "{p:?}");
        let p = problems("province,tonnes\nShanxi,1\n");
        assert!(p[0].contains("'year'"), "{p:?}");
        let p = problems("province,year,mt\n");
        assert_eq!(p, ["no rows under the header"]);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let p = problems(
            "province,year,mt\n\
             Shanxi,2023,1\n\
             Atlantis,2023,1\n\
             Shanxi,23,1\n\
             Guizhou,2023,-4\n\
             140700,2023,1\n\
             山西,2023,2\n",
        );
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(
            p[0].starts_with("line 3:") && p[0].contains("Atlantis"),
            "{p:?}"
        );
        assert!(
            p[1].starts_with("line 4:") && p[1].contains("year '23'"),
            "{p:?}"
        );
        assert!(
            p[2].starts_with("line 5:") && p[2].contains("'-4'"),
            "{p:?}"
        );
        assert!(
            p[3].starts_with("line 6:") && p[3].contains("not a province"),
            "{p:?}"
        );
        assert!(
            p[4].starts_with("line 7:") && p[4].contains("first on line 2"),
            "{p:?}"
        );
    }

    fn incident(year: i32, adcode: &str, dead: i64, sector: &str) -> Incident {
        serde_json::from_value(serde_json::json!({
            "id": format!("inc-{year}-{adcode}-{dead}"), "type": "accident", "sector": sector,
            "mechanism": null, "grievance": null, "date": format!("{year}-06-01"), "date_end": null,
            "location": {"country": "CN", "adcode": adcode, "level": "county", "name": null,
                         "name_en": null, "detail": null, "lat": null, "lon": null},
            "organizations": [], "figures": {"dead": {"best": dead, "low": dead, "high": dead, "claims": []}},
            "flags": [], "sources": [], "related": [], "title": "t", "title_zh": null, "updated_at": null
        }))
        .unwrap()
    }

    #[test]
    fn deaths_per_million_tonnes_count_coal_accidents_of_covered_years() {
        let table = ProductionTable::new(vec![
            Production {
                adcode: "140000".into(),
                year: 2023,
                tonnes: 1_000_000_000,
                source: None,
            },
            Production {
                adcode: "140000".into(),
                year: 2024,
                tonnes: 500_000_000,
                source: None,
            },
        ]);
        let mut coal = CoalDeaths::new();
        for inc in [
            incident(2023, "140702", 30, "coal_mining"),
            incident(2024, "140702", 15, "coal_mining"),
            // Not coal mining, and a year without a figure: left out.
            incident(2024, "140702", 100, "construction"),
            incident(2022, "140702", 7, "coal_mining"),
        ] {
            add_coal_deaths(&mut coal, &inc);
        }
        let all = Filter::default();
        let period = Some(Period {
            from: 2022,
            to: 2024,
        });
        let r = table.place_rate("140000", period, &coal, &all).unwrap();
        assert_eq!((r.coal_mining_dead, r.tonnes), (45, 1_500_000_000));
        assert!((r.dead_per_mt().unwrap() - 0.03).abs() < 1e-12);
        // One year alone; a place without figures has no rate.
        let y = table.year_rate(2024, &coal, &all).unwrap();
        assert_eq!((y.coal_mining_dead, y.tonnes), (15, 500_000_000));
        assert!(table.place_rate("520000", period, &coal, &all).is_none());
        assert!(table.year_rate(2022, &coal, &all).is_none());
        // A county filter never divides by its province's output.
        let county = Filter {
            adcodes: vec!["140702".into()],
            ..Filter::default()
        };
        assert!(table.place_rate("140000", period, &coal, &county).is_none());
        assert!(table.year_rate(2024, &coal, &county).is_none());
    }
}
