//! Turns `recount incidents` flags into a store filter; place names go through the
//! gazetteer so that 内蒙古, "Inner Mongolia" and 150000 mean the same.

use crate::ListArgs;
use anyhow::{bail, Result};
use recount_model::{IncidentType, PartialDate};
use recount_store::Filter;

pub fn filter(args: &ListArgs) -> Result<Filter> {
    let date = |s: &Option<String>, flag: &str| -> Result<Option<PartialDate>> {
        s.as_deref()
            .map(|v| {
                v.parse::<PartialDate>()
                    .map_err(|e| anyhow::anyhow!("--{flag}: {e}"))
            })
            .transpose()
    };
    let kind = args
        .kind
        .as_deref()
        .map(|k| {
            k.parse::<IncidentType>()
                .map_err(|e| anyhow::anyhow!("--type: {e}"))
        })
        .transpose()?;
    let mut f = Filter {
        kind,
        from: date(&args.from, "from")?.map(|d| d.first_day()),
        to: date(&args.to, "to")?.map(|d| d.last_day()),
        min_dead: args.min_dead,
        limit: args.limit,
        ..Filter::default()
    };
    if let Some(place) = args.place.as_deref().map(str::trim) {
        let (adcodes, countries) = resolve_place(place);
        if adcodes.is_empty() && countries.is_empty() {
            bail!("--place: no province, prefecture, county or country is called '{place}'");
        }
        f.adcodes = adcodes;
        f.countries = countries;
    }
    Ok(f)
}

/// Adcodes and country codes a place argument names.
pub fn resolve_place(place: &str) -> (Vec<String>, Vec<String>) {
    recount_geo::gazetteer().filter_codes(place)
}
