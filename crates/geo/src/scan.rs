//! Finding place names in text: one automaton pass, then cheap checks on each match's
//! neighbourhood.

use crate::data::{NameKind, Target};
use crate::Gazetteer;

/// A match that survived the checks, with the candidates still possible.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    pub units: Vec<Target>,
    pub country: Option<u16>,
    /// Latin script (English text): details and cues are read the English way.
    pub latin: bool,
}

/// Han characters and the CJK punctuation and symbols around them.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{2FA1F}')
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn char_after(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// The word before `at`, skipping one run of spaces: "Wang" in "Wang Lixia".
fn word_before(text: &str, at: usize) -> &str {
    let head = text[..at].trim_end_matches(' ');
    if head.len() == at {
        return "";
    }
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    &head[start..]
}

/// The gap between two matches holds only separators: "Mile, Honghe", "广东 中山".
fn adjacent(text: &str, end: usize, start: usize, latin: bool) -> bool {
    if end > start {
        return false;
    }
    let gap = &text[end..start];
    if latin {
        gap.len() <= 3 && gap.chars().all(|c| matches!(c, ' ' | ',' | '，' | '、'))
    } else {
        gap.chars().all(char::is_whitespace) && gap.len() <= 3
    }
}

/// Text after a bare stem that makes it the name of something smaller: 北海村, "Beihai Village".
fn names_something_finer(g: &Gazetteer, text: &str, end: usize, latin: bool) -> bool {
    let rest = &text[end..];
    if latin {
        let Some(rest) = rest.strip_prefix(' ') else {
            return false;
        };
        g.lex.finer_en.iter().any(|w| {
            rest.strip_prefix(w.as_str())
                .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric()))
        })
    } else {
        g.lex.finer_zh.iter().any(|w| rest.starts_with(w.as_str()))
    }
}

pub(crate) fn scan(g: &Gazetteer, text: &str) -> Vec<Found> {
    let mut raw: Vec<(usize, usize, u32)> = Vec::new();
    for m in g.matcher.find_iter(text) {
        let (start, end) = (m.start(), m.end());
        let pattern = &g.patterns[m.pattern().as_usize()];
        if pattern.latin {
            // Whole words only: "Anshan" is not in "Anshanese", "Xian" not in "Xianyang".
            let word_char = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
            if word_char(char_before(text, start)) || word_char(char_after(text, end)) {
                continue;
            }
            // Place names are capitalised; "guide", "mile" and "us" are words.
            if !char_after(text, start).is_some_and(|c| c.is_uppercase() || c.is_numeric()) {
                continue;
            }
            if let Some(exact) = &pattern.exact {
                if &text[start..end] != exact.as_str() {
                    continue;
                }
            }
        }
        raw.push((start, end, m.pattern().as_u32()));
    }

    let mut out: Vec<Found> = Vec::with_capacity(raw.len());
    for (k, &(start, end, id)) in raw.iter().enumerate() {
        let pattern = &g.patterns[id as usize];
        let latin = pattern.latin;
        let mut units = pattern.targets.clone();
        let next_start = raw.get(k + 1).map(|r| r.0);
        if units.iter().any(|t| t.kind == NameKind::Stem) {
            let finer = next_start != Some(end) && names_something_finer(g, text, end, latin);
            let given_name = latin && {
                let w = word_before(text, start);
                w.starts_with(char::is_uppercase) && g.lex.surnames.contains(&w.to_lowercase())
            };
            if finer || given_name {
                units.retain(|t| t.kind != NameKind::Stem);
            }
        }
        let mut country = pattern.countries.first().copied();
        if pattern.stop {
            // A common word counts only as the unit under an ancestor named right before it
            // (or right after it in English, which names the small place first).
            let prev = out.last().filter(|p| adjacent(text, p.end, start, latin));
            let next = raw
                .get(k + 1)
                .filter(|n| latin && adjacent(text, end, n.0, latin))
                .map(|n| &g.patterns[n.2 as usize].targets);
            units.retain(|t| {
                let under = |others: &[Target]| {
                    others
                        .iter()
                        .any(|o| o.unit != t.unit && g.is_within(t.unit, o.unit))
                };
                prev.is_some_and(|p| under(&p.units)) || next.is_some_and(|n| under(n))
            });
            // A country whose name is also a word (约旦, 多哥, 马里) is the country where the
            // words around it say so: 约旦首都, 多哥北部, 在马里.
            if !(country.is_some() && !latin && country_context(text, start, end)) {
                country = None;
            }
        }
        if units.is_empty() && country.is_none() {
            continue;
        }
        out.push(Found {
            start,
            end,
            units,
            country,
            latin,
        });
    }
    abbreviations(g, text, &mut out);
    out
}

/// Words around a country's name that make it the country (not an ordinary word).
fn country_context(text: &str, start: usize, end: usize) -> bool {
    const AFTER: &[&str] = &[
        "首都",
        "总统",
        "政府",
        "境内",
        "共和国",
        "北部",
        "南部",
        "东部",
        "西部",
        "中部",
        "东北",
        "西北",
        "东南",
        "西南",
        "警方",
        "军方",
        "当局",
        "官方",
        "国家",
        "全国",
        "发生",
        "一",
    ];
    const BEFORE: &[&str] = &[
        "在",
        "赴",
        "前往",
        "访问",
        "抵达",
        "位于",
        "非洲国家",
        "西非",
        "东非",
        "中东",
    ];
    AFTER.iter().any(|w| text[end..].starts_with(w))
        || BEFORE.iter().any(|w| text[..start].ends_with(w))
}

/// Verbs of motion or presence before a province's abbreviation: 来京, 在沪, 赴粤, 出京.
const ABBREV_VERBS: &[char] = &[
    '来', '出', '进', '在', '赴', '抵', '返', '离', '留', '回', '驻', '入',
];

/// Words that an abbreviation starts without naming its province: 京东, 京剧, 京都 (Kyoto),
/// 新的, 吉利, 青年, 宁可 … (only after the verbs above, so the list is short).
const ABBREV_WORDS: &[&str] = &[
    "京东", "京剧", "京都", "新的", "新一", "新年", "新闻", "新型", "新建", "新冠", "吉利", "吉他",
    "青年", "青少", "宁可", "宁愿", "黑暗", "黑色", "川流", "鲁莽", "苏醒", "甘心", "甘愿", "晋升",
    "晋级", "蒙受", "闽南", "藏身", "藏匿", "藏有",
];

/// Province abbreviations used as places (来京, 出京方向, 京G35824 on a plate), added to
/// `found` in text order where no other name covers them.
fn abbreviations(g: &Gazetteer, text: &str, found: &mut Vec<Found>) {
    if text.is_ascii() {
        return;
    }
    // One pass: only a character after a verb of presence, or before a capital letter (a
    // plate), is looked up.
    let bytes = text.as_bytes();
    let mut extra = Vec::new();
    let mut prev: Option<char> = None;
    for (at, ch) in text.char_indices() {
        let before = prev.replace(ch);
        if ch.is_ascii() {
            continue;
        }
        let end = at + ch.len_utf8();
        let after_verb = before.is_some_and(|c| ABBREV_VERBS.contains(&c));
        let plate_like = bytes.get(end).is_some_and(|b| b.is_ascii_uppercase());
        if !after_verb && !plate_like {
            continue;
        }
        let Some((_, code)) = g.lex.abbrevs.iter().find(|(a, _)| {
            let mut cs = a.chars();
            cs.next() == Some(ch) && cs.next().is_none()
        }) else {
            continue;
        };
        let Some(unit) = g.index(code) else { continue };
        if found.iter().any(|f| f.start < end && at < f.end) {
            continue;
        }
        let words = after_verb && !ABBREV_WORDS.iter().any(|w| text[at..].starts_with(w));
        let plate = plate_like
            && bytes[end + 1..]
                .iter()
                .skip_while(|b| matches!(b, b'-' | b'.' | b' '))
                .take(5)
                .filter(|b| b.is_ascii_alphanumeric())
                .count()
                == 5;
        if words || plate {
            extra.push(Found {
                start: at,
                end,
                units: vec![Target {
                    unit,
                    kind: NameKind::Full,
                }],
                country: None,
                latin: false,
            });
        }
    }
    if !extra.is_empty() {
        found.extend(extra);
        found.sort_by_key(|f| f.start);
    }
}
