#!/usr/bin/env bash
# Benchmark of the libvirt provider against the local libvirtd: apply, no-change plan and
# destroy of N tiny domains (64 MiB, blank 16 MiB disks, two isolated networks), with the
# number of libvirt calls each makes (a plan's: a fixed set, plus one per VM and two more
# per running VM, what libvirt has no bulk call for; see docs/providers/libvirt.md).
#
#   bench/libvirt.sh            # N = 50
#   N=10 bench/libvirt.sh
#   PLANS=5 bench/libvirt.sh    # the no-change plan run 5 times (default 3)
#
# Needs libvirtd running (as .ci/run starts it) and a build with --features libvirt.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-50}
PLANS=${PLANS:-3}
OUT=bench/out/libvirt
rm -rf "$OUT" && mkdir -p "$OUT/bp" "$OUT/pools"
cargo build --release --quiet --features libvirt
BIN=$PWD/target/release/strata
cat > "$OUT/bp/main.hcl" <<HCL
provider "libvirt" {
  name_prefix      = "bench-"
  pool_root        = "$PWD/$OUT/pools"
  shutdown_timeout = "0s"
}
strata {
  default_provider {
    network_zone = libvirt
    storage      = libvirt
    vm           = libvirt
  }
}
site "s" {}
host_pool "h" {
  site  = site.s
  hosts = 1
  host {
    cpu    = 256
    memory = "64GiB"
  }
}
network_zone "a" { cidr = "10.250.0.0/24" }
network_zone "b" { cidr = "10.250.1.0/24" }
storage "local" {
  type     = "local"
  capacity = "4GiB"
}
vm "vm" {
  count   = $N
  pool    = host_pool.h
  zone    = count.index % 2 == 0 ? network_zone.a : network_zone.b
  storage = storage.local
  cpu     = 1
  memory  = "64MiB"
  disk    = "16MiB"
}
HCL
run() { # LABEL ARGS...
  local label=$1; shift
  rm -f "$OUT/calls"
  local start end
  start=$(date +%s.%N)
  STRATA_LIBVIRT_CALLS_FILE="$PWD/$OUT/calls" "$BIN" "$@" "$OUT/bp" >"$OUT/$label.log" 2>&1
  end=$(date +%s.%N)
  printf '%-8s %6.2f s  %5s libvirt calls\n' "$label" "$(echo "$end - $start" | bc)" "$(paste -sd+ "$OUT/calls" | bc)"
}
echo "N = $N domains"
run apply apply -auto-approve -parallelism 10
for i in $(seq "$PLANS"); do
  run "plan-$i" plan
done
run destroy destroy -auto-approve
