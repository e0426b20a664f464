"""A first visit: the login page without a warning banner, a favicon, amounts as ¥1,234,567.00."""
from archive_service.web.pages.formats import yuan


def test_a_first_visit_lands_on_the_login_page_without_a_warning(client):
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "登录" in page and "请先登录" not in page and "alert-warning" not in page


def test_the_favicon_is_served_without_signing_in_and_linked_from_every_page(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    assert 'rel="icon"' in client.get("/login").get_data(as_text=True)


def test_amounts_read_as_yuan_with_thousands_and_two_decimals():
    assert yuan("1234567") == "¥1,234,567.00" and yuan(50000.5) == "¥50,000.50" and yuan("abc") == "abc"
