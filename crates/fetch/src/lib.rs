//! A careful HTTP client for recount: it fetches feeds, articles and webhooks without
//! becoming a way into the machine it runs on or a way to exhaust it.
//!
//! - **SSRF guard**: every host is resolved first and refused when any address is
//!   loopback, private, link-local (incl. the 169.254.169.254 metadata address),
//!   unspecified, CGNAT, multicast, broadcast, reserved or a documentation range (see
//!   [`guard::non_public`]); the connection goes to the checked address only. Redirects
//!   are followed here, one hop at a time, each hop checked again.
//! - **Limits**: connect, per-read and overall timeouts; a body size limit applied while
//!   reading; gzip/deflate decoded here with a limit on the decoded size (a gzip bomb
//!   stops at the limit); a redirect limit and loop detection.
//! - **Manners**: a user agent naming recount, conditional GET (ETag, Last-Modified),
//!   a minimum interval between requests to one host, retries with exponential backoff
//!   on connection errors, 429 and 5xx (honouring Retry-After up to a cap).
//!
//! The client is synchronous; it costs one blocking call per request.

pub mod guard;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use url::Url;

pub use guard::{non_public, Refusal};

/// The user agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "recount/",
    env!("CARGO_PKG_VERSION"),
    " (incident monitor; +https://github.com/recount)"
);

/// How the client behaves; [`Config::default`] suits fetching news feeds.
#[derive(Debug, Clone)]
pub struct Config {
    pub user_agent: String,
    /// Allow loopback, private and link-local addresses (tests, intranet feeds).
    pub allow_private: bool,
    /// Single addresses allowed although not public (e.g. one intranet server).
    pub allowed_addresses: Vec<std::net::IpAddr>,
    /// Largest body accepted as sent on the wire, in bytes.
    pub max_bytes: u64,
    /// Largest body accepted after gzip/deflate decoding, in bytes.
    pub max_decoded_bytes: u64,
    pub connect_timeout: Duration,
    /// Longest wait for any one read from the server.
    pub read_timeout: Duration,
    /// Longest time one request (one hop, one attempt) may take in all.
    pub total_timeout: Duration,
    pub max_redirects: u32,
    /// Further attempts after a connection error, 429 or 5xx.
    pub retries: u32,
    /// The first retry's delay; each next one doubles it.
    pub backoff: Duration,
    /// The longest Retry-After honoured; a server asking for more gets this.
    pub max_retry_after: Duration,
    /// Minimum time between the starts of two requests to the same host.
    pub host_interval: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            user_agent: USER_AGENT.to_string(),
            allow_private: false,
            allowed_addresses: Vec::new(),
            max_bytes: 10 * 1024 * 1024,
            max_decoded_bytes: 20 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(20),
            total_timeout: Duration::from_secs(60),
            max_redirects: 5,
            retries: 2,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(30),
            host_interval: Duration::from_secs(1),
        }
    }
}

/// Validators from an earlier fetch of the same URL, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A fetched body with what the server said about it.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL the body came from, after redirects.
    pub url: String,
    pub status: u16,
    pub content_type: Option<String>,
    /// Validators to send next time.
    pub validators: Validators,
    /// The body, decoded from gzip/deflate when the server compressed it.
    pub body: Vec<u8>,
}

/// What a (conditional) GET found.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: unchanged since the validators were issued.
    NotModified {
        url: String,
    },
    Body(Response),
}

/// Why a fetch failed; every message names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not a fetchable URL: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("{url}: refused: {refusal}")]
    Refused { url: String, refusal: Refusal },
    #[error("{url}: cannot resolve the host name")]
    HostNotFound { url: String },
    #[error("{url}: cannot connect: {reason}")]
    Connect { url: String, reason: String },
    #[error("{url}: timed out ({what})")]
    Timeout { url: String, what: String },
    #[error("{url}: the response is larger than the limit of {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: the {encoding} body decompresses to more than the limit of {limit} bytes (a compression bomb?)")]
    DecompressedTooLarge {
        url: String,
        encoding: String,
        limit: u64,
    },
    #[error("{url}: the {encoding} body is corrupt: {reason}")]
    Decode {
        url: String,
        encoding: String,
        reason: String,
    },
    #[error("{url}: content encoding '{encoding}' is not supported")]
    Encoding { url: String, encoding: String },
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: String, limit: u32 },
    #[error("{url}: redirect loop (back to {to})")]
    RedirectLoop { url: String, to: String },
    #[error("{url}: redirect without a usable Location")]
    BadRedirect { url: String },
    #[error("{url}: HTTP status {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: {reason}")]
    Http { url: String, reason: String },
}

impl FetchError {
    /// True for failures a later attempt may not repeat (connection errors).
    fn transient(&self) -> bool {
        matches!(self, FetchError::Connect { .. })
    }
}

/// The HTTP client. Cheap to share by reference; the per-host clock is behind a mutex.
pub struct Client {
    agent: ureq::Agent,
    config: Config,
    last_start: Mutex<HashMap<String, Instant>>,
}

/// A body POSTed to a webhook.
pub struct Post<'a> {
    pub content_type: &'a str,
    pub body: &'a [u8],
}

impl Client {
    pub fn new(config: Config) -> Client {
        let agent_config = ureq::Agent::config_builder()
            .user_agent(config.user_agent.as_str())
            // Redirects are followed by `get`, hop by hop, so each hop passes the guard.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            // Proxies from the environment would connect on our behalf, past the guard.
            .proxy(None)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_per_read(Some(config.read_timeout))
            .timeout_global(Some(config.total_timeout))
            .build();
        let agent = ureq::Agent::with_parts(
            agent_config,
            ureq::unversioned::transport::DefaultConnector::new(),
            guard::GuardedResolver::new(config.allow_private, config.allowed_addresses.clone()),
        );
        Client {
            agent,
            config,
            last_start: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// GETs `url`, following redirects (each hop checked by the guard), sending the
    /// validators for a conditional GET, retrying transient failures with backoff.
    pub fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut current = parse(url)?;
        let mut seen = HashSet::new();
        seen.insert(current.to_string());
        let mut hops = 0;
        loop {
            let resp = self
                .with_retries(&current, |u| self.send_get(u, validators))
                .map_err(|e| match e {
                    // Name the URL asked for, and the hop that was refused.
                    FetchError::Refused { url: hop, refusal } if hops > 0 => FetchError::Refused {
                        url: format!("{url} (redirected to {hop})"),
                        refusal,
                    },
                    other => other,
                })?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                let location =
                    header(&resp, "location").ok_or_else(|| FetchError::BadRedirect {
                        url: current.to_string(),
                    })?;
                let next = current
                    .join(&location)
                    .map_err(|_| FetchError::BadRedirect {
                        url: current.to_string(),
                    })?;
                check_scheme(&next)?;
                hops += 1;
                if !seen.insert(next.to_string()) {
                    return Err(FetchError::RedirectLoop {
                        url: url.to_string(),
                        to: next.to_string(),
                    });
                }
                if hops > self.config.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        url: url.to_string(),
                        limit: self.config.max_redirects,
                    });
                }
                current = next;
                continue;
            }
            if status == 304 {
                return Ok(Fetched::NotModified {
                    url: current.to_string(),
                });
            }
            if !(200..300).contains(&status) {
                return Err(FetchError::Status {
                    url: current.to_string(),
                    status,
                });
            }
            return self.read_body(&current, resp).map(Fetched::Body);
        }
    }

    /// POSTs a body (a webhook delivery), with the guard and the retries of `get`;
    /// redirects are not followed. Returns the status when it is 2xx.
    pub fn post(&self, url: &str, post: &Post) -> Result<u16, FetchError> {
        let target = parse(url)?;
        let resp = self.with_retries(&target, |u| {
            self.agent
                .post(u.as_str())
                .header("content-type", post.content_type)
                .send(post.body)
        })?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            Ok(status)
        } else {
            Err(FetchError::Status {
                url: url.to_string(),
                status,
            })
        }
    }

    fn send_get(
        &self,
        url: &Url,
        v: &Validators,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let mut req = self
            .agent
            .get(url.as_str())
            .header("accept-encoding", "gzip, deflate");
        if let Some(etag) = &v.etag {
            req = req.header("if-none-match", etag);
        }
        if let Some(lm) = &v.last_modified {
            req = req.header("if-modified-since", lm);
        }
        req.call()
    }

    /// One request with the per-host interval, retried on connection errors, 429 and 5xx.
    fn with_retries(
        &self,
        url: &Url,
        mut send: impl FnMut(&Url) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<ureq::http::Response<ureq::Body>, FetchError> {
        let mut attempt = 0;
        loop {
            self.wait_for_host(url);
            let result = send(url).map_err(|e| map_error(url, e));
            let delay = match &result {
                Err(e) if e.transient() => self.backoff(attempt),
                Ok(resp) if resp.status().as_u16() == 429 || resp.status().is_server_error() => {
                    retry_after(resp)
                        .map(|d| d.min(self.config.max_retry_after))
                        .unwrap_or_else(|| self.backoff(attempt))
                }
                _ => return result,
            };
            if attempt >= self.config.retries {
                return result;
            }
            attempt += 1;
            std::thread::sleep(delay);
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.config.backoff.saturating_mul(1 << attempt.min(16))
    }

    /// Sleeps until `host_interval` has passed since the last request to this host.
    fn wait_for_host(&self, url: &Url) {
        let host = url.host_str().unwrap_or_default().to_string();
        let wait = {
            let mut last = self
                .last_start
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let now = Instant::now();
            let start = match last.get(&host) {
                Some(prev) => (*prev + self.config.host_interval).max(now),
                None => now,
            };
            last.insert(host, start);
            start - now
        };
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    fn read_body(
        &self,
        url: &Url,
        resp: ureq::http::Response<ureq::Body>,
    ) -> Result<Response, FetchError> {
        let limit = self.config.max_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit,
        };
        if header(&resp, "content-length")
            .and_then(|l| l.trim().parse::<u64>().ok())
            .is_some_and(|l| l > limit)
        {
            return Err(too_large());
        }
        let status = resp.status().as_u16();
        let content_type = header(&resp, "content-type");
        let encoding = header(&resp, "content-encoding")
            .map(|e| e.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let validators = Validators {
            etag: header(&resp, "etag"),
            last_modified: header(&resp, "last-modified"),
        };
        let mut raw = Vec::new();
        resp.into_body()
            .into_reader()
            .take(limit + 1)
            .read_to_end(&mut raw)
            .map_err(|e| map_read_error(url, e))?;
        if raw.len() as u64 > limit {
            return Err(too_large());
        }
        let body = decode_body(url, &encoding, raw, self.config.max_decoded_bytes)?;
        Ok(Response {
            url: url.to_string(),
            status,
            content_type,
            validators,
            body,
        })
    }
}

/// Decodes a gzip or deflate body, stopping at `limit` decoded bytes.
fn decode_body(url: &Url, encoding: &str, raw: Vec<u8>, limit: u64) -> Result<Vec<u8>, FetchError> {
    let reader: Box<dyn Read> = match encoding {
        "" | "identity" => return Ok(raw),
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(&raw[..])),
        // "deflate" is zlib-wrapped by the standard, raw deflate by some servers.
        "deflate" if raw.first().is_some_and(|b| b & 0x0f == 8) => {
            Box::new(flate2::read::ZlibDecoder::new(&raw[..]))
        }
        "deflate" => Box::new(flate2::read::DeflateDecoder::new(&raw[..])),
        other => {
            return Err(FetchError::Encoding {
                url: url.to_string(),
                encoding: other.to_string(),
            })
        }
    };
    let mut out = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| FetchError::Decode {
            url: url.to_string(),
            encoding: encoding.to_string(),
            reason: e.to_string(),
        })?;
    if out.len() as u64 > limit {
        return Err(FetchError::DecompressedTooLarge {
            url: url.to_string(),
            encoding: encoding.to_string(),
            limit,
        });
    }
    Ok(out)
}

fn parse(url: &str) -> Result<Url, FetchError> {
    let parsed = Url::parse(url).map_err(|e| FetchError::BadUrl {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    check_scheme(&parsed)?;
    Ok(parsed)
}

fn check_scheme(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(()),
        "http" | "https" => Err(FetchError::BadUrl {
            url: url.to_string(),
            reason: "no host".into(),
        }),
        other => Err(FetchError::BadUrl {
            url: url.to_string(),
            reason: format!("scheme '{other}' is not http or https"),
        }),
    }
}

fn header(resp: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Retry-After in seconds (the HTTP-date form is treated as absent).
fn retry_after(resp: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    header(resp, "retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

fn map_error(url: &Url, e: ureq::Error) -> FetchError {
    let url_s = url.to_string();
    match e {
        ureq::Error::Other(inner) => match inner.downcast::<Refusal>() {
            Ok(refusal) => FetchError::Refused {
                url: url_s,
                refusal: *refusal,
            },
            Err(other) => FetchError::Http {
                url: url_s,
                reason: other.to_string(),
            },
        },
        ureq::Error::HostNotFound => FetchError::HostNotFound { url: url_s },
        ureq::Error::Timeout(t) => FetchError::Timeout {
            url: url_s,
            what: t.to_string(),
        },
        ureq::Error::ConnectionFailed => FetchError::Connect {
            url: url_s,
            reason: "connection failed".into(),
        },
        ureq::Error::Io(io) => map_read_error(url, io),
        other => FetchError::Http {
            url: url_s,
            reason: other.to_string(),
        },
    }
}

fn map_read_error(url: &Url, e: std::io::Error) -> FetchError {
    use std::io::ErrorKind::*;
    let url_s = url.to_string();
    // ureq wraps its own errors (timeouts above all) in io::Error while a body streams.
    if e.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<ureq::Error>().is_some())
    {
        if let Some(Ok(ureq_err)) = e.into_inner().map(|i| i.downcast::<ureq::Error>()) {
            return map_error(url, *ureq_err);
        }
        return FetchError::Http {
            url: url_s,
            reason: "i/o error".into(),
        };
    }
    match e.kind() {
        ConnectionRefused | ConnectionReset | ConnectionAborted | NotConnected | BrokenPipe => {
            FetchError::Connect {
                url: url_s,
                reason: e.to_string(),
            }
        }
        TimedOut | WouldBlock => FetchError::Timeout {
            url: url_s,
            what: "reading".into(),
        },
        _ => FetchError::Http {
            url: url_s,
            reason: e.to_string(),
        },
    }
}
