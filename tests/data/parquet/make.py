"""Writes the Parquet inputs of tests/cli/columnar.rs and their CSV twin: 60 respondents of two
waves as a panel provider might deliver them, typed (int ids and years, float weights with a
null, a categorical company size, a timestamp and a date, department labels in German and English spellings, nulls for
no answer and a missing weight). The same rows as CSV (respondents.csv, by Python's csv module)
and the counts Python computes from them (expected.json) are the test's independent expectation.

  snappy.parquet  pyarrow, snappy pages, dictionary-encoded strings, one row group
  zstd.parquet    polars, zstd pages, a Categorical department column, one row group
  gzip.parquet    pyarrow, gzip pages, row groups of 16 rows (four groups)

Deterministic; needs pyarrow and polars (the svy venv of scripts/bench has both):
  /var/tmp/deptshare-svy-venv/bin/python make.py
"""
import csv
import datetime
import json
import random

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

rng = random.Random(11)
LABELS = ["Marketing", "PR", "Öffentlichkeitsarbeit", "Vertrieb", "Customer Service", "HR"]
IDS = {"Marketing": "marketing", "PR": "pr", "Öffentlichkeitsarbeit": "pr", "Vertrieb": "sales",
       "Customer Service": "customer_service", "HR": "hr"}
rows = []
for i in range(60):
    wave = 2024 if i < 30 else 2025
    dept = rng.choice(LABELS)
    if i in (7, 41):
        dept = None  # no answer
    weight = round(rng.uniform(0.5, 3.0), 4)
    if i == 13:
        weight = None  # a reject: the weight is missing
    started = datetime.datetime(wave, 3, 1, 9, 0, 0) + datetime.timedelta(minutes=37 * i)
    rows.append({"respondent": 1000 + i, "year": wave, "department": dept, "weight": weight,
                 "company": f"C{i % 9}", "size": rng.choice(["small", "large"]),
                 "started": started, "day": started.date()})

table = pa.table({
    "respondent": pa.array([r["respondent"] for r in rows], pa.int64()),
    "year": pa.array([r["year"] for r in rows], pa.int32()),
    "department": pa.array([r["department"] for r in rows], pa.string()),
    "weight": pa.array([r["weight"] for r in rows], pa.float64()),
    "company": pa.array([r["company"] for r in rows], pa.string()),
    "size": pa.array([r["size"] for r in rows], pa.string()).dictionary_encode(),
    "started": pa.array([r["started"] for r in rows], pa.timestamp("us")),
    "day": pa.array([r["day"] for r in rows], pa.date32()),
})
pq.write_table(table, "snappy.parquet", compression="snappy")
pq.write_table(table, "gzip.parquet", compression="gzip", row_group_size=16)
frame = pl.from_arrow(table).with_columns(pl.col("department").cast(pl.Categorical))
frame.write_parquet("zstd.parquet", compression="zstd")

with open("respondents.csv", "w", newline="", encoding="utf-8") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(list(rows[0].keys()))
    for r in rows:
        # Dates and times as the ISO text the tool writes for them.
        out.writerow(["" if v is None else v.isoformat(" ") if isinstance(v, datetime.datetime) else v
                      for v in r.values()])

# The counts the tool must find: answered respondents with a weight, per wave and category.
expected = {"rows": len(rows), "rejected": sum(r["weight"] is None for r in rows),
            "no_answer": sum(r["department"] is None and r["weight"] is not None for r in rows), "counts": {}}
for r in rows:
    if r["department"] is None or r["weight"] is None:
        continue
    key = f'{r["year"]}/{IDS[r["department"]]}'
    expected["counts"][key] = expected["counts"].get(key, 0) + 1
with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
print(len(rows), "rows")
