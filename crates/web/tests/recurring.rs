//! The dashboard's recurring table: one organisation told in two languages is one row,
//! and its link lands on exactly the incidents the row counted.

mod common;

use axum::http::StatusCode;
use common::*;
use recount_model::Organization;
use recount_store::{SqliteStore, Store};
use recount_web::{AppState, Config};

fn org(name: &str) -> Organization {
    Organization {
        name: name.into(),
        name_en: None,
        role: Some("operator".into()),
    }
}

#[tokio::test]
async fn a_recurring_row_links_to_exactly_the_incidents_it_counted() {
    let mut store = SqliteStore::in_memory().unwrap();
    // The same mine of one province in Chinese and English, three months apart each; a
    // mine of that name in another province; and a report that names it only in passing.
    let items = [
        (
            "a.txt",
            "2024-01-10",
            "520525",
            "新义煤矿",
            "Flood at a mine",
        ),
        (
            "b.txt",
            "2024-04-10",
            "520525",
            "Xinyi Coal Mine",
            "Blast at a mine",
        ),
        (
            "c.txt",
            "2024-07-10",
            "520525",
            "新义煤矿",
            "Roof fall at a mine",
        ),
        (
            "d.txt",
            "2024-05-10",
            "140431",
            "新义煤矿",
            "Fire at a mine",
        ),
        (
            "e.txt",
            "2024-06-10",
            "520525",
            "",
            "Xinyi Coal Mine workers protest",
        ),
    ];
    for (id, date, code, name, title) in items {
        let doc = document(id, id.as_bytes(), title, None);
        let mut r = report(&doc, date, code, 1, title);
        if !name.is_empty() {
            r.organizations = vec![org(name)];
        }
        store.commit(&doc, id.as_bytes(), &[r]).unwrap();
    }
    let app = recount_web::app(AppState::new(Box::new(store), Config::default()));
    let page = get(&app, "/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page
        .body
        .split("id=\"recurring\"")
        .nth(1)
        .expect("a recurring table")
        .split("</table>")
        .next()
        .unwrap()
        .to_string();
    let links: Vec<String> = table
        .split("class=\"org\" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&"))
        .collect();
    assert_eq!(links.len(), 1, "one row, both languages in it: {table}");
    let row_count: usize = table
        .split("<td class=\"num\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("the row's count");
    assert_eq!(row_count, 3);

    let landed = get(&app, &links[0], None).await;
    assert_eq!(landed.status, StatusCode::OK);
    let matching: usize = landed
        .body
        .split("id=\"matching\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("the count of the view");
    assert_eq!(
        matching, row_count,
        "the link lands on what the row counted"
    );
    for title in ["Flood at a mine", "Blast at a mine", "Roof fall at a mine"] {
        assert!(landed.body.contains(title), "{title} missing");
    }
    for title in ["Fire at a mine", "workers protest"] {
        assert!(!landed.body.contains(title), "{title} is not that mine's");
    }
}
