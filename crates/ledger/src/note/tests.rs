use super::*;
use crate::testutil::TestRng;
use proptest::prelude::*;

// golang.org/x/mod/sumdb/note, package documentation ("Signing Notes" example): a
// signer key, its verifier key, a text and the exact note Go's Sign produces.
// Ed25519 is deterministic, so signing the same text must give the same bytes.
const GO_SIGNER: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VERIFIER: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                       then you don't know what your problem is.\n";
const GO_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
                       then you don't know what your problem is.\n\
                       \n\
                       \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

// c2sp.org/signed-note v1.1.0, "Verifier keys" example.
const SPEC_VERIFIER: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

// c2sp.org/tlog-checkpoint, the example body.
const SPEC_CHECKPOINT: &str = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

const ORIGIN: &str = "recount.example/archive";

fn test_key(seed: u64) -> SigningKey {
    generate_signing_key(&mut TestRng(seed))
}

#[test]
fn go_signer_key_reads_and_writes_back() {
    let (name, key) = parse_signer_key(GO_SIGNER).expect("Go's example signer key");
    assert_eq!(name, "PeterNeumann");
    assert_eq!(hex::encode(key_id(&name, &key.verifying_key())), "c74f20a3");
    assert_eq!(signer_key_string(&name, &key).unwrap(), GO_SIGNER);
    let verifier = VerifierKey::new(&name, key.verifying_key()).unwrap();
    assert_eq!(verifier.to_string(), GO_VERIFIER);
}

#[test]
fn signing_reproduces_go_note_byte_for_byte() {
    let (name, key) = parse_signer_key(GO_SIGNER).unwrap();
    assert_eq!(sign_note(GO_TEXT, &name, &key).unwrap(), GO_NOTE);
    let verifier: VerifierKey = GO_VERIFIER.parse().unwrap();
    assert_eq!(
        open_note(GO_NOTE, verifier.name(), verifier.key()),
        Ok(GO_TEXT)
    );
}

#[test]
fn spec_example_note_verifies() {
    let verifier: VerifierKey = SPEC_VERIFIER.parse().expect("spec verifier key");
    assert_eq!(verifier.name(), "example.com/foo");
    assert_eq!(hex::encode(verifier.key_id()), "530d903a");
    assert_eq!(
        hex::encode(verifier.key().as_bytes()),
        "e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4"
    );
    assert_eq!(verifier.to_string(), SPEC_VERIFIER);
    assert_eq!(
        open_note(SPEC_NOTE, verifier.name(), verifier.key()),
        Ok("This is an example message.\n")
    );
}

#[test]
fn spec_example_checkpoint_parses() {
    let checkpoint = Checkpoint::parse_unverified(SPEC_CHECKPOINT).expect("spec example");
    assert_eq!(checkpoint.origin, "example.com/behind-the-sofa");
    assert_eq!(checkpoint.size, 20_852_163);
    assert_eq!(
        BASE64.encode(checkpoint.root),
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    );
    assert!(checkpoint.extensions.is_empty());
}

#[test]
fn changed_text_fails_the_signature() {
    let verifier: VerifierKey = GO_VERIFIER.parse().unwrap();
    let forged = GO_NOTE.replace("answer", "answers");
    assert_eq!(
        open_note(&forged, verifier.name(), verifier.key()),
        Err(Error::BadSignature {
            name: "PeterNeumann".into()
        })
    );
}

#[test]
fn signatures_by_other_keys_are_ignored_but_one_must_match() {
    let key = test_key(1);
    let other = test_key(2);
    let note = sign_note("hello\n", ORIGIN, &key).unwrap();
    // Another key under the same name has another key ID: ignored, so none verifies.
    assert!(matches!(
        open_note(&note, ORIGIN, &other.verifying_key()),
        Err(Error::NoSignature { .. })
    ));
    // The right key under another name: ignored too.
    assert!(matches!(
        open_note(&note, "elsewhere.example", &key.verifying_key()),
        Err(Error::NoSignature { .. })
    ));
    // A cosignature by an unknown key does not stop the known one verifying.
    let cosigned = sign_note("hello\n", "witness.example", &other).unwrap();
    let witness_line = cosigned.rsplit_once("\n\n").unwrap().1;
    let both = format!("{note}{witness_line}");
    assert_eq!(
        open_note(&both, ORIGIN, &key.verifying_key()),
        Ok("hello\n")
    );
    assert_eq!(
        open_note(&both, "witness.example", &other.verifying_key()),
        Ok("hello\n")
    );
}

#[test]
fn text_may_hold_blank_lines() {
    let key = test_key(3);
    let text = "first\n\nthird\n\n";
    let note = sign_note(text, ORIGIN, &key).unwrap();
    assert_eq!(open_note(&note, ORIGIN, &key.verifying_key()), Ok(text));
}

#[test]
fn malformed_notes_are_rejected() {
    let key = test_key(4);
    let vk = key.verifying_key();
    let note = sign_note("hello\n", ORIGIN, &key).unwrap();
    let cases = [
        note.trim_end().to_string(),                  // no final newline
        note.replace("\n\n", "\n"),                   // no blank line
        "hello\n\n".to_string(),                      // no signature lines
        note.replace('\u{2014}', "-"),                // not an em dash
        note.replace(&format!("{ORIGIN} "), ORIGIN),  // no space after the name
        note.replace("hello", "hel\u{7}lo"),          // control character
        format!("{}=\n", note.trim_end()),            // broken base64
        format!("hello\n\n\u{2014} {ORIGIN} AAAA\n"), // too short
    ];
    for case in cases {
        assert!(
            matches!(
                open_note(&case, ORIGIN, &vk),
                Err(Error::MalformedNote(_) | Error::KeyName(_))
            ),
            "accepted {case:?}"
        );
    }
    assert!(sign_note("no newline", ORIGIN, &key).is_err());
    assert!(sign_note("tab\there\n", ORIGIN, &key).is_err());
}

#[test]
fn key_names_follow_signed_note() {
    let key = test_key(5);
    for bad in ["", "has space", "has+plus", "tab\tname", "nbsp\u{a0}name"] {
        assert_eq!(
            sign_note("x\n", bad, &key),
            Err(Error::KeyName(bad.to_string()))
        );
        assert!(VerifierKey::new(bad, key.verifying_key()).is_err());
    }
    assert!(sign_note("x\n", "recount.example/log-1", &key).is_ok());
}

#[test]
fn verifier_key_strings_are_checked() {
    let bad = [
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", // wrong ID
        "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  // short ID
        "example.com/foo+530d903a",                                              // no key
        "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", // type 0x02
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U",   // short key
        "example.org/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", // other name
    ];
    for text in bad {
        assert!(text.parse::<VerifierKey>().is_err(), "accepted {text}");
    }
}

#[test]
fn signer_key_strings_are_checked() {
    let bad = [
        GO_SIGNER.replace("c74f20a3", "c74f20a4"),
        GO_SIGNER.replace("PRIVATE+KEY+", ""),
        GO_SIGNER.replace("PeterNeumann", "Peter Neumann"),
        "PRIVATE+KEY+PeterNeumann+c74f20a3".to_string(),
    ];
    for text in bad {
        assert!(parse_signer_key(&text).is_err(), "accepted {text}");
    }
}

#[test]
fn checkpoint_signs_and_opens() {
    let key = test_key(6);
    let root = crate::merkle::leaf_hash(b"root");
    let checkpoint = Checkpoint::new(ORIGIN, 42, root);
    let note = sign(&checkpoint, ORIGIN, &key).unwrap();
    assert!(note.starts_with(&format!(
        "{ORIGIN}\n42\n{}\n\n\u{2014} {ORIGIN} ",
        BASE64.encode(root)
    )));
    assert_eq!(
        open(&note, ORIGIN, &key.verifying_key()),
        Ok(checkpoint.clone())
    );
    assert_eq!(Checkpoint::parse_unverified(&note), Ok(checkpoint));
    let grown = note.replacen("\n42\n", "\n43\n", 1);
    assert!(matches!(
        open(&grown, ORIGIN, &key.verifying_key()),
        Err(Error::BadSignature { .. })
    ));
}

#[test]
fn checkpoint_extensions_are_signed() {
    let key = test_key(7);
    let mut checkpoint = Checkpoint::new(ORIGIN, 0, crate::merkle::empty_root());
    checkpoint.extensions = vec!["note: first".into()];
    let note = sign(&checkpoint, ORIGIN, &key).unwrap();
    assert_eq!(open(&note, ORIGIN, &key.verifying_key()), Ok(checkpoint));
}

#[test]
fn checkpoint_fields_that_cannot_be_lines_are_rejected() {
    let key = test_key(8);
    let root = crate::merkle::empty_root();
    for origin in ["", "two\nlines", "bell\u{7}"] {
        let checkpoint = Checkpoint::new(origin, 1, root);
        assert!(matches!(
            sign(&checkpoint, ORIGIN, &key),
            Err(Error::CheckpointField {
                field: "origin",
                ..
            })
        ));
    }
    let mut checkpoint = Checkpoint::new(ORIGIN, 1, root);
    checkpoint.extensions = vec![String::new()];
    assert!(sign(&checkpoint, ORIGIN, &key).is_err());
}

#[test]
fn malformed_checkpoint_bodies_are_rejected() {
    let root = BASE64.encode([7u8; 32]);
    let short_root = BASE64.encode([7u8; 31]);
    let bodies = [
        format!("{ORIGIN}\n42\n{root}"),    // no final newline
        format!("{ORIGIN}\n42\n"),          // no root
        format!("\n42\n{root}\n"),          // empty origin
        format!("{ORIGIN}\n042\n{root}\n"), // leading zero
        format!("{ORIGIN}\n-1\n{root}\n"),  // sign
        format!("{ORIGIN}\n4 2\n{root}\n"), // space
        format!("{ORIGIN}\n\n{root}\n"),    // empty size
        format!("{ORIGIN}\n18446744073709551616\n{root}\n"), // overflow
        format!("{ORIGIN}\n42\n{short_root}\n"), // 31 bytes
        format!("{ORIGIN}\n42\n{}\n", hex::encode([7u8; 32])), // hex, not base64
        format!("{ORIGIN}\n42\n{root}\n\n"), // empty extension line
    ];
    for body in bodies {
        assert!(
            matches!(
                Checkpoint::parse_body(&body),
                Err(Error::MalformedCheckpoint(_))
            ),
            "accepted {body:?}"
        );
    }
    assert_eq!(
        Checkpoint::parse_body(&format!("{ORIGIN}\n0\n{root}\n")).map(|c| c.size),
        Ok(0)
    );
}

#[test]
fn generated_keys_come_from_the_callers_randomness() {
    assert_eq!(test_key(9).to_bytes(), test_key(9).to_bytes());
    assert_ne!(test_key(9).to_bytes(), test_key(10).to_bytes());
}

/// A signed checkpoint of `size` leaves with a root made from the size.
fn list_note(size: u64, key: &SigningKey) -> String {
    let checkpoint = Checkpoint::new(ORIGIN, size, [size as u8; 32]);
    sign(&checkpoint, ORIGIN, key).unwrap()
}

#[test]
fn a_list_of_checkpoints_splits_into_its_notes() {
    let key = test_key(31);
    let notes: Vec<String> = [3, 8, 21].iter().map(|&n| list_note(n, &key)).collect();
    // As `checkpoint --publish` appends them: each note, then a blank line.
    let list: String = notes.iter().map(|n| format!("{n}\n")).collect();
    let split = split_checkpoint_notes(&list).unwrap();
    assert_eq!(split, notes.iter().map(String::as_str).collect::<Vec<_>>());
    for (note, size) in split.iter().zip([3, 8, 21]) {
        assert_eq!(open(note, ORIGIN, &key.verifying_key()).unwrap().size, size);
    }
    // One note alone (a `checkpoint.N` file), extra blank lines, a missing last blank line.
    assert_eq!(
        split_checkpoint_notes(&notes[0]).unwrap(),
        [notes[0].as_str()]
    );
    let loose = format!("\n\n{}\n\n\n{}", notes[0], notes[1]);
    assert_eq!(
        split_checkpoint_notes(&loose).unwrap(),
        [notes[0].as_str(), notes[1].as_str()]
    );
    assert_eq!(split_checkpoint_notes("").unwrap(), Vec::<&str>::new());
    assert_eq!(split_checkpoint_notes("\n\n").unwrap(), Vec::<&str>::new());
    // A note with two signatures stays whole.
    let cosigned = format!(
        "{}\u{2014} witness.example/w {}\n",
        notes[2], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
    );
    let list = format!("{cosigned}\n{}\n", notes[0]);
    assert_eq!(
        split_checkpoint_notes(&list).unwrap(),
        [cosigned.as_str(), notes[0].as_str()]
    );
}

#[test]
fn a_broken_list_of_checkpoints_names_the_line() {
    let key = test_key(32);
    let (a, b) = (list_note(3, &key), list_note(4, &key));
    // Two notes run together: the second origin line sits in the first's signatures.
    match split_checkpoint_notes(&format!("{a}{b}")) {
        Err(Error::MalformedNote(m)) => assert!(
            m.contains("line 6") && m.contains("not a signature line"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    // A note cut off before its signatures.
    let body = a.split("\n\n").next().unwrap();
    match split_checkpoint_notes(&format!("{a}\n{body}\n")) {
        Err(Error::MalformedNote(m)) => assert!(m.contains("no signature lines"), "{m}"),
        other => panic!("{other:?}"),
    }
    match split_checkpoint_notes(&format!("{body}\n\n\n{b}")) {
        Err(Error::MalformedNote(m)) => assert!(m.contains("line 5"), "{m}"),
        other => panic!("{other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn checkpoints_round_trip(
        origin in "[a-z0-9./_-]{1,40}",
        size in any::<u64>(),
        root in any::<[u8; 32]>(),
        extensions in proptest::collection::vec("[ -~]{1,30}", 0..3),
        seed in any::<u64>(),
    ) {
        let key = test_key(seed);
        let checkpoint = Checkpoint { origin: origin.clone(), size, root, extensions };
        let note = sign(&checkpoint, &origin, &key).unwrap();
        prop_assert_eq!(open(&note, &origin, &key.verifying_key()), Ok(checkpoint));
    }

    #[test]
    fn verifier_keys_round_trip(name in "[a-z0-9./_-]{1,40}", seed in any::<u64>()) {
        let key = test_key(seed);
        let verifier = VerifierKey::new(&name, key.verifying_key()).unwrap();
        let text = verifier.to_string();
        prop_assert_eq!(text.parse::<VerifierKey>(), Ok(verifier));
        let signer = signer_key_string(&name, &key).unwrap();
        let (read_name, read_key) = parse_signer_key(&signer).unwrap();
        prop_assert_eq!(read_name, name);
        prop_assert_eq!(read_key.to_bytes(), key.to_bytes());
    }
}
