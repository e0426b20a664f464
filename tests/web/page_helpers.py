"""Helpers for the HTML page tests: users made through the service, forms posted like a browser."""
import re

from archive_service.db import database
from archive_service.models import AuditEntry, User
from archive_service.services.accounts import users
from tests.conftest import NOW, PASSWORD, csrf_token


def add_user(username, *roles, password=PASSWORD, display_name=None):
    """A new account made through the service (as the command line would)."""
    with database.connection_context():
        users.create_user(None, username=username, password=password, roles=list(roles) or ["manager"],
                          display_name=display_name or username, now=NOW)


def stored_user(username):
    with database.connection_context():
        return users.user_view(User.get(User.username == username))


def count(model):
    with database.connection_context():
        return model.select().count()


def snapshot():
    """What a refused request must leave untouched: every account and the audit trail's length."""
    with database.connection_context():
        accounts = [users.user_view(u) | {"hash": u.password_hash} for u in User.select().order_by(User.id)]
        return accounts, AuditEntry.select().count()


def sign_in(client, username, password=PASSWORD):
    """Post the login form; returns the response."""
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)})


def submit(client, page, action, data, token=True):
    """Post a form found on `page` to `action`, with the page's CSRF token and the page as Referer,
    the way a browser does."""
    fields = dict(data)
    if token:
        fields["csrf_token"] = csrf_token(client, page)
    return client.post(action, data=fields, headers={"Referer": f"http://localhost{page}"})


def flashes(html):
    """The texts of the flash messages on a page."""
    return [m.strip() for m in re.findall(r'<div class="alert alert-\w+ alert-dismissible[^>]*>\s*(.*?)\s*<button',
                                          html, re.S)]


def form_action(client, page, form_id):
    """Where the form with `form_id` on `page` posts to."""
    html = client.get(page).get_data(as_text=True)
    return re.search(rf'<form [^>]*action="([^"]+)"[^>]*id="{form_id}"', html).group(1)
