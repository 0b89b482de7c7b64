#!/usr/bin/env bash
# Benchmark of the simulator's event engine, with SimPy as the peer.
#
#   bench/sim_engine.sh                  # 50 M engine events, 2 M SimPy events
#   EVENTS=20000000 SIMPY_EVENTS=1000000 bench/sim_engine.sh
#
# Measured, each in the same run (cargo run --release -p sim --example engine_bench):
#  1. the engine on a timer-heavy model, one core: 10,000 connections whose heartbeats
#     (random 1-200 ms apart) each cancel a pending 150 ms timeout and schedule a new one
#     and the next heartbeat (fire + cancel + 2 schedules per event);
#  2. the three-replica quorum model (replicas 3, quorum 2, exponential mtbf 1000 h and
#     mttr 10 h, unlimited repair crews; 100-year replications through the Monte Carlo
#     runner, statistics included), on one core and on all cores;
#  3. the same three-replica model written in SimPy (bench/simpy_replicas.py), counting
#     the same events (failures and repairs), and the ratios Strata / SimPy.
# Targets (issue 4): timer-heavy >= 10 M events/s on one core; Strata >= 50x SimPy.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
EVENTS=${EVENTS:-50000000}
SIMPY_EVENTS=${SIMPY_EVENTS:-2000000}

cargo build --release --quiet -p sim --example engine_bench
target/release/examples/engine_bench "$EVENTS" > "$OUT/sim_engine.txt"

if ! python3 -c 'import simpy' 2>/dev/null; then
  pip install --quiet simpy >/dev/null 2>&1 || pip install --quiet --break-system-packages simpy
fi
python3 bench/simpy_replicas.py "$SIMPY_EVENTS" >> "$OUT/sim_engine.txt"

rate() { awk -v name="$1" '$1 == name { print $4 }' "$OUT/sim_engine.txt"; }
timers=$(rate timer_heavy)
one=$(rate three_replicas_1_thread)
all=$(rate three_replicas_all_threads)
simpy=$(rate simpy_three_replicas)

printf '%-52s %14s\n' measurement events/s
printf '%-52s %14.0f\n' "strata engine, timer-heavy model (1 thread)" "$timers"
printf '%-52s %14.0f\n' "strata, three-replica quorum model (1 thread)" "$one"
printf '%-52s %14.0f\n' "strata, three-replica quorum model ($(nproc) threads)" "$all"
printf '%-52s %14.0f\n' "simpy, three-replica quorum model (1 thread)" "$simpy"
printf 'strata / simpy, one thread each      = %.1f\n' "$(echo "$one / $simpy" | bc -l)"
printf 'strata (%d threads) / simpy          = %.1f\n' "$(nproc)" "$(echo "$all / $simpy" | bc -l)"
grep simpy_availability "$OUT/sim_engine.txt" || true
