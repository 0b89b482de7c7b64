//! The plan as a merge-request comment (`strata plan -format=markdown`) with the impact of
//! the change (`-impact`): a change that moves the Kafka replicas onto one host loses
//! availability, and the comment says so, flagged.

mod common;

use common::{code, inline, strata, text, write};

/// The state key: the configuration of the last apply is kept sealed with it, and only
/// with it can `-impact` open it again.
const KEY: (&str, &str) = ("STRATA_STATE_KEY", "correct horse battery staple");

/// Runs `strata ARGS DIR` in `dir` with the state key.
fn strata_keyed(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .current_dir(dir)
        .env(KEY.0, KEY.1)
        .output()
        .unwrap()
}

/// `"svc-000006"` and the like, which depend on the order of parallel creates, as
/// `"<id>"`.
fn provider_ids_hidden(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("\"svc-") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('"').map_or(after.len(), |e| e + 1);
        out.push_str("\"<id>\"");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Kafka spread over a three-host pool; a scenario of host failures.
const BEFORE: &str = r#"
site "dc" {}

host_pool "p" {
  site  = site.dc
  hosts = 3
  cost  = 15000
  host {
    cpu    = 32
    memory = "256GiB"
  }
}

network_zone "data" {
  cidr = "10.30.0.0/16"
}

kubernetes_cluster "k" {
  pool    = host_pool.p
  zone    = network_zone.data
  purpose = "prod"
  control_plane {
    count = 3
  }
  node_group "w" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}

storage "nfs" {
  type     = "nfs"
  server   = "nfs01.dc.bank.internal"
  capacity = "10TiB"
  zone     = network_zone.data
  cost     = 60
}

service "kafka" {
  cluster  = kubernetes_cluster.k
  kind     = "kafka"
  replicas = 3
  quorum   = 2
  cpu      = 2
  memory   = "8GiB"
  target   = "99.9%"

  volume {
    size    = "100GiB"
    storage = storage.nfs
    path    = "/var/lib/kafka"
  }
}

scenario "host_failures" {
  horizon      = "365d"
  replications = 200
  seed         = 7

  failures {
    host {
      mtbf = "2000h"
      mttr = "24h"
    }
  }
}
"#;

/// The change: a one-host pool and a cluster on it, and Kafka moved there.
const EDGE: &str = r#"
host_pool "edge" {
  site  = site.dc
  hosts = 1
  cost  = 15000
  host {
    cpu    = 32
    memory = "256GiB"
  }
}

kubernetes_cluster "edge" {
  pool    = host_pool.edge
  zone    = network_zone.data
  purpose = "test"
  control_plane {
    count = 1
  }
  node_group "w" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}
"#;

#[test]
fn kafka_moved_onto_one_host_is_flagged_in_the_merge_request_comment() {
    let dir = inline(BEFORE);
    let out = strata_keyed(dir.path(), &["apply", "-auto-approve"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    // Without the key, the last apply's configuration cannot be opened: -base is the way.
    let out = strata(dir.path(), &["plan", "-impact"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("STRATA_STATE_KEY"), "{}", text(&out));
    let after = format!(
        "{}{EDGE}",
        BEFORE.replace(
            "cluster  = kubernetes_cluster.k\n  kind     = \"kafka\"",
            "cluster  = kubernetes_cluster.edge\n  kind     = \"kafka\""
        )
    );
    write(dir.path(), &after);
    let out = strata_keyed(dir.path(), &["plan", "-format=markdown", "-impact"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let comment = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(comment.starts_with("## Strata plan: 3 to add, 0 to change, 1 to destroy"));
    // The stateful replacement comes first, and the regression is flagged.
    let stateful = comment
        .find("### Stateful objects destroyed or replaced")
        .unwrap();
    let created = comment.find("### Created").unwrap();
    assert!(stateful < created, "{comment}");
    assert!(
        comment.contains(
            "⚠️ **service.kafka misses its availability target 99.90% (it met it before)**"
        ),
        "{comment}"
    );
    insta::assert_snapshot!("kafka_on_one_host", provider_ids_hidden(&comment));

    // The same impact for a terminal, after the plan.
    let out = strata_keyed(dir.path(), &["plan", "-impact"]);
    let shown = text(&out);
    assert!(
        shown.contains("Impact of this change (before: the last apply"),
        "{shown}"
    );
    assert!(shown.contains("Regressions:\n"), "{shown}");
    assert!(
        shown.contains("  - service.kafka misses its availability target 99.90%"),
        "{shown}"
    );
}

#[test]
fn without_impact_the_comment_has_no_impact_section() {
    let dir = inline(BEFORE);
    let out = strata(dir.path(), &["plan", "-format=markdown"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let comment = String::from_utf8_lossy(&out.stdout);
    assert!(comment.starts_with("## Strata plan: 6 to add, 0 to change, 0 to destroy\n"));
    assert!(!comment.contains("### Impact"));
    // Every object is in a folded diff.
    assert_eq!(comment.matches("<details>").count(), 6, "{comment}");
}

#[test]
fn the_base_can_be_a_git_revision() {
    let dir = inline(BEFORE);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
    };
    git(&["init", "-q"]);
    git(&["add", "main.hcl"]);
    git(&["commit", "-q", "-m", "before"]);
    // Nothing applied: the base comes from git alone.
    write(
        dir.path(),
        &format!(
            "{}{EDGE}",
            BEFORE.replace(
                "cluster  = kubernetes_cluster.k\n",
                "cluster  = kubernetes_cluster.edge\n"
            )
        ),
    );
    let out = strata(dir.path(), &["plan", "-impact", "-base", "HEAD"]);
    let shown = text(&out);
    assert_eq!(code(&out), 0, "{shown}");
    assert!(shown.contains("before: git revision HEAD"), "{shown}");
    assert!(
        shown.contains("service.kafka misses its availability target 99.90%"),
        "{shown}"
    );
    // A revision that does not exist is an error that says so.
    let out = strata(dir.path(), &["plan", "-impact", "-base", "no-such-ref"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("-base no-such-ref"), "{}", text(&out));
}
