//! `strata show`: a saved plan or the state, for people and as Terraform's JSON.

mod common;

use common::{apply_ok, code, inline, strata, text, write};

const BLUEPRINT: &str = r#"
site "dc" {}

host_pool "p" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}

network_zone "app" {
  cidr = "10.20.0.0/16"
}

vm "web" {
  count  = 2
  pool   = host_pool.p
  zone   = network_zone.app
  cpu    = 2
  memory = "4GiB"
}

output "web_addresses" {
  value = vm.web[*].address
}
"#;

#[test]
fn show_prints_a_saved_plan_and_the_state() {
    let dir = inline(BLUEPRINT);
    // Before anything is applied, the state is empty.
    let out = strata(dir.path(), &["show"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("The state is empty"), "{}", text(&out));

    apply_ok(dir.path());
    write(dir.path(), &BLUEPRINT.replace("cpu    = 2", "cpu    = 4"));
    let file = dir.path().join("change.plan");
    let file_arg = file.to_str().unwrap();
    let planned = strata(dir.path(), &["plan", "-json", "-out", file_arg]);
    assert_eq!(code(&planned), 0, "{}", text(&planned));

    // show -json PLANFILE prints what plan -json printed when it saved the plan.
    let shown = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["show", "-json", file_arg])
        .output()
        .unwrap();
    assert_eq!(code(&shown), 0, "{}", text(&shown));
    let from_plan: serde_json::Value = serde_json::from_slice(&planned.stdout).unwrap();
    let from_show: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(from_show, from_plan);
    assert_eq!(from_show["format_version"], "1.2");
    let actions: Vec<_> = from_show["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rc| rc["type"] == "vm")
        .map(|rc| rc["change"]["actions"].clone())
        .collect();
    assert_eq!(actions, vec![serde_json::json!(["update"]); 2]);

    // show PLANFILE draws the plan as plan does.
    let human = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["show", file_arg])
        .output()
        .unwrap();
    let human = text(&human);
    assert!(
        human.contains("~ cpu") && human.contains("0 to add, 2 to change, 0 to destroy"),
        "{human}"
    );

    // show DIR and show -json DIR: the state.
    let state = strata(dir.path(), &["show"]);
    let state = text(&state);
    assert!(
        state.contains("# vm.web[0]:") && state.contains("web_addresses"),
        "{state}"
    );
    let out = strata(dir.path(), &["show", "-json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format_version"], "1.0");
    let addresses: Vec<&str> = json["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert!(addresses.contains(&"vm.web[1]"), "{addresses:?}");
    assert!(json["values"]["outputs"]["web_addresses"]["value"].is_array());

    // Neither a plan nor a folder.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["show", "no-such-thing"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("neither a plan saved"),
        "{}",
        text(&out)
    );
}
