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
