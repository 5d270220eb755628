//! The `hattama` command line.
fn main() {}
