#!/usr/bin/env python3
"""Check a recount inclusion proof offline, with Python's standard library only.

Usage: verify_proof.py PROOF.json [--key VERIFIER_KEY]

PROOF.json is the JSON `recount proof` writes (crates/ledger/src/proof.rs):
{"leaf_index", "tree_size", "leaf_hash" (hex), "proof" ([hex]), "root" (hex),
 "checkpoint" (the signed note text)}.

Always checked: the audit path leads from leaf_hash at leaf_index to root (RFC 9162
section 2.1.3.2, SHA-256 with 0x00/0x01 prefixes), and the checkpoint body
(c2sp.org/tlog-checkpoint) names the same tree size and root.

With --key (the log's verifier key, `<name>+<hex key ID>+<base64(0x01 || key)>`,
c2sp.org/signed-note) the checkpoint's Ed25519 signature is verified too, by the
RFC 8032 code below. Without it, the checkpoint is only read, not authenticated:
the script then says so.

Exit status: 0 if everything checked holds, 1 if anything fails, 2 on usage errors.
To tie the leaf to a record, compute leaf_hash = SHA-256(0x00 || leaf data) yourself.
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


def verify(proof, verifier_key):
    for field in ("leaf_index", "tree_size"):
        if not isinstance(proof.get(field), int) or isinstance(proof[field], bool) or proof[field] < 0:
            raise Invalid(f"{field} is not a non-negative integer")
    if not isinstance(proof.get("proof"), list) or not isinstance(proof.get("checkpoint"), str):
        raise Invalid("proof must be a list and checkpoint a string")
    leaf = hash32(proof.get("leaf_hash"), "leaf_hash")
    root = hash32(proof.get("root"), "root")
    path = [hash32(p, f"proof[{i}]") for i, p in enumerate(proof["proof"])]
    index, size = proof["leaf_index"], proof["tree_size"]
    if root_from_inclusion(leaf, index, size, path) != root:
        raise Invalid(f"the proof does not lead from leaf {index} to the root")
    text, signatures = split_note(proof["checkpoint"])
    origin, signed_size, signed_root = parse_checkpoint(text)
    if signed_size != size or signed_root != root:
        raise Invalid("the checkpoint names another tree size or root than the proof")
    if verifier_key is not None:
        check_signature(text, signatures, verifier_key)
    return origin


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("proof_file")
    parser.add_argument("--key", help="the log's signed-note verifier key")
    args = parser.parse_args()
    try:
        with open(args.proof_file, encoding="utf-8") as f:
            proof = json.load(f)
        if not isinstance(proof, dict):
            raise Invalid("the proof file is not a JSON object")
        origin = verify(proof, args.key)
    except (OSError, ValueError) as e:
        print(f"FAIL: cannot read {args.proof_file}: {e}", file=sys.stderr)
        return 1
    except Invalid as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    signed = "signed by the given key" if args.key else "NOT signature-checked (no --key)"
    print(
        f"OK: leaf {proof['leaf_index']} ({proof['leaf_hash']}) is in the tree of "
        f"{proof['tree_size']} leaves of {origin}; checkpoint {signed}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
