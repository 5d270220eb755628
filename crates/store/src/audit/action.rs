//! [`Action`]: what kind of change an audit row records, by the name hashed into the row.

/// What kind of change an audit row records. The name is hashed into the row, so a name that
/// has shipped is never changed; a new kind of change gets a new variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The installation was set up for a precinct of a definition.
    PrecinctSetup,
    /// A user was added.
    UserAdd,
    /// A commission member was added.
    MemberAdd,
    /// The first value of an entry was typed.
    EntryStart,
    /// A field was saved (or cleared).
    ValueSave,
    /// An entry was marked done.
    EntryFinish,
    /// A differing line was settled with the paper value.
    LineReconcile,
    /// The last differing line was settled.
    ReconcileDone,
    /// A failing warning was checked against the paper.
    WarningAcknowledge,
    /// An act was attached to a failing error.
    ErrorAct,
    /// A protocol version was finalized.
    ProtocolFinalize,
    /// A repeated protocol (the next version) was started.
    ProtocolRepeat,
    /// The device key was made.
    DeviceKeyCreated,
    /// A batch was signed.
    ExportSigned,
    /// A batch was written to a drive and read back.
    ExportWritten,
    /// The commission key was confirmed against the commission's paper and pinned.
    CommissionKeyPin,
    /// A user's role was changed.
    UserChange,
    /// A user was removed (they can no longer sign in or act).
    UserRemove,
    /// The users a database held before users joined the chain (schema migration 4).
    UsersVouched,
    /// A wrong PIN was typed for a user.
    PinFailed,
    /// A user was locked out after wrong PINs.
    UserLocked,
    /// A chair lifted a user's lockout.
    UserUnlocked,
}

impl Action {
    /// The name stored and hashed in the row, e.g. `value.save`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::PrecinctSetup => "precinct.setup",
            Action::UserAdd => "user.add",
            Action::MemberAdd => "member.add",
            Action::EntryStart => "entry.start",
            Action::ValueSave => "value.save",
            Action::EntryFinish => "entry.finish",
            Action::LineReconcile => "line.reconcile",
            Action::ReconcileDone => "reconcile.done",
            Action::WarningAcknowledge => "warning.acknowledge",
            Action::ErrorAct => "error.act",
            Action::ProtocolFinalize => hattama_protocol::audit_chain::FINALIZE_ACTION,
            Action::ProtocolRepeat => "protocol.repeat",
            Action::DeviceKeyCreated => "device_key.created",
            Action::ExportSigned => "export.signed",
            Action::ExportWritten => "export.written",
            Action::CommissionKeyPin => "commission_key.pin",
            Action::UserChange => "user.change",
            Action::UserRemove => "user.remove",
            Action::UsersVouched => "users.vouched",
            Action::PinFailed => "pin.failed",
            Action::UserLocked => "user.locked",
            Action::UserUnlocked => "user.unlocked",
        }
    }
}
