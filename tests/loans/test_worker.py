"""`archive-service worker` in a subprocess: killed while a message is in flight, it loses
nothing; run again (after the lease), it sends what is left and resends at most that one."""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from archive_service import migrations
from archive_service.db import bind, database, transaction
from archive_service.models import OutboxMessage
from archive_service.services.platform import outbox
from tests.conftest import NOW
from tests.loans.servers import SmtpServer

MESSAGES = 5
SOURCE = str(Path(__file__).resolve().parents[2])  # this checkout, whatever is installed


@pytest.fixture
def queued(tmp_path):
    url = f"sqlite:///{tmp_path}/worker.db"
    bind(url)
    with database.connection_context():
        migrations.upgrade()
        with transaction():
            for n in range(MESSAGES):
                outbox.enqueue("email", f"消息 {n}", "正文", recipient=f"u{n}@example.com", now=NOW)
    return url


def worker(url, smtp, now, tmp_path):
    env = dict(os.environ, DATABASE_URL=url, ARCHIVE_SMTP_URL=smtp.url, ARCHIVE_FROZEN_NOW=now.isoformat(),
               ARCHIVE_ENV="development", PYTHONPATH=SOURCE)
    return subprocess.Popen([sys.executable, "-m", "archive_service", "worker", "--once"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def states():
    with database.connection_context():
        return [(m.state, m.attempts) for m in OutboxMessage.select().order_by(OutboxMessage.id)]


def test_killing_the_worker_mid_delivery_loses_no_message(queued, tmp_path):
    with SmtpServer() as smtp:
        smtp.sink.stall_after = 2
        proc = worker(queued, smtp, NOW, tmp_path)
        try:
            assert smtp.sink.holding.wait(60), "the worker never reached the third message"
        finally:
            proc.kill()
            proc.wait(10)
        assert states() == [("sent", 1), ("sent", 1), ("queued", 1), ("queued", 0), ("queued", 0)]
        smtp.sink.stall_after = None
        smtp.sink.release.set()
        again = worker(queued, smtp, NOW + outbox.LEASE + timedelta(seconds=1), tmp_path)
        out, _ = again.communicate(timeout=120)
        assert again.returncode == 0, out
        assert "3 sent" in out
        assert states() == [("sent", 1), ("sent", 1), ("sent", 2), ("sent", 1), ("sent", 1)]
        subjects = sorted(m["Subject"] for _, m in smtp.sink.mails)
    assert set(subjects) == {f"消息 {n}" for n in range(MESSAGES)}
    assert len(subjects) <= MESSAGES + 1  # at worst the one in flight went twice
