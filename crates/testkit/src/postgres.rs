//! A fresh PostgreSQL database per test, dropped afterwards.

use crate::{check_named, missing, Prerequisite};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The server tests use when `RECOUNT_TEST_PG` is not set.
pub const DEFAULT_TEST_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A database made for one test on the server at `RECOUNT_TEST_PG` (default
/// [`DEFAULT_TEST_SERVER`]; its user must be allowed to create databases); dropped, with any
/// connections still open, on drop.
pub struct TempDatabase {
    admin: String,
    name: String,
    url: String,
}

impl TempDatabase {
    /// Creates a uniquely named database on the test server.
    ///
    /// # Panics
    /// When the server does not answer (the test needs it: see the crate's rule), or the
    /// calling test's name does not carry the tag `pg_`.
    pub fn create() -> Self {
        check_named(Prerequisite::Postgres);
        let admin =
            std::env::var("RECOUNT_TEST_PG").unwrap_or_else(|_| DEFAULT_TEST_SERVER.to_string());
        let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => missing(
                Prerequisite::Postgres,
                &format!("none answers at {admin} (RECOUNT_TEST_PG): {e}"),
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
        TempDatabase { admin, name, url }
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
