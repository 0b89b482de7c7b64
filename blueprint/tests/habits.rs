//! Terraform habits get a hint naming the Strata form: `resource "vm" "x" {}`, `data`
//! blocks, a percentage written as a bare number, a duration written in words. Counts,
//! the position and the hint are asserted beside each snapshot.

mod common;

use common::load;

#[test]
fn a_resource_block_is_written_as_its_kind() {
    let out = load("site \"dc\" {}\n\nresource \"vm\" \"web\" {\n  cpu = 2\n}\n");
    out.expect(
        1,
        0,
        &[
            "Strata has no `resource` blocks",
            "main.hcl:3:1",
            "Strata blocks are written `vm \"web\" { ... }`",
            "refer to it as vm.web",
        ],
    );
    insta::assert_snapshot!(out.text);
}

#[test]
fn a_resource_block_of_an_unknown_kind_lists_the_kinds() {
    let out = load("resource \"aws_instance\" \"web\" {}\n");
    out.expect(
        1,
        0,
        &[
            "Strata blocks are written `KIND \"name\" { ... }`",
            "host_pool",
        ],
    );
}

#[test]
fn a_data_block_says_there_are_no_data_sources() {
    let out = load("data \"site\" \"dc\" {}\n");
    out.expect(
        1,
        0,
        &[
            "Strata has no `data` blocks",
            "`site \"dc\" { ... }`",
            "no data sources",
        ],
    );
}

#[test]
fn an_import_block_says_to_use_the_import_command() {
    let out = load("site \"s\" {}\nimport {\n  to = site.s\n  id = \"dc1\"\n}\n");
    out.expect(
        1,
        0,
        &[
            "Strata has no `import` blocks",
            "`strata import ADDRESS ID`",
            "main.hcl:2:1",
        ],
    );
}

/// A cluster and a service whose `target` is written as `target` (line 31).
fn service_with_target(target: &str) -> String {
    format!(
        r#"site "dc" {{}}

host_pool "p" {{
  site  = site.dc
  hosts = 3
  host {{
    cpu    = 32
    memory = "256GiB"
  }}
}}

network_zone "app" {{
  cidr = "10.20.0.0/16"
}}

kubernetes_cluster "k" {{
  pool = host_pool.p
  zone = network_zone.app
  control_plane {{
    count = 3
  }}
  node_group "w" {{
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }}
}}

service "api" {{
  cluster = kubernetes_cluster.k
  target  = {target}
}}
"#
    )
}

#[test]
fn a_target_written_as_a_bare_percentage_gets_its_percent_sign() {
    let out = load(&service_with_target("99.95"));
    out.expect(
        1,
        0,
        &[
            "main.hcl:31:13",
            "must be at most 100%, but is 9995%",
            "Did you mean \"99.95%\"?",
        ],
    );
    insta::assert_snapshot!(out.text);
    let quoted = load(&service_with_target("\"99.9\""));
    quoted.expect(1, 0, &["Did you mean \"99.9%\"?"]);
    // A fraction and a percentage are both right; a figure over 100 gets no guess.
    load(&service_with_target("0.9995")).expect(0, 0, &[]);
    load(&service_with_target("\"99.95%\"")).expect(0, 0, &[]);
    let over = load(&service_with_target("250"));
    over.expect(1, 0, &["but is 25000%"]);
    assert_eq!(over.occurrences("Did you mean"), 0, "{}", over.text);
}

#[test]
fn a_duration_in_words_gets_its_short_form() {
    let out = load("scenario \"outage\" {\n  horizon      = \"14 days\"\n  replications = 10\n}\n");
    out.expect(
        1,
        0,
        &[
            "main.hcl:2:18",
            "duration \"14 days\" contains spaces",
            "Did you mean \"14d\"?",
        ],
    );
    insta::assert_snapshot!(out.text);
}
