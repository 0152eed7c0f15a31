"""Spreadsheets as bureaus keep them, for the bulk import's tests (and the sample files here).

`organisations-sample.xlsx` and `organisations-gb18030.csv` in this folder are written by
`python -m tests.data.bulk_import.samples` from ROWS below.
"""

import csv
import datetime
import io
from pathlib import Path

from core.identifiers import check_character

HERE = Path(__file__).resolve().parent


def uscc(prefix: str, serial: int) -> str:
    body = f"{prefix}320506MJ{serial:07d}"[:17]
    return body + check_character(body)


TITLE = "2026年吴中区社会组织名录（法律服务类）"
HEADER = [
    "序号",
    "机构名称",
    "统一社会信用代码",
    "登记机关",
    "成立日期",
    "所在区县/街道",
    "联系人",
    "联系电话",
    "地址",
    "业务范围",
]

GOOD_USCC = uscc("52", 1201)
EXCEL_DATE = datetime.datetime(2019, 3, 5)  # noqa: DTZ001  (Excel has no time zones)
ROWS = [
    # 1: fine (Excel date (naive: Excel has no time zones), full-width spaces around the name, code with spaces)
    [1, "\u3000木渎镇邻里调解服务中心 ", GOOD_USCC[:6] + " " + GOOD_USCC[6:], "苏州市吴中区民政局",
     EXCEL_DATE, "吴中区/木渎镇", "李华", "０５１２－６６６６８８８８", "木渎镇中山东路1号", "邻里纠纷调解"],
    # 2: fine (text date, district and town glued, a social group)
    [2, "吴中区长桥街道法律援助志愿者协会", uscc("51", 1202), "苏州市吴中区民政局", "2021年6月1日", "吴中区长桥街道",
     "王芳", "13800001111", "长桥街道龙西路8号", "法律援助、普法宣传"],
    # 3: bad code (check character)
    [3, "吴中区公益法律服务社", GOOD_USCC[:17] + ("0" if GOOD_USCC[17] != "0" else "1"), "苏州市吴中区民政局",
     "2020-01-10", "吴中区", "赵强", "13900002222", "", "法律咨询"],
    # 4: the same code as row 1
    [4, "木渎镇调解中心（分部）", GOOD_USCC, "苏州市吴中区民政局", "2020-02-02", "吴中区/木渎镇", "", "", "", ""],
    # 5: unknown area
    [5, "火星区法律服务中心", uscc("52", 1205), "民政局", "2022/5/6", "火星区", "", "", "", ""],
    # 6: no name
    [6, "", uscc("52", 1206), "民政局", "2022-05-06", "吴中区", "", "", "", ""],
    # 7: a community group (no code), filed with the street office
    [7, "香溪社区调解志愿队", "", "长桥街道办事处", "", "吴中区/木渎镇", "陈静", "13700003333", "", "社区调解"],
]  # fmt: skip
EXISTING_NAME = "吴中区阳光法律服务中心"


def xlsx_bytes(rows=ROWS, header=HEADER, title=TITLE) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows=ROWS, header=HEADER, encoding="gb18030") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell.strftime("%Y/%m/%d") if isinstance(cell, datetime.date) else cell for cell in row])
    return buffer.getvalue().encode(encoding)


if __name__ == "__main__":
    (HERE / "organisations-sample.xlsx").write_bytes(xlsx_bytes())
    (HERE / "organisations-gb18030.csv").write_bytes(csv_bytes())
