//! The IPC values of the precinct as a whole: definition choices at first run, the commission
//! key to confirm, users and members, who signed in, and the dashboard's overview.

use hattama_protocol::LoadedDefinition;
use hattama_protocol::definition::Mode;
use hattama_store::{Member, Role, User};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::dto::LocalText;
use crate::protocol::dto::ProtocolSummary;

/// What a user may do: every role types; the chair's PIN finalizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UserRole {
    /// Types protocols.
    Clerk,
    /// Types, reconciles, records acts.
    Secretary,
    /// Finalizes with the PIN.
    Chair,
}

impl From<Role> for UserRole {
    fn from(role: Role) -> UserRole {
        match role {
            Role::Clerk => UserRole::Clerk,
            Role::Secretary => UserRole::Secretary,
            Role::Chair => UserRole::Chair,
        }
    }
}

impl From<UserRole> for Role {
    fn from(role: UserRole) -> Role {
        match role {
            UserRole::Clerk => Role::Clerk,
            UserRole::Secretary => Role::Secretary,
            UserRole::Chair => Role::Chair,
        }
    }
}

/// A user of this laptop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct UserInfo {
    /// The store's id.
    #[ts(type = "number")]
    pub(crate) id: i64,
    /// The name the user signs in with.
    pub(crate) name: String,
    /// The role.
    pub(crate) role: UserRole,
}

impl From<&User> for UserInfo {
    fn from(user: &User) -> UserInfo {
        UserInfo {
            id: user.id.0,
            name: user.name.clone(),
            role: user.role.into(),
        }
    }
}

/// A commission member, as printed in the protocol's signature block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct MemberInfo {
    /// The full name.
    pub(crate) name: String,
    /// `chair`, `deputy_chair`, `secretary` or `member`.
    pub(crate) position: String,
}

impl From<&Member> for MemberInfo {
    fn from(member: &Member) -> MemberInfo {
        MemberInfo {
            name: member.name.clone(),
            position: member.position.clone(),
        }
    }
}

/// A precinct a definition offers at first run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct PrecinctChoice {
    /// The number within its region.
    pub(crate) number: u32,
    /// Where it sits.
    pub(crate) address: LocalText,
}

/// A region and its precincts, in the definition's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct RegionChoice {
    /// The region id.
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: LocalText,
    /// Its precincts.
    pub(crate) precincts: Vec<PrecinctChoice>,
}

/// The commission key beside a definition file, as the operator confirms it against the
/// commission's paper: its fingerprint with two groups blanked, to be typed from the paper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CommissionKeyChallenge {
    /// The key id (16 hex digits).
    pub(crate) key_id: String,
    /// The fingerprint's eight groups of four hex digits, `null` where blanked.
    pub(crate) groups: Vec<Option<String>>,
    /// The blanked groups' positions (0-based, ascending).
    pub(crate) blanked: Vec<u32>,
    /// True when this key is pinned already: nothing is to be typed.
    pub(crate) pinned: bool,
}

impl From<&hattama_precinct::definition::Challenge> for CommissionKeyChallenge {
    fn from(challenge: &hattama_precinct::definition::Challenge) -> CommissionKeyChallenge {
        CommissionKeyChallenge {
            key_id: challenge.key_id.clone(),
            groups: challenge.groups.clone(),
            blanked: challenge
                .blanked
                .iter()
                .filter_map(|idx| u32::try_from(*idx).ok())
                .collect(),
            pinned: challenge.pinned,
        }
    }
}

/// What an election definition offers to choose from at first run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct DefinitionChoices {
    /// The election id.
    pub(crate) id: String,
    /// The election's name.
    pub(crate) name: LocalText,
    /// True for the built-in demo, whose candidates are invented.
    pub(crate) demo: bool,
    /// True for a test (training) election.
    pub(crate) test: bool,
    /// SHA-256 of the definition file in groups of four hex digits, to compare with the
    /// published one.
    pub(crate) hash: String,
    /// Regions with precincts, in CEC order.
    pub(crate) regions: Vec<RegionChoice>,
}

impl From<&LoadedDefinition> for DefinitionChoices {
    fn from(loaded: &LoadedDefinition) -> DefinitionChoices {
        let definition = &loaded.definition;
        let regions = definition
            .regions
            .iter()
            .map(|region| RegionChoice {
                id: region.id.clone(),
                name: (&region.name).into(),
                precincts: definition
                    .precincts
                    .iter()
                    .filter(|precinct| precinct.region == region.id)
                    .map(|precinct| PrecinctChoice {
                        number: precinct.number,
                        address: (&precinct.address).into(),
                    })
                    .collect(),
            })
            .filter(|region| !region.precincts.is_empty())
            .collect();
        DefinitionChoices {
            id: definition.id.clone(),
            name: (&definition.name).into(),
            demo: definition.demo,
            test: definition.mode == Mode::Test,
            hash: hattama_batch::keys::group_hex(&loaded.hash),
            regions,
        }
    }
}

/// The precinct this laptop serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PrecinctOverview {
    /// The election.
    pub(crate) election: LocalText,
    /// True for the built-in demo, whose candidates are invented.
    pub(crate) demo: bool,
    /// True for a test (training) election.
    pub(crate) test: bool,
    /// The region's name.
    pub(crate) region: LocalText,
    /// The precinct number.
    pub(crate) number: u32,
    /// The precinct's address.
    pub(crate) address: LocalText,
    /// Its protocols, in the definition's order.
    pub(crate) protocols: Vec<ProtocolSummary>,
}

/// Everything the UI needs at start: the precinct (once set up), the users and who is signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Overview {
    /// The precinct, `null` before first-run setup.
    pub(crate) precinct: Option<PrecinctOverview>,
    /// The users of this laptop.
    pub(crate) users: Vec<UserInfo>,
    /// The commission members.
    pub(crate) members: Vec<MemberInfo>,
    /// The user signed in now.
    pub(crate) user: Option<UserInfo>,
    /// What the signed-in user may do, by the permission table (empty when nobody is signed
    /// in): the UI shows only these controls.
    #[ts(type = "Array<ActionCode>")]
    pub(crate) allowed: Vec<String>,
}

/// Who signed in, and what they may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct SessionInfo {
    /// The signed-in user.
    pub(crate) user: UserInfo,
    /// What they may do, by the permission table.
    #[ts(type = "Array<ActionCode>")]
    pub(crate) allowed: Vec<String>,
}
