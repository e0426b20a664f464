"""The certificate pages through the Flask test client: A's list form, the checks (a refused one
shows every difference and changes nothing), the ledger, a certificate's page, movements, the
day-end page, stock-takes, the kinds page and the custodian's home page."""
from archive_service.db import database
from archive_service.models import Certificate, CertificateSignature
from tests.conftest import csrf_token
from tests.services.certificate_world import CERTS, snapshot
from tests.sqlcount import count_statements
from tests.web.certificate_people import stored_through_api
from tests.web.page_helpers import flashes


def _form_rows(certs):
    data = {}
    for n, c in enumerate(certs):
        data |= {f"kind-{n}": c["kind"], f"name-{n}": c["name"], f"number-{n}": c["number"],
                 f"owner-{n}": c["owner"], f"quantity-{n}": str(c["quantity"])}
    return data


def _check_form(listed, client, page, **extra):
    data = {"csrf_token": csrf_token(client, page), **extra}
    for c in listed["certificates"]:
        data |= {f"name-{c['id']}": c["name"], f"number-{c['id']}": c["number"],
                 f"quantity-{c['id']}": str(c["quantity"])}
    return data


def _counts():
    """The snapshot without the audit trail: re-showing a refused form audits the read (R19)."""
    with database.connection_context():
        return {k: v for k, v in snapshot().items() if k != "AuditEntry"}


def test_r15_a_lists_certificates_through_the_form(people, browser_login):
    client = browser_login("zhang")
    page = f"/projects/{people['project']}/certificate-handovers/new"
    form = client.get(page).get_data(as_text=True)
    assert "他项权证" in form and 'aria-label="份数"' in form
    data = {"csrf_token": csrf_token(client, page), **_form_rows([{**CERTS[0], "kind": "他项权证"}])}
    r = client.post(f"/projects/{people['project']}/certificate-handovers", data=data)
    assert r.status_code == 302
    listed = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "QZ-2026-000001" in listed and "待B角核对" in listed
    project_page = client.get(f"/projects/{people['project']}").get_data(as_text=True)
    assert "列出重要权证" in project_page and "待B角核对" in project_page


def test_r14_a_zero_quantity_in_the_form_is_refused_in_chinese(people, browser_login):
    client = browser_login("zhang")
    page = f"/projects/{people['project']}/certificate-handovers/new"
    before = _counts()
    data = {"csrf_token": csrf_token(client, page), **_form_rows([{**CERTS[0], "quantity": 0}])}
    r = client.post(f"/projects/{people['project']}/certificate-handovers", data=data,
                    headers={"Referer": f"http://localhost{page}"})
    assert r.status_code == 302
    assert any("份数必须是" in f for f in flashes(client.get(page).get_data(as_text=True)))
    assert _counts() == before


def test_r15_checks_through_the_pages_show_each_difference_then_store(people, browser_login):
    listed = people["a"].post(f"/projects/{people['project']}/certificate-handovers",
                              json={"certificates": CERTS}).get_json()
    page = f"/certificate-handovers/{listed['id']}"
    client = browser_login("wang")
    wrong = _check_form(listed, client, page)
    wrong[f"quantity-{listed['certificates'][0]['id']}"] = "3"
    before = _counts()
    r = client.post(f"{page}/confirm", data=wrong)
    assert r.status_code == 409
    assert "核对不一致" in r.get_data(as_text=True) and "核对为「3」" in r.get_data(as_text=True)
    assert _counts() == before
    assert client.post(f"{page}/confirm", data=_check_form(listed, client, page)).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    client = browser_login("li")
    screen = client.get(page).get_data(as_text=True)
    assert "保险柜位置" in screen and 'value="S9-A"' in screen
    r = client.post(f"{page}/confirm", data=_check_form(listed, client, page, location="S9-A"))
    assert r.status_code == 302
    assert "已入保险柜" in client.get(page).get_data(as_text=True)
    with database.connection_context():
        assert CertificateSignature.select().count() == 3
        assert {c.status for c in Certificate.select()} == {"in_safe"}


def test_ledger_detail_and_release_through_the_pages(people, browser_login):
    cert = stored_through_api(people)["certificates"][1]
    client = browser_login("li")
    ledger = client.get("/certificates?status=in_safe").get_data(as_text=True)
    assert cert["code"] in ledger and "S9/S9-A" in ledger
    page = f"/certificates/{cert['id']}"
    detail = client.get(page).get_data(as_text=True)
    assert "发起解押退还" in detail and "打印权证袋标签" in detail
    r = client.post(f"{page}/release", data={"csrf_token": csrf_token(client, page), "recipient": "李四",
                                             "recipient_id_number": "310101197505050000", "note": "结清"})
    assert r.status_code == 302
    assert "解押退还(待审批)" in client.get(page).get_data(as_text=True)


def test_movements_page_lets_the_approver_decide_and_a_second_person_confirm(people, browser_login):
    cert = stored_through_api(people)["certificates"][0]
    move = people["arch"].post(f"/certificates/{cert['id']}/release", json={
        "recipient": "李四", "recipient_id_number": "310101197505050000"}).get_json()
    client = browser_login("zhao")
    listed = client.get("/certificate-movements").get_data(as_text=True)
    assert cert["code"] in listed and "同意" in listed and "3101**********0000" in listed
    r = client.post(f"/certificate-movements/{move['id']}/decision",
                    data={"csrf_token": csrf_token(client, "/certificate-movements"), "approve": "1", "note": "同意"})
    assert r.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    client = browser_login("liu")
    assert "复核确认" in client.get("/certificate-movements").get_data(as_text=True)
    r = client.post(f"/certificate-movements/{move['id']}/confirm",
                    data={"csrf_token": csrf_token(client, "/certificate-movements")})
    assert r.status_code == 302
    assert people["arch"].get(f"/certificates/{cert['id']}").get_json()["status"] == "released"


def test_day_end_page_and_stocktake_pages(people, browser_login):
    first, second = (c["code"] for c in stored_through_api(people)["certificates"])
    client = browser_login("li")
    day = client.get("/certificate-days?day=2026-10-09").get_data(as_text=True)
    assert first in day and "确认当日出入库" in day
    assert client.post("/certificate-days/2026-10-09/check",
                       data={"csrf_token": csrf_token(client, "/certificate-days")}).status_code == 302
    assert "核对确认(2 笔)" in client.get("/certificate-days?day=2026-10-09").get_data(as_text=True)
    r = client.post("/stocktakes", data={"csrf_token": csrf_token(client, "/stocktakes"), "location": "S9"})
    assert r.status_code == 302
    page = r.headers["Location"].replace("http://localhost", "")
    home = client.get("/").get_data(as_text=True)
    assert "进行中的盘点" in home
    token = csrf_token(client, page)
    r = client.post(f"{page}/scan", data={"csrf_token": token, "code": second, "location": "S9-B"})
    assert r.status_code == 302 and "place=S9-B" in r.headers["Location"]
    client.post(f"{page}/close", data={"csrf_token": token})
    closed = client.get(page).get_data(as_text=True)
    assert f"缺失(1):</strong>{first}" in closed and f"错位(1):</strong>{second}" in closed
    assert client.get(f"{page}/report.pdf").data.startswith(b"%PDF")


def test_custodians_home_lists_lists_to_check_and_movements_to_co_sign(people, browser_login):
    listed = people["a"].post(f"/projects/{people['project']}/certificate-handovers",
                              json={"certificates": CERTS[:1]}).get_json()
    people["b"].post(f"/certificate-handovers/{listed['id']}/confirm", json={"checks": [
        {"certificate_id": c["id"], "name": c["name"], "number": c["number"], "quantity": c["quantity"]}
        for c in listed["certificates"]]})
    cert = stored_through_api(people, CERTS[1:])["certificates"][0]
    people["arch"].post(f"/certificates/{cert['id']}/movements", json={"kind": "move", "to_location": "S9-B"})
    home = browser_login("liu").get("/").get_data(as_text=True)
    assert "待核对的权证清单" in home and "P-2026-001" in home
    assert "待审批/复核的出入库" in home and cert["code"] in home


def test_the_kinds_page_lets_an_admin_add_a_kind(api, browser_login):
    api("boss", "admin")
    client = browser_login("boss")
    assert "股权出质设立登记通知书" in client.get("/certificate-kinds").get_data(as_text=True)
    client.post("/certificate-kinds", data={"csrf_token": csrf_token(client, "/certificate-kinds"),
                                            "code": "vehicle", "name": "机动车登记证书"})
    assert "机动车登记证书" in client.get("/certificate-kinds").get_data(as_text=True)


def test_the_ledger_page_runs_the_same_statements_for_1_and_50(people, browser_login):
    stored_through_api(people, CERTS[:1])
    client = browser_login("li")
    with count_statements() as one:
        assert client.get("/certificates").status_code == 200
    stored_through_api(people, [{**CERTS[0], "number": f"N-{n}"} for n in range(49)], location="S9-B")
    with count_statements() as fifty:
        assert "N-48" in client.get("/certificates").get_data(as_text=True)
    assert len(one) == len(fifty)


def test_r16_stocktake_of_a_safe_inside_a_room_from_the_pages(people, browser_login):
    for code, parent in (("R1-S01", "R1"), ("R1-S01-A", "R1-S01"), ("R1-S02", "R1")):
        assert people["arch"].post("/locations", json={"code": code, "name": "保险柜", "parent": parent,
                                                       "safe": True}).status_code == 201
    cert = stored_through_api(people, CERTS[:1], location="R1-S01-A")["certificates"][0]
    client = browser_login("li")
    offered = client.get("/stocktakes").get_data(as_text=True)
    for path in ("S9", "S9/S9-A", "R1/R1-S01", "R1/R1-S01/R1-S01-A", "R1/R1-S02"):
        assert f">{path} " in offered, path
    assert 'value="R1"' not in offered
    r = client.post("/stocktakes", data={"csrf_token": csrf_token(client, "/stocktakes"), "location": "R1-S01"})
    assert r.status_code == 302
    page = r.headers["Location"].replace("http://localhost", "")
    screen = client.get(page).get_data(as_text=True)
    assert "保险柜 R1/R1-S01" in screen and "应有 1 份" in screen
    assert 'value="R1-S01-A"' in screen and 'value="R1-S02"' not in screen and 'value="S9-A"' not in screen
    token = csrf_token(client, page)
    client.post(f"{page}/scan", data={"csrf_token": token, "code": cert["code"], "location": "R1-S01-A"})
    client.post(f"{page}/close", data={"csrf_token": token})
    assert f"在位(1):</strong>{cert['code']}" in client.get(page).get_data(as_text=True)
    assert "R1/R1-S01" in client.get("/stocktakes").get_data(as_text=True)


def test_r15_b_returns_a_list_from_the_page_and_a_corrects_and_signs_again(people, browser_login):
    listed = people["a"].post(f"/projects/{people['project']}/certificate-handovers",
                              json={"certificates": CERTS}).get_json()
    page, second = f"/certificate-handovers/{listed['id']}", listed["certificates"][1]
    client = browser_login("wang")
    assert "退回A角" in client.get(page).get_data(as_text=True)
    counted = _check_form(listed, client, page, note="")
    counted[f"quantity-{second['id']}"] = "3"
    before = _counts()
    r = client.post(f"{page}/return", data=counted, headers={"Referer": f"http://localhost{page}"})
    assert r.status_code == 302 and _counts() == before
    assert any("必须写明差异" in f for f in flashes(client.get(page).get_data(as_text=True)))
    assert client.post(f"{page}/return", data={**counted, "note": "股权出质通知书原件为 3 份"}).status_code == 302
    screen = client.get(page).get_data(as_text=True)
    assert "已退回A角" in screen and f"权证 {second['code']}:份数 清单为「2」,核对为「3」" in screen
    before = _counts()
    r = client.post(f"{page}/sign", data={"csrf_token": csrf_token(client, page)})
    assert r.status_code == 403 and "只有本项目的A角(zhang)可以重新签字" in r.get_data(as_text=True)
    assert _counts() == before
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    client = browser_login("zhang")
    assert "退回待更正的权证清单" in client.get("/").get_data(as_text=True)
    screen = client.get(page).get_data(as_text=True)
    assert "更正清单" in screen and "股权出质通知书原件为 3 份" in screen
    token = csrf_token(client, page)
    rows = {"csrf_token": token}
    for n, c in enumerate(listed["certificates"]):
        rows |= {f"id-{n}": str(c["id"]), f"kind-{n}": c["kind"], f"name-{n}": c["name"],
                 f"number-{n}": c["number"], f"owner-{n}": c["owner"], f"quantity-{n}": str(c["quantity"])}
    rows["quantity-1"] = "3"
    assert client.post(f"{page}/certificates", data=rows).status_code == 302
    assert client.post(f"{page}/sign", data={"csrf_token": token}).status_code == 302
    screen = client.get(page).get_data(as_text=True)
    assert "待B角核对" in screen and "已作废的签字" in screen and "第 1 轮" in screen
    with database.connection_context():
        assert Certificate.get_by_id(second["id"]).quantity == 3
        assert sorted((s.round, s.role) for s in CertificateSignature.select()) == [(1, "A"), (2, "A")]
