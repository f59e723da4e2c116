#!/usr/bin/env python3
"""Do the three anchors agree? polars, R survey and svy on small generated files, no deptshare.

Usage: bench/anchors.py [ROWS ...] [--dir DIR]   (default 10000 rows; standard library only)

For each ROWS and both row orders of bench/generate.py, writes the file to DIR (default
/var/tmp/deptshare-bench/anchors), runs bench/polars_shares.py (venv $DEPTSHARE_VENV),
bench/r_survey.R (Rscript) and bench/svy_shares.py (venv $DEPTSHARE_SVY_VENV) on it, and
compares: shares pairwise to 1e-9, R's and svy's SEs to 1e-6 (absolute). Prints the largest
differences and exits 1 when one is over its tolerance or a tool failed.
"""

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, HERE)
import report  # noqa: E402 (the readers of the tools' outputs)

SHARE_TOL = 1e-9
SE_TOL = 1e-6


def run(cmd, stdout=None):
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr.strip()[-400:]}")
    return time.perf_counter() - start


def compare(rows, order, folder, venv, svy_venv):
    """[(what, largest difference, tolerance)] for one generated file; prints timings."""
    path = os.path.join(folder, f"anchors-{order}-{rows}.csv")
    run([sys.executable, os.path.join(HERE, "generate.py"), str(rows), path, "--order", order])
    with open(path + ".polars.json", "w", encoding="utf-8") as out:
        t_polars = run([os.path.join(venv, "bin", "python"), os.path.join(HERE, "polars_shares.py"), path], out)
    t_r = run(["Rscript", os.path.join(HERE, "r_survey.R"), path, path + ".r.csv"])
    t_svy = run([os.path.join(svy_venv, "bin", "python"), os.path.join(HERE, "svy_shares.py"), path, path + ".svy.csv"])
    polars = report.polars_shares(path + ".polars.json")
    r = report.r_estimates(path + ".r.csv")
    s = report.r_estimates(path + ".svy.csv")
    if set(r) != set(s) or set(r) != set(polars):
        raise RuntimeError(f"{path}: the tools name different (wave, category) cells")
    diffs = [
        ("shares polars vs R", max(abs(polars[k] - r[k][0]) for k in r), SHARE_TOL),
        ("shares polars vs svy", max(abs(polars[k] - s[k][0]) for k in r), SHARE_TOL),
        ("shares R vs svy", max(abs(r[k][0] - s[k][0]) for k in r), SHARE_TOL),
        ("SEs R vs svy", max(abs(r[k][1] - s[k][1]) for k in r), SE_TOL),
        ("SEs R vs svy, relative", max(abs(r[k][1] - s[k][1]) / r[k][1] for k in r if r[k][1] > 0), None),
    ]
    print(
        f"{order:>10} {rows:>9,} rows, {len(r)} cells: polars {t_polars:.2f} s, R {t_r:.2f} s, svy {t_svy:.2f} s; "
        + "; ".join(f"{what} {d:.1e}" for what, d, _ in diffs)
    )
    return diffs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="*", default=[10000])
    parser.add_argument("--dir", default=os.path.join(os.environ.get("DEPTSHARE_BENCH_DIR", "/var/tmp/deptshare-bench"), "anchors"))
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    venv = os.environ.get("DEPTSHARE_VENV", "/var/tmp/deptshare-venv")
    svy_venv = os.environ.get("DEPTSHARE_SVY_VENV", "/var/tmp/deptshare-svy-venv")
    bad = []
    for rows in args.rows:
        for order in ("grouped", "respondent"):
            try:
                diffs = compare(rows, order, args.dir, venv, svy_venv)
            except RuntimeError as e:
                bad.append(str(e))
                continue
            bad += [f"{order} {rows}: {what} {d:.1e} > {tol}" for what, d, tol in diffs if tol is not None and d > tol]
    for b in bad:
        print(f"anchors: {b}", file=sys.stderr)
    print("anchors: " + ("DISAGREE" if bad else f"agree (shares to {SHARE_TOL}, R and svy SEs to {SE_TOL})"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
