"""The first check every request meets: no path, query, form field or JSON string may carry NUL
or another control character (tab, CR and LF aside) or a lone surrogate. Such input is refused
with 422 before any query runs, whatever route it was meant for; the field types in
api/schemas.py and pages/forms.py then apply each field's own rules (single line, length)."""
from flask import request

from ..domain.bounds import bad_character
from ..domain.errors import InvalidInput

MESSAGE = "不能包含控制字符"


def refuse_control_characters():
    req = request._get_current_object()  # one context lookup, not one per attribute
    places = [("path", req.path)]
    if req.query_string:
        places += _pairs("query", req.args)
    if _has_body(req.environ):
        if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            places += _pairs("form", req.form)
        if req.is_json:
            places += list(_json_strings("body", req.get_json(silent=True)))
    bad = [name for name, text in places if bad_character(text, multiline=True) is not None]
    if bad:
        raise InvalidInput("request.control_character", f"输入含有控制字符,已拒绝:{', '.join(bad[:5])}",
                           errors=dict.fromkeys(bad[:20], MESSAGE))


def _has_body(environ):
    return environ.get("CONTENT_LENGTH") not in (None, "", "0") or "HTTP_TRANSFER_ENCODING" in environ


def _pairs(where, multidict):
    pairs = []
    for key, values in multidict.lists():
        pairs.append((f"{where}.{key}", key))
        pairs += [(f"{where}.{key}", value) for value in values]
    return pairs


def _json_strings(prefix, value):
    if isinstance(value, str):
        yield prefix, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield f"{prefix}.{key}", key
            yield from _json_strings(f"{prefix}.{key}", inner)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _json_strings(f"{prefix}.{index}", inner)
