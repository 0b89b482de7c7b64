//! Several independent mistakes in one blueprint: all are reported in one run.

use crate::common::load;

#[test]
fn several_independent_errors_in_one_run() {
    let out = load(concat!(
        platform!(),
        r#"
vm "web" {
  pool   = host_pool.main
  zone   = network_zone.ap
  cpus   = 4
  memory = "8GiB"
}

vm "db" {
  pool   = host_pool.main
  zone   = network_zone.app
  cpu    = 8
  memory = "32 gigs"
  disk   = 100
}

network_zone "data" {
  cidr = "10.20.0.0/33"
}
"#
    ));
    out.expect(
        6,
        0,
        &[
            "Reference to undeclared resource network_zone.ap",
            "Unknown attribute \"cpus\"",
            "Missing required attribute \"cpu\"",
            "Invalid value for \"memory\"",
            "Invalid value for \"disk\"",
            "Invalid value for \"cidr\"",
        ],
    );
    insta::assert_snapshot!("several_independent_errors_in_one_run", out.text);
}
