//! Extraction: from one document's text to reports, one per event it tells.
//!
//! The steps, each a pure function of the text and the publication date:
//! 1. segment into sections (headed stories), paragraphs and sentences;
//! 2. date each sentence (absolute, relative to the section's date or the publication
//!    date, or by an explicit year context such as "in the same year as …");
//! 3. group each paragraph's sentences into runs that share a date: one candidate event
//!    each, typed by the lexicon, with its figures, organisations and place;
//! 4. attach undated runs to the dated event they continue, and join the tellings of
//!    one event (a Chinese and an English paragraph, a lead and a later recap);
//! 5. drop what is not an incident: statistics, opinion, runs with no event word.

pub mod explain;
pub mod figures;
pub mod lexicon;
pub mod orgs;
pub mod segment;
pub mod structure;

pub use explain::{RunNote, SentenceNote, Trace};

use chrono::NaiveDate;
use lexicon::lexicon;
use recount_model::{
    ClaimDraft, FigureKind, IncidentType, Organization, PartialDate, Place, PlaceLevel, Report,
};
use recount_text::dates::{find_dates, find_years};
use recount_text::normalize::simplified;
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

/// One document as extraction sees it.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub doc_id: &'a str,
    pub sha256: &'a str,
    pub text: &'a str,
    pub title: Option<&'a str>,
    pub published: Option<NaiveDate>,
    /// The date to count relative dates from when the document states none (no
    /// publication date, no dateline), with where it came from ("the file's modification
    /// time", "the time of ingest"). Reports whose dates rest on it are `date_uncertain`.
    pub fallback: Option<(NaiveDate, &'a str)>,
}

/// A candidate event while it is being assembled.
#[derive(Debug, Clone)]
struct Candidate {
    /// The run's number, for the trace.
    id: usize,
    section: usize,
    /// The run's sentences, blanked and normalised, joined by spaces.
    text: String,
    /// The sentences' byte ranges: the same in the original text.
    spans: Vec<Range<usize>>,
    date: Option<PartialDate>,
    date_end: Option<PartialDate>,
    kind: Option<IncidentType>,
    claims: Vec<ClaimDraft>,
    place: Option<Place>,
    place_uncertain: bool,
    organizations: Vec<Organization>,
    keys: Vec<String>,
    continuation: bool,
    /// The run holds a decisive word for its type, not only weak ones.
    strong: bool,
    /// Every type the run holds a decisive word for: an undated run that is typed one way
    /// (a man knocked down, 被撞倒) may still continue an event of another (the protest).
    kinds: Vec<IncidentType>,
    /// The date of the latest dated run before this one in its section, whatever that run
    /// told: "昨天中午，一辆槽罐车把轿车压在身下。…驾驶员当场死亡。" dates the death.
    inherited: Option<(usize, PartialDate)>,
    /// The date was not read from the text but taken from the report's own date.
    date_uncertain: bool,
    /// Byte length of the run's first sentence, the one that carries its date.
    lead: usize,
    /// The date of an accident named by its date in the run (“4·9”事故): the run's date
    /// when the run tells that accident.
    named: Option<PartialDate>,
    heading: Option<String>,
}

/// Phrases that set the year of the dates that follow from an earlier event.
static YEAR_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:in )?the same year as (?:the )?([^,.;]{2,60}?)(?:mining disaster|disaster|accident|collapse|explosion|outburst|flood|flooding|fire|blast|incident|tragedy)|that same year|that year|同年|当年|该年")
        .expect("year context pattern")
});

/// Phrases that put the events that follow in the year before publication.
static LAST_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)last year'?s(?-u:\b)|(?-u:\b)of last year(?-u:\b)|去年的|去年发生")
        .expect("last-year pattern")
});

/// An accident named by its date, as Chinese reports do: “4·9”事故, 7.23 矿难.
static NAMED_BY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[“\x22「]?(\d{1,2})\s*[·•.．]\s*(\d{1,2})[”\x22」]?\s*(?:[\p{Han}]{0,8})(?:事故|矿难|爆炸|透水|火灾)")
        .expect("named-by-date pattern")
});

/// Titles of official notices.
static OFFICIAL_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)通报|公告|情况说明|应急管理局|安委会|安全生产委员会|人民政府|official statement|government notice")
        .expect("official title pattern")
});

/// A sentence that opens with a date: "On November 12,", "— Also on Nov. 12,", "11月12日,",
/// "2024年3月2日9时许,".
static DATE_LED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s—–\-·•]*(?:(?:also |and )?on (?:the (?:morning|afternoon|evening|night) of )?(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.? \d|(?:\d{4}年)?\d{1,2}月\d{1,2}[日号])")
        .expect("date-led pattern")
});

/// Phrases that say an event goes on, so its new date extends the earlier event.
static CONTINUING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)still ongoing|still continu|was continuing|仍在持续|仍在继续|持续至今|截至.{0,12}仍",
    )
    .expect("continuation pattern")
});

/// Phrases that refer back to the event just told ("during the incident", 事故中).
static ANAPHORA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:during|in|after) the (?:incident|accident|disaster|collapse|explosion|blast|fire|tragedy)|(?-u:\b)the (?:incident|accident|disaster|tragedy)(?-u:\b)|(?-u:\b)the (?:collapse|explosion|blast|fire|flood|flooding|outburst|leak) (?:happened|occurred|took place|broke out|started|was)|事故中|该事故|此次事故|这起事故|事发后|事发时")
        .expect("anaphora pattern")
});

/// Words that tie a collapse to a physical structure (a financial "collapse" is no accident).
static STRUCTURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(mine|mines|pit|colliery|building|roof|bridge|tunnel|wall|slope|scaffold|shaft|quarry|dam|house)|矿|楼|桥|隧道|墙|顶板|边坡|工地|房屋")
        .expect("structure pattern")
});

const FINANCIAL_COLLAPSE: &[&str] = &["collapse", "collapsed", "gave way", "倒塌"];

/// Extracts every event the document tells as a report.
pub fn extract(input: &Input) -> Vec<Report> {
    extract_traced(input, None)
}

/// Extracts the reports and says why: each sentence with its date and what became of
/// it, each candidate event with its evidence and the decision taken. What `recount
/// explain` prints. Costs a little more than [`extract`], which keeps no notes.
pub fn explain(input: &Input) -> (Vec<Report>, Trace) {
    let mut trace = Trace::default();
    let reports = extract_traced(input, Some(&mut trace));
    (reports, trace)
}

fn extract_traced(input: &Input, mut trace: Option<&mut Trace>) -> Vec<Report> {
    let original = input.text;
    // Matching reads simplified characters; offsets are those of the original, so
    // quotes are cut from the original bytes.
    let normalised = simplified(original);
    let title_norm = input.title.map(simplified);
    let title_norm = title_norm.as_deref();
    // A dateline without a year takes it from the publication date, else the fallback.
    let year_source = input.published.or(input.fallback.map(|(d, _)| d));
    let structure = structure::find(&normalised, title_norm, year_source);
    let blanked = structure::blank(&normalised, &structure.spans);
    // A headline found in the text stands in for a title the metadata lacks.
    let title_norm = title_norm.or_else(|| structure.headline.clone().map(|r| &normalised[r]));
    let text: &str = &blanked;
    // The dateline's date is the day the report was written: relative dates count from it.
    let dateline = structure
        .dateline_date
        .filter(|d| d.day.is_some())
        .map(|d| d.first_day());
    let own = dateline.or(input.published);
    let published = own.or(input.fallback.map(|(d, _)| d));
    if let Some(t) = trace.as_deref_mut() {
        t.normalised = matches!(normalised, std::borrow::Cow::Owned(_));
        t.anchor = published.map(|d| {
            let why = if dateline.is_some() {
                "the dateline"
            } else if input.published.is_some() {
                "the publication date"
            } else {
                input.fallback.map_or("a fallback", |(_, w)| w)
            };
            let note = if own.is_none() { ", uncertain" } else { "" };
            format!("{d} ({why}{note})")
        });
        t.parts = structure
            .spans
            .iter()
            .map(|(p, r)| {
                (
                    p.as_str().to_string(),
                    original[r.clone()].trim().to_string(),
                )
            })
            .collect();
    }
    let sections = segment::sections(text);
    let sentences = segment::all_sentences(text, &sections);
    let section_anchor: Vec<Option<NaiveDate>> = sections
        .iter()
        .map(|s| {
            s.heading_date
                .as_deref()
                .and_then(|d| find_dates(d, published).into_iter().next())
                .map(|m| m.end.unwrap_or(m.date).last_day())
                .or(published)
        })
        .collect();

    let mut runs: Vec<Candidate> = Vec::new();
    let mut year_override: Option<(i32, usize)> = None;
    let mut last_paragraph = usize::MAX;
    for s in &sentences {
        let sentence = &text[s.range.clone()];
        let anchor = section_anchor[s.section];
        if let Some(c) = YEAR_CONTEXT.captures(sentence) {
            if let Some(y) = referent_year(c.get(1).map(|m| m.as_str()), &runs, text, s.range.start)
            {
                year_override = Some((y, s.paragraph + 1));
            }
        }
        if year_override.is_none() && LAST_YEAR.is_match(sentence) {
            if let Some(p) = published {
                year_override = Some((chrono::Datelike::year(&p) - 1, s.paragraph + 1));
            }
        }
        if year_override.is_some_and(|(_, until)| s.paragraph > until) {
            year_override = None;
        }
        let year = year_override.map(|(y, _)| y);
        let named = named_date(sentence, anchor, year).map(|(d, _)| d);
        let date = sentence_date(sentence, anchor, year).or(named.map(|d| (d, None)));
        let note_date = |d: &Option<(PartialDate, Option<PartialDate>)>| {
            d.map(|(a, b)| match b {
                Some(b) => format!("{a} to {b}"),
                None => a.to_string(),
            })
        };
        // A tally of many events, or background with a date, tells no event of its own.
        let dropped = figures::aggregate_cue(sentence)
            .map(|cue| format!("dropped: speaks of many events at once ({cue})"))
            .or_else(|| {
                background_cue(sentence)
                    .map(|cue| format!("dropped: background, not the event ({cue})"))
            });
        if let Some(decision) = dropped {
            if let Some(t) = trace.as_deref_mut() {
                t.sentences.push(SentenceNote {
                    text: original[s.range.clone()].to_string(),
                    date: note_date(&date),
                    run: None,
                    decision,
                });
            }
            continue;
        }
        let new_paragraph = s.paragraph != last_paragraph;
        last_paragraph = s.paragraph;
        // A sentence that opens with its date starts an event of its own, even on the
        // day of the one before: "11月12日,水城区…罢工。11月12日,洛阳市…罢工。"
        // A bilingual paragraph switches language between tellings: a sentence in the
        // other language belongs to the other telling, not to this run.
        let opens_event = date.is_some() && DATE_LED.is_match(sentence);
        let extend = !new_paragraph
            && !opens_event
            && runs
                .last()
                .is_some_and(|r| lang_of(&r.text[..r.lead.min(r.text.len())]) == lang_of(sentence))
            && runs.last().is_some_and(|r| match (&date, &r.date) {
                (None, _) => true,
                (Some((d, _)), Some(rd)) => d == rd,
                (Some(_), None) => false,
            });
        if extend {
            if let Some(r) = runs.last_mut() {
                r.named = r.named.or(named);
                r.text.push(' ');
                r.text.push_str(sentence);
                r.spans.push(s.range.clone());
                if r.date_end.is_none() {
                    r.date_end = date.and_then(|(_, e)| e);
                }
            }
        } else {
            runs.push(Candidate {
                id: runs.len(),
                section: s.section,
                text: sentence.to_string(),
                spans: vec![s.range.clone()],
                date: date.map(|(d, _)| d),
                date_end: date.and_then(|(_, e)| e),
                kind: None,
                claims: Vec::new(),
                place: None,
                place_uncertain: false,
                organizations: Vec::new(),
                keys: Vec::new(),
                continuation: false,
                strong: false,
                kinds: Vec::new(),
                inherited: runs
                    .iter()
                    .rev()
                    .take_while(|r| r.section == s.section)
                    .find_map(|r| r.date.map(|d| (r.id, d)))
                    .filter(|_| date.is_none()),
                date_uncertain: false,
                lead: sentence.len(),
                named,
                heading: sections[s.section].heading.clone(),
            });
        }
        if let Some(t) = trace.as_deref_mut() {
            let run = runs.len() - 1;
            t.sentences.push(SentenceNote {
                text: original[s.range.clone()].to_string(),
                date: note_date(&date),
                run: Some(run),
                decision: if extend {
                    format!("continues run {run}")
                } else if opens_event {
                    format!("starts run {run} (opens with its date)")
                } else if new_paragraph {
                    format!("starts run {run} (new paragraph)")
                } else {
                    format!("starts run {run} (another date or language)")
                },
            });
        }
    }

    let geo = recount_geo::gazetteer();
    // An official notice (通报, a government or safety-committee release) speaks for the
    // authorities wherever a sentence names no one else.
    let voice = match title_norm {
        Some(t) if OFFICIAL_TITLE.is_match(t) => recount_model::Speaker::Official,
        _ => recount_model::Speaker::Media,
    };
    // A report about attacks (its headline, or decisive attack words in the runs read so far,
    // three or more) makes the explosions it tells attacks too.
    let attack_headline = title_norm.and_then(classify) == Some(IncidentType::Crime);
    let mut attack_words = 0usize;
    let mut candidates: Vec<Candidate> = Vec::new();
    // Runs that told nothing typed: their dates may date the sentences after them.
    let mut typeless: Vec<usize> = Vec::new();
    for mut c in runs {
        let mut note = RunNote {
            run: c.id,
            date: c.date.map(|d| d.to_string()),
            ..RunNote::default()
        };
        // The lead sentence says what happened that day; what follows is often
        // background (the accident a protest is about). Read the lead first.
        let lead = &c.text[..c.lead.min(c.text.len())];
        let lead_hits = type_hits(lead);
        let hits = if lead.len() == c.text.len() {
            lead_hits.clone()
        } else {
            type_hits(&c.text)
        };
        c.kind = classify_hits(&lead_hits)
            .filter(|k| strong_in(&lead_hits, *k))
            .or_else(|| classify_hits(&hits));
        attack_words += hits
            .iter()
            .filter(|(k, w)| *k == IncidentType::Crime && *w >= 3)
            .count();
        if trace.is_some() {
            note.evidence = type_hits_named(&c.text);
        }
        // An undated run with no event word of its own that counts people (警方带走了3名工人
        // 代表) goes on telling the event before it in its section.
        let mut continues = false;
        if c.kind.is_none() && c.date.is_none() {
            if let Some(prev) = candidates.last().filter(|p| p.section == c.section) {
                let collective = matches!(
                    prev.kind,
                    Some(IncidentType::Strike | IncidentType::Protest)
                );
                let counts = FATE.is_match(&c.text)
                    && PEOPLE_COUNT.is_match(&c.text)
                    && c.spans
                        .iter()
                        .any(|r| !figures::claims(&text[r.clone()], collective, voice).is_empty());
                if counts {
                    c.kind = prev.kind;
                    continues = true;
                    note.evidence
                        .push("counts that go on the run before".into());
                }
            }
        }
        let Some(kind) = c.kind else {
            typeless.push(c.id);
            note.decision = "dropped: no event word".into();
            push_run(&mut trace, note);
            continue;
        };
        // Under a headline of an attack, the explosion told below is the attack.
        let kind = if kind == IncidentType::Accident
            && (attack_headline || attack_words >= 3)
            && !WORKPLACE.is_match(&c.text)
        {
            c.kind = Some(IncidentType::Crime);
            IncidentType::Crime
        } else {
            kind
        };
        note.kind = Some(kind.as_str().to_string());
        if kind == IncidentType::Accident {
            if let Some(word) = natural_hazard_only(&c.text) {
                note.decision =
                    format!("dropped: a natural disaster ({word}) with no workplace named");
                push_run(&mut trace, note);
                continue;
            }
        }
        if kind == IncidentType::Accident && c.named.is_some() {
            c.date = c.named;
            c.date_end = None;
        }
        let collective = matches!(kind, IncidentType::Strike | IncidentType::Protest);
        let answers = collective || kind == IncidentType::Enforcement;
        let mut claims: Vec<ClaimDraft> = Vec::new();
        for r in &c.spans {
            let harm_here = !answers || figures::harm_happened_at_it(&c.text, &text[r.clone()]);
            for mut claim in figures::claims(&text[r.clone()], collective, voice) {
                if !harm_here
                    && matches!(
                        claim.kind,
                        FigureKind::Dead
                            | FigureKind::Injured
                            | FigureKind::Missing
                            | FigureKind::Trapped
                    )
                {
                    continue;
                }
                claim.quote = original[r.clone()].trim().to_string();
                if !claims
                    .iter()
                    .any(|x| x.kind == claim.kind && x.value == claim.value)
                {
                    claims.push(claim);
                }
            }
        }
        c.strong = strong_in(&hits, kind);
        c.kinds = hits
            .iter()
            .filter(|(_, w)| *w >= 3)
            .map(|(k, _)| *k)
            .collect();
        note.claims = claims
            .iter()
            .map(|x| format!("{} {}", x.kind.as_str(), x.value))
            .collect();
        // Weak evidence (a death word alone) makes an event only with a count.
        if !c.strong && !has_toll(&claims) && !continues {
            note.decision = format!(
                "dropped: only weak words for {} and no count",
                kind.as_str()
            );
            push_run(&mut trace, note);
            continue;
        }
        c.claims = claims;
        let found = orgs::find(&c.text);
        c.keys = found.iter().filter_map(|f| f.key.clone()).collect();
        c.organizations = found.iter().map(|f| f.org.clone()).collect();
        let exclude: Vec<_> = found.iter().map(|f| f.span.clone()).collect();
        let paragraph_text = sections[c.section]
            .paragraphs
            .iter()
            .map(|r| &text[r.clone()])
            .collect::<Vec<_>>();
        let section_text = paragraph_text.join("\n");
        let mut context: Vec<&str> = Vec::new();
        if let Some(h) = sections[c.section].heading.as_deref() {
            context.push(h);
        }
        context.push(&section_text);
        if let Some(t) = title_norm {
            context.push(t);
        }
        if let Some(loc) = geo.locate_excluding(&c.text, &exclude, &context) {
            c.place_uncertain = loc.uncertain;
            if trace.is_some() {
                note.place = Some(format!(
                    "{}: {}",
                    place_label(&loc.place),
                    loc.evidence.join("; ")
                ));
            }
            c.place = Some(loc.place);
        }
        note.decision = "candidate event".into();
        push_run(&mut trace, note);
        c.continuation = CONTINUING.is_match(&c.text);
        candidates.push(c);
    }

    let candidates = attach_undated(candidates, &typeless, &mut trace);
    let candidates = date_orphans(candidates, published, &mut trace);
    let candidates = join_tellings(candidates, &mut trace);
    let candidates = join_follow_ups(candidates, &mut trace);
    let mut reports = Vec::new();
    for c in candidates {
        // An event dated only to a year, given no count and no county or city, is
        // background recalled in passing ("同年，另一起爆炸…", "a 2003 bombing abroad"), not a
        // record one can use; one placed in its county ("in 2019, villagers in X County held
        // a sit-in") is kept.
        let placed = c.place.as_ref().is_some_and(|p| {
            p.adcode.is_some() && matches!(p.level, PlaceLevel::County | PlaceLevel::Prefecture)
        });
        let year_only = c.date.is_some_and(|d| d.month.is_none()) && c.claims.is_empty() && !placed;
        if c.date.is_none() || (c.place.is_none() && c.claims.is_empty()) || year_only {
            if let Some(t) = trace.as_deref_mut() {
                let why = if c.date.is_none() {
                    "no date"
                } else if year_only {
                    "known only to the year, with no count or county: background"
                } else {
                    "neither a place nor a count"
                };
                t.decide(c.id, format!("dropped: {why}"));
            }
            continue;
        }
        let index = reports.len();
        if let Some(t) = trace.as_deref_mut() {
            t.decide(c.id, format!("report {index}"));
        }
        // Without the report's own date, a date is certain only where the text wrote
        // its year.
        let unsure = own.is_none()
            && !c.date.is_some_and(|d| {
                find_years(&c.text).iter().any(|(_, y)| *y == d.year)
                    || find_dates(&c.text, published)
                        .iter()
                        .any(|m| m.year_given && m.date.year == d.year)
            });
        let mut report = to_report(input, original, index, c);
        report.date_uncertain |= unsure;
        reports.push(report);
    }
    reports
}

/// The claims count casualties: dead, injured, missing or trapped.
fn has_toll(claims: &[ClaimDraft]) -> bool {
    claims.iter().any(|x| {
        matches!(
            x.kind,
            FigureKind::Dead | FigureKind::Injured | FigureKind::Missing | FigureKind::Trapped
        )
    })
}

fn push_run(trace: &mut Option<&mut Trace>, note: RunNote) {
    if let Some(t) = trace.as_deref_mut() {
        t.runs.push(note);
    }
}

fn place_label(p: &Place) -> String {
    let name = p
        .name
        .clone()
        .or_else(|| p.name_en.clone())
        .unwrap_or_default();
    match &p.adcode {
        Some(a) => format!("{name} ({a})"),
        None => format!("{name} ({})", p.country),
    }
}

/// A count of people, the cheap test before reading an untyped run's figures.
static PEOPLE_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[0-9０-９一二两三四五六七八九十百千]\s*(?:名|人|位)|[0-9]+\s+(?:people|workers|miners|villagers|protesters|were|have been)|(?-u:\b)(?:a|an|one) (?:worker|miner|man|woman|person)")
        .expect("people count pattern")
});

/// What such a count must say of the people: killed, hurt, missing, taken away.
static FATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)死|伤|失踪|失联|被困|带走|抓|拘|逮捕|控制|killed|dead|died|injur|missing|trapped|arrest|detain")
        .expect("fate pattern")
});

/// Background told with a date: an official's career, a firm's or a mine's history, a
/// licence — "2015年起任…局长", "该矿2001年被列为高瓦斯矿井", "founded in 1998".
static BACKGROUND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:[0-9]{4}年(?:[0-9]{1,2}月)?|(?-u:\b)(?:in|since) [0-9]{4}(?-u:\b))[^，。,;；]{0,14}?(?:起任|起担任|任职|担任|出任|调任|升任|退休|毕业|出生|成立|建成|始建|投产|被列为|被评为|获评|入选|取得|获得.{0,6}证|was appointed|became|retired|graduated|was born|was founded|was established|was listed)")
        .expect("background pattern")
});

/// The background cue of a sentence that tells no event of its own (no decisive type
/// word beside the cue).
fn background_cue(sentence: &str) -> Option<String> {
    let m = BACKGROUND.find(sentence)?;
    if type_hits(sentence).iter().any(|(_, w)| *w >= 3) {
        return None;
    }
    Some(m.as_str().to_string())
}

/// Natural hazards: no incident unless a workplace is named (PRODUCT.md's type policy).
static NATURAL_HAZARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)地震|余震|震级|震中|里氏|海啸|台风|飓风|洪灾|山洪|earthquake|quake|tsunami|aftershock|typhoon|hurricane|cyclone")
        .expect("natural hazard pattern")
});

/// Workplaces that make an accident of a natural disaster's damage.
static WORKPLACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)煤矿|矿井|井下|矿山|工厂|厂房|车间|工地|化工|电站|mine|colliery|factory|plant|construction site|workshop")
        .expect("workplace pattern")
});

/// The hazard word when a run tells a natural disaster with no workplace in it.
fn natural_hazard_only(text: &str) -> Option<String> {
    let m = NATURAL_HAZARD.find(text)?;
    (!WORKPLACE.is_match(text)).then(|| m.as_str().to_string())
}

/// The year of the event a "same year as …" phrase points to: the earlier run whose
/// text names the same thing, else the latest year written before the phrase.
fn referent_year(name: Option<&str>, runs: &[Candidate], text: &str, before: usize) -> Option<i32> {
    if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
        let words: Vec<String> = name
            .split_whitespace()
            .map(|w| w.to_lowercase())
            .filter(|w| w.len() > 3 && !["mining", "mine", "coal"].contains(&w.as_str()))
            .collect();
        let geo = recount_geo::gazetteer();
        let wanted: Vec<String> = geo
            .lookup(name.split_whitespace().next().unwrap_or(name))
            .iter()
            .map(|u| u.adcode.clone())
            .collect();
        for r in runs.iter().rev() {
            let Some(d) = r.date else { continue };
            let lower = r.text.to_lowercase();
            let named = words.iter().any(|w| lower.contains(w.as_str()));
            let placed = geo.mentions(&r.text).iter().any(|m| {
                m.units
                    .iter()
                    .any(|u| wanted.iter().any(|w| geo.contains(w, &u.adcode)))
            });
            if named || placed {
                return Some(d.year);
            }
        }
    }
    find_years(&text[..before]).last().map(|(_, y)| *y)
}

/// Words right before a date that make it a reference point, not the event's date.
const REFERENCE_BEFORE: &[&str] = &[
    "born on",
    "born",
    "since",
    "自",
    "从",
    "继",
    "until",
    "before",
    "by",
    "as of",
    "成立于",
    "始建于",
    "建于",
    "投产于",
    "founded in",
    "established in",
    "set up in",
    "opened in",
];

/// An English dateline: "KITWE, Oct 30 —", "BEIJING, March 3 (Reuters) -".
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[A-Z][A-Z .'-]{2,30}(?:,\s*[A-Za-z .]+)?,\s*$").expect("dateline pattern")
});

/// Words that say the event begun at a date still goes on.
static ONGOING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)持续|一直|仍在|至今|连续|ongoing|continu|has been|have been|every day")
        .expect("ongoing pattern")
});

/// Day words that refer to the date of the sentence before.
const ANAPHORIC_DAYS: &[&str] = &[
    "当天",
    "当日",
    "同日",
    "当晚",
    "当夜",
    "次日",
    "翌日",
    "第二天",
    "that day",
    "the same day",
    "the next day",
    "the following day",
];

/// The date an accident's name gives (“4·9”事故 → April 9), the year from context.
fn named_date(
    sentence: &str,
    anchor: Option<NaiveDate>,
    year: Option<i32>,
) -> Option<(PartialDate, Option<PartialDate>)> {
    let c = NAMED_BY_DATE.captures(sentence)?;
    let (m, d): (u32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?);
    let anchor = anchor?;
    let y = year.unwrap_or_else(|| {
        let y = chrono::Datelike::year(&anchor);
        // A name refers to a past event: a date after the anchor is last year's.
        match NaiveDate::from_ymd_opt(y, m, d) {
            Some(day) if day > anchor => y - 1,
            _ => y,
        }
    });
    PartialDate::day(y, m, d).map(|p| (p, None))
}

/// The date a sentence states for its event: the first date that is not a birth date,
/// with the year taken from the year context when the text wrote none.
fn sentence_date(
    sentence: &str,
    anchor: Option<NaiveDate>,
    year: Option<i32>,
) -> Option<(PartialDate, Option<PartialDate>)> {
    let mentions: Vec<_> = find_dates(sentence, anchor)
        .into_iter()
        .filter(|m| {
            let after = &sentence[m.span.end..];
            let before = sentence[..m.span.start].trim_end().to_lowercase();
            // A channel or column named “Yesterday” / 「昨天」 is not a date.
            let quoted = m.relative
                && before.ends_with(['“', '「', '"', '‘', '『'].as_slice())
                && after.starts_with(['”', '」', '"', '’', '』'].as_slice());
            let dateline = DATELINE.is_match(&sentence[..m.span.start])
                && after
                    .trim_start()
                    .starts_with(['—', '–', '-', '('].as_slice());
            // A birth date, a dateline, or a date that only bounds a span ("since
            // September", 自去年以来, "as of") is not the date of the event told.
            // "自3月2日起，工人持续停工": the start of an event that goes on is its date.
            let ongoing_start = ["since", "自", "从"].iter().any(|w| before.ends_with(w))
                && ONGOING.is_match(after);
            let reference = [
                "出生",
                "电",
                "讯",
                "消息",
                "信息",
                "以来",
                "后",
                "报道",
                "的报道",
                "刊",
            ]
            .iter()
            .any(|w| after.trim_start().starts_with(w))
                || (REFERENCE_BEFORE.iter().any(|w| before.ends_with(w)) && !ongoing_start);
            // "That day", 当天, 次日 point back to the date just told: the same event.
            let anaphoric = m.relative
                && ANAPHORIC_DAYS
                    .iter()
                    .any(|w| sentence[m.span.clone()].to_lowercase().contains(w));
            !(quoted || dateline || reference || anaphoric)
        })
        .collect();
    // The most precise date tells the event ("许某今年43岁,去年12月28日…"): a day
    // before a month, a month before a year. Among equals a date written out beats one
    // counted from the anchor ("今日证实，四月十一日晚…", "11月17日晚…一天前") and the first
    // written out wins ("On May 6, relatives of those killed in the April 2 blast…");
    // among counted ones the earliest: "记者19日证实，18日下午…" tells the event's day
    // after the reporting day.
    // The day a statement was made ("11月21日，调查组通报称，10月14日…") gives way to a
    // date written out that the statement tells of (not to one counted from an anchor,
    // which may be that very day: "17日，网友报料称，今日中午…").
    let best = mentions.iter().map(|m| m.date.precision()).max()?;
    let m = mentions
        .into_iter()
        .filter(|m| m.date.precision() == best)
        .min_by_key(|m| {
            let day = if m.relative {
                m.date.first_day()
            } else {
                NaiveDate::MIN
            };
            let said = statement_day(&sentence[m.span.end..]);
            (m.relative, said, day, m.span.start)
        })?;
    let fix = |d: PartialDate| match year {
        Some(y) if !m.year_given && !m.relative => PartialDate { year: y, ..d },
        _ => d,
    };
    Some((fix(m.date), m.end.map(fix)))
}

/// Verbs that make a date the day something was said: 通报称, announced.
static STATEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)通报称|发布通报|发布消息|通报|宣布|表示|介绍|获悉|透露|证实|称[，,：:]|(?-u:\b)(?:said|announced|stated|confirmed|disclosed|told)(?-u:\b)")
        .expect("statement pattern")
});

/// Whether the words after a date make it the day of a statement: a verb of saying in
/// its clause, with no verb of occurrence before it.
fn statement_day(after: &str) -> bool {
    let end = after
        .find(['。', '.', ';', '；'])
        .unwrap_or(after.len())
        .min(segment::floor_boundary(after, 90));
    let clause = &after[..end];
    STATEMENT
        .find(clause)
        .is_some_and(|m| !OCCURRED.is_match(&clause[..m.start()]))
}

/// An accident named by its date inside another event's sentence: "relatives of miners
/// killed in the October 14 gas explosion", 2025年10月14日…瓦斯爆炸事故. Such words refer to
/// an event told elsewhere; they do not make the sentence an accident report.
static REFERENCED_ACCIDENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日|[“\x22]\d{1,2}·\d{1,2}[”\x22]|(?-u:\b)(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.? \d{1,2}(?:, \d{4})?)[^,，。;；:：.]{0,40}?(?:事故|矿难|爆炸|透水|explosion|blast|collapse|fire|flood|disaster|accident|outburst)")
        .expect("referenced accident pattern")
});

/// The type words of a run with their weights, after discounting what tells no event
/// here: a financial "collapse", a threatened or negated event, an accident referred to
/// by its date. Each hit with its byte span.
fn type_hits_at(text: &str) -> Vec<(IncidentType, u32, Range<usize>)> {
    let structural = STRUCTURE.is_match(text);
    // "发生一起交通事故" after a date tells the event; "在10月14日爆炸事故中遇难的矿工" refers to it.
    let referenced: Vec<(usize, usize)> = REFERENCED_ACCIDENT
        .find_iter(text)
        .filter(|m| !OCCURRED.is_match(m.as_str()))
        .map(|m| (m.start(), m.end()))
        .collect();
    lexicon()
        .hits_in(text, &["type"])
        .into_iter()
        .filter_map(|h| {
            let kind = h.entry.value.parse::<IncidentType>().ok()?;
            let term = text[h.start..h.end].to_lowercase();
            let discounted = (kind == IncidentType::Accident
                && FINANCIAL_COLLAPSE.contains(&term.as_str())
                && !structural)
                || hypothetical(text, h.start)
                || (kind == IncidentType::Accident
                    && referenced.iter().any(|(s, e)| *s <= h.start && h.end <= *e));
            let weight = if discounted { 0 } else { h.entry.weight };
            Some((kind, weight, h.start..h.end))
        })
        .collect()
}

/// Verbs of occurrence: a date followed by one of these tells the event itself.
static OCCURRED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)发生|突发|出现|造成|致使|相撞|起火|occurred|happened|broke out|took place")
        .expect("occurred pattern")
});

fn type_hits(text: &str) -> Vec<(IncidentType, u32)> {
    type_hits_at(text)
        .into_iter()
        .map(|(k, w, _)| (k, w))
        .collect()
}

/// The type words of a run as the trace shows them: `type:word(weight)`.
fn type_hits_named(text: &str) -> Vec<String> {
    type_hits_at(text)
        .into_iter()
        .map(|(k, w, r)| format!("{}:{}({w})", k.as_str(), &text[r]))
        .collect()
}

/// The event type a run tells, from the lexicon's weighted type words.
fn classify(text: &str) -> Option<IncidentType> {
    classify_hits(&type_hits(text))
}

/// [`classify`] from type hits already read.
fn classify_hits(hits: &[(IncidentType, u32)]) -> Option<IncidentType> {
    let mut scores: BTreeMap<IncidentType, u32> = BTreeMap::new();
    for &(kind, weight) in hits {
        *scores.entry(kind).or_default() += weight;
    }
    scores.retain(|_, s| *s > 0);
    // Arrests at a protest are part of the protest; a strike is a strike even when
    // the text also says workers protested.
    let priority = |k: IncidentType| match k {
        IncidentType::Strike => 6,
        IncidentType::Protest => 5,
        IncidentType::Accident => 4,
        IncidentType::Crime => 3,
        IncidentType::Corruption => 2,
        IncidentType::Enforcement => 1,
        IncidentType::Other => 0,
    };
    // Strikers gather and make demands too: a strike word decides between the two.
    let collective = [IncidentType::Strike, IncidentType::Protest]
        .into_iter()
        .find(|k| scores.get(k).copied().unwrap_or(0) >= 3);
    if let Some(k) = collective {
        if scores.get(&IncidentType::Accident).copied().unwrap_or(0) <= scores[&k] {
            return Some(k);
        }
    }
    // A bombing's explosion and a gunman's victims are an attack, not an accident.
    if scores.get(&IncidentType::Crime).copied().unwrap_or(0) >= 3 {
        return Some(IncidentType::Crime);
    }
    scores
        .into_iter()
        .max_by_key(|(k, s)| (*s, priority(*k)))
        .map(|(k, _)| k)
}

/// Whether the event word at `at` is only threatened or conditional ("如果…会再次停工",
/// "threatened to strike"): such a word tells no event.
fn hypothetical(text: &str, at: usize) -> bool {
    const MARKERS: &[&str] = &[
        "会再次",
        "将再次",
        "扬言",
        "威胁",
        "如果",
        "若再",
        "准备",
        "计划",
        "打算",
        "未发生",
        "没有发生",
        "未出现",
        "未造成",
        "threatened to ",
        "threaten to ",
        "plan to ",
        "plans to ",
        "planned to ",
        "vowed to ",
        "will ",
        "would ",
        "could ",
        "may ",
    ];
    let start = at.saturating_sub(24);
    let start = (start..=at)
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(at);
    let window = text[start..at].to_lowercase();
    MARKERS.iter().any(|m| window.contains(m))
}

/// Whether the hits hold a decisive word for `kind` (weight 3).
fn strong_in(hits: &[(IncidentType, u32)], kind: IncidentType) -> bool {
    hits.iter().any(|(k, w)| *k == kind && *w >= 3)
}

fn places_agree(a: &Option<Place>, b: &Option<Place>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.country.eq_ignore_ascii_case(&b.country)
                && match (&a.adcode, &b.adcode) {
                    (Some(x), Some(y)) => {
                        let geo = recount_geo::gazetteer();
                        geo.contains(x, y) || geo.contains(y, x)
                    }
                    _ => true,
                }
        }
        _ => true,
    }
}

fn place_depth(p: &Option<Place>) -> (bool, PlaceLevel, bool) {
    match p {
        Some(p) => (p.adcode.is_some(), p.level, p.detail.is_some()),
        None => (false, PlaceLevel::Country, false),
    }
}

/// Merges `from` into `into`: texts, claims, organisations, the finer place and the
/// more precise date.
fn absorb(into: &mut Candidate, from: Candidate) {
    into.text.push(' ');
    into.text.push_str(&from.text);
    into.spans.extend(from.spans);
    for c in from.claims {
        if !into
            .claims
            .iter()
            .any(|x| x.kind == c.kind && x.value == c.value)
        {
            into.claims.push(c);
        }
    }
    for o in from.organizations {
        if !into.organizations.iter().any(|x| x.name == o.name) {
            into.organizations.push(o);
        }
    }
    for k in from.keys {
        if !into.keys.contains(&k) {
            into.keys.push(k);
        }
    }
    if place_depth(&from.place) > place_depth(&into.place) && places_agree(&into.place, &from.place)
    {
        into.place = from.place;
        into.place_uncertain = from.place_uncertain;
    }
    match (into.date, from.date) {
        (None, d) => into.date = d,
        (Some(a), Some(b)) if b.precision() > a.precision() && b.within(&a) => into.date = Some(b),
        _ => {}
    }
    if into.date_end.is_none() {
        into.date_end = from.date_end;
    }
}

/// Undated runs continue the nearest earlier dated event of their type in the same
/// section (else the next one); "still ongoing" runs extend it. Runs with nothing to
/// continue are dropped: an undated claim cannot be placed in time.
fn attach_undated(
    cands: Vec<Candidate>,
    typeless: &[usize],
    trace: &mut Option<&mut Trace>,
) -> Vec<Candidate> {
    let mut kept: Vec<Candidate> = Vec::new();
    let mut pending: Vec<Candidate> = Vec::new();
    for c in cands {
        // A dated run with only weak words (rescue progress, a victim's family
        // arriving) continues the event before it rather than telling a new one.
        let follow_up = c.date.is_some()
            && !c.strong
            && kept.iter().rev().any(|k| {
                k.section == c.section
                    && k.kind == c.kind
                    && places_agree(&k.place, &c.place)
                    // Another named site is another event in a list ("On December 20,
                    // an accident at the Kunyuan Coal Mine … killed 12").
                    && (c.keys.is_empty() || c.keys.iter().any(|x| k.keys.contains(x)))
                    && match (k.date, c.date) {
                        (Some(a), Some(b)) => b >= a && b.gap_days(&a) <= 30,
                        _ => false,
                    }
            });
        let continuing = (c.continuation || follow_up) && c.date.is_some();
        if c.date.is_some() && !continuing {
            // Earlier undated runs of this type in this section lead into this event.
            let (lead, rest): (Vec<_>, Vec<_>) = pending.into_iter().partition(|p| {
                p.section == c.section && p.kind == c.kind && places_agree(&p.place, &c.place)
            });
            pending = rest;
            let mut c = c;
            for p in lead {
                note_join(trace, p.id, c.id, "an undated run leading into it");
                absorb(&mut c, p);
            }
            kept.push(c);
            continue;
        }
        // A run that refers back ("during the incident") continues the event before it
        // even where it names another place (a capital where families petitioned).
        let refers_back = c.date.is_none() && ANAPHORA.is_match(&c.text);
        let target = kept.iter_mut().rev().find(|k| {
            k.section == c.section
                && (k.kind == c.kind
                    || (c.date.is_none() && k.kind.is_some_and(|kk| c.kinds.contains(&kk))))
                && (refers_back || places_agree(&k.place, &c.place))
        });
        match target {
            Some(t) => {
                let why = if continuing {
                    "it goes on (a later date of the same event)"
                } else if refers_back {
                    "it refers back to the event"
                } else {
                    "undated, it continues the event before it"
                };
                note_join(trace, c.id, t.id, why);
                let mut c = c;
                if refers_back && !places_agree(&t.place, &c.place) {
                    c.place = None;
                }
                if continuing {
                    let end = c.date;
                    c.date = None;
                    absorb(t, c);
                    if t.date_end.is_none() || end.is_some_and(|e| Some(e) > t.date_end) {
                        t.date_end = end;
                    }
                } else {
                    absorb(t, c);
                }
            }
            None if continuing => kept.push(c),
            None => pending.push(c),
        }
    }
    // What is left told an event no dated run of its type told. With a toll it is one,
    // dated by the run before it when that run told nothing typed.
    for mut p in pending {
        // Only the date of a run that told no typed event: a run that told one was an
        // event of its own, and this one is background to it.
        let counted = has_toll(&p.claims);
        let free = p
            .inherited
            .filter(|(from, _)| counted && typeless.contains(from))
            .map(|(_, d)| d);
        if let Some(d) = free {
            note_decision(trace, p.id, "dated by the sentence before it");
            p.date = Some(d);
            kept.push(p);
        } else {
            // Kept for `date_orphans`, which may date it from the report's own date.
            note_decision(trace, p.id, "undated: waits for the report's own date");
            kept.push(p);
        }
    }
    kept
}

/// The undated events of a document that dates nothing, one per type, are dated from the
/// report's date (its dateline, publication or fallback) and flagged `date_uncertain`: a news
/// report of one crash, told with 当日 or no day at all, is about that day or the one before.
fn date_orphans(
    cands: Vec<Candidate>,
    anchor: Option<NaiveDate>,
    trace: &mut Option<&mut Trace>,
) -> Vec<Candidate> {
    // Only a document that dates nothing: in a digest or a dated story the undated runs
    // are background to the dated ones.
    if cands.iter().any(|c| c.date.is_some()) {
        return cands;
    }
    let mut out = Vec::with_capacity(cands.len());
    let mut taken: Vec<Option<IncidentType>> = Vec::new();
    for mut c in cands {
        if c.date.is_none() {
            // A toll, not only a word: a statistics release names accident types too.
            let counted = has_toll(&c.claims);
            if let Some(a) = anchor.filter(|_| counted && !taken.contains(&c.kind)) {
                c.date = Some(PartialDate::from_naive(a));
                c.date_uncertain = true;
                taken.push(c.kind);
                note_decision(trace, c.id, "dated from the report's own date (uncertain)");
            }
        }
        out.push(c);
    }
    out
}

fn note_decision(trace: &mut Option<&mut Trace>, run: usize, why: &str) {
    if let Some(t) = trace.as_deref_mut() {
        t.decide(run, why.to_string());
    }
}

/// Joins the tellings of one event within a document (a Chinese and an English
/// paragraph, a lead and a later recap): same type, same day, agreeing places.
fn join_tellings(cands: Vec<Candidate>, trace: &mut Option<&mut Trace>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for c in cands {
        let same = out.iter_mut().find(|o| {
            o.kind == c.kind
                && match (o.date, c.date) {
                    (Some(a), Some(b)) => {
                        a == b || (a.precision() != b.precision() && (a.within(&b) || b.within(&a)))
                    }
                    _ => false,
                }
                && places_agree(&o.place, &c.place)
                && !(o.place.is_none() != c.place.is_none() && o.section != c.section)
        });
        match same {
            Some(o) => {
                note_join(
                    trace,
                    c.id,
                    o.id,
                    "another telling of the same day and place",
                );
                absorb(o, c)
            }
            None => out.push(c),
        }
    }
    out
}

/// Days after an event within which a run of the same type, place and site in the same
/// document is its aftermath (victims who died in hospital, more poisoned, the fire put
/// out next morning), not another event.
const FOLLOW_UP_DAYS: i64 = 3;

/// Joins the follow-ups of an event told later in the same document: same type, agreeing
/// place and sites, a date up to [`FOLLOW_UP_DAYS`] after it. A list of events names
/// other places or sites, and keeps them apart.
fn join_follow_ups(cands: Vec<Candidate>, trace: &mut Option<&mut Trace>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for c in cands {
        let same = out.iter_mut().find(|o| {
            o.kind == c.kind
                && match (o.date, c.date) {
                    (Some(a), Some(b)) => {
                        a.precision() == b.precision() && b.gap_days(&a) <= FOLLOW_UP_DAYS
                    }
                    _ => false,
                }
                && same_province(&o.place, &c.place)
                && (c.keys.is_empty()
                    || o.keys.is_empty()
                    || c.keys.iter().any(|k| o.keys.contains(k)))
        });
        match same {
            Some(o) => {
                note_join(
                    trace,
                    c.id,
                    o.id,
                    "the same event told again days apart in one report",
                );
                let (first, last) = match (o.date, c.date) {
                    (Some(a), Some(b)) if b < a => (Some(b), Some(a)),
                    (a, b) => (a, b),
                };
                let collective =
                    matches!(o.kind, Some(IncidentType::Strike | IncidentType::Protest));
                absorb(o, c);
                o.date = first;
                if collective && last != first {
                    o.date_end = o.date_end.max(last);
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// Both places lie in one province (or one country abroad), or one is unknown.
fn same_province(a: &Option<Place>, b: &Option<Place>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.country.eq_ignore_ascii_case(&b.country)
                && match (&a.adcode, &b.adcode) {
                    (Some(x), Some(y)) => x.get(..2) == y.get(..2),
                    _ => true,
                }
        }
        _ => true,
    }
}

fn note_join(trace: &mut Option<&mut Trace>, from: usize, into: usize, why: &str) {
    if let Some(t) = trace.as_deref_mut() {
        t.decide(from, format!("joined run {into}: {why}"));
    }
}

fn lang_of(text: &str) -> &'static str {
    let cjk = text.chars().filter(|c| segment::is_cjk(*c)).count();
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if cjk * 2 >= latin {
        "zh"
    } else {
        "en"
    }
}

/// The value of a facet field with the most lexicon weight in `text`.
fn facet(text: &str, field: &str) -> Option<String> {
    let mut scores: BTreeMap<&str, u32> = BTreeMap::new();
    for h in lexicon().hits_in(text, &[field]) {
        *scores.entry(h.entry.value.as_str()).or_default() += h.entry.weight;
    }
    scores
        .into_iter()
        .max_by_key(|(v, s)| (*s, std::cmp::Reverse(*v)))
        .map(|(v, _)| v.to_string())
}

fn title_of(
    kind: IncidentType,
    mechanism: Option<&str>,
    sector: Option<&str>,
    grievance: Option<&str>,
    place: Option<&Place>,
) -> String {
    let what = match kind {
        IncidentType::Accident => {
            let m = mechanism
                .map(|m| m.replace('_', " "))
                .unwrap_or_else(|| "accident".into());
            match sector {
                Some("coal_mining") => format!("Coal mine {m}"),
                Some(s) => format!("{} {m}", capitalise(&s.replace('_', " "))),
                None => capitalise(&m),
            }
        }
        k => {
            let base = capitalise(k.as_str());
            match grievance {
                Some(g) => format!("{base} over {}", g.replace('_', " ")),
                None => base,
            }
        }
    };
    match place.and_then(|p| p.name_en.clone().or_else(|| p.name.clone())) {
        Some(p) => format!("{what} in {p}"),
        None => what,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn to_report(input: &Input, original: &str, index: usize, c: Candidate) -> Report {
    let kind = c.kind.unwrap_or(IncidentType::Other);
    let sector = facet(&c.text, "sector");
    let mechanism = (kind == IncidentType::Accident)
        .then(|| facet(&c.text, "mechanism"))
        .flatten();
    let grievance = matches!(kind, IncidentType::Strike | IncidentType::Protest)
        .then(|| facet(&c.text, "grievance"))
        .flatten();
    let lang = lang_of(&c.text);
    let title = match (&c.heading, lang) {
        (Some(h), "zh") if lang_of(h) == "zh" => h.clone(),
        _ => title_of(
            kind,
            mechanism.as_deref(),
            sector.as_deref(),
            grievance.as_deref(),
            c.place.as_ref(),
        ),
    };
    let quote: String = c
        .spans
        .iter()
        .map(|r| original[r.clone()].trim())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(600)
        .collect();
    Report {
        key: format!("{}:{index}", &input.sha256[..input.sha256.len().min(16)]),
        doc: input.doc_id.to_string(),
        kind,
        sector,
        mechanism,
        grievance,
        date: c.date,
        date_end: c.date_end.filter(|e| Some(*e) != c.date),
        date_uncertain: c.date_uncertain,
        place: c.place,
        place_uncertain: c.place_uncertain,
        organizations: c.organizations,
        claims: c.claims,
        as_of: input.published.map(PartialDate::from_naive),
        title,
        lang: lang.to_string(),
        quote,
        keys: c.keys,
    }
}

#[cfg(test)]
mod tests;
