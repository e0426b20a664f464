"""`archive-service worker` killed with SIGKILL while an SMTP server or a WeCom robot keeps a
message waiting: nothing is marked sent that no server received, the message in flight stays
leased (not sent twice at once, not stuck), and the worker run again delivers every message, at
worst the one in flight twice; the audit chain verifies (R19)."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest

from archive_service.db import transaction
from archive_service.models import OutboxMessage, User
from archive_service.services.platform import outbox
from tests.conftest import NOW
from tests.loans.servers import RobotServer, SmtpServer
from tests.resilience.servers import SOURCE

pytestmark = pytest.mark.heavy

NOTICES = 4  # each an e-mail, a WeCom and a DingTalk message, queued in that order


@pytest.fixture
def queued(world):
    """Twelve messages, queued the way every service queues them: in the transaction of their cause."""
    User.update(email="li@example.com").where(User.username == "li").execute()
    OutboxMessage.delete().execute()
    for n in range(NOTICES):
        with transaction():
            outbox.notify([User.get(User.username == "li")], kind="loan", obj=f"XD-2026-{n + 1:04d}",
                          message=f"第 {n} 条通知", robots=True, now=NOW)
    return NOTICES * 3


@pytest.fixture
def peers():
    with SmtpServer() as smtp, RobotServer() as wecom, RobotServer() as dingtalk:
        yield {"email": smtp, "wecom": wecom, "dingtalk": dingtalk}


def environment(db_url, **settings):
    return dict(os.environ, DATABASE_URL=db_url, ARCHIVE_ENV="development", PYTHONPATH=SOURCE, **settings)


def worker(db_url, peers, now, workdir):
    env = environment(db_url, ARCHIVE_FROZEN_NOW=now.isoformat(), ARCHIVE_SMTP_URL=peers["email"].url,
                      ARCHIVE_WECOM_WEBHOOK=peers["wecom"].url("/cgi-bin/webhook/send?key=k"),
                      ARCHIVE_DINGTALK_WEBHOOK=peers["dingtalk"].url("/robot/send?access_token=t"))
    return subprocess.Popen([sys.executable, "-m", "archive_service", "worker", "--once"], env=env, cwd=workdir,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run(db_url, peers, now, workdir):
    proc = worker(db_url, peers, now, workdir)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out


def received(peers):
    """(channel, subject) of everything the servers were given, once per delivery."""
    found = [("email", mail["Subject"]) for _, mail in peers["email"].sink.mails]
    for channel in ("wecom", "dingtalk"):
        for _, payload in peers[channel].posts:
            text = payload["markdown"].get("title") or payload["markdown"]["content"].split("**")[1]
            found.append((channel, text))
    return found


def rows():
    return list(OutboxMessage.select().order_by(OutboxMessage.id))


def assert_sent_only_what_arrived(peers):
    arrived = set(received(peers))
    assert {(m.channel, m.subject) for m in rows() if m.state == outbox.SENT} <= arrived


def stall_point(peers, channel):
    """What keeps a message of `channel` waiting: the SMTP server's sink, or the robot itself."""
    return peers[channel].sink if channel == "email" else peers[channel]


@pytest.mark.parametrize("stalled", ["email", "wecom"])
def test_r19_a_worker_killed_mid_delivery_loses_nothing_and_leaves_nothing_stuck(queued, peers, stalled, db_url,
                                                                                  tmp_path):
    stall = stall_point(peers, stalled)
    stall.stall_after = 1  # the server answers the channel's first message and keeps the second waiting
    proc = worker(db_url, peers, NOW, tmp_path)
    try:
        assert stall.holding.wait(30), "the worker never reached the second message of the channel"
    finally:
        proc.kill()
        proc.wait(10)
    in_flight = 3 + ["email", "wecom"].index(stalled)  # the second e-mail or the second WeCom message
    assert [(m.state, m.attempts) for m in rows()] == (
        [("sent", 1)] * in_flight + [("queued", 1)] + [("queued", 0)] * (queued - in_flight - 1))
    assert rows()[in_flight].channel == stalled
    assert_sent_only_what_arrived(peers)
    stall.stall_after = None
    stall.release.set()

    out = run(db_url, peers, NOW, tmp_path)  # the lease still holds: all but the one in flight
    assert f"outbox: {queued - in_flight - 1} sent" in out, out
    assert [m.state for m in rows()].count(outbox.QUEUED) == 1
    assert_sent_only_what_arrived(peers)

    out = run(db_url, peers, NOW + outbox.LEASE + timedelta(seconds=1), tmp_path)  # the lease ran out
    assert "outbox: 1 sent" in out, out
    assert [(m.state, m.attempts) for m in rows()] == (
        [("sent", 1)] * in_flight + [("sent", 2)] + [("sent", 1)] * (queued - in_flight - 1))
    delivered = received(peers)
    assert set(delivered) == {(m.channel, m.subject) for m in rows()}
    assert len(delivered) <= queued + 1  # at worst the one in flight went twice
    assert audit_verifies(db_url, tmp_path)


def audit_verifies(db_url, workdir):
    done = subprocess.run([sys.executable, "-m", "archive_service", "audit", "verify"], env=environment(db_url),
                          cwd=workdir, capture_output=True, text=True, timeout=60)
    return done.returncode == 0
