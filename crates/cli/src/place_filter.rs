//! Turns the listing flags (`recount incidents`, `search`, `stats`) into a store filter; place names go through the
//! gazetteer so that 内蒙古, "Inner Mongolia" and 150000 mean the same.

use anyhow::{bail, Result};
use recount_model::{IncidentType, PartialDate};
use recount_store::Filter;

/// The filter flags every listing-like command shares (`incidents`, `search`, `stats`, …).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// accident, strike, protest, corruption, enforcement, crime, other
    #[arg(long = "type")]
    pub kind: Option<String>,
    /// Earliest date (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long)]
    pub from: Option<String>,
    /// Latest date (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long)]
    pub to: Option<String>,
    /// A place by name (内蒙古, Inner Mongolia, 榆次区) or adcode; includes everything inside it.
    #[arg(long)]
    pub place: Option<String>,
    /// Only incidents with at least this many dead (best figure).
    #[arg(long)]
    pub min_dead: Option<i64>,
    /// At most this many incidents.
    #[arg(long)]
    pub limit: Option<usize>,
}

impl FilterArgs {
    /// The store filter these flags describe; a bad date, type or place is an error naming
    /// its flag.
    pub fn to_filter(&self) -> Result<Filter> {
        filter(self)
    }
}

fn filter(args: &FilterArgs) -> Result<Filter> {
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
