"""What a whole backup holds (R19, R23). Pure: no database.

A backup holds the content of every scan its database names, except the content of scans removed
with their file by an approved disposal: the file was destroyed on a disposal whose approval said
its scans go too (R23), so the row stays, marked removed, and the content is gone for good.
Content is stored once per sha256, so content that a kept scan also names is still needed."""
from dataclasses import dataclass


@dataclass(frozen=True)
class ScanRow:
    sha256: str
    archive: int
    removed: bool  # removed_at is set


@dataclass(frozen=True)
class DisposalRow:
    id: int
    state: str
    remove_scans: bool


def files_whose_scans_went(disposals, entries, destroyed):
    """The ids of the files destroyed on a disposal whose approval removed their scans.
    `entries` are (disposal id, archive id) pairs, `destroyed` the ids of destroyed files."""
    removing = {d.id for d in disposals if d.state == "destroyed" and d.remove_scans}
    return {archive for disposal, archive in entries if disposal in removing and archive in destroyed}


def content_needed(scans, scans_went):
    """The sha256 of every scan whose content must be kept: all but the scans marked removed
    whose file is in `scans_went` (see files_whose_scans_went)."""
    return {s.sha256 for s in scans if not (s.removed and s.archive in scans_went)}


def missing_content(scans, scans_went, held):
    """The sha256 that must be kept but are not in `held`, sorted: a backup is whole when empty."""
    return sorted(content_needed(scans, scans_went) - set(held))
