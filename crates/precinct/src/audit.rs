//! The audit log as people see it: its rows for any signed-in user, blind (the numbers of a
//! protocol whose entries are not both done and agreed are left out), and the chain check the
//! app's audit screen runs. `hattama audit verify` checks a file with no sign-in: it reveals no
//! value.

use hattama_store::{AuditReport, AuditViewRow, Permission, Session, Store};

use crate::error::PrecinctError;

/// The audit rows from `from_seq` on, as the actor may see them ([`Store::audit_view`]): the
/// numbers of unfinished entries left out and the row marked hidden.
pub fn entries(
    store: &Store,
    actor: &Session,
    from_seq: i64,
) -> Result<Vec<AuditViewRow>, PrecinctError> {
    Ok(store.audit_view(actor, from_seq)?)
}

/// Walks the chain and compares the tables with it, for a signed-in user.
pub fn verify(store: &Store, actor: &Session) -> Result<AuditReport, PrecinctError> {
    store.require(actor, Permission::VerifyAudit)?;
    Ok(store.verify_audit()?)
}
