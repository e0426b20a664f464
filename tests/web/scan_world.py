"""A received archive file for the label and scan tests, built through the API, and helpers."""
import io
from pathlib import Path

from archive_service.db import database
from archive_service.models import AuditEntry

ITEMS = [{"part": 1, "title": "审批表", "pages": 2, "attachment": False, "contract": False},
         {"part": 2, "title": "借款合同", "pages": 8, "attachment": False, "contract": True},
         {"part": 3, "title": "调查报告", "pages": 12, "attachment": False, "contract": False},
         {"part": 4, "title": "营业执照", "pages": 1, "attachment": False, "contract": False}]
TOTAL_PAGES = 23


def rows(model, *where):
    with database.connection_context():
        return list(model.select().where(*where)) if where else list(model.select())


def audited(action):
    return [e for e in rows(AuditEntry) if e.action == action]


def stored_files(app):
    root = Path(app.config["SCANS_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, archive_no, data, filename="scan.pdf", item_id=None):
    form = {"file": (io.BytesIO(data), filename, "application/pdf")}
    if item_id is not None:
        form["item_id"] = str(item_id)
    return client.post(f"/archives/{archive_no}/scans", data=form, content_type="multipart/form-data")
