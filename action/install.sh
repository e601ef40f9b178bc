#!/usr/bin/env bash
# Installs envcheck for the GitHub Action (action.yml, step `install`) and writes its path as
# the step output `bin` (and its directory to $GITHUB_PATH, so later steps can run `envcheck`).
#
# A release archive is downloaded only when action/checksums.sha256 lists it, and it is verified
# against that sum before it is unpacked. Otherwise envcheck is built from the action's own source
# with `cargo install --locked --path "$GITHUB_ACTION_PATH"`. That needs a Rust toolchain on the
# runner (GitHub-hosted runners have one) and takes minutes: a clean `cargo build --release
# --locked` of envcheck 0.1.0 took 3 min 24 s on a 2-core machine with the dependencies already
# downloaded (9 min 39 s while other builds shared the machine).
#
# The release workflow proposes the checksum lines of a tag's archives in a pull request after
# the tag, so the tag itself does not list its own archives: `uses: owner/envcheck@v1.2.3` builds
# from source unless `version:` names a listed release; a moving tag (`v1`) or a branch moved after
# that pull request downloads.
#
# Inputs (environment):
#   INPUT_VERSION    1.2.3 | v1.2.3 | 1 | 1.2 | latest | source | "" (from the action's ref)
#   ACTION_REF       the ref the action is used at (github.action_ref), for the default version
#   ACTION_REPOSITORY owner/name of the action, whose releases are downloaded
#   ENVCHECK_BINARY  testing hook: use this envcheck binary and install nothing (tests/action.rs
#                    points it at the freshly built binary)
# Runner environment: RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_ACTION_PATH, GITHUB_OUTPUT,
# GITHUB_PATH (uname is the fallback for the OS and architecture).
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
checksums="$action_path/action/checksums.sha256"
temp_root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

log() { printf 'envcheck-action: %s\n' "$*" >&2; }
die() {
    printf '::error title=envcheck action::%s\n' "$*"
    exit 2
}

# Writes `bin=<path>` to the step outputs and puts its directory on PATH for later steps.
finish() {
    local bin="$1"
    "$bin" --version >&2 || die "the installed envcheck at $bin does not run"
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        printf 'bin=%s\n' "$bin" >>"$GITHUB_OUTPUT"
    else
        printf '%s\n' "$bin"
    fi
    if [[ -n "${GITHUB_PATH:-}" ]]; then
        local dir
        dir="$(dirname -- "$bin")"
        if command -v cygpath >/dev/null 2>&1; then
            dir="$(cygpath -w "$dir")" # Windows: the runner wants a Windows path
        fi
        printf '%s\n' "$dir" >>"$GITHUB_PATH"
    fi
    exit 0
}

# Testing hook: a binary that is already built.
if [[ -n "${ENVCHECK_BINARY:-}" ]]; then
    [[ -x "$ENVCHECK_BINARY" ]] || die "ENVCHECK_BINARY is not an executable file: $ENVCHECK_BINARY"
    log "using ENVCHECK_BINARY (testing hook); nothing installed"
    finish "$ENVCHECK_BINARY"
fi

# --- the release target of this runner -------------------------------------------------------
os="${RUNNER_OS:-}"
if [[ -z "$os" ]]; then
    case "$(uname -s)" in
        Linux*) os=Linux ;;
        Darwin*) os=macOS ;;
        MINGW* | MSYS* | CYGWIN* | Windows_NT) os=Windows ;;
        *) os="$(uname -s)" ;;
    esac
fi
arch="${RUNNER_ARCH:-}"
if [[ -z "$arch" ]]; then
    case "$(uname -m)" in
        x86_64 | amd64) arch=X64 ;;
        aarch64 | arm64) arch=ARM64 ;;
        *) arch="$(uname -m)" ;;
    esac
fi

target=""
ext="tar.gz"
exe="envcheck"
case "$os/$arch" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    # Windows on ARM runs the x86_64 build under emulation.
    Windows/X64 | Windows/ARM64) target=x86_64-pc-windows-msvc ext=zip exe=envcheck.exe ;;
esac

# --- which version -----------------------------------------------------------------------------
# Checksum lines are `<sha256>  v<version>/envcheck-<target>.<ext>`: the path of the asset under
# https://github.com/<owner>/<repo>/releases/download/.

# The versions listed for this target, newest first.
listed_versions() {
    [[ -n "$target" && -f "$checksums" ]] || return 0
    local sum name
    while read -r sum name; do
        [[ "$sum" =~ ^[0-9a-fA-F]{64}$ ]] || continue
        name="${name#\*}"
        if [[ "$name" == v*"/envcheck-$target.$ext" ]]; then
            printf '%s\n' "${name%%/*}"
        fi
    done <"$checksums" | sed 's/^v//' | sort -t. -k1,1nr -k2,2nr -k3,3nr
}

# The newest listed version equal to $1 or starting with "$1." (`1` or `1.2` pick the newest
# 1.x.y or 1.2.y), or the newest of all for `latest`.
pick_version() {
    local want="$1" v
    while read -r v; do
        if [[ "$want" == latest || "$v" == "$want" || "$v" == "$want".* ]]; then
            printf '%s\n' "$v"
            return 0
        fi
    done < <(listed_versions)
    return 0
}

requested="${INPUT_VERSION:-}"
if [[ -z "$requested" ]]; then
    ref="${ACTION_REF:-${GITHUB_ACTION_REF:-}}"
    if [[ "$ref" =~ ^v?[0-9]+(\.[0-9]+){0,2}$ ]]; then
        requested="$ref"
    else
        # a branch, a commit, or a local `uses: ./`
        requested=latest
    fi
fi
requested="${requested#v}"
case "$requested" in
    source | latest) ;;
    *)
        [[ "$requested" =~ ^[0-9]+(\.[0-9]+){0,2}([-+][0-9A-Za-z.-]+)?$ ]] ||
            die "version must be X.Y.Z, vX.Y.Z, latest or source (got something else)"
        ;;
esac

version=""
if [[ "$requested" != source ]]; then
    version="$(pick_version "$requested")"
fi

# --- a checksummed release archive ----------------------------------------------------------------
download() {
    local url="$1" out="$2"
    if command -v curl >/dev/null 2>&1; then
        curl --proto '=https' --tlsv1.2 --fail --silent --show-error --location \
            --retry 3 --output "$out" "$url"
    elif command -v wget >/dev/null 2>&1; then
        wget --quiet --https-only --tries=3 --output-document="$out" "$url"
    else
        die "neither curl nor wget is installed"
    fi
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d' ' -f1
    else
        die "neither sha256sum nor shasum is installed: cannot verify the download"
    fi
}

if [[ -n "$version" ]]; then
    asset="v$version/envcheck-$target.$ext"
    expected="$(grep -E "^[0-9a-fA-F]{64} [ *]?$asset\$" "$checksums" | head -n 1 | cut -d' ' -f1)"
    repository="${ACTION_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-${GITHUB_REPOSITORY:-}}}"
    [[ -n "$repository" ]] || die "cannot tell which repository's releases to download"
    url="${GITHUB_SERVER_URL:-https://github.com}/$repository/releases/download/$asset"
    dest="$temp_root/envcheck-$version-$target"
    rm -rf "$dest"
    mkdir -p "$dest"
    archive="$dest/envcheck-$target.$ext"
    log "downloading envcheck $version for $target: $url"
    download "$url" "$archive" || die "download of $url failed"
    actual="$(sha256_of "$archive")"
    if [[ "$(tr '[:upper:]' '[:lower:]' <<<"$actual")" != "$(tr '[:upper:]' '[:lower:]' <<<"$expected")" ]]; then
        rm -f "$archive"
        die "checksum mismatch for $asset: expected $expected, got $actual"
    fi
    if [[ "$ext" == zip ]]; then
        if command -v unzip >/dev/null 2>&1; then
            unzip -q -o "$archive" -d "$dest"
        else
            tar -xf "$archive" -C "$dest"
        fi
    else
        tar -xzf "$archive" -C "$dest"
    fi
    rm -f "$archive"
    [[ -f "$dest/$exe" ]] || die "$asset does not contain $exe"
    chmod +x "$dest/$exe"
    finish "$dest/$exe"
fi

# --- fallback: build the action's own source ---------------------------------------------------
# One build per action checkout and job: a second use of the action reuses it.
root="$temp_root/envcheck-source-$(printf '%s' "$action_path" | cksum | cut -d' ' -f1)"
for bin in "$root/bin/envcheck" "$root/bin/envcheck.exe"; do
    if [[ -x "$bin" ]]; then
        log "reusing the envcheck built from this action's source earlier in the job"
        finish "$bin"
    fi
done
if [[ "$requested" == source ]]; then
    log "version: source; building envcheck from $action_path"
elif [[ -z "$target" ]]; then
    log "no release build for $os/$arch; building envcheck from the action's source"
else
    log "no checksummed release of envcheck matches '$requested' for $target; building from the action's source"
fi
command -v cargo >/dev/null 2>&1 ||
    die "cargo is not installed: add a Rust toolchain step (e.g. dtolnay/rust-toolchain) before this action, or use a released version"
[[ -f "$action_path/Cargo.toml" ]] || die "the action's source is not at $action_path"
log "cargo install --locked (a release build: several minutes)"
cargo install --locked --quiet --path "$action_path" --root "$root" --bin envcheck >&2
bin="$root/bin/envcheck"
[[ -x "$bin" ]] || bin="$root/bin/envcheck.exe"
finish "$bin"
