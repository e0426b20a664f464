"""A model of the whole custody domain (issue 20): Hypothesis drives the service layer with random
sequences of what people do with certificate lists, loans, movements, stock-takes, disposals,
departures, roles, sweeps and a backup, and after every step checks the custody invariants
(archive_service/domain/invariants.py) on a snapshot read from the database.

A refusal (any ArchiveError) is an answer like any other: the rule records it and goes on. Any
other exception fails the sequence. People act as they stand in the database at that moment:
an inactive user cannot sign in, so their turn does nothing."""
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import event, note
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, precondition, rule

from archive_service.domain import invariants as inv
from archive_service.domain.errors import ArchiveError
from archive_service.domain.timeutil import local_date
from archive_service.models import Certificate, CertificateMovement, Loan, Project, User
from archive_service.services.accounts import users
from archive_service.services.alerts import alerts
from archive_service.services.archive import availability
from archive_service.services.archive import scans as scan_service
from archive_service.services.custody import certificate_lists, certificates, stocktakes
from archive_service.services.loans import loan_desk, loans
from archive_service.services.people import departure
from archive_service.services.retention import disposals
from tests import scanfiles
from tests.conftest import NOW
from tests.services import custody_snapshot
from tests.services.custody_world import (
    FILES,
    LIST_PROJECTS,
    SAFE_PLACES,
    STAFF,
    World,
    actor,
    backup_and_restore,
    empty_store,
)

KEEPERS = ("archcus", "cusappr", "arch")  # who may touch the safe (custodians), and an archivist who may not
DECIDERS = ("appr", "cusappr", "boss", "mgrexec")
ARCHIVISTS = ("arch", "archcus")
ROLES = ("manager", "archivist", "custodian", "approver", "executive")
PLACES = (*SAFE_PLACES, "R1")


class CustodyMachine(RuleBasedStateMachine):
    """Set `env` (custody_world.Env) on the class, or through `bound(env)`, before running it."""

    env = None
    certs = Bundle("certs")
    loans = Bundle("loans")
    stocktakes = Bundle("stocktakes")
    disposals = Bundle("disposals")

    @classmethod
    def bound(cls, env):
        return type(cls.__name__, (cls,), {"env": env})

    def __init__(self):
        super().__init__()
        self.store = empty_store(self.env.work / "scans")
        self.world = World.fresh(self.env)
        self.now = NOW
        self.restore = None
        self.scanned = False  # a backup is taken once scans were uploaded (they make it worth its cost)
        self.refused = Counter()

    # ---- plumbing ----------------------------------------------------------------------------

    def attempt(self, call, *args, **kwargs):
        """The service's answer, or None when it refused (recorded)."""
        try:
            return call(*args, **kwargs)
        except ArchiveError as refused:
            self.refused[refused.code] += 1
            if currently_in_test_context():  # not when a regression test replays the steps
                event(f"refused {refused.code}")
                note(f"refused: {refused.code} {refused.message}")
            return None

    def by(self, username):
        found = actor(username)
        if found is None and currently_in_test_context():
            event("an inactive user cannot sign in")
        return found

    def code_of(self, obj):
        return self.world.files[obj] if obj in FILES else Certificate.get_by_id(obj).code

    def open_movement(self, cert):
        return (CertificateMovement.select().where(CertificateMovement.certificate == cert,
                                                   CertificateMovement.state.in_(inv.OPEN_MOVEMENT_STATES))
                .order_by(CertificateMovement.id.desc()).first())

    def snapshot(self):
        return custody_snapshot.read(self.now, self.restore)

    @invariant()
    def custody_holds(self):
        found = inv.violations(self.snapshot())
        assert not found, "custody invariants violated:\n  " + "\n  ".join(found)

    # ---- certificate lists (R15) -------------------------------------------------------------

    @initialize(target=certs)
    def seed(self):
        """The certificates of the starting world: three in two safes, one listed."""
        return multiple(*self.world.certificates)

    @initialize(target=loans)
    def seed_loans(self):
        """The loans of the starting world, approved and ready to go out."""
        return multiple(*self.world.loans)

    @rule(target=certs, project=st.sampled_from(LIST_PROJECTS), count=st.integers(1, 2))
    def list_certificates(self, project, count):
        """The project's A (as it stands now) lists certificates."""
        a_role = User.get_by_id(Project.get(Project.code == project).a_user_id).username
        view = self.by(a_role) and self.attempt(self.world.list_certificates, project, count, now=self.now)
        return multiple(*[c["id"] for c in view["certificates"]]) if view else multiple()

    @rule(cert=certs, who=st.sampled_from(STAFF), place=st.sampled_from(PLACES), correct=st.booleans())
    def check_list(self, cert, who, place, correct):
        """B, then a custodian, checks the certificate's list (a wrong count is refused)."""
        if self.by(who) is None:
            return
        view = certificate_lists.list_view(Certificate.get_by_id(cert).handover)
        self.attempt(self.world.check, view, who, place, correct=correct, now=self.now)

    # ---- loans (R17, R18) --------------------------------------------------------------------

    @rule(target=loans, who=st.sampled_from(STAFF), obj=st.one_of(certs, st.sampled_from(FILES)),
          use=st.sampled_from(("read", "take_out")), days=st.integers(1, 5))
    def request_loan(self, who, obj, use, days):
        person = self.by(who)
        loan = person and self.attempt(loans.request, person, object=self.code_of(obj), purpose="贷后检查",
                                       days=days, use=use, now=self.now)
        return loan["id"] if loan else multiple()

    @rule(loan=loans, who=st.sampled_from(DECIDERS), approve=st.booleans())
    def decide_loan(self, loan, who, approve):
        person = self.by(who)
        if person:
            self.attempt(loans.decide, person, loan, approve, "意见", now=self.now)

    @rule(loan=loans)
    def approve_loan(self, loan):
        """Every step still waiting is approved by the first active holder of its role who may."""
        for _ in range(3):
            row = Loan.get_by_id(loan)
            if row.awaiting is None:
                return
            decided = {a.decided_by_id for a in row.approvals}
            deciders = [u for u in User.select().where(User.active).order_by(User.id)
                        if row.awaiting in u.roles and u.id != row.borrower_id and u.id not in decided]
            if not deciders or not self.attempt(loans.decide, users.actor_of(deciders[0]), loan, True, "同意",
                                                now=self.now):
                return

    @rule(loan=loans)
    def cancel_loan(self, loan):
        person = self.by(Loan.get_by_id(loan).borrower.username)
        if person:
            self.attempt(loans.cancel, person, loan, now=self.now)

    @rule(loan=loans, who=st.sampled_from(KEEPERS))
    def check_out(self, loan, who):
        person = self.by(who)
        if person:
            self.attempt(loan_desk.checkout, person, loan, Loan.get_by_id(loan).object_code, now=self.now)

    @rule(loan=loans, who=st.sampled_from(KEEPERS), route=st.sampled_from(("loan_desk", "movements")))
    def confirm_loan_movement(self, loan, who, route):
        """The second person confirms a loan's certificate movement from the loan desk or from the
        movements to-do list."""
        person, row = self.by(who), Loan.get_by_id(loan)
        if person is None or row.certificate_id is None:
            return
        if route == "loan_desk":
            self.attempt(loan_desk.confirm, person, loan, now=self.now)
        elif row.movement_id is not None:
            self.attempt(certificates.confirm_movement, person, row.movement_id, now=self.now)

    @rule(loan=loans, who=st.sampled_from(KEEPERS), short=st.booleans())
    def return_loan(self, loan, who, short):
        person, row = self.by(who), Loan.get_by_id(loan)
        if person:
            count = availability.recorded_count(row) - (1 if short else 0)
            self.attempt(loan_desk.return_loan, person, loan, row.object_code, count, now=self.now)

    @rule(loan=loans, keeper=st.sampled_from(KEEPERS), second=st.sampled_from(KEEPERS),
          route=st.sampled_from(("loan_desk", "movements")))
    def hand_out(self, loan, keeper, second, route):
        """Checkout at the desk and, for a certificate, the second person's confirmation at once."""
        self.check_out(loan, keeper)
        self.confirm_loan_movement(loan, second, route)

    @rule(loan=loans, keeper=st.sampled_from(KEEPERS), second=st.sampled_from(KEEPERS),
          route=st.sampled_from(("loan_desk", "movements")))
    def take_back(self, loan, keeper, second, route):
        """A whole return at the desk and, for a certificate, the second person's confirmation."""
        self.return_loan(loan, keeper, False)
        self.confirm_loan_movement(loan, second, route)

    # ---- movements of certificates (R16) -----------------------------------------------------

    @rule(cert=certs, who=st.sampled_from(KEEPERS), kind=st.sampled_from(("lend", "return", "move", "release")),
          place=st.sampled_from(SAFE_PLACES))
    def start_movement(self, cert, who, kind, place):
        """POST /certificates/{id}/movements: the generic route."""
        person = self.by(who)
        if person is None:
            return
        extra = {"to_location": place} if kind == "move" else {}
        if kind == "release":
            extra = {"recipient": "李四", "recipient_id_number": "110101199003071234"}
        self.attempt(certificates.start_movement, person, cert, kind, now=self.now, **extra)

    @rule(cert=certs, who=st.sampled_from(KEEPERS))
    def release(self, cert, who):
        person = self.by(who)
        if person:
            self.attempt(certificates.release, person, cert, recipient="李四",
                         recipient_id_number="110101199003071234", now=self.now)

    @rule(cert=certs, starter=st.sampled_from(KEEPERS), approver=st.sampled_from(("appr", "cusappr")),
          second=st.sampled_from(KEEPERS))
    def release_fully(self, cert, starter, approver, second):
        """Release on the release route: started, approved and confirmed one after the other."""
        self.release(cert, starter)
        self.decide_movement(cert, approver, True)
        self.confirm_movement(cert, second)

    @rule(cert=certs, who=st.sampled_from(("appr", "cusappr", "archcus")), approve=st.booleans())
    def decide_movement(self, cert, who, approve):
        person, move = self.by(who), self.open_movement(cert)
        if person and move:
            self.attempt(certificates.decide, person, move.id, approve=approve, now=self.now)

    @rule(cert=certs, who=st.sampled_from(KEEPERS))
    def confirm_movement(self, cert, who):
        """The movements to-do list: confirm whatever movement of the certificate is open."""
        person, move = self.by(who), self.open_movement(cert)
        if person and move:
            self.attempt(certificates.confirm_movement, person, move.id, now=self.now)

    # ---- stock-takes -------------------------------------------------------------------------

    @rule(target=stocktakes, who=st.sampled_from(KEEPERS), place=st.sampled_from(SAFE_PLACES))
    def start_stocktake(self, who, place):
        person = self.by(who)
        started = person and self.attempt(stocktakes.start, person, place, now=self.now)
        return started["id"] if started else multiple()

    @rule(stocktake=stocktakes, cert=certs, who=st.sampled_from(KEEPERS), place=st.sampled_from(SAFE_PLACES))
    def scan_in_stocktake(self, stocktake, cert, who, place):
        person = self.by(who)
        if person:
            self.attempt(stocktakes.scan, person, stocktake, Certificate.get_by_id(cert).code, place, now=self.now)

    @rule(stocktake=stocktakes, who=st.sampled_from(KEEPERS))
    def close_stocktake(self, stocktake, who):
        person = self.by(who)
        if person:
            self.attempt(stocktakes.close, person, stocktake, now=self.now)

    # ---- files: scans and disposal (R23) -----------------------------------------------------

    @rule(file=st.sampled_from(FILES), pages=st.integers(1, 3), who=st.sampled_from(ARCHIVISTS))
    def upload_scan(self, file, pages, who):
        person, content = self.by(who), io.BytesIO(scanfiles.pdf(pages))
        if person and self.attempt(scan_service.upload, person, self.world.files[file], content, filename="scan.pdf",
                                   store=self.store, now=self.now):
            self.scanned = True

    @rule(target=disposals, who=st.sampled_from(ARCHIVISTS))
    def list_for_disposal(self, who):
        person = self.by(who)
        listed = person and self.attempt(disposals.create, person, [self.world.files["file:old"]], "保管期满",
                                         now=self.now)
        return listed["id"] if listed else multiple()

    @rule(disposal=disposals, who=st.sampled_from(("appr", "cusappr")), approve=st.booleans(),
          remove_scans=st.booleans())
    def decide_disposal(self, disposal, who, approve, remove_scans):
        person = self.by(who)
        if person:
            self.attempt(disposals.decide, person, disposal, approve, "意见", remove_scans, now=self.now)

    @rule(disposal=disposals, who=st.sampled_from(ARCHIVISTS))
    def destroy(self, disposal, who):
        person = self.by(who)
        if person:
            self.attempt(disposals.destroy, person, disposal, store=self.store, now=self.now)

    @rule(remove_scans=st.booleans())
    def dispose_old_file(self, remove_scans):
        """The whole disposal of the file past its period: listed, approved, destroyed."""
        disposal = self.list_for_disposal("arch")
        if not isinstance(disposal, int):
            return
        self.decide_disposal(disposal, "appr", True, remove_scans)
        self.destroy(disposal, "arch")

    # ---- people (R21) ------------------------------------------------------------------------

    @rule(leaver=st.sampled_from(STAFF), successor=st.sampled_from(STAFF))
    def depart(self, leaver, successor):
        """The admin hands everything the leaver holds to the successor, then deactivates them."""
        admin = actor("admin")
        self.attempt(departure.transfer, admin, leaver, successor=successor, note="离职", now=self.now)
        self.attempt(users.update_user, admin, leaver, active=False, now=self.now)

    @rule(who=st.sampled_from(STAFF))
    def deactivate(self, who):
        self.attempt(users.update_user, actor("admin"), who, active=False, now=self.now)

    @rule(who=st.sampled_from(STAFF), role=st.sampled_from(ROLES))
    def toggle_role(self, who, role):
        """The admin gives the person the role, or takes it away when they have it."""
        roles = User.get(User.username == who).roles
        roles = [r for r in roles if r != role] if role in roles else [*roles, role]
        self.attempt(users.update_user, actor("admin"), who, roles=roles, now=self.now)

    # ---- time, sweeps and the backup ---------------------------------------------------------

    @rule(days=st.integers(1, 20))
    def time_passes(self, days):
        """Days pass, and each night cron's `scans sweep` removes content no live scan names (the
        store's files carry the wall clock's times, so its sweep runs by the wall clock moved on)."""
        self.now += timedelta(days=days)
        scan_service.sweep(self.store, now=datetime.now(UTC) + timedelta(days=days))

    @rule(offset=st.sampled_from((-30, -1, 0, 1, 30, 400)))
    def sweep(self, offset):
        """POST /alerts/sweep for a past day, today or a future day (which may be refused)."""
        day = local_date(self.now) + timedelta(days=offset)
        self.attempt(alerts.run_sweep, actor("admin"), day.isoformat(), now=self.now)

    @precondition(lambda self: self.restore is None and self.scanned)
    @rule()
    def backup_and_restore(self):
        """`backup`, then `restore` into an empty instance: at most once per sequence, and only once
        scans were uploaded (a pg_dump and pg_restore cost a second or two)."""
        self.restore = backup_and_restore(self.env, self.store, now=self.now)
