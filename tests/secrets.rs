//! Secrets are never printed or written in clear.
//!
//! A canary secret is given to a sensitive variable by `-var`, by a variable file (HCL and
//! JSON), by `STRATA_VAR_*` and as the declaration's default, and goes through every
//! command, failing ones included (a validation that fails, a type error, a function
//! error, an apply whose provider calls fail). Standard output, standard error, every file
//! under the state folder and every file a command writes (`plan -out`, `report -o`) are
//! searched for the canary in its plain, JSON-escaped, Rust-escaped, base64 and hex forms.
//! The same runs with `STRATA_STATE_KEY` set, and a proptest tries arbitrary canaries.

mod common;

// The topics, one file each under secrets/ (a test crate's root resolves `mod` paths beside
// itself, hence the `#[path]`s).
mod canary;
#[path = "secrets/case.rs"]
mod case;
#[path = "secrets/everywhere.rs"]
mod everywhere;
#[path = "secrets/messages.rs"]
mod messages;
