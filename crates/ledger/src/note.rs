//! Signed checkpoints: C2SP `tlog-checkpoint` bodies in C2SP `signed-note`s with
//! Ed25519 signatures, and the key strings of that ecosystem (Go's
//! `golang.org/x/mod/sumdb/note`, transparency-dev, Sigstore), so that any of its
//! tools can check what recount signs.
//!
//! The format, as c2sp.org/signed-note states it:
//!
//! > A signed note consists of a text ending in newline (U+000A), followed by a blank
//! > line (only a newline), followed by one or more signature lines of this form: em
//! > dash (U+2014), space (U+0020), key name, space, base64-encoded signature,
//! > newline.
//! >
//! > Signatures are the base64 encoding of 4+n bytes. The first four bytes in the
//! > signature are the uint32 key ID stored in big-endian order. The remaining n
//! > bytes are the result of using the specified key to sign the note text […]
//! >
//! > ```text
//! > key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]
//! > ```
//!
//! and the checkpoint body, as c2sp.org/tlog-checkpoint states it: the origin line,
//! "the ASCII decimal representation of the number of leaves in the tree, with no
//! leading zeroes", "the base64 encoding of the root of the [RFC 6962] Merkle hash
//! tree at the specified tree size", then optional, non-empty extension lines.
//!
//! Nothing here reads a clock or the OS: keys come from the caller, and
//! [`generate_signing_key`] draws from the random source the caller passes.

use crate::merkle::Hash;
use crate::Error;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The signed-note signature type byte of Ed25519.
const ED25519: u8 = 0x01;
const SIGNATURE_PREFIX: &str = "\u{2014} ";
/// Go's limit; the spec asks verifiers to accept at least 16.
const MAX_SIGNATURES: usize = 100;
const SIGNER_KEY_PREFIX: &str = "PRIVATE+KEY+";

/// A new Ed25519 signing key drawn from `rng`, which the caller supplies (for
/// instance `rand_core::OsRng` with `rand_core`'s `getrandom` feature) because this
/// crate reads nothing from the OS. Cost: one scalar multiplication.
pub fn generate_signing_key<R: CryptoRngCore + ?Sized>(rng: &mut R) -> SigningKey {
    SigningKey::generate(rng)
}

/// The signed-note key ID of an Ed25519 key under `name`:
/// `SHA-256(name || 0x0A || 0x01 || public key)[:4]`. It picks the key among a
/// note's signatures; it is an identifier, not a security check. Cost: one SHA-256.
pub fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', ED25519]);
    hasher.update(key.as_bytes());
    let digest = hasher.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// signed-note: "Key names MUST be non-empty and MUST NOT contain any Unicode spaces
/// or plus (U+002B) characters"; control characters are out because a note may not
/// hold them.
fn check_key_name(name: &str) -> Result<(), Error> {
    let bad = |c: char| c.is_whitespace() || c == '+' || c.is_control();
    if name.is_empty() || name.chars().any(bad) {
        return Err(Error::KeyName(name.to_string()));
    }
    Ok(())
}

/// signed-note: notes "MUST NOT contain any ASCII control characters (those below
/// U+0020) other than newline".
fn has_forbidden_control(text: &str) -> bool {
    text.bytes().any(|b| b < 0x20 && b != b'\n')
}

fn parse_key_id(hex_digits: &str, kind: &'static str) -> Result<[u8; 4], Error> {
    let bad = || Error::KeyString {
        kind,
        reason: format!("key ID {hex_digits:?} is not 8 hex digits"),
    };
    if hex_digits.len() != 8 {
        return Err(bad());
    }
    let bytes = hex::decode(hex_digits).map_err(|_| bad())?;
    bytes.try_into().map_err(|_| bad())
}

fn parse_typed_key(encoded: &str, kind: &'static str) -> Result<[u8; 32], Error> {
    let bytes = BASE64.decode(encoded).map_err(|e| Error::KeyString {
        kind,
        reason: format!("key data is not base64: {e}"),
    })?;
    match bytes.split_first() {
        Some((&ED25519, key)) if key.len() == 32 => {
            let mut out = [0u8; 32];
            out.copy_from_slice(key);
            Ok(out)
        }
        Some((&ED25519, key)) => Err(Error::KeyString {
            kind,
            reason: format!("an Ed25519 key has 32 bytes, this one {}", key.len()),
        }),
        Some((other, _)) => Err(Error::KeyString {
            kind,
            reason: format!("signature type {other:#04x} is not Ed25519 (0x01)"),
        }),
        None => Err(Error::KeyString {
            kind,
            reason: "key data is empty".to_string(),
        }),
    }
}

fn typed_key(key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(33);
    bytes.push(ED25519);
    bytes.extend_from_slice(key);
    BASE64.encode(bytes)
}

/// A public key with the name it signs under: what a verifier trusts.
///
/// Its text form is signed-note's verifier key, `<name>+<key ID as 8 lowercase hex
/// digits>+<base64(0x01 || 32-byte public key)>` (Go's `note.NewVerifier`), e.g.
/// `example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k`: write it
/// with `to_string()`, read it with `parse()`. Publish this string so third parties
/// can check checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key: VerifyingKey,
}

impl VerifierKey {
    /// Pairs a key with its name; errors on a name signed-note forbids.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, Error> {
        check_key_name(name)?;
        Ok(Self {
            name: name.to_string(),
            key,
        })
    }

    /// The key name, which the note's signature line carries.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Ed25519 public key.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The 4-byte key ID ([`key_id`]). Cost: one SHA-256.
    pub fn key_id(&self) -> [u8; 4] {
        key_id(&self.name, &self.key)
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}+{}+{}",
            self.name,
            hex::encode(self.key_id()),
            typed_key(self.key.as_bytes())
        )
    }
}

impl FromStr for VerifierKey {
    type Err = Error;

    /// Reads `<name>+<hex key ID>+<base64(0x01 || key)>`, checking that the key ID is
    /// the one the name and key give (so a mistyped string cannot pass).
    fn from_str(text: &str) -> Result<Self, Error> {
        const KIND: &str = "verifier";
        // The base64 part may itself contain '+'; the name may not.
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Error::KeyString {
                kind: KIND,
                reason: "expected <name>+<hex key ID>+<base64 key>".to_string(),
            });
        };
        check_key_name(name)?;
        let id = parse_key_id(id, KIND)?;
        let key_bytes = parse_typed_key(data, KIND)?;
        let key = VerifyingKey::from_bytes(&key_bytes).map_err(|e| Error::KeyString {
            kind: KIND,
            reason: format!("not an Ed25519 public key: {e}"),
        })?;
        let verifier = Self::new(name, key)?;
        if verifier.key_id() != id {
            return Err(Error::KeyString {
                kind: KIND,
                reason: format!(
                    "key ID {} does not match the name and key, which give {}",
                    hex::encode(id),
                    hex::encode(verifier.key_id())
                ),
            });
        }
        Ok(verifier)
    }
}

/// The secret key file form of signed-note tools (Go's `note.NewSigner`):
/// `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte seed)>`.
///
/// The store writes it to the key file (mode 0600) on first use and reads it back
/// with [`parse_signer_key`]; it holds the secret, so never log it. Errors on a name
/// signed-note forbids.
pub fn signer_key_string(name: &str, key: &SigningKey) -> Result<String, Error> {
    check_key_name(name)?;
    Ok(format!(
        "{SIGNER_KEY_PREFIX}{name}+{}+{}",
        hex::encode(key_id(name, &key.verifying_key())),
        typed_key(key.as_bytes())
    ))
}

/// Reads what [`signer_key_string`] writes: the key name and the signing key. Checks
/// the key ID against the name and key, so a damaged file is reported rather than
/// silently signing under another ID.
pub fn parse_signer_key(text: &str) -> Result<(String, SigningKey), Error> {
    const KIND: &str = "signer";
    let malformed = || Error::KeyString {
        kind: KIND,
        reason: format!("expected {SIGNER_KEY_PREFIX}<name>+<hex key ID>+<base64 key>"),
    };
    let rest = text
        .trim()
        .strip_prefix(SIGNER_KEY_PREFIX)
        .ok_or_else(malformed)?;
    let mut parts = rest.splitn(3, '+');
    let (Some(name), Some(id), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed());
    };
    check_key_name(name)?;
    let id = parse_key_id(id, KIND)?;
    let seed = parse_typed_key(data, KIND)?;
    let key = SigningKey::from_bytes(&seed);
    if key_id(name, &key.verifying_key()) != id {
        return Err(Error::KeyString {
            kind: KIND,
            reason: format!("key ID {} does not match the name and key", hex::encode(id)),
        });
    }
    Ok((name.to_string(), key))
}

/// Signs `text` (which must end in a newline) as a signed note with one Ed25519
/// signature under `name`, returning the whole note: the text, a blank line and the
/// signature line. Cost: one Ed25519 signature over the text.
pub fn sign_note(text: &str, name: &str, key: &SigningKey) -> Result<String, Error> {
    check_key_name(name)?;
    if !text.ends_with('\n') {
        return Err(Error::MalformedNote(
            "the note text must end in a newline".to_string(),
        ));
    }
    if has_forbidden_control(text) {
        return Err(Error::MalformedNote(
            "the note text holds a control character other than newline".to_string(),
        ));
    }
    let signature = key.sign(text.as_bytes());
    let mut blob = Vec::with_capacity(4 + 64);
    blob.extend_from_slice(&key_id(name, &key.verifying_key()));
    blob.extend_from_slice(&signature.to_bytes());
    Ok(format!(
        "{text}\n{SIGNATURE_PREFIX}{name} {}\n",
        BASE64.encode(blob)
    ))
}

/// One signature line of a note.
struct SignatureLine<'a> {
    name: &'a str,
    /// Key ID (4 bytes) then the signature proper.
    blob: Vec<u8>,
}

/// Splits a note into its text (with its final newline) and its signature lines,
/// checking the syntax signed-note prescribes but no signature.
fn split_note(note: &str) -> Result<(&str, Vec<SignatureLine<'_>>), Error> {
    let malformed = |reason: &str| Err(Error::MalformedNote(reason.to_string()));
    if has_forbidden_control(note) {
        return malformed("it holds a control character other than newline");
    }
    if !note.ends_with('\n') {
        return malformed("it does not end in a newline");
    }
    // The last blank line separates text from signatures; the text may have others.
    let Some(blank) = note.rfind("\n\n") else {
        return malformed("no blank line separates the text from the signatures");
    };
    let text = &note[..blank + 1];
    let signatures = &note[blank + 2..];
    if signatures.is_empty() {
        return malformed("no signature lines follow the blank line");
    }
    let mut lines = Vec::new();
    for line in signatures[..signatures.len() - 1].split('\n') {
        if lines.len() == MAX_SIGNATURES {
            return malformed("more than 100 signature lines");
        }
        let Some(rest) = line.strip_prefix(SIGNATURE_PREFIX) else {
            return Err(Error::MalformedNote(format!(
                "signature line {line:?} does not start with an em dash and a space"
            )));
        };
        let Some((name, encoded)) = rest.split_once(' ') else {
            return Err(Error::MalformedNote(format!(
                "signature line {line:?} has no space between key name and signature"
            )));
        };
        check_key_name(name)?;
        let blob = BASE64
            .decode(encoded)
            .map_err(|e| Error::MalformedNote(format!("signature by {name} is not base64: {e}")))?;
        if blob.len() < 5 {
            return Err(Error::MalformedNote(format!(
                "signature by {name} is {} bytes, shorter than a key ID and a signature",
                blob.len()
            )));
        }
        lines.push(SignatureLine { name, blob });
    }
    Ok((text, lines))
}

/// Verifies a signed note and returns its text (with its final newline, without the
/// blank line).
///
/// As signed-note requires, signatures by other keys (another name or key ID) are
/// ignored; a signature by this key that does not verify rejects the whole note
/// ([`Error::BadSignature`]); and a note with no signature by this key is rejected
/// ([`Error::NoSignature`]). Cost: one Ed25519 verification per matching signature.
pub fn open_note<'a>(note: &'a str, name: &str, key: &VerifyingKey) -> Result<&'a str, Error> {
    check_key_name(name)?;
    let (text, lines) = split_note(note)?;
    let id = key_id(name, key);
    let mut verified = false;
    for line in lines.iter().filter(|l| l.name == name && l.blob[..4] == id) {
        let bad = || Error::BadSignature {
            name: name.to_string(),
        };
        let signature = Signature::from_slice(&line.blob[4..]).map_err(|_| bad())?;
        key.verify_strict(text.as_bytes(), &signature)
            .map_err(|_| bad())?;
        verified = true;
    }
    if !verified {
        return Err(Error::NoSignature {
            name: name.to_string(),
            key_id: hex::encode(id),
        });
    }
    Ok(text)
}

/// A log's signed statement of its size and root (c2sp.org/tlog-checkpoint).
///
/// `origin` names the log (a schema-less URL such as `recount.example/archive` is
/// recommended) and should be the key name it is signed under. `extensions` are
/// extra body lines, usually none: the spec calls them "NOT RECOMMENDED, as they are
/// not auditable by log monitors".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Self {
        Self {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The note text: `<origin>\n<size>\n<base64 root>\n` and one line per extension.
    /// Errors on an empty origin or extension, or one holding a newline or control
    /// character, which would change the body's meaning. Cost: linear in its length.
    pub fn body(&self) -> Result<String, Error> {
        check_line("origin", &self.origin)?;
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root)
        );
        for extension in &self.extensions {
            check_line("extension line", extension)?;
            body.push_str(extension);
            body.push('\n');
        }
        Ok(body)
    }

    /// Reads a checkpoint body (a note's text). Strict where the spec is: a size with
    /// leading zeros, a root that is not 32 bytes of canonical base64, fewer than three
    /// lines or an empty extension line are errors.
    pub fn parse_body(text: &str) -> Result<Self, Error> {
        let malformed = |reason: String| Err(Error::MalformedCheckpoint(reason));
        let Some(body) = text.strip_suffix('\n') else {
            return malformed("the body does not end in a newline".to_string());
        };
        let mut lines = body.split('\n');
        let (Some(origin), Some(size_line), Some(root_line)) =
            (lines.next(), lines.next(), lines.next())
        else {
            return malformed("a checkpoint has at least three lines".to_string());
        };
        if origin.is_empty() {
            return malformed("the origin line is empty".to_string());
        }
        let digits_only = !size_line.is_empty() && size_line.bytes().all(|b| b.is_ascii_digit());
        if !digits_only || (size_line.len() > 1 && size_line.starts_with('0')) {
            return malformed(format!(
                "tree size {size_line:?} is not a decimal number without leading zeros"
            ));
        }
        let Ok(size) = size_line.parse::<u64>() else {
            return malformed(format!("tree size {size_line} does not fit 64 bits"));
        };
        let root = BASE64
            .decode(root_line)
            .ok()
            .and_then(|bytes| Hash::try_from(bytes).ok());
        let Some(root) = root else {
            return malformed(format!(
                "root hash {root_line:?} is not the base64 of 32 bytes"
            ));
        };
        let extensions: Vec<String> = lines.map(str::to_string).collect();
        if extensions.iter().any(String::is_empty) {
            return malformed("an extension line is empty".to_string());
        }
        Ok(Self {
            origin: origin.to_string(),
            size,
            root,
            extensions,
        })
    }

    /// Reads the checkpoint in a signed note without checking any signature.
    ///
    /// Only for notes the caller itself signed and stored (for instance, to learn the
    /// size to build a proof against); anything received from elsewhere goes through
    /// [`open`]. Cost: linear in the note's length.
    pub fn parse_unverified(note: &str) -> Result<Self, Error> {
        let (text, _) = split_note(note)?;
        Self::parse_body(text)
    }
}

fn check_line(field: &'static str, value: &str) -> Result<(), Error> {
    let reason = if value.is_empty() {
        "it is empty"
    } else if value.contains('\n') || has_forbidden_control(value) {
        "it holds a newline or control character"
    } else {
        return Ok(());
    };
    Err(Error::CheckpointField {
        field,
        value: value.to_string(),
        reason,
    })
}

/// Signs a checkpoint under `name` (by convention its origin), returning the note
/// text to store and publish. Cost: one Ed25519 signature.
pub fn sign(checkpoint: &Checkpoint, name: &str, key: &SigningKey) -> Result<String, Error> {
    sign_note(&checkpoint.body()?, name, key)
}

/// Verifies a checkpoint note's signature by `key` under `name` and reads its body.
/// Cost: one Ed25519 verification per matching signature line.
pub fn open(note: &str, name: &str, key: &VerifyingKey) -> Result<Checkpoint, Error> {
    Checkpoint::parse_body(open_note(note, name, key)?)
}

/// Splits a text of signed checkpoint notes written one after another, each followed by
/// a blank line (the list `recount checkpoint --publish DIR` keeps in `DIR/checkpoints`),
/// into the notes, each with its final newline and without the blank line after it.
///
/// A checkpoint body has no blank line (c2sp.org/tlog-checkpoint: every line is
/// non-empty), so in such a list a note is: non-empty body lines, a blank line,
/// signature lines (starting with an em dash and a space), then a blank line or the end
/// of the text. Extra blank lines between notes are skipped. Errors name the line
/// (counted from one) where a note has no signature lines or a signature block holds
/// another line. Nothing is verified: pass each note to [`open`]. Cost: linear in the text.
pub fn split_checkpoint_notes(text: &str) -> Result<Vec<&str>, Error> {
    enum State {
        Between,
        Body { start: usize },
        Signatures { start: usize, lines: usize },
    }
    let mut notes = Vec::new();
    let mut state = State::Between;
    let mut offset = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let blank = line == "\n";
        state = match state {
            State::Between if blank => State::Between,
            State::Between => State::Body { start: offset },
            State::Body { start } if blank => State::Signatures { start, lines: 0 },
            State::Body { start } => State::Body { start },
            State::Signatures { lines: 0, .. } if blank => {
                return Err(Error::MalformedNote(format!(
                    "line {}: a second blank line where the note's signatures belong",
                    number + 1
                )))
            }
            State::Signatures { start, .. } if blank => {
                notes.push(&text[start..offset]);
                State::Between
            }
            State::Signatures { start, lines } if line.starts_with(SIGNATURE_PREFIX) => {
                State::Signatures {
                    start,
                    lines: lines + 1,
                }
            }
            State::Signatures { .. } => {
                return Err(Error::MalformedNote(format!(
                "line {}: {:?} is not a signature line, and no blank line ends the note before it",
                number + 1,
                line.trim_end_matches('\n')
            )))
            }
        };
        offset += line.len();
    }
    match state {
        State::Between => {}
        State::Signatures { start, lines } if lines > 0 => notes.push(&text[start..]),
        State::Body { .. } | State::Signatures { .. } => {
            return Err(Error::MalformedNote(
                "the last note has no signature lines: the text ends before them".to_string(),
            ))
        }
    }
    Ok(notes)
}

#[cfg(test)]
mod tests;
