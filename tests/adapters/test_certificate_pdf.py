"""The certificate papers read back: the list with each number whole and the three signature
blocks (R15), the release receipt with the masked ID number, the stock-take report's verdicts."""
import io

from pypdf import PdfReader

from archive_service.adapters import certificate_pdf

NUMBER = "沪(2026)浦东新区不动产证明第0000001号"
SIG = {"display_name": "张经理", "signed_at": "2026-10-09T10:00:00+08:00", "content_hash": "ab" * 32}
CERT = {"code": "QZ-2026-000001", "kind": "他项权证", "name": "不动产登记证明", "owner": "李四", "quantity": 2,
        "number": NUMBER, "project_code": "P-1", "customer_name": "李四商贸有限公司"}


def text_of(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_r15_the_list_prints_every_number_whole_and_three_signature_blocks():
    view = {"project": {"code": "P-1", "title": "流动资金贷款", "customer_name": "李四商贸有限公司",
                        "a_user_name": "张经理", "b_user_name": "王经理"},
            "state_name": "待B角核对", "location": None, "certificates": [CERT] * 40, "total_quantity": 80,
            "signatures": [{"role": "A", **SIG}]}
    data = certificate_pdf.render_list(view, "http://archive/certificate-handovers/1")
    text = text_of(data)
    assert text.count(NUMBER) == 40 and "合计:40 项,80 份" in text
    assert "列单人(A角)" in text and "核对人(B角)" in text and "核对入库(权证管理员)" in text
    assert "签字:张经理" in text and "摘要:abababababababab" in text
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) > 1 and "列单人(A角)" in pages[-1].extract_text()  # 40 certificates run on; signed at the end


def test_r15_the_release_receipt_names_the_recipient_with_the_masked_id_number():
    move = {"certificate": CERT, "recipient": "李四", "recipient_id_number": "3101**********0000",
            "approved_by": "赵审批", "decision_note": "同意", "note": "结清", "state_name": "已完成",
            "started_by": "陈权证", "started_at": SIG["signed_at"], "confirmed_by": "刘权证",
            "confirmed_at": SIG["signed_at"]}
    text = text_of(certificate_pdf.render_release(move, "http://archive/x"))
    assert "领取人:李四" in text and "3101**********0000" in text and NUMBER in text
    assert "签字:刘权证" in text


def test_r16_the_stocktake_report_lists_each_verdict_and_the_signature():
    names = {"found": "在位", "missing": "缺失", "misplaced": "错位", "unexpected": "账外", "on_loan": "借出"}
    view = {"id": 3, "location_path": "S9", "started_by": "陈权证", "started_at": SIG["signed_at"],
            "closed_by": "陈权证", "closed_at": SIG["signed_at"], "result_hash": "cd" * 32,
            "result": {"found": [], "missing": ["QZ-2026-000001"], "misplaced": ["QZ-2026-000002"],
                       "unexpected": [], "on_loan": []},
            "expected": [{"code": "QZ-2026-000001", "location": "S9-A"},
                         {"code": "QZ-2026-000002", "location": "S9-A"}],
            "scans": [{"code": "QZ-2026-000002", "location": "S9-B"}]}
    text = text_of(certificate_pdf.render_stocktake(view, names, "http://archive/stocktakes/3"))
    assert "缺失 1" in text and "错位 1" in text
    assert "QZ-2026-000002\n错位\nS9-A\nS9-B" in text and "QZ-2026-000001\n缺失\nS9-A\n—" in text
    assert "摘要:cdcdcdcdcdcdcdcd" in text
