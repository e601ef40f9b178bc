#!/usr/bin/env bash
# The per-repository table of the benchmark (benches/run.sh --repos): envcheck on real
# application repositories, each a git checkout with one commit that changes one file, measured
# against rg in the same run:
#
#   uncached     envcheck scan --format json --include-tests --no-cache .
#   warm         the same with the result cache, after a run that filled it
#   diff         envcheck diff prod (names: source, --exit-zero), warm
#   diff --base  the same with --base HEAD~1 (the base tree is read from git), warm
#   rg           rg -n with the trigger-word regex of run.sh (the floor)
#
# The repositories are the dev set's trees (devset-corpus/<owner>+<name>, see
# ../shared/devset/README.md), copied into bench-corpus/repos/ and committed there (the copies
# are never touched in devset-corpus/). The change is one appended read in the first source file,
# in sorted order, that reads the environment. Objects are packed (`git gc`), as in a clone.
#
# Usage: benches/repos.sh ENVCHECK OUT_MARKDOWN   (run.sh passes both; RUNS, LOAD_MAX and
# LOAD_WAIT_EACH as there). Writes the table between `<!-- repos -->` and `<!-- end repos -->`
# in OUT_MARKDOWN, after the `<!-- end of generated results -->` line (so that a run of the
# corpus tables, which rewrites what precedes it, keeps it), leaving the rest of the file.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
ENVCHECK=$1
OUT=$2
RUNS=${RUNS:-10}
LOAD_MAX=${LOAD_MAX:-0.7}
LOAD_WAIT_EACH=${LOAD_WAIT_EACH:-30}
RG_REGEX='environ|getenv|process\.env|import\.meta\.env'
REPOS=$ROOT/bench-corpus/repos
RES=$ROOT/bench-corpus/results/repos
mkdir -p "$REPOS" "$RES"
[ -d devset-corpus ] || { echo "no devset-corpus/ (see ../shared/devset/README.md)" >&2; exit 1; }

log() { printf '\n== %s\n' "$*" >&2; }
git_() { git -c user.name=bench -c user.email=bench@example.com -c init.defaultBranch=main "$@"; }

prepare() {
    local src=$1 dest=$2
    [ -f "$dest/.bench-ready" ] && return 0
    log "preparing $dest"
    rm -rf "$dest"
    cp -r "$src" "$dest"
    (
        cd "$dest"
        git_ init -q .
        git_ add -A . >/dev/null 2>&1
        git_ commit -qm base
        # the first source file, in sorted order, that reads the environment (`sed`, not
        # `head`: a reader that stops early would fail the pipeline under pipefail)
        file=$(rg -l --sort path -g '*.py' -g '*.ts' -g '*.tsx' -g '*.js' \
            -e 'os\.getenv\(|process\.env\.' . | grep -v -e node_modules -e '/test' | sed -n 1p)
        case "$file" in
            *.py) printf '\nBENCH_CHANGE = os.getenv("BENCH_CHANGE")\n' >>"$file" ;;
            *) printf '\nexport const BENCH_CHANGE = process.env.BENCH_CHANGE;\n' >>"$file" ;;
        esac
        git_ commit -qam "change $file"
        git_ gc -q
        touch .bench-ready
    )
}

wait_for_quiet_machine() {
    local waited=0 load
    load=$(cut -d' ' -f1 /proc/loadavg)
    while awk -v l="$load" -v m="$LOAD_MAX" 'BEGIN { exit !(l >= m) }' && [ "$waited" -lt "$LOAD_WAIT_EACH" ]; do
        sleep 5
        waited=$((waited + 5))
        load=$(cut -d' ' -f1 /proc/loadavg)
    done
}

names=()
for dir in devset-corpus/*/; do
    name=$(basename "$dir")
    prepare "$ROOT/$dir" "$REPOS/$name"
    names+=("$name")
done

diff_cmd="$ENVCHECK diff prod --source names:BENCH --format json --exit-zero --include-tests"
for name in "${names[@]}"; do
    dir=$REPOS/$name
    log "measuring $name"
    wait_for_quiet_machine
    cut -d' ' -f1 /proc/loadavg >"$RES/$name.load"
    # fill the cache for each command, then check that each exits 0
    (cd "$dir" && rm -rf .envcheck_cache &&
        $ENVCHECK scan --format json --include-tests . >/dev/null 2>&1 &&
        $diff_cmd >/dev/null 2>&1 && $diff_cmd --base HEAD~1 >/dev/null 2>&1)
    # (the cache of files whose times are under 2 s old is not trusted: let them age)
    sleep 3
    (cd "$dir" && $ENVCHECK scan --format json --include-tests . >/dev/null 2>&1)
    (cd "$dir" && hyperfine --style basic --output=pipe --warmup 2 --runs "$RUNS" \
        --export-json "$RES/$name.json" \
        --command-name rg "rg -n --no-heading -e '$RG_REGEX' ." \
        --command-name uncached "$ENVCHECK scan --format json --include-tests --no-cache ." \
        --command-name warm "$ENVCHECK scan --format json --include-tests ." \
        --command-name diff "$diff_cmd" \
        --command-name "diff --base" "$diff_cmd --base HEAD~1") >&2
    (cd "$dir" && git ls-files | wc -l >"$RES/$name.files" && du -sk --exclude=.git --exclude=.envcheck_cache . | cut -f1 >"$RES/$name.kb")
done

python3 - "$RES" "$OUT" "${names[@]}" <<'PY'
import json, statistics, sys
res, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
def med(results, name):
    for r in results:
        if r["command"] == name:
            return statistics.median(r["times"])
    return float("nan")
def ms(t):
    return f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"
rows, loads = [], []
for name in names:
    results = json.load(open(f"{res}/{name}.json"))["results"]
    rg, unc, warm = med(results, "rg"), med(results, "uncached"), med(results, "warm")
    diff, base = med(results, "diff"), med(results, "diff --base")
    files = open(f"{res}/{name}.files").read().strip()
    mb = int(open(f"{res}/{name}.kb").read()) / 1024
    loads.append(float(open(f"{res}/{name}.load").read()))
    rows.append(f"| {name.replace('+', '/')} | {files} | {mb:.0f} | {ms(rg)} | {ms(unc)} ({unc / rg:.2f}x) "
                f"| {ms(warm)} ({warm / rg:.2f}x) | {ms(diff)} | {ms(base)} ({base / diff:.2f}x) |")
table = "\n".join([
    "<!-- repos -->",
    "## Application repositories",
    "",
    "Generated by `benches/run.sh --repos` (`benches/repos.sh`): the dev set's four trees, each a git",
    "checkout with one commit that adds one read to one file; medians of hyperfine runs. Ratios of",
    "`uncached` and `warm` are to rg in the same run; the ratio of `diff --base HEAD~1` is to the",
    "plain warm `diff`. 1-minute load average when each repository's measurement started: "
    + ", ".join(f"{l:.2f}" for l in loads) + ".",
    "",
    "| repository | files | MB | rg | uncached | warm | diff (warm) | diff --base HEAD~1 (warm) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    *rows,
    "<!-- end repos -->",
])
try:
    text = open(out, encoding="utf-8").read()
except FileNotFoundError:
    text = ""
start, end = text.find("<!-- repos -->"), text.find("<!-- end repos -->")
if start >= 0 and end >= 0:
    text = text[:start] + table + text[end + len("<!-- end repos -->"):]
else:
    marker = "<!-- end of generated results -->"
    at = text.find(marker)
    if at >= 0:
        # after the marker: benches/report.py keeps what follows it
        at += len(marker)
        text = text[:at] + "\n\n" + table + text[at:]
    else:
        text = text + "\n" + table + "\n"
open(out, "w", encoding="utf-8").write(text)
print(table)
PY
