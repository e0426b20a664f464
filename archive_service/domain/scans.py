"""R18 for scans: a scan's page count is reconciled against the handover list, never guessed."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Reconciliation:
    """How a scan's pages compare with the pages the list says exist."""

    scanned: int
    expected: int

    @property
    def complete(self):
        return self.scanned == self.expected

    @property
    def difference(self):
        return self.scanned - self.expected

    @property
    def message(self):
        if self.complete:
            return f"页数一致:扫描 {self.scanned} 页,清单 {self.expected} 页"
        more_or_less = "少" if self.difference < 0 else "多"
        return f"页数不符:扫描 {self.scanned} 页,清单 {self.expected} 页,{more_or_less} {abs(self.difference)} 页"

    def as_dict(self):
        return {"pages": self.scanned, "expected_pages": self.expected, "complete": self.complete,
                "difference": self.difference, "reconciliation": self.message}


def file_complete(total_expected, whole_file_scans, item_expected, item_scans):
    """A file is completely scanned when one whole-file scan has every page of the list, or every
    item has a scan with exactly its pages. `*_scans` give scanned page counts."""
    whole = any(pages == total_expected for pages in whole_file_scans)
    each_item = bool(item_expected) and all(
        item_expected[item] in item_scans.get(item, ()) for item in item_expected)
    return whole or each_item


COVER_PREFIX = "ARCHIVE-COVER:"


def cover_payload(archive_no):
    """What a cover sheet's QR says: distinct from a box label, so a label photographed inside
    the documents never splits a batch."""
    return COVER_PREFIX + archive_no


def cover_code(texts):
    """The archive number named by the first cover QR among a page's QR texts, or None."""
    for text in texts:
        if text.startswith(COVER_PREFIX) and len(text) > len(COVER_PREFIX):
            return text[len(COVER_PREFIX):]
    return None


@dataclass(frozen=True)
class Segment:
    archive_no: str
    cover_page: int
    pages: tuple[int, ...]


def split_at_covers(page_covers):
    """Cut a batch at its cover pages. `page_covers[i]` is the archive number on page i's cover,
    or None for a document page. Returns (segments, pages before any cover): pages without a
    cover before them are reported, never assigned by guessing."""
    segments, loose, current = [], [], None
    for index, code in enumerate(page_covers):
        if code is not None:
            current = Segment(code, index, ())
            segments.append(current)
        elif current is None:
            loose.append(index)
        else:
            segments[-1] = current = Segment(current.archive_no, current.cover_page, (*current.pages, index))
    return segments, loose
