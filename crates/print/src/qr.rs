//! The signed protocol data carried by the QR code on the printed protocol: a compact versioned
//! binary message, an Ed25519 signature over it, and base45 text for the QR code.
//!
//! The format is documented in `docs/qr-format.md`; that file and this module change together.
//! Signing and key handling are not here: the batch crate owns the keys. The caller builds the
//! message with [`message`], signs those exact bytes, and joins them with [`encode`]. Reading goes
//! the other way round and verifies before it parses: [`verify`] decodes the text, hands the key
//! id, the message bytes and the signature to a caller-supplied function, and only when that
//! says yes parses the message into a [`QrProtocol`].

use hattama_protocol::{Count, Mode, PrecinctId};

/// The text every Hattama protocol QR code starts with; `1` is the format version.
pub const PREFIX: &str = "HT1:";
/// The format version, the first byte of the message.
pub const FORMAT: u8 = 1;
/// The length of a key id (the minisign key number).
pub const KEY_ID_LEN: usize = 8;
/// The length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
/// How many bytes of the definition's SHA-256 the message carries.
pub const HASH_PREFIX_LEN: usize = 8;

/// The fixed part of the message: format, key id, mode, definition hash prefix.
const FIXED_LEN: usize = 1 + KEY_ID_LEN + 1 + HASH_PREFIX_LEN;

/// The base45 alphabet of RFC 9285: every character is in the QR alphanumeric set.
const BASE45: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Says whether the key with this id signed these message bytes with this signature; the
/// caller supplies it (the batch crate holds the keys and the registry).
pub type SignatureCheck<'a> = dyn Fn(&[u8; KEY_ID_LEN], &[u8], &[u8; SIGNATURE_LEN]) -> bool + 'a;

/// The data of one finalized protocol, as the QR code carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrProtocol {
    /// The signing key's id (minisign key number), so the reader can pick the public key.
    pub key_id: [u8; KEY_ID_LEN],
    /// Test or live: a test protocol never counts.
    pub mode: Mode,
    /// The first bytes of the SHA-256 of the election definition file.
    pub definition_hash: [u8; HASH_PREFIX_LEN],
    /// The election id, e.g. `kz-2023-03-19`.
    pub election: String,
    /// The precinct (region, number).
    pub precinct: PrecinctId,
    /// The contest id, e.g. `majilis-list`.
    pub contest: String,
    /// The template id, e.g. `P1`.
    pub template: String,
    /// The protocol version: 1, or more for a repeated protocol.
    pub version: u32,
    /// Every line value in template order (`Template::line_ids`), rows included.
    pub values: Vec<Count>,
}

/// Why a QR text could not be made or was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// The text does not start with [`PREFIX`]: not a Hattama protocol code (or a newer format).
    #[error("not a Hattama protocol QR code (it does not start with {PREFIX})")]
    NotHattama,
    /// A character outside the base45 alphabet, or a group that does not decode.
    #[error("the QR text is damaged at character {position}")]
    Base45 {
        /// The offset in the text after the prefix.
        position: usize,
    },
    /// Fewer bytes than the fixed fields and the signature take.
    #[error("the QR data is too short")]
    TooShort,
    /// The message's format byte is not one this build reads.
    #[error("unsupported QR data format {0}")]
    Format(u8),
    /// The signature does not verify: the data was altered, or signed by another key.
    #[error("the signature does not verify: the QR data was altered or signed by an unknown key")]
    BadSignature,
    /// The signature verifies, but the message does not parse: a bug on the signing side.
    #[error("the signed QR data is malformed: {0}")]
    Malformed(&'static str),
    /// An id is too long to encode (more than 255 bytes).
    #[error("{0} is longer than 255 bytes")]
    IdTooLong(&'static str),
}

/// The first [`HASH_PREFIX_LEN`] bytes of a lowercase or uppercase hex SHA-256, or `None` when
/// `hex` is not hex or is too short.
pub fn definition_hash_prefix(hex: &str) -> Option<[u8; HASH_PREFIX_LEN]> {
    let bytes = hex.as_bytes();
    let mut out = [0u8; HASH_PREFIX_LEN];
    for (idx, byte) in out.iter_mut().enumerate() {
        let high = hex_digit(*bytes.get(2 * idx)?)?;
        let low = hex_digit(*bytes.get(2 * idx + 1)?)?;
        *byte = high << 4 | low;
    }
    Some(out)
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// The message bytes to sign for `protocol` (see `docs/qr-format.md`).
pub fn message(protocol: &QrProtocol) -> Result<Vec<u8>, QrError> {
    let mut out = Vec::with_capacity(FIXED_LEN + 64 + protocol.values.len() * 3);
    out.push(FORMAT);
    out.extend_from_slice(&protocol.key_id);
    out.push(match protocol.mode {
        Mode::Test => 0,
        Mode::Live => 1,
    });
    out.extend_from_slice(&protocol.definition_hash);
    push_str(&mut out, &protocol.election, "the election id")?;
    push_str(&mut out, &protocol.precinct.region, "the region id")?;
    push_uvar(&mut out, protocol.precinct.number);
    push_str(&mut out, &protocol.contest, "the contest id")?;
    push_str(&mut out, &protocol.template, "the template id")?;
    push_uvar(&mut out, protocol.version);
    let n_values =
        u32::try_from(protocol.values.len()).map_err(|_| QrError::IdTooLong("the value list"))?;
    push_uvar(&mut out, n_values);
    for value in &protocol.values {
        push_uvar(&mut out, value.get());
    }
    Ok(out)
}

/// The QR text: [`PREFIX`] and the base45 of the message followed by its signature.
pub fn encode(message: &[u8], signature: &[u8; SIGNATURE_LEN]) -> String {
    let mut bytes = Vec::with_capacity(message.len() + SIGNATURE_LEN);
    bytes.extend_from_slice(message);
    bytes.extend_from_slice(signature);
    let mut out = String::with_capacity(PREFIX.len() + bytes.len() * 3 / 2 + 2);
    out.push_str(PREFIX);
    base45_encode(&bytes, &mut out);
    out
}

/// Checks the signature of a QR text, then parses it.
///
/// `verify_signature` gets the key id, the message bytes and the signature, and says whether
/// that key signed those bytes (the batch crate knows the keys and the registry). Nothing but
/// the format byte and the key id is read before it says yes.
pub fn verify(text: &str, verify_signature: &SignatureCheck) -> Result<QrProtocol, QrError> {
    let body = text
        .trim()
        .strip_prefix(PREFIX)
        .ok_or(QrError::NotHattama)?;
    let bytes = base45_decode(body)?;
    if bytes.len() < FIXED_LEN + SIGNATURE_LEN {
        return Err(QrError::TooShort);
    }
    let (message, signature) = bytes.split_at(bytes.len() - SIGNATURE_LEN);
    if message[0] != FORMAT {
        return Err(QrError::Format(message[0]));
    }
    let key_id: [u8; KEY_ID_LEN] = message[1..=KEY_ID_LEN]
        .try_into()
        .map_err(|_| QrError::TooShort)?;
    let signature: [u8; SIGNATURE_LEN] = signature.try_into().map_err(|_| QrError::TooShort)?;
    if !verify_signature(&key_id, message, &signature) {
        return Err(QrError::BadSignature);
    }
    parse_message(message)
}

/// Parses verified message bytes.
fn parse_message(message: &[u8]) -> Result<QrProtocol, QrError> {
    let mut reader = Reader {
        bytes: message,
        pos: 0,
    };
    let _format = reader.byte()?;
    let mut key_id = [0u8; KEY_ID_LEN];
    key_id.copy_from_slice(reader.take(KEY_ID_LEN)?);
    let mode = match reader.byte()? {
        0 => Mode::Test,
        1 => Mode::Live,
        _ => return Err(QrError::Malformed("the mode is neither test nor live")),
    };
    let mut definition_hash = [0u8; HASH_PREFIX_LEN];
    definition_hash.copy_from_slice(reader.take(HASH_PREFIX_LEN)?);
    let election = reader.string()?;
    let region = reader.string()?;
    let number = reader.uvar()?;
    let contest = reader.string()?;
    let template = reader.string()?;
    let version = reader.uvar()?;
    let n_values = reader.uvar()?;
    let mut values = Vec::new();
    for _ in 0..n_values {
        let value =
            Count::new(reader.uvar()?).ok_or(QrError::Malformed("a value is above 9,999,999"))?;
        values.push(value);
    }
    if reader.pos != message.len() {
        return Err(QrError::Malformed("bytes after the last value"));
    }
    Ok(QrProtocol {
        key_id,
        mode,
        definition_hash,
        election,
        precinct: PrecinctId { region, number },
        contest,
        template,
        version,
        values,
    })
}

fn push_str(out: &mut Vec<u8>, text: &str, what: &'static str) -> Result<(), QrError> {
    let len = u8::try_from(text.len()).map_err(|_| QrError::IdTooLong(what))?;
    out.push(len);
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

/// Unsigned LEB128: seven bits a byte, low first, the high bit set on all but the last byte.
fn push_uvar(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let low = u8::try_from(value & 0x7f).expect("seven bits fit in a byte");
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], QrError> {
        let end = self.pos + len;
        let slice = self
            .bytes
            .get(self.pos..end)
            .ok_or(QrError::Malformed("the data ends early"))?;
        self.pos = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8, QrError> {
        Ok(self.take(1)?[0])
    }

    fn string(&mut self) -> Result<String, QrError> {
        let len = usize::from(self.byte()?);
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| QrError::Malformed("an id is not UTF-8"))
    }

    /// Reads a minimal LEB128 number of at most five bytes that fits in `u32`.
    fn uvar(&mut self) -> Result<u32, QrError> {
        let mut value: u64 = 0;
        for idx in 0..5 {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << (7 * idx);
            if byte & 0x80 == 0 {
                if 0 < idx && byte == 0 {
                    return Err(QrError::Malformed("a number is not minimally encoded"));
                }
                return u32::try_from(value)
                    .map_err(|_| QrError::Malformed("a number is too large"));
            }
        }
        Err(QrError::Malformed("a number is too long"))
    }
}

/// Appends the base45 (RFC 9285) text of `bytes`: each pair of bytes as three characters, a last
/// odd byte as two, least significant first.
fn base45_encode(bytes: &[u8], out: &mut String) {
    for chunk in bytes.chunks(2) {
        let mut value = chunk
            .iter()
            .fold(0u32, |value, byte| value << 8 | u32::from(*byte));
        for _ in 0..=chunk.len() {
            let idx = usize::try_from(value % 45).expect("a value below 45 fits in usize");
            out.push(char::from(BASE45[idx]));
            value /= 45;
        }
    }
}

/// Decodes base45 text, refusing characters outside the alphabet and groups out of range.
fn base45_decode(text: &str) -> Result<Vec<u8>, QrError> {
    let digits: Vec<u32> = text
        .bytes()
        .enumerate()
        .map(|(position, byte)| {
            BASE45
                .iter()
                .position(|&symbol| symbol == byte)
                .and_then(|idx| u32::try_from(idx).ok())
                .ok_or(QrError::Base45 { position })
        })
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(digits.len() * 2 / 3 + 1);
    for (group_idx, group) in digits.chunks(3).enumerate() {
        let position = group_idx * 3;
        match group {
            [c, d, e] => {
                let value = c + d * 45 + e * 45 * 45;
                let pair = u16::try_from(value).map_err(|_| QrError::Base45 { position })?;
                out.extend_from_slice(&pair.to_be_bytes());
            }
            [c, d] => {
                let value = c + d * 45;
                let byte = u8::try_from(value).map_err(|_| QrError::Base45 { position })?;
                out.push(byte);
            }
            _ => return Err(QrError::Base45 { position }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::qr::{base45_decode, base45_encode};

    #[test]
    fn base45_matches_rfc_9285_examples() {
        let mut out = String::new();
        base45_encode(b"AB", &mut out);
        assert_eq!(out, "BB8");
        out.clear();
        base45_encode(b"Hello!!", &mut out);
        assert_eq!(out, "%69 VD92EX0");
        out.clear();
        base45_encode(b"base-45", &mut out);
        assert_eq!(out, "UJCLQE7W581");
        assert_eq!(base45_decode("QED8WEX0").unwrap(), b"ietf!");
    }

    #[test]
    fn base45_refuses_out_of_range_groups() {
        assert!(base45_decode("GGW").is_err());
        assert!(base45_decode("A").is_err());
        assert!(base45_decode("a").is_err());
    }
}
