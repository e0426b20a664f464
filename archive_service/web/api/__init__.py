"""The JSON API under /api/v1, with its OpenAPI 3.1 document at /api/v1/openapi.json."""
from . import (
    accounts,
    alerts,
    audit,
    calendar,
    certificates,
    customers,
    departure,
    handovers,
    labels,
    ledgers,
    loans,
    lookup,
    retention,
    scans,
)
from .base import ArchiveApi, authenticate_request

BLUEPRINTS = [accounts.bp, accounts.users_bp, calendar.bp, audit.bp,
              customers.bp, handovers.handovers_bp, handovers.archives_bp]
BLUEPRINTS += [labels.bp, scans.bp]
BLUEPRINTS += [lookup.bp, certificates.bp]
BLUEPRINTS += [ledgers.bp, departure.bp, retention.bp]
BLUEPRINTS += [loans.bp, alerts.bp]

OPENAPI_SETTINGS = {
    "API_TITLE": "archive-service",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "客户档案管理系统 JSON API. Errors are application/problem+json with a stable `code`."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    },
}


def init_api(app, csrf):
    for key, value in OPENAPI_SETTINGS.items():
        app.config.setdefault(key, value)
    api = ArchiveApi(app)
    app.before_request(authenticate_request)
    for bp in BLUEPRINTS:
        api.register_blueprint(bp)
        csrf.exempt(bp)
    return api
