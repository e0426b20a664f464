"""R3/R23 with the certificate ledger (权证档案台帐): certificates are found by number, label or part
of their title or owner; the ledger exports; statistics count those in the safe by kind."""
import io

import openpyxl
import pytest

from archive_service.services.archive import locations
from archive_service.services.custody import certificate_lists
from archive_service.services.ledgers import search
from archive_service.services.reports import exports, stats
from tests.conftest import NOW

CERTS = [{"kind": "他项权证", "name": "不动产权证书", "number": "沪(2026)浦东字第012345号", "owner": "李四商贸有限公司",
          "quantity": 1},
         {"kind": "借款人财产权属证明", "name": "机动车登记证书", "number": "JDC-778899", "owner": "王小二",
          "quantity": 2}]


@pytest.fixture
def stored(world, make_actor):
    custodian = make_actor("chen", "custodian")
    locations.create_location(custodian, code="SAFE1", name="一号保险柜", safe=True, now=NOW)
    project = world.project()
    made = certificate_lists.create(world.a, project["id"], CERTS, now=NOW)
    checks = [{"certificate_id": c["id"], "name": c["name"], "number": c["number"], "quantity": c["quantity"]}
              for c in made["certificates"]]
    certificate_lists.confirm(world.b, made["id"], checks, now=NOW)
    certificate_lists.confirm(custodian, made["id"], checks, "SAFE1", now=NOW)
    return {"custodian": custodian, "list": made}


def found(actor, q):
    return [h["title"] for h in search.search(actor, q)["items"] if h["kind"] == "certificate"]


def test_r3_certificates_are_found_by_number_label_and_part_of_title_or_owner(world, stored):
    custodian = stored["custodian"]
    code = stored["list"]["certificates"][0]["code"]
    assert found(custodian, "JDC-778899") == [f"{stored['list']['certificates'][1]['code']} 机动车登记证书"]
    assert found(custodian, code.lower()) == [f"{code} 不动产权证书"]
    assert len(found(custodian, "产权")) == 1 and found(custodian, "王小") == [
        f"{stored['list']['certificates'][1]['code']} 机动车登记证书"]
    assert found(world.a, "王小") == []  # a manager does not see the certificate ledger


def test_r23_certificates_in_the_safe_by_kind(world, stored):
    counts = {r["kind_name"]: r["count"] for r in stats.figures(world.arch, 2026, now=NOW)["certificates_in_safe"]}
    assert counts == {"他项权证": 1, "借款人财产权属证明": 1}


def test_r3_certificate_ledger_exports_with_a_quantity_total(world, stored):
    table = exports.certificate_ledger(stored["custodian"], "xlsx", {"status": "in_safe"}, now=NOW)
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(table.chunks()))).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("标签码", "权证类别", "权证名称", "权证编号") and len(rows) == 4
    assert rows[-1][0] == "合计" and rows[-1][5] == 3


def test_r3_certificate_ledger_export_through_the_api(api, received):
    custodian = received["arch"]  # holds the custodian role too
    empty = custodian.get("/certificates.xlsx")
    assert empty.status_code == 422 and empty.get_json()["code"] == "export.empty"
    assert api("zhou", "manager").get("/certificates.csv").status_code == 403
