#!/usr/bin/env bash
# Benchmark of plan and apply on the simulated datacenter, with Terraform as the peer.
#
#   bench/apply.sh               # full run (Terraform's 2,000-object apply takes minutes)
#   SIZES="10000" bench/apply.sh # Strata's curve at other sizes
#
# Measured, each in the same run:
#  1. a no-change `strata plan` over N objects (N = 2,000, 10,000, 100,000), after an apply
#     with zero latency;
#  2. `strata apply` of 10,000 independent creates with 50 ms simulated latency and
#     parallelism 10, against the critical-path bound ceil(N / 10) x 50 ms;
#  3. Terraform on the same graph shape (N independent `terraform_data` resources) at
#     2,000 objects: apply, then a no-change plan; the ratio to Strata's no-change plan
#     at 2,000.
# Targets (issue 3): no-change plan >= 20x faster than Terraform's at 2,000 objects;
# apply within 10% of the critical-path bound.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/apply
mkdir -p "$OUT"
cargo build --release --quiet
BIN=$PWD/target/release/strata

seconds() { /usr/bin/time -o "$OUT/t" -f "%e" "$@" >/dev/null 2>&1 || true; tail -1 "$OUT/t"; }

blueprint() { # DIR N LATENCY
  mkdir -p "$1"
  printf 'provider "sim" {\n  latency = "%s"\n}\n\nsite "s" {\n  count       = %d\n  description = "object ${count.index}"\n}\n' "$3" "$2" > "$1/main.hcl"
}

printf '%-48s %10s\n' measurement seconds
for n in ${SIZES:-2000 10000 100000}; do
  dir="$OUT/plan$n"; rm -rf "$dir"; blueprint "$dir" "$n" 0ms
  "$BIN" apply -auto-approve "$dir" >/dev/null
  t=$(seconds "$BIN" plan -detailed-exitcode "$dir")
  printf '%-48s %10s\n' "strata no-change plan ($n objects)" "$t"
  [ "$n" = 2000 ] && strata_plan_2000=$t
done

n=10000 latency_ms=50 parallelism=10
dir="$OUT/apply$n"; rm -rf "$dir"; blueprint "$dir" "$n" "${latency_ms}ms"
t=$(seconds "$BIN" apply -auto-approve -parallelism "$parallelism" "$dir")
bound=$(echo "($n + $parallelism - 1) / $parallelism * $latency_ms / 1000" | bc -l)
printf '%-48s %10s\n' "strata apply ($n creates, ${latency_ms} ms, parallelism $parallelism)" "$t"
printf '%-48s %10.2f\n' "critical-path bound" "$bound"
printf 'apply / bound = %.3f\n' "$(echo "$t / $bound" | bc -l)"

if command -v terraform >/dev/null && [ -n "${strata_plan_2000:-}" ]; then
  tf="$OUT/tf2000"; rm -rf "$tf"; mkdir -p "$tf"
  printf 'resource "terraform_data" "s" {\n  count = 2000\n  input = "object ${count.index}"\n}\n' > "$tf/main.tf"
  (cd "$tf" && terraform init -input=false >/dev/null 2>&1)
  t=$(seconds terraform -chdir="$tf" apply -auto-approve -input=false -parallelism=10)
  printf '%-48s %10s\n' "terraform apply (2000 objects)" "$t"
  tf_plan=$(seconds terraform -chdir="$tf" plan -input=false -detailed-exitcode)
  printf '%-48s %10s\n' "terraform no-change plan (2000 objects)" "$tf_plan"
  printf 'no-change plan, terraform / strata = %.1f\n' "$(echo "$tf_plan / $strata_plan_2000" | bc -l)"
fi
