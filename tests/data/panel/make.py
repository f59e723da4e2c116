"""Writes respondents.csv: a panel of companies asked in three waves (2023-2025), for the tests of
`--waves shared`. The same companies (PSUs, within four strata) answer every year, several
respondents each, and a company keeps its habit of which department runs social media, so the
waves' estimates are correlated. One company leaves after 2024 and one joins in 2024 (a panel
loses and gains members). Deterministic (seeded); rerun with `python3 make.py` after changing it,
then `Rscript reference.R` to refresh reference.json. size.csv: the population's company sizes, the
targets of the weighted case."""
import csv
import random

rng = random.Random(20261202)
# Company sizes from a stream of their own (the respondents stay those of the first version).
sizes = random.Random(7)
DEPTS = ["Marketing", "PR", "Sales", "HR", "Customer Service"]
BASE = [36, 22, 16, 10, 16]
WAVES = (2023, 2024, 2025)

rows = []
rid = 0
for s in range(4):
    stratum = f"S{s + 1}"
    weight = [10.0, 18.0, 30.0, 55.0][s]
    population = [30, 24, 16, 40][s]  # PSUs in the stratum's population (the fpc column)
    for p in range(6 if s != 1 else 5):
        psu = f"C{s + 1}{p + 1}"
        size = sizes.choice(["small", "small", "medium", "large"])
        # The company's own habit: one department much more likely than elsewhere.
        habit = [b * (4 if i == rng.randrange(len(DEPTS)) else 1) for i, b in enumerate(BASE)]
        waves = list(WAVES)
        if (s, p) == (0, 5):
            waves = [2023, 2024]  # leaves the panel
        if (s, p) == (2, 0):
            waves = [2024, 2025]  # joins the panel
        for wave in waves:
            odds = list(habit)
            if wave == 2025:
                odds[0] *= 1.3  # marketing gains in 2025
            for _ in range(rng.randint(6, 12)):
                rid += 1
                dept = rng.choices(DEPTS, weights=odds)[0]
                w = weight * rng.uniform(0.8, 1.25)
                rows.append([f"r{rid}", wave, stratum, psu, f"{w:.4f}", dept, population, size])

# Respondent order, as survey exports come: waves, strata and PSUs interleaved.
rng.shuffle(rows)
with open("respondents.csv", "w", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["respondent", "year", "stratum", "company", "weight", "department", "fpc", "size"])
    out.writerows(rows)
print(len(rows), "rows")
