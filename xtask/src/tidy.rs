//! Tidy tests over the whole tree, run by plain `cargo test`: each failure says what to fix.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::sh;

    /// Source folders the checks walk (generated and vendored code excluded).
    const SOURCE_ROOTS: [&str; 6] = [
        "crates",
        "xtask",
        "src-tauri/src",
        "e2e",
        "src-tauri/tests",
        "fuzz",
    ];

    fn rust_files() -> Vec<PathBuf> {
        let mut files = Vec::new();
        for root in SOURCE_ROOTS {
            walk(&sh::root().join(root), &mut files);
        }
        files
    }

    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name == "node_modules" || name == "gen" {
                continue;
            }
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }

    fn relative(path: &Path) -> String {
        path.strip_prefix(sh::root())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    #[test]
    fn every_module_opens_with_a_doc_comment() {
        let missing: Vec<String> = rust_files()
            .into_iter()
            .filter(|path| {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                !text.trim_start().starts_with("//!")
            })
            .map(|path| relative(&path))
            .collect();
        assert!(
            missing.is_empty(),
            "start these files with a `//!` comment saying what they own: {missing:?}"
        );
    }

    #[test]
    fn no_forbidden_markers() {
        // Split so this file does not match itself.
        let forbidden = [
            concat!("#[should", "_panic"),
            concat!("#[ign", "ore"),
            concat!("db", "g!("),
        ];
        let mut found = Vec::new();
        for path in rust_files() {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (idx, line) in text.lines().enumerate() {
                for marker in forbidden {
                    if line.contains(marker) {
                        found.push(format!("{}:{}: {marker}", relative(&path), idx + 1));
                    }
                }
                if line.ends_with(' ') || line.ends_with('\t') {
                    found.push(format!(
                        "{}:{}: trailing white space",
                        relative(&path),
                        idx + 1
                    ));
                }
            }
        }
        assert!(
            found.is_empty(),
            "assert the Err instead of should_panic, fix instead of ignore, remove dbg!: {found:#?}"
        );
    }

    /// The most lines a Rust source file outside tests and generated code may have.
    const MAX_LINES: usize = 600;

    /// Files allowed over [`MAX_LINES`] for now, each with its reason. An entry that is no
    /// longer over the limit fails the test too, so the list only shrinks.
    const LONG_FILES_ALLOWED: &[(&str, &str)] = &[];

    /// Whether the whole of `relative` (a path from the workspace root, `/`-separated) is test
    /// code: it lies under a `tests` folder, or is named `tests.rs` or `*_tests.rs`.
    fn is_test_file(relative: &str) -> bool {
        let mut parts = relative.split('/');
        let name = parts.next_back().unwrap_or_default();
        parts.any(|folder| folder == "tests") || name == "tests.rs" || name.ends_with("_tests.rs")
    }

    /// The lines of `text` that count: those before its first `#[cfg(test)]` at the start of a
    /// line, which by this repository's habit opens the test module at the end of the file.
    /// Everything from there on is test code. Generated code is not walked at all (`gen/`
    /// folders; the generated TypeScript is no Rust).
    fn counted_lines(text: &str) -> usize {
        text.lines()
            .take_while(|line| !line.starts_with("#[cfg(test)]"))
            .count()
    }

    #[test]
    fn no_source_file_is_longer_than_600_lines() {
        let mut too_long = Vec::new();
        let mut lengths = std::collections::HashMap::new();
        for path in rust_files() {
            let relative = relative(&path).replace('\\', "/");
            if is_test_file(&relative) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let lines = counted_lines(&text);
            lengths.insert(relative.clone(), lines);
            let allowed = LONG_FILES_ALLOWED.iter().any(|(file, _)| *file == relative);
            if MAX_LINES < lines && !allowed {
                too_long.push(format!("{relative}: {lines} lines"));
            }
        }
        assert!(
            too_long.is_empty(),
            "split these files by concern into modules of at most {MAX_LINES} lines (tests after \
             a `#[cfg(test)]` at the end, and files under tests/ or named tests.rs or *_tests.rs, \
             do not count): {too_long:#?}"
        );
        let stale: Vec<&str> = LONG_FILES_ALLOWED
            .iter()
            .map(|(file, _)| *file)
            .filter(|file| lengths.get(*file).is_none_or(|lines| *lines <= MAX_LINES))
            .collect();
        assert!(
            stale.is_empty(),
            "these files are no longer over {MAX_LINES} lines (or gone): take them off \
             LONG_FILES_ALLOWED: {stale:?}"
        );
    }

    #[test]
    fn the_line_rule_tells_test_code_from_source() {
        assert!(is_test_file("crates/cli/tests/support/run.rs"));
        assert!(is_test_file("src-tauri/src/tests.rs"));
        assert!(is_test_file("src-tauri/src/outbound/tests.rs"));
        assert!(!is_test_file("crates/batch/src/receive.rs"));
        assert!(!is_test_file("crates/store/src/contests.rs"));
        assert_eq!(
            counted_lines("//! a\nfn a() {}\n#[cfg(test)]\nmod tests {\n}\n"),
            2
        );
        assert_eq!(counted_lines("//! a\n    #[cfg(test)]\nfn b() {}\n"), 3);
    }

    #[test]
    fn architecture_names_every_workspace_crate() {
        let manifest = std::fs::read_to_string(sh::root().join("Cargo.toml")).unwrap_or_default();
        let architecture =
            std::fs::read_to_string(sh::root().join("ARCHITECTURE.md")).unwrap_or_default();
        let members = manifest
            .lines()
            .find(|line| line.starts_with("members"))
            .unwrap_or_default()
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect::<Vec<_>>();
        assert!(!members.is_empty(), "could not read the workspace members");
        let mut missing = Vec::new();
        for member in members {
            let package = std::fs::read_to_string(sh::root().join(&member).join("Cargo.toml"))
                .unwrap_or_default();
            let name = package
                .lines()
                .find_map(|line| line.strip_prefix("name = \""))
                .map(|rest| rest.trim_end_matches('"').to_owned())
                .unwrap_or_default();
            if !architecture.contains(&format!("`{member}`")) || !architecture.contains(&name) {
                missing.push(format!("{member} ({name})"));
            }
        }
        assert!(
            missing.is_empty(),
            "describe these crates in ARCHITECTURE.md's codemap: {missing:?}"
        );
    }
}
