//! Dates read from Chinese and English news text, at the precision the text gives.
//!
//! [`find_dates`] reports absolute dates (2025年11月17日, 2025.11.17, November 17, 2025,
//! 17 Nov 2025, 十一月十七日), month and year precision (2023年2月, 9月份, 11月上旬,
//! "late September 2025", "in early May", "in 2024", 2024年), ranges (11月5日至7日,
//! 2025.11.01-12, "Nov 3–13, 2025", "November 5 to 7") and dates relative to the publication
//! date the caller passes as `anchor` (今天, 昨天, 前天, 上周五, 本周三, 周三, 上月, 去年,
//! 两天前, 17日, yesterday, last Friday, "on Wednesday", last month, this year).
//! [`find_years`] reports bare years (2024年, "in 2024", "until 2020").
//!
//! # Conventions
//!
//! * **Year inference.** A date written without a year takes the anchor's year, one year
//!   earlier when it would fall more than 7 days after the anchor (published 2025-01-05,
//!   "December 28" is 2024-12-28; "December" is 2024-12). Without an anchor a year-less or
//!   relative date is not reported at all. Range ends take the start's year, the next year
//!   when their month comes before the start's (Dec 28 – Jan 3).
//! * **Day of month alone** (17日晚, common in Chinese reports) takes the anchor's month, the
//!   month before when it would fall more than 7 days after the anchor; `relative` is set.
//! * **Weekdays.** A bare weekday (周三, 星期三, 礼拜三, "on Wednesday", "Wednesday") is the most
//!   recent such day on or before the anchor (the anchor itself included). "last Friday" is the
//!   most recent Friday strictly before the anchor; "next Friday" the first strictly after.
//!   本周/这周/"this" name the day of the anchor's Monday-to-Sunday week, 上周 the week before,
//!   下周 the week after.
//! * **Relative months and years** (上月, 本月, 去年, 今年, 前年, last month, this year) are at
//!   month or year precision; 去年11月 and "November 17 last year" combine with them.
//! * **Explicit beats relative.** "本周四(11月13日)", "this Thursday (November 13)" and
//!   "11月13日（周四）" give one mention spanning both, dated by the explicit date.
//! * **Parts of a day or month** (晚, 上午, 凌晨, 上旬, 下旬, 月底, "the morning of", "late",
//!   "early") are included in the span and do not change the date or its precision.
//! * **Not dates:** times (7:48, 10点03分, 4 p.m.), ages and durations (5个月, 1岁, 两天, 3日内,
//!   "three consecutive months"), counts, weekly schedules (每周三, 一周三次), years outside
//!   1900–2100. Dates that do not exist (2月30日) are dropped along with the text they span, so
//!   no shorter reading (2月) is reported in their place.
//! * `year_given` is true only when the text writes the year in digits or Chinese numerals;
//!   `relative` when the text names the date relative to the anchor (yesterday, 上周五, 上月,
//!   去年, 17日); an inferred year alone does not make a date relative.
//!
//! # Cost
//!
//! Every pattern is compiled once. Most of the twenty patterns run only on short windows around
//! a trigger they must contain (月, 年, 日, a month name, "day"), found at memchr speed, so a
//! text is walked a handful of times rather than twenty; captures are taken only on matches.
//! The candidates are sorted and the longest non-overlapping ones kept: O(n + k log k) for n
//! bytes and k candidates (about 30 µs for a 3 KB bilingual report in a release build).

use crate::numbers::chinese_numeral;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use recount_model::PartialDate;
use regex::{Captures, Regex};
use std::ops::Range;
use std::sync::LazyLock;

/// A date found in a text and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateMention {
    /// Byte span in the input, on char boundaries.
    pub span: Range<usize>,
    /// The date, or the start of a range, at the precision the text gives.
    pub date: PartialDate,
    /// The end of a range (11月5日至7日), at the precision the text gives.
    pub end: Option<PartialDate>,
    /// The text itself wrote the year.
    pub year_given: bool,
    /// Resolved from the anchor: yesterday, 上周五, "on Wednesday", 上月, 去年, 17日.
    pub relative: bool,
}

/// Every date in `text`, in order and non-overlapping. `anchor` is the publication date that
/// relative and year-less dates are resolved against; without it they are not reported.
///
/// See the module documentation for the forms read and the conventions. Cost: a fixed number
/// of linear regex scans plus a sort of the candidates.
pub fn find_dates(text: &str, anchor: Option<NaiveDate>) -> Vec<DateMention> {
    let mut cands: Vec<Cand> = Vec::new();
    let mut windows: [Option<Vec<Range<usize>>>; TRIGGERS] = Default::default();
    for (re, shape, trigger) in SHAPES.iter() {
        let ws = windows[*trigger as usize].get_or_insert_with(|| trigger.windows(text));
        for w in ws.iter() {
            for caps in re.captures_iter(&text[w.clone()]) {
                let caps = Caps { caps, off: w.start };
                if let Some(c) = shape(&caps, text, anchor) {
                    if c.span.start < c.span.end {
                        cands.push(c);
                    }
                }
            }
        }
    }
    let kept = longest_non_overlapping(cands);
    merge_parenthesised(text, kept)
        .into_iter()
        .filter_map(|c| {
            let r = c.value?;
            Some(DateMention {
                span: c.span,
                date: r.date,
                end: r.end,
                year_given: r.year_given,
                relative: r.relative,
            })
        })
        .collect()
}

/// Bare years, in order: 2024年 and 二〇二四年 (span includes 年) when no month follows, and
/// four-digit years 1900–2100 after in, since, until, till, by, from, before, after, during,
/// through, between, year ("in 2024", "until 2020"), plus the second year of "from 2019 to
/// 2021". Years inside full dates are not bare and are not reported.
///
/// Cost: two linear regex scans.
pub fn find_years(text: &str) -> Vec<(Range<usize>, i32)> {
    let mut out: Vec<(Range<usize>, i32)> = Vec::new();
    for caps in YEAR_CN.captures_iter(text) {
        let (Some(m), Some(y)) = (caps.get(0), caps.name("y")) else {
            continue;
        };
        if prev_is_digit(text, m.start()) || month_follows(&text[m.end()..]) {
            continue;
        }
        if let Some(v) = year_value(y.as_str()) {
            out.push((m.range(), v));
        }
    }
    for caps in YEAR_EN.captures_iter(text) {
        let Some(y) = caps.name("y") else { continue };
        if !clean_year_end(text, y.end()) {
            continue;
        }
        let Some(v) = year_value(y.as_str()) else {
            continue;
        };
        out.push((y.range(), v));
        if let Some(c2) = YEAR_NEXT.captures(&text[y.end()..]) {
            if let Some(y2) = c2.name("y") {
                let r = y.end() + y2.start()..y.end() + y2.end();
                if clean_year_end(text, r.end) {
                    if let Some(v2) = year_value(y2.as_str()) {
                        out.push((r, v2));
                    }
                }
            }
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out.dedup_by(|b, a| b.0.start < a.0.end);
    out
}

// ---------------------------------------------------------------------------------------------
// Candidates

#[derive(Debug, Clone, Copy)]
struct Resolved {
    date: PartialDate,
    end: Option<PartialDate>,
    year_given: bool,
    relative: bool,
}

#[derive(Debug, Clone)]
struct Cand {
    span: Range<usize>,
    /// `None`: the text is a date we cannot resolve (no anchor, 2月30日). It still claims its
    /// span so that no shorter reading of the same words is reported.
    value: Option<Resolved>,
    /// Written as a calendar date rather than relative to the anchor.
    explicit: bool,
    /// A weekday name (星期一, Monday) that may stand next to a calendar date.
    weekday: bool,
}

fn cand(span: Range<usize>, value: Option<Resolved>, explicit: bool) -> Option<Cand> {
    Some(Cand {
        span,
        value,
        explicit,
        weekday: false,
    })
}

fn longest_non_overlapping(mut cands: Vec<Cand>) -> Vec<Cand> {
    cands.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
    });
    let mut kept: Vec<Cand> = Vec::with_capacity(cands.len());
    for c in cands {
        match kept.last_mut() {
            Some(last) if c.span.start < last.span.end => {
                if c.span.len() > last.span.len() {
                    *last = c;
                }
            }
            _ => kept.push(c),
        }
    }
    kept
}

/// "本周四(11月13日)", "11月13日（周四）", "2025年11月17日 星期一": one mention, dated by the
/// explicit date.
fn merge_parenthesised(text: &str, cands: Vec<Cand>) -> Vec<Cand> {
    let mut out: Vec<Cand> = Vec::with_capacity(cands.len());
    let mut iter = cands.into_iter().peekable();
    while let Some(a) = iter.next() {
        if let Some(b) = iter.peek() {
            let between = text[a.span.end..b.span.start].trim_matches(is_space);
            if a.explicit && b.weekday && between.is_empty() {
                let end = b.span.end;
                iter.next();
                out.push(Cand {
                    span: a.span.start..end,
                    ..a
                });
                continue;
            }
            let after = text[b.span.end..].trim_start_matches(is_space);
            if matches!(between, "(" | "（") && after.starts_with([')', '）']) {
                let close =
                    text.len() - after.len() + after.chars().next().map_or(0, char::len_utf8);
                let b = iter.next().unwrap_or_else(|| a.clone());
                let value = match (a.explicit, b.explicit) {
                    (false, true) => b.value.or(a.value),
                    _ => a.value.or(b.value),
                };
                out.push(Cand {
                    span: a.span.start..close,
                    value,
                    explicit: a.explicit || b.explicit,
                    weekday: false,
                });
                continue;
            }
        }
        out.push(a);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Patterns

const SP: &str = r"[ \t\u{3000}]*";
/// A month or day number: Arabic (ASCII, full-width) or Chinese.
const CN_D: &str = r"(?:[0-9０-９]{1,2}|[〇零一二三四五六七八九十]{1,3})";
/// A year: four Arabic digits or four Chinese digits (二〇二五).
const CN_Y: &str = r"(?:[12][0-9]{3}|[１２][０-９]{3}|[〇○零一二三四五六七八九]{4})";
const CN_SEP: &str = r"(?:至|到|~|～|〜|-|－|–|—)";
const CN_TOD: &str =
    r"(?:凌晨|清晨|早晨|早上|上午|中午|下午|傍晚|晚上|晚间|夜间|深夜|夜里|晚|夜|早)";
const CN_PART: &str = r"(?:上旬|中旬|下旬|上半月|下半月|中下旬|中上旬|初|底|末)";
const CN_REL_YEAR: &str = r"(?P<ry>今年|去年|前年|明年)";

const MONTHS_FULL: &str = "January|February|March|April|May|June|July|August|September|October|\
                           November|December";
/// Abbreviations may carry a full stop (Nov. 17); full names may not (a sentence's end).
const MONTHS_ABBR: &str = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";
const WEEKDAY: &str = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day";
const WS: &str = r"[ \t\u{a0}]+";
const EN_RSEP: &str = r"(?:[ \t]*[–—-][ \t]*|[ \t]+(?i:to|through|until|till)[ \t]+)";
const DAYPART: &str = r"(?:(?:(?i:on)[ \t]+)?(?i:the)[ \t]+(?:(?i:early|late)[ \t]+)?(?i:morning|afternoon|evening|night)[ \t]+(?i:of)[ \t]+)";
const EN_QUAL: &str = r"(?:(?i:early|mid|late)[ \t-]+|(?i:the)[ \t]+(?i:end|beginning|start|middle)[ \t]+(?i:of)[ \t]+)";

fn month_re(g: &str) -> String {
    format!(r"(?-u:\b)(?P<{g}>(?:{MONTHS_FULL})(?-u:\b)|(?:{MONTHS_ABBR})(?-u:\b)\.?)")
}

fn day_re(g: &str) -> String {
    format!(r"(?-u:\b)(?P<{g}>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?-u:\b)")
}

fn year_re(g: &str) -> String {
    format!(r"(?-u:\b)(?P<{g}>(?:19|20)[0-9]{{2}})(?-u:\b)")
}

fn weekday_prefix() -> String {
    format!(r"(?:(?:(?i:on){WS})?{WEEKDAY},?{WS})?")
}

fn re(p: &str) -> Regex {
    // The patterns are constants of this module; a failure is a bug caught by every test.
    Regex::new(p).unwrap_or_else(|e| panic!("date pattern does not compile: {e}"))
}

type Shape = fn(&Caps, &str, Option<NaiveDate>) -> Option<Cand>;

/// What every match of a shape contains. Most patterns start with optional parts, so the
/// regex engine cannot skip ahead on a literal and would walk the whole text once per pattern;
/// instead each pattern runs only on windows around its trigger (found at memchr speed), wide
/// enough to hold any match that contains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    Whole,
    Yue,
    Nian,
    Ri,
    Qian,
    MonthName,
    DayWord,
    Ago,
}

const TRIGGERS: usize = 8;

/// Bytes a match may extend before and after its trigger ("on the morning of Wednesday, " +
/// "November"; "二〇二五年 十一" + "月"; "月" + "十七日至十二月三日晚上（周四）").
const WINDOW_BEFORE: usize = 64;
const WINDOW_AFTER: usize = 112;

impl Trigger {
    fn windows(self, text: &str) -> Vec<Range<usize>> {
        let found: Box<dyn Iterator<Item = Range<usize>> + '_> = match self {
            Trigger::Whole => return std::iter::once(0..text.len()).collect(),
            Trigger::Yue => Box::new(char_positions(text, '月')),
            Trigger::Nian => Box::new(char_positions(text, '年')),
            Trigger::Ri => Box::new(char_positions(text, '日')),
            Trigger::Qian => Box::new(char_positions(text, '前')),
            Trigger::MonthName => Box::new(MONTH_PRESENT.find_iter(text).map(|m| m.range())),
            Trigger::DayWord => Box::new(DAY_WORD.find_iter(text).map(|m| m.range())),
            Trigger::Ago => Box::new(AGO.find_iter(text).map(|m| m.range())),
        };
        let mut out: Vec<Range<usize>> = Vec::new();
        for t in found {
            let a = window_start(text, t.start.saturating_sub(WINDOW_BEFORE));
            let b = window_end(text, t.end.saturating_add(WINDOW_AFTER).min(text.len()));
            match out.last_mut() {
                Some(w) if a <= w.end => w.end = w.end.max(b),
                _ => out.push(a..b),
            }
        }
        out
    }
}

fn char_positions(text: &str, c: char) -> impl Iterator<Item = Range<usize>> + '_ {
    text.match_indices(c).map(|(i, m)| i..i + m.len())
}

/// A window edge never splits an ASCII word, so `\b` sees the same thing as in the whole text.
fn window_start(text: &str, mut a: usize) -> usize {
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let b = text.as_bytes();
    while a > 0 && b[a - 1].is_ascii_alphanumeric() {
        a -= 1;
    }
    a
}

fn window_end(text: &str, mut e: usize) -> usize {
    while !text.is_char_boundary(e) {
        e += 1;
    }
    let b = text.as_bytes();
    while e < b.len() && b[e].is_ascii_alphanumeric() {
        e += 1;
    }
    e
}

static MONTH_PRESENT: LazyLock<Regex> =
    LazyLock::new(|| re("Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"));
static DAY_WORD: LazyLock<Regex> =
    LazyLock::new(|| re("day|Day|DAY|ight|IGHT|orning|ORNING|fternoon|FTERNOON|vening|VENING"));
static AGO: LazyLock<Regex> = LazyLock::new(|| re("ago|Ago|AGO"));

/// Captures of a pattern run on a window, in the coordinates of the whole text.
struct Caps<'t> {
    caps: Captures<'t>,
    off: usize,
}

#[derive(Debug, Clone, Copy)]
struct Group<'t> {
    text: &'t str,
    start: usize,
}

impl<'t> Group<'t> {
    fn as_str(&self) -> &'t str {
        self.text
    }
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
    fn range(&self) -> Range<usize> {
        self.start()..self.end()
    }
}

impl<'t> Caps<'t> {
    fn name(&self, g: &str) -> Option<Group<'t>> {
        let m = self.caps.name(g)?;
        Some(Group {
            text: m.as_str(),
            start: self.off + m.start(),
        })
    }
    fn get0(&self) -> Option<Group<'t>> {
        let m = self.caps.get(0)?;
        Some(Group {
            text: m.as_str(),
            start: self.off + m.start(),
        })
    }
}

static SHAPES: LazyLock<Vec<(Regex, Shape, Trigger)>> = LazyLock::new(|| {
    let (m, m2, d, d2, y, y1) = (
        month_re("m"),
        month_re("m2"),
        day_re("d"),
        day_re("d2"),
        year_re("y"),
        year_re("y1"),
    );
    let wk = weekday_prefix();
    vec![
        (
            re(&format!(
                r"(?:(?P<y>{CN_Y}){SP}年{SP}|{CN_REL_YEAR}{SP})?(?P<m>{CN_D}){SP}月{SP}(?P<d>{CN_D}){SP}(?:[日号](?:{SP}{CN_SEP}{SP}(?:(?P<y2>{CN_Y}){SP}年{SP})?(?:(?P<m2>{CN_D}){SP}月{SP})?(?P<d2>{CN_D}){SP}[日号])?|{CN_SEP}{SP}(?:(?P<m3>{CN_D}){SP}月{SP})?(?P<d3>{CN_D}){SP}[日号])(?:{SP}{CN_TOD})?"
            )),
            cn_ymd as Shape,
            Trigger::Yue,
        ),
        (
            re(&format!(
                r"(?:(?P<y>{CN_Y}){SP}年{SP}|{CN_REL_YEAR}{SP})?(?P<m>{CN_D}){SP}月(?:份)?(?:{SP}{CN_SEP}{SP}(?:(?P<y2>{CN_Y}){SP}年{SP})?(?P<m2>{CN_D}){SP}月(?:份)?)?(?:{SP}{CN_PART})?"
            )),
            cn_ym,
            Trigger::Yue,
        ),
        (
            re(&format!(
                r"(?P<y>{CN_Y}){SP}年(?:度|初|底|末|中|上半年|下半年)?"
            )),
            cn_y,
            Trigger::Nian,
        ),
        (
            re(&format!(
                r"(?P<y>[12][0-9]{{3}})(?P<s1>[./-])(?P<m>[0-9]{{1,2}})(?P<s2>[./-])(?P<d>[0-9]{{1,2}})(?:{SP}(?:-|–|~|～|至|到){SP}(?:(?P<m2>[0-9]{{1,2}})[./])?(?P<d2>[0-9]{{1,2}}))?"
            )),
            numeric_ymd,
            Trigger::Whole,
        ),
        (
            re(r"(?P<y>[12][0-9]{3})-(?P<m>[01][0-9])"),
            iso_ym,
            Trigger::Whole,
        ),
        (
            re(&format!(
                r"(?P<w>大前天|前天|前日|前晚|前夜|昨天|昨日|昨晚|昨夜|昨晨|昨早|今天|今日|今晨|今早|今晚|今夜|明天|明日)(?:{CN_TOD})?"
            )),
            cn_rel_day,
            Trigger::Whole,
        ),
        // 今（30）日上午: the day of the month written inside "today".
        (
            re(&format!(
                r"(?P<w>今){SP}[(（]{SP}[0-9０-９]{{1,2}}{SP}[)）]{SP}日(?:{CN_TOD})?"
            )),
            cn_rel_day,
            Trigger::Whole,
        ),
        (
            re(&format!(
                r"(?P<pre>本|这个?|上个?|下个?)?(?:星期|礼拜|周)(?P<wd>[一二三四五六日天])(?:{CN_TOD})?"
            )),
            cn_week,
            Trigger::Whole,
        ),
        (
            re(&format!(
                r"(?P<w>上个月|上月|本月|这个月|下个月|去年|今年|前年|明年)(?:{SP}{CN_PART})?"
            )),
            cn_rel_month_year,
            Trigger::Whole,
        ),
        (
            re(&format!(
                r"(?P<mr>本月|上个?月|这个月){SP}(?P<d>{CN_D}){SP}[日号](?:{CN_TOD})?"
            )),
            cn_rel_month_day,
            Trigger::Whole,
        ),
        (
            re(&format!(
                r"(?P<d>[0-9０-９]{{1,2}}|[二三]?十[一二三四五六七八九]?){SP}日(?:{CN_TOD})?"
            )),
            cn_day_only,
            Trigger::Ri,
        ),
        (
            re(&format!(
                r"(?P<n>[0-9０-９]{{1,2}}|[一二两三四五六七八九十]{{1,3}}){SP}(?:天|日)(?:之)?前"
            )),
            cn_days_ago,
            Trigger::Qian,
        ),
        (
            re(&format!(
                r"(?:{DAYPART})?{wk}{m}{WS}{d}(?:,?{WS}{y1})?(?:{EN_RSEP}(?:{m2}{WS})?{d2})?(?:,?{WS}{y})?(?:,?{WS}(?:(?i:of){WS})?(?P<ry>(?i:last|this|next){WS}(?i:year)))?"
            )),
            en_mdy,
            Trigger::MonthName,
        ),
        (
            re(&format!(
                r"(?:{DAYPART})?{wk}{d}(?:{EN_RSEP}{d2})?{WS}(?:(?i:of){WS})?{m}(?:,?{WS}{y})?"
            )),
            en_dmy,
            Trigger::MonthName,
        ),
        (
            re(&format!(r"(?P<q>{EN_QUAL})?{m},?{WS}{y}")),
            en_my,
            Trigger::MonthName,
        ),
        (
            re(&format!(
                r"(?-u:\b)(?P<pre>(?i:in|since|until|till|during|by|from|before|after|early|mid|late|last|this|of))[ \t-]+(?P<q>{EN_QUAL})?{m}"
            )),
            en_m,
            Trigger::MonthName,
        ),
        (
            re(&format!(
                r"(?-u:\b)(?:(?i:in|during)[ \t]+(?P<q>(?i:early|mid|late)[ \t-]+)?|(?P<q2>(?i:early|mid|late))[ \t-]+){y}"
            )),
            en_year,
            Trigger::Whole,
        ),
        (
            re(
                r"(?-u:\b)(?P<w>(?i:the[ \t]+day[ \t]+before[ \t]+yesterday|yesterday|today|tonight|tomorrow|last[ \t]+night|this[ \t]+(?:morning|afternoon|evening)|earlier[ \t]+today))(?-u:\b)",
            ),
            en_rel_day,
            Trigger::DayWord,
        ),
        (
            re(&format!(
                r"(?-u:\b)(?:(?P<pre>(?i:on|last|this|next|past)){WS})?(?P<wd>{WEEKDAY})(?-u:\b)(?:{WS}(?i:morning|afternoon|evening|night)(?-u:\b))?"
            )),
            en_week,
            Trigger::DayWord,
        ),
        (
            re(r"(?-u:\b)(?P<w>(?i:last|this|next)[ \t]+(?i:month|year))(?-u:\b)"),
            en_rel_month_year,
            Trigger::Whole,
        ),
        (
            re(
                r"(?-u:\b)(?P<n>[0-9]{1,2}|(?i:a|one|two|three|four|five|six|seven|eight|nine|ten))[ \t]+(?i:days?)[ \t]+(?i:ago)(?-u:\b)",
            ),
            en_days_ago,
            Trigger::Ago,
        ),
    ]
});

static YEAR_CN: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"(?P<y>{CN_Y}){SP}年")));
static YEAR_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?-u:\b)(?i:in|since|until|till|by|from|before|after|during|through|between|year)[ \t]+(?:(?i:early|mid|late)[ \t-]+)?{}",
        year_re("y")
    ))
});
static YEAR_NEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^[ \t]*(?:[–—-]|(?i:to|and|through|until))[ \t]*{}",
        year_re("y")
    ))
});
static MONTH_AHEAD: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"^{SP}{CN_D}{SP}月")));

// ---------------------------------------------------------------------------------------------
// Small readers

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn is_numeral_char(c: char) -> bool {
    digit_value(c).is_some()
        || matches!(
            c,
            '〇' | '○'
                | '零'
                | '一'
                | '二'
                | '两'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '百'
                | '千'
                | '万'
        )
}

fn prev_is_digit(text: &str, pos: usize) -> bool {
    text[..pos].chars().next_back().is_some_and(is_numeral_char)
}

fn next_char(text: &str, pos: usize) -> Option<char> {
    text[pos..].chars().next()
}

/// 2, 02, ２, 十七, 二十三.
fn small_number(s: &str) -> Option<u32> {
    let s = s.trim_matches(is_space);
    if !s.is_empty() && s.chars().all(|c| digit_value(c).is_some()) {
        return s.chars().try_fold(0u32, |acc, c| {
            acc.checked_mul(10)?.checked_add(digit_value(c)?)
        });
    }
    u32::try_from(chinese_numeral(s)?).ok()
}

/// A year written in digits or Chinese numerals, 1900–2100.
fn year_value(s: &str) -> Option<i32> {
    let v = i32::try_from(small_number(s)?).ok()?;
    (1900..=2100).contains(&v).then_some(v)
}

fn month_follows(rest: &str) -> bool {
    MONTH_AHEAD.is_match(rest)
}

/// Not followed by more digits or a decimal part: 2024 but not 20245 or 2024.5.
fn clean_year_end(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let mut it = rest.chars();
    match it.next() {
        Some(c) if digit_value(c).is_some() => false,
        Some('.' | ',') => !it.next().is_some_and(|c| c.is_ascii_digit()),
        _ => true,
    }
}

fn english_month(s: &str) -> Option<u32> {
    let p = s.get(..3)?.to_ascii_lowercase();
    let i = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| *m == p)?;
    Some(i as u32 + 1)
}

fn english_weekday(s: &str) -> Option<Weekday> {
    Some(match s.get(..3)?.to_ascii_lowercase().as_str() {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn chinese_weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "一" => Weekday::Mon,
        "二" => Weekday::Tue,
        "三" => Weekday::Wed,
        "四" => Weekday::Thu,
        "五" => Weekday::Fri,
        "六" => Weekday::Sat,
        "日" | "天" => Weekday::Sun,
        _ => return None,
    })
}

fn english_small(s: &str) -> Option<i64> {
    if let Ok(v) = s.parse::<i64>() {
        return Some(v);
    }
    let i = [
        "a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ]
    .iter()
    .position(|w| s.eq_ignore_ascii_case(w))?;
    Some(i.max(1) as i64)
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic. Every step is checked: an anchor near the ends of chrono's range must
// not panic.

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    d.checked_add_signed(Duration::try_days(n)?)
}

/// The anchor's year, or the year before when the date would fall more than 7 days after it.
fn infer_year(anchor: NaiveDate, month: u32, day: Option<u32>) -> Option<i32> {
    let y = anchor.year();
    let probe = NaiveDate::from_ymd_opt(y, month, day.unwrap_or(1))
        .or_else(|| NaiveDate::from_ymd_opt(y, month, 28))?;
    Some(if probe > add_days(anchor, 7)? {
        y - 1
    } else {
        y
    })
}

fn month_shift(y: i32, m: u32, by: i32) -> Option<(i32, u32)> {
    let idx = y
        .checked_mul(12)?
        .checked_add(m as i32 - 1)?
        .checked_add(by)?;
    Some((idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1))
}

fn monday_of(d: NaiveDate) -> Option<NaiveDate> {
    add_days(d, -(d.weekday().num_days_from_monday() as i64))
}

/// The most recent `wd` on or before the anchor (strictly before when `strict`).
fn last_weekday(anchor: NaiveDate, wd: Weekday, strict: bool) -> Option<NaiveDate> {
    let mut back = (anchor.weekday().num_days_from_monday() + 7 - wd.num_days_from_monday()) % 7;
    if back == 0 && strict {
        back = 7;
    }
    add_days(anchor, -(back as i64))
}

fn next_weekday(anchor: NaiveDate, wd: Weekday) -> Option<NaiveDate> {
    let mut ahead = (wd.num_days_from_monday() + 7 - anchor.weekday().num_days_from_monday()) % 7;
    if ahead == 0 {
        ahead = 7;
    }
    add_days(anchor, ahead as i64)
}

fn weekday_in_week(anchor: NaiveDate, wd: Weekday, weeks: i64) -> Option<NaiveDate> {
    add_days(
        monday_of(anchor)?,
        weeks * 7 + wd.num_days_from_monday() as i64,
    )
}

fn rel_year_offset(s: &str) -> i32 {
    let l = s.to_ascii_lowercase();
    if s.starts_with('去') || l.starts_with("last") {
        -1
    } else if s.starts_with('前') {
        -2
    } else if s.starts_with('明') || l.starts_with("next") {
        1
    } else {
        0
    }
}

/// End of a range that starts at `start`: same month unless `m2` is given; the next year when
/// the end month comes before the start month. `None` when it is not after the start.
fn range_end(start: PartialDate, m2: Option<u32>, d2: Option<u32>) -> Option<PartialDate> {
    let sm = start.month?;
    let m = m2.unwrap_or(sm);
    let y = if m < sm { start.year + 1 } else { start.year };
    let end = match d2 {
        Some(d) => PartialDate::day(y, m, d)?,
        None => PartialDate::month(y, m)?,
    };
    (end.first_day() > start.last_day()).then_some(end)
}

/// The end of a written range: with its own year when the text gives one (Dec. 28, 2024 –
/// Jan. 3, 2025), else by [`range_end`].
fn explicit_end(
    start: PartialDate,
    end_year: Option<&str>,
    m2: Option<u32>,
    d2: Option<u32>,
) -> Option<PartialDate> {
    let d2 = d2?;
    match end_year {
        Some(y) => {
            let end = PartialDate::day(year_value(y)?, m2.or(start.month)?, d2)?;
            (end.first_day() > start.last_day()).then_some(end)
        }
        None => range_end(start, m2, Some(d2)),
    }
}

fn day_value(date: PartialDate, relative: bool, year_given: bool) -> Resolved {
    Resolved {
        date,
        end: None,
        year_given,
        relative,
    }
}

fn rel_day(
    anchor: Option<NaiveDate>,
    f: impl FnOnce(NaiveDate) -> Option<NaiveDate>,
) -> Option<Resolved> {
    let d = f(anchor?)?;
    Some(day_value(PartialDate::from_naive(d), true, false))
}

// ---------------------------------------------------------------------------------------------
// Shapes: captures → candidate.

fn whole(c: &Caps) -> Option<Range<usize>> {
    c.get0().map(|m| m.range())
}

fn num(c: &Caps, g: &str) -> Option<u32> {
    small_number(c.name(g)?.as_str())
}

/// The year of an explicit date: written, relative (去年), or inferred from the anchor.
fn year_of(
    c: &Caps,
    anchor: Option<NaiveDate>,
    month: u32,
    day: Option<u32>,
) -> Option<(i32, bool, bool)> {
    if let Some(y) = c.name("y1").or_else(|| c.name("y")) {
        return Some((year_value(y.as_str())?, true, false));
    }
    if let Some(ry) = c.name("ry") {
        let y = anchor?.year().checked_add(rel_year_offset(ry.as_str()))?;
        return Some((y, false, true));
    }
    Some((infer_year(anchor?, month, day)?, false, false))
}

fn cn_ymd(c: &Caps, text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    if prev_is_digit(text, span.start) {
        return None;
    }
    let value = (|| {
        let month = num(c, "m")?;
        let day = num(c, "d")?;
        let (year, year_given, relative) = year_of(c, anchor, month, Some(day))?;
        let date = PartialDate::day(year, month, day)?;
        let (m2, d2) = if c.name("d2").is_some() {
            (c.name("m2"), num(c, "d2"))
        } else {
            (c.name("m3"), num(c, "d3"))
        };
        let m2 = match m2 {
            Some(m) => Some(small_number(m.as_str())?),
            None => None,
        };
        let end = explicit_end(date, c.name("y2").map(|y| y.as_str()), m2, d2);
        Some(Resolved {
            date,
            end,
            year_given,
            relative,
        })
    })();
    cand(span, value, true)
}

fn cn_ym(c: &Caps, text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    if prev_is_digit(text, span.start) {
        return None;
    }
    let m = c.name("m")?;
    // 统一月饼, 一月球: 一月 inside a word, not January.
    if c.name("y").is_none()
        && c.name("ry").is_none()
        && !m.as_str().starts_with(|ch: char| digit_value(ch).is_some())
        && next_char(text, span.end)
            .is_some_and(|ch| matches!(ch, '饼' | '球' | '亮' | '光' | '薪' | '票' | '嫂' | '子'))
    {
        return None;
    }
    let value = (|| {
        let month = num(c, "m")?;
        let (year, year_given, relative) = year_of(c, anchor, month, None)?;
        let date = PartialDate::month(year, month)?;
        let end = match c.name("m2") {
            Some(m2) => {
                let m2 = small_number(m2.as_str())?;
                match c.name("y2") {
                    Some(y2) => {
                        let e = PartialDate::month(year_value(y2.as_str())?, m2)?;
                        (e.first_day() > date.last_day()).then_some(e)
                    }
                    None => range_end(date, Some(m2), None),
                }
            }
            None => None,
        };
        Some(Resolved {
            date,
            end,
            year_given,
            relative,
        })
    })();
    cand(span, value, true)
}

fn cn_y(c: &Caps, text: &str, _anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let y = c.name("y")?;
    // 2024年11月 is read as a month; a bare year only when no month follows.
    if prev_is_digit(text, span.start) || month_follows(&text[span.end..]) {
        return None;
    }
    let value = year_value(y.as_str()).map(|v| day_value(PartialDate::year(v), false, true));
    cand(span, value, true)
}

fn numeric_ymd(c: &Caps, text: &str, _anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    if c.name("s1")?.as_str() != c.name("s2")?.as_str() {
        return None;
    }
    let before = text[..span.start].chars().next_back();
    if before.is_some_and(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '/' | '-')) {
        return None;
    }
    // 2025.11.17.5 or 1.2.3.4 is a version or an address; 2025.11.01-12.5 is not our range.
    let mut rest = text[span.end..].chars();
    match rest.next() {
        Some(ch) if ch.is_ascii_alphanumeric() => return None,
        Some('.' | '/' | ':') if rest.next().is_some_and(|ch| ch.is_ascii_digit()) => return None,
        _ => {}
    }
    let value = (|| {
        let year = year_value(c.name("y")?.as_str())?;
        let date = PartialDate::day(year, num(c, "m")?, num(c, "d")?)?;
        let m2 = match c.name("m2") {
            Some(m) => Some(small_number(m.as_str())?),
            None => None,
        };
        let end = num(c, "d2").and_then(|d| range_end(date, m2, Some(d)));
        Some(Resolved {
            date,
            end,
            year_given: true,
            relative: false,
        })
    })();
    cand(span, value, true)
}

fn iso_ym(c: &Caps, text: &str, _anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    if before.is_some_and(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '.' | '/'))
        || after.is_some_and(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '.' | '/'))
    {
        return None;
    }
    let value = (|| {
        let date = PartialDate::month(year_value(c.name("y")?.as_str())?, num(c, "m")?)?;
        Some(day_value(date, false, true))
    })();
    cand(span, value, true)
}

fn cn_rel_day(c: &Caps, text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let w = c.name("w")?.as_str();
    // 今日头条 is a news app; 明日之星 a title.
    if text[span.end..].starts_with("头条") || text[span.end..].starts_with("之") {
        return None;
    }
    let offset = match w {
        "大前天" => -3,
        "前天" | "前日" | "前晚" | "前夜" => -2,
        "昨天" | "昨日" | "昨晚" | "昨夜" | "昨晨" | "昨早" => -1,
        "明天" | "明日" => 1,
        _ => 0,
    };
    cand(span, rel_day(anchor, |a| add_days(a, offset)), false)
}

fn cn_week(c: &Caps, text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let wd = chinese_weekday(c.name("wd")?.as_str())?;
    let pre = c.name("pre").map(|p| p.as_str());
    if pre.is_none() {
        // 每周三, 一周三次, 两周五天: a schedule or a duration.
        let before = text[..span.start].chars().next_back();
        let after = text[span.end..].chars().next();
        if before.is_some_and(|ch| {
            is_numeral_char(ch) || matches!(ch, '每' | '几' | '数' | '多' | '半' | '个')
        }) || after.is_some_and(|ch| {
            matches!(
                ch,
                '次' | '天' | '年' | '个' | '名' | '人' | '位' | '时' | '岁' | '周' | '月' | '日'
            )
        }) {
            return None;
        }
    }
    let value = rel_day(anchor, |a| match pre {
        Some(p) if p.starts_with('上') => weekday_in_week(a, wd, -1),
        Some(p) if p.starts_with('下') => weekday_in_week(a, wd, 1),
        Some(_) => weekday_in_week(a, wd, 0),
        None => last_weekday(a, wd, false),
    });
    let mut c = cand(span, value, false)?;
    c.weekday = pre.is_none();
    Some(c)
}

fn cn_rel_month_year(c: &Caps, _text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let w = c.name("w")?.as_str();
    let value = anchor.and_then(|a| {
        let date = if w.ends_with('月') {
            let by = match w {
                "上个月" | "上月" => -1,
                "下个月" => 1,
                _ => 0,
            };
            let (y, m) = month_shift(a.year(), a.month(), by)?;
            PartialDate::month(y, m)?
        } else {
            PartialDate::year(a.year().checked_add(rel_year_offset(w))?)
        };
        Some(day_value(date, true, false))
    });
    cand(span, value, false)
}

fn cn_rel_month_day(c: &Caps, _text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let mr = c.name("mr")?.as_str();
    let value = (|| {
        let a = anchor?;
        let by = if mr.starts_with('上') { -1 } else { 0 };
        let (y, m) = month_shift(a.year(), a.month(), by)?;
        Some(day_value(
            PartialDate::day(y, m, num(c, "d")?)?,
            true,
            false,
        ))
    })();
    cand(span, value, false)
}

fn cn_day_only(c: &Caps, text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let before = text[..span.start].chars().next_back();
    if before.is_some_and(|ch| {
        is_numeral_char(ch)
            || matches!(
                ch,
                '月' | '第' | '每' | '数' | '几' | '个' | '近' | '多' | '余'
            )
    }) || text[span.end..].starts_with(['内', '间'])
        || text[span.end..].starts_with("以内")
        || text[span.end..].starts_with("之内")
    {
        return None;
    }
    let value = (|| {
        let a = anchor?;
        let day = num(c, "d")?;
        if !(1..=31).contains(&day) {
            return None;
        }
        let limit = add_days(a, 7)?;
        let this = NaiveDate::from_ymd_opt(a.year(), a.month(), day).filter(|d| *d <= limit);
        let d = match this {
            Some(d) => d,
            None => {
                let (y, m) = month_shift(a.year(), a.month(), -1)?;
                NaiveDate::from_ymd_opt(y, m, day)?
            }
        };
        Some(day_value(PartialDate::from_naive(d), true, false))
    })();
    cand(span, value, false)
}

fn cn_days_ago(c: &Caps, text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    if prev_is_digit(text, span.start) {
        return None;
    }
    let n = num(c, "n")?;
    if n > 60 {
        return None;
    }
    cand(span, rel_day(anchor, |a| add_days(a, -(n as i64))), false)
}

fn en_explicit(c: &Caps, anchor: Option<NaiveDate>, span: Range<usize>) -> Option<Cand> {
    let value = (|| {
        let month = english_month(c.name("m")?.as_str())?;
        let day = num(c, "d")?;
        let (year, year_given, relative) = year_of(c, anchor, month, Some(day))?;
        let date = PartialDate::day(year, month, day)?;
        let m2 = match c.name("m2") {
            Some(m) => Some(english_month(m.as_str())?),
            None => None,
        };
        // With a year on each side, the second one belongs to the end.
        let end_year = c.name("y1").and(c.name("y")).map(|y| y.as_str());
        let end = explicit_end(date, end_year, m2, num(c, "d2"));
        Some(Resolved {
            date,
            end,
            year_given,
            relative,
        })
    })();
    cand(span, value, true)
}

fn en_mdy(c: &Caps, _text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    en_explicit(c, anchor, whole(c)?)
}

fn en_dmy(c: &Caps, text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    // "5 May" is a date, "5,000 May" and "1.5 May" are not.
    if text[..span.start].ends_with([',', '.']) && prev_is_digit(text, span.start - 1) {
        return None;
    }
    en_explicit(c, anchor, span)
}

fn en_my(c: &Caps, _text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let value = (|| {
        let month = english_month(c.name("m")?.as_str())?;
        let (year, year_given, relative) = year_of(c, anchor, month, None)?;
        Some(day_value(
            PartialDate::month(year, month)?,
            relative,
            year_given,
        ))
    })();
    cand(span, value, true)
}

fn en_m(c: &Caps, _text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let pre = c.name("pre")?;
    let m = c.name("m")?;
    let start = if let Some(q) = c.name("q") {
        q.start()
    } else if ["early", "mid", "late"]
        .iter()
        .any(|w| pre.as_str().eq_ignore_ascii_case(w))
    {
        pre.start()
    } else {
        m.start()
    };
    let end = whole(c)?.end;
    let value = (|| {
        let month = english_month(m.as_str())?;
        let year = infer_year(anchor?, month, None)?;
        Some(day_value(PartialDate::month(year, month)?, false, false))
    })();
    cand(start..end, value, true)
}

fn en_year(c: &Caps, text: &str, _anchor: Option<NaiveDate>) -> Option<Cand> {
    let y = c.name("y")?;
    if !clean_year_end(text, y.end()) {
        return None;
    }
    let start = c
        .name("q")
        .or(c.name("q2"))
        .map_or(y.start(), |q| q.start());
    let value = year_value(y.as_str()).map(|v| day_value(PartialDate::year(v), false, true));
    cand(start..y.end(), value, true)
}

fn en_rel_day(c: &Caps, _text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let w = c.name("w")?.as_str().to_ascii_lowercase();
    let offset = if w.starts_with("the") {
        -2
    } else if w.starts_with("yesterday") || w.starts_with("last") {
        -1
    } else if w.starts_with("tomorrow") {
        1
    } else {
        0
    };
    cand(span, rel_day(anchor, |a| add_days(a, offset)), false)
}

fn en_week(c: &Caps, _text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let wd = english_weekday(c.name("wd")?.as_str())?;
    let pre = c.name("pre").map(|p| p.as_str().to_ascii_lowercase());
    let value = rel_day(anchor, |a| match pre.as_deref() {
        Some("last" | "past") => last_weekday(a, wd, true),
        Some("next") => next_weekday(a, wd),
        Some("this") => weekday_in_week(a, wd, 0),
        _ => last_weekday(a, wd, false),
    });
    let mut c = cand(span, value, false)?;
    c.weekday = pre.is_none();
    Some(c)
}

fn en_rel_month_year(c: &Caps, _text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let w = c.name("w")?.as_str().to_ascii_lowercase();
    let value = anchor.and_then(|a| {
        let by = rel_year_offset(&w);
        let date = if w.ends_with("month") {
            let (y, m) = month_shift(a.year(), a.month(), by)?;
            PartialDate::month(y, m)?
        } else {
            PartialDate::year(a.year().checked_add(by)?)
        };
        Some(day_value(date, true, false))
    });
    cand(span, value, false)
}

fn en_days_ago(c: &Caps, _text: &str, anchor: Option<NaiveDate>) -> Option<Cand> {
    let span = whole(c)?;
    let n = english_small(c.name("n")?.as_str())?;
    if n > 60 {
        return None;
    }
    cand(span, rel_day(anchor, |a| add_days(a, -n)), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> PartialDate {
        PartialDate::day(y, m, d).unwrap()
    }

    fn ym(y: i32, m: u32) -> PartialDate {
        PartialDate::month(y, m).unwrap()
    }

    fn anchor(s: &str) -> Option<NaiveDate> {
        Some(s.parse().unwrap())
    }

    /// One expected mention: the covered text, the start, the end, year_given, relative.
    type Want<'a> = (&'a str, PartialDate, Option<PartialDate>, bool, bool);

    fn check(text: &str, at: Option<NaiveDate>, want: &[Want]) {
        let got: Vec<Want> = find_dates(text, at)
            .into_iter()
            .map(|m| {
                (
                    &text[m.span.clone()],
                    m.date,
                    m.end,
                    m.year_given,
                    m.relative,
                )
            })
            .collect();
        assert_eq!(got, want, "in {text:?} at {at:?}");
    }

    // Published on a Wednesday.
    const WED: &str = "2025-11-19";

    #[test]
    fn chinese_absolute() {
        let a = anchor(WED);
        check(
            "2025年11月17日",
            a,
            &[("2025年11月17日", ymd(2025, 11, 17), None, true, false)],
        );
        check(
            "2025年11月17日晚,市民聚集",
            a,
            &[("2025年11月17日晚", ymd(2025, 11, 17), None, true, false)],
        );
        check(
            "2025年11月17日上午",
            a,
            &[("2025年11月17日上午", ymd(2025, 11, 17), None, true, false)],
        );
        check(
            "11月17日",
            a,
            &[("11月17日", ymd(2025, 11, 17), None, false, false)],
        );
        check(
            "11月17号",
            a,
            &[("11月17号", ymd(2025, 11, 17), None, false, false)],
        );
        check(
            "十一月十七日",
            a,
            &[("十一月十七日", ymd(2025, 11, 17), None, false, false)],
        );
        check(
            "二〇二五年十一月十七日",
            a,
            &[(
                "二〇二五年十一月十七日",
                ymd(2025, 11, 17),
                None,
                true,
                false,
            )],
        );
        check(
            "２０２５年１１月１７日",
            a,
            &[(
                "２０２５年１１月１７日",
                ymd(2025, 11, 17),
                None,
                true,
                false,
            )],
        );
        check(
            "2025.11.17",
            a,
            &[("2025.11.17", ymd(2025, 11, 17), None, true, false)],
        );
        check(
            "2025/11/17",
            a,
            &[("2025/11/17", ymd(2025, 11, 17), None, true, false)],
        );
        check(
            "2025-11-17",
            a,
            &[("2025-11-17", ymd(2025, 11, 17), None, true, false)],
        );
        check(
            "(2025.11.17)",
            None,
            &[("2025.11.17", ymd(2025, 11, 17), None, true, false)],
        );
    }

    #[test]
    fn chinese_month_and_year() {
        let a = anchor(WED);
        check(
            "2023年2月",
            a,
            &[("2023年2月", ym(2023, 2), None, true, false)],
        );
        check("9月份", a, &[("9月份", ym(2025, 9), None, false, false)]);
        check("九月份", a, &[("九月份", ym(2025, 9), None, false, false)]);
        check(
            "11月上半月",
            a,
            &[("11月上半月", ym(2025, 11), None, false, false)],
        );
        check(
            "11月上旬",
            a,
            &[("11月上旬", ym(2025, 11), None, false, false)],
        );
        check(
            "11月中旬",
            a,
            &[("11月中旬", ym(2025, 11), None, false, false)],
        );
        check(
            "10月下旬",
            a,
            &[("10月下旬", ym(2025, 10), None, false, false)],
        );
        check(
            "2024年",
            a,
            &[("2024年", PartialDate::year(2024), None, true, false)],
        );
        check(
            "2024年底",
            None,
            &[("2024年底", PartialDate::year(2024), None, true, false)],
        );
        check(
            "去年11月",
            a,
            &[("去年11月", ym(2024, 11), None, false, true)],
        );
        check(
            "2023年2月至3月",
            a,
            &[(
                "2023年2月至3月",
                ym(2023, 2),
                Some(ym(2023, 3)),
                true,
                false,
            )],
        );
        check(
            "2023-02",
            None,
            &[("2023-02", ym(2023, 2), None, true, false)],
        );
    }

    #[test]
    fn chinese_ranges() {
        let a = anchor(WED);
        check(
            "2025.11.01-12",
            a,
            &[(
                "2025.11.01-12",
                ymd(2025, 11, 1),
                Some(ymd(2025, 11, 12)),
                true,
                false,
            )],
        );
        check(
            "2025.11.1-10",
            a,
            &[(
                "2025.11.1-10",
                ymd(2025, 11, 1),
                Some(ymd(2025, 11, 10)),
                true,
                false,
            )],
        );
        check(
            "2025.11.05-07",
            a,
            &[(
                "2025.11.05-07",
                ymd(2025, 11, 5),
                Some(ymd(2025, 11, 7)),
                true,
                false,
            )],
        );
        check(
            "11月5日至7日",
            a,
            &[(
                "11月5日至7日",
                ymd(2025, 11, 5),
                Some(ymd(2025, 11, 7)),
                false,
                false,
            )],
        );
        check(
            "11月5日到7日",
            a,
            &[(
                "11月5日到7日",
                ymd(2025, 11, 5),
                Some(ymd(2025, 11, 7)),
                false,
                false,
            )],
        );
        check(
            "11月5日-7日",
            a,
            &[(
                "11月5日-7日",
                ymd(2025, 11, 5),
                Some(ymd(2025, 11, 7)),
                false,
                false,
            )],
        );
        check(
            "11月3日至13日",
            a,
            &[(
                "11月3日至13日",
                ymd(2025, 11, 3),
                Some(ymd(2025, 11, 13)),
                false,
                false,
            )],
        );
        check(
            "11月5-7日",
            a,
            &[(
                "11月5-7日",
                ymd(2025, 11, 5),
                Some(ymd(2025, 11, 7)),
                false,
                false,
            )],
        );
        check(
            "10月28日至11月3日",
            a,
            &[(
                "10月28日至11月3日",
                ymd(2025, 10, 28),
                Some(ymd(2025, 11, 3)),
                false,
                false,
            )],
        );
        check(
            "2024年12月28日至1月3日",
            a,
            &[(
                "2024年12月28日至1月3日",
                ymd(2024, 12, 28),
                Some(ymd(2025, 1, 3)),
                true,
                false,
            )],
        );
    }

    #[test]
    fn english_absolute() {
        let a = anchor(WED);
        check(
            "November 17, 2025",
            a,
            &[("November 17, 2025", ymd(2025, 11, 17), None, true, false)],
        );
        check(
            "Nov. 17",
            a,
            &[("Nov. 17", ymd(2025, 11, 17), None, false, false)],
        );
        check(
            "17 Nov 2025",
            a,
            &[("17 Nov 2025", ymd(2025, 11, 17), None, true, false)],
        );
        check(
            "17 November",
            a,
            &[("17 November", ymd(2025, 11, 17), None, false, false)],
        );
        check(
            "the 17th of November",
            a,
            &[("17th of November", ymd(2025, 11, 17), None, false, false)],
        );
        check(
            "on the morning of July 23, 2025, six",
            a,
            &[(
                "on the morning of July 23, 2025",
                ymd(2025, 7, 23),
                None,
                true,
                false,
            )],
        );
        check(
            "Monday, November 10",
            a,
            &[("Monday, November 10", ymd(2025, 11, 10), None, false, false)],
        );
        check(
            "February 2023",
            a,
            &[("February 2023", ym(2023, 2), None, true, false)],
        );
        check(
            "in June 2016",
            a,
            &[("June 2016", ym(2016, 6), None, true, false)],
        );
        check(
            "late September 2025",
            a,
            &[("late September 2025", ym(2025, 9), None, true, false)],
        );
        check(
            "in early May",
            a,
            &[("early May", ym(2025, 5), None, false, false)],
        );
        check("in May", a, &[("May", ym(2025, 5), None, false, false)]);
        check(
            "in 2024",
            a,
            &[("2024", PartialDate::year(2024), None, true, false)],
        );
        check(
            "in late 2024",
            a,
            &[("late 2024", PartialDate::year(2024), None, true, false)],
        );
        check(
            "November 17 last year",
            a,
            &[(
                "November 17 last year",
                ymd(2024, 11, 17),
                None,
                false,
                true,
            )],
        );
    }

    #[test]
    fn ranges_across_years() {
        let a = anchor(WED);
        check(
            "Dec. 28, 2024 – Jan. 3, 2025",
            a,
            &[(
                "Dec. 28, 2024 – Jan. 3, 2025",
                ymd(2024, 12, 28),
                Some(ymd(2025, 1, 3)),
                true,
                false,
            )],
        );
        check(
            "2024年12月28日至2025年1月3日",
            a,
            &[(
                "2024年12月28日至2025年1月3日",
                ymd(2024, 12, 28),
                Some(ymd(2025, 1, 3)),
                true,
                false,
            )],
        );
    }

    #[test]
    fn sentence_end_and_weekday_after_date() {
        let a = anchor(WED);
        check(
            "It began in September. Then",
            a,
            &[("September", ym(2025, 9), None, false, false)],
        );
        check(
            "2025年11月17日 星期一",
            None,
            &[(
                "2025年11月17日 星期一",
                ymd(2025, 11, 17),
                None,
                true,
                false,
            )],
        );
    }

    #[test]
    fn english_ranges() {
        let a = anchor(WED);
        check(
            "Nov 1–10",
            a,
            &[(
                "Nov 1–10",
                ymd(2025, 11, 1),
                Some(ymd(2025, 11, 10)),
                false,
                false,
            )],
        );
        check(
            "Nov 3–13, 2025",
            a,
            &[(
                "Nov 3–13, 2025",
                ymd(2025, 11, 3),
                Some(ymd(2025, 11, 13)),
                true,
                false,
            )],
        );
        check(
            "November 5 to 7",
            a,
            &[(
                "November 5 to 7",
                ymd(2025, 11, 5),
                Some(ymd(2025, 11, 7)),
                false,
                false,
            )],
        );
        check(
            "from November 5 to 7",
            a,
            &[(
                "November 5 to 7",
                ymd(2025, 11, 5),
                Some(ymd(2025, 11, 7)),
                false,
                false,
            )],
        );
        check(
            "Nov 5–7, 2025",
            a,
            &[(
                "Nov 5–7, 2025",
                ymd(2025, 11, 5),
                Some(ymd(2025, 11, 7)),
                true,
                false,
            )],
        );
        check(
            "October 28 to November 3",
            a,
            &[(
                "October 28 to November 3",
                ymd(2025, 10, 28),
                Some(ymd(2025, 11, 3)),
                false,
                false,
            )],
        );
        check(
            "5–7 November",
            a,
            &[(
                "5–7 November",
                ymd(2025, 11, 5),
                Some(ymd(2025, 11, 7)),
                false,
                false,
            )],
        );
    }

    #[test]
    fn relative() {
        let a = anchor(WED);
        let rel = |s: &'static str, d: PartialDate| -> Want<'static> { (s, d, None, false, true) };
        check("今天", a, &[rel("今天", ymd(2025, 11, 19))]);
        check("今日", a, &[rel("今日", ymd(2025, 11, 19))]);
        check("today", a, &[rel("today", ymd(2025, 11, 19))]);
        check("昨天下午", a, &[rel("昨天下午", ymd(2025, 11, 18))]);
        check("昨日", a, &[rel("昨日", ymd(2025, 11, 18))]);
        check("Yesterday", a, &[rel("Yesterday", ymd(2025, 11, 18))]);
        check("前天", a, &[rel("前天", ymd(2025, 11, 17))]);
        check("前日下午", a, &[rel("前日下午", ymd(2025, 11, 17))]);
        check("昨晨6点", a, &[rel("昨晨", ymd(2025, 11, 18))]);
        check(
            "今（19）日上午",
            a,
            &[rel("今（19）日上午", ymd(2025, 11, 19))],
        );
        check("本周三", a, &[rel("本周三", ymd(2025, 11, 19))]);
        check("这周五", a, &[rel("这周五", ymd(2025, 11, 21))]);
        check(
            "this Wednesday",
            a,
            &[rel("this Wednesday", ymd(2025, 11, 19))],
        );
        check("上周五", a, &[rel("上周五", ymd(2025, 11, 14))]);
        check("last Friday", a, &[rel("last Friday", ymd(2025, 11, 14))]);
        check(
            "last Wednesday",
            a,
            &[rel("last Wednesday", ymd(2025, 11, 12))],
        );
        check("周三", a, &[rel("周三", ymd(2025, 11, 19))]);
        check("星期一", a, &[rel("星期一", ymd(2025, 11, 17))]);
        check("礼拜四", a, &[rel("礼拜四", ymd(2025, 11, 13))]);
        check("on Wednesday", a, &[rel("on Wednesday", ymd(2025, 11, 19))]);
        check("on Thursday", a, &[rel("on Thursday", ymd(2025, 11, 13))]);
        check("上月", a, &[rel("上月", ym(2025, 10))]);
        check("last month", a, &[rel("last month", ym(2025, 10))]);
        check("去年", a, &[rel("去年", PartialDate::year(2024))]);
        check("last year", a, &[rel("last year", PartialDate::year(2024))]);
        check("今年", a, &[rel("今年", PartialDate::year(2025))]);
        check("this year", a, &[rel("this year", PartialDate::year(2025))]);
        check("两天前", a, &[rel("两天前", ymd(2025, 11, 17))]);
        check(
            "three days ago",
            a,
            &[rel("three days ago", ymd(2025, 11, 16))],
        );
        check("17日晚", a, &[rel("17日晚", ymd(2025, 11, 17))]);
        check("28日", a, &[rel("28日", ymd(2025, 10, 28))]);
        check("上月17日", a, &[rel("上月17日", ymd(2025, 10, 17))]);
        // January anchor: last month is in the previous year.
        check(
            "上个月",
            anchor("2025-01-10"),
            &[rel("上个月", ym(2024, 12))],
        );
    }

    #[test]
    fn explicit_beats_relative() {
        let a = anchor(WED);
        check(
            "本周四(11月13日)",
            a,
            &[("本周四(11月13日)", ymd(2025, 11, 13), None, false, false)],
        );
        check(
            "this Thursday (November 13)",
            a,
            &[(
                "this Thursday (November 13)",
                ymd(2025, 11, 13),
                None,
                false,
                false,
            )],
        );
        check(
            "11月13日（周四）",
            a,
            &[("11月13日（周四）", ymd(2025, 11, 13), None, false, false)],
        );
        check(
            "2025年11月13日（周四）",
            None,
            &[(
                "2025年11月13日（周四）",
                ymd(2025, 11, 13),
                None,
                true,
                false,
            )],
        );
    }

    #[test]
    fn year_inference() {
        let jan = anchor("2025-01-05");
        check(
            "December 28",
            jan,
            &[("December 28", ymd(2024, 12, 28), None, false, false)],
        );
        check(
            "12月28日",
            jan,
            &[("12月28日", ymd(2024, 12, 28), None, false, false)],
        );
        check(
            "1月10日",
            jan,
            &[("1月10日", ymd(2025, 1, 10), None, false, false)],
        );
        check(
            "1月13日",
            jan,
            &[("1月13日", ymd(2024, 1, 13), None, false, false)],
        );
        check(
            "in December",
            jan,
            &[("December", ym(2024, 12), None, false, false)],
        );
        check(
            "12月28日至1月3日",
            jan,
            &[(
                "12月28日至1月3日",
                ymd(2024, 12, 28),
                Some(ymd(2025, 1, 3)),
                false,
                false,
            )],
        );
        // Without an anchor, year-less and relative dates are not reported.
        check("11月17日, yesterday, 周三, 上月, November 17", None, &[]);
    }

    #[test]
    fn not_dates() {
        let a = anchor(WED);
        for text in [
            "7:48",
            "上午7点48分",
            "10点03分",
            "at 4 p.m.",
            "5个月大的女婴",
            "1岁",
            "three consecutive months",
            "两天",
            "3日内",
            "每周三",
            "一周三次",
            "300名工人",
            "2月30日",
            "2025年2月30日",
            "May I ask",
            "to march",
            "1.2.3.4",
            "3000年",
            "今日头条",
            "Version 2025.11.17.5",
        ] {
            check(text, a, &[]);
        }
    }

    #[test]
    fn bare_years() {
        let years = |t: &str| -> Vec<(String, i32)> {
            find_years(t)
                .into_iter()
                .map(|(r, y)| (t[r].to_string(), y))
                .collect()
        };
        assert_eq!(years("in 2024"), [("2024".to_string(), 2024)]);
        assert_eq!(years("until 2020, over"), [("2020".to_string(), 2020)]);
        assert_eq!(years("2024年以来"), [("2024年".to_string(), 2024)]);
        assert_eq!(years("二〇二四年"), [("二〇二四年".to_string(), 2024)]);
        assert_eq!(
            years("from 2019 to 2021"),
            [("2019".to_string(), 2019), ("2021".to_string(), 2021)]
        );
        assert!(years("2024年11月17日").is_empty());
        assert!(years("November 17, 2025").is_empty());
        assert!(years("2000 workers").is_empty());
        assert!(years("in 20245").is_empty());
    }

    #[test]
    fn spans_of_mixed_text() {
        let t = "据报道,11月14日上午7点48分手术开始,昨天家属聚集,5个月女婴离世。";
        let got = find_dates(t, anchor(WED));
        let texts: Vec<&str> = got.iter().map(|m| &t[m.span.clone()]).collect();
        assert_eq!(texts, ["11月14日上午", "昨天"]);
    }

    proptest! {
        #[test]
        fn finders_are_total_and_well_formed(
            s in "[0-9０-９a-zA-Z ,.:/\\-–~()（）年月日号周星期礼拜上下本这今昨前天去旬份晚至到一二三四五六七八九十〇NovMayJuly\u{1F600}]{0,60}",
            days in -3650i64..3650,
        ) {
            let base = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
            let at = base.checked_add_signed(Duration::days(days));
            for anchor in [None, at] {
                let mut last = 0;
                for m in find_dates(&s, anchor) {
                    prop_assert!(s.is_char_boundary(m.span.start) && s.is_char_boundary(m.span.end));
                    prop_assert!(m.span.start >= last && m.span.start < m.span.end);
                    if let Some(e) = m.end { prop_assert!(e.first_day() > m.date.last_day()); }
                    last = m.span.end;
                }
            }
            let mut last = 0;
            for (r, y) in find_years(&s) {
                prop_assert!(r.start >= last && (1900..=2100).contains(&y));
                last = r.end;
            }
        }

        #[test]
        fn finders_survive_any_string(s in any::<String>()) {
            let mut last = 0;
            for m in find_dates(&s, NaiveDate::from_ymd_opt(2025, 1, 1)) {
                prop_assert!(s.is_char_boundary(m.span.start) && s.is_char_boundary(m.span.end));
                prop_assert!(m.span.start >= last);
                last = m.span.end;
            }
            let _ = find_years(&s);
        }

        #[test]
        fn extreme_anchors_do_not_panic(s in "(今天|昨天|上周五|周三|上月|去年|11月17日|December 28|last Friday|3天前){1,4}") {
            for a in [NaiveDate::MIN, NaiveDate::MAX] {
                let _ = find_dates(&s, Some(a));
            }
        }
    }
}
