//! The JSON API under `/api`, each handler described for the OpenAPI document.

use crate::auth::Caller;
use crate::query::{page_of, ListQuery, Page};
use crate::{ApiError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use recount_model::Incident;
use recount_stats::{GroupBy, RiskOptions, RiskReport, StatRow};
use recount_store::{Reviewer, Role};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_incidents))
        .routes(routes!(get_incident))
        .routes(routes!(search))
        .routes(routes!(stats))
        .routes(routes!(risk))
        .routes(routes!(export))
        .routes(routes!(list_sources))
        .routes(routes!(get_source))
        .routes(routes!(get_original))
        .routes(routes!(get_source_text))
        .routes(routes!(checkpoint))
        .routes(routes!(proofs))
        .routes(routes!(consistency))
        .routes(routes!(edit))
        .routes(routes!(merge))
        .routes(routes!(split))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(openapi_json))
}

/// An incident id as the store gives them (`inc-` and hex) or a former id: letters,
/// digits and `-_.:`, never a path.
pub fn check_id(id: &str) -> Result<&str, ApiError> {
    let ok = !id.is_empty()
        && id.len() <= 200
        && !id.contains("..")
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok {
        Ok(id)
    } else {
        Err(ApiError::bad_request(
            "not an incident id: letters, digits and - _ . : only",
        ))
    }
}

/// A document's sha256: 64 hexadecimal digits.
pub fn check_sha(sha: &str) -> Result<String, ApiError> {
    if sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sha.to_ascii_lowercase())
    } else {
        Err(ApiError::bad_request("not a sha256: 64 hexadecimal digits"))
    }
}

/// List incidents, latest first, a page at a time.
#[utoipa::path(get, path = "/api/incidents", tag = "incidents", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody)))]
async fn list_incidents(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    caller.may_read(&state)?;
    let (filter, limit) = q.page()?;
    let items = state.with_store(move |s| Ok(s.incidents(&filter)?)).await?;
    Ok(Json(page_of(items, limit)))
}

/// One incident with everything behind it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Detail {
    /// The incident, exactly one line of the JSON Lines export.
    #[schema(value_type = Object)]
    pub incident: Incident,
    /// Each passage read into it, with its report key (used by split).
    #[schema(value_type = Vec<Object>)]
    pub reports: Vec<recount_model::Report>,
    /// The archived documents it comes from.
    #[schema(value_type = Vec<Object>)]
    pub documents: Vec<recount_model::Document>,
    /// Review actions (edit, merge, split), oldest first: at, who, action, detail, reason.
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<serde_json::Value>,
}

pub async fn load_detail(state: &AppState, id: &str) -> Result<Detail, ApiError> {
    let id = check_id(id)?.to_string();
    let d = state
        .with_store(move |s| {
            s.incident(&id)?
                .ok_or_else(|| ApiError::not_found(format!("no incident with id {id}")))
        })
        .await?;
    Ok(Detail {
        incident: d.incident,
        reports: d.reports,
        documents: d.documents,
        history: d
            .history
            .into_iter()
            .map(|h| {
                serde_json::json!({
                    "at": h.at, "who": h.who, "action": h.action,
                    "detail": h.detail, "reason": h.reason,
                })
            })
            .collect(),
    })
}

/// One incident: its record, the passages and documents behind it, its review history.
/// A former id (merged away) answers with the incident that absorbed it.
#[utoipa::path(get, path = "/api/incidents/{id}", tag = "incidents",
    params(("id" = String, Path, description = "Incident id (or a former id)")),
    responses((status = 200, body = Detail), (status = 404, body = crate::error::ErrorBody)))]
async fn get_incident(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Detail>, ApiError> {
    caller.may_read(&state)?;
    Ok(Json(load_detail(&state, &id).await?))
}

/// One search hit: the incident's id, its score, and parts of its text with the matched
/// words.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub id: String,
    pub score: f32,
    /// Parts of the incident's text: `field`, `text`, `highlights` (byte ranges of
    /// `text`), and `marked` (the text with each match in `[…]`).
    #[schema(value_type = Vec<Object>)]
    pub snippets: Vec<serde_json::Value>,
}

/// Search results: the incidents, best first, and for each its score and snippets.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    /// Incidents, each exactly one line of the JSON Lines export, best match first.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Incident>,
    /// The same incidents' ids, scores and snippets, in the same order.
    pub hits: Vec<SearchHit>,
    /// Always absent: search results come as one page of at most `limit`.
    pub next_cursor: Option<String>,
}

/// Full-text search (Chinese words, English words stemmed, Chinese names in pinyin) over
/// titles, organisations, places, facets and the passages behind each incident, with
/// the listing's filters; best match first, one page of at most `limit` (default 50).
#[utoipa::path(get, path = "/api/search", tag = "incidents", params(ListQuery),
    responses((status = 200, body = SearchPage), (status = 400, body = crate::error::ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Json<SearchPage>, ApiError> {
    caller.may_read(&state)?;
    let Some(words) =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    else {
        return Err(ApiError::bad_request("q: give the words to search for"));
    };
    let (mut filter, limit) = q.page()?;
    filter.after = None;
    filter.text = None;
    if let Some(found) = state.search(words, filter, limit).await? {
        let hits = found
            .iter()
            .map(|(h, _)| SearchHit {
                id: h.id.clone(),
                score: h.score,
                snippets: h
                    .snippets
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "field": s.field,
                            "text": s.text,
                            "highlights": s.highlights.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
                            "marked": s.marked("[", "]"),
                        })
                    })
                    .collect(),
            })
            .collect();
        return Ok(Json(SearchPage {
            items: found.into_iter().map(|(_, i)| i).collect(),
            hits,
            next_cursor: None,
        }));
    }
    // No index: the store's substring match, without scores or snippets.
    let Json(page) = list_incidents(State(state), caller, Query(q)).await?;
    Ok(Json(SearchPage {
        hits: page
            .items
            .iter()
            .map(|i| SearchHit {
                id: i.id.clone(),
                score: 0.0,
                snippets: vec![],
            })
            .collect(),
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// How to group statistics.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsBy {
    /// province, prefecture, county, month, year, type, sector, grievance or organization
    pub by: String,
}

/// Counts and deaths of the filtered incidents, grouped; deaths per million tonnes of coal
/// where production figures are loaded (see `recount production load`).
#[utoipa::path(get, path = "/api/stats", tag = "incidents", params(StatsBy, ListQuery),
    responses((status = 200, body = Vec<StatRow>), (status = 400, body = crate::error::ErrorBody)))]
async fn stats(
    State(state): State<AppState>,
    caller: Caller,
    Query(by): Query<StatsBy>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<StatRow>>, ApiError> {
    caller.may_read(&state)?;
    let by: GroupBy = by
        .by
        .parse()
        .map_err(|e| ApiError::bad_request(format!("by: {e}")))?;
    let filter = q.filter()?;
    let rows = state
        .with_store(move |s| Ok(recount_stats::stats(&*s, &filter, by)?))
        .await?;
    Ok(Json(rows))
}

/// What recurs, over which time.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RiskQuery {
    /// organization (default), site, county, prefecture or province
    #[serde(default)]
    pub by: Option<String>,
    /// The rolling window: a number and d, w, m or y (default 12m).
    #[serde(default)]
    pub window: Option<String>,
    /// Only entities with incidents in at least K of the last N calendar months: K/Nm.
    #[serde(default)]
    pub repeat: Option<String>,
    /// The last day considered, YYYY[-MM[-DD]] (its last day); default: the latest date
    /// among the selected incidents.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Only entities with at least this many incidents (default 2).
    #[serde(default)]
    pub min_incidents: Option<String>,
}

impl RiskQuery {
    /// The options these parameters mean; a bad value is a 400 naming its parameter.
    pub fn options(&self) -> Result<RiskOptions, ApiError> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        fn parsed<T: std::str::FromStr>(
            v: &Option<String>,
            name: &str,
        ) -> Result<Option<T>, ApiError>
        where
            T::Err: std::fmt::Display,
        {
            given(v)
                .map(|s| {
                    s.parse::<T>()
                        .map_err(|e| ApiError::bad_request(format!("{name}: {e}")))
                })
                .transpose()
        }
        let defaults = RiskOptions::default();
        let as_of = parsed::<recount_model::PartialDate>(&self.as_of, "as_of")?;
        let min = given(&self.min_incidents)
            .map(|n| {
                n.parse::<usize>().map_err(|_| {
                    ApiError::bad_request(format!("min_incidents: '{n}' is not a number"))
                })
            })
            .transpose()?;
        Ok(RiskOptions {
            by: parsed(&self.by, "by")?.unwrap_or(defaults.by),
            window: parsed(&self.window, "window")?.unwrap_or(defaults.window),
            repeat: parsed(&self.repeat, "repeat")?,
            as_of: as_of.map(|d| d.last_day()),
            min_incidents: min.unwrap_or(defaults.min_incidents),
        })
    }
}

/// Recurrence and risk: per organisation, site or place, incidents in rolling windows and
/// the repeat offenders (`repeat=3/4m`: incidents in at least 3 of the last 4 months).
#[utoipa::path(get, path = "/api/risk", tag = "incidents", params(RiskQuery, ListQuery),
    responses((status = 200, body = RiskReport), (status = 400, body = crate::error::ErrorBody)))]
async fn risk(
    State(state): State<AppState>,
    caller: Caller,
    Query(r): Query<RiskQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Json<RiskReport>, ApiError> {
    caller.may_read(&state)?;
    let options = r.options()?;
    let filter = q.filter()?;
    let report = state
        .with_store(move |s| Ok(recount_stats::risk(&*s, &filter, &options)?))
        .await?;
    Ok(Json(report))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportFormat {
    /// csv (one row per incident) or jsonl (the JSON Lines export)
    pub format: String,
}

/// Every incident of the filtered view (no paging) as a download.
#[utoipa::path(get, path = "/api/export", tag = "incidents", params(ExportFormat, ListQuery),
    responses((status = 200, description = "CSV (format=csv) or JSON Lines (format=jsonl, application/x-ndjson)", content_type = "text/csv"),
              (status = 400, body = crate::error::ErrorBody)))]
async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Query(fmt): Query<ExportFormat>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    caller.may_read(&state)?;
    let filter = q.filter()?;
    let all = state.with_store(move |s| Ok(s.incidents(&filter)?)).await?;
    let (body, mime, ext) = match fmt.format.as_str() {
        "csv" => {
            let mut w = recount_export::CsvWriter::new(Vec::new())
                .map_err(|e| ApiError::internal(e.to_string()))?;
            for i in &all {
                w.write(i).map_err(|e| ApiError::internal(e.to_string()))?;
            }
            let out = w.finish().map_err(|e| ApiError::internal(e.to_string()))?;
            (out, "text/csv; charset=utf-8", "csv")
        }
        "jsonl" | "json" => {
            let out = Vec::new();
            let mut w = recount_export::JsonlWriter::new(out);
            for i in &all {
                w.write(i).map_err(|e| ApiError::internal(e.to_string()))?;
            }
            let out = w.finish().map_err(|e| ApiError::internal(e.to_string()))?;
            (out, "application/x-ndjson; charset=utf-8", "jsonl")
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "format: '{other}' is not csv or jsonl"
            )))
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"incidents.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Every archived document's metadata, in the order archived.
#[utoipa::path(get, path = "/api/sources", tag = "sources",
    responses((status = 200, description = "Documents: id, sha256, media_type, fetched_at, published, source, lang, title, url, size", body = Vec<Object>)))]
async fn list_sources(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<recount_model::Document>>, ApiError> {
    caller.may_read(&state)?;
    Ok(Json(state.with_store(|s| Ok(s.documents()?)).await?))
}

pub async fn load_document(
    state: &AppState,
    sha: &str,
) -> Result<recount_model::Document, ApiError> {
    let sha = check_sha(sha)?;
    state
        .with_store(move |s| {
            s.document(&sha)?
                .ok_or_else(|| ApiError::not_found(format!("no archived document {sha}")))
        })
        .await
}

/// One archived document's metadata.
#[utoipa::path(get, path = "/api/sources/{sha256}", tag = "sources",
    params(("sha256" = String, Path, description = "The document's sha256")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
async fn get_source(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha): Path<String>,
) -> Result<Json<recount_model::Document>, ApiError> {
    caller.may_read(&state)?;
    Ok(Json(load_document(&state, &sha).await?))
}

/// The archived bytes, exactly, served so that no browser renders or runs them:
/// `text/plain`, `nosniff`, and a sandboxing content policy.
#[utoipa::path(get, path = "/api/sources/{sha256}/original", tag = "sources",
    params(("sha256" = String, Path, description = "The document's sha256")),
    responses((status = 200, description = "The archived bytes", content_type = "text/plain"),
              (status = 404, body = crate::error::ErrorBody)))]
async fn get_original(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    caller.may_read(&state)?;
    let sha = check_sha(&sha)?;
    let bytes = state
        .with_store(move |s| {
            s.original(&sha)?
                .ok_or_else(|| ApiError::not_found(format!("no archived document {sha}")))
        })
        .await?;
    Ok(inert(bytes, "text/plain"))
}

/// The archived document decoded to UTF-8 text (GB18030, Big5 … as detected at ingest).
#[utoipa::path(get, path = "/api/sources/{sha256}/text", tag = "sources",
    params(("sha256" = String, Path, description = "The document's sha256")),
    responses((status = 200, description = "The decoded text", content_type = "text/plain"),
              (status = 404, body = crate::error::ErrorBody)))]
async fn get_source_text(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    caller.may_read(&state)?;
    let text = source_text(&state, &sha).await?;
    Ok(inert(text.into_bytes(), "text/plain; charset=utf-8"))
}

/// An archived original as text, decoded the way ingest decoded it.
pub async fn source_text(state: &AppState, sha: &str) -> Result<String, ApiError> {
    let sha = check_sha(sha)?;
    let bytes = state
        .with_store(move |s| {
            s.original(&sha)?
                .ok_or_else(|| ApiError::not_found(format!("no archived document {sha}")))
        })
        .await?;
    // An HTML page's own charset, as ingest read it (a text seldom says `charset=`).
    let declared = recount_text::decode::sniff_html_charset(&bytes);
    Ok(
        match recount_text::decode::decode(&bytes, declared.as_deref()) {
            Ok(d) => d.text,
            Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
        },
    )
}

fn inert(body: Vec<u8>, mime: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_string(),
            ),
        ],
        body,
    )
        .into_response()
}

/// The latest signed checkpoint of the tamper-evident log (C2SP signed note).
#[utoipa::path(get, path = "/api/checkpoint", tag = "log",
    responses((status = 200, description = "The checkpoint note", content_type = "text/plain"),
              (status = 404, body = crate::error::ErrorBody)))]
async fn checkpoint(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.may_read(&state)?;
    let note = state
        .with_store(|s| {
            s.latest_checkpoint()?
                .ok_or_else(|| ApiError::not_found("the log has no checkpoint yet"))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response())
}

/// Inclusion proofs, against the latest checkpoint, of the originals behind an incident
/// (or of one document by id, sha256 or a unique sha256 prefix of 8 hex digits or more),
/// each naming its document (`doc_id`, `sha256`, and `leaf`, the data the leaf hash
/// covers); each checks offline with scripts/verify_proof.py.
#[utoipa::path(get, path = "/api/proofs/{id}", tag = "log",
    params(("id" = String, Path, description = "Incident id, document id, sha256 or sha256 prefix")),
    responses((status = 200, body = Vec<Object>), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
async fn proofs(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<serde_json::Value>>, ApiError> {
    caller.may_read(&state)?;
    let id = check_id(&id)?.to_string();
    let proofs = state.with_store(move |s| Ok(s.proofs(&id)?)).await?;
    Ok(Json(proofs.iter().map(|p| p.to_json()).collect()))
}

/// The two tree sizes of a consistency proof.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The older tree's size: any size up to `to` (a checkpoint the caller holds).
    #[serde(default)]
    pub from: Option<String>,
    /// The size of the log's checkpoint to prove to (default: the latest).
    #[serde(default)]
    pub to: Option<String>,
}

/// A tree size from the query, or a 400 naming the parameter.
fn tree_size(name: &str, value: &str) -> Result<u64, ApiError> {
    value.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "{name}: '{value}' is not a tree size (a whole number)"
        ))
    })
}

/// The consistency proof (RFC 9162 §2.1.4) that the log's tree of `from` leaves is a
/// prefix of its signed checkpoint of size `to` (default: the latest), with that
/// checkpoint and, when the log signed one, the checkpoint of size `from`:
/// `{old_size, new_size, old_root, new_root, proof, checkpoint, old_checkpoint}`
/// (hashes in hex). Checks offline with scripts/verify_proof.py (`--old` for the
/// checkpoint the caller holds).
#[utoipa::path(get, path = "/api/consistency", tag = "log", params(ConsistencyQuery),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
async fn consistency(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Response, ApiError> {
    caller.may_read(&state)?;
    let from = match q.from.as_deref() {
        Some(v) => tree_size("from", v)?,
        None => return Err(ApiError::bad_request("from: give the older tree's size")),
    };
    let to = q.to.as_deref().map(|v| tree_size("to", v)).transpose()?;
    let proof = state
        .with_store(move |s| Ok(s.consistency(from, to)?))
        .await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        proof.to_json(),
    )
        .into_response())
}

/// A correction: fields to set and why.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EditRequest {
    /// Field → value: type, date, date_end, sector, mechanism, grievance, title, title_zh,
    /// place (a name or adcode), or a figure's best value (dead, injured, …).
    #[schema(value_type = Object)]
    pub set: BTreeMap<String, serde_json::Value>,
    /// Why: recorded in the incident's history.
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeRequest {
    /// Two or more incident ids.
    pub ids: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SplitRequest {
    /// The report key of the passage to take out (see `reports` of the incident).
    pub passage: String,
    pub reason: String,
}

/// What a review action left.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewOutcome {
    /// The incident's id after the action.
    pub id: String,
    /// For a split: the new incident's id.
    pub new_id: Option<String>,
}

fn need_reason(reason: &str) -> Result<&str, ApiError> {
    let r = reason.trim();
    if r.is_empty() {
        Err(ApiError::bad_request(
            "reason: say why; it is recorded in the history",
        ))
    } else {
        Ok(r)
    }
}

/// The stored value of one `set` entry: `place` becomes a location from the gazetteer.
pub fn edit_value(
    field: &str,
    value: &serde_json::Value,
) -> Result<(String, serde_json::Value), ApiError> {
    if field == "place" || field == "location" {
        return match value {
            serde_json::Value::Null => Ok(("location".into(), serde_json::Value::Null)),
            serde_json::Value::String(name) => {
                let place = recount_geo::gazetteer().place_named(name).ok_or_else(|| {
                    ApiError::bad_request(format!("place: no place is called '{name}'"))
                })?;
                Ok((
                    "location".into(),
                    serde_json::to_value(place).map_err(|e| ApiError::internal(e.to_string()))?,
                ))
            }
            _ => Err(ApiError::bad_request("place: give a name or an adcode")),
        };
    }
    Ok((field.to_string(), value.clone()))
}

/// Applies edits as the token's holder; one history row (and log leaf) per field.
pub async fn apply_edits(
    state: &AppState,
    who: String,
    id: &str,
    set: Vec<(String, serde_json::Value)>,
    reason: &str,
) -> Result<String, ApiError> {
    let mut id = check_id(id)?.to_string();
    let reason = need_reason(reason)?.to_string();
    if set.is_empty() {
        return Err(ApiError::bad_request(format!(
            "set: nothing to edit (fields: {})",
            recount_store::EDITABLE.join("; ")
        )));
    }
    let mut values = Vec::new();
    for (field, value) in &set {
        values.push(edit_value(field.trim(), value)?);
    }
    let st = state.clone();
    state
        .with_store(move |s| {
            let by = Reviewer {
                who: &who,
                reason: &reason,
            };
            for (field, value) in &values {
                id = s.edit(&id, field, value, &by)?;
            }
            st.sign(s)?;
            Ok(id)
        })
        .await
}

/// Correct an incident (editor). Each field set is one entry of the tamper-evident history.
#[utoipa::path(post, path = "/api/incidents/{id}/edit", tag = "review",
    params(("id" = String, Path, description = "Incident id")),
    request_body = EditRequest, security(("token" = [])),
    responses((status = 200, body = ReviewOutcome), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody)))]
async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Json<EditRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ReviewOutcome>, ApiError> {
    let who = caller.require(Role::Editor)?.name.clone();
    let Json(req) = body.map_err(json_rejection)?;
    let id = apply_edits(&state, who, &id, req.set.into_iter().collect(), &req.reason).await?;
    Ok(Json(ReviewOutcome { id, new_id: None }))
}

/// Merge incidents into one (editor).
#[utoipa::path(post, path = "/api/merge", tag = "review", request_body = MergeRequest,
    security(("token" = [])),
    responses((status = 200, body = ReviewOutcome), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn merge(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<MergeRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ReviewOutcome>, ApiError> {
    let who = caller.require(Role::Editor)?.name.clone();
    let Json(req) = body.map_err(json_rejection)?;
    let id = merge_as(&state, who, req.ids, &req.reason).await?;
    Ok(Json(ReviewOutcome { id, new_id: None }))
}

pub async fn merge_as(
    state: &AppState,
    who: String,
    ids: Vec<String>,
    reason: &str,
) -> Result<String, ApiError> {
    let reason = need_reason(reason)?.to_string();
    let ids: Vec<String> = ids
        .iter()
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .map(|i| check_id(i).map(str::to_string))
        .collect::<Result<_, _>>()?;
    if ids.len() < 2 {
        return Err(ApiError::bad_request(
            "ids: give two or more incidents to merge",
        ));
    }
    let st = state.clone();
    state
        .with_store(move |s| {
            let id = s.merge(
                &ids,
                &Reviewer {
                    who: &who,
                    reason: &reason,
                },
            )?;
            st.sign(s)?;
            Ok(id)
        })
        .await
}

/// Take one passage out of an incident into an incident of its own (editor).
#[utoipa::path(post, path = "/api/incidents/{id}/split", tag = "review",
    params(("id" = String, Path, description = "Incident id")),
    request_body = SplitRequest, security(("token" = [])),
    responses((status = 200, body = ReviewOutcome), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn split(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Json<SplitRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ReviewOutcome>, ApiError> {
    let who = caller.require(Role::Editor)?.name.clone();
    let Json(req) = body.map_err(json_rejection)?;
    let (kept, new) = split_as(&state, who, &id, &req.passage, &req.reason).await?;
    Ok(Json(ReviewOutcome {
        id: kept,
        new_id: Some(new),
    }))
}

pub async fn split_as(
    state: &AppState,
    who: String,
    id: &str,
    passage: &str,
    reason: &str,
) -> Result<(String, String), ApiError> {
    let id = check_id(id)?.to_string();
    let passage = check_id(passage.trim())?.to_string();
    let reason = need_reason(reason)?.to_string();
    let st = state.clone();
    state
        .with_store(move |s| {
            let out = s.split(
                &id,
                &passage,
                &Reviewer {
                    who: &who,
                    reason: &reason,
                },
            )?;
            st.sign(s)?;
            Ok(out)
        })
        .await
}

fn json_rejection(e: axum::extract::rejection::JsonRejection) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(status, "the request body is too large")
    } else {
        ApiError::new(
            if status.is_client_error() {
                status
            } else {
                StatusCode::BAD_REQUEST
            },
            format!("request body: {}", e.body_text()),
        )
    }
}

/// A token as listed (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    pub name: String,
    /// reader, editor or admin
    pub role: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A new token: the secret is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    pub name: String,
    pub role: String,
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Who holds it: recorded as `who` of every review action made with it.
    pub name: String,
    /// reader, editor or admin
    pub role: String,
}

/// Every token, revoked ones too (admin).
#[utoipa::path(get, path = "/api/tokens", tag = "tokens", security(("token" = [])),
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    caller.require(Role::Admin)?;
    let tokens = state.with_store(|s| Ok(s.tokens()?)).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenInfo {
                name: t.name,
                role: t.role.as_str().into(),
                created_at: t.created_at,
                revoked_at: t.revoked_at,
            })
            .collect(),
    ))
}

/// Make a token (admin); its secret is in the answer and nowhere else.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens", request_body = TokenRequest,
    security(("token" = [])),
    responses((status = 201, body = NewToken), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<TokenRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<NewToken>), ApiError> {
    caller.require(Role::Admin)?;
    let Json(req) = body.map_err(json_rejection)?;
    let role: Role = req.role.parse().map_err(ApiError::bad_request)?;
    let name = check_token_name(&req.name)?.to_string();
    let secret = crate::auth::new_secret();
    let hash = crate::auth::hash_secret(&secret);
    let t = state
        .with_store(move |s| Ok(s.create_token(&name, role, &hash)?))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewToken {
            name: t.name,
            role: t.role.as_str().into(),
            secret,
        }),
    ))
}

/// A token's name: what history rows show as who acted.
pub fn check_token_name(name: &str) -> Result<&str, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        Err(ApiError::bad_request("name: 1 to 64 printable characters"))
    } else {
        Ok(name)
    }
}

/// Revoke a token by name (admin).
#[utoipa::path(delete, path = "/api/tokens/{name}", tag = "tokens",
    params(("name" = String, Path, description = "The token's name")), security(("token" = [])),
    responses((status = 204, description = "Revoked"), (status = 404, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Role::Admin)?;
    let name = check_token_name(&name)?.to_string();
    let n2 = name.clone();
    if state.with_store(move |s| Ok(s.revoke_token(&n2)?)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no live token named '{name}'")))
    }
}

/// This document: the OpenAPI 3 description of every route.
#[utoipa::path(get, path = "/openapi.json", tag = "incidents",
    responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json")))]
async fn openapi_json() -> Response {
    Json(crate::openapi()).into_response()
}
