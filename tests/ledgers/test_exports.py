"""R3/R19: every ledger exports to XLSX and CSV that Excel reads — Chinese headers, widths, dates
as dates, a totals row — and every export is audited."""
import csv
import io
from datetime import datetime

import openpyxl
import pytest

from archive_service.domain.errors import InvalidInput
from archive_service.models import AuditEntry
from archive_service.services.reports import exports, tables
from archive_service.services.reports.tables import Column
from tests.conftest import NOW


def read_xlsx(table):
    return openpyxl.load_workbook(io.BytesIO(b"".join(table.chunks())))


def test_r3_archive_ledger_xlsx_has_headers_widths_dates_and_totals(world):
    archive = world.received()
    sheet = read_xlsx(exports.archive_ledger(world.arch, "xlsx", {"year": "2026"}, now=NOW)).active
    rows = list(sheet.iter_rows(values_only=True))
    col = {title: n for n, title in enumerate(rows[0])}
    assert rows[0][:4] == ("档号", "年度", "业务类型", "客户名称")
    assert rows[1][0] == archive["archive_no"] and rows[1][2] == "小贷" and rows[1][3] == "李四商贸有限公司"
    assert rows[1][col["接收时间"]] == datetime(2026, 10, 9, 10, 0)
    assert sheet.cell(2, col["接收时间"] + 1).number_format == "yyyy-mm-dd hh:mm"
    assert rows[1][col["项目结束日"]] == datetime(2026, 9, 30) and rows[1][col["页数"]] == 30
    assert rows[2][:2] == ("合计", "1 条") and rows[2][col["页数"]] == 30
    assert sheet.column_dimensions["D"].width == 28
    assert AuditEntry.select().where(AuditEntry.action == "export").count() == 1


def test_r3_archive_ledger_csv_opens_in_excel(world):
    archive = world.received()
    table = exports.archive_ledger(world.arch, "csv", {}, now=NOW)
    data = b"".join(table.chunks())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "档号" and rows[1][0] == archive["archive_no"] and rows[-1][:2] == ["合计", "1 条"]


def test_r3_an_export_of_a_filter_matching_nothing_is_refused_and_not_audited(world):
    world.received()
    before = AuditEntry.select().count()
    with pytest.raises(InvalidInput) as e:
        exports.archive_ledger(world.arch, "xlsx", {"year": "2019"}, now=NOW)
    assert e.value.code == "export.empty"
    assert AuditEntry.select().count() == before


def test_r3_formulas_in_names_stay_text_in_both_formats():
    columns = [Column("name", "名称"), Column("pages", "页数", kind="int", total=True)]
    rows = [{"name": "=HYPERLINK(\"http://x\")", "pages": 3}, {"name": "-1+2", "pages": -1}]
    sheet = read_xlsx(tables.write("xlsx", "t", columns, iter(rows))).active
    assert sheet.cell(2, 1).value == "=HYPERLINK(\"http://x\")" and sheet.cell(2, 1).data_type == "s"
    assert sheet.cell(4, 2).value == 2
    text = b"".join(tables.write("csv", "t", columns, iter(rows)).chunks()).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1:3] == [["'=HYPERLINK(\"http://x\")", "3"], ["'-1+2", "-1"]]


def test_r3_a_large_export_is_written_in_bounded_memory():
    import tracemalloc
    columns = [Column("no", "档号"), Column("name", "名称"), Column("pages", "页数", kind="int", total=True)]
    rows = ({"no": f"XD-2020-{n:06d}", "name": "李四商贸有限公司" * 2, "pages": 10} for n in range(100_000))
    tracemalloc.start()
    table = tables.write("csv", "t", columns, rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert table.rows == 100_000 and peak < 8 * 1024 * 1024
    last = list(table.chunks())[-1].decode("utf-8")
    assert last.rstrip().endswith("合计,100000 条,1000000")


def test_r3_exports_through_the_api(received):
    arch = received["arch"]
    got = arch.get("/archives.xlsx?year=2026")
    assert got.status_code == 200 and got.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''%E6%A1%A3%E6%A1%88%E5%8F%B0%E5%B8%90.xlsx" in got.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.data))
    assert received["no"] in [c.value for row in book.active.iter_rows() for c in row]
    assert arch.get("/archives.csv").data.decode("utf-8-sig").splitlines()[1].startswith(received["no"])
    empty = arch.get("/archives.csv?year=2019")
    assert empty.status_code == 422 and empty.get_json()["code"] == "export.empty"
    assert arch.get("/search.xlsx?q=%E5%95%86%E8%B4%B8").status_code == 200
    assert received["manager"].get("/archives.xlsx").status_code == 403
