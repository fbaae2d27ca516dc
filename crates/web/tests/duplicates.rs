//! The editors' list of likely duplicates: the pair, its evidence, and a merge form that
//! makes one incident of them.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use recount_store::{Role, SqliteStore, Store};
use recount_web::{hash_secret, AppState, Config};

#[tokio::test]
async fn editors_see_a_pair_that_almost_merged_and_merge_it_from_the_list() {
    let mut store = SqliteStore::in_memory().unwrap();
    // One blast told with dates five days apart: too far to merge on their own.
    for (id, date, dead) in [
        ("first.txt", "2024-03-08", 5),
        ("later.txt", "2024-03-13", 7),
    ] {
        let doc = document(id, id.as_bytes(), "Blast", None);
        let mut r = report(&doc, date, "140431", dead, "Blast at the Dahe mine");
        r.keys = vec!["dahe|mine".into()];
        store.commit(&doc, id.as_bytes(), &[r]).unwrap();
    }
    assert_eq!(store.incidents(&Default::default()).unwrap().len(), 2);
    let editor = recount_web::new_secret();
    store
        .create_token("ed", Role::Editor, &hash_secret(&editor))
        .unwrap();
    let reader = recount_web::new_secret();
    store
        .create_token("rita", Role::Reader, &hash_secret(&reader))
        .unwrap();
    let app = recount_web::app(AppState::new(Box::new(store), Config::default()));

    assert_eq!(
        get(&app, "/review/duplicates", Some(&reader)).await.status,
        StatusCode::FORBIDDEN
    );
    let page = get(&app, "/review/duplicates", Some(&editor)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("5 days apart"), "{}", page.body);
    assert!(page.body.contains("same organisation or site"));
    let action = page
        .body
        .split("action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/merge"))
        .expect("a merge form")
        .to_string();
    let other = page
        .body
        .split("name=\"other\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the other incident")
        .to_string();
    assert!(action.ends_with("/merge"), "{action}");
    let higher = get(&app, "/review/duplicates?min_score=6", Some(&editor)).await;
    assert!(higher
        .body
        .contains("No pair of incidents scores this high."));

    let form = Request::post(&action)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("recount_token={editor}"))
        .body(Body::from(format!(
            "other={other}&reason=listed+as+a+duplicate"
        )))
        .unwrap();
    let merged = send(&app, form).await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    let list = get(&app, "/api/incidents", None).await.json();
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["figures"]["dead"]["best"], 7);
    let after = get(&app, "/review/duplicates", Some(&editor)).await;
    assert!(after
        .body
        .contains("No pair of incidents scores this high."));
}
