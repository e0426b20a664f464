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
