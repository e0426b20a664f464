"""The custodian's desk: movements waiting for someone's approval or co-signature, the day-end
check of the day's movements, and what the home page lists (lists to confirm, movements to
co-sign, stock-takes open, overdue lists)."""
from datetime import timedelta

from peewee import IntegrityError

from ...db import transaction
from ...domain import certificates as rules
from ...domain.bounds import check_date
from ...domain.errors import Conflict, require
from ...domain.permissions import allowed, require_permission
from ...domain.timeutil import iso_local, local_date, local_day_start, parse_date, to_db
from ...models import CertificateDayCheck, CertificateMovement
from ..platform import audit
from . import certificate_lists, certificate_views, stocktakes


def pending_movements(actor):
    """Movements waiting for the actor: approvals (approver) and co-signatures (not their own)."""
    waiting = []
    if allowed(actor.roles, "certificates.decide"):
        waiting.append(rules.PENDING_APPROVAL)
    if allowed(actor.roles, "certificates.move"):
        waiting.append(rules.PENDING_SECOND)
    moves = (CertificateMovement.select().where(CertificateMovement.state.in_(waiting),
                                                CertificateMovement.started_by != actor.id)
             .order_by(CertificateMovement.id)) if waiting else []
    return certificate_views.with_certificates(certificate_views.movements_view(moves, actor))


# ---- the day-end check ----------------------------------------------------------------------

def day_movements(actor, day, *, now):
    """The day's movements (started or confirmed that local day) and whether the custodian
    confirmed them as checked."""
    require_permission(actor, "certificates.view")
    day = check_date(parse_date(day, "day"), "day") if day else local_date(now)
    start, end = local_day_start(day), local_day_start(day + timedelta(days=1))
    moves = (CertificateMovement.select()
             .where(((CertificateMovement.started_at >= start) & (CertificateMovement.started_at < end)) |
                    ((CertificateMovement.confirmed_at >= start) & (CertificateMovement.confirmed_at < end)))
             .order_by(CertificateMovement.id))
    check = CertificateDayCheck.get_or_none(CertificateDayCheck.day == day)
    checked = {"by": check.checked_by.display_name, "at": iso_local(check.checked_at),
               "movements": check.movements} if check else None
    items = certificate_views.with_certificates(certificate_views.movements_view(moves, actor))
    return {"day": day.isoformat(), "items": items, "checked": checked}


def check_day(actor, day, *, now):
    """The custodian confirms the day's movements as checked; open ones must be settled first."""
    require_permission(actor, "certificates.custody")
    day = check_date(parse_date(day, "day"), "day") if day else local_date(now)
    with transaction():
        require(not CertificateDayCheck.select().where(CertificateDayCheck.day == day).exists(), Conflict,
                "certificate.day_checked", f"{day.isoformat()} 的出入库已核对确认")
        moves = day_movements(actor, day.isoformat(), now=now)["items"]
        still_open = [m["id"] for m in moves if m["state"] in rules.OPEN_STATES]
        require(not still_open, Conflict, "certificate.day_open_movements",
                f"当日还有 {len(still_open)} 笔出入库未完成,请先处理", details={"movements": still_open})
        try:
            CertificateDayCheck.create(day=day, checked_by=actor.id, checked_at=to_db(now), movements=len(moves))
        except IntegrityError:  # a second custodian confirmed the same day at the same moment
            raise Conflict("certificate.day_checked", f"{day.isoformat()} 的出入库已核对确认") from None
        audit.record(actor, "certificate.day_check", "certificate_day", day.isoformat(),
                     {"movements": len(moves)}, now=now)
    return day_movements(actor, day.isoformat(), now=now)


def home(actor, *, now):
    """What the actor's home page lists about certificates (empty lists for those with no part)."""
    custody = allowed(actor.roles, "certificates.view")
    return {"lists": certificate_lists.waiting(actor), "movements": pending_movements(actor),
            "stocktakes": [s for s in stocktakes.recent(actor) if s["state"] == stocktakes.OPEN] if custody else [],
            "overdue": certificate_views.overdue_lists(now) if custody else []}
