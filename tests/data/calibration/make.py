"""Writes respondents.csv: a stratified cluster sample of companies in two waves whose size and
sector mix is off the population's (large firms and industry answer more), for the calibration
tests. Deterministic (seeded); rerun with `python3 make.py` after changing it, then `Rscript
reference.R` to refresh reference.json."""
import csv
import random

rng = random.Random(20261202)
DEPTS = ["Marketing", "PR", "Sales", "HR", "Customer Service", "IT"]
# Department odds by company size: large firms leave social media to marketing and PR more often.
ODDS = {
    "small": [30, 10, 25, 10, 15, 10],
    "medium": [36, 18, 16, 8, 14, 8],
    "large": [40, 26, 8, 8, 12, 6],
}
# The sample's mix (population: small 0.62, medium 0.28, large 0.10).
SIZES = (["small"] * 40) + (["medium"] * 34) + (["large"] * 26)
SECTORS = (["industry"] * 45) + (["services"] * 35) + (["trade"] * 20)
REGIONS = ["north", "south", "east"]

rows = []
rid = 0
for wave in (2024, 2025):
    for s in range(4):
        stratum = f"S{s + 1}"
        weight = [12.0, 20.0, 35.0, 60.0][s]
        population = [40, 25, 12, 30][s]  # PSUs in the stratum's population (the fpc column)
        for p in range(5 if s != 2 else 4):
            psu = f"{stratum}-{p + 1}"
            for _ in range(rng.randint(22, 34)):
                rid += 1
                size = rng.choice(SIZES)
                sector = rng.choice(SECTORS)
                dept = rng.choices(DEPTS, weights=ODDS[size])[0]
                if wave == 2025 and dept == "Sales" and rng.random() < 0.3:
                    dept = "Marketing"
                w = weight * rng.uniform(0.8, 1.25)
                rows.append([f"r{rid}", wave, stratum, psu, f"{w:.4f}", size, sector, rng.choice(REGIONS), dept, population])

# Respondent order, as survey exports come: strata and PSUs interleaved within each wave.
rng.shuffle(rows)
rows.sort(key=lambda r: r[1])
with open("respondents.csv", "w", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["respondent", "year", "stratum", "psu", "weight", "size", "sector", "region", "department", "fpc"])
    out.writerows(rows)
print(len(rows), "rows")
