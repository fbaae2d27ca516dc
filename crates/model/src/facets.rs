//! The values each facet of an incident may take: the export schema's vocabulary. The
//! lexicon (`data/lexicon.tsv`) only produces these, and a reviewer's edit is held to them.

/// What the workplace or field is.
pub const SECTORS: &[&str] = &[
    "coal_mining",
    "metal_mining",
    "rare_earth_mining",
    "chemicals",
    "manufacturing",
    "construction",
    "healthcare",
    "fishing",
    "finance",
    "public_sector",
    "agriculture",
    "transport",
    "other",
];

/// How an accident happened.
pub const MECHANISMS: &[&str] = &[
    "collapse",
    "explosion",
    "gas_outburst",
    "flood",
    "fire",
    "poisoning",
    "fall",
    "equipment",
    "vehicle",
    "other",
];

/// What a strike or protest is about.
pub const GRIEVANCES: &[&str] = &[
    "wage_arrears",
    "social_insurance",
    "compensation",
    "land",
    "environment",
    "housing",
    "financial_loss",
    "medical",
    "policy",
    "veterans_benefits",
    "other",
];

/// The values a facet field may take, or `None` when the field is no facet.
pub fn values_of(field: &str) -> Option<&'static [&'static str]> {
    match field {
        "sector" => Some(SECTORS),
        "mechanism" => Some(MECHANISMS),
        "grievance" => Some(GRIEVANCES),
        _ => None,
    }
}
