"""Like cash (R15): every movement after the first storing takes effect only when a second
authorised person confirms it; a release first needs an approver; the day-end check."""
import threading
from datetime import timedelta

import pytest

from archive_service.db import database
from archive_service.domain.errors import Conflict, Forbidden, InvalidInput
from archive_service.models import Certificate, CertificateMovement
from archive_service.services.custody import certificate_desk, certificate_lists, certificates
from archive_service.services.loans import loan_desk
from tests.conftest import NOW
from tests.services.certificate_world import World, snapshot
from tests.sqlcount import count_statements

RECIPIENT = {"recipient": "李四", "recipient_id_number": "310101197505050000", "note": "贷款结清"}


@pytest.fixture
def world(make_actor):
    return World(make_actor)


@pytest.fixture
def stored(world):
    return world.stored()["certificates"]


def _refused(error, code, call):
    before = snapshot()
    with pytest.raises(error) as refused:
        call()
    assert refused.value.code == code
    assert snapshot() == before
    return refused.value


def _status(cert_id):
    return Certificate.get_by_id(cert_id).status


def test_r15_a_release_needs_an_approver_then_a_second_person(world, stored):
    cid = stored[1]["id"]
    move = certificates.release(world.custodian, cid, now=NOW, **RECIPIENT)
    assert (move["state"], move["kind"]) == ("pending_approval", "release")
    _refused(Conflict, "certificate.not_approved", lambda: certificates.confirm_movement(world.second, move["id"],
                                                                                        now=NOW))
    decided = certificates.decide(world.approver, move["id"], approve=True, note="同意", now=NOW)
    assert decided["state"] == "pending_second" and _status(cid) == "in_safe"
    _refused(Conflict, "certificate.dual_control",
             lambda: certificates.confirm_movement(world.custodian, move["id"], now=NOW))
    done = certificates.confirm_movement(world.second, move["id"], now=NOW)
    assert (done["state"], done["certificate"]["status"], done["certificate"]["location"]) == (
        "done", "released", None)
    assert done["confirmed_by"] == "刘权证" and done["approved_by"] == "赵审批"
    _refused(Conflict, "certificate.movement_closed",
             lambda: certificates.confirm_movement(world.second, move["id"], now=NOW))
    _refused(Conflict, "certificate.released",
             lambda: certificates.release(world.custodian, cid, now=NOW, **RECIPIENT))


def test_r15_the_recipients_id_number_is_masked_for_those_who_may_not_see_it(world, stored):
    move = certificates.release(world.second, stored[0]["id"], now=NOW, **RECIPIENT)
    assert move["recipient_id_number"] == "3101**********0000"
    pdf = certificates.release_receipt(world.second, move["id"], "http://x/", now=NOW)
    assert pdf.startswith(b"%PDF")


def test_r15_an_approver_cannot_approve_a_release_they_started_nor_decide_twice(world, stored, make_actor):
    both = make_actor("qian", "custodian", "approver")
    move = certificates.release(both, stored[0]["id"], now=NOW, **RECIPIENT)
    _refused(Conflict, "certificate.dual_control",
             lambda: certificates.decide(both, move["id"], approve=True, now=NOW))
    _refused(Forbidden, "auth.forbidden", lambda: certificates.decide(world.second, move["id"], approve=True, now=NOW))
    certificates.decide(world.approver, move["id"], approve=False, note="未结清", now=NOW)
    _refused(Conflict, "certificate.not_pending_approval",
             lambda: certificates.decide(world.approver, move["id"], approve=True, now=NOW))
    _refused(Conflict, "certificate.movement_closed",
             lambda: certificates.confirm_movement(world.second, move["id"], now=NOW))
    assert _status(stored[0]["id"]) == "in_safe"


def test_r15_releasing_a_certificate_on_loan_or_not_in_the_safe_is_refused(world, stored):
    world.lent(stored[0])
    assert _status(stored[0]["id"]) == "on_loan"
    _refused(Conflict, "certificate.on_loan",
             lambda: certificates.release(world.custodian, stored[0]["id"], now=NOW, **RECIPIENT))
    listed = world.listed([{"kind": "他项权证", "name": "x", "number": "N-9", "owner": "李四", "quantity": 1}])
    _refused(Conflict, "certificate.not_in_safe",
             lambda: certificates.release(world.custodian, listed["certificates"][0]["id"], now=NOW, **RECIPIENT))


@pytest.mark.parametrize("field, value, code", [
    ("recipient", "", "certificate.invalid_recipient"),
    ("recipient_id_number", "12345", "certificate.invalid_recipient_id_number"),
    ("note", "x" * 201, "certificate.invalid_note"),
])
def test_r15_a_release_with_bad_recipient_details_is_refused(world, stored, field, value, code):
    _refused(InvalidInput, code, lambda: certificates.release(
        world.custodian, stored[0]["id"], now=NOW, **{**RECIPIENT, field: value}))


def test_r15_lending_and_returning_each_take_effect_on_the_second_persons_confirmation(world, stored):
    cid = stored[0]["id"]
    loan = world.lent(stored[0])
    assert loan["state"] == "out" and _status(cid) == "on_loan"
    lend = CertificateMovement.get(CertificateMovement.certificate == cid, CertificateMovement.kind == "lend")
    assert (lend.started_by_id, lend.confirmed_by_id) == (world.custodian.id, world.second.id)
    _refused(Conflict, "certificate.on_loan",
             lambda: certificates.start_movement(world.second, cid, "move", to_location="S9-B", now=NOW))
    back = loan_desk.return_loan(world.second, loan["id"], stored[0]["code"], 1, now=NOW)
    _refused(Conflict, "certificate.dual_control", lambda: loan_desk.confirm(world.second, back["id"], now=NOW))
    assert loan_desk.confirm(world.custodian, back["id"], now=NOW)["state"] == "returned"
    assert _status(cid) == "in_safe"


@pytest.mark.parametrize("kind", ["lend", "return"])
def test_r16_lend_and_return_start_only_from_a_loan_at_the_desk(world, stored, kind):
    _refused(Conflict, "certificate.loan_movement_only",
             lambda: certificates.start_movement(world.custodian, stored[0]["id"], kind, now=NOW))


def test_r16_a_move_goes_only_to_another_safe_place(world, stored):
    cid = stored[0]["id"]
    _refused(InvalidInput, "certificate.location_not_safe",
             lambda: certificates.start_movement(world.custodian, cid, "move", to_location="R1", now=NOW))
    _refused(Conflict, "certificate.same_location",
             lambda: certificates.start_movement(world.custodian, cid, "move", to_location="S9-A", now=NOW))
    _refused(InvalidInput, "certificate.invalid_movement",
             lambda: certificates.start_movement(world.custodian, cid, "burn", now=NOW))
    move = certificates.start_movement(world.custodian, cid, "move", to_location="S9-B", now=NOW)
    assert certificates.confirm_movement(world.second, move["id"], now=NOW)["certificate"]["location"] == "S9-B"


def test_r15_managers_cannot_move_certificates(world, stored):
    _refused(Forbidden, "auth.forbidden",
             lambda: certificates.start_movement(world.a, stored[0]["id"], "move", to_location="S9-B", now=NOW))


def test_pending_movements_show_others_movements_to_co_sign(world, stored):
    move = certificates.start_movement(world.custodian, stored[0]["id"], "move", to_location="S9-B", now=NOW)
    assert [m["id"] for m in certificate_desk.pending_movements(world.second)] == [move["id"]]
    assert certificate_desk.pending_movements(world.custodian) == []
    release = certificates.release(world.custodian, stored[1]["id"], now=NOW, **RECIPIENT)
    assert [m["id"] for m in certificate_desk.pending_movements(world.approver)] == [release["id"]]


def test_pending_movements_run_the_same_statements_for_1_and_50(world):
    certs = world.stored([{"kind": "他项权证", "name": "x", "number": f"N-{n}", "owner": "李四", "quantity": 1}
                          for n in range(50)])["certificates"]
    certificates.start_movement(world.custodian, certs[0]["id"], "move", to_location="S9-B", now=NOW)
    with count_statements() as one:
        assert len(certificate_desk.pending_movements(world.second)) == 1
    for cert in certs[1:]:
        certificates.start_movement(world.custodian, cert["id"], "move", to_location="S9-B", now=NOW)
    with count_statements() as fifty:
        assert len(certificate_desk.pending_movements(world.second)) == 50
    assert len(one) == len(fifty)


def test_r15_the_custodian_confirms_the_days_movements_as_checked(world, stored):
    move = certificates.start_movement(world.custodian, stored[0]["id"], "move", to_location="S9-B", now=NOW)
    day = certificate_desk.day_movements(world.custodian, "2026-10-09", now=NOW)
    assert [m["kind"] for m in day["items"]] == ["store", "store", "move"] and day["checked"] is None
    _refused(Conflict, "certificate.day_open_movements",
             lambda: certificate_desk.check_day(world.custodian, "2026-10-09", now=NOW))
    certificates.confirm_movement(world.second, move["id"], now=NOW)
    checked = certificate_desk.check_day(world.custodian, "2026-10-09", now=NOW)
    assert checked["checked"]["by"] == "陈权证" and checked["checked"]["movements"] == 3
    _refused(Conflict, "certificate.day_checked",
             lambda: certificate_desk.check_day(world.custodian, "2026-10-09", now=NOW))
    assert certificate_desk.day_movements(world.custodian, "2026-10-10", now=NOW + timedelta(days=1))["items"] == []
    _refused(InvalidInput, "request.invalid_date",
             lambda: certificate_desk.check_day(world.custodian, "2026-13-01", now=NOW))
    _refused(InvalidInput, "request.date_out_of_range",
             lambda: certificate_desk.check_day(world.custodian, "2100-01-01", now=NOW))


def test_day_movements_run_the_same_statements_for_1_and_50(world):
    world.stored([{"kind": "他项权证", "name": "x", "number": "N-0", "owner": "李四", "quantity": 1}])
    with count_statements() as one:
        assert len(certificate_desk.day_movements(world.custodian, "2026-10-09", now=NOW)["items"]) == 1
    world.stored([{"kind": "他项权证", "name": "x", "number": f"N-{n}", "owner": "李四", "quantity": 1}
                  for n in range(1, 50)])
    with count_statements() as fifty:
        assert len(certificate_desk.day_movements(world.custodian, "2026-10-09", now=NOW)["items"]) == 50
    assert len(one) == len(fifty)


def _at_once(calls):
    """Run each call on its own connection, all released together: (results, errors)."""
    database.close()
    barrier, results, errors = threading.Barrier(len(calls)), [], []

    def work(call):
        database.connect()
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    database.connect()
    return results, errors


def test_r15_two_people_confirming_one_movement_at_once_take_it_once(world, stored, make_actor):
    third = make_actor("qian", "custodian")
    move = certificates.start_movement(world.custodian, stored[0]["id"], "move", to_location="S9-B", now=NOW)
    results, errors = _at_once([lambda: certificates.confirm_movement(world.second, move["id"], now=NOW),
                                lambda: certificates.confirm_movement(third, move["id"], now=NOW)])
    assert len(results) == 1 and [e.code for e in errors] == ["certificate.movement_closed"]
    assert CertificateMovement.select().where(CertificateMovement.kind == "move").count() == 1
    assert Certificate.get_by_id(stored[0]["id"]).location.code == "S9-B"


def test_r14_two_lists_of_the_same_number_at_once_list_it_once(world):
    entry = [{"kind": "他项权证", "name": "不动产登记证明", "number": "N-RACE", "owner": "李四", "quantity": 1}]
    second_project = world.project()["id"]
    results, errors = _at_once([
        lambda: certificate_lists.create(world.a, world.project_id, entry, now=NOW),
        lambda: certificate_lists.create(world.a, second_project, entry, now=NOW)])
    assert len(results) == 1 and [e.code for e in errors] == ["certificate.number_in_safe"]
    assert Certificate.select().where(Certificate.number == "N-RACE").count() == 1
