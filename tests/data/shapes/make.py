#!/usr/bin/env python3
"""Writes the fixtures of this folder: one small survey in the shapes the block reader once left
to the careful reader (tests/cli/shapes.rs). Rerun from the repository root:

    python3 tests/data/shapes/make.py

`umlauts*.csv` are the same ten data rows in five shapes: UTF-8; Windows-1252 with CRLF (German
Excel); UTF-16 LE with a byte order mark, tabs and CRLF (Excel's "Unicode text"); UTF-16 BE with
a byte order mark; UTF-8 with `#` comment lines and a blank line before the header. The note
column holds an emoji (a surrogate pair in UTF-16) where the encoding has one. The other files
each spoil a few rows: bytes that are not UTF-8, stray quotes, carriage returns outside CRLF,
and a file whose records all end in a lone CR (old Mac).

With --check, prints each file's records as Python's csv module reads them (the expectations in
tests/cli/shapes.rs were worked out by hand and checked against this).
"""

import csv
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

HEADER = ["respondent", "year", "department", "weight", "note"]
ROWS = [
    ["1", "2023", "Öffentlichkeitsarbeit", "1", "Grüße {emoji}"],
    ["2", "2023", "Geschäftsführung", "2", ""],
    ["3", "2023", "Marketing", "1", "ok"],
    ["4", "2023", "Bereichsübergreifendes Team", "1", "Zürich, Genf"],
    ["5", "2023", "Öffentlichkeitsarbeit", "x", "Grüße"],
    ["3", "2023", "PR", "1", "zweimal"],
    ["6", "2024", "Vertrieb", "1.5", "Köln\nBonn"],
    ["7", "2024", "Öffentlichkeitsarbeit", "1", "{emoji}{emoji}"],
    ["8", "2024", "Kundendienst", "2", "ß"],
    ["9", "x", "Marketing", "1", ""],
]


def table(delimiter, newline, emoji):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(HEADER)
    for row in ROWS:
        writer.writerow([cell.replace("{emoji}", emoji) for cell in row])
    return out.getvalue()


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def umlauts():
    write("umlauts.csv", table(",", "\n", "\U0001F44D").encode("utf-8"))
    write("umlauts-cp1252.csv", table(",", "\r\n", "").encode("cp1252"))
    write("umlauts-utf16le.csv", b"\xff\xfe" + table("\t", "\r\n", "\U0001F44D").encode("utf-16-le"))
    write("umlauts-utf16be.csv", b"\xfe\xff" + table(",", "\n", "\U0001F44D").encode("utf-16-be"))
    comments = "# Umfrage 2023/2024, exportiert aus dem Panel\n#\n\n"
    write("umlauts-comment.csv", (comments + table(",", "\n", "\U0001F44D")).encode("utf-8"))


def spoilt():
    bad = "respondent,year,department,weight,note\n".encode() + b"".join(
        [
            "1,2023,Öffentlichkeitsarbeit,1,Grüße\n".encode(),
            "2,2023,Geschäftsführung,2,\n".encode(),
            b"3,2023,Marketing,1,ok\n",
            b"4,2023,M\xffarketing,1,\n",
            b"5,2023,PR,1,caf\xe9\n",
            b"6,2024,Vertrieb,1.5,\n",
            "7,2024,Öffentlichkeitsarbeit,1,\n".encode(),
        ]
    )
    write("bad-bytes.csv", bad)
    quotes = (
        "respondent,year,department,weight,note\n"
        '1,2023,Marketing,1,a 5" screen\n'
        '2,2023,PR,1.5",\n'
        '3,2023,PR,1,"quoted"after\n'
        '4,2023,Sales,2,"two\nlines"\n'
        '5,2023,Marketing,1,x"y"z\n'
        '6,2024,PR,1,"open "" quote"\n'
        "7,2024,Sales,1,ok\n"
        '8,x,PR,1,the "last row\n'
    )
    write("stray-quotes.csv", quotes.encode())
    crs = (
        b"respondent,year,department,weight,note\n"
        b"1,2023,Marketing,1,ok\n"
        b"2,2023,PR,1,ok\r3,2023,Sales,2,ok\n"
        b"4,2023,Mar\rketing,1,ok\n"
        b"5,2023,PR,1,ok\r\n"
        b"6,2024,Sales,1,ok\r\r\n"
        b'7,2024,PR,1,"a\rb"\n'
        b"8,2024,Marketing,1,ok\r"
    )
    write("carriage-returns.csv", crs)
    mac = b"respondent,year,department,weight\r1,2023,Marketing,1\r2,2023,PR,3\r3,2024,Sales,1\r4,2024,PR,1\r"
    write("mac.csv", mac)


def check():
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".csv"):
            continue
        data = open(os.path.join(HERE, name), "rb").read()
        if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                # As deptshare decides: UTF-8 with bad cells if it has valid multi-byte characters.
                text = data.decode("utf-8", errors="replace")
                if "cp1252" in name:
                    text = data.decode("cp1252")
        delimiter = "\t" if "\t" in text.splitlines()[0] else ","
        print(f"--- {name}")
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            print(row)


if __name__ == "__main__":
    if "--check" in sys.argv:
        check()
    else:
        umlauts()
        spoilt()
