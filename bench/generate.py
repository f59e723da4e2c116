#!/usr/bin/env python3
"""Seeded generator of respondent-level survey CSVs for the benchmark (standard library only).

Usage: bench/generate.py ROWS OUT.csv [--seed N]

One row per respondent: respondent, wave, department, weight, stratum, psu, size.
The design is a fresh stratified cluster sample in every wave: 8 strata, 24 to 40 PSUs
each (numbered from 1 inside each stratum, so PSUs are nested in strata and strata are
nested in waves), about the same number of respondents per PSU. Each PSU leans towards its
own departments, which gives the design effect a real design has. Department labels come in
several English and German spellings the built-in taxonomy knows; about 2 % of respondents
leave the question blank (counted, not in the base). The same ROWS and seed give the same
bytes.
"""

import argparse
import itertools
import math
import random
import sys

WAVES = [2021, 2022, 2023, 2024, 2025]
STRATA = 8
PSUS = (24, 40)
BLANK = 0.02
SIZES = ["1-49", "50-249", "250-999", "1000+"]
SIZE_WEIGHTS = [0.45, 0.3, 0.15, 0.1]

# category -> (base probability, spellings as survey tools export them; all in src/taxonomy.rs)
CATEGORIES = {
    "marketing": (0.33, ["Marketing", "marketing", "Marketingabteilung", "Marketing department"]),
    "pr": (0.2, ["PR", "Öffentlichkeitsarbeit", "Unternehmenskommunikation", "Public relations"]),
    "sales": (0.1, ["Vertrieb", "Sales"]),
    "customer_service": (0.09, ["Kundendienst", "Customer service"]),
    "executive": (0.08, ["Geschäftsführung", "CEO"]),
    "cross_functional": (0.12, ["Cross-functional team", "Bereichsübergreifendes Team"]),
    "it": (0.04, ["IT"]),
    "hr": (0.04, ["Personal", "HR"]),
}


def design(rng):
    """Yields (wave, stratum, psu, stratum base weight, cumulative category weights) per PSU."""
    names = list(CATEGORIES)
    for wave_index, wave in enumerate(WAVES):
        # A slow trend: marketing gains two points a wave from PR.
        trend = {"marketing": 1 + 0.06 * wave_index, "pr": 1 - 0.05 * wave_index}
        for stratum in range(1, STRATA + 1):
            base_weight = rng.uniform(20, 400)
            for psu in range(1, rng.randint(*PSUS) + 1):
                p = [CATEGORIES[c][0] * trend.get(c, 1) * math.exp(rng.gauss(0, 0.5)) for c in names]
                yield wave, stratum, psu, base_weight, list(itertools.accumulate(p))


def rows_per_psu(total_rows, psus):
    """Spreads total_rows over psus blocks as evenly as whole numbers allow."""
    share, extra = divmod(total_rows, psus)
    return [share + (1 if i < extra else 0) for i in range(psus)]


def write(total_rows, out, seed):
    rng = random.Random(seed)
    blocks = list(design(rng))
    names = list(CATEGORIES)
    spellings = [CATEGORIES[c][1] for c in names]
    out.write("respondent,wave,department,weight,stratum,psu,size\n")
    respondent = 0
    for (wave, stratum, psu, base_weight, cum), m in zip(blocks, rows_per_psu(total_rows, len(blocks))):
        cats = rng.choices(range(len(names)), cum_weights=cum, k=m)
        sizes = rng.choices(SIZES, weights=SIZE_WEIGHTS, k=m)
        lines = []
        for cat, size in zip(cats, sizes):
            respondent += 1
            label = "" if rng.random() < BLANK else rng.choice(spellings[cat])
            weight = base_weight * (0.5 + rng.random())
            lines.append(f"{respondent},{wave},{label},{weight:.3f},s{stratum},{psu},{size}\n")
        out.write("".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=20250701)
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("ROWS must be at least 1")
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        write(args.rows, out, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
