//! The app through its real webview: first-run setup of the demo precinct, two clerks typing P1
//! blind with one differing line, reconciling it, acknowledging a warning, the chair finalizing,
//! a restart showing the same state, the language switch, and refused keystrokes storing nothing.
//!
//! Elements are found by `data-testid` (or line ids); visible text is compared only to assert
//! which language shows, and then against the UI's own catalogues. With `HATTAMA_SCREENSHOTS=1`
//! every screen is captured in Kazakh and Russian into `docs/screenshots/`.

#[path = "support/pins.rs"]
mod pins;
#[path = "support/precinct.rs"]
mod precinct;

use std::path::Path;

use hattama_e2e::{Key, SCREENSHOTS_ENV, Session, message};
use hattama_protocol::builtin;
use hattama_store::EntryNo;

use precinct::NOW;

const P1: &str = "majilis-list";

/// The demo P1 with W05 (`builtin::DEMO_W05_P1`), with `l9` in L9: the two clerks differ there.
fn p1_values(l9: u32) -> Vec<(&'static str, String)> {
    hattama_protocol::builtin::DEMO_W05_P1
        .iter()
        .map(|&(line, value)| (line, if line == "L9" { l9 } else { value }.to_string()))
        .collect()
}

fn screenshots_on() -> bool {
    std::env::var(SCREENSHOTS_ENV).as_deref() == Ok("1")
}

/// Checks the current screen with axe-core in Kazakh and in Russian (no violation allowed) and,
/// with screenshots on, captures it as `<name>-kk.png` and `<name>-ru.png`; leaves it in Kazakh.
/// The language buttons take focus: assert where focus went before calling this.
async fn shots(session: &Session, name: &str) {
    for locale in ["kk", "ru"] {
        session.click(&format!("language-{locale}")).await;
        session
            .wait_for_attribute("app-shell", "data-locale", locale)
            .await;
        session
            .assert_accessible(&format!("the {name} screen in {locale}"))
            .await;
        if screenshots_on() {
            session.screenshot(&format!("{name}-{locale}")).await;
        }
    }
    session.click("language-kk").await;
    session
        .wait_for_attribute("app-shell", "data-locale", "kk")
        .await;
}

/// Waits for `screen`, then checks it starts at its top and focus is on `focus`.
async fn arrive(session: &Session, screen: &str, focus: &str) {
    wait_for_screen(session, screen).await;
    session.wait_for_focus(focus).await;
    let scrolled = session.scrolled().await;
    assert!(
        scrolled == 0.0,
        "the {screen} screen starts scrolled down by {scrolled} px"
    );
}

/// Scrolls the page to its bottom, so the next screen shows whether it starts at its top.
async fn scroll_to_bottom(session: &Session) {
    session
        .script("window.scrollTo(0, document.body.scrollHeight);")
        .await;
}

async fn wait_for_screen(session: &Session, screen: &str) {
    session
        .wait_for_attribute("app-shell", "data-screen", screen)
        .await;
}

async fn sign_in(session: &Session, name: &str, pin: &str) {
    wait_for_screen(session, "login").await;
    session.click(&format!("login-user-{name}")).await;
    session.type_into("login-pin", pin).await;
    session.click("login-submit").await;
    wait_for_screen(session, "dashboard").await;
    session
        .wait_for_attribute("current-user", "data-user", name)
        .await;
}

async fn switch_user(session: &Session, name: &str, pin: &str) {
    session.click("switch-user").await;
    sign_in(session, name, pin).await;
}

/// Types every value by keyboard: each into its field, then Enter, which moves to the next line.
async fn type_entry(session: &Session, values: &[(&str, String)]) {
    let (first, _) = &values[0];
    session.click(&format!("field-{first}")).await;
    session.wait_for_focus(&format!("field-{first}")).await;
    for (index, (line, value)) in values.iter().enumerate() {
        let field = format!("field-{line}");
        session.wait_for_focus(&field).await;
        session.type_into(&field, value).await;
        session
            .wait_for_attribute(&format!("status-{line}"), "data-status", "saved")
            .await;
        session.press(Key::Enter).await;
        if let Some((next, _)) = values.get(index + 1) {
            session.wait_for_focus(&format!("field-{next}")).await;
        }
    }
}

async fn clear_and_type(session: &Session, line: &str, value: &str) {
    let field = session.find(&format!("field-{line}")).await;
    field.click().await.expect("the field takes a click");
    session.press_ctrl('a').await;
    session.press(Key::Backspace).await;
    session
        .wait_for_attribute(&format!("status-{line}"), "data-status", "empty")
        .await;
    session.type_into(&format!("field-{line}"), value).await;
    session
        .wait_for_attribute(&format!("status-{line}"), "data-status", "saved")
        .await;
}

/// Waits until `line` shows `refusal` (an `error.input.*` key) beside the text `shown`, exactly
/// as it was typed or pasted.
async fn assert_refused(session: &Session, line: &str, refusal: &str, shown: &str) {
    session
        .wait_for_text(&format!("refusal-{line}"), &message("kk", refusal))
        .await;
    session
        .wait_for_attribute(&format!("status-{line}"), "data-status", "refused")
        .await;
    session
        .wait_for_value(&format!("field-{line}"), shown)
        .await;
}

#[tokio::test]
async fn a_precinct_from_setup_to_a_final_protocol_and_back_after_a_restart() {
    let session = Session::start().await;

    // First run: the demo election, region and precinct.
    wait_for_screen(&session, "setup").await;
    session
        .wait_for_attribute("app-shell", "data-locale", "kk")
        .await;
    shots(&session, "setup").await;
    session.click("load-demo").await;
    session.find("precinct-form").await;
    session.select("region", "abai").await;
    session.select("precinct", "1").await;
    session
        .wait_for_text("demo-notice", &message("kk", "demo.invented"))
        .await;
    // The person setting up becomes the first chair.
    session.type_into("setup-chair-name", "Aigul").await;
    session.type_into("setup-chair-pin", "590417").await;
    shots(&session, "setup-precinct").await;
    session.click("setup-precinct").await;

    // The commission and the users.
    session.find("setup-precinct-done").await;
    session.wait_for_focus("member-name").await;
    for (name, position) in [("Айгүл Сәрсенова", "chair"), ("Бекзат Омаров", "secretary")]
    {
        session.type_into("member-name", name).await;
        session.select("member-position", position).await;
        session.click("add-member").await;
        session.wait_for_value("member-name", "").await;
    }
    for (name, role, pin) in [("Ana", "clerk", "268135"), ("Bek", "clerk", "731946")] {
        session.type_into("user-name", name).await;
        session.select("user-role", role).await;
        session.type_into("user-pin", pin).await;
        session.click("add-user").await;
        session.find(&format!("user-{name}")).await;
        session.wait_for_focus("user-name").await;
    }
    // A PIN of the wrong form is refused at the PIN field, which takes focus.
    session.type_into("user-name", "Dana").await;
    session.type_into("user-pin", "12").await;
    session.click("add-user").await;
    session
        .wait_for_attribute("user-error", "data-code", "error.store.pin_format")
        .await;
    session.wait_for_focus("user-pin").await;
    session
        .wait_for_attribute("user-pin", "aria-invalid", "true")
        .await;
    shots(&session, "setup-people").await;
    session.clear("user-name").await;
    session.clear("user-pin").await;
    scroll_to_bottom(&session).await;
    session.click("setup-finish").await;
    // The first user, the chair who set the laptop up, is offered first.
    arrive(&session, "login", "login-user-Aigul").await;
    shots(&session, "login").await;

    // A wrong PIN is refused.
    session.click("login-user-Ana").await;
    session.wait_for_focus("login-pin").await;
    session.type_into("login-pin", "000111").await;
    session.click("login-submit").await;
    session
        .wait_for_text("login-error", &message("kk", "error.store.wrong_pin"))
        .await;
    session.wait_for_focus("login-pin").await;
    session.clear("login-pin").await;
    sign_in(&session, "Ana", "268135").await;
    session
        .wait_for_attribute(&format!("protocol-{P1}"), "data-phase", "empty")
        .await;
    arrive(&session, "dashboard", &format!("open-{P1}")).await;
    // The focus outline stands out at least 3:1 against what it sits on, in the header too.
    for id in [
        format!("open-{P1}"),
        "language-ru".to_owned(),
        "switch-user".to_owned(),
    ] {
        let ratio = session.focus_contrast(&id).await;
        assert!(
            3.0 <= ratio,
            "the focus outline of [data-testid={id}] has contrast {ratio:.2}:1"
        );
    }
    shots(&session, "dashboard").await;

    // Entry 1 by Ana, by keyboard; bad keystrokes are refused, shown as typed, and nothing is
    // stored (`tests/keyboard.rs` types every kind of slip at human speed).
    session.click(&format!("open-{P1}")).await;
    arrive(&session, "entry", "field-L1").await;
    session.wait_for_attribute("entry", "data-entry", "1").await;
    // An empty form claims no result of its checks; finishing it marks the empty lines and
    // takes the eye to the first.
    session.find("checks-nothing-yet").await;
    session.click("finish-entry").await;
    session
        .wait_for_attribute("finish-problem", "data-kind", "missing")
        .await;
    session.wait_for_focus("field-L1").await;
    session
        .wait_for_attribute("field-L9", "data-missing", "true")
        .await;
    let ratio = session.focus_contrast("field-L1").await;
    assert!(
        3.0 <= ratio,
        "the focus outline of a field has contrast {ratio:.2}:1"
    );
    let values = p1_values(20);
    type_entry(&session, &values[..3]).await;
    session.type_into("field-L3", "x").await;
    assert_refused(&session, "L3", "error.input.not_a_number", "800x").await;
    session.press(Key::Backspace).await;
    session
        .wait_for_attribute("status-L3", "data-status", "saved")
        .await;
    session.wait_for_value("field-L3", "800").await;
    session.paste("field-L3a", "12 voters").await;
    assert_refused(&session, "L3a", "error.input.not_a_number", "12 voters").await;
    session.paste("field-L3a", "-5").await;
    assert_refused(&session, "L3a", "error.input.negative", "-5").await;
    session.paste("field-L3a", "12345678").await;
    assert_refused(&session, "L3a", "error.input.too_large", "12345678").await;
    session
        .wait_for_text("stored-L3a", &message("kk", "field.stored_nothing"))
        .await;
    shots(&session, "entry-refused").await;
    // The refused paste stays in the field until the clerk takes it away.
    session.click("field-L3a").await;
    session.press_ctrl('a').await;
    session.press(Key::Backspace).await;
    session
        .wait_for_attribute("status-L3a", "data-status", "empty")
        .await;
    type_entry(&session, &values[3..]).await;
    // Enter on the last line goes to "finish", not back into the same value.
    session.wait_for_focus("finish-entry").await;
    session
        .wait_for_attribute("field-L9", "data-missing", "false")
        .await;

    // An error is shown with its lines marked, then fixed.
    clear_and_type(&session, "L7", "760").await;
    session.find("finding-E05").await;
    session
        .wait_for_attribute("finding-E05", "data-severity", "error")
        .await;
    session
        .wait_for_attribute("field-L7", "data-flag", "error")
        .await;
    session
        .wait_for_attribute("field-L9", "data-flag", "error")
        .await;
    shots(&session, "entry-error").await;
    clear_and_type(&session, "L7", "750").await;
    session.wait_for_absent("finding-E05").await;
    session
        .wait_for_attribute("field-L9", "data-flag", "none")
        .await;
    session.find("finding-W05").await;

    // Ctrl+G jumps to a party's row by its number.
    session.press_ctrl('g').await;
    session.wait_for_focus("jump").await;
    session.type_into("jump", "3").await;
    session.press(Key::Enter).await;
    session.wait_for_focus("field-L8.3").await;

    session.click("finish-entry").await;
    session.find("entry-finished").await;
    session.wait_for_focus("back").await;
    scroll_to_bottom(&session).await;
    session.click("back").await;
    session
        .wait_for_attribute(&format!("protocol-{P1}"), "data-phase", "first_done")
        .await;
    arrive(&session, "dashboard", &format!("open-{P1}")).await;

    // The same clerk may not type the second entry.
    session.click(&format!("open-{P1}")).await;
    session.wait_for_attribute("entry", "data-entry", "2").await;
    session.type_into("field-L1", "1000").await;
    session
        .wait_for_text(
            "refusal-L1",
            &message("kk", "error.store.same_user_second_entry"),
        )
        .await;
    session.click("back").await;

    // Entry 2 by Bek, blind, with one differing line (L9).
    switch_user(&session, "Bek", "731946").await;
    session.click(&format!("open-{P1}")).await;
    session.wait_for_attribute("entry", "data-entry", "2").await;
    session.wait_for_value("field-L1", "").await;
    session.wait_for_value("field-L9", "").await;
    shots(&session, "entry-second").await;
    type_entry(&session, &p1_values(21)).await;
    session.wait_for_focus("finish-entry").await;
    session.press(Key::Enter).await;
    session.find("entry-finished").await;
    session.click("back").await;
    session
        .wait_for_attribute(&format!("protocol-{P1}"), "data-phase", "differ")
        .await;

    // The audit log is blind while the entries differ: every row stays, its numbers do not.
    session.click("open-audit").await;
    session
        .wait_for_attribute("audit-intact", "data-intact", "true")
        .await;
    let rows = session.texts("audit-row-").await;
    let saved = message("kk", "audit.action.value_save");
    let hidden = message("kk", "audit.hidden");
    let saves: Vec<&String> = rows.iter().filter(|row| row.contains(&saved)).collect();
    assert!(
        p1_values(20).len() * 2 <= saves.len(),
        "a save row is missing: {rows:?}"
    );
    for row in saves {
        assert!(
            row.contains(&hidden) && !row.contains("\"value\"") && !row.contains("\"raw\""),
            "a save row shows an entry's number before the entries agree: {row:?}"
        );
    }
    session.click("back").await;

    // The chair, who typed neither entry, reconciles the differing line against the paper, blind:
    // neither entry's value is shown.
    switch_user(&session, "Aigul", "590417").await;
    session.click(&format!("open-{P1}")).await;
    arrive(&session, "reconcile", "paper-L9").await;
    let row = session
        .find("difference-L9")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        !row.contains("20") && !row.contains("21"),
        "the reconcile screen shows an entry's value: {row:?}"
    );
    // A refused paper value says why, beside the field, which keeps focus.
    session.type_into("paper-L9", "2o").await;
    session.press(Key::Enter).await;
    session
        .wait_for_text(
            "paper-refusal-L9",
            &message("kk", "error.input.not_a_number"),
        )
        .await;
    session.wait_for_focus("paper-L9").await;
    shots(&session, "reconcile").await;
    // A value on neither entry is stored only once confirmed; retyping drops the question.
    session.clear("paper-L9").await;
    session.type_into("paper-L9", "19").await;
    session.press(Key::Enter).await;
    session.find("neither-L9").await;
    session.wait_for_focus("confirm-neither-L9").await;
    shots(&session, "reconcile-neither").await;
    session.clear("paper-L9").await;
    session.type_into("paper-L9", "20").await;
    session.wait_for_absent("neither-L9").await;
    session.press(Key::Enter).await;
    session
        .wait_for_attribute("matched-L9", "data-matched", "first")
        .await;
    session.find("reconcile-done").await;
    session.wait_for_focus("to-review").await;
    session.click("to-review").await;

    // Review: the warning is acknowledged, then the chair, signed in, finalizes.
    arrive(&session, "review", "acknowledge-W05").await;
    shots(&session, "review").await;
    session.click("finalize").await;
    session
        .wait_for_attribute(
            "review-error",
            "data-code",
            "error.store.unacknowledged_warnings",
        )
        .await;
    session.wait_for_focus("review-error").await;
    session.click("acknowledge-W05").await;
    session.find("acknowledged-W05").await;
    session.wait_for_focus("finalize").await;
    session.click("finalize").await;
    session.wait_for_focus("final").await;
    session
        .wait_for_attribute("review-state", "data-phase", "final")
        .await;
    shots(&session, "final").await;

    // The audit log holds no trace of the refused text.
    session.click("back").await;
    session.click("open-audit").await;
    session
        .wait_for_attribute("audit-intact", "data-intact", "true")
        .await;
    let rows = session.texts("audit-row-").await;
    // Actions in words, the acting user on the row, the time with its offset from UTC.
    let finalized = message("kk", "audit.action.protocol_finalize");
    let row = rows
        .iter()
        .find(|row| row.contains(&finalized))
        .unwrap_or_else(|| panic!("no audit row says {finalized:?}: {rows:?}"));
    assert!(
        row.contains("Aigul"),
        "the finalize row names no user: {row:?}"
    );
    assert!(
        row.contains(" +") || row.contains(" -"),
        "the finalize row shows no offset from UTC: {row:?}"
    );
    assert!(
        !rows.iter().any(|row| row.contains("protocol.finalize")),
        "an audit row shows an action code: {rows:?}"
    );
    for refused in ["12 voters", "\"-5\"", "12345678", "800x"] {
        assert!(
            !rows.iter().any(|row| row.contains(refused)),
            "the refused text {refused:?} reached the audit log"
        );
    }
    shots(&session, "audit").await;

    // Bek starts the district protocol; three lines already break E01.
    session.click("back").await;
    switch_user(&session, "Bek", "731946").await;
    session.click("open-majilis-smd-1").await;
    session.wait_for_attribute("entry", "data-entry", "1").await;
    for (line, value) in [("L2", "1000"), ("L3", "800"), ("L4", "199")] {
        clear_and_type(&session, line, value).await;
    }
    session.find("finding-E01").await;

    // After a restart the app shows the same state, in Kazakh, and switches languages; the
    // half-typed entry opens with its check panel as it was, before any key is pressed.
    let session = session.restart().await;
    sign_in(&session, "Bek", "731946").await;
    session
        .wait_for_attribute("protocol-majilis-smd-1", "data-phase", "first_in_progress")
        .await;
    session.click("open-majilis-smd-1").await;
    session.wait_for_value("field-L4", "199").await;
    session
        .wait_for_attribute("finding-E01", "data-severity", "error")
        .await;
    session.click("back").await;
    switch_user(&session, "Aigul", "590417").await;
    session
        .wait_for_attribute(&format!("protocol-{P1}"), "data-phase", "final")
        .await;
    for locale in ["kk", "ru", "kk"] {
        session.click(&format!("language-{locale}")).await;
        session
            .wait_for_attribute("app-shell", "data-locale", locale)
            .await;
        session
            .wait_for_text(&format!("state-{P1}"), &message(locale, "phase.final"))
            .await;
        session
            .wait_for_text("open-audit", &message(locale, "dashboard.audit"))
            .await;
        session
            .wait_for_text("switch-user", &message(locale, "session.switch_user"))
            .await;
    }
    shots(&session, "dashboard-final").await;
    session.finish().await;
}

#[tokio::test]
async fn nothing_runs_off_the_side_at_double_zoom() {
    let session = Session::start().await;
    wait_for_screen(&session, "setup").await;
    session.click("load-demo").await;
    session.find("precinct-form").await;
    let widths = session
        .script(
            "document.documentElement.style.zoom = '2';\n\
             const page = document.documentElement;\n\
             return [page.scrollWidth, page.clientWidth];",
        )
        .await;
    let (scroll, client) = (widths[0].as_u64(), widths[1].as_u64());
    assert!(
        scroll <= client,
        "at 200 % zoom the page is {scroll:?} px wide in a {client:?} px window"
    );
    session.screenshot("setup-kk-zoom").await;
    session.finish().await;
}

#[tokio::test]
async fn the_setup_screen_works_from_the_keyboard() {
    let session = Session::start().await;
    wait_for_screen(&session, "setup").await;
    session.tab_to("language-ru").await;
    session.press(Key::Enter).await;
    session
        .wait_for_attribute("app-shell", "data-locale", "ru")
        .await;
    session
        .wait_for_text("setup-title", &message("ru", "setup.title"))
        .await;
    session.tab_to("load-demo").await;
    session.press(Key::Enter).await;
    session.find("precinct-form").await;
    session.finish().await;
}

/// The definition file is chosen in the real GTK file dialog (no path is typed into the page):
/// the app reads the commission key beside the file chosen and asks for its paper check.
#[tokio::test]
async fn the_definition_file_is_chosen_in_the_system_file_dialog() {
    let session = Session::start().await;
    wait_for_screen(&session, "setup").await;
    let dir = session
        .database()
        .parent()
        .expect("the database is in a folder")
        .join("from the commission");
    std::fs::create_dir_all(&dir).expect("the folder can be made");
    let file = dir.join("definition.json");
    std::fs::write(&file, builtin::DEMO_JSON).expect("the definition can be written");
    let commission =
        hattama_batch::keys::generate_unencrypted("commission").expect("a commission key");
    let key = hattama_batch::keys::unlock(&commission.secret_key, None).expect("it unlocks");
    let signature = hattama_batch::registry::sign_definition(builtin::DEMO_JSON, &key)
        .expect("the definition is signed");
    std::fs::write(dir.join("definition.json.minisig"), signature).expect("written");
    std::fs::write(
        dir.join("commission.pub"),
        format!("{}\n", commission.public_key),
    )
    .expect("written");

    session.click("load-file").await;
    session
        .choose_in_file_dialog(&message("kk", "setup.file_dialog"), &file)
        .await;
    session
        .wait_for_attribute("definition-path", "data-path", &file.display().to_string())
        .await;
    session.find("commission-key-form").await;
    let key_id = session
        .find("commission-key-id")
        .await
        .text()
        .await
        .expect("the key id shows");
    assert_eq!(
        key_id,
        hattama_batch::keys::public_key_id(&commission.public_key)
            .expect("the key has an id")
            .to_string()
    );
    session.finish().await;
}

/// The smoke test `cargo xtask test` runs against the installed `.deb`.
#[tokio::test]
async fn starts_in_kazakh_on_the_setup_screen() {
    let session = Session::start().await;
    wait_for_screen(&session, "setup").await;
    session
        .wait_for_attribute("app-shell", "data-locale", "kk")
        .await;
    session
        .wait_for_text("setup-title", &message("kk", "setup.title"))
        .await;
    let database = session.database().display().to_string();
    session
        .wait_for_attribute("database-path", "data-path", &database)
        .await;
    session.finish().await;
}

/// The demo precinct with chair Aigul and clerks Ana and Bek: P1 typed alike by both clerks with
/// W05 and E04 failing (agreed, waiting for an acknowledgement, an act and the chair), and the
/// first district protocol typed with one differing line (waiting for reconciliation).
fn waiting_for_the_chair(database: &Path) {
    // PINs at a small Argon2id cost: this test is about roles, not PIN cost.
    let (mut store, chair) = precinct::set_up_demo(database);
    precinct::add_clerks(&mut store, &chair, &[("Ana", "268135"), ("Bek", "731946")]);
    let ana = store.sign_in("Ana", "268135", NOW).expect("Ana signs in");
    let bek = store.sign_in("Bek", "731946", NOW).expect("Bek signs in");
    // L6 = 50 of L5 = 800: W05 (invalid above 5 %) and E04 (L5 = L6 + L7) fail.
    let p1: Vec<(String, String)> = builtin::DEMO_CLEAN_P1
        .iter()
        .map(|&(line, value)| {
            (
                line.to_owned(),
                if line == "L6" { 50 } else { value }.to_string(),
            )
        })
        .collect();
    let smd = "majilis-smd-1";
    let definition = store.definition().expect("set up");
    let found = definition.contest(smd).expect("the district contest");
    let smd_lines = builtin::templates()
        .template(&found.template)
        .expect("its template")
        .line_ids(found.rows.len());
    for (entry, user) in [(EntryNo::First, &ana), (EntryNo::Second, &bek)] {
        for (line, value) in &p1 {
            store
                .save_value(user, P1, entry, line, value, NOW)
                .expect("a value saves");
        }
        store
            .finish_entry(user, P1, entry, NOW)
            .expect("P1 is complete");
        for line in &smd_lines {
            let value = if line == "L1" && entry == EntryNo::Second {
                "2"
            } else {
                "1"
            };
            store
                .save_value(user, smd, entry, line, value, NOW)
                .expect("a value saves");
        }
        store
            .finish_entry(user, smd, entry, NOW)
            .expect("the district protocol is complete");
    }
    store.close().expect("the store closes");
}

/// Every control the chair's actions have, as the dashboard, reconcile and review screens name
/// them, with the screen each is on.
const CHAIR_CONTROLS_ON_THE_DASHBOARD: [&str; 3] = ["open-device-key", "open-export", "open-print"];
const CHAIR_CONTROLS_ON_THE_REVIEW: [&str; 4] = [
    "acknowledge-W05",
    "act-number-E04",
    "attach-act-E04",
    "finalize",
];

#[tokio::test]
async fn a_clerk_sees_no_chair_control_and_the_same_commands_over_ipc_are_refused() {
    let session = Session::start_prepared(&waiting_for_the_chair).await;
    sign_in(&session, "Ana", "268135").await;
    for id in CHAIR_CONTROLS_ON_THE_DASHBOARD {
        assert!(
            !session.present(id).await,
            "a clerk sees [data-testid={id}]"
        );
    }
    // The differing district protocol: no field to settle it, a word on who does.
    session.click("open-majilis-smd-1").await;
    wait_for_screen(&session, "reconcile").await;
    session.find("reconcile-not-permitted").await;
    assert!(
        !session.present("paper-L1").await,
        "a clerk can settle a line"
    );
    assert!(
        !session.present("settle-L1").await,
        "a clerk can settle a line"
    );
    session.click("back").await;
    // The agreed P1: its failing checks show, and none of the chair's controls.
    session.click(&format!("open-{P1}")).await;
    wait_for_screen(&session, "review").await;
    session.find("finalize-by-chair").await;
    session.find("finding-W05").await;
    for id in CHAIR_CONTROLS_ON_THE_REVIEW {
        assert!(
            !session.present(id).await,
            "a clerk sees [data-testid={id}]"
        );
    }

    // The same commands called directly over IPC with the clerk's session are refused.
    let refused_calls = [
        (
            "reconcile",
            serde_json::json!({ "contest": "majilis-smd-1", "line": "L1", "raw": "1", "confirmNeither": false }),
        ),
        (
            "acknowledge",
            serde_json::json!({ "contest": P1, "code": "W05" }),
        ),
        (
            "attach_act",
            serde_json::json!({ "contest": P1, "code": "E04", "number": "1", "text": "Recounted twice in front of observers." }),
        ),
        ("finalize", serde_json::json!({ "contest": P1 })),
        (
            "create_device_key",
            serde_json::json!({ "passphrase": "a long chair passphrase", "repeated": "a long chair passphrase" }),
        ),
        (
            "export_batch",
            serde_json::json!({ "passphrase": "a long chair passphrase", "folder": "/tmp" }),
        ),
        (
            "add_user",
            serde_json::json!({ "name": "FakeChair", "role": "chair", "pin": "480263", "chairPin": "268135" }),
        ),
        (
            "add_user",
            serde_json::json!({ "name": "Puppet", "role": "clerk", "pin": "480263", "chairPin": null }),
        ),
    ];
    for (command, args) in refused_calls {
        let refused = session
            .invoke(command, args)
            .await
            .expect_err(&format!("`{command}` ran for a clerk"));
        assert_eq!(
            refused["code"], "error.store.not_permitted",
            "`{command}` as a clerk: {refused}"
        );
    }
    // Nothing changed: the protocols wait where they were, the users are the same.
    let overview = session
        .invoke("overview", serde_json::json!({}))
        .await
        .expect("overview");
    assert_eq!(overview["users"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        overview["precinct"]["protocols"][0]["state"]["phase"],
        "agreed"
    );

    // The chair, signed in, has every one of those controls.
    session.click("back").await;
    switch_user(&session, "Aigul", "590417").await;
    for id in CHAIR_CONTROLS_ON_THE_DASHBOARD {
        session.find(id).await;
    }
    session.click(&format!("open-{P1}")).await;
    wait_for_screen(&session, "review").await;
    for id in CHAIR_CONTROLS_ON_THE_REVIEW {
        session.find(id).await;
    }
    session.finish().await;
}
