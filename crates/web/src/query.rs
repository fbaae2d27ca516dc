//! The listing's query parameters, shared by the API and the dashboard, and the opaque
//! cursor of its pages.

use crate::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use recount_model::{IncidentType, PartialDate};
use recount_store::{Cursor, Filter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Default and largest page of a listing.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

/// Which incidents: every parameter optional; empty values are ignored, so a form
/// submitted with blank fields means "no filter".
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// accident, strike, protest, corruption, enforcement, crime, other
    #[serde(rename = "type", default)]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// A province, prefecture, county or country by Chinese or English name, or an
    /// adcode; includes everything inside it.
    #[serde(default)]
    pub place: Option<String>,
    /// Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub from: Option<String>,
    /// Latest date: YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub to: Option<String>,
    /// At least this many dead (best figure).
    #[serde(default)]
    pub min_dead: Option<String>,
    /// Words in a title (either language), an organisation's name or a place's detail.
    #[serde(default)]
    pub q: Option<String>,
    /// Page size (default 50, at most 500).
    #[serde(default)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ListQuery {
    /// The store filter these parameters mean, without paging.
    pub fn filter(&self) -> Result<Filter, ApiError> {
        let date = |v: &Option<String>, name: &str| -> Result<Option<PartialDate>, ApiError> {
            given(v)
                .map(|s| {
                    s.parse::<PartialDate>()
                        .map_err(|e| ApiError::bad_request(format!("{name}: {e}")))
                })
                .transpose()
        };
        let kind = given(&self.kind)
            .map(|k| {
                k.parse::<IncidentType>()
                    .map_err(|e| ApiError::bad_request(format!("type: {e}")))
            })
            .transpose()?;
        let min_dead = given(&self.min_dead)
            .map(|n| {
                n.parse::<i64>()
                    .map_err(|_| ApiError::bad_request(format!("min_dead: '{n}' is not a number")))
            })
            .transpose()?;
        let mut f = Filter {
            kind,
            from: date(&self.from, "from")?.map(|d| d.first_day()),
            to: date(&self.to, "to")?.map(|d| d.last_day()),
            min_dead,
            text: given(&self.q).map(str::to_string),
            ..Filter::default()
        };
        if let Some(place) = given(&self.place) {
            let (adcodes, countries) = recount_geo::gazetteer().filter_codes(place);
            if adcodes.is_empty() && countries.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "place: no province, prefecture, county or country is called '{place}'"
                )));
            }
            f.adcodes = adcodes;
            f.countries = countries;
        }
        Ok(f)
    }

    /// The filter for one page: the cursor and the page size (one more than asked, to
    /// know whether another page follows).
    pub fn page(&self) -> Result<(Filter, usize), ApiError> {
        let mut f = self.filter()?;
        let limit = given(&self.limit)
            .map(|n| {
                n.parse::<usize>()
                    .ok()
                    .filter(|&n| (1..=MAX_LIMIT).contains(&n))
                    .ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "limit: '{n}' is not between 1 and {MAX_LIMIT}"
                        ))
                    })
            })
            .transpose()?
            .unwrap_or(DEFAULT_LIMIT);
        f.after = given(&self.cursor).map(decode_cursor).transpose()?;
        f.limit = Some(limit + 1);
        Ok((f, limit))
    }

    /// The query string of these parameters with some replaced (`None` drops one), for
    /// links that keep the current view.
    pub fn with(&self, changes: &[(&str, Option<&str>)]) -> String {
        let mut pairs: Vec<(&str, String)> = [
            ("type", &self.kind),
            ("place", &self.place),
            ("from", &self.from),
            ("to", &self.to),
            ("min_dead", &self.min_dead),
            ("q", &self.q),
            ("limit", &self.limit),
            ("cursor", &self.cursor),
        ]
        .into_iter()
        .filter_map(|(k, v)| given(v).map(|v| (k, v.to_string())))
        .collect();
        for (k, v) in changes {
            pairs.retain(|(pk, _)| pk != k);
            if let Some(v) = v {
                pairs.push((k, v.to_string()));
            }
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes everything but unreserved characters.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A page of incidents.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page {
    /// Incidents, each exactly one line of the JSON Lines export (schema/incident.schema.json).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<recount_model::Incident>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

pub fn encode_cursor(c: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", c.day_start.as_deref().unwrap_or(""), c.id))
}

fn decode_cursor(s: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::bad_request("cursor: not a cursor this server gave out");
    let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (day, id) = text.split_once('|').ok_or_else(bad)?;
    if id.is_empty() || (!day.is_empty() && day.parse::<chrono::NaiveDate>().is_err()) {
        return Err(bad());
    }
    Ok(Cursor {
        day_start: (!day.is_empty()).then(|| day.to_string()),
        id: id.to_string(),
    })
}

/// Runs a page query: the items and the cursor after the last when more follow.
pub fn page_of(mut items: Vec<recount_model::Incident>, limit: usize) -> Page {
    let more = items.len() > limit;
    items.truncate(limit);
    let next_cursor = if more {
        items.last().map(|i| encode_cursor(&Cursor::after(i)))
    } else {
        None
    };
    Page { items, next_cursor }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        for c in [
            Cursor {
                day_start: Some("2023-02-22".into()),
                id: "inc-0123456789ab".into(),
            },
            Cursor {
                day_start: None,
                id: "inc-ffffffffffff".into(),
            },
        ] {
            assert_eq!(decode_cursor(&encode_cursor(&c)).unwrap(), c);
        }
        assert!(decode_cursor("not base64!").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("yesterday|inc-1")).is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("2023-01-01|")).is_err());
    }

    #[test]
    fn blank_form_fields_mean_no_filter() {
        let q = ListQuery {
            kind: Some(String::new()),
            place: Some("  ".into()),
            min_dead: Some(String::new()),
            ..ListQuery::default()
        };
        let f = q.filter().unwrap();
        assert!(f.kind.is_none() && f.adcodes.is_empty() && f.min_dead.is_none());
    }

    #[test]
    fn places_resolve_through_the_gazetteer() {
        let q = ListQuery {
            place: Some("Inner Mongolia".into()),
            ..ListQuery::default()
        };
        assert_eq!(q.filter().unwrap().adcodes, vec!["150000".to_string()]);
        let q = ListQuery {
            place: Some("Atlantis".into()),
            ..ListQuery::default()
        };
        assert_eq!(q.filter().unwrap_err().status, 400);
    }

    #[test]
    fn links_keep_the_view_and_encode_values() {
        let q = ListQuery {
            kind: Some("strike".into()),
            q: Some("煤矿 & co".into()),
            cursor: Some("abc".into()),
            ..ListQuery::default()
        };
        assert_eq!(
            q.with(&[("cursor", None), ("place", Some("150000"))]),
            "type=strike&q=%E7%85%A4%E7%9F%BF%20%26%20co&place=150000"
        );
    }
}
