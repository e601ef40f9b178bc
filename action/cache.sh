#!/usr/bin/env bash
# The result cache between runs (action.yml, step `cache`): where envcheck keeps it and under
# which key actions/cache restores and saves it. Writes the step outputs:
#
#   enabled      `true` unless the `cache` input is false
#   dir          $RUNNER_TEMP/envcheck-cache: outside the checkout, so nothing of the
#                repository (a committed .envcheck_cache) is mixed into it
#   key          envcheck-<version>-<os>-<arch>-<job>-<run id>-<attempt>: a new key each run, so
#                that each run saves what it learned (a cache key cannot be overwritten)
#   restore-key  the same without the run: the newest cache of this envcheck version, runner
#                and job. The cache is content-addressed and keyed inside by envcheck's version
#                and build, so any earlier run's cache is right to start from; one of another
#                version is not read.
#
# Inputs come only from the environment (INPUT_CACHE, ENVCHECK_BIN, set by action.yml).
set -euo pipefail

out() {
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

case "$(printf '%s' "${INPUT_CACHE:-true}" | tr '[:upper:]' '[:lower:]')" in
    false | no | 0 | off)
        out enabled false
        exit 0
        ;;
esac

bin="${ENVCHECK_BIN:-}"
version=""
if [[ -n "$bin" && -x "$bin" ]]; then
    # `envcheck 1.2.3`: the version, letters, digits, dots and dashes only
    version="$("$bin" --version 2>/dev/null | awk '{ print $2 }' | tr -cd 'A-Za-z0-9.-')"
fi
[[ -n "$version" ]] || version=unknown
# names the runner sets; kept to safe characters, as they end up in a key
safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'; }
prefix="envcheck-$(safe "$version")-$(safe "${RUNNER_OS:-os}")-$(safe "${RUNNER_ARCH:-arch}")-$(safe "${GITHUB_JOB:-job}")-"
dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/envcheck-cache"
mkdir -p -- "$dir"

out enabled true
out dir "$dir"
out key "$prefix$(safe "${GITHUB_RUN_ID:-0}")-$(safe "${GITHUB_RUN_ATTEMPT:-1}")"
out restore-key "$prefix"
