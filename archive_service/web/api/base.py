"""The API's plumbing: flask-smorest with problem+json errors and bearer-token authentication."""
import http

from flask import g, request
from flask_smorest import Api, Blueprint
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from ...services.accounts import users
from ..context import now
from ..errors import http_error_response, problem
from . import responses
from .openapi import PROBLEM_JSON, ErrorResponses, Problem

OPEN_ENDPOINTS = {"tokens.issue", "api-docs.openapi_json"}


class ArchiveApi(Api):
    """Turns flask-smorest's and webargs' HTTP errors into problem+json with a stable code, and
    documents every error response as such."""

    ERROR_SCHEMA = Problem

    def __init__(self, app):
        super().__init__(app, spec_kwargs={"extra_plugins": [ErrorResponses()]})
        for schema in responses.SCHEMAS:
            if schema.__name__ not in self.spec.components.schemas:  # nested ones register themselves
                self.spec.components.schema(schema.__name__, schema=schema)

    def _register_responses(self):
        """flask-smorest's error responses, as the problem+json they are."""
        for status in http.HTTPStatus:
            if status >= 400:
                self.spec.components.response(status.name, _problem_response(status.phrase), lazy=True)
        self.spec.components.response("DEFAULT_ERROR", _problem_response("Problem details (zh-CN detail, stable code)"),
                                      lazy=True)

    def handle_http_exception(self, error):
        data = getattr(error, "data", {}) or {}
        messages = data.get("messages")
        if error.code == 422 and messages:
            return problem(422, "request.invalid", "输入有误,请检查各字段", _flatten(messages))
        if error.code == 400 and messages:
            return problem(400, "request.malformed_json", "请求体不是有效的 JSON")
        return http_error_response(error)


def _problem_response(description):
    return {"description": description, "content": {PROBLEM_JSON: {"schema": "Problem"}}}


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

    def arguments(self, schema, *args, **kwargs):
        """One schema object per route: given a class, webargs would build (and deep-copy the
        fields of) a new one on every request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


def api_blueprint(name, description):
    return ArchiveBlueprint(name, __name__, url_prefix="/api/v1", description=description)


def authenticate_request():
    """Resolve the bearer token before every API call except the open ones."""
    req = request._get_current_object()  # one context lookup, not one per attribute
    if req.endpoint in OPEN_ENDPOINTS or not req.path.startswith("/api/"):
        return
    header = req.environ.get("HTTP_AUTHORIZATION", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    context = g._get_current_object()
    context.actor = users.actor_for_token(token, client_addr=req.remote_addr or "", now=now())
    context.token = token
