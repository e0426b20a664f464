"""R21 through the services: what a leaving manager holds, the one-step transfer to a successor,
partial transfers, reassignment of a project's A or B; every refusal changes nothing."""
import json
import subprocess

import pytest

from archive_service.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from archive_service.models import AuditEntry, Project, Reassignment, Signature, Transfer, User
from archive_service.services.accounts import users
from archive_service.services.archive import file_record as ledgers
from archive_service.services.handover import customers, handovers
from archive_service.services.people import departure, reassignment
from tests.conftest import NOW
from tests.services.certificate_world import World as CertificateWorld
from tests.services.handover_world import World
from tests.sqlcount import count_statements


@pytest.fixture
def world(make_actor, admin):
    w = World(make_actor)
    w.admin = admin
    w.heir = make_actor("jieban", "manager", display_name="接办人")
    return w


def state():
    """Everything a refused transfer or reassignment must leave as it was."""
    return {"projects": [(p.id, p.a_user_id, p.b_user_id) for p in Project.select().order_by(Project.id)],
            "reassignments": Reassignment.select().count(), "transfers": Transfer.select().count(),
            "active": [u.active for u in User.select().order_by(User.id)], "audit": AuditEntry.select().count()}




def test_r21_holdings_list_projects_as_a_and_b_open_or_filed(world):
    drafted = world.draft()
    as_b = world.project(a="zhao", b="zhang")
    world.received(ended_on="2026-08-31")
    held = departure.user_holdings(world.admin, "zhang")
    assert [(i["ref"], i["role"], i["filed"]) for i in held["items"]] == \
        [("P-1", "A", False), ("P-2", "B", False), ("P-3", "A", True)]
    assert held["items"][0]["open_list"]["id"] == drafted["id"] and held["items"][0]["open_list"]["state"] == "draft"
    assert held["items"][1]["open_list"] is None and held["items"][1]["id"] == as_b["id"]
    assert held["items"][2]["open_list"] is None and "已归档" in held["items"][2]["summary"]
    assert {i["outcome"] for i in held["items"]} == {"hand_on"}
    assert held["kinds"][0] == {"kind": "project", "label": held["kinds"][0]["label"], "count": 3}


def test_r21_a_manager_with_two_open_projects_hands_everything_over_in_one_step(world):
    first = world.draft()
    world.project(a="wang", b="zhang")
    before = state()
    with pytest.raises(Conflict) as refused:
        users.update_user(world.admin, "zhang", active=False, now=NOW)
    assert refused.value.code == "user.still_holds" and len(refused.value.details["holdings"]) == 2
    assert "P-1" in refused.value.message and "P-2" in refused.value.message
    assert state() == before

    done = departure.transfer(world.admin, "zhang", successor="jieban", note="离职", now=NOW)
    assert done["remaining"] == 0 and [i["key"] for i in done["items"]] == ["project:1:A", "project:2:B"]
    assert [(p.a_user.username, p.b_user.username) for p in Project.select().order_by(Project.id)] == \
        [("jieban", "wang"), ("wang", "jieban")]
    assert Reassignment.select().where(Reassignment.transfer == done["id"]).count() == 2
    # the list, its signatures and deadlines stay; the successor now sees the work
    assert handovers.get(world.heir, first["id"], now=NOW)["deadlines"] == first["deadlines"]
    assert [t["project_code"] for t in handovers.tasks(world.heir, now=NOW)] == ["P-1"]
    assert handovers.tasks(world.a, now=NOW) == []
    assert users.update_user(world.admin, "zhang", active=False, now=NOW)["active"] is False
    entry = AuditEntry.get(AuditEntry.action == "user.departure")
    assert json.loads(entry.summary)["successor"] == "jieban"


def test_r21_partial_transfers_item_by_item_to_two_successors(world, make_actor):
    make_actor("second", "manager")
    world.draft()
    world.project()
    departure.transfer(world.admin, "zhang", successor="jieban", items=["project:2:A"], now=NOW)
    assert [i["key"] for i in departure.user_holdings(world.admin, "zhang")["items"]] == ["project:1:A"]
    departure.transfer(world.admin, "zhang", successor="second", items=["project:1:A"], now=NOW)
    assert [p.a_user.username for p in Project.select().order_by(Project.id)] == ["second", "jieban"]
    assert len(departure.user_holdings(world.admin, "zhang")["transfers"]) == 2


@pytest.mark.parametrize(("successor", "code"), [
    ("zhang", "departure.same_user"), ("ghost", "departure.unknown_successor"),
    ("", "departure.successor_required"), (None, "departure.successor_required"),
    ("retired", "departure.successor_inactive"), ("li", "project.not_a_manager"),
])
def test_r21_bad_successor_is_refused_and_nothing_moves(world, make_actor, successor, code):
    make_actor("retired", "manager")
    users.update_user(world.admin, "retired", active=False, now=NOW)
    world.draft()
    before = state()
    with pytest.raises((InvalidInput, Conflict)) as refused:
        departure.transfer(world.admin, "zhang", successor=successor, now=NOW)
    assert refused.value.code == code
    assert state() == before


def test_r21_a_transfer_is_one_transaction_an_item_already_moved_refuses_it_all(world):
    world.draft()
    world.project()
    departure.transfer(world.admin, "zhang", successor="jieban", items=["project:1:A"], now=NOW)
    before = state()
    with pytest.raises(Conflict) as refused:
        departure.transfer(world.admin, "zhang", successor="jieban", items=["project:2:A", "project:1:A"], now=NOW)
    assert refused.value.code == "departure.already_moved" and refused.value.details["items"] == ["project:1:A"]
    assert state() == before


def test_r21_handing_a_role_to_the_projects_other_manager_is_refused_and_rolls_back(world):
    world.project(a="zhang", b="zhao")
    world.project(a="zhang", b="jieban")
    before = state()
    with pytest.raises(InvalidInput) as refused:
        departure.transfer(world.admin, "zhang", successor="jieban", now=NOW)
    assert refused.value.code == "project.same_manager"
    assert state() == before  # the first project did not move either


@pytest.mark.parametrize(("items", "code"), [
    ([], "departure.invalid_items"), ("project:1:A", "departure.invalid_items"),
    (["project:1:A", "project:1:A"], "departure.invalid_items"), ([1], "departure.invalid_items"),
])
def test_r21_bad_item_lists_are_refused(world, items, code):
    world.draft()
    before = state()
    with pytest.raises(InvalidInput) as refused:
        departure.transfer(world.admin, "zhang", successor="jieban", items=items, now=NOW)
    assert refused.value.code == code
    assert state() == before


def test_r21_nothing_to_hand_over_and_only_admins_transfer(world):
    with pytest.raises(Conflict) as empty:
        departure.transfer(world.admin, "zhao", successor="jieban", now=NOW)
    assert empty.value.code == "departure.nothing_held"
    world.draft()
    before = state()
    for actor in (world.arch, world.a):
        with pytest.raises(Forbidden):
            departure.transfer(actor, "zhang", successor="jieban", now=NOW)
    with pytest.raises(NotFound):
        departure.transfer(world.admin, "nobody", successor="jieban", now=NOW)
    assert state() == before


def test_r21_transfer_list_pdf_names_both_people_and_every_item(world, poppler, tmp_path):
    world.draft()
    done = departure.transfer(world.admin, "zhang", successor="jieban", now=NOW)
    pdf = departure.printable(world.admin, done["id"], "http://x/admin/transfers/1", now=NOW)
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "档案资料交接清单" in text and "接办人" in text and "P-1" in text and "监交人" in text
    assert AuditEntry.select().where(AuditEntry.action == "transfer.print").count() == 1


def test_r21_holdings_cost_the_same_statements_for_1_and_50_projects(world):
    def cost():
        with count_statements() as log:
            departure.user_holdings(world.admin, "zhang")
        return len(log)

    world.draft()
    one = cost()
    for _ in range(49):
        world.project()
    departure.transfer(world.admin, "wang", successor="zhao", items=["project:2:B"], now=NOW)
    assert len(departure.user_holdings(world.admin, "zhang")["items"]) == 50
    assert cost() == one


# ---- reassignment ----

def test_r21_reassignment_keeps_list_deadlines_and_signatures_and_moves_the_tasks(world):
    h = world.draft()
    deadlines = handovers.submit(world.a, h["id"], now=NOW)["deadlines"]
    signatures = [(s.user_id, s.content_hash) for s in Signature.select()]
    view = reassignment.reassign(world.arch, h["project_id"], b_user="jieban", reason="岗位调整", now=NOW)
    assert view["b_user"] == "jieban" and view["reassignments"][0]["from_user"] == "wang"
    assert view["reassignments"][0]["reason"] == "岗位调整" and view["deadlines"] == deadlines
    assert [(s.user_id, s.content_hash) for s in Signature.select()] == signatures
    assert [t["kind"] for t in handovers.tasks(world.heir, now=NOW)] == ["review"]
    assert handovers.tasks(world.b, now=NOW) == []
    handovers.review(world.heir, h["id"], "accept", now=NOW)  # the new B acts on the list
    entry = AuditEntry.get(AuditEntry.action == "project.reassign")
    assert json.loads(entry.summary)["moves"] == [{"role": "B", "from": "wang", "to": "jieban"}]


def test_r21_naming_the_other_roles_person_swaps_a_and_b(world):
    p = world.project()
    view = reassignment.reassign(world.admin, p["id"], b_user="zhang", reason="互换", now=NOW)
    assert (view["a_user"], view["b_user"]) == ("wang", "zhang")
    assert [r["role"] for r in view["reassignments"]] == ["A", "B"]


@pytest.mark.parametrize(("change", "error", "code"), [
    ({"a_user": "retired"}, InvalidInput, "project.not_a_manager"),
    ({"a_user": "li"}, InvalidInput, "project.not_a_manager"),
    ({"a_user": "ghost"}, InvalidInput, "project.not_a_manager"),
    ({"a_user": "zhang"}, Conflict, "reassignment.unchanged"),
    ({"a_user": "jieban", "b_user": "jieban"}, InvalidInput, "project.same_manager"),
    ({}, InvalidInput, "reassignment.nobody_named"),
    ({"a_user": "jieban", "reason": " "}, InvalidInput, "reassignment.reason_required"),
    ({"a_user": "jieban", "reason": "x" * 201}, InvalidInput, "reassignment.reason_required"),
    ({"a_user": "jieban", "reason": "调岗\x00"}, InvalidInput, "reassignment.reason_required"),
])
def test_r21_bad_reassignment_is_refused_and_nothing_changes(world, make_actor, change, error, code):
    make_actor("retired", "manager")
    users.update_user(world.admin, "retired", active=False, now=NOW)
    p = world.project()
    before = state()
    with pytest.raises(error) as refused:
        reassignment.reassign(world.arch, p["id"], **{"reason": "调岗", **change}, now=NOW)
    assert refused.value.code == code
    assert state() == before


def test_r21_no_reassignment_to_a_b_who_signed_as_a_nor_by_a_manager(world):
    h = world.draft()
    handovers.submit(world.a, h["id"], now=NOW)
    before = state()
    with pytest.raises(Conflict) as own:
        reassignment.reassign(world.arch, h["project_id"], b_user="zhang", reason="互换", now=NOW)
    assert own.value.code == "reassignment.b_signed_as_a"
    with pytest.raises(Forbidden):
        reassignment.reassign(world.a, h["project_id"], a_user="jieban", reason="调岗", now=NOW)
    with pytest.raises(NotFound):
        reassignment.reassign(world.arch, 999, a_user="jieban", reason="调岗", now=NOW)
    assert state() == before
    assert customers.get_project(world.arch, h["project_id"], now=NOW)["b_user"] == "wang"


# ---- custody of the safe ----

def test_r21_the_last_custodian_hands_the_safe_to_a_successor_before_leaving(make_actor, admin):
    certs = CertificateWorld(make_actor)
    certs.stored()
    assert departure.user_holdings(admin, "liu")["items"] == []  # chen keeps the safe too
    users.update_user(admin, "liu", active=False, now=NOW)
    held = departure.user_holdings(admin, "chen")["items"]
    assert [(i["key"], i["kind"]) for i in held] == [("custody:safe", "custody")] and "2 件" in held[0]["summary"]
    with pytest.raises(Conflict) as refused:
        users.update_user(admin, "chen", active=False, now=NOW)
    assert refused.value.code == "user.still_holds"
    make_actor("xu", "archivist")
    departure.transfer(admin, "chen", successor="xu", now=NOW)
    assert User.get(User.username == "xu").roles == ["archivist", "custodian"]
    assert departure.user_holdings(admin, "chen")["items"] == []
    assert users.update_user(admin, "chen", active=False, now=NOW)["active"] is False


# ---- filed projects ----

def test_r21_departure_hands_on_filed_projects(world):
    filed = world.received()
    no, pid = filed["archive_no"], filed["project_id"]
    with pytest.raises(Forbidden):
        ledgers.get_archive(world.heir, no, now=NOW)
    assert ledgers.get_archive(world.a, no, now=NOW)["archive_no"] == no  # its A reads the file
    before = state()
    with pytest.raises(Conflict) as refused:
        users.update_user(world.admin, "zhang", active=False, now=NOW)
    assert refused.value.code == "user.still_holds" and "P-1" in refused.value.message
    assert state() == before

    done = departure.transfer(world.admin, "zhang", successor="jieban", now=NOW)
    assert [(i["key"], i["filed"], i["outcome"]) for i in done["items"]] == [(f"project:{pid}:A", True, "hand_on")]
    assert (Project.get_by_id(pid).a_user.username, Project.get_by_id(pid).b_user.username) == ("jieban", "wang")
    assert Reassignment.get(Reassignment.transfer == done["id"]).role == "A"
    assert ledgers.get_archive(world.heir, no, now=NOW)["archive_no"] == no  # the successor reads it now
    with pytest.raises(Forbidden):
        ledgers.get_archive(world.a, no, now=NOW)
    assert users.update_user(world.admin, "zhang", active=False, now=NOW)["active"] is False


def test_r21_the_admin_or_the_archivist_reassigns_a_filed_project(world):
    filed = world.received()
    pid = filed["project_id"]
    assert customers.get_project(world.admin, pid, now=NOW)["handover_state"] == "received"  # the admin reaches it
    view = reassignment.reassign(world.admin, pid, a_user="jieban", reason="原经办人调岗", now=NOW)
    assert (view["a_user"], view["b_user"]) == ("jieban", "wang")
    # a filed list is reviewed for good: the one who signed it as A may become B
    view = reassignment.reassign(world.arch, pid, b_user="zhang", reason="B角调岗", now=NOW)
    assert (view["a_user"], view["b_user"]) == ("jieban", "zhang")
    assert [(r["role"], r["from_user"], r["to_user"]) for r in view["reassignments"]] == \
        [("A", "zhang", "jieban"), ("B", "wang", "zhang")]
    assert ledgers.get_archive(world.heir, filed["archive_no"], now=NOW)["project_id"] == pid
    before = state()
    with pytest.raises(Forbidden):
        reassignment.reassign(world.a, pid, a_user="zhao", reason="调岗", now=NOW)
    assert state() == before
