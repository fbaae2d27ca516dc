//! End-to-end tests of the `recount` binary against a real SQLite file.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn recount(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.arg("--db").arg(db);
    cmd
}

fn export(db: &Path) -> Vec<Value> {
    let out = recount(db)
        .args(["export", "--format", "jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn sample_corpus_ingests_once_and_a_second_ingest_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let corpus = repo().join("samples/corpus");
    recount(&db)
        .arg("ingest")
        .arg(&corpus)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 failed"));
    let first = export(&db);
    assert!(
        first.len() >= 10,
        "only {} incidents from the samples",
        first.len()
    );
    let again = recount(&db).arg("ingest").arg(&corpus).output().unwrap();
    assert!(again.status.success());
    let summary = String::from_utf8(again.stdout).unwrap();
    assert!(
        summary.contains(" 0 new,") && summary.contains("incidents: 0 new, 0 updated"),
        "{summary}"
    );
    assert_eq!(export(&db), first);
}

#[test]
fn bad_files_fail_alone_and_set_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("empty.txt"), b"").unwrap();
    std::fs::write(
        input.join("blob.txt"),
        [0x7f, b'E', b'L', b'F', 0, 1, 2, 3, 0, 0],
    )
    .unwrap();
    std::fs::write(
        input.join("good.txt"),
        "On March 3, 2024, a gas explosion at a coal mine in Qinyuan County, Changzhi, Shanxi killed 5 miners.",
    )
    .unwrap();
    let db = dir.path().join("r.db");
    let out = recount(&db).arg("ingest").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines
        .iter()
        .any(|l| l.contains("empty.txt") && l.contains("empty")));
    assert!(lines
        .iter()
        .any(|l| l.contains("blob.txt") && l.contains("binary")));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("documents: 1 new, 0 duplicate, 2 failed"),
        "{stdout}"
    );
    let incidents = export(&db);
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0]["figures"]["dead"]["best"], 5);
}

#[test]
fn oversized_documents_are_refused_by_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("long.txt");
    std::fs::write(&f, "x ".repeat(5000)).unwrap();
    recount(&dir.path().join("r.db"))
        .args(["ingest", "--max-bytes", "1000"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("long.txt").and(predicate::str::contains("--max-bytes")));
}

#[test]
fn gb18030_html_is_decoded_and_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let html = "<html><head><meta charset=\"gb18030\"><meta name=\"publishdate\" content=\"2024-07-02\"></head><body>\
        <nav>首页 新闻 财经</nav><div class=\"ad\">广告招商热线</div>\
        <article><h1>化工厂火灾</h1><p>7月1日下午,山东省东营市垦利区一家化工厂发生火灾,造成2人死亡、5人受伤。</p>\
        <p>当地应急管理部门通报,事故原因正在调查。</p></article>\
        <div class=\"comments\">网友评论:太可怕了</div></body></html>";
    let (bytes, _, _) = encoding_rs::GB18030.encode(html);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be UTF-8"
    );
    let f = dir.path().join("fire.html");
    std::fs::write(&f, &bytes).unwrap();
    let db = dir.path().join("r.db");
    recount(&db).arg("ingest").arg(&f).assert().success();
    let incidents = export(&db);
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    let inc = &incidents[0];
    assert_eq!(inc["type"], "accident");
    assert_eq!(inc["date"], "2024-07-01");
    assert_eq!(inc["location"]["adcode"], "370505");
    assert_eq!(inc["figures"]["dead"]["best"], 2);
    assert_eq!(inc["figures"]["injured"]["best"], 5);
    assert_eq!(inc["sources"][0]["published"], "2024-07-02");
}

#[test]
fn listing_filters_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    recount(&db)
        .arg("ingest")
        .arg(repo().join("samples/corpus"))
        .assert()
        .success();
    let all = export(&db);
    let count = |args: &[&str]| -> usize {
        let out = recount(&db)
            .arg("incidents")
            .args(args)
            .args(["--format", "jsonl"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().lines().count()
    };
    assert_eq!(count(&[]), all.len());
    let accidents = all.iter().filter(|i| i["type"] == "accident").count();
    assert_eq!(count(&["--type", "accident"]), accidents);
    let guizhou = all
        .iter()
        .filter(|i| {
            i["location"]["adcode"]
                .as_str()
                .is_some_and(|c| c.starts_with("52"))
        })
        .count();
    assert!(guizhou > 0);
    assert_eq!(count(&["--place", "贵州"]), guizhou);
    assert_eq!(count(&["--place", "Guizhou"]), guizhou);
    assert_eq!(count(&["--place", "520000"]), guizhou);
    let deadly = all
        .iter()
        .filter(|i| {
            i["figures"]["dead"]["best"]
                .as_i64()
                .is_some_and(|d| d >= 3)
        })
        .count();
    assert_eq!(count(&["--min-dead", "3"]), deadly);
    recount(&db)
        .args(["incidents", "--place", "Atlantis"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("Atlantis"));
    let table = recount(&db).arg("incidents").output().unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.starts_with("ID"));
    assert!(text
        .trim_end()
        .ends_with(&format!("{} incidents", all.len())));
    let csv = recount(&db)
        .args(["incidents", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(csv.stdout).unwrap().lines().count(),
        all.len() + 1
    );
}

#[test]
fn show_prints_claims_with_sources_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    recount(&db)
        .arg("ingest")
        .arg(repo().join("samples/corpus"))
        .assert()
        .success();
    let all = export(&db);
    let with_dead = all
        .iter()
        .find(|i| {
            i["figures"]["dead"]["claims"]
                .as_array()
                .is_some_and(|c| !c.is_empty())
        })
        .expect("an incident with deaths");
    let id = with_dead["id"].as_str().unwrap();
    let claim = &with_dead["figures"]["dead"]["claims"][0];
    recount(&db).args(["show", id]).assert().success().stdout(
        predicate::str::contains(id)
            .and(predicate::str::contains("dead: best"))
            .and(predicate::str::contains(claim["source"].as_str().unwrap()))
            .and(predicate::str::contains("sources:")),
    );
    recount(&db)
        .args(["show", "inc-nothing"])
        .assert()
        .failure();
}

#[test]
fn shared_seed_export_is_schema_valid_and_reingest_is_a_no_op() {
    let shared = recount_testkit::shared();
    let seeds = shared.join("corpus/seeds");
    let schema_path = shared.join("schema/incident.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seeds.db");
    recount(&db).arg("ingest").arg(&seeds).assert().success();
    let first = export(&db);
    assert!(!first.is_empty());
    for inc in &first {
        let errors: Vec<String> = validator.iter_errors(inc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", inc["id"]);
    }
    let out = recount(&db).arg("ingest").arg(&seeds).output().unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("0 new, 5 duplicate"));
    assert_eq!(export(&db).len(), first.len());
}

/// Every incident without its `updated_at`, by id.
fn by_id(incidents: Vec<Value>) -> std::collections::BTreeMap<String, Value> {
    incidents
        .into_iter()
        .map(|mut v| {
            v.as_object_mut().unwrap().remove("updated_at");
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

#[test]
fn ingest_order_does_not_change_the_incidents() {
    let corpus = repo().join("samples/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".meta.json"))
        .collect();
    files.sort();
    let dir = tempfile::tempdir().unwrap();
    let forward = dir.path().join("forward.db");
    recount(&forward)
        .arg("ingest")
        .args(&files)
        .assert()
        .success();
    let reverse = dir.path().join("reverse.db");
    for f in files.iter().rev() {
        recount(&reverse).arg("ingest").arg(f).assert().success();
    }
    let (a, b) = (by_id(export(&forward)), by_id(export(&reverse)));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert_eq!(a, b);
}

/// Runs a command that must succeed and returns its standard output.
fn ok(db: &Path, args: &[&str]) -> String {
    let out = recount(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn two_event_db(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("a.txt"),
        "On March 3, 2024, a gas explosion at a coal mine in Qinyuan County, Changzhi, Shanxi killed 5 miners.",
    )
    .unwrap();
    std::fs::write(
        input.join("b.txt"),
        "2024年3月20日,贵州省遵义市桐梓县一煤矿发生透水事故,造成3人死亡。",
    )
    .unwrap();
    let db = dir.join("r.db");
    recount(&db).arg("ingest").arg(&input).assert().success();
    db
}

#[test]
fn edits_are_recorded_flagged_and_survive_reextraction() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_event_db(dir.path());
    let qinyuan = export(&db)
        .into_iter()
        .find(|i| i["location"]["adcode"] == "140431")
        .unwrap();
    let id = qinyuan["id"].as_str().unwrap();
    ok(
        &db,
        &[
            "edit",
            id,
            "--set",
            "dead=6",
            "--set",
            "mechanism=gas_outburst",
            "--reason",
            "county notice of March 9",
            "--who",
            "analyst1",
        ],
    );
    let edited = export(&db).into_iter().find(|i| i["id"] == id).unwrap();
    assert_eq!(edited["figures"]["dead"]["best"], 6);
    assert_eq!(
        edited["figures"]["dead"]["claims"][0]["value"], 5,
        "claims are kept"
    );
    assert_eq!(edited["mechanism"], "gas_outburst");
    assert!(edited["flags"]
        .as_array()
        .unwrap()
        .contains(&Value::from("reviewed")));
    let shown = ok(&db, &["show", id]);
    assert!(
        shown.contains("history:")
            && shown.contains("analyst1")
            && shown.contains("county notice of March 9")
    );
    ok(&db, &["reextract"]);
    let again = export(&db).into_iter().find(|i| i["id"] == id).unwrap();
    assert_eq!(again["figures"]["dead"]["best"], 6);
    assert_eq!(again["mechanism"], "gas_outburst");
    recount(&db)
        .args(["edit", id, "--set", "colour=red", "--reason", "x"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("colour"));
}

#[test]
fn merge_and_split_are_kept_across_reextraction() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_event_db(dir.path());
    let ids: Vec<String> = export(&db)
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    let merged = ok(
        &db,
        &[
            "merge",
            &ids[0],
            &ids[1],
            "--reason",
            "same company",
            "--who",
            "r",
        ],
    );
    let merged_id = merged.trim().trim_start_matches("merged into ").to_string();
    assert_eq!(export(&db).len(), 1);
    ok(&db, &["reextract"]);
    assert_eq!(export(&db).len(), 1, "the merge holds after re-extraction");
    // Both former ids still find the merged incident.
    for id in &ids {
        assert!(ok(&db, &["show", id]).contains(&merged_id));
    }
    let detail: Value =
        serde_json::from_str(&ok(&db, &["show", &merged_id, "--format", "json"])).unwrap();
    let passage = detail["reports"][1]["key"].as_str().unwrap().to_string();
    ok(
        &db,
        &[
            "split",
            &merged_id,
            "--passage",
            &passage,
            "--reason",
            "two mines",
            "--who",
            "r",
        ],
    );
    assert_eq!(export(&db).len(), 2);
    ok(&db, &["reextract"]);
    assert_eq!(export(&db).len(), 2, "the split holds after re-extraction");
}

#[test]
fn an_accident_and_the_protest_after_it_are_related_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("a.txt"),
        "2024年5月2日,山西省大同市左云县一煤矿发生瓦斯爆炸事故,造成7人死亡。",
    )
    .unwrap();
    std::fs::write(
        input.join("b.txt"),
        "5月9日,山西省大同市左云县三十多名遇难矿工家属聚集在县政府门前,拉起横幅要求公开事故调查结果。",
    )
    .unwrap();
    std::fs::write(
        input.join("b.txt.meta.json"),
        r#"{"published":"2024-05-10"}"#,
    )
    .unwrap();
    let db = dir.path().join("r.db");
    recount(&db).arg("ingest").arg(&input).assert().success();
    let all = export(&db);
    assert_eq!(all.len(), 2, "{all:#?}");
    let accident = all.iter().find(|i| i["type"] == "accident").unwrap();
    let protest = all.iter().find(|i| i["type"] == "protest").unwrap();
    assert_eq!(accident["related"][0]["id"], protest["id"]);
    assert_eq!(accident["related"][0]["relation"], "led_to");
    assert_eq!(protest["related"][0]["relation"], "response_to");
}

/// Writes `text` to `dir/name` and sets its modification time to `day` (UTC midnight).
fn write_dated(dir: &Path, name: &str, text: &str, day: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let midnight = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(midnight.timestamp() as u64);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(when)
        .unwrap();
    path
}

fn incident_of<'a>(incidents: &'a [Value], doc: &str) -> &'a Value {
    incidents
        .iter()
        .find(|i| {
            i["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["doc"] == doc)
        })
        .unwrap_or_else(|| panic!("no incident from {doc}: {incidents:#?}"))
}

fn flags(i: &Value) -> Vec<&str> {
    i["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.as_str())
        .collect()
}

#[test]
fn a_folder_without_sidecars_gets_dated_incidents_flagged_date_uncertain() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    // Relative dates only: dated from the file's modification day.
    write_dated(
        &docs,
        "relative.txt",
        "昨天下午，某县一座煤矿发生透水事故，造成3人死亡。\n",
        "2024-06-10",
    );
    // A date with its year: the text's own date, not uncertain.
    write_dated(
        &docs,
        "absolute.txt",
        "2024年3月5日，某县一座煤矿发生瓦斯爆炸，造成5人死亡。\n",
        "2024-06-10",
    );
    // A dateline: the report's own date.
    write_dated(
        &docs,
        "wire.txt",
        "新华社太原6月3日电 2日晚，某县一家化工厂发生爆炸，造成2人死亡。\n",
        "2024-06-10",
    );
    // A publication month gives the year of a date written without one.
    write_dated(
        &docs,
        "month.txt",
        "6月3日，云南省大理市一家石料厂发生坍塌，造成4人死亡。\n",
        "2026-01-10",
    );
    std::fs::write(
        docs.join("month.txt.meta.json"),
        r#"{"published": "2024-06"}"#,
    )
    .unwrap();
    let db = dir.path().join("r.db");
    let out = recount(&db).arg("ingest").arg(&docs).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("relative.txt: no publication day or dateline")
            && stderr.contains("the file's modification time (2024-06-10)")
            && stderr.contains("recount redate relative.txt"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("absolute.txt:") && !stderr.contains("wire.txt:"),
        "{stderr}"
    );
    let incidents = export(&db);
    let relative = incident_of(&incidents, "relative.txt");
    assert_eq!(relative["date"], "2024-06-09");
    assert!(flags(relative).contains(&"date_uncertain"));
    let absolute = incident_of(&incidents, "absolute.txt");
    assert_eq!(absolute["date"], "2024-03-05");
    assert!(!flags(absolute).contains(&"date_uncertain"));
    assert_eq!(incident_of(&incidents, "month.txt")["date"], "2024-06-03");
    assert!(
        stderr.contains("month.txt: no publication day or dateline")
            && stderr.contains("the publication month (2024-06-30)"),
        "{stderr}"
    );
    let wire = incident_of(&incidents, "wire.txt");
    assert_eq!(wire["date"], "2024-06-02");
    assert!(!flags(wire).contains(&"date_uncertain"));

    // Re-ingesting with --published is a duplicate; redate dates the archived document,
    // is logged, keeps the log verifiable and survives re-extraction.
    let said = ok(
        &db,
        &[
            "redate",
            "relative.txt",
            "--published",
            "2024-06-20",
            "--reason",
            "from the outlet's archive",
        ],
    );
    assert!(
        said.contains("redated relative.txt to 2024-06-20"),
        "{said}"
    );
    let after = export(&db);
    let relative = incident_of(&after, "relative.txt");
    assert_eq!(relative["date"], "2024-06-19");
    assert!(!flags(relative).contains(&"date_uncertain"));
    let shown = ok(&db, &["show", relative["id"].as_str().unwrap()]);
    assert!(
        shown.contains("redate") && shown.contains("from the outlet's archive"),
        "{shown}"
    );
    assert!(ok(&db, &["verify"]).contains("verifies"));
    ok(&db, &["reextract"]);
    assert_eq!(
        incident_of(&export(&db), "relative.txt")["date"],
        "2024-06-19"
    );
    // An unknown document is a clear error.
    let out = recount(&db)
        .args(["redate", "nothing.txt", "--published", "2024-06-20"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no archived document with id nothing.txt")
    );
}

#[test]
fn explain_prints_sentences_runs_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    std::fs::write(
        &path,
        "某县煤矿事故\n\n新华社太原3月5日电 4日晚，某县一座煤矿發生瓦斯爆炸，造成5人遇難。\n\n据统计，今年以来全省共发生事故12起。\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("report.txt.meta.json"),
        r#"{"title": "某县煤矿事故", "published": "2024-03-06"}"#,
    )
    .unwrap();
    let out = recount(&dir.path().join("unused.db"))
        .arg("explain")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "script: traditional characters read as simplified",
        "relative dates count from: 2024-03-05 (the dateline)",
        "headline: 某县煤矿事故",
        "dateline: 新华社太原3月5日电",
        "dropped: speaks of many events at once",
        "accident:瓦斯(3)",
        "counts: dead 5",
        "reports: 1",
        "2024-03-04",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // explain stores nothing.
    assert!(!dir.path().join("unused.db").exists());
}
