//! The conformance suite: every expression of tests/conformance/cases.txt, evaluated by
//! Strata and compared with the value (and type) or error Terraform 1.11.4 gave for it,
//! recorded in tests/conformance/expressions.jsonl by regenerate.py. Terraform is not
//! needed to run it.
//!
//! A case marked `!strata` in cases.txt is a deliberate difference (docs/language.md lists
//! them): Strata must give the value of the expression written there (or fail, for
//! `error`), and that must really differ from Terraform's.
//!
//! Values compare structurally: strings, bools and null exactly; numbers by their exact
//! decimal value (a number Terraform gives with more significant digits than Strata keeps
//! for a quotient is compared rounded to that many); lists and tuples as Strata lists, in
//! order; sets as Strata sets, in any order; maps and objects as Strata maps. Whether a
//! collection is a list or a tuple, a map or an object, is a static type Strata does not
//! record, and is not compared.

use std::fmt::Write as _;
use std::path::Path;

use blueprint::number::DIVISION_DIGITS;
use blueprint::{Inputs, Number, SourceMap, Value};
use serde_json::Value as Json;

/// Lines of main.hcl per output, as regenerate.py writes them for Terraform.
const LINES_PER_CASE: usize = 4;

struct Case {
    expr: String,
    expected: Result<(Json, Json), String>,
    strata: Option<(String, String)>,
}

fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/expressions.jsonl");
    let text = std::fs::read_to_string(&path).expect("the fixture exists");
    text.lines()
        .map(|line| {
            let json: Json = serde_json::from_str(line).expect("a fixture line is JSON");
            let field = |name: &str| json.get(name).and_then(Json::as_str).map(str::to_string);
            Case {
                expr: field("expr").expect("every case has an expression"),
                expected: match field("error") {
                    Some(message) => Err(message),
                    None => Ok((json["type"].clone(), json["value"].clone())),
                },
                strata: field("strata").zip(field("reason")),
            }
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read the fixture's files") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// Evaluates every expression as a root output, as regenerate.py has Terraform do, in a
/// folder with the fixture's files: a value, or the errors reported on its lines.
fn evaluate(exprs: &[String]) -> Vec<Result<Value, String>> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/files"),
        &dir.path().join("files"),
    );
    let mut text = String::new();
    for (i, expr) in exprs.iter().enumerate() {
        let _ = write!(
            text,
            "output \"c{i}\" {{\n  value     = {expr}\n  sensitive = true\n}}\n"
        );
    }
    std::fs::write(dir.path().join("main.hcl"), &text).expect("write main.hcl");
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), &Inputs::default(), &mut sources);
    let mut results: Vec<Result<Value, String>> = exprs
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let name = format!("c{i}");
            config
                .outputs
                .iter()
                .find(|o| o.name == name)
                .map(|o| o.value.clone())
                .ok_or_else(|| "no output".to_string())
        })
        .collect();
    for diag in diags.iter().filter(|d| d.is_error()) {
        let Some(span) = diag.span else {
            panic!(
                "an error without a place: {}: {}",
                diag.summary, diag.detail
            );
        };
        let line = sources.file(span.file).location(span.start).line;
        let index = (line - 1) / LINES_PER_CASE;
        if let Some(result) = results.get_mut(index) {
            *result = Err(format!("{}: {}", diag.summary, diag.detail));
        }
    }
    results
}

/// A decimal's text rounded to `digits` significant digits, ties to even.
fn round_text(text: &str, digits: usize) -> Option<String> {
    let n = Number::parse(text)?;
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    let all: String = format!("{whole}{fraction}");
    let lead = all.len() - all.trim_start_matches('0').len();
    let significant = &all[lead..];
    if significant.len() <= digits {
        return Some(n.to_string());
    }
    let kept = &significant[..digits];
    let rest = &significant[digits..];
    let round_up = match rest.as_bytes()[0] {
        b'6'..=b'9' => true,
        b'5' => rest[1..].bytes().any(|b| b != b'0') || kept.ends_with(['1', '3', '5', '7', '9']),
        _ => false,
    };
    let mut digits_out: Vec<u8> = kept.bytes().collect();
    if round_up {
        let mut i = digits_out.len();
        loop {
            if i == 0 {
                digits_out.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits_out[i] == b'9' {
                digits_out[i] = b'0';
            } else {
                digits_out[i] += 1;
                break;
            }
        }
    }
    let grew = digits_out.len() > kept.len();
    let point = whole.len() as i64 - lead as i64 + i64::from(grew);
    let digits_text = String::from_utf8(digits_out).ok()?;
    let rebuilt = if point <= 0 {
        format!(
            "0.{}{digits_text}",
            "0".repeat(point.unsigned_abs() as usize)
        )
    } else if point as usize >= digits_text.len() {
        format!(
            "{digits_text}{}",
            "0".repeat(point as usize - digits_text.len())
        )
    } else {
        format!(
            "{}.{}",
            &digits_text[..point as usize],
            &digits_text[point as usize..]
        )
    };
    Number::parse(&format!("{sign}{rebuilt}")).map(|n| n.to_string())
}

/// Compares Strata's value with Terraform's JSON value of type `ty`; the reason when they
/// differ. Numbers with more significant digits than a Strata quotient keeps are compared
/// rounded to that many, unless `exact`.
fn compare(ty: &Json, expected: &Json, got: &Value) -> Result<(), String> {
    compare_with(ty, expected, got, false)
}

fn compare_with(ty: &Json, expected: &Json, got: &Value, exact: bool) -> Result<(), String> {
    let compare = |ty: &Json, expected: &Json, got: &Value| compare_with(ty, expected, got, exact);
    let differ = || Err(format!("expected {expected} ({ty}), got {got}"));
    if expected.is_null() {
        return if matches!(got, Value::Null) {
            Ok(())
        } else {
            differ()
        };
    }
    match (ty, got) {
        (Json::String(t), Value::String(s)) if t == "string" => {
            if expected.as_str() == Some(&**s) {
                Ok(())
            } else {
                differ()
            }
        }
        (Json::String(t), Value::Bool(b)) if t == "bool" => {
            if expected.as_bool() == Some(*b) {
                Ok(())
            } else {
                differ()
            }
        }
        (Json::String(t), Value::Number(n)) if t == "number" => {
            let text = expected.as_str().unwrap_or_default();
            let wanted = round_text(text, DIVISION_DIGITS as usize).filter(|_| !exact);
            if Number::parse(text).as_ref() == Some(n) || wanted == Some(n.to_string()) {
                Ok(())
            } else {
                differ()
            }
        }
        (Json::Array(parts), _) if parts.len() == 2 => {
            let kind = parts[0].as_str().unwrap_or_default();
            let inner = &parts[1];
            let element_type = |i: usize, key: &str| match kind {
                "tuple" => inner.get(i).cloned().unwrap_or(Json::Null),
                "object" => inner.get(key).cloned().unwrap_or(Json::Null),
                _ => inner.clone(),
            };
            match (kind, got) {
                ("list" | "tuple", Value::List(items)) | ("set", Value::Set(items)) => {
                    let wanted = expected.as_array().cloned().unwrap_or_default();
                    if wanted.len() != items.len() {
                        return differ();
                    }
                    if kind == "set" {
                        let mut unused: Vec<&Value> = items.iter().collect();
                        for w in &wanted {
                            let at = unused
                                .iter()
                                .position(|g| compare(&element_type(0, ""), w, g).is_ok());
                            match at {
                                Some(at) => {
                                    unused.remove(at);
                                }
                                None => return differ(),
                            }
                        }
                        return Ok(());
                    }
                    for (i, (w, g)) in wanted.iter().zip(items.iter()).enumerate() {
                        compare(&element_type(i, ""), w, g).map_err(|e| format!("[{i}]: {e}"))?;
                    }
                    Ok(())
                }
                ("map" | "object", Value::Map(entries)) => {
                    let wanted = expected.as_object().cloned().unwrap_or_default();
                    if wanted.len() != entries.len() {
                        return differ();
                    }
                    for (k, w) in &wanted {
                        let Some(g) = entries.get(k) else {
                            return differ();
                        };
                        compare(&element_type(0, k), w, g).map_err(|e| format!(".{k}: {e}"))?;
                    }
                    Ok(())
                }
                _ => differ(),
            }
        }
        _ => differ(),
    }
}

#[test]
fn strata_evaluates_as_terraform() {
    let cases = cases();
    let mut exprs: Vec<String> = cases.iter().map(|c| c.expr.clone()).collect();
    let differences: Vec<(usize, usize)> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.strata.as_ref().map(|(e, _)| (i, e)))
        .filter(|(_, e)| e.as_str() != "error")
        .map(|(i, e)| {
            exprs.push(e.clone());
            (i, exprs.len() - 1)
        })
        .collect();
    let results = evaluate(&exprs);
    let mut failures = Vec::new();
    let mut same = 0;
    let mut deliberate = 0;
    for (i, case) in cases.iter().enumerate() {
        let got = &results[i];
        if let Some((strata, reason)) = &case.strata {
            deliberate += 1;
            let wanted = differences
                .iter()
                .find(|(c, _)| *c == i)
                .map(|(_, s)| &results[*s]);
            let as_documented = match (strata.as_str(), got, wanted) {
                ("error", Err(_), _) => true,
                (_, Ok(v), Some(Ok(w))) => v == w,
                _ => false,
            };
            let terraform_agrees = match (&case.expected, got) {
                (Err(_), Err(_)) => true,
                (Ok((ty, value)), Ok(v)) => compare_with(ty, value, v, true).is_ok(),
                _ => false,
            };
            if !as_documented || terraform_agrees {
                failures.push(format!(
                    "{}\n    deliberate difference ({reason}) not as documented: Strata gave {got:?}, documented {strata}, Terraform {:?}",
                    case.expr, case.expected
                ));
            }
            continue;
        }
        let verdict = match (&case.expected, got) {
            (Err(_), Err(_)) => Ok(()),
            (Err(message), Ok(v)) => {
                Err(format!("Terraform fails ({message}) but Strata gave {v}"))
            }
            (Ok((ty, value)), Err(e)) => Err(format!(
                "Terraform gives {value} ({ty}) but Strata fails: {e}"
            )),
            (Ok((ty, value)), Ok(v)) => compare(ty, value, v),
        };
        match verdict {
            Ok(()) => same += 1,
            Err(why) => failures.push(format!("{}\n    {why}", case.expr)),
        }
    }
    println!(
        "conformance: {same} of {} expressions as Terraform 1.11.4, {deliberate} deliberate differences",
        cases.len() - deliberate
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Terraform:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_suite_is_large_enough() {
    assert!(
        cases().len() >= 600,
        "the issue asks for at least 600 expressions"
    );
}

#[test]
fn rounding_for_comparison() {
    assert_eq!(round_text("0.33335", 4).as_deref(), Some("0.3334"));
    assert_eq!(round_text("0.66665", 4).as_deref(), Some("0.6666"));
    assert_eq!(round_text("99.996", 4).as_deref(), Some("100"));
    assert_eq!(round_text("-123456", 2).as_deref(), Some("-120000"));
    assert_eq!(round_text("1.5", 4).as_deref(), Some("1.5"));
}
