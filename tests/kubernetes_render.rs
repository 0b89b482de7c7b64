//! `strata render --provider kubernetes` and `strata simulate --render-job`: the
//! manifests of the reference platform and of blueprints/kubernetes-lab as snapshots, the
//! rendered folder's layout, errors, and every manifest checked against Kubernetes' own
//! schemas by the PyPI package `kubernetes-validate` (1.30, the oldest it must accept,
//! and its newest). `.ci/run` installs it and sets `STRATA_TEST_REQUIRE_TOOLS`; elsewhere
//! the validation tests skip, saying why, when it is missing.

mod common;

use std::path::Path;
use std::process::Command;

use common::{code, example, inline, strata, text};

fn render(name: &str, extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let (tmp, dir) = example(name);
    let mut args = vec!["render", "--provider", "kubernetes"];
    args.extend(extra);
    let out = strata(&dir, &args);
    assert_eq!(code(&out), 0, "{}", text(&out));
    (tmp, dir, String::from_utf8(out.stdout).unwrap())
}

#[test]
fn reference_platform_manifests() {
    let (_tmp, _dir, yaml) = render("reference-platform", &[]);
    insta::assert_snapshot!("render_reference_platform", yaml);
}

#[test]
fn kubernetes_lab_manifests() {
    let (_tmp, _dir, yaml) = render("kubernetes-lab", &[]);
    insta::assert_snapshot!("render_kubernetes_lab", yaml);
}

/// Every file of a folder, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_folder_gets_one_file_per_object_and_a_second_render_replaces_the_first() {
    let (tmp, dir, _) = render("kubernetes-lab", &[]);
    let out_dir = tmp.path().join("manifests");
    let out_arg = out_dir.to_str().unwrap();
    let out = strata(&dir, &["render", "--provider", "kubernetes", "-o", out_arg]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("Wrote 27 manifest(s)"),
        "{}",
        text(&out)
    );
    let files = listing(&out_dir);
    insta::assert_snapshot!("render_kubernetes_lab_files", files.join("\n"));
    // The stream and the files hold the same documents.
    let stream =
        String::from_utf8(strata(&dir, &["render", "--provider", "kubernetes"]).stdout).unwrap();
    let gateway = std::fs::read_to_string(out_dir.join("lab/dmz/deployment-gateway.yaml")).unwrap();
    assert!(
        stream.contains(gateway.trim_start_matches("---\n")),
        "{gateway}"
    );

    // Without the environment, its files go; a file Strata did not write stays, and so
    // do files outside the folder that an edited listing names.
    std::fs::write(out_dir.join("README.md"), "hand-written\n").unwrap();
    let outside = tmp.path().join("outside.txt");
    std::fs::write(&outside, "mine\n").unwrap();
    let mut written = std::fs::read_to_string(out_dir.join(".strata-render")).unwrap();
    written.push_str(&format!("../outside.txt\n{}\n", outside.display()));
    std::fs::write(out_dir.join(".strata-render"), written).unwrap();
    let main = dir.join("main.hcl");
    let hcl = std::fs::read_to_string(&main).unwrap();
    let cut = hcl.find("environment \"sit\"").unwrap();
    std::fs::write(&main, &hcl[..cut]).unwrap();
    let out = strata(&dir, &["render", "--provider", "kubernetes", "-o", out_arg]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let after = listing(&out_dir);
    assert!(after.iter().all(|f| !f.contains("env-sit")), "{after:?}");
    assert!(!out_dir.join("lab/env-sit").exists());
    assert!(after.contains(&"README.md".to_string()));
    assert!(outside.exists());
    // The namespace and its five objects went; README.md came.
    assert_eq!(after.len(), files.len() - 6 + 1, "{after:?}");
}

#[test]
fn a_folder_holding_other_files_is_refused() {
    let (tmp, dir, _) = render("kubernetes-lab", &[]);
    let out_dir = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("keep.yaml"), "x: 1\n").unwrap();
    let out = strata(
        &dir,
        &[
            "render",
            "--provider",
            "kubernetes",
            "-o",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).contains("is not empty and holds no earlier render"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("keep.yaml")).unwrap(),
        "x: 1\n"
    );
}

#[test]
fn errors_name_the_attribute_and_other_providers_are_refused() {
    let dir = inline(
        r#"
site "s" {}
network_zone "app" { cidr = "10.1.0.0/24" }
host_pool "p" {
  site  = site.s
  hosts = 3
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
kubernetes_cluster "c" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {}
  node_group "g" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
service "no_image" {
  cluster = kubernetes_cluster.c
}
service "app_a" {
  cluster = kubernetes_cluster.c
  image   = "a:1"
}
service "app-a" {
  cluster = kubernetes_cluster.c
  image   = "a:2"
}
"#,
    );
    let out = strata(dir.path(), &["render", "--provider", "kubernetes"]);
    assert_eq!(code(&out), 1);
    let err =
        String::from_utf8_lossy(&out.stderr).replace(&dir.path().display().to_string(), "DIR");
    insta::assert_snapshot!("render_errors", err);
    assert!(out.stdout.is_empty());

    let out = strata(dir.path(), &["render", "--provider", "libvirt"]);
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).contains("use --provider kubernetes"),
        "{}",
        text(&out)
    );
}

#[test]
fn the_state_lineage_labels_every_object_once_there_is_a_state() {
    let (_tmp, dir) = example("kubernetes-lab");
    let yaml =
        String::from_utf8(strata(&dir, &["render", "--provider", "kubernetes"]).stdout).unwrap();
    assert!(!yaml.contains("strata.dev/lineage"));
    // An apply of the rest (the blueprint's sites, pools, zones, storage and cluster on
    // the simulated datacenter) saves a state.
    let hcl = std::fs::read_to_string(dir.join("main.hcl")).unwrap();
    let infra = &hcl[hcl.find("site \"lab\"").unwrap()..hcl.find("service \"gateway\"").unwrap()];
    std::fs::write(dir.join("main.hcl"), infra).unwrap();
    let out = strata(&dir, &["apply", "-auto-approve"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    std::fs::write(dir.join("main.hcl"), &hcl).unwrap();
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(".strata/state.json")).unwrap())
            .unwrap();
    let lineage = state["lineage"].as_str().unwrap();
    let yaml =
        String::from_utf8(strata(&dir, &["render", "--provider", "kubernetes"]).stdout).unwrap();
    let documents = yaml.matches("\napiVersion: ").count();
    assert_eq!(
        yaml.matches(&format!("strata.dev/lineage: {lineage}"))
            .count(),
        documents
    );
}

/// True when `kubernetes-validate` runs; otherwise skips (or fails in CI).
fn validator() -> bool {
    let ran = Command::new("kubernetes-validate")
        .arg("--version")
        .output();
    if ran.is_ok_and(|o| o.status.success()) {
        return true;
    }
    let why =
        "kubernetes-validate is not installed; `pip install kubernetes-validate` (as .ci/run does)";
    assert!(
        std::env::var_os("STRATA_TEST_REQUIRE_TOOLS").is_none(),
        "{why}"
    );
    eprintln!("skipped: {why}");
    false
}

/// Validates `files` strictly (unknown fields are errors) against Kubernetes `version`;
/// every object must pass except the Gateway API's, whose schemas Kubernetes does not
/// ship (they are CRDs): those must be the only ones reported without a schema.
fn validate(files: &[std::path::PathBuf], version: &str) {
    let out = Command::new("kubernetes-validate")
        .args(["--strict", "-k", version])
        .args(files)
        .output()
        .unwrap();
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    let mut passed = 0;
    for line in report.lines() {
        if line.starts_with("INFO") && line.contains(" passed for resource ") {
            passed += 1;
        } else if line.starts_with("WARN") {
            assert!(
                line.contains("Couldn't find schema for kind")
                    && line.contains("gateway.networking.k8s.io/v1")
                    && (line.contains("kind HTTPRoute") || line.contains("kind Gateway ")),
                "{line}"
            );
        } else {
            panic!("unexpected validation output: {line}");
        }
    }
    let gateway_api = files
        .iter()
        .filter(|f| {
            let name = f.file_name().unwrap().to_string_lossy();
            name.starts_with("httproute-") || name.starts_with("gateway-")
        })
        .count();
    assert_eq!(passed + gateway_api, files.len(), "{report}");
}

#[test]
fn every_rendered_manifest_passes_kubernetes_validate() {
    if !validator() {
        return;
    }
    for name in ["reference-platform", "kubernetes-lab"] {
        let (tmp, dir, _) = render(name, &[]);
        let out_dir = tmp.path().join("manifests");
        let out = strata(
            &dir,
            &[
                "render",
                "--provider",
                "kubernetes",
                "-o",
                out_dir.to_str().unwrap(),
            ],
        );
        assert_eq!(code(&out), 0, "{}", text(&out));
        let files: Vec<_> = listing(&out_dir)
            .into_iter()
            .filter(|f| f.ends_with(".yaml"))
            .map(|f| out_dir.join(f))
            .collect();
        assert!(files.len() > 20, "{name}: {files:?}");
        for version in ["1.30.0", "1.37.0"] {
            validate(&files, version);
        }
    }
}

fn render_job(dir: &Path, shards: &str) -> String {
    let out = strata(
        dir,
        &[
            "simulate",
            "--scenario",
            "site_loss",
            "--render-job",
            "--shards",
            shards,
            "--image",
            "registry.bank.internal/strata:0.1.0",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_simulation_job_is_an_indexed_job_of_the_shards() {
    let (_tmp, dir) = example("reference-platform");
    let job = render_job(&dir, "8");
    insta::assert_snapshot!("render_simulate_job", job);
    let out = strata(
        &dir,
        &[
            "simulate",
            "--scenario",
            "site_loss",
            "--render-job",
            "--shards",
            "8",
        ],
    );
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("--image"), "{}", text(&out));
    if validator() {
        let file = dir.join("job.yaml");
        std::fs::write(&file, &job).unwrap();
        validate(std::slice::from_ref(&file), "1.30.0");
        std::fs::write(&file, render_job(&dir, "500")).unwrap();
        validate(std::slice::from_ref(&file), "1.37.0");
    }
}

/// What each pod runs, with its index, makes the whole run: the shards' outputs, as a
/// pod's log shows them (stderr's progress line before the JSON), merge into exactly the
/// unsharded outcome.
#[test]
fn the_pods_commands_merge_into_the_whole_run() {
    let (_tmp, dir) = example("reference-platform");
    let job: Vec<yaml_rust2::Yaml> =
        yaml_rust2::YamlLoader::load_from_str(&render_job(&dir, "3")).unwrap();
    let container = &job[0]["spec"]["template"]["spec"]["containers"][0];
    let args: Vec<String> = container["args"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(container["command"][0].as_str(), Some("strata"));
    let mut logs = Vec::new();
    for k in 0..3 {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("$(JOB_COMPLETION_INDEX)", &k.to_string()))
            .collect();
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Fewer replications than the scenario's 200, to keep the test quick.
        let at = args.iter().position(|a| *a == "--replications").unwrap();
        args[at + 1] = "6";
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out));
        let log = dir.join(format!("shard-{k}.log"));
        std::fs::write(
            &log,
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            ),
        )
        .unwrap();
        logs.push(log);
    }
    let mut merge = vec!["simulate".to_string(), "merge".into(), "--json".into()];
    merge.extend(logs.iter().map(|l| l.display().to_string()));
    let merged = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(&merge)
        .output()
        .unwrap();
    assert_eq!(code(&merged), 0, "{}", text(&merged));
    let whole = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args([
            "simulate",
            ".",
            "--scenario",
            "site_loss",
            "--replications",
            "6",
            "--seed",
            "7",
            "--horizon",
            "1y",
            "--json",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(code(&whole), 0, "{}", text(&whole));
    let strip = |v: &[u8]| {
        let mut v: serde_json::Value = serde_json::from_slice(v).unwrap();
        v.as_object_mut().unwrap().remove("shard");
        v
    };
    assert_eq!(strip(&merged.stdout), strip(&whole.stdout));
}

/// `--provider kubernetes.ALIAS` renders only that configuration's resources.
#[test]
fn an_alias_renders_its_own_resources_only() {
    let (_tmp, dir) = example("kubernetes-lab");
    let main = dir.join("main.hcl");
    let hcl = std::fs::read_to_string(&main).unwrap().replace(
        "environment \"sit\" {\n",
        "provider \"kubernetes\" {\n  alias = \"test\"\n}\n\nenvironment \"sit\" {\n  provider = kubernetes.test\n",
    );
    std::fs::write(&main, hcl).unwrap();
    let out = strata(&dir, &["render", "--provider", "kubernetes.test"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let yaml = String::from_utf8(out.stdout).unwrap();
    let sources: Vec<&str> = yaml
        .lines()
        .filter(|l| l.starts_with("# Source: "))
        .collect();
    assert_eq!(sources.len(), 6, "{sources:?}");
    assert!(sources.iter().all(|s| s.contains("env-sit")), "{sources:?}");
    // Without the alias: everything, the environment included.
    let all =
        String::from_utf8(strata(&dir, &["render", "--provider", "kubernetes"]).stdout).unwrap();
    assert_eq!(all.matches("# Source: ").count(), 27);

    let out = strata(&dir, &["render", "--provider", "kubernetes.prod"]);
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).contains("declares no provider \"kubernetes\" with alias = \"prod\""),
        "{}",
        text(&out)
    );
}
