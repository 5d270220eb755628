//! The audit log a batch carries, as the receiver checks it before anything is decided: every
//! entry must hash as the next link of the chain from entry 1, and the head the batch states
//! must be the log's last entry. A forger who signs with a stolen key still cannot edit the
//! precinct's history without the receiver seeing where.

use hattama_batch::format::{AuditHead, Payload};
use hattama_batch::receive::VerifyError;
use hattama_protocol::Mode;

use crate::sample::{keys, payload, sign, verify_signed};

/// Signs `payload` with abai/1's own key and verifies it: only the log can be wrong.
fn received(payload: &Payload) -> Result<(), VerifyError> {
    let keys = keys();
    verify_signed(&sign(payload, &keys.device), &keys, Mode::Test).map(drop)
}

#[test]
fn a_log_as_the_precinct_wrote_it_is_accepted() {
    assert_eq!(received(&payload(1, None)), Ok(()));
}

#[test]
fn an_edited_entry_breaks_the_chain_at_that_entry() {
    let mut edited = payload(1, None);
    edited.audit_log[9].payload = r#"{"n":900}"#.into();
    assert_eq!(
        received(&edited),
        Err(VerifyError::AuditLogBroken { seq: 10 })
    );
    // Its stored hash replaced by another entry's: still not the hash of what it holds.
    let mut rehashed = payload(1, None);
    rehashed.audit_log[9].hash = rehashed.audit_log[10].hash.clone();
    assert_eq!(
        received(&rehashed),
        Err(VerifyError::AuditLogBroken { seq: 10 })
    );
    // Each entry's time and user are hashed too.
    let mut retimed = payload(1, None);
    retimed.audit_log[4].at += 1;
    assert_eq!(
        received(&retimed),
        Err(VerifyError::AuditLogBroken { seq: 5 })
    );
    let mut reassigned = payload(1, None);
    reassigned.audit_log[4].user = Some(2);
    assert_eq!(
        received(&reassigned),
        Err(VerifyError::AuditLogBroken { seq: 5 })
    );
}

#[test]
fn a_removed_or_renumbered_entry_breaks_the_chain_where_it_was() {
    let mut removed = payload(1, None);
    removed.audit_log.remove(5);
    assert_eq!(
        received(&removed),
        Err(VerifyError::AuditLogBroken { seq: 6 })
    );
    let mut renumbered = payload(1, None);
    renumbered.audit_log[0].seq = 2;
    assert_eq!(
        received(&renumbered),
        Err(VerifyError::AuditLogBroken { seq: 1 })
    );
    // A number no chain can reach is named as it was stated.
    let mut beyond = payload(1, None);
    beyond.audit_log[0].seq = u64::MAX;
    assert_eq!(
        received(&beyond),
        Err(VerifyError::AuditLogBroken { seq: u64::MAX })
    );
}

#[test]
fn a_stated_head_that_is_not_the_logs_last_entry_is_refused() {
    let good = payload(1, None);
    let last = good.audit_log.last().unwrap().clone();
    // The right hash stated under another number, and the right number with another hash.
    for head in [
        AuditHead {
            seq: last.seq - 1,
            hash: last.hash.clone(),
        },
        AuditHead {
            seq: last.seq,
            hash: good.audit_log[0].hash.clone(),
        },
    ] {
        let mut stated = good.clone();
        stated.audit_head = head.clone();
        assert_eq!(
            received(&stated),
            Err(VerifyError::AuditHeadMismatch {
                stated_seq: head.seq,
                log_seq: last.seq,
            }),
            "{head:?}"
        );
    }
    // The last entries cut off, the head left as it was.
    let mut cut = good.clone();
    cut.audit_log.truncate(30);
    assert_eq!(
        received(&cut),
        Err(VerifyError::AuditHeadMismatch {
            stated_seq: last.seq,
            log_seq: 30,
        })
    );
}
