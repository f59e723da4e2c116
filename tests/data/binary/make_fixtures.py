"""Writes the spreadsheet and SPSS fixtures of tests/cli/binary.rs and prints the counts the tests
expect, read back from the written files with openpyxl and pyreadstat (independently of deptshare).

Run from this folder with a Python that has openpyxl, pyreadstat, pandas and msoffcrypto-tool:
    python make_fixtures.py
The files are committed; the tests never run this script.
"""
import datetime as dt
import io
from collections import Counter

import msoffcrypto.format.ooxml
import openpyxl
import pandas as pd
import pyreadstat

# --- Google Forms responses sheet as Google Sheets downloads it (.xlsx) -----------------------
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Form Responses 1"
ws.append(["Timestamp", "Which department runs social media?", "Company size"])
rows = [
    (dt.datetime(2023, 11, 30, 9, 15, 2, 994000), "Marketing", 50.0),
    (dt.datetime(2023, 12, 1, 10, 0, 0), "PR", 250.0),
    (dt.datetime(2024, 1, 5, 8, 30, 0), "Marketing", 10.0),
    (dt.datetime(2024, 1, 6, 8, 30, 0), "Vertrieb", 10.5),
    (dt.datetime(2024, 2, 1, 12, 0, 0), "Public\nRelations", 50.0),
    (dt.datetime(2024, 2, 2, 12, 0, 0), "Marketing", None),  # ragged: the last cell is omitted
    (dt.datetime(2024, 2, 3, 12, 0, 0), None, None),  # no answer
]
for r in rows[:4]:
    ws.append(r)
ws.append([])  # an empty row in the middle (row 6)
for r in rows[4:]:
    ws.append(list(r))
other = wb.create_sheet("Generic")
other.append(["respondent", "year", "department"])
for i, (year, dept) in enumerate([(2024.0, "HR"), (2024.0, "IT"), (2024.0, "HR"), (2025.0, "Sales")], 1):
    other.append([f"r{i}", year, dept])
wb.save("forms.xlsx")

# --- a Qualtrics CSV export opened and saved in Excel: three header rows, numbers as numbers -----
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Sheet0"
ws.append(["StartDate", "Finished", "ResponseId", "Q1", "Q2_1", "Q2_2", "Q2_3"])
ws.append(["Start Date", "Finished", "Response ID", "Which department leads social media?",
           "Which departments take part? - Selected Choice - Marketing",
           "Which departments take part? - Selected Choice - PR",
           "Which departments take part? - Selected Choice - Sales"])
ws.append(['{"ImportId":"startDate","timeZone":"Europe/Berlin"}', '{"ImportId":"finished"}',
           '{"ImportId":"_recordId"}', '{"ImportId":"QID1"}', '{"ImportId":"QID2","choiceId":"1"}',
           '{"ImportId":"QID2","choiceId":"2"}', '{"ImportId":"QID2","choiceId":"3"}'])
q = [
    (dt.datetime(2024, 3, 1, 9, 0), 1, "R_1", "Marketing", 1, 1, None),
    (dt.datetime(2024, 3, 1, 9, 5), 1, "R_2", "PR", None, 1, None),
    (dt.datetime(2024, 3, 1, 9, 9), 0, "R_3", "Sales", 1, None, None),  # unfinished
    (dt.datetime(2024, 3, 2, 9, 0), 1, "R_4", "Marketing", 1, None, 1),
    (dt.datetime(2024, 3, 2, 9, 0), 1, "R_4", "PR", None, 1, None),  # duplicate id: row 8
    (dt.datetime(2024, 3, 3, 9, 0), 1, "R_5", "Marketing", None, None, 1),
]
for r in q:
    ws.append(list(r))
wb.save("qualtrics.xlsx")

# --- an encrypted workbook (password "secret") ---------------------------------------------------
plain = io.BytesIO()
wb = openpyxl.Workbook()
wb.active.append(["department"])
wb.save(plain)
plain.seek(0)
office = msoffcrypto.format.ooxml.OOXMLFile(plain)
with open("encrypted.xlsx", "wb") as out:
    office.encrypt("secret", out)

# --- a Qualtrics-style SPSS export ----------------------------------------------------------------
df = pd.DataFrame({
    "ResponseId": ["R_1", "R_2", "R_3", "R_4", "R_5", "R_6", "R_7", "R_8"],
    "Finished": [1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    "StartDate": [dt.datetime(2024, 5, 1, 10, 0, 0)] * 5 + [dt.datetime(2025, 1, 2, 8, 0, 0)] * 3,
    "Q1": [1.0, 2.0, 1.0, 3.0, 9.0, 1.0, None, 2.0],
    "Q2_1": [1.0, None, 1.0, 1.0, None, 1.0, None, None],
    "Q2_2": [1.0, 1.0, None, None, None, 1.0, None, 1.0],
    "Q2_3": [None, None, None, 1.0, None, None, None, 1.0],
    "weight": [1.0, 2.0, 1.0, 1.5, 1.0, 1.0, 1.0, 0.5],
})
labels = {
    "ResponseId": "Response ID",
    "Finished": "Finished",
    "StartDate": "Start Date",
    "Q1": "Which department leads\nyour social media?",
    "Q2_1": "Which departments take part? - Marketing",
    "Q2_2": "Which departments take part? - PR",
    "Q2_3": "Which departments take part? - Sales",
    "weight": "Survey weight",
}
value_labels = {
    "Finished": {0: "False", 1: "True"},
    "Q1": {1: "Marketing", 2: "Öffentlichkeitsarbeit", 3: "Vertrieb", 9: "Don't know"},
    "Q2_1": {1: "Marketing"},
    "Q2_2": {1: "PR"},
    "Q2_3": {1: "Sales"},
}
common = dict(column_labels=labels, variable_value_labels=value_labels, missing_ranges={"Q1": [9]},
              variable_format={"StartDate": "DATETIME20"})
pyreadstat.write_sav(df, "survey.sav", **common)
pyreadstat.write_sav(df, "survey-bytecode.sav", row_compress=True, **common)
pyreadstat.write_sav(df, "survey.zsav", compress=True, **common)

# --- expected counts, read back from the files ----------------------------------------------------
def sheet_rows(path, sheet):
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))

forms = sheet_rows("forms.xlsx", "Form Responses 1")
data = [r for r in forms[1:] if any(c is not None for c in r)]
print("forms.xlsx rows", len(data), Counter((r[0].year, r[1]) for r in data))
generic = sheet_rows("forms.xlsx", "Generic")
print("forms.xlsx Generic", Counter((r[1], r[2]) for r in generic[1:]))
qual = sheet_rows("qualtrics.xlsx", "Sheet0")[3:]
finished = [r for r in qual if r[1] == 1]
print("qualtrics.xlsx finished", len(finished), "unfinished", len(qual) - len(finished))
first = {}
for i, r in enumerate(qual, 4):
    if r[1] == 1 and r[2] not in first:
        first[r[2]] = (i, r)
print("qualtrics.xlsx Q1 (first row per id)", Counter(r[3] for _, r in first.values()))
print("qualtrics.xlsx Q2", {c: sum(1 for _, r in first.values() if r[4 + k] == 1) for k, c in enumerate("MPS")})
for name in ["survey.sav", "survey-bytecode.sav", "survey.zsav"]:
    back, meta = pyreadstat.read_sav(name, user_missing=True)
    done = back[back["Finished"] == 1]
    year = done["StartDate"].dt.year
    print(name, "finished", len(done), "unfinished", (back["Finished"] == 0).sum())
    print("  Q1", Counter(zip(year, done["Q1"].map(lambda v: meta.variable_value_labels["Q1"].get(v, v)))))
    print("  Q1 weighted", Counter({k: v for k, v in done.groupby([year, done["Q1"]])["weight"].sum().items()}))
    for k in ["Q2_1", "Q2_2", "Q2_3"]:
        print(" ", k, Counter(zip(year, done[k].fillna(0))))

# --- string answers longer than 8 bytes with value labels (record 7.21) -------------------------
codes = pd.DataFrame({
    "dept_code": ["dept-marketing", "dept-public-relations", "dept-marketing", "dept-unknown-x"],
    "year": [2024.0, 2024.0, 2024.0, 2024.0],
})
pyreadstat.write_sav(codes, "long-labels.sav", variable_value_labels={
    "dept_code": {"dept-marketing": "Marketing", "dept-public-relations": "Public Relations"}})
back, meta = pyreadstat.read_sav("long-labels.sav")
print("long-labels.sav", Counter(back["dept_code"].map(lambda v: meta.variable_value_labels["dept_code"].get(v, v))))
