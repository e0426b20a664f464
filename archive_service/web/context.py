"""What a request knows about its caller and the time: shared by pages and the API."""
from flask import current_app, g, request

from ..adapters.scan_store import ScanStore
from ..domain.errors import NotAuthenticated


def now():
    return current_app.extensions["archive_clock"].now()


def client_addr():
    return request.remote_addr or ""


def current_actor():
    """The signed-in actor (bearer token for the API, session for pages)."""
    actor = g.get("actor")
    if actor is None:
        raise NotAuthenticated()
    return actor


def setting(name):
    return current_app.config[name]


def scan_store():
    return ScanStore.from_config(current_app.config)
