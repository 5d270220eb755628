//! The demo precinct the E2E tests fill through the store before the app starts: abai/1 with
//! Aigul its first chair, at one fixed time.

use std::path::Path;

use hattama_protocol::{PrecinctId, builtin};
use hattama_store::{FirstChair, Role, Session, Store, Timestamp};

/// The time every step before the app starts is done at.
pub(crate) const NOW: Timestamp = Timestamp(1_679_245_200_000);

/// The first chair Aigul's PIN.
pub(crate) const CHAIR_PIN: &str = "590417";

/// A fresh database at `database` (PINs at a small cost) holding the demo's precinct abai/1,
/// with Aigul its first chair; returns the store and her session.
pub(crate) fn set_up_demo(database: &Path) -> (Store, Session) {
    let mut store =
        Store::open_with(database, crate::pins::cheap_pins()).expect("a fresh database opens");
    let abai_1 = PrecinctId {
        region: "abai".into(),
        number: 1,
    };
    let first = FirstChair {
        name: "Aigul",
        pin: CHAIR_PIN,
    };
    let chair = store
        .setup_precinct(builtin::DEMO_JSON, &abai_1, &first, NOW)
        .expect("the demo precinct sets up");
    (store, chair)
}

/// The chair adds each of `clerks` (name, PIN) as a clerk.
pub(crate) fn add_clerks(store: &mut Store, chair: &Session, clerks: &[(&str, &str)]) {
    for (name, pin) in clerks {
        store
            .add_user(chair, name, Role::Clerk, pin, None, NOW)
            .expect("a clerk is added");
    }
}
