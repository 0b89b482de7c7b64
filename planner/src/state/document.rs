//! The state as a JSON document, read and written the same way by every backend: pretty
//! JSON with a trailing newline, refused when its format version is newer than this build's.

use serde::Deserialize;

use super::{FORMAT_VERSION, State, StateError};

/// The first thing read from a state document, so that a newer format is refused before
/// its other fields are judged; lineage and serial too, for checking that a write follows.
#[derive(Deserialize)]
pub(crate) struct Head {
    pub version: u64,
    #[serde(default)]
    pub lineage: String,
    #[serde(default)]
    pub serial: u64,
}

/// Reads a state document. `place` names it in errors (a file, a version in a database);
/// `hint` says how to get a usable state back when it is damaged.
pub(crate) fn parse(
    bytes: &[u8],
    place: &str,
    hint: impl Fn() -> String,
) -> Result<State, StateError> {
    let corrupt = |source: serde_json::Error| StateError::Corrupt {
        place: place.to_string(),
        line: source.line(),
        column: source.column(),
        source,
        hint: hint(),
    };
    let head: Head = serde_json::from_slice(bytes).map_err(corrupt)?;
    if head.version > u64::from(FORMAT_VERSION) {
        return Err(StateError::TooNew {
            place: place.to_string(),
            found: head.version,
            supported: FORMAT_VERSION,
        });
    }
    serde_json::from_slice(bytes).map_err(corrupt)
}

/// Reads only the format version, lineage and serial of a state document.
pub(crate) fn head(bytes: &[u8], place: &str) -> Result<Head, StateError> {
    serde_json::from_slice(bytes).map_err(|source| StateError::Corrupt {
        place: place.to_string(),
        line: source.line(),
        column: source.column(),
        source,
        hint: "repair it, or go back to an earlier version".to_string(),
    })
}

/// The document of `state`: pretty JSON and a newline. Its objects must already be sorted
/// (as [`prepare`] leaves them).
pub(crate) fn encode(state: &State, place: &str) -> Result<Vec<u8>, StateError> {
    let mut bytes = serde_json::to_vec_pretty(state).map_err(|source| StateError::Encode {
        path: place.into(),
        source,
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Makes `state` the next version: its serial raised by one, this build's format version,
/// objects sorted by address. Returns the old serial and version, to put back if the
/// write fails.
pub(crate) fn prepare(state: &mut State) -> (u64, u32) {
    let old = (state.serial, state.version);
    state.serial = state.serial.saturating_add(1);
    state.version = FORMAT_VERSION;
    state.objects.sort_by(|a, b| a.address.cmp(&b.address));
    old
}

/// Reads a state document given by hand (`strata state push FILE`): `place` names it in
/// errors.
pub fn read(bytes: &[u8], place: &str) -> Result<State, StateError> {
    parse(bytes, place, || {
        "fix it, or pull the state again with `strata state pull`".to_string()
    })
}
