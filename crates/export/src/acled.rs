//! An ACLED-style CSV: incidents under ACLED's column names, for use beside ACLED data.
//!
//! ACLED (Armed Conflict Location & Event Data) codes political violence and
//! demonstrations; recount also records accidents and corruption cases, which ACLED does
//! not. The export keeps ACLED's columns and vocabulary and says, field by field, how a
//! recount incident lands in them (also in `docs/acled-mapping.md`):
//!
//! | column | value |
//! | --- | --- |
//! | `event_id_cnty` | three-letter country prefix + incident id without its `inc-` prefix: `inc-3f2a9c01b7de` in China → `CHN3f2a9c01b7de`. The prefix is the ISO alpha-3 code (`CHN`; Hong Kong and Macau also `CHN`, as ACLED files them under China), else the alpha-2 code padded with `X`, `XXX` without a location. It is always three letters, so `"inc-" + event_id_cnty[3..]` gives the recount id back (ids without `inc-` are kept whole). |
//! | `event_date` | ISO `YYYY-MM-DD`, the first day of the period for month or year dates; empty when the date is unknown |
//! | `year` | the year of `date`; empty when unknown |
//! | `time_precision` | ACLED's codebook: 1 = day, 2 = week, 3 = month or longer; recount's month and year dates take 3, and 2 never appears; empty when the date is unknown |
//! | `event_type` / `sub_event_type` | strike and protest → `Protests` / `Peaceful protest`, or `Protest with intervention` when the best `arrested` figure is above 0 (ACLED counts arrests as intervention). accident → `Strategic developments` / `Other`: ACLED has no accident type, and this is its catch-all for non-violent events of note. corruption and enforcement → `Strategic developments` / `Arrests` when arrests > 0, else `Other`. crime and other → `Strategic developments` / `Other` |
//! | `actor1` | strike → `Labor Group (<country>)`, protest → `Protesters (<country>)`: the organisations recount lists for these are employers and authorities, the target rather than the actor. Other types → the first organisation's English name, else its name, else empty |
//! | `country` | ACLED's English country name for the place's ISO code (`CN` → `China`); a small built-in table, overridable through [`AdminNames::country_name`], else the code itself |
//! | `admin1`, `admin2`, `admin3` | province, prefecture, county in English, from [`AdminNames::admin_names`]; a slot the hook leaves empty and that matches the place's own level gets the place's `name_en` (so [`NoAdminNames`] fills only that one). Hong Kong and Macau get their name as `admin1` |
//! | `location` | the place's `detail`, else `name_en`, else `name`, else the country name |
//! | `latitude`, `longitude` | the place's coordinates; empty when unknown |
//! | `geo_precision` | 1 = county or finer with coordinates; 2 = prefecture, or county or finer without coordinates; 3 = province or country; empty without a location |
//! | `source` | the source document ids joined with `; ` |
//! | `notes` | `<title>. Date: <date>[ to <date_end>]. Figures: 53 dead (claims from 4 to 53), 6 injured. Flags: figure_conflict.` |
//! | `fatalities` | the lowest claimed `dead` figure (ACLED codes the most conservative report), 0 when there is none |
//! | `timestamp` | unix seconds of `updated_at` (RFC 3339; a bare date counts as midnight UTC); 0 when absent or unreadable |

use crate::country;
use crate::table::number;
use crate::ExportError;
use chrono::{DateTime, NaiveDateTime};
use recount_model::{
    FigureKind, Incident, IncidentType, PartialDate, Place, PlaceLevel, Precision,
};
use std::borrow::Borrow;
use std::fmt::Write as _;
use std::io::Write;

const FORMAT: &str = "acled-csv";

/// ACLED's column names, in the order [`write_acled_csv`] writes them.
pub const ACLED_COLUMNS: [&str; 19] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "timestamp",
];

/// Names of the administrative units that contain a Chinese place, for ACLED's admin
/// columns.
///
/// An incident only carries its own unit (adcode, level, names); the province and
/// prefecture above a county come from a gazetteer, which implements this trait. The
/// writer calls it once per incident that has an adcode, so keep it a lookup, not a search.
pub trait AdminNames {
    /// English names of the `[province, prefecture, county]` containing `adcode`
    /// (ACLED's admin1, admin2, admin3); `None` where unknown or not applicable.
    fn admin_names(&self, adcode: &str) -> [Option<String>; 3];

    /// ACLED's English name for an ISO 3166-1 alpha-2 code; `None` (the default) falls
    /// back to the export's small built-in table, then to the code itself.
    fn country_name(&self, _iso2: &str) -> Option<String> {
        None
    }
}

/// An [`AdminNames`] that knows no units: the writer then fills only the admin column
/// of the incident's own level, from the incident's `name_en`. Costs nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAdminNames;

impl AdminNames for NoAdminNames {
    fn admin_names(&self, _adcode: &str) -> [Option<String>; 3] {
        [None, None, None]
    }
}

/// One incident as one ACLED row: every column of [`ACLED_COLUMNS`] as a typed field.
///
/// Public so that other outputs (an API, a test) can reuse the mapping without going
/// through CSV. Building one costs a few small strings.
#[derive(Debug, Clone, PartialEq)]
pub struct AcledEvent {
    /// Country prefix + incident id without `inc-`, e.g. `CHN3f2a9c01b7de`.
    pub event_id_cnty: String,
    /// `YYYY-MM-DD` (first day of a month or year), or empty when the incident has no date.
    pub event_date: String,
    /// Year of the incident's date.
    pub year: Option<i32>,
    /// 1 = day, 2 = month, 3 = year.
    pub time_precision: Option<u8>,
    /// `Protests` or `Strategic developments`.
    pub event_type: &'static str,
    /// `Peaceful protest`, `Protest with intervention`, `Arrests` or `Other`.
    pub sub_event_type: &'static str,
    /// The crowd for strikes and protests, else the first organisation; may be empty.
    pub actor1: String,
    /// ACLED's English country name, or the ISO code when unknown; empty without a place.
    pub country: String,
    /// Province, in English.
    pub admin1: String,
    /// Prefecture, in English.
    pub admin2: String,
    /// County, in English.
    pub admin3: String,
    /// The finest place text: detail, else English name, else local name, else country.
    pub location: String,
    /// Latitude of the place, when known.
    pub latitude: Option<f64>,
    /// Longitude of the place, when known.
    pub longitude: Option<f64>,
    /// 1 = county or finer with coordinates, 2 = prefecture (or finer without
    /// coordinates), 3 = province or country.
    pub geo_precision: Option<u8>,
    /// Source document ids joined with `; `.
    pub source: String,
    /// Title, date, best figures in words (with the spread of claims) and flags.
    pub notes: String,
    /// Best `dead` figure, 0 when there is none.
    pub fatalities: i64,
    /// Unix seconds of `updated_at`, 0 when absent or unreadable.
    pub timestamp: i64,
}

impl AcledEvent {
    /// Maps one incident by the rules in the module documentation.
    pub fn from_incident(inc: &Incident, names: &dyn AdminNames) -> Self {
        let place = inc.location.as_ref();
        let country = place
            .map(|p| {
                names
                    .country_name(&p.country)
                    .unwrap_or_else(|| country::name(&p.country))
            })
            .unwrap_or_default();
        let [admin1, admin2, admin3] = admin_columns(place, names);
        let (event_type, sub_event_type) = event_type(inc);
        AcledEvent {
            event_id_cnty: event_id(inc),
            event_date: inc
                .date
                .map(|d| d.first_day().format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            year: inc.date.map(|d| d.year),
            time_precision: inc.date.map(|d| time_precision(&d)),
            event_type,
            sub_event_type,
            actor1: actor1(inc, &country),
            admin1,
            admin2,
            admin3,
            location: place
                .and_then(|p| {
                    [&p.detail, &p.name_en, &p.name]
                        .into_iter()
                        .flatten()
                        .find(|s| !s.trim().is_empty())
                        .cloned()
                })
                .unwrap_or_else(|| country.clone()),
            latitude: place.and_then(|p| p.lat),
            longitude: place.and_then(|p| p.lon),
            geo_precision: place.map(geo_precision),
            source: inc
                .sources
                .iter()
                .map(|s| s.doc.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            notes: notes(inc),
            // ACLED codes the most conservative reported toll.
            fatalities: inc
                .figures
                .get(&FigureKind::Dead)
                .and_then(|f| f.low.or(f.best))
                .unwrap_or(0),
            timestamp: inc.updated_at.as_deref().map(unix_seconds).unwrap_or(0),
            country,
        }
    }

    /// The row's cells in [`ACLED_COLUMNS`] order; absent values are empty cells.
    pub fn cells(&self) -> [String; 19] {
        [
            self.event_id_cnty.clone(),
            self.event_date.clone(),
            number(self.year),
            number(self.time_precision),
            self.event_type.to_string(),
            self.sub_event_type.to_string(),
            self.actor1.clone(),
            self.country.clone(),
            self.admin1.clone(),
            self.admin2.clone(),
            self.admin3.clone(),
            self.location.clone(),
            number(self.latitude),
            number(self.longitude),
            number(self.geo_precision),
            self.source.clone(),
            self.notes.clone(),
            self.fatalities.to_string(),
            self.timestamp.to_string(),
        ]
    }
}

/// Writes incidents one at a time as ACLED rows.
///
/// The header is written by [`AcledWriter::new`]. Output is buffered by the `csv` crate
/// (8 KiB); call [`AcledWriter::finish`] to flush it and see a failed final write. Each
/// row costs one [`AdminNames::admin_names`] call when the incident has an adcode.
pub struct AcledWriter<'n, W: Write> {
    out: csv::Writer<W>,
    names: &'n dyn AdminNames,
    count: usize,
}

impl<'n, W: Write> AcledWriter<'n, W> {
    /// Starts an ACLED export and writes the header row.
    pub fn new(out: W, names: &'n dyn AdminNames) -> Result<Self, ExportError> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(ACLED_COLUMNS)
            .map_err(|e| ExportError::from_csv(FORMAT, None, e))?;
        Ok(AcledWriter {
            out,
            names,
            count: 0,
        })
    }

    /// Appends one incident as one row.
    pub fn write(&mut self, incident: &Incident) -> Result<(), ExportError> {
        let event = AcledEvent::from_incident(incident, self.names);
        self.out
            .write_record(event.cells())
            .map_err(|e| ExportError::from_csv(FORMAT, Some(&incident.id), e))?;
        self.count += 1;
        Ok(())
    }

    /// How many incident rows have been written so far (the header not counted).
    pub fn count(&self) -> usize {
        self.count
    }

    /// Flushes the buffer and hands back the underlying writer.
    pub fn finish(self) -> Result<W, ExportError> {
        self.out
            .into_inner()
            .map_err(|e| ExportError::write(FORMAT, None, e.into_error()))
    }
}

/// Writes ACLED's header and one row per incident; returns how many rows were written.
///
/// `names` supplies the province/prefecture/county above each place; pass
/// [`NoAdminNames`] when no gazetteer is at hand. Accepts `&Incident` or owned `Incident`
/// items; memory stays at one row plus the CSV buffer. Stops at the first failure.
pub fn write_acled_csv<W, I>(
    out: W,
    incidents: I,
    names: &dyn AdminNames,
) -> Result<usize, ExportError>
where
    W: Write,
    I: IntoIterator,
    I::Item: Borrow<Incident>,
{
    let mut writer = AcledWriter::new(out, names)?;
    for incident in incidents {
        writer.write(incident.borrow())?;
    }
    let count = writer.count();
    writer.finish()?;
    Ok(count)
}

fn event_id(inc: &Incident) -> String {
    let prefix = inc
        .location
        .as_ref()
        .map(|p| country::alpha3(&p.country))
        .unwrap_or_else(|| "XXX".to_string());
    let suffix = inc.id.strip_prefix("inc-").unwrap_or(&inc.id);
    format!("{prefix}{suffix}")
}

fn time_precision(date: &PartialDate) -> u8 {
    match date.precision() {
        // ACLED: 1 = the day, 2 = the week, 3 = the month or a longer span.
        Precision::Day => 1,
        Precision::Month | Precision::Year => 3,
    }
}

fn event_type(inc: &Incident) -> (&'static str, &'static str) {
    let arrests = inc.best(FigureKind::Arrested).unwrap_or(0) > 0;
    match inc.kind {
        IncidentType::Strike | IncidentType::Protest if arrests => {
            ("Protests", "Protest with intervention")
        }
        IncidentType::Strike | IncidentType::Protest => ("Protests", "Peaceful protest"),
        IncidentType::Corruption | IncidentType::Enforcement if arrests => {
            ("Strategic developments", "Arrests")
        }
        IncidentType::Accident
        | IncidentType::Corruption
        | IncidentType::Enforcement
        | IncidentType::Crime
        | IncidentType::Other => ("Strategic developments", "Other"),
    }
}

fn actor1(inc: &Incident, country: &str) -> String {
    let group = |label: &str| {
        if country.is_empty() {
            label.to_string()
        } else {
            format!("{label} ({country})")
        }
    };
    match inc.kind {
        IncidentType::Strike => group("Labor Group"),
        IncidentType::Protest => group("Protesters"),
        _ => inc
            .organizations
            .first()
            .map(|o| o.name_en.clone().unwrap_or_else(|| o.name.clone()))
            .unwrap_or_default(),
    }
}

/// `[admin1, admin2, admin3]`: the hook's names, with the place's own level filled from
/// its `name_en` where the hook had nothing.
fn admin_columns(place: Option<&Place>, names: &dyn AdminNames) -> [String; 3] {
    let Some(place) = place else {
        return Default::default();
    };
    let mut admin = match place.adcode.as_deref() {
        Some(adcode) => names.admin_names(adcode),
        None => [None, None, None],
    };
    let own = match place.level {
        PlaceLevel::Province => Some(0),
        PlaceLevel::Prefecture => Some(1),
        PlaceLevel::County => Some(2),
        // A township, village or site's name is not a county name; it goes to `location`.
        PlaceLevel::Country | PlaceLevel::Township | PlaceLevel::Village | PlaceLevel::Site => None,
    };
    if let Some(i) = own {
        if admin[i].is_none() {
            admin[i] = place.name_en.clone();
        }
    }
    if admin[0].is_none() {
        admin[0] = country::region_of_china(&place.country).map(str::to_string);
    }
    admin.map(Option::unwrap_or_default)
}

fn geo_precision(place: &Place) -> u8 {
    let has_point = place.lat.is_some() && place.lon.is_some();
    match place.level {
        PlaceLevel::County | PlaceLevel::Township | PlaceLevel::Village | PlaceLevel::Site
            if has_point =>
        {
            1
        }
        PlaceLevel::County
        | PlaceLevel::Township
        | PlaceLevel::Village
        | PlaceLevel::Site
        | PlaceLevel::Prefecture => 2,
        PlaceLevel::Province | PlaceLevel::Country => 3,
    }
}

/// How a figure reads in prose; amounts are money, the rest are counts of people.
fn figure_words(kind: FigureKind, n: i64) -> String {
    match kind {
        FigureKind::Dead => format!("{n} dead"),
        FigureKind::Injured => format!("{n} injured"),
        FigureKind::Missing => format!("{n} missing"),
        FigureKind::Trapped => format!("{n} trapped"),
        FigureKind::Arrested => format!("{n} arrested"),
        FigureKind::Participants if n == 1 => "1 participant".to_string(),
        FigureKind::Participants => format!("{n} participants"),
        FigureKind::AmountCny => format!("CNY {n} involved"),
    }
}

fn notes(inc: &Incident) -> String {
    let mut notes = inc.title.trim().to_string();
    // A headline may already end a sentence; don't double its stop.
    if !notes.is_empty() && !notes.ends_with(['.', '!', '?', '。', '！', '？']) {
        notes.push('.');
    }
    let mut sentence = |s: &str| {
        if !notes.is_empty() {
            notes.push(' ');
        }
        notes.push_str(s);
    };
    if let Some(date) = inc.date {
        match inc.date_end.filter(|end| *end != date) {
            Some(end) => sentence(&format!("Date: {date} to {end}.")),
            None => sentence(&format!("Date: {date}.")),
        }
    }
    let figures: Vec<String> = inc
        .figures
        .iter()
        .filter_map(|(kind, figure)| {
            let mut words = figure_words(*kind, figure.best?);
            // The spread of claims is the point of recount's records: keep it visible.
            if let (Some(low), Some(high)) = (figure.low, figure.high) {
                if low != high {
                    let _ = write!(words, " (claims from {low} to {high})");
                }
            }
            if let Some(sup) = &figure.superseded {
                let _ = write!(
                    words,
                    ", no longer standing (accounted for by {} {})",
                    sup.value, sup.by
                );
            }
            Some(words)
        })
        .collect();
    if !figures.is_empty() {
        sentence(&format!("Figures: {}.", figures.join(", ")));
    }
    if !inc.flags.is_empty() {
        let flags: Vec<&str> = inc.flags.iter().map(|f| f.as_str()).collect();
        sentence(&format!("Flags: {}.", flags.join(", ")));
    }
    notes
}

/// Unix seconds of an RFC 3339 time, a `YYYY-MM-DD HH:MM:SS` time taken as UTC, or a
/// partial date taken as midnight UTC of its first day; 0 when none of these reads.
fn unix_seconds(s: &str) -> i64 {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return t.timestamp();
    }
    for layout in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, layout) {
            return t.and_utc().timestamp();
        }
    }
    s.parse::<PartialDate>()
        .ok()
        .and_then(|d| d.first_day().and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use recount_model::{Figure, Organization};
    use std::collections::BTreeMap;

    fn incident(kind: IncidentType) -> Incident {
        Incident {
            id: "inc-0123456789ab".into(),
            kind,
            sector: None,
            mechanism: None,
            grievance: None,
            date: None,
            date_end: None,
            location: None,
            organizations: vec![],
            figures: BTreeMap::new(),
            flags: vec![],
            sources: vec![],
            related: vec![],
            title: "A title".into(),
            title_zh: None,
            updated_at: None,
        }
    }

    fn place(level: PlaceLevel, lat: Option<f64>) -> Place {
        Place {
            country: "CN".into(),
            adcode: Some("152921".into()),
            level,
            name: Some("阿拉善左旗".into()),
            name_en: Some("Alxa Left Banner".into()),
            detail: None,
            lat,
            lon: lat.map(|_| 105.67),
        }
    }

    fn figure(best: i64, low: i64, high: i64) -> Figure {
        Figure {
            best: Some(best),
            low: Some(low),
            high: Some(high),
            superseded: None,
            claims: vec![],
        }
    }

    #[test]
    fn event_types_follow_the_documented_table() {
        let arrested = |kind, n| {
            let mut inc = incident(kind);
            inc.figures.insert(FigureKind::Arrested, figure(n, n, n));
            event_type(&inc)
        };
        let table = [
            (IncidentType::Strike, 0, ("Protests", "Peaceful protest")),
            (
                IncidentType::Strike,
                2,
                ("Protests", "Protest with intervention"),
            ),
            (IncidentType::Protest, 0, ("Protests", "Peaceful protest")),
            (
                IncidentType::Protest,
                5,
                ("Protests", "Protest with intervention"),
            ),
            (
                IncidentType::Accident,
                3,
                ("Strategic developments", "Other"),
            ),
            (
                IncidentType::Corruption,
                0,
                ("Strategic developments", "Other"),
            ),
            (
                IncidentType::Corruption,
                1,
                ("Strategic developments", "Arrests"),
            ),
            (
                IncidentType::Enforcement,
                4,
                ("Strategic developments", "Arrests"),
            ),
            (IncidentType::Crime, 9, ("Strategic developments", "Other")),
            (IncidentType::Other, 0, ("Strategic developments", "Other")),
        ];
        for (kind, n, expected) in table {
            assert_eq!(arrested(kind, n), expected, "{kind} with {n} arrested");
        }
    }

    #[test]
    fn event_id_has_a_three_letter_prefix_and_the_id_suffix() {
        let mut inc = incident(IncidentType::Accident);
        assert_eq!(event_id(&inc), "XXX0123456789ab");
        inc.location = Some(place(PlaceLevel::County, None));
        assert_eq!(event_id(&inc), "CHN0123456789ab");
        inc.id = "manual-7".into();
        assert_eq!(event_id(&inc), "CHNmanual-7");
    }

    #[test]
    fn geo_precision_by_level_and_coordinates() {
        let cases = [
            (PlaceLevel::Site, Some(38.8), 1),
            (PlaceLevel::County, Some(38.8), 1),
            (PlaceLevel::County, None, 2),
            (PlaceLevel::Prefecture, Some(38.8), 2),
            (PlaceLevel::Province, Some(38.8), 3),
            (PlaceLevel::Country, None, 3),
        ];
        for (level, lat, expected) in cases {
            assert_eq!(
                geo_precision(&place(level, lat)),
                expected,
                "{level} {lat:?}"
            );
        }
    }

    struct Gazetteer;
    impl AdminNames for Gazetteer {
        fn admin_names(&self, _adcode: &str) -> [Option<String>; 3] {
            [
                Some("Inner Mongolia".into()),
                Some("Alxa League".into()),
                None,
            ]
        }
    }

    #[test]
    fn admin_columns_merge_the_hook_with_the_place_level() {
        let county = place(PlaceLevel::County, None);
        assert_eq!(
            admin_columns(Some(&county), &NoAdminNames),
            ["", "", "Alxa Left Banner"]
        );
        assert_eq!(
            admin_columns(Some(&county), &Gazetteer),
            ["Inner Mongolia", "Alxa League", "Alxa Left Banner"]
        );
        let site = place(PlaceLevel::Site, None);
        assert_eq!(admin_columns(Some(&site), &NoAdminNames), ["", "", ""]);
        let hong_kong = Place {
            country: "HK".into(),
            adcode: None,
            level: PlaceLevel::Country,
            name: None,
            name_en: None,
            detail: None,
            lat: None,
            lon: None,
        };
        assert_eq!(
            admin_columns(Some(&hong_kong), &NoAdminNames),
            ["Hong Kong", "", ""]
        );
    }

    #[test]
    fn actor1_is_the_crowd_for_protests_and_the_organisation_otherwise() {
        let mut strike = incident(IncidentType::Strike);
        strike.organizations.push(Organization {
            name: "坤源煤矿".into(),
            name_en: Some("Kunyuan Coal Mine".into()),
            role: Some("employer".into()),
        });
        assert_eq!(actor1(&strike, "China"), "Labor Group (China)");
        assert_eq!(
            actor1(&incident(IncidentType::Protest), "Serbia"),
            "Protesters (Serbia)"
        );
        let mut accident = strike.clone();
        accident.kind = IncidentType::Accident;
        assert_eq!(actor1(&accident, "China"), "Kunyuan Coal Mine");
        accident.organizations[0].name_en = None;
        assert_eq!(actor1(&accident, "China"), "坤源煤矿");
        assert_eq!(actor1(&incident(IncidentType::Crime), "China"), "");
    }

    #[test]
    fn notes_carry_title_date_figures_spread_and_flags() {
        let mut inc = incident(IncidentType::Accident);
        inc.title = "Open-pit mine collapse in Alxa Left Banner".into();
        inc.date = "2023-02-22".parse().ok();
        inc.figures.insert(FigureKind::Dead, figure(53, 4, 53));
        inc.figures.insert(FigureKind::Injured, figure(6, 6, 6));
        inc.flags.push(recount_model::Flag::FigureConflict);
        assert_eq!(
            notes(&inc),
            "Open-pit mine collapse in Alxa Left Banner. Date: 2023-02-22. \
             Figures: 53 dead (claims from 4 to 53), 6 injured. Flags: figure_conflict."
        );
        inc.title = "Why?".into();
        inc.figures.clear();
        inc.flags.clear();
        inc.date_end = "2023-03".parse().ok();
        assert_eq!(notes(&inc), "Why? Date: 2023-02-22 to 2023-03.");
    }

    #[test]
    fn timestamps_read_rfc3339_naive_times_and_dates() {
        assert_eq!(unix_seconds("2025-11-01T12:00:00Z"), 1_761_998_400);
        assert_eq!(
            unix_seconds("2025-11-01T20:00:00+08:00"),
            unix_seconds("2025-11-01T12:00:00Z")
        );
        assert_eq!(
            unix_seconds("2025-11-01 12:00:00"),
            unix_seconds("2025-11-01T12:00:00Z")
        );
        assert_eq!(unix_seconds("1970-01-02"), 86_400);
        assert_eq!(unix_seconds("yesterday"), 0);
    }
}
