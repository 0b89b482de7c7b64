//! The language's semantics, checked through root outputs of inline blueprints:
//! expressions, templates, functions, count / for_each, modules, dynamic blocks,
//! variables and their types, and unknown values.

use blueprint::{InputValue, Inputs, SourceMap};
use serde_json::{Value as Json, json};

fn outputs_with(files: &[(&str, &str)], inputs: &Inputs) -> Json {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut sources = SourceMap::default();
    let (config, diags) = blueprint::load(dir.path(), inputs, &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    config
        .outputs
        .iter()
        .map(|o| (o.name.clone(), o.value.to_json()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn outputs(text: &str) -> Json {
    outputs_with(&[("main.hcl", text)], &Inputs::default())
}

#[test]
fn expressions_evaluate_as_in_terraform() {
    let out = outputs(
        r#"
locals {
  sizes = { small = 2, large = 8 }
  names = ["b", "a", "b"]
}
output "arith" { value = (1 + 2) * 3 - 4 / 2 % 3 }
output "logic" { value = !(1 > 2) && (true || false) ? "yes" : "no" }
output "for_list" { value = [for k, v in local.sizes : "${k}=${v}" if v > 2] }
output "for_map" { value = { for n in local.names : n => upper(n)... } }
output "splat" { value = [{ a = 1 }, { a = 2 }][*].a }
output "template" { value = "%{ for n in distinct(local.names) }<${n}>%{ endfor }%{ if length(local.names) > 2 }many%{ else }few%{ endif }" }
output "strip" { value = "a %{~ if true ~} b %{~ endif ~} c ${~ "d" ~} e" }
output "heredoc" {
  value = <<-EOT
    first
      second
    EOT
}
output "heredoc_directives" {
  value = <<-EOT
    hosts:
    %{ for h in ["a", "b"] ~}
      - ${h}
    %{ endfor ~}
    end
    EOT
}
output "heredoc_if" {
  value = <<-EOT
    a
    %{ if true }
      b
    %{ endif }
    c
    EOT
}
output "functions" {
  value = [
    cidrsubnet("10.0.0.0/8", 8, 3),
    cidrhost("10.3.0.0/16", 10),
    cidrnetmask("10.0.0.0/12"),
    format("rack-%02d", 7),
    join("-", sort(keys(local.sizes))),
    max(3, 9, 1),
    lookup(local.sizes, "huge", 0),
    try(local.sizes.huge, "fallback"),
    can(local.sizes.huge),
    length(range(2, 10, 2)),
    coalesce("", "x"),
    contains(toset(local.names), "a"),
  ]
}
"#,
    );
    assert_eq!(out["arith"], json!(7));
    assert_eq!(out["logic"], json!("yes"));
    assert_eq!(out["for_list"], json!(["large=8"]));
    assert_eq!(out["for_map"], json!({ "a": ["A"], "b": ["B", "B"] }));
    assert_eq!(out["splat"], json!([1, 2]));
    assert_eq!(out["template"], json!("<b><a>many"));
    assert_eq!(out["strip"], json!("abcde"));
    assert_eq!(out["heredoc"], json!("first\n  second\n"));
    // `~}` strips the newline and indentation after it, as in Terraform.
    assert_eq!(out["heredoc_directives"], json!("hosts:\n- a\n- b\nend\n"));
    // Lines inside directives lose the heredoc's indentation too.
    assert_eq!(out["heredoc_if"], json!("a\n\n  b\n\nc\n"));
    assert_eq!(
        out["functions"],
        json!([
            "10.3.0.0/16",
            "10.3.0.10",
            "255.240.0.0",
            "rack-07",
            "large-small",
            9,
            0,
            "fallback",
            false,
            4,
            "x",
            true
        ])
    );
}

const PLATFORM: &str = r#"
site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 64
    memory = "512GiB"
  }
}
network_zone "z" {
  cidr = "10.0.0.0/16"
}
"#;

#[test]
fn count_for_each_and_references_to_instances() {
    let out = outputs(&format!(
        "{PLATFORM}{}",
        r#"
vm "web" {
  count  = 3
  pool   = host_pool.p
  zone   = network_zone.z
  cpu    = count.index + 1
  memory = "${2 * (count.index + 1)}GiB"
}
vm "db" {
  for_each = { primary = 8, replica = 4 }
  pool     = host_pool.p
  zone     = network_zone.z
  cpu      = each.value
  memory   = "16GiB"
  os       = each.key
}
output "cpus" { value = vm.web[*].cpu }
output "memory" { value = vm.web[2].memory }
output "db" { value = { for k, v in vm.db : k => v.cpu } }
output "unknown_then_known" { value = length(vm.web[*].address) }
output "pool_hosts" { value = vm.web[0].pool.hosts }
output "defaults" { value = [vm.web[0].disk, vm.db["primary"].name] }
"#
    ));
    assert_eq!(out["cpus"], json!([1, 2, 3]));
    assert_eq!(out["memory"], json!("6GiB"));
    assert_eq!(out["db"], json!({ "primary": 8, "replica": 4 }));
    assert_eq!(
        out["unknown_then_known"],
        json!(3),
        "length of a list of unknown addresses is known"
    );
    assert_eq!(
        out["pool_hosts"],
        json!(4),
        "a reference attribute reads as the resource"
    );
    assert_eq!(out["defaults"], json!(["50GiB", "db"]));
}

#[test]
fn modules_with_for_each_inputs_outputs_and_passed_resources() {
    let module = r#"
variable "cluster_pool" {}
variable "zone" {}
variable "workers" {
  type = map(object({ count = number, memory = optional(size, "32GiB") }))
}
kubernetes_cluster "this" {
  pool = var.cluster_pool
  zone = var.zone
  control_plane {
    count = 3
  }
  dynamic "node_group" {
    for_each = var.workers
    labels   = [node_group.key]
    content {
      count  = node_group.value.count
      cpu    = 8
      memory = node_group.value.memory
    }
  }
}
output "cluster" { value = kubernetes_cluster.this }
output "groups" { value = keys(kubernetes_cluster.this.node_group) }
"#;
    let root = format!(
        "{PLATFORM}{}",
        r#"
module "k8s" {
  source       = "./modules/k8s"
  for_each     = toset(["prod", "test"])
  cluster_pool = host_pool.p
  zone         = network_zone.z
  workers      = { general = { count = 3 }, big = { count = 1, memory = "128GiB" } }
}
service "api" {
  cluster = module.k8s["prod"].cluster
}
output "groups" { value = module.k8s["test"].groups }
output "api_cluster" { value = service.api.cluster.name }
output "big_memory" { value = module.k8s["prod"].cluster.node_group["big"].memory }
output "pool_through_module" { value = module.k8s["prod"].cluster.pool.hosts }
"#
    );
    let out = outputs_with(
        &[("main.hcl", &root), ("modules/k8s/main.hcl", module)],
        &Inputs::default(),
    );
    assert_eq!(out["groups"], json!(["big", "general"]));
    assert_eq!(out["api_cluster"], json!("this"));
    assert_eq!(out["big_memory"], json!("128GiB"));
    assert_eq!(out["pool_through_module"], json!(4));
}

#[test]
fn variables_convert_to_their_types_and_validate_across_variables() {
    let text = r#"
variable "sizes" {
  type = list(size)
}
variable "limits" {
  type    = object({ cpu = number, burst = optional(bool, false) })
  default = { cpu = "4" }
}
variable "min" {
  type    = number
  default = 1
}
variable "max" {
  type    = number
  default = 3
  validation {
    condition     = var.max >= var.min
    error_message = "max must not be below min."
  }
}
output "sizes" { value = var.sizes }
output "limits" { value = var.limits }
"#;
    let inputs = Inputs {
        values: vec![(
            "sizes".into(),
            InputValue::Raw {
                text: "[\"4GiB\", \"1TB\"]".into(),
                origin: "-var".into(),
            },
        )],
        ..Default::default()
    };
    let out = outputs_with(&[("main.hcl", text)], &inputs);
    assert_eq!(out["sizes"], json!(["4GiB", "1TB"]));
    assert_eq!(out["limits"], json!({ "cpu": 4, "burst": false }));
}

#[test]
fn catalog_services_get_their_defaults() {
    let out = outputs(&format!(
        "{PLATFORM}{}",
        r#"
storage "ceph" {
  type     = "ceph"
  pool     = host_pool.p
  capacity = "100TiB"
  replicas = 3
  min_size = 2
}
kubernetes_cluster "k" {
  pool    = host_pool.p
  zone    = network_zone.z
  storage = storage.ceph
  control_plane {
    count = 3
  }
  node_group "w" {
    count  = 3
    cpu    = 16
    memory = "64GiB"
  }
}
service "kafka" {
  cluster = kubernetes_cluster.k
  kind    = "kafka"
}
output "kafka" {
  value = [service.kafka.replicas, service.kafka.quorum, service.kafka.stateful, service.kafka.volume.size, service.kafka.port]
}
"#
    ));
    assert_eq!(out["kafka"], json!([3, 2, true, "500GiB", 9092]));
}

#[test]
fn file_functions_read_from_the_root_and_path_module_points_at_the_module() {
    let module = r#"
variable "name" {}
output "greeting" {
  value = templatefile("${path.module}/greeting.tmpl", { name = var.name, racks = ["r1"] })
}
output "where" { value = path.module }
output "files" { value = fileset(path.module, "*.tmpl") }
"#;
    let root = r#"
module "m" {
  source = "./modules/m"
  name   = "Ana"
}
locals {
  template = "Hi $${who}"
}
output "greeting" { value = module.m.greeting }
output "module_path" { value = module.m.where }
output "root_path" { value = path.root }
output "files" { value = module.m.files }
output "own" { value = file("data.txt") }
output "rendered" { value = templatestring(local.template, { who = "Bo" }) }
output "secret_seen" { value = issensitive(sensitive("x")) }
output "count_from_template" { value = "${length([1, 2])}" + 1 }
"#;
    let out = outputs_with(
        &[
            ("main.hcl", root),
            ("data.txt", "root data"),
            ("modules/m/main.hcl", module),
            (
                "modules/m/greeting.tmpl",
                "Hello, ${name}!%{ for r in racks } ${r}%{ endfor }",
            ),
        ],
        &Inputs::default(),
    );
    assert_eq!(out["greeting"], json!("Hello, Ana! r1"));
    assert_eq!(out["module_path"], json!("modules/m"));
    assert_eq!(out["root_path"], json!("."));
    assert_eq!(out["files"], json!(["greeting.tmpl"]));
    assert_eq!(out["own"], json!("root data"));
    assert_eq!(out["rendered"], json!("Hi Bo"));
    assert_eq!(out["secret_seen"], json!(true));
    assert_eq!(out["count_from_template"], json!(3));
}

#[test]
fn a_template_sees_only_its_variables_and_sensitive_values_stay_marked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.tmpl"), "${var.secret}").unwrap();
    std::fs::write(
        dir.path().join("main.hcl"),
        r#"
variable "secret" {
  default   = "s3cret"
  sensitive = true
}
output "leak" { value = templatefile("t.tmpl", {}) }
output "plain" { value = nonsensitive(var.secret) }
output "marked" { value = sensitive("x") }
"#,
    )
    .unwrap();
    let mut sources = SourceMap::default();
    let (_, diags) = blueprint::load(dir.path(), &Inputs::default(), &mut sources);
    let text = diags.render(&sources);
    assert!(
        text.contains("Call to function \"templatefile\" failed"),
        "{text}"
    );
    assert!(
        text.contains("sees only the variables given to it"),
        "{text}"
    );
    assert!(
        text.contains("Output \"marked\" refers to sensitive values"),
        "{text}"
    );
    assert!(!text.contains("Output \"plain\""), "{text}");
}
