"""The audit log page (R19): filters, keyset pages and the chain-verification banner."""
import re

from archive_service.db import database, transaction
from archive_service.models import AuditEntry
from archive_service.services.platform import audit
from tests.conftest import NOW, csrf_token
from tests.web.page_helpers import add_user, count, sign_in


def table(page):
    return page.split('id="audit-entries"')[1].split('</table>')[0]


def entry_ids(page):
    return [int(i) for i in re.findall(r'<tr>\s*<td class="font-monospace">(\d+)</td>', page)]


def record_pings(n):
    with database.connection_context(), transaction():
        for i in range(n):
            audit.record(None, "test.ping", "thing", str(i), {"n": i}, now=NOW)


def test_r19_filters_narrow_the_log_and_reading_it_is_itself_audited(client):
    add_user("zhang", "manager")
    add_user("zhou", "auditor")
    sign_in(client, "zhang")
    sign_in(client, "zhou")
    page = client.get("/admin/audit?actor=zhang").get_data(as_text=True)
    assert "<td>登录</td>" in table(page) and "user.login" not in table(page) and "创建用户" not in table(page)
    assert len(entry_ids(page)) == 1

    page = client.get("/admin/audit?action=user.create").get_data(as_text=True)
    assert len(entry_ids(page)) == 2 and "<td>登录</td>" not in table(page)

    page = client.get("/admin/audit?object_type=user&object_id=zhou&action=user.").get_data(as_text=True)
    assert len(entry_ids(page)) == 2 and "zhang" not in table(page)

    assert entry_ids(client.get("/admin/audit?from=2026-10-10").get_data(as_text=True)) == []
    assert len(entry_ids(client.get("/admin/audit?from=2026-10-09&to=2026-10-09").get_data(as_text=True))) > 4
    with database.connection_context():
        reads = AuditEntry.select().where(AuditEntry.action == "audit.read", AuditEntry.actor == "zhou").count()
    assert reads == 5


def test_next_page_link_walks_the_log_newest_first_and_keeps_the_filters(client):
    add_user("zhou", "auditor")
    sign_in(client, "zhou")
    record_pings(60)
    first = client.get("/admin/audit?action=test.").get_data(as_text=True)
    ids = entry_ids(first)
    assert len(ids) == 50 and ids == sorted(ids, reverse=True)
    next_url = re.search(r'href="([^"]+)" id="next-page"', first).group(1).replace("&amp;", "&")
    assert "action=test." in next_url
    second = client.get(next_url).get_data(as_text=True)
    rest = entry_ids(second)
    assert len(rest) == 10 and max(rest) < min(ids)
    assert 'id="next-page"' not in second and "回到第一页" in second


def test_chain_banner_names_the_first_tampered_entry_after_the_checkpoint(client):
    add_user("zhou", "auditor")
    sign_in(client, "zhou")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "审计链完整" in page
    with database.connection_context():
        newest = AuditEntry.select().order_by(AuditEntry.id.desc()).first()  # the view's own audit.read
        AuditEntry.update(summary='{"roles": ["admin"]}').where(AuditEntry.id == newest.id).execute()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "审计链已被破坏" in page and f"第一处异常:第 {newest.id} 条记录内容被篡改" in page


def test_chain_banner_leaves_entries_before_the_checkpoint_to_the_full_check(client):
    add_user("zhou", "auditor")
    sign_in(client, "zhou")
    client.get("/admin/audit")
    with database.connection_context():
        AuditEntry.update(summary='{"roles": ["admin"]}').where(AuditEntry.id == 1).execute()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "审计链完整" in page and "之后的新记录逐条校验无误" in page and "audit verify" in page
    with database.connection_context():
        assert audit.verify_chain()["first_bad"] == {"id": 1, "reason": "edited"}


def test_bad_date_filter_is_refused_on_the_filter_form_with_what_was_typed(client):
    add_user("zhou", "auditor")
    sign_in(client, "zhou")
    r = client.get("/admin/audit?from=yesterday&object_id=zhang")
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "日期格式错误" in page and 'id="audit-filters"' in page
    assert 'value="yesterday"' in page and 'value="zhang"' in page


def test_r19_the_log_reads_as_chinese_with_display_names_and_changes_as_old_to_new(client):
    add_user("zhou", "auditor")
    add_user("wu", "admin")
    sign_in(client, "wu")
    token = csrf_token(client, "/admin/users")
    client.post("/admin/users/zhou", data={"csrf_token": token, "display_name": "周审计", "roles": "auditor",
                                            "department": "", "email": "", "active": "on"})
    sign_in(client, "zhou")
    page = table(client.get("/admin/audit").get_data(as_text=True))
    assert "修改用户" in page and "姓名:zhou → 周审计" in page and "用户 周审计" in page
    for code in ("user.", "null", "{", "display_name", "<code>"):
        assert code not in page


def test_a_manager_cannot_read_the_audit_log(client):
    add_user("zhang", "manager")
    sign_in(client, "zhang")
    before = count(AuditEntry)
    r = client.get("/admin/audit")
    assert r.status_code == 403 and "审计链" not in r.get_data(as_text=True)
    assert count(AuditEntry) == before
