"""Stock-takes (盘点) of a safe: the expected list is frozen at the start, each label is scanned
(once counts once), and the close says found / missing / misplaced / unexpected / on loan, with a
signed PDF report."""
import hashlib
import json

from ...adapters import certificate_pdf
from ...db import for_update, transaction
from ...domain import certificates as rules
from ...domain.errors import Conflict, InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, to_db
from ...models import Certificate, Location, Stocktake, StocktakeScan
from ...paging import row_id
from ..platform import audit, lookup
from . import certificate_views

OPEN, CLOSED = "open", "closed"
STATE_NAMES = {OPEN: "盘点中", CLOSED: "已结束"}
CODE_KINDS = {"archive": "档案", "item": "档案资料", "contract": "合同", "location": "位置", "loan": "借阅单"}
RESULT_NAMES = {"found": "在位", "missing": "缺失", "misplaced": "错位", "unexpected": "账外", "on_loan": "借出"}


def _load(stocktake_id, *, lock=False):
    query = Stocktake.select().where(Stocktake.id == stocktake_id)
    stocktake = (for_update(query) if lock else query).get_or_none() if row_id(stocktake_id) else None
    if stocktake is None:
        raise NotFound("stocktake.not_found", f"找不到盘点 {stocktake_id}")
    return stocktake


def stocktake_view(stocktake, places=None):
    places = places or certificate_views.Places()
    scans = list(StocktakeScan.select(StocktakeScan, Certificate).join(Certificate)
                 .where(StocktakeScan.stocktake == stocktake.id).order_by(StocktakeScan.id))
    names = certificate_views.people([stocktake.started_by_id, stocktake.closed_by_id])
    return {"id": stocktake.id, "location": places.code(stocktake.location_id),
            "location_path": places.path(stocktake.location_id), "state": stocktake.state,
            "state_name": STATE_NAMES[stocktake.state], "expected": json.loads(stocktake.expected),
            "scans": [{"code": s.certificate.code, "location": places.code(s.location_id),
                       "scanned_at": iso_local(s.scanned_at)} for s in scans],
            "started_by": names.get(stocktake.started_by_id), "started_at": iso_local(stocktake.started_at),
            "closed_by": names.get(stocktake.closed_by_id), "closed_at": iso_local(stocktake.closed_at),
            "result": json.loads(stocktake.result) if stocktake.result else None,
            "result_hash": stocktake.result_hash}


def start(actor, location, *, now):
    """Start a stock-take of a safe, wherever it stands (a safe in a room, a drawer in a safe): what
    should be in it or in the places inside it (in the safe or out on loan) is frozen."""
    require_permission(actor, "certificates.custody")
    with transaction():
        safe = certificate_views.safe_location(location)
        places = certificate_views.Places()
        require(not Stocktake.select().where(Stocktake.location == safe.id, Stocktake.state == OPEN).exists(),
                Conflict, "stocktake.already_open", f"保险柜 {safe.code} 已有进行中的盘点")
        held = Certificate.select().where(Certificate.status.in_((rules.IN_SAFE, rules.ON_LOAN)))
        expected = [{"code": c.code, "location": places.code(c.location_id), "status": c.status}
                    for c in held.order_by(Certificate.code) if places.within(c.location_id, safe.id)]
        stocktake = Stocktake.create(location=safe, state=OPEN, expected=json.dumps(expected, ensure_ascii=False),
                                     started_by=actor.id, started_at=to_db(now))
        audit.record(actor, "stocktake.start", "stocktake", stocktake.id,
                     {"location": safe.code, "expected": len(expected)}, now=now)
    return stocktake_view(stocktake)


def _certificate_of(code):
    """The certificate a scanned label names; other labels and unknown codes are refused."""
    require(isinstance(code, str) and code.strip(), InvalidInput, "stocktake.code_required", "请扫描权证标签",
            errors={"code": "必填"})
    code = code.strip()
    cert = Certificate.get_or_none(Certificate.code == code) if rules.is_label_code(code) else None
    if cert is not None:
        return cert
    require(not Location.select().where(Location.code == code).exists(), InvalidInput, "stocktake.location_label",
            f"{code} 是位置标签,不是权证标签:请在「位置」栏扫描", errors={"code": "位置标签"})
    try:
        found = lookup.resolve(code)
    except NotFound:
        found = None
    require(found is None, InvalidInput, "stocktake.foreign_code",
            f"{code} 不是权证标签,而是{CODE_KINDS.get((found or {}).get('kind'), '其他对象')}的编码",
            errors={"code": "不是权证标签"})
    raise InvalidInput("stocktake.unknown_code", f"未知的权证标签 {code}", errors={"code": "未知的权证标签"})


def scan(actor, stocktake_id, code, location, *, now):
    """One scanned label at a place in the safe. The same label twice counts once (the first
    place is kept): the answer says `duplicate`."""
    require_permission(actor, "certificates.custody")
    with transaction():
        stocktake = _load(stocktake_id, lock=True)
        require(stocktake.state == OPEN, Conflict, "stocktake.closed", "该盘点已结束,不能再扫描")
        cert = _certificate_of(code)
        place = certificate_views.safe_location(location)
        require(certificate_views.Places().within(place.id, stocktake.location_id), InvalidInput,
                "stocktake.location_outside", f"位置 {place.code} 不在本次盘点的保险柜内",
                errors={"location": "不在本次盘点的保险柜内"})
        duplicate = StocktakeScan.select().where(StocktakeScan.stocktake == stocktake.id,
                                                 StocktakeScan.certificate == cert.id).exists()
        if not duplicate:
            StocktakeScan.create(stocktake=stocktake, certificate=cert, location=place, scanned_by=actor.id,
                                 scanned_at=to_db(now))
            audit.record(actor, "stocktake.scan", "stocktake", stocktake.id,
                         {"code": cert.code, "location": place.code}, now=now)
    return {"stocktake_id": stocktake.id, "code": cert.code, "location": place.code, "duplicate": duplicate,
            "scanned": StocktakeScan.select().where(StocktakeScan.stocktake == stocktake.id).count()}


def close(actor, stocktake_id, *, now):
    """Close it: {found, missing, misplaced, unexpected, on_loan} (certificate codes), signed by
    the closing custodian with the hash of the result."""
    require_permission(actor, "certificates.custody")
    with transaction():
        stocktake = _load(stocktake_id, lock=True)
        require(stocktake.state == OPEN, Conflict, "stocktake.closed", "该盘点已结束")
        places = certificate_views.Places()
        scans = {s.certificate.code: places.code(s.location_id)
                 for s in StocktakeScan.select(StocktakeScan, Certificate).join(Certificate)
                 .where(StocktakeScan.stocktake == stocktake.id)}
        result = rules.stocktake_result(json.loads(stocktake.expected), scans)
        text = json.dumps(result, ensure_ascii=False, sort_keys=True)
        stocktake.state, stocktake.closed_by, stocktake.closed_at = CLOSED, actor.id, to_db(now)
        stocktake.result, stocktake.result_hash = text, hashlib.sha256(text.encode()).hexdigest()
        stocktake.save()
        audit.record(actor, "stocktake.close", "stocktake", stocktake.id,
                     {key: len(codes) for key, codes in result.items()} | {"hash": stocktake.result_hash}, now=now)
    return {**result, "id": stocktake.id, "result_hash": stocktake.result_hash}


def get(actor, stocktake_id):
    require_permission(actor, "certificates.view")
    return stocktake_view(_load(stocktake_id))


def recent(actor, *, limit=50):
    """Open stock-takes first, then the latest closed ones."""
    require_permission(actor, "certificates.view")
    places = certificate_views.Places()
    rows = Stocktake.select().order_by(Stocktake.state.desc(), Stocktake.id.desc()).limit(limit)
    names = certificate_views.people(uid for s in rows for uid in (s.started_by_id, s.closed_by_id))
    return [{"id": s.id, "location": places.code(s.location_id), "location_path": places.path(s.location_id),
             "state": s.state, "state_name": STATE_NAMES[s.state], "started_by": names.get(s.started_by_id),
             "started_at": iso_local(s.started_at), "closed_at": iso_local(s.closed_at),
             "expected": len(json.loads(s.expected))} for s in rows]


def report(actor, stocktake_id, record_url, *, now):
    """The signed PDF report of a closed stock-take; printing is audited."""
    require_permission(actor, "certificates.view")
    stocktake = _load(stocktake_id)
    require(stocktake.state == CLOSED, Conflict, "stocktake.not_closed", "盘点结束后才能打印盘点报告")
    view = stocktake_view(stocktake)
    data = certificate_pdf.render_stocktake(view, RESULT_NAMES, record_url)
    with transaction():
        audit.record(actor, "stocktake.print", "stocktake", stocktake.id, {"hash": stocktake.result_hash}, now=now)
    return data
