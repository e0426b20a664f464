"""Issue 13, done when: search, export and the import dry run work in Chromium. The archivist finds
the demo's filed archive by two characters of its customer's name, exports the hits and the
ledger to Excel (read back), tries a legacy ledger with a bad row (the page names row 4 and its
columns, nothing imported), imports the clean one, finds it in the ledger with its kept number,
and opens the statistics with their charts. Screenshots go to tmp_path."""
import datetime as dt

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_menu
from tests.ledgers.sheetfiles import GOOD, xlsx

pytestmark = pytest.mark.browser

ARCHIVE_NO = "DB-2026-0001"  # the demo's filed archive, of 华东建材有限公司


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def _read_download(download, tmp_path, name):
    path = tmp_path / name
    download.save_as(str(path))
    return [c for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row]


def test_r3_r23_search_export_and_import_in_chromium(page, sign_in, tmp_path):
    sign_in("archivist")
    open_menu(page, "档案", "档案检索")
    page.get_by_label("检索内容").fill("建材")
    page.get_by_role("button", name="检索").click()
    hits = page.locator("#search-results")
    expect(hits.get_by_role("link", name=ARCHIVE_NO)).to_be_visible()
    expect(hits).to_contain_text("华东建材有限公司")
    _shot(page, tmp_path, "search")
    with page.expect_download() as got:
        page.get_by_role("link", name="导出 Excel").click()
    assert ARCHIVE_NO in _read_download(got.value, tmp_path, "search.xlsx")

    page.get_by_label("检索内容").fill("%_")
    page.get_by_role("button", name="检索").click()
    expect(hits).to_contain_text("没有找到")

    bad = tmp_path / "台帐-有误.xlsx"
    bad.write_bytes(xlsx([*GOOD, ["XD2018#12", "刘三", "贷款", "小贷", "2018年13月", "R1", "十"]]))
    open_menu(page, "档案", "导入")
    form = page.locator("#import-ledger")
    form.get_by_label("历史档案台帐文件").set_input_files(str(bad))
    form.get_by_role("button", name="试导入(只检查)").click()
    report = page.locator("#import-report")
    expect(report).to_contain_text("发现 3 处错误")
    errors = page.locator("#import-errors")
    for column in ("档号", "接收日期", "页数"):
        expect(errors.locator("tr", has_text=column)).to_contain_text("4")
    _shot(page, tmp_path, "import-dry-run")

    good = tmp_path / "台帐.xlsx"
    good.write_bytes(xlsx(GOOD))
    page.locator("#import-ledger").get_by_label("历史档案台帐文件").set_input_files(str(good))
    page.locator("#import-ledger").get_by_role("button", name="正式导入").click()
    expect(page.locator("#import-report")).to_contain_text("导入完成:新建 2 条")

    open_menu(page, "档案", "档案台帐")
    page.get_by_label("年度").fill("2018")
    page.get_by_role("button", name="查询").click()
    ledger = page.locator("#ledger")
    expect(ledger.get_by_role("link", name="XD-2018-0011")).to_be_visible()
    expect(page.locator("#ledger-total")).to_have_text("共 2 件")
    with page.expect_download() as got:
        page.get_by_role("link", name="导出 Excel").click()
    cells = _read_download(got.value, tmp_path, "ledger.xlsx")
    assert "XD-2018-0012" in cells and dt.datetime(2018, 4, 2) in cells
    _shot(page, tmp_path, "ledger-2018")

    open_menu(page, "档案", "统计")
    expect(page.locator("#chart-by-month")).to_be_visible()
    expect(page.locator("#stat-received")).to_have_text("1")
    _shot(page, tmp_path, "stats")
