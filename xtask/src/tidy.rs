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
