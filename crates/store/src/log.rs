//! The tamper-evident log kept beside the data: one RFC 6962 leaf for every archived
//! original and every reviewer's action, appended in the same transaction as the row it
//! covers, with signed checkpoints over its root.
//!
//! A leaf's data is a canonical JSON description of its row (version 1, below). `verify`
//! recomputes that description from the row as it is now, so a changed, removed,
//! reordered or smuggled-in row is named, and every checkpoint is checked against the
//! tree rebuilt from the leaves.

use crate::db::{args, Db, Value};
use crate::store::json_err;
use crate::StoreError;
use recount_ledger::{
    leaf_hash, open, sign, Checkpoint, CompactRange, ConsistencyProof, Hash, Proof, SigningKey,
    VerifyingKey,
};
use recount_model::Document;
use sha2::{Digest, Sha256};

/// What a verification found. An empty `problems` list means the log is intact.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub leaves: u64,
    pub checkpoints: usize,
    pub problems: Vec<String>,
}

/// Who signs checkpoints: the key and the log's origin line (also the key's name).
pub struct Signer<'a> {
    pub origin: &'a str,
    pub key: &'a SigningKey,
}

/// A [`Signer`] a store keeps, to sign at the end of its write transactions.
#[derive(Clone)]
pub(crate) struct OwnedSigner {
    pub origin: String,
    pub key: SigningKey,
}

impl OwnedSigner {
    /// Signs a checkpoint inside the caller's transaction if the log grew in it.
    pub(crate) fn sign(&self, conn: &dyn Db) -> Result<(), StoreError> {
        let signer = Signer {
            origin: &self.origin,
            key: &self.key,
        };
        checkpoint(conn, &signer, &crate::store::now()).map(|_| ())
    }
}

/// What the leaf of an archived original describes: the text of each column as stored.
struct Original<'a> {
    doc_id: &'a str,
    sha256: &'a str,
    media_type: &'a str,
    fetched_at: &'a str,
    published: Option<&'a str>,
    source: Option<&'a str>,
    lang: Option<&'a str>,
    title: Option<&'a str>,
    url: Option<&'a str>,
    size: i64,
    bytes: &'a [u8],
}

impl Original<'_> {
    /// The leaf data (format version 1): everything the archive row says about the
    /// original, including the sha256 of its bytes.
    fn leaf(&self) -> Vec<u8> {
        serde_json::json!({
            "v": 1,
            "kind": "original",
            "doc_id": self.doc_id,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "fetched_at": self.fetched_at,
            "published": self.published,
            "source": self.source,
            "lang": self.lang,
            "title": self.title,
            "url": self.url,
            "size": self.size,
            "bytes_sha256": hex::encode(Sha256::digest(self.bytes)),
        })
        .to_string()
        .into_bytes()
    }
}

/// The leaf data of the archived original `sha256` as its row holds it now, and the row's
/// number; `None` when no row holds it.
fn document_leaf(conn: &dyn Db, sha256: &str) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
    let Some(r) = conn.query_opt(
        "SELECT rowid, doc_id, sha256, media_type, fetched_at, published, source, lang, title, url, size, body
         FROM documents WHERE sha256 = ?1",
        args![sha256],
    )?
    else {
        return Ok(None);
    };
    let (published, source, lang, title, url) = (
        r.opt_text(5)?,
        r.opt_text(6)?,
        r.opt_text(7)?,
        r.opt_text(8)?,
        r.opt_text(9)?,
    );
    let original = Original {
        doc_id: &r.text(1)?,
        sha256: &r.text(2)?,
        media_type: &r.text(3)?,
        fetched_at: &r.text(4)?,
        published: published.as_deref(),
        source: source.as_deref(),
        lang: lang.as_deref(),
        title: title.as_deref(),
        url: url.as_deref(),
        size: r.int(10)?,
        // `blob` reads the bytes whatever their storage class: a tampered row may hold TEXT.
        bytes: &r.blob(11)?,
    };
    Ok(Some((r.int(0)?, original.leaf())))
}

/// The leaf data of a reviewer's action (format version 1): the history row, and for an
/// edit the edit row it stored. The incident id is left out: merges rename incidents.
fn history_leaf(conn: &dyn Db, rowid: i64) -> Result<Option<Vec<u8>>, StoreError> {
    let Some(r) = conn.query_opt(
        "SELECT at, who, action, detail, reason FROM incident_history WHERE rowid = ?1",
        args![rowid],
    )?
    else {
        return Ok(None);
    };
    let (at, who, action, detail, reason) = (
        r.text(0)?,
        r.text(1)?,
        r.text(2)?,
        r.text(3)?,
        r.opt_text(4)?,
    );
    let detail: serde_json::Value = serde_json::from_str(&detail).map_err(json_err("history"))?;
    let edit = match detail.get("edit_row").and_then(|v| v.as_i64()) {
        Some(edit_row) => match conn.query_opt(
            "SELECT field, value FROM incident_edits WHERE rowid = ?1",
            args![edit_row],
        )? {
            Some(r) => Some(serde_json::json!({"field": r.text(0)?, "value": r.text(1)?})),
            None => None,
        },
        None => None,
    };
    Ok(Some(
        serde_json::json!({
            "v": 1, "kind": "review", "at": at, "who": who, "action": action,
            "detail": detail, "reason": reason, "edit": edit,
        })
        .to_string()
        .into_bytes(),
    ))
}

fn frontier(conn: &dyn Db) -> Result<CompactRange, StoreError> {
    let bytes = conn
        .query_opt("SELECT frontier FROM ledger_state WHERE id = 1", &[])?
        .map(|r| r.blob(0))
        .transpose()?;
    match bytes {
        Some(b) => {
            CompactRange::from_bytes(&b).map_err(|e| StoreError::BadEdit(format!("log state: {e}")))
        }
        None => Ok(CompactRange::new()),
    }
}

fn append(
    conn: &dyn Db,
    kind: &'static str,
    subject: &str,
    data: &[u8],
) -> Result<u64, StoreError> {
    let mut log = Appender::default();
    let index = log.append(conn, kind, subject, data)?;
    log.finish(conn)?;
    Ok(index)
}

/// Appends leaves within one transaction, holding the log's frontier in memory from the
/// first append to [`Appender::finish`], which stores it with the leaves: a batch of
/// documents reads and writes the frontier once, and writes its leaves a few dozen per
/// statement, instead of once a document. Only valid inside one transaction, where no
/// other writer can append (SQLite's write lock, PostgreSQL's advisory lock).
#[derive(Default)]
pub(crate) struct Appender {
    range: Option<CompactRange>,
    /// Leaves appended and not yet written: index, kind, subject, data, hash.
    pending: Vec<(u64, &'static str, String, Vec<u8>, Hash)>,
}

/// The most leaves one statement writes. A run is written in chunks of powers of two
/// up to this, so a handful of prepared statements serve any length.
const LEAVES_PER_STATEMENT: usize = 32;

impl Appender {
    fn append(
        &mut self,
        conn: &dyn Db,
        kind: &'static str,
        subject: &str,
        data: &[u8],
    ) -> Result<u64, StoreError> {
        let range = match &mut self.range {
            Some(r) => r,
            None => self.range.insert(frontier(conn)?),
        };
        let index = range.size();
        let hash = leaf_hash(data);
        range.append(hash);
        self.pending
            .push((index, kind, subject.to_string(), data.to_vec(), hash));
        Ok(index)
    }

    /// Writes the leaves appended and the frontier after them (nothing when there were
    /// none).
    pub(crate) fn finish(self, conn: &dyn Db) -> Result<(), StoreError> {
        let Some(range) = self.range else {
            return Ok(());
        };
        let rows: Vec<Vec<Value>> = self
            .pending
            .into_iter()
            .map(|(index, kind, subject, data, hash)| {
                vec![
                    Value::from(index),
                    Value::from(kind),
                    Value::from(subject),
                    Value::from(data),
                    Value::from(hash.as_slice()),
                ]
            })
            .collect();
        crate::db::insert_rows(
            conn,
            "INSERT INTO ledger_leaves(idx, kind, subject, data, hash) VALUES",
            5,
            &rows,
            LEAVES_PER_STATEMENT,
        )?;
        conn.write(
            "INSERT INTO ledger_state(id, frontier) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET frontier = excluded.frontier",
            args![range.to_bytes()],
        )?;
        Ok(())
    }

    /// Appends the leaf of an original archived in this transaction, from the values its
    /// row was written with (`published` as the text stored), without reading it back.
    pub(crate) fn append_document(
        &mut self,
        conn: &dyn Db,
        doc: &Document,
        published: Option<&str>,
        bytes: &[u8],
    ) -> Result<u64, StoreError> {
        let original = Original {
            doc_id: &doc.id,
            sha256: &doc.sha256,
            media_type: &doc.media_type,
            fetched_at: &doc.fetched_at,
            published,
            source: doc.source.as_deref(),
            lang: doc.lang.as_deref(),
            title: doc.title.as_deref(),
            url: doc.url.as_deref(),
            size: doc.size as i64,
            bytes,
        };
        self.append(conn, "original", &doc.sha256, &original.leaf())
    }
}

/// Appends the leaf of an original archived earlier, as its row holds it.
fn append_stored_document(conn: &dyn Db, sha256: &str) -> Result<u64, StoreError> {
    let (_, data) = document_leaf(conn, sha256)?
        .ok_or_else(|| StoreError::BadEdit(format!("document {sha256} is not archived")))?;
    append(conn, "original", sha256, &data)
}

/// Appends the leaf of a just-recorded review action (call inside its transaction).
pub(crate) fn append_history(conn: &dyn Db, rowid: i64) -> Result<u64, StoreError> {
    let data = history_leaf(conn, rowid)?
        .ok_or_else(|| StoreError::BadEdit(format!("history row {rowid} is missing")))?;
    append(conn, "review", &rowid.to_string(), &data)
}

fn leaf_hashes(conn: &dyn Db) -> Result<Vec<Hash>, StoreError> {
    let mut out = Vec::new();
    for row in conn.query("SELECT hash FROM ledger_leaves ORDER BY idx", &[])? {
        let h = row.blob(0)?;
        out.push(
            h.as_slice()
                .try_into()
                .map_err(|_| StoreError::BadEdit("a leaf hash is not 32 bytes".into()))?,
        );
    }
    Ok(out)
}

/// Signs a checkpoint over the current root when the log grew since the last one.
/// Returns the new signed note, or `None` when there was nothing new to sign.
pub(crate) fn checkpoint(
    conn: &dyn Db,
    signer: &Signer,
    now: &str,
) -> Result<Option<String>, StoreError> {
    let range = frontier(conn)?;
    let last = conn
        .query_one("SELECT MAX(size) FROM ledger_checkpoints", &[])?
        .opt_int(0)?;
    if range.size() == 0 || last == Some(range.size() as i64) {
        return Ok(None);
    }
    let cp = Checkpoint::new(signer.origin, range.size(), range.root());
    let note = sign(&cp, signer.origin, signer.key)
        .map_err(|e| StoreError::BadEdit(format!("signing: {e}")))?;
    conn.execute(
        "INSERT INTO ledger_checkpoints(size, root, note, created_at) VALUES (?1, ?2, ?3, ?4)",
        args![range.size(), range.root().as_slice(), &note, now],
    )?;
    Ok(Some(note))
}

/// The latest signed checkpoint note.
pub(crate) fn latest(conn: &dyn Db) -> Result<Option<String>, StoreError> {
    conn.query_opt(
        "SELECT note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1",
        &[],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// A stored leaf: index, kind, subject, data, hash.
type LeafRow = (i64, String, String, Vec<u8>, Vec<u8>);

/// Recomputes every leaf from its row and every checkpoint from the leaves.
pub(crate) fn verify(
    conn: &dyn Db,
    origin: &str,
    key: &VerifyingKey,
) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport::default();
    let rows: Vec<LeafRow> = conn
        .query(
            "SELECT idx, kind, subject, data, hash FROM ledger_leaves ORDER BY idx",
            &[],
        )?
        .iter()
        .map(|r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.blob(3)?, r.blob(4)?)))
        .collect::<Result<_, StoreError>>()?;
    let mut range = CompactRange::new();
    let mut roots = Vec::with_capacity(rows.len() + 1);
    roots.push(range.root());
    let mut last_doc_rowid = 0i64;
    let mut covered_docs = std::collections::BTreeSet::new();
    let mut covered_history = std::collections::BTreeSet::new();
    for (expected, (idx, kind, subject, data, hash)) in rows.iter().enumerate() {
        if *idx != expected as i64 {
            report.problems.push(format!(
                "log leaf {expected} is missing (the next leaf is {idx}): a leaf row was removed"
            ));
        }
        if leaf_hash(data).as_slice() != hash.as_slice() {
            report.problems.push(format!(
                "log leaf {idx}: its stored hash does not match its data"
            ));
        }
        let now = match kind.as_str() {
            "original" => {
                covered_docs.insert(subject.clone());
                let current = document_leaf(conn, subject)?;
                match &current {
                    Some((rowid, _)) if *rowid < last_doc_rowid => report.problems.push(format!(
                        "documents row {rowid} (sha256 {}) is out of order: the log archived it after row {last_doc_rowid}",
                        short(subject)
                    )),
                    Some((rowid, _)) => last_doc_rowid = *rowid,
                    None => {}
                }
                current.map(|(_, d)| d)
            }
            _ => {
                covered_history.insert(subject.clone());
                history_leaf(conn, subject.parse().unwrap_or(-1))?
            }
        };
        match now {
            None => report.problems.push(format!(
                "log leaf {idx}: the {kind} row it covers ({}) was removed",
                short(subject)
            )),
            Some(now) if now != *data => report.problems.push(format!(
                "log leaf {idx}: the {kind} row it covers ({}) was changed: {}",
                short(subject),
                describe_change(data, &now)
            )),
            Some(_) => {}
        }
        range.append(leaf_hash(data));
        roots.push(range.root());
    }
    report.leaves = range.size();
    // Rows the log does not cover were added behind its back.
    for r in conn.query(
        "SELECT rowid, doc_id, sha256 FROM documents ORDER BY rowid",
        &[],
    )? {
        let (rowid, doc_id, sha) = (r.int(0)?, r.text(1)?, r.text(2)?);
        if !covered_docs.contains(&sha) {
            report.problems.push(format!(
                "documents row {rowid} ({doc_id}, sha256 {}) is not in the log",
                short(&sha)
            ));
        }
    }
    for r in conn.query("SELECT rowid FROM incident_history ORDER BY rowid", &[])? {
        let rowid = r.int(0)?;
        if !covered_history.contains(&rowid.to_string()) {
            report
                .problems
                .push(format!("incident_history row {rowid} is not in the log"));
        }
    }
    let mut signed = 0i64;
    for r in conn.query(
        "SELECT size, note FROM ledger_checkpoints ORDER BY size",
        &[],
    )? {
        let (size, note) = (r.int(0)?, r.text(1)?);
        report.checkpoints += 1;
        signed = signed.max(size);
        match open(&note, origin, key) {
            Err(e) => report.problems.push(format!(
                "checkpoint at size {size}: signature does not verify: {e}"
            )),
            Ok(cp) => {
                let rebuilt = roots.get(cp.size as usize);
                if cp.size as i64 != size || rebuilt != Some(&cp.root) {
                    report.problems.push(format!(
                        "checkpoint at size {size}: the signed root is not the root of the log's first {size} leaves (a leaf before it was changed, removed or reordered)"
                    ));
                }
            }
        }
    }
    // Every write signs a checkpoint in its own transaction, so the latest covers all.
    if (signed as u64) < report.leaves {
        report.problems.push(format!(
            "the log holds {} leaves but its latest checkpoint covers {signed}: leaves were appended without the signing key, or checkpoints were deleted (a store last written by a recount that signed only at the end of a command, and stopped before, is brought up to date by `recount checkpoint`)",
            report.leaves
        ));
    }
    if frontier(conn)?.to_bytes() != range.to_bytes() {
        report
            .problems
            .push("the stored log state does not match the leaves".into());
    }
    Ok(report)
}

/// The first 16 characters of a hash, for messages.
pub(crate) fn short(s: &str) -> &str {
    &s[..s.len().min(16)]
}

/// Names the fields that differ between two leaf descriptions.
fn describe_change(before: &[u8], now: &[u8]) -> String {
    let (Ok(a), Ok(b)) = (
        serde_json::from_slice::<serde_json::Value>(before),
        serde_json::from_slice::<serde_json::Value>(now),
    ) else {
        return "unreadable".into();
    };
    let mut fields: Vec<String> = Vec::new();
    if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
        for (k, v) in a {
            if b.get(k) != Some(v) {
                fields.push(if k == "bytes_sha256" {
                    "the archived bytes".into()
                } else {
                    k.clone()
                });
            }
        }
    }
    fields.join(", ")
}

/// An inclusion proof of one archived original, with the document it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentProof {
    /// The document's id as the log recorded it (file name, feed item link, record id).
    pub doc_id: String,
    /// The sha256 of the original's bytes, as the log recorded it.
    pub sha256: String,
    /// The leaf data (format version 1): the canonical JSON the leaf hash covers, which
    /// names `doc_id` and `sha256`, so a verifier ties the proof to the document.
    pub leaf: String,
    pub proof: Proof,
}

impl DocumentProof {
    /// The proof JSON of [`Proof`] on one line, with `doc_id`, `sha256` and `leaf` added
    /// (a verifier checks `leaf_hash = SHA-256(0x00 || leaf)` and that `leaf` names the
    /// same document).
    pub fn to_json(&self) -> serde_json::Value {
        let mut value: serde_json::Value =
            serde_json::from_str(&self.proof.to_json()).expect("Proof::to_json writes JSON");
        if let Some(members) = value.as_object_mut() {
            members.insert("doc_id".into(), self.doc_id.clone().into());
            members.insert("sha256".into(), self.sha256.clone().into());
            members.insert("leaf".into(), self.leaf.clone().into());
        }
        value
    }
}

/// The latest checkpoint note and its size.
fn latest_signed(conn: &dyn Db) -> Result<(String, u64), StoreError> {
    let note = latest(conn)?.ok_or_else(|| {
        StoreError::NotFound("the log has no checkpoint yet: run `recount checkpoint`".into())
    })?;
    let size = Checkpoint::parse_unverified(&note)
        .map_err(|e| StoreError::Inconsistent(format!("the latest checkpoint: {e}")))?
        .size;
    Ok((note, size))
}

/// Inclusion proofs of the originals behind `subjects` (document sha256s) against the
/// latest checkpoint.
pub(crate) fn proofs(conn: &dyn Db, subjects: &[String]) -> Result<Vec<DocumentProof>, StoreError> {
    let (note, size) = latest_signed(conn)?;
    let hashes = leaf_hashes(conn)?;
    let mut out = Vec::new();
    for s in subjects {
        let leaf = conn.query_opt(
            "SELECT idx, data FROM ledger_leaves WHERE kind = 'original' AND subject = ?1",
            args![s],
        )?;
        let Some(leaf) = leaf else {
            return Err(StoreError::BadEdit(format!(
                "document {} is not in the log",
                short(s)
            )));
        };
        let (idx, data) = (leaf.int(0)?, leaf.blob(1)?);
        if idx as u64 >= size {
            return Err(StoreError::BadEdit(format!(
                "document {} was archived after the latest checkpoint: run `recount checkpoint` first",
                short(s)
            )));
        }
        let leaf = String::from_utf8(data)
            .map_err(|_| StoreError::Inconsistent(format!("log leaf {idx} is not UTF-8 JSON")))?;
        let described: serde_json::Value =
            serde_json::from_str(&leaf).map_err(json_err("log leaf"))?;
        let doc_id = described["doc_id"].as_str().unwrap_or_default().to_string();
        let proof = Proof::build(&hashes, idx as u64, &note)
            .map_err(|e| StoreError::Inconsistent(e.to_string()))?;
        out.push(DocumentProof {
            doc_id,
            sha256: s.clone(),
            leaf,
            proof,
        });
    }
    Ok(out)
}

/// The consistency proof from the tree of the first `from` leaves to the checkpoint of
/// size `to` (the latest when `None`), carrying the checkpoint the log signed at `from`
/// if it signed one. Built from the stored leaf hashes, after checking that they still
/// give the roots of both checkpoints.
pub(crate) fn consistency(
    conn: &dyn Db,
    from: u64,
    to: Option<u64>,
) -> Result<ConsistencyProof, StoreError> {
    let (note, size) = match to {
        None => latest_signed(conn)?,
        Some(to) => {
            let note = checkpoint_of_size(conn, to)?.ok_or_else(|| {
                StoreError::NotFound(format!("the log has no checkpoint of size {to}"))
            })?;
            (note, to)
        }
    };
    if from > size {
        return Err(StoreError::BadEdit(format!(
            "size {from} is larger than the checkpoint's {size}: a consistency proof goes from an older, smaller tree to a newer one"
        )));
    }
    let hashes = leaf_hashes(conn)?;
    if (hashes.len() as u64) < size {
        return Err(StoreError::Inconsistent(format!(
            "the log holds {} leaves, fewer than the {size} its checkpoint of size {size} signed: leaves were removed",
            hashes.len()
        )));
    }
    let old = checkpoint_of_size(conn, from)?;
    ConsistencyProof::build(&hashes, from, &note, old.as_deref())
        .map_err(|e| StoreError::Inconsistent(e.to_string()))
}

/// The signed checkpoint note of exactly `size` leaves, if the log signed one.
fn checkpoint_of_size(conn: &dyn Db, size: u64) -> Result<Option<String>, StoreError> {
    let Ok(size) = i64::try_from(size) else {
        return Ok(None);
    };
    conn.query_opt(
        "SELECT note FROM ledger_checkpoints WHERE size = ?1",
        args![size],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// Enters what a store made before the log already holds, in order: every archived
/// original, then every review action (the migration that creates the log calls this).
pub(crate) fn enter_existing(conn: &dyn Db) -> Result<(), StoreError> {
    for r in conn.query("SELECT sha256 FROM documents ORDER BY rowid", &[])? {
        append_stored_document(conn, &r.text(0)?)?;
    }
    for r in conn.query("SELECT rowid FROM incident_history ORDER BY rowid", &[])? {
        append_history(conn, r.int(0)?)?;
    }
    Ok(())
}
