"""Error pages are zh-CN pages of the site, never a stack trace."""
from tests.conftest import csrf_token
from tests.web.page_helpers import add_user, sign_in, snapshot


def test_unknown_page_is_a_chinese_404(client):
    r = client.get("/no-such-page")
    page = r.get_data(as_text=True)
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert '<html lang="zh-CN">' in page and "找不到请求的页面或对象" in page and "返回首页" in page


def test_manager_opening_user_administration_gets_a_chinese_403(client):
    add_user("zhang", "manager")
    sign_in(client, "zhang")
    r = client.get("/admin/users")
    page = r.get_data(as_text=True)
    assert r.status_code == 403 and "无权访问" in page and "您没有执行此操作的权限" in page


def test_too_large_form_is_a_chinese_413_and_changes_nothing(app, client):
    add_user("zhang", "manager")
    app.config["MAX_CONTENT_LENGTH"] = 4096
    before = snapshot()
    r = client.post("/login", data={"username": "zhang", "password": "x" * 10_000, "csrf_token": csrf_token(client)})
    assert r.status_code == 413 and "上传的内容超过大小限制" in r.get_data(as_text=True)
    assert snapshot() == before


def test_unexpected_failure_is_a_chinese_500_without_details(app, client):
    def broken():
        raise RuntimeError("secret internals: db password is hunter2")

    app.add_url_rule("/broken", view_func=broken)
    r = client.get("/broken")
    page = r.get_data(as_text=True)
    assert r.status_code == 500 and "服务器内部错误,请联系管理员" in page
    assert "Traceback" not in page and "hunter2" not in page and "RuntimeError" not in page
