"""Encrypts a state file as OpenTofu's `encryption` block does with a pbkdf2 key provider and
the aes_gcm method, written from OpenTofu's source (internal/encryption in opentofu/opentofu,
MPL-2.0) and not from infra's, so that a test can check infra reads what OpenTofu writes:

- the key: PBKDF2 (golang.org/x/crypto/pbkdf2) of the passphrase over a random salt, with
  OpenTofu's defaults: 600,000 iterations of SHA-512, a 32-byte key, a 32-byte salt
  (keyprovider/pbkdf2: config.go, provider.go);
- the metadata the key provider stores, under `key_provider.pbkdf2.NAME`: Go's JSON of
  `Metadata{Salt []byte, Iterations, HashFunction, KeyLength}` (salt in base64), itself a
  []byte in the envelope, so base64 again (keyprovider/pbkdf2/metadata.go, base.go);
- the data: AES-256-GCM with a random 12-byte nonce and no additional data, written as
  nonce || ciphertext || tag (`gcm.Seal(nonce, nonce, data, nil)`, method/aesgcm/aesgcm.go);
- the envelope: {"meta": {...}, "encrypted_data": base64, "encryption_version": "v0"}
  (base.go's basedata), with no serial or lineage outside it.

Usage: python opentofu_encrypt.py NAME PASSPHRASE < plain.tfstate > encrypted.tfstate
"""
import base64, hashlib, json, os, sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def encrypt(plain, name, passphrase):
    salt = os.urandom(32)
    iterations, hash_function, key_length = 600000, "sha512", 32
    key = hashlib.pbkdf2_hmac(hash_function, passphrase.encode(), salt, iterations, key_length)
    metadata = json.dumps({"salt": base64.b64encode(salt).decode(), "iterations": iterations,
                           "hash_function": hash_function, "key_length": key_length},
                          separators=(",", ":"))
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(key).encrypt(nonce, plain, None)
    return json.dumps({
        "meta": {f"key_provider.pbkdf2.{name}": base64.b64encode(metadata.encode()).decode()},
        "encrypted_data": base64.b64encode(sealed).decode(),
        "encryption_version": "v0",
    }, separators=(",", ":"))


if __name__ == "__main__":
    sys.stdout.write(encrypt(sys.stdin.buffer.read(), sys.argv[1], sys.argv[2]))
