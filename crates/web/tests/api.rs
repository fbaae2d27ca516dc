//! The API's behaviour and its OpenAPI document.

mod common;

use axum::http::StatusCode;
use common::*;
use recount_web::Config;
use std::collections::BTreeSet;

#[tokio::test]
async fn pages_of_the_listing_follow_cursors_to_every_incident() {
    let f = fixture(Config::default());
    let mut seen = Vec::new();
    let mut uri = "/api/incidents?limit=1".to_string();
    loop {
        let page = get(&f.app, &uri, None).await.json();
        for i in page["items"].as_array().unwrap() {
            seen.push(i["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/incidents?limit=1&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, f.ids, "each incident once, latest first");
    let bad = get(&f.app, "/api/incidents?cursor=bm9wZQ", None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["code"], "bad_request");
    assert_eq!(
        get(&f.app, "/api/incidents?limit=100000", None)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn filters_search_and_stats_agree() {
    let f = fixture(Config::default());
    let ids = |v: serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    let shanxi = get(&f.app, "/api/incidents?place=Shanxi", None)
        .await
        .json();
    assert_eq!(shanxi["items"].as_array().unwrap().len(), 1);
    assert_eq!(shanxi["items"][0]["location"]["adcode"], "140702");
    let dead = ids(get(&f.app, "/api/incidents?min_dead=5", None).await.json());
    assert_eq!(dead.len(), 1);
    let found = get(&f.app, "/api/search?q=kunyuan", None).await.json();
    assert_eq!(ids(found), dead, "the flood at Kunyuan mine has 7 dead");
    assert_eq!(
        get(&f.app, "/api/search", None).await.status,
        StatusCode::BAD_REQUEST
    );
    let by_province = get(&f.app, "/api/stats?by=province", None).await.json();
    let rows = by_province.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let hlj = rows.iter().find(|r| r["key"] == "230000").unwrap();
    assert_eq!(
        (hlj["incidents"].as_u64(), hlj["dead"].as_i64()),
        (Some(1), Some(7))
    );
    assert_eq!(hlj["label_zh"], "黑龙江省");
    let months = get(&f.app, "/api/stats?by=month&from=2024", None)
        .await
        .json();
    let keys: Vec<&str> = months
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["2024-03", "2024-05"]);
    assert_eq!(
        get(&f.app, "/api/stats?by=colour", None).await.status,
        StatusCode::BAD_REQUEST
    );
    let csv = get(
        &f.app,
        "/api/export?format=csv&type=accident&place=230000",
        None,
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.body.lines().count(),
        2,
        "header and one incident: {}",
        csv.body
    );
    let jsonl = get(&f.app, "/api/export?format=jsonl", None).await;
    assert_eq!(jsonl.body.lines().count(), 3);
}

fn documented() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(recount_web::openapi()).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.to_uppercase(), path.clone()));
        }
    }
    out
}

#[tokio::test]
async fn the_openapi_document_is_valid_and_served() {
    let f = fixture(Config::default());
    let served = get(&f.app, "/openapi.json", None).await;
    assert_eq!(served.status, StatusCode::OK);
    let spec = oas3::from_json(&served.body).expect("a valid OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3."));
    // Every operation has a response and every path parameter is declared.
    let paths = spec.paths.unwrap();
    assert!(paths.len() >= 20);
    for (path, item) in &paths {
        for (method, op) in item.methods() {
            assert!(
                op.responses.as_ref().is_some_and(|r| !r.is_empty()),
                "{method} {path}: no responses"
            );
            let declared: Vec<String> = op
                .parameters
                .iter()
                .filter_map(|p| match p {
                    oas3::spec::ObjectOrReference::Object(p) => Some(p.name.clone()),
                    _ => None,
                })
                .collect();
            for seg in path.split('/').filter(|s| s.starts_with('{')) {
                let name = seg.trim_matches(|c| c == '{' || c == '}');
                assert!(
                    declared.iter().any(|d| d == name),
                    "{method} {path}: {name} undeclared"
                );
            }
        }
    }
}

/// Every route the router answers is in the document: each documented operation is
/// routed (never the fallback's 404 or a 405), and every link and form on the
/// dashboard's pages goes to a documented path.
#[tokio::test]
async fn every_route_is_in_the_openapi_document() {
    let f = fixture(Config::default());
    let ops = documented();
    for (method, path) in &ops {
        let uri = path
            .replace("{id}", &f.hostile_id)
            .replace("{sha256}", &f.hostile_sha)
            .replace("{name}", "nobody");
        let req = axum::http::Request::builder()
            .method(method.as_str())
            .uri(&uri)
            .header("authorization", format!("Bearer {}", f.admin))
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{}"))
            .unwrap();
        let a = send(&f.app, req).await;
        assert_ne!(
            a.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} is not routed"
        );
        assert!(
            !a.body.contains("no such route"),
            "{method} {path} is not routed"
        );
    }
    let template_match = |path: &str| {
        ops.iter().any(|(_, t)| {
            let (a, b): (Vec<&str>, Vec<&str>) =
                (t.split('/').collect(), path.split('/').collect());
            a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.starts_with('{') || x == y)
        })
    };
    let editor_cookie = format!("recount_token={}", f.editor);
    for page in [
        "/".to_string(),
        format!("/incidents/{}", f.hostile_id),
        format!("/sources/{}", f.hostile_sha),
        "/login".into(),
    ] {
        let req = axum::http::Request::get(&page)
            .header("cookie", &editor_cookie)
            .body(axum::body::Body::empty())
            .unwrap();
        let body = send(&f.app, req).await.body;
        for attr in ["href=\"", "action=\""] {
            for part in body.split(attr).skip(1) {
                let target = part.split('"').next().unwrap();
                if !target.starts_with('/') {
                    continue;
                }
                let path = target.split('?').next().unwrap();
                assert!(template_match(path), "{page} links to undocumented {path}");
            }
        }
    }
}

#[tokio::test]
async fn risk_lists_recurring_places_and_refuses_bad_parameters() {
    let f = fixture(Config::default());
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["key"].as_str().unwrap().to_string())
            .collect()
    };
    // One incident per county: none recurs twice.
    let r = get(&f.app, "/api/risk?by=county", None).await.json();
    assert!(keys(&r).is_empty());
    assert_eq!(r["as_of"], "2024-05-01", "the latest date");
    // Every county with an incident in the year to May 2024, then in March to May.
    let year = get(
        &f.app,
        "/api/risk?by=county&min_incidents=1&repeat=1/12m&as_of=2024-05",
        None,
    )
    .await
    .json();
    assert_eq!(year["as_of"], "2024-05-31");
    assert_eq!(keys(&year).len(), 3);
    let spring = get(
        &f.app,
        "/api/risk?by=county&min_incidents=1&repeat=1/3m&as_of=2024-05",
        None,
    )
    .await
    .json();
    // Equal in months and incidents: the deadlier first.
    assert_eq!(keys(&spring), ["520322", "140702"]);
    // The three share a detail ("Shaft 2") but lie in three provinces: three sites.
    let sites = get(&f.app, "/api/risk?by=site&min_incidents=1", None)
        .await
        .json();
    assert_eq!(keys(&sites).len(), 3);
    for bad in [
        "by=colour",
        "window=4x",
        "repeat=5/4m",
        "as_of=May",
        "min_incidents=two",
    ] {
        let a = get(&f.app, &format!("/api/risk?{bad}"), None).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
        let name = bad.split('=').next().unwrap();
        assert!(
            a.json()["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(name),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_dashboard_lists_an_organisation_that_comes_back() {
    use recount_model::Organization;
    use recount_store::{SqliteStore, Store};
    let mut store = SqliteStore::in_memory().unwrap();
    let dates = ["2024-01-10", "2024-03-10", "2024-06-10"];
    for (i, date) in dates.iter().enumerate() {
        let body = format!("Kunyuan report {i}");
        let doc = document(&format!("k{i}.txt"), body.as_bytes(), "Kunyuan", None);
        let mut r = report(&doc, date, "140702", 1, "Accident at Kunyuan");
        r.organizations = vec![Organization {
            name: "Kunyuan Coal Mine".into(),
            name_en: Some("Kunyuan Coal Mine".into()),
            role: None,
        }];
        store.commit(&doc, body.as_bytes(), &[r]).unwrap();
    }
    let once = document("once.txt", b"Dahe report", "Dahe", None);
    let mut r = report(&once, "2024-02-02", "520322", 0, "Strike at Dahe");
    r.organizations = vec![Organization {
        name: "Dahe Coal Mine".into(),
        name_en: None,
        role: None,
    }];
    store.commit(&once, b"Dahe report", &[r]).unwrap();
    assert_eq!(store.incidents(&Default::default()).unwrap().len(), 4);
    let app = recount_web::app(recount_web::AppState::new(
        Box::new(store),
        Config::default(),
    ));
    let page = get(&app, "/", None).await.body;
    let section = page
        .split("id=\"recurring\"")
        .nth(1)
        .expect("a recurring section")
        .split("</section>")
        .next()
        .unwrap();
    assert!(section.contains("Kunyuan Coal Mine"), "{section}");
    assert!(section.contains("2024-06-10"), "the latest date: {section}");
    assert!(
        !section.contains("Dahe"),
        "once is no recurrence: {section}"
    );
    // Narrowed to one incident, nothing recurs.
    let one = get(&app, "/?from=2024-06", None).await.body;
    assert!(!one.contains("id=\"recurring\""));
}

#[tokio::test]
async fn search_uses_the_index_with_snippets_and_filters() {
    let f = fixture(Config::default());
    let found = get(&f.app, "/api/search?q=Kunyuan%20mine", None)
        .await
        .json();
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["location"]["adcode"], "230302");
    let hit = &found["hits"][0];
    assert_eq!(hit["id"], items[0]["id"]);
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    let marked = hit["snippets"][0]["marked"].as_str().unwrap();
    assert!(marked.contains("[Kunyuan]"), "{marked}");
    // English words are stemmed: "strikes" finds the strike.
    let strikes = get(&f.app, "/api/search?q=strikes", None).await.json();
    assert_eq!(strikes["items"].as_array().unwrap().len(), 1);
    // The listing's filters apply.
    let none = get(&f.app, "/api/search?q=Kunyuan&place=Shanxi", None)
        .await
        .json();
    assert!(none["items"].as_array().unwrap().is_empty());
    // The dashboard's text box goes through the index too.
    let page = get(&f.app, "/?q=kunyuan", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert_eq!(html.matches("<tr data-id=").count(), 1, "{html}");
}
