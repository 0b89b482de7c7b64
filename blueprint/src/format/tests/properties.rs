//! Property tests: idempotence and kept meaning on random valid bodies, and
//! no panics on random garbage.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::format;
use super::generate;
use super::meaning::meaning;

/// Fragments of HCL, valid and not, for token soup.
const SOUP: [&str; 56] = [
    "a", "bb", "x-y", "é", "1", "2.5", "1e3", "\"", "\"s\"", "\"${", "${", "%{", "}", "{", "[",
    "]", "(", ")", "=", "==", "=>", "!", "-", "+", "*", "/", "%", "?", ":", "::", ".", "...", ",",
    "#c", "//c", "/*", "*/", "<<EOF", "<<-EOF", "EOF", "~}", "${~", "\\", "$${", "%%{", "for",
    "in", "if", "<<EOF\n", "\nEOF\n", "  EOF", "$", "~", "@", "\r", "\u{feff}",
];
const SEPARATORS: [&str; 6] = ["", " ", "\n", "\r\n", "\t", "  \n\n"];

/// Formats `src` and checks what holds for any input: no panic, and if it
/// formats, formatting again changes nothing and a parseable input keeps
/// its meaning.
fn check_any(src: &str) -> Result<(), TestCaseError> {
    let before = meaning(src);
    let formatted = match format(src) {
        Ok(formatted) => formatted,
        Err(error) => {
            prop_assert!(before.is_none(), "{error} in valid input {src:?}");
            prop_assert!(error.offset <= src.len());
            return Ok(());
        }
    };
    let again = format(&formatted).map_err(|error| {
        TestCaseError::fail(format!("{error} in formatted {formatted:?} of {src:?}"))
    })?;
    prop_assert_eq!(&again, &formatted, "not idempotent on {:?}", src);
    if let Some(before) = before {
        prop_assert_eq!(
            Some(before),
            meaning(&formatted),
            "meaning changed: {:?}",
            formatted
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn random_bodies_keep_meaning_and_are_idempotent((items, noise) in generate::body()) {
        let src = generate::render(&items, &noise);
        prop_assert!(meaning(&src).is_some(), "the generator made invalid HCL: {:?}", src);
        prop_assert!(format(&src).is_ok(), "failed to format {:?}", src);
        check_any(&src)?;
    }

    #[test]
    fn arbitrary_strings_do_not_panic(src in any::<String>()) {
        check_any(&src)?;
    }

    #[test]
    fn token_soup_does_not_panic(
        parts in vec((select(&SOUP[..]), select(&SEPARATORS[..])), 0..48),
    ) {
        let src: String = parts.iter().flat_map(|&(token, sep)| [token, sep]).collect();
        check_any(&src)?;
    }
}
