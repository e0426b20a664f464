"""The handover pages (zh-CN): writing a list, the archivist's inbox and receive screen, the ledger."""
import re
from datetime import UTC, datetime

import pytest

from archive_service.db import database
from archive_service.models import ArchiveFile, Handover, HandoverItem
from archive_service.services.accounts import users
from archive_service.services.handover import handovers
from tests.conftest import csrf_token

ITEMS = [{"part": 1, "title": "审批表", "pages": 2, "attachment": False, "contract": False},
         {"part": 2, "title": "借款合同", "pages": 5, "attachment": False, "contract": True},
         {"part": 2, "title": "借款合同(客户联)", "pages": 5, "attachment": True, "contract": True}]


@pytest.fixture
def setup(api):
    a, b, arch = api("zhang", "manager"), api("wang", "manager"), api("li", "archivist")
    cust = arch.post("/customers", json={"name": "赵六", "kind": "person", "id_number": "310101198805050000"})

    def project(code="C-001", ended_on="2026-09-30"):
        r = arch.post("/projects", json={"code": code, "customer_id": cust.get_json()["id"], "business": "loan",
                                         "title": "赵六经营贷", "amount": 300000, "a_user": "zhang",
                                         "b_user": "wang", "ended_on": ended_on})
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def accepted(code="C-001", ended_on="2026-09-30"):
        p = project(code, ended_on)
        hid = a.post(f"/projects/{p['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
        a.post(f"/handovers/{hid}/submit")
        b.post(f"/handovers/{hid}/review", json={"decision": "accept", "missing": []})
        return hid

    arch.post("/locations", json={"code": "R1", "name": "一号档案室", "parent": None})
    return {"a": a, "b": b, "arch": arch, "project": project, "accepted": accepted}


def count(model):
    with database.connection_context():
        return model.select().count()


def test_r6_a_writes_the_list_from_the_prefilled_checklist(setup, browser_login):
    p = setup["project"]()
    client = browser_login("zhang")
    form = client.get(f"/projects/{p['id']}/handovers/new").get_data(as_text=True)
    assert "借款申请书" in form and "立项审批资料" in form  # the loan checklist pre-fills the rows
    token = csrf_token(client, f"/projects/{p['id']}/handovers/new")
    data = {"csrf_token": token, "part-0": "1", "title-0": "借款申请书", "pages-0": "3",
            "part-1": "2", "title-1": "借款合同", "pages-1": "6", "contract-1": "on",
            "part-2": "3", "title-2": "调查报告", "pages-2": ""}  # no pages: not listed
    r = client.post(f"/projects/{p['id']}/handovers", data=data)
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "借款申请书" in page and "调查报告" not in page and "A角签字并提交B角" in page
    assert count(HandoverItem) == 2


def test_r6_zero_pages_in_the_form_is_refused_in_chinese(setup, browser_login):
    p = setup["project"]()
    client = browser_login("zhang")
    token = csrf_token(client, f"/projects/{p['id']}/handovers/new")
    r = client.post(f"/projects/{p['id']}/handovers", data={"csrf_token": token, "part-0": "1",
                                                            "title-0": "审批表", "pages-0": "0",
                                                            "part-1": "2", "title-1": "借款合同", "pages-1": "8",
                                                            "contract-1": "on"},
                    headers={"Referer": f"/projects/{p['id']}/handovers/new"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "页数必须是" in page
    assert count(Handover) == 0
    assert 'name="pages-1" value="8"' in page and 'name="title-1" value="借款合同"' in page
    assert re.search(r'name="contract-1"\s+checked', page) and not re.search(r'name="attachment-1"\s+checked', page)
    assert re.search(r'<option value="2" selected>2 ', page)


def test_a_refused_project_form_comes_back_filled_in(setup, browser_login):
    client = browser_login("li")
    token = csrf_token(client, "/projects")
    form = {"csrf_token": token, "code": "C-NEW", "customer_id": "1", "business": "guarantee", "title": "担保项目",
            "amount": "500000", "a_user": "zhang", "b_user": "zhang", "ended_on": "2026-09-30"}
    page = client.post("/projects", data=form, headers={"Referer": "/projects"},
                       follow_redirects=True).get_data(as_text=True)
    assert 'value="担保项目"' in page and 'value="C-NEW"' in page and 'value="guarantee" selected' in page


def test_r11_receive_screen_shows_every_difference_then_receives(setup, browser_login):
    hid = setup["accepted"]()
    items = setup["arch"].get(f"/handovers/{hid}").get_json()["items"]
    client = browser_login("li")
    screen = client.get(f"/handovers/{hid}/receive").get_data(as_text=True)
    assert 'inputmode="numeric"' in screen and "autofocus" in screen
    token = csrf_token(client, f"/handovers/{hid}/receive")
    wrong = {"csrf_token": token, "location": "R1", **{f"check-{i['id']}": str(i["pages"]) for i in items}}
    wrong[f"check-{items[0]['id']}"] = "3"
    r = client.post(f"/handovers/{hid}/receive", data=wrong)
    assert r.status_code == 409
    assert "核对不一致" in r.get_data(as_text=True) and "清点 3 页" in r.get_data(as_text=True)
    assert 'value="R1"' in r.get_data(as_text=True)  # what was entered stays on the screen
    assert count(ArchiveFile) == 0
    right = {**wrong, f"check-{items[0]['id']}": "2"}
    r = client.post(f"/handovers/{hid}/receive", data=right)
    assert r.status_code == 302 and r.headers["Location"].endswith("/archives/XD-2026-0001")
    detail = client.get("/archives/XD-2026-0001").get_data(as_text=True)
    assert "XD-2026-0001-001" in detail and "XD-2026-0001-HT01" in detail and "附件(不编号)" in detail
    assert "XD-2026-0001" in client.get("/register?from=2026-10-01&to=2026-10-31").get_data(as_text=True)
    assert "XD-2026-0001" in client.get("/archives?year=2026").get_data(as_text=True)


def test_r10_inbox_sorted_by_due_and_coloured(setup, browser_login, app):
    on_time = setup["accepted"]("C-NEW", "2026-10-08")
    p = setup["project"]("C-OLD", "2026-09-01")
    with app.app_context(), database.connection_context():
        a = users.actor_of(users.User.get(users.User.username == "zhang"))
        b = users.actor_of(users.User.get(users.User.username == "wang"))
        early = datetime(2026, 9, 2, 2, 0, tzinfo=UTC)
        late = handovers.create(a, p["id"], ITEMS, now=early)["id"]
        handovers.submit(a, late, now=early)
        handovers.review(b, late, "accept", now=early)
    html = browser_login("li").get("/handovers/inbox").get_data(as_text=True)
    rows = html.split("<tbody>")[1]
    assert rows.index("C-OLD") < rows.index("C-NEW")
    assert 'class="due-late table-danger"' in rows
    assert f"/handovers/{on_time}/receive" in rows and "<td>3 / 12</td>" in rows


def test_scanned_archive_number_opens_its_detail(setup, browser_login):
    hid = setup["accepted"]()
    items = setup["arch"].get(f"/handovers/{hid}").get_json()["items"]
    setup["arch"].post(f"/handovers/{hid}/receive", json={
        "checks": [{"item_id": i["id"], "pages": i["pages"]} for i in items], "location": "R1"})
    client = browser_login("li")
    r = client.get("/lookup/XD-2026-0001")
    assert r.status_code == 302 and r.headers["Location"].endswith("/archives/XD-2026-0001")
    assert client.get("/lookup/XD-2026-9999").status_code == 404


def test_my_lists_and_tasks_pages(setup, browser_login):
    setup["accepted"]()
    client = browser_login("wang")
    html = client.get("/handovers").get_data(as_text=True)
    assert "我作为B角" in html and "C-001" in html and "<td>3 / 12</td>" in html and "built-in" not in html
    assert client.get("/tasks").status_code == 200
    nav = client.get("/").get_data(as_text=True)
    assert "我的移交" in nav and "档案台帐" not in nav


def test_r19_customer_pages_mask_id_numbers_for_managers(setup, browser_login):
    client = browser_login("zhang")
    html = client.get("/customers/1").get_data(as_text=True)
    assert "3101**********0000" in html and "310101198805050000" not in html


def test_archivist_creates_customer_and_project_through_forms(setup, browser_login):
    client = browser_login("li")
    token = csrf_token(client, "/customers")
    r = client.post("/customers", data={"csrf_token": token, "name": "王五", "kind": "person",
                                        "id_number": "31010119900101123X"})
    assert r.status_code == 302
    cid = r.headers["Location"].rsplit("/", 1)[1]
    form = client.get(f"/projects?customer_id={cid}").get_data(as_text=True)
    assert 'value="王五" readonly' in form and '<option value="zhang" >zhang</option>' in form
    r = client.post("/projects", data={"csrf_token": token, "code": "C-900", "customer": "31010119900101123X",
                                       "business": "guarantee", "title": "王五担保", "amount": "50000.50",
                                       "a_user": "zhang", "b_user": "wang", "ended_on": "2026-09-30"})
    assert r.status_code == 302
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "2026-10-10" in html and "¥50,000.50" in html and "王五" in html
    assert "C-900" in client.get("/projects?q=王五").get_data(as_text=True)


def test_a_project_customer_is_found_by_name_and_an_unknown_one_stays_on_the_form(setup, browser_login):
    client = browser_login("li")
    token = csrf_token(client, "/projects")
    form = {"csrf_token": token, "code": "C-901", "customer": "无此客户", "business": "loan", "title": "经营贷",
            "amount": "1234567", "a_user": "zhang", "b_user": "wang", "ended_on": "2026-09-30"}
    page = client.post("/projects", data=form, headers={"Referer": "/projects"},
                       follow_redirects=True).get_data(as_text=True)
    assert "找不到客户「无此客户」" in page and 'value="无此客户"' in page and 'value="zhang" selected' in page
    r = client.post("/projects", data={**form, "customer": "赵六"})
    assert "¥1,234,567.00" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_r7_b_returns_with_a_supplement_list_and_a_supplies_through_the_pages(setup, browser_login):
    p = setup["project"]()
    hid = setup["a"].post(f"/projects/{p['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    setup["a"].post(f"/handovers/{hid}/submit")
    client = browser_login("wang")
    page = client.get(f"/handovers/{hid}").get_data(as_text=True)
    assert "退回补充" in page and "B角签字,移交档案室" in page
    token = csrf_token(client, f"/handovers/{hid}")
    r = client.post(f"/handovers/{hid}/review", data={"csrf_token": token, "decision": "return",
                                                       "missing-title-0": "身份证复印件", "missing-reason-0": "未附"})
    assert r.status_code == 302
    client = browser_login("zhang")
    page = client.get(f"/handovers/{hid}").get_data(as_text=True)
    assert "<td>身份证复印件</td><td>未附</td>" in page and "签字并交回B角" in page and "已补 0/1" in page
    token = csrf_token(client, f"/handovers/{hid}")
    r = client.post(f"/handovers/{hid}/supplement", data={"csrf_token": token, "part-0": "4",
                                                           "title-0": "身份证复印件", "pages-0": "1"})
    assert r.status_code == 302
    page = client.get(f"/handovers/{hid}").get_data(as_text=True)
    assert "+身份证复印件(1页)" in page and "待B角审核" in page and "已补齐" in page
    assert "<td>1 项</td>" in page and "built-in" not in page  # totals per part


def test_r10_extension_requested_on_the_list_and_decided_by_the_approver(setup, browser_login, api):
    api("sun", "approver")
    p = setup["project"]()
    hid = setup["a"].post(f"/projects/{p['id']}/handovers", json={"items": ITEMS}).get_json()["id"]
    client = browser_login("zhang")
    token = csrf_token(client, f"/handovers/{hid}")
    r = client.post(f"/handovers/{hid}/extensions", data={"csrf_token": token, "step": "a_to_b",
                                                          "until": "2026-10-15", "reason": "客户出差"})
    assert r.status_code == 302
    client = browser_login("sun")
    page = client.get("/extensions").get_data(as_text=True)
    assert "客户出差" in page
    token = csrf_token(client, "/extensions")
    assert client.post("/extensions/1/decision", data={"csrf_token": token, "approve": "1"}).status_code == 302
    assert "2026-10-15" in client.get(f"/handovers/{hid}").get_data(as_text=True)


def test_r22_locations_page_builds_the_tree(setup, browser_login):
    client = browser_login("li")
    token = csrf_token(client, "/locations")
    r = client.post("/locations", data={"csrf_token": token, "code": "R1-C01", "name": "一号柜", "parent": "R1"})
    assert r.status_code == 302
    assert "R1/R1-C01" in client.get("/locations").get_data(as_text=True)


def test_r6_printable_list_from_the_page(setup, browser_login):
    hid = setup["accepted"]()
    r = browser_login("wang").get(f"/handovers/{hid}/list.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data[:5] == b"%PDF-"
