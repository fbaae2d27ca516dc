//! Every refusal is the JSON error, whoever makes it (a handler, axum's extractors and
//! router, tower-http's limits); and the server does not wait for slow request headers.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use recount_store::SqliteStore;
use recount_web::{AppState, Config};
use std::time::{Duration, Instant};

/// Asserts that an answer is the JSON error with this status and code, and returns its
/// message.
fn json_error(a: &Answer, status: StatusCode, code: &str, what: &str) -> String {
    assert_eq!(a.status, status, "{what}: {}", a.body);
    let kind = a.headers["content-type"].to_str().unwrap();
    assert!(kind.starts_with("application/json"), "{what}: {kind}");
    let v = a.json();
    assert_eq!(v["error"]["code"], code, "{what}: {}", a.body);
    let message = v["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!message.is_empty(), "{what}: {}", a.body);
    message
}

#[tokio::test]
async fn the_refusals_of_axum_and_its_layers_are_the_json_error_too() {
    let f = fixture(Config {
        max_body: 1024,
        ..Config::default()
    });

    // A query parameter that is required and missing (axum's Query rejection).
    let a = get(&f.app, "/api/stats", None).await;
    let m = json_error(&a, StatusCode::BAD_REQUEST, "bad_request", "/api/stats");
    assert!(m.contains("by"), "{m}");
    let a = get(&f.app, "/api/export", None).await;
    json_error(&a, StatusCode::BAD_REQUEST, "bad_request", "/api/export");

    // A path segment that does not decode (axum's Path rejection).
    let a = get(&f.app, "/api/incidents/%FF%FE", None).await;
    json_error(&a, StatusCode::BAD_REQUEST, "bad_request", "bad path");

    // A method the route does not take (axum's router): the Allow header stays.
    let del = Request::delete(format!("/api/incidents/{}", f.hostile_id))
        .body(Body::empty())
        .unwrap();
    let a = send(&f.app, del).await;
    json_error(
        &a,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "DELETE",
    );
    assert!(a.headers["allow"].to_str().unwrap().contains("GET"));

    // An unknown route under /api.
    let a = get(&f.app, "/api/nothing/here", None).await;
    json_error(&a, StatusCode::NOT_FOUND, "not_found", "unknown route");

    // A body over the limit by its Content-Length (tower-http's RequestBodyLimit, which
    // answers before any handler), and one without a length.
    let big = vec![b'x'; 4096];
    let req = Request::post("/api/merge")
        .header("content-type", "application/json")
        .header("content-length", big.len().to_string())
        .header("authorization", format!("Bearer {}", f.editor))
        .body(Body::from(big.clone()))
        .unwrap();
    let a = send(&f.app, req).await;
    json_error(
        &a,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "Content-Length",
    );
    let a = post_json(&f.app, "/api/merge", Some(&f.editor), big).await;
    json_error(
        &a,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "streamed body",
    );

    // Malformed JSON, and a body that says it is not JSON (axum's Json rejection).
    let a = post_json(
        &f.app,
        "/api/merge",
        Some(&f.editor),
        b"{\"ids\": [".to_vec(),
    )
    .await;
    json_error(&a, StatusCode::BAD_REQUEST, "bad_request", "bad JSON");
    let req = Request::post("/api/merge")
        .header("content-type", "text/plain")
        .header("authorization", format!("Bearer {}", f.editor))
        .body(Body::from("ids"))
        .unwrap();
    let a = send(&f.app, req).await;
    json_error(
        &a,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "text/plain body",
    );

    // The dashboard's own error pages stay pages.
    let a = get(&f.app, "/incidents/inc-000000000000", None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.body.starts_with("<!DOCTYPE html>"), "{}", a.body);
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_the_json_error() {
    let f = fixture(Config {
        timeout: Duration::ZERO,
        ..Config::default()
    });
    let a = get(&f.app, "/api/incidents", None).await;
    json_error(
        &a,
        StatusCode::REQUEST_TIMEOUT,
        "request_timeout",
        "timeout",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_half_a_request_line_is_cut_off() {
    let bound = Duration::from_millis(700);
    let state = AppState::new(
        Box::new(SqliteStore::in_memory().unwrap()),
        Config {
            header_timeout: bound,
            ..Config::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(recount_web::serve_until(listener, state, async {
        let _ = stopped.await;
    }));
    let (closed_after, outcome, answer) = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut slow = std::net::TcpStream::connect(addr).unwrap();
        // Far past the bound: a server that never closes fails the test, not hangs it.
        slow.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        slow.write_all(b"GET /api/incid").unwrap();
        let start = Instant::now();
        let mut rest = Vec::new();
        let outcome = slow.read_to_end(&mut rest);
        let closed_after = start.elapsed();
        // The server still answers a whole request on a new connection.
        let mut whole = std::net::TcpStream::connect(addr).unwrap();
        whole
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        whole
            .write_all(b"GET /api/incidents HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        whole.read_to_string(&mut answer).unwrap();
        (closed_after, outcome.map_err(|e| e.kind()), answer)
    })
    .await
    .unwrap();
    // Closed (an end of stream, or a reset): not a read that timed out on our side.
    assert!(
        matches!(outcome, Ok(_) | Err(std::io::ErrorKind::ConnectionReset)),
        "{outcome:?} after {closed_after:?}"
    );
    assert!(
        closed_after < bound + Duration::from_secs(2),
        "the connection stayed open {closed_after:?}"
    );
    assert!(
        closed_after >= bound / 2,
        "closed too early: {closed_after:?}"
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
