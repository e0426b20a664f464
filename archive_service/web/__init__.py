"""The web layer: HTML pages and the JSON API over the same services."""
import secrets

from flask import g, request
from flask_bootstrap import Bootstrap5
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..db import database
from ..domain.errors import Forbidden
from . import errors
from .api import init_api
from .boundary import refuse_control_characters
from .pages import init_pages


def init_web(app):
    app.config.setdefault("BOOTSTRAP_SERVE_LOCAL", True)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.json.ensure_ascii = False
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


def _open_db():
    g.actor = None
    database.connect(reuse_if_open=True)


def _close_db(_exc):
    if not database.is_closed():
        database.close()


# Pages use only the service's own assets; the few inline <script>/<style> blocks carry the
# request's nonce (`csp_nonce` in templates). Style attributes stay allowed: they cannot run code.
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
       "style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'self'")


def csp_nonce():
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _csrf_refused(_error):
    return errors.archive_error_response(Forbidden("auth.csrf_failed", "表单已过期或缺少安全令牌,请刷新页面后重试"))
