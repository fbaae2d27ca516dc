//! Full-text search of incidents: a tantivy index of their titles (both languages),
//! organisations, places, facets and the passages they were read from, segmented by jieba
//! and stemmed for English, with pinyin keys of the Chinese names so that `Kunyuan`,
//! `kunyuan` and `Kun Yuan` find 坤源.
//!
//! The index is derived data: it follows the store's change feed ([`Store::changes_since`])
//! and records the last sequence number it applied in its commit payload, so
//! [`SearchIndex::catch_up`] applies exactly what changed since, and
//! [`SearchIndex::rebuild`] makes it again from the store. One process writes at a time
//! (tantivy's lock file); the others keep searching the last committed state.

mod facets;
pub mod tokenizer;

use chrono::NaiveDate;
use recount_model::{FigureKind, Incident};
use recount_store::{Filter, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::ops::{Bound, Range};
use std::path::{Path, PathBuf};
use tantivy::directory::error::LockError;
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value,
    STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    collector::TopDocs, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument,
    TantivyError, Term,
};
use tokenizer::{PINYIN_TOKENIZER, ZH_TOKENIZER};

/// Bumped whenever the schema or the way a document is indexed changes: an index of
/// another version is made again from the store.
const SCHEMA_VERSION: u32 = 1;

/// Memory for the writer of a catch-up, and for a rebuild (which indexes everything).
const CATCH_UP_HEAP: usize = 50_000_000;
const REBUILD_HEAP: usize = 400_000_000;

/// How many changes or incidents are read from the store at a time.
const BATCH: usize = 2_000;

/// Errors of the index, each naming what failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index {path}: {source}")]
    Index { path: String, source: TantivyError },
    #[error("search index {path}: {message}")]
    Invalid { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search index {0} is being written by another process; try again when it is done")]
    Busy(String),
    #[error("the query has no words to search for")]
    EmptyQuery,
}

/// What the commit payload records.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    /// Marks an index this crate wrote.
    recount_search: u32,
    /// The last change-feed sequence number applied.
    seq: i64,
}

/// The fields of the schema.
#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title_zh: Field,
    title_en: Field,
    orgs: Field,
    places: Field,
    detail: Field,
    facets: Field,
    passages: Field,
    pinyin: Field,
    kind: Field,
    adcode: Field,
    country: Field,
    day_start: Field,
    day_end: Field,
    dead: Field,
}

/// The text fields a query looks in, with the weight of a match in each.
const TEXT_FIELDS: &[(&str, f32)] = &[
    ("title_zh", 2.0),
    ("title_en", 2.0),
    ("orgs", 2.0),
    ("places", 1.5),
    ("detail", 1.5),
    ("facets", 0.5),
    ("passages", 1.0),
];

/// The stored fields a snippet may come from, most telling first.
const SNIPPET_FIELDS: &[&str] = &[
    "passages", "title_zh", "title_en", "orgs", "detail", "places",
];

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ZH_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let pinyin = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(PINYIN_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let number = NumericOptions::default().set_indexed().set_fast();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title_zh: b.add_text_field("title_zh", text(true)),
        title_en: b.add_text_field("title_en", text(true)),
        orgs: b.add_text_field("orgs", text(true)),
        places: b.add_text_field("places", text(true)),
        detail: b.add_text_field("detail", text(true)),
        facets: b.add_text_field("facets", text(false)),
        passages: b.add_text_field("passages", text(true)),
        pinyin: b.add_text_field("pinyin", pinyin),
        kind: b.add_text_field("kind", STRING),
        adcode: b.add_text_field("adcode", STRING),
        country: b.add_text_field("country", STRING),
        day_start: b.add_i64_field("day_start", number.clone()),
        day_end: b.add_i64_field("day_end", number.clone()),
        dead: b.add_i64_field("dead", number),
    };
    (b.build(), fields)
}

/// One part of a hit's text with the words that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// Which field it comes from: passages, title_zh, title_en, orgs, detail, places.
    pub field: &'static str,
    pub text: String,
    /// Byte ranges of `text` that matched the query.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The text with every match between `open` and `close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.highlights.len());
        let mut at = 0;
        for r in &self.highlights {
            out.push_str(&self.text[at..r.start]);
            out.push_str(open);
            out.push_str(&self.text[r.clone()]);
            out.push_str(close);
            at = r.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

/// One incident that matched, best first.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub score: f32,
    /// At most two parts of its text with the matches marked; empty when only a pinyin
    /// key matched and no stored text shows it.
    pub snippets: Vec<Snippet>,
}

/// What a catch-up did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatchUp {
    /// Applied the changes after the previous sequence number up to `seq`.
    Applied {
        changes: usize,
        incidents: usize,
        seq: i64,
    },
    /// Another process holds the writer: nothing was applied; searches see the last
    /// committed state.
    Busy,
}

/// The search index in one directory.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: PathBuf,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index when there is
    /// none. An index of another schema version (an older recount) is removed and made
    /// anew, empty; a directory that holds something else is an error.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, SearchError> {
        let path = dir.display().to_string();
        let index_err = |source| SearchError::Index {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Invalid {
            path: path.clone(),
            message: format!("cannot create the directory: {e}"),
        })?;
        let (schema, fields) = schema();
        let meta = dir.join("meta.json");
        if meta.exists() {
            let index = Index::open_in_dir(dir).map_err(index_err)?;
            let payload = index.load_metas().map_err(index_err)?.payload;
            match payload.as_deref().map(serde_json::from_str::<Payload>) {
                Some(Ok(p)) if p.recount_search == SCHEMA_VERSION => {
                    return Self::ready(index, fields, dir);
                }
                Some(Ok(_)) => {
                    // Derived data of an older layout: make it again.
                    drop(index);
                    clear_index_dir(dir).map_err(|e| SearchError::Invalid {
                        path: path.clone(),
                        message: format!("cannot remove the outdated index: {e}"),
                    })?;
                }
                None if same_schema(&index.schema(), &schema) => {
                    // Created by recount but not committed yet (a first run that is
                    // still going, or was stopped): usable as it is.
                    return Self::ready(index, fields, dir);
                }
                _ => {
                    return Err(SearchError::Invalid {
                        path,
                        message: "this is not a recount search index; give another --index".into(),
                    })
                }
            }
        } else if std::fs::read_dir(dir)
            .map_err(|e| SearchError::Invalid {
                path: path.clone(),
                message: format!("cannot read the directory: {e}"),
            })?
            .flatten()
            .any(|e| !e.file_name().to_string_lossy().starts_with(".tantivy"))
        {
            return Err(SearchError::Invalid {
                path,
                message: "the directory is not empty and holds no index; give another --index"
                    .into(),
            });
        }
        let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let index = Index::open_or_create(directory, schema).map_err(index_err)?;
        Self::ready(index, fields, dir)
    }

    fn ready(index: Index, fields: Fields, dir: &Path) -> Result<SearchIndex, SearchError> {
        let path = dir.display().to_string();
        let index_err = |source| SearchError::Index {
            path: path.clone(),
            source,
        };
        index
            .tokenizers()
            .register(ZH_TOKENIZER, tokenizer::index_analyzer());
        index
            .tokenizers()
            .register(PINYIN_TOKENIZER, tokenizer::pinyin_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(index_err)?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            path: dir.to_path_buf(),
        })
    }

    fn err(&self, source: TantivyError) -> SearchError {
        SearchError::Index {
            path: self.path.display().to_string(),
            source,
        }
    }

    /// The directory of the index.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last change-feed sequence number the committed index reflects (0 when new).
    pub fn applied_seq(&self) -> Result<i64, SearchError> {
        let metas = self.index.load_metas().map_err(|e| self.err(e))?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<Payload>(p).ok())
            .map_or(0, |p| p.seq))
    }

    /// The writer, or `None` when another process holds it.
    fn writer(&self, heap: usize) -> Result<Option<IndexWriter>, SearchError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        match self.index.writer_with_num_threads(threads, heap) {
            Ok(w) => Ok(Some(w)),
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => Ok(None),
            Err(e) => Err(self.err(e)),
        }
    }

    fn commit(&self, writer: &mut IndexWriter, seq: i64) -> Result<(), SearchError> {
        let payload = serde_json::to_string(&Payload {
            recount_search: SCHEMA_VERSION,
            seq,
        })
        .expect("the payload serialises");
        let mut prepared = writer.prepare_commit().map_err(|e| self.err(e))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| self.err(e))?;
        self.reader.reload().map_err(|e| self.err(e))
    }

    /// Applies the store's changes since the index's last sequence number: every changed
    /// incident is indexed again as it is now, or removed when it is gone. When another
    /// process holds the writer nothing is applied ([`CatchUp::Busy`]).
    pub fn catch_up(&self, store: &dyn Store) -> Result<CatchUp, SearchError> {
        let start = self.applied_seq()?;
        if store.latest_change()? <= start {
            return Ok(CatchUp::Applied {
                changes: 0,
                incidents: 0,
                seq: start,
            });
        }
        let Some(mut writer) = self.writer(CATCH_UP_HEAP)? else {
            return Ok(CatchUp::Busy);
        };
        // Another writer may have committed between reading the sequence and taking
        // the lock: start from what is committed now.
        let from = self.applied_seq()?;
        let (seq, changes, incidents) = self.apply(&mut writer, store, from)?;
        self.commit(&mut writer, seq)?;
        Ok(CatchUp::Applied {
            changes,
            incidents,
            seq,
        })
    }

    /// Makes the index again from the store: every incident the change feed ever named,
    /// as it is now. Returns how many incidents the index then holds. An error when
    /// another process holds the writer.
    pub fn rebuild(&self, store: &dyn Store) -> Result<u64, SearchError> {
        let Some(mut writer) = self.writer(REBUILD_HEAP)? else {
            return Err(SearchError::Busy(self.path.display().to_string()));
        };
        writer.delete_all_documents().map_err(|e| self.err(e))?;
        let (seq, _, _) = self.apply(&mut writer, store, 0)?;
        self.commit(&mut writer, seq)?;
        self.len()
    }

    /// Indexes every incident the change feed names after `from` as it is now (removing
    /// the ones that are gone); returns the last sequence number, and how many changes
    /// and incidents were read.
    fn apply(
        &self,
        writer: &mut IndexWriter,
        store: &dyn Store,
        from: i64,
    ) -> Result<(i64, usize, usize), SearchError> {
        let (mut seq, mut changes, mut incidents) = (from, 0, 0);
        loop {
            let batch = store.changes_since(seq, BATCH)?;
            let Some(last) = batch.last() else { break };
            seq = last.seq;
            changes += batch.len();
            let ids: Vec<String> = batch
                .iter()
                .map(|c| c.incident.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            // A delete removes the copies added before it, so an incident named in
            // several batches is indexed once, as it is now.
            for id in &ids {
                writer.delete_term(Term::from_field_text(self.fields.id, id));
            }
            for inc in store.incidents_by_id(&ids)? {
                writer
                    .add_document(self.document(&inc))
                    .map_err(|e| self.err(e))?;
            }
            incidents += ids.len();
        }
        Ok((seq, changes, incidents))
    }

    /// The index document of an incident.
    fn document(&self, inc: &Incident) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &inc.id);
        if let Some(t) = &inc.title_zh {
            doc.add_text(f.title_zh, t);
        }
        doc.add_text(f.title_en, &inc.title);
        let mut chinese_names: Vec<&str> = inc.title_zh.as_deref().into_iter().collect();
        // Names in Latin letters, keyed like pinyin ("Kunyuan Coal Mine" for `Kun Yuan`).
        let mut latin_names: Vec<&str> = Vec::new();
        for org in &inc.organizations {
            doc.add_text(f.orgs, &org.name);
            chinese_names.push(&org.name);
            latin_names.push(&org.name);
            if let Some(en) = org.name_en.as_deref().filter(|en| *en != org.name) {
                doc.add_text(f.orgs, en);
                latin_names.push(en);
            }
        }
        if let Some(place) = &inc.location {
            for name in [&place.name, &place.name_en].into_iter().flatten() {
                doc.add_text(f.places, name);
            }
            if let Some(name) = &place.name {
                chinese_names.push(name);
            }
            if let Some(detail) = &place.detail {
                doc.add_text(f.detail, detail);
                chinese_names.push(detail);
                latin_names.push(detail);
            }
            if let Some(name_en) = &place.name_en {
                latin_names.push(name_en);
            }
            if let Some(code) = &place.adcode {
                // Province, prefecture and county prefixes, as the listing's place filter
                // narrows them.
                for len in [2, 4, 6] {
                    if code.len() >= len {
                        doc.add_text(f.adcode, &code[..len]);
                    }
                }
            }
            doc.add_text(f.country, place.country.to_ascii_uppercase());
        }
        for (field, value) in [
            ("sector", &inc.sector),
            ("mechanism", &inc.mechanism),
            ("grievance", &inc.grievance),
        ] {
            if let Some(v) = value {
                doc.add_text(f.facets, facets::facet_text(field, v));
            }
        }
        // The passages the incident was read from: each source's quote, and the quotes
        // of claims that are not already one of them.
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let quotes = inc.sources.iter().filter_map(|s| s.quote.as_deref()).chain(
            inc.figures
                .values()
                .flat_map(|fig| fig.claims.iter().filter_map(|c| c.quote.as_deref())),
        );
        for q in quotes {
            if seen.insert(q) {
                doc.add_text(f.passages, q);
            }
        }
        let keys: BTreeSet<String> = chinese_names
            .iter()
            .flat_map(|n| tokenizer::pinyin_keys(n))
            .chain(latin_names.iter().flat_map(|n| tokenizer::latin_keys(n)))
            .collect();
        if !keys.is_empty() {
            doc.add_text(f.pinyin, keys.into_iter().collect::<Vec<_>>().join(" "));
        }
        doc.add_text(f.kind, inc.kind.as_str());
        if let Some(d) = inc.date {
            doc.add_i64(f.day_start, days(d.first_day()));
        }
        if let Some(d) = inc.date_end.or(inc.date) {
            doc.add_i64(f.day_end, days(d.last_day()));
        }
        if let Some(dead) = inc.best(FigureKind::Dead) {
            doc.add_i64(f.dead, dead);
        }
        doc
    }

    fn field(&self, name: &str) -> Field {
        self.index
            .schema()
            .get_field(name)
            .expect("the schema has every field named here")
    }

    /// The query of the words: every word (a run of adjacent Chinese words is one phrase)
    /// must occur in some text field; or, for Latin letters, the whole query is a pinyin
    /// key of a Chinese name; in Chinese characters, their pinyin may be a name known
    /// only in Latin letters.
    fn text_query(&self, query: &str) -> Option<Box<dyn Query>> {
        let mut analyzer = tokenizer::query_analyzer();
        let tokens = tokenizer::tokens(&mut analyzer, query);
        // Group adjacent non-Latin tokens into phrases.
        let mut groups: Vec<Vec<tantivy::tokenizer::Token>> = Vec::new();
        for t in tokens {
            let latin = query[t.offset_from..t.offset_to].is_ascii();
            match groups.last_mut() {
                Some(g)
                    if !latin
                        && g.last().is_some_and(|p| {
                            p.offset_to == t.offset_from
                                && !query[p.offset_from..p.offset_to].is_ascii()
                        }) =>
                {
                    g.push(t)
                }
                _ => groups.push(vec![t]),
            }
        }
        let mut words: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &groups {
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (name, boost) in TEXT_FIELDS {
                let field = self.field(name);
                let q: Box<dyn Query> = if group.len() == 1 {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &group[0].text),
                        IndexRecordOption::WithFreqsAndPositions,
                    ))
                } else {
                    let first = group[0].position;
                    Box::new(PhraseQuery::new_with_offset(
                        group
                            .iter()
                            .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
                            .collect(),
                    ))
                };
                any.push((Occur::Should, Box::new(BoostQuery::new(q, *boost))));
            }
            let word = &query[group[0].offset_from..group[group.len() - 1].offset_to];
            if let Some(key) = tokenizer::pinyin_query(word) {
                any.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.pinyin, &key),
                        IndexRecordOption::WithFreqs,
                    )),
                ));
            }
            words.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        let mut either: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !words.is_empty() {
            either.push((Occur::Should, Box::new(BooleanQuery::new(words))));
        }
        if let Some(key) = tokenizer::pinyin_query(query).or_else(|| tokenizer::pinyin_of(query)) {
            let q = TermQuery::new(
                Term::from_field_text(self.fields.pinyin, &key),
                IndexRecordOption::WithFreqs,
            );
            either.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), 2.0))));
        }
        (!either.is_empty()).then(|| Box::new(BooleanQuery::new(either)) as Box<dyn Query>)
    }

    /// The listing filter as index conditions that do not count towards the score.
    fn filter_queries(&self, filter: &Filter) -> Vec<Box<dyn Query>> {
        let f = &self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let term = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(k) = filter.kind {
            out.push(term(f.kind, k.as_str()));
        }
        if let Some(from) = filter.from {
            out.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.day_end, days(from))),
                Bound::Unbounded,
            )));
        }
        if let Some(to) = filter.to {
            out.push(Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.day_start, days(to))),
            )));
        }
        if let Some(n) = filter.min_dead {
            out.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.dead, n)),
                Bound::Unbounded,
            )));
        }
        let mut places: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for code in &filter.adcodes {
            // The same prefix the store's listing uses: 520000 → 52, 520300 → 5203.
            let prefix = code.trim_end_matches("00").trim_end_matches("00");
            places.push((Occur::Should, term(f.adcode, prefix)));
        }
        for c in &filter.countries {
            places.push((Occur::Should, term(f.country, &c.to_ascii_uppercase())));
        }
        if !places.is_empty() {
            out.push(Box::new(BooleanQuery::new(places)));
        }
        out.into_iter()
            .map(|q| Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>)
            .collect()
    }

    /// The incidents matching `query` and the filter (its type, dates, places and
    /// minimum toll; `text`, `after` and `limit` are not used), best first, at most
    /// `limit`, each with its snippets. Searches the last committed state.
    pub fn search(
        &self,
        query: &str,
        filter: &Filter,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let text = self.text_query(query).ok_or(SearchError::EmptyQuery)?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        for q in self.filter_queries(filter) {
            clauses.push((Occur::Must, q));
        }
        let query = BooleanQuery::new(clauses);
        // Another process may have committed since the last look.
        self.reader.reload().map_err(|e| self.err(e))?;
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())
            .map_err(|e| self.err(e))?;
        let mut generators = Vec::new();
        for name in SNIPPET_FIELDS {
            let mut g = SnippetGenerator::create(&searcher, &query, self.field(name))
                .map_err(|e| self.err(e))?;
            g.set_max_num_chars(160);
            generators.push((*name, g));
        }
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(|e| self.err(e))?;
            let id = doc
                .get_first(self.fields.id)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            let mut snippets = Vec::new();
            for (name, g) in &generators {
                let s = g.snippet_from_doc(&doc);
                if s.highlighted().is_empty() {
                    continue;
                }
                snippets.push(Snippet {
                    field: name,
                    text: s.fragment().to_string(),
                    highlights: s.highlighted().to_vec(),
                });
                if snippets.len() == 2 {
                    break;
                }
            }
            hits.push(Hit {
                id,
                score,
                snippets,
            });
        }
        Ok(hits)
    }

    /// How many incidents the committed index holds.
    pub fn len(&self) -> Result<u64, SearchError> {
        self.reader.reload().map_err(|e| self.err(e))?;
        Ok(self.reader.searcher().num_docs())
    }

    /// True when the committed index holds no incident.
    pub fn is_empty(&self) -> Result<bool, SearchError> {
        Ok(self.len()? == 0)
    }
}

/// Days since 1970-01-01, the index's form of a date.
fn days(d: NaiveDate) -> i64 {
    d.signed_duration_since(NaiveDate::default()).num_days()
}

/// True when two schemas have the same fields with the same options.
fn same_schema(a: &Schema, b: &Schema) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

/// Removes the files of an index (not the directory, nor anything that is no file).
fn clear_index_dir(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
