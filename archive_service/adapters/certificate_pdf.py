"""Printable certificate papers, in the style of the file's handover list: the certificate
handover list (three signatures), the release receipt (custodian and recipient sign) and the
stock-take report. An adapter: it gets plain views and returns PDF bytes."""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..domain.timeutil import minute_text
from .fonts import FONT_NAME as FONT
from .fonts import FONT_PATH, cjk_font
from .pdf_sheet import HEIGHT, MARGIN, ROW, WIDTH, Sheet

LIST_COLUMNS = ((0, "标签码"), (28 * mm, "类别"), (72 * mm, "权证名称"), (122 * mm, "权利人"), (162 * mm, "份数"))
LIST_SIGNERS = (("A", "列单人(A角)"), ("B", "核对人(B角)"), ("custodian", "核对入库(权证管理员)"))


class _Sheet(Sheet):
    """A page writer that moves down line by line and starts a new page when full."""

    def __init__(self, title, record_url, font_path=FONT_PATH):
        cjk_font(font_path)
        self.buffer = io.BytesIO()
        super().__init__(Canvas(self.buffer, pagesize=A4, initialFontName=FONT, initialFontSize=9), f"{title}(续)")
        self.c.setTitle(title)
        self.title, self.url = title, record_url

    def header(self, heading, *rows):
        self.text(0, heading, 15)
        self.qr(self.url)
        self.line(9 * mm)
        for row in rows:
            self.text(0, row)
            self.line()
        self.line(2 * mm)

    def table(self, columns, rows, chars=18, details=None):
        """One line per row; `details[n]`, when given, is printed whole on a second line under row n."""
        for x, title in columns:
            self.text(x, title, 9)
        self.c.line(MARGIN, self.y - 2, WIDTH - MARGIN, self.y - 2)
        self.line()
        for n, cells in enumerate(rows):
            for (x, _), value in zip(columns, cells, strict=True):
                self.text(x, str(value)[:chars], 8)
            if details:
                self.line(ROW * 0.7)
                self.text(28 * mm, details[n], 8)
            self.line()

    def signatures(self, blocks):
        """Boxes side by side: (title, signer line, time line, hash line)."""
        self.line(4 * mm)
        if self.y < MARGIN + 40 * mm:
            self.line(HEIGHT)
        width = (WIDTH - 2 * MARGIN) / len(blocks)
        top = self.y
        for n, lines in enumerate(blocks):
            x = n * width
            self.c.rect(MARGIN + x, top - 22 * mm, width - 3 * mm, 26 * mm, stroke=1, fill=0)
            for k, (value, size) in enumerate(zip(lines, (9, 9, 8, 7), strict=False)):
                self.y = top - k * 6 * mm
                self.text(x + 2 * mm, value, size)
        self.y = top - 30 * mm
        self.text(0, f"扫码查看记录:{self.url}", 7)

    def pdf(self):
        self.c.showPage()
        self.c.save()
        return self.buffer.getvalue()


def render_list(view, record_url, font_path=FONT_PATH):
    """The certificate handover list (R15): every certificate with name, number and quantity, and
    the A / B / custodian signatures with the content hash they signed."""
    project = view["project"]
    sheet = _Sheet(f"重要权证移交清单 {project['code']}", record_url, font_path)
    sheet.header("重要权证移交清单", f"项目编号:{project['code']}    项目:{project['title']}",
                 f"客户:{project['customer_name']}    A角:{project['a_user_name']}    B角:{project['b_user_name']}",
                 f"状态:{view['state_name']}    存放位置:{view['location'] or '(入库时填写)'}")
    certs = view["certificates"]
    sheet.table(LIST_COLUMNS, [(c["code"], c["kind"], c["name"], c["owner"], c["quantity"]) for c in certs],
                chars=16, details=[f"权证号:{c['number']}" for c in certs])
    sheet.text(0, f"合计:{len(view['certificates'])} 项,{view['total_quantity']} 份。"
                  "权证与档案资料分开移交,视同现金管理,存入保险柜单独保存。", 9)
    sheet.line()
    signed = {s["role"]: s for s in view["signatures"]}
    sheet.signatures([_signature_block(title, signed.get(role)) for role, title in LIST_SIGNERS])
    return sheet.pdf()


def _signature_block(title, sig):
    if sig is None:
        return (title, "签字:", "时间:", "")
    return (title, f"签字:{sig['display_name']}", f"时间:{minute_text(sig['signed_at'])}",
            f"摘要:{sig['content_hash'][:16]}")


def render_release(movement, record_url, font_path=FONT_PATH):
    """The release receipt (解押/退还回执): what was returned to whom, signed by both."""
    cert = movement["certificate"]
    sheet = _Sheet(f"权证退还回执 {cert['code']}", record_url, font_path)
    sheet.header("重要权证解押退还回执", f"项目编号:{cert['project_code']}    客户:{cert['customer_name']}",
                 f"权证:{cert['kind']} {cert['name']}", f"权证号:{cert['number']}    份数:{cert['quantity']}    "
                 f"标签码:{cert['code']}",
                 f"领取人:{movement['recipient']}    身份证号:{movement['recipient_id_number']}",
                 f"审批人:{movement['approved_by'] or ''}    审批意见:{movement['decision_note']}",
                 f"备注:{movement['note']}    状态:{movement['state_name']}")
    sheet.signatures([("经办(权证管理员)", f"签字:{movement['started_by']}",
                       f"时间:{minute_text(movement['started_at'])}", ""),
                      ("复核(第二人)", f"签字:{movement['confirmed_by'] or ''}",
                       f"时间:{minute_text(movement['confirmed_at'])}", ""),
                      ("领取人", "签字:", "日期:", "")])
    return sheet.pdf()


def render_stocktake(view, result_names, record_url, font_path=FONT_PATH):
    """The stock-take report: each expected or scanned certificate and what the count found,
    signed by the custodian who closed it with the hash of the result."""
    sheet = _Sheet(f"权证盘点报告 {view['id']}", record_url, font_path)
    result = view["result"]
    sheet.header("保险柜权证盘点报告", f"保险柜:{view['location_path']}    盘点编号:{view['id']}",
                 f"开始:{view['started_by']} {minute_text(view['started_at'])}    "
                 f"结束:{view['closed_by']} {minute_text(view['closed_at'])}",
                 "结果:" + ",".join(f"{name} {len(result[key])}" for key, name in result_names.items()))
    expected = {e["code"]: e for e in view["expected"]}
    scanned = {s["code"]: s for s in view["scans"]}
    rows = [(code, result_names[key], (expected.get(code) or {}).get("location") or "—",
             (scanned.get(code) or {}).get("location") or "—")
            for key in result_names for code in result[key]]
    sheet.table(((0, "标签码"), (40 * mm, "结果"), (70 * mm, "账面位置"), (110 * mm, "盘点位置")), rows)
    sheet.signatures([("盘点人(权证管理员)", f"签字:{view['closed_by']}", f"时间:{minute_text(view['closed_at'])}",
                       f"摘要:{(view['result_hash'] or '')[:16]}"),
                      ("监盘人", "签字:", "日期:", "")])
    return sheet.pdf()
