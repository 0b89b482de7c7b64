//! Formatter placeholder (being written).
/// Formatting error.
pub struct FormatError {
    pub offset: usize,
    pub message: String,
}
/// Formats.
pub fn format(src: &str) -> Result<String, FormatError> {
    Ok(src.to_string())
}
