//! For recount's tests only: the prerequisites a test may have beyond Rust and a C compiler,
//! and the one rule for them.
//!
//! A test that needs one of them carries its tag in its name: some segment of the test's
//! path begins with the tag and `_` (`pg_four_workers…`, `pg_backend::commits…`,
//! `shared_seed_export…`; several tags in a row, `pg_shared_…`, for several needs). It asks
//! for the prerequisite here, and when that is missing it **fails** with the reason, never
//! returns early as a pass. `scripts/test` probes the machine, leaves out (with nextest's
//! filter, which reports them as skipped) the tests whose prerequisites are missing, and
//! names what it left out in its closing lines; under `CI=true` it leaves out nothing, so a
//! missing prerequisite fails the run. Each helper also checks that the calling test's name
//! carries the tag, so a test cannot need something without being left out where it is
//! missing.

mod postgres;

pub use postgres::TempDatabase;

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a test may need beyond Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prerequisite {
    /// A PostgreSQL server at `RECOUNT_TEST_PG` that lets its user create databases.
    Postgres,
    /// The `shared` directory beside the repository: corpora, gold files, the schema.
    Shared,
    /// `python3` on the PATH.
    Python,
    /// `python3` with the `warcio` package.
    Warcio,
}

impl Prerequisite {
    /// Every prerequisite, in the order `scripts/test` reports them.
    pub const ALL: [Prerequisite; 4] = [
        Prerequisite::Postgres,
        Prerequisite::Shared,
        Prerequisite::Python,
        Prerequisite::Warcio,
    ];

    /// The tag a test needing it carries in its name (followed by `_`).
    pub fn tag(self) -> &'static str {
        match self {
            Prerequisite::Postgres => "pg",
            Prerequisite::Shared => "shared",
            Prerequisite::Python => "python",
            Prerequisite::Warcio => "warcio",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Prerequisite::Postgres => "a PostgreSQL server",
            Prerequisite::Shared => "../shared (corpora, gold files, schema)",
            Prerequisite::Python => "python3",
            Prerequisite::Warcio => "python3 with warcio (pip install warcio)",
        }
    }
}

/// Whether the test path `name` carries `tag`: one of its `::` segments begins with a run
/// of tags, each followed by `_`, that includes it. This is the rule `scripts/test` writes
/// as the regular expression `(^|::)((pg|shared|python|warcio)_)*TAG_`.
pub fn carries(name: &str, tag: &str) -> bool {
    name.split("::").any(|segment| {
        let words: Vec<&str> = segment.split('_').collect();
        words[..words.len() - 1]
            .iter()
            .take_while(|w| Prerequisite::ALL.iter().any(|p| p.tag() == **w))
            .any(|w| *w == tag)
    })
}

/// Fails the calling test unless its name carries `need`'s tag. The test harness names a
/// test's thread after the test; a thread the test started itself has no name and is not
/// checked.
fn check_named(need: Prerequisite) {
    let thread = std::thread::current();
    let Some(name) = thread.name().filter(|n| *n != "main") else {
        return;
    };
    assert!(
        carries(name, need.tag()),
        "test {name} needs {}, so its name must carry the tag `{}_` (a segment of its path \
         beginning with it; see crates/testkit): that is how scripts/test leaves it out, \
         reported as skipped, where this is missing",
        need.what(),
        need.tag()
    );
}

/// Fails the calling test: `need` is missing, for `reason`.
fn missing(need: Prerequisite, reason: &str) -> ! {
    panic!(
        "this test needs {} and {reason}.\n\
         Run the suite with scripts/test: it leaves out the tests whose prerequisites are \
         missing, says so at the end, and fails under CI=true (README, 'The test suite').",
        need.what()
    )
}

/// The workspace's root directory.
pub fn repo() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    dir.canonicalize().unwrap_or(dir)
}

/// The `shared` directory: `RECOUNT_SHARED` if set, else `shared` beside the repository or
/// beside one of its ancestors (a worktree may sit deeper). It must hold the seed corpus and
/// the schema.
pub fn shared() -> PathBuf {
    check_named(Prerequisite::Shared);
    let complete = |dir: &Path| {
        dir.join("corpus/seeds").is_dir() && dir.join("schema/incident.schema.json").is_file()
    };
    if let Some(dir) = std::env::var_os("RECOUNT_SHARED") {
        let dir = PathBuf::from(dir);
        if !complete(&dir) {
            missing(
                Prerequisite::Shared,
                &format!(
                    "RECOUNT_SHARED={} holds no corpus/seeds and schema/incident.schema.json",
                    dir.display()
                ),
            );
        }
        return dir;
    }
    let repo = repo();
    match repo
        .ancestors()
        .skip(1)
        .map(|d| d.join("shared"))
        .find(|d| complete(d))
    {
        Some(dir) => dir,
        None => missing(
            Prerequisite::Shared,
            &format!(
                "no shared/ with corpus/seeds and schema/incident.schema.json is beside {} \
                 or above it (or set RECOUNT_SHARED)",
                repo.display()
            ),
        ),
    }
}

/// Fails the calling test unless `python3` runs.
pub fn python3() {
    check_named(Prerequisite::Python);
    if let Err(reason) = run_python(&["--version"]) {
        missing(Prerequisite::Python, &reason);
    }
}

/// Fails the calling test unless `python3` can import `warcio`.
pub fn warcio() {
    check_named(Prerequisite::Warcio);
    if let Err(reason) = run_python(&["-c", "import warcio"]) {
        missing(Prerequisite::Warcio, &reason);
    }
}

fn run_python(args: &[&str]) -> Result<(), String> {
    let shown = format!("`python3 {}`", args.join(" "));
    match Command::new("python3").args(args).output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            Err(format!(
                "{shown} failed: {}",
                stderr.trim().lines().last().unwrap_or("")
            ))
        }
        Err(e) => Err(format!("{shown} did not run: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_counts_at_the_start_of_a_segment_alone_or_among_tags() {
        assert!(carries("pg_four_workers", "pg"));
        assert!(carries("store::tests::pg_backend::commits", "pg"));
        assert!(carries("pg_shared_review_commands", "shared"));
        assert!(carries("pg_shared_review_commands", "pg"));
        assert!(carries("jsonl::shared_broken_lines", "shared"));
    }

    #[test]
    fn a_tag_elsewhere_or_without_its_underscore_does_not_count() {
        assert!(!carries("a_shared_district_name", "shared"));
        assert!(!carries("review_pg_commands", "pg"));
        assert!(!carries("store::pg::commits", "pg"));
        assert!(!carries("shared", "shared"));
        assert!(!carries("pg_backend", "shared"));
        assert!(!carries("png_files", "pg"));
    }

    #[test]
    fn a_test_that_needs_something_must_be_named_for_it() {
        let err = std::panic::catch_unwind(|| check_named(Prerequisite::Warcio)).unwrap_err();
        let message = err.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("must carry the tag `warcio_`"),
            "{message}"
        );
    }

    #[test]
    fn shared_the_directory_holds_the_seeds_and_the_schema() {
        let dir = shared();
        assert!(dir.join("corpus/seeds").is_dir());
        assert!(dir.join("schema/incident.schema.json").is_file());
    }
}
