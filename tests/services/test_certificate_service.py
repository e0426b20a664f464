"""Certificate kinds (R14), the separate handover list and its three-party check (R15), the safe
(R16), overdue lists, waiting lists at a fixed statement count, labels and lookup (the ledger, R3, is
test_certificate_ledger.py)."""
from datetime import timedelta

import pytest

from archive_service.domain.errors import Conflict, Forbidden, InvalidInput
from archive_service.models import Certificate, CertificateMovement, Location
from archive_service.services.archive import labels, locations
from archive_service.services.custody import certificate_kinds, certificate_lists, certificate_views, certificates
from archive_service.services.handover import customers
from archive_service.services.platform import lookup
from archive_service.services.reports import dashboard
from tests.conftest import NOW
from tests.services.certificate_world import CERTS, World, checks_of, snapshot
from tests.sqlcount import count_statements


@pytest.fixture
def world(make_actor):
    return World(make_actor)


def _refused(error, code, call):
    before = snapshot()
    with pytest.raises(error) as refused:
        call()
    assert refused.value.code == code
    assert snapshot() == before
    return refused.value


# ---- R14: kinds ----

def test_r14_the_six_kinds_are_there_by_default_and_an_admin_adds_and_renames(world, admin):
    names = [k["name"] for k in certificate_kinds.list_kinds(world.custodian)["items"]]
    assert names == ["借款人财产权属证明", "保证人财产权属证明", "他项权证", "动产抵押登记通知书",
                     "股权出质设立登记通知书", "其他权属证明"]
    certificate_kinds.create_kind(admin, code="vehicle", name="机动车登记证书", now=NOW)
    certificate_kinds.update_kind(admin, "other_title", name="其他权属证明原件", now=NOW)
    listed = world.listed([{**CERTS[0], "kind": "机动车登记证书"}, {**CERTS[1], "kind": "其他权属证明原件"}])
    assert [c["kind"] for c in listed["certificates"]] == ["机动车登记证书", "其他权属证明原件"]


def test_r14_only_an_admin_edits_kinds_and_a_duplicate_name_is_refused(world, admin):
    with pytest.raises(Forbidden):
        certificate_kinds.create_kind(world.custodian, code="vehicle", name="机动车登记证书", now=NOW)
    _refused(Conflict, "certificate_kind.exists",
             lambda: certificate_kinds.create_kind(admin, code="again", name="他项权证", now=NOW))


def test_r14_a_retired_kind_can_no_longer_be_listed(world, admin):
    certificate_kinds.update_kind(admin, "encumbrance", active=False, now=NOW)
    _refused(InvalidInput, "certificate.unknown_kind", lambda: world.listed())


def test_r14_an_unknown_kind_is_refused_and_nothing_changes(world):
    err = _refused(InvalidInput, "certificate.unknown_kind", lambda: world.listed([{**CERTS[0], "kind": "房产证"}]))
    assert "certificates.0.kind" in err.errors


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "1", True, None])
def test_r14_a_quantity_of_zero_negative_or_not_whole_is_refused(world, quantity):
    _refused(InvalidInput, "certificate.invalid_quantity", lambda: world.listed([{**CERTS[0], "quantity": quantity}]))


def test_r14_each_certificate_gets_its_own_label_code(world):
    listed = world.listed()
    codes = [c["code"] for c in listed["certificates"]]
    assert codes == ["QZ-2026-000001", "QZ-2026-000002"]
    assert all(c["status"] == "listed" for c in listed["certificates"])


def test_r14_a_number_already_in_the_safe_for_the_same_kind_is_refused(world):
    world.stored()
    _refused(Conflict, "certificate.number_in_safe", lambda: world.listed([CERTS[0]]))
    other_kind = {**CERTS[0], "kind": "借款人财产权属证明"}
    assert world.listed([other_kind])["certificates"][0]["number"] == CERTS[0]["number"]


def test_r14_the_same_number_twice_in_one_list_is_refused(world):
    _refused(InvalidInput, "certificate.duplicate_in_list", lambda: world.listed([CERTS[0], CERTS[0]]))


def test_r15_only_the_projects_a_lists_certificates(world):
    _refused(Forbidden, "certificate.not_a_role",
             lambda: certificate_lists.create(world.b, world.project_id, CERTS, now=NOW))


# ---- R15: the three-party check ----

def test_r15_a_b_and_the_custodian_sign_the_same_content_hash(world):
    stored = world.stored()
    assert stored["state"] == "stored"
    assert [(s["role"], s["username"]) for s in stored["signatures"]] == [
        ("A", "zhang"), ("B", "wang"), ("custodian", "chen")]
    assert {s["content_hash"] for s in stored["signatures"]} == {stored["content_hash"]}


def test_r15_b_checks_name_number_and_quantity_and_each_difference_is_listed(world):
    listed = world.listed()
    wrong = checks_of(listed)
    wrong[0]["quantity"], wrong[1]["number"] = 2, "另一个号"
    err = _refused(Conflict, "certificate.check_mismatch",
                   lambda: certificate_lists.confirm(world.b, listed["id"], wrong, now=NOW))
    problems = sorted((d["certificate_id"], d["problem"]) for d in err.details["differences"])
    assert problems == sorted([(wrong[0]["certificate_id"], "quantity_differs"),
                               (wrong[1]["certificate_id"], "number_differs")])


def test_r15_a_certificate_left_unchecked_is_a_difference(world):
    listed = world.listed()
    err = _refused(Conflict, "certificate.check_mismatch",
                   lambda: certificate_lists.confirm(world.b, listed["id"], checks_of(listed)[:1], now=NOW))
    assert [d["problem"] for d in err.details["differences"]] == ["not_checked"]


def test_r15_the_custodians_check_finds_differences_too(world):
    checked = world.b_checked()
    wrong = checks_of(checked)
    wrong[1]["name"] = "不动产权证书"
    err = _refused(Conflict, "certificate.check_mismatch",
                   lambda: certificate_lists.confirm(world.custodian, checked["id"], wrong, "S9-A", now=NOW))
    assert err.details["differences"][0]["field"] == "name"


def test_r15_the_custodian_checks_only_after_b(world):
    listed = world.listed()
    _refused(Conflict, "certificate.b_check_first",
             lambda: certificate_lists.confirm(world.custodian, listed["id"], checks_of(listed), "S9-A", now=NOW))
    _refused(Forbidden, "certificate.not_b_role",
             lambda: certificate_lists.confirm(world.a, listed["id"], checks_of(listed), now=NOW))


def test_r15_the_three_parties_are_three_people(make_actor):
    world = World(make_actor)
    both = make_actor("qian", "manager", "custodian")
    project = customers.create_project(
        world.custodian, code="P-X", customer_id=world.customer_id, business="loan", title="t", amount="1",
        a_user="zhang", b_user="qian", ended_on="2026-09-30", now=NOW)
    listed = certificate_lists.create(world.a, project["id"], CERTS, now=NOW)
    certificate_lists.confirm(both, listed["id"], checks_of(listed), now=NOW)
    _refused(Conflict, "certificate.dual_control",
             lambda: certificate_lists.confirm(both, listed["id"], checks_of(listed), "S9-A", now=NOW))


# ---- R16: the safe ----

def test_r16_certificates_are_in_the_safe_only_after_the_custodians_check(world):
    checked = world.b_checked()
    assert {c["status"] for c in checked["certificates"]} == {"listed"}
    stored = certificate_lists.confirm(world.custodian, checked["id"], checks_of(checked), "S9-A", now=NOW)
    assert {(c["status"], c["location"]) for c in stored["certificates"]} == {("in_safe", "S9-A")}
    stores = CertificateMovement.select().where(CertificateMovement.kind == "store")
    assert {(m.state, m.started_by_id, m.confirmed_by_id) for m in stores} == {
        ("done", world.b.id, world.custodian.id)}


@pytest.mark.parametrize("location, code", [("R1", "certificate.location_not_safe"),
                                            (None, "certificate.location_required"),
                                            ("NOWHERE", "location.not_found")])
def test_r16_a_location_that_is_not_a_safe_is_refused(world, location, code):
    checked = world.b_checked()
    _refused(InvalidInput, code, lambda: certificate_lists.confirm(
        world.custodian, checked["id"], checks_of(checked), location, now=NOW))


def test_r16_a_stored_list_is_not_checked_again(world):
    stored = world.stored()
    _refused(Conflict, "certificate.list_stored", lambda: certificate_lists.confirm(
        world.custodian, stored["id"], checks_of(stored), "S9-A", now=NOW))


def test_r16_only_a_custodian_or_archivist_may_make_a_safe(world):
    with pytest.raises(Forbidden):
        locations.create_location(world.a, code="S7", name="保险柜", safe=True, now=NOW)
    locations.create_location(world.second, code="S7", name="保险柜", safe=True, now=NOW)
    assert Location.get(Location.code == "S7").safe


# ---- overdue lists ----

def test_r15_a_list_unconfirmed_after_the_next_working_day_is_overdue(world):
    listed = world.listed()  # Friday 2026-10-09; the next working day is Saturday 10-10 (调休)
    assert certificate_views.overdue_lists(NOW + timedelta(days=1)) == []
    overdue = certificate_views.overdue_lists(NOW + timedelta(days=2))
    assert [(o["id"], o["due"]) for o in overdue] == [(listed["id"], "2026-10-10")]
    certificate_lists.confirm(world.b, listed["id"], checks_of(listed), now=NOW)
    certificate_lists.confirm(world.custodian, listed["id"], checks_of(listed), "S9-A", now=NOW)
    assert certificate_views.overdue_lists(NOW + timedelta(days=2)) == []


def test_r15_overdue_lists_show_on_the_dashboard(world):
    world.listed()
    late = {c["label"]: (c["value"], c["tone"]) for c in dashboard.cards(world.custodian, now=NOW + timedelta(days=2))}
    assert late["逾期未入库权证清单"] == (1, "danger")
    assert "逾期未入库权证清单" not in {c["label"] for c in dashboard.cards(world.a, now=NOW + timedelta(days=2))}


def test_waiting_lists_run_the_same_statements_for_1_and_50_lists(world):
    world.b_checked(CERTS[:1])
    with count_statements() as one:
        assert len(certificate_lists.waiting(world.custodian)["custody"]) == 1
    for n in range(49):
        world.b_checked([{**CERTS[0], "number": f"N-{n}"}])
    with count_statements() as fifty:
        assert len(certificate_lists.waiting(world.custodian)["custody"]) == 50
    assert len(one) == len(fifty)


def test_a_certificate_shows_its_history_and_reading_it_is_audited(world):
    stored = world.stored()
    view = certificates.get(world.custodian, stored["certificates"][0]["id"], now=NOW)
    assert [e.get("role") or e["kind"] for e in view["history"]] == ["A", "B", "custodian", "store"]
    assert view["location_path"] == "S9/S9-A"


# ---- labels and lookup ----

def test_a_certificate_label_prints_through_the_label_layouts_and_resolves(world):
    cert = world.stored()["certificates"][0]
    label = labels.labels_for([cert["code"]], show_customer=False)[0]
    assert label.lines[0] == cert["code"] and cert["number"] in label.lines
    assert "李四" not in label.lines
    assert lookup.resolve(cert["code"]) == {"kind": "certificate", "id": cert["id"], "status": "in_safe",
                                            "url": f"/certificates/{cert['id']}"}
    assert Certificate.select().count() == 2
