"""Rows of an uploaded spreadsheet, one at a time: XLSX through openpyxl's read-only mode, CSV in
UTF-8 or GB18030 (what Chinese Excel saves). Each row comes with the number Excel shows for it."""
import codecs
import csv
import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ...domain.errors import InvalidInput, UnsupportedType, require

CHECK_CHUNK = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8", b"II*\x00", b"MM\x00*")
BROKEN = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError)


def rows(data):
    """An iterator of (row number, [cell values]) of the first sheet of an XLSX or of a CSV file."""
    require(isinstance(data, bytes | bytearray) and data, InvalidInput, "import.empty_file", "上传的文件是空的",
            errors={"file": "文件为空"})
    require(not data.startswith(OLD_EXCEL_MAGIC), UnsupportedType, "import.old_excel",
            "不支持旧版 .xls 文件,请在 Excel 中“另存为” .xlsx 后再导入", errors={"file": "请另存为 .xlsx"})
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data)
    encoding = _encoding(data) if _looks_like_text(data) else None
    require(encoding is not None, UnsupportedType, "import.not_a_spreadsheet", "文件不是 Excel(.xlsx)或 CSV 表格",
            errors={"file": "请上传 .xlsx 或 .csv 文件"})
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    return ((n, row) for n, row in enumerate(csv.reader(text), 1))


def _looks_like_text(data):
    return b"\x00" not in data[:4096] and not data.startswith(BINARY_MAGICS)


def _encoding(data):
    """UTF-8 (with or without BOM) or else GB18030, checked piece by piece without decoding it all at once."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), CHECK_CHUNK):
                decoder.decode(data[start:start + CHECK_CHUNK])
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def _corrupt():
    return InvalidInput("import.corrupt_file", "文件已损坏,无法作为 Excel 表格读取", errors={"file": "文件已损坏"})


def _xlsx_rows(data):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except (*BROKEN, IndexError):
        raise _corrupt() from None

    def walk():
        try:
            for n, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
                yield n, list(values)
        except BROKEN:
            raise _corrupt() from None
        finally:
            book.close()
    return walk()
