#!/usr/bin/env bash
# Fuzzes blastradius_model::load (fuzz/fuzz_targets/load_model.rs) with libFuzzer under ASan.
#
# Usage, from anywhere:   fuzz/run.sh [SECONDS]      (default 60)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); stable Rust is enough because RUSTC_BOOTSTRAP=1
# lets cargo-fuzz pass its -Z sanitizer flags. It copies the committed seeds
# (fuzz/seeds/load_model/) into the working corpus (fuzz/corpus/load_model/, git-ignored), then runs
# one fuzzing process for SECONDS with the model dictionary (fuzz/load_model.dict). New inputs go to
# the corpus; a crash, a timeout (>10 s on one input) or an out-of-memory (>4 GiB) stops the run and
# leaves the input in fuzz/artifacts/load_model/. Reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run load_model fuzz/artifacts/load_model/crash-…
# and shrink it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz tmin load_model fuzz/artifacts/load_model/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
mkdir -p fuzz/corpus/load_model
cp -n fuzz/seeds/load_model/* fuzz/corpus/load_model/ 2>/dev/null || true

# cargo fuzz run TARGET [CORPUS_DIRS...] -- [libFuzzer flags]: the first directory receives new inputs.
RUSTC_BOOTSTRAP=1 exec cargo fuzz run load_model fuzz/corpus/load_model fuzz/seeds/load_model -- \
  -dict=fuzz/load_model.dict \
  -max_total_time="$seconds" \
  -max_len=65536 \
  -timeout=10 \
  -rss_limit_mb=4096
