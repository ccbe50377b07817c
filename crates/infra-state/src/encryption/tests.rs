use super::*;

fn pbkdf2(passphrase: &str) -> Arc<dyn KeyProvider> {
    Arc::new(Pbkdf2 {
        passphrase: passphrase.to_string(),
        key_length: 32,
        // Few iterations: these tests run unoptimised.
        iterations: 1000,
        salt_length: 32,
        hash_function: HashFunction::Sha512,
    })
}

fn aes(name: &str, provider: &str, passphrase: &str) -> Method {
    Method::AesGcm {
        address: format!("method.aes_gcm.{name}"),
        provider_address: format!("key_provider.pbkdf2.{provider}"),
        provider: pbkdf2(passphrase),
        aad: Vec::new(),
    }
}

#[test]
fn a_state_round_trips_in_opentofus_format() {
    let encryption = Encryption::new("state", vec![aes("m", "k", "correct horse battery")]);
    let sealed = encryption.encrypt(b"{\"secret\":\"hunter2\"}", Some((7, "lin-1"))).unwrap();
    let text = String::from_utf8(sealed.clone()).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    let document: serde_json::Value = serde_json::from_slice(&sealed).unwrap();
    assert_eq!(document["serial"], 7);
    assert_eq!(document["lineage"], "lin-1");
    assert_eq!(document["encryption_version"], "v0");
    let meta = BASE64.decode(document["meta"]["key_provider.pbkdf2.k"].as_str().unwrap()).unwrap();
    let meta: serde_json::Value = serde_json::from_slice(&meta).unwrap();
    assert_eq!(meta["hash_function"], "sha512");
    assert_eq!(meta["iterations"], 1000);
    assert_eq!(meta["key_length"], 32);
    assert!(is_encrypted(&sealed));
    assert_eq!(encryption.decrypt(&sealed).unwrap(), b"{\"secret\":\"hunter2\"}");
}

#[test]
fn a_wrong_passphrase_and_a_plain_file_are_refused_with_the_reason() {
    let written = Encryption::new("state", vec![aes("m", "k", "correct horse battery")])
        .encrypt(b"{}", Some((1, "l")))
        .unwrap();
    let wrong = Encryption::new("state", vec![aes("m", "k", "wrong horse battery!")]);
    let error = wrong.decrypt(&written).unwrap_err();
    assert!(error.contains("message authentication failed"), "{error}");
    let renamed = Encryption::new("state", vec![aes("m", "other", "correct horse battery")]);
    let error = renamed.decrypt(&written).unwrap_err();
    assert!(error.contains("no decryption key available"), "{error}");
    assert!(error.contains("key_provider.pbkdf2.k"), "{error}");
    let error = wrong.decrypt(b"{\"format_version\":1}").unwrap_err();
    assert!(error.contains("not encrypted"), "{error}");
}

#[test]
fn the_fallback_chain_opens_old_files_and_plain_ones_when_unencrypted_is_in_it() {
    let old = Encryption::new("state", vec![aes("old", "old", "the old passphrase")])
        .encrypt(b"old", Some((1, "l")))
        .unwrap();
    let rotated = Encryption::new(
        "state",
        vec![
            aes("new", "new", "the new passphrase"),
            aes("old", "old", "the old passphrase"),
            Method::Unencrypted,
        ],
    );
    assert_eq!(rotated.decrypt(&old).unwrap(), b"old");
    assert_eq!(rotated.decrypt(b"{\"plain\":1}").unwrap(), b"{\"plain\":1}");
    let rewritten = rotated.encrypt(b"new", Some((2, "l"))).unwrap();
    let document: serde_json::Value = serde_json::from_slice(&rewritten).unwrap();
    assert!(document["meta"].get("key_provider.pbkdf2.new").is_some());
    assert!(document["meta"].get("key_provider.pbkdf2.old").is_none());
    let unencrypted_primary = Encryption::new("plan", vec![Method::Unencrypted]);
    assert_eq!(unencrypted_primary.encrypt(b"plain", None).unwrap(), b"plain");
}

#[test]
fn pbkdf2_reads_the_parameters_a_file_was_written_with() {
    let writer = Pbkdf2 {
        passphrase: "correct horse battery".into(),
        key_length: 16,
        iterations: 1500,
        salt_length: 8,
        hash_function: HashFunction::Sha256,
    };
    let (key, meta) = writer.encryption_key().unwrap();
    assert_eq!(key.len(), 16);
    // A reader configured otherwise derives the same key from the stored parameters.
    let reader = Pbkdf2 {
        passphrase: "correct horse battery".into(),
        key_length: 32,
        iterations: 1000,
        salt_length: 32,
        hash_function: HashFunction::Sha512,
    };
    assert_eq!(reader.decryption_key(&meta).unwrap(), key);
}

/// OpenTofu's own known answer (`keyprovider/pbkdf2/example_decrypt_test.go` in
/// opentofu/opentofu): this passphrase, salt and OpenTofu's default parameters give this key.
#[test]
fn pbkdf2_derives_opentofus_key_for_opentofus_example() {
    let salt = [
        0x10, 0xec, 0x3d, 0x3f, 0xe0, 0x2a, 0xd2, 0xbe, 0xe6, 0xf1, 0xf5, 0x54, 0x0f, 0x8e, 0x6b,
        0xbe, 0x3b, 0x8b, 0x29, 0x44, 0x5c, 0xf5, 0x02, 0xd2, 0x7d, 0x47, 0xad, 0x55, 0x4a, 0xa8,
        0x97, 0x1f,
    ];
    let stored = serde_json::json!({
        "salt": BASE64.encode(salt),
        "iterations": 600000,
        "hash_function": "sha512",
        "key_length": 32,
    });
    let provider = Pbkdf2 {
        passphrase: "correct-horse-battery-staple".into(),
        key_length: 32,
        iterations: 600000,
        salt_length: 32,
        hash_function: HashFunction::Sha512,
    };
    let key = provider.decryption_key(stored.to_string().as_bytes()).unwrap();
    let hex: String = key.iter().map(|byte| format!("{byte:02x}")).collect();
    assert_eq!(hex, "225872367198760137e0a18580433447bbf578fbe2b87ff36aef3c175fe5709c");
}
