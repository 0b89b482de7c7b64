#!/usr/bin/env bash
# Benchmark of the blueprint language at scale: generates blueprints of 10,000 and
# 100,000 resource instances (count, for_each, a module per tenant, cross references)
# and times `strata validate` and `strata graph` on each, with peak memory.
#
#   bench/blueprint.sh            # 5 runs per measurement
#   RUNS=10 bench/blueprint.sh
#
# Target (issue 2): 100,000 instances validated and graphed in under 2 s with under
# 1 GiB peak memory on a 2-core machine. `strata graph` validates first, so its time is
# the time of both. When `terraform` is on PATH, Terraform's own `validate` of the same
# number of `terraform_data` resources (count over 100 blocks) is timed in the same run
# as a peer.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
OUT=bench/out
mkdir -p "$OUT"
cargo build --release --quiet
BIN=target/release/strata

# measure LABEL CMD...: median wall time and the largest peak RSS over $RUNS runs.
measure() {
  local label=$1; shift
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    local line
    line=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
    times+=("${line% *}")
    local rss=${line#* }
    (( rss > peak )) && peak=$rss
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-34s %8.2f s %10.1f MiB\n' "$label" "$median" "$(echo "$peak/1024" | bc -l)"
}

printf '%-34s %10s %14s\n' "measurement" "median" "peak memory"
for n in 10000 100000; do
  dir="$OUT/bp$n"
  rm -rf "$dir"
  python3 bench/gen_blueprint.py "$dir" "$n"
  "$BIN" validate "$dir" >/dev/null 2>&1 || { "$BIN" validate "$dir"; exit 1; }
  measure "strata validate ($n)" "$BIN" validate "$dir"
  measure "strata graph --format json ($n)" "$BIN" graph --format json "$dir"
  measure "strata graph --format dot ($n)" "$BIN" graph --format dot "$dir"
  if command -v terraform >/dev/null; then
    tf="$OUT/tf$n"
    rm -rf "$tf" && mkdir -p "$tf"
    for b in $(seq 100); do
      printf 'resource "terraform_data" "r%d" {\n  count = %d\n  input = count.index\n}\n' "$b" $((n / 100)) >> "$tf/main.tf"
    done
    (cd "$tf" && terraform init -input=false >/dev/null)
    measure "terraform validate ($n, peer)" terraform -chdir="$tf" validate
  fi
done
