"""The app's clock: real time, or a pinned moment for demos and tests (ARCHIVE_FROZEN_NOW)."""
from datetime import UTC, datetime


class Clock:
    def __init__(self, frozen=None):
        self.frozen = datetime.fromisoformat(frozen) if isinstance(frozen, str) else frozen
        if self.frozen is not None and self.frozen.tzinfo is None:
            raise ValueError("ARCHIVE_FROZEN_NOW needs a time zone offset, e.g. 2026-10-09T09:00:00+08:00")

    def now(self):
        return self.frozen or datetime.now(UTC)
