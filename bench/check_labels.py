#!/usr/bin/env python3
"""Checks the benchmark's department spellings against deptshare itself (standard library only).

Usage: bench/check_labels.py DEPTSHARE   (exit 0 when every spelling resolves as bench/labels.csv says)

Writes one small CSV holding every label of bench/labels.csv once per wave (wave = the label's
row number) and reads it with the deptshare binary given: each wave must come out as 100 % of
the category the table names. Fails when a label is unknown to deptshare (the run stops naming
it), is a no-answer cell (its wave has no shares), or resolves to another category; or when
bench/generate.py writes a spelling the table lacks (the polars, R and svy scripts map
spellings with that table, so a missing one would silently leave respondents out of their base).
"""

import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = os.path.join(HERE, "labels.csv")


def resolved(deptshare, labels):
    """{label: category} as deptshare reads them, one wave per label."""
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "labels.csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["wave", "department"])
            for i, label in enumerate(labels):
                writer.writerow([1000 + i, label])
        run = subprocess.run(
            [deptshare, "shares", path, "--wave-col", "wave", "--dept-col", "department", "--format", "json"],
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            sys.exit(f"check_labels: deptshare refused the spellings: {run.stderr.strip().splitlines()[-1:]}")
        out = {}
        for e in json.loads(run.stdout)["estimates"]:
            if e["kind"] == "department" and e["share"] == 1.0:
                out[labels[e["wave"] - 1000]] = e["category"]
        return out


def main():
    sys.dont_write_bytecode = True  # no __pycache__ in the repository
    sys.path.insert(0, HERE)
    import generate  # noqa: E402 (the spellings the generator writes)

    if len(sys.argv) != 2:
        sys.exit("usage: bench/check_labels.py DEPTSHARE")
    table = {r["label"]: r["category"] for r in csv.DictReader(open(LABELS, encoding="utf-8"))}
    got = resolved(sys.argv[1], list(table))
    problems = []
    for label, category in table.items():
        if got.get(label) != category:
            problems.append(f"{label!r} resolves to {got.get(label)} in deptshare, bench/labels.csv says {category}")
    for name, categories in [("grouped", generate.CATEGORIES), ("respondent", generate.RESPONDENT_CATEGORIES)]:
        for category, (_, spellings) in categories.items():
            for label in spellings:
                if table.get(label) != category:
                    problems.append(f"generate.py ({name}) writes {label!r} for {category}; labels.csv: {table.get(label)}")
    for p in problems:
        print(f"check_labels: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_labels: all {len(table)} spellings of bench/labels.csv resolve in deptshare as listed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
