//! Private keys are never documents: a file that holds one is refused whatever its name,
//! so that no key (recount's own signing key above all) ends up archived and served.

/// What kind of private key the bytes hold, if any: a line of PEM armour for a private
/// key (`-----BEGIN … PRIVATE KEY-----`, which covers OpenSSH, PKCS#8, RSA, EC and
/// encrypted keys, and PGP's `PRIVATE KEY BLOCK`), a PuTTY key file, or a signer key in
/// the signed-note format recount's log uses (`PRIVATE+KEY+<name>+<hash>+<key>`).
/// Looks at every line.
pub fn private_key(bytes: &[u8]) -> Option<&'static str> {
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        if let Some(label) = line
            .strip_prefix(b"-----BEGIN ")
            .and_then(|l| l.strip_suffix(b"-----"))
        {
            if label == b"OPENSSH PRIVATE KEY" {
                return Some("an OpenSSH private key");
            }
            if label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK") {
                return Some("a PEM private key");
            }
        }
        if line.starts_with(b"PuTTY-User-Key-File-") {
            return Some("a PuTTY private key");
        }
        if signer_key(line) {
            return Some("a signing key (signed-note format, as recount's log key)");
        }
    }
    None
}

/// `PRIVATE+KEY+<name>+<8 hex digits>+<base64>`: the name may hold `+` itself, so the
/// hash and the key are read from the end.
fn signer_key(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"PRIVATE+KEY+") else {
        return false;
    };
    let mut fields = rest.rsplitn(3, |&b| b == b'+');
    let (Some(key), Some(hash), Some(name)) = (fields.next(), fields.next(), fields.next()) else {
        return false;
    };
    !name.is_empty()
        && hash.len() == 8
        && hash.iter().all(u8::is_ascii_hexdigit)
        && key.len() >= 40
        && key
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_common_kind_are_recognised() {
        let pem =
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";
        assert_eq!(private_key(pem.as_bytes()), Some("a PEM private key"));
        let rsa = "notes\r\n-----BEGIN RSA PRIVATE KEY-----\r\nabc\r\n";
        assert_eq!(private_key(rsa.as_bytes()), Some("a PEM private key"));
        let enc = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n";
        assert_eq!(private_key(enc.as_bytes()), Some("a PEM private key"));
        let pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n";
        assert_eq!(private_key(pgp.as_bytes()), Some("a PEM private key"));
        let ssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n";
        assert_eq!(private_key(ssh.as_bytes()), Some("an OpenSSH private key"));
        let putty = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n";
        assert_eq!(private_key(putty.as_bytes()), Some("a PuTTY private key"));
        // The format of recount's own key file (a made-up key).
        let note = "PRIVATE+KEY+recount.local/mine+1a2b3c4d+AZ3oJxq0Fz0GmLrGZb8e2k1wq9S8yT4hXvN0pQ7dKcE=\n";
        assert!(private_key(note.as_bytes())
            .unwrap()
            .contains("signing key"));
    }

    #[test]
    fn texts_about_keys_are_not_keys() {
        for text in [
            "The ministry said its private key infrastructure was never breached.",
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n",
            "-----BEGIN CERTIFICATE-----\nMIIB\n",
            "PRIVATE+KEY+ is how the format starts, followed by a name.",
            "煤矿发生透水事故,三名矿工被困。",
        ] {
            assert_eq!(private_key(text.as_bytes()), None, "{text}");
        }
    }
}
