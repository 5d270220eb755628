//! Ed25519 keys in the minisign format: the precinct device key and the commission key.
//!
//! A key pair is made once (at precinct setup, or when a commission starts its registry); the
//! secret key is kept encrypted with a passphrase (the chair's, for a device key) in minisign's
//! own format, and only unlocked for the moment of signing. The public key travels as minisign's
//! base64 line; its [`KeyId`] (minisign's 8-byte key number, shown as 16 hex digits as
//! `minisign -V` does) names it in registries, and its [`fingerprint`] (the first 16 bytes of
//! SHA-256 of the decoded public key, in groups of four hex digits) is what the enrolment sheet
//! prints for a person to compare.

use std::fmt;
use std::io::Cursor;

use ct_codecs::{Base64, Decoder, Encoder};

/// A key's id: minisign's 8-byte key number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 8]);

impl KeyId {
    /// Parses 16 hex digits (either case).
    pub fn parse(text: &str) -> Option<KeyId> {
        if text.len() != 16 {
            return None;
        }
        let value = u64::from_str_radix(text, 16).ok()?;
        Some(KeyId(value.to_le_bytes()))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

impl serde::Serialize for KeyId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for KeyId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<KeyId, D::Error> {
        let text = String::deserialize(deserializer)?;
        KeyId::parse(&text).ok_or_else(|| serde::de::Error::custom("a key id is 16 hex digits"))
    }
}

/// Why a key operation failed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The passphrase is empty or shorter than 8 characters.
    #[error("the passphrase must have at least 8 characters")]
    WeakPassphrase,
    /// The passphrase does not unlock the secret key.
    #[error("wrong passphrase, or the secret key file is damaged")]
    WrongPassphrase,
    /// The text is not a minisign public key, secret key or signature.
    #[error("not a minisign {0}")]
    Malformed(&'static str),
    /// Making a key or a signature failed.
    #[error("signing failed: {0}")]
    Sign(String),
}

impl KeyError {
    /// The stable code (message key suffix).
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::WeakPassphrase => "weak_passphrase",
            KeyError::WrongPassphrase => "wrong_passphrase",
            KeyError::Malformed(_) => "malformed_key",
            KeyError::Sign(_) => "sign_failed",
        }
    }
}

/// A new key pair, as the texts to store: the public key line and the encrypted secret key file.
#[derive(Clone, Debug)]
pub struct NewKeyPair {
    /// The public key, minisign base64 (one line).
    pub public_key: String,
    /// The secret key file (minisign format, encrypted with the passphrase).
    pub secret_key: String,
    /// The key id.
    pub key_id: KeyId,
}

/// Makes a key pair whose secret key is encrypted with `passphrase` (scrypt, as minisign does).
pub fn generate(passphrase: &str, comment: &str) -> Result<NewKeyPair, KeyError> {
    if passphrase.chars().count() < 8 {
        return Err(KeyError::WeakPassphrase);
    }
    let pair = minisign::KeyPair::generate_encrypted_keypair(Some(passphrase.to_owned()))
        .map_err(|error| KeyError::Sign(error.to_string()))?;
    to_texts(&pair, comment)
}

/// Makes a key pair whose secret key is not encrypted. For tests and for generating many keys in
/// the national-scale exercise; never for a real device.
pub fn generate_unencrypted(comment: &str) -> Result<NewKeyPair, KeyError> {
    let pair = minisign::KeyPair::generate_unencrypted_keypair()
        .map_err(|error| KeyError::Sign(error.to_string()))?;
    to_texts(&pair, comment)
}

fn to_texts(pair: &minisign::KeyPair, comment: &str) -> Result<NewKeyPair, KeyError> {
    let public_key = pair.pk.to_base64();
    let secret_key = pair
        .sk
        .to_box(Some(comment))
        .map_err(|error| KeyError::Sign(error.to_string()))?
        .into_string();
    let key_id = public_key_id(&public_key)?;
    Ok(NewKeyPair {
        public_key,
        secret_key,
        key_id,
    })
}

/// A secret key unlocked for signing. Dropped as soon as the signature is made.
pub struct UnlockedKey {
    secret: minisign::SecretKey,
    public: minisign::PublicKey,
}

impl fmt::Debug for UnlockedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UnlockedKey(..)")
    }
}

/// Unlocks a secret key file with its passphrase (`None` for an unencrypted test key).
pub fn unlock(secret_key: &str, passphrase: Option<&str>) -> Result<UnlockedKey, KeyError> {
    let boxed = minisign::SecretKeyBox::from_string(secret_key)
        .map_err(|_| KeyError::Malformed("secret key"))?;
    let secret = match passphrase {
        Some(passphrase) => boxed.into_secret_key(Some(passphrase.to_owned())),
        None => boxed.into_unencrypted_secret_key(),
    }
    .map_err(|_| KeyError::WrongPassphrase)?;
    let public =
        minisign::PublicKey::from_secret_key(&secret).map_err(|_| KeyError::WrongPassphrase)?;
    Ok(UnlockedKey { secret, public })
}

impl UnlockedKey {
    /// Signs `bytes`; `trusted_comment` is signed too. Returns the `.minisig` file text.
    pub fn sign(&self, bytes: &[u8], trusted_comment: &str) -> Result<String, KeyError> {
        let signature = minisign::sign(
            Some(&self.public),
            &self.secret,
            Cursor::new(bytes),
            Some(trusted_comment),
            Some(UNTRUSTED_COMMENT),
        )
        .map_err(|error| KeyError::Sign(error.to_string()))?;
        Ok(signature.into_string())
    }

    /// The public key, minisign base64.
    pub fn public_key(&self) -> String {
        self.public.to_base64()
    }

    /// Signs `message` and returns the key id and the bare 64-byte Ed25519 signature over
    /// BLAKE2b-512 of the message (minisign's prehashed signature), for compact carriers such as
    /// the QR code on the printed protocol.
    pub fn sign_raw(&self, message: &[u8]) -> Result<(KeyId, [u8; 64]), KeyError> {
        let text = self.sign(message, "hattama raw signature")?;
        let line = text
            .lines()
            .nth(1)
            .ok_or(KeyError::Malformed("signature"))?;
        let bytes =
            Base64::decode_to_vec(line, None).map_err(|_| KeyError::Malformed("signature"))?;
        let (Some(id), Some(signature)) = (bytes.get(2..10), bytes.get(10..74)) else {
            return Err(KeyError::Malformed("signature"));
        };
        let mut key_id = [0_u8; 8];
        key_id.copy_from_slice(id);
        let mut raw = [0_u8; 64];
        raw.copy_from_slice(signature);
        Ok((KeyId(key_id), raw))
    }
}

/// Verifies a bare signature made by [`UnlockedKey::sign_raw`] with a minisign public key.
pub fn verify_raw(public_key: &str, message: &[u8], signature: &[u8; 64]) -> bool {
    use blake2::Digest as _;
    let Ok(line) = public_key_line(public_key) else {
        return false;
    };
    let Ok(bytes) = Base64::decode_to_vec(line, None) else {
        return false;
    };
    let Some(key_bytes) = bytes
        .get(10..42)
        .and_then(|slice| <[u8; 32]>::try_from(slice).ok())
    else {
        return false;
    };
    let Some(key) = usable_key(&key_bytes) else {
        return false;
    };
    let digest = blake2::Blake2b512::digest(message);
    use ed25519_dalek::Verifier as _;
    key.verify(&digest, &ed25519_dalek::Signature::from_bytes(signature))
        .is_ok()
}

/// The Ed25519 public key in `bytes`, unless it is no curve point or has small order: a small-order
/// ("weak") key makes signatures that fit the verification equation for almost any message.
fn usable_key(bytes: &[u8; 32]) -> Option<ed25519_dalek::VerifyingKey> {
    ed25519_dalek::VerifyingKey::from_bytes(bytes)
        .ok()
        .filter(|key| !key.is_weak())
}

/// The base64 key line of a public key text, in either form a key file has: the bare line
/// (`RW…`, as `hattama keygen` and `registry init` write it), or minisign's two-line `.pub` file
/// (`untrusted comment: …`, then the key line). Surrounding blank space and one final newline are
/// allowed; any other line is refused. Every reader of a public key goes through this, so a key
/// file is accepted in the same forms wherever it is given.
pub fn public_key_line(text: &str) -> Result<&str, KeyError> {
    let malformed = KeyError::Malformed("public key");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let line = match lines.as_slice() {
        [line] => *line,
        [comment, line] if comment.starts_with("untrusted comment:") => *line,
        _ => return Err(malformed),
    };
    let bytes = Base64::decode_to_vec(line, None).map_err(|_| KeyError::Malformed("public key"))?;
    if bytes.len() != 42 || &bytes[..2] != b"Ed" {
        return Err(malformed);
    }
    Ok(line)
}

/// The key id of a minisign public key (either form of [`public_key_line`]).
pub fn public_key_id(public_key: &str) -> Result<KeyId, KeyError> {
    // `public_key_line` has decoded it and checked its tag and its 42 bytes.
    let bytes = Base64::decode_to_vec(public_key_line(public_key)?, None)
        .map_err(|_| KeyError::Malformed("public key"))?;
    let id = bytes
        .get(2..10)
        .and_then(|id| <[u8; 8]>::try_from(id).ok())
        .ok_or(KeyError::Malformed("public key"))?;
    Ok(KeyId(id))
}

/// The key id a signature names (unverified: only to find the key to verify with).
pub fn signature_key_id(signature: &str) -> Result<KeyId, KeyError> {
    let line = signature
        .lines()
        .nth(1)
        .ok_or(KeyError::Malformed("signature"))?;
    let bytes =
        Base64::decode_to_vec(line.trim(), None).map_err(|_| KeyError::Malformed("signature"))?;
    if bytes.len() != 74 {
        return Err(KeyError::Malformed("signature"));
    }
    let id = bytes
        .get(2..10)
        .and_then(|id| <[u8; 8]>::try_from(id).ok())
        .ok_or(KeyError::Malformed("public key"))?;
    Ok(KeyId(id))
}

/// The printable fingerprint of a public key, as `docs/batch-format.md` defines it: the first
/// 16 bytes of SHA-256 of the decoded key line (42 bytes: `Ed`, the key id, the Ed25519 key), as
/// 32 lowercase hex digits in groups of four (`0d51 138b …`). The CLI, the app and the enrolment
/// sheet all show this text, so a person can compare them group by group; anyone can recompute
/// it with `base64 -d | sha256sum`.
pub fn fingerprint(public_key: &str) -> Result<String, KeyError> {
    let bytes = Base64::decode_to_vec(public_key.trim(), None)
        .map_err(|_| KeyError::Malformed("public key"))?;
    if bytes.len() != 42 || bytes[0] != b'E' {
        return Err(KeyError::Malformed("public key"));
    }
    let hex = hattama_protocol::definition::sha256_hex(&bytes);
    Ok(group_hex(&hex[..32]))
}

/// Writes hex in groups of four separated by spaces (`ab12 cd34 …`), as printed on paper.
pub fn group_hex(hex: &str) -> String {
    let mut out = String::with_capacity(hex.len() + hex.len() / 4);
    for (idx, c) in hex.chars().enumerate() {
        if idx != 0 && idx % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Why a signature does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureProblem {
    /// Not a minisign signature file.
    Malformed,
    /// Made with another key.
    OtherKey,
    /// The bytes or the trusted comment do not match the signature.
    Invalid,
}

/// The untrusted comment every Hattama signature carries. It is not covered by the signature, so
/// it is fixed: a file with any other first line is refused.
pub const UNTRUSTED_COMMENT: &str = "hattama signature";

/// Whether a signature text is in the one canonical form Hattama writes: the fixed untrusted
/// comment, base64 lines that re-encode to themselves, a trusted comment, and one final newline.
/// This makes every byte of the file matter, including those the signature itself does not cover.
pub fn is_canonical_signature(signature: &str) -> bool {
    let Some(body) = signature.strip_suffix('\n') else {
        return false;
    };
    let lines: Vec<&str> = body.split('\n').collect();
    let [untrusted, sig_line, trusted, global_line] = lines.as_slice() else {
        return false;
    };
    let canonical_b64 = |line: &str, len: usize| match Base64::decode_to_vec(line, None) {
        Ok(bytes) => {
            bytes.len() == len && Base64::encode_to_string(&bytes).is_ok_and(|again| again == line)
        }
        Err(_) => false,
    };
    *untrusted == format!("untrusted comment: {UNTRUSTED_COMMENT}")
        && canonical_b64(sig_line, 74)
        && trusted.starts_with("trusted comment: ")
        && trusted.is_ascii()
        && canonical_b64(global_line, 64)
}

/// Verifies `signature` (a `.minisig` text) over `bytes` with `public_key`; returns the trusted
/// comment. Accepts only canonical, prehashed (`ED`) signatures; checks both the signature over
/// BLAKE2b-512 of the bytes and the global signature over the signature and trusted comment, as
/// minisign does (with `ed25519-dalek`, which is several times faster than minisign-verify's
/// portable code; a test checks that the two agree).
///
/// Verification is RFC 8032's cofactorless equation, as libsodium's: `S` must be below the group
/// order and the recomputed `R` must equal the signature's `R` byte for byte, so no signature can
/// be altered into another valid one; a small-order public key is refused. The "strict" variant's
/// extra decompression of `R` in every check adds nothing to that.
pub fn verify(public_key: &str, bytes: &[u8], signature: &str) -> Result<String, SignatureProblem> {
    use blake2::Digest as _;
    use ed25519_dalek::Verifier as _;
    if !is_canonical_signature(signature) {
        return Err(SignatureProblem::Malformed);
    }
    let key = public_key_line(public_key)
        .ok()
        .and_then(|line| Base64::decode_to_vec(line, None).ok())
        .ok_or(SignatureProblem::Malformed)?;
    let mut lines = signature.lines().skip(1);
    let (Some(sig_line), Some(trusted), Some(global_line)) =
        (lines.next(), lines.next(), lines.next())
    else {
        return Err(SignatureProblem::Malformed);
    };
    let sig = Base64::decode_to_vec(sig_line, None).map_err(|_| SignatureProblem::Malformed)?;
    let global =
        Base64::decode_to_vec(global_line, None).map_err(|_| SignatureProblem::Malformed)?;
    let trusted = trusted
        .strip_prefix("trusted comment: ")
        .ok_or(SignatureProblem::Malformed)?;
    // `public_key_line` has checked the key's tag and its 42 bytes, `is_canonical_signature` the
    // signature's 74 bytes and the global signature's 64; the signature's tag is left: prehashed.
    if sig.get(..2) != Some(&b"ED"[..]) {
        return Err(SignatureProblem::Malformed);
    }
    if key.get(2..10) != sig.get(2..10) {
        return Err(SignatureProblem::OtherKey);
    }
    let verifying = key
        .get(10..42)
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .and_then(|bytes| usable_key(&bytes))
        .ok_or(SignatureProblem::Malformed)?;
    let data_signature = sig
        .get(10..74)
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .ok_or(SignatureProblem::Malformed)?;
    let global_signature =
        <[u8; 64]>::try_from(global.as_slice()).map_err(|_| SignatureProblem::Malformed)?;
    let digest = blake2::Blake2b512::digest(bytes);
    if verifying
        .verify(
            &digest,
            &ed25519_dalek::Signature::from_bytes(&data_signature),
        )
        .is_err()
    {
        return Err(SignatureProblem::Invalid);
    }
    let mut signed_comment = Vec::with_capacity(64 + trusted.len());
    signed_comment.extend_from_slice(&data_signature);
    signed_comment.extend_from_slice(trusted.as_bytes());
    if verifying
        .verify(
            &signed_comment,
            &ed25519_dalek::Signature::from_bytes(&global_signature),
        )
        .is_err()
    {
        return Err(SignatureProblem::Invalid);
    }
    Ok(trusted.to_owned())
}

/// The trusted comment of a signature, unverified (for diagnosis after a failed verification).
pub fn unverified_trusted_comment(signature: &str) -> Option<String> {
    signature
        .lines()
        .nth(2)?
        .strip_prefix("trusted comment: ")
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_round_trip_and_key_ids_agree() {
        let pair = generate_unencrypted("test").unwrap();
        let key = unlock(&pair.secret_key, None).unwrap();
        assert_eq!(key.public_key(), pair.public_key);
        let signature = key.sign(b"hello", "hattama test").unwrap();
        assert_eq!(signature_key_id(&signature).unwrap(), pair.key_id);
        assert_eq!(
            verify(&pair.public_key, b"hello", &signature),
            Ok("hattama test".to_owned())
        );
        assert_eq!(
            verify(&pair.public_key, b"hellO", &signature),
            Err(SignatureProblem::Invalid)
        );
        let other = generate_unencrypted("other").unwrap();
        assert_eq!(
            verify(&other.public_key, b"hello", &signature),
            Err(SignatureProblem::OtherKey)
        );
        assert_eq!(KeyId::parse(&pair.key_id.to_string()), Some(pair.key_id));
        assert_eq!(fingerprint(&pair.public_key).unwrap().len(), 39);
        let (raw_id, raw) = key.sign_raw(b"protocol").unwrap();
        assert_eq!(raw_id, pair.key_id);
        assert!(verify_raw(&pair.public_key, b"protocol", &raw));
        assert!(!verify_raw(&pair.public_key, b"protocoL", &raw));
        assert!(!verify_raw(&other.public_key, b"protocol", &raw));
    }

    /// The fingerprint is the first 16 bytes of SHA-256 of the decoded key line. The expected
    /// text was computed outside this code: `base64 -d | sha256sum` of this key line (the bytes
    /// `Ed`, 01…08 as the key id, 20…3f as the key), first 32 hex digits.
    #[test]
    fn fingerprint_is_sha256_of_the_decoded_key_line() {
        let key_line = "RWQBAgMEBQYHCCAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/";
        assert_eq!(
            fingerprint(key_line).unwrap(),
            "74f8 2d17 55d4 529a 2fab 6fbf 74d0 ea9d"
        );
        // Surrounding whitespace (a key file's newline) does not change it.
        assert_eq!(
            fingerprint(&format!("{key_line}\n")).unwrap(),
            fingerprint(key_line).unwrap()
        );
        // Not a public key line: no fingerprint rather than one of some other bytes.
        for bad in [
            "",
            "not base64!",
            "RWQBAgME",
            &key_line.replacen('R', "S", 1),
        ] {
            assert!(
                matches!(fingerprint(bad), Err(KeyError::Malformed("public key"))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_passphrase_needs_eight_characters_not_eight_bytes() {
        for weak in ["seven77", "сайлау7"] {
            assert!(
                matches!(generate(weak, "t"), Err(KeyError::WeakPassphrase)),
                "{weak:?}"
            );
        }
        let pair = generate("сайлау78", "t").unwrap();
        assert!(unlock(&pair.secret_key, Some("сайлау78")).is_ok());
    }

    #[test]
    fn an_unlocked_key_shows_no_secret_in_its_debug_text() {
        let pair = generate_unencrypted("t").unwrap();
        let key = unlock(&pair.secret_key, None).unwrap();
        assert_eq!(format!("{key:?}"), "UnlockedKey(..)");
    }

    #[test]
    fn a_public_key_line_is_an_ed25519_key_of_42_bytes() {
        let good = [&b"Ed"[..], &[1_u8; 8], &[2_u8; 32]].concat();
        let line = Base64::encode_to_string(&good).unwrap();
        assert_eq!(public_key_line(&line).unwrap(), line);
        // Another algorithm's tag, one byte short, one byte over: refused.
        let other_tag = [&b"ED"[..], &good[2..]].concat();
        let over = [&good[..], &[0_u8]].concat();
        for bad in [other_tag, good[..41].to_vec(), over] {
            let text = Base64::encode_to_string(&bad).unwrap();
            assert!(
                matches!(
                    public_key_line(&text),
                    Err(KeyError::Malformed("public key"))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn agrees_with_minisign_verify() {
        let pair = generate_unencrypted("test").unwrap();
        let key = unlock(&pair.secret_key, None).unwrap();
        let signature = key.sign(b"the payload", "hattama test").unwrap();
        let reference_key = minisign_verify::PublicKey::from_base64(&pair.public_key).unwrap();
        let reference = |bytes: &[u8], text: &str| {
            minisign_verify::Signature::decode(text)
                .is_ok_and(|sig| reference_key.verify(bytes, &sig, false).is_ok())
        };
        assert!(verify(&pair.public_key, b"the payload", &signature).is_ok());
        assert!(reference(b"the payload", &signature));
        for (bytes, text) in [
            (&b"the payloaD"[..], signature.clone()),
            (
                &b"the payload"[..],
                signature.replace("hattama test", "hattama tesT"),
            ),
        ] {
            assert!(verify(&pair.public_key, bytes, &text).is_err());
            assert!(!reference(bytes, &text));
        }
    }

    #[test]
    fn a_small_order_key_is_refused_though_its_forgery_fits_the_equation() {
        // The identity point as a public key: with R = identity and S = 0, the cofactorless
        // equation [S]B = R + [k]A holds for every message. Such a key must never verify.
        let mut identity = [0_u8; 32];
        identity[0] = 1;
        let key_id = [9_u8; 8];
        let public_key =
            Base64::encode_to_string([&b"Ed"[..], &key_id, &identity].concat()).unwrap();
        let forged = [&identity[..], &[0_u8; 32]].concat();
        let signature = format!(
            "untrusted comment: {UNTRUSTED_COMMENT}\n{}\ntrusted comment: anything\n{}\n",
            Base64::encode_to_string([&b"ED"[..], &key_id, &forged].concat()).unwrap(),
            Base64::encode_to_string(&forged).unwrap()
        );
        assert!(is_canonical_signature(&signature));
        assert_eq!(
            verify(&public_key, b"any payload at all", &signature),
            Err(SignatureProblem::Malformed)
        );
        let raw = <[u8; 64]>::try_from(forged.as_slice()).unwrap();
        assert!(!verify_raw(&public_key, b"any message", &raw));
    }

    #[test]
    fn an_encrypted_key_needs_its_passphrase() {
        assert!(matches!(
            generate("short", "x"),
            Err(KeyError::WeakPassphrase)
        ));
        let pair = generate("correct horse battery", "device").unwrap();
        assert!(matches!(
            unlock(&pair.secret_key, Some("wrong passphrase")),
            Err(KeyError::WrongPassphrase)
        ));
        let key = unlock(&pair.secret_key, Some("correct horse battery")).unwrap();
        assert_eq!(key.public_key(), pair.public_key);
    }
}
