#!/usr/bin/env bash
# Benchmark of `strata simulate` on the reference platform: simulated years per second
# per core, end to end (blueprint load, topology, Monte Carlo, statistics, JSON).
#
#   bench/simulate.sh                         # site_loss 50,000 and host_failures 5,000 years
#   SITE_LOSS=10000 HOST_FAILURES=1000 bench/simulate.sh
#
# Scenarios of blueprints/reference-platform/scenarios.hcl, each one year per replication:
#  - site_loss: host failures (mtbf 43800 h) and dc1 dark for 6 h (about 130 events/year);
#  - host_failures: hosts, VMs, nodes, pods and storage all failing and repaired, with
#    maintenance drains every 30 days (about 1,900 events/year).
# Each runs on one thread (--threads 1: per core) and on all cores.
# Target (issue 4): >= 1,000 simulated years per second per core.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
SITE_LOSS=${SITE_LOSS:-50000}
HOST_FAILURES=${HOST_FAILURES:-5000}
BP=blueprints/reference-platform

cargo build --release --quiet --bin strata
: > "$OUT/simulate.txt"

measure() { # scenario replications threads
  local start end
  start=$(date +%s.%N)
  target/release/strata simulate "$BP" --scenario "$1" --replications "$2" \
    --threads "$3" --json > "$OUT/simulate-$1-$3.json"
  end=$(date +%s.%N)
  python3 - "$OUT/simulate-$1-$3.json" "$start" "$end" "$1" "$3" >> "$OUT/simulate.txt" <<'PY'
import json, sys
path, start, end, scenario, threads = sys.argv[1:]
d = json.load(open(path))
seconds = float(end) - float(start)
years = d["replications"] * d["horizon_ms"] / (365 * 86400 * 1000)
print(f"{scenario} {threads} {years:.0f} {seconds:.3f} {years / seconds:.0f} {d['events'] / seconds:.0f} {d['events'] / years:.0f}")
PY
}

cores=$(nproc)
for threads in 1 0; do
  measure site_loss "$SITE_LOSS" "$threads"
  measure host_failures "$HOST_FAILURES" "$threads"
done

printf '%-15s %8s %10s %9s %12s %12s %12s\n' scenario threads years seconds years/s events/s events/year
while read -r scenario threads years seconds rate events per_year; do
  [ "$threads" = 0 ] && threads="$cores"
  printf '%-15s %8s %10s %9s %12s %12s %12s\n' "$scenario" "$threads" "$years" "$seconds" "$rate" "$events" "$per_year"
done < "$OUT/simulate.txt"
