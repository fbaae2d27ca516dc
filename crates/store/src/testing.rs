//! For tests: a fresh PostgreSQL database per test, dropped afterwards.
//!
//! The server is `RECOUNT_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! When it does not answer, [`TempDatabase::create`] fails the test, unless
//! `RECOUNT_SKIP_PG=1` says that this machine has no server on purpose; then it returns
//! `None` and the PostgreSQL half of the test is skipped with a note on standard error.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The server tests use when `RECOUNT_TEST_PG` is not set.
pub const DEFAULT_TEST_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A database made for one test; dropped (with any connections still open) on drop.
pub struct TempDatabase {
    admin: String,
    name: String,
    url: String,
}

impl TempDatabase {
    /// Creates a uniquely named database on the test server.
    ///
    /// # Panics
    /// When the server does not answer and `RECOUNT_SKIP_PG` is not `1`.
    pub fn create() -> Option<Self> {
        let admin =
            std::env::var("RECOUNT_TEST_PG").unwrap_or_else(|_| DEFAULT_TEST_SERVER.to_string());
        let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
            Ok(c) => c,
            Err(e) if std::env::var("RECOUNT_SKIP_PG").as_deref() == Ok("1") => {
                eprintln!("RECOUNT_SKIP_PG=1: skipping the PostgreSQL variant ({admin}: {e})");
                return None;
            }
            Err(e) => panic!(
                "no PostgreSQL server for the tests at {admin}: {e}\n\
                 start one (see README, 'PostgreSQL'), point RECOUNT_TEST_PG at one, \
                 or set RECOUNT_SKIP_PG=1 to skip the PostgreSQL variants"
            ),
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "recount_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("creating test database {name} at {admin}: {e}"));
        let base = admin.split('?').next().unwrap_or(&admin);
        let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
        let url = format!("{server}/{name}");
        Some(TempDatabase { admin, name, url })
    }

    /// The URL of the database, for `PgStore::connect` or `--database-url`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
