//! The keys incidents are grouped by: places at a level, organisations, sites; and the
//! labels (English and Chinese) that name a key.

use recount_model::{Incident, Organization, PlaceLevel};

/// The key of incidents that have no value for a grouping.
pub const UNKNOWN: &str = "unknown";

/// An administrative level to group places at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Province,
    Prefecture,
    County,
}

/// The adcode of the unit at `level` that contains the place `adcode`, if the place is
/// that fine. Former codes count as their current unit. A county directly under its
/// province (no prefecture between) has its province as prefecture. Codes the gazetteer
/// does not know are cut by their digits.
pub fn unit_at(adcode: &str, level: Level) -> Option<String> {
    let geo = recount_geo::gazetteer();
    let Some(unit) = geo.unit(adcode) else {
        let c = adcode.trim();
        if c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return match level {
            Level::Province => Some(format!("{}0000", &c[..2])),
            Level::Prefecture => (!c.ends_with("0000")).then(|| format!("{}00", &c[..4])),
            Level::County => (!c.ends_with("00")).then(|| c.to_string()),
        };
    };
    let mut chain = vec![unit];
    chain.extend(geo.ancestors(&unit.adcode));
    let want = match level {
        Level::Province => PlaceLevel::Province,
        Level::Prefecture => PlaceLevel::Prefecture,
        Level::County => PlaceLevel::County,
    };
    if let Some(u) = chain.iter().find(|u| u.level == want) {
        return Some(u.adcode.clone());
    }
    // A county-level unit directly under its province: the province stands for the
    // prefecture it lacks.
    if level == Level::Prefecture && unit.level > PlaceLevel::Prefecture {
        return chain
            .iter()
            .find(|u| u.level == PlaceLevel::Province)
            .map(|u| u.adcode.clone());
    }
    None
}

/// The key of an incident's place at `level`: an adcode, an ISO country code for a place
/// abroad, or `None` when the place is unknown or coarser than `level`.
pub fn place_key(inc: &Incident, level: Level) -> Option<String> {
    let loc = inc.location.as_ref()?;
    match loc.adcode.as_deref() {
        Some(code) => unit_at(code, level),
        None if loc.country != "CN" && !loc.country.is_empty() => {
            Some(loc.country.to_ascii_uppercase())
        }
        None => None,
    }
}

/// The province (adcode) or, abroad, the country of an incident.
pub fn region(inc: &Incident) -> Option<String> {
    place_key(inc, Level::Province)
}

/// The English and Chinese names of a place key (an adcode or a country code); the key
/// itself when it names nothing known.
pub fn place_labels(key: &str) -> (String, String) {
    let geo = recount_geo::gazetteer();
    if key == UNKNOWN {
        return (UNKNOWN.to_string(), "未知".to_string());
    }
    if let Some(u) = geo.unit(key) {
        return (u.name_en.clone(), u.name.clone());
    }
    if key.len() == 2 {
        if let Some(c) = geo.country(key) {
            let zh = c.name_zh.clone().unwrap_or_else(|| c.name_en.clone());
            return (c.name_en, zh);
        }
    }
    (key.to_string(), key.to_string())
}

/// Lower case without spaces and punctuation: the fallback key of a name the extractor
/// cannot read as an organisation.
fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The extractor's key of a name (`kunyuan|mine` for 坤源煤矿 and Kunyuan Coal Mine): the
/// organisation that ends the name (its head), else the normalized name.
fn name_key(name: &str) -> String {
    let found = recount_extract::orgs::find(name);
    let head = found
        .iter()
        .find(|f| f.span.end == name.len())
        .or(found.last());
    head.and_then(|f| f.key.clone())
        .unwrap_or_else(|| normalize(name))
}

/// Categories whose names repeat from province to province (a 大河煤矿 in Guizhou and one
/// in Shanxi are two mines); they are told apart by province.
fn is_local(key: &str) -> bool {
    matches!(
        key.rsplit('|').next(),
        Some("mine" | "factory" | "hospital")
    )
}

/// The grouping key of an organisation of an incident in `region`.
pub fn organization_key(org: &Organization, region: Option<&str>) -> String {
    let key = name_key(&org.name);
    match region {
        Some(r) if is_local(&key) => format!("{r}:{key}"),
        _ => key,
    }
}

/// An incident's organisations, each once: (key, English name, Chinese name), the names
/// gathered from every telling (坤源煤矿 and Kunyuan Coal Mine are one, with both names).
pub fn organizations(inc: &Incident) -> Vec<(String, Option<String>, Option<String>)> {
    let region = region(inc);
    let mut out: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for org in &inc.organizations {
        let key = organization_key(org, region.as_deref());
        let (en, zh) = names(&org.name, org.name_en.as_deref());
        match out.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, e, z)) => {
                if e.is_none() {
                    *e = en;
                }
                if z.is_none() {
                    *z = zh;
                }
            }
            None => out.push((key, en, zh)),
        }
    }
    out
}

/// The English and Chinese names of a name as extracted (with its English form, if any).
pub fn names(name: &str, name_en: Option<&str>) -> (Option<String>, Option<String>) {
    let zh = is_chinese(name).then(|| name.to_string());
    let en = name_en
        .map(str::to_string)
        .or((!is_chinese(name)).then(|| name.to_string()));
    (en, zh)
}

/// The site of an incident — the named mine, factory or spot where it happened — as
/// (key, name): the place's detail when it is a name (three characters or more, not a
/// bare 工厂 "factory"), else its first mine or factory organisation. Keys carry the
/// province (or country), so same-named sites in different provinces stay apart.
pub fn site(inc: &Incident) -> Option<(String, String)> {
    let region = region(inc).unwrap_or_else(|| UNKNOWN.to_string());
    let detail = inc
        .location
        .as_ref()
        .and_then(|l| l.detail.as_deref())
        .map(str::trim)
        .filter(|d| d.chars().count() >= 3);
    if let Some(d) = detail {
        return Some((format!("{region}:{}", name_key(d)), d.to_string()));
    }
    inc.organizations.iter().find_map(|o| {
        let key = name_key(&o.name);
        matches!(key.rsplit('|').next(), Some("mine" | "factory"))
            .then(|| (format!("{region}:{key}"), o.name.clone()))
    })
}

/// True when a name is written in Chinese (for picking a group's Chinese label).
pub fn is_chinese(name: &str) -> bool {
    name.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(name: &str) -> Organization {
        Organization {
            name: name.into(),
            name_en: None,
            role: None,
        }
    }

    #[test]
    fn places_at_each_level() {
        // 榆次区, Jinzhong, Shanxi.
        assert_eq!(
            unit_at("140702", Level::Province).as_deref(),
            Some("140000")
        );
        assert_eq!(
            unit_at("140702", Level::Prefecture).as_deref(),
            Some("140700")
        );
        assert_eq!(unit_at("140702", Level::County).as_deref(), Some("140702"));
        // A prefecture has no county; a province no prefecture.
        assert_eq!(unit_at("140700", Level::County), None);
        assert_eq!(unit_at("140000", Level::Prefecture), None);
        assert_eq!(
            unit_at("140000", Level::Province).as_deref(),
            Some("140000")
        );
    }

    #[test]
    fn same_named_mines_in_two_provinces_are_two_organisations() {
        let shanxi = organization_key(&org("坤源煤矿"), Some("140000"));
        let english = organization_key(&org("Kunyuan Coal Mine"), Some("140000"));
        let heilongjiang = organization_key(&org("Kunyuan Coal Mine"), Some("230000"));
        assert_eq!(shanxi, english, "one mine in two languages");
        assert_ne!(shanxi, heilongjiang);
        // A company is one company wherever it appears.
        assert_eq!(
            organization_key(&org("Yintu Electric"), Some("440000")),
            organization_key(&org("银图电器"), Some("360000"))
        );
    }
}
