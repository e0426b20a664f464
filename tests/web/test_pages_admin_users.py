"""User administration through the HTML forms (admin only; accounts are never deleted)."""
import re

from tests.web.page_helpers import add_user, flashes, form_action, sign_in, snapshot, stored_user, submit

NEW_USER = {"username": "liu", "display_name": "刘会计", "department": "财务部", "email": "liu@example.cn",
            "password": "long-enough-1", "roles": ["custodian", "auditor"]}


def as_admin(client):
    add_user("root", "admin", display_name="管理员")
    sign_in(client, "root")
    return client


def test_user_list_shows_roles_in_chinese(client):
    add_user("zhang", "manager", "approver", display_name="张经理")
    page = as_admin(client).get("/admin/users").get_data(as_text=True)
    assert "张经理" in page and "客户经理" in page and "有权审批人" in page
    assert 'href="/admin/users/zhang"' in page


def test_admin_creates_a_user_through_the_form(client):
    as_admin(client)
    r = submit(client, "/admin/users", form_action(client, "/admin/users", "new-user"), NEW_USER)
    assert r.status_code == 302 and r.location == "/admin/users"
    assert flashes(client.get(r.location).get_data(as_text=True)) == ["已创建用户 liu(刘会计)"]
    created = stored_user("liu")
    assert (created["display_name"], created["department"], created["email"], created["roles"], created["active"]) \
        == ("刘会计", "财务部", "liu@example.cn", ["custodian", "auditor"], True)
    assert sign_in(client.application.test_client(), "liu", "long-enough-1").status_code == 302


def test_refused_creation_flashes_the_reason_and_changes_nothing(client):
    as_admin(client)
    before = snapshot()
    for data, reason in [({**NEW_USER, "password": "short"}, "密码至少需要 8 个字符"),
                         ({**NEW_USER, "roles": []}, "至少需要一个角色"),
                         ({**NEW_USER, "username": "root"}, "用户名 root 已存在")]:
        r = submit(client, "/admin/users", "/admin/users", data)
        assert r.status_code == 302 and r.location == "http://localhost/admin/users"
        assert flashes(client.get("/admin/users").get_data(as_text=True)) == [reason]
        assert snapshot() == before


def test_refused_creation_keeps_what_was_typed_except_the_password(client):
    as_admin(client)
    submit(client, "/admin/users", "/admin/users", {**NEW_USER, "password": "short"})
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'value="{NEW_USER["display_name"]}"' in page and f'value="{NEW_USER["department"]}"' in page
    assert 'value="short"' not in page
    assert f'value="{NEW_USER["display_name"]}"' not in client.get("/admin/users").get_data(as_text=True)


def test_admin_edits_name_department_email_and_roles(client):
    add_user("zhang", "manager")
    as_admin(client)
    r = submit(client, "/admin/users/zhang", form_action(client, "/admin/users/zhang", "edit-user"),
               {"display_name": "张伟", "department": "业务二部", "email": "zw@example.cn",
                "roles": ["manager", "approver"]})
    assert r.status_code == 302 and r.location == "/admin/users/zhang"
    assert flashes(client.get(r.location).get_data(as_text=True)) == ["已保存用户 zhang 的资料"]
    user = stored_user("zhang")
    assert (user["display_name"], user["department"], user["email"], user["roles"]) \
        == ("张伟", "业务二部", "zw@example.cn", ["manager", "approver"])


def test_edit_form_shows_current_roles_checked(client):
    add_user("zhang", "manager", "approver")
    page = as_admin(client).get("/admin/users/zhang").get_data(as_text=True)
    assert set(re.findall(r'name="roles" value="(\w+)" id="role-\w+"\s+checked', page)) == {"manager", "approver"}


def test_admin_resets_a_password_and_the_old_one_stops_working(client):
    add_user("zhang", "manager")
    as_admin(client)
    r = submit(client, "/admin/users/zhang", form_action(client, "/admin/users/zhang", "reset-password"),
               {"password": "brand-new-pass"})
    assert r.status_code == 302 and r.location == "/admin/users/zhang"
    other = client.application.test_client()
    assert sign_in(other, "zhang").status_code == 401
    assert sign_in(other, "zhang", "brand-new-pass").status_code == 302


def test_admin_deactivates_and_reactivates_a_user_who_is_kept(client):
    add_user("zhang", "manager")
    as_admin(client)
    r = submit(client, "/admin/users/zhang", form_action(client, "/admin/users/zhang", "set-active"), {})
    assert r.status_code == 302
    assert flashes(client.get(r.location).get_data(as_text=True)) == ["已停用用户 zhang"]
    assert stored_user("zhang")["active"] is False
    assert "已停用" in client.get("/admin/users").get_data(as_text=True)
    assert sign_in(client.application.test_client(), "zhang").status_code == 401
    submit(client, "/admin/users/zhang", form_action(client, "/admin/users/zhang", "set-active"), {})
    assert stored_user("zhang")["active"] is True


def test_edit_without_any_role_is_refused_and_changes_nothing(client):
    add_user("zhang", "manager")
    as_admin(client)
    before = snapshot()
    r = submit(client, "/admin/users/zhang", "/admin/users/zhang", {"display_name": "张伟"})
    assert r.status_code == 302 and r.location == "http://localhost/admin/users/zhang"
    assert flashes(client.get("/admin/users/zhang").get_data(as_text=True)) == ["至少需要一个角色"]
    assert snapshot() == before


def test_admin_cannot_deactivate_themself(client):
    as_admin(client)
    before = snapshot()
    r = submit(client, "/admin/users/root", "/admin/users/root/deactivate", {})
    assert r.status_code == 302 and r.location == "http://localhost/admin/users/root"
    assert flashes(client.get("/admin/users/root").get_data(as_text=True)) == ["不能停用自己的账号"]
    assert snapshot() == before


def test_forms_without_csrf_token_are_refused_and_change_nothing(client):
    add_user("zhang", "manager")
    as_admin(client)
    before = snapshot()
    for action, data in [("/admin/users", NEW_USER), ("/admin/users/zhang", {"display_name": "改名"}),
                         ("/admin/users/zhang/password", {"password": "brand-new-pass"}),
                         ("/admin/users/zhang/deactivate", {})]:
        r = submit(client, "/admin/users", action, data, token=False)
        assert r.status_code == 403 and "安全令牌" in r.get_data(as_text=True)
    assert snapshot() == before


def test_a_manager_can_neither_see_nor_change_accounts(client):
    add_user("root", "admin")
    add_user("zhang", "manager")
    sign_in(client, "zhang")
    assert "用户管理" not in client.get("/").get_data(as_text=True)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/root").status_code == 403
    before = snapshot()
    r = submit(client, "/", "/admin/users", NEW_USER)
    assert r.status_code == 403 and "您没有执行此操作的权限" in r.get_data(as_text=True)
    r = submit(client, "/", "/admin/users/root/deactivate", {})
    assert r.status_code == 403
    assert snapshot() == before


def test_an_auditor_sees_the_list_without_forms(client):
    add_user("zhou", "auditor")
    sign_in(client, "zhou")
    r = client.get("/admin/users")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "zhou" in page
    assert 'id="new-user"' not in page and "/admin/users/zhou" not in page
    page = client.get("/admin/users/zhou").get_data(as_text=True)
    assert "<fieldset disabled>" in page and 'id="reset-password"' not in page and 'id="set-active"' not in page


def test_unknown_user_is_a_404_page(client):
    as_admin(client)
    r = client.get("/admin/users/nobody")
    assert r.status_code == 404 and "找不到用户 nobody" in r.get_data(as_text=True)
