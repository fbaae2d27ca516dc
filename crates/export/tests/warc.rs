//! WARC export: the file read back by a strict hand-written parser, and by warcio.
//!
//! The warcio test needs Python with `warcio` (`pip install warcio`); without it the test
//! fails, and `scripts/test` leaves it out as skipped (see `recount_testkit`).

use recount_export::{ExportError, WarcInfo, WarcWriter};
use recount_model::{Document, PartialDate};
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// "山西煤矿透水事故，9人遇难。\n" in GB18030: not valid UTF-8.
const GB18030: &[u8] = &[
    201, 189, 206, 247, 195, 186, 191, 243, 205, 184, 203, 174, 202, 194, 185, 202, 163, 172, 57,
    200, 203, 211, 246, 196, 209, 161, 163, 10,
];

const UTF8_TEXT: &str =
    "新华社太原2月22日电 内蒙古阿拉善盟露天煤矿发生坍塌，已致6人死亡、47人失联。\n\
                         Rescue work continues.\n";

const HTML: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
                    <title>Mine collapse</title></head>\r\n<body><p>53 dead after the \
                    Alxa mine collapse.</p></body></html>\n";

fn info() -> WarcInfo {
    WarcInfo {
        software: "recount 0.1.0".into(),
        format: WarcInfo::FORMAT_1_1.into(),
        description: Some("test archive\nof three originals".into()),
        created: "2025-06-01T09:30:00.5+02:00".into(),
    }
}

fn sha_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn document(id: &str, bytes: &[u8], media_type: &str, fetched_at: &str) -> Document {
    Document {
        id: id.into(),
        sha256: sha_hex(bytes),
        media_type: media_type.into(),
        fetched_at: fetched_at.into(),
        published: None,
        source: None,
        lang: None,
        title: None,
        url: None,
        size: bytes.len() as u64,
        modified: None,
    }
}

/// Three originals: UTF-8 text with no URL, GB18030 text, and an HTML page.
fn originals() -> Vec<(Document, Vec<u8>)> {
    let text = UTF8_TEXT.as_bytes().to_vec();
    let mut a = document(
        "001_煤矿 report.txt",
        &text,
        "text/plain",
        "2023-02-22T20:15:07.829+08:00",
    );
    a.published = Some(PartialDate::day(2023, 2, 22).unwrap());
    a.source = Some("新华社".into());
    a.lang = Some("zh".into());
    a.title = Some("阿拉善煤矿坍塌\r\nWARC-Type: metadata".into());

    let gb = GB18030.to_vec();
    assert!(
        std::str::from_utf8(&gb).is_err(),
        "the fixture is not UTF-8"
    );
    let mut b = document("002_gb.txt", &gb, "text/plain", "2023-02-23T00:00:00Z");
    b.url = Some("http://news.example.cn/2023/02/煤矿 透水.html".into());
    b.published = Some(PartialDate::month(2023, 2).unwrap());

    let html = HTML.as_bytes().to_vec();
    let mut c = document(
        "003_page.html",
        &html,
        "text/html",
        "2023-02-24T08:30:00-05:00",
    );
    c.url = Some("https://example.org/news/mine-collapse?id=53&lang=en".into());
    c.lang = Some("en".into());
    c.title = Some("Mine collapse".into());

    vec![(a, text), (b, gb), (c, html)]
}

fn export(originals: &[(Document, Vec<u8>)]) -> Vec<u8> {
    let mut writer = WarcWriter::new(Vec::new(), &info()).expect("warcinfo");
    for (doc, bytes) in originals {
        writer.write_original(doc, bytes).expect("resource record");
    }
    assert_eq!(writer.count(), originals.len());
    writer.finish().expect("flush")
}

/// One record as the bytes say, parsed strictly: CRLF header lines, a blank line,
/// exactly Content-Length octets, then CRLF CRLF.
#[derive(Debug)]
struct Record {
    version: String,
    headers: Vec<(String, String)>,
    block: Vec<u8>,
}

impl Record {
    fn get(&self, name: &str) -> Option<&str> {
        let mut found = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let first = found.next().map(|(_, v)| v.as_str());
        assert!(found.next().is_none(), "{name} repeated");
        first
    }

    fn req(&self, name: &str) -> &str {
        self.get(name)
            .unwrap_or_else(|| panic!("missing {name} in {:?}", self.headers))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse(mut rest: &[u8]) -> Vec<Record> {
    let mut records = Vec::new();
    while !rest.is_empty() {
        let end = find(rest, b"\r\n\r\n").expect("a header ends in a blank line");
        let head = std::str::from_utf8(&rest[..end]).expect("header is UTF-8");
        let mut lines = head.split("\r\n");
        let version = lines.next().unwrap().to_string();
        let headers: Vec<(String, String)> = lines
            .map(|l| {
                assert!(
                    !l.contains('\r') && !l.contains('\n'),
                    "bare CR or LF in header line {l:?}"
                );
                let (n, v) = l.split_once(": ").expect("name: value");
                (n.to_string(), v.to_string())
            })
            .collect();
        let len: usize = headers
            .iter()
            .find(|(n, _)| n == "Content-Length")
            .expect("Content-Length")
            .1
            .parse()
            .expect("a number");
        let start = end + 4;
        let block = rest[start..start + len].to_vec();
        assert_eq!(
            &rest[start + len..start + len + 4],
            b"\r\n\r\n",
            "record ends with CRLF CRLF"
        );
        rest = &rest[start + len + 4..];
        records.push(Record {
            version,
            headers,
            block,
        });
    }
    records
}

/// RFC 4648 base32, bit by bit (deliberately unlike the writer's own encoder).
fn base32(bytes: &[u8]) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let bits: Vec<u8> = bytes
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1))
        .collect();
    let mut out: String = bits
        .chunks(5)
        .map(|c| {
            let v = (0..5).fold(0usize, |acc, i| {
                (acc << 1) | *c.get(i).unwrap_or(&0) as usize
            });
            alphabet[v] as char
        })
        .collect();
    while !out.len().is_multiple_of(8) {
        out.push('=');
    }
    out
}

/// The record id the writer documents: the sha256's first 32 hex digits, version nibble
/// `8`, variant bits `10`.
fn expected_id(sha: &str) -> String {
    let mut h: Vec<char> = sha[..32].chars().collect();
    h[12] = '8';
    let v = h[16].to_digit(16).unwrap();
    h[16] = char::from_digit((v & 0x3) | 0x8, 16).unwrap();
    let h: String = h.into_iter().collect();
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[test]
fn base32_helper_matches_rfc_4648() {
    assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
    assert_eq!(base32(b"fooba"), "MZXW6YTB");
    assert_eq!(base32(b"f"), "MY======");
}

#[test]
fn hand_built_archive_has_warcinfo_then_one_resource_per_original() {
    let originals = originals();
    let warc = export(&originals);
    assert_eq!(warc, export(&originals), "two runs give identical bytes");

    let records = parse(&warc);
    assert_eq!(records.len(), 4);
    assert!(records.iter().all(|r| r.version == "WARC/1.1"));

    let info = &records[0];
    assert_eq!(info.req("WARC-Type"), "warcinfo");
    assert_eq!(info.req("WARC-Date"), "2025-06-01T07:30:00Z");
    assert_eq!(info.req("Content-Type"), "application/warc-fields");
    assert!(info.get("WARC-Target-URI").is_none());
    assert_eq!(
        std::str::from_utf8(&info.block).unwrap(),
        "software: recount 0.1.0\r\nformat: WARC File Format 1.1\r\n\
         description: test archive of three originals\r\n"
    );
    assert_eq!(
        info.req("WARC-Block-Digest"),
        format!("sha256:{}", base32(&Sha256::digest(&info.block)))
    );
    let info_id = info.req("WARC-Record-ID");
    assert!(info_id.starts_with("<urn:uuid:") && info_id.ends_with('>'));

    let resources = &records[1..];
    assert!(resources.iter().all(|r| r.req("WARC-Type") == "resource"));
    let mut ids: Vec<&str> = records.iter().map(|r| r.req("WARC-Record-ID")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "record ids are distinct");

    for ((doc, bytes), r) in originals.iter().zip(resources) {
        assert_eq!(r.block, *bytes, "{}: the block is the original", doc.id);
        assert_eq!(r.req("Content-Length"), bytes.len().to_string());
        let digest = format!("sha256:{}", base32(&Sha256::digest(bytes)));
        assert_eq!(r.req("WARC-Payload-Digest"), digest, "{}", doc.id);
        assert_eq!(r.req("WARC-Block-Digest"), digest, "{}", doc.id);
        assert_eq!(r.req("WARC-Record-ID"), expected_id(&doc.sha256));
        assert_eq!(r.req("WARC-Warcinfo-ID"), info_id);
        assert_eq!(r.req("Content-Type"), doc.media_type, "no charset added");
        assert_eq!(r.req("WARC-Recount-Doc-Id"), doc.id);
    }

    let [a, b, c] = resources else { unreachable!() };
    assert_eq!(a.req("WARC-Date"), "2023-02-22T12:15:07Z");
    assert_eq!(b.req("WARC-Date"), "2023-02-23T00:00:00Z");
    assert_eq!(c.req("WARC-Date"), "2023-02-24T13:30:00Z");

    assert_eq!(
        a.req("WARC-Target-URI"),
        "urn:recount:doc:001_%E7%85%A4%E7%9F%BF%20report.txt"
    );
    assert_eq!(
        b.req("WARC-Target-URI"),
        "http://news.example.cn/2023/02/%E7%85%A4%E7%9F%BF%20%E9%80%8F%E6%B0%B4.html"
    );
    assert_eq!(
        c.req("WARC-Target-URI"),
        "https://example.org/news/mine-collapse?id=53&lang=en"
    );

    // Metadata headers: present only when known; the title's CRLF cannot start a header.
    assert_eq!(a.req("WARC-Recount-Source"), "新华社");
    assert_eq!(a.req("WARC-Recount-Published"), "2023-02-22");
    assert_eq!(a.req("WARC-Recount-Lang"), "zh");
    assert_eq!(
        a.req("WARC-Recount-Title"),
        "阿拉善煤矿坍塌  WARC-Type: metadata"
    );
    assert_eq!(b.req("WARC-Recount-Published"), "2023-02");
    assert!(b.get("WARC-Recount-Title").is_none() && b.get("WARC-Recount-Source").is_none());
    assert_eq!(c.req("WARC-Recount-Title"), "Mine collapse");
}

fn invalid_data(err: ExportError) -> String {
    match err {
        ExportError::Write {
            format,
            incident,
            source,
        } => {
            assert_eq!(format, "warc");
            assert_eq!(source.kind(), io::ErrorKind::InvalidData);
            format!("{incident:?}: {source}")
        }
        other => panic!("expected a refused record, got {other:?}"),
    }
}

#[test]
fn refuses_bytes_that_differ_from_the_archived_hash_and_writes_nothing_of_them() {
    let (doc, bytes) = originals().remove(2);
    let mut writer = WarcWriter::new(Vec::new(), &info()).unwrap();
    let mut altered = bytes.clone();
    altered[10] ^= 1;
    let msg = invalid_data(writer.write_original(&doc, &altered).unwrap_err());
    assert!(
        msg.contains("003_page.html") && msg.contains(&doc.sha256),
        "{msg}"
    );

    let mut bad_date = doc.clone();
    bad_date.fetched_at = "22 Feb 2023".into();
    let msg = invalid_data(writer.write_original(&bad_date, &bytes).unwrap_err());
    assert!(msg.contains("22 Feb 2023"), "{msg}");

    let mut bad_sha = doc.clone();
    bad_sha.sha256 = "not-a-hash".into();
    invalid_data(writer.write_original(&bad_sha, &bytes).unwrap_err());

    assert_eq!(writer.count(), 0);
    let records = parse(&writer.finish().unwrap());
    assert_eq!(records.len(), 1, "only the warcinfo record");

    let mut bad_info = info();
    bad_info.created = "now".into();
    assert!(WarcWriter::new(Vec::new(), &bad_info).is_err());
}

#[test]
fn same_bytes_same_record_whatever_else_is_exported() {
    let all = originals();
    let alone = parse(&export(&all[1..2]));
    let together = parse(&export(&all));
    assert_eq!(
        alone[1].req("WARC-Record-ID"),
        together[2].req("WARC-Record-ID")
    );
    assert_eq!(alone[1].headers, together[2].headers);
}

// ---------------------------------------------------------------------------------
// warcio

fn python() -> Command {
    Command::new("python3")
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("python3 runs");
    println!("$ {cmd:?}  -> {}", out.status);
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("recount-warc-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("write temp WARC");
    path
}

const LIST: &str = r#"
import hashlib, json, sys
from warcio.archiveiterator import ArchiveIterator
with open(sys.argv[1], "rb") as f:
    for rec in ArchiveIterator(f, check_digests=True):
        body = rec.content_stream().read()
        h = rec.rec_headers
        print(json.dumps({
            "type": rec.rec_type,
            "uri": h.get_header("WARC-Target-URI"),
            "id": h.get_header("WARC-Record-ID"),
            "doc": h.get_header("WARC-Recount-Doc-Id"),
            "title": h.get_header("WARC-Recount-Title"),
            "length": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "digests_passed": rec.digest_checker.passed,
            "problems": rec.digest_checker.problems,
        }, ensure_ascii=False))
"#;

#[test]
fn warcio_reads_every_original_back_with_valid_digests() {
    recount_testkit::warcio();
    let originals = originals();
    let warc = export(&originals);
    let path = temp_file("read-back.warc", &warc);

    // ArchiveIterator: (type, target URI, payload length, payload sha256) per record.
    let out = run(python().args(["-c", LIST]).arg(&path));
    assert!(out.status.success(), "warcio could not read the file");
    let listed: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per record"))
        .collect();
    assert_eq!(listed.len(), 1 + originals.len());
    assert_eq!(listed[0]["type"], "warcinfo");
    assert_eq!(listed[0]["digests_passed"], true);
    let parsed = parse(&warc);
    for (((doc, bytes), row), rec) in originals.iter().zip(&listed[1..]).zip(&parsed[1..]) {
        assert_eq!(row["type"], "resource", "{row}");
        assert_eq!(row["doc"], doc.id.as_str(), "{row}");
        assert_eq!(row["uri"], rec.req("WARC-Target-URI"), "{row}");
        assert_eq!(row["id"], expected_id(&doc.sha256), "{row}");
        assert_eq!(row["length"], bytes.len(), "{row}");
        assert_eq!(row["sha256"], doc.sha256.as_str(), "{row}");
        assert_eq!(row["digests_passed"], true, "{row}");
        assert_eq!(row["problems"], serde_json::json!([]), "{row}");
    }
    assert_eq!(listed[1]["title"], "阿拉善煤矿坍塌  WARC-Type: metadata");

    // `warcio index`: the default fields, then recount's own header as an index field.
    let out = run(python().args(["-m", "warcio.cli", "index"]).arg(&path));
    assert!(out.status.success());
    let index = String::from_utf8(out.stdout).unwrap();
    assert_eq!(index.lines().count(), 4, "{index}");
    assert_eq!(index.matches("\"warc-type\": \"resource\"").count(), 3);
    for rec in &parsed[1..] {
        assert!(index.contains(rec.req("WARC-Target-URI")), "{index}");
    }
    let out = run(python()
        .args(["-m", "warcio.cli", "index", "-f"])
        .arg("warc-type,warc-recount-doc-id,content-length")
        .arg(&path));
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON index line"))
        .collect();
    assert_eq!(rows.len(), 4);
    for ((doc, bytes), row) in originals.iter().zip(&rows[1..]) {
        assert_eq!(row["warc-recount-doc-id"], doc.id.as_str(), "{row}");
        assert_eq!(row["content-length"], bytes.len().to_string(), "{row}");
    }

    // `warcio check`: silent and exit 0 when every digest holds; -v says so per record.
    let out = run(python().args(["-m", "warcio.cli", "check"]).arg(&path));
    assert!(out.status.success(), "warcio check failed");
    assert!(out.stdout.is_empty(), "warcio check reported problems");
    let out = run(python()
        .args(["-m", "warcio.cli", "check", "-v"])
        .arg(&path));
    assert!(out.status.success());
    let verbose = String::from_utf8(out.stdout).unwrap();
    assert_eq!(verbose.matches("digest pass").count(), 4, "{verbose}");
    assert!(!verbose.contains("fail"), "{verbose}");

    // The check is real: one flipped byte in the GB18030 block fails it.
    let at = find(&warc, GB18030).expect("the GB18030 block is in the file") + 3;
    let mut broken = warc.clone();
    broken[at] ^= 0x01;
    let broken_path = temp_file("broken.warc", &broken);
    let out = run(python()
        .args(["-m", "warcio.cli", "check"])
        .arg(&broken_path));
    assert!(
        !out.status.success(),
        "warcio check passed a corrupted file"
    );
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("digest failed"), "{report}");
    assert!(
        report.contains(&expected_id(&originals[1].0.sha256)),
        "{report}"
    );

    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(broken_path);
}
