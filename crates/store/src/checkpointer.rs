//! Copies the SQLite write-ahead log back into the database on a thread of its own.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on
//! the writer's thread: during a large ingest that was more than half of every commit
//! (copying each page the transaction wrote into the database file, and two `fsync`s).
//! Here a second connection does that work beside the writer, which only wakes it after
//! each commit. SQLite allows one checkpoint to run while a writer appends to the log;
//! both see a consistent log through its shared index.
//!
//! Each round copies the pages written since the last one, so a page written by many
//! transactions in a row (the tails of the tables, the current days of the date indexes)
//! is copied once per round rather than once per transaction. The writer therefore wakes
//! the thread only once the log has grown by [`ROUND_FRAMES`]; it learns the log's
//! length after each commit from SQLite's log hook, which this module installs in place
//! of SQLite's automatic checkpoint (and which stands in for it when the thread falls
//! far behind).
//!
//! A passive checkpoint never waits, so the log can only start over from its beginning
//! when a checkpoint has copied every frame and no writer has added one since. Once the
//! log reaches [`RESTART_FRAMES`], the writer wakes the thread after every commit, and
//! as soon as a round has caught up it runs a restart checkpoint itself right after its
//! next commit (see [`Checkpointer::after_commit`]). Being the writer, it need not wait
//! for the write lock (a waiting thread could lose that race to a busy writer for ever),
//! and only the frames of that one commit remain to copy. The log's size stays bounded
//! whatever the write rate.

use rusqlite::hooks::Wal;
use rusqlite::{Connection, OpenFlags};
use std::cell::Cell;
use std::ffi::c_int;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Log frames (pages) after which the log is made to start over: 128 MiB of 4 KiB pages.
/// A restart copies what the thread has not yet copied (about one transaction) while
/// the writer waits, so a long log makes restarts, and that wait, rare.
pub(crate) const RESTART_FRAMES: i64 = 32768;

/// The writer's own checkpoint, a safety net should this thread fall far behind: four
/// times the restart size.
const WRITER_FALLBACK_FRAMES: i64 = 4 * RESTART_FRAMES;

/// Log growth that wakes the thread for a round: 64 MiB of 4 KiB pages, half the restart
/// size. Longer rounds copy a page written again and again fewer times: on the last
/// tenth of a 100,000-report ingest, rounds of this size instead of one per commit cut
/// the system time by a third (docs/benchmarks.md).
const ROUND_FRAMES: i64 = RESTART_FRAMES / 2;

thread_local! {
    /// The log's length after the last commit on this thread, set by [`log_hook`] and
    /// taken by [`Checkpointer::after_commit`] right after that commit, on the same
    /// thread. `None` when the commit wrote nothing.
    static LOG_FRAMES: Cell<Option<i64>> = const { Cell::new(None) };
}

/// SQLite's log hook on the writer's connection: runs inside every commit that wrote
/// to the log, with the log's length in frames.
fn log_hook(wal: &Wal, frames: c_int) -> rusqlite::Result<()> {
    let frames = i64::from(frames);
    LOG_FRAMES.with(|f| f.set(Some(frames)));
    if frames >= WRITER_FALLBACK_FRAMES {
        // What SQLite's automatic checkpoint would have done. An error here would make
        // the committed statement report one, so a busy log is left for the next commit.
        let _ = wal.checkpoint();
    }
    Ok(())
}

/// The longest a checkpoint waits for a lock (another checkpoint's, a reader's).
const RESTART_WAIT: Duration = Duration::from_secs(2);

/// How often the thread looks at the log when no commit wakes it (writes by other
/// processes sharing the file).
const IDLE_ROUND: Duration = Duration::from_secs(1);

/// The checkpoint thread of one store.
pub(crate) struct Checkpointer {
    stop: Arc<AtomicBool>,
    /// Frames in the log after the thread's last round, and how many of them it had
    /// copied: equal when it had caught up.
    log: Arc<AtomicI64>,
    copied: Arc<AtomicI64>,
    restart_frames: i64,
    round_frames: i64,
    /// The log's length when the writer last woke the thread.
    woken_at: i64,
    handle: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread over a second connection to `path`, and installs the log hook on
    /// the `writer`'s connection. `None` when the thread cannot start: the writer's own
    /// automatic checkpoints then do the work.
    pub(crate) fn start(path: &Path, writer: &Connection) -> Option<Self> {
        Self::start_with(path, writer, RESTART_FRAMES, ROUND_FRAMES)
    }

    /// [`Checkpointer::start`] with other sizes (tests use small ones).
    fn start_with(
        path: &Path,
        writer: &Connection,
        restart_frames: i64,
        round_frames: i64,
    ) -> Option<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        conn.busy_timeout(RESTART_WAIT).ok()?;
        // A checkpoint reads log frames and writes database pages without the page cache.
        conn.pragma_update(None, "cache_size", 16).ok()?;
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(AtomicI64::new(0));
        let copied = Arc::new(AtomicI64::new(0));
        let (flag, length, done) = (Arc::clone(&stop), Arc::clone(&log), Arc::clone(&copied));
        let handle = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || run(&conn, &flag, &length, &done))
            .ok()?;
        // This replaces SQLite's automatic checkpoint (the two share the hook).
        writer.wal_hook(Some(log_hook));
        Some(Checkpointer {
            stop,
            log,
            copied,
            restart_frames,
            round_frames,
            woken_at: 0,
            handle: Some(handle),
        })
    }

    /// Called by the writer on its own connection after each commit: restarts the log
    /// when it has grown long and the thread had caught up (so the writer neither waits
    /// for a round under way nor copies much itself), and wakes the thread when the log
    /// grew by a round's worth since the last wake, or after every commit once it is due
    /// to start over.
    pub(crate) fn after_commit(&mut self, writer: &Connection) {
        let Some(mut frames) = LOG_FRAMES.with(Cell::take) else {
            return;
        };
        let seen = self.log.load(Ordering::Acquire);
        if seen >= self.restart_frames
            && self.copied.load(Ordering::Acquire) >= seen
            && checkpoint(writer, "RESTART").is_some()
        {
            self.log.store(0, Ordering::Release);
            self.woken_at = 0;
            frames = 0;
        }
        // Another process may have started the log over.
        self.woken_at = self.woken_at.min(frames);
        if frames >= self.restart_frames || frames - self.woken_at >= self.round_frames {
            self.woken_at = frames;
            if let Some(h) = &self.handle {
                h.thread().unpark();
            }
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.handle.take() {
            h.thread().unpark();
            let _ = h.join();
        }
    }
}

fn run(conn: &Connection, stop: &AtomicBool, log: &AtomicI64, copied: &AtomicI64) {
    while !stop.load(Ordering::Acquire) {
        // A failed round (the file is busy or gone) is simply tried again on the next wake.
        if let Some((frames, done)) = checkpoint(conn, "PASSIVE") {
            copied.store(done, Ordering::Release);
            log.store(frames, Ordering::Release);
        }
        std::thread::park_timeout(IDLE_ROUND);
    }
}

/// Runs one checkpoint and returns the frames in the log and how many are copied.
fn checkpoint(conn: &Connection, mode: &str) -> Option<(i64, i64)> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
        Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
    })
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wal_frames(conn: &Connection) -> i64 {
        // A passive checkpoint of an up-to-date log copies nothing and reports its size.
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .unwrap()
    }

    #[test]
    fn the_log_starts_over_instead_of_growing_while_a_writer_keeps_committing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let writer = Connection::open(&path).unwrap();
        writer.pragma_update(None, "journal_mode", "WAL").unwrap();
        writer
            .execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            .unwrap();
        // A small restart size, so the log must start over many times in a short test.
        let restart = 256;
        let mut ckpt = Checkpointer::start_with(&path, &writer, restart, restart / 4)
            .expect("the thread starts");
        let body = vec![7u8; 3000];
        let (rounds, per_round) = (1000, 16);
        let mut most = 0;
        for round in 0..rounds {
            let tx = writer.unchecked_transaction().unwrap();
            for i in 0..per_round {
                tx.execute(
                    "INSERT INTO t (id, body) VALUES (?1, ?2)",
                    rusqlite::params![round * per_round + i, &body],
                )
                .unwrap();
            }
            tx.commit().unwrap();
            ckpt.after_commit(&writer);
            // A real writer reads and matches between commits; a moment here lets the
            // thread run on a busy machine as it would there.
            std::thread::sleep(Duration::from_millis(1));
            most = most.max(
                std::fs::metadata(dir.path().join("t.db-wal"))
                    .unwrap()
                    .len(),
            );
        }
        drop(ckpt);
        let n: i64 = writer
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, rounds * per_round);
        // Each row fills a page: without restarts the log would end up holding all
        // 16,000 of them, 62 restart sizes. With them it stays a few restart sizes long,
        // however late the thread gets to run on a busy machine.
        let page = 4096 + 24;
        let written = (rounds * per_round) as u64 * page;
        assert!(
            most < written / 4,
            "the log grew to {most} bytes of the {written} written"
        );
        // And the thread copied the pages back: the log no longer holds them all.
        assert!(wal_frames(&writer) < rounds * per_round / 4);
    }
}
