//! Statistics, recurrence and risk over the incidents a store [`Filter`] selects, shared
//! by `recount stats` / `recount risk` and the web API's `/api/stats` / `/api/risk`.
//!
//! Incidents are read with [`Store::visit_incidents`], a page at a time, and folded into
//! per-group accumulators, so memory grows with the number of groups (and, for risk,
//! with the incidents of the entities), never with the whole store at once.
//!
//! How an incident counts (the same rules in every output):
//! - **Places.** Grouped by the province, prefecture or county that contains its place
//!   (the gazetteer's hierarchy; a county directly under its province, such as Beijing's
//!   districts, groups under the province when grouping by prefecture). A place abroad
//!   groups under its ISO country code. No place, or a place coarser than the grouping
//!   (a province-wide incident grouped by county), is `unknown`.
//! - **Time.** An incident counts in the month and year its date starts; a date known only
//!   to the year has month `unknown`; no date is `unknown`.
//! - **Facets.** No sector or grievance is `unknown`.
//! - **Organisations.** An incident counts once in each of its organisations, so the groups
//!   add up to more than the total; none is `unknown`. Chinese and English names of one
//!   organisation share the extractor's key (坤源煤矿 = Kunyuan Coal Mine); mines, factories
//!   and hospitals are also told apart by province, because same-named mines in different
//!   provinces are different mines.
//! - **Deaths.** `dead` sums the best figures, `dead_low` the low ones (the best when an
//!   incident has no low); `incidents_with_deaths` counts best figures above zero.
//! - **Deaths per million tonnes** (see [`production`]): coal-mining accidents' best deaths
//!   divided by the loaded coal production of the same places and years.

pub mod group;
pub mod keys;
pub mod production;
pub mod risk;

pub use group::{GroupBy, Grouper, StatRow};
pub use production::{parse_production_csv, Period, ProductionError, ProductionTable, Rate};
pub use risk::{Entity, Repeat, RiskBuilder, RiskOptions, RiskReport, RiskRow, Window};

use recount_store::{Filter, Store, StoreError};

/// Grouped statistics of the incidents `filter` selects (see the crate's rules).
/// Reads the store once, a page at a time, plus the production table.
pub fn stats(store: &dyn Store, filter: &Filter, by: GroupBy) -> Result<Vec<StatRow>, StoreError> {
    let production = ProductionTable::new(store.production()?);
    let mut grouper = Grouper::new(by);
    store.visit_incidents(filter, &mut |inc| grouper.add(inc))?;
    Ok(grouper.finish(&production, filter))
}

/// Recurrence and risk per entity over the incidents `filter` selects. Reads the store
/// once, a page at a time, plus the production table.
pub fn risk(
    store: &dyn Store,
    filter: &Filter,
    options: &RiskOptions,
) -> Result<RiskReport, StoreError> {
    let production = ProductionTable::new(store.production()?);
    let mut builder = RiskBuilder::new(options.by);
    store.visit_incidents(filter, &mut |inc| builder.add(inc))?;
    Ok(builder.finish(options, &production, filter))
}
