# Writes tracker.csv: a small single-choice tracker with nine departments (German labels) over three
# waves, 150 respondents a wave. Counts are fixed (no randomness) so the charts are stable;
# PR rises and marketing falls enough between 2022 and 2024 for the change chart to mark them.
COUNTS = {
    2022: [60, 20, 20, 12, 10, 8, 8, 6, 6],
    2023: [54, 27, 20, 12, 10, 8, 8, 6, 5],
    2024: [38, 44, 22, 10, 11, 8, 7, 5, 5],
}
LABELS = ["Marketing", "Öffentlichkeitsarbeit", "Bereichsübergreifendes Team", "Kundendienst",
          "Vertrieb", "IT", "Geschäftsführung", "Personal", "Sonstige"]
rows = ["id,year,department"]
for year, counts in COUNTS.items():
    i = 0
    for label, count in zip(LABELS, counts):
        for _ in range(count):
            i += 1
            rows.append(f"{year}-{i},{year},{label}")
open("tracker.csv", "w", encoding="utf-8").write("\n".join(rows) + "\n")
