//! `recount checkpoint | verify | proof`, and the signing key they use.
//!
//! The key is an Ed25519 key in the signed-note private-key format, created on first use
//! beside the database (`recount.db.key`, mode 0600) unless `--key`/`RECOUNT_KEY` names
//! another file. Its name is the log's origin line. With `--publish`/`RECOUNT_PUBLISH`,
//! the checkpoints a command signs are also published outside the database
//! (`witness.rs`).

use crate::witness::{self, Publishing};
use anyhow::{bail, Context, Result};
use recount_ledger::{generate_signing_key, parse_signer_key, signer_key_string, VerifierKey};
use recount_store::{Signer, SigningKey, Store};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The log's signing key and origin, and where the checkpoints it signs are published.
pub struct Keys {
    pub origin: String,
    pub key: SigningKey,
    pub publish: Option<Publishing>,
}

impl Keys {
    /// The same key, publishing the checkpoints it signs to `to`.
    pub fn publishing(self, to: Option<Publishing>) -> Keys {
        Keys {
            publish: to,
            ..self
        }
    }
}

/// The key file for a database: `--key`, else `<db>.key`.
pub fn key_path(db: &Path, flag: Option<&Path>) -> PathBuf {
    flag.map(Path::to_path_buf).unwrap_or_else(|| {
        let mut p = db.as_os_str().to_owned();
        p.push(".key");
        PathBuf::from(p)
    })
}

/// Loads the key, creating it (mode 0600) when the file does not exist yet.
pub fn load_or_create(db: &Path, flag: Option<&Path>) -> Result<Keys> {
    let path = key_path(db, flag);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let (origin, key) = parse_signer_key(text.trim())
                .map_err(|e| anyhow::anyhow!("{}: not a signing key: {e}", path.display()))?;
            Ok(Keys {
                origin,
                key,
                publish: None,
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let stem: String = db
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "recount".into())
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let origin = format!("recount.local/{stem}");
            let key = generate_signing_key(&mut recount_ledger::rand_core::OsRng);
            let text = signer_key_string(&origin, &key).map_err(|e| anyhow::anyhow!("{e}"))?;
            write_private(&path, &text)?;
            eprintln!("created signing key {} for log {origin}", path.display());
            // Read back what is in place: a racing process may have linked its key first.
            let (origin, key) = parse_signer_key(std::fs::read_to_string(&path)?.trim())
                .map_err(|e| anyhow::anyhow!("{}: not a signing key: {e}", path.display()))?;
            Ok(Keys {
                origin,
                key,
                publish: None,
            })
        }
        Err(e) => Err(e).with_context(|| format!("reading key {}", path.display())),
    }
}

/// Writes the key to a temporary file and links it into place, so a kill at any moment
/// leaves either no key or the whole key, and two processes racing agree on one key.
#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("creating key {}", tmp.display()))?;
    writeln!(f, "{text}")?;
    f.sync_all()?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        // Another process made the key first: theirs stands.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("creating key {}", path.display())),
    }
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, format!("{text}\n"))
        .with_context(|| format!("creating key {}", path.display()))
}

/// Signs a checkpoint if the log grew past the latest one (writes sign inside their own
/// transactions, so usually there is nothing left to sign), and publishes the latest
/// checkpoint where `--publish` says, unless it is the one already published or already
/// there when the command began.
pub fn checkpoint_after_write(store: &mut dyn Store, keys: &Keys) -> Result<()> {
    store.checkpoint(&Signer {
        origin: &keys.origin,
        key: &keys.key,
    })?;
    if let Some(to) = &keys.publish {
        if let Some(note) = store.latest_checkpoint()? {
            if !to.already(&note) {
                witness::publish(store, keys, to, &note)?;
            }
        }
    }
    Ok(())
}

/// Signs a checkpoint if the log grew and prints the latest; publishes the latest where
/// `--publish` says, whether or not it is new (a directory or file that holds it already
/// is left as it is).
pub fn checkpoint(store: &mut dyn Store, keys: &Keys, show_key: bool) -> Result<()> {
    store.checkpoint(&Signer {
        origin: &keys.origin,
        key: &keys.key,
    })?;
    let Some(note) = store.latest_checkpoint()? else {
        bail!("the log is empty: ingest something first")
    };
    if let Some(to) = &keys.publish {
        witness::publish(store, keys, to, &note)?;
    }
    print!("{note}");
    if show_key {
        let vk = VerifierKey::new(&keys.origin, keys.key.verifying_key())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("{vk}");
    }
    Ok(())
}

/// `recount verify [--quick] [--witness PATH]`: the log against its rows and its own
/// checkpoints, the derived rows against the log (unless `quick`), and the log against
/// every checkpoint the witness at PATH holds.
pub fn verify(
    store: &mut dyn Store,
    keys: &Keys,
    quick: bool,
    witness: Option<&Path>,
) -> Result<ExitCode> {
    let report = store.verify(&keys.origin, &keys.key.verifying_key())?;
    for p in &report.problems {
        eprintln!("error: {p}");
    }
    println!(
        "log: {} leaves, {} checkpoints; {}",
        report.leaves,
        report.checkpoints,
        if report.problems.is_empty() {
            "every row and checkpoint verifies".to_string()
        } else {
            format!("{} problems", report.problems.len())
        }
    );
    let mut ok = report.problems.is_empty();
    if !quick {
        let derived =
            store.verify_derived(&mut |doc, bytes| crate::ingest::extract_document(doc, bytes))?;
        for p in &derived.problems {
            eprintln!("error: {p}");
        }
        println!(
            "derived: {} documents' reports and {} incidents recomputed; {}",
            derived.documents,
            derived.incidents,
            if derived.problems.is_empty() {
                "every one matches".to_string()
            } else {
                format!("{} differences", derived.problems.len())
            }
        );
        for (derivation, (docs, incidents)) in &derived.other {
            println!(
                "derived: not recomputed: {docs} documents' reports and {incidents} incidents written by derivation {derivation} (this build is {}; `recount reextract` derives them again)",
                recount_store::DERIVATION
            );
        }
        ok &= derived.problems.is_empty();
    }
    if let Some(path) = witness {
        let seen = witness::check(&*store, keys, path)?;
        for p in &seen.problems {
            eprintln!("error: {p}");
        }
        println!(
            "witness {}: {} checkpoints up to size {}; {}",
            path.display(),
            seen.checkpoints,
            seen.largest,
            match (seen.problems.len(), seen.latest) {
                (0, Some(latest)) => {
                    format!("each is consistent with the log's checkpoint of size {latest}")
                }
                (n, _) => format!("{n} problems"),
            }
        );
        ok &= seen.problems.is_empty();
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `recount proof ID`: one inclusion proof a line, each naming its document.
pub fn proof(store: &mut dyn Store, keys: &Keys, subject: &str) -> Result<()> {
    checkpoint_after_write(store, keys)?;
    // One compact JSON object per line, so each line is a proof file of its own.
    for p in store.proofs(subject)? {
        println!("{}", p.to_json());
    }
    Ok(())
}

/// `recount proof --consistency OLD_SIZE`: the consistency proof from the tree of
/// OLD_SIZE leaves to the latest checkpoint, on one line.
pub fn consistency(store: &mut dyn Store, keys: &Keys, old_size: u64) -> Result<()> {
    checkpoint_after_write(store, keys)?;
    println!("{}", store.consistency(old_size, None)?.to_json());
    Ok(())
}
