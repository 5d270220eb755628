//! The audit chain's hashing rule, defined once for the precinct's store (which appends and
//! verifies its log) and for the commission's receiver (which recomputes the log a batch
//! carries). What a row means, and where rows are kept, is not this module's business.
//!
//! # Encoding
//!
//! Row `seq` has `hash = SHA-256(encoding)`, where `encoding` is the concatenation of
//!
//! | part | bytes |
//! |---|---|
//! | the domain tag `hattama-audit-v1` followed by one zero byte | 17 |
//! | `seq` | 8, big-endian `i64` |
//! | `at` (milliseconds since 1970 UTC) | 8, big-endian `i64` |
//! | the user: `0x00` for none, or `0x01` then the user id | 1 or 9, big-endian `i64` |
//! | the action's length, then its UTF-8 bytes | 4, big-endian `u32`, then the bytes |
//! | the payload's length, then its UTF-8 bytes (JSON, stored exactly as hashed) | 4 + the bytes |
//! | `prev_hash`: the previous row's hash, [`GENESIS`] (32 zero bytes) for row 1 | 32 |
//!
//! A changed encoding would break every existing chain, so a new encoding gets a new tag.

use sha2::{Digest, Sha256};

/// The tag that starts every hashed encoding; a new encoding gets a new tag.
pub const DOMAIN: &[u8] = b"hattama-audit-v1\0";

/// The `prev_hash` of row 1, and the hash of an empty chain's head.
pub const GENESIS: [u8; 32] = [0; 32];

/// The action of the row that finalizes a protocol version. Its payload holds `contest`,
/// `version` and `values` (an object of line id to value): the commission holds the finals a
/// batch carries to it.
pub const FINALIZE_ACTION: &str = "protocol.finalize";

/// One row of the chain as it is hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link<'a> {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Milliseconds since 1970 UTC, by the laptop's clock.
    pub at: i64,
    /// The acting user's id, or `None` for the installation itself.
    pub user: Option<i64>,
    /// The action's name, e.g. `value.save`.
    pub action: &'a str,
    /// The payload JSON, exactly as stored.
    pub payload: &'a str,
}

/// The bytes a row's hash is computed over; see the module docs.
pub fn encode(link: &Link<'_>, prev_hash: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(DOMAIN.len() + 64 + link.action.len() + link.payload.len());
    out.extend_from_slice(DOMAIN);
    out.extend_from_slice(&link.seq.to_be_bytes());
    out.extend_from_slice(&link.at.to_be_bytes());
    match link.user {
        None => out.push(0),
        Some(user) => {
            out.push(1);
            out.extend_from_slice(&user.to_be_bytes());
        }
    }
    for part in [link.action, link.payload] {
        let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(prev_hash);
    out
}

/// The hash of a row that follows a row hashed `prev_hash`.
pub fn link_hash(link: &Link<'_>, prev_hash: &[u8; 32]) -> [u8; 32] {
    Sha256::digest(encode(link, prev_hash)).into()
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(byte & 15), 16).unwrap_or('0'));
    }
    out
}

/// The 32 bytes that `text` spells as 64 lowercase hex digits, or `None` for anything else
/// (upper case included, so one hash has one spelling).
pub fn parse_hash(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let nibble = |digit: u8| match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_stable() {
        // Golden: changing the encoding breaks every existing chain. A new encoding is a new tag.
        let link = Link {
            seq: 1,
            at: 2,
            user: Some(3),
            action: "a",
            payload: "{}",
        };
        assert_eq!(
            hex(&link_hash(&link, &GENESIS)),
            "6fdf2162178a8a2a27d832f064e094ac130d2f16260efa3992694cb2bcf7990c"
        );
        let none = Link { user: None, ..link };
        assert_ne!(encode(&link, &GENESIS), encode(&none, &GENESIS));
    }

    #[test]
    fn a_hash_has_one_spelling() {
        let hash = link_hash(
            &Link {
                seq: 7,
                at: 0,
                user: None,
                action: "x",
                payload: "",
            },
            &GENESIS,
        );
        assert_eq!(parse_hash(&hex(&hash)), Some(hash));
        assert_eq!(parse_hash(&hex(&hash).to_uppercase()), None);
        assert_eq!(parse_hash(&hex(&hash)[..62]), None);
        assert_eq!(parse_hash(&format!("{}zz", &hex(&hash)[..62])), None);
    }
}
