//! A store with a few incidents and tokens, and requests against the app in memory.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use recount_model::{
    ClaimDraft, Document, FigureKind, IncidentType, Place, PlaceLevel, Qualifier, Report, Speaker,
};
use recount_store::{Role, SqliteStore, Store};
use recount_web::{hash_secret, AppState, Config};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

pub struct Fixture {
    pub app: Router,
    pub reader: String,
    pub editor: String,
    pub admin: String,
    /// The hostile document's sha256 and its incident's id.
    pub hostile_sha: String,
    pub hostile_id: String,
    pub ids: Vec<String>,
    /// The search index's directory, removed with the fixture.
    pub index: tempfile::TempDir,
}

/// A document whose text holds a script, a `javascript:` link and a hostile title and URL.
pub const HOSTILE: &str = "<html><head><title>Mine blast</title></head><body>\
<p>Three miners died in a gas blast.</p><script>alert('body')</script>\
<a href=\"javascript:alert('link')\">more</a><img src=x onerror=\"alert('img')\"></body></html>";

pub fn document(id: &str, bytes: &[u8], title: &str, url: Option<&str>) -> Document {
    Document {
        id: id.into(),
        sha256: hex::encode(Sha256::digest(bytes)),
        media_type: "text/html".into(),
        fetched_at: "2025-01-01T00:00:00Z".into(),
        published: Some("2024-05-02".parse().unwrap()),
        source: Some("test".into()),
        lang: Some("en".into()),
        title: Some(title.into()),
        url: url.map(str::to_string),
        size: bytes.len() as u64,
        modified: None,
    }
}

pub fn report(doc: &Document, date: &str, adcode: &str, dead: i64, title: &str) -> Report {
    Report {
        key: format!("{}:0", doc.sha256),
        doc: doc.id.clone(),
        kind: IncidentType::Accident,
        sector: Some("coal_mining".into()),
        mechanism: Some("gas_explosion".into()),
        grievance: None,
        date: Some(date.parse().unwrap()),
        date_end: None,
        date_uncertain: false,
        place: Some(Place {
            country: "CN".into(),
            adcode: Some(adcode.into()),
            level: PlaceLevel::County,
            name: None,
            name_en: None,
            detail: Some("<b>Shaft 2</b>".into()),
            lat: None,
            lon: None,
        }),
        place_uncertain: false,
        organizations: vec![],
        claims: vec![ClaimDraft {
            kind: FigureKind::Dead,
            value: dead,
            qualifier: Qualifier::Exact,
            value_max: None,
            attributed_to: Speaker::Official,
            disputed: false,
            quote: format!("{dead} died <script>alert('quote')</script>"),
        }],
        as_of: Some(date.parse().unwrap()),
        title: title.into(),
        lang: "en".into(),
        quote: "miners died".into(),
        keys: vec![],
    }
}

/// id, bytes, date, adcode, dead, title, url.
type Seed<'a> = (
    &'a str,
    &'a [u8],
    &'a str,
    &'a str,
    i64,
    &'a str,
    Option<&'a str>,
);

pub fn fixture(config: Config) -> Fixture {
    let mut store = SqliteStore::in_memory().unwrap();
    let mut ids = Vec::new();
    let (mut hostile_sha, mut hostile_id) = (String::new(), String::new());
    let items: [Seed; 3] = [
        (
            "hostile.html",
            HOSTILE.as_bytes(),
            "2024-05-01",
            "520322",
            3,
            "<script>alert('title')</script>",
            Some("javascript:alert('url')"),
        ),
        (
            "shanxi.txt",
            b"Shanxi strike report",
            "2024-03-03",
            "140702",
            0,
            "Strike in Yuci",
            None,
        ),
        (
            "heilongjiang.txt",
            b"Jixi flood report",
            "2023-08-08",
            "230302",
            7,
            "Flood at Kunyuan mine",
            Some("https://example.org/report"),
        ),
    ];
    for (id, bytes, date, code, dead, title, url) in items {
        let doc = document(id, bytes, title, url);
        store
            .commit(&doc, bytes, &[report(&doc, date, code, dead, title)])
            .unwrap();
    }
    for inc in store.incidents(&Default::default()).unwrap() {
        if inc.sources.iter().any(|s| s.doc == "hostile.html") {
            hostile_id = inc.id.clone();
            hostile_sha = inc.sources[0].sha256.clone().unwrap();
        }
        ids.push(inc.id);
    }
    let mut secret = |name: &str, role: Role| {
        let s = recount_web::new_secret();
        store.create_token(name, role, &hash_secret(&s)).unwrap();
        s
    };
    let reader = secret("rita-reader", Role::Reader);
    let editor = secret("ed-editor", Role::Editor);
    let admin = secret("ada-admin", Role::Admin);
    let index = tempfile::tempdir().unwrap();
    let search = recount_search::SearchIndex::open_or_create(index.path()).unwrap();
    let app = recount_web::app(AppState::new(Box::new(store), config).with_search(search));
    Fixture {
        app,
        reader,
        editor,
        admin,
        hostile_sha,
        hostile_id,
        ids,
        index,
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

pub async fn send(app: &Router, req: Request<Body>) -> Answer {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn get(app: &Router, uri: &str, token: Option<&str>) -> Answer {
    let mut req = Request::get(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    send(app, req.body(Body::empty()).unwrap()).await
}

pub async fn post_json(app: &Router, uri: &str, token: Option<&str>, body: Vec<u8>) -> Answer {
    let mut req = Request::post(uri).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    send(app, req.body(Body::from(body)).unwrap()).await
}
