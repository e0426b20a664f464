"""Printing labels for archive boxes (spines) and storage locations. Printing is audited (R19):
a label shows an archive's title, and its customer where the company allows it."""
from .. import labels
from ..db import transaction
from ..domain.customers import BUSINESSES
from ..domain.errors import InvalidInput, NotFound, require
from ..domain.permissions import require_permission
from ..domain.scans import cover_payload
from ..models import ArchiveFile, Location
from . import audit, certificates
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


def label_for(code, *, show_customer):
    """The label of an archive number, a location code or a certificate's label code (for its bag)."""
    archive = ArchiveFile.get_or_none(ArchiveFile.archive_no == code)
    if archive is not None:
        return labels.Label(code, archive_lines(archive, show_customer=show_customer))
    location = Location.get_or_none(Location.code == code)
    if location is not None:
        return labels.Label(code, location_lines(location))
    lines = certificates.label_lines(code, show_customer=show_customer)
    if lines is not None:
        return labels.Label(code, lines)
    raise NotFound("label.unknown_code", f"找不到档号、位置编码或权证标签 {code}", errors={"codes": code})


def parse_codes(text):
    """"A,B , C" -> ["A", "B", "C"]; empty entries are dropped."""
    return [code.strip() for code in (text or "").split(",") if code.strip()]


def print_labels(actor, codes, layout_name, *, start=1, show_customer=False, now):
    """PDF bytes of one label per code (a code may repeat for several copies)."""
    return _render(actor, codes, layout_name, start, show_customer, now, "labels.print")


def preview(actor, codes, layout_name, *, start=1, show_customer=False, now):
    """PNG of the first page, to check the sheet before printing."""
    return labels.preview_png(_render(actor, codes, layout_name, start, show_customer, now, "labels.preview",
                                      outlines=True))


def _render(actor, codes, layout_name, start, show_customer, now, action, outlines=False):
    require_permission(actor, "labels.print")
    require(0 < len(codes) <= MAX_LABELS, InvalidInput, "label.count", f"一次可打印 1 到 {MAX_LABELS} 张标签",
            errors={"codes": f"1–{MAX_LABELS} 个编号"})
    batch = [label_for(code, show_customer=show_customer) for code in codes]
    pdf = labels.render_pdf(batch, layout_name, start=start, outlines=outlines)
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
    covers = []
    for code in codes:
        archive = ArchiveFile.get_or_none(ArchiveFile.archive_no == code)
        if archive is None:
            raise NotFound("label.unknown_code", f"找不到档号 {code}", errors={"codes": code})
        covers.append(labels.Label(cover_payload(code), (
            code, f"{archive.year}年 {BUSINESSES[archive.business]} {archive.project.title}",
            "扫描分隔页:请放在本档案扫描页之前")))
    pdf = labels.render_cover_pdf(covers)
    with transaction():
        audit.record(actor, "scans.covers", "labels", "", {"codes": codes}, now=now)
    return pdf


def layouts(actor):
    require_permission(actor, "labels.print")
    return {"items": [{"name": s.name, "title": s.title, "kind": s.kind, "per_page": s.per_page,
                       "label_mm": list(s.label_mm), "page_mm": list(s.page_mm)}
                      for s in labels.layouts().values()]}
