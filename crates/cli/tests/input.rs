//! Input that is never silently taken or dropped, end to end: decoding damage is counted
//! and reported, sidecar fields are checked, feeds with a DOCTYPE are feeds, corrupt
//! stored rows are skipped with a warning, links and unlisted types are refused unless
//! asked for, and recount's own files and private keys are never ingested.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn recount(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.arg("--db").arg(db);
    cmd
}

/// Exit code, standard output and standard error of a run.
fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The ids of the archived documents.
fn documents(db: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT doc_id FROM documents").unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Whether any archived original holds `needle`.
fn archived_anywhere(db: &Path, needle: &str) -> bool {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT body FROM documents").unwrap();
    let bodies: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    bodies
        .iter()
        .any(|b| String::from_utf8_lossy(b).contains(needle))
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

const MINE: &str = "On March 3, 2024, a gas explosion at a coal mine in Qinyuan County, Changzhi, \
    Shanxi killed 5 miners. The county emergency bureau said rescue teams brought the other \
    workers of the shift to the surface before dawn, and the mine was ordered to stop \
    production while the cause is investigated by the provincial authorities. ";

#[test]
fn ingest_dot_in_the_folder_of_the_database_archives_neither_the_database_nor_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path();
    std::fs::create_dir(here.join("first")).unwrap();
    std::fs::write(here.join("first/a.txt"), MINE).unwrap();
    let db = Path::new("mine.db");
    let (code, _, err) = run(recount(db).current_dir(here).args(["ingest", "first"]));
    assert_eq!(code, 0, "{err}");
    for own in ["mine.db", "mine.db.key", "mine.db.index"] {
        assert!(here.join(own).exists(), "{own} was not made");
    }
    std::fs::write(
        here.join("b.txt"),
        "2024年3月20日,贵州省遵义市桐梓县一煤矿发生透水事故,造成3人死亡。",
    )
    .unwrap();

    let (code, out, err) = run(recount(db).current_dir(here).args(["ingest", "."]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 new, 1 duplicate, 0 failed"), "{out}");
    assert!(
        err.contains("note: skipped recount's own files") && err.contains("mine.db.key"),
        "{err}"
    );
    assert_eq!(documents(&here.join("mine.db")), set(&["a.txt", "b.txt"]));

    // Whatever the flags, and through a link or another spelling of the path.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(here.join("mine.db.key"), here.join("key-copy.txt")).unwrap();
    }
    let (code, out, err) = run(recount(db).current_dir(here).args([
        "ingest",
        "--any-extension",
        "--follow-links",
        ".",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 new, 2 duplicate, 0 failed"), "{out}");
    for (arg, what) in [
        ("mine.db.key", "the log's signing key"),
        ("./mine.db", "the database"),
        ("first/../mine.db.index", "the search index"),
    ] {
        let (code, _, err) =
            run(recount(db)
                .current_dir(here)
                .args(["ingest", "--any-extension", arg]));
        assert_eq!(code, 1, "{arg}: {err}");
        assert!(
            err.contains(&format!(
                "error: {arg}: {what}; recount never ingests its own files"
            )),
            "{arg}: {err}"
        );
    }
    assert_eq!(documents(&here.join("mine.db")), set(&["a.txt", "b.txt"]));
    assert!(!archived_anywhere(&here.join("mine.db"), "PRIVATE+KEY"));
}

#[test]
fn private_keys_are_refused_whatever_their_name_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    // Made-up key material in the three shapes.
    std::fs::write(
        keys.join("id_ed25519"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    std::fs::write(
        keys.join("server.txt"),
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let db = dir.path().join("r.db");
    // recount's own key, copied under a document's name.
    recount(&db).arg("checkpoint").output().unwrap();
    std::fs::copy(dir.path().join("r.db.key"), keys.join("copied.md")).unwrap();
    std::fs::write(keys.join("fine.txt"), MINE).unwrap();

    let (code, out, err) = run(recount(&db).args(["ingest", "--any-extension"]).arg(&keys));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("1 new, 0 duplicate, 3 failed"), "{out}");
    for (name, kind) in [
        ("id_ed25519", "an OpenSSH private key"),
        ("server.txt", "a PEM private key"),
        ("copied.md", "a signing key"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("error:") && l.contains(name) && l.contains(kind)),
            "{name}: {err}"
        );
    }
    assert_eq!(documents(&db), set(&["fine.txt"]));
}

#[test]
fn unlisted_types_are_skipped_with_one_line_and_read_with_any_extension() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("report.txt"), MINE).unwrap();
    for n in 0..5 {
        std::fs::write(
            input.join(format!("log{n}.log")),
            format!("{MINE} Entry {n}."),
        )
        .unwrap();
    }
    std::fs::write(input.join("notes.xml"), "<notes><n>a remark</n></notes>").unwrap();
    let db = dir.path().join("r.db");
    let (code, out, err) = run(recount(&db).arg("ingest").arg(&input));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 new,"), "{out}");
    let notes: Vec<&str> = err.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(notes.len(), 1, "{err}");
    assert!(
        notes[0].contains("skipped 6 files")
            && notes[0].contains("and 3 more")
            && notes[0].contains("--any-extension"),
        "{}",
        notes[0]
    );
    assert_eq!(documents(&db), set(&["report.txt"]));
    // Named as an argument, an unlisted file is an error that says what to do.
    let (code, _, err) = run(recount(&db).arg("ingest").arg(input.join("log0.log")));
    assert_eq!(code, 1);
    assert!(err.contains("log0.log: not a type recount reads") && err.contains("--any-extension"));
    let (code, out, err) = run(recount(&db).args(["ingest", "--any-extension"]).arg(&input));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("6 new, 1 duplicate, 0 failed"), "{out}");
    assert!(documents(&db).contains("notes.xml"));
}

#[cfg(unix)]
#[test]
fn a_link_given_as_an_argument_is_refused_like_one_in_a_folder_unless_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(
        outside.join("private.txt"),
        "PRIVATE-NOTES-MARKER and nothing else",
    )
    .unwrap();
    std::fs::write(docs.join("report.txt"), MINE).unwrap();
    symlink(outside.join("private.txt"), docs.join("inside-link.txt")).unwrap();
    let arg = dir.path().join("arg-link.txt");
    symlink(outside.join("private.txt"), &arg).unwrap();
    let db = dir.path().join("r.db");

    let (code, out, err) = run(recount(&db).arg("ingest").arg(&arg).arg(&docs));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("1 new, 0 duplicate, 1 failed"), "{out}");
    assert!(
        err.contains("arg-link.txt: a symbolic link, not followed")
            && err.contains("--follow-links"),
        "{err}"
    );
    assert!(
        err.contains("note: skipped 1 symbolic link") && err.contains("inside-link.txt"),
        "{err}"
    );
    assert!(!archived_anywhere(&db, "PRIVATE-NOTES-MARKER"));

    let (code, out, err) = run(recount(&db)
        .args(["ingest", "--follow-links"])
        .arg(&arg)
        .arg(&docs));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 new, 2 duplicate"), "{out}");
    assert!(archived_anywhere(&db, "PRIVATE-NOTES-MARKER"));
}

#[test]
fn decoding_damage_is_counted_and_one_threshold_refuses_for_every_script() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    // English with three stray bytes.
    let mut en = MINE.repeat(2).into_bytes();
    en.splice(30..30, *b"\xFF");
    en.splice(120..120, *b"\x80");
    en.splice(200..200, *b"\xC3 ");
    std::fs::write(input.join("en.txt"), en).unwrap();
    // Chinese in UTF-8 with one bad byte between two characters.
    let zh = "2024年3月20日,贵州省遵义市桐梓县一煤矿发生透水事故,造成3人死亡,另有2人受伤。\
        事故发生后,当地立即启动应急预案,组织救援力量开展搜救,受伤人员已送往医院救治。";
    let mut zh_bytes = zh.repeat(2).into_bytes();
    let cut = zh.len();
    zh_bytes.insert(cut, 0xFF);
    std::fs::write(input.join("zh.txt"), zh_bytes).unwrap();
    // Clean GB18030: read as such, no warning.
    let (gb, _, _) = encoding_rs::GB18030.encode(zh);
    std::fs::write(input.join("gb.txt"), &gb).unwrap();
    // More than 1% damaged: refused, whether English or Chinese.
    let mut worse = Vec::new();
    for part in MINE.split(' ') {
        worse.extend(part.as_bytes());
        worse.extend(b" \xFF");
    }
    std::fs::write(input.join("worse-en.txt"), worse).unwrap();
    let worse_zh: Vec<u8> = zh
        .chars()
        .flat_map(|c| {
            let mut b = c.to_string().into_bytes();
            if c == ',' {
                b.push(0xFF);
            }
            b
        })
        .collect();
    std::fs::write(input.join("worse-zh.txt"), worse_zh).unwrap();

    let db = dir.path().join("r.db");
    let (code, out, err) = run(recount(&db).arg("ingest").arg(&input));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("3 new, 0 duplicate, 2 failed"), "{out}");
    let line = |name: &str| -> Vec<&str> {
        let path = format!("{}:", input.join(name).display());
        err.lines().filter(|l| l.contains(&path)).collect()
    };
    let en = input.join("en.txt");
    assert_eq!(
        line("en.txt"),
        [format!(
            "warning: {}: 3 invalid UTF-8 sequences replaced",
            en.display()
        )],
        "{err}"
    );
    let zh_file = input.join("zh.txt");
    assert_eq!(
        line("zh.txt"),
        [format!(
            "warning: {}: 1 invalid UTF-8 sequence replaced",
            zh_file.display()
        )],
        "{err}"
    );
    assert!(line("gb.txt").is_empty(), "{err}");
    for name in ["worse-en.txt", "worse-zh.txt"] {
        let lines = line(name);
        assert!(
            lines.len() == 1
                && lines[0].starts_with("error:")
                && lines[0].contains("invalid sequences (more than 1% is refused)"),
            "{name}: {err}"
        );
    }
    assert_eq!(documents(&db), set(&["en.txt", "zh.txt", "gb.txt"]));
}

#[test]
fn a_sidecar_field_that_is_wrong_fails_its_document_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let sidecars = [
        ("a.txt", r#"{"published": "not a date"}"#),
        ("b.txt", r#"{"published": "2024-13-45"}"#),
        ("c.txt", r#"{"published": 20240303}"#),
        ("d.txt", r#"{"source": ["Wire", "Desk"]}"#),
        ("e.txt", r#"{"publised": "2024-03-04"}"#),
        ("f.txt", r#"{"published": "2024-03-04", "source": "Wire"}"#),
    ];
    for (i, (name, side)) in sidecars.iter().enumerate() {
        std::fs::write(input.join(name), format!("{MINE} Report {i}.")).unwrap();
        std::fs::write(input.join(format!("{name}.meta.json")), side).unwrap();
    }
    let db = dir.path().join("r.db");
    let (code, out, err) = run(recount(&db).arg("ingest").arg(&input));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("1 new, 0 duplicate, 5 failed"), "{out}");
    for (name, says) in [
        ("a.txt", "\"published\": \"not a date\" is not a date"),
        ("b.txt", "\"published\": \"2024-13-45\" is not a date"),
        ("c.txt", "\"published\" must be a string, not a number"),
        ("d.txt", "\"source\" must be a string, not an array"),
        ("e.txt", "unknown field \"publised\""),
    ] {
        let side = input.join(format!("{name}.meta.json"));
        assert!(
            err.contains(&format!("error: {}: {says}", side.display())),
            "{name}: {err}"
        );
    }
    assert_eq!(documents(&db), set(&["f.txt"]));
    // The flag is checked before anything is read.
    let (code, _, err) = run(recount(&db)
        .args(["ingest", "--published", "2024-02-30"])
        .arg(&input));
    assert_eq!(code, 1);
    assert!(err.contains("--published 2024-02-30: not a date"), "{err}");
}

/// An RSS feed of one entry, with `doctype` before its root.
fn feed(doctype: &str, link: &str, description: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{doctype}\n<rss version=\"2.0\"><channel>\
         <title>Test Wire</title><item><title>Mine blast</title><link>{link}</link>\
         <pubDate>Sun, 03 Mar 2024 08:00:00 +0800</pubDate>\
         <description>{description}</description></item></channel></rss>\n"
    )
}

#[test]
fn feeds_with_a_doctype_are_read_as_feeds_and_expand_no_entity() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("wire.xml"),
        feed(
            "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"http://my.netscape.com/publish/formats/rss-0.91.dtd\">",
            "https://wire.example/1",
            MINE,
        ),
    )
    .unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "XXE-SECRET-MARKER").unwrap();
    std::fs::write(
        input.join("xxe.xml"),
        feed(
            &format!(
                "<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://{}\">]>",
                secret.display()
            ),
            "https://wire.example/2",
            "Leak: &xxe; end.",
        ),
    )
    .unwrap();
    let mut dtd = String::from("<!ENTITY l0 \"lol\">");
    for i in 1..10 {
        dtd.push_str(&format!(
            "<!ENTITY l{i} \"{}\">",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    std::fs::write(
        input.join("bomb.xml"),
        feed(
            &format!("<!DOCTYPE rss [{dtd}]>"),
            "https://wire.example/3",
            "&l9;",
        ),
    )
    .unwrap();
    let db = dir.path().join("r.db");
    let started = std::time::Instant::now();
    let (_, _, err) = run(recount(&db)
        .args(["ingest", "--fetch-articles", "never"])
        .arg(&input));
    assert!(started.elapsed().as_secs() < 60, "{err}");
    let docs = documents(&db);
    assert!(docs.contains("https://wire.example/1"), "{docs:?} {err}");
    for file in ["wire.xml", "xxe.xml", "bomb.xml"] {
        assert!(
            !docs.contains(file),
            "{file} was archived as text: {docs:?}"
        );
    }
    assert!(!archived_anywhere(&db, "XXE-SECRET-MARKER"));
    assert!(!archived_anywhere(&db, "<!DOCTYPE"));
    assert!(!archived_anywhere(&db, &"lol".repeat(100)));
}

#[test]
fn a_corrupt_stored_incident_is_skipped_by_the_readers_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("a.txt"), MINE).unwrap();
    std::fs::write(
        input.join("b.txt"),
        "2024年3月20日,贵州省遵义市桐梓县一煤矿发生透水事故,造成3人死亡。",
    )
    .unwrap();
    let db = dir.path().join("r.db");
    let (code, _, err) = run(recount(&db).arg("ingest").arg(&input));
    assert_eq!(code, 0, "{err}");
    let lines = |out: &str| -> Vec<Value> {
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (_, out, _) = run(recount(&db).args(["export", "--format", "jsonl"]));
    let all = lines(&out);
    assert_eq!(all.len(), 2);
    let bad = all[0]["id"].as_str().unwrap().to_string();
    let good = all[1]["id"].as_str().unwrap().to_string();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE incidents SET body = '{\"id\": broken' WHERE id = ?1",
        [&bad],
    )
    .unwrap();
    drop(conn);

    let warning = format!("warning: stored incident {bad} cannot be read");
    for args in [
        &["export", "--format", "jsonl"][..],
        &["incidents", "--format", "jsonl"][..],
    ] {
        let (code, out, err) = run(recount(&db).args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        let got = lines(&out);
        assert_eq!(got.len(), 1, "{args:?}");
        assert_eq!(got[0]["id"], good.as_str());
        assert_eq!(
            err.lines().filter(|l| l.starts_with(&warning)).count(),
            1,
            "{args:?}: {err}"
        );
    }
    let (code, _, err) = run(recount(&db).args(["export", "--format", "csv"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&warning), "{err}");
}
