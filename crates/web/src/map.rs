//! The map of China and the timeline, as inline SVG: province outlines from
//! `data/china-provinces.tsv` (projected by scripts/gen_china_map.mjs), shaded by the
//! count of the current view, and the incidents as points at their gazetteer coordinates.

use crate::i18n::Lang;
use maud::{html, Markup};
use recount_model::{FigureKind, Incident, IncidentType};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const PROVINCES_TSV: &str = include_str!("../../../data/china-provinces.tsv");

/// One province outline.
pub struct Province {
    pub adcode: String,
    pub path: String,
}

/// The projection the outlines were drawn with; points use the same.
pub struct Outline {
    lon0: f64,
    lat0: f64,
    cos: f64,
    k: f64,
    pub width: f64,
    pub height: f64,
    pub provinces: Vec<Province>,
}

impl Outline {
    /// Pixel position of a coordinate.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.lon0) * self.cos * self.k,
            (self.lat0 - lat) * self.k,
        )
    }
}

/// The outlines, parsed once. The file is compiled in, so a malformed line is a build
/// defect that the tests catch; it is skipped rather than taking the server down.
pub fn outline() -> &'static Outline {
    static OUTLINE: OnceLock<Outline> = OnceLock::new();
    OUTLINE.get_or_init(|| {
        let mut o = Outline {
            lon0: 0.0,
            lat0: 0.0,
            cos: 1.0,
            k: 1.0,
            width: 800.0,
            height: 600.0,
            provinces: Vec::new(),
        };
        for line in PROVINCES_TSV.lines() {
            if let Some(params) = line.strip_prefix("# projection\t") {
                for kv in params.split('\t') {
                    let Some((k, v)) = kv.split_once('=') else {
                        continue;
                    };
                    let Ok(v) = v.parse::<f64>() else { continue };
                    match k {
                        "lon0" => o.lon0 = v,
                        "lat0" => o.lat0 = v,
                        "cos" => o.cos = v,
                        "k" => o.k = v,
                        "width" => o.width = v,
                        "height" => o.height = v,
                        _ => {}
                    }
                }
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            if let (Some(adcode), Some(_name), Some(path)) = (cols.next(), cols.next(), cols.next())
            {
                o.provinces.push(Province {
                    adcode: adcode.to_string(),
                    path: path.to_string(),
                });
            }
        }
        o
    })
}

/// The colour of a type, in the map's points and the timeline's bars.
pub fn type_colour(kind: IncidentType) -> &'static str {
    match kind {
        IncidentType::Accident => "#c0392b",
        IncidentType::Strike => "#2471a3",
        IncidentType::Protest => "#d68910",
        IncidentType::Corruption => "#7d3c98",
        IncidentType::Enforcement => "#117a65",
        IncidentType::Crime => "#566573",
        IncidentType::Other => "#909497",
    }
}

/// A province's fill: white to deep red by its share of the largest count.
fn shade(count: usize, max: usize) -> String {
    if count == 0 || max == 0 {
        return "#f4f1ec".into();
    }
    let t = (count as f64 / max as f64).sqrt();
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(253.0, 165.0),
        mix(219.0, 15.0),
        mix(199.0, 21.0)
    )
}

/// Where an incident is drawn: its own coordinates, else its unit's in the gazetteer.
pub fn coordinates(inc: &Incident) -> Option<(f64, f64)> {
    let loc = inc.location.as_ref()?;
    if loc.country != "CN" {
        return None;
    }
    if let (Some(lat), Some(lon)) = (loc.lat, loc.lon) {
        return Some((lon, lat));
    }
    let unit = recount_geo::gazetteer().unit(loc.adcode.as_deref()?)?;
    Some((unit.lon?, unit.lat?))
}

/// The province (2-digit prefix + 0000) of an incident in China.
pub fn province_of(inc: &Incident) -> Option<String> {
    let loc = inc.location.as_ref()?;
    (loc.country == "CN").then(|| loc.province_code()).flatten()
}

/// The map. `link(adcode)` gives the href that filters the list to a province.
pub fn map_svg(
    lang: Lang,
    incidents: &[Incident],
    link: &dyn Fn(&str) -> String,
    incident_link: &dyn Fn(&str) -> String,
) -> Markup {
    let o = outline();
    let geo = recount_geo::gazetteer();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for inc in incidents {
        if let Some(p) = province_of(inc) {
            *counts.entry(p).or_default() += 1;
        }
    }
    let max = counts.values().copied().max().unwrap_or(0);
    let name = |code: &str| {
        geo.unit(code).map_or(code.to_string(), |u| match lang {
            Lang::En => u.name_en.clone(),
            Lang::Zh => u.name.clone(),
        })
    };
    html! {
        svg.map xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {} {}", o.width, o.height))
            role="img" aria-label=(lang.t("map")) {
            g.provinces {
                @for p in &o.provinces {
                    @let n = counts.get(&p.adcode).copied().unwrap_or(0);
                    a href=(link(&p.adcode)) data-adcode=(p.adcode) data-count=(n) {
                        title { (name(&p.adcode)) ": " (n) }
                        path d=(p.path) fill=(shade(n, max)) {}
                    }
                }
            }
            g.points {
                @for inc in incidents {
                    @if let Some((lon, lat)) = coordinates(inc) {
                        @let (x, y) = o.project(lon, lat);
                        @let dead = inc.best(FigureKind::Dead).unwrap_or(0).max(0) as f64;
                        a href=(incident_link(&inc.id)) data-incident=(inc.id) {
                            title { (display_title(lang, inc)) }
                            circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}"))
                                r=(format!("{:.1}", 3.5 + dead.sqrt().min(12.0)))
                                fill=(type_colour(inc.kind)) {}
                        }
                    }
                }
            }
        }
    }
}

/// The title in the reader's language when the record has one.
pub fn display_title(lang: Lang, inc: &Incident) -> String {
    match (lang, &inc.title_zh) {
        (Lang::Zh, Some(t)) if !t.is_empty() => t.clone(),
        _ => inc.title.clone(),
    }
}

/// Bars per month, stacked by type: incidents, or deaths when `deaths`.
pub fn timeline_svg(lang: Lang, incidents: &[Incident], deaths: bool) -> Markup {
    let mut months: BTreeMap<(i32, u32), BTreeMap<IncidentType, i64>> = BTreeMap::new();
    for inc in incidents {
        let Some(d) = inc.date else { continue };
        let day = d.first_day();
        let v = if deaths {
            inc.best(FigureKind::Dead).unwrap_or(0).max(0)
        } else {
            1
        };
        use chrono::Datelike;
        *months
            .entry((day.year(), day.month()))
            .or_default()
            .entry(inc.kind)
            .or_default() += v;
    }
    let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().last()) else {
        return html! { p.empty { (lang.t("none")) } };
    };
    let mut all = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        all.push((y, m));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let max = months
        .values()
        .map(|t| t.values().sum::<i64>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (w, h, pad) = (800.0, 180.0, 24.0);
    let bw = (w - 2.0 * pad) / all.len() as f64;
    let scale = (h - 2.0 * pad) / max as f64;
    let empty = BTreeMap::new();
    html! {
        svg.timeline xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {h}"))
            role="img" aria-label=(lang.t("timeline")) {
            line x1=(pad) y1=(h - pad) x2=(w - pad) y2=(h - pad) stroke="#888" {}
            text x="2" y=(pad - 8.0) font-size="11" { (max) " " (if deaths { lang.t("deaths") } else { lang.t("count") }) }
            @for (i, ym) in all.iter().enumerate() {
                @let x = pad + i as f64 * bw;
                @for (kind, v, top, bh) in stack(months.get(ym).unwrap_or(&empty), h - pad, scale) {
                    rect x=(format!("{:.1}", x + bw * 0.1)) y=(format!("{top:.1}"))
                        width=(format!("{:.1}", (bw * 0.8).max(1.0))) height=(format!("{bh:.1}"))
                        fill=(type_colour(kind)) data-month=(format!("{}-{:02}", ym.0, ym.1)) {
                        title { (format!("{}-{:02}", ym.0, ym.1)) " " (lang.t(kind.as_str())) ": " (v) }
                    }
                }
                @if ym.1 == 1 || i == 0 {
                    text x=(format!("{x:.1}")) y=(h - 6.0) font-size="11" { (ym.0) }
                }
            }
        }
    }
}

/// One month's bars stacked upwards from `base`: (type, value, top, height).
fn stack(
    types: &BTreeMap<IncidentType, i64>,
    base: f64,
    scale: f64,
) -> Vec<(IncidentType, i64, f64, f64)> {
    let mut top = base;
    types
        .iter()
        .map(|(kind, v)| {
            let bh = *v as f64 * scale;
            top -= bh;
            (*kind, *v, top, bh)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_province_has_an_outline_and_points_fall_inside_the_frame() {
        let o = outline();
        assert_eq!(
            o.provinces.len(),
            34,
            "31 provinces, Hong Kong, Macao, Taiwan"
        );
        let geo = recount_geo::gazetteer();
        for p in &o.provinces {
            assert!(
                geo.unit(&p.adcode).is_some(),
                "{} not in the gazetteer",
                p.adcode
            );
            assert!(p.path.starts_with('M') && p.path.ends_with('Z'));
        }
        // Urumqi, Harbin and Sanya span the country: each projects inside the frame.
        for code in ["650100", "230100", "460200"] {
            let u = geo.unit(code).unwrap();
            let (x, y) = o.project(u.lon.unwrap(), u.lat.unwrap());
            assert!(
                (0.0..=o.width).contains(&x) && (0.0..=o.height).contains(&y),
                "{code}: {x},{y}"
            );
        }
    }

    #[test]
    fn shades_grow_darker_with_the_count() {
        assert_eq!(shade(0, 5), "#f4f1ec");
        assert_eq!(shade(5, 5), "#a50f15");
        assert!(
            shade(1, 5) > shade(4, 5),
            "a lighter colour has larger hex digits"
        );
    }
}
