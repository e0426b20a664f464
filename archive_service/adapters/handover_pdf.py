"""The printable handover list (册内资料清单, R6): three copies for A角, B角 and 档案, every
item with its page count, totals, supplement rounds, three signature blocks and a QR code back
to the record. An adapter: it gets the plain view of a list and returns PDF bytes."""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..domain.timeutil import minute_text
from .fonts import FONT_NAME as FONT
from .fonts import FONT_PATH, cjk_font
from .pdf_sheet import HEIGHT, MARGIN, ROW, WIDTH, Sheet

COPIES = (("A", "A角联"), ("B", "B角联"), ("archivist", "档案联"))
SIGNERS = (("A", "移交人(A角)"), ("B", "审核移交人(B角)"), ("archivist", "接收人(档案管理员)"))
COLUMNS = ((0, "序号/编号"), (30 * mm, "部分"), (62 * mm, "资料名称"), (136 * mm, "页数"), (149 * mm, "合同"),
           (162 * mm, "附件"))
TITLE_CHARS = 22


def render(view, record_url, font_path=FONT_PATH):
    """PDF bytes: one copy per party, each starting on a new page."""
    cjk_font(font_path)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=FONT, initialFontSize=9)
    canvas.setTitle(f"移交清单 {view['project']['code']}")
    for _role, label in COPIES:
        _Copy(canvas, view, record_url, label).draw()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _Copy(Sheet):
    def __init__(self, canvas, view, record_url, label):
        super().__init__(canvas, f"移交清单(续) · {label}")
        self.view, self.url, self.label = view, record_url, label

    def draw(self):
        self._header()
        self._items()
        self._totals()
        self._supplements()
        self._signatures()

    def _header(self):
        project, view = self.view["project"], self.view
        self.text(0, "项目档案移交清单(册内资料清单)", 15)
        self.c.setFont(FONT, 11)
        self.c.drawRightString(WIDTH - MARGIN - 30 * mm, self.y, f"【{self.label}】")
        self.qr(self.url)
        self.line(9 * mm)
        self.text(0, f"项目编号:{project['code']}    项目:{project['title']}")
        self.line()
        self.text(0, f"客户:{project['customer_name']}    项目结束日:{project['ended_on']}    "
                     f"档号:{view.get('archive_no') or '(接收后编号)'}")
        self.line()
        dl = view["deadlines"]
        self.text(0, f"A角:{project['a_user_name']}    B角:{project['b_user_name']}    "
                     f"A→B 期限:{dl['a_to_b']['due']}    B→档案室期限:{dl['b_to_archive']['due']}    "
                     f"状态:{view['state_name']}")
        self.line(8 * mm)

    def _items(self):
        for x, title in COLUMNS:
            self.text(x, title, 9)
        self.c.line(MARGIN, self.y - 2, WIDTH - MARGIN, self.y - 2)
        self.line()
        numbered = bool(self.view.get("archive_no"))
        for n, item in enumerate(self.view["items"], 1):
            cells = (_number_cell(item, n, numbered), f"{item['part']} {item['part_name']}",
                     item["title"][:TITLE_CHARS], item["pages"], _contract_cell(item),
                     "附件" if item["attachment"] else "")
            for (x, _), value in zip(COLUMNS, cells, strict=True):
                self.text(x, value, 8 if x == 0 and numbered else 9)
            self.line()

    def _totals(self):
        totals = self.view["totals"]
        self.c.line(MARGIN, self.y + ROW - 2, WIDTH - MARGIN, self.y + ROW - 2)
        parts = ";".join(f"{p['name']} {p['items']} 项 {p['pages']} 页" for p in totals["parts"].values())
        self.text(0, f"分部合计:{parts}", 8)
        self.line()
        self.text(0, f"总计:{totals['items']} 项,{totals['pages']} 页(含封面及所有纸张),"
                     f"其中附件 {totals['attachments']} 项(附件不编号)", 10)
        self.line(8 * mm)

    def _supplements(self):
        for rnd in self.view["supplements"]:
            missing = ";".join(f"{m['title']}({m['reason']}{',' + m['outcome_name'] if m.get('outcome_name') else ''})"
                               for m in rnd["missing"])
            by = rnd.get("requested_by_name") or rnd["requested_by"]
            self.text(0, f"第 {rnd['round']} 轮补充资料清单({by} {minute_text(rnd['requested_at'])}):{missing}", 8)
            self.line()
            self.text(4 * mm, f"补齐时间:{minute_text(rnd['answered_at']) or '未补齐'}", 8)
            self.line()

    def _signatures(self):
        self.line(4 * mm)
        if self.y < MARGIN + 40 * mm:
            self.line(HEIGHT)
        latest = {}
        for sig in self.view["signatures"]:
            latest[sig["role"]] = sig
        width = (WIDTH - 2 * MARGIN) / 3
        top = self.y
        for n, (role, title) in enumerate(SIGNERS):
            x = n * width
            self.c.rect(MARGIN + x, top - 22 * mm, width - 3 * mm, 26 * mm, stroke=1, fill=0)
            self.y = top
            self.text(x + 2 * mm, title, 9)
            sig = latest.get(role)
            self.y = top - 7 * mm
            self.text(x + 2 * mm, f"签字:{sig['display_name']}" if sig else "签字:", 9)
            self.y = top - 13 * mm
            self.text(x + 2 * mm, f"时间:{minute_text(sig['signed_at'])}" if sig else "时间:", 8)
            self.y = top - 19 * mm
            self.text(x + 2 * mm, f"摘要:{sig['content_hash'][:16]}" if sig else "", 7)
        self.y = top - 30 * mm
        self.text(0, f"扫码查看记录:{self.url}", 7)


def _number_cell(item, position, numbered):
    """Before receipt: the running position. After: the item's number; attachments have none (R9)."""
    if not numbered:
        return str(position)
    return item.get("number") or "(附件不编号)"


def _contract_cell(item):
    if not item["contract"]:
        return ""
    return (item.get("contract_number") or "是").rsplit("-", 1)[-1]
