"""Tables written to XLSX or CSV for people to open in Excel: Chinese headers, column widths,
dates as dates, a totals row. Rows are written as they come into a spooled temporary file
(openpyxl's write-only mode), so a table of 100,000 rows never holds 100,000 rows in memory.

Text that Excel would run as a formula (starting with = + - @) stays text: typed as a string in
XLSX, prefixed with an apostrophe in CSV."""
import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ...domain.errors import InvalidInput, require

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}
CHUNK = 64 * 1024
IN_MEMORY = 4 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int = 14
    kind: str = "text"  # text, int, date or datetime
    total: bool = False  # summed in the totals row


@dataclass(frozen=True)
class Table:
    """A finished table: `chunks()` yields its bytes; `rows` is how many data rows it holds."""

    filename: str
    mimetype: str
    file: object
    rows: int

    def chunks(self):
        with self.file:
            self.file.seek(0)
            while block := self.file.read(CHUNK):
                yield block


def check_format(fmt):
    require(fmt in FORMATS, InvalidInput, "export.invalid_format", "导出格式必须是 xlsx 或 csv",
            errors={"format": "xlsx 或 csv"})
    return fmt


def write(fmt, title, columns, rows):
    """Write `rows` (dicts keyed by column key) as a titled table with a totals row."""
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 - Table.chunks() closes it
    try:
        count = (_write_xlsx if check_format(fmt) == "xlsx" else _write_csv)(out, title, columns, rows)
    except BaseException:
        out.close()
        raise
    return Table(f"{title}.{fmt}", FORMATS[fmt], out, count)


def _totals(columns, count, sums):
    row = {c.key: sums.get(c.key) for c in columns if c.total}
    row[columns[0].key] = "合计"
    if len(columns) > 1 and columns[1].key not in row:
        row[columns[1].key] = f"{count} 条"
    return row


def _write_xlsx(out, title, columns, rows):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for n, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, c.title, "text", bold) for c in columns])
    count, sums = 0, {}
    for row in rows:
        count += 1
        _add(sums, columns, row)
        sheet.append([_cell(sheet, row.get(c.key), c.kind) for c in columns])
    totals = _totals(columns, count, sums)
    sheet.append([_cell(sheet, totals.get(c.key), c.kind if c.total else "text", bold) for c in columns])
    book.save(out)
    return count


def _cell(sheet, value, kind, font=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    elif kind == "date" and isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif kind == "datetime" and isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    if font:
        cell.font = font
    return cell


def _write_csv(out, title, columns, rows):
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([c.title for c in columns])
    count, sums = 0, {}
    for row in rows:
        count += 1
        _add(sums, columns, row)
        writer.writerow([_csv_value(row.get(c.key)) for c in columns])
    totals = _totals(columns, count, sums)
    writer.writerow([_csv_value(totals.get(c.key)) for c in columns])
    text.flush()
    text.detach()
    return count


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _add(sums, columns, row):
    for c in columns:
        if c.total and isinstance(row.get(c.key), int | float):
            sums[c.key] = sums.get(c.key, 0) + row[c.key]
