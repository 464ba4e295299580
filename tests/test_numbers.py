"""Vietnamese number format and quantities with units in running text."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.vietnamese import Quantity, find_quantities, parse_number


@pytest.mark.parametrize(
    "text, value",
    [
        ("1.234", 1234.0),
        ("3,5", 3.5),
        ("45,6", 45.6),
        ("1.234.567", 1234567.0),
        ("12", 12.0),
        ("2020", 2020.0),
        ("1,234", 1.234),  # a comma is always the decimal separator
        ("1.5", 1.5),  # a dot not followed by exactly three digits is a decimal point
        ("3.14159", 3.14159),
        ("0.123", 0.123),  # a zero group is not a thousands group
        ("1234.567", 1234.567),  # nor is a four-digit one
        ("1.234,5", 1234.5),
        ("1.234.567,89", 1234567.89),
        ("1,234.56", 1234.56),  # both separators: the last one is decimal
        ("1,234,567", 1234567.0),
        (" 326 ", 326.0),
        ("-5", -5.0),
        ("05", 5.0),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.23.4", "1..2", "1,2,3", "12,5.3", "1.234,5,6", "3,5%", "nan", "inf", "1 234"])
def test_parse_number_refuses_what_is_not_one_number(text):
    assert parse_number(text) is None


def q(text):
    return [(x.value, x.unit, x.raw) for x in find_quantities(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tổng kinh phí 3,5 tỷ đồng", [(3500.0, "triệu đồng", "3,5 tỷ đồng")]),
        ("hỗ trợ 287,5 triệu đồng", [(287.5, "triệu đồng", "287,5 triệu đồng")]),
        ("xử phạt 150.000.000 đồng", [(150.0, "triệu đồng", "150.000.000 đồng")]),
        ("ngân sách 1,2 tỷ cho mô hình", [(1200.0, "triệu đồng", "1,2 tỷ")]),
        ("mức 500 nghìn đồng/người", [(0.5, "triệu đồng", "500 nghìn đồng")]),
        ("phạt 2.500.000đ", [(2.5, "triệu đồng", "2.500.000đ")]),
        ("đạt 45,6%", [(45.6, "%", "45,6%")]),
        ("đạt 100 %", [(100.0, "%", "100 %")]),
        ("đạt 98 phần trăm", [(98.0, "%", "98 phần trăm")]),
        ("kiểm tra 326 lượt", [(326.0, "lượt", "326 lượt")]),
        ("326 lượt người", [(326.0, "lượt người", "326 lượt người")]),
        ("41 cơ sở", [(41.0, "cơ sở", "41 cơ sở")]),
        ("triệt phá 12 vụ", [(12.0, "vụ", "12 vụ")]),
        ("bắt 25 đối tượng", [(25.0, "đối tượng", "25 đối tượng")]),
        ("1.234 người", [(1234.0, "người", "1.234 người")]),
        ("12 VỤ", [(12.0, "vụ", "12 VỤ")]),
        ("in 2 nghìn tờ rơi", [(2000.0, "tờ rơi", "2 nghìn tờ rơi")]),
    ],
)
def test_find_quantities(text, expected):
    assert q(text) == expected


def test_offsets_point_at_the_raw_text():
    text = "Năm 2019 kiểm tra 1.234 lượt cơ sở, kinh phí 3,5 tỷ đồng."
    found = find_quantities(text)
    assert found == [
        Quantity(value=1234.0, unit="lượt cơ sở", raw="1.234 lượt cơ sở", start=18, end=34),
        Quantity(value=3500.0, unit="triệu đồng", raw="3,5 tỷ đồng", start=45, end=56),
    ]
    assert all(text[x.start:x.end] == x.raw for x in found)


@pytest.mark.parametrize(
    "text",
    [
        "giai đoạn 2016 - 2020",
        "Nghị định số 178/2004/NĐ-CP",
        "mục 1.5. Mô hình hỗ trợ",
        "năm 2020 người dân được tuyên truyền",
        "tỷ lệ 3 tỷ lệ",
        "ngày 15/7/2020",
        "12 vụng về",
    ],
)
def test_numbers_without_a_unit_are_not_quantities(text):
    assert find_quantities(text) == []


def test_several_quantities_in_order():
    text = "Đã kiểm tra 1.234 lượt, phát hiện 41 cơ sở vi phạm, phạt 287,5 triệu đồng; 45,6% xã đạt chuẩn."
    assert q(text) == [
        (1234.0, "lượt", "1.234 lượt"),
        (41.0, "cơ sở", "41 cơ sở"),
        (287.5, "triệu đồng", "287,5 triệu đồng"),
        (45.6, "%", "45,6%"),
    ]


def test_decomposed_text_is_read_as_nfc():
    import unicodedata

    assert q(unicodedata.normalize("NFD", "bắt 25 đối tượng")) == [(25.0, "đối tượng", "25 đối tượng")]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_number_never_raises(text):
    value = parse_number(text)
    assert value is None or isinstance(value, float)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789.,%- ") + ["tỷ", "triệu", "đồng", "đ", "lượt", "vụ", "năm", "lệ"])))
def test_find_quantities_never_raises_and_offsets_hold(pieces):
    text = "".join(pieces)
    for x in find_quantities(text):
        assert text[x.start:x.end] == x.raw
        assert isinstance(x.value, float)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_find_quantities_never_raises_on_any_text(text):
    assert isinstance(find_quantities(text), list)
