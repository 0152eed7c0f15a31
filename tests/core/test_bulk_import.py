"""Reading bureaus' spreadsheets (core.bulk_import.parsing): encodings, headers, cells."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.bulk_import import parsing
from core.bulk_import.registry import Column

COLUMNS = (
    Column("name", "机构名称", ("名称", "name"), required=True),
    Column("date", "成立日期", ("registration date",)),
)


@pytest.mark.parametrize(
    ("header", "key"),
    [("机构名称", "机构名称"), (" 机构 名称 ", "机构名称"), ("机构名称*", "机构名称"), ("机构名称（必填）", "机构名称"),
     ("成立日期（yyyy-mm-dd）", "成立日期"), ("ＮＡＭＥ", "name"), ("Registration Date:", "registrationdate")],
)  # fmt: skip
def test_headers_match_whatever_their_spaces_width_case_and_notes(header, key):
    assert parsing.header_key(header) == key


@pytest.mark.parametrize(
    ("value", "date"),
    [
        (datetime.datetime(2019, 3, 5, 0, 0), datetime.date(2019, 3, 5)),  # noqa: DTZ001  (as openpyxl gives it)
        (43529, datetime.date(2019, 3, 5)),  # an Excel serial day
        ("43529", datetime.date(2019, 3, 5)),
        ("2019-03-05", datetime.date(2019, 3, 5)),
        ("2019/3/5", datetime.date(2019, 3, 5)),
        ("2019.3.5", datetime.date(2019, 3, 5)),
        ("2019年3月5日", datetime.date(2019, 3, 5)),
        ("２０１９年３月５日", datetime.date(2019, 3, 5)),
        ("20190305", datetime.date(2019, 3, 5)),
        ("2019-03-05 00:00:00", datetime.date(2019, 3, 5)),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_excel_and_people_write_them(value, date):
    assert parsing.parse_date(value) == date


@pytest.mark.parametrize("value", ["2019-02-30", "去年", "3/5"])
def test_what_is_not_a_date_is_refused(value):
    with pytest.raises(ValueError):
        parsing.parse_date(value)


def test_text_cells_lose_stray_and_invisible_spaces_but_keep_their_punctuation():
    assert parsing.clean_text("\u3000吴中区（木渎）\u200b  调解中心 \ufeff") == "吴中区（木渎） 调解中心"
    assert parsing.clean_text(13800001111.0) == "13800001111"
    assert parsing.match_key("吴中区（木渎） 调解中心") == parsing.match_key("吴中区(木渎)调解中心")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_in_the_encodings_chinese_offices_save(encoding):
    data = "机构名称,成立日期\n吴中区𠀀法律服务中心,2019-03-05\n".encode(encoding)
    assert parsing.read_csv(data) == [["机构名称", "成立日期"], ["吴中区𠀀法律服务中心", "2019-03-05"]]


def test_a_semicolon_or_tab_separated_file_is_read_too():
    assert parsing.read_csv("机构名称\t成立日期\n甲\t2019-03-05\n".encode("gb18030"))[1] == ["甲", "2019-03-05"]


def test_the_header_row_is_found_under_a_title_and_blank_rows_are_dropped():
    table = [
        ["2026年社会组织名录"],
        [],
        ["序号", "机构名称", "Registration date"],
        [1, " 甲 ", "2020-01-01"],
        [None, None],
        [2, "乙"],
    ]
    rows, notes = parsing.parse_rows(table, COLUMNS, max_rows=10)
    assert [(row.number, row.cells) for row in rows] == [
        (4, {"name": "甲", "date": "2020-01-01"}),
        (6, {"name": "乙", "date": None}),
    ]
    assert notes == ["The column headers were found in row 3.", "Columns not imported: 序号."]


def test_a_file_without_the_required_column_or_with_too_many_rows_is_refused():
    with pytest.raises(ValidationError, match="No header row was found in the first 10 rows"):
        parsing.parse_rows([["序号", "地址"], [1, "x"]], COLUMNS, max_rows=10)
    with pytest.raises(ValidationError, match="The file has 3 rows; at most 2 can be imported at once"):
        parsing.parse_rows([["机构名称"], ["甲"], ["乙"], ["丙"]], COLUMNS, max_rows=2)
    with pytest.raises(ValidationError, match="no rows under it"):
        parsing.parse_rows([["机构名称"], [""]], COLUMNS, max_rows=2)


def test_an_unreadable_workbook_is_refused_with_a_message():
    with pytest.raises(ValidationError, match="could not be read"):
        parsing.read_xlsx(b"PK\x03\x04not really a zip")
