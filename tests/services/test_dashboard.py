"""The dashboard's figures come from the actor's real work (R10 deadlines)."""
from archive_service.services.reports import dashboard
from tests.conftest import NOW
from tests.services.handover_world import World


def figures(actor):
    return {c["label"]: c["value"] for c in dashboard.cards(actor, now=NOW)}


def test_r10_dashboard_counts_tasks_late_ones_and_the_archivist_inbox(make_actor):
    world = World(make_actor)
    world.draft(ended_on="2026-09-01")     # A's deadline long past on NOW (2026-10-09)
    world.accepted(ended_on="2026-09-30")  # waiting for the archivist
    assert figures(world.a) == {"我的待办": 1, "已逾期": 1}
    assert figures(world.arch) == {"我的待办": 1, "已逾期": 0, "待接收档案": 1, "在册档案": 0,
                                   "在保险柜权证": 0, "逾期未入库权证清单": 0}
    assert dashboard.archive_is_empty()
