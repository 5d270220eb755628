//! Who may do what at the precinct laptop, defined once: the [`Permission`] each action a person
//! takes needs, and the [`TABLE`] of roles allowed each one (`docs/security.md`, "Roles and
//! PINs"; the spec's "who does what" table).
//!
//! Every path, app and CLI, reaches this table through [`Store::require`](crate::Store::require)
//! or a store method that calls it first, with a [`Session`](crate::Session) proving who acts.
//! Conditions that depend on a protocol rather than a role (two different people type the two
//! entries; whoever reconciles, acknowledges or attaches an act typed neither entry) are checked
//! by the store where the protocol is read. First-run setup needs no permission: it is allowed
//! only while the installation has no user, and it creates the first chair.

use crate::types::Role;
use crate::types::Role::{Chair, Clerk, Secretary};

/// An action a signed-in person takes. The code (`perm.<name>`) names it in errors and in the
/// list of actions the app shows the signed-in user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Add a clerk or a secretary.
    AddUser,
    /// Add another chair (the acting chair types their own PIN again).
    AddChair,
    /// Change a user's role.
    ChangeUser,
    /// Remove a user (they can no longer sign in or act; what they did stays).
    RemoveUser,
    /// Lift a clerk's or a secretary's lockout after wrong PINs.
    UnlockUser,
    /// Add a commission member to the signature block.
    AddMember,
    /// Type an entry of a protocol, field by field, and mark it done.
    Enter,
    /// Settle a line on which the two entries differ with the value on the paper.
    Reconcile,
    /// Record that a failing warning was checked against the paper.
    Acknowledge,
    /// Attach the commission's act explaining a failing error.
    AttachAct,
    /// Finalize a protocol.
    Finalize,
    /// Start a repeated protocol (the next version of a final one).
    Repeat,
    /// Make the device key.
    MakeDeviceKey,
    /// Sign a batch and write it to a drive.
    Export,
    /// Print the protocol, its posting copy, the blank form or the enrolment sheet.
    Print,
    /// Read the audit log.
    ViewAudit,
    /// Check the audit chain.
    VerifyAudit,
}

/// Every permission and the roles that hold it. The one definition of who may do what; the
/// permission grid test runs every action as every role against it.
pub const TABLE: &[(Permission, &[Role])] = &[
    (Permission::AddUser, &[Chair]),
    (Permission::AddChair, &[Chair]),
    (Permission::ChangeUser, &[Chair]),
    (Permission::RemoveUser, &[Chair]),
    (Permission::UnlockUser, &[Chair]),
    (Permission::AddMember, &[Chair]),
    (Permission::Enter, &[Clerk, Secretary, Chair]),
    (Permission::Reconcile, &[Secretary, Chair]),
    (Permission::Acknowledge, &[Secretary, Chair]),
    (Permission::AttachAct, &[Secretary, Chair]),
    (Permission::Finalize, &[Chair]),
    (Permission::Repeat, &[Chair]),
    (Permission::MakeDeviceKey, &[Chair]),
    (Permission::Export, &[Chair]),
    (Permission::Print, &[Secretary, Chair]),
    (Permission::ViewAudit, &[Clerk, Secretary, Chair]),
    (Permission::VerifyAudit, &[Clerk, Secretary, Chair]),
];

impl Permission {
    /// Every permission, in the table's order.
    pub fn all() -> impl Iterator<Item = Permission> {
        TABLE.iter().map(|(permission, _)| *permission)
    }

    /// The stable code, e.g. `perm.finalize`.
    pub fn code(self) -> &'static str {
        match self {
            Permission::AddUser => "perm.add_user",
            Permission::AddChair => "perm.add_chair",
            Permission::ChangeUser => "perm.change_user",
            Permission::RemoveUser => "perm.remove_user",
            Permission::UnlockUser => "perm.unlock_user",
            Permission::AddMember => "perm.add_member",
            Permission::Enter => "perm.enter",
            Permission::Reconcile => "perm.reconcile",
            Permission::Acknowledge => "perm.acknowledge",
            Permission::AttachAct => "perm.attach_act",
            Permission::Finalize => "perm.finalize",
            Permission::Repeat => "perm.repeat",
            Permission::MakeDeviceKey => "perm.make_device_key",
            Permission::Export => "perm.export",
            Permission::Print => "perm.print",
            Permission::ViewAudit => "perm.view_audit",
            Permission::VerifyAudit => "perm.verify_audit",
        }
    }

    /// The permission with this code.
    pub fn from_code(code: &str) -> Option<Permission> {
        Permission::all().find(|permission| permission.code() == code)
    }

    /// Whether `role` holds this permission, by the table.
    pub fn allows(self, role: Role) -> bool {
        TABLE
            .iter()
            .any(|(permission, roles)| *permission == self && roles.contains(&role))
    }
}

/// The permissions `role` holds, in the table's order: what the app offers the signed-in user.
pub fn allowed(role: Role) -> Vec<Permission> {
    Permission::all()
        .filter(|permission| permission.allows(role))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: [Role; 3] = [Clerk, Secretary, Chair];

    fn holders(permission: Permission) -> Vec<Role> {
        ROLES
            .into_iter()
            .filter(|role| permission.allows(*role))
            .collect()
    }

    #[test]
    fn every_permission_is_in_the_table_once_with_a_unique_code() {
        let mut codes: Vec<&str> = Permission::all().map(Permission::code).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
        for permission in Permission::all() {
            assert_eq!(Permission::from_code(permission.code()), Some(permission));
            assert!(permission.code().starts_with("perm."));
        }
    }

    #[test]
    fn the_table_lists_every_permission() {
        assert_eq!(Permission::all().count(), TABLE.len());
        assert_eq!(
            TABLE.len(),
            17,
            "a permission added: add its perm_ test too"
        );
        assert_eq!(
            Permission::from_code("perm.finalize"),
            Some(Permission::Finalize)
        );
    }

    #[test]
    fn each_role_is_offered_exactly_what_the_table_gives_it() {
        for role in ROLES {
            let offered = allowed(role);
            let held: Vec<Permission> = TABLE
                .iter()
                .filter(|(_, roles)| roles.contains(&role))
                .map(|(permission, _)| *permission)
                .collect();
            assert_eq!(offered, held, "{role:?}");
        }
        assert_eq!(
            allowed(Clerk),
            [
                Permission::Enter,
                Permission::ViewAudit,
                Permission::VerifyAudit
            ]
        );
        assert!(allowed(Chair).contains(&Permission::Finalize));
        assert!(!allowed(Secretary).contains(&Permission::Finalize));
    }

    #[test]
    fn perm_add_user() {
        assert_eq!(holders(Permission::AddUser), [Chair]);
    }

    #[test]
    fn perm_add_chair() {
        assert_eq!(holders(Permission::AddChair), [Chair]);
    }

    #[test]
    fn perm_change_user() {
        assert_eq!(holders(Permission::ChangeUser), [Chair]);
    }

    #[test]
    fn perm_remove_user() {
        assert_eq!(holders(Permission::RemoveUser), [Chair]);
    }

    #[test]
    fn perm_unlock_user() {
        assert_eq!(holders(Permission::UnlockUser), [Chair]);
    }

    #[test]
    fn perm_add_member() {
        assert_eq!(holders(Permission::AddMember), [Chair]);
    }

    #[test]
    fn perm_enter() {
        assert_eq!(holders(Permission::Enter), [Clerk, Secretary, Chair]);
    }

    #[test]
    fn perm_reconcile() {
        assert_eq!(holders(Permission::Reconcile), [Secretary, Chair]);
    }

    #[test]
    fn perm_acknowledge() {
        assert_eq!(holders(Permission::Acknowledge), [Secretary, Chair]);
    }

    #[test]
    fn perm_attach_act() {
        assert_eq!(holders(Permission::AttachAct), [Secretary, Chair]);
    }

    #[test]
    fn perm_finalize() {
        assert_eq!(holders(Permission::Finalize), [Chair]);
    }

    #[test]
    fn perm_repeat() {
        assert_eq!(holders(Permission::Repeat), [Chair]);
    }

    #[test]
    fn perm_make_device_key() {
        assert_eq!(holders(Permission::MakeDeviceKey), [Chair]);
    }

    #[test]
    fn perm_export() {
        assert_eq!(holders(Permission::Export), [Chair]);
    }

    #[test]
    fn perm_print() {
        assert_eq!(holders(Permission::Print), [Secretary, Chair]);
    }

    #[test]
    fn perm_view_audit() {
        assert_eq!(holders(Permission::ViewAudit), [Clerk, Secretary, Chair]);
    }

    #[test]
    fn perm_verify_audit() {
        assert_eq!(holders(Permission::VerifyAudit), [Clerk, Secretary, Chair]);
    }
}
