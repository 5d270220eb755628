//! The app and the `hattama` CLI open the same database by default: the CLI sets a precinct up
//! with no `--db` and no `HATTAMA_DB`, then the real app, started without `HATTAMA_DB` in the
//! same home, offers that precinct's sign-in (not first-run setup) and takes the chair's PIN.
//! Both find the file through `hattama_precinct::installation::database_path`.

use std::process::{Command, Stdio};

use hattama_e2e::{CLI_ENV, Home, Session, cli_binary};

/// The first chair's PIN, chosen at setup by the CLI and typed into the app.
const CHAIR_PIN: &str = "590417";

/// Sets the demo's precinct abai/1 up in `home`'s default location through the CLI, as a
/// script on the laptop would, with Aigul as the first chair.
fn setup_with_the_cli(home: &Home) {
    let cli = cli_binary();
    assert!(
        cli.is_file(),
        "no CLI binary at {}: build it with `cargo xtask e2e` (or set {CLI_ENV})",
        cli.display()
    );
    let output = Command::new(&cli)
        .args("setup --user Aigul --definition demo --region abai --precinct 1".split(' '))
        .env_remove("HATTAMA_DB")
        .env_remove("HATTAMA_PIN")
        .envs(home.env())
        .env("HATTAMA_NEW_PIN", CHAIR_PIN)
        .stdin(Stdio::null())
        .output()
        .expect("the hattama CLI runs");
    assert!(
        output.status.success(),
        "hattama setup failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        home.default_database().is_file(),
        "the CLI did not create {}",
        home.default_database().display()
    );
}

#[tokio::test]
async fn the_app_opens_the_precinct_the_cli_set_up_by_default() {
    let session = Session::start_at_home(&setup_with_the_cli).await;
    session
        .wait_for_attribute("app-shell", "data-screen", "login")
        .await;
    let database = session.database().display().to_string();
    session
        .wait_for_attribute("database-path", "data-path", &database)
        .await;
    // The chair the CLI made signs in with the PIN the CLI set: the same file, not a copy.
    session.click("login-user-Aigul").await;
    session.type_into("login-pin", CHAIR_PIN).await;
    session.click("login-submit").await;
    session
        .wait_for_attribute("app-shell", "data-screen", "dashboard")
        .await;
    session
        .wait_for_attribute("current-user", "data-user", "Aigul")
        .await;
    session.finish().await;
}
