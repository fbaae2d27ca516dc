//! Checkpoints outside the database: `--publish DEST` appends each one the log signs to a
//! directory, a file or a URL, and `recount verify --witness FILE|DIR` checks the log
//! against every checkpoint kept there.
//!
//! A checkpoint kept elsewhere is what makes a rewrite of the database visible: whoever
//! can write the database but not sign (no key) can still drop the last leaves, recompute
//! the frontier and delete the checkpoints after them, and `recount verify` alone cannot
//! tell, because what is left agrees with itself. A witness (c2sp.org/tlog-witness) holds
//! the largest checkpoint it has seen and refuses to go back; here the destination is
//! that witness: publishing refuses a checkpoint smaller than, or inconsistent with, the
//! largest one it holds, and `verify --witness` proves the log consistent with each.
//!
//! Destinations:
//! - a directory (one that exists, or a path ending in `/`): each checkpoint goes to
//!   `DIR/checkpoint.<size>` (the note alone) and is appended to `DIR/checkpoints`;
//! - any other path: a file the note is appended to;
//! - an `http://` or `https://` URL: the note is POSTed as `text/plain`.
//!
//! A file of checkpoints (`DIR/checkpoints`, or the file) holds the notes one after
//! another, each followed by one blank line (see
//! [`recount_ledger::split_checkpoint_notes`]). A note already there is not appended
//! again, so publishing the same checkpoint twice changes nothing.

use crate::ledger::Keys;
use anyhow::{bail, Context, Result};
use recount_fetch::{Client, Post};
use recount_ledger::{open, split_checkpoint_notes, Checkpoint};
use recount_store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where checkpoints are published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Dir(PathBuf),
    File(PathBuf),
    Url(String),
}

impl Destination {
    /// Reads a `--publish` value: a URL by its scheme, a directory when one exists there
    /// or the path ends in `/`, else a file.
    pub fn parse(text: &str) -> Destination {
        if text.starts_with("http://") || text.starts_with("https://") {
            Destination::Url(text.to_string())
        } else if text.ends_with('/') || Path::new(text).is_dir() {
            Destination::Dir(PathBuf::from(text))
        } else {
            Destination::File(PathBuf::from(text))
        }
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Dir(p) | Destination::File(p) => write!(f, "{}", p.display()),
            Destination::Url(u) => f.write_str(u),
        }
    }
}

/// Where to publish and how: the destination, and for a URL whether a loopback or private
/// address may be posted to (the HTTP client refuses them otherwise, as for feeds).
#[derive(Debug)]
pub struct Publishing {
    pub destination: Destination,
    pub allow_private: bool,
    /// The latest checkpoint published by this process, or the store's latest when the
    /// command began: a write command does not publish it again (a URL would get it twice).
    known: Mutex<Option<String>>,
}

impl Publishing {
    pub fn new(destination: Destination, allow_private: bool) -> Publishing {
        Publishing {
            destination,
            allow_private,
            known: Mutex::new(None),
        }
    }

    /// Records `note` as published or as there before: [`Publishing::already`] is then
    /// true for it.
    pub fn known(&self, note: Option<String>) {
        *self.known.lock().unwrap_or_else(|p| p.into_inner()) = note;
    }

    /// Whether `note` is the checkpoint last published or known to be there.
    pub fn already(&self, note: &str) -> bool {
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_deref()
            == Some(note)
    }
}

/// The name of the list of every checkpoint in a directory destination.
const LIST: &str = "checkpoints";
/// The per-checkpoint files of a directory destination: `checkpoint.<size>`.
const ONE: &str = "checkpoint.";

/// One checkpoint note read from a witness, with where it was found.
struct Held {
    place: String,
    note: String,
}

/// Every checkpoint note kept at `path` (a directory or a file), each once, with where
/// it was found; a path that does not exist holds none.
fn read_held(path: &Path) -> Result<Vec<Held>> {
    let mut held: Vec<Held> = Vec::new();
    let mut add = |place: String, text: &str| -> Result<()> {
        let notes = split_checkpoint_notes(text).map_err(|e| anyhow::anyhow!("{place}: {e}"))?;
        for note in notes {
            if !held.iter().any(|h| h.note == note) {
                held.push(Held {
                    place: place.clone(),
                    note: note.to_string(),
                });
            }
        }
        Ok(())
    };
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        files.retain(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n == LIST || n.starts_with(ONE))
        });
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            add(file.display().to_string(), &text)?;
        }
    } else if path.exists() {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        add(path.display().to_string(), &text)?;
    }
    Ok(held)
}

/// Publishes one checkpoint note this log signed. For a directory or a file, the largest
/// checkpoint already kept there must be of this log (its signature verifies) and be
/// extended by this one (same root at the same size; for a smaller one, a consistency
/// proof from it to this checkpoint that verifies), else nothing is written: the log went
/// back or forked. A checkpoint kept there already is not written again.
pub fn publish(store: &dyn Store, keys: &Keys, to: &Publishing, note: &str) -> Result<()> {
    let result = match &to.destination {
        Destination::Url(url) => post(url, to.allow_private, note),
        Destination::Dir(dir) => to_dir(store, keys, dir, note),
        Destination::File(file) => to_file(store, keys, file, note),
    };
    result.with_context(|| {
        format!(
            "publishing the checkpoint to {} (it is signed and stored; `recount checkpoint --publish` tries again)",
            to.destination
        )
    })?;
    to.known(Some(note.to_string()));
    Ok(())
}

fn post(url: &str, allow_private: bool, note: &str) -> Result<()> {
    let client = Client::new(recount_fetch::Config {
        allow_private,
        ..recount_fetch::Config::default()
    });
    client.post(
        url,
        &Post {
            content_type: "text/plain; charset=utf-8",
            body: note.as_bytes(),
        },
    )?;
    Ok(())
}

fn to_dir(store: &dyn Store, keys: &Keys, dir: &Path, note: &str) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let held = read_held(dir)?;
    let size = Checkpoint::parse_unverified(note)?.size;
    let one = dir.join(format!("{ONE}{size}"));
    if let Ok(there) = std::fs::read_to_string(&one) {
        if there != note {
            bail!(
                "{} holds another checkpoint of size {size}: two trees of one size are a fork; nothing written",
                one.display()
            );
        }
    }
    may_follow(store, keys, &held, note)?;
    let list = dir.join(LIST);
    let listed = std::fs::read_to_string(&list).unwrap_or_default();
    if !split_checkpoint_notes(&listed)?.contains(&note) {
        append(&list, note)?;
    }
    if !one.exists() {
        // Written aside and renamed, so the file is the whole note or absent.
        let tmp = dir.join(format!(".{ONE}{size}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, note).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &one).with_context(|| format!("writing {}", one.display()))?;
    }
    Ok(())
}

fn to_file(store: &dyn Store, keys: &Keys, file: &Path, note: &str) -> Result<()> {
    let held = read_held(file)?;
    if held.iter().any(|h| h.note == note) {
        return Ok(());
    }
    may_follow(store, keys, &held, note)?;
    append(file, note)
}

/// Appends a note and the blank line after it, and syncs the file.
fn append(file: &Path, note: &str) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("opening {}", file.display()))?;
    f.write_all(format!("{note}\n").as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("appending to {}", file.display()))
}

/// Whether the log may publish `note` where `held` is kept: the witness's rule.
fn may_follow(store: &dyn Store, keys: &Keys, held: &[Held], note: &str) -> Result<()> {
    let vk = keys.key.verifying_key();
    let mut largest: Option<(Checkpoint, &str)> = None;
    for h in held {
        let cp = open(&h.note, &keys.origin, &vk).map_err(|e| {
            anyhow::anyhow!(
                "{} holds a checkpoint this log's key did not sign ({e}); publish each log to a place of its own",
                h.place
            )
        })?;
        if largest.as_ref().is_none_or(|(l, _)| cp.size > l.size) {
            largest = Some((cp, h.place.as_str()));
        }
    }
    let Some((largest, place)) = largest else {
        return Ok(());
    };
    let new = Checkpoint::parse_unverified(note)?;
    if largest.size > new.size {
        bail!(
            "{place} holds a checkpoint of size {}, larger than this one ({}): the log went back (restored from an older copy, or leaves removed); nothing written, see `recount verify --witness`",
            largest.size,
            new.size
        );
    }
    if largest.size == new.size {
        if largest.root != new.root {
            bail!(
                "{place} holds another checkpoint of size {}: two trees of one size are a fork; nothing written",
                new.size
            );
        }
        return Ok(());
    }
    let proof = store.consistency(largest.size, Some(new.size))?;
    proof.verify_extends(&vk, &largest).map_err(|e| {
        anyhow::anyhow!(
            "the log's checkpoint of size {} does not extend the one of size {} in {place}: {e}; nothing written",
            new.size,
            largest.size
        )
    })?;
    Ok(())
}

/// What `verify --witness` found.
pub struct WitnessReport {
    /// How many checkpoints the witness holds, and the largest size among them.
    pub checkpoints: usize,
    pub largest: u64,
    /// The size of the log's latest checkpoint, every one was proven consistent with.
    pub latest: Option<u64>,
    pub problems: Vec<String>,
}

/// Checks the log against every checkpoint kept at `path`: each must be signed by the
/// log's key, no larger than the log's latest checkpoint, and its tree a prefix of that
/// checkpoint's, proven with a consistency proof from the log's leaves and verified
/// against the root the witness holds. Each problem names the checkpoint's size.
pub fn check(store: &dyn Store, keys: &Keys, path: &Path) -> Result<WitnessReport> {
    if !path.exists() {
        bail!("no witness at {}: nothing there", path.display());
    }
    let held = read_held(path)?;
    if held.is_empty() {
        bail!("{} holds no checkpoint", path.display());
    }
    let vk = keys.key.verifying_key();
    let latest = match store.latest_checkpoint()? {
        Some(note) => Some(Checkpoint::parse_unverified(&note)?.size),
        None => None,
    };
    let mut report = WitnessReport {
        checkpoints: held.len(),
        largest: 0,
        latest,
        problems: Vec::new(),
    };
    let mut checkpoints = Vec::new();
    for h in &held {
        match open(&h.note, &keys.origin, &vk) {
            Ok(cp) => checkpoints.push((cp, &h.place)),
            Err(e) => {
                let size = Checkpoint::parse_unverified(&h.note)
                    .map(|c| format!("of size {}", c.size))
                    .unwrap_or_else(|_| "unreadable".into());
                report
                    .problems
                    .push(format!("witnessed checkpoint {size} in {}: {e}", h.place));
            }
        }
    }
    checkpoints.sort_by_key(|(cp, _)| cp.size);
    for (cp, place) in checkpoints {
        report.largest = report.largest.max(cp.size);
        let size = cp.size;
        let problem = match latest {
            None => Some(
                "the log has no signed checkpoint: its checkpoints were removed".to_string(),
            ),
            Some(latest) if latest < size => Some(format!(
                "the log's latest checkpoint has size {latest}: the log went back (leaves or checkpoints were removed)"
            )),
            Some(latest) => match store.consistency(size, Some(latest)) {
                Err(e) => Some(format!(
                    "no consistency proof to the log's checkpoint of size {latest}: {e}"
                )),
                Ok(proof) => proof.verify_extends(&vk, &cp).err().map(|e| e.to_string()),
            },
        };
        if let Some(problem) = problem {
            report.problems.push(format!(
                "witnessed checkpoint of size {size} ({place}): {problem}"
            ));
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_told_apart_by_scheme_and_trailing_slash() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().display().to_string();
        assert_eq!(
            Destination::parse("https://witness.example/add"),
            Destination::Url("https://witness.example/add".into())
        );
        assert_eq!(
            Destination::parse(&existing),
            Destination::Dir(PathBuf::from(&existing))
        );
        assert_eq!(
            Destination::parse("new/dir/"),
            Destination::Dir(PathBuf::from("new/dir/"))
        );
        assert_eq!(
            Destination::parse("witness.txt"),
            Destination::File(PathBuf::from("witness.txt"))
        );
    }
}
