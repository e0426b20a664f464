"""R10 extensions: nobody approves their own request, nor one on a project where they are A or B,
even holding the approver role (409 extension.self_approval, nothing changed)."""
import pytest

from archive_service.domain.errors import Conflict
from archive_service.models import AuditEntry, Extension
from archive_service.services.handover import extensions, handovers
from tests.conftest import NOW
from tests.services.handover_world import ITEMS, World


@pytest.fixture
def world(make_actor):
    world = World(make_actor)
    world.boss_a = make_actor("qian", "manager", "approver")
    world.boss_b = make_actor("zhou", "manager", "approver")
    return world


def requested(world, a, b, by):
    project = world.project(a=a.username, b=b.username)
    h = handovers.create(a, project["id"], ITEMS, now=NOW)
    return extensions.request(by, h["id"], step="a_to_b", until="2026-10-20", reason="等客户签字", now=NOW)


def refused_unchanged(approver, ext):
    audit_before = AuditEntry.select().count()
    with pytest.raises(Conflict) as refused:
        extensions.decide(approver, ext["id"], approve=True, note="同意", now=NOW)
    assert refused.value.code == "extension.self_approval" and "不能审批" in refused.value.message
    assert Extension.get_by_id(ext["id"]).state == "pending" and Extension.get_by_id(ext["id"]).decided_by is None
    assert AuditEntry.select().count() == audit_before


def test_r10_an_approver_cannot_approve_their_own_request(world):
    refused_unchanged(world.boss_a, requested(world, world.boss_a, world.b, by=world.boss_a))


def test_r10_an_approver_who_is_a_cannot_approve_bs_request(world):
    refused_unchanged(world.boss_a, requested(world, world.boss_a, world.b, by=world.b))


def test_r10_an_approver_who_is_b_cannot_approve_as_request(world):
    refused_unchanged(world.boss_b, requested(world, world.a, world.boss_b, by=world.a))


def test_r10_another_approver_decides(world):
    ext = requested(world, world.boss_a, world.b, by=world.boss_a)
    decided = extensions.decide(world.approver, ext["id"], approve=True, note="同意", now=NOW)
    assert decided["state"] == "approved" and decided["decided_by"] == world.approver.username
