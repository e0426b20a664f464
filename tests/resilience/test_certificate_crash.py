"""The server killed with SIGKILL in the middle of certificate movements (R15, R16): lists checked
into the safe, lends, moves and releases confirmed out of it, movements started, certificate loans
confirmed (custody passing to the borrower). After a restart every certificate's status and place
follow from its completed movements, each movement has its audit entries and no other exists, each
loan agrees with its movement, nothing answered before the kill is lost, and the audit chain
verifies (R19). Which statement the kill lands on varies from run to run; what must hold does not."""
import json
import threading
import time

import pytest

from archive_service.domain import certificates as rules
from archive_service.models import AuditEntry, Certificate, CertificateHandover, CertificateMovement, Loan
from archive_service.services.custody import certificate_lists, certificates
from archive_service.services.loans import loan_desk, loans
from tests.conftest import NOW
from tests.services.certificate_world import World, checks_of

pytestmark = pytest.mark.heavy

RECIPIENT = {"recipient": "李四", "recipient_id_number": "310101197505050000", "note": "贷款结清"}
LISTS, CONFIRMS, STARTS, LOANS = 6, 6, 6, 4


@pytest.fixture
def world(make_actor):
    world = World(make_actor)
    world.borrower = make_actor("qian", "manager", display_name="钱借阅")
    world.boss = make_actor("boss", "executive", display_name="孙总")
    return world


def entries(prefix, n):
    return [{"kind": "他项权证", "name": "不动产登记证明", "number": f"{prefix}-{k}", "owner": "李四", "quantity": 1}
            for k in range(n)]


def stored_codes(world, n):
    """n certificates in the safe at S9-A: [(id, code)]."""
    view = world.stored(entries("SAFE", n))
    return [(c["id"], c["code"]) for c in view["certificates"]]


def b_checked_lists(world):
    """Lists checked by B, waiting for the custodian to check them into the safe: [(id, checks)]."""
    found = []
    for n in range(LISTS):
        view = certificate_lists.create(world.a, world.project()["id"], entries(f"LIST{n}", 2), now=NOW)
        view = certificate_lists.confirm(world.b, view["id"], checks_of(view), now=NOW)
        found.append((view["id"], checks_of(view)))
    return found


def started_movements(world, certs):
    """Lends (of loans scanned out at the desk), moves and approved releases started by the custodian,
    waiting for a second person."""
    found = []
    for n, (cid, code) in enumerate(certs):
        if n % 3 == 0:
            found.append(Loan.get_by_id(checked_out_loans(world, [(cid, code)])[0]).movement_id)
            continue
        if n % 3 == 1:
            move = certificates.start_movement(world.custodian, cid, rules.MOVE, to_location="S9-B", now=NOW)
        else:
            move = certificates.release(world.custodian, cid, now=NOW, **RECIPIENT)
            certificates.decide(world.approver, move["id"], approve=True, note="同意", now=NOW)
        found.append(move["id"])
    return found


def checked_out_loans(world, certs):
    """Certificate loans approved and scanned out by the custodian, waiting for the second person."""
    found = []
    for _, code in certs:
        loan = loans.request(world.borrower, object=code, purpose="办理抵押变更", days=3, use="take_out", now=NOW)
        loans.decide(world.approver, loan["id"], True, "同意", now=NOW)
        loans.decide(world.boss, loan["id"], True, "同意", now=NOW)
        loan_desk.checkout(world.custodian, loan["id"], code, now=NOW)
        found.append(loan["id"])
    return found


def requests(world):
    """[(kind, key, who, path, body)] for the burst: into the safe, out of it, custody passing on."""
    certs = stored_codes(world, CONFIRMS + STARTS + LOANS)
    to_confirm, to_start, to_lend = certs[:CONFIRMS], certs[CONFIRMS:CONFIRMS + STARTS], certs[CONFIRMS + STARTS:]
    calls = [("list", list_id, "chen", f"/api/v1/certificate-handovers/{list_id}/confirm",
              {"checks": checks, "location": "S9-A"}) for list_id, checks in b_checked_lists(world)]
    calls += [("confirm", move_id, "liu", f"/api/v1/certificate-movements/{move_id}/confirm", None)
              for move_id in started_movements(world, to_confirm)]
    calls += [("start", cid, "chen", f"/api/v1/certificates/{cid}/movements",
               {"kind": "move", "to_location": "S9-B"}) for cid, _ in to_start]
    calls += [("loan", loan_id, "liu", f"/api/v1/loans/{loan_id}/confirm", None)
              for loan_id in checked_out_loans(world, to_lend)]
    return calls


# ---- what must hold whatever the kill interrupted ----------------------------------------------

def replay(moves):
    """A certificate's (status, location) from its completed movements, oldest first."""
    status, place = rules.LISTED, None
    for move in moves:
        if move.state != rules.DONE:
            continue
        status = rules.IN_SAFE if move.kind == rules.STORE else rules.AFTER[move.kind]
        if move.kind in (rules.STORE, rules.MOVE, rules.RETURN):
            place = move.to_location_id
        elif move.kind == rules.RELEASE:
            place = None
    return status, place


def audited_movements():
    """{action: [movement id]} of the audit entries about certificate movements."""
    found = {}
    for entry in AuditEntry.select().where(AuditEntry.object_type == "certificate"):
        moved = json.loads(entry.summary).get("movement")
        if moved is not None:
            found.setdefault(entry.action, []).append(moved)
    return found


def assert_movements_whole():
    moves = list(CertificateMovement.select().order_by(CertificateMovement.id))
    for cert in Certificate.select():
        mine = [m for m in moves if m.certificate_id == cert.id]
        assert (cert.status, cert.location_id) == replay(mine), cert.code
        assert sum(m.state in rules.OPEN_STATES for m in mine) <= 1, cert.code
    audited = audited_movements()
    for kind in rules.STARTABLE:
        of_kind = [m for m in moves if m.kind == kind]
        assert sorted(audited.get(f"certificate.{kind}_start", [])) == [m.id for m in of_kind], kind
        assert sorted(audited.get(f"certificate.{kind}", [])) == [m.id for m in of_kind if m.state == rules.DONE]
    assert sorted(audited.get("certificate.decision", [])) == [
        m.id for m in moves if m.kind == rules.RELEASE and m.approved_by_id is not None]


def assert_lists_whole():
    checked = {int(e.object_id) for e in AuditEntry.select().where(
        AuditEntry.action == "certificate_list.check_custodian")}
    for handover in CertificateHandover.select():
        certs = list(Certificate.select().where(Certificate.handover == handover.id))
        stores = CertificateMovement.select().where(CertificateMovement.kind == rules.STORE,
                                                    CertificateMovement.certificate.in_([c.id for c in certs]))
        signers = sorted(s.role for s in handover.signatures)
        if handover.state == rules.STORED:
            assert stores.count() == len(certs) and handover.id in checked
            assert signers == sorted([rules.A, rules.B, rules.CUSTODIAN])
        else:
            assert stores.count() == 0 and handover.id not in checked
            assert rules.CUSTODIAN not in signers and {c.status for c in certs} == {rules.LISTED}


def assert_loans_whole():
    checkouts = {int(e.object_id) for e in AuditEntry.select().where(AuditEntry.action == "loan.checkout")}
    for loan in Loan.select().where(Loan.object_kind == "certificate"):
        lends = list(CertificateMovement.select().where(CertificateMovement.certificate == loan.certificate_id,
                                                        CertificateMovement.kind == rules.LEND))
        assert len(lends) == 1 and json.loads(lends[0].details) == {"loan": loan.id}
        status = Certificate.get_by_id(loan.certificate_id).status
        if loan.state == "out":
            assert (loan.movement_id, lends[0].state, status) == (None, rules.DONE, rules.ON_LOAN)
            assert loan.out_key == f"certificate:{loan.object_code}" and loan.id in checkouts
        else:
            assert (loan.state, loan.movement_id, lends[0].state) == ("approved", lends[0].id, rules.PENDING_SECOND)
            assert status == rules.IN_SAFE and loan.out_key is None and loan.id not in checkouts


def assert_custody_whole():
    assert_movements_whole()
    assert_lists_whole()
    assert_loans_whole()


def committed(kind, key, body):
    """Whether what an answered request did is in the database."""
    if kind == "list":
        return CertificateHandover.get_by_id(key).state == rules.STORED
    if kind == "confirm":
        return CertificateMovement.get_by_id(key).state == rules.DONE
    if kind == "start":
        return CertificateMovement.get_or_none(CertificateMovement.id == body["id"]) is not None
    return Loan.get_by_id(key).state == "out"


def done(kind, key):
    """Whether the request's work is done (for a start: the certificate has a movement open)."""
    if kind == "start":
        return CertificateMovement.select().where(CertificateMovement.certificate == key,
                                                  CertificateMovement.state.in_(rules.OPEN_STATES)).exists()
    return committed(kind, key, None)


# ---- the test ----------------------------------------------------------------------------------

def send(server, calls, answers):
    def one(kind, key, who, path, body):
        status, answer = server.call("POST", path, body, as_user=who)
        answers.append((kind, key, status, answer))

    threads = [threading.Thread(target=one, args=call) for call in calls]
    for t in threads:
        t.start()
    return threads


def test_r16_sigkill_during_certificate_movements_leaves_every_certificate_whole(world, servers):
    calls = requests(world)
    server = servers()
    for who in ("chen", "liu"):
        server.sign_in(who)
    answers = []
    threads = send(server, calls, answers)
    while len(answers) < 3:
        time.sleep(0.002)
    server.kill()
    for t in threads:
        t.join(60)
    assert_custody_whole()
    answered = [(kind, key, body) for kind, key, status, body in answers if status in (200, 201)]
    assert all(committed(kind, key, body) for kind, key, body in answered), answered
    finished = sum(done(kind, key) for kind, key, *_ in calls)
    assert 1 <= finished < len(calls), "the kill landed before or after every movement"

    restarted = servers()
    assert restarted.cli("audit", "verify").returncode == 0
    for who in ("chen", "liu"):
        restarted.sign_in(who)
    again = []
    for t in send(restarted, calls, again):
        t.join(60)
    assert all(status in (200, 201, 409) for *_, status, _ in again), again
    assert all(done(kind, key) for kind, key, *_ in calls)
    assert_custody_whole()
    assert restarted.cli("audit", "verify").returncode == 0
