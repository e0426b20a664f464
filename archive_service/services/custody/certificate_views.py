"""How certificates are shown and where they may go (R14-R16): the safes and the places inside
them, a certificate's and a movement's view, and the certificate handover lists still not in the
safe. Movements themselves are certificates.py and transitions.py; the lists, certificate_lists.py."""
import json

from ...db import Statement
from ...domain import certificates as rules
from ...domain.customers import mask_id_number
from ...domain.errors import InvalidInput, require
from ...domain.permissions import allowed, require_permission
from ...domain.timeutil import from_db, iso_local, local_date
from ...models import Certificate, CertificateHandover, CertificateKind, Customer, Location, Project, User
from ..archive import locations
from ..platform import workdays

# ---- places and people -----------------------------------------------------------------------

class Places:
    """Every location, read once, so a list's paths cost one statement whatever its length."""

    def __init__(self):
        self.rows = {loc.id: loc for loc in Location.select()}

    def code(self, location_id):
        return self.rows[location_id].code if location_id in self.rows else None

    def path(self, location_id):
        parts = []
        while location_id in self.rows:
            parts.insert(0, self.rows[location_id].code)
            location_id = self.rows[location_id].parent_id
        return "/".join(parts) or None

    def within(self, location_id, root_id):
        """Whether the place is `root_id` or inside it."""
        while location_id in self.rows:
            if location_id == root_id:
                return True
            location_id = self.rows[location_id].parent_id
        return False


def safe_location(code, field="location"):
    """The location a certificate may go to: it exists and is a safe or inside one (R16)."""
    require(isinstance(code, str) and code.strip(), InvalidInput, "certificate.location_required",
            "必须指定保险柜位置", errors={field: "必填"})
    location = locations.load_location(code.strip(), field)
    require(location.safe, InvalidInput, "certificate.location_not_safe",
            f"位置 {location.code}({location.name})不是保险柜,权证只能存入保险柜(R16)",
            errors={field: "不是保险柜"})
    return location


def safe_places(actor):
    """The safes and the places inside them, for the forms that put or find certificates there."""
    require_permission(actor, "certificates.view")
    places = Places()
    return sorted(({"code": loc.code, "name": loc.name, "path": places.path(loc.id), "root": places.path(loc.id)
                    .split("/")[0]} for loc in places.rows.values() if loc.safe), key=lambda p: p["path"])


def people(ids):
    """{user id: display name} for the given ids, in one statement."""
    ids = {i for i in ids if i}
    return {u.id: u.display_name for u in User.select(User.id, User.display_name).where(User.id.in_(ids))} \
        if ids else {}


# ---- views -----------------------------------------------------------------------------------

def certificate_view(cert, places):
    project = cert.project
    return {"id": cert.id, "code": cert.code, "kind": cert.kind.name, "kind_code": cert.kind.code,
            "name": cert.name, "number": cert.number, "owner": cert.owner, "quantity": cert.quantity,
            "status": cert.status, "status_name": rules.STATUS_NAMES[cert.status],
            "location": places.code(cert.location_id), "location_path": places.path(cert.location_id),
            "handover_id": cert.handover_id, "project_id": project.id, "project_code": project.code,
            "project_title": project.title, "customer_name": project.customer.name}


def movement_view(move, names, places, *, full_id=False):
    id_number = move.recipient_id_number
    return {"id": move.id, "movement_id": move.id, "certificate_id": move.certificate_id,
            "kind": move.kind, "kind_name": rules.MOVEMENT_NAMES[move.kind],
            "state": move.state, "state_name": rules.MOVEMENT_STATE_NAMES[move.state],
            "from_location": places.code(move.from_location_id), "to_location": places.code(move.to_location_id),
            "started_by": names.get(move.started_by_id), "started_at": iso_local(move.started_at),
            "approved_by": names.get(move.approved_by_id), "decided_at": iso_local(move.decided_at),
            "decision_note": move.decision_note, "confirmed_by": names.get(move.confirmed_by_id),
            "confirmed_at": iso_local(move.confirmed_at), "recipient": move.recipient,
            "recipient_id_number": id_number if full_id or not id_number else mask_id_number(id_number),
            "note": move.note, "details": json.loads(move.details)}


def _movement_names(moves):
    return people(uid for m in moves for uid in (m.started_by_id, m.approved_by_id, m.confirmed_by_id))


def movements_view(moves, actor=None):
    moves = list(moves)
    full = actor is not None and allowed(actor.roles, "customers.view_id_number")
    names, places = _movement_names(moves), Places()
    return [movement_view(m, names, places, full_id=full) for m in moves]


def certificates_query():
    return (Certificate.select(Certificate, CertificateKind, Project, Customer)
            .join(CertificateKind).switch(Certificate).join(Project).join(Customer))


def with_certificates(views):
    """Movement views, each with its certificate's view (two statements whatever the count)."""
    certs = {c.id: c for c in certificates_query().where(Certificate.id.in_([v["certificate_id"] for v in views]))} \
        if views else {}
    places = Places()
    return [{**v, "certificate": certificate_view(certs[v["certificate_id"]], places)} for v in views]


# ---- overdue lists ---------------------------------------------------------------------------

_OPEN_LISTS = Statement(lambda m: CertificateHandover.select(
    CertificateHandover.id, CertificateHandover.project, Project.code, CertificateHandover.state,
    CertificateHandover.created_at).join(Project).where(CertificateHandover.state != rules.STORED)
    .order_by(CertificateHandover.id).tuples())


def overdue_lists(as_of, cal=None):
    """Certificate handover lists still not in the safe after the end of the next working day after
    the day they were made (R15 says at once): [{id, project_id, project_code, state, created_at, due}]."""
    cal, today = cal or workdays.current(), local_date(as_of)
    found = []
    for list_id, project_id, project_code, state, created_at in _OPEN_LISTS.objects():
        due = cal.add_working_days(local_date(from_db(created_at)), 1).due
        if today > due:
            found.append({"id": list_id, "project_id": project_id, "project_code": project_code, "state": state,
                          "state_name": rules.LIST_STATE_NAMES[state], "created_at": iso_local(created_at),
                          "due": due.isoformat()})
    return found
