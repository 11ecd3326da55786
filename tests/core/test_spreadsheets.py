"""Reading uploads and writing downloads through one module."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from enhance.core import spreadsheets
from enhance.core.spreadsheets import SpreadsheetError, csv_text, neutralise, read_table, xlsx_bytes


def xlsx_of(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_would_start_a_formula_is_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Asha Learner", "", 12, -5, Decimal("-5.60"), None])
def test_ordinary_text_and_numbers_pass_unchanged(value):
    assert neutralise(value) == value


def test_csv_export_writes_formulas_as_text():
    text = csv_text([["Name", "Miles"], ['=HYPERLINK("http://x")', -3]])
    assert text.splitlines()[1] == '"\'=HYPERLINK(""http://x"")",-3'


def test_xlsx_export_has_no_formula_cells():
    data = xlsx_bytes({"Claims": [["Name", "Pence"], ["=cmd|' /C calc'!A0", Decimal("5.60")]]})
    sheet = load_workbook(io.BytesIO(data)).active
    name, pence = sheet["A2"], sheet["B2"]
    assert name.data_type == "s" and name.value == "'=cmd|' /C calc'!A0"
    assert pence.value == 5.6


def test_reads_csv_with_a_byte_order_mark_and_drops_blank_rows():
    assert read_table("\ufeffA,B\r\n,\r\n1, 2 \r\n".encode()) == [["A", "B"], ["1", "2"]]


def test_reads_the_first_sheet_of_a_workbook():
    assert read_table(xlsx_of([["A", "B"], [1, 2.0]])) == [["A", "B"], ["1", "2"]]


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        archive.writestr("Main.class", b"\xca\xfe\xba\xbe")
    with pytest.raises(SpreadsheetError, match=re.escape(spreadsheets.NOT_A_WORKBOOK)):
        read_table(out.getvalue())


def test_a_workbook_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(SpreadsheetError, match=re.escape(spreadsheets.TOO_LARGE_UNPACKED)):
        read_table(xlsx_of([["A"], ["x" * 5000]]))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_reading_stops_at_the_row_limit(kind):
    rows = [["A"]] + [[str(n)] for n in range(50)]
    data = xlsx_of(rows) if kind == "xlsx" else "\n".join(r[0] for r in rows).encode()
    assert len(read_table(data, max_rows=50)) == 51
    with pytest.raises(SpreadsheetError, match=re.escape(spreadsheets.TOO_MANY_ROWS.format(limit=10))):
        read_table(data, max_rows=10)


def test_an_empty_file_says_so():
    with pytest.raises(SpreadsheetError, match=re.escape(spreadsheets.NO_ROWS)):
        read_table(b"\r\n,,\r\n")


@pytest.mark.parametrize(
    ("encoding", "names"),
    [
        ("shift_jis", ["山田", "太郎"]),
        ("cp1252", ["Zoë", "O’Brien"]),
        ("utf-8-sig", ["Siân", "Ó Súilleabháin"]),
    ],
)
def test_csv_in_other_encodings_keeps_its_letters(encoding, names):
    data = f"Forename,Surname\r\n{names[0]},{names[1]}\r\n".encode(encoding)
    assert read_table(data) == [["Forename", "Surname"], names]
