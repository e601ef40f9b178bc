#!/usr/bin/env python3
"""Deterministic synthetic source tree for quick envcheck benchmark runs and the prefilter test.

    python3 benches/synth.py OUT_DIR [--files N] [--seed S]

Writes N files (default 3000) of Python, TypeScript, TSX and JavaScript under OUT_DIR: mostly
ordinary code without any environment read, some files with the real read idioms envcheck knows
(os.environ[...], os.getenv, os.environ.get, import aliases, pydantic-settings, decouple,
django-environ, env helper functions defined in one module and called from another,
process.env.X, process.env[...], destructuring, import.meta.env, Deno.env, envalid, t3-env,
vite loadEnv, dynamic keys), and near misses that hold a trigger word but no read. The same
arguments always give byte-identical output (fixed seed, no clock, no hash randomisation).
"""

import argparse
import os
import random
import sys

WORDS = (
    "account order invoice user session cache queue worker payment report token client server "
    "request response handler builder parser record stream buffer metric event schedule policy "
    "product price cart item region bucket object page index search filter mapper loader store"
).split()

ENV_NAMES = [
    "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "PORT", "HOST", "LOG_LEVEL", "API_TOKEN",
    "SENTRY_DSN", "AWS_REGION", "AWS_ACCESS_KEY_ID", "S3_BUCKET", "SMTP_HOST", "SMTP_PORT",
    "FEATURE_FLAGS", "WORKERS", "TIMEOUT_SECONDS", "STRIPE_SECRET_KEY", "JWT_SECRET", "CACHE_TTL",
    "NEXT_PUBLIC_API_URL", "NEXT_PUBLIC_ANALYTICS_ID", "VITE_API_BASE", "VITE_SENTRY_DSN",
    "NODE_ENV", "PUBLIC_URL", "ALLOWED_HOSTS", "QUEUE_NAME", "OTEL_ENDPOINT", "MAX_UPLOAD_MB",
]


def ident(rng, parts=2):
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def camel(rng, parts=2):
    words = [rng.choice(WORDS) for _ in range(parts)]
    return words[0] + "".join(w.capitalize() for w in words[1:])


def env_name(rng):
    return rng.choice(ENV_NAMES)


# ---------------------------------------------------------------------------------------------
# Python


def py_noise(rng, n):
    out = []
    for _ in range(n):
        kind = rng.randrange(5)
        name = ident(rng)
        if kind == 0:
            out.append(
                f"def {name}(items, limit={rng.randrange(1, 100)}):\n"
                f'    """Return the {rng.choice(WORDS)} entries, at most `limit`."""\n'
                f"    result = []\n"
                f"    for i, item in enumerate(items):\n"
                f"        if i >= limit:\n"
                f"            break\n"
                f"        if item.get({rng.choice(WORDS)!r}) is not None:\n"
                f"            result.append(item[{rng.choice(WORDS)!r}] * {rng.randrange(2, 9)})\n"
                f"    return result\n"
            )
        elif kind == 1:
            cls = camel(rng).capitalize()
            out.append(
                f"class {cls}:\n"
                f"    def __init__(self, {rng.choice(WORDS)}, *, retries={rng.randrange(5)}):\n"
                f"        self.retries = retries\n"
                f"        self._cache = {{}}\n\n"
                f"    def __repr__(self):\n"
                f"        return f\"{cls}(retries={{self.retries}})\"\n\n"
                f"    async def fetch(self, key):\n"
                f"        if key in self._cache:\n"
                f"            return self._cache[key]\n"
                f"        value = await self._load(key)\n"
                f"        self._cache[key] = value\n"
                f"        return value\n"
            )
        elif kind == 2:
            out.append(
                f"{name.upper()} = {{\n"
                + "".join(
                    f"    {rng.choice(WORDS)!r}: ({rng.randrange(1000)}, {rng.random():.3f}),\n"
                    for _ in range(rng.randrange(3, 12))
                )
                + "}\n"
            )
        elif kind == 3:
            out.append(
                f"def {name}(rows):\n"
                f"    # Sum the {rng.choice(WORDS)} column, skipping blanks.\n"
                f"    total = sum(r.amount for r in rows if r and r.amount)\n"
                f"    squares = [x * x for x in range({rng.randrange(2, 50)}) if x % 3]\n"
                f"    with open('{rng.choice(WORDS)}.txt') as fh:\n"
                f"        lines = [line.strip() for line in fh]\n"
                f"    try:\n"
                f"        return total / len(lines), squares\n"
                f"    except ZeroDivisionError:\n"
                f"        return 0, []\n"
            )
        else:
            out.append(
                f"@dataclass\nclass {camel(rng).capitalize()}Record:\n"
                f"    id: int\n    name: str = {rng.choice(WORDS)!r}\n"
                f"    tags: list[str] = field(default_factory=list)\n"
            )
    return "\n\n".join(out) + "\n"


def py_reads(rng, helper_modules):
    """A block of Python env reads, and the imports it needs."""
    imports = set()
    body = []
    for _ in range(rng.randrange(1, 6)):
        kind = rng.randrange(13)
        name = env_name(rng)
        var = ident(rng).upper()
        if kind == 0:
            imports.add("import os")
            body.append(f'{var} = os.environ["{name}"]')
        elif kind == 1:
            imports.add("import os")
            body.append(f'{var} = os.getenv("{name}", "{rng.choice(WORDS)}")')
        elif kind == 2:
            imports.add("import os")
            body.append(f'{var} = os.environ.get("{name}")')
        elif kind == 3:
            imports.add("from os import environ, getenv")
            body.append(f'{var} = int(getenv("{name}", "{rng.randrange(1, 9000)}"))')
            body.append(f'if "{env_name(rng)}" in environ:\n    print("set")')
        elif kind == 4:
            imports.add("import os as _os")
            body.append(f'{var} = _os.environ.setdefault("{name}", "x")')
        elif kind == 5:
            imports.add("import os")
            key = ident(rng).upper()
            body.append(f'{key} = "{name}"\n{var} = os.environ[{key}]')
        elif kind == 6:
            imports.add("import os")
            body.append(f'{var} = os.environ[f"{{{ident(rng)}}}_URL"]')
        elif kind == 7:
            imports.add("from pydantic_settings import BaseSettings")
            cls = camel(rng).capitalize() + "Settings"
            body.append(
                f"class {cls}(BaseSettings):\n"
                f"    {name.lower()}: str\n"
                f"    {env_name(rng).lower()}: int = {rng.randrange(100)}\n"
            )
        elif kind == 8:
            imports.add("from decouple import config")
            body.append(f'{var} = config("{name}", default="{rng.choice(WORDS)}")')
        elif kind == 9:
            imports.add("import environ")
            body.append(f'env = environ.Env()\n{var} = env.str("{name}")')
        elif kind == 10 and helper_modules:
            module, helper = rng.choice(helper_modules)
            imports.add(f"from .{module} import {helper}")
            body.append(f'{var} = {helper}("{name}")')
        elif kind == 11:
            imports.add("import os")
            body.append(f'{var} = os.environ.get("{name}") or os.getenv("{env_name(rng)}")')
        else:
            imports.add("import os")
            body.append(
                f"def {ident(rng)}():\n"
                f'    return os.environ.get("{name}", {rng.randrange(10)}) == "1"'
            )
    return imports, "\n".join(body) + "\n"


def python_file(rng, helper_modules, kind):
    noise = py_noise(rng, rng.randrange(3, 14))
    header = "from dataclasses import dataclass, field\n"
    if kind == "reads":
        imports, reads = py_reads(rng, helper_modules)
        return header + "\n".join(sorted(imports)) + "\n\n" + reads + "\n\n" + noise
    if kind == "near":
        return (
            header
            + f'"""Settings for the {rng.choice(WORDS)} environment (see docs/environ.md)."""\n'
            + "import sys\n\n"
            + f"def {ident(rng)}(environment):\n    return environment.get('{rng.choice(WORDS)}')\n\n"
            + noise
        )
    if kind == "helper_call" and helper_modules:
        # Reads the environment only through a helper defined in another module: no trigger word.
        module, helper = rng.choice(helper_modules)
        return (
            header
            + f"from .{module} import {helper}\n\n"
            + f'{ident(rng).upper()} = {helper}("{env_name(rng)}")\n\n'
            + noise
        )
    return header + noise


def helper_module(rng, helper):
    return (
        "import os\n\n\n"
        f"def {helper}(name, default=None):\n"
        f'    """Read `name` from the environment."""\n'
        f"    return os.getenv(name, default)\n\n\n" + py_noise(rng, rng.randrange(2, 6))
    )


# ---------------------------------------------------------------------------------------------
# TypeScript / JavaScript


def js_noise(rng, n, typed):
    out = []
    for _ in range(n):
        kind = rng.randrange(5)
        name = camel(rng)
        t = (lambda s: s) if typed else (lambda s: "")
        if kind == 0:
            out.append(
                f"export function {name}(items{t(': Item[]')}, limit{t(': number')} = {rng.randrange(1, 99)}){t(': number[]')} {{\n"
                f"  const out{t(': number[]')} = [];\n"
                f"  for (const [i, item] of items.entries()) {{\n"
                f"    if (i >= limit) break;\n"
                f"    if (item.{rng.choice(WORDS)} != null) out.push(item.{rng.choice(WORDS)} * {rng.randrange(2, 9)});\n"
                f"  }}\n"
                f"  return out;\n}}\n"
            )
        elif kind == 1:
            cls = camel(rng).capitalize()
            out.append(
                f"export class {cls} {{\n"
                f"  {t('private ')}cache = new Map(){t('<string, unknown>')};\n"
                f"  constructor({t('private readonly ')}retries{t(': number')} = {rng.randrange(5)}) {{}}\n"
                f"  async fetch(key{t(': string')}) {{\n"
                f"    if (this.cache.has(key)) return this.cache.get(key);\n"
                f"    const value = await this.load(key);\n"
                f"    this.cache.set(key, value);\n"
                f"    return value;\n  }}\n}}\n"
            )
        elif kind == 2:
            out.append(
                f"export const {name.upper()} = {{\n"
                + "".join(
                    f"  {rng.choice(WORDS)}: [{rng.randrange(1000)}, {rng.random():.3f}],\n"
                    for _ in range(rng.randrange(3, 12))
                )
                + "};\n"
            )
        elif kind == 3:
            out.append(
                f"// Sum the {rng.choice(WORDS)} column, skipping blanks.\n"
                f"export const {name} = (rows{t(': Row[]')}) =>\n"
                f"  rows.filter((r) => r && r.amount).reduce((a, r) => a + r.amount, 0) / Math.max(rows.length, 1);\n"
            )
        else:
            out.append(
                f"const {name}Label = `{rng.choice(WORDS)}: ${{{rng.randrange(100)} + 1}}`;\n"
                f"export default {{ {name}Label, size: {rng.randrange(1, 64)} }};\n"
                if rng.randrange(4) == 0
                else f"export const {name}Label = `{rng.choice(WORDS)}-${{{rng.randrange(100)}}}`;\n"
            )
    return "\n".join(out)


def js_reads(rng, ext):
    body = []
    imports = []
    for _ in range(rng.randrange(1, 6)):
        kind = rng.randrange(12)
        name = env_name(rng)
        var = camel(rng)
        if kind == 0:
            body.append(f"const {var} = process.env.{name};")
        elif kind == 1:
            body.append(f'const {var} = process.env["{name}"] ?? "{rng.choice(WORDS)}";')
        elif kind == 2:
            body.append(f"const {{ {name}, {env_name(rng)} = \"x\" }} = process.env;")
        elif kind == 3:
            body.append(f"const {var} = import.meta.env.VITE_{name};")
        elif kind == 4:
            body.append(f'const {var} = Deno.env.get("{name}");')
        elif kind == 5:
            imports.append('import { cleanEnv, str, num } from "envalid";')
            body.append(
                f"export const {var} = cleanEnv(process.env, {{\n"
                f"  {name}: str(),\n  {env_name(rng)}: num({{ default: {rng.randrange(100)} }}),\n}});"
            )
        elif kind == 6:
            imports.append('import { createEnv } from "@t3-oss/env-nextjs";\nimport { z } from "zod";')
            body.append(
                f"export const {var} = createEnv({{\n"
                f"  server: {{ {name}: z.string() }},\n"
                f"  client: {{ NEXT_PUBLIC_{name}: z.string().optional() }},\n"
                f"  runtimeEnv: {{ {name}: process.env.{name}, NEXT_PUBLIC_{name}: process.env.NEXT_PUBLIC_{name} }},\n}});"
            )
        elif kind == 7:
            body.append(f"const {var} = process.env[{camel(rng)}Key];")
        elif kind == 8:
            body.append(f"if (!process.env.{name}) throw new Error(\"{name} is required\");")
        elif kind == 9:
            t = "!" if ext in ("ts", "tsx") else ""
            body.append(f"const {var} = Number(process.env.{name}{t});")
        elif kind == 10:
            imports.append('import { defineConfig, loadEnv } from "vite";')
            body.append(
                f"export const {var} = defineConfig(({{ mode }}) => {{\n"
                f'  const env = loadEnv(mode, process.cwd(), "");\n'
                f"  return {{ define: {{ api: JSON.stringify(env.{name}) }} }};\n}});"
            )
        else:
            body.append(f"const {var} = process?.env?.{name} || \"{rng.choice(WORDS)}\";")
    return "\n".join(dict.fromkeys(imports)) + "\n\n" + "\n".join(body) + "\n"


def script_file(rng, ext, kind):
    typed = ext in ("ts", "tsx", "mts")
    noise = js_noise(rng, rng.randrange(3, 14), typed)
    if ext == "tsx":
        noise += (
            f"\nexport function {camel(rng).capitalize()}() {{\n"
            f"  return <div className=\"{rng.choice(WORDS)}\">{{[1, 2, 3].map((n) => <span key={{n}}>{{n}}</span>)}}</div>;\n}}\n"
        )
    if kind == "reads":
        return js_reads(rng, ext) + "\n" + noise
    if kind == "near":
        return (
            f"// Reads nothing from the environment; the word env. appears in {rng.choice(WORDS)}.\n"
            f"const settings = {{ env: {{ mode: \"{rng.choice(WORDS)}\" }} }};\n"
            f"export const mode = settings.env.mode;\n\n" + noise
        )
    return noise


# ---------------------------------------------------------------------------------------------


def generate(out_dir, files, seed):
    rng = random.Random(seed)
    helpers = [("envutil%d" % i, "env_%s" % ident(rng)) for i in range(3)]
    written = 0
    py_packages = max(1, files // 60)
    js_packages = max(1, files // 60)
    for i, (module, helper) in enumerate(helpers):
        path = os.path.join(out_dir, "py", "pkg0", module + ".py")
        write(path, helper_module(rng, helper))
        written += 1
    with_init = set()
    while written < files:
        if rng.random() < 0.45:
            pkg = "pkg%d" % rng.randrange(py_packages)
            directory = os.path.join(out_dir, "py", pkg, *(["sub"] if rng.random() < 0.3 else []))
            if directory not in with_init:
                write(os.path.join(directory, "__init__.py"), "")
                with_init.add(directory)
                written += 1
            kind = pick_kind(rng)
            name = "%s_%d.py" % (ident(rng), written)
            # Only pkg0 imports the helpers relatively; elsewhere the call has no trigger word
            # and no definition in reach, which is a near miss too.
            write(os.path.join(directory, name), python_file(rng, helpers, kind))
        else:
            app = "app%d" % rng.randrange(js_packages)
            ext = rng.choice(["ts", "ts", "tsx", "js", "js", "mjs", "cjs", "jsx", "mts"])
            directory = os.path.join(out_dir, "js", app, rng.choice(["src", "lib", "src/components"]))
            name = "%s%d.%s" % (camel(rng), written, ext)
            write(os.path.join(directory, name), script_file(rng, ext, pick_kind(rng)))
        written += 1
    return written


def pick_kind(rng):
    r = rng.random()
    if r < 0.15:
        return "reads"
    if r < 0.25:
        return "near"
    if r < 0.30:
        return "helper_call"
    return "plain"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args(argv)
    n = generate(args.out_dir, args.files, args.seed)
    print("wrote %d files under %s" % (n, args.out_dir))


if __name__ == "__main__":
    main(sys.argv[1:])
