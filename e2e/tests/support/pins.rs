//! The store's configuration for the databases the E2E tests fill before the app starts.

use hattama_store::{Config, PinCost};

/// PINs at a small Argon2id cost: these tests are not about PIN cost, and they sign people in
/// (in the app and in the database beside it) after each step.
pub(crate) fn cheap_pins() -> Config {
    Config {
        pin_cost: PinCost {
            memory_kib: 256,
            passes: 1,
            lanes: 1,
        },
        ..Config::default()
    }
}
