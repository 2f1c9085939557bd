#!/usr/bin/env bash
# Times blastradius's fault-tree engine against SCRAM 0.16.2 (Debian's `scram` package), side by
# side in the same run, on the same Open-PSA MEF models, and prints a Markdown table.
#
# Usage: scripts/bench-fta.sh [--runs N] [--order K] [--timeout SECONDS] [ARALIA_DIR...]
#
#   --runs N         runs per engine, model and task; the table shows medians (default 3)
#   --order K        the order limit of the cut-set task (default 4)
#   --timeout S      per engine and run; a run past it counts as "timeout" (default 60)
#   ARALIA_DIR       more directories of *.xml fault trees (one model per file), e.g. the shared
#                    benchmark folder ../shared/benchmarks/aralia; optional
#
# Models: every tree in crates/engine/test_data/aralia, every *.xml in each ARALIA_DIR (a file
# with the same name as one already listed replaces it), and SCRAM's own fault trees under
# /usr/share/scram/input (those without event trees, CCF groups, substitutions or alignments,
# each with its NAME-basic-events.xml when there is one).
#
# Two tasks per model, both engines, each run as its own process:
#   probability  exact top-event probability (blastradius `fta --max-order 1`, SCRAM
#                `--bdd --probability 1 -l 1`: both also find the order-1 cut sets)
#   cut sets     exact probability plus the minimal cut sets up to order K (blastradius counts
#                them from its ZBDD; SCRAM has no count-only mode and writes them to its report)
# Wall time is measured around each process; peak memory (maximum RSS) comes from GNU time
# (/usr/bin/time). The answers are compared: probability to six significant digits, cut-set
# count and distribution by order; disagreements are listed in the table.
#
# BENCH_FTA_REPO_DIR replaces crates/engine/test_data/aralia (to try the script on a few models).
#
# Installs `scram` and `time` with apt-get when they are missing (needs root) and builds the
# release binary with cargo. Output: the table on stdout, progress on stderr.
set -euo pipefail

runs=3
order=4
timeout=60
dirs=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --order) order="$2"; shift 2 ;;
        --timeout) timeout="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
        *) dirs+=("$1"); shift ;;
    esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v scram >/dev/null || [[ ! -x /usr/bin/time ]]; then
    echo "installing scram and time with apt-get…" >&2
    if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
    $sudo apt-get install -y scram time >&2 || {
        $sudo apt-get update >&2 && $sudo apt-get install -y scram time >&2
    }
fi
command -v timeout >/dev/null || { echo "needs coreutils timeout" >&2; exit 2; }

echo "building blastradius (release)…" >&2
cargo build --release --quiet -p blastradius-cli >&2
blastradius="$root/target/release/blastradius"

python3 - "$blastradius" "$runs" "$order" "$timeout" "${dirs[@]}" <<'PY'
import json, os, re, statistics, subprocess, sys, tempfile, time, glob, platform

blastradius, runs, order, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
extra_dirs = sys.argv[5:]

# name -> list of files
models = {}
def add_dir(d):
    for f in sorted(glob.glob(os.path.join(d, "*.xml"))):
        models[os.path.basename(f)[:-4]] = [f]
add_dir(os.environ.get("BENCH_FTA_REPO_DIR", "crates/engine/test_data/aralia"))
for d in extra_dirs:
    if not os.path.isdir(d):
        sys.exit(f"{d}: not a directory")
    add_dir(d)
aralia = sorted(models, key=str.lower)

scram_models = {}
excluded = re.compile(r"define-event-tree|define-initiating-event|define-CCF-group|define-substitution|define-alignment")
for f in sorted(glob.glob("/usr/share/scram/input/**/*.xml", recursive=True)):
    text = open(f, encoding="utf-8", errors="replace").read()
    if "define-fault-tree" not in text or excluded.search(text):
        continue
    files = [f]
    events = f[:-4] + "-basic-events.xml"
    if os.path.exists(events):
        files.append(events)
    scram_models["scram:" + os.path.basename(f)[:-4]] = files

tmp = tempfile.mkdtemp(prefix="bench-fta-")

def timed(cmd):
    """Runs cmd under GNU time and timeout: (status, seconds, peak MiB, stdout)."""
    tf = os.path.join(tmp, "time")
    full = ["/usr/bin/time", "-f", "%M", "-o", tf, "timeout", "-k", "5", str(limit)] + cmd
    start = time.perf_counter()
    p = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    try:
        rss = int(open(tf).read().strip().splitlines()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        rss = float("nan")
    if p.returncode == 124 or p.returncode == 137:
        return ("timeout", seconds, rss, p.stdout, p.stderr)
    if p.returncode != 0:
        return (f"exit {p.returncode}", seconds, rss, p.stdout, p.stderr)
    return ("ok", seconds, rss, p.stdout, p.stderr)

def ours(files, k):
    status, s, rss, out, err = timed([blastradius, "fta", "--format", "json", "--max-order", str(k)] + files)
    answer = None
    if status == "ok":
        top = json.loads(out)["top_events"]
        answer = {t["name"]: (t["probability"], t["cut_sets"]["count"], t["cut_sets"]["by_order"]) for t in top}
    else:
        try:
            message = json.loads(out)["errors"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            message = err.strip().splitlines()[0] if err.strip() else ""
        if message:
            status += ": " + message[:100]
    return status, s, rss, answer

def scram(files, k):
    report = os.path.join(tmp, "report.xml")
    if os.path.exists(report):
        os.remove(report)
    status, s, rss, out, err = timed(["scram", "--bdd", "--probability", "1", "-l", str(k), "--no-indent", "-o", report] + files)
    answer = None
    if status == "ok":
        answer = {}
        text = open(report, encoding="utf-8").read()
        for m in re.finditer(r"<sum-of-products\b([^>]*)>", text):
            attrs = dict(re.findall(r'(\S+?)="([^"]*)"', m.group(1)))
            dist = [int(x) for x in attrs.get("distribution", "").split()]
            while dist and dist[-1] == 0:
                dist.pop()
            answer[attrs["name"]] = (float(attrs.get("probability", "nan")), int(attrs.get("products", "0")), dist)
    elif err.strip():
        status += ": " + err.strip().splitlines()[-1][:120]
    return status, s, rss, answer

def measure(engine, files, k):
    """Median seconds, max peak MiB over the runs, status, and the last answer."""
    times, peak, answer = [], 0.0, None
    for _ in range(runs):
        status, s, rss, answer = engine(files, k)
        if status != "ok":
            return {"status": status, "seconds": None, "mib": rss, "answer": None}
        times.append(s)
        peak = max(peak, rss)
    return {"status": "ok", "seconds": statistics.median(times), "mib": peak, "answer": answer}

def six(p):
    return f"{p:.6g}"

def compare(a, b, what):
    """Disagreements between our answer a and SCRAM's b, as short text."""
    if a is None or b is None:
        return []
    problems = []
    if sorted(a) != sorted(b):
        return [f"top events differ ({', '.join(sorted(a))} vs {', '.join(sorted(b))})"]
    for name in sorted(a):
        pa, ca, da = a[name]
        pb, cb, db = b[name]
        if six(pa) != six(pb):
            problems.append(f"P {six(pa)} vs {six(pb)}")
        if what == "mcs" and (ca != cb or da != db):
            problems.append(f"{what} {ca} ({' '.join(map(str, da))}) vs {cb} ({' '.join(map(str, db))})")
    return problems

def fmt_s(m):
    if m["status"] != "ok":
        return m["status"].split(":")[0]
    s = m["seconds"]
    return f"{s:.3f}" if s < 10 else f"{s:.1f}"

def ratio(a, b):
    if a["status"] != "ok" or b["status"] != "ok":
        if a["status"] == "ok" and b["status"] == "timeout":
            return f"> {limit / a['seconds']:.0f}"
        return "–"
    return f"{b['seconds'] / a['seconds']:.1f}"

def mib(a, b):
    fa = "–" if a["mib"] != a["mib"] else f"{a['mib']:.0f}"
    fb = "–" if b["mib"] != b["mib"] else f"{b['mib']:.0f}"
    return f"{fa} / {fb}"

def git(*args):
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""
commit = git("rev-parse", "--short", "HEAD") or "unknown"
dirty = git("status", "--porcelain", "--", "crates")
started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
load_start = os.getloadavg()[0]
scram_version = subprocess.run(["scram", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
scram_version = scram_version.replace(" ()", "")

rows, notes = [], []
names = aralia + sorted(scram_models, key=str.lower)
allmodels = dict(models, **scram_models)
for i, name in enumerate(names):
    files = allmodels[name]
    print(f"[{i + 1}/{len(names)}] {name}", file=sys.stderr, flush=True)
    op = measure(ours, files, 1)
    sp = measure(scram, files, 1)
    om = measure(ours, files, order)
    sm = measure(scram, files, order)
    answer = om["answer"] or op["answer"]
    if answer:
        p = "; ".join(f"{six(v[0])}" for v in answer.values())
    else:
        p = "–"
    if om["answer"]:
        counts = "; ".join(f"{v[1]:,}" for v in om["answer"].values())
    elif sm["answer"]:
        counts = "; ".join(f"({v[1]:,})" for v in sm["answer"].values())
    else:
        counts = "–"
    problems = compare(op["answer"], sp["answer"], "p") + compare(om["answer"], sm["answer"], "mcs")
    problems = list(dict.fromkeys(problems))
    for m, who in ((op, "blastradius"), (sp, "SCRAM"), (om, "blastradius"), (sm, "SCRAM")):
        if m["status"] not in ("ok", "timeout"):
            notes.append(f"- {name}: {who}: {m['status']}")
    p_checked = op["answer"] is not None and sp["answer"] is not None
    mcs_checked = om["answer"] is not None and sm["answer"] is not None
    if problems:
        agree = "**no**: " + "; ".join(problems)
    elif mcs_checked:
        agree = "yes"
    elif p_checked:
        agree = "P yes; MCS not compared"
    else:
        agree = "not compared"
    rows.append(f"| {name} | {p} | {counts} | {agree} | {fmt_s(op)} | {fmt_s(sp)} | {ratio(op, sp)} | {fmt_s(om)} | {fmt_s(sm)} | {ratio(om, sm)} | {mib(om, sm)} |")

print(f"Measured {started} at commit {commit}{' plus uncommitted changes under crates/' if dirty else ''}, "
      f"{os.cpu_count()} CPUs, load average {load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the end; "
      f"{scram_version}.")
print()
print(f"{runs} runs per cell, median wall seconds; × = SCRAM time / blastradius time (above 1: blastradius is faster); "
      f"timeout {limit:.0f} s per run; peak MiB is the maximum RSS over the cut-set runs (blastradius / SCRAM).")
print()
print(f"| model | P(top) | MCS ≤ {order} | same answers | P: blastradius s | P: SCRAM s | P × | MCS ≤ {order}: blastradius s | MCS ≤ {order}: SCRAM s | MCS × | peak MiB |")
print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for row in rows:
    print(row)
notes = list(dict.fromkeys(notes))
if notes:
    print()
    print("Failures other than timeouts:")
    print()
    for n in notes:
        print(n)
PY
