//! Country codes to ACLED's country names and to the three-letter event-id prefix.
//!
//! A deliberately small table: China and the places where Chinese workers, firms and
//! protests most often appear in the reports recount reads. English names follow ACLED's
//! spelling (e.g. "Democratic Republic of Congo", "Vietnam"); alpha-3 codes are ISO
//! 3166-1. A code that is not here falls back to the code itself (see [`name`] and
//! [`alpha3`]); a caller with a full table passes it through `AdminNames::country_name`.

/// `(ISO 3166-1 alpha-2, alpha-3, ACLED country name)`, sorted by alpha-2.
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("AE", "ARE", "United Arab Emirates"),
    ("AO", "AGO", "Angola"),
    ("AR", "ARG", "Argentina"),
    ("AU", "AUS", "Australia"),
    ("BD", "BGD", "Bangladesh"),
    ("BR", "BRA", "Brazil"),
    ("CA", "CAN", "Canada"),
    ("CD", "COD", "Democratic Republic of Congo"),
    ("CG", "COG", "Republic of Congo"),
    ("CL", "CHL", "Chile"),
    ("CN", "CHN", "China"),
    ("DE", "DEU", "Germany"),
    ("EG", "EGY", "Egypt"),
    ("ES", "ESP", "Spain"),
    ("ET", "ETH", "Ethiopia"),
    ("FR", "FRA", "France"),
    ("GB", "GBR", "United Kingdom"),
    ("GH", "GHA", "Ghana"),
    // ACLED codes Hong Kong and Macau as admin1 regions of China, not as countries.
    ("HK", "CHN", "China"),
    ("HU", "HUN", "Hungary"),
    ("ID", "IDN", "Indonesia"),
    ("IN", "IND", "India"),
    ("IQ", "IRQ", "Iraq"),
    ("IR", "IRN", "Iran"),
    ("IT", "ITA", "Italy"),
    ("JP", "JPN", "Japan"),
    ("KE", "KEN", "Kenya"),
    ("KG", "KGZ", "Kyrgyzstan"),
    ("KH", "KHM", "Cambodia"),
    ("KP", "PRK", "North Korea"),
    ("KR", "KOR", "South Korea"),
    ("KZ", "KAZ", "Kazakhstan"),
    ("LA", "LAO", "Laos"),
    ("LK", "LKA", "Sri Lanka"),
    ("MM", "MMR", "Myanmar"),
    ("MN", "MNG", "Mongolia"),
    ("MO", "CHN", "China"),
    ("MX", "MEX", "Mexico"),
    ("MY", "MYS", "Malaysia"),
    ("NG", "NGA", "Nigeria"),
    ("NP", "NPL", "Nepal"),
    ("NZ", "NZL", "New Zealand"),
    ("PE", "PER", "Peru"),
    ("PH", "PHL", "Philippines"),
    ("PK", "PAK", "Pakistan"),
    ("RS", "SRB", "Serbia"),
    ("RU", "RUS", "Russia"),
    ("SA", "SAU", "Saudi Arabia"),
    ("SG", "SGP", "Singapore"),
    ("TH", "THA", "Thailand"),
    ("TJ", "TJK", "Tajikistan"),
    ("TR", "TUR", "Turkey"),
    ("TW", "TWN", "Taiwan"),
    ("TZ", "TZA", "Tanzania"),
    ("US", "USA", "United States"),
    ("UZ", "UZB", "Uzbekistan"),
    ("VN", "VNM", "Vietnam"),
    ("ZA", "ZAF", "South Africa"),
    ("ZM", "ZMB", "Zambia"),
    ("ZW", "ZWE", "Zimbabwe"),
];

fn lookup(code: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    let code = code.trim();
    COUNTRIES
        .binary_search_by(|(a2, _, _)| a2.cmp(&code.to_ascii_uppercase().as_str()))
        .ok()
        .map(|i| &COUNTRIES[i])
}

/// ACLED's English name for a country code, or the code itself when the table lacks it.
pub(crate) fn name(code: &str) -> String {
    lookup(code)
        .map(|(_, _, name)| name.to_string())
        .unwrap_or_else(|| code.trim().to_string())
}

/// The admin1 name ACLED gives a region that ISO codes as its own country.
pub(crate) fn region_of_china(code: &str) -> Option<&'static str> {
    match code.trim().to_ascii_uppercase().as_str() {
        "HK" => Some("Hong Kong"),
        "MO" => Some("Macau"),
        _ => None,
    }
}

/// Always exactly three ASCII letters, so an event id's suffix starts at byte 3: the
/// alpha-3 code when known, else the alpha-2 code upper-cased and padded with `X`.
pub(crate) fn alpha3(code: &str) -> String {
    if let Some((_, a3, _)) = lookup(code) {
        return a3.to_string();
    }
    let mut prefix: String = code
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .take(3)
        .collect();
    while prefix.len() < 3 {
        prefix.push('X');
    }
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn known_and_unknown_codes() {
        assert_eq!(name("CN"), "China");
        assert_eq!(name("cn"), "China");
        assert_eq!(name("HK"), "China");
        assert_eq!(name("QQ"), "QQ");
        assert_eq!(alpha3("CN"), "CHN");
        assert_eq!(alpha3("RS"), "SRB");
        assert_eq!(alpha3("QQ"), "QQX");
        assert_eq!(alpha3(""), "XXX");
        assert_eq!(region_of_china("MO"), Some("Macau"));
    }
}
