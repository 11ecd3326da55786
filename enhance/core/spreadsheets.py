"""Spreadsheets in and out: reading CSV or XLSX uploads, and writing CSV or XLSX downloads.

Reading judges a file by its content, never its name, reads XLSX lazily and stops at a row
limit, and refuses archives that are not workbooks or that would unpack too large. Writing
neutralises every text cell that a spreadsheet program would treat as a formula (a cell
starting with = + - @, or a tab or carriage return), so an exported name such as
"=HYPERLINK(...)" stays text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from charset_normalizer import from_bytes
from django.http import FileResponse, StreamingHttpResponse

Row = Sequence[Any]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# An upload's XLSX may unpack to at most this many bytes (a workbook of 10,000 rows of trainees
# is well under 10 MB unpacked).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ROWS = 10_000

NOT_A_SPREADSHEET = "This file is not a spreadsheet: upload a CSV or Excel (.xlsx) file."
NOT_A_WORKBOOK = "This file is not a readable Excel (.xlsx) workbook."
UNREADABLE_CSV = "This CSV file cannot be read: {problem}."
TOO_LARGE_UNPACKED = "This workbook is too large once unpacked: split it into smaller files."
UNKNOWN_ENCODING = (
    "This file's text encoding cannot be recognised: save it as 'CSV UTF-8' and upload it again."
)
NO_ROWS = "The file has no rows. Add a header row and one row per record."
TOO_MANY_ROWS = "The file has more than {limit} rows; upload at most {limit} at a time."

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person uploading it."""


# --- Reading -------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(data: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(NOT_A_WORKBOOK) from exc
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise SpreadsheetError(NOT_A_WORKBOOK)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(TOO_LARGE_UNPACKED)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SpreadsheetError(NOT_A_WORKBOOK) from exc
    rows: list[list[str]] = []
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(NOT_A_WORKBOOK)
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            row = [_cell_text(c) for c in values]
            if any(row):
                rows.append(row)
                if len(rows) > max_rows + 1:  # the header and one row past the limit
                    raise SpreadsheetError(TOO_MANY_ROWS.format(limit=max_rows))
    except (KeyError, OSError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        if isinstance(exc, SpreadsheetError):
            raise
        raise SpreadsheetError(NOT_A_WORKBOOK) from exc
    finally:
        workbook.close()
    return rows


def _decode(data: bytes) -> str:
    """UTF-8 (what Excel's "CSV UTF-8" saves) first; otherwise the encoding the bytes show
    (Windows Western, Shift-JIS and others, detected by charset-normalizer), so names keep
    their letters instead of turning into mojibake."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise SpreadsheetError(UNKNOWN_ENCODING)
    return str(best)


def _csv_rows(data: bytes, max_rows: int) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(NOT_A_SPREADSHEET)
    rows: list[list[str]] = []
    try:
        for values in csv.reader(io.StringIO(_decode(data))):
            row = [c.strip() for c in values]
            if any(row):
                rows.append(row)
                if len(rows) > max_rows + 1:
                    raise SpreadsheetError(TOO_MANY_ROWS.format(limit=max_rows))
    except csv.Error as exc:
        raise SpreadsheetError(UNREADABLE_CSV.format(problem=exc)) from exc
    return rows


def read_table(data: bytes, *, max_rows: int = DEFAULT_MAX_ROWS) -> list[list[str]]:
    """Rows of text cells (blank rows dropped) from CSV or XLSX bytes: a header row and at
    most `max_rows` more. Raises SpreadsheetError with a message for the uploader."""
    rows = _xlsx_rows(data, max_rows) if data.startswith(b"PK\x03\x04") else _csv_rows(data, max_rows)
    if not rows:
        raise SpreadsheetError(NO_ROWS)
    return rows


# --- Writing -------------------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """A text cell that would start a formula is prefixed with an apostrophe; numbers, dates
    and other text pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """What csv.writer writes to: it hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


CSV_ROWS_PER_CHUNK = 500


def _csv_cell(value: Any) -> Any:
    return neutralise(f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else value)


def csv_chunks(rows: Iterable[Row]) -> Iterator[str]:
    """The CSV text of `rows`, a few hundred lines at a time, so a download of any length is
    sent as it is written. Dates show as DD/MM/YYYY."""
    writer = csv.writer(_Echo())
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow([_csv_cell(v) for v in row]))
        if len(lines) == CSV_ROWS_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_text(rows: Iterable[Row]) -> str:
    return "".join(csv_chunks(rows))


def csv_file(rows: Iterable[Row]) -> IO[bytes]:
    """The CSV of `rows` (UTF-8) written to a temporary file, returned at its start."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
    for chunk in csv_chunks(rows):
        out.write(chunk.encode())
    out.seek(0)
    return out


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return float(value) if isinstance(value, Decimal) else neutralise(value)


def xlsx_file(sheets: dict[str, Iterable[Row]]) -> IO[bytes]:
    """A workbook with one sheet per entry (title: rows), written row by row (openpyxl's
    write-only mode) to a temporary file, returned at its start. Dates show as DD/MM/YYYY."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller or the response closes it)
    book.save(out)
    out.seek(0)
    return out


def xlsx_bytes(sheets: dict[str, Iterable[Row]]) -> bytes:
    with xlsx_file(sheets) as out:
        return out.read()


def download(rows: Iterable[Row], *, filename: str, fmt: str, sheet: str = "Sheet1") -> StreamingHttpResponse:
    """A CSV or XLSX attachment of `rows`, named `filename`.`fmt`. A CSV is streamed while the
    rows are read (pass a generator over `.iterator()` for long ones); a workbook is written
    to a temporary file first, then streamed from it, so neither is held whole in memory."""
    name = f"{filename}.{fmt}"
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file({sheet: rows}), as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE
        )
    response = StreamingHttpResponse(csv_chunks(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
