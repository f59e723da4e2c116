#!/usr/bin/env python3
"""Turns one scripts/bench run into BENCHMARKS.md and prints the ratios (standard library only).

Usage: report.py --runs DIR --data DIR --out FILE

Reads DIR/results.tsv (tool, rows, run, status, seconds, peak_kb), DIR/meta.env and each
tool's output (deptshare JSON, polars JSON, R CSV) to check that the tools agree. Text below
the line `<!-- end of generated part -->` in an existing FILE is kept: that is where the
hand-written analysis of a run lives.
"""

import argparse
import csv
import json
import os
import sys

MARKER = "<!-- end of generated part -->"
TOOLS = ["deptshare-design", "deptshare-unweighted", "deptshare-stream", "polars", "r-survey"]
TARGET_SPEED = 1.0  # deptshare design / polars at the largest size
TARGET_R = 30.0  # R survey / deptshare design at the R size
TARGET_MEMORY = 1.5  # deptshare peak RSS / CSV size at the largest size


def load_results(runs):
    """{(tool, rows): {"seconds", "peak_kb", "status", "runs"}}, best (least) time of the ok runs."""
    rows = list(csv.DictReader(open(os.path.join(runs, "results.tsv")), delimiter="\t"))
    best = {}
    for r in rows:
        if r["run"] == "r":
            continue  # the extra run next to R is only used for that ratio
        key = (r["tool"], int(r["rows"]))
        cell = best.setdefault(key, {"seconds": None, "peak_kb": None, "status": "ok", "runs": 0})
        cell["runs"] += 1
        if r["status"] != "ok":
            cell["status"] = r["status"]
            continue
        secs, kb = float(r["seconds"]), int(r["peak_kb"])
        cell["seconds"] = secs if cell["seconds"] is None else min(cell["seconds"], secs)
        cell["peak_kb"] = kb if cell["peak_kb"] is None else max(cell["peak_kb"], kb)
    beside_r = [r for r in rows if r["run"] == "r" and r["status"] == "ok"]
    return best, (float(beside_r[0]["seconds"]) if beside_r else None)


def load_meta(runs):
    meta = {}
    for line in open(os.path.join(runs, "meta.env"), encoding="utf-8"):
        key, _, value = line.rstrip("\n").partition("=")
        meta[key] = value
    return meta


def deptshare_estimates(path):
    """{(wave, category): (share, se)} for department rows of a deptshare JSON output."""
    try:
        doc = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {
        (e["wave"], e["category"]): (e["share"], e["se"])
        for e in doc["estimates"]
        if e["kind"] == "department" and e["segment"] is None
    }


def polars_shares(path):
    try:
        return {(r["wave"], r["category"]): r["share"] for r in json.load(open(path, encoding="utf-8"))}
    except (OSError, ValueError):
        return None


def r_estimates(path):
    try:
        rows = list(csv.DictReader(open(path, encoding="utf-8")))
    except OSError:
        return None
    return {(int(r["wave"]), r["category"]): (float(r["share"]), float(r["se"])) for r in rows}


def max_diff(ours, theirs, pick_ours, pick_theirs):
    """Largest absolute difference over the keys of theirs, or None when a key is missing."""
    if not ours or not theirs or set(theirs) - set(ours):
        return None
    return max(abs(pick_ours(ours[k]) - pick_theirs(theirs[k])) for k in theirs)


def fmt_s(x):
    return "—" if x is None else f"{x:.2f} s"


def fmt_mb(kb):
    return "—" if kb is None else f"{kb / 1024:.0f} MiB"


def fmt_ratio(x):
    return "—" if x is None else f"{x:.2f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


class Run:
    def __init__(self, args):
        self.runs, self.data = args.runs, args.data
        self.best, self.beside_r = load_results(args.runs)
        self.meta = load_meta(args.runs)
        self.sizes = sorted({rows for (tool, rows) in self.best if tool == "polars"})
        self.r_size = int(self.meta["r_size"])

    def cell(self, tool, rows):
        return self.best.get((tool, rows), {"seconds": None, "peak_kb": None, "status": "not run", "runs": 0})

    def csv_bytes(self, rows):
        path = os.path.join(self.data, f"survey-{rows}.csv")
        return os.path.getsize(path) if os.path.exists(path) else None

    def out(self, tool, rows, ext="out"):
        return os.path.join(self.runs, f"{tool}-{rows}.{ext}")

    def agreement(self, rows):
        ours = deptshare_estimates(self.out("deptshare-design", rows))
        return max_diff(ours, polars_shares(self.out("polars", rows)), lambda e: e[0], lambda s: s)

    def targets(self):
        """[(target, measured, verdict)] for the three targets of issue 7."""
        top = self.sizes[-1]
        design, polars = self.cell("deptshare-design", top), self.cell("polars", top)
        speed = ratio(design["seconds"], polars["seconds"])
        r_secs = self.cell("r-survey", self.r_size)["seconds"]
        r_ratio = ratio(r_secs, self.beside_r)
        ours = deptshare_estimates(self.out("deptshare-design", self.r_size))
        theirs = r_estimates(self.out("r-survey", self.r_size, "csv"))
        se_diff = max_diff(ours, theirs, lambda e: e[1], lambda e: e[1])
        share_diff = max_diff(ours, theirs, lambda e: e[0], lambda e: e[0])
        mem = ratio(design["peak_kb"] * 1024 if design["peak_kb"] else None, self.csv_bytes(top))
        failed = "" if design["status"] == "ok" else " (deptshare failed: see Failed runs)"
        gone = design["status"] != "ok"
        same_se = se_diff is not None and se_diff < 1e-9
        return [
            (
                f"{top:,} rows: deptshare (design) / polars (point shares) <= {TARGET_SPEED}",
                fmt_ratio(speed) + failed,
                verdict(speed is not None and speed <= TARGET_SPEED, speed, gone),
            ),
            (
                f"{self.r_size:,} rows: R survey / deptshare (design) >= {TARGET_R:.0f}, same SEs",
                f"{fmt_ratio(r_ratio)}; largest SE difference {sci(se_diff)}, largest share difference {sci(share_diff)}",
                verdict(r_ratio is not None and r_ratio >= TARGET_R and same_se, r_ratio),
            ),
            (
                f"{top:,} rows: deptshare peak memory / CSV size < {TARGET_MEMORY}",
                fmt_ratio(mem) + failed,
                verdict(mem is not None and mem < TARGET_MEMORY, mem, gone),
            ),
        ]


def verdict(ok, value, failed=False):
    """A target deptshare could not even run is missed; one whose baseline failed is unmeasured."""
    if failed:
        return "**missed** (deptshare failed)"
    if value is None:
        return "not measured"
    return "met" if ok else "**missed**"


def sci(x):
    return "—" if x is None else f"{x:.1e}"


def scaling_table(run):
    lines = [
        "| rows | CSV | deptshare design | deptshare unweighted | design, large-file path at any size | polars (point shares) | design / polars | design / unweighted | design peak / CSV | max share diff vs polars |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rows in run.sizes:
        d, u, s, p = (
            run.cell(t, rows) for t in ("deptshare-design", "deptshare-unweighted", "deptshare-stream", "polars")
        )
        size = run.csv_bytes(rows)
        lines.append(
            f"| {rows:,} | {fmt_size(size)} | {timing(d)} | {timing(u)} | {timing(s)} | {timing(p)} "
            f"| {fmt_ratio(ratio(d['seconds'], p['seconds']))} | {fmt_ratio(ratio(d['seconds'], u['seconds']))} "
            f"| {fmt_ratio(ratio(d['peak_kb'] * 1024 if d['peak_kb'] else None, size))} | {sci(run.agreement(rows))} |"
        )
    return lines


def fmt_size(size):
    if size is None:
        return "—"
    mb = size / 2**20
    return f"{mb:.1f} MiB" if mb < 10 else f"{mb:.0f} MiB"


def timing(cell):
    if cell["status"] != "ok":
        return "failed"
    return f"{fmt_s(cell['seconds'])}, {fmt_mb(cell['peak_kb'])}"


def failures(run):
    seen = []
    for (tool, rows), cell in sorted(run.best.items()):
        if cell["status"] != "ok":
            seen.append(f"- `{tool}` at {rows:,} rows: {cell['status']}")
    return seen


def r_phases(run):
    try:
        text = open(run.out("r-survey", run.r_size, "err"), encoding="utf-8").read()
    except OSError:
        return None
    lines = [line for line in text.splitlines() if line.startswith("r_survey:")]
    return lines[-1].removeprefix("r_survey: ") if lines else None


def document(run):
    m = run.meta
    rounds = "1 run" if m["quick"] == "1" else "best of 3 runs (time), largest peak memory of the 3"
    lines = [
        "# Benchmarks",
        "",
        "Written by `scripts/bench` (issue 7); every number below comes from one run of it on "
        f"{m['date']}. Rerun with `scripts/bench` (about 5 minutes, plus a minute to generate the data the first time) or "
        "`scripts/bench --quick` (a minute; writes under /var/tmp/deptshare-bench instead).",
        "",
        "- Data: `bench/generate.py` (seeded): respondent, wave (2021-2025), department in 19 English "
        "and German spellings, weight, stratum (8 per wave), PSU (24-40 per stratum, about 1,300 in all), "
        "company size; 2 % leave the question blank.",
        "- deptshare design: `deptshare shares FILE --wave-col wave --dept-col department --weight-col weight "
        "--strata-col stratum --psu-col psu --format json` (shares, Taylor SEs, logit intervals, deff, groups).",
        "- deptshare unweighted: `deptshare shares FILE --wave-col wave --dept-col department --format json`.",
        "- Files from 16 MiB are read by the large-file path (`src/ingest/stream`: blocks read in parallel into "
        "weight sums), smaller ones by the careful reader (every answer kept, for the check of respondents "
        "repeated across files); \"large-file path at any size\" is the design run with "
        "`DEPTSHARE_FAST_PATH_MIN_BYTES=0`.",
        "- polars: `bench/polars_shares.py` (lazy scan of 3 columns, label lookup, weighted point shares "
        "per wave; no SEs).",
        "- R survey: `bench/r_survey.R` (`read.csv`, then `svyby(~dept, ~wave, subset(design, answered), "
        "svymean)` with `svydesign(ids=~psu, strata=~stratum_in_wave, weights=~weight, nest=TRUE)`).",
        f"- Timing: wall time and peak RSS from `/usr/bin/time -f '%e %M'`, {rounds}; tools run back to "
        "back on the same file with the file in the page cache.",
        "",
        "## Machine and versions",
        "",
        f"- {m['nproc']} cores, {m['mem_total']}, {m['cpu']}, Linux {m['kernel']}",
        f"- load average before / after the run: {m['load_before']} / {m['load_after']} "
        "(other engineers' compiles share the machine, so absolute times are noisy; ratios less so)",
        f"- {m['rustc']}; deptshare {m['deptshare']}; deptshare environment: "
        f"{m.get('env', '').strip() or 'none set'}",
        f"- {m['python']}, polars {m['polars']}; {m['r']}, survey {m['survey']}",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {v} | {ok} |" for t, v, ok in run.targets()]
    lines += ["", "## Scaling", "", "Wall time, peak memory (RSS).", ""]
    lines += scaling_table(run)
    r = run.cell("r-survey", run.r_size)
    lines += [
        "",
        f"R survey at {run.r_size:,} rows: {timing(r)} ({r_phases(run) or 'no phase times'}); "
        f"deptshare design right after it: {fmt_s(run.beside_r)}.",
    ]
    failed = failures(run)
    if failed:
        lines += ["", "## Failed runs", ""] + failed
    return lines


def keep_tail(path):
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return ""
    _, found, tail = text.partition(MARKER)
    return tail.lstrip("\n") if found else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    run = Run(args)
    tail = keep_tail(args.out)
    body = "\n".join(document(run)) + f"\n\n{MARKER}\n"
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(body + ("\n" + tail if tail else ""))
    for target, measured, ok in run.targets():
        print(f"{target}: {measured} -> {ok.replace('**', '')}")
    for rows in run.sizes:
        d, u, p = (run.cell(t, rows)["seconds"] for t in ("deptshare-design", "deptshare-unweighted", "polars"))
        print(f"{rows:>10,} rows: design/polars {fmt_ratio(ratio(d, p))}, design/unweighted {fmt_ratio(ratio(d, u))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
