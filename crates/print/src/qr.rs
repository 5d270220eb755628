//! The signed protocol data carried by the QR code on the printed protocol: a compact versioned
//! binary message, an Ed25519 signature over it, and base45 text for the QR code.
//!
//! The format is documented in `docs/qr-format.md`; that file and this module change together.
//! Signing and key handling are not here: the batch crate owns the keys. The caller builds the
//! message with [`message`], signs those exact bytes, and joins them with [`encode`]. Reading goes
//! the other way round and verifies before it parses: [`verify`] decodes the text, hands the key
//! id, the message bytes and the signature to a caller-supplied function, and only when that
//! says yes parses the message into a [`QrProtocol`]. [`check_expected`] then holds the verified
//! data to what the reader expects, as the batch receiver does: the signing key's precinct, the
//! election, the definition hash, the mode (the definition's, and the reader's), and a contest
//! the precinct holds with its template and every line.

use hattama_protocol::{Count, LoadedDefinition, Mode, PrecinctId, TemplateSet};

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
    /// Signed with the key of another precinct than the one the QR names.
    #[error("the QR is for precinct {qr_precinct}, but signed with the key of {key_precinct}")]
    KeyPrecinctMismatch {
        /// The precinct the registry gives the key.
        key_precinct: PrecinctId,
        /// The precinct the QR names.
        qr_precinct: PrecinctId,
    },
    /// Another election than the reader's definition.
    #[error("the QR is for election {0}")]
    WrongElection(String),
    /// Made with another definition file than the reader's.
    #[error("the QR was made with another definition file")]
    DefinitionMismatch,
    /// The QR's mode is not its definition's.
    #[error("the QR says {qr} mode, but its definition is for {definition} use")]
    ModeMismatch {
        /// The mode the QR states (`test` or `live`).
        qr: &'static str,
        /// The definition's mode.
        definition: &'static str,
    },
    /// A test protocol read by a reader in live mode.
    #[error("a test protocol does not count in live mode")]
    TestInLiveMode,
    /// A live protocol read by a reader in test mode.
    #[error("a live protocol cannot be checked in test mode")]
    LiveInTestMode,
    /// The protocol does not fit the definition: a precinct, contest or template it does not hold,
    /// or another number of values than the template's lines.
    #[error("the QR does not fit the definition: {0}")]
    NotInDefinition(String),
}

impl QrError {
    /// The stable code (message key suffix; the CLI prints it as `qr.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            QrError::NotHattama => "not_hattama",
            QrError::Base45 { .. } => "damaged",
            QrError::TooShort => "too_short",
            QrError::Format(_) => "unsupported_format",
            QrError::BadSignature => "bad_signature",
            QrError::Malformed(_) => "malformed",
            QrError::IdTooLong(_) => "id_too_long",
            QrError::KeyPrecinctMismatch { .. } => "key_precinct_mismatch",
            QrError::WrongElection(_) => "wrong_election",
            QrError::DefinitionMismatch => "definition_mismatch",
            QrError::ModeMismatch { .. } => "mode_mismatch",
            QrError::TestInLiveMode => "test_in_live_mode",
            QrError::LiveInTestMode => "live_in_test_mode",
            QrError::NotInDefinition(_) => "not_in_definition",
        }
    }
}

/// What the reader of a verified QR holds it to.
#[derive(Clone, Copy, Debug)]
pub struct QrExpect<'a> {
    /// The definition the commission handed out.
    pub definition: &'a LoadedDefinition,
    /// The template set it uses.
    pub templates: &'a TemplateSet,
    /// The reader's mode: `Live` refuses test protocols, `Test` live ones.
    pub mode: Mode,
    /// The precinct the registry gives the key that signed the QR (`None`: not registered).
    pub key_precinct: Option<&'a PrecinctId>,
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Test => "test",
        Mode::Live => "live",
    }
}

/// Holds verified QR data to what the reader expects, in the batch receiver's order: the key's
/// precinct, the election, the definition hash (the 8 bytes carried), the mode against the
/// definition's and then the reader's, and a contest the precinct holds, with its template and
/// exactly its template's number of lines.
pub fn check_expected(data: &QrProtocol, expect: &QrExpect<'_>) -> Result<(), QrError> {
    let Some(key_precinct) = expect.key_precinct else {
        return Err(QrError::BadSignature);
    };
    if &data.precinct != key_precinct {
        return Err(QrError::KeyPrecinctMismatch {
            key_precinct: key_precinct.clone(),
            qr_precinct: data.precinct.clone(),
        });
    }
    let definition = expect.definition;
    if data.election != definition.definition.id {
        return Err(QrError::WrongElection(data.election.clone()));
    }
    if definition_hash_prefix(&definition.hash) != Some(data.definition_hash) {
        return Err(QrError::DefinitionMismatch);
    }
    if data.mode != definition.definition.mode {
        return Err(QrError::ModeMismatch {
            qr: mode_name(data.mode),
            definition: mode_name(definition.definition.mode),
        });
    }
    match (data.mode, expect.mode) {
        (Mode::Test, Mode::Live) => return Err(QrError::TestInLiveMode),
        (Mode::Live, Mode::Test) => return Err(QrError::LiveInTestMode),
        _ => {}
    }
    let unfit = |reason: String| Err(QrError::NotInDefinition(reason));
    let Some(precinct) = definition.precinct(&data.precinct) else {
        return unfit(format!("precinct {} is not in it", data.precinct));
    };
    if !precinct.contests.contains(&data.contest) {
        return unfit(format!(
            "the precinct does not hold contest {}",
            data.contest
        ));
    }
    let Some(contest) = definition.contest(&data.contest) else {
        return unfit(format!("unknown contest {}", data.contest));
    };
    if contest.template != data.template {
        return unfit(format!(
            "template {} instead of {}",
            data.template, contest.template
        ));
    }
    let Some(template) = expect.templates.template(&contest.template) else {
        return unfit(format!("unknown template {}", contest.template));
    };
    let lines = template.line_ids(contest.rows.len()).len();
    if data.values.len() != lines {
        return unfit(format!(
            "{} values for the {lines} lines of {}",
            data.values.len(),
            data.template
        ));
    }
    Ok(())
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
