"""R3 in Chromium: the certificate ledger (权证台帐) filtered through its form, sorted by a column
header and paged forward and back, the total staying put."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_menu
from tests.e2e.journeys_support import store_certificates

pytestmark = pytest.mark.browser
CERTS = [("他项权证", "不动产登记证明", f"沪(2026)浦东新区不动产证明第000000{n}号", "李四", 1) for n in range(3)]


def test_r3_certificate_ledger_filter_sort_and_pages_in_the_browser(page, sign_in, tmp_path):
    codes = sorted(code for _, code in store_certificates(CERTS))
    sign_in("custodian")
    open_menu(page, "权证", "权证台帐")
    page.goto(page.url + "?limit=2")
    form = page.locator("#ledger-filters")
    form.get_by_label("状态").select_option("in_safe")
    form.get_by_label("存放位置").select_option("S1")
    form.get_by_role("button", name="查询").click()
    expect(page.locator("#ledger-total")).to_have_text("共 3 件")
    page.locator("#ledger thead").get_by_role("link", name="标签码").click()
    rows = page.locator("#ledger tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(codes[0])
    page.get_by_role("link", name="下一页").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(codes[2])
    expect(page.locator("#ledger-total")).to_have_text("共 3 件")
    page.get_by_role("link", name="上一页").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text(codes[1])
    page.screenshot(path=str(tmp_path / "certificate-ledger.png"), full_page=True)
