#!/usr/bin/env bash
# Build-vs-buy measurement: builds bench/oxidd-compare in release and, for every MEF file given
# (default: the 43 Aralia trees), times the top event's BDD under the depth-first order with
# blastradius-engine's own package and with oxidd (plain BDD with 1 and 2 threads, and BDD with
# complement edges), then prints a Markdown table of medians.
#
#   bench/oxidd-compare/run.sh [RUNS] [FILE...]     # RUNS defaults to 5
#
# Per tree: one process per engine under /usr/bin/time for its peak RSS (also the probe: a tree
# any engine fails, or takes over LIMIT seconds on, is skipped), then one process running the
# three single-threaded builds alternately RUNS times (medians; it exits non-zero if their
# probabilities differ by more than 1e-12 relative), then oxidd with 2 threads RUNS times.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/oxidd}"
runs="${1:-5}"
shift || true
limit="${LIMIT:-30}"
if [ "$#" -eq 0 ]; then
  set -- "$root"/crates/engine/test_data/aralia/*.xml
fi
(cd "$here" && cargo build --release --quiet)
bin="$CARGO_TARGET_DIR/release/oxidd-compare"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "| tree | nodes ours | nodes oxidd | nodes oxidd-ce | s ours | s oxidd | s oxidd 2 thr | s oxidd-ce | oxidd / ours | oxidd setup s | P pass s ours / oxidd | MiB ours | MiB oxidd | P agree |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for file in "$@"; do
  tree="$(basename "$file" .xml)"
  ok=1
  declare -A rss=()
  for engine in ours oxidd; do
    # Probe with a margin over the limit for load; the construction time printed decides.
    if ! /usr/bin/time -o "$tmp/rss" -f '%M' timeout $((limit * 2)) \
        "$bin" --engine "$engine" --runs 1 "$file" >"$tmp/probe" 2>"$tmp/err"; then
      echo "- $tree ($engine: $(head -c 200 "$tmp/err" | tr '\n' ' ' | sed 's/^[^ ]*: //'))" >>"$tmp/skipped"
      ok=0
      continue
    fi
    seconds="$(cut -f5 "$tmp/probe")"
    if awk -v s="$seconds" -v l="$limit" 'BEGIN { exit !(s > l) }'; then
      echo "- $tree ($engine: ${seconds} s > ${limit} s)" >>"$tmp/skipped"
      ok=0
      continue
    fi
    rss[$engine]="$(awk '{ printf "%.0f", $1 / 1024 }' "$tmp/rss")"
  done
  if [ "$ok" -eq 0 ]; then
    continue
  fi
  agree=yes
  "$bin" --engine all --runs "$runs" "$file" >"$tmp/all" 2>"$tmp/err" || agree="NO: $(tr '\n' ' ' <"$tmp/err")"
  "$bin" --engine oxidd --threads 2 --runs "$runs" "$file" >"$tmp/two"
  awk -F'\t' -v tree="$tree" -v agree="$agree" -v ro="${rss[ours]}" -v rx="${rss[oxidd]}" '
    FNR == NR { nodes[$2] = $4; secs[$2] = $5; setup[$2] = $6; p[$2] = $8; ps[$2] = $9; next }
    {
      two = $5
      rel = ($8 - p["ours"]); if (rel < 0) rel = -rel
      scale = (p["ours"] < 0 ? -p["ours"] : p["ours"]); if (scale == 0) scale = 1e-300
      if (rel > 1e-12 * scale) agree = "NO (2 threads)"
      ratio = (secs["ours"] > 0 ? secs["oxidd"] / secs["ours"] : 0)
      printf "| %s | %d | %d | %d | %.4f | %.4f | %.4f | %.4f | %.2f | %.3f | %.4f / %.4f | %s | %s | %s |\n",
        tree, nodes["ours"], nodes["oxidd"], nodes["oxidd-ce"], secs["ours"], secs["oxidd"], two,
        secs["oxidd-ce"], ratio, setup["oxidd"], ps["ours"], ps["oxidd"], ro, rx, agree
    }' "$tmp/all" "$tmp/two"
  unset rss
done | tee "$tmp/table"
echo
# Summary over the trees where our build takes at least 0.1 s (the rest are dominated by fixed
# costs): the median and the range of the oxidd / ours ratios, and the summed seconds.
awk -F' [|] ' '$5 + 0 >= 0.1 {
    n++; ratio[n] = $9 + 0; ours += $5; ox += $6; two += $7; ce += $8
  }
  END {
    if (n == 0) exit
    for (i = 2; i <= n; i++) {  # insertion sort (mawk has no asort)
      v = ratio[i]; j = i - 1
      while (j >= 1 && ratio[j] > v) { ratio[j + 1] = ratio[j]; j-- }
      ratio[j + 1] = v
    }
    median = (n % 2 ? ratio[(n + 1) / 2] : (ratio[n / 2] + ratio[n / 2 + 1]) / 2)
    printf "Trees with our build ≥ 0.1 s: %d; oxidd / ours median %.2f (range %.2f–%.2f); summed seconds ours %.2f, oxidd %.2f, oxidd 2 threads %.2f, oxidd-ce %.2f.\n",
      n, median, ratio[1], ratio[n], ours, ox, two, ce
  }' "$tmp/table"
echo
echo "Runs per engine and tree: $runs (medians). Skipped (limit ${limit} s per engine):"
cat "$tmp/skipped" 2>/dev/null || echo "- none"
