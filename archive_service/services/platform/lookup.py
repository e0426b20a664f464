"""What a scanned or typed code names (the scan box and GET /api/v1/lookup/{code}).

Every capability that prints or knows codes registers a resolver here when its service module is
imported: `@lookup.resolver` on a function `(code) -> {"kind", "id", "status", "url"} | None`.
`resolve` asks each in order (`@lookup.resolver(order=n)` puts the most scanned kinds first;
the default is 100, then registration order) and answers with the first hit."""
import unicodedata

from ...domain.errors import InvalidInput, NotFound, require

MAX_CODE = 120
_RESOLVERS = []


def resolver(fn=None, *, order=100):
    """Register `fn(code)` as a resolver; returns it unchanged so it stays callable."""
    def register(fn):
        _RESOLVERS.append((order, len(_RESOLVERS), fn))
        _RESOLVERS.sort(key=lambda entry: entry[:2])
        return fn
    return register(fn) if fn is not None else register


def clean_code(code):
    """The code as printed: a scanner's or typist's surrounding whitespace dropped. Whitespace or
    control characters inside, nothing at all, or more than MAX_CODE characters: refused."""
    code = code.strip() if isinstance(code, str) else ""
    require(code, InvalidInput, "lookup.empty_code", "请扫描或输入编码", errors={"code": "必填"})
    require(len(code) <= MAX_CODE, InvalidInput, "lookup.invalid_code", f"编码不能超过 {MAX_CODE} 个字符",
            errors={"code": f"不超过 {MAX_CODE} 字符"})
    require(_printed(code), InvalidInput,
            "lookup.invalid_code", f"编码「{code}」中含有空格或不可见字符,请重新扫描或输入",
            errors={"code": "不能含空格或不可见字符"})
    return code


def _printed(code):
    """No whitespace and no control, format or unassigned character: what a label can carry."""
    if code.isascii():
        return code.isprintable() and " " not in code
    return not any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in code)


def resolve(code):
    """The view of the object `code` names; NotFound (404 `lookup.not_found`) when none knows it.
    Printed codes are upper case, so a typed lower-case code is also tried in upper case."""
    code = clean_code(code)
    for candidate in dict.fromkeys((code, code.upper())):
        for _order, _seq, fn in _RESOLVERS:
            found = fn(candidate)
            if found is not None:
                return found
    raise NotFound("lookup.not_found", f"未找到编码「{code}」对应的档案、清单项、合同、位置或权证")
