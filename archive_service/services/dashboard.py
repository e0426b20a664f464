"""The dashboard's figures: what the actor has to do and, for those who keep the archive, its size."""
from ..domain.permissions import allowed
from ..models import ArchiveFile
from . import handovers


def cards(actor, *, now, cal=None):
    """[{"label", "value", "endpoint", "tone"}] for the actor's dashboard, only what they may see."""
    todo = handovers.tasks(actor, now=now, cal=cal)
    late = sum(1 for t in todo if t["urgency"] == "late")
    found = [{"label": "我的待办", "value": len(todo), "endpoint": "handover_pages.tasks", "tone": None},
             {"label": "已逾期", "value": late, "endpoint": "handover_pages.tasks", "tone": "danger" if late else None}]
    if allowed(actor.roles, "handovers.receive"):
        waiting = sum(1 for t in todo if t["kind"] == "receive")
        found.append({"label": "待接收档案", "value": waiting, "endpoint": "handover_pages.inbox", "tone": None})
    if allowed(actor.roles, "archives.view"):
        total = ArchiveFile.select().where(ArchiveFile.status != "voided").count()
        found.append({"label": "在册档案", "value": total, "endpoint": "archive_pages.ledger", "tone": None})
    return found


def archive_is_empty():
    return not ArchiveFile.select().exists()
