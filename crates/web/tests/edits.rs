//! Edits with values no record can have are refused: 400 with the JSON error on the API,
//! and on the dashboard the incident again with the form holding what was typed and why.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use recount_web::Config;

#[tokio::test]
async fn bad_values_are_refused_and_change_nothing() {
    let f = fixture(Config::default());
    let uri = format!("/api/incidents/{}/edit", f.hostile_id);
    let before = get(&f.app, &format!("/api/incidents/{}", f.hostile_id), None)
        .await
        .json();
    for (set, says) in [
        (r#"{"dead": -5}"#, "below zero"),
        (r#"{"sector": "banana"}"#, "is not a sector"),
        (r#"{"mechanism": "sabotage"}"#, "is not a mechanism"),
        (r#"{"date_end": "1999-01-01"}"#, "before the start"),
        (r#"{"dead": ""}"#, "empty"),
        (r#"{"place": "Nowhere Town"}"#, "no place is called"),
    ] {
        let body = format!(r#"{{"set": {set}, "reason": "checking"}}"#).into_bytes();
        let r = post_json(&f.app, &uri, Some(&f.editor), body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{set}: {}", r.body);
        let json = r.json();
        assert_eq!(json["error"]["code"], "bad_request", "{set}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{set}: {message}");
    }
    let blank_reason = br#"{"set": {"dead": 3}, "reason": "  "}"#.to_vec();
    let r = post_json(&f.app, &uri, Some(&f.editor), blank_reason).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let after = get(&f.app, &format!("/api/incidents/{}", f.hostile_id), None)
        .await
        .json();
    assert_eq!(before["incident"], after["incident"], "nothing was changed");
    assert!(after["history"].as_array().unwrap().is_empty());

    // The form: the incident again, with the message and what was typed.
    let form = Request::post(format!("/incidents/{}/edit", f.hostile_id))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("recount_token={}", f.editor))
        .body(Body::from("field=sector&value=banana&reason=typo+check"))
        .unwrap();
    let page = send(&f.app, form).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("id=\"edit-form\""),
        "the form is shown again"
    );
    assert!(
        page.body.contains("&#39;banana&#39; is not a sector")
            || page.body.contains("'banana' is not a sector"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"banana\""));
    assert!(page.body.contains("value=\"typo check\""));
    assert!(page.body.contains("<option value=\"sector\" selected"));
    // A good value then goes through, and low ≤ best ≤ high holds.
    let ok = post_json(
        &f.app,
        &uri,
        Some(&f.editor),
        br#"{"set": {"sector": "coal_mining", "dead": 2}, "reason": "notice"}"#.to_vec(),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let d = get(&f.app, &format!("/api/incidents/{}", f.hostile_id), None)
        .await
        .json();
    let dead = &d["incident"]["figures"]["dead"];
    let (low, best, high) = (
        dead["low"].as_i64().unwrap(),
        dead["best"].as_i64().unwrap(),
        dead["high"].as_i64().unwrap(),
    );
    assert_eq!(best, 2);
    assert!(low <= best && best <= high, "{dead}");
}
