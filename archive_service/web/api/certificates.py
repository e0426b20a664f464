"""Certificate custody (R14–R16): kinds, handover lists with the three-party check, the ledger,
dual-controlled movements, the day-end check and stock-takes of a safe."""
from flask import Response, request

from ...services.custody import (
    certificate_desk,
    certificate_kinds,
    certificate_list_rounds,
    certificate_lists,
    certificate_views,
    certificates,
    stocktakes,
)
from ...services.ledgers import certificate_ledger
from ..context import current_actor, now
from .base import api_blueprint
from .ledgers import CertificateFilters
from .schemas import ApiSchema, Bool, Id, Int, List, Nested, PageArgs, Text

bp = api_blueprint("certificates", "Important certificates: separate handover, the safe, dual control (R14–R16)")


class NewKind(ApiSchema):
    code = Text(32, required=True)
    name = Text(100, required=True)


class KindChange(ApiSchema):
    name = Text(100, load_default=None)
    active = Bool(load_default=None)


class NewCertificate(ApiSchema):
    kind = Text(100, required=True, metadata={"description": "a certificate kind's code or zh-CN name"})
    name = Text(200, required=True, metadata={"description": "the document's own title, e.g. 不动产权证书"})
    number = Text(200, required=True)
    owner = Text(100, required=True)
    quantity = Int(required=True, metadata={"minimum": 1, "maximum": 999})


class NewList(ApiSchema):
    certificates = List(Nested(NewCertificate), required=True)


class CertificateCheck(ApiSchema):
    certificate_id = Id(required=True)
    name = Text(200, required=True)
    number = Text(200, required=True)
    quantity = Int(required=True)


class ListCheck(ApiSchema):
    checks = List(Nested(CertificateCheck), required=True)
    location = Text(40, load_default=None, allow_none=True,
                    metadata={"description": "the safe location; required at the custodian's check"})


class ListReturn(ApiSchema):
    checks = List(Nested(CertificateCheck), load_default=None, allow_none=True,
                  metadata={"description": "what the checker counted, as at `confirm`: the differences are recorded"})
    note = Text(500, required=True, metadata={"description": "the differences or the reason, for A"})


class CorrectedCertificate(NewCertificate):
    id = Id(load_default=None, allow_none=True,
            metadata={"description": "the list's certificate this entry corrects (it keeps its label); "
                                     "none for a new one"})


class CorrectedList(ApiSchema):
    certificates = List(Nested(CorrectedCertificate), required=True,
                        metadata={"description": "the whole corrected list; a certificate left out is struck"})


class CertificateLedgerArgs(CertificateFilters, PageArgs):
    """The certificate ledger's filters and sort, and a page."""

    cursor = Text(400, load_default=None, metadata={"description": "the `next_cursor` or `prev_cursor` of a page"})


class Release(ApiSchema):
    recipient = Text(100, required=True)
    recipient_id_number = Text(32, required=True)
    note = Text(200, load_default="")


class NewMovement(ApiSchema):
    kind = Text(16, required=True, metadata={
        "description": "move or release; lend and return start only from a loan at the desk (409 "
                       "`certificate.loan_movement_only`)"})
    to_location = Text(40, load_default=None, allow_none=True)
    recipient = Text(100, load_default=None, allow_none=True)
    recipient_id_number = Text(32, load_default=None, allow_none=True)
    note = Text(200, load_default="")


class MovementDecision(ApiSchema):
    approve = Bool(required=True)
    note = Text(200, load_default="")


class NewStocktake(ApiSchema):
    location = Text(40, required=True)


class StocktakeScanBody(ApiSchema):
    code = Text(120, required=True)
    location = Text(40, required=True)


def _pdf(data, filename):
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'})


# ---- kinds ----

@bp.get("/certificate-kinds")
@bp.response(200)
def list_kinds():
    """R14's kinds (and any an admin added)."""
    return certificate_kinds.list_kinds(current_actor())


@bp.post("/certificate-kinds")
@bp.arguments(NewKind)
@bp.response(201)
def create_kind(body):
    return certificate_kinds.create_kind(current_actor(), now=now(), **body)


@bp.patch("/certificate-kinds/<code>")
@bp.arguments(KindChange)
@bp.response(200)
def update_kind(body, code):
    """Rename or retire a kind."""
    return certificate_kinds.update_kind(current_actor(), code, now=now(), **body)


# ---- handover lists ----

@bp.post("/projects/<int:project_id>/certificate-handovers")
@bp.arguments(NewList)
@bp.response(201)
def create_list(body, project_id):
    """A lists the project's certificates, apart from the file (R15); each gets a label code."""
    return certificate_lists.create(current_actor(), project_id, body["certificates"], now=now())


@bp.get("/projects/<int:project_id>/certificate-handovers")
@bp.response(200)
def project_lists(project_id):
    return {"items": certificate_lists.of_project(current_actor(), project_id), "next_cursor": None}


@bp.get("/certificate-handovers/waiting")
@bp.response(200)
def waiting_lists():
    """Lists waiting for the caller's check (as B, or as custodian)."""
    return certificate_lists.waiting(current_actor())


@bp.get("/certificate-handovers/overdue")
@bp.response(200)
def overdue_lists():
    """Lists not in the safe by the end of the next working day after they were made."""
    current_actor()
    return {"items": certificate_views.overdue_lists(now()), "next_cursor": None}


@bp.get("/certificate-handovers/<int:handover_id>")
@bp.response(200)
def get_list(handover_id):
    return certificate_lists.get(current_actor(), handover_id, now=now())


@bp.post("/certificate-handovers/<int:handover_id>/confirm")
@bp.arguments(ListCheck)
@bp.response(200)
def confirm_list(body, handover_id):
    """B's check, then the custodian's into a safe location; any difference → 409 listing each."""
    return certificate_lists.confirm(current_actor(), handover_id, body["checks"], body["location"], now=now())


@bp.post("/certificate-handovers/<int:handover_id>/return")
@bp.arguments(ListReturn)
@bp.response(200)
def return_list(body, handover_id):
    """B (at B's check) or the custodian (at theirs) returns the list to A with the counted differences
    and a note: `state` becomes `returned` and the round's signatures are superseded. Wrong step → 409,
    not the checker → 403."""
    return certificate_list_rounds.return_to_a(current_actor(), handover_id, body["checks"], body["note"],
                                               now=now())


@bp.put("/certificate-handovers/<int:handover_id>/certificates")
@bp.arguments(CorrectedList)
@bp.response(200)
def correct_list(body, handover_id):
    """A corrects a returned list (the whole list); then signs it again (`/sign`)."""
    return certificate_list_rounds.correct(current_actor(), handover_id, body["certificates"], now=now())


@bp.post("/certificate-handovers/<int:handover_id>/sign")
@bp.response(200)
def sign_list(handover_id):
    """A signs a returned (corrected) list again: B and then the custodian check it again."""
    return certificate_list_rounds.sign_again(current_actor(), handover_id, now=now())


@bp.get("/certificate-handovers/<int:handover_id>/list.pdf")
@bp.response(200, content_type="application/pdf")
def list_pdf(handover_id):
    url = f"{request.url_root}certificate-handovers/{handover_id}"
    return _pdf(certificate_lists.printable(current_actor(), handover_id, url, now=now()),
                f"certificate-list-{handover_id}.pdf")


# ---- the ledger and movements ----

@bp.get("/certificates")
@bp.arguments(CertificateLedgerArgs, location="query")
@bp.response(200)
def ledger(args):
    """The certificate ledger (R3): `{items, total, next_cursor, prev_cursor, sort}`; each item with `id`, `code`,
    `kind`, `name`, `number`, `owner`, `quantity`, `status`, `location`, `location_path`, `stored_at`, its project,
    customer and managers. A bad filter, sort or cursor → 422 `request.invalid_filter`, `request.invalid_sort` or
    `request.invalid_cursor`."""
    return certificate_ledger.page(current_actor(), **args)


@bp.get("/certificates/<int:certificate_id>")
@bp.response(200)
def get_certificate(certificate_id):
    """One certificate with its history (signatures and movements)."""
    return certificates.get(current_actor(), certificate_id, now=now())


@bp.post("/certificates/<int:certificate_id>/release")
@bp.arguments(Release)
@bp.response(201)
def release(body, certificate_id):
    """Return to the customer on settlement: pending an approver, then a second person."""
    return certificates.release(current_actor(), certificate_id, now=now(), **body)


@bp.post("/certificates/<int:certificate_id>/movements")
@bp.arguments(NewMovement)
@bp.response(201)
def start_movement(body, certificate_id):
    """The first half of a move or a release (a release needs the custodian, as `/release` does). Lend and
    return start only from their loan at the desk: 409 `certificate.loan_movement_only`."""
    kind = body.pop("kind")
    return certificates.start_movement(current_actor(), certificate_id, kind, now=now(), **body)


@bp.get("/certificate-movements")
@bp.response(200)
def pending_movements():
    """Movements waiting for the caller: approvals and co-signatures of others' movements."""
    return {"items": certificate_desk.pending_movements(current_actor()), "next_cursor": None}


@bp.post("/certificate-movements/<int:movement_id>/decision")
@bp.arguments(MovementDecision)
@bp.response(200)
def decide(body, movement_id):
    return certificates.decide(current_actor(), movement_id, now=now(), **body)


@bp.post("/certificate-movements/<int:movement_id>/confirm")
@bp.response(200)
def confirm_movement(movement_id):
    """Dual control: a second authorised person makes the movement take effect."""
    return certificates.confirm_movement(current_actor(), movement_id, now=now())


@bp.get("/certificate-movements/<int:movement_id>/receipt.pdf")
@bp.response(200, content_type="application/pdf")
def receipt_pdf(movement_id):
    """The release receipt both sign."""
    url = f"{request.url_root}certificate-movements/{movement_id}/receipt.pdf"
    return _pdf(certificates.release_receipt(current_actor(), movement_id, url, now=now()),
                f"release-{movement_id}.pdf")


@bp.get("/certificate-days/<day>")
@bp.response(200)
def day_movements(day):
    """The day's movements and whether the custodian confirmed them as checked."""
    return certificate_desk.day_movements(current_actor(), day, now=now())


@bp.post("/certificate-days/<day>/check")
@bp.response(200)
def check_day(day):
    return certificate_desk.check_day(current_actor(), day, now=now())


# ---- stock-takes ----

@bp.post("/stocktakes")
@bp.arguments(NewStocktake)
@bp.response(201)
def start_stocktake(body):
    """Start a stock-take of a safe: the expected list is frozen now."""
    return stocktakes.start(current_actor(), body["location"], now=now())


@bp.get("/stocktakes")
@bp.response(200)
def list_stocktakes():
    return {"items": stocktakes.recent(current_actor()), "next_cursor": None}


@bp.get("/stocktakes/<int:stocktake_id>")
@bp.response(200)
def get_stocktake(stocktake_id):
    return stocktakes.get(current_actor(), stocktake_id)


@bp.post("/stocktakes/<int:stocktake_id>/scan")
@bp.arguments(StocktakeScanBody)
@bp.response(200)
def scan(body, stocktake_id):
    """One label at a place in the safe; the same label twice counts once."""
    return stocktakes.scan(current_actor(), stocktake_id, body["code"], body["location"], now=now())


@bp.post("/stocktakes/<int:stocktake_id>/close")
@bp.response(200)
def close(stocktake_id):
    """{found, missing, misplaced, unexpected, on_loan}: lists of certificate codes."""
    return stocktakes.close(current_actor(), stocktake_id, now=now())


@bp.get("/stocktakes/<int:stocktake_id>/report.pdf")
@bp.response(200, content_type="application/pdf")
def report_pdf(stocktake_id):
    url = f"{request.url_root}stocktakes/{stocktake_id}"
    return _pdf(stocktakes.report(current_actor(), stocktake_id, url, now=now()), f"stocktake-{stocktake_id}.pdf")
