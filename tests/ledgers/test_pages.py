"""R3/R23 pages: the search box, the ledger with its filters, print layout and exports, the import
dry run and the statistics page with its server-drawn charts."""
import io

import openpyxl

from tests.conftest import csrf_token
from tests.ledgers.sheetfiles import GOOD, xlsx


def test_r3_search_page_finds_the_file_by_part_of_the_name(received, browser_login):
    client = browser_login("li")
    page = client.get("/search?q=商贸").get_data(as_text=True)
    assert received["no"] in page and "导出 Excel" in page
    assert "1–100" in client.get("/search?q=" + "字" * 101).get_data(as_text=True)
    assert "没有找到" in client.get("/search?q=%25_").get_data(as_text=True)


def test_r3_ledger_page_filters_prints_and_exports(received, browser_login):
    client = browser_login("li")
    page = client.get("/archives?business=loan&location=R1&sort=archive_no").get_data(as_text=True)
    assert received["no"] in page and "共 1 件" in page
    assert "没有符合条件" in client.get("/archives?business=guarantee").get_data(as_text=True)
    printed = client.get("/ledger/print?business=loan").get_data(as_text=True)
    assert "@page { size: A4 landscape" in printed and received["no"] in printed and "合计 1 件" in printed
    book = openpyxl.load_workbook(io.BytesIO(client.get("/exports/archives.xlsx?business=loan").data))
    assert book.active.cell(2, 1).value == received["no"]
    empty = client.get("/exports/archives.csv?business=guarantee", headers={"Referer": "/archives"})
    assert empty.status_code in (302, 422)


def test_r23_import_page_dry_run_shows_each_bad_row(received, browser_login):
    client = browser_login("li")
    data = xlsx([*GOOD, ["XD2018#12", "刘三", "贷款", "小贷", "2018年13月", "R1", "十"]])
    page = client.post("/imports/ledger", data={"csrf_token": csrf_token(client, "/imports"), "dry_run": "true",
                                                "file": (io.BytesIO(data), "台帐.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "试导入结果" in page and "<td>4</td><td>档号</td>" in page and "发现 3 处错误" in page


def test_r23_stats_page_draws_its_charts_without_scripts(received, browser_login):
    client = browser_login("li")
    page = client.get("/stats?year=2026").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'id="chart-by-month"' in page
    assert 'id="stat-received">1<' in page and "导出 Excel" in page
    assert client.get("/exports/stats.csv?year=2026&table=by_month").status_code == 200
