"""Handover lists, extensions, receipt, the archive ledger and register."""
from flask import Response, request

from ...services.archive import file_record, locations, number_scheme, receipt
from ...services.handover import extensions, handovers
from ...services.ledgers import archive_ledger
from ..context import current_actor, now
from .base import api_blueprint
from .ledgers import LedgerFilters
from .schemas import ApiSchema, Bool, Date, FilterDate, Id, Int, List, Nested, PageArgs, Text

handovers_bp = api_blueprint("handovers", "Handover lists: A → B → archive (R6–R11)")
archives_bp = api_blueprint("archives", "Receipt, numbering, locations, ledger and registration book (R11–R13, R22)")


PARTS = {"minimum": 1, "maximum": 4}


class Item(ApiSchema):
    part = Int(required=True, metadata=PARTS)
    title = Text(200, required=True)
    pages = Int(required=True, metadata={"minimum": 1, "maximum": 10_000})
    attachment = Bool(load_default=False)
    contract = Bool(load_default=False)


class MissingRef(ApiSchema):
    round = Int(required=True)
    entry = Int(required=True, metadata={"description": "0-based index in that round's missing list"})


class SupplementItem(Item):
    missing = Nested(MissingRef, load_default=None,
                     metadata={"description": "the missing entry this item supplies; else matched by title"})


class Explanation(MissingRef):
    note = Text(500, multiline=True, required=True)


class Correction(Item):
    item_id = Id(required=True)
    part = Int(load_default=None, metadata={"description": "ignored: a correction keeps the item's part"})


class Supplement(ApiSchema):
    items = List(Nested(SupplementItem), load_default=list)
    explanations = List(Nested(Explanation), load_default=list)
    corrections = List(Nested(Correction), load_default=list)


class Items(ApiSchema):
    items = List(Nested(Item), required=True)


class TemplateItem(ApiSchema):
    part = Int(required=True, metadata=PARTS)
    title = Text(200, required=True)
    attachment = Bool(load_default=False)
    contract = Bool(load_default=False)


class Template(ApiSchema):
    items = List(Nested(TemplateItem), required=True)


class Missing(ApiSchema):
    title = Text(200, required=True)
    reason = Text(1000, multiline=True, required=True)


class Review(ApiSchema):
    decision = Text(16, required=True, metadata={"enum": ["accept", "return"]})
    missing = List(Nested(Missing), load_default=list)


class Check(ApiSchema):
    item_id = Id(required=True)
    pages = Int(required=True, minimum=0, maximum=1_000_000)


class Refuse(ApiSchema):
    checks = List(Nested(Check), required=True)
    note = Text(500, multiline=True, load_default="")


class ReceiptSettings(ApiSchema):
    blind_count = Bool(required=True)


class Receive(ApiSchema):
    checks = List(Nested(Check), required=True)
    location = Text(40, required=True, allow_none=True)


class ExtensionRequest(ApiSchema):
    step = Text(16, required=True, metadata={"enum": ["a_to_b", "b_to_archive"]})
    until = Date(required=True)
    reason = Text(1000, multiline=True, load_default="")


class Decision(ApiSchema):
    approve = Bool(required=True)
    note = Text(1000, multiline=True, load_default="")


class NewLocation(ApiSchema):
    code = Text(40, required=True)
    name = Text(100, required=True)
    parent = Text(40, load_default=None, allow_none=True)
    safe = Bool(load_default=False, metadata={"description": "a safe, or a drawer/bag inside one (R16)"})


class Move(ApiSchema):
    location = Text(40, required=True)
    note = Text(200, multiline=True, load_default="")


class Void(ApiSchema):
    reason = Text(500, multiline=True, required=True)


class LedgerArgs(LedgerFilters, PageArgs):
    """The ledger's filters and sort, and a page."""

    cursor = Text(400, load_default=None, metadata={"description": "the `next_cursor` or `prev_cursor` of a page"})


class RegisterArgs(PageArgs):
    date_from = FilterDate(load_default=None, data_key="from")
    date_to = FilterDate(load_default=None, data_key="to")


class Scheme(ApiSchema):
    pattern = Text(100, required=True)
    fonds = Text(16, load_default=None)
    category = Text(16, load_default=None)
    retention = Text(8, metadata={"enum": ["Y", "D30", "D10"]})
    org = Text(16, load_default=None)


# ---- handover lists ----

@handovers_bp.get("/checklists/<business>")
@handovers_bp.response(200)
def get_checklist(business):
    """The checklist template that pre-fills a new list for a business type."""
    return handovers.checklist(current_actor(), business)


@handovers_bp.put("/checklists/<business>")
@handovers_bp.arguments(Template)
@handovers_bp.response(200)
def set_checklist(body, business):
    return handovers.set_checklist(current_actor(), business, body["items"], now=now())


@handovers_bp.post("/projects/<int:project_id>/handovers")
@handovers_bp.arguments(Items)
@handovers_bp.response(201)
def create_handover(body, project_id):
    """A's draft list (R6, R8, R9)."""
    return handovers.create(current_actor(), project_id, body["items"], now=now())


@handovers_bp.get("/handovers/<int:handover_id>")
@handovers_bp.response(200)
def get_handover(handover_id):
    return handovers.get(current_actor(), handover_id, now=now())


@handovers_bp.put("/handovers/<int:handover_id>/items")
@handovers_bp.arguments(Items)
@handovers_bp.response(200)
def replace_items(body, handover_id):
    """A edits the draft (before signing)."""
    return handovers.replace_items(current_actor(), handover_id, body["items"], now=now())


@handovers_bp.post("/handovers/<int:handover_id>/submit")
@handovers_bp.response(200)
def submit(handover_id):
    """A signs and hands the list to B."""
    return handovers.submit(current_actor(), handover_id, now=now())


@handovers_bp.post("/handovers/<int:handover_id>/review")
@handovers_bp.arguments(Review)
@handovers_bp.response(200)
def review(body, handover_id):
    """B accepts (signs, sends to the archive) or returns a supplement list (R7)."""
    return handovers.review(current_actor(), handover_id, body["decision"], body["missing"], now=now())


@handovers_bp.post("/handovers/<int:handover_id>/supplement")
@handovers_bp.arguments(Supplement)
@handovers_bp.response(200)
def supplement(body, handover_id):
    """A answers B's missing entries: supplied (new items) or explained; may correct existing items."""
    return handovers.supplement(current_actor(), handover_id, body["items"], explanations=body["explanations"],
                                corrections=body["corrections"], now=now())


@handovers_bp.get("/handovers/<int:handover_id>/list.pdf")
@handovers_bp.response(200, content_type="application/pdf")
def list_pdf(handover_id):
    """The printable list: three copies, page counts, signatures, QR back to the record."""
    url = f"{request.url_root}handovers/{handover_id}"
    data = handovers.printable(current_actor(), handover_id, url, now=now())
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="handover-{handover_id}.pdf"'})


@handovers_bp.get("/handovers/mine")
@handovers_bp.response(200)
def my_handovers():
    """The caller's lists as A and as B."""
    return handovers.mine(current_actor(), now=now())


@handovers_bp.get("/handovers/inbox")
@handovers_bp.arguments(PageArgs, location="query")
@handovers_bp.response(200)
def inbox(args):
    """Lists waiting for the archive, soonest due first."""
    return handovers.inbox_page(current_actor(), now=now(), **args)


@handovers_bp.get("/tasks")
@handovers_bp.arguments(PageArgs, location="query")
@handovers_bp.response(200)
def tasks(args):
    """The caller's task list with due days."""
    return handovers.task_page(current_actor(), now=now(), **args)


@handovers_bp.post("/handovers/<int:handover_id>/extensions")
@handovers_bp.arguments(ExtensionRequest)
@handovers_bp.response(201)
def request_extension(body, handover_id):
    """A or B asks for a later deadline, with a reason (R10)."""
    return extensions.request(current_actor(), handover_id, now=now(), **body)


@handovers_bp.get("/extensions")
@handovers_bp.arguments(PageArgs, location="query")
@handovers_bp.response(200)
def pending_extensions(args):
    return extensions.pending(current_actor(), **args)


@handovers_bp.post("/extensions/<int:extension_id>/decision")
@handovers_bp.arguments(Decision)
@handovers_bp.response(200)
def decide_extension(body, extension_id):
    return extensions.decide(current_actor(), extension_id, now=now(), **body)


# ---- receipt, archive, locations, register ----

@archives_bp.post("/handovers/<int:handover_id>/refuse")
@archives_bp.arguments(Refuse)
@archives_bp.response(200)
def refuse(body, handover_id):
    """The archivist refuses the receipt: back to B with the counted differences and a note."""
    return receipt.refuse(current_actor(), handover_id, body["checks"], body["note"], now=now())


@archives_bp.get("/settings/receipt")
@archives_bp.response(200)
def receipt_settings():
    current_actor()
    return {"blind_count": receipt.blind_count()}


@archives_bp.put("/settings/receipt")
@archives_bp.arguments(ReceiptSettings)
@archives_bp.response(200)
def set_receipt_settings(body):
    """Blind count: the receive form hides the expected pages until the count is submitted (admin)."""
    return receipt.set_blind_count(current_actor(), body["blind_count"], now=now())


@archives_bp.post("/handovers/<int:handover_id>/receive")
@archives_bp.arguments(Receive)
@archives_bp.response(200)
def receive(body, handover_id):
    """Item-by-item check (R11); on a match: numbered, registered, filed."""
    return receipt.receive(current_actor(), handover_id, body["checks"], body["location"], now=now())


@archives_bp.post("/locations")
@archives_bp.arguments(NewLocation)
@archives_bp.response(201)
def create_location(body):
    return locations.create_location(current_actor(), now=now(), **body)


@archives_bp.get("/locations")
@archives_bp.arguments(PageArgs, location="query")
@archives_bp.response(200)
def list_locations(args):
    return locations.list_locations(current_actor(), **args)


@archives_bp.get("/archives")
@archives_bp.arguments(LedgerArgs, location="query")
@archives_bp.response(200)
def ledger(args):
    """The archive ledger (R3)."""
    return archive_ledger.page(current_actor(), **args)


@archives_bp.get("/archives/<archive_no>")
@archives_bp.response(200)
def get_archive(archive_no):
    return file_record.get_archive(current_actor(), archive_no, now=now())


@archives_bp.post("/archives/<archive_no>/move")
@archives_bp.arguments(Move)
@archives_bp.response(200)
def move(body, archive_no):
    return file_record.move(current_actor(), archive_no, body["location"], body["note"], now=now())


@archives_bp.post("/archives/<archive_no>/void")
@archives_bp.arguments(Void)
@archives_bp.response(200)
def void(body, archive_no):
    """Withdraw a number; it stays in the ledger with the reason."""
    return file_record.void(current_actor(), archive_no, body["reason"], now=now())


@archives_bp.get("/register")
@archives_bp.arguments(RegisterArgs, location="query")
@archives_bp.response(200)
def register(args):
    """The registration book (R12)."""
    return file_record.register(current_actor(), now=now(), **args)


@archives_bp.get("/numbering")
@archives_bp.response(200)
def get_numbering():
    current_actor()
    return number_scheme.scheme_view()


@archives_bp.put("/numbering")
@archives_bp.arguments(Scheme)
@archives_bp.response(200)
def set_numbering(body):
    """The archive-number pattern (DA/T 13-2022 segments)."""
    return number_scheme.set_scheme(current_actor(), now=now(), **body)
