"""Spreadsheets for the import tests, built in memory."""
import csv
import io
from datetime import date

import openpyxl

LEDGER_HEADER = ["档号", "客户名称", "项目名称", "业务类型", "接收日期", "存放位置", "页数"]
GOOD = [["XD-2018-0011", "刘一", "个人经营贷", "小贷", date(2018, 3, 9), "R1", 40],
        ["XD-2018-0012", "刘二商贸有限公司", "流动资金贷", "小贷", date(2018, 4, 2), "R1", 35]]


def xlsx(rows, header=LEDGER_HEADER, title=None):
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, header=LEDGER_HEADER, encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)
