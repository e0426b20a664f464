"""Signing in and out through the HTML login form."""
import pytest

from archive_service.db import database
from archive_service.services.accounts import users
from tests.conftest import NOW, PASSWORD, csrf_token
from tests.web.page_helpers import add_user, flashes, sign_in, snapshot

BAD_LOGIN = "用户名或密码错误,或账号已被锁定"


def test_login_lands_on_the_dashboard_in_chinese(client):
    add_user("li", "archivist", display_name="李档案")
    r = sign_in(client, "li")
    assert r.status_code == 302 and r.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "工作台" in page and "李档案" in page


def test_wrong_password_and_unknown_user_get_the_same_page(client):
    add_user("zhang", "manager")
    wrong = sign_in(client, "zhang", "not-the-password")
    unknown = sign_in(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert flashes(wrong.get_data(as_text=True)) == flashes(unknown.get_data(as_text=True)) == [BAD_LOGIN]
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(("failures", "signed_in"), [(4, True), (5, False)])
def test_five_failures_lock_the_account_even_for_the_right_password(client, failures, signed_in):
    add_user("zhang", "manager")
    for _ in range(failures):
        assert sign_in(client, "zhang", "wrong-password").status_code == 401
    r = sign_in(client, "zhang")
    assert (r.status_code == 302) is signed_in
    if not signed_in:
        assert flashes(r.get_data(as_text=True)) == [BAD_LOGIN]
        assert client.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in(client):
    add_user("root", "admin")
    add_user("wang", "manager")
    with database.connection_context():
        admin = users.actor_of(users.User.get(users.User.username == "root"))
        users.update_user(admin, "wang", active=False, now=NOW)
    r = sign_in(client, "wang")
    assert r.status_code == 401 and flashes(r.get_data(as_text=True)) == [BAD_LOGIN]


def test_deactivation_ends_an_open_session(app, client):
    add_user("root", "admin")
    add_user("wang", "manager")
    sign_in(client, "wang")
    assert client.get("/").status_code == 200
    with database.connection_context():
        admin = users.actor_of(users.User.get(users.User.username == "root"))
        users.update_user(admin, "wang", active=False, now=NOW)
    r = client.get("/")
    assert r.status_code == 302 and r.location.startswith("/login")


def test_login_form_without_csrf_token_is_refused_and_signs_nobody_in(client):
    add_user("zhang", "manager")
    before = snapshot()
    r = client.post("/login", data={"username": "zhang", "password": PASSWORD})
    assert r.status_code == 403 and "安全令牌" in r.get_data(as_text=True)
    assert snapshot() == before
    assert client.get("/").status_code == 302


def test_pages_need_a_session_and_return_to_the_page_after_login(client):
    add_user("root", "admin")
    r = client.get("/admin/users")
    assert r.status_code == 302 and r.location.startswith("/login?next=")
    r = client.post(r.location, data={"username": "root", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert r.status_code == 302 and r.location == "/admin/users"


def test_logout_ends_the_session(client):
    add_user("li", "archivist")
    sign_in(client, "li")
    r = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert r.status_code == 302 and r.location == "/login"
    assert client.get("/").status_code == 302
