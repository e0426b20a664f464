"""Rows for the statement-count tests, written straight into the tables (fast enough to grow to
50 of everything on PostgreSQL): each step adds a customer with a received, an accepted, a draft
and a not-yet-started project, their lists, items, signatures, extensions, a filed archive with
its register entry, a cabinet/shelf/box path, a scan, an account, an audit entry and a certificate
stored in a shelf of the safe."""
from datetime import date, timedelta

from archive_service.models import (
    ArchiveFile,
    Certificate,
    CertificateHandover,
    CertificateKind,
    Customer,
    Extension,
    Handover,
    HandoverItem,
    Location,
    LocationMove,
    Project,
    RegisterEntry,
    ScanFile,
    Signature,
    User,
)
from archive_service.services.platform import audit
from tests.conftest import NOW

AT = NOW.replace(tzinfo=None)


class ListWorld:
    def __init__(self, make_actor):
        self.a = make_actor("zhang", "manager")
        self.b = make_actor("wang", "manager")
        self.arch = make_actor("li", "archivist")
        make_actor("sun", "approver")
        make_actor("root", "admin")
        make_actor("zhou", "auditor")
        self.room = Location.create(code="R1", name="一号档案室", level="room", created_at=AT)
        self.safe = Location.create(code="S1", name="保险柜", level="cabinet", safe=True, created_at=AT)
        self.kind = CertificateKind.create(code="encumbrance", name="他项权证")
        self.size = 0
        self.archive_nos = []

    def grow(self, to):
        while self.size < to:
            self.size += 1
            self._add(self.size)

    def _project(self, n, kind, customer, state=None):
        project = Project.create(code=f"P-{kind}-{n:03d}", customer=customer, business="loan", title=f"贷款{n}",
                                 amount="1000.00", a_user=self.a.id, b_user=self.b.id,
                                 ended_on=date(2026, 9, 1) + timedelta(days=n), created_by="li", created_at=AT)
        if state is None:
            return project, None
        handover = Handover.create(project=project, state=state, created_at=AT,
                                   last_submitted_at=AT if state != "draft" else None)
        for position, contract in enumerate((False, True)):
            HandoverItem.create(handover=handover, part=1 + position, position=0, title="资料", pages=3,
                                contract=contract, number=f"{kind}{n}-{position}" if state == "received" else None,
                                contract_number=f"{kind}{n}-HT01" if state == "received" and contract else None)
        return project, handover

    def _add(self, n):
        customer = Customer.create(name=f"客户{n}", kind="person", id_number=f"11010119900101{n:04d}",
                                   created_by="li", created_at=AT)
        project, received = self._project(n, "R", customer, "received")
        self._extension(received, "a_to_b", "approved")
        _, accepted = self._project(n, "A", customer, "accepted")
        self._extension(accepted, "b_to_archive", "approved")
        _, draft = self._project(n, "D", customer, "draft")
        self._extension(draft, "a_to_b", "pending")
        self._project(n, "N", customer)
        box = self._box(n)
        b_sig = Signature.create(handover=received, role="B", user=self.b.id, signed_at=AT, content_hash="h",
                                 content="[]")
        r_sig = Signature.create(handover=received, role="archivist", user=self.arch.id, signed_at=AT,
                                 content_hash="h", content="[]")
        archive = ArchiveFile.create(archive_no=f"XD-2026-{n:04d}", series="XD-2026", seq=n, handover=received,
                                     project=project, business="loan", year=2026, location=box,
                                     received_by=self.arch.id, received_at=AT)
        self.archive_nos.append(archive.archive_no)
        LocationMove.create(archive=archive, to_location=box, moved_by="li", moved_at=AT, note="接收入库")
        RegisterEntry.create(archive=archive, day=AT.date(), file_name=f"客户{n} 贷款{n}", handed_over_by=self.b.id,
                             received_by=self.arch.id, handed_over_signature=b_sig, received_signature=r_sig, at=AT)
        first = ArchiveFile.get(ArchiveFile.seq == 1)
        ScanFile.create(archive=first, item=None, sha256=f"{n:064x}", pages=6, media_type="application/pdf",
                        filename=f"scan{n}.pdf", size=100, uploaded_by=self.arch.id, uploaded_at=AT)
        User.create(username=f"user{n:03d}", display_name=f"用户{n}", password_hash="x", roles_text="manager",
                    created_at=AT)
        audit.record(self.arch, "test.step", "test", n, now=NOW)
        self._certificate(n, project)

    def _extension(self, handover, step, state):
        Extension.create(handover=handover, step=step, until=date(2026, 12, 31), reason="等客户签字",
                         requested_by=self.a.id, requested_at=AT, state=state,
                         decided_by=self.arch.id if state != "pending" else None,
                         decided_at=AT if state != "pending" else None)

    def _box(self, n):
        parent = self.room
        for level, prefix in (("cabinet", "C"), ("shelf", "S"), ("box", "B")):
            parent = Location.create(code=f"{parent.code}-{prefix}{n}", name=f"{prefix}{n}", level=level,
                                     parent=parent, created_at=AT)
        return parent

    def _certificate(self, n, project):
        shelf = Location.create(code=f"S1-{n}", name=f"{n}层", level="shelf", parent=self.safe, safe=True,
                                created_at=AT)
        listed = CertificateHandover.create(project=project, state="stored", created_by=self.a.id, created_at=AT,
                                            content_hash="h", location=shelf, stored_at=AT)
        Certificate.create(code=f"QZ-2026-{n:06d}", handover=listed, project=project, kind=self.kind,
                           name="不动产登记证明", number=f"权证{n}", owner=f"客户{n}", quantity=1, status="in_safe",
                           location=shelf)
