#!/usr/bin/env python3
"""The bare Python polars baseline: weighted point shares per wave, no standard errors.

Usage: polars_shares.py FILE.csv   (prints JSON: [{wave, category, share}, ...])

What a competent analyst would write by hand: a lazy scan of the needed columns, labels
mapped to categories with a lookup table, respondents without an answer left out of the
base, then share = sum of weights in the category / sum of weights of respondents who
answered, per wave. The labels are the spellings bench/generate.py writes (both row
orders), mapped with the table bench/labels.csv.
"""

import csv
import json
import os
import sys

import polars as pl

LABELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "labels.csv")
CATEGORY = {r["label"]: r["category"] for r in csv.DictReader(open(LABELS, encoding="utf-8"))}


def shares(path):
    counts = (
        pl.scan_csv(path, schema_overrides={"department": pl.String, "weight": pl.Float64})
        .select("wave", "department", "weight")
        .filter(pl.col("department").is_not_null())
        .with_columns(category=pl.col("department").replace_strict(CATEGORY, return_dtype=pl.Categorical))
        .group_by("wave", "category")
        .agg(pl.col("weight").sum())
    )
    return (
        counts.with_columns(share=pl.col("weight") / pl.col("weight").sum().over("wave"))
        .select("wave", pl.col("category").cast(pl.String), "share")
        .sort("wave", "category")
        .collect()
    )


def main():
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    json.dump(shares(sys.argv[1]).to_dicts(), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
