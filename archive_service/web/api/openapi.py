"""What the OpenAPI document says beyond the request schemas, told truthfully for every operation:
each refusal is `application/problem+json` (web/errors.py), with the statuses the plumbing itself
can give, and each success carries the schema named in responses.py."""
from apispec import BasePlugin
from marshmallow import INCLUDE, Schema, fields

from .responses import success_content

# Operations anyone may call without a token (web/api/base.py OPEN_ENDPOINTS, as method and path).
OPEN_OPERATIONS = {("post", "/api/v1/tokens"), ("get", "/api/v1/openapi.json")}
PROBLEM_JSON = "application/problem+json"


class Problem(Schema):
    """RFC 9457 problem details with the service's stable machine `code`."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "stable machine code, e.g. handover.pages_mismatch"})
    errors = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "field -> zh-CN message, for invalid input"})
    details = fields.Raw(metadata={"description": "what the refusal is about (differences, holdings, ...)"})


class ErrorResponses(BasePlugin):
    """Adds to each operation the error statuses every route can answer: 401 without a valid token,
    422 for a control character in its path or query (web/boundary.py) or bad input, 400 for a
    malformed JSON body, 413/415 for uploads; anything else (403, 404, 409) is the `default`."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            codes = ["422"]
            if (method, path) not in OPEN_OPERATIONS:
                codes.append("401")
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                codes.append("400")
            if "multipart/form-data" in content:
                codes += ["413", "415"]
            for code in codes:
                responses.setdefault(code, _NAMES[code])
            responses.setdefault("default", "DEFAULT_ERROR")
            _document_success(responses, success_content(method, path))


def _document_success(responses, content):
    """What the 2xx answers carry, where flask-smorest left it unsaid (it documents no content
    for a route whose view returns the service's own view)."""
    for code, response in responses.items():
        if str(code).startswith("2") and str(code) != "204" and isinstance(response, dict) and not response.get(
                "content", {}).get(next(iter(content)), {}).get("schema"):
            response["content"] = content


_NAMES = {"400": "BAD_REQUEST", "401": "UNAUTHORIZED", "413": "REQUEST_ENTITY_TOO_LARGE",
          "415": "UNSUPPORTED_MEDIA_TYPE", "422": "UNPROCESSABLE_ENTITY"}
