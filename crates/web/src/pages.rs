//! The dashboard, rendered on the server: the list with its filters, map and timeline;
//! an incident with its claims, figures over time, flags in words, related incidents,
//! sources and history; an archived source as inert text; and, for editors, the edit,
//! merge and split forms. maud escapes every value it writes; no page carries a script.

use crate::api::{self, check_sha};
use crate::auth::{Caller, COOKIE};
use crate::i18n::Lang;
use crate::map;
use crate::query::{ListQuery, DEFAULT_LIMIT};
use crate::{ApiError, AppState};
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup, DOCTYPE};
use recount_model::{FigureKind, Incident};
use recount_store::Role;
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const STYLE: &str = include_str!("../assets/style.css");

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(index))
        .routes(routes!(incident_page))
        .routes(routes!(edit_form))
        .routes(routes!(merge_form))
        .routes(routes!(split_form))
        .routes(routes!(duplicates_page))
        .routes(routes!(source_page))
        .routes(routes!(login_page, login))
        .routes(routes!(logout))
        .routes(routes!(style))
}

/// The language parameter of every page.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangParam {
    /// en or zh (default: the browser's language)
    #[serde(default)]
    pub lang: Option<String>,
}

/// One organisation of the recurring table.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgParam {
    /// An organisation's grouping key, as the recurring table links it: only the
    /// incidents it counted for that organisation in this view.
    #[serde(default)]
    pub org: Option<String>,
}

/// What the timeline counts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Measure {
    /// incidents (default) or deaths
    #[serde(default)]
    pub measure: Option<String>,
}

/// A link within the dashboard keeping the language the reader chose.
fn href(lang: Lang, path: &str, query: &str) -> String {
    let mut q = query.to_string();
    if lang == Lang::Zh {
        if !q.is_empty() {
            q.push('&');
        }
        q.push_str("lang=zh");
    }
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}

fn html_page(lang: Lang, title: &str, caller: &Caller, here: &str, body: Markup) -> Markup {
    let other = match lang {
        Lang::En => ("中文", "zh"),
        Lang::Zh => ("English", "en"),
    };
    html! {
        (DOCTYPE)
        html lang=(if lang == Lang::Zh { "zh-Hans" } else { "en" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · recount" }
                link rel="stylesheet" href="/static/style.css";
                link rel="icon" href="data:,";
            }
            body {
                header.top {
                    a.brand href=(href(lang, "/", "")) { (lang.t("app")) }
                    nav {
                        a href=(format!("{here}{}lang={}", if here.contains('?') { "&" } else { "?" }, other.1)) lang=(other.1) { (other.0) }
                        a href="/openapi.json" { (lang.t("api")) }
                        @if caller.role().is_some_and(|r| r >= Role::Editor) {
                            a href=(href(lang, "/review/duplicates", "")) { (lang.t("duplicates")) }
                        }
                        @if let Some(t) = &caller.token {
                            span.who { (lang.t("logged_in_as")) " " strong { (t.name) } " (" (t.role.as_str()) ")" }
                            form.inline method="post" action="/logout" {
                                button type="submit" { (lang.t("logout")) }
                            }
                        } @else {
                            a href=(href(lang, "/login", "")) { (lang.t("login")) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// Errors of pages come back as pages.
fn error_page(lang: Lang, caller: &Caller, e: ApiError) -> Response {
    let body = html! {
        h1 { (lang.t("error")) " " (e.status.as_u16()) }
        p.error { (e.message) }
        p { a href=(href(lang, "/", "")) { (lang.t("back")) } }
    };
    (
        e.status,
        html_response(html_page(lang, &lang.t("error"), caller, "/", body)),
    )
        .into_response()
}

fn html_response(m: Markup) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        m.into_string(),
    )
        .into_response()
}

fn place_name(lang: Lang, inc: &Incident) -> String {
    let Some(loc) = &inc.location else {
        return lang.t("unknown_place");
    };
    let name = match lang {
        Lang::En => loc.name_en.clone().or(loc.name.clone()),
        Lang::Zh => loc.name.clone().or(loc.name_en.clone()),
    };
    let mut s = name.unwrap_or_else(|| loc.country.clone());
    // Name the province too, so that same-named counties stay apart.
    if let Some(p) = loc
        .province_code()
        .filter(|p| Some(p) != loc.adcode.as_ref())
    {
        if let Some(u) = recount_geo::gazetteer().unit(&p) {
            s.push_str(", ");
            s.push_str(if lang == Lang::Zh {
                &u.name
            } else {
                &u.name_en
            });
        }
    }
    s
}

fn date_text(lang: Lang, inc: &Incident) -> String {
    match (inc.date, inc.date_end) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) => a.to_string(),
        (None, _) => lang.t("undated"),
    }
}

/// Recurring organisations shown on the dashboard.
const RECURRING_SHOWN: usize = 8;

/// The dashboard: filters, map, timeline, recurring organisations and a page of the list.
#[utoipa::path(get, path = "/", tag = "dashboard", params(ListQuery, LangParam, Measure, OrgParam),
    responses((status = 200, description = "The dashboard", content_type = "text/html")))]
async fn index(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
    Query(lp): Query<LangParam>,
    Query(measure): Query<Measure>,
    Query(org): Query<OrgParam>,
) -> Response {
    let lang = Lang::pick(lp.lang.as_deref(), &headers);
    let org = org.org.filter(|o| !o.trim().is_empty());
    match render_index(
        &state,
        &caller,
        lang,
        &q,
        measure.measure.as_deref() == Some("deaths"),
        org.as_deref(),
    )
    .await
    {
        Ok(m) => html_response(m),
        Err(e) => error_page(lang, &caller, e),
    }
}

/// The most search matches the dashboard shows on its map and timeline.
const SEARCH_CAP: usize = 5_000;

async fn render_index(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    q: &ListQuery,
    deaths: bool,
    org: Option<&str>,
) -> Result<Markup, ApiError> {
    caller.may_read(state)?;
    let all_filter = q.filter()?;
    let (page_filter, limit) = q.page()?;
    let words =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
    // Words go to the search index when the server has one: the matches best first,
    // the map and timeline over all of them (up to SEARCH_CAP).
    let found = match words {
        Some(words) => {
            let mut f = all_filter.clone();
            f.text = None;
            state.search(words, f, SEARCH_CAP).await?
        }
        None => None,
    };
    let (all, page) = match found {
        Some(found) => {
            let all: Vec<Incident> = found.into_iter().map(|(_, i)| i).collect();
            let items = all.iter().take(limit).cloned().collect();
            (
                all,
                crate::query::Page {
                    items,
                    next_cursor: None,
                },
            )
        }
        None => {
            let (all, page) = state
                .with_store(move |s| Ok((s.incidents(&all_filter)?, s.incidents(&page_filter)?)))
                .await?;
            (all, crate::query::page_of(page, limit))
        }
    };
    // One organisation of the recurring table: exactly the incidents counted for it.
    let (all, page) = match org {
        Some(key) => {
            let of_org: Vec<Incident> = all
                .into_iter()
                .filter(|inc| {
                    recount_stats::keys::organizations(inc)
                        .iter()
                        .any(|(k, _, _)| k == key)
                })
                .collect();
            let items = of_org.iter().take(limit).cloned().collect();
            (
                of_org,
                crate::query::Page {
                    items,
                    next_cursor: None,
                },
            )
        }
        None => (all, page),
    };
    // The organisations that come back in this view, most recurrent first: the view is in
    // memory already, so this costs no query.
    let recurring = {
        let mut b = recount_stats::RiskBuilder::new(recount_stats::Entity::Organization);
        for inc in &all {
            b.add(inc);
        }
        let options = recount_stats::RiskOptions::default();
        let mut r = b.finish(&options, &Default::default(), &Default::default());
        r.entities.truncate(RECURRING_SHOWN);
        r.entities
    };
    let here = format!("/?{}", q.with(&[]));
    let province_link = |code: &str| {
        href(
            lang,
            "/",
            &q.with(&[("place", Some(code)), ("cursor", None)]),
        )
    };
    let incident_link = |id: &str| href(lang, &format!("/incidents/{id}"), "");
    let view = q.with(&[("cursor", None), ("limit", None)]);
    let sel = q.kind.as_deref().unwrap_or("");
    let body = html! {
        h1 { (lang.t("incidents")) }
        form.filters method="get" action="/" {
            @if lang == Lang::Zh { input type="hidden" name="lang" value="zh"; }
            label { (lang.t("type")) " "
                select name="type" {
                    option value="" { (lang.t("any")) }
                    @for k in recount_model::IncidentType::ALL {
                        option value=(k.as_str()) selected[sel == k.as_str()] { (lang.t(k.as_str())) }
                    }
                }
            }
            label { (lang.t("place")) " " input type="text" name="place" value=(q.place.as_deref().unwrap_or("")) placeholder="贵州 / Shanxi / 520322"; }
            label { (lang.t("from")) " " input type="text" name="from" value=(q.from.as_deref().unwrap_or("")) placeholder="2023-01"; }
            label { (lang.t("to")) " " input type="text" name="to" value=(q.to.as_deref().unwrap_or("")) placeholder="2024-12-31"; }
            label { (lang.t("min_dead")) " " input type="number" min="0" name="min_dead" value=(q.min_dead.as_deref().unwrap_or("")); }
            label { (lang.t("text")) " " input type="search" name="q" value=(q.q.as_deref().unwrap_or("")); }
            button type="submit" { (lang.t("apply")) }
            a href=(href(lang, "/", "")) { (lang.t("clear")) }
        }
        p.summary {
            strong #matching { (all.len()) } " " (lang.t("matching")) " · "
            (lang.t("download")) ": "
            a #download-csv href=(format!("/api/export?format=csv{}{}", if view.is_empty() { "" } else { "&" }, view)) download { "CSV" } " · "
            a #download-json href=(format!("/api/export?format=jsonl{}{}", if view.is_empty() { "" } else { "&" }, view)) download { "JSON Lines" }
        }
        div.panels {
            section.map-panel {
                h2 { (lang.t("map")) }
                p.hint { (lang.t("map_hint")) }
                (map::map_svg(lang, &all, &province_link, &incident_link))
            }
            section.timeline-panel {
                h2 { (lang.t("timeline")) " — " (if deaths { lang.t("deaths") } else { lang.t("count") }) " " (lang.t("per_month")) }
                p.hint {
                    a href=(href(lang, "/", &q.with(&[("cursor", None)]))) { (lang.t("count")) } " · "
                    a href=(href(lang, "/", &format!("{}{}measure=deaths", q.with(&[("cursor", None)]), if view.is_empty() { "" } else { "&" }))) { (lang.t("deaths")) }
                }
                (map::timeline_svg(lang, &all, deaths))
                ul.legend {
                    @for k in recount_model::IncidentType::ALL {
                        li { svg.swatch xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" { rect width="10" height="10" fill=(map::type_colour(*k)) {} } (lang.t(k.as_str())) }
                    }
                }
            }
        }
        @if !recurring.is_empty() {
            section.recurring #recurring {
                h2 { (lang.t("recurring")) }
                p.hint { (lang.t("recurring_hint")) }
                table.list {
                    thead { tr {
                        th { (lang.t("organization")) } th.num { (lang.t("incidents")) }
                        th.num { (lang.t("months")) } th { (lang.t("last")) } th.num { (lang.t("dead")) }
                    } }
                    tbody {
                        @for e in &recurring {
                            @let name = if lang == Lang::Zh { &e.label_zh } else { &e.label };
                            tr {
                                td { a.org href=(href(lang, "/", &format!("{}{}org={}", view, if view.is_empty() { "" } else { "&" }, crate::query::encode_component(&e.key)))) { (name) } }
                                td.num { (e.incidents) } td.num { (e.months) }
                                td.nowrap { (e.last.as_deref().unwrap_or("")) } td.num { (e.dead) }
                            }
                        }
                    }
                }
            }
        }
        @if page.items.is_empty() {
            p.empty { (lang.t("none")) }
        } @else {
            table #incidents.list {
                thead { tr {
                    th { (lang.t("date")) } th { (lang.t("type")) } th { (lang.t("place")) }
                    th { (lang.t("title")) } th.num { (lang.t("dead")) } th { (lang.t("flags")) }
                } }
                tbody {
                    @for inc in &page.items {
                        tr data-id=(inc.id) {
                            td.nowrap { (date_text(lang, inc)) }
                            td { (lang.t(inc.kind.as_str())) }
                            td { (place_name(lang, inc)) }
                            td { a href=(incident_link(&inc.id)) { (map::display_title(lang, inc)) } }
                            td.num { @if let Some(d) = inc.best(FigureKind::Dead) { (d) } }
                            td.flags { @for f in &inc.flags { span.flag title=(lang.t(&format!("flag_{}", f.as_str()))) { (f.as_str()) } " " } }
                        }
                    }
                }
            }
            p.pages {
                @if q.cursor.is_some() { a href=(href(lang, "/", &q.with(&[("cursor", None)]))) { (lang.t("first")) } " " }
                @if let Some(c) = &page.next_cursor {
                    a #next href=(href(lang, "/", &q.with(&[("cursor", Some(c))]))) { (lang.t("next")) }
                }
                " (" (page.items.len()) " " (lang.t("shown")) ", " (q.limit.as_deref().unwrap_or(&DEFAULT_LIMIT.to_string())) "/page)"
            }
        }
    };
    Ok(html_page(lang, &lang.t("incidents"), caller, &here, body))
}

/// Fields the edit form offers, with how their value is read.
const FORM_FIELDS: &[&str] = &[
    "dead",
    "injured",
    "missing",
    "trapped",
    "arrested",
    "participants",
    "amount_cny",
    "type",
    "date",
    "date_end",
    "place",
    "title",
    "title_zh",
    "sector",
    "mechanism",
    "grievance",
];

/// One incident: facts, claims, figures over time, flags, related, sources, history.
#[utoipa::path(get, path = "/incidents/{id}", tag = "dashboard",
    params(("id" = String, Path, description = "Incident id"), LangParam),
    responses((status = 200, description = "The incident page", content_type = "text/html"),
              (status = 404, description = "No such incident", content_type = "text/html")))]
async fn incident_page(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(lp): Query<LangParam>,
) -> Response {
    let lang = Lang::pick(lp.lang.as_deref(), &headers);
    match render_incident(&state, &caller, lang, &id, None).await {
        Ok(m) => html_response(m),
        Err(e) => error_page(lang, &caller, e),
    }
}

/// An edit the store refused, shown again in the form with the reason it was refused.
struct Refused<'a> {
    form: &'a EditForm,
    message: String,
}

async fn render_incident(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: &str,
    refused: Option<&Refused<'_>>,
) -> Result<Markup, ApiError> {
    caller.may_read(state)?;
    let d = api::load_detail(state, id).await?;
    let inc = &d.incident;
    let sha_of: HashMap<&str, &str> = d
        .documents
        .iter()
        .map(|doc| (doc.id.as_str(), doc.sha256.as_str()))
        .collect();
    let source_link = |doc: &str| -> Markup {
        match sha_of.get(doc) {
            Some(sha) => html! { a href=(href(lang, &format!("/sources/{sha}"), "")) { (doc) } },
            None => html! { (doc) },
        }
    };
    let editor = caller.role().is_some_and(|r| r >= Role::Editor);
    let here = format!("/incidents/{}", inc.id);
    let body = html! {
        p { a href=(href(lang, "/", "")) { "← " (lang.t("back")) } }
        h1 #title { (map::display_title(lang, inc)) }
        @if let Some(zh) = inc.title_zh.as_ref().filter(|zh| **zh != inc.title) {
            @if lang == Lang::En { p.subtitle lang="zh" { (zh) } } @else { p.subtitle lang="en" { (inc.title) } }
        }
        section #facts {
            h2 { (lang.t("facts")) }
            dl.facts {
                dt { "ID" } dd { code { (inc.id) } }
                dt { (lang.t("type")) } dd { (lang.t(inc.kind.as_str())) }
                dt { (lang.t("date")) } dd { (date_text(lang, inc)) }
                dt { (lang.t("place")) } dd {
                    (place_name(lang, inc))
                    @if let Some(loc) = &inc.location {
                        @if let Some(code) = &loc.adcode { " " code { (code) } }
                        @if let Some(detail) = &loc.detail { " · " (detail) }
                    }
                }
                @for (key, v) in [("sector", &inc.sector), ("mechanism", &inc.mechanism), ("grievance", &inc.grievance)] {
                    @if let Some(v) = v { dt { (lang.t(key)) } dd { (v) } }
                }
                @if !inc.organizations.is_empty() {
                    dt { (lang.t("organizations")) }
                    dd { @for (i, o) in inc.organizations.iter().enumerate() {
                        @if i > 0 { "; " }
                        (o.name) @if let Some(en) = o.name_en.as_ref().filter(|en| **en != o.name) { " (" (en) ")" }
                        @if let Some(r) = &o.role { " — " (r) }
                    } }
                }
                @for (kind, fig) in &inc.figures {
                    dt { (lang.t(kind.as_str())) }
                    dd {
                        @if let Some(b) = fig.best { strong { (b) } " (" (lang.t("best")) ")" }
                        @if let (Some(lo), Some(hi)) = (fig.low, fig.high) { @if lo != hi { " · " (lang.t("low")) " " (lo) " · " (lang.t("high")) " " (hi) } }
                        @if let Some(sup) = &fig.superseded {
                            " · " span.superseded { (lang.t("superseded")) " " (sup.value) " " (lang.t(sup.by.as_str())) @if let Some(d) = sup.as_of { " (" (d.to_string()) ")" } }
                        }
                    }
                }
            }
        }
        @if !inc.flags.is_empty() {
            section #flags {
                h2 { (lang.t("flags")) }
                ul { @for f in &inc.flags { li { code { (f.as_str()) } " — " (lang.t(&format!("flag_{}", f.as_str()))) } } }
            }
        }
        section #claims {
            h2 { (lang.t("claims")) }
            @for (kind, fig) in &inc.figures {
                h3 { (lang.t(kind.as_str())) }
                table.claims data-figure=(kind.as_str()) {
                    thead { tr {
                        th.num { (lang.t("value")) } th { (lang.t("qualifier")) } th { (lang.t("speaker")) }
                        th { (lang.t("as_of")) } th { (lang.t("source")) } th { (lang.t("quote")) }
                    } }
                    tbody { @for c in &fig.claims {
                        tr {
                            td.num { (c.value) @if let Some(m) = c.value_max { "–" (m) } }
                            td { (lang.t(c.qualifier.as_str())) }
                            td { (lang.t(c.attributed_to.map_or("unknown", |s| s.as_str()))) }
                            td.nowrap { @if let Some(a) = c.as_of { (a) } }
                            td { (source_link(&c.source)) }
                            td.quote { @if let Some(qt) = &c.quote { (qt) } }
                        }
                    } }
                }
                @let dated = dated_claims(fig);
                @if dated.len() > 1 {
                    h4 { (lang.t("figure_history")) }
                    ol.figure-history data-figure=(kind.as_str()) {
                        @for c in &dated {
                            li { span.nowrap { (c.as_of.map(|a| a.to_string()).unwrap_or_default()) } " → "
                                strong { (c.value) } " (" (lang.t(c.qualifier.as_str())) ", "
                                (lang.t(c.attributed_to.map_or("unknown", |s| s.as_str()))) ")" }
                        }
                    }
                }
            }
        }
        @if !inc.related.is_empty() {
            section #related {
                h2 { (lang.t("related")) }
                ul { @for r in &inc.related {
                    li { (lang.t(&r.relation)) " " a href=(href(lang, &format!("/incidents/{}", r.id), "")) { (r.id) } }
                } }
            }
        }
        section #sources {
            h2 { (lang.t("sources")) }
            ul { @for doc in &d.documents {
                li {
                    strong { (doc.title.as_deref().unwrap_or(&doc.id)) }
                    @if let Some(s) = &doc.source { " · " (s) }
                    @if let Some(p) = doc.published { " · " (lang.t("published")) " " (p) }
                    br;
                    a href=(href(lang, &format!("/sources/{}", doc.sha256), "")) { (lang.t("archived_text")) }
                    " · "
                    a href=(format!("/api/sources/{}/original", doc.sha256)) { (lang.t("archived")) }
                    " · sha256 " code.sha { (doc.sha256) }
                    @if let Some(url) = &doc.url {
                        br;
                        @if url.starts_with("https://") || url.starts_with("http://") {
                            a.external href=(url) rel="noopener noreferrer nofollow" { (url) }
                        } @else {
                            span.url { (url) }
                        }
                    }
                }
            } }
            p { a href=(format!("/api/proofs/{}", inc.id)) { (lang.t("proofs")) } }
        }
        section #history {
            h2 { (lang.t("history")) }
            @if d.history.is_empty() {
                p { (lang.t("no_history")) }
            } @else {
                table.history {
                    thead { tr { th { (lang.t("when")) } th { (lang.t("who")) } th { (lang.t("action")) } th { (lang.t("detail")) } th { (lang.t("reason")) } } }
                    tbody { @for h in &d.history {
                        tr {
                            td.nowrap { (h["at"].as_str().unwrap_or("")) }
                            td.who { (h["who"].as_str().unwrap_or("")) }
                            td { (h["action"].as_str().unwrap_or("")) }
                            td.detail { code { (h["detail"].to_string()) } }
                            td { (h["reason"].as_str().unwrap_or("")) }
                        }
                    } }
                }
            }
        }
        section #review {
            @if editor {
                h2 { (lang.t("edit")) }
                p.hint { (lang.t("reason_required")) }
                @if let Some(r) = refused {
                    p.error #edit-error role="alert" { (r.message) }
                }
                form #edit-form method="post" action=(format!("/incidents/{}/edit", inc.id)) {
                    input type="hidden" name="lang" value=(lang.code());
                    label { (lang.t("field")) " " select name="field" {
                        @for f in FORM_FIELDS {
                            option value=(f) selected[refused.is_some_and(|r| r.form.field.trim() == *f)] { (lang.t(f)) " (" (f) ")" }
                        }
                    } }
                    label { (lang.t("value")) " " input type="text" name="value" required value=(refused.map_or("", |r| r.form.value.as_str())); }
                    label { (lang.t("reason")) " " input type="text" name="reason" required value=(refused.map_or("", |r| r.form.reason.as_str())); }
                    button type="submit" { (lang.t("save")) }
                }
                h2 { (lang.t("merge")) }
                form #merge-form method="post" action=(format!("/incidents/{}/merge", inc.id)) {
                    input type="hidden" name="lang" value=(lang.code());
                    label { (lang.t("merge_with")) " " input type="text" name="other" required pattern="[A-Za-z0-9_.:-]+"; }
                    label { (lang.t("reason")) " " input type="text" name="reason" required; }
                    button type="submit" { (lang.t("merge")) }
                }
                @if d.reports.len() > 1 {
                    h2 { (lang.t("split")) }
                    form #split-form method="post" action=(format!("/incidents/{}/split", inc.id)) {
                        input type="hidden" name="lang" value=(lang.code());
                        label { (lang.t("passage")) " " select name="passage" {
                            @for r in &d.reports { option value=(r.key) { (r.key) " — " (r.quote.chars().take(60).collect::<String>()) } }
                        } }
                        label { (lang.t("reason")) " " input type="text" name="reason" required; }
                        button type="submit" { (lang.t("split")) }
                    }
                }
            } @else {
                p.hint { (lang.t("editors_only")) " " a href=(href(lang, "/login", "")) { (lang.t("login")) } }
            }
        }
    };
    Ok(html_page(
        lang,
        &map::display_title(lang, inc),
        caller,
        &here,
        body,
    ))
}

/// A figure's claims that say when they were made, oldest first: the figure over time.
fn dated_claims(fig: &recount_model::Figure) -> Vec<&recount_model::Claim> {
    let mut dated: Vec<_> = fig.claims.iter().filter(|c| c.as_of.is_some()).collect();
    dated.sort_by_key(|c| c.as_of.map(|a| a.first_day()));
    dated
}

/// The edit form's fields.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EditForm {
    pub field: String,
    pub value: String,
    pub reason: String,
    #[serde(default)]
    pub lang: Option<String>,
}

/// The value a form field means: figures are numbers, `null` is none, the rest text; a
/// blank value is refused.
fn form_value(field: &str, value: &str) -> Result<serde_json::Value, ApiError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ApiError::bad_request(format!(
            "{field}: the value is empty; give one, or null to clear the field"
        )));
    }
    if v == "null" {
        return Ok(serde_json::Value::Null);
    }
    if v.parse::<FigureKind>().is_ok() || field.parse::<FigureKind>().is_ok() {
        return v
            .parse::<i64>()
            .map(serde_json::Value::from)
            .map_err(|_| ApiError::bad_request(format!("{field}: '{v}' is not a whole number")));
    }
    Ok(serde_json::Value::String(v.to_string()))
}

fn back_to(lang: Lang, id: &str) -> Response {
    Redirect::to(&href(lang, &format!("/incidents/{id}"), "")).into_response()
}

/// Edit form (editor): sets one field with a reason, then shows the incident.
#[utoipa::path(post, path = "/incidents/{id}/edit", tag = "dashboard",
    params(("id" = String, Path, description = "Incident id")),
    request_body(content = EditForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "Back to the incident"),
              (status = 400, description = "A value refused: the incident again, with the form and the reason", content_type = "text/html"),
              (status = 401, description = "No token", content_type = "text/html"),
              (status = 403, description = "Not an editor", content_type = "text/html")))]
async fn edit_form(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> Response {
    let lang = Lang::pick(f.lang.as_deref(), &headers);
    let run = async {
        let who = caller.require(Role::Editor)?.name.clone();
        let field = f.field.trim();
        let value = form_value(field, &f.value)?;
        api::apply_edits(
            &state,
            who,
            &id,
            vec![(field.to_string(), value)],
            &f.reason,
        )
        .await
    };
    match run.await {
        Ok(id) => back_to(lang, &id),
        // A value refused: the incident again, the form holding what was typed and why.
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let refused = Refused {
                form: &f,
                message: e.message.clone(),
            };
            match render_incident(&state, &caller, lang, &id, Some(&refused)).await {
                Ok(m) => (StatusCode::BAD_REQUEST, html_response(m)).into_response(),
                Err(_) => error_page(lang, &caller, e),
            }
        }
        Err(e) => error_page(lang, &caller, e),
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MergeForm {
    /// The other incident's id.
    pub other: String,
    pub reason: String,
    #[serde(default)]
    pub lang: Option<String>,
}

/// Merge form (editor): makes one incident of this and another.
#[utoipa::path(post, path = "/incidents/{id}/merge", tag = "dashboard",
    params(("id" = String, Path, description = "Incident id")),
    request_body(content = MergeForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "To the merged incident"),
              (status = 401, description = "No token", content_type = "text/html"),
              (status = 403, description = "Not an editor", content_type = "text/html")))]
async fn merge_form(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<MergeForm>,
) -> Response {
    let lang = Lang::pick(f.lang.as_deref(), &headers);
    let run = async {
        let who = caller.require(Role::Editor)?.name.clone();
        api::merge_as(&state, who, vec![id.clone(), f.other.clone()], &f.reason).await
    };
    match run.await {
        Ok(id) => back_to(lang, &id),
        Err(e) => error_page(lang, &caller, e),
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SplitForm {
    /// The report key of the passage to take out.
    pub passage: String,
    pub reason: String,
    #[serde(default)]
    pub lang: Option<String>,
}

/// Split form (editor): takes one passage into an incident of its own.
#[utoipa::path(post, path = "/incidents/{id}/split", tag = "dashboard",
    params(("id" = String, Path, description = "Incident id")),
    request_body(content = SplitForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "To the new incident"),
              (status = 401, description = "No token", content_type = "text/html"),
              (status = 403, description = "Not an editor", content_type = "text/html")))]
async fn split_form(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<SplitForm>,
) -> Response {
    let lang = Lang::pick(f.lang.as_deref(), &headers);
    let run = async {
        let who = caller.require(Role::Editor)?.name.clone();
        api::split_as(&state, who, &id, &f.passage, &f.reason).await
    };
    match run.await {
        Ok((_, new)) => back_to(lang, &new),
        Err(e) => error_page(lang, &caller, e),
    }
}

/// An archived source as inert text: whatever markup or links it holds are shown as
/// characters, never rendered or followed.
#[utoipa::path(get, path = "/sources/{sha256}", tag = "dashboard",
    params(("sha256" = String, Path, description = "The document's sha256"), LangParam),
    responses((status = 200, description = "The source page", content_type = "text/html"),
              (status = 404, description = "No such document", content_type = "text/html")))]
async fn source_page(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(sha): Path<String>,
    Query(lp): Query<LangParam>,
) -> Response {
    let lang = Lang::pick(lp.lang.as_deref(), &headers);
    let run = async {
        caller.may_read(&state)?;
        let sha = check_sha(&sha)?;
        let doc = api::load_document(&state, &sha).await?;
        let text = api::source_text(&state, &sha).await?;
        Ok::<_, ApiError>(html! {
            p { a href=(href(lang, "/", "")) { "← " (lang.t("back")) } }
            h1 { (doc.title.as_deref().unwrap_or(&doc.id)) }
            dl.facts {
                dt { "id" } dd { (doc.id) }
                dt { "sha256" } dd { code { (doc.sha256) } }
                @if let Some(s) = &doc.source { dt { (lang.t("source")) } dd { (s) } }
                @if let Some(p) = doc.published { dt { (lang.t("published")) } dd { (p) } }
                @if let Some(u) = &doc.url { dt { "URL" } dd.url { (u) } }
                dt { (lang.t("archived")) } dd { a href=(format!("/api/sources/{sha}/original")) { (doc.media_type) ", " (doc.size) " bytes" } }
            }
            h2 { (lang.t("text_of_source")) }
            pre #source-text.source { (text) }
        })
    };
    match run.await {
        Ok(body) => html_response(html_page(
            lang,
            &lang.t("source"),
            &caller,
            &format!("/sources/{sha}"),
            body,
        )),
        Err(e) => error_page(lang, &caller, e),
    }
}

/// The login form: paste an API token.
#[utoipa::path(get, path = "/login", tag = "dashboard", params(LangParam),
    responses((status = 200, description = "The login form", content_type = "text/html")))]
async fn login_page(caller: Caller, headers: HeaderMap, Query(lp): Query<LangParam>) -> Response {
    let lang = Lang::pick(lp.lang.as_deref(), &headers);
    html_response(html_page(
        lang,
        &lang.t("login"),
        &caller,
        "/login",
        html! {
            h1 { (lang.t("login")) }
            form #login-form method="post" action="/login" {
                input type="hidden" name="lang" value=(lang.code());
                label { (lang.t("token")) " " input type="password" name="token" required autocomplete="off"; }
                button type="submit" { (lang.t("login")) }
            }
        },
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginForm {
    pub token: String,
    #[serde(default)]
    pub lang: Option<String>,
}

/// Checks the token and keeps it in an HttpOnly, SameSite=Strict cookie.
#[utoipa::path(post, path = "/login", tag = "dashboard",
    request_body(content = LoginForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "Logged in: to the dashboard"),
              (status = 401, description = "Unknown or revoked token", content_type = "text/html")))]
async fn login(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let lang = Lang::pick(f.lang.as_deref(), &headers);
    let secret = f.token.trim().to_string();
    let hash = crate::auth::hash_secret(&secret);
    let found = state
        .with_store(move |s| Ok(s.token_by_secret(&hash)?))
        .await;
    match found {
        Ok(Some(_))
            if secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            (
                [(
                    header::SET_COOKIE,
                    format!("{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict"),
                )],
                Redirect::to(&href(lang, "/", "")),
            )
                .into_response()
        }
        Ok(_) => error_page(
            lang,
            &caller,
            ApiError::unauthorized("unknown or revoked token"),
        ),
        Err(e) => error_page(lang, &caller, e),
    }
}

/// Forgets the dashboard's login.
#[utoipa::path(post, path = "/logout", tag = "dashboard",
    responses((status = 303, description = "Logged out: to the dashboard")))]
async fn logout() -> Response {
    (
        [(
            header::SET_COOKIE,
            format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
        )],
        Redirect::to("/"),
    )
        .into_response()
}

/// The dashboard's style sheet.
#[utoipa::path(get, path = "/static/style.css", tag = "dashboard",
    responses((status = 200, description = "CSS", content_type = "text/css")))]
async fn style() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

/// The parameters of the list of likely duplicates.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DuplicatesQuery {
    /// The lowest score listed (default 1; merging takes 3).
    #[serde(default)]
    pub min_score: Option<i32>,
    /// en or zh (default: the browser's language)
    #[serde(default)]
    pub lang: Option<String>,
}

/// Likely duplicates (editor): pairs of incidents that almost merged, with the evidence
/// for and against, each with a merge form (the same merge as the incident page's).
#[utoipa::path(get, path = "/review/duplicates", tag = "dashboard",
    params(DuplicatesQuery),
    responses((status = 200, description = "The list", content_type = "text/html"),
              (status = 401, description = "No token", content_type = "text/html"),
              (status = 403, description = "Not an editor", content_type = "text/html")))]
async fn duplicates_page(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(q): Query<DuplicatesQuery>,
) -> Response {
    let lang = Lang::pick(q.lang.as_deref(), &headers);
    let min = q.min_score.unwrap_or(1);
    let run = async {
        caller.require(Role::Editor)?;
        state
            .with_store(move |s| {
                let pairs = s.likely_duplicates(min)?;
                let ids: Vec<String> = pairs
                    .iter()
                    .flat_map(|p| [p.a.clone(), p.b.clone()])
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let incidents: HashMap<String, Incident> = s
                    .incidents_by_id(&ids)?
                    .into_iter()
                    .map(|i| (i.id.clone(), i))
                    .collect();
                Ok((pairs, incidents))
            })
            .await
    };
    let (pairs, incidents) = match run.await {
        Ok(found) => found,
        Err(e) => return error_page(lang, &caller, e),
    };
    let side = |id: &str| {
        html! {
            @match incidents.get(id) {
                Some(inc) => {
                    a href=(href(lang, &format!("/incidents/{id}"), "")) { (id) }
                    " " (inc.date.map(|d| d.to_string()).unwrap_or_default())
                    " " (place_name(lang, inc)) " — " (map::display_title(lang, inc))
                }
                None => { (id) }
            }
        }
    };
    let body = html! {
        h1 { (lang.t("duplicates")) }
        p.hint { (lang.t("duplicates_hint")) }
        form method="get" action="/review/duplicates" {
            input type="hidden" name="lang" value=(lang.code());
            label { (lang.t("min_score")) " " input type="number" name="min_score" value=(min); }
            button type="submit" { (lang.t("show")) }
        }
        @if pairs.is_empty() {
            p { (lang.t("no_duplicates")) }
        } @else {
            table #duplicates {
                thead { tr {
                    th { (lang.t("score")) } th { "A / B" }
                    th { (lang.t("evidence_for")) } th { (lang.t("evidence_against")) } th { (lang.t("merge")) }
                } }
                tbody { @for p in &pairs { tr {
                    td.num { (p.score) }
                    td { (side(&p.a)) br; (side(&p.b)) }
                    td { (p.evidence_for.join(", ")) }
                    td { (p.evidence_against.join(", ")) }
                    td {
                        form method="post" action=(format!("/incidents/{}/merge", p.a)) {
                            input type="hidden" name="lang" value=(lang.code());
                            input type="hidden" name="other" value=(p.b);
                            input type="text" name="reason" required placeholder=(lang.t("reason"));
                            button type="submit" { (lang.t("merge")) }
                        }
                    }
                } } }
            }
        }
    };
    html_response(html_page(
        lang,
        &lang.t("duplicates"),
        &caller,
        "/review/duplicates",
        body,
    ))
}
