//! Feeds, URLs, `watch` and alerts, end to end, against a local server on 127.0.0.1.

#[path = "../../fetch/tests/server/mod.rs"]
mod server;

use assert_cmd::Command;
use flate2::write::GzEncoder;
use flate2::Compression;
use server::{Reply, Server};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn recount(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("recount").expect("binary built");
    cmd.arg("--db").arg(db);
    cmd
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rss(items: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>本地测试台</title>\n{}\n</channel></rss>",
        items.join("\n")
    )
}

fn item(base: &str, path: &str, title: &str, date: &str, text: &str) -> String {
    format!(
        "<item><title>{title}</title><link>{base}{path}</link><pubDate>{date}</pubDate>\
         <description>{text}</description></item>"
    )
}

/// A collapse in Inner Mongolia with 5 dead, a strike in Guangdong, a one-death blast
/// in Inner Mongolia: only the first meets "accident, dead ≥ 3, 内蒙古".
fn three_items(base: &str) -> Vec<String> {
    vec![
        item(
            base,
            "/n/1",
            "阿拉善左旗一露天煤矿坍塌",
            "Fri, 20 Nov 2026 08:00:00 +0800",
            "11月19日，内蒙古阿拉善左旗一露天煤矿发生坍塌事故，造成5人死亡、2人受伤。事故原因正在调查中。",
        ),
        item(
            base,
            "/n/2",
            "Workers strike at a shoe factory in Dongguan",
            "Fri, 20 Nov 2026 09:00:00 GMT",
            "About 300 workers at a shoe factory in Dongguan, Guangdong went on strike on November 18 over unpaid wages.",
        ),
        item(
            base,
            "/n/3",
            "包头一化工厂爆炸",
            "Fri, 20 Nov 2026 10:00:00 +0800",
            "11月18日，内蒙古包头市一化工厂发生爆炸，造成1人死亡。",
        ),
    ]
}

fn document_count(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_local_feed_is_ingested_with_allow_private_and_refused_without() {
    let feed = Arc::new(Mutex::new(String::new()));
    let served = feed.clone();
    let s = Server::start(move |r| match r.path.as_str() {
        "/feed.xml" => Reply::ok("application/rss+xml", served.lock().unwrap().clone()),
        "/go" => Reply::redirect("http://169.254.169.254/latest/meta-data/"),
        _ => Reply::status(404),
    });
    *feed.lock().unwrap() = rss(&three_items(&s.url("")));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");

    let (ok, _, err) = run(recount(&db).args(["ingest", &s.url("/feed.xml")]));
    assert!(!ok);
    assert!(err.contains("refused"), "{err}");
    assert!(
        err.contains("127.0.0.1") && err.contains("loopback"),
        "{err}"
    );
    assert!(err.contains("--allow-private"), "{err}");
    assert!(
        s.hits("/feed.xml").is_empty(),
        "a refused host is never contacted"
    );

    // Allowed as a single address, the server is reached, but its redirect is checked again.
    let (ok, _, err) =
        run(recount(&db).args(["ingest", &s.url("/go"), "--allow-address", "127.0.0.1"]));
    assert!(!ok);
    assert!(
        err.contains("169.254.169.254") && err.contains("metadata"),
        "{err}"
    );
    assert_eq!(s.hits("/go").len(), 1);
    assert_eq!(document_count(&db), 0);

    let (ok, out, err) = run(recount(&db).args([
        "ingest",
        &s.url("/feed.xml"),
        "--allow-private",
        "--fetch-articles",
        "never",
    ]));
    assert!(ok, "{err}");
    assert!(
        out.contains("documents: 3 new, 0 duplicate, 0 failed"),
        "{out}"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (id, published, source): (String, String, String) = conn
        .query_row(
            "SELECT doc_id, published, source FROM documents WHERE doc_id LIKE '%/n/1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(id, s.url("/n/1"), "the item's link is the document id");
    assert_eq!(published, "2026-11-20");
    assert_eq!(source, "本地测试台");
}

#[test]
fn a_feed_file_is_ingested_like_a_feed_url() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let path = dir.path().join("wire.xml");
    std::fs::write(&path, rss(&three_items("https://wire.example"))).unwrap();
    let (ok, out, err) = run(recount(&db).args([
        "ingest",
        path.to_str().unwrap(),
        "--fetch-articles",
        "never",
    ]));
    assert!(ok, "{err}");
    assert!(out.contains("documents: 3 new"), "{out}");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn every_hostile_answer_gets_a_clear_error_and_the_rest_go_on() {
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
    for i in 1..10 {
        dtd.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&lol{};", i - 1).repeat(10)
        ));
    }
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE rss [{dtd}]><rss version=\"2.0\"><channel><title>B</title>\
         <item><title>x</title><link>https://b.example/1</link><description>&lol9;</description></item>\
         </channel></rss>"
    );
    let bomb = Arc::new(gzip(&vec![b' '; 40 * 1024 * 1024]));
    let huge = Arc::new(vec![b'a'; 50 * 1024 * 1024]);
    // A GB18030 page without a declared charset: detection must find it.
    let gb_text = "<html><head><title>鄂尔多斯煤矿透水</title></head><body><article><p>11月17日，内蒙古鄂尔多斯市一煤矿发生透水事故，造成4人死亡。</p><p>当地应急管理部门已介入调查。</p></article></body></html>";
    let (gb, _, _) = encoding_rs::GB18030.encode(gb_text);
    let gb = gb.into_owned();
    let s = Server::start(move |r| match r.path.as_str() {
        "/good.xml" => Reply::ok(
            "application/rss+xml",
            rss(&three_items("https://good.example")),
        ),
        "/laughs.xml" => Reply::ok("application/rss+xml", laughs.clone()),
        "/bomb.xml" => {
            Reply::ok("application/rss+xml", bomb.as_slice()).with("content-encoding", "gzip")
        }
        "/huge" => Reply::ok("text/html", huge.as_slice()),
        "/loop/a" => Reply::redirect("/loop/b"),
        "/loop/b" => Reply::redirect("/loop/a"),
        "/private" => Reply::redirect("http://10.0.0.1/internal"),
        "/slow" => {
            let mut reply = Reply::ok("text/html", vec![b'<'; 64]);
            reply.trickle = Some((1, Duration::from_millis(100)));
            reply
        }
        "/invalid.xml" => Reply::ok(
            "application/rss+xml",
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>x</ti",
        ),
        "/gb.html" => Reply::ok("text/html", gb.clone()),
        _ => Reply::status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let urls: Vec<String> = [
        "/laughs.xml",
        "/bomb.xml",
        "/huge",
        "/loop/a",
        "/private",
        "/slow",
        "/invalid.xml",
        "/good.xml",
        "/gb.html",
    ]
    .iter()
    .map(|p| s.url(p))
    .collect();
    let mut cmd = recount(&db);
    cmd.arg("ingest")
        .args(&urls)
        .args(["--allow-address", "127.0.0.1", "--timeout", "2"])
        .args(["--fetch-articles", "never", "--host-interval", "0"])
        // The page states no date; feed entries keep their own.
        .args(["--published", "2026-11-18"]);
    let (ok, out, err) = run(&mut cmd);
    assert!(!ok, "failures make the exit status 1");
    let line = |path: &str| {
        err.lines()
            .find(|l| l.contains(&s.url(path)))
            .unwrap_or_else(|| panic!("no error names {path}:\n{err}"))
            .to_string()
    };
    assert!(line("/bomb.xml").contains("compression bomb"), "{err}");
    assert!(line("/huge").contains("larger than the limit"), "{err}");
    assert!(line("/loop/a").contains("redirect loop"), "{err}");
    assert!(line("/private").contains("10.0.0.1") && line("/private").contains("private"));
    assert!(line("/slow").contains("timed out"), "{err}");
    assert!(line("/invalid.xml").contains("not a valid feed"), "{err}");
    // The entity bomb either fails to parse or stays small; it never expands.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let biggest: i64 = conn
        .query_row("SELECT COALESCE(MAX(size), 0) FROM documents", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(
        biggest < 100_000,
        "a document of {biggest} bytes was stored"
    );
    // The good feed (3 entries) and the GB18030 page went in.
    assert!(out.contains("6 failed"), "{out}\n{err}");
    let good: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM documents WHERE doc_id LIKE 'https://good.example/n/%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(good, 3, "{out}\n{err}");
    let title: String = conn
        .query_row(
            "SELECT title FROM documents WHERE doc_id = ?1",
            [s.url("/gb.html")],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(title, "鄂尔多斯煤矿透水");
    let export = recount(&db)
        .args(["incidents", "--place", "鄂尔多斯"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&export.stdout).contains("1 incident"));
}

#[test]
fn a_summary_only_entry_brings_in_its_article() {
    let feed = Arc::new(Mutex::new(String::new()));
    let served = feed.clone();
    let s = Server::start(move |r| {
        match r.path.as_str() {
        "/feed.xml" => Reply::ok("application/rss+xml", served.lock().unwrap().clone()),
        "/story" => Reply::ok(
            "text/html; charset=utf-8",
            "<html><body><article><p>11月20日，内蒙古乌海市海南区一煤矿发生冒顶事故，造成3人死亡。</p></article></body></html>",
        ),
        _ => Reply::status(404),
    }
    });
    *feed.lock().unwrap() = rss(&[item(
        &s.url(""),
        "/story",
        "乌海一煤矿事故",
        "Sat, 21 Nov 2026 08:00:00 +0800",
        "乌海发生事故。",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let (ok, out, err) = run(recount(&db).args([
        "ingest",
        &s.url("/feed.xml"),
        "--allow-private",
        "--host-interval",
        "0",
    ]));
    assert!(ok, "{err}");
    assert!(out.contains("documents: 1 new"), "{out}");
    assert_eq!(s.hits("/story").len(), 1, "auto fetches the article");
    let listed = recount(&db)
        .args(["incidents", "--min-dead", "3"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("1 incident"));
}

fn write_watch_files(dir: &Path, feed_url: &str, hook: &str) -> (String, String) {
    let feeds = dir.join("feeds.toml");
    std::fs::write(
        &feeds,
        format!(
            "[[feed]]\nurl = \"{feed_url}\"\nname = \"本地测试台\"\ninterval = \"200ms\"\nlanguage = \"zh\"\ntrust = \"media\"\nfetch_articles = \"never\"\n"
        ),
    )
    .unwrap();
    let rules = dir.join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "[[rule]]\nname = \"deadly-nm\"\ntype = \"accident\"\nmin_dead = 3\nplace = \"内蒙古\"\nstdout = true\njsonl = \"alerts.jsonl\"\nwebhook = \"{hook}\"\n"
        ),
    )
    .unwrap();
    (
        feeds.to_str().unwrap().to_string(),
        rules.to_str().unwrap().to_string(),
    )
}

#[test]
fn watch_fires_an_alert_once_for_a_matching_new_item_and_not_for_others() {
    let feed = Arc::new(Mutex::new(String::new()));
    let served = feed.clone();
    let s = Server::start(move |r| match r.path.as_str() {
        "/feed.xml" => {
            let body = served.lock().unwrap().clone();
            let etag = format!("\"{}\"", body.len());
            if r.header("if-none-match") == Some(etag.as_str()) {
                Reply::status(304)
            } else {
                Reply::ok("application/rss+xml", body).with("etag", &etag)
            }
        }
        "/hook" => Reply::status(204),
        _ => Reply::status(404),
    });
    *feed.lock().unwrap() = rss(&three_items(&s.url("")));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let (feeds, rules) = write_watch_files(dir.path(), &s.url("/feed.xml"), &s.url("/hook"));
    let watch = |rounds: &str| {
        run(recount(&db).args([
            "watch",
            &feeds,
            "--alert",
            &rules,
            "--rounds",
            rounds,
            "--allow-private",
            "--host-interval",
            "0",
        ]))
    };

    let (ok, out, err) = watch("2");
    assert!(ok, "{err}");
    let alerts: Vec<&str> = out.lines().filter(|l| l.starts_with("alert ")).collect();
    assert_eq!(alerts.len(), 1, "{out}");
    assert!(
        alerts[0].contains("[deadly-nm] new") && alerts[0].contains("dead 5"),
        "{out}"
    );
    assert!(
        out.contains("round 1") && out.contains("documents: 3 new"),
        "{out}"
    );
    assert!(
        out.contains("round 2") && out.contains("1 not modified"),
        "{out}"
    );
    let jsonl = std::fs::read_to_string(dir.path().join("alerts.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["rule"], "deadly-nm");
    assert_eq!(records[0]["event"], "new");
    assert_eq!(records[0]["incident"]["figures"]["dead"]["best"], 5);
    let hooks = s.hits("/hook");
    assert_eq!(hooks.len(), 1);
    let posted: serde_json::Value = serde_json::from_slice(&hooks[0].body).unwrap();
    assert_eq!(posted["incident"]["id"], records[0]["incident"]["id"]);

    // A restart with a feed that adds only non-matching items announces nothing.
    let mut items = three_items(&s.url(""));
    items.push(item(
        &s.url(""),
        "/n/4",
        "Protest outside a district office in Hohhot",
        "Sat, 21 Nov 2026 09:00:00 GMT",
        "Dozens of residents protested outside a district office in Hohhot, Inner Mongolia on November 20 over demolition compensation.",
    ));
    *feed.lock().unwrap() = rss(&items);
    let (ok, out, err) = watch("1");
    assert!(ok, "{err}");
    assert!(out.contains("documents: 1 new"), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("alert ")), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("alerts.jsonl"))
            .unwrap()
            .lines()
            .count(),
        1
    );
    assert_eq!(s.hits("/hook").len(), 1);
}

#[test]
fn watch_stops_cleanly_on_sigterm() {
    let s = Server::start(|r| match r.path.as_str() {
        "/feed.xml" => Reply::ok("application/rss+xml", rss(&[])),
        _ => Reply::status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let (feeds, _) = write_watch_files(dir.path(), &s.url("/feed.xml"), &s.url("/hook"));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("recount"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "watch",
            &feeds,
            "--allow-private",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("round 1"), "{first}");
    // The shell's builtin kill: no procps needed on a bare machine.
    let killed = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit status {:?}", out.status);
    assert!(String::from_utf8_lossy(&out.stderr).contains("stopped by signal"));
}
