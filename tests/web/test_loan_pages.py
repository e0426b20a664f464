"""Borrowing pages: a file loan from the request form through the approval inbox and the desk
(scan → check out, scan → short return refused, scan → return), the notification count in the
header, and fixed statement counts for the page lists."""
import pytest

from archive_service.db import database
from archive_service.models import Alert, Loan, User
from tests.conftest import NOW, csrf_token
from tests.sqlcount import count_statements
from tests.web.page_helpers import add_user, flashes, sign_in, submit
from tests.web.scan_world import TOTAL_PAGES


def _as(client, username):
    """Sign out whoever is signed in, then sign in as `username`."""
    page = client.get("/")
    if page.status_code == 200:
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert sign_in(client, username).status_code == 302
    return client


def test_r17_r18_a_file_loan_through_the_pages(client, received):
    add_user("qian", "manager", display_name="钱借阅")
    add_user("sun", "approver", display_name="孙审批")
    no = received["no"]
    _as(client, "qian")
    r = submit(client, "/loans", "/loans", {"object": no, "purpose": "贷后检查", "days": "5", "use": "read"})
    assert r.status_code == 302
    loan_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "待审批" in client.get(f"/loans/{loan_id}").get_data(as_text=True)
    _as(client, "sun")
    inbox = client.get("/loans/inbox").get_data(as_text=True)
    assert no in inbox and "钱借阅" in inbox
    submit(client, "/loans/inbox", f"/loans/{loan_id}/decision", {"approve": "1", "note": "同意"})
    _as(client, "li")
    desk = client.get(f"/desk?code={no}").get_data(as_text=True)
    assert "出借" in desk
    r = submit(client, f"/desk?code={no}", f"/desk/{loan_id}/checkout", {"scanned": no})
    assert "已借出给钱借阅" in " ".join(flashes(client.get(r.headers["Location"]).get_data(as_text=True)))
    r = submit(client, f"/desk?code={no}", f"/desk/{loan_id}/return", {"scanned": no, "pages": str(TOTAL_PAGES - 1)})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert any("页数不符" in f for f in flashes(page))
    r = submit(client, f"/desk?code={no}", f"/desk/{loan_id}/return", {"scanned": no, "pages": str(TOTAL_PAGES)})
    assert "已归还入库" in " ".join(flashes(client.get(r.headers["Location"]).get_data(as_text=True)))
    incidents = client.get("/incidents").get_data(as_text=True)
    assert no in incidents and "未处理" in incidents
    _as(client, "qian")
    header = client.get("/loans").get_data(as_text=True)
    assert 'id="unread-count"' in header
    assert "已归还" in client.get("/alerts").get_data(as_text=True)


def test_the_desk_tells_what_a_label_is_when_nothing_is_on_loan(client, received):
    _as(client, "li")
    page = client.get(f"/desk?code={received['no']}").get_data(as_text=True)
    assert 'id="no-loans"' in page


def test_a_manager_cannot_open_the_desk(client, received):
    add_user("qian", "manager")
    _as(client, "qian")
    assert client.get("/desk?code=X").status_code == 403


def _rows(n, start):
    with database.connection_context():
        user = User.get(User.username == "qian")
        for i in range(start, start + n):
            Loan.create(borrower=user.id, object_kind="archive", object_code=f"X-{i}", purpose="p", use="read",
                        days=1, state="requested", awaiting="approver", requested_at=NOW)
            Alert.create(recipient=user.id, kind="loan", object=f"X-{i}", message="m", created_at=NOW)


@pytest.mark.parametrize("path, who", [("/loans", "qian"), ("/loans/inbox", "sun"), ("/alerts", "qian")])
def test_page_lists_run_a_fixed_number_of_statements(client, received, path, who):
    add_user("qian", "manager")
    add_user("sun", "approver")
    _as(client, who)
    _rows(1, 0)
    client.get(path)
    with count_statements() as one:
        assert client.get(path).status_code == 200
    _rows(50, 1)
    with count_statements() as fifty:
        assert client.get(path).status_code == 200
    assert len(one) == len(fifty), f"{path}: {len(one)} vs {len(fifty)}"


def test_r19_the_file_page_opens_for_its_managers_and_an_approved_borrower_only(client, received, api):
    add_user("qian", "manager")
    no = received["no"]
    _as(client, "zhang")  # the project's A
    assert client.get(f"/archives/{no}").status_code == 200
    _as(client, "qian")
    assert client.get(f"/archives/{no}").status_code == 403
    mine = api("qian").post("/loans", json={"object": no, "purpose": "查阅", "days": 1}).get_json()
    api("sun", "approver").post(f"/loans/{mine['id']}/decision", json={"approve": True})
    assert client.get(f"/archives/{no}").status_code == 200
