//! `setup --definition FILE`'s confirmation of the commission key: before a key is pinned on
//! this installation, its fingerprint is shown with two groups blanked and the operator types
//! those two from the commission's paper (at the prompt or with `--fingerprint-groups`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use anyhow::{Result, bail};
use hattama_precinct::definition;
use hattama_store::Store;

use crate::access::{failed, now};
use crate::common;

/// Pins the commission key for a definition file unless it is pinned already: shows its
/// fingerprint with two groups blanked and takes the two groups typed from the paper.
pub(super) fn confirm_commission_key(
    store: &mut Store,
    definition_file: &Path,
    key_file: Option<&Path>,
    typed: Option<&str>,
) -> Result<()> {
    let key = definition::read_commission_key(&definition::commission_key_path(
        definition_file,
        key_file,
    ))
    .map_err(failed)?;
    let challenge = definition::challenge(store, &key).map_err(failed)?;
    if challenge.pinned {
        return Ok(());
    }
    let groups: Vec<String> = match typed {
        Some(typed) => typed.split_whitespace().map(str::to_owned).collect(),
        None => ask_groups(&challenge)?,
    };
    definition::pin_commission_key(store, &key, &groups, now()).map_err(failed)?;
    common::eprint_line(&format!(
        "commission key {} confirmed and pinned",
        challenge.key_id
    ));
    Ok(())
}

/// Shows the fingerprint with its blanks and reads the two groups from the terminal.
fn ask_groups(challenge: &definition::Challenge) -> Result<Vec<String>> {
    let [first, second] = challenge.blanked.map(|idx| idx + 1);
    if !std::io::stdin().is_terminal() {
        bail!(
            "confirm the commission key {} against the commission's paper: its fingerprint is \
             {}; pass groups {first} and {second} from the paper with --fingerprint-groups",
            challenge.key_id,
            challenge.shown()
        );
    }
    let mut stderr = std::io::stderr().lock();
    writeln!(
        stderr,
        "commission key {}\nfingerprint   {}\ncompare it with the commission's paper",
        challenge.key_id,
        challenge.shown()
    )?;
    let mut groups = Vec::new();
    for position in [first, second] {
        write!(stderr, "group {position} from the paper: ")?;
        stderr.flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        groups.push(line.trim().to_owned());
    }
    Ok(groups)
}
