"""Issue 12, done when: a certificate loan runs in Chromium. The demo's certificate is stored
through the services; zhang asks for it, the approver and the general manager approve, the
custodian scans it out at 借还台 and the archivist confirms the movement (dual control, R16); the
return is scanned by the custodian and confirmed by the archivist the same way."""
import pytest
from playwright.sync_api import expect

from archive_service.db import database
from archive_service.models import Certificate
from tests.e2e.conftest import open_menu, sign_out
from tests.e2e.journeys_support import scan_at_desk, store_certificates

pytestmark = pytest.mark.browser


def _approve(page, sign_in, username, code):
    sign_in(username)
    open_menu(page, "借阅", "借阅审批")
    row = page.locator("#loan-inbox tr", has_text=code)
    row.get_by_role("button", name="同意", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("已同意")
    sign_out(page)


def _at_desk(page, sign_in, username, code):
    sign_in(username)
    open_menu(page, "借阅", "借还台")
    scan_at_desk(page, code)


def test_r16_r17_a_certificate_loan_through_the_pages(page, sign_in, tmp_path):
    [(_, code)] = store_certificates([("他项权证", "不动产登记证明", "沪(2026)第0000001号", "赵六", 1)])
    sign_in("zhang")
    open_menu(page, "借阅", "我的借阅")
    page.get_by_label("档号或权证编码").fill(code)
    page.get_by_label("用途").fill("办理抵押变更")
    page.get_by_label("借阅工作日").fill("3")
    page.get_by_label("方式").select_option(label="借出")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert")).to_contain_text("待审批")
    sign_out(page)
    _approve(page, sign_in, "approver", code)
    _approve(page, sign_in, "gm", code)

    _at_desk(page, sign_in, "custodian", code)
    page.get_by_role("button", name="出借").click()
    expect(page.get_by_role("alert")).to_contain_text("待第二人确认")
    sign_out(page)
    _at_desk(page, sign_in, "archivist", code)
    page.get_by_role("button", name="第二人确认出入库").click()
    expect(page.get_by_role("alert")).to_contain_text("已借出给张经理")
    page.screenshot(path=str(tmp_path / "certificate-out.png"), full_page=True)
    sign_out(page)

    _at_desk(page, sign_in, "custodian", code)
    page.get_by_label("清点页数(权证为份数)").fill("1")
    page.get_by_role("button", name="归还").click()
    expect(page.get_by_role("alert")).to_contain_text("待第二人确认")
    sign_out(page)
    _at_desk(page, sign_in, "archivist", code)
    page.get_by_role("button", name="第二人确认出入库").click()
    expect(page.get_by_role("alert")).to_contain_text("已归还入库")
    with database.connection_context():
        assert Certificate.get(Certificate.code == code).status == "in_safe"
