"""What a scanned or typed code names (the scan box and GET /api/v1/lookup/{code}).

Every capability that prints or knows codes registers a resolver here when its service module is
imported: `@lookup.resolver` on a function `(code) -> {"kind", "id", "status", "url"} | None`.
`resolve` asks each in registration order and answers with the first hit."""
from ..domain.errors import NotFound

_RESOLVERS = []


def resolver(fn):
    """Register `fn(code)` as a resolver; returns it unchanged so it stays callable."""
    _RESOLVERS.append(fn)
    return fn


def resolve(code):
    """The view of the object `code` names; NotFound (404 `lookup.not_found`) when none knows it."""
    for fn in _RESOLVERS:
        found = fn(code)
        if found is not None:
            return found
    raise NotFound("lookup.not_found", f"未找到编码 {code} 对应的档案、位置或权证")
