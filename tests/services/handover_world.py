"""A small world for the handover services: managers, an archivist, a customer, a room."""

from archive_service.models import (
    ArchiveFile,
    AuditEntry,
    Extension,
    Handover,
    HandoverItem,
    LocationMove,
    NumberCounter,
    RegisterEntry,
    Signature,
    SupplementRequest,
)
from archive_service.services.archive import locations, receipt
from archive_service.services.handover import customers, handovers
from tests.conftest import NOW

ITEMS = [{"part": 1, "title": "审批表", "pages": 2, "attachment": False, "contract": False},
         {"part": 2, "title": "借款合同", "pages": 8, "attachment": False, "contract": True},
         {"part": 2, "title": "借款合同(客户联)", "pages": 8, "attachment": True, "contract": True},
         {"part": 3, "title": "调查报告", "pages": 12, "attachment": False, "contract": False}]
TABLES = (Handover, HandoverItem, Signature, SupplementRequest, Extension, ArchiveFile, RegisterEntry,
          LocationMove, NumberCounter, AuditEntry)


def snapshot():
    return {m.__name__: m.select().count() for m in TABLES} | {
        "states": [h.state for h in Handover.select().order_by(Handover.id)],
        "numbers": [i.number for i in HandoverItem.select().order_by(HandoverItem.id)]}


class World:
    def __init__(self, make_actor):
        self.a = make_actor("zhang", "manager")
        self.b = make_actor("wang", "manager")
        self.other = make_actor("zhao", "manager")
        self.arch = make_actor("li", "archivist")
        self.approver = make_actor("sun", "approver")
        customer = customers.create_customer(self.arch, name="李四商贸有限公司", kind="enterprise",
                                             id_number="91110000MA00000000", now=NOW)
        self.customer_id = customer["id"]
        self.projects = 0
        locations.create_location(self.arch, code="R1", name="一号档案室", now=NOW)

    def project(self, business="loan", ended_on="2026-09-30", a="zhang", b="wang"):
        self.projects += 1
        return customers.create_project(self.arch, code=f"P-{self.projects}", customer_id=self.customer_id,
                                        business=business, title="流动资金贷款", amount="800000",
                                        a_user=a, b_user=b, ended_on=ended_on, now=NOW)

    def draft(self, items=ITEMS, **kw):
        return handovers.create(self.a, self.project(**kw)["id"], items, now=NOW)

    def accepted(self, **kw):
        h = self.draft(**kw)
        handovers.submit(self.a, h["id"], now=NOW)
        return handovers.review(self.b, h["id"], "accept", now=NOW)

    def checks(self, view):
        return [{"item_id": i["id"], "pages": i["pages"]} for i in view["items"]]

    def received(self, **kw):
        h = self.accepted(**kw)
        return receipt.receive(self.arch, h["id"], self.checks(h), "R1", now=NOW)


