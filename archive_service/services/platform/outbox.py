"""The outbox: every e-mail and robot message is a row written in the transaction of its cause
(so nothing is announced that did not happen, and nothing that happened goes unannounced), then
delivered by `archive-service worker`.

Delivery claims one message at a time: a short transaction takes it (FOR UPDATE SKIP LOCKED on
PostgreSQL, so several workers share the queue) and leases it; the message is sent outside any
transaction and marked sent at once. A worker killed mid-send leaves the message leased: it is
sent again when the lease runs out, so a crash can at worst resend the one message in flight.
A server that is down or answers an error puts the message back with a growing delay."""
from datetime import timedelta

from ...adapters.notify import CHANNELS, DeliveryError, NotConfigured
from ...db import is_postgres, transaction
from ...domain.errors import InvalidInput, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, to_db
from ...models import OutboxMessage
from ...paging import page_by_id_desc

QUEUED, SENT, SKIPPED = "queued", "sent", "skipped"
LEASE = timedelta(minutes=5)
FIRST_RETRY, LONGEST_RETRY = timedelta(minutes=1), timedelta(hours=1)
ROBOTS = ("wecom", "dingtalk")


def message_row(channel, subject, body, *, recipient="", now):
    """The row `enqueue` writes, for callers that insert many at once (`enqueue_rows`)."""
    require(channel in CHANNELS, InvalidInput, "outbox.unknown_channel", f"未知的通知渠道 {channel}")
    return {"channel": channel, "recipient": recipient or "", "subject": subject[:200], "body": body,
            "state": QUEUED, "attempts": 0, "next_attempt_at": to_db(now), "created_at": to_db(now)}


def enqueue(channel, subject, body, *, recipient="", now):
    """Queue one message on `channel` ("email" needs `recipient`, an address). Call it inside the
    transaction of the change it announces."""
    return OutboxMessage.create(**message_row(channel, subject, body, recipient=recipient, now=now))


def enqueue_rows(rows):
    """Queue many rows made by `message_row` with one statement."""
    if rows:
        OutboxMessage.insert_many(rows).execute()


def backoff(attempts):
    """The wait before attempt `attempts + 1`: one minute, doubling, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _claim(now):
    with transaction():
        query = (OutboxMessage.select()
                 .where(OutboxMessage.state == QUEUED, OutboxMessage.next_attempt_at <= to_db(now))
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))
        if is_postgres():
            query = query.for_update(skip_locked=True)
        message = query.first()
        if message is None:
            return None
        message.attempts += 1
        message.next_attempt_at = to_db(now + LEASE)
        message.save()
    return message


def _finish(message, **changes):
    with transaction():
        OutboxMessage.update(**changes).where(OutboxMessage.id == message.id).execute()


def deliver_one(notifier, message, *, now):
    """Send one claimed message and record the outcome: "sent", "skipped" or "retry"."""
    try:
        notifier.send(message.channel, message.recipient, message.subject, message.body)
    except NotConfigured as missing:
        _finish(message, state=SKIPPED, last_error=str(missing)[:500])
        return SKIPPED
    except DeliveryError as failed:
        _finish(message, next_attempt_at=to_db(now + backoff(message.attempts)), last_error=str(failed)[:500])
        return "retry"
    _finish(message, state=SENT, sent_at=to_db(now), last_error="")
    return SENT


def deliver_pending(notifier, *, now, limit=1000):
    """Deliver the messages due at `now`, each at most once in this call: {"sent", "skipped", "retry"}."""
    counts = {SENT: 0, SKIPPED: 0, "retry": 0}
    for _ in range(limit):
        message = _claim(now)
        if message is None:
            break
        counts[deliver_one(notifier, message, now=now)] += 1
    return counts


def message_view(message):
    return {"id": message.id, "channel": message.channel, "recipient": message.recipient,
            "subject": message.subject, "state": message.state, "attempts": message.attempts,
            "next_attempt_at": iso_local(message.next_attempt_at), "last_error": message.last_error,
            "created_at": iso_local(message.created_at), "sent_at": iso_local(message.sent_at)}


def messages(actor, *, state=None, limit=None, cursor=None):
    """The outbox, newest first (admin): what was sent, what waits and why."""
    require_permission(actor, "outbox.view")
    query = OutboxMessage.select()
    if state:
        require(state in (QUEUED, SENT, SKIPPED), InvalidInput, "request.invalid_filter",
                "state 必须是 queued、sent 或 skipped", errors={"state": "queued、sent 或 skipped"})
        query = query.where(OutboxMessage.state == state)
    return page_by_id_desc(query, OutboxMessage.id, limit=limit, cursor=cursor, view=message_view)
