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
//! when a checkpoint has copied every frame and no writer has added one since. Once the
//! log holds [`RESTART_FRAMES`], the thread asks for a restart checkpoint, which waits
//! (at most [`RESTART_WAIT`]) for the writer's current transaction to end and holds the
//! next one back while it copies the frames that remain: few, since the passive rounds
//! kept up. The log's size stays bounded whatever the write rate.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Log frames (pages) after which the log is made to start over: 32 MiB of 4 KiB pages.
pub(crate) const RESTART_FRAMES: i64 = 8192;

/// The writer's own automatic checkpoint, kept as a safety net should this thread fall
/// far behind or be unable to run: four times the restart size.
pub(crate) const WRITER_FALLBACK_FRAMES: i64 = 4 * RESTART_FRAMES;

/// The longest a restart checkpoint waits for the transaction under way.
const RESTART_WAIT: Duration = Duration::from_secs(2);

/// How often the thread looks at the log when no commit wakes it (writes by other
/// processes sharing the file).
const IDLE_ROUND: Duration = Duration::from_secs(1);

/// The checkpoint thread of one store.
pub(crate) struct Checkpointer {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread over a second connection to `path`. `None` when that
    /// connection cannot be opened: the writer's own checkpoints then do the work.
    pub(crate) fn start(path: &Path) -> Option<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        conn.busy_timeout(RESTART_WAIT).ok()?;
        // A checkpoint reads log frames and writes database pages without the page cache.
        conn.pragma_update(None, "cache_size", 16).ok()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || run(&conn, &flag))
            .ok()?;
        Some(Checkpointer {
            stop,
            handle: Some(handle),
        })
    }

    /// Tells the thread a transaction was committed.
    pub(crate) fn wake(&self) {
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

fn run(conn: &Connection, stop: &AtomicBool) {
    while !stop.load(Ordering::Acquire) {
        // Frames in the log after the round; a failed round (the file is busy or gone)
        // is simply tried again on the next wake.
        let log = checkpoint(conn, "PASSIVE").unwrap_or(0);
        if log >= RESTART_FRAMES && !stop.load(Ordering::Acquire) {
            let _ = checkpoint(conn, "RESTART");
        }
        std::thread::park_timeout(IDLE_ROUND);
    }
}

/// Runs one checkpoint and returns the number of frames in the log.
fn checkpoint(conn: &Connection, mode: &str) -> Option<i64> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
        row.get::<_, i64>(1)
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
        let ckpt = Checkpointer::start(&path).expect("the checkpoint thread starts");
        let body = vec![7u8; 3000];
        let mut most = 0;
        // About three restart sizes of pages, in many small transactions.
        for round in 0..(3 * RESTART_FRAMES / 50) {
            let tx = writer.unchecked_transaction().unwrap();
            for i in 0..50 {
                tx.execute(
                    "INSERT INTO t (id, body) VALUES (?1, ?2)",
                    rusqlite::params![round * 50 + i, &body],
                )
                .unwrap();
            }
            tx.commit().unwrap();
            ckpt.wake();
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
        assert_eq!(n, 3 * RESTART_FRAMES / 50 * 50);
        // Without restarts the log would hold every page written: over three restart
        // sizes. With them it stays within about one restart size plus what arrives
        // while a restart waits.
        let page = 4096 + 24;
        assert!(
            most < 2 * RESTART_FRAMES as u64 * page,
            "the log grew to {most} bytes"
        );
        // And the thread copied the pages back: the log is not left holding them all.
        assert!(wal_frames(&writer) < RESTART_FRAMES * 2);
    }
}
