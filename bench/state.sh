#!/usr/bin/env bash
# Benchmark of the state backends (issue 13): the local folder and PostgreSQL.
#
#   STRATA_PG_CONN='host=127.0.0.1 port=54329 user=postgres password=... dbname=postgres' \
#     bench/state.sh
#
# (`eval "$(.ci/postgres start)"` starts a throwaway server; pass its STRATA_TEST_PG.)
# Measured, each the median of RUNS (default 3) whole-process runs:
#  1. reading a state of 100,000 objects: `strata state pull` (load, print the document);
#  2. writing it: `strata state push` of that document as the next version (lock, parse,
#     check lineage and serial, write: fsync and rename locally, one transaction on
#     PostgreSQL), then the lock released;
#  3. a no-change `strata plan` of 10,000 objects (lock, load, refresh, plan, save).
# The states are made by an apply with zero latency on the local backend, then moved to
# PostgreSQL with `strata init -migrate-state`.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${STRATA_PG_CONN:?set STRATA_PG_CONN to a PostgreSQL connection string}"
export STRATA_PG_CONN
OUT=bench/out/state
RUNS=${RUNS:-3}
mkdir -p "$OUT"
cargo build --release --quiet
BIN=$PWD/target/release/strata

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { /usr/bin/time -o "$OUT/t" -f "%e" "$@" >/dev/null 2>"$OUT/err" || { cat "$OUT/err" >&2; exit 1; }; tail -1 "$OUT/t"; }

blueprint() { # DIR N
  rm -rf "$1"; mkdir -p "$1"
  printf 'site "s" {\n  count       = %d\n  description = "object ${count.index}"\n}\n' "$2" > "$1/main.hcl"
}
postgres() { # DIR SCHEMA
  printf 'strata {\n  backend "postgres" {\n    schema = "%s"\n  }\n}\n' "$2" > "$1/backend.hcl"
  "$BIN" init -migrate-state "$1" >/dev/null
}

# The schemas of earlier runs go first.
drop() { psql "$STRATA_PG_CONN" -qc "DROP SCHEMA IF EXISTS $1 CASCADE" >/dev/null 2>&1 || true; }

measure() { # DIR LABEL
  local dir=$1 label=$2 reads=() writes=()
  for _ in $(seq "$RUNS"); do
    reads+=("$(seconds "$BIN" state pull "$dir")")
    "$BIN" state pull "$dir" > "$OUT/pulled.json"
    writes+=("$(seconds "$BIN" state push "$OUT/pulled.json" "$dir")")
  done
  printf '%-52s %8s\n' "read 100,000 objects ($label)" "$(printf '%s\n' "${reads[@]}" | median)"
  printf '%-52s %8s\n' "write 100,000 objects ($label)" "$(printf '%s\n' "${writes[@]}" | median)"
}

plan() { # DIR LABEL
  local dir=$1 label=$2 runs=()
  for _ in $(seq "$RUNS"); do
    runs+=("$(seconds "$BIN" plan -detailed-exitcode "$dir")")
  done
  printf '%-52s %8s\n' "no-change plan, 10,000 objects ($label)" "$(printf '%s\n' "${runs[@]}" | median)"
}

printf '%-52s %8s\n' measurement seconds
big="$OUT/big"; blueprint "$big" 100000
"$BIN" apply -auto-approve "$big" >/dev/null
measure "$big" local
drop bench_big; postgres "$big" bench_big
measure "$big" postgres

small="$OUT/small"; blueprint "$small" 10000
"$BIN" apply -auto-approve "$small" >/dev/null
plan "$small" local
drop bench_small; postgres "$small" bench_small
plan "$small" postgres
