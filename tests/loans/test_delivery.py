"""Delivery: e-mail to a real SMTP server on loopback (aiosmtpd), markdown posts to a local HTTP
server standing in for the WeCom and DingTalk robots, and an outbox that keeps a message queued
and retries it with back-off while a server is down."""
import base64
import hashlib
import hmac
import threading
import time
import urllib.parse
from datetime import timedelta

import pytest

from archive_service.adapters.notify import DeliveryError, Notifier, Settings, signed_dingtalk_url
from archive_service.db import database, transaction
from archive_service.models import OutboxMessage
from archive_service.services.platform import outbox
from tests.conftest import NOW
from tests.loans.servers import RobotServer, SmtpServer, free_port

SUBJECT = "【档案系统】借阅逾期:XD-2026-0001"
BODY = "钱借阅,您好:\n\nXD-2026-0001 借阅已逾期 2 个工作日,请尽快归还。"


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def robots():
    with RobotServer() as server:
        yield server


def test_email_in_zh_cn_reaches_a_real_smtp_server(smtp):
    Notifier(Settings(smtp_url=smtp.url, mail_from="archive@example.com")).send("email", "qian@example.com",
                                                                                  SUBJECT, BODY)
    [(rcpt, mail)] = smtp.sink.mails
    assert rcpt == ["qian@example.com"]
    assert (mail["Subject"], mail["From"], mail["To"]) == (SUBJECT, "archive@example.com", "qian@example.com")
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n").strip() == BODY


def test_wecom_gets_a_markdown_message(robots):
    Notifier(Settings(wecom_webhook=robots.url("/cgi-bin/webhook/send?key=k"))).send("wecom", "", SUBJECT, BODY)
    [(path, payload)] = robots.posts
    assert path == "/cgi-bin/webhook/send?key=k"
    assert payload["msgtype"] == "markdown"
    assert SUBJECT in payload["markdown"]["content"] and "请尽快归还" in payload["markdown"]["content"]


def test_dingtalk_gets_a_markdown_message_signed_with_its_secret(robots):
    settings = Settings(dingtalk_webhook=robots.url("/robot/send?access_token=t"), dingtalk_secret="SECabc")
    Notifier(settings, now_ms=lambda: 1700000000000).send("dingtalk", "", SUBJECT, BODY)
    [(path, payload)] = robots.posts
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    expected = base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()).decode()
    assert query == {"access_token": ["t"], "timestamp": ["1700000000000"], "sign": [expected]}
    assert payload == {"msgtype": "markdown", "markdown": {"title": SUBJECT, "text": f"#### {SUBJECT}\n{BODY}"}}


def test_dingtalk_signature_is_url_encoded():
    url = signed_dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=t", "s", 1)
    assert "+" not in url.split("sign=")[1] and "/" not in url.split("sign=")[1]


def test_a_server_that_is_down_or_refuses_raises_a_delivery_error(robots):
    with pytest.raises(DeliveryError):
        Notifier(Settings(smtp_url=f"smtp://127.0.0.1:{free_port()}")).send("email", "a@example.com", "s", "b")
    robots.errcode = 93000
    with pytest.raises(DeliveryError):
        Notifier(Settings(wecom_webhook=robots.url("/send"))).send("wecom", "", "s", "b")


def test_backoff_doubles_up_to_an_hour():
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2),
                                                       timedelta(minutes=4)]
    assert outbox.backoff(20) == timedelta(hours=1)


def _queue(*channels):
    with transaction():
        for n, channel in enumerate(channels):
            outbox.enqueue(channel, f"消息 {n}", "正文", recipient="qian@example.com", now=NOW)


def test_a_message_stays_queued_while_the_server_is_down_and_is_sent_when_it_is_back(db):
    _queue("email")
    port = free_port()
    down = Notifier(Settings(smtp_url=f"smtp://127.0.0.1:{port}"))
    assert outbox.deliver_pending(down, now=NOW) == {"sent": 0, "skipped": 0, "retry": 1}
    message = OutboxMessage.get()
    assert (message.state, message.attempts) == ("queued", 1)
    assert message.next_attempt_at == (NOW + timedelta(minutes=1)).replace(tzinfo=None)
    assert "127.0.0.1" in message.last_error
    assert outbox.deliver_pending(down, now=NOW)["retry"] == 0  # not due again yet
    assert outbox.deliver_pending(down, now=NOW + timedelta(minutes=1))["retry"] == 1
    with SmtpServer() as smtp:
        up = Notifier(Settings(smtp_url=smtp.url))
        assert outbox.deliver_pending(up, now=NOW + timedelta(minutes=3))["sent"] == 1
        assert outbox.deliver_pending(up, now=NOW + timedelta(hours=5))["sent"] == 0  # sent once only
        assert len(smtp.sink.mails) == 1
    message = OutboxMessage.get()
    assert (message.state, message.attempts, message.last_error) == ("sent", 3, "")
    assert message.sent_at is not None


def test_a_robot_answering_an_error_is_retried(db, robots):
    _queue("wecom")
    robots.errcode = 45009
    notifier = Notifier(Settings(wecom_webhook=robots.url("/send")))
    assert outbox.deliver_pending(notifier, now=NOW)["retry"] == 1
    robots.errcode = 0
    assert outbox.deliver_pending(notifier, now=NOW + timedelta(minutes=2))["sent"] == 1
    assert len(robots.posts) == 2


def test_a_channel_without_a_server_is_skipped_not_lost(db):
    _queue("dingtalk")
    assert outbox.deliver_pending(Notifier(Settings()), now=NOW) == {"sent": 0, "skipped": 1, "retry": 0}
    message = OutboxMessage.get()
    assert message.state == "skipped" and "ARCHIVE_DINGTALK_WEBHOOK" in message.last_error


def test_every_message_is_sent_once_to_its_channel(db, smtp, robots):
    _queue("email", "wecom", "dingtalk", "email")
    notifier = Notifier(Settings(smtp_url=smtp.url, wecom_webhook=robots.url("/w"), dingtalk_webhook=robots.url("/d")))
    assert outbox.deliver_pending(notifier, now=NOW) == {"sent": 4, "skipped": 0, "retry": 0}
    assert sorted(m["Subject"] for _, m in smtp.sink.mails) == ["消息 0", "消息 3"]
    assert sorted(p for p, _ in robots.posts) == ["/d", "/w"]


class CountingNotifier:
    """Records what it is asked to send (the queue is under test here, not a transport)."""

    def __init__(self):
        self.sent, self.lock = [], threading.Lock()

    def send(self, channel, recipient, subject, body):
        time.sleep(0.01)
        with self.lock:
            self.sent.append(subject)


def test_several_workers_share_the_queue_and_send_each_message_once(db):
    with transaction():
        for n in range(40):
            outbox.enqueue("email", f"消息 {n}", "正文", recipient="a@example.com", now=NOW)
    notifier = CountingNotifier()

    def work():
        with database.connection_context():
            outbox.deliver_pending(notifier, now=NOW)

    workers = [threading.Thread(target=work) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert sorted(notifier.sent) == sorted(f"消息 {n}" for n in range(40))
    assert OutboxMessage.select().where(OutboxMessage.state == "sent").count() == 40
