"""The certificate handover list (重要权证移交清单, R15–R16): A lists a project's certificates apart
from the file; B checks name, number and quantity of each and signs; the custodian checks them
again, signs and puts them in a safe. Only then are they in the safe. (A list returned to A, its
correction and A's new signature are certificate_list_rounds.py.)"""
import json

from ...adapters import certificate_pdf
from ...db import for_update, transaction
from ...domain import certificates as rules
from ...domain.errors import Conflict, Forbidden, NotFound, require
from ...domain.permissions import allowed, require_permission
from ...domain.timeutil import iso_local, local_date, to_db
from ...models import (
    Certificate,
    CertificateHandover,
    CertificateKind,
    CertificateListReturn,
    CertificateMovement,
    CertificateSignature,
    Customer,
    Project,
    User,
)
from ...paging import row_id
from ..archive import number_scheme
from ..handover.projects import is_party, load_project
from ..platform import audit, search_index
from . import certificate_kinds, certificate_views, transitions


def list_rows(handover):
    return list(Certificate.select(Certificate, CertificateKind).join(CertificateKind)
                .where(Certificate.handover == handover.id).order_by(Certificate.position))


def list_contents(rows):
    return [{"id": c.id, "kind_code": c.kind.code, "name": c.name, "number": c.number, "owner": c.owner,
             "quantity": c.quantity} for c in rows]


def _signature_view(s, current_round):
    return {"role": s.role, "role_name": rules.SIGNER_NAMES[s.role], "username": s.user.username,
            "display_name": s.user.display_name, "signed_at": iso_local(s.signed_at),
            "content_hash": s.content_hash, "round": s.round, "superseded": s.round < current_round}


def _return_view(r):
    return {"round": r.round, "role": r.role, "role_name": rules.RETURNER_NAMES[r.role],
            "username": r.returned_by.username, "display_name": r.returned_by.display_name,
            "returned_at": iso_local(r.returned_at), "note": r.note, "differences": json.loads(r.differences)}


def list_view(handover):
    """The list; `signatures` are those of the current round (the ones that count), earlier rounds'
    are in `superseded_signatures`, and every return to A with its differences in `returns`."""
    project, rows, places = handover.project, list_rows(handover), certificate_views.Places()
    sigs = list(CertificateSignature.select(CertificateSignature, User).join(User)
                .where(CertificateSignature.handover == handover.id).order_by(CertificateSignature.id))
    returns = list(CertificateListReturn.select(CertificateListReturn, User).join(User)
                   .where(CertificateListReturn.handover == handover.id).order_by(CertificateListReturn.id))
    return {
        "id": handover.id, "project_id": project.id, "state": handover.state,
        "state_name": rules.LIST_STATE_NAMES[handover.state],
        "project": {"id": project.id, "code": project.code, "title": project.title,
                    "customer_name": project.customer.name, "a_user": project.a_user.username,
                    "b_user": project.b_user.username, "a_user_name": project.a_user.display_name,
                    "b_user_name": project.b_user.display_name},
        "certificates": [{"id": c.id, "code": c.code, "kind": c.kind.name, "kind_code": c.kind.code, "name": c.name,
                          "number": c.number, "owner": c.owner, "quantity": c.quantity, "status": c.status,
                          "status_name": rules.STATUS_NAMES[c.status], "location": places.code(c.location_id)}
                         for c in rows],
        "total_quantity": sum(c.quantity for c in rows), "content_hash": handover.content_hash,
        "round": handover.round,
        "signatures": [_signature_view(s, handover.round) for s in sigs if s.round == handover.round],
        "superseded_signatures": [_signature_view(s, handover.round) for s in sigs if s.round < handover.round],
        "returns": [_return_view(r) for r in returns],
        "location": places.code(handover.location_id), "created_at": iso_local(handover.created_at),
        "stored_at": iso_local(handover.stored_at),
    }


def load_visible(actor, handover_id, *, lock=False):
    """A list its project's A or B, or a role that sees certificates, may see (others: 404)."""
    query = CertificateHandover.select().where(CertificateHandover.id == handover_id)
    handover = (for_update(query) if lock else query).get_or_none() if row_id(handover_id) else None
    if handover is None or not (is_party(actor, handover.project) or allowed(actor.roles, "certificates.view")):
        raise NotFound("certificate_list.not_found", f"找不到权证移交清单 {handover_id}")
    return handover


def get(actor, handover_id, *, now):
    handover = load_visible(actor, handover_id)
    with transaction():
        audit.record(actor, "certificate_list.read", "certificate_list", handover.id, now=now)
    return list_view(handover)


def require_not_in_safe(kind, number, index, besides=None):
    """No certificate of this kind and number is listed or kept already (a list being corrected,
    `besides`, does not count against itself)."""
    query = Certificate.select().where(Certificate.kind == kind.id, Certificate.number == number,
                                       Certificate.status != rules.RELEASED)
    taken = (query.where(Certificate.handover != besides) if besides else query).exists()
    require(not taken, Conflict, "certificate.number_in_safe",
            f"第 {index + 1} 项:{kind.name} {number} 已登记在保管中,不能重复移交",
            errors={f"certificates.{index}.number": "已在保管中"})


def sign(handover, role, user_id, now):
    """`role` signs the list's content as it stands, in the list's current round."""
    CertificateSignature.create(handover=handover, role=role, user=user_id, signed_at=to_db(now),
                                content_hash=handover.content_hash, round=handover.round)


def create(actor, project_id, entries, *, now):
    """A's list of the project's certificates, separate from the file (R15); A signs it and each
    certificate gets its own label code."""
    cleaned = rules.clean_certificates(entries)
    with transaction():
        project = load_project(actor, project_id)
        project = for_update(Project.select().where(Project.id == project.id)).get()
        require(actor.id == project.a_user_id, Forbidden, "certificate.not_a_role",
                f"只有本项目的A角({project.a_user.display_name})可以列出权证移交清单")
        known = certificate_kinds.known_kinds()
        kinds = [certificate_kinds.resolve(known, e["kind"], n) for n, e in enumerate(cleaned)]
        # Lists of the same kinds are made one after the other, so a number is never listed twice.
        list(for_update(CertificateKind.select().where(CertificateKind.id.in_([k.id for k in kinds]))))
        for n, (entry, kind) in enumerate(zip(cleaned, kinds, strict=True)):
            require_not_in_safe(kind, entry["number"], n)
        handover = CertificateHandover.create(project=project, state=rules.PENDING_B, created_by=actor.id,
                                              created_at=to_db(now), content_hash="")
        year = local_date(now).year
        for n, (entry, kind) in enumerate(zip(cleaned, kinds, strict=True)):
            code = rules.label_code(year, number_scheme.next_seq(f"certificate-{year}"))
            cert = Certificate.create(code=code, handover=handover, project=project,
                                      kind=kind, name=entry["name"], number=entry["number"], owner=entry["owner"],
                                      quantity=entry["quantity"], status=rules.LISTED, position=n)
            search_index.put("certificate", cert.id, entry["name"], entry["owner"])
        handover.content_hash = rules.content_hash(list_contents(list_rows(handover)))
        handover.save()
        sign(handover, rules.A, actor.id, now)
        audit.record(actor, "certificate_list.create", "certificate_list", handover.id,
                     {"project": project.code, "certificates": len(cleaned), "hash": handover.content_hash}, now=now)
    return list_view(handover)


def checker_role(actor, handover):
    """B checks first, then the custodian; three different people (R15). The same person may
    instead return the list to A; a returned list is checked again only after A signs again."""
    project = handover.project
    require(handover.state != rules.RETURNED, Conflict, "certificate.list_returned",
            f"该清单已退回A角({project.a_user.display_name})更正,须待A角更正并重新签字后再核对")
    if handover.state == rules.PENDING_B:
        if actor.id != project.b_user_id and allowed(actor.roles, "certificates.custody"):
            raise Conflict("certificate.b_check_first", "须先由B角核对签字,权证管理员再核对入库")
        require(actor.id == project.b_user_id, Forbidden, "certificate.not_b_role",
                f"只有本项目的B角({project.b_user.display_name})可以核对")
        return rules.B
    require(handover.state == rules.PENDING_CUSTODIAN, Conflict, "certificate.list_stored",
            "该清单的权证已核对入库")
    require_permission(actor, "certificates.custody")
    require(actor.id not in (project.a_user_id, project.b_user_id), Conflict, "certificate.dual_control",
            "权证管理员不能是本项目的A角或B角:三方须为不同的人")
    return rules.CUSTODIAN


def confirm(actor, handover_id, checks, location=None, *, now):
    """B's check, then the custodian's (who names the safe location). Any difference in name,
    number or quantity: 409 listing each, nothing signed. On the custodian's signature the
    certificates are in the safe (R16), the first storing dual-controlled by B and the custodian."""
    with transaction():
        handover = load_visible(actor, handover_id, lock=True)
        role = checker_role(actor, handover)
        place = certificate_views.safe_location(location) if role == rules.CUSTODIAN else None
        contents = list_contents(list_rows(handover))
        diffs = rules.differences(contents, checks)
        require(not diffs, Conflict, "certificate.check_mismatch",
                f"核对不一致:{len(diffs)} 处与清单不符,未签字", details={"differences": diffs})
        require(rules.content_hash(contents) == handover.content_hash, Conflict, "certificate.content_changed",
                "清单内容与A角签字时不一致")
        sign(handover, role, actor.id, now)
        if role == rules.B:
            handover.state = rules.PENDING_CUSTODIAN
        else:
            _store(handover, contents, place, actor, now)
        handover.save()
        audit.record(actor, f"certificate_list.check_{role.lower()}", "certificate_list", handover.id,
                     {"hash": handover.content_hash, "location": place.code if place else None}, now=now)
    return list_view(handover)


def _store(handover, contents, place, actor, now):
    handover.state, handover.location, handover.stored_at = rules.STORED, place, to_db(now)
    ids = [c["id"] for c in contents]
    transitions.store(ids, place)
    for cid in ids:
        CertificateMovement.create(certificate=cid, kind=rules.STORE, state=rules.DONE, to_location=place,
                                   started_by=handover.project.b_user_id, started_at=to_db(now),
                                   confirmed_by=actor.id, confirmed_at=to_db(now), note="三方核对入库")


def printable(actor, handover_id, record_url, *, now):
    """The printable list (in the style of the file's handover list); printing is audited."""
    handover = load_visible(actor, handover_id)
    view = list_view(handover)
    data = certificate_pdf.render_list(view, record_url)
    with transaction():
        audit.record(actor, "certificate_list.print", "certificate_list", handover.id,
                     {"hash": view["content_hash"]}, now=now)
    return data


def _summary(handover):
    project = handover.project
    return {"id": handover.id, "state": handover.state, "state_name": rules.LIST_STATE_NAMES[handover.state],
            "project_id": project.id, "project_code": project.code, "project_title": project.title,
            "customer_name": project.customer.name, "created_at": iso_local(handover.created_at)}


def _summaries(query):
    return [_summary(h) for h in query.select(CertificateHandover, Project, Customer).join(Project).join(Customer)
            .order_by(CertificateHandover.id)]


def waiting(actor):
    """Lists waiting for the actor: to check as B of the project or as custodian, or returned to
    the actor as A to correct and sign again."""
    base = CertificateHandover.select()
    mine = Project.select(Project.id).where(Project.a_user == actor.id)
    as_a = _summaries(base.where(CertificateHandover.state == rules.RETURNED, CertificateHandover.project.in_(mine)))
    as_b = _summaries(base.where(CertificateHandover.state == rules.PENDING_B,
                                 CertificateHandover.project.in_(Project.select(Project.id)
                                                                 .where(Project.b_user == actor.id))))
    custody = _summaries(base.where(CertificateHandover.state == rules.PENDING_CUSTODIAN)) \
        if allowed(actor.roles, "certificates.custody") else []
    return {"as_b": as_b, "custody": custody, "as_a": as_a}


def of_project(actor, project_id):
    project = load_project(actor, project_id)
    return _summaries(CertificateHandover.select().where(CertificateHandover.project == project.id))
