#!/usr/bin/env bash
# Builds the vSphere simulator (tools/vcsim/*.go, once: again only when a source changes)
# and starts it in the background on 127.0.0.1:8989, then prints its URL.
#
#   tools/vcsim/run.sh            build, start, print VCSIM_URL=... and the pid
#   tools/vcsim/run.sh --build    build only, print the binary's path
#   VCSIM_ADDR=127.0.0.1:9000 tools/vcsim/run.sh    another address
#   tools/vcsim/run.sh -- -hosts 8 -tls              flags for the simulator
#
# Needs Go and govmomi's sources from Debian: apt-get install golang-go
# golang-github-vmware-govmomi-dev. The binary goes to target/vcsim/vcsim; the simulator's
# log to target/vcsim/vcsim.log. Its credentials are user / pass unless -username and
# -password say otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${CARGO_TARGET_DIR:-$root/target}/vcsim"
bin="$out/vcsim"
src="$root/tools/vcsim"
mkdir -p "$out/gopath"
if [ ! -x "$bin" ] || [ -n "$(find "$src" -name '*.go' -newer "$bin")" ]; then
  if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/vmware/govmomi ]; then
    echo "vcsim: needs Go and govmomi: apt-get install golang-go golang-github-vmware-govmomi-dev" >&2
    exit 1
  fi
  (cd "$root/tools/vcsim" && GO111MODULE=off GOFLAGS= GOPATH="$out/gopath:/usr/share/gocode" \
    go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
fi
if [ "${1:-}" = "--build" ]; then
  echo "$bin"
  exit 0
fi
[ "${1:-}" = "--" ] && shift
addr="${VCSIM_ADDR:-127.0.0.1:8989}"
log="$out/vcsim.log"
"$bin" -listen "$addr" "$@" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if grep -q '^VCSIM_URL=' "$log"; then
    grep '^VCSIM_URL=' "$log"
    echo "VCSIM_PID=$pid"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
echo "vcsim: did not start on $addr; its log ($log):" >&2
cat "$log" >&2
exit 1
