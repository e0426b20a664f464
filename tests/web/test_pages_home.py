"""The dashboard of an empty archive and the scan box."""
import re
from datetime import UTC, datetime

from tests.web.page_helpers import add_user, sign_in


def shortcuts(page):
    block = re.search(r'id="shortcuts">(.*?)</div>', page, re.S)
    return re.findall(r">([^<]+)</a>", block.group(1)) if block else []


def test_empty_archive_dashboard_says_so_and_offers_only_permitted_shortcuts(client):
    add_user("zhou", "auditor")
    sign_in(client, "zhou")
    page = client.get("/").get_data(as_text=True)
    assert "档案库暂无记录" in page and "扫描查询" in page
    assert shortcuts(page) == ["客户", "档案台帐", "档案登记本", "鉴定与销毁", "权证台帐", "缺失事件", "审计日志"]


def test_admin_dashboard_links_every_admin_page(client):
    add_user("root", "admin")
    sign_in(client, "root")
    assert shortcuts(client.get("/").get_data(as_text=True)) == [
        "用户管理", "工作日历", "保管期限", "权证类别", "系统设置", "审计日志"]


def test_admin_is_told_to_enter_next_years_holidays_before_the_year_turns(app, client):
    app.extensions["archive_clock"].frozen = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    add_user("root", "admin")
    add_user("zhang", "manager")
    sign_in(client, "root")
    page = client.get("/").get_data(as_text=True)
    assert "2027 年的法定节假日尚未确认" in page and 'href="/admin/calendar?year=2027"' in page
    sign_in(client, "zhang")
    page = client.get("/").get_data(as_text=True)
    assert "尚未确认" not in page and shortcuts(page) == ["客户", "导入"]  # managers import disbursement exports


def test_scan_box_opens_the_lookup_of_the_scanned_code(client):
    add_user("li", "archivist")
    sign_in(client, "li")
    r = client.get("/scan?code=%20DA-2026-0001%20")
    assert r.status_code == 302 and r.location == "/lookup/DA-2026-0001"
    assert "DA-2026-0001" in client.get(r.location).get_data(as_text=True)


def test_navigation_groups_show_only_what_the_role_may_use(client):
    add_user("zhou", "auditor")
    sign_in(client, "zhou")
    page = client.get("/").get_data(as_text=True)
    assert 'data-bs-toggle="dropdown" aria-expanded="false">档案</a>' in page
    assert ">审计日志</a>" in page and ">用户管理</a>" not in page
    assert 'aria-expanded="false">系统管理</a>' not in page  # one entry left: a plain link
