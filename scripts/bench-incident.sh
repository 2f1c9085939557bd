#!/usr/bin/env bash
# Times the catalogue, scenario and replay commands of the release binary: the median of 21
# runs of each, wall clock, including process start. Usage: scripts/bench-incident.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p blastradius-cli
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
python3 - target/release/blastradius "$out" <<'PY'
import statistics, subprocess, sys, time
binary, out = sys.argv[1], sys.argv[2]
commands = [
    ["demo", "--out", out],
    ["catalog", "list"],
    ["scenarios"],
    ["replay", "aws-us-east-1-2025-10-20", "--model", "examples/fintech-single-region.yaml", "--format", "json"],
    ["validate", "examples/fintech-single-region.yaml"],
]
for args in commands:
    times = []
    for _ in range(21):
        start = time.perf_counter()
        subprocess.run([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    print(f"{' '.join(args)}: median {statistics.median(times) * 1000:.1f} ms "
          f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n=21)")
PY
