"""A small world for the certificate services: A and B managers, a custodian who is also an
archivist, a second custodian, an approver, a project and a safe with two shelves."""
from archive_service.models import (
    AuditEntry,
    Certificate,
    CertificateDayCheck,
    CertificateHandover,
    CertificateMovement,
    CertificateSignature,
    Stocktake,
    StocktakeScan,
)
from archive_service.services.archive import locations
from archive_service.services.custody import certificate_lists
from archive_service.services.handover import customers
from archive_service.services.loans import loan_desk, loans
from tests.conftest import NOW

CERTS = [{"kind": "他项权证", "name": "不动产登记证明", "number": "沪(2026)浦东新区不动产证明第0000001号",
          "owner": "李四", "quantity": 1},
         {"kind": "equity_pledge", "name": "股权出质设立登记通知书", "number": "(沪)股质登记设字[2026]第0001号",
          "owner": "李四商贸有限公司", "quantity": 2}]
TABLES = (Certificate, CertificateHandover, CertificateSignature, CertificateMovement, CertificateDayCheck,
          Stocktake, StocktakeScan, AuditEntry)


def snapshot():
    """Row counts and every certificate's status and place: what a refusal must leave as it was."""
    return {m.__name__: m.select().count() for m in TABLES} | {
        "certificates": [(c.status, c.location_id) for c in Certificate.select().order_by(Certificate.id)],
        "lists": [h.state for h in CertificateHandover.select().order_by(CertificateHandover.id)],
        "movements": [m.state for m in CertificateMovement.select().order_by(CertificateMovement.id)]}


def checks_of(view):
    return [{"certificate_id": c["id"], "name": c["name"], "number": c["number"], "quantity": c["quantity"]}
            for c in view["certificates"]]


class World:
    def __init__(self, make_actor):
        self.make_actor = make_actor
        self.a = make_actor("zhang", "manager", display_name="张经理")
        self.b = make_actor("wang", "manager", display_name="王经理")
        self.custodian = make_actor("chen", "custodian", "archivist", display_name="陈权证")
        self.second = make_actor("liu", "custodian", display_name="刘权证")
        self.approver = make_actor("zhao", "approver", display_name="赵审批")
        customer = customers.create_customer(self.custodian, name="李四商贸有限公司", kind="enterprise",
                                             id_number="91110000MA00000000", now=NOW)
        self.customer_id = customer["id"]
        self.projects = 0
        self.project_id = self.project()["id"]
        locations.create_location(self.custodian, code="R1", name="一号档案室", now=NOW)
        locations.create_location(self.custodian, code="S9", name="保险柜", safe=True, now=NOW)
        locations.create_location(self.custodian, code="S9-A", name="上层", parent="S9", safe=True, now=NOW)
        locations.create_location(self.custodian, code="S9-B", name="下层", parent="S9", safe=True, now=NOW)

    def project(self):
        self.projects += 1
        return customers.create_project(self.custodian, code=f"P-{self.projects}", customer_id=self.customer_id,
                                        business="loan", title="流动资金贷款", amount="800000", a_user="zhang",
                                        b_user="wang", ended_on="2026-09-30", now=NOW)

    def lent(self, cert, now=NOW):
        """`cert` out on a loan an approver and an executive approved (R17), scanned out by the
        custodian and confirmed by the second person (R16): the loan's view."""
        if not hasattr(self, "lender"):
            self.lender = self.make_actor("lend_borrower", "manager", display_name="钱借阅")
            self.lend_boss = self.make_actor("lend_boss", "executive", display_name="孙总")
        loan = loans.request(self.lender, object=cert["code"], purpose="办理抵押变更", days=3, use="take_out", now=now)
        loans.decide(self.approver, loan["id"], True, "同意", now=now)
        loans.decide(self.lend_boss, loan["id"], True, "同意", now=now)
        loan_desk.checkout(self.custodian, loan["id"], cert["code"], now=now)
        return loan_desk.confirm(self.second, loan["id"], now=now)

    def listed(self, certs=CERTS, now=NOW):
        return certificate_lists.create(self.a, self.project_id, certs, now=now)

    def b_checked(self, certs=CERTS):
        view = self.listed(certs)
        return certificate_lists.confirm(self.b, view["id"], checks_of(view), now=NOW)

    def stored(self, certs=CERTS, location="S9-A"):
        view = self.b_checked(certs)
        return certificate_lists.confirm(self.custodian, view["id"], checks_of(view), location, now=NOW)
