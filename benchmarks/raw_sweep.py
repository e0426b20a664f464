"""The raw baseline of the overdue sweep: the same rows the service writes for a day's late loans
(alerts, e-mails, group-robot posts, the archivists' digest), written by hand-made set-based SQL.
Working days come from the same calendar, once per distinct due date, as the service does."""
from archive_service.db import database, is_postgres
from archive_service.services.platform import calendar

KIND = "CASE WHEN l.object_kind = 'certificate' THEN 'certificate_out_late' ELSE 'loan_overdue' END"
KIND_NAME = "CASE a.kind WHEN 'certificate_out_late' THEN '权证出库超期' WHEN 'loan_overdue' THEN '借阅逾期' END"
LATE = "l.state = 'out' AND l.due_on < {p}"
QUEUED = "'queued', 0, {p}, '', {p}"
OUTBOX = "INSERT INTO outbox_message (channel, recipient, subject, body, state, attempts, next_attempt_at," \
         " last_error, created_at) "
FOOTER = "\n\n此邮件由客户档案管理系统自动发送,请勿直接回复。"


OPEN_STEPS = ("SELECT p.id, p.ended_on, h.id, h.state, h.last_submitted_at FROM project p"
              " LEFT JOIN handover h ON h.project_id = p.id"
              " WHERE (h.id IS NULL OR h.state IN ('draft', 'returned', 'submitted')) AND p.ended_on < {p}")
OPEN_LISTS = "SELECT c.id, c.project_id, c.state, c.created_at FROM certificate_handover c WHERE c.state <> 'stored'"


def sweep(as_of, now):
    """Write the day's alerts and messages for the late loans; returns the alerts written. Like the
    service, it first reads the handover steps and certificate lists still open (none are late in
    the bench's world, so they add no rows)."""
    p = database.param
    open_steps = database.execute_sql(OPEN_STEPS.format(p=p), [as_of]).fetchall()
    open_lists = database.execute_sql(OPEN_LISTS).fetchall()
    if open_steps or open_lists:
        raise RuntimeError("bench sweep: the raw baseline writes late loans only; the world has open steps")
    days = _lateness(as_of)
    if not days:
        return 0
    before = _one("SELECT COALESCE(MAX(id), 0) FROM alert")
    cutoff = max((due for due, late in days.items() if late >= ESCALATE_AFTER), default=None)
    written = 0
    for recipients in _recipients(cutoff):
        written += _alerts(as_of, now, days, cutoff, *recipients)
    fresh = f"a.id > {p} AND a.day = {p} AND a.kind IN ('certificate_out_late', 'loan_overdue')"
    database.execute_sql(
        f"{OUTBOX} SELECT 'email', u.email, '【档案系统】' || {KIND_NAME} || ':' || a.object, u.display_name"
        f" || {p} || a.message || {p}, {QUEUED.format(p=p)} FROM alert a JOIN app_user u ON u.id = a.recipient_id"
        f" WHERE {fresh} AND u.email <> ''", [",您好:\n\n", FOOTER, now, now, before, as_of])
    names = "string_agg(u.display_name, '、')" if is_postgres() else "group_concat(u.display_name, '、')"
    for robot in ("wecom", "dingtalk"):
        database.execute_sql(
            f"{OUTBOX} SELECT {p}, '', '【档案系统】' || {KIND_NAME} || ':' || a.object, MIN(a.message) || {p}"
            f" || {names}, {QUEUED.format(p=p)} FROM alert a JOIN app_user u ON u.id = a.recipient_id"
            " WHERE a.day = {p} AND a.kind IN ('certificate_out_late', 'loan_overdue')"
            " GROUP BY a.kind, a.object HAVING MAX(a.id) > {p}".replace("{p}", p),
            [robot, "\n\n> 提醒:", now, now, as_of, before])
    return written + _digest(as_of, now, days)


ESCALATE_AFTER = 3
STAFF = {"certificate": ("custodian", "executive"), "archive": ("archivist",)}


def _recipients(cutoff):
    """(join, its params, condition, its params) of each kind of recipient: the borrowers; after
    ESCALATE_AFTER working days also the loan's approvers and the staff its object's kind names."""
    p = database.param
    found = [("", [], "b.active", [])]
    if cutoff is None:
        return found
    found.append((" JOIN loan_approval la ON la.loan_id = l.id AND la.approve"
                  " JOIN app_user r ON r.id = la.decided_by_id", [], f"r.active AND l.due_on <= {p}", [cutoff]))
    staff = _staff()
    marks = {kind: ", ".join([p] * len(ids)) or "0" for kind, ids in staff.items()}
    found.append((f" JOIN app_user r ON (l.object_kind = 'certificate' AND r.id IN ({marks['certificate']}))"
                  f" OR (l.object_kind <> 'certificate' AND r.id IN ({marks['archive']}))",
                  [*staff["certificate"], *staff["archive"]], f"r.active AND l.due_on <= {p}", [cutoff]))
    return found


def _staff():
    rows = database.execute_sql("SELECT id, roles_text FROM app_user WHERE active ORDER BY id").fetchall()
    return {kind: [i for i, roles in rows if set(roles.split(",")) & set(wanted)] for kind, wanted in STAFF.items()}


def _alerts(as_of, now, days, cutoff, join, join_params, condition, condition_params):
    p = database.param
    recipient = "r.id" if join else "b.id"
    cases = " ".join(f"WHEN {p} THEN {p}" for _ in days)
    case_params = [value for due, late in sorted(days.items()) for value in (due, str(late))]
    level = f"CASE WHEN l.due_on <= {p} THEN 2 ELSE 1 END" if cutoff else "1"
    return database.execute_sql(
        "INSERT INTO alert (recipient_id, kind, object, level, day, message, url, created_at)"
        f" SELECT {recipient}, {KIND}, l.object_code, {level}, {p}, l.object_code || ' 借阅已逾期 ' ||"
        f" CASE l.due_on {cases} END || ' 个工作日(应还日期 ' || CAST(l.due_on AS TEXT) || '),借阅人 ' ||"
        f" b.display_name || ',请尽快归还。', '/loans/' || CAST(l.id AS TEXT), {p} FROM loan l JOIN app_user b"
        f" ON b.id = l.borrower_id{join} WHERE {LATE.format(p=p)} AND {condition} ON CONFLICT DO NOTHING",
        [*([cutoff] if cutoff else []), as_of, *case_params, now, *join_params, as_of, *condition_params]).rowcount


def _lateness(as_of):
    cal = calendar.current()
    rows = database.execute_sql(f"SELECT DISTINCT l.due_on FROM loan l WHERE {LATE.format(p=database.param)}",
                                [as_of]).fetchall()
    dues = [_day(row[0]) for row in rows]
    return {due: cal.working_days_between(due, as_of) for due in dues}


def _digest(as_of, now, days):
    """The archivists' digest: counts by kind and the first 50 late loans, one alert each and a post."""
    p = database.param
    counts = dict(database.execute_sql(
        f"SELECT {KIND}, COUNT(*) FROM loan l WHERE {LATE.format(p=p)} GROUP BY {KIND}", [as_of]).fetchall())
    lines = database.execute_sql(
        f"SELECT l.object_code, l.due_on, u.display_name FROM loan l JOIN app_user u ON u.id = l.borrower_id"
        f" WHERE {LATE.format(p=p)} ORDER BY l.due_on, l.id LIMIT 50", [as_of]).fetchall()
    names = {"certificate_out_late": "权证出库超期", "loan_overdue": "借阅逾期"}
    summary = ";".join(f"{names[k]} {n} 项" for k, n in sorted(counts.items()))
    text = "\n".join(f"- {code}:{code} 借阅已逾期 {days[_day(due)]} 个工作日(应还日期 {_day(due).isoformat()}),"
                     f"借阅人 {name},请尽快归还。" for code, due, name in lines)
    message = f"{as_of.isoformat()} 逾期汇总:{summary}\n{text}"[:500]
    archivists = database.execute_sql(
        f"SELECT id, display_name, email FROM app_user WHERE active AND roles_text LIKE {p} ORDER BY id",
        ["%archivist%"]).fetchall()
    obj = f"日报 {as_of.isoformat()}"
    for user_id, _name, _email in archivists:
        database.execute_sql("INSERT INTO alert (recipient_id, kind, object, level, day, message, url, created_at)"
                             f" VALUES ({p}, 'digest', {p}, 0, {p}, {p}, '/overdue', {p})",
                             [user_id, obj, as_of, message, now])
    subject = f"【档案系统】逾期日报:{obj}"
    body = message + "\n\n> 提醒:" + "、".join(name for _, name, _ in archivists)
    for _user_id, name, email in archivists:
        if email:
            database.execute_sql(f"{OUTBOX} VALUES ('email', {p}, {p}, {p}, {QUEUED.format(p=p)})",
                                 [email, subject, f"{name},您好:\n\n{message}{FOOTER}", now, now])
    for robot in ("wecom", "dingtalk"):
        database.execute_sql(f"{OUTBOX} VALUES ({p}, '', {p}, {p}, {QUEUED.format(p=p)})",
                             [robot, subject, body, now, now])
    return len(archivists)


def _one(sql):
    return database.execute_sql(sql).fetchone()[0]


def _day(value):
    from datetime import date

    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
