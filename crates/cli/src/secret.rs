//! Reading PINs and passphrases: the one place the CLI takes a secret from, and never from its
//! command line (which every user of the machine can read in `/proc/<pid>/cmdline`).
//!
//! Each secret has a name (`pin`: the signed-in user's PIN; `new-pin`: a new user's PIN, or the
//! first chair's at setup; `passphrase`) and comes from, in this order:
//!
//! 1. standard input, one line per secret, when `--pin-stdin` is given: the command reads the
//!    secrets it needs in a fixed order: the signed-in user's PIN first, then a new PIN, then
//!    the passphrase (`user add` reads `pin` then `new-pin`; `export` reads `pin` then
//!    `passphrase`);
//! 2. the environment variable `HATTAMA_<NAME>` (`HATTAMA_PIN`, `HATTAMA_NEW_PIN`,
//!    `HATTAMA_PASSPHRASE`), for scripts: a process's environment is readable only by its own
//!    user, unlike its command line;
//! 3. the terminal, with a prompt and no echo, when standard input is a terminal.
//!
//! Otherwise the command stops and says how to give the secret. A secret is held in a
//! [`Zeroizing`] string, so its bytes are overwritten once it is dropped.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

/// A secret read from one of the sources above.
pub(crate) type Secret = Zeroizing<String>;

/// Where this run takes its secrets from.
#[derive(Debug)]
pub(crate) struct Secrets {
    /// Whether `--pin-stdin` was given: every secret is the next line of standard input.
    stdin: bool,
}

impl Secrets {
    /// Secrets for this run: from standard input when `pin_stdin`, else from the environment or
    /// the terminal.
    pub(crate) fn new(pin_stdin: bool) -> Secrets {
        Secrets { stdin: pin_stdin }
    }

    /// The secret called `name` (`pin`, `passphrase`, …).
    pub(crate) fn read(&mut self, name: &str) -> Result<Secret> {
        match self.given(name)? {
            Some(secret) => Ok(secret),
            None => prompt(name, false),
        }
    }

    /// A new secret called `name` (a PIN or passphrase being chosen): as [`Secrets::read`], but on the
    /// terminal it is asked twice and the two must agree.
    pub(crate) fn read_new(&mut self, name: &str) -> Result<Secret> {
        match self.given(name)? {
            Some(secret) => Ok(secret),
            None => prompt(name, true),
        }
    }

    fn given(&mut self, name: &str) -> Result<Option<Secret>> {
        if self.stdin {
            return read_line(name).map(Some);
        }
        match std::env::var(env_name(name)) {
            Ok(value) => Ok(Some(Zeroizing::new(value))),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => bail!("{} is not UTF-8", env_name(name)),
        }
    }
}

/// The environment variable that carries the secret `name`: `HATTAMA_NEW_PIN` for `new-pin`.
pub(crate) fn env_name(name: &str) -> String {
    format!("HATTAMA_{}", name.to_ascii_uppercase().replace('-', "_"))
}

/// The next line of standard input, without its line ending.
fn read_line(name: &str) -> Result<Secret> {
    let mut line = Zeroizing::new(String::new());
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("cannot read the {name} from standard input"))?;
    if read == 0 {
        bail!("standard input ended before the {name} (--pin-stdin reads one line per secret)");
    }
    let end = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(end);
    Ok(line)
}

/// Asks on the terminal without echo (twice when `confirm`).
fn prompt(name: &str, confirm: bool) -> Result<Secret> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "the {name} is needed: type it at a terminal, pass it on standard input with \
             --pin-stdin, or set {}",
            env_name(name)
        );
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("{name}: "))
            .with_context(|| format!("cannot read the {name} from the terminal"))?,
    );
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password(format!("{name} again: "))
                .with_context(|| format!("cannot read the {name} from the terminal"))?,
        );
        if *first != *again {
            bail!("the two {name}s differ");
        }
    }
    Ok(first)
}
