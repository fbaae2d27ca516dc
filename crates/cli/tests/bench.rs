//! `recount bench places`: one JSON line per passage and the timing summary on stderr.

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn bench_places_prints_one_place_per_passage_and_a_timing_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("passages.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id": "zh", "text": "贵州省遵义市桐梓县大河煤矿工人罢工"}"#,
            "\n",
            r#"{"id": "en", "text": "Workers at a mine in Yuci District, Jinzhong, Shanxi went on strike"}"#,
            "\n",
            r#"{"id": "none", "text": "工人们下班后一起吃了晚饭。"}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = Command::cargo_bin("recount")
        .expect("binary built")
        .args(["bench", "places"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let rows: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(rows.len(), 3);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["zh", "en", "none"]);
    assert_eq!(rows[0]["adcode"], "520322");
    assert_eq!(rows[0]["level"], "county");
    assert_eq!(rows[0]["country"], "CN");
    assert_eq!(rows[1]["adcode"], "140702");
    assert_eq!(rows[2]["adcode"], Value::Null);

    let stderr = String::from_utf8(out.stderr).unwrap();
    let summary = stderr.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("places: 3 passages in ")
            && summary.contains(" ms (")
            && summary.ends_with(" passages/s)"),
        "{stderr}"
    );
}

/// Many tellings of one accident make one incident, found and compared through a few
/// representatives; splitting a representative out leaves the rest findable, so a new
/// telling still joins them; and every row still verifies.
#[test]
fn one_event_told_many_times_is_one_incident_matched_through_representatives() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    let recount = |args: &[&str]| {
        let o = Command::cargo_bin("recount")
            .expect("binary built")
            .arg("--db")
            .arg(dir.path().join("r.db"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    recount(&[
        "bench",
        "generate",
        "--one-event",
        "--reports",
        "40",
        "--out",
        out.to_str().unwrap(),
    ]);
    let file = out.join("reports/one-event.jsonl");
    let lines: Vec<String> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 40);
    // All but the last telling first; the last comes after a split.
    let first = dir.path().join("first.jsonl");
    std::fs::write(&first, lines[..39].join("\n")).unwrap();
    recount(&["ingest", first.to_str().unwrap()]);
    let incidents = recount(&["incidents", "--format", "jsonl"]);
    assert_eq!(incidents.lines().count(), 1, "{incidents}");
    let db = rusqlite::Connection::open(dir.path().join("r.db")).unwrap();
    let count = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    let reps = count("SELECT COUNT(*) FROM reports WHERE rep = 1");
    assert!(
        (1..39).contains(&reps),
        "{reps} representatives for 39 alike tellings"
    );
    assert_eq!(
        count("SELECT COUNT(DISTINCT signature) FROM reports"),
        reps,
        "one representative per signature"
    );
    // Split out a representative that shares its signature with others.
    let (id, key): (String, String) = db
        .query_row(
            "SELECT incident, key FROM reports r WHERE rep = 1 AND
               (SELECT COUNT(*) FROM reports o WHERE o.signature = r.signature) > 1
             ORDER BY key LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    recount(&[
        "split",
        &id,
        "--passage",
        &key,
        "--reason",
        "test",
        "--who",
        "t",
    ]);
    assert_eq!(
        count("SELECT COUNT(DISTINCT signature) FROM reports WHERE rep = 1 AND pin NOT LIKE 'alone:%'"),
        count("SELECT COUNT(DISTINCT signature) FROM reports WHERE pin NOT LIKE 'alone:%'"),
        "every signature left in the incident has a representative"
    );
    let last = dir.path().join("last.jsonl");
    std::fs::write(&last, &lines[39]).unwrap();
    recount(&["ingest", last.to_str().unwrap()]);
    let incidents = recount(&["incidents", "--format", "jsonl"]);
    assert_eq!(
        incidents.lines().count(),
        2,
        "the last telling joins the rest, not the report split off: {incidents}"
    );
    let verified = recount(&["verify"]);
    assert!(verified.contains("every one matches"), "{verified}");
}
