#!/usr/bin/env bash
# Runs envcheck for the GitHub Action (action.yml, step `run`): once, with `--format github`
# (annotations on stdout), `--sarif-file` and, unless `summary` is false, `--summary-file
# "$GITHUB_STEP_SUMMARY"`. Writes the step outputs `exit-code`, `findings-count` and `sarif-file`
# to $GITHUB_OUTPUT and exits with envcheck's exit code (0 ok, 1 findings, 2 error).
#
# `findings-count` is the number of annotations envcheck printed for findings (`::error file=`,
# `::warning file=`, `::notice file=`): envcheck runs only once, and `--format github` writes one
# line per finding (newlines in messages are escaped), so counting those lines needs no JSON tool
# on the runner and matches what the job log shows. The truncation notice that envcheck adds past
# GitHub's 10 annotations per kind carries no `file=` and is not counted. tests/action.rs checks
# that the count equals the number of results in the SARIF file.
#
# envcheck names files relative to the repository top (the nearest directory with a `.git` above
# the project), which is where GitHub places annotations and SARIF results. In a checkout
# without git metadata it names them relative to the working directory: then, when
# `working-directory` is below the workspace, that directory is prefixed to the paths in the
# annotations and in the SARIF file.
#
# Inputs come only from the environment (INPUT_*, set by action.yml). Nothing here echoes `args`,
# which may carry anything; the log names how many extra arguments were passed.
set -euo pipefail

temp_root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

log() { printf 'envcheck-action: %s\n' "$*" >&2; }

write_outputs() {
    local code="$1" count="$2" sarif="$3"
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        {
            printf 'exit-code=%s\n' "$code"
            printf 'findings-count=%s\n' "$count"
            printf 'sarif-file=%s\n' "$sarif"
        } >>"$GITHUB_OUTPUT"
    fi
}

# Escapes workflow-command data as actions/toolkit does (% CR LF), so that an input quoted in
# a message cannot end the annotation and start a command of its own.
escape_data() {
    local s="$1"
    s="${s//'%'/'%25'}"
    s="${s//$'\r'/'%0D'}"
    s="${s//$'\n'/'%0A'}"
    printf '%s' "$s"
}

# A usage error of the action itself: an annotation, the outputs of an error, exit 2.
die() {
    printf '::error title=envcheck action::%s\n' "$(escape_data "$*")"
    write_outputs 2 0 ""
    exit 2
}

# Inputs that reach $GITHUB_OUTPUT (`name=value` lines) or paths: one line only.
for input in INPUT_WORKING_DIRECTORY INPUT_SARIF_FILE INPUT_CONFIG INPUT_BASE INPUT_ENVIRONMENT; do
    case "${!input:-}" in
        *$'\n'* | *$'\r'*) die "the ${input#INPUT_} input holds a line break" ;;
    esac
done

is_true() {
    case "$(printf '%s' "${1:-}" | tr '[:upper:]' '[:lower:]')" in
        true | yes | 1 | on) return 0 ;;
        *) return 1 ;;
    esac
}

# --- the binary and the inputs ---------------------------------------------------------------
bin="${ENVCHECK_BIN:-}"
if [[ -z "$bin" ]]; then
    bin="$(command -v envcheck || true)"
fi
[[ -n "$bin" && -x "$bin" ]] || die "envcheck is not installed (the install step did not run?)"

command="${INPUT_COMMAND:-check}"
args=()
case "$command" in
    check) args+=(check) ;;
    diff)
        environment="${INPUT_ENVIRONMENT:-}"
        [[ -n "$environment" ]] || die "command 'diff' needs the 'environment' input (e.g. prod)"
        [[ "$environment" != -* ]] || die "the 'environment' input must be a name, not an option"
        args+=(diff "$environment")
        ;;
    *) die "the 'command' input must be 'check' or 'diff'" ;;
esac

workdir="${INPUT_WORKING_DIRECTORY:-.}"
cd -- "$workdir" 2>/dev/null || die "working-directory does not exist: $workdir"

args+=(--format github)

if [[ -n "${INPUT_CONFIG:-}" ]]; then
    args+=(--config "$INPUT_CONFIG")
fi

fail_on="${INPUT_FAIL_ON:-}"
if [[ -n "$fail_on" ]]; then
    case "$fail_on" in
        error | warning | info | never) args+=(--fail-on "$fail_on") ;;
        *) die "the 'fail-on' input must be error, warning, info or never" ;;
    esac
fi

sarif="${INPUT_SARIF_FILE:-}"
if [[ -z "$sarif" ]]; then
    sarif="$(mktemp -d "$temp_root/envcheck-sarif.XXXXXX")/envcheck.sarif"
elif [[ "$sarif" != /* && ! "$sarif" =~ ^[A-Za-z]:[\\/] ]]; then
    sarif="$PWD/$sarif"
fi
mkdir -p -- "$(dirname -- "$sarif")"
rm -f -- "$sarif"
args+=(--sarif-file "$sarif")

if is_true "${INPUT_SUMMARY:-true}" && [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    args+=(--summary-file "$GITHUB_STEP_SUMMARY")
fi

# --- the base revision -------------------------------------------------------------------------
# envcheck reads only the tree of the base revision (git ls-tree, git cat-file), no history, so
# one commit is enough: actions/checkout's default `fetch-depth: 1` lacks it, and it is fetched
# here with --depth=1 (in a shallow clone; a full clone fetches the ref without --depth).
fetch_base() {
    local base="$1" refspec depth=()
    if [[ "$(git rev-parse --is-shallow-repository 2>/dev/null)" == true ]]; then
        depth=(--depth=1)
    fi
    case "$base" in
        origin/*) refspec="+refs/heads/${base#origin/}:refs/remotes/$base" ;;
        *)
            if [[ "$base" =~ ^[0-9a-f]{40}$ ]]; then
                refspec="$base"
            else
                refspec="+refs/tags/$base:refs/tags/$base"
            fi
            ;;
    esac
    # a commit already in the clone (a pull request checked out with some depth usually has its
    # base) only needs its ref: fetching it with --depth=1 would make it a shallow root and cut
    # the history that later steps of the job see
    local remote_ref sha
    if [[ "$refspec" == +* ]]; then
        remote_ref="${refspec#+}"
        remote_ref="${remote_ref%%:*}"
        local listed
        if listed="$(git ls-remote origin "$remote_ref" 2>/dev/null)" && [[ -z "$listed" ]]; then
            # origin answered and has no such branch or tag: more history would not help
            missing_base="$remote_ref"
            return 1
        fi
        sha="$(printf '%s\n' "$listed" | cut -f1 | head -n 1)"
        if [[ -n "$sha" ]] && git cat-file -e "$sha^{commit}" 2>/dev/null; then
            log "the base revision $base is already in the clone"
            git update-ref "${refspec##*:}" "$sha"
            return 0
        fi
    elif git cat-file -e "$refspec^{commit}" 2>/dev/null; then
        return 0
    fi
    log "fetching the base revision $base${depth[*]+ (${depth[*]})}"
    git fetch --no-tags --quiet ${depth[@]+"${depth[@]}"} origin "$refspec" >&2
}

base="${INPUT_BASE:-}"
if [[ -n "$base" ]]; then
    [[ "$base" != -* ]] || die "the 'base' input must be a git revision, not an option"
    if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        log "note: not inside a git checkout; envcheck will report that --base needs one"
    elif ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
        missing_base=""
        if ! fetch_base "$base"; then
            if [[ -n "$missing_base" ]]; then
                log "note: origin has no $missing_base: the 'base' input names a branch or tag that does not exist"
            else
                log "note: could not fetch $base; in a shallow clone use actions/checkout with fetch-depth: 0"
            fi
        fi
    fi
    args+=(--base "$base")
fi

# --- extra arguments: split like a shell, without expanding anything ---------------------------
extra=()
if [[ -n "${INPUT_ARGS:-}" && -n "${INPUT_ARGS//[[:space:]]/}" ]]; then
    split="$(mktemp "$temp_root/envcheck-args.XXXXXX")"
    if ! printf '%s' "$INPUT_ARGS" | xargs printf '%s\0' >"$split" 2>/dev/null; then
        rm -f -- "$split"
        die "the 'args' input could not be split (an unmatched quote?)"
    fi
    while IFS= read -r -d '' a; do
        extra+=("$a")
    done <"$split"
    rm -f -- "$split"
fi

# --- where the project sits in the repository --------------------------------------------------
prefix=""
here="$(pwd -P)"
in_repository=false
dir="$here"
while :; do
    if [[ -e "$dir/.git" ]]; then
        in_repository=true
        break
    fi
    [[ "$dir" == / || -z "$dir" ]] && break
    dir="$(dirname -- "$dir")"
done
if [[ "$in_repository" == false && -n "${GITHUB_WORKSPACE:-}" ]] &&
    top="$(cd -- "$GITHUB_WORKSPACE" 2>/dev/null && pwd -P)"; then
    if [[ "$here" != "$top" && "$here" == "$top"/* ]]; then
        prefix="${here#"$top"/}/"
    fi
fi

# `%`, `\r`, `\n`, `:` and `,` escaped as in a workflow command's property (actions/toolkit).
escape_property() {
    local s="$1"
    s="${s//%/%25}"
    s="${s//$'\r'/%0D}"
    s="${s//$'\n'/%0A}"
    s="${s//:/%3A}"
    s="${s//,/%2C}"
    printf '%s' "$s"
}

# Percent-encodes every byte but the unreserved ones and `/`, as a relative URI reference.
escape_uri() {
    local s="$1" out="" c i
    local LC_ALL=C
    for ((i = 0; i < ${#s}; i++)); do
        c="${s:i:1}"
        case "$c" in
            [A-Za-z0-9._~/-]) out+="$c" ;;
            *) out+="$(printf '%%%02X' "'$c")" ;;
        esac
    done
    printf '%s' "$out"
}

# --- run envcheck once -------------------------------------------------------------------------
log "running: envcheck ${args[*]}${extra[0]+ (+${#extra[@]} extra arguments from 'args')}"
report="$(mktemp "$temp_root/envcheck-annotations.XXXXXX")"
errors="$(mktemp "$temp_root/envcheck-errors.XXXXXX")"
set +e
# standard error is kept for the annotations of exit code 2, then copied to the log
"$bin" "${args[@]}" ${extra[@]+"${extra[@]}"} >"$report" 2>"$errors"
code=$?
set -e
cat -- "$errors" >&2

count=0
file_property=" file=$(escape_property "$prefix")"
while IFS= read -r line || [[ -n "$line" ]]; do
    case "$line" in
        "::error file="* | "::warning file="* | "::notice file="*)
            count=$((count + 1))
            if [[ -n "$prefix" ]]; then
                line="${line/" file="/"$file_property"}"
            fi
            ;;
    esac
    printf '%s\n' "$line"
done <"$report"
rm -f -- "$report"

if [[ -f "$sarif" ]]; then
    if [[ -n "$prefix" ]]; then
        # Every `"uri": "` key of the log is an artifactLocation under %SRCROOT%. A quote inside a
        # JSON string is always escaped, so the pattern cannot match inside a message.
        uri_prefix="$(escape_uri "$prefix")"
        # (`#` cannot occur in the percent-encoded prefix.)
        sed -E "s#(^|[^\\\\])(\"uri\"[[:space:]]*:[[:space:]]*\")#\\1\\2${uri_prefix}#g" \
            "$sarif" >"$sarif.tmp"
        mv -f -- "$sarif.tmp" "$sarif"
    fi
else
    sarif=""
fi

# Exit code 2: envcheck could not check (a file it cannot parse, a missing key, a bad
# revision). Its `envcheck: error:` lines (names and paths only, never values) become error
# annotations and a section of the job summary, so that a gate that did not run is seen where
# findings are.
if [[ "$code" -ge 2 ]]; then
    log "envcheck exited with $code (an error, not findings): see the messages above"
    messages=()
    while IFS= read -r line || [[ -n "$line" ]]; do
        case "$line" in
            "envcheck: error: "*) messages+=("${line#"envcheck: error: "}") ;;
        esac
    done <"$errors"
    if [[ ${#messages[@]} -eq 0 ]]; then
        messages=("envcheck exited with code $code without an error message")
    fi
    for message in "${messages[@]}"; do
        printf '::error title=envcheck could not check::%s\n' "$(escape_data "$message")"
    done
    if is_true "${INPUT_SUMMARY:-true}" && [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
        {
            printf '## envcheck could not check\n\n'
            printf 'Exit code %s: nothing was checked, the gate did not run.\n\n' "$code"
            # a fence longer than any backtick run in the messages cannot be closed by them
            fence='````'
            while [[ "${messages[*]}" == *"$fence"* ]]; do fence+='`'; done
            printf '%s\n' "$fence"
            printf '%s\n' "${messages[@]}"
            printf '%s\n' "$fence"
        } >>"$GITHUB_STEP_SUMMARY"
    fi
fi
rm -f -- "$errors"
write_outputs "$code" "$count" "$sarif"
exit "$code"
