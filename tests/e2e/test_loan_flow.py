"""Issue 12, done when: a file loan runs request → approval → checkout → short return refused →
return through the pages in Chromium, each step a person at a page: zhang asks through 我的借阅,
the approver approves in 借阅审批, the archivist scans the label at 借还台 to hand it out, counts one
page short (refused, an incident opened), then takes it back; zhang's header shows the unread
notifications. Screenshots of the key screens go to tmp_path."""
import re

import pytest
from playwright.sync_api import expect

from archive_service.ops import demo
from tests.e2e.conftest import open_menu, sign_out
from tests.e2e.journeys_support import scan_at_desk

pytestmark = pytest.mark.browser

ARCHIVE_NO = "DB-2026-0001"  # the demo's filed archive
LIST_PAGES = sum(item["pages"] for item in demo.DEMO_ITEMS)


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_r17_r18_a_file_loan_through_the_pages(page, sign_in, tmp_path):
    sign_in("zhang")
    open_menu(page, "借阅", "我的借阅")
    page.get_by_label("档号或权证编码").fill(ARCHIVE_NO)
    page.get_by_label("用途").fill("贷后检查")
    page.get_by_label("借阅工作日").fill("5")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert")).to_contain_text("借阅申请已提交(待审批)")
    _shot(page, tmp_path, "1-requested")
    sign_out(page)

    sign_in("approver")
    open_menu(page, "借阅", "借阅审批")
    row = page.locator("#loan-inbox tr", has_text=ARCHIVE_NO)
    row.get_by_label("审批意见").fill("同意,按期归还")
    row.get_by_role("button", name="同意", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("已同意")
    sign_out(page)

    sign_in("archivist")
    open_menu(page, "借阅", "借还台")
    scan_at_desk(page, ARCHIVE_NO)
    page.get_by_role("button", name="出借").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"已借出给张经理,应还日期 \d{4}-\d{2}-\d{2}"))
    _shot(page, tmp_path, "2-checked-out")
    page.get_by_label("清点页数(权证为份数)").fill(str(LIST_PAGES - 1))
    page.get_by_role("button", name="归还").click()
    expect(page.get_by_role("alert")).to_contain_text("页数不符")
    _shot(page, tmp_path, "3-short-return-refused")
    page.get_by_label("清点页数(权证为份数)").fill(str(LIST_PAGES))
    page.get_by_role("button", name="归还").click()
    expect(page.get_by_role("alert")).to_contain_text("已归还入库")
    open_menu(page, "借阅", "缺失事件")
    expect(page.locator("#incidents")).to_contain_text(ARCHIVE_NO)
    sign_out(page)

    sign_in("zhang")
    expect(page.locator("#unread-count")).to_be_visible()
    page.locator("#notifications").click()
    expect(page.locator("#alerts")).to_contain_text("已归还")
    _shot(page, tmp_path, "4-notifications")
