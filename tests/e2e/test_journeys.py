"""Issue 15: five journeys through the pages in Chromium (--lang=zh-CN), each one story as the
people in it would click it, switching people through the login form. Only what a story is not
about is arranged through the services (a project from the loan system, a safe, a file already out,
the clock moving on to a later day and the daily sweep running as cron runs it). Each main step
leaves a numbered screenshot under tmp_path."""
import io
import re
from datetime import date

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from archive_service.db import database
from archive_service.models import Certificate
from archive_service.ops import demo
from archive_service.services.platform import calendar
from tests.e2e.conftest import open_menu
from tests.e2e.journeys_support import (
    Story,
    blank_pdf,
    give_email,
    make_safe,
    morning_sweep,
    on_loan,
    open_task,
    outbox_about,
    project_from_the_loan_system,
    scan_at_desk,
    stocktake,
    store_certificates,
)

pytestmark = pytest.mark.browser

FILED = "DB-2026-0001"  # the demo's filed archive
FILED_PAGES = sum(item["pages"] for item in demo.DEMO_ITEMS)
CERTS = [("他项权证", "不动产登记证明", "沪(2026)浦东新区不动产证明第0000009号", "钱七", 1),
         ("动产抵押登记通知书", "动产抵押登记书", "沪浦市监抵登字[2026]第0009号", "钱七", 2)]


@pytest.fixture
def story(page, sign_in, tmp_path):
    return Story(page, sign_in, tmp_path)


def test_r6_r7_r9_r11_r13_r18_journey_a_list_is_returned_supplied_received_labelled_and_scanned(page, story):
    project = "JR-2026-001"
    project_from_the_loan_system(project)

    # 1. A writes the list from the prefilled checklist, page by page, and signs it over to B.
    story.as_user("zhang")
    expect(page.locator("#home-tasks tr", has_text=project)).to_contain_text("编制移交清单")
    open_task(page, project)
    rows = page.locator("#items tbody tr")
    pages = {}
    for n in range(rows.count()):
        title = rows.nth(n).get_by_label("资料名称").input_value()
        if title:
            pages[title] = n + 2
            rows.nth(n).get_by_label("页数").fill(str(pages[title]))
    assert len(pages) >= 4, pages
    story.shot("a-writes-the-list")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存为草稿")
    page.get_by_role("button", name="A角签字并提交B角").click()
    expect(page.locator("#state")).to_have_text("待B角审核")

    # 2. B finds the collateral appraisal missing and returns the list with a supplement list.
    story.as_user("wang")
    open_task(page, project)
    page.get_by_label("缺少的资料或签字 1").fill("抵押物评估报告")
    page.get_by_label("原因 1", exact=True).fill("未附抵押物评估报告")
    page.get_by_role("button", name="退回补充").click()
    expect(page.locator("#state")).to_have_text("退回补充")
    expect(page.locator("#missing")).to_contain_text("未附抵押物评估报告")
    story.shot("b-returns-it")

    # 3. A supplies it and signs again; B accepts and hands it to the archive.
    story.as_user("zhang")
    expect(page.locator("#home-tasks tr", has_text=project)).to_contain_text("补充资料")
    open_task(page, project)
    supplement = page.locator("#supplement-form")
    supplement.get_by_label("补交", exact=True).check()
    supplement.get_by_label("抵押物评估报告 页数").fill("6")
    supplement.get_by_role("button", name="签字并交回B角").click()
    expect(page.get_by_role("alert")).to_contain_text("已补齐")
    pages["抵押物评估报告"] = 6
    story.shot("a-supplies-it")
    story.as_user("wang")
    open_task(page, project)
    page.get_by_role("button", name="B角签字,移交档案室").click()
    expect(page.locator("#state")).to_have_text("待档案室接收")

    # 4. The archivist counts every item, signs the receipt and the file gets its number.
    story.as_user("archivist")
    expect(page.locator("#home-tasks tr", has_text=project)).to_contain_text("接收归档")
    open_task(page, project)
    for title, count in pages.items():
        page.get_by_label(title, exact=True).fill(str(count))
    page.get_by_label("存放位置").fill("R1-C01")
    page.get_by_role("button", name="核对无误,签字接收").click()
    expect(page.get_by_role("alert")).to_contain_text("核对无误,已接收归档")
    archive_no = page.locator("#archive-no").inner_text()
    assert re.fullmatch(r"XD-2026-\d{4}", archive_no)
    items = page.locator("#items tbody tr")
    expect(items.filter(has_text="抵押物评估报告")).to_contain_text(f"{archive_no}-")
    expect(items.filter(has_text="(客户联)").get_by_role("cell").first).to_have_text("附件(不编号)")
    story.shot("received")

    # 5. She prints the box label (the form comes filled in); its QR code reads the archive number.
    page.get_by_role("link", name="打印档案盒标签").click()
    expect(page.get_by_label(re.compile("档号或位置编码"))).to_have_value(archive_no)
    with page.expect_popup() as preview:
        page.get_by_role("button", name=re.compile("预览第一页")).click()
    preview.value.wait_for_load_state()
    story.shot("label-preview", page=preview.value)
    sheet = Image.open(io.BytesIO(page.request.get(preview.value.url).body()))
    assert archive_no in {c.text for c in zxingcpp.read_barcodes(sheet, formats=zxingcpp.BarcodeFormat.QRCode)}
    preview.value.close()
    with page.expect_popup() as printed:
        page.get_by_role("button", name="生成 PDF").click()
    printed.value.wait_for_load_state()
    label = page.request.get(printed.value.url)
    printed.value.close()
    assert label.ok and label.headers["content-type"] == "application/pdf" and label.body()[:5] == b"%PDF-"

    # 6. She scans the file and attaches the scan: its pages match the list.
    page.get_by_role("searchbox", name="扫描标签").fill(archive_no)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/archives/{archive_no}")
    page.get_by_role("link", name="扫描件与页数核对").click()
    total = sum(pages.values())
    page.get_by_label("扫描件文件").set_input_files(str(blank_pdf(story.tmp_path / f"{archive_no}.pdf", total)))
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"页数一致:扫描 {total} 页,清单 {total} 页")
    expect(page.locator("#reconciliation")).to_contain_text("页数一致")
    story.shot("scan-attached")
    story.assert_shots_kept(6)


def test_r17_r18_journey_a_colleague_borrows_a_file_it_goes_overdue_is_reminded_and_scanned_back(
        page, story, live_app):
    give_email("wang", "wang@example.com")

    # 1. A colleague asks for the file; the approver agrees.
    story.as_user("wang")
    open_menu(page, "借阅", "我的借阅")
    page.get_by_label("档号或权证编码").fill(FILED)
    page.get_by_label("用途").fill("贷后检查")
    page.get_by_label("借阅工作日").fill("5")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert")).to_contain_text("借阅申请已提交(待审批)")
    story.shot("requested")
    story.as_user("approver")
    open_menu(page, "借阅", "借阅审批")
    row = page.locator("#loan-inbox tr", has_text=FILED)
    row.get_by_label("审批意见").fill("同意,按期归还")
    row.get_by_role("button", name="同意", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("已同意")

    # 2. The archivist scans the box label at 借还台 and hands it out.
    story.as_user("archivist")
    open_menu(page, "借阅", "借还台")
    scan_at_desk(page, FILED)
    page.get_by_role("button", name="出借").click()
    handed = page.get_by_role("alert")
    expect(handed).to_contain_text(re.compile(r"已借出给王经理,应还日期 \d{4}-\d{2}-\d{2}"))
    due = date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", handed.inner_text()).group())
    story.shot("handed-out")

    # 3. Three working days past the due date the daily sweep runs: the borrower is alerted.
    with database.connection_context():
        late_day = calendar.current().add_working_days(due, 3).due
    morning_sweep(live_app, late_day)
    story.as_user("wang")
    expect(page.locator("#unread-count")).to_be_visible()
    page.locator("#notifications").click()
    overdue = page.locator("#alerts li", has_text="借阅逾期")
    expect(overdue).to_contain_text(f"{FILED} 借阅已逾期 3 个工作日(应还日期 {due.isoformat()})")
    story.shot("borrower-alerted")

    # 4. The archivist sees it on 逾期催还 (escalated) and reminds him at once.
    story.as_user("archivist")
    open_menu(page, "借阅", "逾期催还")
    late = page.locator("#overdue tbody tr", has_text=FILED)
    expect(late).to_contain_text("王经理")
    expect(late).to_contain_text("已升级")
    late.get_by_role("button", name="立即催还").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已提醒 {FILED} 的逾期责任人")
    story.shot("reminded")
    queued = outbox_about(FILED)
    for kind in ("【档案系统】借阅逾期", "【档案系统】催还提醒"):
        assert {("email", "wang@example.com", kind, "queued"), ("wecom", "", kind, "queued"),
                ("dingtalk", "", kind, "queued")} <= queued, queued
    story.as_user("wang")
    page.locator("#notifications").click()
    expect(page.locator("#alerts li", has_text="催还提醒")).to_contain_text("李档案提醒您")
    story.shot("borrower-reminded")

    # 5. He brings it back: the archivist scans the label into the desk's scan box and counts it.
    story.as_user("archivist")
    open_menu(page, "借阅", "借还台")
    expect(page.get_by_label("扫描标签").last).to_be_focused()
    page.keyboard.type(FILED)
    page.keyboard.press("Enter")
    expect(page.locator("#scanned-object")).to_contain_text(FILED)
    page.get_by_label("清点页数(权证为份数)").fill(str(FILED_PAGES))
    page.get_by_role("button", name="归还").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{FILED} 已归还入库")
    story.shot("returned")
    open_menu(page, "借阅", "逾期催还")
    expect(page.locator("#overdue")).not_to_contain_text(FILED)
    story.assert_shots_kept(6)


def test_r14_r15_r16_journey_certificates_go_into_the_safe_and_come_out_on_settlement(page, story):
    with database.connection_context():
        make_safe()

    # 1. A lists the certificates apart from the file and signs the list.
    story.as_user("zhang")
    open_menu(page, "档案", "项目")
    page.get_by_role("link", name="DEMO-001").first.click()
    page.get_by_role("link", name="列出重要权证").click()
    rows = page.locator("#certificates tbody tr")
    for n, (kind, name, number, owner, quantity) in enumerate(CERTS):
        rows.nth(n).get_by_label("类别").select_option(kind)
        rows.nth(n).get_by_label("权证名称").fill(name)
        rows.nth(n).get_by_label("权证号").fill(number)
        rows.nth(n).get_by_label("权利人").fill(owner)
        rows.nth(n).get_by_label("份数").fill(str(quantity))
    page.get_by_role("button", name="签字提交清单").click()
    expect(page.locator("#list-state")).to_have_text("待B角核对")
    codes = [c.inner_text() for c in page.locator("#certificates tbody tr td:first-child").all()]
    story.shot("a-lists-certificates")

    # 2. B and then the custodian count each certificate; the custodian puts them in the safe.
    for person in ("wang", "custodian"):
        story.as_user(person)
        page.locator("#lists-to-check").get_by_role("link", name=re.compile("DEMO-001")).click()
        for code, (*_, quantity) in zip(codes, CERTS, strict=True):
            page.get_by_label(f"份数 {code}").fill(str(quantity))
        if person == "custodian":
            page.get_by_label("保险柜位置").fill("S1-A")
            page.get_by_role("button", name="核对无误,签字入库").click()
        else:
            page.get_by_role("button", name="核对无误,签字").click()
    expect(page.locator("#list-state")).to_have_text("已入保险柜")
    expect(page.locator("#signatures tbody tr")).to_have_count(3)
    story.shot("in-the-safe")

    # 3. The loan is settled: the custodian scans each certificate and starts its return.
    for code in codes:
        page.get_by_role("searchbox", name="扫描标签").fill(code)
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_have_text("在保险柜")
        page.get_by_label("领取人", exact=True).fill("钱七")
        page.get_by_label("领取人身份证号").fill("310101199001010017")
        page.get_by_label("备注").fill("贷款已结清")
        page.get_by_role("button", name="发起解押退还").click()
        expect(page.locator("#history")).to_contain_text("解押退还(待审批)")
    story.shot("release-started")

    # 4. The approver agrees; the archivist, as the second person, confirms each one out.
    story.as_user("approver")
    open_menu(page, "移交", "权证解押审批")
    for _ in codes:
        page.locator("#movements tbody tr").first.get_by_role("button", name="同意").click()
        expect(page.get_by_role("alert")).to_contain_text("已同意")
    expect(page.locator("#movements")).to_contain_text("没有待您审批或复核的出入库")
    story.as_user("archivist")
    open_menu(page, "权证", "出入库复核")
    for _ in codes:
        page.locator("#movements tbody tr").first.get_by_role("button", name="复核确认").click()
        expect(page.get_by_role("alert")).to_contain_text("权证状态为「已解押退还」")
    open_menu(page, "权证", "权证台帐")
    for code in codes:
        expect(page.locator("#ledger tbody tr", has_text=code)).to_contain_text("已解押退还")
    story.shot("released")
    page.get_by_role("link", name=codes[0]).click()
    receipt = page.request.get(page.get_by_role("link", name="退还回执").get_attribute("href"))
    assert receipt.ok and receipt.body()[:5] == b"%PDF-"
    with database.connection_context():
        assert {c.status for c in Certificate.select()} == {"released"}
    story.assert_shots_kept(4)


def test_r16_journey_a_stocktake_finds_a_misplaced_certificate_the_move_is_co_signed_and_all_count(page, story):
    (_, first), (second_id, second) = store_certificates(CERTS)

    # 1. The custodian counts the safe shelf by shelf: the second is on the lower shelf.
    story.as_user("custodian")
    stocktake(page, [("S1-A", first), ("S1-B", second)])
    expect(page.locator("[data-result=found]")).to_contain_text(first)
    expect(page.locator("[data-result=misplaced]")).to_contain_text(second)
    report = page.request.get(page.get_by_role("link", name="打印盘点报告").get_attribute("href"))
    assert report.ok and report.body()[:5] == b"%PDF-"
    story.shot("misplaced")

    # 2. She records where it really is; the move waits for a second person.
    page.get_by_role("searchbox", name="扫描标签").fill(second)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/certificates/{second_id}")
    page.get_by_label("新位置").select_option("S1-B")
    page.get_by_role("button", name="发起移位").click()
    expect(page.locator("#history")).to_contain_text("移位(待第二人确认)")
    story.as_user("archivist")
    expect(page.locator("#movements-to-sign")).to_contain_text(second)
    open_menu(page, "权证", "出入库复核")
    page.locator("#movements tbody tr", has_text=second).get_by_role("button", name="复核确认").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{second},权证状态为「在保险柜」")
    story.shot("move-co-signed")

    # 3. Counted again, everything is where the ledger says.
    story.as_user("custodian")
    stocktake(page, [("S1-A", first), ("S1-B", second)])
    expect(page.locator("[data-result=found]")).to_contain_text("在位(2)")
    for result in ("missing", "misplaced", "unexpected"):
        expect(page.locator(f"[data-result={result}]")).to_contain_text("(0)")
    story.shot("all-in-place")
    story.assert_shots_kept(3)


def test_r21_journey_a_manager_leaves_his_work_goes_to_two_colleagues_and_carries_on(page, story):
    on_loan("zhang", FILED)

    # 1. The admin adds the successor; deactivating the leaver is refused while he holds work.
    story.as_user("admin")
    open_menu(page, "系统管理", "用户管理")
    form = page.locator("#new-user")
    form.get_by_label("用户名").fill("liu")
    form.get_by_label("姓名").fill("刘接办")
    form.get_by_label("初始密码").fill("liu-pass-2026")
    form.get_by_label("客户经理").check()
    form.get_by_role("button", name="创建用户").click()
    expect(page.get_by_role("alert")).to_contain_text("已创建用户 liu")
    page.locator("#user-list tr", has_text="zhang").get_by_role("link", name="编辑").click()
    page.get_by_role("button", name="停用账号").click()
    expect(page.get_by_role("alert")).to_contain_text("请先办理离职交接")

    # 2. His projects go to the successor, his borrowed file to a colleague; both lists print.
    page.get_by_role("link", name="离职交接").click()
    holdings = page.locator("#holdings tbody tr")
    expect(holdings).to_have_count(4)  # three projects (DEMO-003 filed) and the borrowed file
    story.shot("holdings")
    for project in ("DEMO-001", "DEMO-002", "DEMO-003"):
        page.get_by_label(f"选择 {project} A").check()
    page.get_by_label("接办人").select_option(label="刘接办(liu)")
    page.get_by_label("备注").fill("调往分公司")
    page.get_by_role("button", name="交接所选").click()
    expect(page.get_by_role("alert")).to_contain_text("已将 3 项交接给 刘接办")
    expect(page.get_by_role("alert")).to_contain_text("仍有 1 项未交接")
    expect(page.locator("#holdings tbody tr")).to_have_count(1)
    page.get_by_label("接办人").select_option(label="王经理(wang)")
    page.get_by_role("button", name="全部交接").click()
    expect(page.locator("#nothing-held")).to_be_visible()
    for n in (1, 2):
        pdf = page.request.get(page.get_by_role("link", name=f"打印交接清单 #{n}").get_attribute("href"))
        assert pdf.ok and pdf.body()[:5] == b"%PDF-"
    story.shot("handed-over")
    page.get_by_role("link", name="zhang").click()
    page.get_by_role("button", name="停用账号").click()
    expect(page.get_by_role("alert")).to_contain_text("已停用用户 zhang")
    story.shot("deactivated")

    # 3. He can no longer sign in.
    story.sign_out()
    page.get_by_label("用户名").fill("zhang")
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")

    # 4. The successor finds the draft list among his tasks and signs it over to B.
    story.as_user("liu", "liu-pass-2026")
    expect(page.locator("#home-tasks tr", has_text="DEMO-001")).to_contain_text("签字提交B角")
    open_task(page, "DEMO-001")
    page.get_by_role("button", name="A角签字并提交B角").click()
    expect(page.locator("#state")).to_have_text("待B角审核")
    expect(page.locator("#signatures")).to_contain_text("刘接办")
    story.shot("successor-signs")

    # 5. The colleague now answers for the borrowed file.
    story.as_user("wang")
    open_menu(page, "借阅", "我的借阅")
    expect(page.locator("main").get_by_role("row", name=re.compile(FILED))).to_contain_text("借出")
    story.shot("colleague-holds-the-loan")
    story.assert_shots_kept(5)
