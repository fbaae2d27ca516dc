//! Feeds: RSS 2.0 (and 0.9x/1.0), Atom and JSON Feed, one [`Item`] per entry.
//!
//! The entry's link is the document id, its date the publication date, and its
//! content (or summary) the archived bytes. An entry that carries only a summary is
//! marked so the caller can fetch the linked article instead. Parsing goes through
//! `feed-rs` (quick-xml), which does not expand entities a document defines itself: an
//! entity bomb stays a few hundred bytes or fails to parse. Callers bound the size of
//! the bytes before parsing.

use crate::{Format, Item, Meta, SourceError};

/// One feed entry as a document, and whether the entry holds only a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub item: Item,
    /// The entry's link to the full article, when it has one.
    pub link: Option<String>,
    /// The entry has no full content, only a summary (or nothing but a title).
    pub summary_only: bool,
}

/// How much of the start of a document [`is_feed`] reads: room for a DOCTYPE with an
/// internal subset before the root.
pub const FEED_HEAD: usize = 16 * 1024;

/// True when the bytes look like a feed: an XML document whose root is `rss`, `feed`
/// or `rdf:RDF` (after any declaration, comments, processing instructions and DOCTYPE,
/// internal subset included), or a JSON Feed. Reads only the first [`FEED_HEAD`] bytes.
pub fn is_feed(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(FEED_HEAD)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start();
    if t.starts_with('{') {
        return t.contains("jsonfeed.org/version");
    }
    let Some(root) = after_prolog(t) else {
        return false;
    };
    ["<rss", "<feed", "<rdf:RDF"]
        .iter()
        .any(|name| root.starts_with(name))
}

/// The text from the root element on: the XML declaration, processing instructions,
/// comments and the DOCTYPE skipped. `None` when one of them does not end in `text`.
fn after_prolog(text: &str) -> Option<&str> {
    let mut rest = text.trim_start();
    loop {
        let next = if let Some(after) = rest.strip_prefix("<?") {
            &after[after.find("?>")? + 2..]
        } else if let Some(after) = rest.strip_prefix("<!--") {
            &after[after.find("-->")? + 3..]
        } else if rest.starts_with("<!") {
            after_declaration(rest)?
        } else {
            return Some(rest);
        };
        rest = next.trim_start();
    }
}

/// The text after a `<!DOCTYPE …>` (or other `<!…>`) declaration. Its internal subset, in
/// brackets, may hold `>` in entity and element declarations, quoted strings and comments.
fn after_declaration(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut quote) = (2, 0usize, None::<u8>);
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if bytes[i..].starts_with(b"<!--") => {
                let end = text[i + 4..].find("-->")?;
                i += 4 + end + 3;
                continue;
            }
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b'>' if depth == 0 => return Some(&text[i + 1..]),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Parses a feed into its entries. `origin` names the feed in messages; `defaults`
/// fill what the feed does not say (`source` defaults to the feed's title, `lang` to
/// its language).
pub fn parse_feed(
    bytes: &[u8],
    origin: &str,
    defaults: &Meta,
) -> Result<Vec<FeedEntry>, SourceError> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| SourceError::BadFeed {
        origin: origin.to_string(),
        reason: e.to_string(),
    })?;
    let feed_meta = Meta {
        source: feed.title.as_ref().map(|t| t.content.trim().to_string()),
        lang: feed.language.clone(),
        ..Meta::default()
    };
    let mut out = Vec::new();
    for (n, entry) in feed.entries.into_iter().enumerate() {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first())
            .map(|l| l.href.trim().to_string())
            .filter(|h| !h.is_empty());
        let title = entry.title.as_ref().map(|t| t.content.trim().to_string());
        let content = entry
            .content
            .as_ref()
            .and_then(|c| {
                c.body
                    .as_ref()
                    .map(|b| (b.clone(), is_html(&c.content_type)))
            })
            .filter(|(b, _)| !b.trim().is_empty());
        let summary_only = content.is_none();
        let (body, html) = content
            .or_else(|| {
                entry
                    .summary
                    .as_ref()
                    .map(|s| (s.content.clone(), is_html(&s.content_type)))
                    .filter(|(b, _)| !b.trim().is_empty())
            })
            .or_else(|| title.clone().map(|t| (t, false)))
            .unwrap_or_default();
        let doc_id = link
            .clone()
            .or_else(|| Some(entry.id.clone()).filter(|id| !id.is_empty()))
            .unwrap_or_else(|| format!("{origin}#{}", n + 1));
        let meta = Meta {
            published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
            source: None,
            lang: entry.language.clone(),
            title,
            url: link.clone(),
        }
        .or(defaults)
        .or(&feed_meta);
        out.push(FeedEntry {
            item: Item {
                doc_id: doc_id.clone(),
                origin: format!("{origin}: entry {} ({doc_id})", n + 1),
                bytes: body.into_bytes(),
                format: if html { Format::Html } else { Format::Text },
                meta,
                text: None,
                modified: None,
            },
            link,
            summary_only,
        });
    }
    Ok(out)
}

/// Feed text marked as HTML, or plain text that still carries markup (common in RSS).
fn is_html(media: &impl std::fmt::Display) -> bool {
    let m = media.to_string();
    m.contains("html")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Wire</title><language>zh-cn</language>
<item><title>某矿透水</title><link>https://news.example/a/1</link>
<pubDate>Mon, 09 Mar 2026 08:00:00 +0800</pubDate>
<description>&lt;p&gt;短讯。&lt;/p&gt;</description></item>
<item><title>Full story</title><link>https://news.example/a/2</link>
<pubDate>Tue, 10 Mar 2026 09:30:00 GMT</pubDate>
<description>Short.</description>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>The whole report, paragraph one.</p><p>Paragraph two.</p>]]></content:encoded></item>
</channel></rss>"#;

    #[test]
    fn rss_items_become_documents() {
        let entries = parse_feed(RSS.as_bytes(), "feed.xml", &Meta::default()).unwrap();
        assert_eq!(entries.len(), 2);
        let a = &entries[0];
        assert_eq!(a.item.doc_id, "https://news.example/a/1");
        assert_eq!(a.link.as_deref(), Some("https://news.example/a/1"));
        assert!(a.summary_only);
        assert_eq!(a.item.meta.title.as_deref(), Some("某矿透水"));
        assert_eq!(a.item.meta.source.as_deref(), Some("Test Wire"));
        assert_eq!(a.item.meta.lang.as_deref(), Some("zh-cn"));
        assert!(a
            .item
            .meta
            .published
            .as_deref()
            .unwrap()
            .starts_with("2026-03-09"));
        assert_eq!(String::from_utf8_lossy(&a.item.bytes), "<p>短讯。</p>");
        let b = &entries[1];
        assert!(!b.summary_only);
        assert_eq!(b.item.format, Format::Html);
        assert!(String::from_utf8_lossy(&b.item.bytes).contains("paragraph one"));
    }

    #[test]
    fn atom_and_json_feed_entries() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title><id>urn:x</id>
<updated>2026-04-01T00:00:00Z</updated>
<entry><title>Strike at a plant</title><id>urn:e1</id>
<link rel="alternate" href="https://atom.example/e1"/>
<updated>2026-04-01T10:00:00Z</updated>
<content type="text">Workers stopped the line on Monday.</content></entry></feed>"#;
        let e = parse_feed(atom.as_bytes(), "atom", &Meta::default()).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].item.doc_id, "https://atom.example/e1");
        assert_eq!(e[0].item.format, Format::Text);
        assert!(!e[0].summary_only);
        assert!(e[0]
            .item
            .meta
            .published
            .as_deref()
            .unwrap()
            .starts_with("2026-04-01"));

        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"JSON Wire",
"items":[{"id":"j1","url":"https://json.example/j1","title":"Protest",
"content_text":"Residents gathered outside the office.","date_published":"2026-05-02T08:00:00Z"}]}"#;
        assert!(is_feed(json.as_bytes()));
        let e = parse_feed(json.as_bytes(), "json", &Meta::default()).unwrap();
        assert_eq!(e[0].item.doc_id, "https://json.example/j1");
        assert_eq!(e[0].item.meta.source.as_deref(), Some("JSON Wire"));
        assert_eq!(
            String::from_utf8_lossy(&e[0].item.bytes),
            "Residents gathered outside the office."
        );
    }

    #[test]
    fn defaults_override_the_feed_but_not_the_entry() {
        let defaults = Meta {
            source: Some("My name".into()),
            lang: Some("zh".into()),
            ..Meta::default()
        };
        let e = parse_feed(RSS.as_bytes(), "feed.xml", &defaults).unwrap();
        assert_eq!(e[0].item.meta.source.as_deref(), Some("My name"));
        assert_eq!(e[0].item.meta.lang.as_deref(), Some("zh"));
    }

    #[test]
    fn feeds_are_recognised_by_their_root() {
        assert!(is_feed(RSS.as_bytes()));
        assert!(is_feed(
            b"\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- c -->\n<feed xmlns='x'>"
        ));
        assert!(is_feed(b"<rdf:RDF xmlns:rdf='x'>"));
        assert!(!is_feed(b"<!DOCTYPE html><html><body>hi</body></html>"));
        assert!(!is_feed(
            b"<?xml version='1.0'?><!DOCTYPE note [<!ENTITY a 'rss'>]><note/>"
        ));
        assert!(!is_feed(b"{\"id\": \"x\", \"text\": \"y\"}"));
        assert!(!is_feed(b"plain words"));
    }

    #[test]
    fn an_entity_bomb_does_not_expand() {
        // Ten levels of ten: expanded, lol9 would be 10^9 copies of "lol".
        let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
        for i in 1..10 {
            let refs = format!("&lol{};", i - 1).repeat(10);
            dtd.push_str(&format!("<!ENTITY lol{i} \"{refs}\">"));
        }
        let bomb = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE rss [{dtd}]><rss version=\"2.0\"><channel>\
             <title>Bomb</title><item><title>t</title><link>https://b.example/1</link>\
             <description>&lol9;</description></item></channel></rss>"
        );
        match parse_feed(bomb.as_bytes(), "bomb.xml", &Meta::default()) {
            Err(e) => assert!(e.to_string().contains("bomb.xml"), "{e}"),
            Ok(entries) => {
                let total: usize = entries.iter().map(|e| e.item.bytes.len()).sum();
                assert!(total < 10_000, "entities were expanded to {total} bytes");
            }
        }
    }

    #[test]
    fn invalid_xml_is_a_clear_error() {
        let err = parse_feed(b"<rss><channel><item>", "broken.xml", &Meta::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("broken.xml: not a valid feed"),
            "{err}"
        );
    }

    /// An RSS 2.0 feed with `doctype` between the declaration and the root.
    fn with_doctype(doctype: &str, description: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{doctype}\n<rss version=\"2.0\"><channel>\
             <title>Wire</title><item><title>Roof fall</title><link>https://d.example/1</link>\
             <pubDate>Mon, 09 Mar 2026 08:00:00 +0800</pubDate>\
             <description>{description}</description></item></channel></rss>"
        )
    }

    #[test]
    fn a_doctype_of_any_form_does_not_hide_the_feed() {
        for doctype in [
            "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"http://my.netscape.com/publish/formats/rss-0.91.dtd\">",
            "<!DOCTYPE rss>",
            "<!DOCTYPE rss [<!ENTITY mine \"a coal mine\"> <!ELEMENT rss ANY>]>",
            "<!-- a comment > with a bracket --><!DOCTYPE rss [\n<!-- don't > stop here -->\n<!ATTLIST rss version CDATA \"2.0\">\n]>",
        ] {
            let feed = with_doctype(doctype, "Three miners were trapped.");
            assert!(is_feed(feed.as_bytes()), "{doctype}");
            let entries = parse_feed(feed.as_bytes(), "d.xml", &Meta::default())
                .unwrap_or_else(|e| panic!("{doctype}: {e}"));
            assert_eq!(entries.len(), 1, "{doctype}");
            assert_eq!(entries[0].item.doc_id, "https://d.example/1");
            assert_eq!(
                String::from_utf8_lossy(&entries[0].item.bytes),
                "Three miners were trapped."
            );
        }
        // An internal subset long enough to push the root past a kilobyte.
        let long = format!(
            "<!DOCTYPE rss [{}]>",
            "<!ENTITY filler \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\">".repeat(60)
        );
        assert!(is_feed(with_doctype(&long, "x").as_bytes()));
    }

    #[test]
    fn an_external_entity_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, "TOP-SECRET-MARKER").unwrap();
        let feed = with_doctype(
            &format!(
                "<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://{}\">]>",
                secret.display()
            ),
            "before &xxe; after",
        );
        assert!(is_feed(feed.as_bytes()));
        match parse_feed(feed.as_bytes(), "xxe.xml", &Meta::default()) {
            Err(e) => assert!(e.to_string().contains("xxe.xml"), "{e}"),
            Ok(entries) => {
                for e in &entries {
                    let body = String::from_utf8_lossy(&e.item.bytes);
                    assert!(!body.contains("TOP-SECRET-MARKER"), "{body}");
                    assert!(!format!("{:?}", e.item.meta).contains("TOP-SECRET-MARKER"));
                }
            }
        }
    }

    #[test]
    fn an_entity_bomb_is_recognised_as_a_feed_and_still_not_expanded() {
        let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
        for i in 1..10 {
            dtd.push_str(&format!(
                "<!ENTITY lol{i} \"{}\">",
                format!("&lol{};", i - 1).repeat(10)
            ));
        }
        let bomb = with_doctype(&format!("<!DOCTYPE rss [{dtd}]>"), "&lol9;");
        assert!(is_feed(bomb.as_bytes()));
        match parse_feed(bomb.as_bytes(), "bomb.xml", &Meta::default()) {
            Err(e) => assert!(e.to_string().contains("bomb.xml"), "{e}"),
            Ok(entries) => {
                let total: usize = entries.iter().map(|e| e.item.bytes.len()).sum();
                assert!(total < 10_000, "entities were expanded to {total} bytes");
            }
        }
    }
}
