//! Copies the SQLite write-ahead log back into the database on a thread of its own.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on
//! the writer's thread: during a large ingest that was more than half of every commit
//! (copying each page the transaction wrote into the database file, and two `fsync`s).
//! Here a second connection does that work beside the writer, which only wakes it after
//! each commit. SQLite allows one checkpoint to run while a writer appends to the log;
//! both see a consistent log through its shared index.
//!
//! A passive checkpoint never waits, so the log can only start over from its beginning
//! when a checkpoint has copied every frame and no writer has added one since. The
//! thread publishes the log's length after each round; once it reaches
//! [`RESTART_FRAMES`], the writer itself runs a restart checkpoint right after its
//! commit (see [`Checkpointer::after_commit`]). Being the writer, it need not wait for
//! the write lock (a waiting thread could lose that race to a busy writer for ever),
//! and only the few frames the thread has not copied yet remain. The log's size stays
//! bounded whatever the write rate.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Log frames (pages) after which the log is made to start over: 128 MiB of 4 KiB pages.
/// A restart copies what the thread has not yet copied (about one transaction) while
/// the writer waits, so a long log makes restarts, and that wait, rare.
pub(crate) const RESTART_FRAMES: i64 = 32768;

/// The writer's own automatic checkpoint, kept as a safety net should this thread fall
/// far behind or be unable to run: four times the restart size.
pub(crate) const WRITER_FALLBACK_FRAMES: i64 = 4 * RESTART_FRAMES;

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
    handle: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread over a second connection to `path`. `None` when that
    /// connection cannot be opened: the writer's own checkpoints then do the work.
    pub(crate) fn start(path: &Path) -> Option<Self> {
        Self::start_with(path, RESTART_FRAMES)
    }

    /// [`Checkpointer::start`] with another restart size (tests use a small one).
    fn start_with(path: &Path, restart_frames: i64) -> Option<Self> {
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
        Some(Checkpointer {
            stop,
            log,
            copied,
            restart_frames,
            handle: Some(handle),
        })
    }

    /// Called by the writer on its own connection after each commit: restarts the log
    /// when it has grown long and the thread had caught up (so the writer neither waits
    /// for a round under way nor copies much itself), then wakes the thread to copy the
    /// new frames.
    pub(crate) fn after_commit(&self, writer: &Connection) {
        let log = self.log.load(Ordering::Acquire);
        if log >= self.restart_frames
            && self.copied.load(Ordering::Acquire) >= log
            && checkpoint(writer, "RESTART").is_some()
        {
            self.log.store(0, Ordering::Release);
        }
        if let Some(h) = &self.handle {
            h.thread().unpark();
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
        // No checkpoints of the writer's own, so only the thread can keep the log short.
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer
            .execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            .unwrap();
        // A small restart size, so the log must start over many times in a short test.
        let restart = 256;
        let ckpt = Checkpointer::start_with(&path, restart).expect("the thread starts");
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
