#!/usr/bin/env bash
# Benchmark of the vSphere provider against VMware's simulator (tools/vcsim): apply of N
# VMs, then the refresh of a no-change plan and destroy, each with its seconds and its
# number of vCenter round trips (a plan's must not grow with N: one PropertyCollector
# retrieval reads every VM, a page per 1,000).
#
#   bench/vsphere.sh              # N = 1000
#   N=100 bench/vsphere.sh
#   PROFILE=debug bench/vsphere.sh  # the debug build (no release build to wait for)
#
# Needs Go and Debian's govmomi sources (tools/vcsim/run.sh says which packages).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
PROFILE=${PROFILE:-release}
OUT=bench/out/vsphere
rm -rf "$OUT" && mkdir -p "$OUT/bp"
if [ "$PROFILE" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
BIN=$PWD/target/$PROFILE/strata
ADDR=${VCSIM_ADDR:-127.0.0.1:8991}
started=$(VCSIM_ADDR=$ADDR tools/vcsim/run.sh -- -hosts 32)
pid=$(echo "$started" | sed -n 's/^VCSIM_PID=//p')
trap 'kill "$pid"' EXIT
cat > "$OUT/bp/main.hcl" <<HCL
provider "vsphere" {
  url         = "http://$ADDR/sdk"
  name_prefix = "bench-"
}
strata {
  default_provider {
    network_zone = vsphere
    host_pool    = vsphere
    vm           = vsphere
  }
}
site "s" {}
host_pool "h" {
  site  = site.s
  hosts = 32
  host {
    cpu    = 256
    memory = "1TiB"
  }
}
network_zone "a" {
  cidr = "10.250.0.0/16"
  vlan = 250
}
network_zone "b" {
  cidr = "10.251.0.0/16"
  vlan = 251
}
vm "vm" {
  count  = $N
  pool   = host_pool.h
  zone   = count.index % 2 == 0 ? network_zone.a : network_zone.b
  cpu    = 1
  memory = "64MiB"
  disk   = "1GiB"
}
HCL
run() { # LABEL ARGS...
  local label=$1; shift
  rm -f "$OUT/calls"
  local start end
  start=$(date +%s.%N)
  STRATA_VSPHERE_USER=user STRATA_VSPHERE_PASSWORD=pass STRATA_VSPHERE_CALLS_FILE="$PWD/$OUT/calls" \
    "$BIN" "$@" "$OUT/bp" >"$OUT/$label.log" 2>&1
  end=$(date +%s.%N)
  printf '%-8s %7.2f s  %6s vCenter round trips\n' "$label" "$(echo "$end - $start" | bc)" "$(paste -sd+ "$OUT/calls" | bc)"
}
echo "N = $N VMs ($PROFILE build)"
run apply apply -auto-approve -parallelism 10
run plan plan
run destroy destroy -auto-approve -parallelism 10
