"""Issue 9 row 8: sessions end when they should (logout, password change, deactivation), tokens
of a deactivated user stay revoked, a stranger cannot lock an account out, Secure cookies in
production, and a Content-Security-Policy that the pages' own scripts and styles satisfy."""
import re
from pathlib import Path

import pytest

from archive_service import create_app
from archive_service.db import database
from archive_service.models import ApiToken, LoginThrottle
from archive_service.services.accounts import users
from tests.conftest import NOW, PASSWORD
from tests.web.page_helpers import add_user, sign_in

TEMPLATES = Path(__file__).parents[2] / "templates"


def admin_actor():
    with database.connection_context():
        return users.actor_of(users.User.get(users.User.username == "root"))


def session_cookie(client):
    return client.get_cookie("session").value


def is_signed_in(client):
    return client.get("/").status_code == 200


def test_the_session_cookie_still_works_after_logout_no_more(client):
    add_user("wang", "manager")
    sign_in(client, "wang")
    stolen = session_cookie(client)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    client.set_cookie("session", stolen)
    assert not is_signed_in(client)


def test_logout_in_one_browser_signs_the_user_out_everywhere(app):
    add_user("wang", "manager")
    first, second = app.test_client(), app.test_client()
    sign_in(first, "wang"), sign_in(second, "wang")
    token = re.search(r'name="csrf_token" value="([^"]+)"', first.get("/").get_data(as_text=True)).group(1)
    first.post("/logout", data={"csrf_token": token})
    assert not is_signed_in(second)
    sign_in(second, "wang")
    assert is_signed_in(second)


def test_a_password_change_ends_the_users_open_sessions(client):
    add_user("root", "admin")
    add_user("wang", "manager")
    sign_in(client, "wang")
    assert is_signed_in(client)
    with database.connection_context():
        users.update_user(admin_actor(), "wang", password="New-Passw0rd!", now=NOW)
    assert not is_signed_in(client)
    assert sign_in(client, "wang", "New-Passw0rd!").status_code == 302


def test_a_reactivated_users_old_tokens_work_again_no_more(api, client):
    root, wang = api("root", "admin"), api("wang", "manager")
    sign_in(client, "wang")
    assert wang.get("/me").status_code == 200
    assert root.patch("/users/wang", json={"active": False}).status_code == 200
    assert wang.get("/me").status_code == 401 and not is_signed_in(client)
    assert root.patch("/users/wang", json={"active": True}).status_code == 200
    assert wang.get("/me").status_code == 401 and not is_signed_in(client)
    with database.connection_context():
        assert ApiToken.select().where(ApiToken.revoked_at.is_null(True)).join(users.User).where(
            users.User.username == "wang").count() == 0
    assert api("wang").get("/me").status_code == 200  # a new sign-in works


def test_anyone_can_lock_admin_out_by_failing_its_password_no_more(db, make_actor):
    make_actor("root", "admin")

    def login(password, addr):
        return users.authenticate("root", password, now=NOW, client_addr=addr, max_failures=5, lock_minutes=15)

    for _ in range(8):
        with pytest.raises(users.NotAuthenticated):
            login("guess", "203.0.113.9")
    assert login(PASSWORD, "10.0.0.1").username == "root"  # the admin at their own desk
    with pytest.raises(users.NotAuthenticated):  # the stranger's address stays locked, right password or not
        login(PASSWORD, "203.0.113.9")
    assert [(t.client_addr, t.locked_until is not None) for t in LoginThrottle.select()] == [("203.0.113.9", True)]


def test_unknown_usernames_are_throttled_the_same_way(db):
    for _ in range(5):
        with pytest.raises(users.NotAuthenticated):
            users.authenticate("nobody", "x", now=NOW, client_addr="203.0.113.9")
    assert LoginThrottle.get(LoginThrottle.username == "nobody").locked_until is not None


@pytest.mark.parametrize(("env", "override", "secure"), [
    ("production", None, True), ("development", None, False), ("production", False, False),
    ("development", True, True)])
def test_session_cookies_are_secure_by_default_in_production(tmp_path, env, override, secure):
    config = {"ENV_NAME": env, "SECRET_KEY": "x" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/a.db"}
    if override is not None:
        config["SESSION_COOKIE_SECURE"] = override
    assert create_app(config).config["SESSION_COOKIE_SECURE"] is secure


def test_every_page_and_answer_carries_a_content_security_policy_of_local_assets(client):
    add_user("li", "archivist")
    sign_in(client, "li")
    for path in ("/", "/login", "/favicon.ico"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy and "http" not in policy
    for path in ("/api/v1/openapi.json", "/api/v1/lookup/NO-SUCH-CODE"):
        assert client.get(path).headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    page = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    html = page.get_data(as_text=True)
    inline = re.findall(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline and all(f'nonce="{nonce}"' in attrs for _, attrs in inline)
    assert nonce not in client.get("/login").headers["Content-Security-Policy"]  # a new one each answer


def test_every_inline_script_and_style_in_the_templates_carries_the_csp_nonce():
    """An inline block without the nonce would be blocked by the browser: the page would break."""
    missing = []
    for template in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", template.read_text(encoding="utf-8")):
            if "src=" not in tag and "csp_nonce()" not in tag:
                missing.append(f"{template.relative_to(TEMPLATES)}: {tag}")
    assert missing == []
    handlers = [str(t.relative_to(TEMPLATES)) for t in TEMPLATES.rglob("*.html")
                if re.search(r"\son[a-z]+=|javascript:", t.read_text(encoding="utf-8"))]
    assert handlers == []  # inline event handlers cannot carry a nonce
