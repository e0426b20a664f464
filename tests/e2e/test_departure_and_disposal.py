"""Issue 14, done when, in Chromium: a manager with open and filed projects leaves (deactivation refused
while he holds them, everything handed to a successor in one step, the transfer list prints, then
the account is deactivated); a file past its period is appraised, listed, approved by another
person and destroyed while its ledger row stays. Screenshots go to tmp_path."""
import re

import pytest
from playwright.sync_api import expect

from archive_service.db import database
from archive_service.models import ArchiveFile, Project
from tests.e2e.conftest import open_menu, sign_out

pytestmark = pytest.mark.browser

FILED = "DB-2026-0001"  # the demo's filed archive


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_r21_a_leaving_manager_hands_everything_to_a_successor_then_is_deactivated(page, sign_in, tmp_path):
    sign_in("admin")
    open_menu(page, "系统管理", "用户管理")
    form = page.locator("#new-user")
    form.get_by_label("用户名").fill("jieban")
    form.get_by_label("姓名").fill("刘接办")
    form.get_by_label("初始密码").fill("jieban-pass-2026")
    form.get_by_label("客户经理").check()
    form.get_by_role("button", name="创建用户").click()
    expect(page.get_by_role("alert")).to_contain_text("已创建用户 jieban")

    page.goto("/admin/users/zhang")
    page.get_by_role("button", name="停用账号").click()
    expect(page.get_by_role("alert")).to_contain_text("请先办理离职交接")
    expect(page.get_by_role("alert")).to_contain_text("DEMO-001")
    _shot(page, tmp_path, "1-refused")

    page.get_by_role("link", name="离职交接").click()
    holdings = page.locator("#holdings tbody tr")
    expect(holdings).to_have_count(3)  # DEMO-001 (draft list), DEMO-002 (waiting for the archive), DEMO-003 (filed)
    expect(holdings.first).to_contain_text("移交清单 草稿")
    expect(holdings.nth(2)).to_contain_text("已归档")
    page.get_by_label("接办人").select_option(label="刘接办(jieban)")
    page.get_by_label("备注").fill("调往分公司")
    _shot(page, tmp_path, "2-holdings")
    page.get_by_role("button", name="全部交接").click()
    expect(page.get_by_role("alert")).to_contain_text("已将 3 项交接给 刘接办")
    expect(page.locator("#nothing-held")).to_be_visible()
    link = page.get_by_role("link", name="打印交接清单 #1")
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    _shot(page, tmp_path, "3-handed-over")

    page.get_by_role("link", name="zhang").click()
    page.get_by_role("button", name="停用账号").click()
    expect(page.get_by_role("alert")).to_contain_text("已停用用户 zhang")
    with database.connection_context():
        assert {p.a_user.username for p in Project.select()} == {"jieban"}  # the filed project too
    sign_out(page)

    sign_in("jieban", "jieban-pass-2026")
    page.get_by_role("navigation").get_by_role("link", name="我的任务").click()
    expect(page.locator("main")).to_contain_text("DEMO-001")
    _shot(page, tmp_path, "4-successor-tasks")


def test_r23_a_file_past_its_period_is_appraised_approved_and_destroyed(page, sign_in, tmp_path):
    with database.connection_context():  # the demo's file, as if it had been filed in 2014
        ArchiveFile.update(year=2014).where(ArchiveFile.archive_no == FILED).execute()
    sign_in("archivist")
    open_menu(page, "档案", "档案台帐")
    page.get_by_role("link", name=FILED).click()
    expect(page.locator("#retention")).to_have_text("定期30年")
    page.get_by_label("保管期限").select_option(label="定期10年")
    page.get_by_label("变更原因").fill("经鉴定短期保管")
    page.get_by_role("button", name="变更保管期限").click()
    expect(page.get_by_role("alert")).to_contain_text("保管期限已改为定期10年")
    expect(page.locator("main")).to_contain_text("保管至 2024-12-31")

    open_menu(page, "档案", "鉴定与销毁")
    page.get_by_label("年度").fill("2024")
    page.get_by_role("button", name="查询").click()
    row = page.locator("#appraisal tbody tr", has_text=FILED)
    expect(row).to_contain_text("已期满")
    row.get_by_role("checkbox").check()
    page.get_by_label("销毁事由").fill("保管期满,经鉴定无保存价值")
    _shot(page, tmp_path, "1-appraisal")
    page.get_by_role("button", name="编制销毁清单").click()
    expect(page.get_by_role("alert")).to_contain_text("销毁清单 #1 已编制")
    expect(page.locator("#disposal-state")).to_have_text("待审批")
    disposal_url = page.url
    sign_out(page)

    sign_in("approver")
    page.goto(disposal_url)
    page.get_by_label("审批意见").fill("同意销毁")
    page.get_by_role("button", name="批准销毁").click()
    expect(page.get_by_role("alert")).to_contain_text("已批准销毁")
    expect(page.locator("#disposal-state")).to_have_text("已批准")
    _shot(page, tmp_path, "2-approved")
    sign_out(page)

    sign_in("archivist")
    page.goto(disposal_url)
    page.get_by_role("button", name="确认已销毁").click()
    expect(page.get_by_role("alert")).to_contain_text("台帐记录和档号保留")
    pdf = page.request.get(page.get_by_role("link", name="打印销毁清单").get_attribute("href"))
    assert pdf.ok and pdf.body()[:5] == b"%PDF-"
    open_menu(page, "档案", "档案台帐")
    expect(page.locator("#ledger tbody tr", has_text=FILED)).to_contain_text("已销毁")
    page.get_by_role("link", name=FILED).click()
    expect(page.locator("main")).to_contain_text("该档案已按批准的销毁清单销毁")
    _shot(page, tmp_path, "3-destroyed")
    assert re.search(r"/disposals/\d+$", disposal_url)
