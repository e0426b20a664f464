"""A scratch archive for the database workloads: a temporary SQLite file, or a throwaway schema
in a PostgreSQL database, filled set-based inside the database (INSERT … SELECT over a series of
numbers, with the indexes built after the load: a million files in minutes) and dropped afterwards.

The archive reads like a real one: files received one after another from 2015 to last week,
numbered per business and year, in boxes on shelves; Chinese customer names (companies and
people) whose two-character fragments the search workload looks for; five items per file with
their numbers and contract numbers; one loan per file, most returned, one in twenty still out
and some of those late. Whatever the services would have written alongside (item numbers, the
search index, the number counters, the loans' out keys) is written the way they write it."""
import math
import os
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import psycopg2

from archive_service import migrations
from archive_service.db import database, is_postgres
from archive_service.domain import numbering
from archive_service.domain.search import grams, normalise
from archive_service.models import User
from archive_service.services.accounts import users

from . import bulk
from .bulk import pick, rows, run

NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 10, 9)
PASSWORD = "Bench-Passw0rd!"
FILES_PER_CUSTOMER = 4
ITEMS_PER_FILE = 5
FILES_PER_BOX, BOXES_PER_SHELF, SHELVES_PER_CABINET = 50, 20, 5
OUT_EVERY = 20  # one loan in twenty is still out
FIRST_RECEIPT = datetime(2015, 3, 1)
LAST_RECEIPT = NOW.replace(tzinfo=None) - timedelta(days=5)
DAY = 1440  # minutes
TABLES = ("location", "customer", "project", "handover", "archive_file", "handover_item", "search_doc",
          "search_gram", "number_counter", "loan")

CITIES = ("杭州宁波温州嘉兴湖州绍兴金华衢州舟山台州丽水上海苏州无锡"
          "常州南京合肥福州厦门广州深圳成都重庆武汉长沙郑州济南青岛天津西安")
BRANDS = ("鑫达盛泰兴宏隆恒瑞祥嘉禾永丰源汇聚诚德利阳光邦天成富宝龙凤"
          "博远创锦绣佳美优品豪精益康顺润星辰海峰立腾飞翔新华荣昌明亮朗辉")
INDUSTRIES = "商贸科技建材物流餐饮机械纺织电子食品化工医药农业环保能源服装印刷家具汽配五金广告"
SUFFIXES = ("有限公司", "股份有限公司", "有限责任公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文玉兰红春志新国海波辉鹏飞宇晨"
# A company is city + two brand characters + industry + suffix: the digits of a scrambled number
# in this mixed radix, so no two companies share a name.
NAME_RADIX = (len(CITIES) // 2, len(BRANDS), len(BRANDS), len(INDUSTRIES) // 2, len(SUFFIXES))
SCRAMBLE = 7919  # prime: i -> i * SCRAMBLE mod m is one-to-one whenever m is not a multiple of it
# Titles share no character with the brands and given names the search workload looks for, so
# its fragments find customers only (tests/unit/test_bench_world.py checks it).
LOAN_TITLES = ("流动资金贷款", "固定资产贷款", "个人经营性贷款", "应收账款质押贷款", "房产抵押贷款")
GUARANTEE_TITLES = ("融资性担保", "工程履约担保", "诉讼保全担保", "贷款担保")
PURPOSES = ("贷后检查", "审计查阅", "诉讼准备", "续贷审查", "合规检查", "资料核对")
# Each file's items: (part, position, loan title, guarantee title, pages, item seq, contract seq);
# numbered as numbering.item_numbers numbers them (the attachment gets no number).
ITEMS = ((1, 1, "借款申请书", "担保申请书", 3, 1, None),
         (2, 1, "借款合同", "委托保证合同", 8, 2, 1),
         (2, 2, "保证合同", "反担保合同", 6, 3, 2),
         (3, 1, "放款审批表", "担保审批表", 2, 4, None),
         (4, 1, "身份证明材料", "营业执照复印件", 1, None, None))


@dataclass
class World:
    """What the workloads need to know about the generated archive."""

    engine: str
    url: str
    files: int
    archivist: object = None
    codes: list = field(default_factory=list)
    names: list = field(default_factory=list)
    filter: dict = field(default_factory=dict)


@contextmanager
def scratch_database(engine, postgres_url=None):
    """(engine, url) of an empty database that is removed on exit."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="archive-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(postgres_url)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{postgres_url}{'&' if '?' in postgres_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        if not database.is_closed():
            database.close()
        admin.cursor().execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()


def build(engine, url, files, report=print):
    """Migrate the bound database (at `url`) and fill it with `files` received archive files."""
    started = time.perf_counter()
    database.connect(reuse_if_open=True)
    migrations.upgrade()
    people = _people()
    plan = Plan(files)
    with bulk.loading(TABLES):
        for statement in statements(bulk.sql(), plan, people):
            run(statement)
    _reset_sequences()
    check_sample(files)
    world = World(engine=engine, url=url, files=files, archivist=users.actor_of(people["archivist"], "127.0.0.1"),
                  codes=_codes(files), names=_names(plan.customers), filter={"year": 2024, "business": "loan"})
    report(f"  {engine}: {files} files, {files * ITEMS_PER_FILE} items, {files} loans generated in "
           f"{time.perf_counter() - started:.0f} s")
    return world


def _people():
    made = {}
    for username, role in (("a", "manager"), ("b", "manager"), ("archivist", "archivist")):
        users.create_user(None, username=f"bench_{username}", password=PASSWORD, roles=[role],
                          display_name=f"bench {username}", now=NOW)
        made[username] = User.get(User.username == f"bench_{username}")
    return made


class Plan:
    """The shape of an archive of `files` files: sizes, id ranges and the receipt timeline (file
    i is received `step` minutes after file i - 1; minutes count from bulk.EPOCH)."""

    def __init__(self, files):
        self.files = files
        self.customers = max(files // FILES_PER_CUSTOMER, 1)
        self.boxes = math.ceil(files / FILES_PER_BOX)
        self.shelves = math.ceil(self.boxes / BOXES_PER_SHELF)
        self.cabinets = math.ceil(self.shelves / SHELVES_PER_CABINET)
        self.first_box = 2 + self.cabinets + self.shelves  # after the room, the cabinets and the shelves
        self.now = _minutes(NOW.replace(tzinfo=None))
        self.first = _minutes(FIRST_RECEIPT)
        self.step = (_minutes(LAST_RECEIPT) - self.first) // max(files - 1, 1)
        self.stride = next(p for p in range(SCRAMBLE, 2 * SCRAMBLE) if math.gcd(p, files) == 1)

    def received(self, file_id):
        """SQL: the minute file `file_id` was received."""
        return f"({self.first} + (CAST({file_id} AS BIGINT) - 1) * {self.step})"


def _minutes(moment):
    return int((moment - datetime.fromisoformat(bulk.EPOCH)).total_seconds()) // 60


def statements(q, plan, people):
    """The INSERT … SELECT statements that fill the archive, in order (made as they are run: the
    search index's depends on what is loaded before it)."""
    yield from _locations(q, plan)
    yield _customers(q, plan)
    yield _projects(q, plan, people)
    yield _handovers(q, plan)
    yield _archive_files(q, plan, people)
    yield _items(q)
    yield from _search_index(q, plan)
    yield _counters()
    yield _loans(q, plan, people)


def _insert(q, count, table, columns, select):
    """INSERT INTO `table` SELECT … FROM the rows i = 1…count."""
    with_numbers, numbers = q.numbers(count)
    return f"{with_numbers} INSERT INTO {table} ({columns}) SELECT {select} FROM {numbers}"


def _locations(q, plan):
    """One room, its cabinets, their shelves and the boxes the files are in (R22)."""
    made = q.at(plan.first - 30 * DAY)

    def shelf_code(shelf):
        return (f"'R1-' || {q.pad(f'({shelf} - 1) / {SHELVES_PER_CABINET} + 1', 2)} || '-' || "
                f"(({shelf} - 1) % {SHELVES_PER_CABINET} + 1)")

    columns = "id, code, name, level, parent_id, created_at"
    return [
        f"INSERT INTO location ({columns}) VALUES (1, 'R1', '一号档案室', 'room', NULL, {made})",
        _insert(q, plan.cabinets, "location", columns,
                f"1 + i, 'R1-' || {q.pad('i', 2)}, '第' || i || '号档案柜', 'cabinet', 1, {made}"),
        _insert(q, plan.shelves, "location", columns,
                f"1 + {plan.cabinets} + i, {shelf_code('i')}, '第' || ((i - 1) % {SHELVES_PER_CABINET} + 1) || '层',"
                f" 'shelf', 2 + (i - 1) / {SHELVES_PER_CABINET}, {made}"),
        _insert(q, plan.boxes, "location", columns,
                f"{plan.first_box} - 1 + i, {shelf_code(f'((i - 1) / {BOXES_PER_SHELF} + 1)')} || '-' || "
                f"{q.pad(f'(i - 1) % {BOXES_PER_SHELF} + 1', 2)}, '第' || ((i - 1) % {BOXES_PER_SHELF} + 1) || '盒',"
                f" 'box', {2 + plan.cabinets} + (i - 1) / {BOXES_PER_SHELF}, {made}")]


def _customers(q, plan):
    """Every fourth customer is a person (surname + two-character given name), the rest companies."""
    cities, brands, industries, _ = NAME_RADIX[0], NAME_RADIX[1], NAME_RADIX[3], NAME_RADIX[4]
    company = " || ".join((q.chars(CITIES, f"j % {cities}", 2), q.chars(BRANDS, f"j / {cities} % {brands}"),
                           q.chars(BRANDS, f"j / {cities * brands} % {brands}"),
                           q.chars(INDUSTRIES, f"j / {cities * brands * brands} % {industries}", 2),
                           pick(f"j / {cities * brands * brands * industries}", SUFFIXES)))
    given = len(GIVEN)
    person = " || ".join((q.chars(SURNAMES, f"j % {len(SURNAMES)}"), q.chars(GIVEN, f"j / {len(SURNAMES)} % {given}"),
                          q.chars(GIVEN, f"j / {len(SURNAMES) * given} % {given}")))
    is_person = f"i % {FILES_PER_CUSTOMER} = 0"
    created = q.at(f"{plan.received('i')} - 400 * {DAY}")
    with_numbers, numbers = q.numbers(plan.customers)
    return (f"{with_numbers} INSERT INTO customer (id, name, kind, id_number, created_by, created_at)"
            f" SELECT i, CASE WHEN {is_person} THEN {person} ELSE {company} END,"
            f" CASE WHEN {is_person} THEN 'person' ELSE 'enterprise' END,"
            f" CASE WHEN {is_person} THEN '330106' || {q.pad('i', 12)} ELSE '91330106' || {q.pad('i', 9)} || 'X' END,"
            f" 'bench_a', {created} FROM (SELECT i, i * {SCRAMBLE} % {math.prod(NAME_RADIX)} AS j FROM {numbers}) s")


def _projects(q, plan, people):
    """Project i belongs to customer (i - 1) mod customers + 1; one in three is a guarantee."""
    received = plan.received("i")
    return _insert(q, plan.files, "project", "id, code, customer_id, business, title, amount, a_user_id, b_user_id,"
                   " ended_on, created_by, created_at",
                   f"i, 'P-' || {q.pad('i', 8)}, (i - 1) % {plan.customers} + 1,"
                   f" CASE WHEN i % 3 = 0 THEN 'guarantee' ELSE 'loan' END,"
                   f" CASE WHEN i % 3 = 0 THEN {pick('i / 3', GUARANTEE_TITLES)} ELSE {pick('i', LOAN_TITLES)} END,"
                   f" 10000 * (5 + i * {SCRAMBLE} % 496), {people['a'].id}, {people['b'].id},"
                   f" {q.day(f'{received} - (7 + i % 30) * {DAY}')}, 'bench_a',"
                   f" {q.at(f'{received} - (200 + i % 160) * {DAY}')}")


def _handovers(q, plan):
    received = plan.received("i")
    return _insert(q, plan.files, "handover", "id, project_id, state, rounds, created_at, first_submitted_at,"
                   " last_submitted_at, accepted_at, received_at",
                   f"i, i, 'received', 1, {q.at(f'{received} - 30 * {DAY}')}, {q.at(f'{received} - 12 * {DAY}')},"
                   f" {q.at(f'{received} - 12 * {DAY}')}, {q.at(f'{received} - 3 * {DAY}')}, {q.at(received)}")


def _archive_files(q, plan, people):
    """Numbered in order of receipt within each business and year of the project's end (R13, R20),
    in the default scheme (XD-2024-0001; check_sample compares with numbering). Stored in id order,
    as received, whatever order the numbering sorted them in."""
    codes = " ".join(f"WHEN '{b}' THEN '{c}'" for b, c in numbering.BUSINESS_CODES.items())
    return ("INSERT INTO archive_file (id, archive_no, series, seq, handover_id, project_id, business, year, status,"
            " location_id, received_by_id, received_at)"
            f" SELECT id, prefix || {q.pad('seq', 4)}, prefix || '#', seq, id, id, business, year, 'in_archive',"
            f" {plan.first_box} + (id - 1) / {FILES_PER_BOX}, {people['archivist'].id}, {q.at(plan.received('id'))}"
            " FROM (SELECT id, business, year, prefix,"
            " ROW_NUMBER() OVER (PARTITION BY business, year ORDER BY id) AS seq"
            f" FROM (SELECT id, business, {q.year('ended_on')} AS year,"
            f" CASE business {codes} END || '-' || {q.year('ended_on')} || '-' AS prefix FROM project) y) s"
            " ORDER BY id")


def _items(q):
    """Each file's items, numbered (R9); their pages vary from file to file."""
    values = ", ".join(f"({k}, {part}, {position}, '{loan}', '{guarantee}', {pages}, {seq or 'NULL'},"
                       f" {contract or 'NULL'})"
                       for k, (part, position, loan, guarantee, pages, seq, contract) in enumerate(ITEMS, 1))
    return (f"WITH t(k, part, position, loan_title, guarantee_title, pages, seq, contract) AS (VALUES {values})"
            " INSERT INTO handover_item (id, handover_id, part, position, title, pages, contract, attachment, round,"
            " number, contract_number)"
            f" SELECT (a.id - 1) * {ITEMS_PER_FILE} + t.k, a.handover_id, t.part, t.position,"
            " CASE a.business WHEN 'loan' THEN t.loan_title ELSE t.guarantee_title END,"
            " t.pages + (a.id * t.k) % 13, t.contract IS NOT NULL, t.seq IS NULL, 0,"
            f" CASE WHEN t.seq IS NOT NULL THEN a.archive_no || '-' || {q.pad('t.seq', 3)} END,"
            f" CASE WHEN t.contract IS NOT NULL THEN a.archive_no || '-HT' || {q.pad('t.contract', 2)} END"
            f" FROM archive_file a CROSS JOIN t {q.key_order('a.id, t.k')}")


def _search_index(q, plan):
    """What search_index.put writes for each customer and project: its normalised text (the
    generated names are normalised already; check_sample makes sure) and its distinct grams, each
    kept where it first occurs in the text."""
    yield ("INSERT INTO search_doc (id, kind, ref, text) SELECT id, 'customer', id, name FROM customer"
           f" {q.key_order('id')}")
    yield (f"INSERT INTO search_doc (id, kind, ref, text) SELECT {plan.customers} + id, 'project', id, title"
           f" FROM project {q.key_order('id')}")
    longest = rows("SELECT MAX(length(text)) FROM search_doc")[0][0]
    with_numbers, numbers = q.numbers(longest)
    gram = "substr(d.text, CAST(n.i AS INTEGER), 2)"
    yield (f"{with_numbers} INSERT INTO search_gram (gram, doc_id) SELECT {gram}, d.id"
           f" FROM {numbers} JOIN search_doc d ON n.i < length(d.text)"
           f" WHERE {q.position(gram, 'd.text')} = n.i {q.key_order('1, 2')}")


def _counters():
    """Each series' counter at its last number given, as numbering.next_seq leaves it."""
    return ("INSERT INTO number_counter (series, last_seq)"
            " SELECT series, MAX(seq) FROM archive_file GROUP BY series ORDER BY series")


def _loans(q, plan, people):
    """Loan j borrows file (j * stride) mod files + 1, so each file once. One in OUT_EVERY is out,
    taken out in the last 30 days for 14 working days (about 20 calendar days): a third of those
    are late on AS_OF. The others were taken out some time after the file came in and are back:
    reading-room loans the same day, loans taken out after 3 to 25 days (some of them late)."""
    out, now, archivist = f"j % {OUT_EVERY} = 0", plan.now, people["archivist"].id
    take_out = f"({out} OR j % 3 = 0)"
    recent = f"{now} - ((j / {OUT_EVERY}) % 30) * {DAY} - 60 - j % 600"
    earlier = f"r + 2 * {DAY} + ({now} - 5 * {DAY} - r) * ((j * 37) % 1000) / 1000"
    with_numbers, numbers = q.numbers(plan.files)
    picked = (f"SELECT n.i AS j, a.id AS f, a.archive_no, {plan.received('a.id')} AS r, s.pages FROM {numbers}"
              f" JOIN archive_file a ON a.id = n.i * {plan.stride} % {plan.files} + 1"
              " JOIN (SELECT handover_id, SUM(pages) AS pages FROM handover_item GROUP BY handover_id) s"
              " ON s.handover_id = a.handover_id")
    timed = (f"SELECT j, f, archive_no, pages, CASE WHEN NOT ({out}) THEN {earlier}"
             f" WHEN {recent} > r + 2 * {DAY} THEN {recent} ELSE r + 2 * {DAY} END AS taken FROM ({picked}) p")
    kept = f"CASE WHEN {take_out} THEN (3 + j % 23) * {DAY} + j % 600 ELSE 30 + j % 480 END"
    returned = q.at(f"taken + CASE WHEN {kept} < {now} - 60 - taken THEN {kept} ELSE {now} - 60 - taken END")
    due = q.day(f"taken + CASE WHEN {take_out} THEN 20 ELSE 4 END * {DAY}")
    return (f"{with_numbers} INSERT INTO loan (id, borrower_id, object_kind, object_code, archive_id, purpose, use,"
            " days, state, steps, step, renewals, requested_at, decided_at, checked_out_at, checked_out_by_id,"
            " due_on, returned_at, returned_by_id, returned_pages, out_key)"
            f" SELECT j, CASE WHEN j % 2 = 0 THEN {people['a'].id} ELSE {people['b'].id} END, 'archive', archive_no,"
            f" f, {pick('j', PURPOSES)}, CASE WHEN {take_out} THEN 'take_out' ELSE 'read' END,"
            f" CASE WHEN {take_out} THEN 14 ELSE 3 END, CASE WHEN {out} THEN 'out' ELSE 'returned' END, '', 0, 0,"
            f" {q.at(f'taken - {DAY}')}, {q.at('taken - 720')}, {q.at('taken')}, {archivist}, {due},"
            f" CASE WHEN NOT ({out}) THEN {returned} END, CASE WHEN NOT ({out}) THEN {archivist} END,"
            f" CASE WHEN NOT ({out}) THEN pages END, CASE WHEN {out} THEN 'archive:' || archive_no END"
            f" FROM ({timed}) t {q.key_order('j')}")


def _reset_sequences():
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind: move them on."""
    if not is_postgres():
        return
    for table in set(TABLES) - {"search_gram", "number_counter"}:
        run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def check_sample(files):
    """The first, middle and last file read back against the domain code the services use:
    archive and item numbers, and the search index of the project and its customer."""
    scheme = numbering.NumberingScheme()
    for file_id in sorted({1, (files + 1) // 2, files}):
        [(archive_no, series, seq, business, year, customer)] = rows(
            "SELECT a.archive_no, a.series, a.seq, a.business, a.year, p.customer_id FROM archive_file a"
            f" JOIN project p ON p.id = a.project_id WHERE a.id = {file_id}")
        _same((archive_no, series), (scheme.archive_no(business, year, seq), scheme.series(business, year)))
        items = rows("SELECT part, position, attachment, contract, number, contract_number FROM handover_item"
                     f" WHERE handover_id = {file_id} ORDER BY id")
        expected = numbering.item_numbers(archive_no, [(p, n, bool(a), bool(c)) for p, n, a, c, _, _ in items])
        _same([row[4:] for row in items], [(e.number, e.contract_number) for e in expected])
        for kind, ref, source in (("project", file_id, "SELECT title FROM project WHERE id = "),
                                  ("customer", customer, "SELECT name FROM customer WHERE id = ")):
            [(text,)] = rows(f"{source}{ref}")
            [(doc, indexed)] = rows(f"SELECT id, text FROM search_doc WHERE kind = '{kind}' AND ref = {ref}")
            found = sorted(gram for (gram,) in rows(f"SELECT gram FROM search_gram WHERE doc_id = {doc}"))
            _same((indexed, found), (normalise(text), sorted(grams(normalise(text)))))


def _same(generated, expected):
    if generated != expected:
        raise RuntimeError(f"bench world: generated {generated!r}, the services would write {expected!r}")


def _codes(files, count=500):
    step = max(files // count, 1)
    return [no for (no,) in rows(f"SELECT archive_no FROM archive_file WHERE (id - 1) % {step} = 0 ORDER BY id")]


def _names(customers, count=200):
    """Two-character fragments of customer names: a company's brand, a person's given name."""
    step = max(customers // count, 1)
    found = rows(f"SELECT kind, name FROM customer WHERE (id - 1) % {step} = 0 ORDER BY id")
    return [name[1:3] if kind == "person" else name[2:4] for kind, name in found]  # after a surname, a city


def postgres_url(explicit=None):
    """The PostgreSQL server to bench on: --postgres, else DATABASE_URL when it names one."""
    url = explicit or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None
