//! Document structure: the parts of a report that are not its story.
//!
//! - the **headline** repeated as the first line of the text (it is context for the place,
//!   not a passage: its short forms, 4死3伤, would otherwise become claims of their own);
//! - the **dateline** ("新华社太原3月5日电", "中新网南昌3月19日电", "京华时报8月27日信息：",
//!   "【2024年03月05日訊】", "BEIJING, March 3 (Xinhua) --"): its city is the desk, not the
//!   place of the event, and its date is the report's own date;
//! - the **byline** and agency tags ("本报讯", "（记者…）", "(Reuters) -");
//! - **page furniture**: forum headers ("Posted: Mon Mar 02, 2015 9:14 am", "楼主 发表于 …"),
//!   comment and share counts.
//!
//! Each is found as a byte span of the (normalised) text; extraction blanks them out with
//! spaces of the same byte length, so every other offset stays where it was.

use recount_model::PartialDate;
use recount_text::dates::find_dates;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// What kind of furniture a span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Headline,
    Dateline,
    Byline,
    Furniture,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Headline => "headline",
            Part::Dateline => "dateline",
            Part::Byline => "byline",
            Part::Furniture => "furniture",
        }
    }
}

/// The structure found in one document.
#[derive(Debug, Clone, Default)]
pub struct Structure {
    /// Spans that tell no event, with their kind, in text order.
    pub spans: Vec<(Part, Range<usize>)>,
    /// The date the dateline gives: the day the report was written.
    pub dateline_date: Option<PartialDate>,
    /// The headline's span, when the text opens with one.
    pub headline: Option<Range<usize>>,
}

/// The line ending at `end` is followed by an empty line, and then by more text.
fn blank_line_after(text: &str, end: usize) -> bool {
    let mut lines = text[end..].split('\n');
    let rest_of_line = lines.next().unwrap_or("");
    rest_of_line.trim().is_empty()
        && lines.next().is_some_and(|l| l.trim().is_empty())
        && lines.any(|l| !l.trim().is_empty())
}

/// A line shaped like a headline: short, and not ending like a sentence.
fn headline_shape(line: &str) -> bool {
    let chars = line.chars().count();
    let cjk = line.chars().filter(|c| crate::segment::is_cjk(*c)).count();
    let short = if cjk * 2 > chars {
        chars <= 40
    } else {
        chars <= 120
    };
    short
        && !line.ends_with([
            '。', '！', '？', '.', '!', '?', '；', ';', ':', '：', ',', '，',
        ])
}

/// A Chinese dateline: an outlet and desk, a date, then 电/讯/消息/信息 — "新华社太原3月5日电",
/// "中新社重庆四月十二日电(郭晋嘉)", "东方网(来源：长江商报)11月12日信息：". The date must be
/// followed by the wire word: "青海新闻网讯8月19日晚" is an outlet tag and the event's date.
static ZH_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[【\[]?[^，。,;；！？]{0,28}?((?:[0-9０-９]{4}年)?(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})月(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})日)\s*(?:\p{Han}{2,4}?)?(?:电|讯|消息|信息|报道|報道)[】\]]?\s*[:：]?\s*(?:[(（][^()（）]{0,30}[)）])?\s*[:：]?")
        .expect("Chinese dateline pattern")
});

/// Bracketed datelines of overseas Chinese outlets: 【2024年03月05日訊】 (traditional 訊
/// is normalised to 讯 before this runs).
static BRACKET_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[【\[]\s*([0-9０-９]{4}年[0-9０-９]{1,2}月[0-9０-９]{1,2}日)\s*讯\s*[】\]]")
        .expect("bracket dateline pattern")
});

/// An English dateline: "BEIJING, March 3 (Xinhua) --", "KITWE, Oct 30 —", "BEIJING –".
static EN_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z][A-Z .'-]{2,30}(?:,\s*[A-Z][A-Za-z .]+)?)(,\s*((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?))?\s*(?:\((?:Xinhua|Reuters|AP|AFP|Bloomberg|CNA|UPI|dpa|IANS|PTI)\))?\s*(?:--|—|–|-)\s*")
        .expect("English dateline pattern")
});

/// Bylines and outlet tags at a paragraph's start: 本报讯, 本报记者…报道, （记者…）, 据…报道.
static ZH_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:本报讯|本報訊|本报消息|[\p{Han}]{2,8}网讯|[\p{Han}]{2,8}网消息)?\s*(?:[(（](?:[^()（）]{0,6}(?:记者|通讯员|实习生|编辑|来源)[^()（）]{0,30})[)）])?")
        .expect("Chinese byline pattern")
});

/// Agency tags anywhere in a paragraph's head: "(Xinhua) --", "(Reuters) -".
static EN_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\((?:Xinhua|Reuters|AP|AFP|Bloomberg|UPI)\)\s*(?:--|—|–|-)")
        .expect("agency pattern")
});

/// Forum and page furniture lines.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:posted:?\s|posted on\s|post subject:|re:\s|quote:?$|reply with quote|share (?:this|on)|comments?\s*\(\d+\)|\d+\s+comments?$|楼主|沙发|板凳|发表于|發表於|回复\s*\d*$|分享到|责任编辑|責任編輯|编辑[:：]|来源[:：]|點擊|点击[:：]|阅读\s*\(?\d+|浏览次数)")
        .expect("furniture pattern")
});

/// The first characters [`FURNITURE`]'s alternatives can start with: a cheap test first.
const FURNITURE_STARTS: &str = "pPrRqQsScC0123456789楼沙板发發回分责責编来點点阅浏";

/// A short line of page furniture.
fn furniture(line: &str) -> bool {
    line.len() <= 360
        && line
            .chars()
            .next()
            .is_some_and(|c| FURNITURE_STARTS.contains(c))
        && line.chars().count() <= 120
        && FURNITURE.is_match(line)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Finds the headline, dateline, bylines and furniture of `text` (already normalised),
/// given the document's title and publication date. Cost: a look at each line's head.
pub fn find(text: &str, title: Option<&str>, published: Option<chrono::NaiveDate>) -> Structure {
    let mut out = Structure::default();
    let title_key = title.map(squash).filter(|t| t.chars().count() >= 4);
    let mut offset = 0;
    let mut body_lines = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = start + (line.len() - line.trim_start().len());
        let end = lead + trimmed.len();
        let first = body_lines == 0;
        body_lines += 1;
        if first {
            let is_title = match &title_key {
                Some(t) => squash(trimmed) == *t,
                // Without a title, a short first line with no sentence end, standing alone
                // before a blank line, is the headline.
                None => {
                    headline_shape(trimmed) && !furniture(trimmed) && blank_line_after(text, end)
                }
            };
            if is_title {
                out.spans.push((Part::Headline, lead..end));
                out.headline = Some(lead..end);
                body_lines = 0;
                continue;
            }
        }
        if furniture(trimmed) {
            out.spans.push((Part::Furniture, lead..end));
            continue;
        }
        // Datelines and bylines open the first paragraphs of a story.
        if body_lines > 3 {
            continue;
        }
        let mut head = lead;
        // (the match, the group holding its date); an English dateline only where the line
        // goes on after the dash: a heading in capitals is no dateline.
        let dateline = BRACKET_DATELINE
            .captures(trimmed)
            .or_else(|| ZH_DATELINE.captures(trimmed))
            .map(|c| (c, 1))
            .or_else(|| {
                EN_DATELINE
                    .captures(trimmed)
                    .filter(|c| c.get(0).is_some_and(|m| m.end() < trimmed.len()))
                    .map(|c| (c, 3))
            });
        if let Some((c, group)) = dateline {
            let whole = c.get(0).map_or(0..0, |m| m.range());
            if out.dateline_date.is_none() {
                out.dateline_date = c
                    .get(group)
                    .and_then(|d| find_dates(d.as_str(), published).into_iter().next())
                    .map(|m| m.date)
                    .filter(|d| d.day.is_some());
            }
            out.spans
                .push((Part::Dateline, lead + whole.start..lead + whole.end));
            head = lead + whole.end;
        } else if let Some(m) =
            EN_AGENCY.find(&trimmed[..crate::segment::floor_boundary(trimmed, 200)])
        {
            out.spans
                .push((Part::Byline, lead + m.start()..lead + m.end()));
        }
        let rest = &text[head..end];
        if let Some(m) = ZH_BYLINE.find(rest) {
            if !m.is_empty() {
                out.spans
                    .push((Part::Byline, head + m.start()..head + m.end()));
            }
        }
    }
    out.spans.sort_by_key(|(_, r)| r.start);
    out
}

/// The text with every span blanked to ASCII spaces of the same byte length.
pub fn blank(text: &str, spans: &[(Part, Range<usize>)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for (_, r) in spans {
        for b in &mut bytes[r.clone()] {
            *b = b' ';
        }
    }
    // Spans lie on character boundaries, so the result is still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn parts(text: &str, title: Option<&str>) -> Vec<(Part, String)> {
        let pub_ = NaiveDate::from_ymd_opt(2024, 3, 6);
        find(text, title, pub_)
            .spans
            .into_iter()
            .map(|(p, r)| (p, text[r].trim().to_string()))
            .collect()
    }

    #[test]
    fn wire_datelines_are_the_desk_and_the_reports_date() {
        let text = "标题一则\n\n新华社太原3月5日电（记者王某）5日凌晨，某县一煤矿发生透水事故。\n";
        let s = find(text, Some("标题一则"), NaiveDate::from_ymd_opt(2024, 3, 6));
        assert_eq!(s.dateline_date, PartialDate::day(2024, 3, 5));
        let got = parts(text, Some("标题一则"));
        assert_eq!(got[0], (Part::Headline, "标题一则".to_string()));
        assert_eq!(
            got[1],
            (Part::Dateline, "新华社太原3月5日电（记者王某）".to_string())
        );
        let blanked = blank(text, &s.spans);
        assert!(!blanked.contains("太原"));
        assert!(blanked.contains("5日凌晨，某县一煤矿"));
        assert_eq!(blanked.len(), text.len());
    }

    #[test]
    fn a_short_first_line_alone_is_the_headline_when_there_is_no_title() {
        let text = "某县两车相撞3死2伤\n\n3月5日，某县国道上两车相撞，造成3人死亡。\n";
        let s = find(text, None, None);
        assert_eq!(s.headline.map(|r| &text[r]), Some("某县两车相撞3死2伤"));
        // A first line that is a sentence, or runs on, is no headline.
        assert!(find("3月5日，两车相撞。\n\n后续。\n", None, None)
            .headline
            .is_none());
        assert!(find("某县两车相撞\n3月5日，两车相撞。\n", None, None)
            .headline
            .is_none());
    }

    #[test]
    fn an_outlet_tag_before_the_events_date_is_no_dateline() {
        let text = "某新闻网讯8月19日晚，国道上两车相撞。\n";
        let s = find(text, None, NaiveDate::from_ymd_opt(2024, 8, 20));
        assert_eq!(s.dateline_date, None);
        assert_eq!(
            parts(text, None),
            vec![(Part::Byline, "某新闻网讯".to_string())]
        );
    }

    #[test]
    fn bylines_and_bracketed_datelines() {
        assert_eq!(
            parts("本报讯（记者李某）昨天下午，一辆货车侧翻。\n", None),
            vec![(Part::Byline, "本报讯（记者李某）".to_string())]
        );
        let s = find(
            "【2024年03月05日讯】工人罢工。\n",
            None,
            NaiveDate::from_ymd_opt(2024, 3, 6),
        );
        assert_eq!(s.dateline_date, PartialDate::day(2024, 3, 5));
    }

    #[test]
    fn english_datelines_and_agency_tags() {
        let text = "BEIJING, March 5 (Xinhua) -- A gas blast at a coal mine in eastern China killed five.\n";
        let s = find(text, None, NaiveDate::from_ymd_opt(2024, 3, 6));
        assert_eq!(s.dateline_date, PartialDate::day(2024, 3, 5));
        assert!(!blank(text, &s.spans).contains("BEIJING"));
        // A heading in capitals with nothing after it is not a dateline.
        assert!(find("MINE DISASTER -\n", None, None).spans.is_empty());
    }

    #[test]
    fn long_chinese_lines_are_cut_on_character_boundaries() {
        let line = "某".repeat(90);
        assert!(find(&line, None, None).spans.is_empty());
    }

    #[test]
    fn forum_headers_are_furniture() {
        let got = parts(
            "Posted: Mon Mar 02, 2015 9:14 am\n\n楼主 发表于 2015-03-02 09:14\n\nWorkers struck.\n",
            None,
        );
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|(p, _)| *p == Part::Furniture));
    }
}
