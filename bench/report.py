#!/usr/bin/env python3
"""Turns one scripts/bench run into BENCHMARKS.md and prints the ratios (standard library only).

Usage: report.py --runs DIR --data DIR --out FILE

Reads DIR/results.tsv (tool, order, rows, run, status, seconds, peak_kb), DIR/meta.env and each
tool's output (deptshare JSON, polars JSON, R and svy CSV) to check that the tools agree. Text
below the line `<!-- end of generated part -->` in an existing FILE is kept: that is where the
hand-written analysis of a run lives. The targets are issue 11's.
"""

import argparse
import csv
import json
import os
import sys

MARKER = "<!-- end of generated part -->"
ORDERS = {"grouped": "Rows grouped by PSU", "respondent": "Rows in respondent order"}
TARGET_SPEED = 0.35  # deptshare design / polars at the largest size, both orders
SMALL_ROWS = 100_000
TARGET_SMALL = 0.5  # deptshare design / polars at SMALL_ROWS
TARGET_R = 100.0  # R survey / deptshare design at the R size
TARGET_SVY = 50.0  # svy / deptshare design at the R size
TARGET_SE = 1e-6  # largest |SE difference| of deptshare against R
TARGET_MEMORY = 0.5  # deptshare peak RSS / CSV size at the largest size
TARGET_GROWTH = 1.25  # each step of the scaling table: (time ratio) / (rows ratio)
ANCHOR_SHARE = 1e-9  # polars, R and svy shares against each other
ANCHOR_SE = 1e-6  # R's SEs against svy's
BESIDE = ("r", "svy")  # the extra deptshare runs right after R and svy, for those ratios only


def load_results(runs):
    """({(tool, order, rows): {"seconds", "peak_kb", "status", "runs"}}, {(order, anchor): seconds}).

    Time is the best (least) of the ok runs, memory the largest."""
    rows = list(csv.DictReader(open(os.path.join(runs, "results.tsv")), delimiter="\t"))
    best, beside = {}, {}
    for r in rows:
        if r["run"] in BESIDE:
            if r["status"] == "ok":
                beside[(r["order"], r["run"])] = float(r["seconds"])
            continue
        key = (r["tool"], r["order"], int(r["rows"]))
        cell = best.setdefault(key, {"seconds": None, "peak_kb": None, "status": "ok", "runs": 0})
        cell["runs"] += 1
        if r["status"] != "ok":
            cell["status"] = r["status"]
            continue
        secs, kb = float(r["seconds"]), int(r["peak_kb"])
        cell["seconds"] = secs if cell["seconds"] is None else min(cell["seconds"], secs)
        cell["peak_kb"] = kb if cell["peak_kb"] is None else max(cell["peak_kb"], kb)
    return best, beside


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
    """{(wave, category): (share, se)} of R's or svy's CSV (wave,category,share,se)."""
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
        self.best, self.beside = load_results(args.runs)
        self.meta = load_meta(args.runs)
        self.orders = [o for o in ORDERS if any(order == o for (_, order, _) in self.best)]
        self.sizes = sorted({rows for (tool, _, rows) in self.best if tool == "polars"})
        self.r_size = int(self.meta["r_size"])

    def cell(self, tool, order, rows):
        empty = {"seconds": None, "peak_kb": None, "status": "not run", "runs": 0}
        return self.best.get((tool, order, rows), empty)

    def csv_bytes(self, order, rows):
        name = f"survey-{rows}.csv" if order == "grouped" else f"survey-{order}-{rows}.csv"
        path = os.path.join(self.data, name)
        return os.path.getsize(path) if os.path.exists(path) else None

    def out(self, tool, order, rows, ext="out"):
        return os.path.join(self.runs, f"{tool}-{order}-{rows}.{ext}")

    def deptshare(self, order, rows):
        return deptshare_estimates(self.out("deptshare-design", order, rows))

    def anchor(self, tool, order):
        """R's or svy's (share, se) per (wave, category) at the R size."""
        return r_estimates(self.out(tool, order, self.r_size, "csv"))

    def agreement(self, order, rows):
        ours = self.deptshare(order, rows)
        return max_diff(ours, polars_shares(self.out("polars", order, rows)), lambda e: e[0], lambda s: s)

    def growth(self, order):
        """(worst time ratio / rows ratio over the steps of the scaling table, that step's label)."""
        worst = None
        for small, large in zip(self.sizes, self.sizes[1:]):
            a, b = (self.cell("deptshare-design", order, n)["seconds"] for n in (small, large))
            step = ratio(ratio(b, a), large / small)
            if step is not None and (worst is None or step > worst[0]):
                worst = (step, f"{short(small)} -> {short(large)}")
        return worst

    def targets(self):
        """[(target, measured, verdict)] for the targets of issue 11, each row order."""
        top, out = self.sizes[-1], []
        for order in self.orders:
            design = self.cell("deptshare-design", order, top)
            gone = design["status"] != "ok"
            failed = " (deptshare failed: see Failed runs)" if gone else ""
            speed = ratio(design["seconds"], self.cell("polars", order, top)["seconds"])
            out.append((
                f"{top:,} rows, {order}: deptshare (design) / polars (point shares) <= {TARGET_SPEED}",
                fmt_ratio(speed) + failed,
                verdict(speed is not None and speed <= TARGET_SPEED, speed, gone),
            ))
            if SMALL_ROWS in self.sizes and SMALL_ROWS != top:
                small = self.cell("deptshare-design", order, SMALL_ROWS)
                speed = ratio(small["seconds"], self.cell("polars", order, SMALL_ROWS)["seconds"])
                out.append((
                    f"{SMALL_ROWS:,} rows, {order}: deptshare (design) / polars <= {TARGET_SMALL}",
                    fmt_ratio(speed),
                    verdict(speed is not None and speed <= TARGET_SMALL, speed, small["status"] != "ok"),
                ))
            ours = self.deptshare(order, self.r_size)
            for tool, name, target, key in (("r-survey", "R survey", TARGET_R, "r"), ("svy", "svy", TARGET_SVY, "svy")):
                times = ratio(self.cell(tool, order, self.r_size)["seconds"], self.beside.get((order, key)))
                theirs = self.anchor(tool, order)
                se_diff = max_diff(ours, theirs, lambda e: e[1], lambda e: e[1])
                share_diff = max_diff(ours, theirs, lambda e: e[0], lambda e: e[0])
                same = tool != "r-survey" or (se_diff is not None and se_diff <= TARGET_SE)
                want = f" with R's SEs (to {TARGET_SE:.0e})" if tool == "r-survey" else ""
                out.append((
                    f"{self.r_size:,} rows, {order}: {name} / deptshare (design) >= {target:.0f}{want}",
                    f"{fmt_ratio(times)}; largest SE difference {sci(se_diff)}, largest share difference {sci(share_diff)}",
                    verdict(times is not None and times >= target and same, times),
                ))
            mem = ratio(design["peak_kb"] * 1024 if design["peak_kb"] else None, self.csv_bytes(order, top))
            out.append((
                f"{top:,} rows, {order}: deptshare peak memory / CSV size <= {TARGET_MEMORY}",
                fmt_ratio(mem) + failed,
                verdict(mem is not None and mem <= TARGET_MEMORY, mem, gone),
            ))
            worst = self.growth(order)
            out.append((
                f"{short(self.sizes[0])} to {short(top)}, {order}: growth linear (each step of the scaling "
                f"table: time ratio / rows ratio <= {TARGET_GROWTH})",
                "—" if worst is None else f"worst step {fmt_ratio(worst[0])} ({worst[1]})",
                verdict(worst is not None and worst[0] <= TARGET_GROWTH, worst),
            ))
        return out

    def anchors(self):
        """[(order, what, difference, tolerance)]: polars, R and svy against each other at the R size."""
        out = []
        for order in self.orders:
            polars = polars_shares(self.out("polars", order, self.r_size))
            r, s = self.anchor("r-survey", order), self.anchor("svy", order)
            polars_pairs = {k: (v, None) for k, v in polars.items()} if polars else None
            for what, a, b, pick, tol in (
                ("shares, polars vs R", polars_pairs, r, 0, ANCHOR_SHARE),
                ("shares, R vs svy", r, s, 0, ANCHOR_SHARE),
                ("SEs, R vs svy", r, s, 1, ANCHOR_SE),
            ):
                diff = max_diff(a, b, lambda e: e[pick], lambda e: e[pick])
                if a and b and set(a) != set(b):
                    diff = None  # a tool named cells the other did not
                out.append((order, what, diff, tol))
        return out


def short(rows):
    return f"{rows // 1_000_000}M" if rows >= 1_000_000 and rows % 1_000_000 == 0 else f"{rows // 1000}k"


def verdict(ok, value, failed=False):
    """A target deptshare could not even run is missed; one whose baseline failed is unmeasured."""
    if failed:
        return "**missed** (deptshare failed)"
    if value is None:
        return "not measured"
    return "met" if ok else "**missed**"


def sci(x):
    return "—" if x is None else f"{x:.1e}"


def scaling_table(run, order):
    lines = [
        "| rows | CSV | deptshare design | deptshare unweighted | design, large-file path at any size "
        "| polars (point shares) | design / polars | design / unweighted | design s per 1M rows "
        "| design peak / CSV | max share diff vs polars |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rows in run.sizes:
        d, u, s, p = (
            run.cell(t, order, rows) for t in ("deptshare-design", "deptshare-unweighted", "deptshare-stream", "polars")
        )
        size = run.csv_bytes(order, rows)
        per_million = ratio(d["seconds"], rows / 1e6)
        lines.append(
            f"| {rows:,} | {fmt_size(size)} | {timing(d)} | {timing(u)} | {timing(s)} | {timing(p)} "
            f"| {fmt_ratio(ratio(d['seconds'], p['seconds']))} | {fmt_ratio(ratio(d['seconds'], u['seconds']))} "
            f"| {fmt_ratio(per_million)} "
            f"| {fmt_ratio(ratio(d['peak_kb'] * 1024 if d['peak_kb'] else None, size))} | {sci(run.agreement(order, rows))} |"
        )
    return lines


def fmt_size(size):
    if size is None:
        return "—"
    mb = size / 2**20
    return f"{mb:.1f} MiB" if mb < 10 else f"{mb:.0f} MiB"


def timing(cell):
    if cell["status"] != "ok":
        return "failed" if cell["status"] != "not run" else "—"
    return f"{fmt_s(cell['seconds'])}, {fmt_mb(cell['peak_kb'])}"


def failures(run):
    seen = []
    for (tool, order, rows), cell in sorted(run.best.items()):
        if cell["status"] != "ok":
            seen.append(f"- `{tool}` ({order}) at {rows:,} rows: {cell['status']}")
    return seen


def phases(run, tool, order):
    """The phase times the R or svy script printed on stderr, or None."""
    prefix = {"r-survey": "r_survey: ", "svy": "svy_shares: "}[tool]
    try:
        text = open(run.out(tool, order, run.r_size, "err"), encoding="utf-8").read()
    except OSError:
        return None
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    return lines[-1].removeprefix(prefix) if lines else None


def document(run):
    m = run.meta
    rounds = "1 run" if m["quick"] == "1" else "best of 3 runs (time), largest peak memory of the 3"
    lines = [
        "# Benchmarks",
        "",
        "Written by `scripts/bench` (issues 7 and 11); every number below comes from one run of it on "
        f"{m['date']}. Rerun with `scripts/bench` (about 10 minutes, plus two minutes to generate the data the "
        "first time) or `scripts/bench --quick` (a few minutes; writes under /var/tmp/deptshare-bench instead). "
        "`bench/anchors.py` checks polars, R and svy against each other without deptshare.",
        "",
        "- Data, two row orders from `bench/generate.py` (seeded), same columns (respondent, wave, department, "
        "weight, stratum, PSU, company size), 2 % leave the question blank:",
        "  - grouped (`survey-N.csv`): 5 waves (2021-2025), 8 strata per wave, 24-40 PSUs per stratum "
        "(about 1,300 in all), rows grouped by PSU; 19 English and German spellings of 8 departments.",
        "  - respondent order (`survey-respondent-N.csv`, `--order respondent`, the usual order of a survey "
        "export): 17 waves (2009-2025), 8 strata x 40 PSUs in each (5,440 PSUs), PSU sizes unequal, strata and "
        "PSUs interleaved within each wave, ids rising; 45 spellings of 9 departments (case, hyphens, English "
        "and German).",
        "- deptshare design: `deptshare shares FILE --wave-col wave --dept-col department --weight-col weight "
        "--strata-col stratum --psu-col psu --format json` (shares, Taylor SEs, logit intervals, deff, groups).",
        "- deptshare unweighted: `deptshare shares FILE --wave-col wave --dept-col department --format json`.",
        "- Every plain CSV is read by the block reader (`src/ingest/stream`) into the one tally the estimates "
        "come from; \"large-file path at any size\" is the design run with `DEPTSHARE_FAST_PATH_MIN_BYTES=0`, "
        "which is now the default (the column is kept to show the two agree).",
        "- polars: `bench/polars_shares.py` (lazy scan of 3 columns, label lookup, weighted point shares "
        "per wave; no SEs).",
        "- R survey: `bench/r_survey.R` (`read.csv`, then `svyby(~dept, ~wave, subset(design, answered), "
        "svymean)` with `svydesign(ids=~psu, strata=~stratum_in_wave, weights=~weight, nest=TRUE)`).",
        "- svy: `bench/svy_shares.py` (polars `read_csv` of 5 columns, then `Sample(df, Design(stratum=(\"wave\", "
        "\"stratum\"), psu=\"psu\", wgt=\"weight\")).estimation.prop(\"dept\", by=\"wave\", drop_nulls=True)`, "
        "Taylor linearisation; the same design as R's, blank answers kept in the design but out of the base).",
        "- Department labels: deptshare resolves the raw spellings with its built-in taxonomy; polars, R and svy "
        "are given the raw file too and map the spellings with one table, `bench/labels.csv`, inside their timed "
        "runs (`bench/check_labels.py` checks with the deptshare binary that every spelling resolves to the category "
        "the table says). No tool gets a pre-normalised column.",
        f"- Timing: wall time and peak RSS from `/usr/bin/time -f '%e %M'`, {rounds}; tools run back to "
        "back on the same file with the file in the page cache. R and svy run once each, and each is followed by "
        "one deptshare design run that their ratio uses.",
        "",
        "## Machine and versions",
        "",
        f"- {m['nproc']} cores, {m['mem_total']}, {m['cpu']}, Linux {m['kernel']}",
        f"- load average before / after the run: {m['load_before']} / {m['load_after']} "
        "(other engineers' compiles share the machine, so absolute times are noisy; ratios less so)",
        f"- {m['rustc']}; deptshare {m['deptshare']}; deptshare environment: "
        f"{m.get('env', '').strip() or 'none set'}",
        f"- {m['python']}, polars {m['polars']}; {m['r']}, survey {m['survey']}; svy {m.get('svy', '—')}",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {v} | {ok} |" for t, v, ok in run.targets()]
    lines += [
        "",
        f"## The anchors agree ({run.r_size:,} rows)",
        "",
        "| order | compared | largest difference | tolerance | |",
        "|---|---|---:|---:|---|",
    ]
    for order, what, diff, tol in run.anchors():
        ok = "not measured" if diff is None else ("agree" if diff <= tol else "**differ**")
        lines.append(f"| {order} | {what} | {sci(diff)} | {tol:.0e} | {ok} |")
    lines += ["", "## Scaling", "", "Wall time, peak memory (RSS)."]
    for order in run.orders:
        lines += ["", f"### {ORDERS[order]}", ""]
        lines += scaling_table(run, order)
    lines += ["", f"## R survey and svy at {run.r_size:,} rows", ""]
    for order in run.orders:
        for tool, name, key in (("r-survey", "R survey", "r"), ("svy", "svy", "svy")):
            cell = run.cell(tool, order, run.r_size)
            lines.append(
                f"- {order}, {name}: {timing(cell)} ({phases(run, tool, order) or 'no phase times'}); "
                f"deptshare design right after it: {fmt_s(run.beside.get((order, key)))}."
            )
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
    for order, what, diff, tol in run.anchors():
        print(f"anchors, {order}: {what} {sci(diff)} (tolerance {tol:.0e})")
    for order in run.orders:
        for rows in run.sizes:
            d, u, p = (run.cell(t, order, rows)["seconds"] for t in ("deptshare-design", "deptshare-unweighted", "polars"))
            print(
                f"{order:>10} {rows:>10,} rows: design/polars {fmt_ratio(ratio(d, p))}, "
                f"design/unweighted {fmt_ratio(ratio(d, u))}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
