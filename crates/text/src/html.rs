//! The main text of an HTML page, without navigation, ads, share bars and comments.
//!
//! News pages wrap a few paragraphs of report in menus, teasers, cookie banners and
//! reader comments; matching and quoting must see only the report. The rule is the one
//! readability-style extractors use, kept small: drop elements that are boilerplate by
//! tag or by class/id, then prefer `<article>`, `<main>`, or the container holding the
//! most paragraph text.

use scraper::{ElementRef, Html, Node, Selector};
use std::sync::LazyLock;

/// What a page says about itself and its main text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    /// Main text, one block (paragraph, heading, list item) per line.
    pub text: String,
    /// Publication date or time as the page's meta tags give it (unparsed).
    pub published: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
}

/// Tags whose whole subtree is never report text.
const DROP_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
    "button", "select", "template", "figure", "menu",
];

/// class/id words that mark boilerplate containers.
const DROP_MARKS: &[&str] = &[
    "comment",
    "nav",
    "menu",
    "sidebar",
    "share",
    "social",
    "related",
    "recommend",
    "advert",
    "ad-",
    "ads",
    "banner",
    "promo",
    "subscribe",
    "newsletter",
    "cookie",
    "footer",
    "header",
    "breadcrumb",
    "popup",
    "modal",
    "toolbar",
    "tags",
    "pagination",
    "copyright",
];

/// Tags after which the text breaks to a new line.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "table",
    "ul",
    "ol",
    "main",
    "td",
];

static ARTICLE: LazyLock<Selector> = LazyLock::new(|| selector("article, main, [role=main]"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("title"));
static H1: LazyLock<Selector> = LazyLock::new(|| selector("h1"));
static META: LazyLock<Selector> = LazyLock::new(|| selector("meta"));
static LINK: LazyLock<Selector> = LazyLock::new(|| selector("link[rel=canonical]"));
static HTML_TAG: LazyLock<Selector> = LazyLock::new(|| selector("html"));
static BODY: LazyLock<Selector> = LazyLock::new(|| selector("body"));

fn selector(s: &str) -> Selector {
    // The selectors are literals of this file; a failure is a programming error.
    Selector::parse(s).unwrap_or_else(|e| panic!("bad built-in selector {s}: {e:?}"))
}

/// Extracts the main text and metadata of an HTML page.
///
/// Cost: one parse of the page (html5ever) and two walks of the tree. Malformed HTML
/// is repaired by the parser, never an error.
pub fn extract(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let mut page = Page {
        lang: doc
            .select(&HTML_TAG)
            .next()
            .and_then(|h| h.value().attr("lang"))
            .map(str::to_string),
        ..Page::default()
    };
    for meta in doc.select(&META) {
        let v = meta.value();
        let key = v
            .attr("property")
            .or_else(|| v.attr("name"))
            .or_else(|| v.attr("itemprop"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(content) = v.attr("content").map(str::trim).filter(|c| !c.is_empty()) else {
            continue;
        };
        match key.as_str() {
            "article:published_time"
            | "datepublished"
            | "pubdate"
            | "publishdate"
            | "publish-date"
            | "date"
            | "dc.date"
            | "dc.date.issued"
            | "og:published_time" => {
                page.published.get_or_insert_with(|| content.to_string());
            }
            "og:title" => {
                page.title.get_or_insert_with(|| content.to_string());
            }
            "og:url" => {
                page.url.get_or_insert_with(|| content.to_string());
            }
            "og:locale" | "language" | "content-language" => {
                page.lang.get_or_insert_with(|| content.to_string());
            }
            _ => {}
        }
    }
    if page.url.is_none() {
        page.url = doc
            .select(&LINK)
            .next()
            .and_then(|l| l.value().attr("href"))
            .map(str::to_string);
    }
    if page.title.is_none() {
        page.title = doc
            .select(&H1)
            .next()
            .or_else(|| doc.select(&TITLE).next())
            .map(|t| collapse(&t.text().collect::<String>()))
            .filter(|t| !t.is_empty());
    }
    let root = main_container(&doc);
    page.text = root.map(block_text).unwrap_or_default();
    page
}

fn is_boilerplate(el: &ElementRef) -> bool {
    let v = el.value();
    if DROP_TAGS.contains(&v.name()) {
        return true;
    }
    let marks = format!(
        "{} {}",
        v.attr("class").unwrap_or(""),
        v.attr("id").unwrap_or("")
    )
    .to_ascii_lowercase();
    if marks.trim().is_empty() {
        return false;
    }
    marks
        .split(|c: char| c.is_whitespace() || c == '_')
        .any(|word| {
            DROP_MARKS
                .iter()
                .any(|m| word == m.trim_end_matches('-') || word.starts_with(m))
        })
}

/// Picks the element that holds the report: an explicit article/main, else the
/// container with the most text in its own paragraphs, else the body.
fn main_container(doc: &Html) -> Option<ElementRef<'_>> {
    if let Some(a) = doc.select(&ARTICLE).find(|a| !is_boilerplate(a)) {
        if a.text().map(str::len).sum::<usize>() > 80 {
            return Some(a);
        }
    }
    let body = doc.select(&BODY).next()?;
    let mut best: Option<(usize, ElementRef)> = None;
    // One walk from the top, pruning boilerplate subtrees, so the cost stays linear
    // in the page however deeply it nests.
    let mut stack = vec![body];
    while let Some(el) = stack.pop() {
        if is_boilerplate(&el) {
            continue;
        }
        if matches!(el.value().name(), "div" | "section" | "td") {
            let score: usize = el
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|e| {
                    matches!(
                        e.value().name(),
                        "p" | "h2" | "h3" | "blockquote" | "li" | "ul"
                    )
                })
                .map(|e| e.text().map(str::trim).map(str::len).sum::<usize>())
                .sum();
            if score > best.as_ref().map_or(0, |b| b.0) {
                best = Some((score, el));
            }
        }
        stack.extend(el.children().filter_map(ElementRef::wrap));
    }
    match best {
        Some((score, el)) if score > 200 => Some(el),
        _ => Some(body),
    }
}

/// The text under `root`, skipping boilerplate, one block per line.
fn block_text(root: ElementRef) -> String {
    let mut out = String::new();
    // Explicit stack: deeply nested hostile pages must not overflow the call stack.
    let mut stack = vec![(root.id(), false)];
    while let Some((id, closing)) = stack.pop() {
        let Some(node) = root.tree().get(id) else {
            continue;
        };
        match node.value() {
            Node::Text(t) => {
                let s = collapse_inline(t);
                if !s.trim().is_empty() {
                    if out.ends_with(' ') && s.starts_with(' ') {
                        out.push_str(&s[1..]);
                    } else {
                        out.push_str(&s);
                    }
                }
            }
            Node::Element(e) => {
                let block = BLOCK_TAGS.contains(&e.name());
                if closing {
                    if block {
                        end_line(&mut out);
                    }
                    continue;
                }
                let Some(el) = ElementRef::wrap(node) else {
                    continue;
                };
                if id != root.id() && is_boilerplate(&el) {
                    continue;
                }
                if block {
                    end_line(&mut out);
                }
                stack.push((id, true));
                let children: Vec<_> = node.children().map(|c| c.id()).collect();
                for c in children.into_iter().rev() {
                    stack.push((c, false));
                }
            }
            _ => {}
        }
    }
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn end_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn collapse_inline(s: &str) -> String {
    let mut r = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                r.push(' ');
            }
            space = false;
            r.push(c);
        }
    }
    if space {
        r.push(' ');
    }
    r
}

fn collapse(s: &str) -> String {
    collapse_inline(s).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html lang="zh-CN"><head>
<title>某矿难 - 新闻网</title>
<meta property="article:published_time" content="2024-03-09T08:00:00+08:00">
<link rel="canonical" href="https://news.example/a/1">
</head><body>
<nav><a href="/">首页</a><a href="/mine">矿业</a></nav>
<div class="ad-banner">广告:投资理财,稳赚不赔</div>
<div id="content">
 <h1>山西某煤矿发生瓦斯爆炸</h1>
 <p>3月8日上午,山西省某县一座煤矿发生瓦斯爆炸事故,造成5人死亡。</p>
 <p>事故原因正在调查中。当地应急管理部门已派出工作组赶赴现场,<b>全力</b>开展处置。</p>
 <div class="share-bar">分享到微博</div>
</div>
<section class="comments"><p>网友甲:太惨了</p></section>
<footer>版权所有</footer>
</body></html>"#;

    #[test]
    fn keeps_the_report_and_drops_boilerplate() {
        let page = extract(PAGE);
        assert!(page.text.contains("造成5人死亡"), "{}", page.text);
        assert!(page.text.contains("全力 开展处置") || page.text.contains("全力开展处置"));
        for junk in ["首页", "广告", "分享到微博", "网友甲", "版权所有"] {
            assert!(!page.text.contains(junk), "kept {junk}: {}", page.text);
        }
        assert_eq!(page.title.as_deref(), Some("山西某煤矿发生瓦斯爆炸"));
        assert_eq!(page.published.as_deref(), Some("2024-03-09T08:00:00+08:00"));
        assert_eq!(page.lang.as_deref(), Some("zh-CN"));
        assert_eq!(page.url.as_deref(), Some("https://news.example/a/1"));
    }

    #[test]
    fn prefers_article_element() {
        let html = "<body><div><p>teaser teaser</p></div><article><h2>Strike</h2>\
            <p>Workers at a shoe factory in Dongguan stopped work on Monday over unpaid wages \
            and blocked the gate for six hours.</p></article></body>";
        let page = extract(html);
        assert!(page.text.starts_with("Strike\nWorkers"), "{}", page.text);
        assert!(!page.text.contains("teaser"));
    }

    #[test]
    fn malformed_html_does_not_fail() {
        let page = extract("<p>unclosed <b>bold <div>nested</p></i> text");
        assert!(page.text.contains("unclosed"));
        assert!(page.text.contains("text"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!("{}deep{}", "<div>".repeat(5_000), "</div>".repeat(5_000));
        assert!(extract(&html).text.contains("deep"));
    }
}
