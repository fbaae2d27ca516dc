#!/usr/bin/env python3
"""Check recount inclusion and consistency proofs offline, with Python's standard library only.

Usage: verify_proof.py PROOFS [--key VERIFIER_KEY] [--old CHECKPOINT_FILE]

PROOFS is what `recount proof` writes: one JSON proof per line (JSON Lines), or one JSON
object, or a JSON array of them (as GET /api/proofs/{id} answers). Each proof is one of:

- an inclusion proof (`recount proof ID`; crates/ledger/src/proof.rs):
  {"leaf_index", "tree_size", "leaf_hash" (hex), "proof" ([hex]), "root" (hex),
   "checkpoint" (the signed note text), and from recount also "doc_id", "sha256" and
   "leaf" (the leaf data: the JSON text the leaf hash covers)}.
  Checked: the audit path leads from leaf_hash at leaf_index to root (RFC 9162 section
  2.1.3.2); when "leaf" is there, leaf_hash = SHA-256(0x00 || leaf) and the leaf names
  the same doc_id and sha256 as the proof.
- a consistency proof (`recount proof --consistency OLD_SIZE`, GET /api/consistency;
  crates/ledger/src/consistency.rs):
  {"old_size", "new_size", "old_root" (hex), "new_root" (hex), "proof" ([hex]),
   "checkpoint" (the note of the new tree), "old_checkpoint" (the log's note of the old
   tree, or null)}.
  Checked: the proof shows the tree of old_size leaves with old_root is a prefix of the
  tree of new_size leaves with new_root (RFC 9162 section 2.1.4.2); old_checkpoint, if
  any, names old_size and old_root. With --old (a checkpoint note you kept earlier, or a
  file of them such as the DIR/checkpoints list of `recount checkpoint --publish DIR`),
  the kept checkpoint of old_size must have old_root: otherwise the log rewrote the
  history you saw.

Always checked: each checkpoint body (c2sp.org/tlog-checkpoint) names the proof's tree
size and root. With --key (the log's verifier key, `<name>+<hex key ID>+<base64(0x01 ||
key)>`, c2sp.org/signed-note; `recount checkpoint --verifier-key` prints it) every
checkpoint's Ed25519 signature is verified too, by the RFC 8032 code below. Without it,
checkpoints are only read, not authenticated: the script then says so.

Exit status: 0 if every proof holds, 1 if any fails (each is reported), 2 on usage errors.
To tie a leaf to an archived original, compare the leaf's "bytes_sha256" with the
SHA-256 of the original's bytes.
"""

import argparse
import base64
import binascii
import hashlib
import json
import sys


class Invalid(Exception):
    pass


# --- Ed25519 verification (RFC 8032 section 5.1.7), extended coordinates ---------
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    # RFC 8032 section 5.1.4 addition; complete for edwards25519, so it doubles too.
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa, bb = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    cc, dd = 2 * t1 * t2 * D % P, 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(s, point):
    result = (0, 1, 1, 0)
    while s:
        if s & 1:
            result = _add(result, point)
        point, s = _add(point, point), s >> 1
    return result


def _same(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _decode_point(data):
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P or (x == 0 and sign):
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


BASE = _decode_point((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"))


def ed25519_verify(public, message, signature):
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _decode_point(public), _decode_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little")
    return _same(_mul(s, BASE), _add(r, _mul(k % L, a)))


# --- Merkle tree (RFC 9162) --------------------------------------------------------
def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(leaf_hash, index, size, path):
    if index >= size:
        raise Invalid(f"leaf index {index} is outside a tree of {size} leaves")
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            raise Invalid("the proof has more hashes than the tree is high")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Invalid("the proof has fewer hashes than the tree is high")
    return r


def verify_consistency(old_size, new_size, old_root, new_root, path):
    """RFC 9162 section 2.1.4.2; an old size of 0 needs the empty tree's root."""
    if old_size > new_size:
        raise Invalid(f"old size {old_size} is larger than new size {new_size}: a log only grows")
    if old_size == new_size:
        if path or old_root != new_root:
            raise Invalid("equal tree sizes need an empty proof and equal roots")
        return
    if old_size == 0:
        if path or old_root != hashlib.sha256(b"").digest():
            raise Invalid("from the empty tree the proof is empty and the old root the empty tree's")
        return
    if not path:
        raise Invalid("the proof is empty, but the tree grew")
    if old_size & (old_size - 1) == 0:
        path = [old_root] + path
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Invalid("the proof has more hashes than the trees need")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Invalid("the proof has fewer hashes than the trees need")
    if fr != old_root or sr != new_root:
        raise Invalid(
            f"the tree of {old_size} leaves is not proven a prefix of the tree of {new_size} leaves"
        )


# --- Signed note and checkpoint (c2sp.org/signed-note, c2sp.org/tlog-checkpoint) ---
def split_note(note):
    if not note.endswith("\n") or "\n\n" not in note:
        raise Invalid("the checkpoint is not a signed note (no blank line before signatures)")
    cut = note.rindex("\n\n")
    text, lines = note[: cut + 1], note[cut + 2 :].split("\n")[:-1]
    signatures = []
    for line in lines:
        if not line.startswith("\u2014 ") or line.count(" ") != 2:
            raise Invalid(f"malformed signature line {line!r}")
        _, name, blob = line.split(" ")
        signatures.append((name, b64(blob, f"signature by {name}")))
    return text, signatures


def parse_checkpoint(text):
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0]:
        raise Invalid("the checkpoint body needs an origin, a size and a root line")
    size = lines[1]
    if not size.isdigit() or not size.isascii() or (len(size) > 1 and size[0] == "0"):
        raise Invalid(f"checkpoint tree size {size!r} is not a plain decimal number")
    root = b64(lines[2], "checkpoint root")
    if len(root) != 32:
        raise Invalid("checkpoint root is not 32 bytes")
    return lines[0], int(size), root


def check_signature(text, signatures, verifier_key):
    parts = verifier_key.strip().split("+", 2)
    if len(parts) != 3:
        raise Invalid("verifier key is not <name>+<hex key ID>+<base64 key>")
    name, key_id, data = parts[0], parts[1], b64(parts[2], "verifier key")
    if len(data) != 33 or data[0] != 1:
        raise Invalid("verifier key is not an Ed25519 (type 0x01) key")
    expected_id = hashlib.sha256(name.encode() + b"\n" + data).digest()[:4]
    if key_id != expected_id.hex():
        raise Invalid("verifier key ID does not match its name and key")
    matching = [blob for n, blob in signatures if n == name and blob[:4] == expected_id]
    if not matching:
        raise Invalid(f"the checkpoint has no signature by {name}")
    for blob in matching:
        if not ed25519_verify(data[1:], text.encode(), blob[4:]):
            raise Invalid(f"the signature by {name} does not verify: the checkpoint was changed")


def b64(text, what):
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(f"{what} is not base64") from None


def hash32(value, what):
    if not isinstance(value, str) or len(value) != 64:
        raise Invalid(f"{what} is not 64 hex digits")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise Invalid(f"{what} is not hex") from None


def split_notes(text):
    """The notes of a file of checkpoints, each followed by a blank line (one alone too)."""
    notes, lines, state = [], [], "between"
    for number, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), 1):
        if state == "between":
            if line:
                lines, state = [line], "body"
        elif state == "body":
            lines.append(line)
            if not line:
                state = "signatures"
        elif not line:
            if lines[-1] == "":
                raise Invalid(f"line {number}: a second blank line where signatures belong")
            notes.append("\n".join(lines) + "\n")
            state = "between"
        elif line.startswith("\u2014 "):
            lines.append(line)
        else:
            raise Invalid(f"line {number}: not a signature line, and no blank line ends the note")
    if state == "body" or (state == "signatures" and lines[-1] == ""):
        raise Invalid("the last note has no signature lines")
    if state == "signatures":
        notes.append("\n".join(lines) + "\n")
    return notes


def read_checkpoint(note, verifier_key, what):
    """(origin, size, root) of a checkpoint note, its signature checked when there is a key."""
    if not isinstance(note, str):
        raise Invalid(f"{what} is not a string")
    text, signatures = split_note(note)
    checkpoint = parse_checkpoint(text)
    if verifier_key is not None:
        check_signature(text, signatures, verifier_key)
    return checkpoint


def whole_number(proof, field):
    value = proof.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Invalid(f"{field} is not a non-negative integer")
    return value


def hash_list(proof):
    if not isinstance(proof.get("proof"), list):
        raise Invalid("proof is not a list")
    return [hash32(p, f"proof[{i}]") for i, p in enumerate(proof["proof"])]


def verify_inclusion(proof, verifier_key):
    index, size = whole_number(proof, "leaf_index"), whole_number(proof, "tree_size")
    leaf = hash32(proof.get("leaf_hash"), "leaf_hash")
    root = hash32(proof.get("root"), "root")
    if root_from_inclusion(leaf, index, size, hash_list(proof)) != root:
        raise Invalid(f"the proof does not lead from leaf {index} to the root")
    origin, signed_size, signed_root = read_checkpoint(proof.get("checkpoint"), verifier_key, "checkpoint")
    if signed_size != size or signed_root != root:
        raise Invalid("the checkpoint names another tree size or root than the proof")
    named = ""
    if "leaf" in proof:
        data = proof["leaf"]
        if not isinstance(data, str):
            raise Invalid("leaf is not a string")
        if hashlib.sha256(b"\x00" + data.encode("utf-8")).digest() != leaf:
            raise Invalid("leaf_hash is not the hash of the leaf data")
        try:
            described = json.loads(data)
        except ValueError:
            raise Invalid("the leaf data is not JSON") from None
        for field in ("doc_id", "sha256"):
            if field in proof and (not isinstance(described, dict) or described.get(field) != proof[field]):
                raise Invalid(f"the leaf data names another {field} than the proof")
    if "doc_id" in proof or "sha256" in proof:
        named = f" {proof.get('doc_id', '?')} (sha256 {str(proof.get('sha256', '?'))[:16]})"
    return (
        f"leaf {index}{named} ({proof['leaf_hash']}) is in the tree of {size} leaves of {origin}"
    )


def verify_consistent(proof, verifier_key, held):
    old_size, new_size = whole_number(proof, "old_size"), whole_number(proof, "new_size")
    old_root = hash32(proof.get("old_root"), "old_root")
    new_root = hash32(proof.get("new_root"), "new_root")
    verify_consistency(old_size, new_size, old_root, new_root, hash_list(proof))
    origin, size, root = read_checkpoint(proof.get("checkpoint"), verifier_key, "checkpoint")
    if size != new_size or root != new_root:
        raise Invalid("the checkpoint names another tree size or root than the proof's new tree")
    if proof.get("old_checkpoint") is not None:
        old = read_checkpoint(proof["old_checkpoint"], verifier_key, "old_checkpoint")
        if old != (origin, old_size, old_root):
            raise Invalid("old_checkpoint names another log, tree size or root than the proof's old tree")
    kept = ""
    if held is not None:
        same_size = [h for h in held if h[0] == origin and h[1] == old_size]
        if not same_size:
            raise Invalid(f"none of the kept checkpoints (--old) is of {origin} at size {old_size}")
        if any(h[2] != old_root for h in same_size):
            raise Invalid(
                f"the kept checkpoint of size {old_size} has another root: the log rewrote its first {old_size} leaves"
            )
        kept = "; matches the kept checkpoint"
    return (
        f"the tree of {old_size} leaves is a prefix of the tree of {new_size} leaves of {origin}{kept}"
    )


def verify(proof, verifier_key, held=None):
    """What one proof shows, in words; raises Invalid when it does not hold."""
    if not isinstance(proof, dict):
        raise Invalid("the proof is not a JSON object")
    if "old_size" in proof or "new_size" in proof:
        return verify_consistent(proof, verifier_key, held)
    return verify_inclusion(proof, verifier_key)


def read_proofs(text):
    """The proofs of a file: one JSON value (an object or an array), or JSON Lines."""
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, list):
        return [(i + 1, p) for i, p in enumerate(whole)]
    if whole is not None:
        return [(1, whole)]
    proofs = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                proofs.append((number, json.loads(line)))
            except ValueError as e:
                raise Invalid(f"line {number} is not JSON: {e}") from None
    return proofs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("proof_file")
    parser.add_argument("--key", help="the log's signed-note verifier key")
    parser.add_argument(
        "--old", help="a checkpoint note (or a file of them) kept earlier, for consistency proofs"
    )
    args = parser.parse_args()
    try:
        with open(args.proof_file, encoding="utf-8") as f:
            proofs = read_proofs(f.read())
        held = None
        if args.old is not None:
            with open(args.old, encoding="utf-8") as f:
                held = [read_checkpoint(n, args.key, f"{args.old}: a checkpoint") for n in split_notes(f.read())]
            if not held:
                raise Invalid(f"{args.old} holds no checkpoint")
    except OSError as e:
        print(f"FAIL: cannot read: {e}", file=sys.stderr)
        return 1
    except Invalid as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    if not proofs:
        print(f"FAIL: {args.proof_file} holds no proof", file=sys.stderr)
        return 1
    signed = "signed by the given key" if args.key else "NOT signature-checked (no --key)"
    failed = 0
    for number, proof in proofs:
        where = f" (proof {number})" if len(proofs) > 1 else ""
        try:
            shown = verify(proof, args.key, held)
        except Invalid as e:
            print(f"FAIL{where}: {e}", file=sys.stderr)
            failed += 1
            continue
        print(f"OK{where}: {shown}; checkpoint {signed}")
    if failed and len(proofs) > 1:
        print(f"FAIL: {failed} of {len(proofs)} proofs do not hold", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
