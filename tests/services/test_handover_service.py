"""The handover rules through the services: who may act, each step once, refusals change nothing."""
from datetime import UTC, datetime, timedelta

import pytest

from archive_service.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from archive_service.models import AuditEntry
from archive_service.services.archive import file_record as ledgers
from archive_service.services.handover import customers, extensions, handovers
from archive_service.services.platform import audit
from tests.conftest import NOW
from tests.services.handover_world import ITEMS, World, snapshot


@pytest.fixture
def world(make_actor):
    return World(make_actor)


# ---- projects and customers ----

def test_r5_a_and_b_must_be_two_different_managers(world, make_actor):
    make_actor("gm", "executive")
    before = snapshot()
    with pytest.raises(InvalidInput) as same:
        world.project(a="zhang", b="zhang")
    assert same.value.code == "project.same_manager"
    with pytest.raises(InvalidInput) as not_manager:
        world.project(a="zhang", b="gm")
    assert not_manager.value.code == "project.not_a_manager"
    assert snapshot() == before


def test_r18_project_code_is_unique(world):
    world.project()
    world.projects = 0
    with pytest.raises(Conflict) as refused:
        world.project()
    assert refused.value.code == "project.exists"


def test_r19_customer_id_number_masked_for_managers_and_read_is_audited(world):
    seen = customers.get_customer(world.a, world.customer_id, now=NOW)
    assert seen["id_number"] == "9111**********0000" and seen["id_number_masked"]
    assert AuditEntry.select().where(AuditEntry.action == "customer.read").count() == 1


# ---- A writes, B reviews ----

def test_r6_only_the_projects_a_may_write_the_list(world):
    project = world.project()
    before = snapshot()
    for actor in (world.b, world.other):
        with pytest.raises((Forbidden, NotFound)) as refused:
            handovers.create(actor, project["id"], ITEMS, now=NOW)
        assert refused.value.code in ("handover.not_a_role", "project.not_found")
    assert snapshot() == before


@pytest.mark.parametrize(("items", "code"), [
    ([], "handover.empty_list"),
    ([{**ITEMS[0], "pages": 0}], "handover.invalid_pages"),
    ([{**ITEMS[0], "pages": -3}], "handover.invalid_pages"),
    ([{**ITEMS[0], "pages": 1.5}], "handover.invalid_pages"),
    ([{**ITEMS[0], "part": 7}], "handover.unknown_part"),
    ([ITEMS[2]], "handover.nothing_numbered"),
])
def test_r6_r8_r9_bad_lists_are_refused_and_change_nothing(world, items, code):
    project = world.project()
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        handovers.create(world.a, project["id"], items, now=NOW)
    assert refused.value.code == code and refused.value.message
    assert snapshot() == before


def test_r18_one_list_per_project(world):
    h = world.draft()
    with pytest.raises(Conflict) as refused:
        handovers.create(world.a, h["project_id"], ITEMS, now=NOW)
    assert refused.value.code == "handover.exists"


def test_r8_items_come_back_in_part_order_with_totals(world):
    h = world.draft(items=list(reversed(ITEMS)))
    assert [i["part"] for i in h["items"]] == [1, 2, 2, 3]
    assert h["totals"]["pages"] == 30 and h["totals"]["parts"]["2"]["pages"] == 16


def test_r6_submit_signs_the_content_hash(world):
    h = handovers.submit(world.a, world.draft()["id"], now=NOW)
    sig = h["signatures"][0]
    assert (sig["role"], sig["username"]) == ("A", "zhang")
    assert sig["content_hash"] == h["content_hash"] and len(sig["content_hash"]) == 64


def test_r7_same_step_twice_is_409_and_changes_nothing(world):
    h = handovers.submit(world.a, world.draft()["id"], now=NOW)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        handovers.submit(world.a, h["id"], now=NOW)
    assert refused.value.code == "handover.cannot_submit"
    handovers.review(world.b, h["id"], "accept", now=NOW)
    with pytest.raises(Conflict) as twice:
        handovers.review(world.b, h["id"], "accept", now=NOW)
    assert twice.value.code == "handover.cannot_review"
    assert snapshot()["Signature"] == before["Signature"] + 1


def test_r7_only_b_reviews_and_a_cannot_review_own_list(world):
    h = handovers.submit(world.a, world.draft()["id"], now=NOW)
    before = snapshot()
    with pytest.raises(Forbidden) as refused:
        handovers.review(world.a, h["id"], "accept", now=NOW)
    assert refused.value.code == "handover.not_b_role"
    assert snapshot() == before


def test_r7_manager_acting_on_anothers_project_is_refused(world):
    world.project(a="zhao", b="wang")
    h = world.draft()
    with pytest.raises(NotFound) as refused:
        handovers.submit(world.other, h["id"], now=NOW)
    assert refused.value.code == "handover.not_found"


def test_r7_return_and_supplement_round_then_accept(world):
    h = handovers.submit(world.a, world.draft()["id"], now=NOW)
    h = handovers.review(world.b, h["id"], "return", [{"title": "身份证复印件", "reason": "未附"}], now=NOW)
    assert h["state"] == "returned" and h["supplements"][0]["missing"][0]["title"] == "身份证复印件"
    later = NOW + timedelta(days=1)
    h = handovers.supplement(world.a, h["id"], [{"part": 4, "title": "身份证复印件", "pages": 1}], now=later)
    assert h["state"] == "submitted" and h["supplements"][0]["answered_at"]
    assert [i["round"] for i in h["items"]][-1] == 1
    resign = h["signatures"][-1]
    assert resign["role"] == "A" and resign["changes"]["added"][0]["title"] == "身份证复印件"
    assert resign["content_hash"] != h["signatures"][0]["content_hash"]
    h = handovers.review(world.b, h["id"], "accept", now=later)
    assert h["state"] == "accepted"


def test_r7_return_without_supplement_list_refused(world):
    h = handovers.submit(world.a, world.draft()["id"], now=NOW)
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        handovers.review(world.b, h["id"], "return", [], now=NOW)
    assert refused.value.code == "handover.missing_required"
    assert snapshot() == before


def test_r6_draft_can_be_edited_only_before_signing(world):
    h = world.draft()
    h = handovers.replace_items(world.a, h["id"], ITEMS[:2], now=NOW)
    assert len(h["items"]) == 2
    handovers.submit(world.a, h["id"], now=NOW)
    with pytest.raises(Conflict) as refused:
        handovers.replace_items(world.a, h["id"], ITEMS, now=NOW)
    assert refused.value.code == "handover.cannot_edit"


# ---- deadlines and extensions (R10) ----

def test_r10_b_has_two_working_days_from_a_latest_submission(world):
    h = world.draft()
    assert h["deadlines"]["b_to_archive"]["due"] == "2026-10-13"
    # submitted Friday 2026-10-09 (Shanghai): two working days are Sat 10-10 (make-up day) and Mon 10-12
    h = handovers.submit(world.a, h["id"], now=NOW)
    assert h["deadlines"]["b_to_archive"]["due"] == "2026-10-12"
    assert h["on_time"]["a_to_b"] is True


def test_r10_late_submission_is_recorded_as_late(world):
    h = world.draft()
    late = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
    h = handovers.submit(world.a, h["id"], now=late)
    assert h["on_time"]["a_to_b"] is False
    assert h["deadlines"]["a_to_b"]["due"] == "2026-10-10"


def test_r10_extension_moves_the_deadline_only_when_approved(world):
    h = world.draft()
    ext = extensions.request(world.a, h["id"], step="a_to_b", until="2026-10-20", reason="客户出差,合同未签回", now=NOW)
    assert handovers.get(world.a, h["id"], now=NOW)["deadlines"]["a_to_b"]["due"] == "2026-10-10"
    extensions.decide(world.approver, ext["id"], approve=True, note="同意", now=NOW)
    got = handovers.get(world.a, h["id"], now=NOW)
    assert got["deadlines"]["a_to_b"]["due"] == "2026-10-20"
    assert got["extensions"][0]["state"] == "approved"


def test_r10_rejected_extension_moves_nothing(world):
    h = world.draft()
    ext = extensions.request(world.b, h["id"], step="b_to_archive", until="2026-10-30", reason="出差", now=NOW)
    extensions.decide(world.approver, ext["id"], approve=False, note="不同意", now=NOW)
    assert handovers.get(world.a, h["id"], now=NOW)["deadlines"]["b_to_archive"]["due"] == "2026-10-13"
    with pytest.raises(Conflict) as again:
        extensions.decide(world.approver, ext["id"], approve=True, now=NOW)
    assert again.value.code == "extension.already_decided"


@pytest.mark.parametrize(("kw", "error", "code"), [
    ({"step": "a_to_b", "until": "2026-10-20", "reason": "  "}, InvalidInput, "extension.reason_required"),
    ({"step": "a_to_b", "until": "2026-10-10", "reason": "出差"}, Conflict, "extension.not_later"),
    ({"step": "a_to_b", "until": "2026-10-01", "reason": "出差"}, Conflict, "extension.not_later"),
    ({"step": "x", "until": "2026-10-20", "reason": "出差"}, InvalidInput, "extension.invalid_step"),
    ({"step": "a_to_b", "until": "tomorrow", "reason": "出差"}, InvalidInput, "request.invalid_date"),
])
def test_r10_bad_extension_requests_are_refused_and_change_nothing(world, kw, error, code):
    h = world.draft()
    before = snapshot()
    with pytest.raises(error) as refused:
        extensions.request(world.a, h["id"], now=NOW, **kw)
    assert refused.value.code == code
    assert snapshot() == before


def test_r10_only_an_approver_decides_and_outsiders_cannot_ask(world):
    h = world.draft()
    ext = extensions.request(world.a, h["id"], step="a_to_b", until="2026-10-20", reason="出差", now=NOW)
    with pytest.raises(Forbidden):
        extensions.decide(world.b, ext["id"], approve=True, now=NOW)
    with pytest.raises(NotFound):
        extensions.request(world.other, h["id"], step="a_to_b", until="2026-10-21", reason="x", now=NOW)


def test_r10_task_lists_show_each_persons_due_days(world):
    h = world.draft()
    assert [(t["kind"], t["due"]) for t in handovers.tasks(world.a, now=NOW)] == [("submit", "2026-10-10")]
    assert handovers.tasks(world.b, now=NOW) == []
    handovers.submit(world.a, h["id"], now=NOW)
    assert [(t["kind"], t["due"], t["urgency"]) for t in handovers.tasks(world.b, now=NOW)] == [
        ("review", "2026-10-12", "on_time")]
    handovers.review(world.b, h["id"], "accept", now=NOW)
    assert [t["kind"] for t in handovers.tasks(world.arch, now=NOW)] == ["receive"]
    assert [r["id"] for r in handovers.inbox(world.arch, now=NOW)] == [h["id"]]


def test_r10_supplement_round_restarts_b_days_but_not_a_days(world):
    h = handovers.submit(world.a, world.draft()["id"], now=NOW)
    handovers.review(world.b, h["id"], "return", [{"title": "身份证", "reason": "未附"}], now=NOW)
    tuesday = datetime(2026, 10, 13, 2, 0, tzinfo=UTC)
    h = handovers.supplement(world.a, h["id"], [{"part": 4, "title": "身份证", "pages": 1}], now=tuesday)
    assert h["deadlines"]["a_to_b"]["due"] == "2026-10-10"
    assert h["deadlines"]["b_to_archive"]["due"] == "2026-10-15"
    assert h["on_time"]["a_to_b"] is True  # recorded at A's first submission


def test_r19_every_step_is_audited_in_its_transaction_and_the_chain_holds(world):
    world.received()
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    for action in ("project.create", "handover.create", "handover.submit", "handover.review", "handover.receive"):
        assert action in actions
    assert audit.verify_chain()["ok"] is True
    ledgers.get_archive(world.arch, "XD-2026-0001", now=NOW)
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).first().action == "archive.read"
