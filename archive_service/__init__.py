"""archive-service: the customer archive of a micro-loan and guarantee company."""
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from .clock import Clock
from .db import bind, database

PACKAGE_DIR = Path(__file__).parent


def _templates_dir():
    """The copy shipped inside the wheel; the top-level templates/ in a source checkout."""
    shipped = PACKAGE_DIR / "templates"
    return shipped if shipped.is_dir() else PACKAGE_DIR.parent / "templates"


class ArchiveFlask(Flask):
    """Every view and hook of this service is synchronous: skip Flask's per-call check of each
    function for a coroutine (ten checks a request, a tenth of a scan lookup's time)."""

    def ensure_sync(self, func):
        return func


def create_app(config=None):
    """The Flask app. `config` overrides the defaults and ARCHIVE_* environment variables."""
    from .web import init_web

    app = ArchiveFlask(__name__, template_folder=str(_templates_dir()), instance_relative_config=True)
    app.config.update(config_module.load(config, instance_path=app.instance_path))
    app.extensions["archive_clock"] = Clock(app.config["FROZEN_NOW"])
    bind(app.config["DATABASE_URL"])
    app.extensions["archive_db"] = database.obj
    init_web(app)
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx: the client address (audit trail, lockout) and scheme are the proxy's to tell.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
