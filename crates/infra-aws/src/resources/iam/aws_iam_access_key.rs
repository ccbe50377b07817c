//! `aws_iam_access_key`: an access key of an IAM user.
//!
//! `user` forces replacement; `status` (Active, Inactive, Expired) changes in place. The
//! secret access key is only in CreateAccessKey's answer: `secret` and `ses_smtp_password_v4`
//! (the secret signed as SES SMTP's SigV4 password, for the provider's region) are written to
//! the state then and are sensitive, so plans and `show` never print them. An imported key has
//! neither, as in the provider.
//!
//! `pgp_key` (encrypting the secret for a PGP key, into `encrypted_secret`) is not supported:
//! infra has no OpenPGP implementation, so setting it is a validation error rather than a
//! secret stored unencrypted. `encrypted_secret`, `encrypted_ses_smtp_password_v4` and
//! `key_fingerprint` are therefore always null.
//!
//! The id is the access key ID, which is also the import ID (the user is found with
//! GetAccessKeyLastUsed). Refresh is one ListAccessKeys per distinct user, run concurrently.
//!
//! A key whose create answer was lost cannot be adopted: its secret is gone with the answer.
//! So the create lists the user's keys before its first send, and `find_created` deletes the
//! keys that appeared since (dated from then on) and no create of this run received, and finds
//! nothing: the create
//! is sent again, and the user keeps one key per address (IAM allows two per user). The
//! creates and lookups of one user's keys take turns, so that a key whose answer is still on
//! its way is never taken for a lost one. A run after a crash has no such list: a key its
//! killed create made stays, visible in ListAccessKeys.
//!
//! moto holds `user` and `status`; drift on them is seen in tests.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use aws_sdk_iam::types::{AccessKeyMetadata, StatusType};
use infra_core::{Attribute, Check, ProviderError, Type, Value};

use crate::app_support::{is_missing, sent, string};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::create_memo;
use crate::declared::{copied, read, Declared};
use crate::error::aws_error;
use crate::iam_support::{date, found, gone, propagated, read_each};

pub type AwsIamAccessKey = ObjectType<AccessKeyObject>;

pub struct AccessKeyObject;

/// What no read gives back, read from the state (or the create's answer) instead.
const SECRETS: [&str; 2] = ["secret", "ses_smtp_password_v4"];

/// A key as ListAccessKeys gives it, with its user; `secrets` ([`SECRETS`]) where a write
/// just gave them: the create's answer, or the prior state an update keeps them from.
pub struct AccessKey {
    metadata: AccessKeyMetadata,
    user: String,
    secrets: Option<[Value; 2]>,
}

/// The user and the key ID of a family key: `user/id` (an IAM user name holds no `/`), or the
/// bare ID of an imported key, whose user GetAccessKeyLastUsed finds.
fn user_and_id(key: &str) -> (Option<&str>, &str) {
    match key.split_once('/') {
        Some((user, id)) => (Some(user), id),
        None => (None, key),
    }
}

/// The user's keys by ID (ListAccessKeys); `None` when the user does not exist.
async fn keys_of(
    this: &AwsIamAccessKey,
    user: &str,
) -> Result<Option<BTreeMap<String, AccessKeyMetadata>>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    let mut out = BTreeMap::new();
    let mut pages = client.list_access_keys().user_name(user).into_paginator().send();
    while let Some(page) = pages.next().await {
        match page.map_err(aws_error) {
            Ok(page) => out.extend(
                page.access_key_metadata()
                    .iter()
                    .filter_map(|k| Some((k.access_key_id()?.to_string(), k.clone()))),
            ),
            Err(error) if is_missing(&error) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    Ok(Some(out))
}

async fn owner(this: &AwsIamAccessKey, id: &str) -> Result<Option<String>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    Ok(found(sent!(client.get_access_key_last_used().access_key_id(id)))?
        .and_then(|r| r.user_name().map(str::to_string)))
}

async fn set_status(
    client: &aws_sdk_iam::Client,
    user: &str,
    id: &str,
    status: &str,
) -> Result<(), ProviderError> {
    client
        .update_access_key()
        .user_name(user)
        .access_key_id(id)
        .status(StatusType::from(status))
        .send()
        .await
        .map(|_| ())
        .map_err(aws_error)
}

/// One of [`SECRETS`]: as the write gave it, else as the prior state holds it.
fn secret(which: usize) -> Declared<AccessKey> {
    let attribute = Attribute::computed(SECRETS[which], Type::String).sensitive();
    read(attribute, move |key: &AccessKey, at| match &key.secrets {
        Some(secrets) => secrets[which].clone(),
        None => at.prior.get(SECRETS[which]).clone(),
    })
}

impl AwsObject for AccessKeyObject {
    type Object = AccessKey;
    const NAME: &'static str = "aws_iam_access_key";
    const KIND: &'static str = "IAM access key";
    /// Not the whole key: the state's `id` holds only the access key ID, while the key
    /// [`AwsObject::describe`] takes is `user/id` (the bare ID for an imported key, whose user
    /// is looked up), which `key_of` builds from `user` and `id`: hence [`AwsObject::KEY_WORD`].
    /// `KEY` itself is only the default `key_of`'s and `import_prior`'s, both overridden here.
    const KEY: &'static str = "id";
    const KEY_WORD: &'static str = "user or id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<AccessKey>> {
        let null = |name| read(Attribute::computed(name, Type::String), |_, _| Value::Null);
        let status = Attribute::optional("status", Type::String)
            .default(Value::string("Active"))
            .check(Check::OneOf(&["Active", "Inactive", "Expired"]));
        vec![
            read(Attribute::computed("id", Type::String), |k: &AccessKey, _| {
                Value::string(k.metadata.access_key_id().unwrap_or_default())
            }),
            read(Attribute::required("user", Type::String).force_new(), |k: &AccessKey, _| {
                Value::string(k.metadata.user_name().unwrap_or(&k.user))
            }),
            copied(Attribute::optional("pgp_key", Type::String).force_new()),
            read(status, |k: &AccessKey, _| {
                Value::string(k.metadata.status().map(|s| s.as_str()).unwrap_or("Active"))
            }),
            read(Attribute::computed("create_date", Type::String), |k: &AccessKey, _| {
                date(k.metadata.create_date())
            }),
            secret(0),
            secret(1),
            null("encrypted_secret"),
            null("encrypted_ses_smtp_password_v4"),
            null("key_fingerprint"),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        if config.get("pgp_key").is_null() {
            return vec![];
        }
        vec![(
            "pgp_key".to_string(),
            "infra cannot encrypt with PGP, so \"pgp_key\" is not supported: remove it (the secret is then stored in the state, marked sensitive) or create the key outside infra".to_string(),
        )]
    }

    /// `user/id`, or the bare ID of an imported key ([`user_and_id`]).
    fn key_of(value: &Value) -> Option<String> {
        match (string(value, "user"), string(value, "id")) {
            (Some(user), id) => Some(format!("{user}/{}", id.unwrap_or_default())),
            (None, id) => id,
        }
    }

    /// Terraform's import ID: the access key ID.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(Value::map([("id", Value::string(id))]))
    }

    /// The owners of keys without a user (GetAccessKeyLastUsed), then one ListAccessKeys per
    /// distinct user, each step run concurrently.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<AccessKey> {
        let owners = read_each(
            keys.iter()
                .map(|key| async move {
                    match user_and_id(key) {
                        (Some(user), _) => Ok(Some(user.to_string())),
                        (None, id) => owner(this, id).await,
                    }
                })
                .collect(),
        )
        .await?;
        let users: BTreeSet<String> = owners.iter().flatten().cloned().collect();
        let listed: BTreeMap<String, Option<BTreeMap<String, AccessKeyMetadata>>> = read_each(
            users
                .into_iter()
                .map(|user| async move {
                    let keys = keys_of(this, &user).await?;
                    Ok((user, keys))
                })
                .collect(),
        )
        .await?
        .into_iter()
        .collect();
        Ok(keys
            .iter()
            .zip(owners)
            .filter_map(|(key, owner)| {
                let user = owner?;
                let metadata = listed.get(&user)?.as_ref()?.get(user_and_id(key).1)?.clone();
                let object = AccessKey { metadata, user, secrets: None };
                Some((key.clone(), Tagged { object, tags: vec![] }))
            })
            .collect())
    }

    /// CreateAccessKey (the user's keys listed first, once per operation, in the user's turn),
    /// the status where the new key's differs, then the key as listed, with the answer's secret.
    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<AccessKey>, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let user = string(at.planned, "user")
            .ok_or_else(|| ProviderError::new("aws_iam_access_key needs a known user"))?;
        let turn = user_turn(&user);
        let guard = turn.lock().await;
        if !create_memo::recorded(at.operation) {
            let existing = keys_of(at.this, &user).await?.unwrap_or_default();
            create_memo::record(at.operation, existing.into_keys());
        }
        let response = sent!(client.create_access_key().user_name(&user))?;
        let key = response
            .access_key()
            .ok_or_else(|| ProviderError::new("CreateAccessKey returned no key"))?;
        let id = key.access_key_id().to_string();
        received().insert(id.clone());
        drop(guard);
        let region = at.this.aws.clients().await.region.clone();
        let secret = key.secret_access_key();
        let secrets = [Value::string(secret), Value::string(ses_smtp_password_v4(secret, &region))];
        let status = string(at.planned, "status").unwrap_or_else(|| "Active".into());
        if status != key.status().as_str() {
            set_status(client, &user, &id, &status).await?;
        }
        let mut written = Self::written(at.this, &format!("{user}/{id}")).await?;
        written.object.secrets = Some(secrets);
        Ok(written)
    }

    /// The status where it changes, then the key as listed, with the secrets the prior state
    /// holds.
    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<AccessKey>, ProviderError> {
        let (Some(user), Some(id)) = (string(at.prior, "user"), string(at.prior, "id")) else {
            return Err(ProviderError::new("aws_iam_access_key has no user or id in state"));
        };
        let status = string(at.planned, "status").unwrap_or_else(|| "Active".into());
        if string(at.prior, "status").as_deref() != Some(status.as_str()) {
            set_status(&at.this.aws.clients().await.iam, &user, &id, &status).await?;
        }
        let mut written = Self::written(at.this, at.key).await?;
        written.object.secrets = Some(SECRETS.map(|name| at.prior.get(name).clone()));
        Ok(written)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let (Some(user), id) = user_and_id(at.key) else {
            return Ok(());
        };
        if id.is_empty() {
            return Ok(());
        }
        gone(sent!(client.delete_access_key().user_name(user).access_key_id(id)))
    }

    /// Listed again until IAM shows the key (IAM is eventually consistent).
    async fn written(
        this: &AwsIamAccessKey,
        key: &str,
    ) -> Result<Tagged<AccessKey>, ProviderError> {
        propagated(Self::KIND, user_and_id(key).1, || this.found(key)).await
    }

    /// Deletes the user's keys that this run's create of `operation` made and never received
    /// (their secrets are lost), and finds nothing; see the module documentation.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<AccessKey> {
        let Some(user) = string(at.planned, "user") else {
            return Ok(None);
        };
        let turn = user_turn(&user);
        let _guard = turn.lock().await;
        let keys = keys_of(at.this, &user).await?.unwrap_or_default();
        // Only a key IAM dates from this operation's first send on (less a minute for clocks)
        // can be the lost one. One made for this user by someone else in that window cannot
        // be told from it (CREATE_PROTECTION.md, "Known gaps").
        let since = create_memo::first_send_at(at.operation)
            .map(|at| at - std::time::Duration::from_secs(60));
        let recent = keys.iter().filter(|(_, key)| {
            let created = key.create_date().and_then(|d| std::time::SystemTime::try_from(*d).ok());
            matches!((since, created), (Some(since), Some(created)) if created >= since)
        });
        let made =
            create_memo::made_since_first_send(at.operation, recent.map(|(id, _)| id.as_str()))
                .unwrap_or_default();
        let lost: Vec<String> = {
            let received = received();
            made.into_iter().filter(|id| !received.contains(id)).collect()
        };
        for id in lost {
            tracing::info!(
                address = %at.operation.address,
                access_key_id = %id,
                "deleting the access key whose create answer was lost (its secret is gone)"
            );
            let key = format!("{user}/{id}");
            Self::delete(at.then_delete(&key, &Value::Null)).await?;
        }
        Ok(None)
    }
}

/// The turn of one user's key creates and lookups (see the module documentation).
fn user_turn(user: &str) -> Arc<tokio::sync::Mutex<()>> {
    static TURNS: LazyLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Default::default);
    TURNS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(user.to_string())
        .or_default()
        .clone()
}

/// The ids of the keys whose CreateAccessKey answer this run received.
fn received() -> MutexGuard<'static, BTreeSet<String>> {
    static RECEIVED: LazyLock<Mutex<BTreeSet<String>>> = LazyLock::new(Default::default);
    RECEIVED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The SES SMTP password (SigV4) for a secret access key, as AWS documents it: HMAC-SHA256
/// chained over a fixed date, the region, `ses`, `aws4_request` and `SendRawEmail`, prefixed
/// with version byte 4, base64-encoded.
fn ses_smtp_password_v4(secret: &str, region: &str) -> String {
    let mut signature = hmac_sha256(format!("AWS4{secret}").as_bytes(), b"11111111");
    for part in [region, "ses", "aws4_request", "SendRawEmail"] {
        signature = hmac_sha256(&signature, part.as_bytes());
    }
    let mut bytes = vec![0x04];
    bytes.extend_from_slice(&signature);
    base64(&bytes)
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&sha256(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    inner.extend_from_slice(message);
    let mut outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    outer.extend_from_slice(&sha256(&inner));
    sha256(&outer)
}

fn sha256(message: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut data = message.to_vec();
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&((message.len() as u64) * 8).to_be_bytes());
    for chunk in data.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (state, add) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *state = state.wrapping_add(add);
        }
    }
    let mut out = [0u8; 32];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha256_and_hmac_match_the_standard_vectors() {
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // RFC 4231, test case 2.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // RFC 4231, test case 6 (a key longer than a block).
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn smtp_passwords_are_version_4_and_depend_on_the_region() {
        let east = ses_smtp_password_v4("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
        let west = ses_smtp_password_v4("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eu-west-1");
        // 33 bytes (version byte + SHA-256) are 44 base64 characters; version 4 encodes as "B".
        assert_eq!(east.len(), 44);
        assert!(east.starts_with('B'), "{east}");
        assert_ne!(east, west);
    }
}
