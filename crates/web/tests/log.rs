//! The log's routes: inclusion proofs that name their document, consistency proofs
//! between checkpoints, and their errors as the API's JSON.

mod common;

use axum::http::StatusCode;
use common::*;
use recount_store::{ConsistencyProof, Signer, SigningKey, SqliteStore, Store};
use recount_web::{AppState, Config};

const ORIGIN: &str = "recount.test/log";

/// A store of four documents with checkpoints at sizes 3 and 4, the app over it, the
/// key that signed them and the first document's sha256.
fn signed_app() -> (axum::Router, SigningKey, String) {
    let key = SigningKey::from_bytes(&[5; 32]);
    let signer = Signer {
        origin: ORIGIN,
        key: &key,
    };
    let mut store = SqliteStore::in_memory().unwrap();
    let items = [
        ("a.txt", "Shanxi strike report", "140702"),
        ("b.txt", "Jixi flood report", "230302"),
        ("c.txt", "Tongzi gas blast report", "520322"),
        ("d.txt", "Datong roof fall report", "140200"),
    ];
    let mut first = String::new();
    for (i, (id, text, adcode)) in items.iter().enumerate() {
        let doc = document(id, text.as_bytes(), id, None);
        if i == 0 {
            first = doc.sha256.clone();
        }
        let r = report(&doc, "2024-05-01", adcode, 1, id);
        store.commit(&doc, text.as_bytes(), &[r]).unwrap();
        if i >= 2 {
            store.checkpoint(&signer).unwrap();
        }
    }
    let app = recount_web::app(AppState::new(Box::new(store), Config::default()));
    (app, key, first)
}

#[tokio::test]
async fn an_inclusion_proof_names_its_document_found_by_a_sha256_prefix() {
    let (app, key, sha) = signed_app();
    let answer = get(&app, &format!("/api/proofs/{}", &sha[..12]), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let proofs = answer.json();
    let proofs = proofs.as_array().unwrap();
    assert_eq!(proofs.len(), 1);
    assert_eq!(proofs[0]["doc_id"], "a.txt");
    assert_eq!(proofs[0]["sha256"], sha.as_str());
    let leaf: serde_json::Value =
        serde_json::from_str(proofs[0]["leaf"].as_str().unwrap()).unwrap();
    assert_eq!(leaf["sha256"], sha.as_str());
    let proof = recount_store::Proof::from_json(&proofs[0].to_string()).unwrap();
    assert_eq!(proof.verify(&key.verifying_key()).unwrap().size, 4);
}

#[tokio::test]
async fn a_consistency_proof_goes_from_an_older_size_to_a_checkpoint() {
    let (app, key, _) = signed_app();
    let vk = key.verifying_key();
    let latest = get(&app, "/api/consistency?from=3", None).await;
    assert_eq!(latest.status, StatusCode::OK, "{}", latest.body);
    assert!(latest.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let proof = ConsistencyProof::from_json(&latest.body).unwrap();
    assert_eq!((proof.old_size, proof.new_size), (3, 4));
    assert!(proof.old_checkpoint.is_some(), "the log signed size 3");
    assert_eq!(proof.verify(&vk).unwrap().size, 4);

    let between = get(&app, "/api/consistency?from=1&to=3", None).await;
    let proof = ConsistencyProof::from_json(&between.body).unwrap();
    assert_eq!((proof.old_size, proof.new_size), (1, 3));
    assert!(proof.old_checkpoint.is_none());
    assert!(proof.verify(&vk).is_ok());
}

#[tokio::test]
async fn consistency_errors_are_the_apis_json() {
    let (app, _, _) = signed_app();
    for (uri, status, words) in [
        ("/api/consistency", StatusCode::BAD_REQUEST, "from"),
        (
            "/api/consistency?from=x",
            StatusCode::BAD_REQUEST,
            "not a tree size",
        ),
        (
            "/api/consistency?from=1&to=-2",
            StatusCode::BAD_REQUEST,
            "to:",
        ),
        ("/api/consistency?from=5", StatusCode::BAD_REQUEST, "larger"),
        (
            "/api/consistency?from=3&to=2",
            StatusCode::NOT_FOUND,
            "size 2",
        ),
    ] {
        let a = get(&app, uri, None).await;
        assert_eq!(a.status, status, "{uri}: {}", a.body);
        let body = a.json();
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{uri}: {message}");
    }
    let empty = recount_web::app(AppState::new(
        Box::new(SqliteStore::in_memory().unwrap()),
        Config::default(),
    ));
    let a = get(&empty, "/api/consistency?from=0", None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["error"]["code"], "not_found");
}
