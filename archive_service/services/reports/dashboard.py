"""The dashboard's figures: what the actor has to do and, for those who keep the archive, its size."""
from ...domain import certificates as certificate_rules
from ...domain.permissions import allowed
from ...models import ArchiveFile, Certificate
from ..custody import certificate_views
from ..handover import handovers


def cards(actor, *, now, cal=None, todo=None):
    """[{"label", "value", "endpoint", "tone"}] for the actor's dashboard, only what they may see
    (`todo`: the actor's tasks when the caller has them already)."""
    todo = handovers.tasks(actor, now=now, cal=cal) if todo is None else todo
    late = sum(1 for t in todo if t["urgency"] == "late")
    found = [{"label": "我的待办", "value": len(todo), "endpoint": "handover_pages.tasks", "tone": None},
             {"label": "已逾期", "value": late, "endpoint": "handover_pages.tasks", "tone": "danger" if late else None}]
    if allowed(actor.roles, "handovers.receive"):
        waiting = sum(1 for t in todo if t["kind"] == "receive")
        found.append({"label": "待接收档案", "value": waiting, "endpoint": "handover_pages.inbox", "tone": None})
    if allowed(actor.roles, "archives.view"):
        total = ArchiveFile.select().where(ArchiveFile.status != "voided").count()
        found.append({"label": "在册档案", "value": total, "endpoint": "archive_pages.ledger", "tone": None})
    if allowed(actor.roles, "certificates.view"):
        found += _certificate_cards(now)
    return found


def _certificate_cards(now):
    """Certificates in the safe, and handover lists overdue (not stored by the end of the next working day)."""
    in_safe = Certificate.select().where(Certificate.status == certificate_rules.IN_SAFE).count()
    overdue = len(certificate_views.overdue_lists(now))
    return [{"label": "在保险柜权证", "value": in_safe, "endpoint": "certificate_pages.ledger", "tone": None},
            {"label": "逾期未入库权证清单", "value": overdue, "endpoint": "home.dashboard",
             "tone": "danger" if overdue else None}]


def archive_is_empty():
    return not ArchiveFile.select().exists()
