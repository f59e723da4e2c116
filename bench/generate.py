#!/usr/bin/env python3
"""Seeded generator of respondent-level survey CSVs for the benchmark (standard library only).

Usage: bench/generate.py ROWS OUT.csv [--order grouped|respondent] [--seed N]

One row per respondent: respondent, wave, department, weight, stratum, psu, size (the
company-size segment). The design is a fresh stratified cluster sample in every wave (PSUs
numbered from 1 inside each stratum, so PSUs are nested in strata and strata are nested in
waves). Each PSU leans towards its own departments, which gives the design effect a real
design has. Department labels come in several English and German spellings the built-in
taxonomy knows (bench/labels.csv lists them; bench/check_labels.py checks them against
src/taxonomy.rs); about 2 % of respondents leave the question blank (counted, not in the
base). The same ROWS, order and seed give the same bytes.

--order grouped (the default, the benchmark's original file): 5 waves, 8 strata with 24 to 40
PSUs each, about the same number of respondents per PSU, rows grouped by PSU (all of one
PSU's respondents in a run, PSUs in stratum order).

--order respondent (the usual order of a survey export): 17 waves (2009-2025), 8 strata x 40
PSUs each, PSU sizes unequal; within a wave the rows come in respondent order, so strata
and PSUs interleave (a row's neighbours are almost never from its PSU); respondent ids rise
through the file. Each department has 3 to 8 spellings (case, hyphens, English and German).
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


# --- respondent order ---------------------------------------------------------------------

RESPONDENT_WAVES = list(range(2009, 2026))  # 17 waves
RESPONDENT_PSUS = 40  # per stratum, in each of the 8 strata of every wave

# category -> (base probability, spellings; every one in bench/labels.csv and src/taxonomy.rs)
RESPONDENT_CATEGORIES = {
    "marketing": (
        0.3,
        [
            "Marketing",
            "marketing",
            "MARKETING",
            "Marketing department",
            "Marketingabteilung",
            "Marketing-Abteilung",
            "Online-Marketing",
            "Marketing team",
        ],
    ),
    "pr": (
        0.2,
        [
            "PR",
            "Public Relations",
            "Public relations",
            "Öffentlichkeitsarbeit",
            "Oeffentlichkeitsarbeit",
            "Unternehmenskommunikation",
            "Corporate Communications",
            "PR & Kommunikation",
            "Pressestelle",
        ],
    ),
    "sales": (0.1, ["Sales", "Vertrieb", "Verkauf", "Sales team"]),
    "customer_service": (0.08, ["Customer service", "Kundendienst", "Kundenservice", "Customer Support"]),
    "executive": (
        0.08,
        ["Geschäftsführung", "Geschaeftsfuehrung", "CEO", "CEO / Owner", "Management", "Vorstand"],
    ),
    "cross_functional": (
        0.1,
        ["Cross-functional team", "Bereichsübergreifendes Team", "Multiple departments", "abteilungsübergreifend"],
    ),
    "dedicated_team": (0.05, ["Social media team", "Dedicated social media team", "Social-Media-Abteilung"]),
    "it": (0.04, ["IT", "EDV", "Information technology"]),
    "hr": (0.05, ["HR", "Personal", "Human Resources", "Personalabteilung"]),
}


def respondent_design(rng):
    """Per wave: [(stratum, psu, base weight, cumulative category weights, relative size)]."""
    names = list(RESPONDENT_CATEGORIES)
    waves = []
    for wave_index, _ in enumerate(RESPONDENT_WAVES):
        # A slow trend over the 17 waves: marketing gains from PR.
        trend = {"marketing": 1 + 0.03 * wave_index, "pr": 1 - 0.025 * wave_index}
        psus = []
        for stratum in range(1, STRATA + 1):
            base_weight = rng.uniform(20, 400)
            stratum_size = rng.uniform(0.5, 1.5)
            for psu in range(1, RESPONDENT_PSUS + 1):
                p = [RESPONDENT_CATEGORIES[c][0] * trend.get(c, 1) * math.exp(rng.gauss(0, 0.5)) for c in names]
                size = stratum_size * math.exp(rng.gauss(0, 0.3))
                psus.append((stratum, psu, base_weight, list(itertools.accumulate(p)), size))
        waves.append(psus)
    return waves


def allocate(total, sizes):
    """Splits total over len(sizes) parts in proportion to sizes (largest remainder, ties by index)."""
    whole = sum(sizes)
    quotas = [total * s / whole for s in sizes]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(sizes)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def write_respondent(total_rows, out, seed):
    """Rows in respondent order: each wave's respondents drawn PSU by PSU, then shuffled."""
    rng = random.Random(seed)
    waves = respondent_design(rng)
    spellings = [RESPONDENT_CATEGORIES[c][1] for c in RESPONDENT_CATEGORIES]
    categories = range(len(spellings))
    uniform, choice = rng.random, rng.choice
    out.write("respondent,wave,department,weight,stratum,psu,size\n")
    respondent = 0
    for wave, psus, wave_rows in zip(RESPONDENT_WAVES, waves, rows_per_psu(total_rows, len(waves))):
        tails = []
        for (stratum, psu, base_weight, cum, _), m in zip(psus, allocate(wave_rows, [p[4] for p in psus])):
            cats = rng.choices(categories, cum_weights=cum, k=m)
            sizes = rng.choices(SIZES, weights=SIZE_WEIGHTS, k=m)
            rest = f",s{stratum},{psu},"
            tails += [
                f",{'' if uniform() < BLANK else choice(spellings[cat])},{base_weight * (0.5 + uniform()):.3f}{rest}{size}\n"
                for cat, size in zip(cats, sizes)
            ]
        rng.shuffle(tails)  # the order respondents completed the survey in: PSUs interleave
        prefix = f",{wave}"
        for start in range(0, len(tails), 65536):
            chunk = tails[start : start + 65536]
            out.write("".join([f"{respondent + i}{prefix}{tail}" for i, tail in enumerate(chunk, 1)]))
            respondent += len(chunk)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--order", choices=["grouped", "respondent"], default="grouped")
    parser.add_argument("--seed", type=int, default=20250701)
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("ROWS must be at least 1")
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        (write if args.order == "grouped" else write_respondent)(args.rows, out, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
