//! The app through its real webview: it starts in Kazakh, and the language switch changes every label.
//!
//! Elements are found by `data-testid`; visible text is compared only to assert which language
//! shows, and then against the UI's own catalogues.

use hattama_e2e::{Key, Session, message};

/// Elements whose text is one catalogue message, checked on every language switch.
const LABELS: &[(&str, &str)] = &[
    ("app-tagline", "app.tagline"),
    ("welcome-title", "welcome.title"),
    ("welcome-intro", "welcome.intro"),
    ("welcome-first-run", "welcome.first_run"),
    ("load-demo", "welcome.load_demo"),
];

/// Waits until every label shows `locale`'s message and the page says it is in `locale`.
async fn assert_shows_language(session: &Session, locale: &str) {
    for (id, key) in LABELS {
        session.wait_for_text(id, &message(locale, key)).await;
    }
    session
        .wait_for_attribute("app-shell", "data-locale", locale)
        .await;
    session
        .wait_for_attribute(
            "language-switch",
            "aria-label",
            &message(locale, "shell.language.label"),
        )
        .await;
    session
        .wait_for_attribute(&format!("language-{locale}"), "aria-pressed", "true")
        .await;
}

#[tokio::test]
async fn starts_in_kazakh_on_the_welcome_screen() {
    let session = Session::start().await;
    assert_shows_language(&session, "kk").await;
    let database = session.database().display().to_string();
    session
        .wait_for_attribute("database-path", "data-path", &database)
        .await;
    session.screenshot("welcome-kk").await;
    session.finish().await;
}

#[tokio::test]
async fn switching_to_russian_shows_russian_labels() {
    let session = Session::start().await;
    assert_shows_language(&session, "kk").await;
    session.click("language-ru").await;
    assert_shows_language(&session, "ru").await;
    session
        .wait_for_attribute("language-kk", "aria-pressed", "false")
        .await;
    session.screenshot("welcome-ru").await;
    session.finish().await;
}

#[tokio::test]
async fn switching_to_english_and_asking_for_the_demo() {
    let session = Session::start().await;
    assert_shows_language(&session, "kk").await;
    session.click("language-en").await;
    assert_shows_language(&session, "en").await;
    session.click("load-demo").await;
    session
        .wait_for_text("demo-status", &message("en", "welcome.demo_pending"))
        .await;
    session.screenshot("welcome-en").await;
    session.finish().await;
}

#[tokio::test]
async fn the_language_switch_and_the_demo_button_work_from_the_keyboard() {
    let session = Session::start().await;
    assert_shows_language(&session, "kk").await;
    session.tab_to("language-ru").await;
    session.press(Key::Enter).await;
    assert_shows_language(&session, "ru").await;
    session.tab_to("load-demo").await;
    session.press(Key::Enter).await;
    session
        .wait_for_text("demo-status", &message("ru", "welcome.demo_pending"))
        .await;
    session.finish().await;
}

#[tokio::test]
async fn nothing_runs_off_the_side_at_double_zoom() {
    let session = Session::start().await;
    assert_shows_language(&session, "kk").await;
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
    session.screenshot("welcome-kk-zoom").await;
    session.finish().await;
}
