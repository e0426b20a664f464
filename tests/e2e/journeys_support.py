"""What the browser stories share: a story that signs people in and out through the login form
and numbers its screenshots; the steps several stories take at a page (the desk's scan box, a
stock-take, a task on the home page); and the preconditions arranged through the services because
they are not what a story is about (a safe, certificates already in it, a project from the loan
system, a file out on loan, the clock moving on and the daily sweep running)."""
import re
from datetime import datetime, time, timedelta

from playwright.sync_api import expect
from pypdf import PdfWriter

from archive_service.cli import main as cli
from archive_service.db import database
from archive_service.domain.timeutil import LOCAL_TZ, local_date
from archive_service.models import OutboxMessage, Project, User
from archive_service.services.accounts import users
from archive_service.services.archive import locations
from archive_service.services.custody import certificate_lists
from archive_service.services.handover import customers
from archive_service.services.loans import loan_desk, loans
from tests.conftest import NOW
from tests.e2e.conftest import open_menu, sign_out


class Story:
    """One story through the pages: `as_user` signs the current person out with the header's 退出
    button and the next one in through the login form; `shot` keeps a numbered screenshot
    ("03-returned.png") under the test's tmp_path."""

    def __init__(self, page, sign_in, tmp_path):
        self.page, self.sign_in, self.tmp_path = page, sign_in, tmp_path
        self.user, self.shots = None, []

    def as_user(self, username, password=None):
        self.sign_out()
        self.sign_in(username, *([password] if password else []))
        expect(self.page.get_by_role("heading", name="工作台")).to_be_visible()
        self.user = username
        return self.page

    def sign_out(self):
        if self.user is not None:
            sign_out(self.page)
            self.user = None

    def shot(self, name, page=None):
        path = self.tmp_path / f"{len(self.shots) + 1:02d}-{name}.png"
        (page or self.page).screenshot(path=path, full_page=True)
        self.shots.append(path)
        return path

    def assert_shots_kept(self, count):
        assert len(self.shots) == count, [p.name for p in self.shots]
        for path in self.shots:
            assert path.is_file() and path.stat().st_size > 10_000, f"{path.name} is missing or blank"


# ---- steps at a page -------------------------------------------------------------------------

def scan_at_desk(page, code):
    """At 借还台: the label code into the desk's scan box, then 查找."""
    page.get_by_label("扫描标签").last.fill(code)
    page.get_by_role("button", name="查找").click()


def open_task(page, project_code):
    """Follow the project's line in 我的待办 on the home page."""
    page.locator("#home-tasks").get_by_role("link", name=re.compile(project_code)).click()


def stocktake(page, scans):
    """A stock-take of the safe S1: each (shelf, code) of `scans` typed by the scanner into the
    focused label field, then closed and signed."""
    open_menu(page, "权证", "权证盘点")
    page.get_by_label("保险柜").select_option("S1")
    page.get_by_role("button", name="开始盘点").click()
    expect(page.get_by_role("alert")).to_contain_text("盘点已开始")
    for shelf, code in scans:
        page.get_by_label("位置", exact=True).select_option(shelf)
        expect(page.get_by_label("权证标签")).to_be_focused()
        page.keyboard.type(code)
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert")).to_contain_text(f"已扫描 {code}")
    page.get_by_role("button", name="结束盘点并签字").click()
    expect(page.get_by_role("alert")).to_contain_text("盘点已结束并签字")


# ---- preconditions through the services ------------------------------------------------------

def actor(username):
    return users.actor_of(User.get(User.username == username), "e2e")


def make_safe():
    """The safe S1 with shelves S1-A and S1-B, as the archivist makes it on the locations page."""
    archivist = actor("archivist")
    locations.create_location(archivist, code="S1", name="保险柜", safe=True, now=NOW)
    for code in ("S1-A", "S1-B"):
        locations.create_location(archivist, code=code, name="隔层", parent="S1", safe=True, now=NOW)


def store_certificates(certs, project_code="DEMO-001"):
    """`certs` [(kind, name, number, owner, quantity)] through the three-party check into S1-A of
    a new safe: [(id, code)]."""
    with database.connection_context():
        make_safe()
        project = Project.get(Project.code == project_code)
        listed = certificate_lists.create(actor("zhang"), project.id, [
            {"kind": k, "name": n, "number": no, "owner": o, "quantity": q} for k, n, no, o, q in certs], now=NOW)
        checks = [{"certificate_id": c["id"], "name": c["name"], "number": c["number"], "quantity": c["quantity"]}
                  for c in listed["certificates"]]
        certificate_lists.confirm(actor("wang"), listed["id"], checks, now=NOW)
        certificate_lists.confirm(actor("custodian"), listed["id"], checks, "S1-A", now=NOW)
        return [(c["id"], c["code"]) for c in listed["certificates"]]


def project_from_the_loan_system(code):
    """A loan disbursed yesterday, A zhang and B wang, as the loan-system import makes it."""
    with database.connection_context():
        archivist = actor("archivist")
        customer = customers.create_customer(archivist, name="钱七五金店", kind="person",
                                             id_number="310101199001010017", now=NOW)
        customers.create_project(archivist, code=code, customer_id=customer["id"], business="loan",
                                 title="钱七经营贷", amount="500000", a_user="zhang", b_user="wang",
                                 ended_on=(local_date(NOW) - timedelta(days=1)).isoformat(), now=NOW)


def on_loan(username, code):
    """`username` has the file `code` out (asked, approved, handed out)."""
    with database.connection_context():
        loan = loans.request(actor(username), object=code, purpose="贷后检查", days=5, now=NOW)
        loans.decide(actor("approver"), loan["id"], True, now=NOW)
        loan_desk.checkout(actor("archivist"), loan["id"], code, now=NOW)


def give_email(username, address):
    with database.connection_context():
        users.update_user(actor("admin"), username, email=address, now=NOW)


def morning_sweep(app, day):
    """The live service's clock at 09:00 on `day`, and the daily overdue sweep run as cron runs
    it (`archive-service sweep --as-of`)."""
    app.extensions["archive_clock"].frozen = datetime.combine(day, time(9), LOCAL_TZ)
    swept = app.test_cli_runner().invoke(cli, ["sweep", "--as-of", day.isoformat()])
    assert swept.exit_code == 0 and re.search(r"[1-9]\d* alert\(s\) created", swept.output), swept.output


def outbox_about(text):
    """{(channel, recipient, subject up to its colon, state)} of the queued messages about `text`."""
    with database.connection_context():
        rows = OutboxMessage.select().where(OutboxMessage.subject.contains(text))
        return {(m.channel, m.recipient, m.subject.split(":")[0], m.state) for m in rows}


def blank_pdf(path, pages):
    """A scan of `pages` blank A4 pages written to `path`."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as out:
        writer.write(out)
    return path
