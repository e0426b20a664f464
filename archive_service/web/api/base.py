"""The API's plumbing: flask-smorest with problem+json errors and bearer-token authentication."""
from flask import g, request
from flask_smorest import Api, Blueprint
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from ...services import users
from ..context import client_addr, now
from ..errors import http_error_response, problem

OPEN_ENDPOINTS = {"tokens.issue", "api-docs.openapi_json"}


class ArchiveApi(Api):
    """Turns flask-smorest's and webargs' HTTP errors into problem+json with a stable code."""

    def handle_http_exception(self, error):
        data = getattr(error, "data", {}) or {}
        messages = data.get("messages")
        if error.code == 422 and messages:
            return problem(422, "request.invalid", "输入有误,请检查各字段", _flatten(messages))
        if error.code == 400 and messages:
            return problem(400, "request.malformed_json", "请求体不是有效的 JSON")
        return http_error_response(error)


def _flatten(messages):
    """webargs' {"json": {"items": {0: {"pages": ["…"]}}}} -> {"items.0.pages": "…"}."""
    flat = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat[prefix or "body"] = ";".join(value)
        else:
            flat[prefix or "body"] = str(value)

    for location, inner in messages.items():
        walk("" if location in ("json", "query", "form", "files", "multipart") else location, inner)
    return flat


class ArchiveParser(FlaskParser):
    """Adds location "multipart": the files and the fields of one multipart/form-data body."""

    __location_map__ = dict(FlaskParser.__location_map__, multipart="load_multipart")

    def load_multipart(self, req, schema):
        return MultiDictProxy(CombinedMultiDict([req.files, req.form]), schema)


class ArchiveBlueprint(Blueprint):
    ARGUMENTS_PARSER = ArchiveParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


def api_blueprint(name, description):
    return ArchiveBlueprint(name, __name__, url_prefix="/api/v1", description=description)


def authenticate_request():
    """Resolve the bearer token before every API call except the open ones."""
    if request.endpoint in OPEN_ENDPOINTS or not request.path.startswith("/api/"):
        return
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    g.actor = users.actor_for_token(token, client_addr=client_addr(), now=now())
    g.token = token
