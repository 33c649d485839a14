#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang 14, ASan+UBSan) and, for each
# target: replays every input kept in fuzz/regressions/<target>/, then fuzzes
# for a bounded time from a seed corpus made of the example content and the
# seeds (fuzz/make_corpus.py). Exits 1 when any target crashes, trips a
# sanitizer, leaks, hangs or runs out of memory; the input that did is left in
# <build>/fuzz-findings/<target>/ — copy it to fuzz/regressions/<target>/ once
# understood, so it is replayed from then on.
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET (default 30)] [TARGET...]
#
# BUILD_DIR (default build-fuzz) is configured when it has no CMakeCache.txt;
# .ci/run passes its sanitizer tree. JOBS (default 2) limits the build.
# Inputs found on the way are kept in <build>/fuzz-corpus/ for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
all_targets=(yaml_content markdown csv_results when_text data_source site_build import_tables)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
build=${BUILD_DIR:-build-fuzz}
jobs=${JOBS:-2}

# Per input: 20 s (ASan and coverage make a check of the whole tree slow),
# 2 GB (a YAML alias bomb must stop here, not take the machine).
common_options=(-timeout=20 -rss_limit_mb=2048 -print_final_stats=1)
declare -A target_options=(
  [when_text]="-max_len=256"          # a «Сроки» cell, not a document
  [data_source]="-max_len=65536"
  [import_tables]="-max_len=65536"
)

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
        -DSHNOR_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$build" -j"$jobs" --target fuzz_targets >/dev/null

seeds="$build/fuzz-seeds"
rm -rf "$seeds"
python3 fuzz/make_corpus.py "$seeds" >/dev/null
export TMPDIR="$build/fuzz-tmp"  # the scratch content folders (fuzz/scratch_content.cpp)
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
# Symbolized reports; LeakSanitizer stays on (a leak is a finding).
symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
[ -z "$symbolizer" ] || export ASAN_SYMBOLIZER_PATH="$symbolizer"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

failed=()
for target in "${targets[@]}"; do
  binary="$build/fuzz/fuzz_$target"
  log="$build/fuzz-logs/$target.log"
  findings="$build/fuzz-findings/$target"
  corpus="$build/fuzz-corpus/$target"
  mkdir -p "$(dirname "$log")" "$findings" "$corpus"
  # shellcheck disable=SC2206  # the options are words
  options=("${common_options[@]}" ${target_options[$target]:-} -artifact_prefix="$findings/")

  regressions=()
  if [ -d "fuzz/regressions/$target" ]; then
    while IFS= read -r -d '' file; do regressions+=("$file"); done \
      < <(find "fuzz/regressions/$target" -type f ! -name '*.md' -print0 | sort -z)
  fi
  for input in "${regressions[@]}"; do  # one at a time: each failing input is named
    replay_log="$build/fuzz-logs/$target.$(basename "$input").log"
    if ! "$binary" "${options[@]}" "$input" >"$replay_log" 2>&1; then
      echo "fuzz: $target: FAILED on regression input $input:" >&2
      grep -m 3 -E "ERROR|SUMMARY" "$replay_log" | sed 's/^/      /' >&2
      echo "      full report: $replay_log" >&2
      failed+=("$input")
    fi
  done

  start=$SECONDS
  if "$binary" "${options[@]}" -max_total_time="$seconds" "$corpus" "$seeds/$target" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    coverage=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    echo "fuzz: $target: fuzzing found nothing: ${runs:-?} runs in $((SECONDS - start)) s, ${coverage:-cov: ?}; ${#regressions[@]} regression inputs replayed"
  else
    echo "fuzz: $target: FAILED after $((SECONDS - start)) s; the report:" >&2
    grep -vE "^#[0-9]+|^INFO: |^MS: |^base unit|^0x" "$log" | head -60 >&2
    echo "      input kept in $findings/, full log $log" >&2
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: findings in: ${failed[*]}" >&2
  exit 1
fi
