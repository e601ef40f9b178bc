#!/usr/bin/env python3
"""Turns the raw results of benches/run.sh into Markdown tables, prints them, writes them.

    python3 benches/report.py RESULTS_DIR OUT.md

OUT.md keeps whatever follows the line `<!-- end of generated results -->` (the hand-written
profile notes); everything above it is replaced.
"""

import json
import os
import re
import statistics
import sys

TOOLS = ["envcheck", "rg", "ast-grep", "semgrep"]
MARKER = "<!-- end of generated results -->"
LABELS = {
    "synth": "synthetic tree",
    "pct10": "10% of the corpus",
    "pct25": "25%",
    "pct50": "50%",
    "full": "full corpus (100%)",
}


def read(path, default=None):
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return default


def meta(res):
    out = {}
    for line in (read(os.path.join(res, "meta"), "") or "").splitlines():
        key, _, value = line.partition("=")
        out[key] = value
    return out


def timing(res, corpus, tool):
    text = read(os.path.join(res, "%s.%s.json" % (corpus, tool)))
    if text is None:
        return None
    result = json.loads(text)["results"][0]
    times = result["times"]
    cpu = None
    if "user" in result and "system" in result:
        cpu = result["user"] + result["system"]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "runs": len(times),
        "cpu": cpu,
    }


def peak_rss_mb(res, corpus, tool):
    text = read(os.path.join(res, "%s.%s.rss" % (corpus, tool)), "")
    kb = [int(m) for m in re.findall(r"Maximum resident set size \(kbytes\): (\d+)", text)]
    return max(kb) / 1024 if kb else None


def findings(res, corpus, tool):
    text = read(os.path.join(res, "%s.%s.out" % (corpus, tool)))
    if text is None:
        return None
    try:
        if tool == "envcheck":
            doc = json.loads(text)
            return sum(len(v["reads"]) for v in doc["variables"]) + len(doc["dynamic"])
        if tool == "semgrep":
            return len(json.loads(text)["results"])
    except (ValueError, KeyError):
        return None
    return sum(1 for line in text.splitlines() if line.strip())


def stats(res, corpus):
    text = read(os.path.join(res, "%s.stats" % corpus))
    if not text:
        return None, None
    files, size = text.split()
    return int(files), int(size) / 1e6


def fmt_s(t):
    if t is None:
        return "n/a"
    return "%.2f s" % t if t >= 0.1 else "%.0f ms" % (t * 1000)


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return "%.2fx" % (a / b)


def corpus_table(res, corpus):
    rg = timing(res, corpus, "rg")
    env = timing(res, corpus, "envcheck")
    lines = [
        "| tool | median | min–max | runs | ratio vs rg | envcheck / tool | CPU (user+sys, mean) | peak RSS | hits |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for tool in TOOLS:
        t = timing(res, corpus, tool)
        if t is None:
            continue
        rss = peak_rss_mb(res, corpus, tool)
        hits = findings(res, corpus, tool)
        lines.append(
            "| %s | %s | %s–%s | %d | %s | %s | %s | %s | %s |"
            % (
                tool,
                fmt_s(t["median"]),
                fmt_s(t["min"]),
                fmt_s(t["max"]),
                t["runs"],
                fmt_ratio(t["median"], rg and rg["median"]),
                fmt_ratio(env and env["median"], t["median"]),
                fmt_s(t["cpu"]),
                "%.0f MB" % rss if rss is not None else "n/a",
                hits if hits is not None else "n/a",
            )
        )
    return lines


def scaling_table(res, corpora):
    lines = [
        "| subset | files | MB | envcheck | rg | ast-grep | semgrep | envcheck / rg | envcheck per 100 MB | envcheck CPU | CPU per 100 MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for corpus in corpora:
        files, mb = stats(res, corpus)
        t = {tool: timing(res, corpus, tool) for tool in TOOLS}
        med = {tool: (v["median"] if v else None) for tool, v in t.items()}
        per = "%.2f s" % (med["envcheck"] / mb * 100) if med["envcheck"] and mb else "n/a"
        cpu = t["envcheck"]["cpu"] if t["envcheck"] else None
        cpu_per = "%.2f s" % (cpu / mb * 100) if cpu and mb else "n/a"
        lines.append(
            "| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |"
            % (
                corpus.replace("pct", "") + "%" if corpus.startswith("pct") else "100%",
                files,
                mb,
                fmt_s(med["envcheck"]),
                fmt_s(med["rg"]),
                fmt_s(med["ast-grep"]),
                fmt_s(med["semgrep"]),
                fmt_ratio(med["envcheck"], med["rg"]),
                per,
                fmt_s(cpu),
                cpu_per,
            )
        )
    return lines


def targets(res):
    env = timing(res, "full", "envcheck")
    rg = timing(res, "full", "rg")
    ag = timing(res, "full", "ast-grep")
    sg = timing(res, "full", "semgrep")
    rss = peak_rss_mb(res, "full", "envcheck")
    if not (env and rg):
        return []
    out = ["| target (full corpus) | measured | met |", "| --- | --- | --- |"]
    r = env["median"] / rg["median"]
    out.append("| wall time within 1.5x of rg | %.2fx | %s |" % (r, "yes" if r <= 1.5 else "no"))
    if rss is not None:
        out.append("| peak RSS under 200 MB | %.0f MB | %s |" % (rss, "yes" if rss < 200 else "no"))
    if ag:
        r = ag["median"] / env["median"]
        out.append("| faster than ast-grep | ast-grep takes %.1fx as long | %s |" % (r, "yes" if r > 1 else "no"))
    if sg:
        r = sg["median"] / env["median"]
        out.append("| at least 20x faster than semgrep | semgrep takes %.1fx as long | %s |" % (r, "yes" if r >= 20 else "no"))
    sizes = [(stats(res, c)[1], timing(res, c, "envcheck")) for c in ("pct10", "pct25", "pct50", "full")]
    sizes = [(mb, t) for mb, t in sizes if mb and t]
    if len(sizes) >= 2:
        # CPU time is what the corpus size drives; wall time also moves with whatever else
        # runs on a shared machine. Within 1.5x from the smallest subset to the full corpus
        # counts as linear (the subsets differ in content, not only in size).
        wall = [t["median"] / mb * 100 for mb, t in sizes]
        cpu = [t["cpu"] / mb * 100 for mb, t in sizes if t["cpu"]]
        basis = cpu if len(cpu) == len(sizes) else wall
        spread = max(basis) / min(basis)
        out.append(
            "| time linear in corpus size | per 100 MB from 10%% to 100%%: CPU %s; wall %s (max/min %s %.2f) | %s |"
            % (
                ", ".join("%.2f s" % p for p in cpu) or "n/a",
                ", ".join("%.2f s" % p for p in wall),
                "CPU" if basis is cpu else "wall",
                spread,
                "yes" if spread <= 1.5 else "no",
            )
        )
    return out


def render(res):
    m = meta(res)
    corpora = (m.get("corpora") or "synth").split()
    loads = {
        "%s/%s" % (c, t): (read(os.path.join(res, "%s.%s.load" % (c, t))) or "").strip()
        for c in corpora
        for t in TOOLS
    }
    load_values = [float(v) for v in loads.values() if v]
    out = ["# envcheck benchmark results", ""]
    out.append("Generated by `benches/run.sh` (see the top of that script); medians of hyperfine runs.")
    out.append("")
    out.append("- date: %s" % m.get("date", "?"))
    out.append(
        "- machine: %s cores (`nproc`), %s, %s"
        % (m.get("nproc", "?"), m.get("cpu", "?"), m.get("mem", "?"))
    )
    if load_values:
        out.append(
            "- 1-minute load average when each measurement started: %.2f to %.2f (median %.2f)"
            % (min(load_values), max(load_values), statistics.median(load_values))
        )
    for corpus in corpora:
        files, mb = stats(res, corpus)
        if files is not None:
            out.append("- %s: %d files, %.1f MB" % (LABELS.get(corpus, corpus), files, mb))
    out.append(
        "- tools: %s; %s; %s; %s; %s"
        % tuple(m.get(k, "?") for k in ("envcheck", "rg", "ast-grep", "semgrep", "hyperfine"))
    )
    out.append("- rg regex: `%s`" % m.get("rg_regex", "?"))
    out.append(
        "- hits: reads + dynamic reads for envcheck, matching lines for rg, matches for ast-grep "
        "and semgrep (they differ by design: rg matches words, the others idioms)"
    )
    out.append("")
    order = [c for c in ("full", "synth") if c in corpora]
    for corpus in order:
        out.append("## %s" % LABELS[corpus].capitalize())
        out.append("")
        out.extend(corpus_table(res, corpus))
        out.append("")
    scaling = [c for c in ("pct10", "pct25", "pct50", "full") if c in corpora]
    if len(scaling) > 1:
        out.append("## Scaling (medians)")
        out.append("")
        out.extend(scaling_table(res, scaling))
        out.append("")
    t = targets(res)
    if t:
        out.append("## Targets")
        out.append("")
        out.extend(t)
        out.append("")
    return "\n".join(out)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    res, out_path = argv
    text = render(res)
    print(text)
    old = read(out_path, "") or ""
    tail = old[old.index(MARKER) + len(MARKER):] if MARKER in old else "\n"
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(text + "\n" + MARKER + tail)
    print("\nwritten to %s" % out_path, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
