"""Issue 4, done when: the whole handover flow through the pages in Chromium, with one supplement
round and one refused receipt. Every step is a person at a page: the archivist creates the customer
and project, A writes and signs the list, B returns it once, A supplies, B accepts, the archivist
miscounts once (refused, nothing numbered), then receives; the file is in the register and the
scan box finds it. Screenshots of the key screens go to tmp_path."""
import re

import pytest
from playwright.sync_api import expect

from archive_service.db import database
from archive_service.models import HandoverItem
from tests.e2e.conftest import open_menu, sign_out

pytestmark = pytest.mark.browser

# (title, pages) of the prefilled loan checklist lines this file has; the other lines stay blank.
CHECKLIST_PAGES = {"借款申请书": 2, "项目审批表": 3, "借款合同": 10, "借款合同(客户联)": 10,
                   "项目调查报告": 15, "身份证或营业执照复印件": 1}
EXTRA_CONTRACT = ("借款合同补充协议", 4)  # a line A adds and marks as a contract
EXTRA_ATTACHMENT = ("抵押物照片", 6)  # a line A adds and marks as an attachment (附件, not numbered)
MISSING = ("保证合同", "缺少保证人签字的保证合同")
SUPPLIED_PAGES = 6


def _row_titled(rows, title):
    """The checklist row whose 资料名称 input holds title (titles are input values, not text)."""
    for n in range(rows.count()):
        row = rows.nth(n)
        if row.get_by_label("资料名称").input_value() == title:
            return row
    raise AssertionError(f"no checklist row titled {title}")


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_handover_flow_with_a_supplement_round_and_a_refused_receipt(page, sign_in, tmp_path):
    # 1. The archivist creates the customer and the project through the forms.
    sign_in("archivist")
    open_menu(page, "档案", "客户")
    new_customer = page.locator("form", has=page.get_by_role("heading", name="新建客户"))
    new_customer.get_by_label("名称").fill("钱七五金店")
    new_customer.get_by_label("类型").select_option(label="个人")
    new_customer.get_by_label("身份证号/统一社会信用代码").fill("310101199001010017")
    new_customer.get_by_role("button", name="创建").click()
    expect(page.get_by_role("alert")).to_contain_text("客户「钱七五金店」已创建。")
    expect(page.get_by_role("heading", name="钱七五金店")).to_be_visible()

    page.get_by_role("link", name="为该客户新建项目").click()
    new_project = page.locator("form", has=page.get_by_role("heading", name="新建项目"))
    expect(new_project.get_by_label("客户(名称或证件号)")).to_have_value("钱七五金店")  # carried over
    new_project.get_by_label("项目编号").fill("XD-E2E-001")
    new_project.get_by_label("业务类型").select_option(label="小贷")
    new_project.get_by_label("项目名称").fill("钱七经营贷")
    new_project.get_by_label("金额(元)").fill("500000")
    new_project.get_by_label("A角").select_option(label="张经理")
    new_project.get_by_label("B角").select_option(label="王经理")
    new_project.get_by_label("项目结束日(放款日)").fill("2026-09-30")
    new_project.get_by_role("button", name="创建").click()
    expect(page.get_by_role("alert")).to_contain_text("项目 XD-E2E-001 已创建。")
    project_url = page.url
    facts = page.locator("#project")
    expect(facts.get_by_role("row", name="A角 / B角")).to_contain_text("张经理 / 王经理")
    expect(facts.get_by_role("row", name="结束日")).to_contain_text("2026-09-30")
    expect(facts.get_by_role("row", name="A→B 期限")).to_contain_text("2026-10-10")
    _shot(page, tmp_path, "1-project")
    sign_out(page)

    # 2. A (zhang) writes the list from the prefilled checklist and signs it.
    sign_in("zhang")
    page.goto(project_url)
    page.get_by_role("link", name="编制移交清单").click()
    expect(page.get_by_role("heading", name=re.compile("编制移交清单"))).to_be_visible()
    rows = page.locator("#items tbody tr")
    prefilled = _row_titled(rows, "借款合同")
    expect(prefilled.get_by_label("合同")).to_be_checked()
    expect(_row_titled(rows, "借款合同(客户联)").get_by_label("附件")).to_be_checked()
    for title, pages in CHECKLIST_PAGES.items():
        _row_titled(rows, title).get_by_label("页数").fill(str(pages))
    blank = [rows.nth(n) for n in range(rows.count()) if not rows.nth(n).get_by_label("资料名称").input_value()]
    for row, (title, pages), part, mark in ((blank[0], EXTRA_CONTRACT, "2", "合同"),
                                             (blank[1], EXTRA_ATTACHMENT, "4", "附件")):
        row.get_by_label("部分").select_option(part)
        row.get_by_label("资料名称").fill(title)
        row.get_by_label("页数").fill(str(pages))
        row.get_by_label(mark).check()
    _shot(page, tmp_path, "2-new-list")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存为草稿")
    expect(page.locator("#state")).to_have_text("草稿")
    listed = page.locator("#items tbody tr")
    expect(listed).to_have_count(len(CHECKLIST_PAGES) + 2)
    expect(listed.filter(has_text=EXTRA_CONTRACT[0])).to_contain_text("是")
    expect(listed.filter(has_text=EXTRA_ATTACHMENT[0])).to_contain_text("附件")
    list_url = page.url
    handover_id = int(list_url.rsplit("/", 1)[1])
    page.get_by_role("button", name="A角签字并提交B角").click()
    expect(page.get_by_role("alert")).to_contain_text("已签字提交给B角。")
    expect(page.locator("#state")).to_have_text("待B角审核")
    expect(page.locator("#signatures")).to_contain_text("张经理")
    sign_out(page)

    # 3. B (wang) finds it among his lists and returns it with a supplement list.
    sign_in("wang")
    page.goto("/handovers")
    page.locator("#as_b").get_by_role("link", name=re.compile("XD-E2E-001")).click()
    expect(page.locator("#state")).to_have_text("待B角审核")
    page.get_by_label("缺少的资料或签字 1").fill(MISSING[0])
    page.get_by_label("原因 1", exact=True).fill(MISSING[1])
    page.get_by_role("button", name="退回补充").click()
    expect(page.get_by_role("alert")).to_contain_text("已退回A角补充资料。")
    expect(page.locator("#state")).to_have_text("退回补充")
    expect(page.locator("#missing")).to_contain_text(MISSING[0])
    expect(page.locator("#missing")).to_contain_text(MISSING[1])
    sign_out(page)

    # 4. A supplies the missing item and signs again; B accepts.
    sign_in("zhang")
    page.goto(list_url)
    expect(page.locator("#state")).to_have_text("退回补充")
    supplement = page.locator("#supplement-form")
    supplement.get_by_label("补交", exact=True).check()
    supplement.get_by_label("部分").first.select_option("2")
    supplement.get_by_label(f"{MISSING[0]} 页数").fill(str(SUPPLIED_PAGES))
    supplement.get_by_role("button", name="签字并交回B角").click()
    expect(page.get_by_role("alert")).to_contain_text("补充资料已签字交回B角审核(已补齐)")
    expect(page.locator("#state")).to_have_text("待B角审核")
    expect(page.locator("#items tbody tr").filter(has_text=MISSING[0])).to_contain_text("补充第 1 轮")
    sign_out(page)

    sign_in("wang")
    page.goto(list_url)
    page.get_by_role("button", name="B角签字,移交档案室").click()
    expect(page.get_by_role("alert")).to_contain_text("已签字移交档案室。")
    expect(page.locator("#state")).to_have_text("待档案室接收")
    expect(page.locator("#signatures")).to_contain_text("王经理")
    _shot(page, tmp_path, "4-accepted")
    sign_out(page)

    # 5. The archivist receives it: one wrong count is refused with the difference, then received.
    sign_in("archivist")
    open_menu(page, "移交", "待接收档案")
    row = page.locator("#inbox tbody tr", has_text="XD-E2E-001")
    expect(row).to_contain_text("钱七五金店")
    row.get_by_role("link", name="核对接收").click()
    expected = {**CHECKLIST_PAGES, EXTRA_CONTRACT[0]: EXTRA_CONTRACT[1],
                EXTRA_ATTACHMENT[0]: EXTRA_ATTACHMENT[1], MISSING[0]: SUPPLIED_PAGES}
    expect(page.get_by_label("借款申请书", exact=True)).to_be_focused()
    counted = {**expected, "项目调查报告": 14}
    for title, pages in counted.items():
        page.get_by_label(title, exact=True).fill(str(pages))
    page.get_by_label("存放位置").fill("R1-C01")
    page.get_by_role("button", name="核对无误,签字接收").click()
    expect(page.locator("#differences")).to_contain_text("核对不一致")
    expect(page.locator("#differences li")).to_have_count(1)
    expect(page.locator("#differences")).to_contain_text("项目调查报告:清单 15 页,清点 14 页")
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_label("项目调查报告", exact=True)).to_have_value("14")  # what was typed stays
    expect(page.get_by_label("存放位置")).to_have_value("R1-C01")
    _shot(page, tmp_path, "5-refused")
    with database.connection_context():
        numbered = HandoverItem.select().where((HandoverItem.handover == handover_id)
                                               & HandoverItem.number.is_null(False)).count()
    assert numbered == 0, "a refused receipt numbered nothing"
    page.get_by_label("项目调查报告", exact=True).fill("15")
    page.get_by_role("button", name="核对无误,签字接收").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("核对无误,已接收归档,档号 XD-2026-")
    archive_no = page.locator("#archive-no").inner_text()
    assert re.fullmatch(r"XD-2026-\d{4}", archive_no)
    assert archive_no in alert.inner_text()
    expect(page).to_have_title(f"档案 {archive_no} · 档案系统")
    expect(page.locator("#location")).to_contain_text("R1-C01")
    expect(page.get_by_text("接收 2026-10-09 10:00(李档案)")).to_be_visible()
    items = page.locator("#items tbody tr")
    expect(items).to_have_count(len(expected))
    expect(items.filter(has_text="借款申请书")).to_contain_text(f"{archive_no}-001")
    expect(items.filter(has_text="项目审批表")).to_contain_text(f"{archive_no}-002")
    main_contract = items.filter(has=page.get_by_role("cell", name="借款合同", exact=True))
    expect(main_contract).to_contain_text(f"{archive_no}-003")
    expect(main_contract).to_contain_text(f"{archive_no}-HT01")
    expect(items.filter(has_text=EXTRA_ATTACHMENT[0]).get_by_role("cell").first).to_have_text("附件(不编号)")
    expect(items.filter(has_text="借款合同(客户联)").get_by_role("cell").first).to_have_text("附件(不编号)")
    numbers = [items.nth(n).get_by_role("cell").first.inner_text() for n in range(items.count())]
    filed = sorted(n for n in numbers if n.startswith(archive_no))
    assert filed == [f"{archive_no}-{k:03d}" for k in range(1, len(expected) - 1)]
    expect(page.locator("#items tfoot")).to_contain_text(str(sum(expected.values())))
    _shot(page, tmp_path, "5-archive")

    # 6. The register lists the file; the scan box opens it.
    open_menu(page, "档案", "档案登记本")
    entry = page.locator("#register tbody tr", has_text=archive_no)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("钱七五金店")
    expect(entry).to_contain_text("王经理")
    expect(entry).to_contain_text("李档案")
    expect(entry).to_contain_text("2026-10-09 10:00")  # signing times as people read them, not raw ISO
    expect(entry).not_to_contain_text("T10:00")
    _shot(page, tmp_path, "6-register")
    page.get_by_role("searchbox", name="扫描标签").fill(archive_no)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/archives/{archive_no}")
    expect(page.locator("#archive-no")).to_have_text(archive_no)
