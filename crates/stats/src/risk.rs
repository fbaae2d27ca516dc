//! Recurrence and risk: per organisation, site, county, prefecture or province, the
//! incidents in rolling windows and the repeat offenders ("strikes at the same factory in
//! 3 of the last 4 months").
//!
//! Time runs up to the *as-of* day (by default the latest date among the selected
//! incidents); incidents after it are left out. Windows and months place an incident by
//! the first day of its date, and only incidents dated to the month or the day take part
//! in them; undated incidents and those known only to the year still count in
//! `incidents` and `dead`. Incidents with no such entity (no organisation, no named
//! site, a place coarser than a county) are not attributed to any.

use crate::keys::{self, Level};
use crate::production::{add_coal_deaths, CoalDeaths, Period, ProductionTable};
use chrono::{Datelike, Days, Months, NaiveDate};
use recount_model::{FigureKind, Incident, PartialDate, Precision};
use recount_store::Filter;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Organization,
    Site,
    County,
    Prefecture,
    Province,
}

impl Entity {
    pub const ALL: &'static [Entity] = &[
        Entity::Organization,
        Entity::Site,
        Entity::County,
        Entity::Prefecture,
        Entity::Province,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Entity::Organization => "organization",
            Entity::Site => "site",
            Entity::County => "county",
            Entity::Prefecture => "prefecture",
            Entity::Province => "province",
        }
    }
}

impl std::str::FromStr for Entity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        let s = if s == "organisation" {
            "organization"
        } else {
            &s
        };
        Entity::ALL
            .iter()
            .find(|e| e.as_str() == s)
            .copied()
            .ok_or_else(|| {
                let names: Vec<&str> = Entity::ALL.iter().map(Entity::as_str).collect();
                format!("'{s}' is not one of: {}", names.join(", "))
            })
    }
}

/// A length of time: days, weeks, calendar months or years (`90d`, `2w`, `4m`, `1y`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub count: u32,
    pub unit: char,
}

impl Window {
    /// The exclusive start of the window that ends (inclusively) on `end`: a window of
    /// `4m` ending on 2024-05-31 holds 2024-02-01 … 2024-05-31.
    pub fn start(&self, end: NaiveDate) -> NaiveDate {
        let n = self.count;
        let back = match self.unit {
            'd' => end.checked_sub_days(Days::new(n.into())),
            'w' => end.checked_sub_days(Days::new(u64::from(n) * 7)),
            'm' => end.checked_sub_months(Months::new(n)),
            _ => end.checked_sub_months(Months::new(n * 12)),
        };
        back.unwrap_or(NaiveDate::MIN)
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.count, self.unit)
    }
}

impl std::str::FromStr for Window {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        let bad = || format!("'{s}' is not a window: a number and d, w, m or y (90d, 2w, 4m, 1y)");
        let unit = t
            .chars()
            .last()
            .filter(|c| "dwmy".contains(*c))
            .ok_or_else(bad)?;
        let count: u32 = t[..t.len() - 1].parse().map_err(|_| bad())?;
        if count == 0 || count > 1200 {
            return Err(bad());
        }
        Ok(Window { count, unit })
    }
}

/// Incidents in at least `at_least` of the last `months` calendar months (`3/4m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repeat {
    pub at_least: u32,
    pub months: u32,
}

impl std::fmt::Display for Repeat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}m", self.at_least, self.months)
    }
}

impl std::str::FromStr for Repeat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("'{s}' is not a repeat: K/Nm, incidents in at least K of the last N calendar months (3/4m)")
        };
        let t = s.trim().to_ascii_lowercase();
        let t = t.strip_suffix('m').unwrap_or(&t);
        let (k, n) = t.split_once('/').ok_or_else(bad)?;
        let at_least: u32 = k.trim().parse().map_err(|_| bad())?;
        let months: u32 = n.trim().parse().map_err(|_| bad())?;
        if at_least == 0 || months < at_least || months > 1200 {
            return Err(bad());
        }
        Ok(Repeat { at_least, months })
    }
}

/// What `recount risk` and `/api/risk` compute.
#[derive(Debug, Clone)]
pub struct RiskOptions {
    pub by: Entity,
    pub window: Window,
    pub repeat: Option<Repeat>,
    /// The last day considered (default: the latest date among the selected incidents).
    pub as_of: Option<NaiveDate>,
    /// Only entities with at least this many incidents.
    pub min_incidents: usize,
}

impl Default for RiskOptions {
    fn default() -> Self {
        RiskOptions {
            by: Entity::Organization,
            window: Window {
                count: 12,
                unit: 'm',
            },
            repeat: None,
            as_of: None,
            min_incidents: 2,
        }
    }
}

/// One entity's record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskRow {
    /// The entity: an organisation's or site's key (with its province for mines,
    /// factories and sites), or an adcode.
    pub key: String,
    pub label: String,
    pub label_zh: String,
    /// Incidents up to the as-of day.
    pub incidents: usize,
    /// Incidents in the window that ends on the as-of day.
    pub in_window: usize,
    /// The most incidents in any window of that length, and where the first such window
    /// starts and ends (its first and last incident).
    pub peak_window: usize,
    pub peak_from: Option<String>,
    pub peak_to: Option<String>,
    /// Distinct calendar months with incidents.
    pub months: usize,
    /// Distinct months with incidents among the last N of `--repeat K/Nm`.
    pub recent_months: Option<usize>,
    /// Sum of the best death figures.
    pub dead: i64,
    pub first: Option<String>,
    pub last: Option<String>,
    /// The incidents' ids, latest first.
    pub ids: Vec<String>,
    /// Deaths per million tonnes (provinces and prefectures with production figures).
    pub coal_mining_dead: Option<i64>,
    pub production_mt: Option<f64>,
    pub dead_per_mt: Option<f64>,
}

/// The result: the parameters as applied, and the entities, most recurrent first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskReport {
    pub by: String,
    /// The last day considered, YYYY-MM-DD (none when no incident is dated).
    pub as_of: Option<String>,
    pub window: String,
    pub repeat: Option<String>,
    pub entities: Vec<RiskRow>,
}

#[derive(Debug, Default)]
struct Acc {
    label: Option<String>,
    label_zh: Option<String>,
    /// (date, id, best dead) of each incident.
    incidents: Vec<(Option<PartialDate>, String, i64)>,
    coal: CoalDeaths,
}

/// Folds incidents into entities; [`RiskBuilder::finish`] gives the report.
#[derive(Debug)]
pub struct RiskBuilder {
    by: Entity,
    entities: BTreeMap<String, Acc>,
    /// The latest first day among incidents dated to the month or day.
    latest: Option<NaiveDate>,
    years: Option<(i32, i32)>,
}

/// The day an incident is placed in windows and months, if dated finely enough.
fn timed(date: Option<PartialDate>) -> Option<NaiveDate> {
    date.filter(|d| d.precision() >= Precision::Month)
        .map(|d| d.first_day())
}

/// Months since year 0, to count calendar months.
fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

impl RiskBuilder {
    pub fn new(by: Entity) -> Self {
        RiskBuilder {
            by,
            entities: BTreeMap::new(),
            latest: None,
            years: None,
        }
    }

    /// The entities one incident belongs to, with names (English, Chinese).
    fn entities_of(&self, inc: &Incident) -> Vec<(String, Option<String>, Option<String>)> {
        let place = |level| keys::place_key(inc, level).map(|k| vec![(k, None, None)]);
        match self.by {
            Entity::Province => place(Level::Province),
            Entity::Prefecture => place(Level::Prefecture),
            Entity::County => place(Level::County),
            Entity::Site => keys::site(inc).map(|(k, name)| {
                let (en, zh) = keys::names(&name, None);
                vec![(k, en, zh)]
            }),
            Entity::Organization => Some(keys::organizations(inc)),
        }
        .unwrap_or_default()
    }

    /// Attributes one incident to its entities.
    pub fn add(&mut self, inc: &Incident) {
        if let Some(day) = timed(inc.date) {
            self.latest = Some(self.latest.map_or(day, |l| l.max(day)));
        }
        if let Some(d) = inc.date {
            self.years = Some(match self.years {
                Some((a, b)) => (a.min(d.year), b.max(d.year)),
                None => (d.year, d.year),
            });
        }
        let dead = inc.best(FigureKind::Dead).unwrap_or(0);
        for (key, en, zh) in self.entities_of(inc) {
            let acc = self.entities.entry(key).or_default();
            if acc.label.is_none() {
                acc.label = en;
            }
            if acc.label_zh.is_none() {
                acc.label_zh = zh;
            }
            acc.incidents.push((inc.date, inc.id.clone(), dead));
            add_coal_deaths(&mut acc.coal, inc);
        }
    }

    /// The entities that qualify (at least `min_incidents`, and the repeat when given),
    /// most recurrent first: by recent months, incidents in the window, incidents, dead.
    pub fn finish(
        self,
        options: &RiskOptions,
        production: &ProductionTable,
        filter: &Filter,
    ) -> RiskReport {
        let as_of = options.as_of.or(self.latest);
        let period = Period::of(filter, self.years).map(|p| match as_of {
            Some(a) => Period {
                from: p.from,
                to: p.to.min(a.year()),
            },
            None => p,
        });
        let by = self.by;
        let mut rows: Vec<RiskRow> = self
            .entities
            .into_iter()
            .filter_map(|(key, acc)| {
                let row = entity_row(key, acc, options, as_of, by, production, period, filter);
                let repeat_ok = match (options.repeat, row.recent_months) {
                    (Some(r), Some(m)) => m >= r.at_least as usize,
                    (Some(_), None) => false,
                    (None, _) => true,
                };
                (row.incidents >= options.min_incidents && repeat_ok).then_some(row)
            })
            .collect();
        rows.sort_by(|a, b| {
            b.recent_months
                .cmp(&a.recent_months)
                .then(b.in_window.cmp(&a.in_window))
                .then(b.incidents.cmp(&a.incidents))
                .then(b.dead.cmp(&a.dead))
                .then(a.key.cmp(&b.key))
        });
        RiskReport {
            by: by.as_str().to_string(),
            as_of: as_of.map(|d| d.to_string()),
            window: options.window.to_string(),
            repeat: options.repeat.map(|r| r.to_string()),
            entities: rows,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn entity_row(
    key: String,
    acc: Acc,
    options: &RiskOptions,
    as_of: Option<NaiveDate>,
    by: Entity,
    production: &ProductionTable,
    period: Option<Period>,
    filter: &Filter,
) -> RiskRow {
    // Up to the as-of day: a date that starts after it is left out.
    let mut kept: Vec<(Option<PartialDate>, String, i64)> = acc
        .incidents
        .into_iter()
        .filter(|(d, _, _)| match (d, as_of) {
            (Some(d), Some(a)) => d.first_day() <= a,
            _ => true,
        })
        .collect();
    kept.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut days: Vec<NaiveDate> = kept.iter().filter_map(|(d, _, _)| timed(*d)).collect();
    days.sort();
    let months: BTreeSet<i64> = days.iter().map(|d| month_index(*d)).collect();
    let in_window = as_of.map_or(0, |a| {
        let start = options.window.start(a);
        days.iter().filter(|d| **d > start).count()
    });
    // The busiest window: for each incident as a window's last day, how many fall
    // within the window before it (two pointers over the sorted days).
    let (mut peak, mut peak_at) = (0usize, None);
    let mut i = 0;
    for (j, end) in days.iter().enumerate() {
        let start = options.window.start(*end);
        while days[i] <= start {
            i += 1;
        }
        if j + 1 - i > peak {
            peak = j + 1 - i;
            peak_at = Some((days[i], *end));
        }
    }
    let recent_months = options.repeat.map(|r| match as_of {
        Some(a) => {
            let last = month_index(a);
            let first = last - i64::from(r.months) + 1;
            months.range(first..=last).count()
        }
        None => 0,
    });
    let rate = match by {
        Entity::Province | Entity::Prefecture if !production.is_empty() => {
            production.place_rate(&key, period, &acc.coal, filter)
        }
        _ => None,
    };
    let (label, label_zh) = match by {
        Entity::Province | Entity::Prefecture | Entity::County => keys::place_labels(&key),
        _ => {
            let en = acc.label.clone().or(acc.label_zh.clone());
            let zh = acc.label_zh.or(acc.label);
            (
                en.unwrap_or_else(|| key.clone()),
                zh.unwrap_or_else(|| key.clone()),
            )
        }
    };
    let dated: Vec<PartialDate> = kept.iter().filter_map(|(d, _, _)| *d).collect();
    RiskRow {
        label,
        label_zh,
        incidents: kept.len(),
        in_window,
        peak_window: peak,
        peak_from: peak_at.map(|p| p.0.to_string()),
        peak_to: peak_at.map(|p| p.1.to_string()),
        months: months.len(),
        recent_months,
        dead: kept.iter().map(|(_, _, d)| d).sum(),
        first: dated.iter().min().map(|d| d.to_string()),
        last: dated.iter().max().map(|d| d.to_string()),
        ids: kept.into_iter().map(|(_, id, _)| id).collect(),
        coal_mining_dead: rate.map(|r| r.coal_mining_dead),
        production_mt: rate.map(|r| r.production_mt()),
        dead_per_mt: rate.and_then(|r| r.dead_per_mt()),
        key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strike(id: &str, date: Option<&str>, detail: &str) -> Incident {
        serde_json::from_value(json!({
            "id": id, "type": "strike", "sector": "manufacturing", "mechanism": null,
            "grievance": "wage_arrears", "date": date, "date_end": null,
            "location": {"country": "CN", "adcode": "440307", "level": "county", "name": null,
                         "name_en": null, "detail": detail, "lat": null, "lon": null},
            "organizations": [], "figures": {}, "flags": [], "sources": [], "related": [],
            "title": "t", "title_zh": null, "updated_at": null
        }))
        .unwrap()
    }

    fn report(incidents: &[Incident], options: &RiskOptions) -> RiskReport {
        let mut b = RiskBuilder::new(options.by);
        for i in incidents {
            b.add(i);
        }
        b.finish(options, &ProductionTable::default(), &Filter::default())
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn windows_and_repeats_parse_and_refuse_nonsense() {
        assert_eq!(
            "4m".parse::<Window>().unwrap(),
            Window {
                count: 4,
                unit: 'm'
            }
        );
        assert_eq!(
            "90D".parse::<Window>().unwrap(),
            Window {
                count: 90,
                unit: 'd'
            }
        );
        for bad in ["", "m", "0m", "4", "4x", "-4m"] {
            assert!(bad.parse::<Window>().is_err(), "{bad}");
        }
        assert_eq!(
            "3/4m".parse::<Repeat>().unwrap(),
            Repeat {
                at_least: 3,
                months: 4
            }
        );
        assert_eq!("2/3".parse::<Repeat>().unwrap().months, 3);
        for bad in ["5/4m", "0/4m", "3", "a/4m"] {
            assert!(bad.parse::<Repeat>().is_err(), "{bad}");
        }
    }

    #[test]
    fn month_windows_end_on_calendar_days() {
        let w: Window = "4m".parse().unwrap();
        assert_eq!(w.start(day("2024-05-31")), day("2024-01-31"));
        // The end of a short month: chrono clamps to the last day.
        assert_eq!(w.start(day("2024-06-30")), day("2024-02-29"));
        assert_eq!(
            "2w".parse::<Window>().unwrap().start(day("2024-03-01")),
            day("2024-02-16")
        );
    }

    #[test]
    fn repeat_counts_calendar_months_up_to_the_as_of_day() {
        let f = "银图电器工厂";
        let incidents = [
            // Months 2, 3 (twice, on its first and last day) and 5; June is after as-of.
            strike("a", Some("2024-02-29"), f),
            strike("b", Some("2024-03-01"), f),
            strike("c", Some("2024-03-31"), f),
            strike("d", Some("2024-05-01"), f),
            strike("e", Some("2024-06-01"), f),
            // Undated and year-only: counted, never in a month.
            strike("f", None, f),
            strike("g", Some("2024"), f),
            // Another factory, once.
            strike("h", Some("2024-05-02"), "雅朵鞋业工厂"),
        ];
        let mut options = RiskOptions {
            by: Entity::Site,
            window: "3m".parse().unwrap(),
            repeat: Some("3/4m".parse().unwrap()),
            as_of: Some(day("2024-05-31")),
            min_incidents: 1,
        };
        let r = report(&incidents, &options);
        assert_eq!(r.as_of.as_deref(), Some("2024-05-31"));
        // The last four months are Feb–May: incidents in Feb, Mar and May.
        assert_eq!(r.entities.len(), 1, "{:?}", r.entities);
        let site = &r.entities[0];
        assert!(
            site.key.starts_with("440000:") && site.key.ends_with("|factory"),
            "{}",
            site.key
        );
        assert_eq!(site.recent_months, Some(3));
        assert_eq!(site.incidents, 6, "a–d, f, g; not e after the as-of day");
        assert_eq!(site.months, 3);
        // A 3m window ending 2024-05-31 starts after 2024-02-29: b, c, d.
        assert_eq!(site.in_window, 3);
        assert_eq!(site.ids[0], "d");
        assert_eq!(
            (site.first.as_deref(), site.last.as_deref()),
            (Some("2024"), Some("2024-05-01"))
        );
        // One month later the window of the last four months is Mar–Jun: 3 months still
        // (Mar, May, Jun); at the end of July it is Apr–Jul: 2, too few.
        options.as_of = Some(day("2024-06-30"));
        assert_eq!(
            report(&incidents, &options).entities[0].recent_months,
            Some(3)
        );
        options.as_of = Some(day("2024-07-31"));
        assert!(report(&incidents, &options).entities.is_empty());
        // On 2024-05-31 with 3/3m (Mar–May): 2 months, not enough.
        options.as_of = Some(day("2024-05-31"));
        options.repeat = Some("3/3m".parse().unwrap());
        assert!(report(&incidents, &options).entities.is_empty());
    }

    #[test]
    fn the_busiest_window_and_the_default_as_of_day() {
        let f = "坤源煤矿";
        let incidents = [
            strike("a", Some("2023-01-10"), f),
            strike("b", Some("2023-06-01"), f),
            strike("c", Some("2023-06-30"), f),
            strike("d", Some("2023-07-29"), f),
            strike("e", Some("2024-03-01"), f),
        ];
        let options = RiskOptions {
            by: Entity::County,
            window: "60d".parse().unwrap(),
            ..RiskOptions::default()
        };
        let r = report(&incidents, &options);
        assert_eq!(r.as_of.as_deref(), Some("2024-03-01"), "the latest date");
        let county = &r.entities[0];
        assert_eq!(county.key, "440307");
        assert_eq!(county.in_window, 1);
        // 2023-06-01 … 2023-07-29 is 58 days: three incidents in one 60-day window.
        assert_eq!(county.peak_window, 3);
        assert_eq!(
            (county.peak_from.as_deref(), county.peak_to.as_deref()),
            (Some("2023-06-01"), Some("2023-07-29"))
        );
        assert_eq!(county.recent_months, None);
    }
}
