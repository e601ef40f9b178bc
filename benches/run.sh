#!/usr/bin/env bash
# envcheck benchmark, one command, from the repository root:
#
#   benches/run.sh            full run: install the tools, build, build the corpus, measure the
#                             synthetic tree, the full corpus and its 10/25/50% subsets; print the
#                             tables and write them to benches/RESULTS.md (about 45 minutes on 2
#                             cores, most of it semgrep, plus up to 15 waiting for a quiet machine)
#   benches/run.sh --quick    the synthetic tree only (a few minutes; no npm, no real corpus)
#   benches/run.sh --repos    the per-repository table only: the dev set's application
#                             repositories (devset-corpus/), uncached, warm and `diff --base`,
#                             each against rg (benches/repos.sh; a few minutes)
#
# Options:
#   --no-install   do not apt-get / pip / npm install anything (fail if a tool is missing)
#   --no-wait      measure at once instead of waiting for the 1-minute load average to drop
#   --out FILE     write the tables to FILE instead of benches/RESULTS.md
#
# Environment: REPO_RUNS (timed runs per command with --repos, default 10), RUNS (timed runs
# of envcheck and rg, default 5; twice that on the synthetic
# tree), SLOW_RUNS (ast-grep everywhere and semgrep on the synthetic tree and 10%, default 3),
# BIG_RUNS (ast-grep at 50% and 100%, default 2), SEMGREP_CORPORA (where semgrep runs, default
# "synth pct10 full"; at 100% it runs once: one run takes about 15 minutes), SYNTH_FILES
# (default 10000), LOAD_MAX (default 0.7), LOAD_WAIT (seconds to wait for the load to drop
# before the first measurement, default 900), LOAD_WAIT_EACH (before each later one, default
# 30; the benchmark's own runs count in that average too), CARGO_TARGET_DIR (as for cargo).
# The load average at each measurement is recorded. To measure again only some of it, keeping
# the other results: MEASURE (corpora, default all: "synth pct10 pct25 pct50 full") and TOOLS
# (default "envcheck rg ast-grep semgrep"), e.g. `MEASURE=pct50 TOOLS="envcheck rg"`.
#
# What it compares, each on the same directory with the same file set: `envcheck scan --format
# json --include-tests`, `rg -n` with a regex for the same trigger words (the floor: it reads every
# byte and parses nothing), `ast-grep scan` with benches/rules/ast-grep/*.yml and `semgrep` with
# benches/rules/semgrep.yml (the same idioms). Every command runs under hyperfine with
# `--output=pipe` (rg stops early when it writes to /dev/null) wrapped in `/usr/bin/time -v`,
# whose "Maximum resident set size" lines give the peak RSS. Before timing, each tool runs once
# (this warms the page cache and checks that it exits 0); fast tools also get `--warmup 1`.
# Where a tool runs only once (semgrep at 100%), that checked run is the timed one.
#
# Everything it downloads or builds lives under bench-corpus/ (gitignored): the tools' venv
# (.venv), the npm scratch install (npm/), the corpus (full/, pct10/, pct25/, pct50/, synth/) and
# the raw results (results/).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BC=$ROOT/bench-corpus
VENV=$BC/.venv
RES=$BC/results
OUT=$ROOT/benches/RESULTS.md
QUICK=0
REPOS=0
INSTALL=1
WAIT=1
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --repos) REPOS=1 ;;
        --no-install) INSTALL=0 ;;
        --no-wait) WAIT=0 ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
RUNS=${RUNS:-5}
SLOW_RUNS=${SLOW_RUNS:-3}
BIG_RUNS=${BIG_RUNS:-2}
SEMGREP_CORPORA=${SEMGREP_CORPORA:-synth pct10 full}
SYNTH_FILES=${SYNTH_FILES:-10000}
LOAD_MAX=${LOAD_MAX:-0.7}
LOAD_WAIT=${LOAD_WAIT:-900}
LOAD_WAIT_EACH=${LOAD_WAIT_EACH:-30}
AST_GREP_VERSION=0.51.1
SEMGREP_VERSION=1.182.0
RG_REGEX='environ|getenv|process\.env|import\.meta\.env'
mkdir -p "$BC" "$RES"

log() { printf '\n== %s\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------------------------
if [ "$INSTALL" = 1 ]; then
    if ! command -v hyperfine >/dev/null || ! command -v rg >/dev/null || [ ! -x /usr/bin/time ]; then
        log "apt-get install hyperfine ripgrep time"
        apt-get update
        apt-get install -y hyperfine ripgrep time
    fi
    if [ "$REPOS" = 0 ] && { [ ! -x "$VENV/bin/semgrep" ] || [ ! -x "$VENV/bin/ast-grep" ]; }; then
        log "pip install ast-grep-cli semgrep into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet "ast-grep-cli==$AST_GREP_VERSION" "semgrep==$SEMGREP_VERSION"
    fi
    if [ "$QUICK" = 0 ] && [ "$REPOS" = 0 ] && [ ! -d "$BC/npm/node_modules" ]; then
        log "npm install (pinned, benches/npm/package.json) into $BC/npm"
        mkdir -p "$BC/npm"
        cp benches/npm/package.json benches/npm/package-lock.json "$BC/npm/"
        (cd "$BC/npm" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
    fi
fi
TOOLS_NEEDED=(hyperfine rg /usr/bin/time git)
[ "$REPOS" = 1 ] || TOOLS_NEEDED+=("$VENV/bin/ast-grep" "$VENV/bin/semgrep")
for tool in "${TOOLS_NEEDED[@]}"; do
    command -v "$tool" >/dev/null || { echo "missing $tool (run without --no-install)" >&2; exit 1; }
done
AST_GREP=$VENV/bin/ast-grep
SEMGREP=$VENV/bin/semgrep
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off

log "cargo build --release"
cargo build --release --quiet
ENVCHECK=${CARGO_TARGET_DIR:-$ROOT/target}/release/envcheck
[ -x "$ENVCHECK" ] || { echo "no binary at $ENVCHECK" >&2; exit 1; }
if [ "$REPOS" = 1 ]; then
    RUNS=${REPO_RUNS:-10} LOAD_MAX=$LOAD_MAX LOAD_WAIT_EACH=$LOAD_WAIT_EACH \
        exec bash benches/repos.sh "$ENVCHECK" "$OUT"
fi

# --- corpus ----------------------------------------------------------------------------------
SYNTH=$BC/synth
SYNTH_STAMP="synth.py $(sha1sum benches/synth.py | cut -c1-12) files=$SYNTH_FILES"
if [ "$(cat "$SYNTH/.stamp" 2>/dev/null)" != "$SYNTH_STAMP" ]; then
    log "synthetic tree: $SYNTH_FILES files"
    rm -rf "$SYNTH"
    python3 benches/synth.py "$SYNTH" --files "$SYNTH_FILES"
    echo "# empty: semgrep scans what the other tools scan" > "$SYNTH/.semgrepignore"
    echo "$SYNTH_STAMP" > "$SYNTH/.stamp"
fi
CORPORA=(synth)
if [ "$QUICK" = 0 ]; then
    PY_DIRS=()
    while IFS= read -r dir; do PY_DIRS+=(--python-dir "$dir"); done < <(python3 -c '
import site, sysconfig
dirs = [sysconfig.get_paths()["stdlib"]] + site.getsitepackages()
print("\n".join(d for i, d in enumerate(dirs) if d not in dirs[:i]))')
    STAMP="corpus.py $(sha1sum benches/corpus.py benches/npm/package.json | sha1sum | cut -c1-12) ${PY_DIRS[*]}"
    if [ "$(cat "$BC/full.stamp" 2>/dev/null)" != "$STAMP" ]; then
        log "corpus: Python stdlib + site-packages, npm packages -> $BC/full"
        python3 benches/corpus.py build "$BC/full" --node-modules "$BC/npm/node_modules" "${PY_DIRS[@]}"
        python3 benches/corpus.py subsets "$BC/full" "$BC" 10 25 50
        echo "$STAMP" > "$BC/full.stamp"
    fi
    CORPORA+=(pct10 pct25 pct50 full)
fi
MEASURE=${MEASURE:-${CORPORA[*]}}
TOOLS=${TOOLS:-envcheck rg ast-grep semgrep}

# --- measure ---------------------------------------------------------------------------------
# wait_for_quiet_machine SECONDS: poll the 1-minute load average until it is below LOAD_MAX.
wait_for_quiet_machine() {
    local waited=0 limit=$1 load
    load=$(cut -d' ' -f1 /proc/loadavg)
    while [ "$WAIT" = 1 ] && awk -v l="$load" -v m="$LOAD_MAX" 'BEGIN { exit !(l >= m) }'; do
        if [ "$waited" -ge "$limit" ]; then
            log "load average still $load after ${waited}s: measuring anyway"
            break
        fi
        [ $((waited % 60)) = 0 ] && log "1-minute load average $load >= $LOAD_MAX: waiting (${waited}s of ${limit}s)"
        sleep 10
        waited=$((waited + 10))
        load=$(cut -d' ' -f1 /proc/loadavg)
    done
    return 0
}

# tool_command TOOL DIR RSS_FILE: the shell command hyperfine times.
tool_command() {
    local tool=$1 dir=$2 rss=$3
    local time="/usr/bin/time -v -a -o $rss"
    case "$tool" in
        envcheck) echo "cd $dir && $time $ENVCHECK scan --format json --include-tests ." ;;
        rg) echo "cd $dir && $time rg -n --no-heading -e '$RG_REGEX' ." ;;
        ast-grep) echo "cd $dir && $time $AST_GREP scan -c $ROOT/benches/rules/sgconfig.yml --json=stream ." ;;
        semgrep) echo "cd $dir && $time $SEMGREP scan --config $ROOT/benches/rules/semgrep.yml --metrics=off --disable-version-check --json --quiet --max-target-bytes 5000000 --no-git-ignore ." ;;
    esac
}

measure() {
    local corpus=$1 dir=$BC/$1 tool runs warmup start
    log "measuring $corpus ($(python3 benches/corpus.py stats "$dir"))"
    python3 benches/corpus.py stats "$dir" > "$RES/$corpus.stats"
    for tool in $TOOLS; do
        runs=$RUNS
        warmup=1
        case "$tool" in
            envcheck|rg) [ "$corpus" = synth ] && runs=$((RUNS * 2)) ;;
            ast-grep)
                runs=$SLOW_RUNS
                warmup=0
                if [ "$corpus" = full ] || [ "$corpus" = pct50 ]; then runs=$BIG_RUNS; fi ;;
            semgrep)
                case " $SEMGREP_CORPORA " in *" $corpus "*) ;; *) rm -f "$RES/$corpus.$tool".*; continue ;; esac
                runs=$SLOW_RUNS
                warmup=0
                if [ "$corpus" = full ] || [ "$corpus" = pct50 ]; then runs=1; fi ;;
        esac
        rm -f "$RES/$corpus.$tool".*
        wait_for_quiet_machine "$LOAD_WAIT_EACH"
        cut -d' ' -f1 /proc/loadavg > "$RES/$corpus.$tool.load"
        # One checked run: warms the page cache, checks the exit code, keeps the output. When the
        # tool runs only once, this is the timed run (hyperfine's JSON shape, one time).
        start=$(date +%s.%N)
        if ! bash -c "$(tool_command "$tool" "$dir" "$RES/$corpus.$tool.rss1")" > "$RES/$corpus.$tool.out" 2> "$RES/$corpus.$tool.err"; then
            echo "$tool failed on $corpus, see $RES/$corpus.$tool.err" >&2
            exit 1
        fi
        if [ "$runs" = 1 ]; then
            python3 -c 'import json, sys; json.dump({"results": [{"command": sys.argv[1], "times": [float(sys.argv[3]) - float(sys.argv[2])]}]}, open(sys.argv[4], "w"))' \
                "$tool" "$start" "$(date +%s.%N)" "$RES/$corpus.$tool.json"
            mv "$RES/$corpus.$tool.rss1" "$RES/$corpus.$tool.rss"
            log "$tool on $corpus: one run, $(python3 -c 'import json, sys; print("%.1f s" % json.load(open(sys.argv[1]))["results"][0]["times"][0])' "$RES/$corpus.$tool.json")"
            continue
        fi
        rm -f "$RES/$corpus.$tool.rss1"
        hyperfine --style basic --output=pipe --warmup "$warmup" --runs "$runs" \
            --command-name "$tool" --export-json "$RES/$corpus.$tool.json" \
            "$(tool_command "$tool" "$dir" "$RES/$corpus.$tool.rss")" >&2
    done
}

{
    echo "date=$(date -u +%Y-%m-%d)"
    echo "nproc=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo "mem=$(free -g | awk '/^Mem:/ { print $2 }') GiB"
    echo "envcheck=$("$ENVCHECK" --version) ($(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo '+changes'))"
    echo "rg=$(rg --version | head -1)"
    echo "ast-grep=$("$AST_GREP" --version)"
    echo "semgrep=semgrep $("$SEMGREP" --version)"
    echo "hyperfine=$(hyperfine --version)"
    echo "corpora=${CORPORA[*]}"
    echo "rg_regex=$RG_REGEX"
} > "$RES/meta"
wait_for_quiet_machine "$LOAD_WAIT"
for corpus in $MEASURE; do
    measure "$corpus"
done
python3 benches/report.py "$RES" "$OUT"
