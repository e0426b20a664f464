"""Printable lists that people sign (in the style of the handover list): the departure transfer
list (交接清单, R21) and the destruction list (销毁清单, R23). An adapter: it gets the plain view
and returns PDF bytes, with a QR code back to the record."""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..domain.timeutil import minute_text
from .fonts import FONT_NAME as FONT
from .fonts import FONT_PATH, cjk_font
from .pdf_sheet import HEIGHT, MARGIN, ROW, WIDTH, Sheet

CELL_CHARS = 40


def transfer_list(view, record_url, font_path=FONT_PATH):
    """The transfer list: every item handed over, signed by the leaver, the successor and the admin."""
    header = [f"交接编号:{view['id']}    交接时间:{minute_text(view['done_at'])}",
              f"移交人(离职/调岗):{view['leaver_name']}({view['leaver']})    "
              f"接办人:{view['successor_name']}({view['successor']})",
              f"经办管理员:{view['done_by_name']}({view['done_by']})    备注:{view['note'] or '无'}"]
    columns = ((0, "序号"), (14 * mm, "类别"), (44 * mm, "编号"), (80 * mm, "内容"))
    rows = [(str(n), i["kind_name"][:8], i["ref"], i["summary"]) for n, i in enumerate(view["items"], 1)]
    signers = (("移交人", view["leaver_name"]), ("接办人", view["successor_name"]),
               ("监交人(管理员)", view["done_by_name"]))
    footer = f"共 {len(rows)} 项。经办或保管的档案资料已全部交接清楚,不得擅自带走或销毁(R21)。"
    return _render(f"离职交接清单 {view['leaver_name']}", "档案资料交接清单", header, columns, rows, footer,
                   signers, record_url, font_path)


def destruction_list(view, record_url, font_path=FONT_PATH):
    """The destruction list: the files, their periods, the approval, signed by those who destroy."""
    header = [f"销毁清单编号:{view['id']}    状态:{view['state_name']}    事由:{view['reason']}",
              f"编制:{view['created_by_name']} {minute_text(view['created_at'])}    "
              f"审批:{view['decided_by_name'] or '未审批'} {minute_text(view['decided_at'])} {view['note']}",
              f"扫描件:{'随档案一并删除' if view['remove_scans'] else '保留'}    "
              f"销毁:{view['destroyed_by_name'] or '未销毁'} {minute_text(view['destroyed_at'])}"]
    columns = ((0, "序号"), (14 * mm, "档号"), (58 * mm, "年度"), (72 * mm, "保管期限"), (94 * mm, "期满日"),
               (118 * mm, "项目 / 客户"))
    rows = [(str(n), e["archive_no"], str(e["year"]), e["retention_name"], e["period_end"] or "",
             f"{e['project_code']} {e['customer_name']}") for n, e in enumerate(view["entries"], 1)]
    signers = (("经办人(档案管理员)", view["created_by_name"]), ("审批人", view["decided_by_name"] or ""),
               ("监销人", ""))
    footer = f"共 {len(rows)} 卷。销毁后档号与台帐记录保留,状态为「已销毁」(R23)。"
    return _render(f"档案销毁清单 {view['id']}", "档案销毁清单", header, columns, rows, footer, signers,
                   record_url, font_path)


def _render(doc_title, heading, header, columns, rows, footer, signers, record_url, font_path):
    cjk_font(font_path)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=FONT, initialFontSize=9)
    canvas.setTitle(doc_title)
    page = _Page(canvas, heading)
    page.header(header, record_url)
    page.table(columns, rows)
    page.text(0, footer, 9)
    page.line(8 * mm)
    page.signatures(signers, record_url)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _Page(Sheet):
    def __init__(self, canvas, heading):
        super().__init__(canvas, f"{heading}(续)")
        self.heading = heading

    def header(self, lines, url):
        self.text(0, self.heading, 15)
        self.qr(url, 22 * mm)
        self.line(9 * mm)
        for text in lines:
            self.text(0, text)
            self.line()
        self.line(2 * mm)

    def table(self, columns, rows):
        for x, title in columns:
            self.text(x, title, 9)
        self.c.line(MARGIN, self.y - 2, WIDTH - MARGIN, self.y - 2)
        self.line()
        for cells in rows:
            for (x, _), value in zip(columns, cells, strict=True):
                self.text(x, str(value)[:CELL_CHARS], 8)
            self.line()
        self.c.line(MARGIN, self.y + ROW - 2, WIDTH - MARGIN, self.y + ROW - 2)

    def signatures(self, signers, url):
        if self.y < MARGIN + 40 * mm:
            self.line(HEIGHT)
        width = (WIDTH - 2 * MARGIN) / len(signers)
        top = self.y
        for n, (title, name) in enumerate(signers):
            x = n * width
            self.c.rect(MARGIN + x, top - 22 * mm, width - 3 * mm, 26 * mm, stroke=1, fill=0)
            self.y = top
            self.text(x + 2 * mm, title, 9)
            self.y = top - 8 * mm
            self.text(x + 2 * mm, f"姓名:{name}", 9)
            self.y = top - 15 * mm
            self.text(x + 2 * mm, "签字:", 9)
            self.y = top - 20 * mm
            self.text(x + 2 * mm, "日期:", 8)
        self.y = top - 30 * mm
        self.text(0, f"扫码查看记录:{url}", 7)
