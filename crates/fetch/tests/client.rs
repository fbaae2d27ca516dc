//! The client against a local server on 127.0.0.1: good answers, conditional GET,
//! compression, bombs, huge and slow answers, redirects and the SSRF guard.

mod server;

use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use recount_fetch::{Client, Config, FetchError, Fetched, Validators};
use server::{Reply, Server};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn local() -> Config {
    Config {
        allow_private: true,
        host_interval: Duration::ZERO,
        backoff: Duration::from_millis(10),
        ..Config::default()
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn body(f: Fetched) -> Vec<u8> {
    match f {
        Fetched::Body(r) => r.body,
        Fetched::NotModified { url } => panic!("{url}: unexpected 304"),
    }
}

#[test]
fn a_plain_get_names_recount_in_the_user_agent() {
    let s = Server::start(|_| Reply::ok("text/plain", "hello"));
    let c = Client::new(local());
    assert_eq!(
        body(c.get(&s.url("/a"), &Validators::default()).unwrap()),
        b"hello"
    );
    let ua = s.hits("/a")[0].header("user-agent").unwrap().to_string();
    assert!(ua.starts_with("recount/"), "{ua}");
}

#[test]
fn conditional_get_sends_validators_and_reads_304() {
    let s = Server::start(|r| {
        if r.header("if-none-match") == Some("\"v1\"") {
            Reply::status(304)
        } else {
            Reply::ok("text/plain", "body")
                .with("etag", "\"v1\"")
                .with("last-modified", "Mon, 23 Nov 2026 08:00:00 GMT")
        }
    });
    let c = Client::new(local());
    let first = match c.get(&s.url("/f"), &Validators::default()).unwrap() {
        Fetched::Body(r) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(first.validators.etag.as_deref(), Some("\"v1\""));
    let second = c.get(&s.url("/f"), &first.validators).unwrap();
    assert!(matches!(second, Fetched::NotModified { .. }), "{second:?}");
    let hits = s.hits("/f");
    assert_eq!(
        hits[1].header("if-modified-since"),
        Some("Mon, 23 Nov 2026 08:00:00 GMT")
    );
}

#[test]
fn gzip_and_deflate_bodies_are_decoded() {
    let s = Server::start(|r| {
        let text = b"compressed words".to_vec();
        match r.path.as_str() {
            "/gz" => Reply::ok("text/plain", gzip(&text)).with("content-encoding", "gzip"),
            _ => {
                let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
                e.write_all(&text).unwrap();
                Reply::ok("text/plain", e.finish().unwrap()).with("content-encoding", "deflate")
            }
        }
    });
    let c = Client::new(local());
    let v = Validators::default();
    assert_eq!(body(c.get(&s.url("/gz"), &v).unwrap()), b"compressed words");
    assert_eq!(body(c.get(&s.url("/df"), &v).unwrap()), b"compressed words");
    assert!(s.hits("/gz")[0]
        .header("accept-encoding")
        .unwrap()
        .contains("gzip"));
}

#[test]
fn a_gzip_bomb_stops_at_the_decoded_limit() {
    // 64 MB of zeros compress to about 64 KB.
    let bomb = gzip(&vec![0u8; 64 * 1024 * 1024]);
    assert!(bomb.len() < 200 * 1024);
    let s = Server::start(move |_| {
        Reply::ok("application/xml", bomb.clone()).with("content-encoding", "gzip")
    });
    let c = Client::new(Config {
        max_decoded_bytes: 1024 * 1024,
        ..local()
    });
    let err = c.get(&s.url("/bomb"), &Validators::default()).unwrap_err();
    assert!(
        matches!(err, FetchError::DecompressedTooLarge { limit: 1048576, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("compression bomb"), "{err}");
}

#[test]
fn a_50_mb_response_is_refused_with_or_without_a_length() {
    let big = std::sync::Arc::new(vec![b'x'; 50 * 1024 * 1024]);
    let s = Server::start(move |r| {
        let mut reply = Reply::ok("text/html", big.as_slice());
        reply.no_length = r.path == "/unsized";
        reply
    });
    let c = Client::new(local());
    for path in ["/sized", "/unsized"] {
        let err = c.get(&s.url(path), &Validators::default()).unwrap_err();
        assert!(
            matches!(err, FetchError::TooLarge { limit, .. } if limit == 10 * 1024 * 1024),
            "{path}: {err}"
        );
    }
}

#[test]
fn a_redirect_loop_and_a_long_chain_are_stopped() {
    let s = Server::start(|r| match r.path.as_str() {
        "/a" => Reply::redirect("/b"),
        "/b" => Reply::redirect("/a"),
        p => {
            let n: u32 = p.trim_start_matches("/chain/").parse().unwrap_or(0);
            Reply::redirect(&format!("/chain/{}", n + 1))
        }
    });
    let c = Client::new(local());
    let err = c.get(&s.url("/a"), &Validators::default()).unwrap_err();
    assert!(matches!(err, FetchError::RedirectLoop { .. }), "{err}");
    let err = c
        .get(&s.url("/chain/0"), &Validators::default())
        .unwrap_err();
    assert!(
        matches!(err, FetchError::TooManyRedirects { limit: 5, .. }),
        "{err}"
    );
    assert_eq!(s.hits("/chain/5").len(), 1);
    assert!(s.hits("/chain/6").is_empty());
}

#[test]
fn redirects_are_followed_to_the_final_url() {
    let s = Server::start(|r| match r.path.as_str() {
        "/old" => Reply::status(301).with("location", "/new"),
        _ => Reply::ok("text/plain", "moved here"),
    });
    let c = Client::new(local());
    match c.get(&s.url("/old"), &Validators::default()).unwrap() {
        Fetched::Body(r) => {
            assert_eq!(r.url, s.url("/new"));
            assert_eq!(r.body, b"moved here");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn loopback_is_refused_unless_allowed() {
    let s = Server::start(|_| Reply::ok("text/plain", "secret"));
    let c = Client::new(Config {
        allow_private: false,
        ..local()
    });
    let err = c.get(&s.url("/admin"), &Validators::default()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, FetchError::Refused { .. }), "{msg}");
    assert!(
        msg.contains("loopback") && msg.contains("--allow-private"),
        "{msg}"
    );
    assert!(
        s.hits("/admin").is_empty(),
        "the server must not be reached"
    );
}

#[test]
fn a_redirect_to_the_metadata_address_is_refused() {
    let s = Server::start(|_| Reply::redirect("http://169.254.169.254/latest/meta-data/"));
    // This server alone is allowed; where it redirects is checked afresh.
    let c = Client::new(Config {
        allow_private: false,
        allowed_addresses: vec!["127.0.0.1".parse().unwrap()],
        ..local()
    });
    let err = c.get(&s.url("/go"), &Validators::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("169.254.169.254/latest"), "{msg}");
    assert!(msg.contains("metadata"), "{msg}");
}

#[test]
fn other_schemes_are_not_fetched() {
    let c = Client::new(local());
    for url in ["file:///etc/passwd", "ftp://example.org/x", "not a url"] {
        let err = c.get(url, &Validators::default()).unwrap_err();
        assert!(matches!(err, FetchError::BadUrl { .. }), "{url}: {err}");
    }
}

#[test]
fn a_slow_server_times_out() {
    let s = Server::start(|_| {
        let mut reply = Reply::ok("text/plain", vec![b'.'; 40]);
        reply.trickle = Some((1, Duration::from_millis(100)));
        reply
    });
    let c = Client::new(Config {
        total_timeout: Duration::from_millis(600),
        ..local()
    });
    let err = c.get(&s.url("/slow"), &Validators::default()).unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err}");
}

#[test]
fn server_errors_and_429_are_retried() {
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let s = Server::start(move |r| match r.path.as_str() {
        "/flaky" if counter.fetch_add(1, Ordering::SeqCst) == 0 => Reply::status(503),
        "/flaky" => Reply::ok("text/plain", "fine now"),
        "/busy" => Reply::status(429).with("retry-after", "3600"),
        _ => Reply::status(404),
    });
    let c = Client::new(Config {
        max_retry_after: Duration::from_millis(20),
        ..local()
    });
    assert_eq!(
        body(c.get(&s.url("/flaky"), &Validators::default()).unwrap()),
        b"fine now"
    );
    assert_eq!(s.hits("/flaky").len(), 2);
    let err = c.get(&s.url("/busy"), &Validators::default()).unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 429, .. }),
        "{err}"
    );
    assert_eq!(s.hits("/busy").len(), 3, "one attempt and two retries");
    let err = c.get(&s.url("/gone"), &Validators::default()).unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 404, .. }),
        "{err}"
    );
    assert_eq!(s.hits("/gone").len(), 1, "a 404 is not retried");
}

#[test]
fn requests_to_one_host_keep_the_minimum_interval() {
    let s = Server::start(|_| Reply::ok("text/plain", "x"));
    let c = Client::new(Config {
        host_interval: Duration::from_millis(150),
        ..local()
    });
    let start = Instant::now();
    for _ in 0..3 {
        c.get(&s.url("/p"), &Validators::default()).unwrap();
    }
    assert!(start.elapsed() >= Duration::from_millis(300));
}

#[test]
fn a_webhook_post_is_retried_and_guarded() {
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let s = Server::start(move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::status(502)
        } else {
            Reply::status(204)
        }
    });
    let c = Client::new(local());
    let post = recount_fetch::Post {
        content_type: "application/json",
        body: b"{\"a\":1}",
    };
    assert_eq!(c.post(&s.url("/hook"), &post).unwrap(), 204);
    let hits = s.hits("/hook");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[1].method, "POST");
    assert_eq!(hits[1].body, b"{\"a\":1}");
    let guarded = Client::new(Config::default());
    assert!(matches!(
        guarded.post(&s.url("/hook"), &post).unwrap_err(),
        FetchError::Refused { .. }
    ));
}
