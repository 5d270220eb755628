//! A precinct with one clerk, set up through the store before the app starts, and P1's first
//! entry opened by her in the app: where the keyboard tests and the latency bench type.
//! Needs the including crate to declare `mod pins` (`support/pins.rs`).

use std::path::Path;

use hattama_e2e::Session;
use hattama_protocol::{PrecinctId, builtin};
use hattama_store::{FirstChair, Role, Store, Timestamp};

use crate::pins;

/// The contest of protocol P1.
pub(crate) const P1: &str = "majilis-list";

/// The clock the set-up precinct was made at.
pub(crate) const NOW: Timestamp = Timestamp(1_679_245_200_000);

/// The demo precinct abai/1 with one clerk, Ana (PIN 268135).
pub(crate) fn precinct_with_a_clerk(database: &Path) {
    let mut store = Store::open_with(database, pins::cheap_pins()).expect("a fresh database opens");
    let precinct = PrecinctId {
        region: "abai".into(),
        number: 1,
    };
    let first = FirstChair {
        name: "Aigul",
        pin: "590417",
    };
    let chair = store
        .setup_precinct(builtin::DEMO_JSON, &precinct, &first, NOW)
        .expect("the demo precinct sets up");
    store
        .add_member(&chair, "Айгүл Сәрсенова", "chair", NOW)
        .expect("a member is added");
    store
        .add_user(&chair, "Ana", Role::Clerk, "268135", None, NOW)
        .expect("the clerk is added");
    store.close().expect("the store closes");
}

/// Signs Ana in and opens P1's first entry; the first field has focus.
pub(crate) async fn open_entry() -> Session {
    let session = Session::start_prepared(&precinct_with_a_clerk).await;
    session
        .wait_for_attribute("app-shell", "data-screen", "login")
        .await;
    session.click("login-user-Ana").await;
    session.type_into("login-pin", "268135").await;
    session.click("login-submit").await;
    session
        .wait_for_attribute("app-shell", "data-screen", "dashboard")
        .await;
    session.click(&format!("open-{P1}")).await;
    session.wait_for_attribute("entry", "data-entry", "1").await;
    session.wait_for_focus("field-L1").await;
    session
}
