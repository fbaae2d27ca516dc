//! Choosing the event's place from the mentions in the focus text, with the context's help.
//!
//! The steps, in order of preference:
//! 1. Chinese units named in the focus, outside organisation names;
//! 2. a foreign country named in the focus (the event is abroad);
//! 3. Chinese units named inside organisation names in the focus;
//! 4. the context texts, in order, by the same rules;
//! 5. China itself, when only it is named.
//!
//! Within one text each mention's candidates are narrowed by *support*: a candidate is
//! accepted when one of its ancestors (or descendants) is named anywhere, when its full name
//! is unique, or when it is the only province- or prefecture-level unit of a bare stem. Among
//! the accepted places the most specific wins; a chain of named ancestors, a preceding "in"/在
//! and an early position add weight, "from"/来自/籍 takes it away.

use crate::data::NameKind;
use crate::scan::{scan, Found};
use crate::{detail, Gazetteer, Located};
use std::ops::Range;

/// Weight of a name in the focus text, outside organisation names.
const FOCUS_WEIGHT: u32 = 4;
/// Weight of a name inside an organisation name of the focus text.
const ORG_WEIGHT: u32 = 2;
/// Weights of the context texts, in the order given; later ones weigh 1.
const CONTEXT_WEIGHTS: [u32; 2] = [3, 2];

const DEPTH_SCORE: i64 = 100;
const CHAIN_SCORE: i64 = 10;
const SITE_SCORE: i64 = 5;
const FULL_NAME_SCORE: i64 = 2;
const MAX_RANK_PENALTY: usize = 2;
/// Support breaks ties between equally specific places but never beats a chain.
const MAX_SUPPORT_SCORE: u32 = 9;
/// Enough to lose against any other place: where workers or firms come from is not the site.
const ORIGIN_SCORE: i64 = -250;

/// One text with its mentions.
struct Text<'t> {
    text: &'t str,
    found: Vec<Found>,
    /// Per mention: inside an organisation name (focus only).
    in_org: Vec<bool>,
    label: &'static str,
}

/// A unit named somewhere, as support for other mentions.
struct Named {
    unit: u32,
    weight: u32,
    text: usize,
    mention: usize,
}

/// One mention narrowed to one unit.
struct Resolved {
    mention: usize,
    unit: u32,
    support: u32,
    uncertain: bool,
    evidence: Vec<String>,
}

fn overlaps(a: &Range<usize>, start: usize, end: usize) -> bool {
    a.start < end && start < a.end
}

pub(crate) fn locate(
    g: &Gazetteer,
    focus: &str,
    exclude: &[Range<usize>],
    context: &[&str],
) -> Option<Located> {
    let mut texts = Vec::with_capacity(1 + context.len());
    let found = scan(g, focus);
    let in_org = found
        .iter()
        .map(|m| exclude.iter().any(|r| overlaps(r, m.start, m.end)))
        .collect();
    texts.push(Text {
        text: focus,
        found,
        in_org,
        label: "focus",
    });
    for (i, c) in context.iter().enumerate() {
        let found = scan(g, c);
        let in_org = vec![false; found.len()];
        let label = ["context 1", "context 2", "context 3"]
            .get(i)
            .copied()
            .unwrap_or("context 4+");
        texts.push(Text {
            text: c,
            found,
            in_org,
            label,
        });
    }

    let mut pool = Vec::new();
    for (ti, t) in texts.iter().enumerate() {
        let weight = match ti {
            0 => FOCUS_WEIGHT,
            n => CONTEXT_WEIGHTS.get(n - 1).copied().unwrap_or(1),
        };
        for (mi, m) in t.found.iter().enumerate() {
            let weight = if t.in_org[mi] {
                ORG_WEIGHT.min(weight)
            } else {
                weight
            };
            for target in &m.units {
                pool.push(Named {
                    unit: target.unit,
                    weight,
                    text: ti,
                    mention: mi,
                });
            }
        }
    }

    let cn = g.country_by_code.get("CN").copied();
    let focus_text = &texts[0];
    // A foreign country named in the focus beats a Chinese name written only as a bare
    // stem there: 达州 inside 克孜勒奥尔达州 (Kyzylorda, Kazakhstan) is no Chinese place.
    let full_chinese = focus_text.found.iter().enumerate().any(|(mi, m)| {
        !focus_text.in_org[mi]
            && m.units
                .iter()
                .any(|t| t.kind != crate::data::NameKind::Stem)
    });
    if !full_chinese {
        if let Some(found) = abroad(g, focus_text, cn) {
            return Some(found);
        }
    }
    if let Some(found) = choose(g, &texts, &pool, 0, false) {
        return Some(found);
    }
    if let Some(found) = abroad(g, focus_text, cn) {
        return Some(found);
    }
    if let Some(mut found) = choose(g, &texts, &pool, 0, true) {
        found
            .evidence
            .push("only named inside an organisation name".to_string());
        return Some(found);
    }
    for ti in 1..texts.len() {
        if let Some(mut found) = choose(g, &texts, &pool, ti, false) {
            found.evidence.push(format!(
                "the focus names no place; taken from {}",
                texts[ti].label
            ));
            return Some(found);
        }
        if let Some(found) = abroad(g, &texts[ti], cn) {
            return Some(found);
        }
    }
    let china = texts
        .iter()
        .flat_map(|t| t.found.iter())
        .any(|m| m.country.is_some() && m.country == cn);
    match (china, cn) {
        (true, Some(cn)) => Some(Located {
            place: g.country_place(&g.countries[cn as usize], None),
            uncertain: false,
            evidence: vec!["only China is named".to_string()],
        }),
        _ => None,
    }
}

/// A foreign country named in `t` outside organisation names, with no Chinese unit beside it.
fn abroad(g: &Gazetteer, t: &Text, cn: Option<u16>) -> Option<Located> {
    let (mi, m) = t.found.iter().enumerate().find(|(mi, m)| {
        m.units.is_empty() && !t.in_org[*mi] && m.country.is_some() && m.country != cn
    })?;
    let country = &g.countries[m.country? as usize];
    let detail = place_detail(g, t, mi);
    Some(Located {
        place: g.country_place(country, detail),
        uncertain: false,
        evidence: vec![format!(
            "{} → {} (a foreign country named in the {})",
            &t.text[m.start..m.end],
            country.code,
            t.label
        )],
    })
}

/// The best place among the mentions of text `ti` (organisation mentions only when `org`).
fn choose(g: &Gazetteer, texts: &[Text], pool: &[Named], ti: usize, org: bool) -> Option<Located> {
    let t = &texts[ti];
    let mut resolved: Vec<Resolved> = Vec::new();
    for (mi, m) in t.found.iter().enumerate() {
        if t.in_org[mi] != org || m.units.is_empty() {
            continue;
        }
        if let Some(r) = resolve(g, t, pool, ti, mi) {
            resolved.push(r);
        }
    }
    if resolved.is_empty() {
        return None;
    }

    let scores: Vec<i64> = resolved.iter().map(|r| score(g, t, &resolved, r)).collect();
    // An earlier mention is a little more likely the event's place, but not enough to make
    // the choice certain.
    let best = (0..resolved.len()).max_by_key(|&i| {
        (
            scores[i] - i.min(MAX_RANK_PENALTY) as i64,
            std::cmp::Reverse(i),
        )
    })?;
    let chosen = &resolved[best];
    let unit = &g.units[chosen.unit as usize];
    let mut uncertain = chosen.uncertain;
    let mut evidence = chosen.evidence.clone();

    for (i, other) in resolved.iter().enumerate() {
        let related = g.is_within(other.unit, chosen.unit) || g.is_within(chosen.unit, other.unit);
        if i != best && scores[i] == scores[best] && !related {
            uncertain = true;
            let o = &g.units[other.unit as usize];
            evidence.push(format!("as likely: {} ({})", o.name, o.adcode));
        }
    }
    // A province named in the same text that does not contain the choice (桐梓县, Yunnan).
    if g.depth[chosen.unit as usize] > 1 {
        let provinces: Vec<u32> = resolved
            .iter()
            .filter(|r| g.depth[r.unit as usize] == 1)
            .filter(|r| cue(g, t.text, &t.found[r.mention]) != ORIGIN_SCORE)
            .map(|r| r.unit)
            .collect();
        if !provinces.is_empty() && !provinces.iter().any(|&p| g.is_within(chosen.unit, p)) {
            uncertain = true;
            let p = &g.units[provinces[0] as usize];
            evidence.push(format!("{} is named too but does not contain it", p.name));
        }
    }

    // The detail from the mention of the chosen unit that has one.
    let detail = resolved
        .iter()
        .filter(|r| r.unit == chosen.unit)
        .find_map(|r| place_detail(g, t, r.mention));
    Some(Located {
        place: g.to_place(unit, detail),
        uncertain,
        evidence,
    })
}

fn place_detail(g: &Gazetteer, t: &Text, mi: usize) -> Option<String> {
    let m = &t.found[mi];
    if m.latin {
        detail::before_en(&g.lex, t.text, m.start)
    } else {
        detail::after_zh(&g.lex, t.text, m.end)
    }
}

/// How much the text makes `r` the event's place rather than another named place.
fn score(g: &Gazetteer, t: &Text, all: &[Resolved], r: &Resolved) -> i64 {
    let m = &t.found[r.mention];
    let depth = g.depth[r.unit as usize] as i64;
    let chain = all
        .iter()
        .filter(|o| o.unit != r.unit && g.is_within(r.unit, o.unit))
        .count() as i64;
    let full = m
        .units
        .iter()
        .any(|u| u.unit == r.unit && u.kind != NameKind::Stem);
    depth * DEPTH_SCORE
        + chain * CHAIN_SCORE
        + i64::from(r.support.min(MAX_SUPPORT_SCORE))
        + cue(g, t.text, m)
        + if full { FULL_NAME_SCORE } else { 0 }
}

/// Words around a mention that say it is the site (在, "in") or an origin (来自, 籍, "from").
fn cue(g: &Gazetteer, text: &str, m: &Found) -> i64 {
    let before = &text[..m.start];
    let after = &text[m.end..];
    if m.latin {
        let before = before.trim_end_matches([' ', ',']);
        let word_end = |w: &str| {
            let cut = before.len().wrapping_sub(w.len());
            before.len() >= w.len()
                && before.is_char_boundary(cut)
                && before[cut..].eq_ignore_ascii_case(w)
                && before[..cut]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        };
        if g.lex.origin_en.iter().any(|w| word_end(w)) {
            return ORIGIN_SCORE;
        }
        if g.lex.site_en.iter().any(|w| word_end(w)) {
            return SITE_SCORE;
        }
    } else {
        if g.lex.origin_zh.iter().any(|w| origin_chain(before, w))
            || g.lex
                .origin_after_zh
                .iter()
                .any(|w| after.starts_with(w.as_str()))
        {
            return ORIGIN_SCORE;
        }
        if g.lex.site_zh.iter().any(|w| before.ends_with(w.as_str())) {
            return SITE_SCORE;
        }
    }
    0
}

/// `before` ends with the origin word `w`, or with `w` and at most six characters of
/// names that follow it without a break (来自河南省|信阳市, 开往承德|县).
fn origin_chain(before: &str, w: &str) -> bool {
    if before.ends_with(w) {
        return true;
    }
    let start = before
        .char_indices()
        .rev()
        .nth(5 + w.chars().count())
        .map_or(0, |(i, _)| i);
    let tail = &before[start..];
    match tail.rfind(w) {
        Some(at) => {
            let gap = &tail[at + w.len()..];
            !gap.is_empty()
                && gap
                    .chars()
                    .all(|c| crate::scan::is_cjk(c) && !"的和与及、".contains(c))
        }
        None => false,
    }
}

/// Support for `unit` from names elsewhere: the heaviest mention of each ancestor (a named
/// prefecture counts double a named province) plus the heaviest mention of a descendant.
fn support(g: &Gazetteer, pool: &[Named], unit: u32, ti: usize, mi: usize) -> (u32, u32) {
    let mut up = 0;
    let mut at = g.parent[unit as usize];
    while let Some(a) = at {
        let best = pool
            .iter()
            .filter(|n| n.unit == a && !(n.text == ti && n.mention == mi))
            .map(|n| n.weight)
            .max()
            .unwrap_or(0);
        up += best * if g.depth[a as usize] == 2 { 2 } else { 1 };
        at = g.parent[a as usize];
    }
    let down = pool
        .iter()
        .filter(|n| n.unit != unit && !(n.text == ti && n.mention == mi))
        .filter(|n| g.is_within(n.unit, unit))
        .map(|n| n.weight)
        .max()
        .unwrap_or(0);
    (up, down)
}

/// Narrow one mention to one unit, or to none when nothing supports any candidate.
fn resolve(g: &Gazetteer, t: &Text, pool: &[Named], ti: usize, mi: usize) -> Option<Resolved> {
    let m = &t.found[mi];
    let name = &t.text[m.start..m.end];
    let upper = m
        .units
        .iter()
        .filter(|c| g.depth[c.unit as usize] <= 2)
        .count();
    struct Candidate {
        unit: u32,
        kind: NameKind,
        support: u32,
        why: &'static str,
    }
    // 县 and 旗 only: 市 and 区 end ordinary words too (海滨城市, 地区).
    let suffixed = !m.latin && ["县", "旗"].iter().any(|x| t.text[m.end..].starts_with(x));
    // A bare stem written as a place: followed by a word of direction or extent (往, 段,
    // 境内, 方向, 至, 附近), or after 在/往/至/到.
    let placed = !m.latin
        && (["往", "段", "境内", "方向", "至", "到", "附近", "一带"]
            .iter()
            .any(|x| t.text[m.end..].starts_with(x))
            || (["在", "往", "至", "到", "从"]
                .iter()
                .any(|x| t.text[..m.start].ends_with(x))
                // …and the name ends there: 在白沙瓦 is Peshawar, not 白沙.
                && t.text[m.end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !crate::scan::is_cjk(c) || "的和、，。".contains(c))));
    let mut accepted: Vec<Candidate> = Vec::new();
    for c in &m.units {
        let depth = g.depth[c.unit as usize];
        let (up, down) = support(g, pool, c.unit, ti, mi);
        let why = if up > 0 {
            "a parent is named"
        } else if down > 0 {
            "a unit within it is named"
        } else if depth == 1 {
            "province"
        } else if c.kind != NameKind::Stem && m.units.len() == 1 {
            if c.kind == NameKind::Former {
                "former name"
            } else {
                "full name, unique"
            }
        } else if depth <= 2 && upper == 1 {
            "the only province or prefecture of that name"
        } else if depth == 3 && c.kind == NameKind::Stem && m.units.len() == 1 && suffixed {
            // 密云县 for today's 密云区: hundreds of counties became districts or cities,
            // and older reports keep the old suffix.
            "a county named with an administrative suffix"
        } else if depth == 3 && c.kind == NameKind::Stem && m.units.len() == 1 && placed {
            // 兴义往安龙方向: a bare name used as a place (towards, along, within it).
            "the only unit of that name, used as a place"
        } else {
            continue;
        };
        accepted.push(Candidate {
            unit: c.unit,
            kind: c.kind,
            support: up + down,
            why,
        });
    }
    // Most support first; then, for a bare stem, the larger unit (吉安 is 吉安市, not 吉安县).
    accepted.sort_by_key(|c| {
        let depth = g.depth[c.unit as usize];
        let level = if c.kind == NameKind::Stem { depth } else { 0 };
        (std::cmp::Reverse(c.support), level, c.unit)
    });
    let best = accepted.first()?;
    let unit = &g.units[best.unit as usize];
    let mut evidence = vec![format!(
        "{name} → {} {} ({})",
        unit.adcode, unit.name, best.why
    )];
    if best.kind == NameKind::Former {
        evidence.push(format!("{name} is a former name of {}", unit.name));
    }
    if let Some(p) = parent_named(g, pool, best.unit, ti, mi) {
        evidence.push(format!("{} is named", g.units[p as usize].name));
    }
    // Uncertain when another candidate had as much support and the choice fell to convention.
    let rivals: Vec<&crate::Unit> = m
        .units
        .iter()
        .filter(|c| c.unit != best.unit)
        .filter(|c| {
            accepted
                .iter()
                .find(|a| a.unit == c.unit)
                .map_or(0, |a| a.support)
                >= best.support
        })
        .map(|c| &g.units[c.unit as usize])
        .collect();
    let same_level_tie = accepted.get(1).is_some_and(|second| {
        second.support == best.support
            && g.depth[second.unit as usize] == g.depth[best.unit as usize]
    });
    let uncertain = same_level_tie || (best.support == 0 && !rivals.is_empty());
    if uncertain {
        let names: Vec<String> = rivals
            .iter()
            .take(4)
            .map(|u| format!("{} {}", u.adcode, u.name))
            .collect();
        evidence.push(format!("could also be: {}", names.join(", ")));
    }
    Some(Resolved {
        mention: mi,
        unit: best.unit,
        support: best.support,
        uncertain,
        evidence,
    })
}

/// The nearest ancestor of `unit` named somewhere else, for the evidence.
fn parent_named(g: &Gazetteer, pool: &[Named], unit: u32, ti: usize, mi: usize) -> Option<u32> {
    let mut at = g.parent[unit as usize];
    while let Some(a) = at {
        if pool
            .iter()
            .any(|n| n.unit == a && !(n.text == ti && n.mention == mi))
        {
            return Some(a);
        }
        at = g.parent[a as usize];
    }
    None
}
