//! The merge decision: whether a report tells the same event as an incident's reports,
//! with the evidence for and against, and which of several candidate incidents it joins.
//!
//! The store reads the candidates (blocking keys: province × date window, organisation
//! and site keys) and persists the answer; everything that decides lives here, pure.
//!
//! Evidence between two reports, in points:
//! - place: the same coded unit +2, one inside the other +1 (two events of a kind in the
//!   same foreign country and days +1); incompatible places rule a pair out;
//! - days between their dates (day-precise both): 0 or 1 day +2, 2 days +1, 3 days 0;
//!   further apart rules a pair out. Coarser dates must overlap (+1). A date that rests
//!   on a fallback (`date_uncertain`) counts at most +1;
//! - a shared organisation or site key +2; both name sites (mines, factories) and none
//!   is shared −4 (the same county with another mine is another event, whatever else
//!   agrees);
//! - the same mechanism +1, the same grievance +1;
//! - a death count both give +1; a later report giving fewer dead than an earlier one,
//!   both exact and undisputed, −1 (a toll rises or is disputed; it does not shrink).
//!
//! A report joins the best-scoring candidate at [`MATCH_THRESHOLD`] or above (the
//! smaller id wins a tie, so the result does not depend on the order candidates come).

use recount_model::{FigureKind, IncidentType, Precision, Qualifier, Report};
use std::fmt;

/// Minimum score for a report to join an incident.
pub const MATCH_THRESHOLD: i32 = 3;

/// Day-precise reports further apart than this are two events.
pub const MAX_GAP_DAYS: i64 = 3;

/// How far apart [`compare`] in its loose form (for reviewers' lists of likely
/// duplicates) lets two day-precise dates be; each day beyond [`MAX_GAP_DAYS`] costs a
/// point.
pub const LOOSE_GAP_DAYS: i64 = 10;

/// One piece of evidence, for or against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    SamePlace,
    PlaceInside,
    SameCountryAbroad,
    DaysApart(i64),
    DatesOverlap,
    SharedName,
    OtherSite,
    SameMechanism,
    SameGrievance,
    SameDead,
    TollFell {
        earlier: i64,
        later: i64,
    },
    /// Loose comparison only: two reports of one document, which extraction read as two
    /// events.
    SameDocument,
}

impl Point {
    /// What the point adds to the score.
    pub fn weight(&self) -> i32 {
        match self {
            Point::SamePlace => 2,
            Point::PlaceInside | Point::SameCountryAbroad => 1,
            Point::DaysApart(d) => match d {
                0 | 1 => 2,
                2 => 1,
                3 => 0,
                d => -((*d - MAX_GAP_DAYS) as i32),
            },
            Point::DatesOverlap => 1,
            Point::SharedName => 2,
            Point::OtherSite => -4,
            Point::SameMechanism | Point::SameGrievance | Point::SameDead => 1,
            Point::TollFell { .. } => -1,
            Point::SameDocument => -2,
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::SamePlace => write!(f, "same place"),
            Point::PlaceInside => write!(f, "one place inside the other"),
            Point::SameCountryAbroad => write!(f, "same country abroad"),
            Point::DaysApart(0) => write!(f, "same day"),
            Point::DaysApart(1) => write!(f, "1 day apart"),
            Point::DaysApart(d) => write!(f, "{d} days apart"),
            Point::DatesOverlap => write!(f, "dates overlap"),
            Point::SharedName => write!(f, "same organisation or site"),
            Point::OtherSite => write!(f, "different sites named"),
            Point::SameMechanism => write!(f, "same mechanism"),
            Point::SameGrievance => write!(f, "same grievance"),
            Point::SameDead => write!(f, "same death count"),
            Point::TollFell { earlier, later } => {
                write!(f, "toll fell from {earlier} to {later} dead")
            }
            Point::SameDocument => write!(f, "read as two events of one document"),
        }
    }
}

/// Why two reports cannot tell one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuledOut {
    Kinds(IncidentType, IncidentType),
    Places,
    DaysApart(i64),
    Dates,
    NoDateNoName,
    SameDocument,
}

impl fmt::Display for RuledOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuledOut::Kinds(a, b) => write!(f, "{} and {}", a.as_str(), b.as_str()),
            RuledOut::Places => write!(f, "places in different units"),
            RuledOut::DaysApart(d) => write!(f, "{d} days apart"),
            RuledOut::Dates => write!(f, "dates that do not overlap"),
            RuledOut::NoDateNoName => write!(f, "no date and no shared name"),
            RuledOut::SameDocument => write!(f, "two events of one document"),
        }
    }
}

/// The evidence between two reports: the points found, or what rules the pair out.
pub type Evidence = Result<Vec<Point>, RuledOut>;

/// The score of a list of points.
pub fn score(points: &[Point]) -> i32 {
    points.iter().map(Point::weight).sum()
}

/// The evidence that `a` and `b` tell one event. `loose` (for reviewers' lists of
/// likely duplicates) lets day-precise dates be up to [`LOOSE_GAP_DAYS`] apart and two
/// reports of one document be compared, each at a cost in points.
pub fn compare(a: &Report, b: &Report, loose: bool) -> Evidence {
    let mut points = Vec::new();
    if !kinds_compatible(a.kind, b.kind) {
        return Err(RuledOut::Kinds(a.kind, b.kind));
    }
    if a.doc == b.doc {
        if !loose {
            return Err(RuledOut::SameDocument);
        }
        points.push(Point::SameDocument);
    }
    if let (Some(pa), Some(pb)) = (&a.place, &b.place) {
        if !crate::places_compatible(pa, pb) {
            return Err(RuledOut::Places);
        }
        match (&pa.adcode, &pb.adcode) {
            (Some(x), Some(y)) if x == y => points.push(Point::SamePlace),
            (Some(_), Some(_)) => points.push(Point::PlaceInside),
            (None, None) if !pa.country.eq_ignore_ascii_case("CN") => {
                points.push(Point::SameCountryAbroad)
            }
            _ => {}
        }
    }
    let shared = a.keys.iter().any(|k| b.keys.contains(k));
    match (&a.date, &b.date) {
        (Some(da), Some(db)) => {
            let gap = da.gap_days(db);
            let days = da.precision() == Precision::Day && db.precision() == Precision::Day;
            if days {
                let max = if loose { LOOSE_GAP_DAYS } else { MAX_GAP_DAYS };
                if gap > max {
                    return Err(RuledOut::DaysApart(gap));
                }
                // A date read from a fallback says little about the day.
                let gap = if a.date_uncertain || b.date_uncertain {
                    gap.max(2)
                } else {
                    gap
                };
                points.push(Point::DaysApart(gap));
            } else if gap > 0 {
                return Err(RuledOut::Dates);
            } else {
                points.push(Point::DatesOverlap);
            }
        }
        // Without dates on both sides only a shared name can tie two reports.
        _ if !shared => return Err(RuledOut::NoDateNoName),
        _ => {}
    }
    if shared {
        points.push(Point::SharedName);
    } else if names_site(a) && names_site(b) {
        points.push(Point::OtherSite);
    }
    if a.mechanism.is_some() && a.mechanism == b.mechanism {
        points.push(Point::SameMechanism);
    }
    if a.grievance.is_some() && a.grievance == b.grievance {
        points.push(Point::SameGrievance);
    }
    let (da, db) = (dead_counts(a), dead_counts(b));
    if da.iter().any(|x| db.contains(x)) {
        points.push(Point::SameDead);
    } else if let Some(fell) = toll_fell(a, b) {
        points.push(fell);
    }
    Ok(points)
}

/// Score of the evidence that `report` tells the same event as the incident made of
/// `members`: the best of its pairs; `None` when every pair is ruled out. Reports of
/// the same document never merge here: extraction has already joined the tellings
/// within one document, so two reports from one document are two events.
pub fn match_score(report: &Report, members: &[Report]) -> Option<i32> {
    if members.iter().any(|m| m.doc == report.doc) {
        return None;
    }
    members
        .iter()
        .filter_map(|m| compare(report, m, false).ok())
        .map(|p| score(&p))
        .max()
}

/// Everything of a report that [`compare`] reads, but its document, and the end of its
/// dates (which the store's candidate search reads): two reports with the same
/// signature score the same against any third (the same-document rule aside, which
/// looks at `doc`) and are found by the same searches. The store keeps it with each
/// report, so matching a report against an incident of thousands of alike tellings
/// compares it with one of each kind, not with all. Canonical JSON; a field [`compare`]
/// comes to read must be added here (the tests hold the two together).
pub fn match_signature(r: &Report) -> String {
    let dead: Vec<_> = r
        .claims
        .iter()
        .filter(|c| c.kind == FigureKind::Dead)
        .map(|c| (c.value, c.qualifier, c.disputed))
        .collect();
    serde_json::json!([
        r.kind,
        r.place,
        r.date,
        r.date_end,
        r.date_uncertain,
        r.keys,
        r.mechanism,
        r.grievance,
        dead,
        r.as_of,
    ])
    .to_string()
}

/// The candidate incident `report` joins, with its score: the best at
/// [`MATCH_THRESHOLD`] or above, the smallest id on a tie; `None` to start a new one.
pub fn choose<'a, I>(report: &Report, candidates: I) -> Option<(&'a str, i32)>
where
    I: IntoIterator<Item = (&'a str, &'a [Report])>,
{
    let mut best: Option<(&'a str, i32)> = None;
    for (id, members) in candidates {
        let Some(s) = match_score(report, members) else {
            continue;
        };
        if s >= MATCH_THRESHOLD && best.is_none_or(|(bid, bs)| s > bs || (s == bs && id < bid)) {
            best = Some((id, s));
        }
    }
    best
}

/// Types that one event can carry in different tellings (a corruption case is also
/// an enforcement action).
pub fn kinds_compatible(a: IncidentType, b: IncidentType) -> bool {
    use IncidentType::*;
    a == b
        || matches!(
            (a, b),
            (Corruption, Enforcement) | (Enforcement, Corruption)
        )
}

/// A key naming a site (a mine or a factory) rather than a company or a group.
fn is_site_key(k: &str) -> bool {
    k.ends_with("|mine") || k.ends_with("|factory")
}

fn names_site(r: &Report) -> bool {
    r.keys.iter().any(|k| is_site_key(k))
}

fn dead_counts(r: &Report) -> Vec<i64> {
    r.claims
        .iter()
        .filter(|c| c.kind == FigureKind::Dead)
        .map(|c| c.value)
        .collect()
}

/// The settled death count a report gives: its largest exact, undisputed one.
fn firm_dead(r: &Report) -> Option<i64> {
    r.claims
        .iter()
        .filter(|c| c.kind == FigureKind::Dead && c.qualifier == Qualifier::Exact && !c.disputed)
        .map(|c| c.value)
        .max()
}

/// A later report (by the day its claims were made) giving fewer dead than an earlier
/// one, both firm.
fn toll_fell(a: &Report, b: &Report) -> Option<Point> {
    let (ta, tb) = (a.as_of?.first_day(), b.as_of?.first_day());
    let (da, db) = (firm_dead(a)?, firm_dead(b)?);
    let (earlier, later) = match ta.cmp(&tb) {
        std::cmp::Ordering::Less => (da, db),
        std::cmp::Ordering::Greater => (db, da),
        std::cmp::Ordering::Equal => return None,
    };
    (later < earlier).then_some(Point::TollFell { earlier, later })
}
