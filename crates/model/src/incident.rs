//! The incident record and its parts, shaped exactly like `incident.schema.json`.

use crate::PartialDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Declares a string-valued enum with its wire names, `Display`, `FromStr` and `ALL`.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in JSON, CSV and on the command line.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($wire => Ok($name::$variant),)+
                    other => Err(format!(
                        "'{other}' is not one of: {}",
                        [$($wire),+].join(", ")
                    )),
                }
            }
        }
    };
}

wire_enum!(
    /// What kind of event an incident is.
    IncidentType {
        Accident = "accident",
        Strike = "strike",
        Protest = "protest",
        Corruption = "corruption",
        Enforcement = "enforcement",
        Crime = "crime",
        Other = "other",
    }
);

wire_enum!(
    /// How a claimed number relates to the true one.
    Qualifier {
        Exact = "exact",
        AtLeast = "at_least",
        MoreThan = "more_than",
        About = "about",
        AtMost = "at_most",
        Range = "range",
    }
);

wire_enum!(
    /// Who stands behind a claimed number.
    Speaker {
        Official = "official",
        Media = "media",
        Witness = "witness",
        Family = "family",
        Insider = "insider",
        Unknown = "unknown",
    }
);

wire_enum!(
    /// The counted quantities an incident can carry.
    FigureKind {
        Dead = "dead",
        Injured = "injured",
        Missing = "missing",
        Trapped = "trapped",
        Arrested = "arrested",
        Participants = "participants",
        AmountCny = "amount_cny",
    }
);

wire_enum!(
    /// Markers a reader should see before trusting a record.
    Flag {
        FigureConflict = "figure_conflict",
        UnderreportingSuspected = "underreporting_suspected",
        DateUncertain = "date_uncertain",
        PlaceUncertain = "place_uncertain",
        SingleSource = "single_source",
        Reviewed = "reviewed",
        Other = "other",
    }
);

wire_enum!(
    /// The administrative level of a place.
    PlaceLevel {
        Country = "country",
        Province = "province",
        Prefecture = "prefecture",
        County = "county",
        Township = "township",
        Village = "village",
        Site = "site",
    }
);

/// Where an incident happened: a coded unit plus finer free text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Chinese administrative division code of the finest unit known; `None` abroad.
    pub adcode: Option<String>,
    pub level: PlaceLevel,
    pub name: Option<String>,
    pub name_en: Option<String>,
    /// Finer place text below the coded unit: town, village, mine, square.
    pub detail: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

impl Place {
    /// The province code (`xx0000`) of a Chinese place.
    pub fn province_code(&self) -> Option<String> {
        self.adcode
            .as_deref()
            .map(|c| format!("{}0000", &c[..2.min(c.len())]))
    }
}

/// An organisation named in the reports: a mine, a company, a hospital, a government body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub name: String,
    pub name_en: Option<String>,
    /// operator, employer, parent, contractor, authority, hospital, other
    pub role: Option<String>,
}

/// One source's statement of one number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub value: i64,
    pub qualifier: Qualifier,
    #[serde(default)]
    pub value_max: Option<i64>,
    /// Document id of the document that asserts it.
    pub source: String,
    pub attributed_to: Option<Speaker>,
    /// When the claim was made: the publication date unless the text says otherwise.
    pub as_of: Option<PartialDate>,
    pub quote: Option<String>,
}

/// All claims of one quantity, with the values to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The claim that supersedes the others, by the figure policy.
    pub best: Option<i64>,
    /// The most conservative claimed value (ACLED's convention).
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub claims: Vec<Claim>,
    /// Set on a count of people missing or trapped that a later death toll accounts
    /// for: the count stays as the sources gave it, but it no longer stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded: Option<Superseded>,
}

/// What accounts for a figure that no longer stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Superseded {
    /// The figure whose later claims account for it (dead).
    pub by: FigureKind,
    /// That figure's value then.
    pub value: i64,
    /// When that claim was made.
    pub as_of: Option<PartialDate>,
}

/// One document that backs an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRef {
    pub doc: String,
    pub url: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    pub sha256: Option<String>,
    pub quote: Option<String>,
}

/// A link to another incident that is connected but not the same event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub id: String,
    pub relation: String,
}

/// One real-world event as the record shows it: one line of the JSON Lines export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: IncidentType,
    pub sector: Option<String>,
    pub mechanism: Option<String>,
    pub grievance: Option<String>,
    pub date: Option<PartialDate>,
    pub date_end: Option<PartialDate>,
    pub location: Option<Place>,
    #[serde(default)]
    pub organizations: Vec<Organization>,
    pub figures: BTreeMap<FigureKind, Figure>,
    pub flags: Vec<Flag>,
    pub sources: Vec<SourceRef>,
    #[serde(default)]
    pub related: Vec<Related>,
    pub title: String,
    pub title_zh: Option<String>,
    pub updated_at: Option<String>,
}

impl Incident {
    /// The best value of a figure, if the incident has one.
    pub fn best(&self, kind: FigureKind) -> Option<i64> {
        self.figures.get(&kind).and_then(|f| f.best)
    }

    /// The best value of a figure that still stands: `None` for one a later toll
    /// accounts for (people once missing, later counted among the dead).
    pub fn standing(&self, kind: FigureKind) -> Option<i64> {
        self.figures
            .get(&kind)
            .filter(|f| f.superseded.is_none())
            .and_then(|f| f.best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for k in FigureKind::ALL {
            assert_eq!(k.as_str().parse::<FigureKind>().unwrap(), *k);
            assert_eq!(serde_json::to_string(k).unwrap(), format!("\"{k}\""));
        }
        assert_eq!("AT_LEAST".parse::<Qualifier>().unwrap(), Qualifier::AtLeast);
        assert!("riot".parse::<IncidentType>().is_err());
    }

    #[test]
    fn figures_serialise_as_an_object_keyed_by_kind() {
        let mut figures = BTreeMap::new();
        figures.insert(
            FigureKind::AmountCny,
            Figure {
                best: Some(5),
                low: Some(5),
                high: Some(5),
                superseded: None,
                claims: vec![],
            },
        );
        let v = serde_json::to_value(&figures).unwrap();
        assert_eq!(v["amount_cny"]["best"], 5);
    }
}
