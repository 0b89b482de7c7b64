//! Addresses: display and parsing are exact inverses, keys are quoted as Terraform quotes
//! them and mean in a blueprint what they mean in an address, and bad input is refused
//! with the place and the reason.

use proptest::prelude::*;

use super::*;

fn keyed(key: &str) -> Address {
    Address {
        module: Vec::new(),
        kind: "network_zone".into(),
        name: "z".into(),
        key: Some(InstanceKey::Key(key.into())),
    }
}

#[test]
fn round_trips_through_display() {
    for text in [
        "vm.web",
        "vm.web[2]",
        "vm.web[-1]",
        "service.app[\"payments\"]",
        "module.prod.kubernetes_cluster.main",
        "module.env[\"sit\"].module.db[0].vm.primary",
        "network_zone.z[\"rack[3]\"]",
        "network_zone.z[\"\"]",
    ] {
        let address: Address = text.parse().unwrap();
        assert_eq!(address.to_string(), text);
    }
}

/// The keys of issue 8 and their text, written as Terraform's `addrs.StringKey` does.
#[test]
fn string_keys_are_written_as_hcl_quoted_strings() {
    for (key, text) in [
        ("rack[3]", r#"network_zone.z["rack[3]"]"#),
        ("a\"b", r#"network_zone.z["a\"b"]"#),
        ("back\\slash", r#"network_zone.z["back\\slash"]"#),
        ("a.b", r#"network_zone.z["a.b"]"#),
        ("sp ace", r#"network_zone.z["sp ace"]"#),
        ("k=v", r#"network_zone.z["k=v"]"#),
        ("ünï", r#"network_zone.z["ünï"]"#),
        ("", r#"network_zone.z[""]"#),
        ("a\nb\r\tc", r#"network_zone.z["a\nb\r\tc"]"#),
        (
            "${x} %{y} $ % $$",
            r#"network_zone.z["$${x} %%{y} $ % $$"]"#,
        ),
        ("$${", r#"network_zone.z["$$${"]"#),
        ("\u{0}\u{7f}", r#"network_zone.z["\u0000\u007f"]"#),
        (
            "nb\u{a0}sp\u{2028}",
            r#"network_zone.z["nb\u00a0sp\u2028"]"#,
        ),
        ("rtl\u{202e}", r#"network_zone.z["rtl\u202e"]"#),
        ("\u{e0001}", r#"network_zone.z["\U000e0001"]"#),
        ("x\"]#y", r#"network_zone.z["x\"]#y"]"#),
    ] {
        assert_eq!(keyed(key).to_string(), text, "the text of key {key:?}");
        assert_eq!(
            text.parse::<Address>().unwrap(),
            keyed(key),
            "reading {text}"
        );
    }
}

#[test]
fn reads_escapes_written_other_ways() {
    for (text, key) in [
        (r#"network_zone.z["\u00fcn\u00EF"]"#, "ünï"),
        (r#"network_zone.z["\U0001F600"]"#, "😀"),
        ("network_zone.z[\"raw\ttab\"]", "raw\ttab"),
        (" network_zone.z[\"a\"] ", "a"),
    ] {
        assert_eq!(
            text.parse::<Address>().unwrap(),
            keyed(key),
            "reading {text}"
        );
    }
}

#[test]
fn rejects_malformed_addresses_saying_where() {
    for (text, reason, column) in [
        ("vm", "a resource kind must be followed by .", 3),
        ("vm.", "expected the block's name", 4),
        ("module.x", "a module path must be followed by .", 9),
        ("vm.web[", "a whole number, or a string", 8),
        ("vm.web[x]", "a whole number, or a string", 8),
        ("vm.web[1", "the [ at character 7 has no closing ]", 9),
        ("1vm.a", "expected a resource kind", 1),
        ("vm.a.b", "unexpected text after the address", 5),
        ("vm.a[\"x]", "opening \" has no closing \"", 6),
        ("vm.a[\"x\"", "the [ at character 5 has no closing ]", 9),
        ("vm.a[\"x\"]]", "unexpected text", 10),
        ("vm.a[\"${x}\"]", "write $${ for a literal ${", 7),
        ("vm.a[\"%{x}\"]", "write %%{ for a literal %{", 7),
        ("vm.a[\"\\q\"]", "\\q is not an escape", 7),
        (
            "vm.a[\"\\u12\"]",
            "\\u must be followed by 4 hexadecimal digits",
            7,
        ),
        ("vm.a[\"\\ud800\"]", "\\ud800 is not a Unicode character", 7),
        ("vm.a[99999999999999999999]", "a whole number", 6),
        ("vm.a[\"é\\x\"]", "\\x is not an escape", 8),
    ] {
        let err = text.parse::<Address>().unwrap_err();
        let message = err.to_string();
        assert!(message.contains(reason), "{text}: {message}");
        assert!(
            message.contains(&format!("(at character {column})")),
            "{text}: {message}"
        );
    }
}

#[test]
fn errors_show_the_input_with_quotes_and_control_characters_escaped() {
    let err = "vm.a[\"\u{1b}[31m"
        .parse::<Address>()
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(r#""vm.a[\"\u001b[31m" is not a resource address"#),
        "{err}"
    );
}

#[test]
fn a_block_address_includes_its_instances() {
    let block: Address = "vm.web".parse().unwrap();
    let one: Address = "vm.web[\"a\"]".parse().unwrap();
    assert!(block.includes(&one) && block.includes(&block) && one.includes(&one));
    assert!(!one.includes(&block));
    assert!(!block.includes(&"module.m.vm.web[0]".parse().unwrap()));
    assert!(!block.includes(&"vm.webs[0]".parse().unwrap()));
}

#[test]
fn serializes_as_its_text() {
    let address = keyed("a\"b");
    let json = serde_json::to_string(&address).unwrap();
    assert_eq!(json, r#""network_zone.z[\"a\\\"b\"]""#);
    assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), address);
    let bad = serde_json::from_str::<Address>(r#""vm.a[x]""#).unwrap_err();
    assert!(
        bad.to_string().contains("is not a resource address"),
        "{bad}"
    );
}

/// Keys that lean on the quoting rule: quotes, backslashes, brackets, template markers,
/// control characters, separators, astral characters; and any string at all.
fn any_key() -> impl Strategy<Value = String> {
    let nasty = prop::sample::select(vec![
        "\"",
        "\\",
        "[",
        "]",
        ".",
        "=",
        "#",
        " ",
        "$",
        "%",
        "{",
        "}",
        "${",
        "%{",
        "$${",
        "\n",
        "\r",
        "\t",
        "\u{0}",
        "\u{7f}",
        "\u{a0}",
        "\u{2028}",
        "\u{202e}",
        "\u{feff}",
        "ü",
        "😀",
        "\u{e0001}",
        "\\u0041",
        "module.",
        "a",
    ]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(nasty, 0..12).prop_map(|parts| parts.concat()),
    ]
}

fn any_instance_key() -> impl Strategy<Value = Option<InstanceKey>> {
    prop_oneof![
        Just(None),
        any::<i64>().prop_map(|i| Some(InstanceKey::Index(i))),
        any_key().prop_map(|k| Some(InstanceKey::Key(k))),
    ]
}

fn any_address() -> impl Strategy<Value = Address> {
    let name = "[a-z_][a-z0-9_-]{0,8}";
    let step = (name, any_instance_key()).prop_map(|(name, key)| ModuleStep { name, key });
    (
        prop::collection::vec(step, 0..3),
        name,
        name,
        any_instance_key(),
    )
        .prop_map(|(module, kind, name, key)| Address {
            module,
            kind,
            name,
            key,
        })
}

/// Evaluates `key` written as the address writes it, as a blueprint `for_each` key.
fn key_in_a_blueprint(written: &str) -> Vec<Address> {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "network_zone \"z\" {{\n  for_each = {{ {written} = \"10.0.0.0/16\" }}\n  cidr = each.value\n}}\n"
    );
    std::fs::write(dir.path().join("main.hcl"), text).unwrap();
    let mut sources = crate::SourceMap::default();
    let (config, diags) = crate::load(dir.path(), &Default::default(), &mut sources);
    assert!(!diags.has_errors(), "{written}: {diags:?}");
    config.instances.iter().map(|i| i.address.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn display_then_parse_is_identity(address in any_address()) {
        let text = address.to_string();
        prop_assert_eq!(text.parse::<Address>(), Ok(address), "through {}", text);
    }

    #[test]
    fn parse_never_panics(text in any::<String>()) {
        let _ = text.parse::<Address>();
    }

    #[test]
    fn parse_then_display_is_identity_where_it_parses(
        parts in prop::collection::vec(prop::sample::select(vec![
            "vm", ".", "web", "[", "]", "\"", "\\", "0", "-", "module", "$", "{", "u00e9", "n",
        ]), 0..16),
    ) {
        let text = parts.concat();
        if let Ok(address) = text.parse::<Address>() {
            let again: Address = address.to_string().parse().unwrap();
            prop_assert_eq!(again, address);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The quoted form means the same string to the blueprint language (its HCL parser)
    /// as to the address parser: what `strata state list` prints can be pasted into a
    /// blueprint and the other way round.
    #[test]
    fn a_written_key_means_the_same_in_a_blueprint(key in any_key()) {
        let mut written = String::new();
        quote::write(&mut written, &key, Templates::Escape).unwrap();
        prop_assert_eq!(key_in_a_blueprint(&written), vec![keyed(&key)]);
    }
}
