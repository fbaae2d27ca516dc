//! Review: a person's corrections to what resolution decided, kept across re-extraction.
//!
//! - An **edit** sets one field of an incident; it is replayed on every rebuild, so a
//!   new report or a re-extraction never undoes it, and the incident is flagged `reviewed`.
//! - A **merge** pins the reports of several incidents into one group; a **split** pins
//!   one report alone and the rest together. Pins live on report keys, which re-extraction
//!   keeps, so the groups survive an upgrade of the extractor.
//! - Every action is a row of the incident's history: who, when, what, and why.
//! - **Related** incidents (an accident and the protest or dismissal that followed it)
//!   are linked, not merged.

use crate::db::{args, Db, Row, Value};
use crate::store::{json_err, load_reports, rebuild};
use crate::StoreError;
use recount_model::{FigureKind, Flag, Incident, IncidentType, PartialDate, Place, Related};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One entry of an incident's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: String,
    pub who: String,
    /// edit, merge, split
    pub action: String,
    pub detail: serde_json::Value,
    pub reason: Option<String>,
}

/// Fields an edit may set, and what their value must be.
pub const EDITABLE: &[&str] = &[
    "type (accident, strike, …)",
    "date / date_end (YYYY, YYYY-MM, YYYY-MM-DD or null)",
    "sector / mechanism / grievance / title / title_zh (text or null)",
    "location (a place as JSON)",
    "dead / injured / missing / trapped / arrested / participants / amount_cny (the best value, or null)",
];

/// Applies one edit to an incident, or says why it cannot apply: a value no record can
/// have (a facet outside the vocabulary, a negative count, an end before the start, a
/// malformed place) is refused, and an empty value is no way to clear a field (`null`
/// is). A count set as best widens the claimed range to hold it, so `low ≤ best ≤ high`.
pub fn apply_edit(
    target: &mut Incident,
    field: &str,
    value: &serde_json::Value,
) -> Result<(), String> {
    // Worked on a copy, so an edit refused leaves the incident as it was.
    let mut draft = target.clone();
    let inc = &mut draft;
    let text = || -> Result<Option<String>, String> {
        match value {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) if s.trim() == "null" => Ok(None),
            serde_json::Value::String(s) if s.trim().is_empty() => Err(format!(
                "{field}: the value is empty; give one, or null to clear the field"
            )),
            serde_json::Value::String(s) => Ok(Some(s.trim().to_string())),
            other => Ok(Some(other.to_string())),
        }
    };
    let date = || -> Result<Option<PartialDate>, String> {
        text()?
            .map(|s| {
                s.parse::<PartialDate>()
                    .map_err(|e| format!("{field}: {e}"))
            })
            .transpose()
    };
    let facet = || -> Result<Option<String>, String> {
        let v = text()?;
        let allowed = recount_model::facets::values_of(field).unwrap_or(&[]);
        match v {
            Some(v) if !allowed.contains(&v.as_str()) => Err(format!(
                "{field}: '{v}' is not a {field}; one of: {}",
                allowed.join(", ")
            )),
            v => Ok(v),
        }
    };
    match field {
        "type" => {
            inc.kind = text()?
                .ok_or("type cannot be empty")?
                .parse::<IncidentType>()?;
        }
        "date" => inc.date = date()?,
        "date_end" => inc.date_end = date()?,
        "sector" => inc.sector = facet()?,
        "mechanism" => inc.mechanism = facet()?,
        "grievance" => inc.grievance = facet()?,
        "title" => inc.title = text()?.unwrap_or_default(),
        "title_zh" => inc.title_zh = text()?,
        "location" => {
            inc.location = match value {
                serde_json::Value::Null => None,
                v => {
                    let place = serde_json::from_value::<Place>(v.clone())
                        .map_err(|e| format!("location: {e}"))?;
                    check_place(&place)?;
                    Some(place)
                }
            }
        }
        other => {
            let kind: FigureKind = other.parse().map_err(|_| {
                format!(
                    "'{other}' cannot be edited; editable fields: {}",
                    EDITABLE.join("; ")
                )
            })?;
            let best = match text()? {
                None => None,
                Some(s) => Some(
                    s.parse::<i64>()
                        .map_err(|_| format!("{other}: '{s}' is not a whole number"))?,
                ),
            };
            if let Some(b) = best.filter(|b| *b < 0) {
                return Err(format!("{other}: {b} is below zero; a count is 0 or more"));
            }
            match inc.figures.get_mut(&kind) {
                Some(f) => {
                    f.best = best;
                    if let Some(b) = best {
                        f.low = Some(f.low.map_or(b, |l| l.min(b)));
                        f.high = Some(f.high.map_or(b, |h| h.max(b)));
                    }
                    // A reviewer's count stands.
                    f.superseded = None;
                }
                None => {
                    inc.figures.insert(
                        kind,
                        recount_model::Figure {
                            best,
                            low: best,
                            high: best,
                            superseded: None,
                            claims: Vec::new(),
                        },
                    );
                }
            }
        }
    }
    if let (Some(start), Some(end)) = (inc.date, inc.date_end) {
        if end.last_day() < start.first_day() {
            return Err(format!(
                "{field}: the end {end} would come before the start {start}"
            ));
        }
    }
    *target = draft;
    Ok(())
}

/// A place an edit may set: a country code, and an adcode of six digits if any.
fn check_place(p: &Place) -> Result<(), String> {
    if p.country.len() != 2 || !p.country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(format!(
            "location: country '{}' is not a two-letter code",
            p.country
        ));
    }
    if let Some(code) = &p.adcode {
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("location: adcode '{code}' is not six digits"));
        }
    }
    Ok(())
}

/// A reviewer's reason, which every review action must give.
pub(crate) fn need_reason(reason: &str) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::BadEdit(
            "a reason is required: say why, for the incident's history".into(),
        ));
    }
    Ok(())
}

/// What the review tables hold about one incident id: its edits in order, whether it
/// has a history, the incidents it links to (with its relation to each), and whether a
/// former id is an alias of it.
#[derive(Debug, Default)]
pub(crate) struct ReviewState {
    edits: Vec<(String, String)>,
    reviewed: bool,
    pub links: BTreeMap<String, String>,
    aliased: bool,
}

/// How many queries [`ReviewState::queries`] makes.
pub(crate) const REVIEW_QUERIES: usize = 3;

impl ReviewState {
    /// The queries that read it, independent of each other (so they may be pipelined),
    /// in the order [`ReviewState::from_rows`] takes their results.
    pub(crate) fn queries(id: &str) -> [(&'static str, Vec<Value>); REVIEW_QUERIES] {
        [
            // The history (its details, without a field), then the edits in order.
            (
                "SELECT 0 AS part, rowid AS n, NULL AS field, detail AS value
                 FROM incident_history WHERE incident = ?1
                 UNION ALL
                 SELECT 1, rowid, field, value FROM incident_edits WHERE incident = ?1
                 ORDER BY 1, 2",
                vec![Value::from(id)],
            ),
            (
                "SELECT b, relation FROM incident_links WHERE a = ?1",
                vec![Value::from(id)],
            ),
            (
                "SELECT 1 FROM incident_aliases WHERE incident = ?1 LIMIT 1",
                vec![Value::from(id)],
            ),
        ]
    }

    pub(crate) fn from_rows(results: &[Vec<Row>]) -> Result<Self, StoreError> {
        let [edits, links, aliases] = results else {
            return Err(StoreError::Column(format!(
                "expected {REVIEW_QUERIES} results, found {}",
                results.len()
            )));
        };
        let mut state = ReviewState {
            aliased: !aliases.is_empty(),
            ..ReviewState::default()
        };
        // An edit applies only when a history row (a leaf of the log) recorded it: an
        // edit row written behind the log's back changes nothing, and `verify` names it.
        let mut recorded = BTreeSet::new();
        for r in edits {
            match r.opt_text(2)? {
                Some(field) if recorded.contains(&r.int(1)?) => {
                    state.edits.push((field, r.text(3)?))
                }
                Some(_) => {}
                None => {
                    state.reviewed = true;
                    if let Some(row) = edit_row_of(&r.text(3)?) {
                        recorded.insert(row);
                    }
                }
            }
        }
        for r in links {
            state.links.insert(r.text(0)?, r.text(1)?);
        }
        Ok(state)
    }

    pub(crate) fn read(tx: &dyn Db, id: &str) -> Result<Self, StoreError> {
        let queries = Self::queries(id);
        let asked: Vec<(&str, &[Value])> = queries
            .iter()
            .map(|(sql, args)| (*sql, args.as_slice()))
            .collect();
        Self::from_rows(&tx.query_all(&asked)?)
    }

    /// The state a fresh id takes over from `old` by [`rename`]: the same edits, history
    /// and aliases, and no links (renaming unlinks the old id).
    pub(crate) fn renamed(self) -> Self {
        ReviewState {
            links: BTreeMap::new(),
            aliased: true,
            ..self
        }
    }

    /// Replays the edits on a freshly built record and flags it reviewed if it was.
    pub(crate) fn apply(&self, inc: &mut Incident) -> Result<(), StoreError> {
        for (field, value) in &self.edits {
            let v: serde_json::Value = serde_json::from_str(value).map_err(json_err("edit"))?;
            // An edit that no longer applies (a field renamed by an upgrade) is skipped,
            // not fatal: the history still shows it.
            let _ = apply_edit(inc, field, &v);
        }
        if (self.reviewed || !self.edits.is_empty()) && !inc.flags.contains(&Flag::Reviewed) {
            inc.flags.push(Flag::Reviewed);
            inc.flags.sort();
        }
        Ok(())
    }
}

/// The `incident_edits` row an edit's history detail names, if it names one.
pub(crate) fn edit_row_of(detail: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(detail)
        .ok()?
        .get("edit_row")?
        .as_i64()
}

/// Records an action in an incident's history.
pub(crate) fn record(
    tx: &dyn Db,
    incident: &str,
    who: &str,
    action: &str,
    detail: serde_json::Value,
    reason: &str,
) -> Result<(), StoreError> {
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let row = tx
        .query_one(
            "INSERT INTO incident_history(incident, at, who, action, detail, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING rowid",
            args![incident, at, who, action, detail.to_string(), reason],
        )?
        .int(0)?;
    // Every review action is a leaf of the tamper-evident log, in this transaction.
    crate::log::append_history(tx, row)?;
    Ok(())
}

/// The history of an incident, oldest first.
pub(crate) fn history(conn: &dyn Db, incident: &str) -> Result<Vec<HistoryEntry>, StoreError> {
    let rows = conn.query(
        "SELECT at, who, action, detail, reason FROM incident_history WHERE incident = ?1 ORDER BY rowid",
        args![incident],
    )?;
    let mut out = Vec::new();
    for r in rows {
        let (at, who, action, detail, reason) = (
            r.text(0)?,
            r.text(1)?,
            r.text(2)?,
            r.text(3)?,
            r.opt_text(4)?,
        );
        out.push(HistoryEntry {
            at,
            who,
            action,
            detail: serde_json::from_str(&detail).map_err(json_err("history"))?,
            reason,
        });
    }
    Ok(out)
}

/// Moves the review rows of an incident whose id changed.
pub(crate) fn rename(
    tx: &dyn Db,
    old: &str,
    new: &str,
    state: &ReviewState,
) -> Result<(), StoreError> {
    // Most incidents renamed were never reviewed nor named before: the state read says
    // which of the rows that follow an id exist, and only those are moved.
    for (table, held) in [
        ("incident_edits", !state.edits.is_empty()),
        ("incident_history", state.reviewed),
    ] {
        if held {
            tx.write(
                &format!("UPDATE {table} SET incident = ?1 WHERE incident = ?2"),
                args![new, old],
            )?;
        }
    }
    tx.write(
        "INSERT INTO incident_aliases(alias, incident) VALUES (?1, ?2)
         ON CONFLICT (alias) DO UPDATE SET incident = excluded.incident",
        args![old, new],
    )?;
    if state.aliased {
        tx.write(
            "UPDATE incident_aliases SET incident = ?1 WHERE incident = ?2",
            args![new, old],
        )?;
        // An incident renamed back to a former id must not stay its own alias. Only
        // rows that pointed at `old` and now point at `new` can be such a loop, so
        // only that row is looked at.
        tx.write(
            "DELETE FROM incident_aliases WHERE alias = ?1 AND incident = ?1",
            args![new],
        )?;
    }
    // Links are written in pairs, so an incident that links to none is linked from none.
    match state.links.is_empty() {
        true => Ok(()),
        false => unlink(tx, old),
    }
}

/// The current id an id or former id names: an incident's own id always names it.
pub(crate) fn canonical(conn: &dyn Db, id: &str) -> Result<String, StoreError> {
    match conn.query_opt(
        "SELECT incident FROM incident_aliases WHERE alias = ?1
           AND NOT EXISTS (SELECT 1 FROM incidents WHERE id = ?1)",
        args![id],
    )? {
        Some(r) => r.text(0),
        None => Ok(id.to_string()),
    }
}

/// Removes an incident's links, both ways; the incidents at their other ends change.
pub(crate) fn unlink(tx: &dyn Db, id: &str) -> Result<(), StoreError> {
    tx.write(
        "INSERT INTO incident_changes(incident) SELECT b FROM incident_links WHERE a = ?1",
        args![id],
    )?;
    tx.write(
        "DELETE FROM incident_links WHERE a = ?1 OR b = ?1",
        args![id],
    )
}

/// Ids recorded per statement by [`touch`]: a fixed width, so one prepared statement
/// serves every chunk (padded with NULL, which is left out).
const TOUCH_CHUNK: usize = 8;

/// Records a change of the incidents `ids` whose rows were not written: their `related`
/// lists changed, which are read from the links. One statement for up to
/// [`TOUCH_CHUNK`] of them.
fn touch(tx: &dyn Db, ids: &[&String]) -> Result<(), StoreError> {
    let (values, chunks) =
        crate::db::fixed_width(ids.iter().map(|id| Value::from(*id)), TOUCH_CHUNK, |n| {
            format!("(?{n})")
        });
    // Both dialects name the column of a VALUES list `column1`.
    let sql = format!(
        "INSERT INTO incident_changes(incident)
         SELECT column1 FROM (VALUES {values}) AS v WHERE column1 IS NOT NULL"
    );
    for args in &chunks {
        tx.write(&sql, args)?;
    }
    Ok(())
}

/// Days within which an accident and a protest, strike or enforcement action in the
/// same place are taken to be connected.
const RELATED_DAYS: u64 = 90;

/// Links an incident with the incidents it is connected to: an accident and the
/// protest, strike, dismissal or prosecution that followed it in the same place.
/// Returns the incident's own `related` list. The links are kept in `incident_links`
/// only, both ways, and an incident's `related` is read from there (`store::with_related`):
/// the other end's row is not rewritten (which in a busy place cost a read and a write
/// of another incident for nearly every new one), only its change recorded for the
/// change feed.
/// `had` is what the incident linked to before (see [`ReviewState`]); `read` the rows of
/// a [`Reach::query`] covering the incident's reach when the caller has them already.
pub(crate) fn relate(
    tx: &dyn Db,
    inc: &Incident,
    had: &BTreeMap<String, String>,
    read: Option<&[Row]>,
) -> Result<Vec<Related>, StoreError> {
    let wanted = match (read, connections_query(inc)) {
        (Some(rows), _) => connections_from(inc, rows)?,
        (None, Some((sql, args))) => connections_from(inc, &tx.query(sql, &args)?)?,
        (None, None) => BTreeMap::new(),
    };
    // Only the links that changed are written: an incident rebuilt for a new report
    // mostly keeps its neighbours.
    let me = inc.id.clone();
    let mut changed: Vec<&String> = Vec::new();
    for (other, relation) in had {
        if wanted.get(other).is_some_and(|(mine, _)| mine == relation) {
            continue;
        }
        if !wanted.contains_key(other) {
            tx.write(
                "DELETE FROM incident_links WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1)",
                args![&me, other],
            )?;
            changed.push(other);
        }
    }
    for (other, (mine, theirs)) in &wanted {
        if had.get(other).is_some_and(|r| r == mine) {
            continue;
        }
        tx.write(
            "INSERT INTO incident_links(a, b, relation) VALUES (?1, ?2, ?3), (?2, ?1, ?4)
             ON CONFLICT (a, b) DO UPDATE SET relation = excluded.relation",
            args![&me, other, *mine, *theirs],
        )?;
        changed.push(other);
    }
    touch(tx, &changed)?;
    // In id order, as the incidents are listed.
    Ok(wanted
        .into_iter()
        .map(|(id, (mine, _))| Related {
            id,
            relation: mine.to_string(),
        })
        .collect())
}

/// Whether an incident of kind `k` answers an accident that came before it.
fn follows(k: IncidentType) -> bool {
    FOLLOWERS.contains(&k)
}

/// The kinds that answer an accident.
const FOLLOWERS: [IncidentType; 4] = [
    IncidentType::Protest,
    IncidentType::Strike,
    IncidentType::Enforcement,
    IncidentType::Corruption,
];

/// What an incident may be connected to: an accident to what answered it, anything
/// else to the accident it answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wants {
    Followers,
    Accidents,
}

/// Where an incident's connections are looked for: its prefecture, the kinds it may be
/// connected to, and the days they may fall on. An accident looks for what answered it
/// from its first day to [`RELATED_DAYS`] after its last; anything else for an accident
/// from as many days before its first day to its last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reach {
    prefecture: String,
    wants: Wants,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
}

impl Reach {
    /// An incident's reach, or `None` when it can be connected to nothing (undated,
    /// unplaced, or of a kind that neither causes nor answers).
    pub(crate) fn of(inc: &Incident) -> Option<Reach> {
        let (date, code) = (inc.date?, inc.location.as_ref()?.adcode.as_deref()?);
        Reach::around(inc.kind, code, date.first_day(), date.last_day())
    }

    /// The reach of an incident of kind `kind` in the place `adcode` from day `first` to
    /// day `last`; `None` for a kind that neither causes nor answers.
    pub(crate) fn around(
        kind: IncidentType,
        adcode: &str,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
    ) -> Option<Reach> {
        let pad = chrono::Days::new(RELATED_DAYS);
        let (wants, first, last) = match kind {
            IncidentType::Accident => (Wants::Followers, first, last + pad),
            k if follows(k) => (Wants::Accidents, first - pad, last),
            _ => return None,
        };
        Some(Reach {
            prefecture: adcode.chars().take(4).collect(),
            wants,
            first,
            last,
        })
    }

    /// Whether the rows of this reach's query hold every row of `other`'s.
    pub(crate) fn covers(&self, other: &Reach) -> bool {
        self.prefecture == other.prefecture
            && self.wants == other.wants
            && self.first <= other.first
            && self.last >= other.last
    }

    /// The query for the incidents within it other than `id`, in id order. The kinds
    /// wanted are always four values, so that the statement is one and the same.
    pub(crate) fn query(&self, id: &str) -> (&'static str, Vec<Value>) {
        let kinds = match self.wants {
            Wants::Followers => FOLLOWERS,
            Wants::Accidents => [IncidentType::Accident; 4],
        };
        let mut args = vec![
            Value::from(id),
            Value::from(self.prefecture.as_str()),
            Value::from(self.first.to_string()),
            Value::from(self.last.to_string()),
        ];
        args.extend(kinds.iter().map(|k| Value::from(k.as_str())));
        (
            "SELECT id, kind, day_start, adcode FROM incidents
             WHERE prefecture = ?2 AND day_start >= ?3 AND day_start <= ?4
               AND kind IN (?5, ?6, ?7, ?8) AND id != ?1
             ORDER BY id",
            args,
        )
    }
}

/// The query for the incidents `inc` may be connected to (its [`Reach`]), or `None`
/// when it can have none.
pub(crate) fn connections_query(inc: &Incident) -> Option<(&'static str, Vec<Value>)> {
    Reach::of(inc).map(|reach| reach.query(&inc.id))
}

/// The incidents `inc` is connected to, by id, with its relation to each and theirs to
/// it, from the rows of a [`Reach::query`] whose reach covers `inc`'s; rows beyond
/// `inc`'s own reach are passed over.
fn connections_from(
    inc: &Incident,
    rows: &[Row],
) -> Result<BTreeMap<String, (&'static str, &'static str)>, StoreError> {
    let mut out = BTreeMap::new();
    let (Some(reach), Some(date), Some(code)) = (
        Reach::of(inc),
        inc.date,
        inc.location.as_ref().and_then(|l| l.adcode.as_deref()),
    ) else {
        return Ok(out);
    };
    let is_accident = inc.kind == IncidentType::Accident;
    let own_day = date.first_day().to_string();
    let (first, last) = (reach.first.to_string(), reach.last.to_string());
    for row in rows {
        let (other, kind, day, other_code) =
            (row.text(0)?, row.text(1)?, row.text(2)?, row.text(3)?);
        if other == inc.id || day < first || day > last {
            continue;
        }
        let Ok(kind) = kind.parse::<IncidentType>() else {
            continue;
        };
        let nested = recount_resolve::adcode_contains(code, &other_code)
            || recount_resolve::adcode_contains(&other_code, code);
        if !nested {
            continue;
        }
        // The accident comes first; what follows it answers it.
        let pair = if is_accident && follows(kind) && day >= own_day {
            ("led_to", "response_to")
        } else if follows(inc.kind) && kind == IncidentType::Accident && day <= own_day {
            ("response_to", "led_to")
        } else {
            continue;
        };
        out.insert(other, pair);
    }
    Ok(out)
}

/// Stores an edit after checking it applies, records it, and rebuilds the incident.
pub(crate) fn edit(
    tx: &dyn Db,
    id: &str,
    field: &str,
    value: &serde_json::Value,
    reason: &str,
    who: &str,
    now: &str,
) -> Result<String, StoreError> {
    need_reason(reason)?;
    let body = tx
        .query_opt("SELECT body FROM incidents WHERE id = ?1", args![id])?
        .ok_or_else(|| StoreError::NoIncident(id.to_string()))?
        .text(0)?;
    let mut inc: Incident = serde_json::from_str(&body).map_err(json_err("incident"))?;
    let before = field_value(&inc, field);
    apply_edit(&mut inc, field, value).map_err(StoreError::BadEdit)?;
    let edit_row = tx
        .query_one(
            "INSERT INTO incident_edits(incident, field, value) VALUES (?1, ?2, ?3) RETURNING rowid",
            args![id, field, value.to_string()],
        )?
        .int(0)?;
    record(
        tx,
        id,
        who,
        "edit",
        serde_json::json!({"field": field, "from": before, "to": value, "edit_row": edit_row}),
        reason,
    )?;
    rebuild(tx, id, now)
}

fn field_value(inc: &Incident, field: &str) -> serde_json::Value {
    let v = serde_json::to_value(inc).unwrap_or_default();
    match field.parse::<FigureKind>() {
        Ok(kind) => serde_json::json!(inc.figures.get(&kind).and_then(|f| f.best)),
        Err(_) => v.get(field).cloned().unwrap_or(serde_json::Value::Null),
    }
}

/// Report keys of an incident, smallest first.
fn keys_of(tx: &dyn Db, id: &str) -> Result<Vec<String>, StoreError> {
    let mut keys: Vec<String> = load_reports(tx, id)?.into_iter().map(|r| r.key).collect();
    keys.sort();
    Ok(keys)
}

/// Pins the reports of several incidents into one and rebuilds it.
pub(crate) fn merge(
    tx: &dyn Db,
    ids: &[String],
    reason: &str,
    who: &str,
    now: &str,
) -> Result<String, StoreError> {
    need_reason(reason)?;
    let mut all = Vec::new();
    for id in ids {
        if !tx.exists("SELECT 1 FROM incidents WHERE id = ?1", args![id])? {
            return Err(StoreError::NoIncident(id.clone()));
        }
        all.extend(keys_of(tx, id)?);
    }
    all.sort();
    let pin = format!("group:{}", all.first().cloned().unwrap_or_default());
    let target = &ids[0];
    for id in ids {
        tx.execute(
            "UPDATE reports SET pin = ?1, incident = ?2 WHERE incident = ?3",
            args![&pin, target, id],
        )?;
        if id != target {
            tx.execute("DELETE FROM incidents WHERE id = ?1", args![id])?;
            rename(tx, id, target, &ReviewState::read(tx, id)?)?;
        }
    }
    record(
        tx,
        target,
        who,
        "merge",
        serde_json::json!({"merged": ids}),
        reason,
    )?;
    rebuild(tx, target, now)
}

/// Pins one report alone (its own incident) and the rest of its incident together.
pub(crate) fn split(
    tx: &dyn Db,
    id: &str,
    report: &str,
    reason: &str,
    who: &str,
    now: &str,
) -> Result<(String, String), StoreError> {
    need_reason(reason)?;
    let keys = keys_of(tx, id)?;
    if keys.is_empty() {
        return Err(StoreError::NoIncident(id.to_string()));
    }
    if !keys.iter().any(|k| k == report) {
        return Err(StoreError::BadEdit(format!(
            "report {report} is not part of incident {id}; its reports are: {}",
            keys.join(", ")
        )));
    }
    if keys.len() == 1 {
        return Err(StoreError::BadEdit(format!(
            "incident {id} has only one report; there is nothing to split"
        )));
    }
    let rest: Vec<&String> = keys.iter().filter(|k| *k != report).collect();
    let group = format!("group:{}", rest[0]);
    let new_id = recount_resolve::incident_id([report]);
    // The id handed out names the incident split off from now on: were it a former id
    // of another incident (merged into this one, say), it is that no longer.
    tx.execute(
        "DELETE FROM incident_aliases WHERE alias = ?1",
        args![&new_id],
    )?;
    tx.execute(
        "UPDATE reports SET pin = ?1 WHERE incident = ?2 AND key != ?3",
        args![group, id, report],
    )?;
    tx.execute(
        "UPDATE reports SET pin = ?1, incident = ?2 WHERE key = ?3",
        args![format!("alone:{report}"), &new_id, report],
    )?;
    let detail = serde_json::json!({"report": report, "from": id, "to": new_id});
    record(tx, id, who, "split", detail.clone(), reason)?;
    let kept = rebuild(tx, id, now)?;
    record(tx, &new_id, who, "split", detail, reason)?;
    let split_off = rebuild(tx, &new_id, now)?;
    Ok((kept, split_off))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn incident() -> Incident {
        serde_json::from_value(json!({
            "id": "inc-1", "type": "accident", "date": "2024-03-08",
            "figures": {"dead": {"best": 9, "low": 9, "high": 12, "claims": []}},
            "flags": [], "sources": [], "related": [], "title": "t"
        }))
        .unwrap()
    }

    #[test]
    fn a_refused_edit_leaves_the_incident_as_it_was() {
        let mut inc = incident();
        let before = inc.clone();
        for (field, value) in [
            ("dead", json!(-5)),
            ("dead", json!("")),
            ("sector", json!("banana")),
            ("date_end", json!("2024-03-01")),
            (
                "location",
                json!({"country": "CN", "adcode": "12", "level": "county"}),
            ),
            ("location", json!({"country": "China", "level": "country"})),
            ("type", json!("picnic")),
            ("colour", json!("red")),
        ] {
            assert!(
                apply_edit(&mut inc, field, &value).is_err(),
                "{field} = {value}"
            );
            assert_eq!(inc, before, "{field} = {value} changed the incident");
        }
    }

    #[test]
    fn a_best_set_by_hand_lies_within_low_and_high() {
        let mut inc = incident();
        apply_edit(&mut inc, "dead", &json!(3)).unwrap();
        let f = &inc.figures[&FigureKind::Dead];
        assert_eq!((f.low, f.best, f.high), (Some(3), Some(3), Some(12)));
        apply_edit(&mut inc, "dead", &json!("20")).unwrap();
        let f = &inc.figures[&FigureKind::Dead];
        assert_eq!((f.low, f.best, f.high), (Some(3), Some(20), Some(20)));
        apply_edit(&mut inc, "dead", &json!(null)).unwrap();
        assert_eq!(inc.figures[&FigureKind::Dead].best, None, "null clears");
        apply_edit(&mut inc, "sector", &json!("coal_mining")).unwrap();
        assert_eq!(inc.sector.as_deref(), Some("coal_mining"));
        apply_edit(&mut inc, "date_end", &json!("2024-03-10")).unwrap();
        assert!(apply_edit(&mut inc, "date", &json!("2024-04-01")).is_err());
    }
}
