//! What ships inside the binary: the 2023 template set and the 2023 demo election definition.
//!
//! Both are parsed once, on first use. Tests prove they load, so a failure here is a build that
//! should never have shipped.

use std::sync::OnceLock;

use crate::definition::{LoadedDefinition, load_definition};
use crate::template::TemplateSet;

/// The file name the built-in template set is reported under.
pub const TEMPLATES_FILE: &str = "templates/results-2023.toml";
/// The text of the built-in template set.
pub const TEMPLATES_TOML: &str = include_str!("../templates/results-2023.toml");
/// The bytes of the built-in demo definition.
pub const DEMO_JSON: &[u8] = include_bytes!("../data/demo-2023.json");

/// The built-in 2023 template set (P1–P5 and the precinct rules).
pub fn templates() -> &'static TemplateSet {
    static SET: OnceLock<TemplateSet> = OnceLock::new();
    SET.get_or_init(|| {
        TemplateSet::from_toml(TEMPLATES_FILE, TEMPLATES_TOML)
            .expect("the built-in templates load: tested by builtin_templates_load")
    })
}

/// The built-in demo definition of the 2023 elections (invented candidates).
pub fn demo() -> &'static LoadedDefinition {
    static DEMO: OnceLock<LoadedDefinition> = OnceLock::new();
    DEMO.get_or_init(|| {
        load_definition(DEMO_JSON, templates())
            .expect("the built-in demo loads: tested by builtin_demo_loads")
    })
}
