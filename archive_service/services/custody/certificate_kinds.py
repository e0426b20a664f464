"""The kinds of important certificate (R14): R14's six by default, editable by an admin."""
from peewee import IntegrityError

from ...db import transaction
from ...domain import certificates as rules
from ...domain.bounds import bad_character
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...models import CertificateKind
from ..platform import audit


def ensure_defaults():
    """R14's six kinds, the first time any kind is needed."""
    if CertificateKind.select().exists():
        return
    for position, (code, name) in enumerate(rules.DEFAULT_KINDS):
        CertificateKind.insert(code=code, name=name, position=position).on_conflict_ignore().execute()


def kind_view(kind):
    return {"id": kind.id, "code": kind.code, "name": kind.name, "position": kind.position, "active": kind.active}


def list_kinds(actor):
    ensure_defaults()
    rows = CertificateKind.select().order_by(CertificateKind.position, CertificateKind.id)
    return {"items": [kind_view(k) for k in rows], "next_cursor": None}


def known_kinds():
    """{code or name: kind} of the active kinds, to resolve a list's entries in one query."""
    ensure_defaults()
    found = {}
    for kind in CertificateKind.select().where(CertificateKind.active == True):  # noqa: E712
        found[kind.code] = found[kind.name] = kind
    return found


def resolve(known, text, index):
    """The kind a list entry names (by code or zh-CN name); an unknown kind is refused."""
    kind = known.get(text)
    require(kind is not None, InvalidInput, "certificate.unknown_kind",
            f"第 {index + 1} 项:未知的权证类别「{text}」", errors={f"certificates.{index}.kind": "未知的权证类别"})
    return kind


def _clean_name(name):
    ok = isinstance(name, str) and name.strip() and len(name.strip()) <= 100 and bad_character(name) is None
    require(ok, InvalidInput, "certificate_kind.invalid_name", "类别名称不能为空且不超过 100 字",
            errors={"name": "1–100 字"})
    return name.strip()


def _require_unique_name(name, except_id=None):
    query = CertificateKind.select().where(CertificateKind.name == name)
    if except_id is not None:
        query = query.where(CertificateKind.id != except_id)
    require(not query.exists(), Conflict, "certificate_kind.exists", f"权证类别「{name}」已存在")


def create_kind(actor, *, code, name, now):
    require_permission(actor, "certificate_kinds.edit")
    require(isinstance(code, str) and rules.KIND_CODE_RE.match(code), InvalidInput, "certificate_kind.invalid_code",
            "类别代码只能是小写字母开头的字母、数字和下划线,2–32 位", errors={"code": "小写字母、数字、_"})
    name = _clean_name(name)
    with transaction():
        ensure_defaults()
        require(not CertificateKind.select().where(CertificateKind.code == code).exists(), Conflict,
                "certificate_kind.exists", f"类别代码 {code} 已存在")
        _require_unique_name(name)
        last = CertificateKind.select().order_by(CertificateKind.position.desc()).first()
        try:
            kind = CertificateKind.create(code=code, name=name, position=last.position + 1 if last else 0)
        except IntegrityError:  # the same code or name added at the same moment
            raise Conflict("certificate_kind.exists", f"权证类别 {code}「{name}」已存在") from None
        audit.record(actor, "certificate_kind.create", "certificate_kind", code, {"name": name}, now=now)
    return kind_view(kind)


def update_kind(actor, code, *, name=None, active=None, now):
    """Rename a kind or retire it (retired kinds stay on the certificates listed under them)."""
    require_permission(actor, "certificate_kinds.edit")
    name = _clean_name(name) if name is not None else None
    require(active is None or isinstance(active, bool), InvalidInput, "certificate_kind.invalid_active",
            "active 必须是 true 或 false", errors={"active": "true 或 false"})
    with transaction():
        ensure_defaults()
        kind = CertificateKind.get_or_none(CertificateKind.code == code)
        if kind is None:
            raise NotFound("certificate_kind.not_found", f"找不到权证类别 {code}")
        before = kind_view(kind)
        if name is not None:
            _require_unique_name(name, kind.id)
            kind.name = name
        if active is not None:
            kind.active = active
        try:
            kind.save()
        except IntegrityError:
            raise Conflict("certificate_kind.exists", f"权证类别「{name}」已存在") from None
        audit.record(actor, "certificate_kind.update", "certificate_kind", code,
                     {"before": before, "after": kind_view(kind)}, now=now)
    return kind_view(kind)
