//! What the clerk types is what is stored, or nothing is: every string of issue 17's table, typed
//! key by key into a real field of P1, once as a person types (a pause after each key) and once
//! in one burst. For each, the test reads the stored value from the database after the fact and
//! checks what the field shows: exactly the characters typed, marked with the reason when they
//! are not a count, and the value kept ("stored: …").
//!
//! The precinct is set up through the store before the app starts; every string goes into its
//! own line, so each starts from a field that holds nothing.

#[path = "support/clerk.rs"]
mod clerk;
#[path = "support/pins.rs"]
mod pins;
#[path = "support/precinct.rs"]
mod precinct;

use hattama_e2e::{Key, Session, Typing, message};
use hattama_store::{EntryNo, Store};

use crate::clerk::{NOW, P1, open_entry};

/// What the app must make of one typed string.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    /// Stored as this number; the field keeps the typed characters.
    Stored(u32),
    /// Refused with this `error.input.*` key; nothing is stored.
    Refused(&'static str),
}

/// The table of issue 17 and the forms around it: what was typed, what must come of it.
const CASES: &[(&str, Outcome)] = &[
    ("1.5", Outcome::Refused("error.input.not_a_number")),
    ("1o0", Outcome::Refused("error.input.not_a_number")),
    ("-5", Outcome::Refused("error.input.negative")),
    ("+5", Outcome::Refused("error.input.not_a_number")),
    ("1,000", Outcome::Refused("error.input.not_a_number")),
    ("12a", Outcome::Refused("error.input.not_a_number")),
    ("10000000", Outcome::Refused("error.input.too_large")),
    ("١٢٣", Outcome::Refused("error.input.not_a_number")),
    ("１２３", Outcome::Refused("error.input.not_a_number")),
    (" 12 ", Outcome::Stored(12)),
    ("007", Outcome::Stored(7)),
];

/// The value stored for `line` of P1's first entry, read from the app's database file.
fn stored_value(session: &Session, line: &str) -> Option<u32> {
    let mut store = Store::open(session.database()).expect("the database opens beside the app");
    let ana = store.sign_in("Ana", "268135", NOW).expect("Ana signs in");
    let values = store
        .entry_values(&ana, P1, EntryNo::First)
        .expect("Ana may read her own entry");
    let value = values
        .iter()
        .find(|value| value.line == line)
        .unwrap_or_else(|| panic!("P1 has no line {line}"));
    value.value.map(hattama_protocol::Count::get)
}

/// Moves to `line` from the keyboard's side (a click, as a clerk with a mouse would) and types
/// `text` there; then checks the field and the database.
async fn type_and_check(
    session: &Session,
    line: &str,
    text: &str,
    outcome: Outcome,
    typing: Typing,
) {
    let field = format!("field-{line}");
    session.click(&field).await;
    session.wait_for_focus(&field).await;
    session.type_keys(text, typing).await;
    let status = format!("status-{line}");
    match outcome {
        Outcome::Stored(value) => {
            session
                .wait_for_attribute(&status, "data-status", "saved")
                .await;
            session.wait_for_value(&field, text).await;
            assert_eq!(
                stored_value(session, line),
                Some(value),
                "{text:?} typed ({typing:?}) into {line}"
            );
        }
        Outcome::Refused(key) => {
            session
                .wait_for_attribute(&status, "data-status", "refused")
                .await;
            session
                .wait_for_text(&format!("refusal-{line}"), &message("kk", key))
                .await;
            session
                .wait_for_text(
                    &format!("stored-{line}"),
                    &message("kk", "field.stored_nothing"),
                )
                .await;
            session.wait_for_value(&field, text).await;
            session
                .wait_for_attribute(&field, "aria-invalid", "true")
                .await;
            assert_eq!(
                stored_value(session, line),
                None,
                "{text:?} typed ({typing:?}) into {line} stored a number"
            );
        }
    }
}

/// The P1 lines the cases go into, one each, in paper order.
const LINES: &[&str] = &[
    "L1", "L2", "L3", "L3a", "L3b", "L4", "L5", "L5b", "L6", "L7", "L8.1", "L8.2",
];

async fn every_case(typing: Typing) {
    let session = open_entry().await;
    assert!(CASES.len() <= LINES.len());
    for ((text, outcome), line) in CASES.iter().zip(LINES) {
        type_and_check(&session, line, text, *outcome, typing).await;
    }
    // The refusals stay on screen while the clerk works elsewhere.
    for ((text, outcome), line) in CASES.iter().zip(LINES) {
        if let Outcome::Refused(_) = outcome {
            session
                .wait_for_attribute(&format!("status-{line}"), "data-status", "refused")
                .await;
            session.wait_for_value(&format!("field-{line}"), text).await;
        }
    }
    // A refused field stops "finish" and takes the eye to the first one; nothing is finished.
    session.click("finish-entry").await;
    session
        .wait_for_attribute("finish-problem", "data-kind", "refused")
        .await;
    session.wait_for_focus("field-L1").await;

    // Correcting the text stores it and takes the refusal away.
    session.press_ctrl('a').await;
    session.type_keys("15", typing).await;
    session
        .wait_for_attribute("status-L1", "data-status", "saved")
        .await;
    session.wait_for_absent("refusal-L1").await;
    assert_eq!(stored_value(&session, "L1"), Some(15));

    // A value stored before stays stored under a refusal typed over it ("stored: 15").
    session.click("field-L2").await;
    session.click("field-L1").await;
    session.wait_for_focus("field-L1").await;
    session.press_ctrl('a').await;
    session.type_keys("1o0", typing).await;
    session
        .wait_for_attribute("status-L1", "data-status", "refused")
        .await;
    session
        .wait_for_text(
            "stored-L1",
            &message("kk", "field.stored").replace("{value}", "15"),
        )
        .await;
    session.wait_for_value("field-L1", "1o0").await;
    assert_eq!(stored_value(&session, "L1"), Some(15));
    session.press(Key::Backspace).await;
    session.press(Key::Backspace).await;
    session.type_keys("0", typing).await;
    session
        .wait_for_attribute("status-L1", "data-status", "saved")
        .await;
    assert_eq!(stored_value(&session, "L1"), Some(10));
    session.finish().await;
}

/// Five thousand digits (`1234567890` over and over): too large, nothing stored.
async fn five_thousand_digits(typing: Typing) {
    let session = open_entry().await;
    let digits = "1234567890".repeat(500);
    type_and_check(
        &session,
        "L9",
        &digits,
        Outcome::Refused("error.input.too_large"),
        typing,
    )
    .await;
    session.finish().await;
}

#[tokio::test]
async fn typed_at_human_speed_what_is_stored_is_what_was_typed_or_nothing() {
    every_case(Typing::Human).await;
}

#[tokio::test]
async fn typed_in_one_burst_what_is_stored_is_what_was_typed_or_nothing() {
    every_case(Typing::Burst).await;
}

#[tokio::test]
async fn five_thousand_digits_at_human_speed_store_nothing() {
    five_thousand_digits(Typing::Human).await;
}

#[tokio::test]
async fn five_thousand_digits_in_one_burst_store_nothing() {
    five_thousand_digits(Typing::Burst).await;
}

/// Whether the check panel shows at least part of itself in the window.
async fn check_panel_in_view(session: &Session) -> bool {
    let seen = session
        .script(
            "const box = document.querySelector('[data-testid=\"check-panel\"]').getBoundingClientRect();\n\
             return box.top < window.innerHeight && 0 < box.bottom;",
        )
        .await;
    seen == serde_json::Value::Bool(true)
}

/// A refused value as the clerk sees it, with the check panel in view from the first line to the
/// last. Run with `GDK_SCALE=2` (as `cargo xtask screenshots` does not) to see it at 200 %; with
/// screenshots on it is captured in Kazakh and Russian as `entry-refused-scale<N>-<locale>.png`.
#[tokio::test]
async fn a_refused_value_stays_in_sight_with_the_checks_beside_it() {
    let session = open_entry().await;
    type_and_check(&session, "L1", "1000", Outcome::Stored(1000), Typing::Burst).await;
    type_and_check(
        &session,
        "L2",
        "12a",
        Outcome::Refused("error.input.not_a_number"),
        Typing::Human,
    )
    .await;
    // In the window as it is, and in a narrow one (what 200 % makes of a small screen), where
    // the panel wraps below the lines.
    let (width, height) = session
        .client
        .get_window_size()
        .await
        .expect("the window has a size");
    let (width, height) = (
        u32::try_from(width).expect("a window width fits u32"),
        u32::try_from(height).expect("a window height fits u32"),
    );
    for (narrow, (w, h)) in [(false, (width, height)), (true, (640, 480))] {
        session
            .client
            .set_window_size(w, h)
            .await
            .expect("the window can be resized");
        for line in ["L1", "L9", "L2"] {
            session.click(&format!("field-{line}")).await;
            session.wait_for_focus(&format!("field-{line}")).await;
            assert!(
                check_panel_in_view(&session).await,
                "in a {w}x{h} window (narrow: {narrow}) the check panel is out of sight while {line} has focus"
            );
        }
    }
    session
        .client
        .set_window_size(width, height)
        .await
        .expect("the window can be resized");
    let scale = std::env::var("GDK_SCALE").unwrap_or_else(|_| "1".to_owned());
    for locale in ["kk", "ru"] {
        session.click(&format!("language-{locale}")).await;
        session
            .wait_for_attribute("app-shell", "data-locale", locale)
            .await;
        session.click("field-L2").await;
        session
            .assert_accessible(&format!("the entry form with a refused value in {locale}"))
            .await;
        session
            .screenshot(&format!("entry-refused-scale{scale}-{locale}"))
            .await;
    }
    session.finish().await;
}

/// Another window takes the focus while the clerk is half-way through a number and gives it back
/// (here a second app, as a notification or another program would): the field never lost the
/// clerk, so a refused text still keeps what was stored when the clerk came to it (nothing), not
/// the half-typed number. The five-thousand-digit test met this when a parallel test's window
/// came and went.
#[tokio::test]
async fn a_window_coming_and_going_mid_number_does_not_make_the_half_typed_number_kept() {
    let session = open_entry().await;
    session.click("field-L9").await;
    session.wait_for_focus("field-L9").await;
    session.type_keys("123456", Typing::Human).await;
    session
        .wait_for_attribute("status-L9", "data-status", "saved")
        .await;
    assert_eq!(stored_value(&session, "L9"), Some(123_456));
    let other = open_entry().await;
    other.finish().await;
    session.type_keys("78901234", Typing::Human).await;
    session
        .wait_for_attribute("status-L9", "data-status", "refused")
        .await;
    session
        .wait_for_text("stored-L9", &message("kk", "field.stored_nothing"))
        .await;
    session.wait_for_value("field-L9", "12345678901234").await;
    assert_eq!(
        stored_value(&session, "L9"),
        None,
        "the half-typed 123456 stayed stored"
    );
    session.finish().await;
}
