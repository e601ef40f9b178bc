#!/usr/bin/env python3
"""Builds the envcheck benchmark corpus (called by benches/run.sh).

    python3 benches/corpus.py build OUT_DIR --node-modules DIR [--python-dir DIR ...]
    python3 benches/corpus.py subsets FULL_DIR OUT_PARENT 10 25 50
    python3 benches/corpus.py stats DIR

`build` copies (never links) the source files every benchmarked tool reads alike: `.py`, and
`.js .jsx .mjs .cjs .ts .tsx .mts .cts` except declaration files (`.d.ts`), minified names
(`.min.js`, `.bundle.js`) and files over 4 MiB, which envcheck's walk skips by design. Python
directories go to OUT_DIR/py/<n>/, each top-level npm package (scoped ones too) to
OUT_DIR/js/<pkg>/. Path components envcheck's walker skips by name (`node_modules`, `dist`,
`build`, `site-packages`, ...) get a trailing `_`, and hidden ones (`.x`) are renamed `_.x`, so
that envcheck, rg, ast-grep and semgrep all see the same files.

`subsets` hard-links a deterministic selection of FULL_DIR into OUT_PARENT/pct<N>/: a file is in
the N% subset when the first 8 hex digits of the SHA-1 of its relative path, as a fraction, are
below N/100. The subsets are nested (10% within 25% within 50%).
"""

import hashlib
import os
import shutil
import sys

SCRIPT_EXT = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
DECLARATION = (".d.ts", ".d.mts", ".d.cts")
MINIFIED = (".min.js", ".min.mjs", ".min.cjs", ".bundle.js", "-bundle.js")
MAX_SIZE = 4 * 1024 * 1024

# src/walk.rs SKIP_DIRS: renamed in the copy so that every tool walks the same tree.
SKIP_DIRS = {
    ".git", ".hg", ".svn", "node_modules", "bower_components", "jspm_packages", "__pycache__",
    ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    "site-packages", "dist", "build", "out", ".next", ".nuxt", ".output", ".svelte-kit", ".turbo",
    ".vercel", ".parcel-cache", "coverage", "htmlcov", ".eggs", "target",
}


def wanted(name):
    if name.endswith(".py"):
        return True
    if not name.endswith(SCRIPT_EXT):
        return False
    return not name.endswith(DECLARATION) and not name.endswith(MINIFIED)


def rename(component):
    if component.startswith("."):
        component = "_" + component
    if component in SKIP_DIRS or component.lstrip("_") in SKIP_DIRS:
        component += "_"
    return component


def copy_tree(src_root, dst_root, skip=()):
    """Copies the wanted files of src_root to dst_root; returns (files, bytes)."""
    files = size = 0
    skip = {os.path.realpath(s) for s in skip}
    for dirpath, dirnames, filenames in os.walk(src_root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not os.path.islink(os.path.join(dirpath, d))
            and os.path.realpath(os.path.join(dirpath, d)) not in skip
            and not os.path.isfile(os.path.join(dirpath, d, "pyvenv.cfg"))
        )
        rel = os.path.relpath(dirpath, src_root)
        parts = [] if rel == "." else [rename(p) for p in rel.split(os.sep)]
        for name in sorted(filenames):
            if not wanted(name):
                continue
            src = os.path.join(dirpath, name)
            if os.path.islink(src) or not os.path.isfile(src):
                continue
            n = os.path.getsize(src)
            if n > MAX_SIZE:
                continue
            dst = os.path.join(dst_root, *parts, rename(name))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)
            files += 1
            size += n
    return files, size


def build(out_dir, node_modules, python_dirs):
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    total_files = total_size = 0
    for i, pydir in enumerate(python_dirs):
        others = [p for p in python_dirs if p != pydir]
        label = os.path.basename(os.path.normpath(pydir))
        f, s = copy_tree(pydir, os.path.join(out_dir, "py", "%d-%s" % (i, rename(label))), others)
        print("  python %-60s %6d files %8.1f MB" % (pydir, f, s / 1e6))
        total_files += f
        total_size += s
    js_files = js_size = 0
    for pkg in packages(node_modules):
        f, s = copy_tree(os.path.join(node_modules, pkg), os.path.join(out_dir, "js", pkg))
        js_files += f
        js_size += s
    print("  npm    %-60s %6d files %8.1f MB" % (node_modules, js_files, js_size / 1e6))
    total_files += js_files
    total_size += js_size
    # semgrep applies a default ignore list (tests/, build/, ...) when no .semgrepignore exists.
    with open(os.path.join(out_dir, ".semgrepignore"), "w") as fh:
        fh.write("# empty: semgrep scans what the other tools scan\n")
    print("  total %d files, %.1f MB" % (total_files, total_size / 1e6))


def packages(node_modules):
    out = []
    for name in sorted(os.listdir(node_modules)):
        path = os.path.join(node_modules, name)
        if name.startswith(".") or not os.path.isdir(path) or os.path.islink(path):
            continue
        if name.startswith("@"):
            out.extend(name + "/" + sub for sub in sorted(os.listdir(path))
                       if os.path.isdir(os.path.join(path, sub)))
        else:
            out.append(name)
    return out


def source_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if wanted(name):
                yield os.path.relpath(os.path.join(dirpath, name), root)


def subsets(full_dir, out_parent, percents):
    files = list(source_files(full_dir))
    for pct in percents:
        dst_root = os.path.join(out_parent, "pct%d" % pct)
        if os.path.exists(dst_root):
            shutil.rmtree(dst_root)
        limit = pct / 100.0
        n = 0
        for rel in files:
            h = int(hashlib.sha1(rel.encode("utf-8", "surrogateescape")).hexdigest()[:8], 16)
            if h / 0x100000000 >= limit:
                continue
            dst = os.path.join(dst_root, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            try:
                os.link(os.path.join(full_dir, rel), dst)
            except OSError:
                shutil.copyfile(os.path.join(full_dir, rel), dst)
            n += 1
        shutil.copyfile(os.path.join(full_dir, ".semgrepignore"), os.path.join(dst_root, ".semgrepignore"))
        print("  pct%d: %d files" % (pct, n))


def stats(root):
    files = size = 0
    for rel in source_files(root):
        files += 1
        size += os.path.getsize(os.path.join(root, rel))
    print("%d %d" % (files, size))


def main(argv):
    if len(argv) >= 2 and argv[0] == "build":
        out_dir = argv[1]
        node_modules = None
        python_dirs = []
        rest = argv[2:]
        while rest:
            flag, value, rest = rest[0], rest[1], rest[2:]
            if flag == "--node-modules":
                node_modules = value
            elif flag == "--python-dir":
                python_dirs.append(value)
            else:
                sys.exit("unknown option %s" % flag)
        if node_modules is None:
            sys.exit("--node-modules is required")
        build(out_dir, node_modules, python_dirs)
    elif len(argv) >= 3 and argv[0] == "subsets":
        subsets(argv[1], argv[2], [int(p) for p in argv[3:]])
    elif len(argv) == 2 and argv[0] == "stats":
        stats(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
