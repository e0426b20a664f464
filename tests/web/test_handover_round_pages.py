"""The pages of the handover rounds: A edits the draft, answers missing entries one at a time,
the archivist counts blind and refuses a receipt; refusals stay on the form with what was typed."""
from archive_service.db import database
from archive_service.models import HandoverItem, ReceiptRefusal, SupplementAnswer
from tests.conftest import csrf_token
from tests.web.test_handover_pages import ITEMS, setup  # noqa: F401  (the fixture)

MISSING = [{"title": "抵押登记证明", "reason": "未附"}, {"title": "借款人签字页", "reason": "缺签字"}]


def count(model):
    with database.connection_context():
        return model.select().count()


def post(client, path, form, page):
    token = csrf_token(client, page)
    return client.post(path, data={"csrf_token": token, **form}, headers={"Referer": f"http://localhost{page}"})


def follow(client, r):
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return client.get(r.headers["Location"]).get_data(as_text=True)


def draft(setup):  # noqa: F811
    p = setup["project"]()
    return setup["a"].post(f"/projects/{p['id']}/handovers", json={"items": ITEMS}).get_json()


def test_r6_a_edits_the_draft_on_its_page_and_not_after_signing(setup, browser_login):  # noqa: F811
    h = draft(setup)
    client, page = browser_login("zhang"), f"/handovers/{h['id']}"
    assert 'id="edit-form"' in client.get(page).get_data(as_text=True)
    form = {"part-0": "1", "title-0": "审批表(修订)", "pages-0": "3", "part-1": "2", "title-1": "借款合同",
            "pages-1": "5", "contract-1": "on", "part-2": "2", "title-2": "借款合同(客户联)", "pages-2": "",
            "part-3": "4", "title-3": "营业执照", "pages-3": "1"}
    shown = follow(client, post(client, f"/handovers/{h['id']}/items", form, page))
    assert "草稿已修改" in shown and "审批表(修订)" in shown and "借款合同(客户联)" not in shown.split("edit-form")[0]
    assert count(HandoverItem) == 3
    bad = follow(client, post(client, f"/handovers/{h['id']}/items", {**form, "pages-0": "abc"}, page))
    assert "页数必须是" in bad and 'value="abc"' in bad and count(HandoverItem) == 3
    setup["a"].post(f"/handovers/{h['id']}/submit")
    assert 'id="edit-form"' not in client.get(page).get_data(as_text=True)
    signed = follow(client, post(client, f"/handovers/{h['id']}/items", form, page))
    assert "不能修改清单" in signed and count(HandoverItem) == 3


def test_r7_a_answers_one_missing_entry_at_a_time_on_the_page(setup, browser_login):  # noqa: F811
    h = draft(setup)
    setup["a"].post(f"/handovers/{h['id']}/submit")
    setup["b"].post(f"/handovers/{h['id']}/review", json={"decision": "return", "missing": MISSING})
    client, page = browser_login("zhang"), f"/handovers/{h['id']}"
    nothing = follow(client, post(client, f"/handovers/{h['id']}/supplement", {"answer-1-0": "later"}, page))
    assert "请至少答复一项缺失资料" in nothing and count(SupplementAnswer) == 0
    typed = {"answer-1-0": "supply", "sup-part-1-0": "2", "sup-title-1-0": "抵押登记证明", "sup-pages-1-0": "x"}
    kept = follow(client, post(client, f"/handovers/{h['id']}/supplement", typed, page))
    assert "页数必须是" in kept and 'value="x"' in kept and 'value="supply" checked' in kept
    first = follow(client, post(client, f"/handovers/{h['id']}/supplement", {**typed, "sup-pages-1-0": "2"}, page))
    assert "已补 1/2" in first and "已补交" in first
    setup["b"].post(f"/handovers/{h['id']}/review", json={"decision": "return", "missing": []})
    second = follow(client, post(client, f"/handovers/{h['id']}/supplement",
                                 {"answer-1-1": "explain", "note-1-1": "借款人已在审批表上补签"}, page))
    assert "已补齐" in second and "已说明:借款人已在审批表上补签" in second


def test_r11_the_receive_form_is_a_blind_count_unless_the_admin_turns_it_off(setup, browser_login, api):  # noqa: F811
    hid = setup["accepted"]()
    client = browser_login("li")
    form = client.get(f"/handovers/{hid}/receive").get_data(as_text=True)
    assert "盲点模式" in form and "expected-pages" not in form and "<th class=\"text-end\">清单页数</th>" not in form
    api("boss", "admin").put("/settings/receipt", json={"blind_count": False})
    assert "expected-pages" in client.get(f"/handovers/{hid}/receive").get_data(as_text=True)


def test_r11_the_archivist_refuses_on_the_receive_form_and_b_sees_why(setup, browser_login):  # noqa: F811
    hid = setup["accepted"]()
    items = setup["arch"].get(f"/handovers/{hid}").get_json()["items"]
    counts = {f"check-{i['id']}": str(i["pages"] - (1 if n == 0 else 0)) for n, i in enumerate(items)}
    client, page = browser_login("li"), f"/handovers/{hid}/receive"
    no_note = follow(client, post(client, f"/handovers/{hid}/refuse", {**counts, "note": " "}, page))
    assert "拒收时必须写明原因" in no_note and f'value="{items[0]["pages"] - 1}"' in no_note
    assert count(ReceiptRefusal) == 0
    done = follow(client, post(client, f"/handovers/{hid}/refuse", {**counts, "note": "审批表少一页"}, page))
    assert "已拒收" in done and "档案室拒收" in done and "审批表少一页" in done
    b_page = browser_login("wang").get(f"/handovers/{hid}").get_data(as_text=True)
    assert "审批表:清单 2 页,清点 1 页" in b_page and "B角签字,移交档案室" in b_page


def test_r7_my_lists_show_how_many_missing_entries_are_answered(setup, browser_login):  # noqa: F811
    h = draft(setup)
    setup["a"].post(f"/handovers/{h['id']}/submit")
    setup["b"].post(f"/handovers/{h['id']}/review", json={"decision": "return", "missing": MISSING})
    setup["a"].post(f"/handovers/{h['id']}/supplement", json={"items": [
        {"part": 2, "title": "抵押登记证明", "pages": 2}]})
    assert "已补 1/2" in browser_login("zhang").get("/handovers").get_data(as_text=True)


def test_r10_each_home_page_lists_its_own_work_and_the_approver_sees_extensions(setup, browser_login, api):  # noqa: F811
    h = draft(setup)
    home = browser_login("zhang").get("/").get_data(as_text=True)
    assert 'id="home-tasks"' in home and "签字提交B角" in home and "C-001 赵六经营贷" in home
    setup["a"].post(f"/handovers/{h['id']}/extensions", json={"step": "a_to_b", "until": "2026-12-31",
                                                             "reason": "客户补签合同"})
    api("sun", "approver")
    approver_home = browser_login("sun").get("/").get_data(as_text=True)
    assert 'id="home-extensions"' in approver_home and "客户补签合同" in approver_home
    assert "A角移交B角" in approver_home and "C-001 赵六经营贷" in approver_home


def test_r11_the_admin_turns_the_blind_count_off_on_the_settings_page(setup, browser_login, api):  # noqa: F811
    hid = setup["accepted"]()
    api("boss", "admin")
    admin = browser_login("boss")
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "盲点核对" in page and 'name="blind_count" checked' in page
    follow(admin, post(admin, "/admin/settings", {}, "/admin/settings"))
    assert "expected-pages" in browser_login("li").get(f"/handovers/{hid}/receive").get_data(as_text=True)
    assert browser_login("li").get("/admin/settings").status_code == 403
