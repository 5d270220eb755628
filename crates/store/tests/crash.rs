//! Crash test: a child process performs random entry operations on a real database and is
//! killed with SIGKILL at random points; after each kill the database must open, pass
//! `PRAGMA integrity_check`, verify its audit chain, and hold every value whose save returned
//! `Ok` (the child prints each one only after `save_value` returned).
//!
//! 200 kills by default; `HATTAMA_CRASH_KILLS=1000 cargo test -p hattama-store --test crash`
//! for the long run. The seed is printed and named in every failure; `HATTAMA_CRASH_SEED=<n>`
//! replays one. The child is this test binary again, running `crash_child` with
//! `HATTAMA_CRASH_CHILD` set; in a normal run that test returns at once.

pub mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use hattama_protocol::{Count, Status, builtin};
use hattama_store::{EntryNo, Phase, Role, Session, Store, Timestamp};

const CHILD_ENV: &str = "HATTAMA_CRASH_CHILD";
const CHILD_SEED_ENV: &str = "HATTAMA_CRASH_CHILD_SEED";
const CHAIR_PIN: &str = "590417";

/// splitmix64: enough randomness for choosing operations and kill points.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
}

#[test]
fn crash_child() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let seed = std::env::var(CHILD_SEED_ENV)
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(1);
    child(Path::new(&path), seed);
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    out.write_all(format!("{line}\n").as_bytes())
        .expect("crash child");
    out.flush().expect("crash child");
}

/// The child: random operations until killed.
fn child(path: &Path, seed: u64) {
    let mut rng = Rng(seed);
    let mut store = Store::open(path).expect("crash child");
    let now = Timestamp(1_679_245_200_000 + i64::try_from(seed % 1_000_000).expect("crash child"));
    let ana = store.sign_in("Ana", "268135", now).expect("crash child");
    let bek = store.sign_in("Bek", "731946", now).expect("crash child");
    let chair = store.sign_in("Chair", CHAIR_PIN, now).expect("crash child");
    let contests: Vec<String> = store
        .statuses()
        .expect("crash child")
        .into_iter()
        .map(|status| status.contest)
        .collect();
    say("READY");
    loop {
        let contest = &contests[rng.below(contests.len())];
        let status = store.status(contest).expect("crash child");
        let (entry, user) = match status.state.phase() {
            Phase::Empty | Phase::FirstInProgress => (EntryNo::First, &ana),
            Phase::FirstDone | Phase::SecondInProgress => (EntryNo::Second, &bek),
            Phase::Differ => {
                reconcile_one(&mut store, contest, &ana, &chair, now);
                continue;
            }
            Phase::Agreed => {
                finalize(&mut store, contest, &chair, now);
                continue;
            }
            Phase::Final => {
                store
                    .repeat(&chair, contest, "recount", now)
                    .expect("crash child");
                say(&format!("OP repeat {contest} {}", head(&store)));
                continue;
            }
        };
        let lines = line_ids(&store, contest);
        let roll = rng.below(100);
        if roll < 6 {
            // Refused input changes nothing.
            let line = &lines[rng.below(lines.len())];
            let error = store
                .save_value(user, contest, entry, line, "12x", now)
                .expect_err("refused");
            assert_eq!(error.code(), "store.bad_value");
            continue;
        }
        if roll < 12 {
            if store.finish_entry(user, contest, entry, now).is_ok() {
                say(&format!("OP finish {contest} {}", head(&store)));
            }
            continue;
        }
        // Mostly fill empty lines, so entries complete; sometimes overwrite or clear one.
        let missing = missing_lines(&store, contest, entry, user, &lines);
        let line = if roll < 80 && !missing.is_empty() {
            missing[rng.below(missing.len())].clone()
        } else {
            lines[rng.below(lines.len())].clone()
        };
        let raw = if roll < 14 {
            String::new()
        } else {
            // A narrow range makes equal entries (and so agreed protocols) common.
            (rng.below(3) * 10).to_string()
        };
        let saved = store
            .save_value(user, contest, entry, &line, &raw, now)
            .expect("crash child");
        let value = saved
            .value
            .map_or_else(|| "-".to_owned(), |value| value.get().to_string());
        say(&format!(
            "SAVE {contest} {} {} {line} {value} {}",
            status.version,
            entry.number(),
            saved.audit_seq
        ));
    }
}

fn head(store: &Store) -> i64 {
    store.audit_head().expect("crash child").0
}

fn line_ids(store: &Store, contest: &str) -> Vec<String> {
    let definition = store.definition().expect("crash child");
    let found = definition.contest(contest).expect("crash child");
    builtin::templates()
        .template(&found.template)
        .expect("crash child")
        .line_ids(found.rows.len())
}

fn missing_lines(
    store: &Store,
    contest: &str,
    entry: EntryNo,
    user: &Session,
    lines: &[String],
) -> Vec<String> {
    match store.entry_values(user, contest, entry) {
        Ok(values) => values
            .into_iter()
            .filter(|value| value.value.is_none())
            .map(|value| value.line)
            .collect(),
        Err(_) => lines.to_vec(),
    }
}

fn reconcile_one(store: &mut Store, contest: &str, ana: &Session, chair: &Session, now: Timestamp) {
    let differences = store.differences(contest).expect("crash child");
    let Some(open) = differences.iter().find(|d| d.settled.is_none()) else {
        return;
    };
    // The paper says what Ana typed; she alone may read her entry while the two differ.
    let value = store
        .entry_values(ana, contest, EntryNo::First)
        .expect("crash child")
        .into_iter()
        .find(|value| value.line == open.line)
        .and_then(|value| value.value)
        .map_or(0, Count::get)
        .to_string();
    store
        .reconcile(chair, contest, &open.line, &value, true, now)
        .expect("crash child");
    say(&format!("OP reconcile {contest} {}", head(store)));
}

fn finalize(store: &mut Store, contest: &str, chair: &Session, now: Timestamp) {
    let review = store.review(contest).expect("crash child");
    for finding in &review.findings {
        if finding.status != Status::Fail {
            continue;
        }
        let done = review.acknowledged.contains(&finding.code)
            || review.acts.iter().any(|act| act.code == finding.code);
        if done {
            continue;
        }
        if finding.code.starts_with('E') {
            store
                .attach_act(
                    chair,
                    contest,
                    &finding.code,
                    "A-1",
                    "recounted twice, the act is signed",
                    now,
                )
                .expect("crash child");
        } else {
            store
                .acknowledge(chair, contest, &finding.code, now)
                .expect("crash child");
        }
        say(&format!("OP review {contest} {}", head(store)));
    }
    store.finalize(chair, contest, now).expect("crash child");
    say(&format!("OP finalize {contest} {}", head(store)));
}

/// One acknowledged save: field (contest, version, entry, line) → (value, audit seq).
type Field = (String, i64, i64, String);

#[derive(Default)]
struct Acks {
    saves: BTreeMap<Field, (Option<i64>, i64)>,
    max_seq: i64,
    n_saves: usize,
    n_ops: usize,
}

impl Acks {
    fn record(&mut self, line: &str) -> Result<(), String> {
        let parts: Vec<&str> = line.split(' ').collect();
        let int = |text: &str| {
            text.parse::<i64>()
                .map_err(|_| format!("bad number in child line `{line}`"))
        };
        match parts.as_slice() {
            ["SAVE", contest, version, entry, line_id, value, seq] => {
                let value = if *value == "-" {
                    None
                } else {
                    Some(int(value)?)
                };
                let seq = int(seq)?;
                let field = (
                    (*contest).to_owned(),
                    int(version)?,
                    int(entry)?,
                    (*line_id).to_owned(),
                );
                self.saves.insert(field, (value, seq));
                self.max_seq = self.max_seq.max(seq);
                self.n_saves += 1;
            }
            ["OP", _, _, seq] => {
                self.max_seq = self.max_seq.max(int(seq)?);
                self.n_ops += 1;
            }
            _ => {}
        }
        Ok(())
    }
}

/// After a kill: the file opens, is sound, its chain verifies, and every acknowledged save is
/// there (or was overwritten by a later save).
fn check_after_kill(path: &Path, acks: &Acks) -> Result<(), String> {
    let store = Store::open(path).map_err(|error| format!("reopen: {error}"))?;
    let problems = store.integrity_check().map_err(|e| e.to_string())?;
    if !problems.is_empty() {
        return Err(format!("integrity_check: {problems:?}"));
    }
    let report = store.verify_audit().map_err(|e| e.to_string())?;
    if let Some(broken) = report.broken {
        return Err(format!("audit chain broken: {broken:?}"));
    }
    if report.head_seq < acks.max_seq {
        return Err(format!(
            "audit head {} is before the last acknowledged change {}",
            report.head_seq, acks.max_seq
        ));
    }
    store.close().map_err(|e| e.to_string())?;
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare(
            "SELECT e.value, e.audit_seq FROM entry_values e JOIN protocols p ON p.id = e.protocol
             WHERE p.contest = ?1 AND p.version = ?2 AND e.entry = ?3 AND e.line = ?4",
        )
        .map_err(|e| e.to_string())?;
    for ((contest, version, entry, line), (value, seq)) in &acks.saves {
        let stored: Option<(Option<i64>, i64)> = stmt
            .query_row(rusqlite::params![contest, version, entry, line], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .ok();
        let field = format!("{contest} v{version} entry {entry} {line}");
        match stored {
            None => return Err(format!("{field}: acknowledged save {seq} is lost")),
            Some((stored_value, stored_seq)) if stored_seq == *seq && stored_value != *value => {
                return Err(format!(
                    "{field}: saved {value:?} at {seq}, found {stored_value:?}"
                ));
            }
            Some((_, stored_seq)) if stored_seq < *seq => {
                return Err(format!(
                    "{field}: acknowledged save {seq} is lost (found save {stored_seq})"
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn setup(path: &Path) {
    let now = Timestamp(1_679_245_200_000);
    // PINs hashed cheaply: every child signs three users in, and there are hundreds of children.
    let mut store = Store::open_with(path, common::test_config()).expect("crash child");
    let chair = common::set_up_demo(&mut store, "Chair", CHAIR_PIN).expect("crash child");
    for (name, pin) in [("Ana", "268135"), ("Bek", "731946")] {
        store
            .add_user(&chair, name, Role::Clerk, pin, None, now)
            .expect("crash child");
    }
    store.close().expect("crash child");
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
}

#[test]
fn sigkill_at_random_points_loses_no_acknowledged_save() {
    let kills = env_number("HATTAMA_CRASH_KILLS").unwrap_or(200);
    let seed = env_number("HATTAMA_CRASH_SEED").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(7, |since| u64::from(since.subsec_nanos()))
    });
    let mut err = std::io::stderr().lock();
    writeln!(err, "crash test: {kills} kills, HATTAMA_CRASH_SEED={seed}").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("hattama.db");
    setup(&path);
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng(seed);
    let mut acks = Acks::default();
    let mut killed_mid_run = 0;
    let started = Instant::now();
    for cycle in 0..kills {
        let mut child = Command::new(&exe)
            .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .env(CHILD_SEED_ENV, rng.next().to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            // Only whole lines count: a line cut by the kill was never acknowledged.
            let mut reader = BufReader::new(stdout);
            let mut buf = String::new();
            while matches!(reader.read_line(&mut buf), Ok(n) if 0 < n) {
                if buf.ends_with('\n') && sender.send(buf.trim_end().to_owned()).is_err() {
                    break;
                }
                buf.clear();
            }
        });
        // Most kills land while the child works; some during start-up and recovery.
        if rng.below(100) < 15 {
            std::thread::sleep(Duration::from_millis(u64::try_from(rng.below(15)).unwrap()));
        } else {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match lines.recv_timeout(left) {
                    // libtest prints `test crash_child ... ` before the child's first line.
                    Ok(line) if line.ends_with("READY") => break,
                    Ok(line) => acks.record(&line).unwrap(),
                    Err(error) => panic!("seed {seed}, cycle {cycle}: child never ready: {error}"),
                }
            }
            std::thread::sleep(Duration::from_millis(
                u64::try_from(rng.below(100)).unwrap(),
            ));
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        reader.join().unwrap();
        let mut saw_work = false;
        for line in lines.try_iter() {
            saw_work |= line.starts_with("SAVE") || line.starts_with("OP");
            if let Err(error) = acks.record(&line) {
                panic!("seed {seed}, cycle {cycle}: {error}");
            }
        }
        assert!(
            status.code().is_none(),
            "seed {seed}, cycle {cycle}: the child exited by itself ({status}) instead of being killed"
        );
        killed_mid_run += usize::from(saw_work);
        if let Err(error) = check_after_kill(&path, &acks) {
            panic!("seed {seed}, cycle {cycle}: {error}");
        }
    }
    writeln!(
        err,
        "crash test: {kills} kills ({killed_mid_run} while saving) in {:.1} s; {} saves and {} other \
         operations acknowledged and found after the kills (seed {seed})",
        started.elapsed().as_secs_f64(),
        acks.n_saves,
        acks.n_ops
    )
    .unwrap();
}
