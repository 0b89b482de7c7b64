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
# the time of both.
#
# Peer: when `terraform` is on PATH, both tools validate the same number of separately
# declared blocks (Terraform: `terraform_data`, Strata: `site`), each with an
# interpolated string, in the same run; the ratio is printed. (Terraform's validate does
# not expand `count`, so the count-based blueprints above have no Terraform equivalent.)
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
    /usr/bin/time -o "$OUT/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    line=$(tail -1 "$OUT/time.txt")
    times+=("${line% *}")
    local rss=${line#* }
    (( rss > peak )) && peak=$rss
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  MEDIAN=$median
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
done

if command -v terraform >/dev/null; then
  n=10000
  tf="$OUT/tf-flat" st="$OUT/strata-flat"
  rm -rf "$tf" "$st" && mkdir -p "$tf" "$st"
  python3 - "$n" "$tf/main.tf" "$st/main.hcl" <<'PY'
import sys
n = int(sys.argv[1])
with open(sys.argv[2], "w") as tf, open(sys.argv[3], "w") as st:
    for i in range(n):
        tf.write(f'resource "terraform_data" "r{i}" {{\n  input = "x-${{{i} + 1}}"\n}}\n')
        st.write(f'site "s{i}" {{\n  description = "x-${{{i} + 1}}"\n}}\n')
PY
  (cd "$tf" && terraform init -input=false >/dev/null 2>&1)
  measure "terraform validate ($n blocks)" terraform -chdir="$tf" validate
  tf_time=$MEDIAN
  measure "strata validate ($n blocks)" "$BIN" validate "$st"
  st_time=$MEDIAN
  printf 'ratio: terraform / strata = %.1f\n' "$(echo "$tf_time / $st_time" | bc -l)"
fi
