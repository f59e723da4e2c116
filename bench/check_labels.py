#!/usr/bin/env python3
"""Checks the benchmark's department spellings against the built-in taxonomy (standard library only).

Usage: bench/check_labels.py   (exit 0 when every spelling resolves as bench/labels.csv says)

Reads the built-in aliases of src/taxonomy.rs (the `BUILTIN` table: id, English and German
names, aliases) and resolves each label of bench/labels.csv with a port of
`taxonomy::normalize` (NFKC, lower case, umlauts spelled out, punctuation and runs of space
folded to one space). Fails when a label is unknown to deptshare, is a no-answer cell, or
resolves to another category than the table says; or when bench/generate.py writes a
spelling the table lacks (the polars, R and svy scripts map spellings with that table, so a
missing one would silently leave respondents out of their base).
"""

import csv
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
TAXONOMY = os.path.join(HERE, "..", "src", "taxonomy.rs")
LABELS = os.path.join(HERE, "labels.csv")
SPELLED = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


def normalize(label):
    """Python port of src/taxonomy.rs::normalize."""
    out, pending_space = [], False
    for ch in "".join(c.lower() for c in unicodedata.normalize("NFKC", label.strip())):
        if ch in SPELLED:
            word = SPELLED[ch]
        elif ch.isalnum():
            word = ch
        else:
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            pending_space = False
        out.append(word)
    return "".join(out)


def builtin():
    """{normalized alias: category id} as Taxonomy::builtin builds it (later entries win)."""
    text = open(TAXONOMY, encoding="utf-8").read()
    table = text[text.index("const BUILTIN") : text.index("/// Cells that mean")]
    entries = re.findall(r'\(\s*"([^"]*)",\s*"([^"]*)",\s*"([^"]*)",\s*&\[(.*?)\],?\s*\)', table, re.S)
    if len(entries) < 8:
        sys.exit(f"check_labels: could not read the BUILTIN table of {TAXONOMY} ({len(entries)} entries)")
    aliases = {}
    for cid, en, de, rest in entries:
        for name in [en, de, cid, *re.findall(r'"([^"]*)"', rest)]:
            aliases[normalize(name)] = cid
    no_answer = re.search(r"const NO_ANSWER: &\[&str\] = &\[(.*?)\];", text, re.S)
    return aliases, {normalize(x) for x in re.findall(r'"([^"]*)"', no_answer.group(1))}


def main():
    sys.dont_write_bytecode = True  # no __pycache__ in the repository
    sys.path.insert(0, HERE)
    import generate  # noqa: E402 (the spellings the generator writes)

    aliases, no_answer = builtin()
    table = {r["label"]: r["category"] for r in csv.DictReader(open(LABELS, encoding="utf-8"))}
    problems = []
    for label, category in table.items():
        got = aliases.get(normalize(label))
        if normalize(label) in no_answer:
            problems.append(f"{label!r} is a no-answer cell for deptshare")
        elif got != category:
            problems.append(f"{label!r} resolves to {got} in src/taxonomy.rs, bench/labels.csv says {category}")
    for name, categories in [("grouped", generate.CATEGORIES), ("respondent", generate.RESPONDENT_CATEGORIES)]:
        for category, (_, spellings) in categories.items():
            for label in spellings:
                if table.get(label) != category:
                    problems.append(f"generate.py ({name}) writes {label!r} for {category}; labels.csv: {table.get(label)}")
    for p in problems:
        print(f"check_labels: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_labels: all {len(table)} spellings of bench/labels.csv resolve as listed in src/taxonomy.rs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
