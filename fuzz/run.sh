#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after another, and prints a table
# of target, seconds, executions and crashes.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# cargo-fuzz passes nightly-only flags (-Z sanitizer, -C passes) to rustc. Only a stable
# toolchain is used for this project, so the flags are unlocked with RUSTC_BOOTSTRAP=1: that
# makes stable rustc accept unstable flags. It is set here, for this script only; never set it
# for a normal build. cargo-fuzz is installed when missing (`cargo install cargo-fuzz`).
#
# Environment:
#   FUZZ_TARGET_DIR  cargo's target dir for the fuzz build (default: fuzz/target)
#   FUZZ_SANITIZER   address (default) or none
#   FUZZ_NICE        niceness of the fuzzers (default 10: other work on the machine comes first)
#
# Each target's working corpus is fuzz/corpus/<target>, seeded from fuzz/seeds/<target>; crashes
# go to fuzz/artifacts/<target>; logs to fuzz/out/<target>.log. All three are git-ignored. A crash
# makes the script exit 1 after all targets ran; reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/crash-...
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
seconds="${1:-60}"
shift || true
sanitizer="${FUZZ_SANITIZER:-address}"
niceness="${FUZZ_NICE:-10}"
target_dir="${FUZZ_TARGET_DIR:-$here/target}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1

cd "$root"
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

mkdir -p "$here/out"
nice -n "$niceness" cargo fuzz build --release --sanitizer "$sanitizer" --target-dir "$target_dir"

status=0
printf '%-20s %8s %12s %8s\n' target seconds execs crashes
for target in "${targets[@]}"; do
    corpus="$here/corpus/$target"
    artifacts="$here/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    if [ -d "$here/seeds/$target" ]; then
        cp -n "$here/seeds/$target"/* "$corpus"/ 2>/dev/null || true
    fi
    log="$here/out/$target.log"
    start=$(date +%s)
    # -timeout: one input over 10 s is a hang; -rss_limit_mb: the machine has other work;
    # -detect_leaks=0: the extractors keep one tree-sitter parser per thread on purpose, and
    # LeakSanitizer rescanning the heap after runs that grew it took half of all CPU time
    if nice -n "$niceness" cargo fuzz run --release --sanitizer "$sanitizer" \
        --target-dir "$target_dir" "$target" "$corpus" -- \
        -artifact_prefix="$artifacts/" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -detect_leaks=0 -print_final_stats=1 >"$log" 2>&1; then
        :
    else
        status=1
    fi
    took=$(($(date +%s) - start))
    execs=$(awk '/stat::number_of_executed_units/ { s += $2 } END { print s + 0 }' "$log")
    crashes=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    printf '%-20s %8s %12s %8s\n' "$target" "$took" "$execs" "$crashes"
    if [ "$crashes" -gt 0 ]; then
        status=1
    fi
done
exit "$status"
