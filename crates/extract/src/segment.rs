//! Segmentation: a document into sections (a headed story each), paragraphs and
//! sentences, all as byte ranges into the original text.
//!
//! Channel digests head each story with a line ending in a date in parentheses,
//! 「标题(2025.11.05)」 or “Title (Nov 5, 2025)”, and often repeat that heading at the start
//! of the first paragraph; both forms open a section here.

use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// A run of paragraphs under one heading (or the whole document when it has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading text without brackets, quotes or its date.
    pub heading: Option<String>,
    /// The date written in the heading's parentheses, unparsed.
    pub heading_date: Option<String>,
    pub paragraphs: Vec<Range<usize>>,
}

/// A sentence: its range and the paragraph and section it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub range: Range<usize>,
    pub paragraph: usize,
    pub section: usize,
}

/// A date in parentheses closing a heading: (2025.11.17), (2025.11.01-12),
/// (Nov 15, 2025), (Nov 5–7, 2025), (November 1–10, 2025).
static HEADING_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[(（]\s*(\d{4}[./-]\d{1,2}[./-]\d{1,2}(?:\s*[-–—~至]\s*\d{1,2})?|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:\s*[-–—]\s*\d{1,2})?,\s*\d{4})\s*[)）]\s*[」”\x22’\]】]?\s*$",
    )
    .expect("heading date pattern")
});

static LINK_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:related(?: coverage| articles| stories| news| reading)?|more on this story|read more|see also|most (?:popular|read)|recommended(?: for you)?|trending|相关(?:阅读|新闻|报道|文章)|推荐阅读|延伸阅读|热门(?:文章|新闻)?|猜你喜欢)\s*[:：]?$")
        .expect("link block pattern")
});

const OPENERS: &[char] = &['「', '“', '"', '[', '【', '‘', '『'];
const CLOSERS: &[char] = &['」', '”', '"', ']', '】', '’', '』'];

/// If `line` is a heading, its text and date.
fn heading_of(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    let m = HEADING_DATE.captures(line)?;
    let whole = m.get(0)?;
    let cjk = line.chars().filter(|c| is_cjk(*c)).count();
    let limit = if cjk * 3 > line.chars().count() {
        90
    } else {
        260
    };
    if line.chars().count() > limit {
        return None;
    }
    let text = line[..whole.start()]
        .trim()
        .trim_start_matches(OPENERS)
        .trim()
        .to_string();
    if text.is_empty() {
        return None;
    }
    Some((text, m[1].to_string()))
}

/// The heading echoed at the start of a paragraph: 「标题(2025.11.05)」正文…
fn echoed_heading(par: &str) -> Option<(usize, String, String)> {
    if !par.starts_with(OPENERS) {
        return None;
    }
    for (i, c) in par.char_indices().take(200) {
        if CLOSERS.contains(&c) && i > 0 {
            let end = i + c.len_utf8();
            if let Some((text, date)) = heading_of(&par[..end]) {
                return Some((end, text, date));
            }
        }
    }
    None
}

/// The largest character boundary of `s` at or below `at`: where to cut a window.
pub(crate) fn floor_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(0)
}

/// True for Chinese characters (CJK unified ideographs and extensions).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn normalise(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Splits a document into sections and paragraphs. Cost: one pass over the lines.
pub fn sections(text: &str) -> Vec<Section> {
    let mut out = vec![Section {
        heading: None,
        heading_date: None,
        paragraphs: Vec::new(),
    }];
    let mut offset = 0;
    let mut in_links = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        // Link lists ("Related coverage", 相关阅读, "Most popular") are other stories'
        // headlines: skip the block's short lines.
        if LINK_BLOCK.is_match(trimmed) {
            in_links = true;
            continue;
        }
        if in_links && trimmed.chars().count() < 120 {
            continue;
        }
        in_links = false;
        let lead = start + (line.len() - line.trim_start().len());
        let end = lead + trimmed.len();
        if let Some((heading, date)) = heading_of(trimmed) {
            out.push(Section {
                heading: Some(heading),
                heading_date: Some(date),
                paragraphs: Vec::new(),
            });
            continue;
        }
        if let Some((cut, heading, date)) = echoed_heading(trimmed) {
            let same = out
                .last()
                .and_then(|s| s.heading.as_deref())
                .is_some_and(|h| normalise(h) == normalise(&heading));
            if !same {
                out.push(Section {
                    heading: Some(heading),
                    heading_date: Some(date),
                    paragraphs: Vec::new(),
                });
            }
            if lead + cut < end {
                if let Some(s) = out.last_mut() {
                    s.paragraphs.push(lead + cut..end);
                }
            }
            continue;
        }
        if let Some(s) = out.last_mut() {
            s.paragraphs.push(lead..end);
        }
    }
    out.retain(|s| s.heading.is_some() || !s.paragraphs.is_empty());
    out
}

/// Abbreviations after which a period does not end an English sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "co", "ltd", "inc", "no", "st", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "vs", "gen", "gov", "corp",
    "a.m", "p.m", "e.g", "i.e", "etc",
];

/// Splits a paragraph into sentences: at 。！？；, and at . ! ? followed by a space and
/// not closing an abbreviation or a number.
pub fn sentences(text: &str, par: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[par.clone()];
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let end = i + c.len_utf8();
        let boundary = match c {
            '。' | '！' | '？' | '；' => true,
            '.' | '!' | '?' => {
                let next = chars.get(k + 1).map(|x| x.1);
                let followed =
                    next.is_none_or(|n| n.is_whitespace() || matches!(n, '"' | '”' | '’' | ')'));
                let word: String = s[start..i]
                    .rsplit(|ch: char| ch.is_whitespace() || ch == '(')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                followed && c != '.'
                    || (followed
                        && !ABBREVIATIONS.contains(&word.as_str())
                        && !(word.len() == 1 && word.chars().all(|x| x.is_ascii_alphabetic())))
            }
            _ => false,
        };
        if boundary {
            // Keep a closing quote with its sentence.
            let mut stop = end;
            while let Some(q) = s[stop..]
                .chars()
                .next()
                .filter(|q| matches!(q, '”' | '"' | '’' | '」'))
            {
                stop += q.len_utf8();
            }
            if s[start..stop].trim().chars().any(|ch| ch.is_alphanumeric()) {
                out.push(par.start + start..par.start + stop);
            }
            start = stop;
        }
    }
    if s[start..].trim().chars().any(|ch| ch.is_alphanumeric()) {
        out.push(par.start + start..par.end);
    }
    // Trim leading spaces from each range.
    out.into_iter()
        .map(|r| {
            let lead = text[r.clone()].len() - text[r.clone()].trim_start().len();
            r.start + lead..r.end
        })
        .filter(|r| r.start < r.end)
        .collect()
}

/// Every sentence of the document with its section and paragraph numbers.
pub fn all_sentences(text: &str, sections: &[Section]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut paragraph = 0;
    for (si, sec) in sections.iter().enumerate() {
        for par in &sec.paragraphs {
            for range in sentences(text, par.clone()) {
                out.push(Sentence {
                    range,
                    paragraph,
                    section: si,
                });
            }
            paragraph += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headed_digest_splits_into_sections() {
        let text = "频道摘要\n\n某厂工人罢工(2024.03.05)\n\n「某厂工人罢工(2024.03.05)」3月5日,工人罢工。\n\n“Factory workers strike (Mar 5, 2024)”\n\nOn March 5, workers struck.\n\n[Miners protest (2024.03.07-09)」\n\n3月7日,矿工聚集。\n";
        let secs = sections(text);
        let heads: Vec<_> = secs.iter().map(|s| s.heading.clone()).collect();
        assert_eq!(
            heads,
            vec![
                None,
                Some("某厂工人罢工".to_string()),
                Some("Factory workers strike".to_string()),
                Some("Miners protest".to_string())
            ]
        );
        assert_eq!(&text[secs[1].paragraphs[0].clone()], "3月5日,工人罢工。");
        assert_eq!(secs[3].heading_date.as_deref(), Some("2024.03.07-09"));
    }

    #[test]
    fn long_lines_with_a_date_are_not_headings() {
        let line = format!("{} (Nov 5, 2025)", "word ".repeat(80));
        assert!(heading_of(&line).is_none());
    }

    #[test]
    fn sentences_respect_abbreviations_and_chinese_stops() {
        let text = "Mr. Li said the mine closed on Nov. 3. It reopened! 工人罢工。警察到场;";
        let got: Vec<&str> = sentences(text, 0..text.len())
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            got,
            vec![
                "Mr. Li said the mine closed on Nov. 3.",
                "It reopened!",
                "工人罢工。",
                "警察到场;"
            ]
        );
    }
}
