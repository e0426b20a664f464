"""Browser tests: the signed-in pages in Debian's Chromium against the real service."""
import pytest
from playwright.sync_api import expect

from archive_service.db import database
from archive_service.models import User

pytestmark = pytest.mark.browser


def test_demo_archivist_signs_in_and_sees_the_chinese_dashboard(page, sign_in, tmp_path):
    sign_in("archivist")
    expect(page).to_have_title("工作台 · 档案系统")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.locator(".navbar-text")).to_have_text("李档案")
    expect(page.locator('[data-card="待接收档案"]')).to_have_text("1")
    expect(page.locator('[data-card="在册档案"]')).to_have_text("1")
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_wrong_password_stays_on_the_login_page_with_the_reason(page):
    page.goto("/login")
    page.get_by_label("用户名").fill("archivist")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    assert page.url.endswith("/login")


def test_admin_creates_a_user_through_the_form(page, sign_in):
    sign_in("admin")
    page.get_by_role("link", name="用户管理").first.click()
    form = page.locator("#new-user")
    form.get_by_label("用户名").fill("liu")
    form.get_by_label("姓名").fill("刘会计")
    form.get_by_label("部门").fill("财务部")
    form.get_by_label("初始密码").fill("long-enough-1")
    form.get_by_label("权证管理员").check()
    form.get_by_role("button", name="创建用户").click()
    expect(page.get_by_role("alert")).to_contain_text("已创建用户 liu(刘会计)")
    row = page.locator("#user-list tr", has_text="liu")
    expect(row).to_contain_text("刘会计")
    expect(row).to_contain_text("权证管理员")
    with database.connection_context():
        created = User.get(User.username == "liu")
    assert (created.display_name, created.roles, created.active) == ("刘会计", ["custodian"], True)


@pytest.mark.parametrize("width", [1280, 768], ids=["desk", "tablet"])
def test_scan_box_has_focus_and_enter_opens_the_lookup(page, sign_in, width):
    page.set_viewport_size({"width": width, "height": 1024})
    sign_in("archivist")
    expect(page.locator("#scan-box")).to_be_visible()
    expect(page.locator("#scan-box")).to_be_focused()
    page.keyboard.type("DA-2026-0001")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lookup/DA-2026-0001")
    expect(page.get_by_role("heading", name="扫描查询")).to_be_visible()
