//! The server's security promises: hostile sources are shown inert, writes need an
//! editor token, large bodies are refused, and no path leaves its route.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use recount_web::Config;

#[tokio::test]
async fn a_hostile_source_is_shown_inert_everywhere() {
    let f = fixture(Config::default());
    let pages = [
        format!("/sources/{}", f.hostile_sha),
        format!("/incidents/{}", f.hostile_id),
        "/".to_string(),
        "/?lang=zh".to_string(),
    ];
    for uri in &pages {
        let a = get(&f.app, uri, None).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        let lower = a.body.to_ascii_lowercase();
        // The pages carry no script of their own, so any script tag would be the source's.
        assert!(!lower.contains("<script"), "{uri} has a live script tag");
        assert!(
            !lower.contains("href=\"javascript:"),
            "{uri} links to javascript:"
        );
        assert!(
            !lower.contains("<img src=x"),
            "{uri} has the source's img tag"
        );
        assert!(
            !lower.contains("<b>shaft 2</b>"),
            "{uri} renders markup from a place detail"
        );
        let csp = a.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{uri}: {csp}");
    }
    // The words are there, as text.
    let src = get(&f.app, &format!("/sources/{}", f.hostile_sha), None).await;
    assert!(src
        .body
        .contains("&lt;script&gt;alert('body')&lt;/script&gt;"));
    assert!(src.body.contains("javascript:alert('link')"));
    let inc = get(&f.app, &format!("/incidents/{}", f.hostile_id), None).await;
    assert!(inc
        .body
        .contains("&lt;script&gt;alert('title')&lt;/script&gt;"));
    assert!(
        inc.body.contains("javascript:alert('url')"),
        "the URL shown as text"
    );

    // The original bytes are served exactly, as plain text that a browser will not sniff,
    // under a sandboxing policy.
    let orig = get(
        &f.app,
        &format!("/api/sources/{}/original", f.hostile_sha),
        None,
    )
    .await;
    assert_eq!(orig.status, StatusCode::OK);
    assert_eq!(orig.body, HOSTILE);
    assert!(orig.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(orig.headers["x-content-type-options"], "nosniff");
    assert!(orig.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
}

#[tokio::test]
async fn writes_need_an_editor_token_and_land_in_the_history_under_its_name() {
    let f = fixture(Config::default());
    let uri = format!("/api/incidents/{}/edit", f.hostile_id);
    let body = br#"{"set": {"dead": 4}, "reason": "official notice of 3 May"}"#.to_vec();

    let none = post_json(&f.app, &uri, None, body.clone()).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.json()["error"]["code"], "unauthorized");
    let reader = post_json(&f.app, &uri, Some(&f.reader), body.clone()).await;
    assert_eq!(reader.status, StatusCode::FORBIDDEN);
    assert_eq!(reader.json()["error"]["code"], "forbidden");
    let forged = post_json(&f.app, &uri, Some("rct_not-a-token"), body.clone()).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

    // The same refusals for merge, split and the dashboard's forms.
    for path in [
        "/api/merge".to_string(),
        format!("/api/incidents/{}/split", f.hostile_id),
    ] {
        assert_eq!(
            post_json(&f.app, &path, None, b"{}".to_vec()).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
        assert_eq!(
            post_json(&f.app, &path, Some(&f.reader), b"{}".to_vec())
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    for action in ["edit", "merge", "split"] {
        let form = Request::post(format!("/incidents/{}/{action}", f.hostile_id))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("recount_token={}", f.reader))
            .body(Body::from(
                "field=dead&value=9&other=x&passage=y&reason=because",
            ))
            .unwrap();
        assert_eq!(
            send(&f.app, form).await.status,
            StatusCode::FORBIDDEN,
            "{action} form as reader"
        );
    }

    let ok = post_json(&f.app, &uri, Some(&f.editor), body.clone()).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let detail = get(&f.app, &format!("/api/incidents/{}", f.hostile_id), None)
        .await
        .json();
    assert_eq!(detail["incident"]["figures"]["dead"]["best"], 4);
    let history = detail["history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["who"], "ed-editor");
    assert_eq!(history[0]["reason"], "official notice of 3 May");

    // A review needs a reason.
    let no_reason = post_json(
        &f.app,
        &uri,
        Some(&f.editor),
        br#"{"set": {"dead": 5}, "reason": " "}"#.to_vec(),
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_twenty_megabyte_body_is_refused() {
    let f = fixture(Config::default());
    let mut body = br#"{"reason": "x", "set": {"title": ""#.to_vec();
    body.extend(std::iter::repeat_n(b'a', 20 * 1024 * 1024));
    body.extend(br#""}}"#);
    for uri in [
        format!("/api/incidents/{}/edit", f.hostile_id),
        "/api/merge".to_string(),
    ] {
        let a = post_json(&f.app, &uri, Some(&f.editor), body.clone()).await;
        assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}: {}", a.body);
    }
    let form = Request::post(format!("/incidents/{}/edit", f.hostile_id))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Bearer {}", f.editor))
        .body(Body::from(body))
        .unwrap();
    assert_eq!(
        send(&f.app, form).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // Nothing was written.
    let detail = get(&f.app, &format!("/api/incidents/{}", f.hostile_id), None)
        .await
        .json();
    assert!(detail["history"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn no_path_leaves_its_route() {
    let f = fixture(Config::default());
    let attempts = [
        "/api/sources/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/sources/..%2F..%2F..%2Fetc%2Fpasswd/original",
        "/api/sources/%2e%2e%2f%2e%2e%2fCargo.toml/text",
        "/sources/../../etc/passwd",
        "/sources/..%2f..%2fetc%2fpasswd",
        "/api/incidents/..%2F..%2Fetc%2Fpasswd",
        "/api/incidents/....%2F%2F....%2F%2Fetc%2Fpasswd",
        "/incidents/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/proofs/..%2F..%2Fetc%2Fpasswd",
        "/static/../../../../etc/passwd",
        "/static/..%2F..%2F..%2FCargo.toml",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/api/tokens/..%2F..%2Fetc%2Fpasswd",
        "/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
    ];
    for uri in attempts {
        for token in [None, Some(f.admin.as_str())] {
            let a = get(&f.app, uri, token).await;
            assert!(
                matches!(
                    a.status,
                    StatusCode::BAD_REQUEST
                        | StatusCode::NOT_FOUND
                        | StatusCode::METHOD_NOT_ALLOWED
                ),
                "{uri}: {} {}",
                a.status,
                a.body
            );
            assert!(!a.body.contains("root:"), "{uri} leaked /etc/passwd");
            assert!(
                !a.body.contains("[workspace]") && !a.body.contains("[package]"),
                "{uri} leaked a file"
            );
            // The API answers a JSON error; a dashboard page an error page.
            if a.body.starts_with("<!DOCTYPE html>") {
                assert!(!uri.starts_with("/api/"), "{uri}: the API answers JSON");
                assert!(
                    a.body.contains(&format!("Error {}", a.status.as_u16())),
                    "{uri}"
                );
            } else if a.status != StatusCode::METHOD_NOT_ALLOWED {
                assert!(
                    a.json()["error"]["message"].is_string(),
                    "{uri}: a JSON error"
                );
            }
        }
    }
}

#[tokio::test]
async fn reads_may_be_private_and_tokens_are_managed_by_admins() {
    let f = fixture(Config {
        public_reads: false,
        ..Config::default()
    });
    for uri in ["/api/incidents", "/", "/api/sources"] {
        assert_eq!(
            get(&f.app, uri, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
        assert_eq!(
            get(&f.app, uri, Some(&f.reader)).await.status,
            StatusCode::OK,
            "{uri}"
        );
    }
    assert_eq!(
        get(&f.app, "/api/tokens", Some(&f.editor)).await.status,
        StatusCode::FORBIDDEN
    );
    let made = post_json(
        &f.app,
        "/api/tokens",
        Some(&f.admin),
        br#"{"name": "newsroom", "role": "reader"}"#.to_vec(),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let secret = made.json()["secret"].as_str().unwrap().to_string();
    assert_eq!(
        get(&f.app, "/api/incidents", Some(&secret)).await.status,
        StatusCode::OK
    );
    let listed = get(&f.app, "/api/tokens", Some(&f.admin)).await;
    assert!(listed.body.contains("newsroom") && !listed.body.contains(&secret));
    let del = Request::delete("/api/tokens/newsroom")
        .header("authorization", format!("Bearer {}", f.admin))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&f.app, del).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&f.app, "/api/incidents", Some(&secret)).await.status,
        StatusCode::UNAUTHORIZED
    );
}
