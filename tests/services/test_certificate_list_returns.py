"""A certificate list can go back (R15): B or the custodian returns it to A with the counted
differences, A corrects it and signs again, B and the custodian check again, and the three
signatures that count cover the corrected content; the returned round's are kept, superseded.
Wrong step or wrong person is refused with a stable code and changes nothing."""
from datetime import date, timedelta

import pytest

from archive_service.domain.errors import Conflict, Forbidden, InvalidInput
from archive_service.models import Alert, Certificate, CertificateListReturn, CertificateSignature, SearchDoc
from archive_service.services.alerts import overdue
from archive_service.services.custody import certificate_list_rounds as rounds
from archive_service.services.custody import certificate_lists, certificate_views, certificates
from tests.conftest import NOW
from tests.services.certificate_world import CERTS, World, checks_of, snapshot


@pytest.fixture
def world(make_actor):
    return World(make_actor)


def _state():
    """The certificate world's snapshot, plus what a return, a correction or a signature would write."""
    return snapshot() | {
        "returns": CertificateListReturn.select().count(), "alerts": Alert.select().count(),
        "signatures": sorted((s.handover_id, s.round, s.role) for s in CertificateSignature.select()),
        "contents": sorted((c.id, c.code, c.name, c.number, c.quantity) for c in Certificate.select())}


def _refused(error, code, call):
    before = _state()
    with pytest.raises(error) as refused:
        call()
    assert refused.value.code == code
    assert _state() == before
    return refused.value


def _entries(view, **changes):
    """The list as A would send it back: every certificate with its id, `changes` by position."""
    rows = [{"id": c["id"], "kind": c["kind"], "name": c["name"], "number": c["number"], "owner": c["owner"],
             "quantity": c["quantity"]} for c in view["certificates"]]
    for position, change in changes.items():
        rows[int(position[1:])].update(change)
    return rows


def test_r15_b_returns_a_list_with_differences_and_a_corrects_and_signs_again(world):
    listed = world.listed()
    first_hash, codes = listed["content_hash"], [c["code"] for c in listed["certificates"]]
    counted = checks_of(listed)
    counted[1]["quantity"] = 3  # the pledge notice is really three copies, not two
    note = "股权出质通知书原件为 3 份"
    returned = rounds.return_to_a(world.b, listed["id"], counted, note, now=NOW)
    assert (returned["state"], returned["state_name"], returned["round"]) == ("returned", "已退回A角", 2)
    assert returned["signatures"] == []
    assert [(s["role"], s["round"], s["superseded"]) for s in returned["superseded_signatures"]] == [("A", 1, True)]
    (back,) = returned["returns"]
    assert (back["role"], back["username"], back["round"], back["note"]) == ("B", "wang", 1, note)
    assert [(d["field"], d["expected"], d["counted"]) for d in back["differences"]] == [("quantity", 2, 3)]
    told = Alert.get(Alert.kind == "certificate_list")
    assert (told.recipient.username, told.object) == ("zhang", "P-1") and told.url.endswith(str(listed["id"]))
    assert certificate_lists.waiting(world.a)["as_a"][0]["id"] == listed["id"]
    assert certificate_lists.waiting(world.b)["as_b"] == []

    corrected = rounds.correct(world.a, listed["id"], _entries(returned, e1={"quantity": 3}), now=NOW)
    assert [c["code"] for c in corrected["certificates"]] == codes  # the labels stay
    assert corrected["state"] == "returned" and corrected["content_hash"] != first_hash
    signed = rounds.sign_again(world.a, listed["id"], now=NOW)
    assert (signed["state"], [(s["role"], s["round"]) for s in signed["signatures"]]) == ("pending_b", [("A", 2)])
    assert Alert.select().where(Alert.kind == "certificate_list").count() == 2  # A told, then B

    checked = certificate_lists.confirm(world.b, listed["id"], checks_of(signed), now=NOW)
    stored = certificate_lists.confirm(world.custodian, listed["id"], checks_of(checked), "S9-A", now=NOW)
    assert stored["state"] == "stored" and stored["certificates"][1]["quantity"] == 3
    assert [(s["role"], s["round"]) for s in stored["signatures"]] == [("A", 2), ("B", 2), ("custodian", 2)]
    assert {s["content_hash"] for s in stored["signatures"]} == {stored["content_hash"]} != {first_hash}
    assert [(s["role"], s["content_hash"]) for s in stored["superseded_signatures"]] == [("A", first_hash)]


def test_r15_the_custodian_returns_a_list_and_b_checks_again(world):
    checked = world.b_checked()
    returned = rounds.return_to_a(world.custodian, checked["id"], None, "他项权证的权利人应为李四商贸有限公司", now=NOW)
    assert [s["role"] for s in returned["superseded_signatures"]] == ["A", "B"]
    assert (returned["returns"][0]["role_name"], returned["returns"][0]["differences"]) == ("权证管理员", [])
    assert certificate_lists.waiting(world.custodian)["custody"] == []
    fixed = rounds.correct(world.a, checked["id"], _entries(returned, e0={"owner": "李四商贸有限公司"}), now=NOW)
    rounds.sign_again(world.a, checked["id"], now=NOW)
    _refused(Conflict, "certificate.b_check_first", lambda: certificate_lists.confirm(
        world.custodian, checked["id"], checks_of(fixed), "S9-A", now=NOW))
    certificate_lists.confirm(world.b, checked["id"], checks_of(fixed), now=NOW)
    stored = certificate_lists.confirm(world.custodian, checked["id"], checks_of(fixed), "S9-A", now=NOW)
    assert [(s["role"], s["round"]) for s in stored["signatures"]] == [("A", 2), ("B", 2), ("custodian", 2)]
    assert [(s["role"], s["round"]) for s in stored["superseded_signatures"]] == [("A", 1), ("B", 1)]
    history = certificates.get(world.custodian, stored["certificates"][0]["id"], now=NOW)["history"]
    assert [e.get("role") or e["kind"] for e in history] == ["A", "B", "A", "B", "custodian", "store"]


def test_r15_a_list_can_be_returned_again_in_a_later_round(world):
    listed = world.listed()
    rounds.return_to_a(world.b, listed["id"], None, "第一次退回", now=NOW)
    rounds.sign_again(world.a, listed["id"], now=NOW)  # A finds the list right as it was
    again = rounds.return_to_a(world.b, listed["id"], None, "第二次退回", now=NOW)
    assert again["round"] == 3 and [r["round"] for r in again["returns"]] == [1, 2]
    assert [s["round"] for s in again["superseded_signatures"]] == [1, 2]


def test_r15_a_corrects_by_striking_and_adding_certificates(world):
    listed = world.listed()
    returned = rounds.return_to_a(world.b, listed["id"], checks_of(listed)[:1], "第二项没有原件", now=NOW)
    assert [d["problem"] for d in returned["returns"][0]["differences"]] == ["not_checked"]
    struck = listed["certificates"][1]
    new = {"kind": "借款人财产权属证明", "name": "不动产权证书", "number": "沪(2026)第0000077号", "owner": "李四",
           "quantity": 1}
    corrected = rounds.correct(world.a, listed["id"], [_entries(returned)[0], new], now=NOW)
    assert [c["code"] for c in corrected["certificates"]] == [listed["certificates"][0]["code"], "QZ-2026-000003"]
    assert not Certificate.select().where(Certificate.code == struck["code"]).exists()
    indexed = SearchDoc.select(SearchDoc.ref).where(SearchDoc.kind == "certificate").order_by(SearchDoc.ref)
    assert [d.ref for d in indexed] == [c["id"] for c in corrected["certificates"]]
    signed = rounds.sign_again(world.a, listed["id"], now=NOW)
    assert signed["content_hash"] == corrected["content_hash"] == signed["signatures"][0]["content_hash"]


def test_r15_a_correction_keeps_the_rules_of_a_new_list(world):
    world.stored([{**CERTS[0], "number": "N-IN-SAFE"}])
    listed = world.listed()
    returned = rounds.return_to_a(world.b, listed["id"], None, "号码有误", now=NOW)
    _refused(Conflict, "certificate.number_in_safe", lambda: rounds.correct(
        world.a, listed["id"], _entries(returned, e0={"number": "N-IN-SAFE"}), now=NOW))
    _refused(InvalidInput, "certificate.unknown_entry", lambda: rounds.correct(
        world.a, listed["id"], _entries(returned, e0={"id": 999999}), now=NOW))
    _refused(InvalidInput, "certificate.unknown_entry", lambda: rounds.correct(
        world.a, listed["id"], _entries(returned, e1={"id": listed["certificates"][0]["id"]}), now=NOW))
    _refused(InvalidInput, "certificate.invalid_quantity", lambda: rounds.correct(
        world.a, listed["id"], _entries(returned, e0={"quantity": 0}), now=NOW))
    _refused(InvalidInput, "certificate.empty_list", lambda: rounds.correct(world.a, listed["id"], [], now=NOW))


def test_r15_returning_is_for_the_checker_at_their_step_with_a_note(world):
    listed = world.listed()
    _refused(InvalidInput, "certificate.return_note_required",
             lambda: rounds.return_to_a(world.b, listed["id"], None, "  ", now=NOW))
    _refused(Forbidden, "certificate.not_b_role", lambda: rounds.return_to_a(world.a, listed["id"], None, "x", now=NOW))
    _refused(Conflict, "certificate.b_check_first",
             lambda: rounds.return_to_a(world.custodian, listed["id"], None, "x", now=NOW))
    certificate_lists.confirm(world.b, listed["id"], checks_of(listed), now=NOW)
    _refused(Forbidden, "auth.forbidden", lambda: rounds.return_to_a(world.b, listed["id"], None, "x", now=NOW))
    certificate_lists.confirm(world.custodian, listed["id"], checks_of(listed), "S9-A", now=NOW)
    _refused(Conflict, "certificate.list_stored",
             lambda: rounds.return_to_a(world.second, listed["id"], None, "x", now=NOW))


def test_r15_only_a_corrects_and_signs_and_only_a_returned_list(world):
    listed = world.listed()
    _refused(Conflict, "certificate.not_returned", lambda: rounds.correct(world.a, listed["id"], _entries(listed),
                                                                          now=NOW))
    _refused(Conflict, "certificate.not_returned", lambda: rounds.sign_again(world.a, listed["id"], now=NOW))
    returned = rounds.return_to_a(world.b, listed["id"], None, "请更正", now=NOW)
    _refused(Forbidden, "certificate.not_a_role", lambda: rounds.correct(world.b, listed["id"], _entries(returned),
                                                                         now=NOW))
    _refused(Forbidden, "certificate.not_a_role", lambda: rounds.sign_again(world.custodian, listed["id"], now=NOW))
    err = _refused(Conflict, "certificate.list_returned", lambda: certificate_lists.confirm(
        world.b, listed["id"], checks_of(listed), now=NOW))
    assert "张经理" in err.message
    _refused(Conflict, "certificate.list_returned",
             lambda: rounds.return_to_a(world.b, listed["id"], None, "再退", now=NOW))


def test_r15_a_returned_list_is_still_open_and_overdue_tells_a(world):
    listed = world.listed()  # Friday 2026-10-09; due the next working day, Saturday 10-10 (调休)
    rounds.return_to_a(world.b, listed["id"], None, "请更正", now=NOW)
    late = certificate_views.overdue_lists(NOW + timedelta(days=2))
    assert [(o["id"], o["state"], o["state_name"]) for o in late] == [(listed["id"], "returned", "已退回A角")]
    notices = [n for n in overdue.notices(date(2026, 10, 12), escalate_after=3) if n.kind == "certificate_list_late"]
    assert [[u.username for u in n.recipients] for n in notices] == [["zhang"]]
