"""The R21 and R23 pages with the test client: forms post to the services, refusals flash in
Chinese and change nothing, statement counts of the lists do not grow with their rows."""
from archive_service.db import database
from archive_service.models import ArchiveFile, Disposal, Project
from tests.sqlcount import count_statements
from tests.web.page_helpers import add_user, flashes, sign_in, snapshot, submit


def _projects(api, n=2):
    arch = api("li", "archivist")
    for name in ("lizhi", "bjiao", "jieban"):
        api(name, "manager")
    cust = arch.post("/customers", json={"name": "孙十", "kind": "person", "id_number": "110101198202022222"})
    return [arch.post("/projects", json={"code": f"C-{n_}", "customer_id": cust.get_json()["id"], "business": "loan",
                                         "title": "经营贷", "amount": 1, "a_user": "lizhi", "b_user": "bjiao",
                                         "ended_on": "2026-09-30"}).get_json()["id"] for n_ in range(n)]


def test_r21_departure_page_hands_everything_over_and_the_user_page_then_deactivates(client, api):
    _projects(api)
    add_user("boss", "admin")
    sign_in(client, "boss")
    page = "/admin/users/lizhi/departure"
    html = client.get(page).get_data(as_text=True)
    assert "C-0" in html and "C-1" in html and "全部交接" in html
    refused = submit(client, "/admin/users/lizhi", "/admin/users/lizhi/deactivate", {})
    assert "请先办理离职交接" in flashes(client.get(refused.headers["Location"]).get_data(as_text=True))[0]
    bad = submit(client, page, page, {"successor": "lizhi", "scope": "all"})
    assert flashes(client.get(bad.headers["Location"]).get_data(as_text=True)) == ["不能交接给本人"]
    none_chosen = submit(client, page, page, {"successor": "jieban", "scope": "chosen"})
    assert "交接项编号" in flashes(client.get(none_chosen.headers["Location"]).get_data(as_text=True))[0]
    with database.connection_context():
        assert {p.a_user.username for p in Project.select()} == {"lizhi"}
    done = submit(client, page, page, {"successor": "jieban", "scope": "all", "note": "离职"})
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已将 2 项交接给 jieban" in html and "打印交接清单 #1" in html
    pdf = client.get("/admin/transfers/1/list.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    assert "C-0" in client.get("/admin/transfers/1").get_data(as_text=True)
    ok = submit(client, "/admin/users/lizhi", "/admin/users/lizhi/deactivate", {})
    assert "已停用用户 lizhi" in flashes(client.get(ok.headers["Location"]).get_data(as_text=True))


def test_r21_project_page_shows_reassignments_and_the_archivist_reassigns(client, api):
    pid = _projects(api, 1)[0]
    sign_in(client, "li")
    page = f"/projects/{pid}"
    assert "变更经办人" in client.get(page).get_data(as_text=True)
    bad = submit(client, page, f"/projects/{pid}/reassign", {"role": "B", "user": "jieban", "reason": ""})
    assert "原因" in flashes(client.get(bad.headers["Location"]).get_data(as_text=True))[0]
    tab = submit(client, page, f"/projects/{pid}/reassign", {"role": "B", "user": "jieban", "reason": "岗位\t调整"})
    assert flashes(client.get(tab.headers["Location"]).get_data(as_text=True))
    with database.connection_context():
        assert Project.get_by_id(pid).b_user.username == "bjiao"
    done = submit(client, page, f"/projects/{pid}/reassign", {"role": "B", "user": "jieban", "reason": "岗位调整"})
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "岗位调整" in html and "B角" in html



def test_r21_the_admin_reaches_a_filed_project_from_the_departure_page_and_reassigns_it(client, api, received):
    api("jieban", "manager")
    add_user("boss", "admin")
    with database.connection_context():
        pid = ArchiveFile.get(ArchiveFile.archive_no == received["no"]).project_id
    sign_in(client, "boss")
    html = client.get("/admin/users/wang/departure").get_data(as_text=True)
    assert f'href="/projects/{pid}"' in html and "已归档" in html
    page = f"/projects/{pid}"
    html = client.get(page).get_data(as_text=True)
    assert "变更经办人" in html and "可查阅其已归档的档案" in html and 'value="jieban"' in html
    done = submit(client, page, f"/projects/{pid}/reassign", {"role": "B", "user": "jieban", "reason": "原B角离职"})
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "原B角离职" in html and "B角 jieban" in flashes(html)[0]
    with database.connection_context():
        assert Project.get_by_id(pid).b_user.username == "jieban"
    ok = submit(client, "/admin/users/wang", "/admin/users/wang/deactivate", {})
    assert "已停用用户 wang" in flashes(client.get(ok.headers["Location"]).get_data(as_text=True))


def test_r21_a_role_change_that_leaves_the_archive_without_its_keeper_is_refused_on_the_user_page(client, received):
    add_user("boss", "admin")
    sign_in(client, "boss")
    before = snapshot()
    refused = submit(client, "/admin/users/li", "/admin/users/li",
                     {"display_name": "li", "department": "", "email": "", "roles": ["custodian"]})
    message = flashes(client.get(refused.headers["Location"]).get_data(as_text=True))[0]
    assert "移除档案管理员角色后将无人经办或保管" in message and "档案室" in message
    assert snapshot() == before

def test_r23_appraisal_disposal_and_destruction_pages(client, api, received):
    no = received["no"]
    api("pizhun", "approver")
    with database.connection_context():
        ArchiveFile.update(year=2014).where(ArchiveFile.archive_no == no).execute()
    sign_in(client, "li")
    detail = f"/archives/{no}"
    changed = submit(client, detail, f"/archives/{no}/retention", {"period": "10y", "reason": "短期保管"})
    assert "保管至 2024-12-31" in client.get(changed.headers["Location"]).get_data(as_text=True)
    html = client.get("/appraisals?year=2024").get_data(as_text=True)
    assert no in html and "已期满" in html
    made = submit(client, "/appraisals?year=2024", "/disposals", {"archive_nos": no, "reason": "保管期满"})
    assert made.headers["Location"].endswith("/disposals/1")
    assert "确认已销毁" not in client.get("/disposals/1").get_data(as_text=True)
    sign_in(client, "pizhun")
    decided = submit(client, "/disposals/1", "/disposals/1/decision", {"decision": "approve", "note": "同意"})
    assert "已批准销毁" in client.get(decided.headers["Location"]).get_data(as_text=True)
    sign_in(client, "li")
    destroyed = submit(client, "/disposals/1", "/disposals/1/destroy", {})
    assert "台帐记录和档号保留" in client.get(destroyed.headers["Location"]).get_data(as_text=True)
    assert "已销毁" in client.get(detail).get_data(as_text=True)
    assert client.get("/disposals/1/list.pdf").data[:5] == b"%PDF-"
    with database.connection_context():
        assert Disposal.get_by_id(1).state == "destroyed"


def test_r23_admin_sets_the_default_periods_on_a_page(client):
    add_user("boss", "admin")
    sign_in(client, "boss")
    done = submit(client, "/admin/retention", "/admin/retention", {"loan": "10y", "guarantee": "permanent"})
    assert "默认保管期限已保存" in client.get(done.headers["Location"]).get_data(as_text=True)
    bad = submit(client, "/admin/retention", "/admin/retention", {"loan": "5y"})
    assert "保管期限必须是" in flashes(client.get(bad.headers["Location"]).get_data(as_text=True))[0]


def test_r21_the_departure_page_costs_the_same_statements_for_1_and_50_projects(client, api):
    arch = api("li", "archivist")
    for name in ("lizhi", "bjiao"):
        api(name, "manager")
    add_user("boss", "admin")
    sign_in(client, "boss")
    cust = arch.post("/customers", json={"name": "孙十", "kind": "person", "id_number": "110101198202022222"})

    def project(n):
        arch.post("/projects", json={"code": f"C-{n}", "customer_id": cust.get_json()["id"], "business": "loan",
                                     "title": "经营贷", "amount": 1, "a_user": "lizhi", "b_user": "bjiao",
                                     "ended_on": "2026-09-30"})

    def cost():
        with count_statements() as log:
            assert client.get("/admin/users/lizhi/departure").status_code == 200
        return len(log)

    project(0)
    one = cost()
    for n in range(1, 50):
        project(n)
    assert one > 0 and cost() == one
