//! The permission grid: every action a person takes, as a clerk, a secretary and a chair, each
//! on a fresh copy of one precinct, held to the permission table. A refused action answers
//! `store.not_permitted` with the action's code and leaves the database byte-for-byte as it was;
//! an allowed one is never refused for the role (it may still be refused for the protocol's
//! state). Nobody signed in cannot even call these: every method takes a `Session`, and the
//! only way to one is signing in (the app's commands answer `app.not_signed_in`, tested there).

pub mod common;

use hattama_store::{EntryNo, Permission, Role, Session, Store, StoreError};

use common::{
    NOW, P1, SARA_PIN, file_hashes, placeholder_export, placeholder_key, precinct, sign_in,
    test_config,
};

/// Runs the action that needs `permission` as `actor`.
fn act(
    store: &mut Store,
    actor: &Session,
    actor_pin: &str,
    permission: Permission,
) -> Result<(), StoreError> {
    let bek = store.user_by_name("Bek")?.id;
    match permission {
        Permission::AddUser => store
            .add_user(actor, "Dana", Role::Clerk, "480263", None, NOW)
            .map(drop),
        Permission::AddChair => store
            .add_user(actor, "Dana", Role::Chair, "480263", Some(actor_pin), NOW)
            .map(drop),
        Permission::ChangeUser => store.change_role(actor, bek, Role::Secretary, None, NOW),
        Permission::RemoveUser => store.remove_user(actor, bek, NOW),
        Permission::UnlockUser => store.unlock_user(actor, bek, NOW),
        Permission::AddMember => store.add_member(actor, "Dana", "member", NOW).map(drop),
        Permission::Enter => store
            .save_value(actor, P1, EntryNo::First, "L1", "5", NOW)
            .map(drop),
        Permission::Reconcile => store.reconcile(actor, P1, "L1", "5", true, NOW).map(drop),
        Permission::Acknowledge => store.acknowledge(actor, P1, "W05", NOW),
        Permission::AttachAct => store.attach_act(
            actor,
            P1,
            "E01",
            "7",
            "Recounted twice in front of observers.",
            NOW,
        ),
        Permission::Finalize => store.finalize(actor, P1, NOW).map(drop),
        Permission::Repeat => store.repeat(actor, P1, "recount", NOW).map(drop),
        Permission::MakeDeviceKey => store.save_device_key(actor, &placeholder_key()),
        Permission::Export => store.record_export(actor, &placeholder_export(Vec::new())),
        Permission::ViewAudit => store
            .audit_view(actor, 0)
            .map(drop)
            .and(store.audit_entries(actor, 0).map(drop)),
        Permission::Print | Permission::VerifyAudit => store.require(actor, permission).map(drop),
    }
}

#[test]
fn every_action_as_every_role_follows_the_table() {
    let roles = [
        ("Ana", common::ANA_PIN, Role::Clerk),
        ("Sara", SARA_PIN, Role::Secretary),
        ("Chair", common::CHAIR_PIN, Role::Chair),
    ];
    let mut grid = Vec::new();
    for permission in Permission::all() {
        for (name, pin, role) in roles {
            let p = precinct();
            let mut store = p.store;
            let actor = sign_in(&mut store, name, pin);
            store.close().unwrap();
            let before = file_hashes(&p.path);
            let mut store = Store::open_with(&p.path, test_config()).unwrap();
            let outcome = act(&mut store, &actor, pin, permission);
            store.close().unwrap();
            let allowed = permission.allows(role);
            match outcome {
                Err(StoreError::NotPermitted {
                    permission: refused,
                }) => {
                    assert!(!allowed, "{} refused for {name}", permission.code());
                    assert!(
                        refused == permission || refused == Permission::AddUser,
                        "{} refused as {}",
                        permission.code(),
                        refused.code()
                    );
                    assert_eq!(
                        file_hashes(&p.path),
                        before,
                        "refused {} as {name} changed the file",
                        permission.code()
                    );
                }
                other => assert!(
                    allowed,
                    "{} not refused for {name}: {other:?}",
                    permission.code()
                ),
            }
            grid.push(format!(
                "{} {name}: {}",
                permission.code(),
                if allowed { "yes" } else { "no" }
            ));
        }
    }
    assert_eq!(grid.len(), Permission::all().count() * 3);
}

#[test]
fn a_refusal_names_the_action_and_comes_before_anything_else() {
    let mut p = precinct();
    // An unknown contest, a final protocol or a wrong state would each say something about the
    // installation; a clerk learns none of it.
    let refused = p
        .store
        .finalize(&p.ana, "no-such-contest", NOW)
        .unwrap_err();
    assert_eq!(refused.code(), "store.not_permitted");
    assert_eq!(refused.params()["action"], "perm.finalize");
}

#[test]
fn a_user_removed_or_demoted_after_signing_in_loses_the_permission_at_once() {
    let mut p = precinct();
    let sara = sign_in(&mut p.store, "Sara", SARA_PIN);
    p.store.require(&sara, Permission::Reconcile).unwrap();
    assert_eq!(
        p.store.allowed(&sara).unwrap(),
        hattama_store::permissions::allowed(Role::Secretary)
    );
    p.store
        .change_role(&p.chair, sara.user(), Role::Clerk, None, NOW)
        .unwrap();
    // What the app offers follows the role as it is now, not as it was at sign-in.
    assert_eq!(
        p.store.allowed(&sara).unwrap(),
        hattama_store::permissions::allowed(Role::Clerk)
    );
    assert_eq!(
        p.store
            .require(&sara, Permission::Reconcile)
            .unwrap_err()
            .code(),
        "store.not_permitted"
    );
    p.store.remove_user(&p.chair, p.bek.user(), NOW).unwrap();
    assert_eq!(
        p.store
            .save_value(&p.bek, P1, EntryNo::First, "L1", "5", NOW)
            .unwrap_err()
            .code(),
        "store.not_permitted"
    );
    assert_eq!(
        p.store
            .sign_in("Bek", common::BEK_PIN, NOW)
            .unwrap_err()
            .code(),
        "store.wrong_pin"
    );
    assert!(p.store.allowed(&p.bek).unwrap().is_empty());
    assert!(p.store.verify_audit().unwrap().is_ok());
}

#[test]
fn whoever_typed_an_entry_does_not_check_it_against_the_paper() {
    let mut p = precinct();
    let values = common::with(&common::clean_p1(), "L6", 50);
    common::type_entry(&mut p.store, P1, EntryNo::First, &p.chair, &values);
    common::type_entry(&mut p.store, P1, EntryNo::Second, &p.bek, &values);
    for refused in [
        p.store.acknowledge(&p.chair, P1, "W05", NOW),
        p.store.attach_act(
            &p.chair,
            P1,
            "E04",
            "7",
            "Recounted twice in front of observers.",
            NOW,
        ),
    ] {
        assert_eq!(refused.unwrap_err().code(), "store.typed_an_entry");
    }
    let sara = sign_in(&mut p.store, "Sara", SARA_PIN);
    p.store.acknowledge(&sara, P1, "W05", NOW).unwrap();
}

#[test]
fn the_last_chair_stays_a_chair() {
    let mut p = precinct();
    let chair = p.chair.user();
    for refused in [
        p.store.remove_user(&p.chair, chair, NOW),
        p.store.change_role(&p.chair, chair, Role::Clerk, None, NOW),
    ] {
        assert_eq!(refused.unwrap_err().code(), "store.last_chair");
    }
}

#[test]
fn an_act_has_a_paper_number_and_says_enough() {
    let mut p = precinct();
    let values = common::with(&common::clean_p1(), "L4", 199);
    p.type_first(&values);
    p.type_second(&values);
    let attach = |store: &mut Store, number: &str, text: &str| {
        store
            .attach_act(&p.chair, P1, "E01", number, text, NOW)
            .map_err(|error| error.code())
    };
    assert_eq!(attach(&mut p.store, "7", "x"), Err("store.act_too_short"));
    assert_eq!(
        attach(&mut p.store, "7", "nineteen characters"),
        Err("store.act_too_short")
    );
    assert_eq!(
        attach(&mut p.store, " ", "Recounted twice in front of observers."),
        Err("store.empty_text")
    );
    attach(&mut p.store, "7", "twenty characters ok").unwrap();
    let acts = p.store.review(P1).unwrap().acts;
    assert_eq!(acts[0].paper_number.as_deref(), Some("7"));
}
