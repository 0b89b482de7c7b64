//! String functions: `join`, `split`, `upper`, `lower`, `replace`, `trim`, `trimspace`,
//! `trimprefix`, `trimsuffix`, `chomp`, `indent`, `substr`, `strrev`, `startswith`,
//! `endswith`, `strcontains` and `title`. (`format` and `formatlist` have their own module,
//! the regular expressions theirs.) Offsets and lengths count grapheme clusters, what a
//! reader sees as one character, as Terraform's do.

use unicode_segmentation::UnicodeSegmentation;

use super::args::{integer, string, strings};
use super::{Arity, Function};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("join", Arity::AtLeast(2), join),
    Function::new("split", Arity::Exact(2), split),
    Function::new("upper", Arity::Exact(1), upper),
    Function::new("lower", Arity::Exact(1), lower),
    Function::new("replace", Arity::Exact(3), replace),
    Function::new("trim", Arity::Exact(2), trim),
    Function::new("trimspace", Arity::Exact(1), trimspace),
    Function::new("chomp", Arity::Exact(1), chomp),
    Function::new("indent", Arity::Exact(2), indent),
    Function::new("substr", Arity::Exact(3), substr),
    Function::new("strrev", Arity::Exact(1), strrev),
    Function::new("startswith", Arity::Exact(2), startswith),
    Function::new("endswith", Arity::Exact(2), endswith),
    Function::new("strcontains", Arity::Exact(2), strcontains),
    Function::new("title", Arity::Exact(1), title),
    Function::new("trimprefix", Arity::Exact(2), trimprefix),
    Function::new("trimsuffix", Arity::Exact(2), trimsuffix),
];

/// The number of grapheme clusters in `text`: what `length` counts.
pub(super) fn graphemes(text: &str) -> usize {
    text.graphemes(true).count()
}

fn join(args: &[Value]) -> Result<Value, String> {
    let separator = string(args, 0)?;
    let mut parts = Vec::new();
    for index in 1..args.len() {
        parts.extend(strings(args, index)?);
    }
    Ok(Value::string(parts.join(&separator)))
}

fn split(args: &[Value]) -> Result<Value, String> {
    let separator = string(args, 0)?;
    let text = string(args, 1)?;
    let parts: Vec<Value> = if separator.is_empty() {
        text.chars().map(|c| Value::string(c.to_string())).collect()
    } else {
        text.split(&*separator).map(Value::string).collect()
    };
    Ok(Value::list(parts))
}

/// Maps each character on its own, as Go's `unicode.ToUpper`/`ToLower` (and so Terraform)
/// do: a character whose mapping is several characters (`ß` to `SS`) stays as it is.
fn map_chars<I: Iterator<Item = char> + ExactSizeIterator>(
    text: &str,
    map: impl Fn(char) -> I,
) -> String {
    text.chars()
        .map(|c| {
            let mut mapped = map(c);
            match (mapped.len(), mapped.next()) {
                (1, Some(single)) => single,
                _ => c,
            }
        })
        .collect()
}

fn upper(args: &[Value]) -> Result<Value, String> {
    Ok(Value::string(map_chars(
        &string(args, 0)?,
        char::to_uppercase,
    )))
}

fn lower(args: &[Value]) -> Result<Value, String> {
    // `İ` is the one letter whose full lower case is two characters but whose simple one,
    // which Go uses, is `i`.
    let text = string(args, 0)?.replace('İ', "i");
    Ok(Value::string(map_chars(&text, char::to_lowercase)))
}

fn replace(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let search = string(args, 1)?;
    let replacement = string(args, 2)?;
    if let Some(pattern) = search
        .strip_prefix('/')
        .and_then(|rest| rest.strip_suffix('/'))
    {
        return super::regex::replace_all(&text, pattern, &replacement).map(Value::string);
    }
    Ok(Value::string(text.replace(&*search, &replacement)))
}

fn trim(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let cutset = string(args, 1)?;
    Ok(Value::string(text.trim_matches(|c| cutset.contains(c))))
}

fn trimspace(args: &[Value]) -> Result<Value, String> {
    Ok(Value::string(string(args, 0)?.trim()))
}

/// Removes every newline (`\n`, `\r\n` or `\r`) at the end.
fn chomp(args: &[Value]) -> Result<Value, String> {
    Ok(Value::string(
        string(args, 0)?.trim_end_matches(['\n', '\r']),
    ))
}

/// Indents every line but the first by `spaces` spaces.
fn indent(args: &[Value]) -> Result<Value, String> {
    let spaces = integer(args, 0)?;
    let text = string(args, 1)?;
    let pad = " ".repeat(
        usize::try_from(spaces)
            .unwrap_or(0)
            .min(super::format::MAX_WIDTH),
    );
    Ok(Value::string(text.replace('\n', &format!("\n{pad}"))))
}

fn substr(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let offset = integer(args, 1)?;
    let length = integer(args, 2)?;
    let clusters: Vec<&str> = text.graphemes(true).collect();
    let total = clusters.len();
    let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let start = if offset < 0 {
        total.saturating_sub(to_usize(offset.unsigned_abs()))
    } else {
        to_usize(offset.unsigned_abs()).min(total)
    };
    let take = if length < 0 {
        total
    } else {
        to_usize(length.unsigned_abs())
    };
    Ok(Value::string(
        clusters[start..]
            .iter()
            .take(take)
            .copied()
            .collect::<String>(),
    ))
}

fn strrev(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    Ok(Value::string(
        text.graphemes(true).rev().collect::<String>(),
    ))
}

fn startswith(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(
        string(args, 0)?.starts_with(&*string(args, 1)?),
    ))
}

fn endswith(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(string(args, 0)?.ends_with(&*string(args, 1)?)))
}

fn strcontains(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(string(args, 0)?.contains(&*string(args, 1)?)))
}

/// Whether a character separates words, as Go's `strings.Title` (which Terraform uses) decides.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        !(c.is_ascii_alphanumeric() || c == '_')
    } else {
        c.is_whitespace()
    }
}

/// Capitalises the first letter of each word, to its title case (`ǆ` to `ǅ`).
fn title(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let mut out = String::with_capacity(text.len());
    let mut word_start = true;
    for c in text.chars() {
        if word_start {
            out.push(title_case(c));
        } else {
            out.push(c);
        }
        word_start = is_separator(c);
    }
    Ok(Value::string(out))
}

/// The title case of a letter: the digraphs have their own, other letters their upper case.
fn title_case(c: char) -> char {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => 'ǅ',
        'Ǉ' | 'ǈ' | 'ǉ' => 'ǈ',
        'Ǌ' | 'ǋ' | 'ǌ' => 'ǋ',
        'Ǳ' | 'ǲ' | 'ǳ' => 'ǲ',
        _ => map_chars(c.encode_utf8(&mut [0; 4]), char::to_uppercase)
            .chars()
            .next()
            .unwrap_or(c),
    }
}

fn trimprefix(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let prefix = string(args, 1)?;
    Ok(Value::string(text.strip_prefix(&*prefix).unwrap_or(&text)))
}

fn trimsuffix(args: &[Value]) -> Result<Value, String> {
    let text = string(args, 0)?;
    let suffix = string(args, 1)?;
    Ok(Value::string(text.strip_suffix(&*suffix).unwrap_or(&text)))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{b, err, list, n, nums, ok, resource, s, strs};
    use super::*;

    #[test]
    fn join_concatenates() {
        assert_eq!(ok("join", &[s(", "), strs(&["a", "b", "c"])]), s("a, b, c"));
        assert_eq!(ok("join", &[s("-"), strs(&["a"]), strs(&["b"])]), s("a-b"));
        assert_eq!(ok("join", &[s(","), list(vec![])]), s(""));
        assert_eq!(ok("join", &[s("."), nums(&[10.0, 0.0])]), s("10.0"));
    }

    #[test]
    fn join_errors() {
        assert_eq!(
            err("join", &[s(","), s("a")]),
            "join: argument 2 must be a list or set, not the string \"a\""
        );
        assert_eq!(
            err("join", &[s(","), list(vec![s("a"), Value::Null])]),
            "join: the element at index 1 of argument 2 must not be null"
        );
        assert_eq!(
            err("join", &[s(","), list(vec![resource("host.a", &["name"])])]),
            "join: the element at index 0 of argument 2 must be a string, but the resource host.a was given; use one of its attributes, e.g. host.a.name"
        );
    }

    #[test]
    fn split_divides() {
        assert_eq!(
            ok("split", &[s(","), s("a,b,,c")]),
            strs(&["a", "b", "", "c"])
        );
        assert_eq!(ok("split", &[s(","), s("")]), strs(&[""]));
        assert_eq!(ok("split", &[s(""), s("hé")]), strs(&["h", "é"]));
        assert_eq!(
            err("split", &[s(","), strs(&[])]),
            "split: argument 2 must be a string, not a list"
        );
    }

    #[test]
    fn upper_and_lower() {
        assert_eq!(ok("upper", &[s("héllo")]), s("HÉLLO"));
        assert_eq!(ok("upper", &[n(1.0)]), s("1"));
        assert_eq!(ok("lower", &[s("HeLLo")]), s("hello"));
        assert_eq!(ok("lower", &[b(true)]), s("true"));
        assert_eq!(
            err("upper", &[Value::Null]),
            "upper: argument 1 must not be null"
        );
        assert_eq!(
            err("lower", &[resource("site.dc1", &["id"])]),
            "lower: argument 1 must be a string, but the resource site.dc1 was given; use one of its attributes, e.g. site.dc1.id"
        );
    }

    #[test]
    fn replace_plain_text_and_patterns() {
        assert_eq!(ok("replace", &[s("a-b-c"), s("-"), s("_")]), s("a_b_c"));
        assert_eq!(ok("replace", &[s("abc"), s("x"), s("y")]), s("abc"));
        assert_eq!(ok("replace", &[s("a/b"), s("/"), s(".")]), s("a.b"));
        assert_eq!(ok("replace", &[s("abc"), s("/b/"), s("x")]), s("axc"));
        assert_eq!(
            ok("replace", &[s("a1b22"), s("/(\\d+)/"), s("<$1>")]),
            s("a<1>b<22>")
        );
    }

    #[test]
    fn upper_and_lower_map_each_character() {
        assert_eq!(ok("upper", &[s("straße")]), s("STRAßE"));
        assert_eq!(ok("lower", &[s("ΣΑΣ")]), s("σασ"));
        assert_eq!(ok("title", &[s("ǆemal")]), s("ǅemal"));
    }

    #[test]
    fn graphemes_count_as_one() {
        assert_eq!(ok("strrev", &[s("🏳️‍🌈ab")]), s("ba🏳️‍🌈"));
        assert_eq!(ok("substr", &[s("🏳️‍🌈ab"), n(0.0), n(1.0)]), s("🏳️‍🌈"));
        assert_eq!(ok("chomp", &[s("a\r\n\n")]), s("a"));
        assert_eq!(ok("indent", &[n(2.0), s("a\nb")]), s("a\n  b"));
        assert_eq!(ok("trim", &[s("?!a?!"), s("!?")]), s("a"));
        assert_eq!(ok("strcontains", &[s("hello"), s("ell")]), b(true));
    }

    #[test]
    fn trimspace_trims() {
        assert_eq!(ok("trimspace", &[s("  a b \n")]), s("a b"));
        assert_eq!(ok("trimspace", &[s("")]), s(""));
        assert_eq!(ok("trimspace", &[s("x")]), s("x"));
        assert_eq!(
            err("trimspace", &[strs(&[])]),
            "trimspace: argument 1 must be a string, not a list"
        );
    }

    #[test]
    fn substr_by_characters() {
        assert_eq!(ok("substr", &[s("hello world"), n(1.0), n(4.0)]), s("ello"));
        assert_eq!(ok("substr", &[s("héllo"), n(1.0), n(-1.0)]), s("éllo"));
        assert_eq!(ok("substr", &[s("hello"), n(-3.0), n(2.0)]), s("ll"));
        assert_eq!(ok("substr", &[s("hello"), n(-10.0), n(2.0)]), s("he"));
        assert_eq!(ok("substr", &[s("hello"), n(10.0), n(2.0)]), s(""));
        assert_eq!(ok("substr", &[s("hello"), n(3.0), n(100.0)]), s("lo"));
    }

    #[test]
    fn substr_errors() {
        assert_eq!(ok("substr", &[s("hello"), n(0.0), n(-2.0)]), s("hello"));
        assert_eq!(
            err("substr", &[s("hello"), n(0.5), n(1.0)]),
            "substr: argument 2 must be a whole number, not 0.5"
        );
        assert_eq!(
            err("substr", &[s("hello"), s("1e19"), n(1.0)]),
            "substr: argument 2 is too large: 10000000000000000000"
        );
        assert_eq!(ok("substr", &[s("hello"), n(-8e15), n(8e15)]), s("hello"));
    }

    #[test]
    fn startswith_and_endswith() {
        assert_eq!(ok("startswith", &[s("hello"), s("he")]), b(true));
        assert_eq!(ok("startswith", &[s("hello"), s("lo")]), b(false));
        assert_eq!(ok("startswith", &[s("hello"), s("")]), b(true));
        assert_eq!(ok("endswith", &[s("hello"), s("lo")]), b(true));
        assert_eq!(ok("endswith", &[s("hello"), s("he")]), b(false));
        assert_eq!(
            err("startswith", &[strs(&["a"]), s("a")]),
            "startswith: argument 1 must be a string, not a list"
        );
        assert_eq!(
            err("endswith", &[s("a"), Value::Null]),
            "endswith: argument 2 must not be null"
        );
    }

    #[test]
    fn title_capitalises_words() {
        assert_eq!(ok("title", &[s("hello world")]), s("Hello World"));
        assert_eq!(ok("title", &[s("rack-a1 zone_b")]), s("Rack-A1 Zone_b"));
        assert_eq!(ok("title", &[s("élan vital")]), s("Élan Vital"));
        assert_eq!(
            err("title", &[strs(&[])]),
            "title: argument 1 must be a string, not a list"
        );
    }

    #[test]
    fn trimprefix_and_trimsuffix() {
        assert_eq!(ok("trimprefix", &[s("helloworld"), s("hello")]), s("world"));
        assert_eq!(ok("trimprefix", &[s("hellohello"), s("hello")]), s("hello"));
        assert_eq!(ok("trimprefix", &[s("world"), s("hello")]), s("world"));
        assert_eq!(ok("trimsuffix", &[s("helloworld"), s("world")]), s("hello"));
        assert_eq!(ok("trimsuffix", &[s("hello"), s("world")]), s("hello"));
        assert_eq!(
            err("trimprefix", &[Value::Null, s("a")]),
            "trimprefix: argument 1 must not be null"
        );
        assert_eq!(
            err("trimsuffix", &[s("a"), strs(&[])]),
            "trimsuffix: argument 2 must be a string, not a list"
        );
    }
}
