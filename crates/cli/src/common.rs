//! What several commands share: loading the template set and the election definition, reading
//! input files, and writing JSON to stdout.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use hattama_protocol::definition::load_definition;
use hattama_protocol::{Lang, LoadedDefinition, TemplateSet, builtin};

/// The template set: the built-in one, or one loaded from a file.
pub(crate) fn template_set(path: Option<&Path>) -> Result<TemplateSet> {
    match path {
        None => Ok(builtin::templates().clone()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read template file {}", path.display()))?;
            Ok(TemplateSet::from_toml(&path.display().to_string(), &text)?)
        }
    }
}

/// The election definition: `demo` for the built-in one, or a file's path.
pub(crate) fn definition(name: &str, templates: &TemplateSet) -> Result<LoadedDefinition> {
    if name == "demo" {
        return Ok(load_definition(builtin::DEMO_JSON, templates)?);
    }
    let bytes =
        std::fs::read(name).with_context(|| format!("cannot read definition file {name}"))?;
    load_definition(&bytes, templates).with_context(|| format!("definition file {name}"))
}

/// The bytes of FILE, or of stdin for `-` or no file.
pub(crate) fn read_input(file: Option<&PathBuf>) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match file {
        Some(path) if path.as_os_str() != "-" => {
            bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        }
        _ => {
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .context("cannot read stdin")?;
        }
    }
    Ok(bytes)
}

/// Writes `value` as pretty JSON and a newline to stdout.
pub(crate) fn print_json(value: &serde_json::Value) -> Result<()> {
    // Buffered: stdout is line-buffered, and an import's report has tens of thousands of lines.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Writes one line to stderr.
pub(crate) fn eprint_line(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Parses `--lang`.
pub(crate) fn parse_lang(code: &str) -> Result<Lang, String> {
    Lang::from_code(code).ok_or_else(|| format!("unknown language `{code}` (kk, ru or en)"))
}
