#!/usr/bin/env bash
# Events per second of the simulator on one core, next to SimPy and Ciw on the same M/M/c model
# (lambda 9, mu 1, c 10), in one run. Creates a Python venv under target/ and installs simpy and
# ciw into it from PyPI. Each tool prints its mean wait (theory 0.66873) so the comparison is
# between right answers. Usage: scripts/bench-sim.sh [RUST_HORIZON] [SIMPY_HORIZON] [CIW_HORIZON]
set -euo pipefail
cd "$(dirname "$0")/.."
rust_horizon="${1:-1000000}"
simpy_horizon="${2:-20000}"
ciw_horizon="${3:-5000}"
venv=target/bench-sim-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet simpy ciw
fi
"$venv/bin/python" -c 'import simpy, ciw; print("simpy", simpy.__version__, "ciw", ciw.__version__)'
cargo build --quiet --release -p blastradius-sim --example bench-mmc
# One core for each tool, so the figures are per core.
pin() { if command -v taskset >/dev/null; then taskset -c 0 "$@"; else "$@"; fi; }
rust=$(pin target/release/examples/bench-mmc "$rust_horizon")
simpy=$(pin "$venv/bin/python" scripts/bench-sim/simpy_mmc.py "$simpy_horizon")
ciw=$(pin "$venv/bin/python" scripts/bench-sim/ciw_mmc.py "$ciw_horizon")
printf '%s\n%s\n%s\n' "$rust" "$simpy" "$ciw"
# Ratios of events per second of CPU time (the machine is shared; wall-clock rates are printed
# above for reference).
rate() { sed -E 's/.*events_per_cpu_second=([0-9]+).*/\1/' <<<"$1"; }
python3 - "$(rate "$rust")" "$(rate "$simpy")" "$(rate "$ciw")" <<'PY'
import sys
rust, simpy, ciw = map(float, sys.argv[1:])
print(f"per CPU second: blastradius-sim {rust / 1e6:.1f}M events/s; "
      f"{rust / simpy:.0f}x SimPy, {rust / ciw:.0f}x Ciw")
PY
