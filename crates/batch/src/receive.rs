//! The receiving side at the territorial commission: verify a batch, then decide what importing
//! it means given what was imported before.
//!
//! [`verify_batch`] checks, in this order, and stops at the first failure with its own
//! [`VerifyError`]: neither file is larger than its limit ([`crate::read`]); the signature file is
//! well formed; its key is in the registry, not revoked; the payload bytes verify (and if not,
//! whether they were cut short or had bytes appended, from the size the signature states); the
//! signed trusted comment has its one form and states the payload's size and SHA-256; only then is
//! the payload parsed; the trusted comment names the payload's precinct and sequence; the key
//! belongs to the precinct the payload names; election and definition hash match the receiver's,
//! the payload's mode is the definition's, and test/live agrees with the receiver's mode; the
//! protocols are in canonical order, belong to contests the precinct holds, carry every line of
//! their template, and have no failing error check without an act. [`read_and_verify`] reads the
//! two files from a drive first, within the same limits, refusing anything but regular files.
//!
//! [`decide`] is pure: given the batches already imported for the precinct, an identical batch is a
//! no-op, a different batch with a known sequence is a conflict held for a person, an older
//! sequence is a replay, a gap or a wrong `previous` hash breaks the chain.

mod content;
mod decide;
mod plan;
mod refusal;
mod verify;

pub use crate::receive::content::unvouched;
pub use crate::receive::decide::{Decision, Imported, ImportedProtocol, decide};
pub use crate::receive::plan::ImportPlan;
pub use crate::receive::refusal::{ModeName, VerifyError};
pub use crate::receive::verify::{
    Expect, FileVerified, VerifiedBatch, read_and_verify, verify_batch,
};
