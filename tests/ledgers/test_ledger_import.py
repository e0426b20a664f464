"""R3/R23: a legacy Excel ledger comes in with its archive numbers; the dry run names every bad
cell by the row Excel shows; the import is all or nothing and idempotent; sequences continue."""
import io
import json
import tracemalloc
from datetime import date

import pytest

from archive_service.domain.errors import InvalidInput, UnsupportedType
from archive_service.models import ArchiveFile, AuditEntry, Customer, NumberCounter, Project
from archive_service.services.archive import file_record as ledgers
from archive_service.services.imports import imports
from archive_service.services.ledgers import archive_ledger, search
from tests.conftest import NOW
from tests.ledgers.sheetfiles import GOOD, LEDGER_HEADER, csv_bytes, xlsx


def state():
    return (ArchiveFile.select().count(), Project.select().count(), Customer.select().count(),
            NumberCounter.select().count(), AuditEntry.select().count())


def run(world, data, dry_run=True, **kw):
    return imports.ledger(world.arch, data, "台帐.xlsx", dry_run=dry_run, now=NOW, **kw)


def test_r23_ledger_import_keeps_numbers_and_the_sequence_continues_after_them(world):
    report = run(world, xlsx(GOOD), dry_run=False)
    assert (report["rows"], report["ok"], report["created"], report["errors"]) == (2, 2, 2, [])
    ledger = archive_ledger.page(world.arch, year="2018")["items"]
    assert sorted(r["archive_no"] for r in ledger) == ["XD-2018-0011", "XD-2018-0012"]
    view = ledgers.get_archive(world.arch, "XD-2018-0012", now=NOW)
    got = (view["customer_name"], view["project_title"], view["location"]["code"])
    assert got == ("刘二商贸有限公司", "流动资金贷", "R1")
    assert view["totals"]["pages"] == 35 and view["received_at"].startswith("2018-04-02")
    assert ArchiveFile.get(ArchiveFile.archive_no == "XD-2018-0011").imported
    assert world.received(ended_on="2018-06-01")["archive_no"] == "XD-2018-0013"
    assert [h["archive_no"] for h in search.search(world.arch, "刘二")["items"] if h["kind"] == "archive"] == [
        "XD-2018-0012"]


def test_r23_the_same_ledger_twice_creates_nothing_twice(world):
    run(world, xlsx(GOOD), dry_run=False)
    before = state()
    again = run(world, xlsx(GOOD), dry_run=False)
    assert (again["created"], again["skipped"]) == (0, 2)
    assert state()[:4] == before[:4]


def test_r23_dry_run_names_each_bad_cell_by_its_excel_row_and_changes_nothing(world):
    bad = [*GOOD,
           ["XD2018#12", "刘三", "贷款", "小贷", "2018年13月", "R1", "十"],
           ["XD-2018-0011", "刘四", "贷款", "担保", "2018/5/6", "R1", 3],
           ["=A2", "", "贷款", "其他", 20180506, "R1", 0]]
    before = state()
    report = run(world, xlsx(bad, title="某某公司档案台帐(2018)"))
    assert state() == before
    assert (report["rows"], report["ok"]) == (5, 2)
    got = {(e["row"], e["column"]) for e in report["errors"]}
    assert got == {(5, "档号"), (5, "接收日期"), (5, "页数"),
                   (6, "业务类型"), (6, "档号"),
                   (7, "档号"), (7, "客户名称"), (7, "业务类型"), (7, "页数")}
    assert any("公式" in e["message"] for e in report["errors"] if e["row"] == 7)
    assert any("第 3 行" in e["message"] for e in report["errors"] if e["row"] == 6)


def test_r23_a_real_run_with_any_bad_row_imports_nothing(world):
    before = state()
    with pytest.raises(InvalidInput) as e:
        run(world, xlsx([*GOOD, ["XD-2018-0013", "刘三", "贷款", "小贷", "不是日期", "R1", 3]]), dry_run=False)
    assert e.value.code == "import.invalid_rows" and e.value.details["errors"][0]["row"] == 4
    assert state() == before


def test_r23_a_number_used_by_a_received_file_is_refused(world):
    taken = world.received(ended_on="2018-06-01")["archive_no"]
    report = run(world, xlsx([[taken, "刘一", "贷款", "小贷", date(2018, 3, 9), "R1", 4]]))
    assert report["errors"][0]["column"] == "档号" and "已被" in report["errors"][0]["message"]


def test_r23_columns_are_found_by_other_names_by_mapping_and_extra_columns_are_ignored(world):
    header = ["序号", "卷号", "借款人", "案卷题名", "业务", "归档日期", "库位", "张数", "备注"]
    rows = [[1, *GOOD[0], "无"]]
    report = run(world, xlsx(rows, header=header))
    assert (report["ok"], report["ignored_columns"]) == (1, ["序号", "备注"])
    renamed = ["编号X", *LEDGER_HEADER[1:]]
    assert run(world, xlsx(GOOD, header=renamed), mapping=json.dumps({"档号": "编号X"}))["ok"] == 2


def test_r23_missing_columns_are_named(world):
    with pytest.raises(InvalidInput) as e:
        run(world, xlsx(GOOD, header=["档号", "客户名称", "项目名称", "存放位置"]))
    assert e.value.code == "import.missing_columns" and "业务类型、接收日期" in e.value.message


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"%PDF-1.4 not a sheet", "x.pdf", "import.not_a_spreadsheet"),
    (b"PK\x03\x04broken zip", "x.xlsx", "import.corrupt_file"),
    (b"\xd0\xcf\x11\xe0old", "x.xls", "import.old_excel"),
    (b"", "x.xlsx", "import.empty_file"),
])
def test_r23_a_file_that_is_not_a_sound_spreadsheet_is_refused(world, data, name, code):
    before = state()
    with pytest.raises((InvalidInput, UnsupportedType)) as e:
        imports.ledger(world.arch, data, name, dry_run=False, now=NOW)
    assert e.value.code == code and state() == before


def test_r23_csv_in_gb18030_as_chinese_excel_saves_it(world):
    rows = [[r[0], r[1], r[2], r[3], "2018-03-09", r[5], r[6]] for r in GOOD]
    assert run(world, csv_bytes(rows, encoding="gb18030"), dry_run=False)["created"] == 2


def ledger_csv(count):
    return csv_bytes([[f"XD-{2019 + n // 5000}-{n % 5000 + 1:04d}", f"客户{n}", "贷款", "小贷", "2019-01-02", "R1", 3]
                      for n in range(count)])


def dry_run_peak(world, data):
    tracemalloc.start()
    report = imports.ledger(world.arch, data, "big.csv", dry_run=True, now=NOW)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return report, peak


def test_r23_a_dry_run_reads_rows_in_chunks_so_memory_does_not_grow_with_the_file(world):
    small, big = ledger_csv(1000), ledger_csv(8000)
    (report_small, peak_small), (report_big, peak_big) = dry_run_peak(world, small), dry_run_peak(world, big)
    assert (report_small["ok"], report_big["ok"]) == (1000, 8000)
    per_row = (peak_big - peak_small) / 7000
    assert per_row < 300  # a row read and checked takes over 1 kB: rows are not kept, only their numbers


def test_r23_more_rows_than_allowed_is_refused_and_nothing_changes(world, monkeypatch):
    monkeypatch.setattr("archive_service.domain.imports.MAX_ROWS", 50)
    before = state()
    with pytest.raises(InvalidInput) as e:
        imports.ledger(world.arch, ledger_csv(51), "big.csv", dry_run=False, now=NOW)
    assert e.value.code == "import.too_many_rows" and state() == before
    assert imports.ledger(world.arch, ledger_csv(50), "ok.csv", dry_run=False, now=NOW)["created"] == 50


def test_r23_only_the_archivist_imports(world):
    with pytest.raises(Exception) as e:
        imports.ledger(world.a, xlsx(GOOD), "x.xlsx", dry_run=True, now=NOW)
    assert getattr(e.value, "code", "") == "auth.forbidden"


def test_r23_ledger_import_through_the_api(received):
    arch = received["arch"]
    files = {"file": (io.BytesIO(xlsx([*GOOD, ["XD2018#12", "刘三", "贷款", "小贷", "2018年13月", "R1", "十"]])),
                      "台帐.xlsx")}
    dry = arch.post("/imports/ledger?dry_run=true", data=files, content_type="multipart/form-data")
    assert dry.status_code == 200 and {e["row"] for e in dry.get_json()["errors"]} == {4}
    bad = arch.post("/imports/ledger?dry_run=false", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(xlsx([GOOD[0], ["XD2018#12", "刘三", "贷款", "小贷", "x", "R1", 1]])),
                                   "台帐.xlsx")})
    assert bad.status_code == 422 and bad.get_json()["code"] == "import.invalid_rows"
    for _ in range(2):
        ok = arch.post("/imports/ledger?dry_run=false", data={"file": (io.BytesIO(xlsx(GOOD)), "台帐.xlsx")},
                       content_type="multipart/form-data")
        assert ok.status_code == 200, ok.get_json()
    assert sorted(i["archive_no"] for i in arch.get("/archives?year=2018").get_json()["items"]) == [
        "XD-2018-0011", "XD-2018-0012"]
    assert arch.post("/imports/ledger?dry_run=maybe", data={"file": (io.BytesIO(xlsx(GOOD)), "x.xlsx")},
                     content_type="multipart/form-data").status_code == 422
