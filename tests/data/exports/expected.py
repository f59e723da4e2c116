#!/usr/bin/env python3
"""Counts the fixtures in this folder the way tests/cli/exports.rs expects them, with Python's csv
module and the rules of each tool written out here, independently of deptshare's readers.
Run: python3 tests/data/exports/expected.py (prints every count the tests assert)."""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = {  # the categories the built-in taxonomy gives these option texts
    "Marketing": "marketing", "Public Relations": "pr", "PR": "pr", "PR-Abteilung": "pr",
    "Vertrieb": "sales", "Kundendienst": "customer_service", "Customer Service": "customer_service",
    "Other (please specify)": "other", "Other - Write In": "other",
}


def rows(name, encoding="utf-8-sig"):
    with open(os.path.join(HERE, name), encoding=encoding, newline="") as f:
        return [r for r in csv.reader(f) if any(c.strip() for c in r)]


def shares(answers):
    """answers: one set of categories per accepted respondent -> (base, {category: count})."""
    named = [a for a in answers if a]
    counts = {}
    for a in named:
        for c in a:
            counts[c] = counts.get(c, 0) + 1
    return len(named), dict(sorted(counts.items()))


def report(title, read, incomplete, answers):
    base, counts = shares(answers)
    print(f"{title}: rows_read {read}, incomplete {incomplete}, accepted {len(answers)}, "
          f"no_answer {len(answers) - base}, base {base}, counts {counts}")


# SurveyMonkey: two header rows; option columns hold their text when ticked; the "Other (please
# specify)" columns hold what was written (write-ins, not counted); column 6 is the single answer.
r = rows("surveymonkey-respondentid.csv")
data = r[2:]
report("surveymonkey checkbox", len(data), 0,
       [{LABELS[r[1][i]] for i in range(2, 5) if row[i].strip()} for row in data])
report("surveymonkey single", len(data), 0,
       [{LABELS[row[6]]} if row[6].strip() else set() for row in data])
# A matrix: one row per channel (columns 9, 10), each cell a department; one column read alone.
for i in (9, 10):
    report(f"surveymonkey matrix row {r[1][i]}", len(data), 0,
           [{LABELS[row[i]]} if row[i].strip() else set() for row in data])

# Typeform: one header row starting with `#`; an empty Submit Date (column 8) is unfinished.
r = rows("typeform.csv")
head, data = r[0], r[1:]
done = [row for row in data if row[8].strip()]
report("typeform single", len(data), len(data) - len(done),
       [{LABELS[row[1]]} if row[1].strip() else set() for row in done])
report("typeform checkbox", len(data), len(data) - len(done),
       [{LABELS[head[i]] for i in range(2, 5) if row[i].strip()} for row in done])
report("typeform checkbox, incomplete kept", len(data), 0,
       [{LABELS[head[i]] for i in range(2, 5) if row[i].strip()} for row in data])
ids = [row[9] for row in done]
print("typeform: Network IDs repeated among finished rows:",
      sorted({i for i in ids if ids.count(i) > 1}))

# Qualtrics legacy: two header rows; Finished (column 9) = 0 is unfinished; Q2_1..Q2_4 are ticked
# with 1; the option is the text after the dash the labels share.
r = rows("qualtrics-legacy-dash.csv")
head, data = r[1], r[2:]
done = [row for row in data if row[9] != "0"]
report("qualtrics legacy Q2", len(data), len(data) - len(done),
       [{LABELS[head[i].split("?", 1)[1].strip(" -")] for i in range(11, 15) if row[i] == "1"} for row in done])

# LimeSurvey: an empty submitdate (column 1) is unfinished; Ja = ticked; [other] is a write-in.
r = rows("limesurvey-code-text.csv")
data = r[1:]
done = [row for row in data if row[1].strip()]
report("limesurvey Dept", len(data), len(data) - len(done),
       [{LABELS[row[5]]} if row[5].strip() else set() for row in done])
report("limesurvey SM", len(data), len(data) - len(done),
       [{c for c, i in (("marketing", 6), ("pr", 7)) if row[i] == "Ja"} for row in done])

# SurveyGizmo: Status (column 3) Partial is unfinished; column 5 is a write-in; column 6 joined with `;`.
r = rows("surveygizmo.csv")
data = r[1:]
done = [row for row in data if row[3] != "Partial"]
report("surveygizmo single", len(data), len(data) - len(done),
       [{LABELS[row[4]]} if row[4].strip() else set() for row in done])
report("surveygizmo joined", len(data), len(data) - len(done),
       [{LABELS[x] for x in row[6].split(";") if x} for row in done])

# A plain CSV: the `#` line is a comment, the `#,year,department` line the header.
with open(os.path.join(HERE, "hash-header.csv"), newline="") as f:
    lines = [l for l in f.read().splitlines() if l and not l.startswith("# ")]
r = list(csv.reader(lines))
report("hash header", len(r) - 1, 0, [{LABELS[row[2]]} for row in r[1:]])
