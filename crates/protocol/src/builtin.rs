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

/// A Majilis party-list protocol (P1) for a demo precinct on which every check passes, line by
/// line in paper order (seven parties, as in the demo): what tests, examples and screenshots type
/// in when the values do not matter. Tested by `the_demo_clean_p1_passes_every_check`.
pub const DEMO_CLEAN_P1: &[(&str, u32)] = &[
    ("L1", 1000),
    ("L2", 1000),
    ("L3", 800),
    ("L3a", 10),
    ("L3b", 20),
    ("L4", 200),
    ("L5", 800),
    ("L5b", 20),
    ("L6", 20),
    ("L7", 780),
    ("L8.1", 100),
    ("L8.2", 100),
    ("L8.3", 100),
    ("L8.4", 100),
    ("L8.5", 100),
    ("L8.6", 100),
    ("L8.7", 100),
    ("L9", 80),
];

/// The demo P1 of the double-entry scenario that the app's tests and screenshots walk through:
/// every error check passes and warning W05 fires (50 invalid ballots of 800 in the boxes, more
/// than 5 %), so it has a warning to acknowledge. Tested by `the_demo_w05_p1_fails_w05_only`.
pub const DEMO_W05_P1: &[(&str, u32)] = &[
    ("L1", 1000),
    ("L2", 1000),
    ("L3", 800),
    ("L3a", 10),
    ("L3b", 20),
    ("L4", 200),
    ("L5", 800),
    ("L5b", 20),
    ("L6", 50),
    ("L7", 750),
    ("L8.1", 300),
    ("L8.2", 100),
    ("L8.3", 100),
    ("L8.4", 100),
    ("L8.5", 50),
    ("L8.6", 50),
    ("L8.7", 30),
    ("L9", 20),
];

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
