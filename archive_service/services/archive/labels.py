"""Printing labels for archive boxes (spines), storage locations and certificates' bags. Printing is audited (R19):
a label shows an archive's title, and its customer where the company allows it."""
from ...adapters import label_sheets
from ...db import transaction
from ...domain import certificates as certificate_rules
from ...domain.customers import BUSINESSES
from ...domain.errors import InvalidInput, NotFound, require
from ...domain.permissions import require_permission
from ...domain.scans import cover_payload
from ...models import ArchiveFile, Certificate, CertificateKind, Customer, Location, Project
from ..platform import audit
from .locations import LEVEL_NAMES

MAX_LABELS = 1000


def archive_lines(archive, *, show_customer):
    """档号 (printed largest), year and business; the project title, which names the customer, and
    the customer only where the company allows it (ARCHIVE_LABEL_CUSTOMER)."""
    project = archive.project
    lines = [archive.archive_no, f"{archive.year}年 {BUSINESSES[archive.business]}"]
    if show_customer:
        lines += [project.title, project.customer.name]
    return tuple(lines)


def location_lines(location):
    return location.code, f"{LEVEL_NAMES[location.level]} {location.name}"


def certificate_lines(code, *, show_customer):
    """The lines of a certificate's bag label, or None when `code` is no certificate's."""
    query = (Certificate.select(Certificate, CertificateKind, Project).join(CertificateKind).switch(Certificate)
             .join(Project).where(Certificate.code == code))
    cert = query.get_or_none() if certificate_rules.is_label_code(code) else None
    if cert is None:
        return None
    lines = [cert.code, f"{cert.kind.name} ×{cert.quantity}", cert.number, cert.project.code]
    if show_customer:
        lines.append(cert.owner)
    return tuple(lines)


def _archives(codes):
    """{archive_no: archive with its project and customer} of the codes that are archive numbers, in one query."""
    query = (ArchiveFile.select(ArchiveFile, Project, Customer).join(Project).join(Customer)
             .where(ArchiveFile.archive_no.in_(codes)))
    return {archive.archive_no: archive for archive in query}


def labels_for(codes, *, show_customer):
    """The labels of archive numbers, location codes and certificates' label codes (for their
    bags), in the order given: one query for the archives and one for the locations, however
    many codes; a certificate's label is looked up on its own."""
    wanted = list(dict.fromkeys(codes))
    archives = _archives(wanted)
    rest = [code for code in wanted if code not in archives]
    places = {loc.code: loc for loc in Location.select().where(Location.code.in_(rest))} if rest else {}
    lines = {code: archive_lines(archive, show_customer=show_customer) for code, archive in archives.items()}
    lines |= {code: location_lines(place) for code, place in places.items()}
    for code in (code for code in rest if code not in places):
        found = certificate_lines(code, show_customer=show_customer)
        if found is None:
            raise NotFound("label.unknown_code", f"找不到档号、位置编码或权证标签 {code}", errors={"codes": code})
        lines[code] = found
    return [label_sheets.Label(code, lines[code]) for code in codes]


def parse_codes(text):
    """"A,B , C" -> ["A", "B", "C"]; empty entries are dropped."""
    return [code.strip() for code in (text or "").split(",") if code.strip()]


def print_labels(actor, codes, layout_name, *, start=1, show_customer=False, now):
    """PDF bytes of one label per code (a code may repeat for several copies)."""
    return _render(actor, codes, layout_name, start, show_customer, now, "labels.print")


def preview(actor, codes, layout_name, *, start=1, show_customer=False, now):
    """PNG of the first page, to check the sheet before printing."""
    return label_sheets.preview_png(_render(actor, codes, layout_name, start, show_customer, now, "labels.preview",
                                            outlines=True))


def _render(actor, codes, layout_name, start, show_customer, now, action, outlines=False):
    require_permission(actor, "labels.print")
    require(0 < len(codes) <= MAX_LABELS, InvalidInput, "label.count", f"一次可打印 1 到 {MAX_LABELS} 张标签",
            errors={"codes": f"1–{MAX_LABELS} 个编号"})
    batch = labels_for(codes, show_customer=show_customer)
    pdf = label_sheets.render_pdf(batch, layout_name, start=start, outlines=outlines)
    with transaction():
        audit.record(actor, action, "labels", "", {
            "codes": codes, "layout": layout_name, "start": start, "customer_shown": show_customer}, now=now)
    return pdf


def cover_sheets(actor, codes, *, now):
    """Cover sheets (扫描分隔页) for batch scanning: one A4 page per archive file, put in front of
    its pages so a batch can be cut into files by reading the covers back."""
    require_permission(actor, "scans.upload")
    require(0 < len(codes) <= MAX_LABELS, InvalidInput, "label.count", f"一次可打印 1 到 {MAX_LABELS} 张分隔页",
            errors={"codes": f"1–{MAX_LABELS} 个档号"})
    archives = _archives(list(dict.fromkeys(codes)))
    unknown = next((code for code in codes if code not in archives), None)
    if unknown is not None:
        raise NotFound("label.unknown_code", f"找不到档号 {unknown}", errors={"codes": unknown})
    covers = [label_sheets.Label(cover_payload(code), (
        code, f"{archives[code].year}年 {BUSINESSES[archives[code].business]} {archives[code].project.title}",
        "扫描分隔页:请放在本档案扫描页之前")) for code in codes]
    pdf = label_sheets.render_cover_pdf(covers)
    with transaction():
        audit.record(actor, "scans.covers", "labels", "", {"codes": codes}, now=now)
    return pdf


def layouts(actor):
    require_permission(actor, "labels.print")
    return {"items": [{"name": s.name, "title": s.title, "kind": s.kind, "per_page": s.per_page,
                       "label_mm": list(s.label_mm), "page_mm": list(s.page_mm)}
                      for s in label_sheets.layouts().values()]}
