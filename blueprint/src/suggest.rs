//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `word`, when one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (c, strsim::jaro_winkler(&lower, &c.to_lowercase())))
        .filter(|(c, score)| *score >= 0.8 || c.eq_ignore_ascii_case(word))
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(c, _)| c)
}

/// ` Did you mean "x"?` or nothing: ready to append to a diagnostic's detail.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, candidates)
        .map(|c| format!(" Did you mean \"{c}\"?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("cpus", ["cpu", "memory"]), Some("cpu"));
        assert_eq!(did_you_mean("memroy", ["cpu", "memory"]), Some("memory"));
        assert_eq!(did_you_mean("zzz", ["cpu", "memory"]), None);
        assert_eq!(hint("Zone", ["zone"]), " Did you mean \"zone\"?");
    }
}
