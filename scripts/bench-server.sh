#!/usr/bin/env bash
# Load test of `blastradius serve` on loopback: wrk fires what-if queries at a generated
# 10,000-component model and reports requests/s and latency; the run is bounded in time
# (DURATION) and count (MAX_REQUESTS per wrk thread), and fails if any request fails or any
# acknowledged run is missing from the history afterwards.
#
#   scripts/bench-server.sh                 # 20 s, 32 connections, 2 threads
#   DURATION=10s CONNECTIONS=8 scripts/bench-server.sh
#
# Needs Debian's wrk (apt-get install wrk). Only 127.0.0.1 is ever contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
MAX_REQUESTS="${MAX_REQUESTS:-100000}"
N_COMPONENTS="${N_COMPONENTS:-10000}"
command -v wrk >/dev/null || { echo "bench-server: needs wrk (apt-get install wrk)" >&2; exit 2; }

cargo build --quiet --release -p blastradius-cli
cargo build --quiet --release -p blastradius-bench --bin gen-model
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

target/release/gen-model "$N_COMPONENTS" > "$work/model.yaml"
token="bench-$$"
target/release/blastradius serve "$work/model.yaml" --db "$work/history.db" \
  --listen 127.0.0.1:0 --token "$token" 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q "listening on" "$work/server.log" 2>/dev/null && break
  sleep 0.1
done
address="$(sed -n 's/.*listening on http:\/\/\([0-9.:]*\).*/\1/p' "$work/server.log")"
[ -n "$address" ] || { cat "$work/server.log" >&2; exit 1; }

# The failures rotate: a region (thousands of components down), a zone, a regional service and
# two single components.
cat > "$work/what-if.lua" <<LUA
local fails = { "aws/us-east-1", "aws/us-east-1/us-east-1a", "aws/us-east-1/dynamodb",
                "k8s-us-east-2-1", "billing-bucket-3" }
local max_requests = $MAX_REQUESTS
local sent = 0
local answered = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
request = function()
  sent = sent + 1
  local body = '{"fail":["' .. fails[(sent % #fails) + 1] .. '"]}'
  return wrk.format(nil, "/api/models/1/what-if", nil, body)
end
response = function(status, headers, body)
  answered = answered + 1
  if answered >= max_requests then wrk.thread:stop() end
end
LUA

# One warm-up request (parses the model and builds its what-if index), then the measured run.
curl -sf -o /dev/null -H "Authorization: Bearer $token" -d '{"fail":["aws"]}' "http://$address/api/models/1/what-if"
echo "bench-server: $N_COMPONENTS components, $THREADS threads, $CONNECTIONS connections, $DURATION" >&2
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "$work/what-if.lua" "http://$address" | tee "$work/wrk.txt"

if grep -q "Non-2xx or 3xx responses" "$work/wrk.txt" || grep -q "Socket errors" "$work/wrk.txt"; then
  echo "bench-server: FAILED: some requests failed" >&2
  exit 1
fi
completed="$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.txt")"
# Every answered request is a stored run; the warm-up is run 1.
last_run="$(curl -sf "http://$address/api/runs?limit=1" | sed -n 's/.*"id":\([0-9]*\).*/\1/p' | head -1)"
echo "bench-server: $completed requests answered, all 2xx; the history's last run is #$last_run (warm-up + $((last_run - 1)))" >&2
if [ "$((last_run - 1))" -lt "$completed" ]; then
  echo "bench-server: FAILED: fewer stored runs than answered requests" >&2
  exit 1
fi
