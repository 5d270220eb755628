//! Each condition of the signature checks on its own: the definition's signature, the algorithm
//! tags and lengths of key and signature, and the canonical shape of a signature file. Each test
//! starts from a good signature and breaks exactly one thing.

use ct_codecs::{Base64, Decoder, Encoder};
use hattama_batch::keys::{self, SignatureProblem, UNTRUSTED_COMMENT, is_canonical_signature};
use hattama_batch::registry::{RegistryError, sign_definition, verify_definition};
use hattama_protocol::builtin;

const BYTES: &[u8] = b"protocol bytes";

fn decode(line: &str) -> Vec<u8> {
    Base64::decode_to_vec(line, None).unwrap()
}

fn encode(bytes: &[u8]) -> String {
    Base64::encode_to_string(bytes).unwrap()
}

/// A good key pair and its signature over [`BYTES`].
fn signed() -> (keys::NewKeyPair, String) {
    let pair = keys::generate_unencrypted("abai/1").unwrap();
    let key = keys::unlock(&pair.secret_key, None).unwrap();
    let signature = key.sign(BYTES, "hattama test").unwrap();
    (pair, signature)
}

/// `signature` with line `idx` (0 to 3) replaced by `line`.
fn with_line(signature: &str, idx: usize, line: &str) -> String {
    let mut lines: Vec<String> = signature.lines().map(str::to_owned).collect();
    lines[idx] = line.to_owned();
    lines.join("\n") + "\n"
}

#[test]
fn a_definition_verifies_only_with_the_commissions_signature_over_its_exact_bytes() {
    let commission = keys::generate_unencrypted("commission").unwrap();
    let other = keys::generate_unencrypted("someone").unwrap();
    let bytes = builtin::DEMO_JSON;
    let signature =
        sign_definition(bytes, &keys::unlock(&commission.secret_key, None).unwrap()).unwrap();
    assert!(verify_definition(bytes, &signature, &commission.public_key).is_ok());
    let mut altered = bytes.to_vec();
    altered[10] ^= 1;
    assert!(matches!(
        verify_definition(&altered, &signature, &commission.public_key),
        Err(RegistryError::BadSignature)
    ));
    assert!(matches!(
        verify_definition(bytes, &signature, &other.public_key),
        Err(RegistryError::BadSignature)
    ));
    let forged = sign_definition(bytes, &keys::unlock(&other.secret_key, None).unwrap()).unwrap();
    assert!(matches!(
        verify_definition(bytes, &forged, &commission.public_key),
        Err(RegistryError::BadSignature)
    ));
}

#[test]
fn a_good_signature_verifies_and_returns_its_trusted_comment() {
    let (pair, signature) = signed();
    assert!(is_canonical_signature(&signature));
    assert_eq!(
        keys::verify(&pair.public_key, BYTES, &signature),
        Ok("hattama test".to_owned())
    );
    assert_eq!(
        keys::verify(&pair.public_key, b"other bytes", &signature),
        Err(SignatureProblem::Invalid)
    );
}

#[test]
fn a_signature_not_tagged_as_prehashed_is_refused() {
    let (pair, signature) = signed();
    let mut sig = decode(signature.lines().nth(1).unwrap());
    sig[..2].copy_from_slice(b"Ed");
    let retagged = with_line(&signature, 1, &encode(&sig));
    assert!(is_canonical_signature(&retagged));
    assert_eq!(
        keys::verify(&pair.public_key, BYTES, &retagged),
        Err(SignatureProblem::Malformed)
    );
}

#[test]
fn a_public_key_with_another_tag_or_length_is_refused() {
    let (pair, signature) = signed();
    let key = decode(pair.public_key.trim());
    let mut retagged = key.clone();
    retagged[..2].copy_from_slice(b"ED");
    assert_eq!(
        keys::verify(&encode(&retagged), BYTES, &signature),
        Err(SignatureProblem::Malformed)
    );
    let mut longer = key.clone();
    longer.extend_from_slice(b"xyz");
    assert_eq!(
        keys::verify(&encode(&longer), BYTES, &signature),
        Err(SignatureProblem::Malformed)
    );
    assert_eq!(
        keys::verify(&encode(&key), BYTES, &signature),
        Ok("hattama test".to_owned())
    );
}

#[test]
fn a_signature_with_another_untrusted_comment_is_refused() {
    let (pair, signature) = signed();
    assert_eq!(
        signature.lines().next().unwrap(),
        format!("untrusted comment: {UNTRUSTED_COMMENT}")
    );
    // The untrusted comment is outside the signature: the cryptography alone would accept this.
    let other = with_line(&signature, 0, "untrusted comment: signed by the chair");
    assert!(!is_canonical_signature(&other));
    assert_eq!(
        keys::verify(&pair.public_key, BYTES, &other),
        Err(SignatureProblem::Malformed)
    );
}

#[test]
fn a_signature_file_of_another_shape_is_not_canonical() {
    let (_, signature) = signed();
    let lines: Vec<&str> = signature.lines().collect();
    let cases = [
        ("no final newline", signature.trim_end().to_owned()),
        ("a fifth line", format!("{signature}extra\n")),
        (
            "three lines",
            format!("{}\n{}\n{}\n", lines[0], lines[1], lines[2]),
        ),
        (
            "trusted comment without its prefix",
            with_line(&signature, 2, "hattama test"),
        ),
        (
            "non-ASCII trusted comment",
            with_line(&signature, 2, "trusted comment: қ"),
        ),
        (
            "signature line one byte short",
            with_line(&signature, 1, &encode(&decode(lines[1])[..73])),
        ),
        (
            "global signature one byte short",
            with_line(&signature, 3, &encode(&decode(lines[3])[..63])),
        ),
        (
            "signature line swapped with the global one",
            with_line(&with_line(&signature, 1, lines[3]), 3, lines[1]),
        ),
        ("CRLF line ends", signature.replace('\n', "\r\n")),
    ];
    for (what, text) in cases {
        assert!(!is_canonical_signature(&text), "{what} passed as canonical");
    }
}

#[test]
fn a_definition_signature_states_the_sha256_of_the_files_bytes() {
    use sha2::Digest as _;
    let commission = keys::generate_unencrypted("commission").unwrap();
    let bytes = builtin::DEMO_JSON;
    let signature =
        sign_definition(bytes, &keys::unlock(&commission.secret_key, None).unwrap()).unwrap();
    let hash: String = sha2::Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(
        keys::verify(&commission.public_key, bytes, &signature),
        Ok(format!("hattama-definition sha256={hash}"))
    );
}
