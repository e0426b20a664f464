"""Bearer tokens this process resolved moments ago. A scan lookup's own query is as cheap as the
token check before it; on PostgreSQL each is a round trip. So a token's owner is kept for
RECHECK_SECONDS: within that time this process answers from memory. Revoking a token, deactivating
or editing its user here forgets it at once (after the commit); another server process sees the
change within RECHECK_SECONDS."""
import threading
import time

RECHECK_SECONDS = 5.0
MAX_ENTRIES = 10_000


class TokenCache:
    def __init__(self, seconds=RECHECK_SECONDS, size=MAX_ENTRIES):
        self.seconds, self.size = seconds, size
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, digest):
        """The owner row kept for `digest`, or None when unknown or older than `seconds`."""
        entry = self._entries.get(digest)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, digest, user_id, row):
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[digest] = (row, time.monotonic() + self.seconds, user_id)

    def forget(self, digest):
        with self._lock:
            self._entries.pop(digest, None)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def forget_user(self, user_id):
        with self._lock:
            for digest in [d for d, entry in self._entries.items() if entry[2] == user_id]:
                del self._entries[digest]


OWNERS = TokenCache()
