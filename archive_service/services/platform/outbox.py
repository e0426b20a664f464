"""Notices and the outbox: how any service tells people something, and the delivery of it.

`notify(...)` writes an in-app alert per recipient plus an e-mail (when they have an address) and,
when asked, a group-robot message, all in the caller's transaction; `users_with_roles(...)` names
the active people who hold a role. The overdue sweep (alerts/) writes the same rows in bulk through
`alert_row` and `outbox_rows`. Every e-mail and robot message is a row written in the transaction
of its cause (so nothing is announced that did not happen, and nothing that happened goes
unannounced), then delivered by `archive-service worker`.

Delivery claims one message at a time: a short transaction takes it (FOR UPDATE SKIP LOCKED on
PostgreSQL, so several workers share the queue) and leases it; the message is sent outside any
transaction and marked sent at once. A worker killed mid-send leaves the message leased: it is
sent again when the lease runs out, so a crash can at worst resend the one message in flight.
A server that is down or answers an error puts the message back with a growing delay."""
from dataclasses import dataclass, field
from datetime import timedelta

from ...adapters.notify import CHANNELS, DeliveryError, NotConfigured
from ...db import Statement, is_postgres, transaction
from ...domain.errors import InvalidInput, require
from ...domain.permissions import require_permission
from ...domain.timeutil import iso_local, to_db
from ...models import Alert, OutboxMessage, User
from ...paging import page_by_id_desc

QUEUED, SENT, SKIPPED = "queued", "sent", "skipped"
LEASE = timedelta(minutes=5)
FIRST_RETRY, LONGEST_RETRY = timedelta(minutes=1), timedelta(hours=1)
ROBOTS = ("wecom", "dingtalk")
KIND_NAMES = {"loan_overdue": "借阅逾期", "handover_late": "移交逾期", "certificate_list_late": "权证清单未确认",
              "certificate_out_late": "权证出库超期", "digest": "逾期日报", "reminder": "催还提醒",
              "incident": "缺页事件", "loan": "借阅通知", "certificate_list": "权证移交清单"}


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


# ---- telling people ------------------------------------------------------------------------

@dataclass
class Notice:
    """Something to tell: one alert per recipient, one e-mail each, one robot post."""

    kind: str
    object: str
    message: str
    level: int = 1
    url: str = ""
    recipients: list = field(default_factory=list)  # User rows


def _holders_of(_mark, *roles):
    condition = None
    for role in roles:
        clause = User.roles_text.contains(role)
        condition = clause if condition is None else condition | clause
    return User.select().where(User.active == True, condition).order_by(User.id)  # noqa: E712


_HOLDERS = Statement(_holders_of)


def users_with_roles(*roles):
    """Active users holding any of `roles`, by id."""
    return [u for u in _HOLDERS.objects(*roles) if set(u.roles) & set(roles)]


def _subject(notice):
    return f"【档案系统】{KIND_NAMES.get(notice.kind, '通知')}:{notice.object}"


def _email_body(user, notice):
    return (f"{user.display_name},您好:\n\n{notice.message}\n\n"
            "此邮件由客户档案管理系统自动发送,请勿直接回复。")


def _robot_body(notice):
    names = "、".join(u.display_name for u in notice.recipients)
    return f"{notice.message}\n\n> 提醒:{names}" if names else notice.message


def outbox_rows(notice, recipients, now, *, robots=True):
    """The outbox rows of `notice`: an e-mail to each recipient with an address and, with
    `robots`, one post to each group robot."""
    rows = [message_row("email", _subject(notice), _email_body(u, notice), recipient=u.email, now=now)
            for u in recipients if u.email]
    if recipients and robots:
        rows += [message_row(robot, _subject(notice), _robot_body(notice), now=now) for robot in ROBOTS]
    return rows


def notify(recipients, *, kind, obj, message, level=1, url="", robots=False, now):
    """Tell `recipients` (User rows; duplicates and inactive users dropped) about `obj`: an in-app
    alert each and an e-mail each (to those with an address); with `robots`, also one post to each
    group robot (WeCom, DingTalk). Call inside the caller's transaction. Returns the number of
    alerts written."""
    people = distinct_active(recipients)
    notice = Notice(kind, str(obj)[:100], message[:500], level, url, people)
    if people:
        Alert.insert_many([alert_row(u.id, notice, None, now) for u in people]).execute()
    enqueue_rows(outbox_rows(notice, people, now, robots=robots))
    return len(people)


def distinct_active(users):
    """`users` without None, inactive users and repeats, in their order."""
    seen, found = set(), []
    for user in users:
        if user is not None and user.active and user.id not in seen:
            seen.add(user.id)
            found.append(user)
    return found


def alert_row(user_id, notice, day, now):
    """The in-app alert row of `notice` for one recipient (`day`: the sweep's day, or None)."""
    return {"recipient": user_id, "kind": notice.kind, "object": notice.object, "level": notice.level, "day": day,
            "message": notice.message, "url": notice.url, "created_at": to_db(now)}


# ---- delivery -------------------------------------------------------------------------------


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
