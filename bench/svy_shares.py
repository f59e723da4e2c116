#!/usr/bin/env python3
"""svy (PyPI `svy`, Python with a Rust core) on a benchmark file: design-based shares and SEs per wave.

Usage: svy_shares.py FILE.csv OUT.csv   (run with the svy venv's python, see scripts/bench)

Writes wave,category,share,se (17 significant digits) to OUT.csv, the same shape as
bench/r_survey.R, and the seconds spent reading and estimating on stderr. The design is the
R script's: strata nested in waves (`stratum=("wave", "stratum")`), PSUs nested in strata
(svy takes PSU codes within stratum, like R's nest=TRUE), the weight column;
`prop("dept", by="wave", drop_nulls=True)` with Taylor linearisation, so respondents without
an answer stay in the design but out of the base (R's `subset(design, answered)`). Department
spellings are mapped to categories with bench/labels.csv, the table the polars and R scripts
use, inside the timed estimate step; an unknown spelling stops the script.
"""

import csv
import os
import sys
import time

import polars as pl
import svy

LABELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "labels.csv")
CATEGORY = {r["label"]: r["category"] for r in csv.DictReader(open(LABELS, encoding="utf-8"))}


def estimate(path):
    start = time.perf_counter()
    data = pl.read_csv(
        path,
        columns=["wave", "department", "weight", "stratum", "psu"],
        schema_overrides={"department": pl.String, "weight": pl.Float64, "stratum": pl.String},
    )
    read = time.perf_counter() - start
    start = time.perf_counter()
    # Blank cells are read as null; every other spelling must be in the table.
    data = data.with_columns(dept=pl.col("department").replace_strict(CATEGORY, return_dtype=pl.String))
    sample = svy.Sample(data, svy.Design(stratum=("wave", "stratum"), psu="psu", wgt="weight"))
    shares = sample.estimation.prop("dept", by="wave", drop_nulls=True).to_polars()
    return shares.sort("wave", "dept"), read, time.perf_counter() - start


def main():
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    shares, read, est = estimate(sys.argv[1])
    with open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
        out.write("wave,category,share,se\n")
        for row in shares.iter_rows(named=True):
            out.write(f"{row['wave']},{row['dept']},{row['est']:.17g},{row['se']:.17g}\n")
    print(f"svy_shares: read {read:.2f} s, Sample + prop {est:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
