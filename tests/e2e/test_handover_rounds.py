"""Issue 10, done when: through the pages in Chromium started with --lang=zh-CN, a list is drafted,
edited, returned with two missing items, answered one at a time, refused once at receipt with a
recorded difference, and received; then a wrong scan is voided and the audit log reads as Chinese.
Each step leaves a screenshot under tmp_path; at 1366×900 and one look at tablet size (820×1180)."""
import re

import pytest
from playwright.sync_api import expect

from archive_service.db import database
from archive_service.models import Handover, HandoverItem, Project, ReceiptRefusal, ScanFile
from archive_service.ops import demo
from tests.e2e.conftest import CHROMIUM_ARGS, open_menu

pytestmark = pytest.mark.browser

MISSING = (("抵押登记证明", "未附抵押登记"), ("借款人签字页", "缺借款人签字"))
TABLET = {"width": 820, "height": 1180}


DESKTOP = {"width": 1366, "height": 900}


class Steps:
    def __init__(self, page, tmp_path):
        self.page, self.tmp_path, self.n = page, tmp_path, 0

    def shot(self, name):
        self.n += 1
        self.page.screenshot(path=str(self.tmp_path / f"{self.n:02d}-{name}.png"), full_page=True)

    def as_user(self, username):
        page = self.page
        page.context.clear_cookies()
        page.goto("/login")
        expect(page.get_by_role("alert")).to_have_count(0)  # no 请先登录 banner on a first visit
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/")

    def open_list(self, username):
        self.as_user(username)
        self.page.locator("#home-tasks").get_by_role("link", name=re.compile("DEMO-001")).click()
        expect(self.page.locator("#state")).to_be_visible()


def test_draft_edited_returned_answered_one_at_a_time_refused_once_and_received(page, tmp_path):
    assert "--lang=zh-CN" in CHROMIUM_ARGS
    page.set_viewport_size(DESKTOP)
    steps = Steps(page, tmp_path)

    # 1. A finds the draft on the home page and edits it before signing.
    steps.as_user("zhang")
    expect(page.locator("#home-tasks")).to_contain_text("签字提交B角")
    steps.shot("a-home")
    steps.open_list("zhang")
    edit = page.locator("#edit-form")
    edit.get_by_label("页数").nth(3).fill("13")
    blank = edit.locator("tbody tr").nth(5)
    blank.get_by_label("部分").select_option("1")
    blank.get_by_label("资料名称").fill("贷前调查补充说明")
    blank.get_by_label("页数").fill("1")
    edit.get_by_role("button", name="保存修改").click()
    expect(page.get_by_role("alert")).to_contain_text("草稿已修改")
    expect(page.locator("#items")).to_contain_text("贷前调查补充说明")
    steps.shot("a-edited")
    page.get_by_role("button", name="A角签字并提交B角").click()
    expect(page.locator("#state")).to_have_text("待B角审核")
    expect(page.locator("#edit-form")).to_have_count(0)

    # 2. B returns it with two missing items.
    steps.open_list("wang")
    for n, (title, reason) in enumerate(MISSING, start=1):
        page.get_by_label(f"缺少的资料或签字 {n}").fill(title)
        page.get_by_label(f"原因 {n}", exact=True).fill(reason)
    page.get_by_role("button", name="退回补充").click()
    expect(page.locator("#supplement-progress")).to_have_text("已补 0/2")
    steps.shot("b-returned")

    # 3. A answers the first only: the list says 已补 1/2.
    steps.open_list("zhang")
    form = page.locator("#supplement-form")
    form.get_by_role("button", name="签字并交回B角").click()
    expect(page.get_by_role("alert").first).to_contain_text("请至少答复一项缺失资料")
    form = page.locator("#supplement-form")
    form.locator("tbody tr").first.get_by_label("补交", exact=True).check()
    form.get_by_label(f"{MISSING[0][0]} 页数").fill("2")
    steps.shot("a-answering-first")
    form.get_by_role("button", name="签字并交回B角").click()
    expect(page.locator("#supplement-progress")).to_have_text("已补 1/2")
    expect(page.locator("#signatures")).to_contain_text(f"+{MISSING[0][0]}(2页)")

    # 4. B sees 已补 1/2 and returns it again for the open one; A explains it: 已补齐.
    steps.open_list("wang")
    page.get_by_role("button", name="退回补充").click()
    expect(page.locator("#state")).to_have_text("退回补充")
    steps.open_list("zhang")
    form = page.locator("#supplement-form")
    form.get_by_label("说明", exact=True).check()
    form.get_by_label(f"{MISSING[1][0]} 说明").fill("借款人已在审批表上补签")
    form.get_by_role("button", name="签字并交回B角").click()
    expect(page.locator("#supplement-progress")).to_have_text("已补齐")
    steps.shot("a-answered-all")
    steps.open_list("wang")
    page.get_by_role("button", name="B角签字,移交档案室").click()
    expect(page.locator("#state")).to_have_text("待档案室接收")

    # 5. The archivist counts blind, finds one page short and refuses it back to B.
    steps.as_user("archivist")
    open_menu(page, "移交", "待接收档案")
    page.locator("#inbox tbody tr", has_text="DEMO-001").get_by_role("link", name="核对接收").click()
    expect(page.get_by_text("盲点模式")).to_be_visible()
    expect(page.locator(".expected-pages")).to_have_count(0)
    inputs = page.locator("#checks .page-count")
    counted = _list_pages("DEMO-001")
    assert sum(counted) == 2 + 1 + 8 + 8 + 2 + 13 + 1
    for n, pages in enumerate(counted):
        inputs.nth(n).fill(str(pages - 1 if n == 0 else pages))
    page.get_by_role("button", name="拒收,退回B角").click()
    expect(page.get_by_role("alert").first).to_contain_text("拒收时必须写明原因")
    expect(page.locator("#checks .page-count").first).to_have_value("1")  # what was typed stays
    page.get_by_label("拒收原因").fill("项目审批表少一页")
    steps.shot("arch-refusing")
    page.get_by_role("button", name="拒收,退回B角").click()
    expect(page.locator("#refusal")).to_contain_text("项目审批表:清单 2 页,清点 1 页")
    with database.connection_context():
        assert ReceiptRefusal.select().count() == 1

    # 6. B sees why, hands it over again; the archivist receives it.
    steps.open_list("wang")
    expect(page.locator("#refusal")).to_contain_text("项目审批表少一页")
    steps.shot("b-refused")
    page.get_by_role("button", name="B角签字,移交档案室").click()
    steps.as_user("archivist")
    expect(page.locator("#home-tasks")).to_contain_text("接收归档")
    page.locator("#home-tasks").get_by_role("link", name=re.compile("DEMO-001")).click()
    page.set_viewport_size(TABLET)
    for n, pages in enumerate(counted):
        page.locator("#checks .page-count").nth(n).fill(str(pages))
    page.get_by_label("存放位置").fill("R1-C01")
    steps.shot("arch-receive-tablet")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    page.get_by_role("button", name="核对无误,签字接收").click()
    expect(page.get_by_role("alert")).to_contain_text("已接收归档")
    archive_no = page.locator("#archive-no").inner_text()
    steps.shot("received")

    # 7. A wrong scan is voided with a reason; it stays in the history, out of the count.
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="扫描件与页数核对").click()
    pdf = tmp_path / "wrong.pdf"
    pdf.write_bytes(_pdf(3))
    page.get_by_label("扫描件文件").set_input_files(str(pdf))
    page.get_by_role("button", name="上传", exact=True).click()
    row = page.locator("#scans tbody tr", has_text="wrong.pdf")
    row.locator("summary", has_text="作废").click()
    row.get_by_role("button", name="确认作废").click()
    expect(page.get_by_role("alert").first).to_contain_text("作废扫描件必须填写原因")
    row = page.locator("#scans tbody tr", has_text="wrong.pdf")
    row.get_by_label("作废原因").fill("扫错了档案")
    row.get_by_role("button", name="确认作废").click()
    expect(page.locator("#scans tbody tr", has_text="wrong.pdf")).to_contain_text("作废原因:扫错了档案")
    steps.shot("scan-voided")
    with database.connection_context():
        assert ScanFile.select().where(ScanFile.voided_at.is_null(False)).count() == 1
    assert archive_no

    # 8. The auditor reads the log in Chinese, people by name, no codes.
    steps.as_user("auditor")
    page.get_by_role("navigation").get_by_role("link", name="审计日志").click()
    log = page.locator("#audit-entries")
    expect(log).to_contain_text("档案室拒收")
    expect(log).to_contain_text("李档案")
    expect(log).not_to_contain_text("handover.")
    expect(log).not_to_contain_text("null")
    page.get_by_label("操作", exact=True).select_option(label="作废扫描件")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#audit-entries")).to_contain_text("原因:扫错了档案")
    steps.shot("audit")


def _pdf(pages):
    import io

    from pypdf import PdfWriter
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _list_pages(project_code):
    """The pages of each item in the order the receive form shows them (part, position)."""
    with database.connection_context():
        items = (HandoverItem.select().join(Handover).join(Project).where(Project.code == project_code)
                 .order_by(HandoverItem.part, HandoverItem.position))
        return [i.pages for i in items]
