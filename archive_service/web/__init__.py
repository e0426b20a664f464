"""The web layer: HTML pages and the JSON API over the same services."""
import secrets
import threading
import time

from flask import g, request
from flask_bootstrap import Bootstrap5
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..db import database
from ..domain.errors import Forbidden
from . import errors
from .api import init_api
from .boundary import refuse_control_characters
from .pages import init_pages
from .sessions import CookieSessions


def init_web(app):
    app.config.setdefault("BOOTSTRAP_SERVE_LOCAL", True)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # answers keep the services' own key order, and skip a sort per object
    app.session_interface = CookieSessions()
    csrf = CSRFProtect(app)
    Bootstrap5(app)
    app.before_request(refuse_control_characters)
    app.before_request(_open_db)
    app.teardown_request(_close_db)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"csp_nonce": csp_nonce})
    errors.register(app)
    app.register_error_handler(CSRFError, _csrf_refused)
    init_api(app, csrf)
    init_pages(app)


# A server thread keeps its connection for its next request: a pool checkout and return cost
# more than a scan lookup's own query. A connection idle for KEEP_SECONDS goes back to the pool,
# which checks it before handing it out again; a request that failed gives its connection back.
KEEP_SECONDS = 10.0
_kept = threading.local()


def _open_db():
    g.actor = None
    if not database.is_closed() and time.monotonic() - getattr(_kept, "since", 0.0) > KEEP_SECONDS:
        database.close()
    database.connect(reuse_if_open=True)


def _close_db(exc):
    if exc is not None:
        errors.give_back_connection()
    _kept.since = time.monotonic()


# Pages use only the service's own assets; the few inline <script>/<style> blocks carry the
# request's nonce (`csp_nonce` in templates). Style attributes stay allowed: they cannot run code.
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
       "style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'self'")


def csp_nonce():
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "SAMEORIGIN"),
                    ("Referrer-Policy", "same-origin"))
# JSON renders no markup: nothing of it may load, run or be framed (frame-ancestors is what
# X-Frame-Options says to browsers older than CSP 2), and it is never sniffed as anything else.
JSON_HEADERS = (("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
                ("X-Content-Type-Options", "nosniff"))


def _security_headers(response):
    """The security headers on every answer, unless the view set its own (one pass over the headers)."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    if response.is_json:
        wanted = list(JSON_HEADERS)
    else:
        wanted = [("Content-Security-Policy", CSP.format(nonce=csp_nonce())), *SECURITY_HEADERS]
    if not request.path.startswith("/api/"):
        wanted.append(("Cache-Control", "no-store"))
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def _csrf_refused(_error):
    return errors.archive_error_response(Forbidden("auth.csrf_failed", "表单已过期或缺少安全令牌,请刷新页面后重试"))
