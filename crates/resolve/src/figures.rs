//! The figure policy: which of several claimed numbers to show, and when to warn.
//!
//! - `best` is the latest claim that is not itself disputed (a text saying an official
//!   figure was concealed, lowered or "reported only" disputes it). Claims made on the
//!   same day are read as one statement: the largest stands, because a text that gives
//!   a total and a part gives the total as the larger. An early count made while
//!   people were missing is therefore superseded by any later count.
//! - `low` is the most conservative value claimed (ACLED's convention), `high` the
//!   largest (the upper end of a range counts).
//! - `underreporting_suspected`: some claim is disputed, or an official claim is
//!   below an independent claim made at the same time or later.
//! - `figure_conflict`: the claims that remain once the toll settles (made within
//!   [`SETTLE_DAYS`] of the latest one) disagree — two accounts of one day, or a later
//!   count below an earlier one; a count that rises day by day is one toll — or a
//!   disputed claim differs from best.
//! - Claims below zero are no claims (no count is negative) and are left out.
//! - A count of people missing or trapped is `superseded` by the death toll when the
//!   dead counted later account for them (the dead then plus the missing), or when the
//!   toll was given again more than [`SETTLE_DAYS`] after the last count of missing: the
//!   search is over and the sources no longer count anyone missing. The count and its
//!   claims are kept; it no longer stands (see [`supersede_missing`]).

use recount_model::{Claim, Figure, FigureKind, Flag, Qualifier, Speaker, Superseded};
use std::collections::BTreeMap;

/// Claims made more than this many days before the latest claim are taken as early
/// counts that later ones supersede, not as disagreement.
pub const SETTLE_DAYS: i64 = 7;

/// Marker type naming the policy in docs and the README.
pub struct FigurePolicy;

/// Applies the figure policy to the claims of one quantity. Each claim comes with
/// whether the text disputes it. Returns the figure and the flags it raises.
pub fn figure_from_claims(list: &[(Claim, bool)]) -> (Figure, Vec<Flag>) {
    let mut claims: Vec<&(Claim, bool)> = list.iter().filter(|(c, _)| c.value >= 0).collect();
    // Deterministic order: as-of date, then source, then value.
    claims.sort_by(|(a, _), (b, _)| {
        a.as_of
            .map(|d| d.first_day())
            .cmp(&b.as_of.map(|d| d.first_day()))
            .then(a.source.cmp(&b.source))
            .then(a.value.cmp(&b.value))
    });
    let day = |c: &Claim| c.as_of.map(|d| d.first_day());
    let undisputed: Vec<&Claim> = claims.iter().filter(|(_, d)| !d).map(|(c, _)| c).collect();
    let pool: Vec<&Claim> = if undisputed.is_empty() {
        claims.iter().map(|(c, _)| c).collect()
    } else {
        undisputed
    };
    let latest = pool.iter().filter_map(|c| day(c)).max();
    let best = pool
        .iter()
        .filter(|c| day(c) == latest)
        .map(|c| c.value)
        .max();
    let low = claims.iter().map(|(c, _)| c.value).min();
    let high = claims
        .iter()
        .map(|(c, _)| c.value_max.unwrap_or(c.value).max(c.value))
        .max();

    let mut flags = Vec::new();
    let any_disputed = claims.iter().any(|(_, d)| *d);
    let official_below_independent = claims.iter().any(|(o, _)| {
        o.attributed_to == Some(Speaker::Official)
            && claims.iter().any(|(x, _)| {
                x.attributed_to != Some(Speaker::Official)
                    && x.value > o.value
                    && !is_lower_bound_of(o, x)
                    && day(x) >= day(o)
            })
    });
    if any_disputed || official_below_independent {
        flags.push(Flag::UnderreportingSuspected);
    }
    let latest_any = claims.iter().filter_map(|(c, _)| day(c)).max();
    let settled: Vec<&Claim> = claims
        .iter()
        .filter(|(c, d)| {
            !d && match (day(c), latest_any) {
                (Some(x), Some(l)) => (l - x).num_days() <= SETTLE_DAYS,
                _ => true,
            }
        })
        .map(|(c, _)| c)
        .collect();
    // A toll that rises from one day to a later one is a count going on, not two
    // accounts: only claims of one day that differ, or a later claim below an earlier
    // one, disagree.
    // (A family, witness or insider putting more dead than an earlier official count is
    // a dispute, not a rise.)
    let rise = |early: &Claim, late: &Claim| {
        let disputes = early.attributed_to == Some(Speaker::Official)
            && !matches!(
                late.attributed_to,
                Some(Speaker::Official) | Some(Speaker::Media)
            );
        early.value < late.value && !disputes
    };
    let rises = |a: &Claim, b: &Claim| match (day(a), day(b)) {
        (Some(x), Some(y)) if x < y => rise(a, b),
        (Some(x), Some(y)) if y < x => rise(b, a),
        _ => false,
    };
    let settled_disagree = settled.iter().any(|a| {
        settled
            .iter()
            .any(|b| a.value != b.value && !agree(a, b) && !agree(b, a) && !rises(a, b))
    });
    let disputed_differs = claims.iter().any(|(c, d)| *d && Some(c.value) != best);
    if settled_disagree || disputed_differs {
        flags.push(Flag::FigureConflict);
    }
    (
        Figure {
            best,
            low,
            high,
            superseded: None,
            claims: claims.iter().map(|(c, _)| c.clone()).collect(),
        },
        flags,
    )
}

/// `a` does not contradict `b`: a lower bound below b, an upper bound above b, or a
/// range that holds b.
fn agree(a: &Claim, b: &Claim) -> bool {
    match a.qualifier {
        Qualifier::AtLeast | Qualifier::MoreThan => b.value >= a.value,
        Qualifier::AtMost => b.value <= a.value,
        Qualifier::About => (b.value - a.value).abs() * 10 <= a.value.max(1),
        Qualifier::Range => b.value >= a.value && b.value <= a.value_max.unwrap_or(a.value),
        Qualifier::Exact => false,
    }
}

fn is_lower_bound_of(o: &Claim, x: &Claim) -> bool {
    matches!(o.qualifier, Qualifier::AtLeast | Qualifier::MoreThan) && x.value >= o.value
}

/// Marks the counts of people missing or trapped that the death toll accounts for (see
/// the module's policy). Their values and claims are kept.
pub fn supersede_missing(figures: &mut BTreeMap<FigureKind, Figure>) {
    let Some(dead) = figures.get(&FigureKind::Dead) else {
        return;
    };
    let day = |c: &Claim| c.as_of.map(|d| d.first_day());
    let firm = |c: &&Claim| !matches!(c.qualifier, Qualifier::AtMost);
    let mut marks = Vec::new();
    for kind in [FigureKind::Missing, FigureKind::Trapped] {
        let Some(fig) = figures.get(&kind) else {
            continue;
        };
        let (Some(count), Some(last)) = (fig.best, fig.claims.iter().filter_map(day).max()) else {
            continue;
        };
        let dead_then = dead
            .claims
            .iter()
            .filter(firm)
            .filter(|c| day(c).is_some_and(|d| d <= last))
            .map(|c| c.value)
            .max()
            .unwrap_or(0);
        let later = dead
            .claims
            .iter()
            .filter(firm)
            .filter(|c| day(c).is_some_and(|d| d > last))
            .max_by_key(|c| (day(c), c.value));
        let Some(later) = later else {
            continue;
        };
        let gap = day(later).map_or(0, |d| (d - last).num_days());
        if later.value >= dead_then + count || gap > SETTLE_DAYS {
            marks.push((
                kind,
                Superseded {
                    by: FigureKind::Dead,
                    value: later.value,
                    as_of: later.as_of,
                },
            ));
        }
    }
    for (kind, mark) in marks {
        if let Some(f) = figures.get_mut(&kind) {
            f.superseded = Some(mark);
        }
    }
}
