//! A precinct with one clerk, set up through the store before the app starts, and P1's first
//! entry opened by her in the app: where the keyboard tests and the latency bench type.
//! Needs the including crate to declare `mod pins` and `mod precinct` (`support/pins.rs`,
//! `support/precinct.rs`).

use std::path::Path;

use hattama_e2e::Session;

pub(crate) use crate::precinct::NOW;

/// The contest of protocol P1.
pub(crate) const P1: &str = "majilis-list";

/// The demo precinct abai/1 with one clerk, Ana (PIN 268135).
pub(crate) fn precinct_with_a_clerk(database: &Path) {
    let (mut store, chair) = crate::precinct::set_up_demo(database);
    store
        .add_member(&chair, "Айгүл Сәрсенова", "chair", NOW)
        .expect("a member is added");
    crate::precinct::add_clerks(&mut store, &chair, &[("Ana", "268135")]);
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
