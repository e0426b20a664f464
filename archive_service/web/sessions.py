"""Browser sessions in a signed cookie, as Flask keeps them, minus the work a request without a
session cookie does not need: API clients send a bearer token and no cookie, and every API call
would otherwise build a signer to read and then not write an empty session."""
from flask import request
from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if not request.environ.get("HTTP_COOKIE"):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if session or session.modified or request.environ.get("HTTP_COOKIE"):
            return super().save_session(app, session, response)
        return None  # no cookie came and none goes back
