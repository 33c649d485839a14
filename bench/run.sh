#!/usr/bin/env bash
# Benchmark shnor against Hugo on synthetic districts of N schools.
#
#   bash bench/run.sh [N ...]          (default: 200 2000)
#
# Environment:
#   ROUNDS=5            timed A B pairs per N (Hugo, then shnor, alternately)
#   SHNOR=build/shnor   the shnor executable (relative to the repository root)
#   HUGO=hugo           the Hugo executable
#   HUGO_MAX_N=         run Hugo only for N <= HUGO_MAX_N
#   HUGO_TIMEOUT=600    a Hugo run longer than this (s) is stopped, and Hugo is skipped
#                       for the rest of this N and for every larger N
#   BENCH_DIR=/tmp/shnor-bench   generated sites (reused while the generator is unchanged)
#   MEMORY_ONLY=1       only shnor's cold full build per round, for its peak memory (the
#                       N = 40000 row): no Hugo, no incremental rows, no floors, and each
#                       round's output is deleted before the next (21 GB at N = 40000)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

rounds=${ROUNDS:-5}
shnor=${SHNOR:-build/shnor}
hugo=${HUGO:-hugo}
hugo_max_n=${HUGO_MAX_N:-}
hugo_timeout=${HUGO_TIMEOUT:-600}
bench_dir=${BENCH_DIR:-/tmp/shnor-bench}
memory_only=${MEMORY_ONLY:-}
build_date=2024-11-01
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200 2000)

fail() { echo "run.sh: $*" >&2; exit 1; }

[ -x /usr/bin/time ] || fail "/usr/bin/time is missing: apt-get install time"
[ -x "$shnor" ] || fail "$shnor not found: build it (cmake --build build) or set SHNOR="
[ -n "$memory_only" ] || command -v "$hugo" >/dev/null || fail "hugo not found: apt-get install hugo, or set HUGO="
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || fail "ROUNDS must be a positive number"
for n in "${sizes[@]}"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || fail "N must be a positive number: $n"; done

generator_stamp=$(sha256sum bench/generate.py | cut -c1-16)
hugo_given_up_at=""    # the N at which a Hugo run went over the time limit

# Generates the site of N schools once; a later run reuses it while generate.py is unchanged.
prepare_site() {
    local n=$1 dir=$2
    if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$generator_stamp" ]; then
        echo "N=$n: reusing $dir"
        return
    fi
    echo "N=$n: generating into $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    python3 bench/generate.py "$n" "$dir"
    echo "$generator_stamp" > "$dir/stamp"
}

# Moves earlier output out of the way instead of deleting it: on ext4
# without a journal (this machine's disk), creating files within minutes of
# deleting tens of thousands is several times slower (the kernel skips
# recently freed inodes), which would measure the deletion, not the tools.
# Everything set aside is deleted once all timings are taken.
trash_dir=$bench_dir/trash
set_aside() {
    local path
    for path in "$@"; do
        [ -e "$path" ] || continue
        mkdir -p "$trash_dir"
        mv "$path" "$trash_dir/$(date +%s%N)-$(basename "$path")"
    done
}

# Runs one timed build; appends "tool round seconds peak_kb pages" to the results file.
# Tools: hugo; shnor-cold (no output, no cache: every school's YAML is read);
# shnor (no output folder, so no build record: a full render, but schools are
# taken from the cache of parsed content that earlier rounds left);
# shnor-none (a second build, nothing changed); shnor-one (one school's
# index.md changed). Returns 2 when the run hit the time limit.
timed_build() {
    local tool=$1 round=$2 dir=$3 results=$4
    local out="$dir/out-${tool%%-*}" measure="$dir/time-$tool" log="$dir/log-$tool-$round"
    local cache="$dir/cache-shnor"
    # shnor keeps the previous version beside its output (.<out>.shnor-spare):
    # a build "with no output folder" must not find one.
    local spare
    spare="$(dirname "$out")/.$(basename "$out").shnor-spare"
    case "$tool" in
        hugo) set_aside "$out" ;;
        shnor) set_aside "$out" "$spare" ;;
        shnor-cold) set_aside "$out" "$spare" "$cache" ;;
    esac
    sync
    local status=0
    if [ "$tool" = hugo ]; then
        /usr/bin/time -f '%e %M' -o "$measure" \
            timeout "$hugo_timeout" "$hugo" --quiet -s "$dir/hugo" -d "$out" >"$log" 2>&1 || status=$?
    else
        /usr/bin/time -f '%e %M' -o "$measure" \
            "$shnor" build --content "$dir/content" --out "$out" --cache "$cache" --date "$build_date" >"$log" 2>&1 || status=$?
    fi
    if [ "$status" -eq 124 ]; then
        echo "  $tool round $round: stopped after ${hugo_timeout} s"
        echo "$tool $round timeout ${hugo_timeout} 0" >> "$results"
        return 2
    fi
    if [ "$status" -ne 0 ]; then
        echo "  $tool round $round failed (exit $status):" >&2
        tail -20 "$log" >&2
        exit 1
    fi
    local pages
    pages=$(find "$out" -name '*.html' -type f | wc -l)
    # The last line: /usr/bin/time prints a note above it when the command fails.
    read -r seconds peak_kb < <(tail -1 "$measure")
    echo "$tool $round $seconds $peak_kb $pages" >> "$results"
    echo "  $tool round $round: ${seconds} s, $((peak_kb / 1024)) MB, $pages pages"
}

# The file-system floor: how long merely creating a tool's output takes on
# this machine, whatever generates it. The tree a build just wrote is copied
# (its bytes are in the page cache) into a new folder by two parallel
# `cp -r` processes, each copying whole subtrees two levels down (a
# school's folder, vi/schools, …): every folder made, every file created
# and written, nothing rendered. The ratio "Hugo/this" of a floor row is
# about the best a generator writing the same files could reach against
# that round's Hugo.
timed_copy() {
    local tool=$1 round=$2 dir=$3 results=$4
    local source="$dir/out-${tool#floor-}" copy="$dir/copy-$tool" measure="$dir/time-$tool"
    [ -d "$source" ] || return 0
    set_aside "$copy"
    mkdir -p "$copy"
    sync
    /usr/bin/time -f '%e %M' -o "$measure" bash -c '
        cd "$1" || exit 1
        find . -mindepth 1 -maxdepth 1 -type d -printf "$2/%P\0" | xargs -0 -r mkdir -p --
        { find . -mindepth 1 -maxdepth 1 -type f -printf "%P\0"; find . -mindepth 2 -maxdepth 2 -printf "%P\0"; } |
            xargs -0 -r -P 2 -n 20 cp -r --parents -t "$2" --' _ "$source" "$copy" \
        || fail "copying $source failed"
    local pages seconds peak_kb
    pages=$(find "$copy" -name '*.html' -type f | wc -l)
    read -r seconds peak_kb < <(tail -1 "$measure")
    echo "$tool $round $seconds $peak_kb $pages" >> "$results"
    echo "  $tool round $round: ${seconds} s, $pages pages"
}

# The incremental cases, after the full rounds: one school's index.md is
# changed (and restored at the end), then nothing is. The change is made
# more than 2 s before the build: files changed within 2 s of a build are
# never trusted as unchanged (timestamps have a coarse tick).
# Then one roadmap item of that school changes status (planned → done, and
# back in the next round): the district's pages and open data change too.
incremental_rounds() {
    local dir=$1 results=$2 page="$dir/content/schools/s00001/index.md"
    local plan="$dir/content/schools/s00001/roadmaps/plan.yaml"
    cp "$page" "$dir/index.md.orig"
    cp "$plan" "$dir/plan.yaml.orig"
    grep -q 'status: planned' "$plan" || fail "$plan has no planned item to change"
    for round in $(seq 1 "$rounds"); do
        printf '\nИзменение %s.\n' "$round" >> "$page"
        sleep 2.1
        timed_build shnor-one "$round" "$dir" "$results"
        timed_build shnor-none "$round" "$dir" "$results"
        if [ $((round % 2)) -eq 1 ]; then
            sed -i '0,/status: planned/s//status: done/' "$plan"
        else
            cp "$dir/plan.yaml.orig" "$plan"
        fi
        sleep 2.1
        timed_build shnor-item "$round" "$dir" "$results"
    done
    cp "$dir/index.md.orig" "$page"
    cp "$dir/plan.yaml.orig" "$plan"
}

hugo_runs_at() {
    local n=$1
    [ -z "$hugo_given_up_at" ] || return 1
    [ -z "$hugo_max_n" ] || [ "$n" -le "$hugo_max_n" ] || return 1
}

print_table() {
    python3 - "$@" <<'EOF'
import statistics, sys
n, rounds, path = sys.argv[1], sys.argv[2], sys.argv[3]
tools = ["hugo", "shnor-cold", "shnor", "shnor-one", "shnor-item", "shnor-none", "floor-hugo", "floor-shnor"]
meaning = {"hugo": "Hugo, full build", "shnor-cold": "shnor, full build, empty cache",
           "shnor": "shnor, full build (parsed-content cache warm)",
           "shnor-one": "shnor, one school's index.md text changed",
           "shnor-item": "shnor, one school's roadmap item status changed",
           "shnor-none": "shnor, nothing changed",
           "floor-hugo": "floor: copying Hugo's output (2 cp, no rendering)",
           "floor-shnor": "floor: copying shnor's output (2 cp, no rendering)"}
runs = {tool: {} for tool in tools}
stopped = {}
for line in open(path):
    tool, round_, seconds, peak_kb, pages = line.split()
    if seconds == "timeout":
        stopped[tool] = peak_kb  # the field holds the time limit
        continue
    runs[tool][int(round_)] = (float(seconds), int(peak_kb), int(pages))
print(f"\n## N={n} schools, {rounds} rounds\n")
print("| build | median wall s | pages | pages/s | median peak MB | Hugo/this, time | Hugo/this, memory |")
print("|-------|--------------:|------:|--------:|---------------:|-----:|-----:|")
def median_ratio(tool, index):
    pairs = sorted(set(runs["hugo"]) & set(runs[tool]))
    ratios = [runs["hugo"][r][index] / runs[tool][r][index] for r in pairs if runs[tool][r][index] > 0]
    return f"×{statistics.median(ratios):.2f}" if ratios else ""
for tool in tools:
    rows = list(runs[tool].values())
    if not rows:
        if tool in stopped:
            print(f"| {meaning[tool]} | stopped after {stopped[tool]} s | | | | | |")
        elif tool == "hugo":
            print(f"| {meaning[tool]} | not run | | | | | |")
        continue
    wall = statistics.median(r[0] for r in rows)
    peak = statistics.median(r[1] for r in rows) / 1024
    pages = rows[-1][2]
    incremental = tool in ("shnor-one", "shnor-item", "shnor-none")  # pages kept, not made: no rate
    rate = "" if incremental else f"{pages / wall:.0f}" if wall > 0 else "—"
    ratios = ("", "") if tool == "hugo" else (median_ratio(tool, 0), "" if incremental else median_ratio(tool, 1))
    if tool.startswith("floor-"):  # cp's memory says nothing of a generator's
        print(f"| {meaning[tool]} | {wall:.2f} | {pages} | {rate} | — | {ratios[0]} | |")
        continue
    print(f"| {meaning[tool]} | {wall:.2f} | {pages} | {rate} | {peak:.0f} | {ratios[0]} | {ratios[1]} |")
EOF
}

echo "shnor: $("$shnor" --version 2>&1 | head -1) ($shnor)"
[ -n "$memory_only" ] || echo "hugo: $("$hugo" version 2>&1 | head -1)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p "$bench_dir"
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
for n in "${sizes[@]}"; do
    dir="$bench_dir/n$n"
    prepare_site "$n" "$dir"
    results="$dir/runs.txt"
    : > "$results"
    if [ -n "$memory_only" ]; then
        # Peak memory of a cold build; the wall time is printed too, but
        # deleting the previous output right before makes it slower than
        # the full rows of an ordinary run (see "Why the bench moves old
        # output aside"): quote only the memory.
        for round in $(seq 1 "$rounds"); do
            rm -rf "$dir/out-shnor" "$dir/.out-shnor.shnor-spare" "$dir/cache-shnor"
            timed_build shnor-cold "$round" "$dir" "$results"
        done
        rm -rf "$dir/out-shnor" "$dir/.out-shnor.shnor-spare" "$dir/cache-shnor"
        print_table "$n" "$rounds" "$results" | tee -a "$summary"
        continue
    fi
    run_hugo=yes
    hugo_runs_at "$n" || run_hugo=no
    [ "$run_hugo" = yes ] || echo "  hugo skipped at N=$n"
    for round in $(seq 1 "$rounds"); do
        if [ "$run_hugo" = yes ]; then
            if ! timed_build hugo "$round" "$dir" "$results"; then
                run_hugo=no
                hugo_given_up_at=$n
            fi
        fi
        timed_build shnor-cold "$round" "$dir" "$results"
        timed_build shnor "$round" "$dir" "$results"
    done
    incremental_rounds "$dir" "$results"
    # Last: each copy adds a whole output to the page cache, which slowed
    # the builds of later rounds when it ran between them.
    for round in $(seq 1 "$rounds"); do
        timed_copy floor-hugo "$round" "$dir" "$results"
        timed_copy floor-shnor "$round" "$dir" "$results"
    done
    print_table "$n" "$rounds" "$results" | tee -a "$summary"
done
echo
echo "# Summary (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$summary"
rm -rf "$trash_dir"
