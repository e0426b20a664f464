"""Issue 11, done when: the three-party flow, a dual-controlled release and a stock-take with one
missing and one misplaced certificate pass through the pages in Chromium (R14–R16). People are
the demo accounts: zhang (A), wang (B), custodian (陈权证), archivist (李档案, the second person),
approver (赵审批). Screenshots of the key screens go to tmp_path."""
import pytest
from playwright.sync_api import expect

from archive_service.db import database
from archive_service.models import Certificate
from tests.e2e.conftest import open_menu, sign_out
from tests.e2e.journeys_support import store_certificates

pytestmark = pytest.mark.browser

CERTS = [("他项权证", "不动产登记证明", "沪(2026)浦东新区不动产证明第0000001号", "李四", 1),
         ("股权出质设立登记通知书", "股权出质设立登记通知书", "(沪)股质登记设字[2026]第0001号", "李四商贸有限公司", 2)]


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_r15_r16_three_party_flow_through_the_pages(page, sign_in, tmp_path):
    # The archivist makes a safe with a shelf on the locations page.
    sign_in("archivist")
    open_menu(page, "档案", "存放位置")
    page.get_by_placeholder("编码,如 R1-C01").fill("S1")
    page.get_by_placeholder("名称", exact=True).fill("一号保险柜")
    page.get_by_label("保险柜(权证只能存放于此)").check()
    page.get_by_role("button", name="新建").click()
    page.get_by_placeholder("编码,如 R1-C01").fill("S1-A")
    page.get_by_placeholder("名称", exact=True).fill("上层")
    page.locator("select[name=parent]").select_option("S1")
    page.get_by_label("保险柜(权证只能存放于此)").check()
    page.get_by_role("button", name="新建").click()
    expect(page.locator("#locations")).to_contain_text("S1/S1-A")
    sign_out(page)

    # A lists the certificates apart from the file and signs.
    sign_in("zhang")
    open_menu(page, "档案", "项目")
    page.get_by_role("link", name="DEMO-001").first.click()
    page.get_by_role("link", name="列出重要权证").click()
    rows = page.locator("#certificates tbody tr")
    for n, (kind, name, number, owner, quantity) in enumerate(CERTS):
        row = rows.nth(n)
        row.get_by_label("类别").select_option(kind)
        row.get_by_label("权证名称").fill(name)
        row.get_by_label("权证号").fill(number)
        row.get_by_label("权利人").fill(owner)
        row.get_by_label("份数").fill(str(quantity))
    page.get_by_role("button", name="签字提交清单").click()
    expect(page.get_by_role("alert")).to_contain_text("重要权证移交清单已签字提交")
    expect(page.locator("#list-state")).to_have_text("待B角核对")
    list_url = page.url
    sign_out(page)

    # B miscounts once (refused, each difference shown, nothing signed), then checks and signs.
    sign_in("wang")
    page.goto(list_url)
    page.get_by_label("份数 QZ-2026-000001").fill("1")
    page.get_by_label("份数 QZ-2026-000002").fill("1")
    page.get_by_role("button", name="核对无误,签字").click()
    expect(page.locator("#differences")).to_contain_text("份数 清单为「2」,核对为「1」")
    _shot(page, tmp_path, "1-b-mismatch")
    page.get_by_label("份数 QZ-2026-000002").fill("2")
    page.get_by_role("button", name="核对无误,签字").click()
    expect(page.locator("#list-state")).to_have_text("待权证管理员核对入库")
    sign_out(page)

    # The custodian finds the list on the home page, checks it again and puts it in the safe.
    sign_in("custodian")
    page.locator("#lists-to-check").get_by_role("link").first.click()
    for n, (_, _, _, _, quantity) in enumerate(CERTS, start=1):
        page.get_by_label(f"份数 QZ-2026-00000{n}").fill(str(quantity))
    page.get_by_label("保险柜位置").fill("S1-A")
    page.get_by_role("button", name="核对无误,签字入库").click()
    expect(page.locator("#list-state")).to_have_text("已入保险柜")
    expect(page.locator("#signatures tbody tr")).to_have_count(3)
    _shot(page, tmp_path, "2-stored")
    open_menu(page, "权证", "权证台帐")
    expect(page.locator("#ledger tbody tr")).to_have_count(2)
    expect(page.locator("#ledger")).to_contain_text("在保险柜")
    with database.connection_context():
        assert {c.status for c in Certificate.select()} == {"in_safe"}


def test_r15_dual_controlled_release_through_the_pages(page, sign_in, tmp_path):
    cert_id, code = store_certificates(CERTS)[1]
    sign_in("custodian")
    page.get_by_role("searchbox", name="扫描标签").fill(code)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/certificates/{cert_id}")
    page.get_by_label("领取人", exact=True).fill("李四")
    page.get_by_label("领取人身份证号").fill("310101197505050000")
    page.get_by_role("button", name="发起解押退还").click()
    expect(page.locator("#history")).to_contain_text("解押退还(待审批)")
    open_menu(page, "权证", "出入库复核")
    expect(page.locator("#movements")).to_contain_text("没有待您审批或复核的出入库")  # never one's own
    sign_out(page)

    sign_in("approver")
    open_menu(page, "移交", "权证解押审批")
    expect(page.locator("#movements")).to_contain_text("3101**********0000")
    page.get_by_label("审批意见").fill("贷款已结清,同意")
    page.get_by_role("button", name="同意").click()
    expect(page.get_by_role("alert")).to_contain_text("已同意")
    sign_out(page)

    sign_in("archivist")
    open_menu(page, "权证", "出入库复核")
    page.get_by_role("button", name="复核确认").click()
    expect(page.get_by_role("alert")).to_contain_text("权证状态为「已解押退还」")
    page.goto(f"/certificates/{cert_id}")
    expect(page.locator("#status")).to_have_text("已解押退还")
    _shot(page, tmp_path, "3-released")
    receipt = page.request.get(page.get_by_role("link", name="退还回执").get_attribute("href"))
    assert receipt.ok and receipt.body().startswith(b"%PDF")


def test_r16_stocktake_with_one_missing_and_one_misplaced_through_the_pages(page, sign_in, tmp_path):
    (_, first), (_, second) = store_certificates(CERTS)
    sign_in("custodian")
    open_menu(page, "权证", "权证盘点")
    page.get_by_label("保险柜").select_option("S1")
    page.get_by_role("button", name="开始盘点").click()
    expect(page.get_by_role("alert")).to_contain_text("应有 2 份权证")
    page.get_by_label("位置", exact=True).select_option("S1-B")
    page.get_by_label("权证标签").fill(second)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(f"已扫描 {second}")
    page.get_by_label("权证标签").fill(second)  # the same label again counts once
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("不重复计数")
    page.get_by_label("权证标签").fill("QZ-2026-999999")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("未知的权证标签")
    expect(page.locator("#scans tbody tr")).to_have_count(1)
    expect(page.get_by_label("位置", exact=True)).to_have_value("S1-B")  # the place stays chosen between scans
    page.get_by_role("button", name="结束盘点并签字").click()
    expect(page.locator("[data-result=missing]")).to_contain_text(first)
    expect(page.locator("[data-result=misplaced]")).to_contain_text(second)
    expect(page.locator("[data-result=found]")).to_contain_text("在位(0)")
    _shot(page, tmp_path, "4-stocktake")
    report = page.request.get(page.get_by_role("link", name="打印盘点报告").get_attribute("href"))
    assert report.ok and report.body().startswith(b"%PDF")
