"""Layout: numbering labels, roles of an administrative report, headings, levels and heading paths."""
from __future__ import annotations

import pytest

from pipeline.layout import apply_layout, drop_blank, fold, number_rank, split_number
from pipeline.model import (
    ADDRESSEE, BODY, HEADER, HEADING, LIST_ITEM, PARAGRAPH, RECIPIENTS, SIGNATURE, TABLE, TITLE, Block,
)


@pytest.mark.parametrize("text, label, rest", [
    ("I. KẾT QUẢ ĐẠT ĐƯỢC", "I.", "KẾT QUẢ ĐẠT ĐƯỢC"),
    ("IV. Phương hướng 2021 - 2025", "IV.", "Phương hướng 2021 - 2025"),
    ("1. Công tác chỉ đạo", "1.", "Công tác chỉ đạo"),
    ("1.1. Ban hành văn bản", "1.1.", "Ban hành văn bản"),
    ("2.3 Kiểm tra", "2.3", "Kiểm tra"),
    ("1.Công tác tuyên truyền", "1.", "Công tác tuyên truyền"),
    ("a) Tuyên truyền trên báo", "a)", "Tuyên truyền trên báo"),
    ("đ) Hợp tác quốc tế", "đ)", "Hợp tác quốc tế"),
    ("- Đề nghị Bộ sửa đổi", "-", "Đề nghị Bộ sửa đổi"),
    ("+ Các sở, ngành", "+", "Các sở, ngành"),
    ("• Tổ chức hội nghị", "•", "Tổ chức hội nghị"),
    ("-Tỉnh đã ban hành", "-", "Tỉnh đã ban hành"),
    ("Phần I. TÌNH HÌNH CHUNG", "Phần I.", "TÌNH HÌNH CHUNG"),
    ("A. PHẦN MỞ ĐẦU", "A.", "PHẦN MỞ ĐẦU"),
    ("1) Kiểm tra 1.234 lượt", "1)", "Kiểm tra 1.234 lượt"),
    ("1.234 lượt cơ sở được kiểm tra", None, "1.234 lượt cơ sở được kiểm tra"),
    ("2020 là năm cuối của Chương trình", None, "2020 là năm cuối của Chương trình"),
    ("15 cơ sở bị xử phạt", None, "15 cơ sở bị xử phạt"),
    ("15.7.2020 tỉnh tổ chức hội nghị", None, "15.7.2020 tỉnh tổ chức hội nghị"),
    ("Ủy ban nhân dân tỉnh", None, "Ủy ban nhân dân tỉnh"),
    ("I.", None, "I."),
])
def test_typed_numbering_labels(text, label, rest):
    assert split_number(text) == (label, rest)


def test_ranks_follow_the_decree_30_outline():
    labels = ["Phần I.", "A.", "I.", "1.", "1.1.", "1.1.1.", "1)", "a)", "-", "+"]
    ranks = [number_rank(label) for label in labels]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert number_rank("•") == number_rank("-") and number_rank(None) is None


def test_fold_drops_diacritics_and_cases():
    assert fold("Nơi nhận: Đắk Lắk, Thừa Thiên Huế") == "NOI NHAN: DAK LAK, THUA THIEN HUE"
    assert fold("Kính gửi: Bộ", 4) == "KINH"


def _blocks(*specs):
    return [Block(kind=kind, text=text, number=number, style=style, rows=rows)
            for kind, text, number, style, rows in specs]


def _p(text, number=None, style=None):
    return (PARAGRAPH, text, number, style, None)


REPORT = [
    _p("UBND TỈNH QUẢNG NAM"), _p("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"), _p("Số: 88/BC-SLĐTBXH"),
    _p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _p("Độc lập - Tự do - Hạnh phúc"),
    _p("Quảng Nam, ngày 20 tháng 8 năm 2020"),
    _p("BÁO CÁO"), _p("Kết quả thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020"),
    _p("Kính gửi:"), _p("- Cục Phòng, chống tệ nạn xã hội;"), _p("- Ủy ban nhân dân tỉnh."),
    _p("Sở Lao động - Thương binh và Xã hội báo cáo kết quả như sau:"),
    _p("I. KẾT QUẢ ĐẠT ĐƯỢC"),                                     # 12 bold
    _p("1. Công tác chỉ đạo"),                                       # 13 bold
    _p("Sở đã tham mưu ban hành 5 kế hoạch."),                        # 14
    _p("- Kế hoạch số 12/KH-UBND năm 2016;"),                         # 15
    _p("+ Hướng dẫn của Sở năm 2017;"),                               # 16
    _p("- Kế hoạch số 20/KH-UBND năm 2018."),                         # 17
    _p("2. Kiểm tra, xử lý"),                                         # 18 bold
    _p("1. Kiểm tra 320 lượt cơ sở kinh doanh dịch vụ nhạy cảm trên địa bàn các huyện."),  # 19 a list
    _p("2. Xử phạt 12 cơ sở vi phạm."),                               # 20
    (TABLE, "", None, None, [["Năm", "Lượt"], ["2020", "70"]]),       # 21
    _p("a) Tồn tại"),                                                 # 22 bold
    _p("Kinh phí còn hạn chế."),                                      # 23
    _p("Phương hướng", style="Heading 1"),                            # 24
    _p("Tiếp tục kiểm tra thường xuyên."),                            # 25
    _p("Nơi nhận:"), _p("- Như trên;"), _p("- Lưu: VT, PCTNXH."),
    _p("KT. GIÁM ĐỐC"), _p("PHÓ GIÁM ĐỐC"), _p("Trần Văn Bình"),
    _p("PHỤ LỤC"),                                                    # 32 bold
    (TABLE, "", None, None, [["Huyện", "Số cơ sở"], ["Hội An", "40"]]),
]
BOLD = {12, 13, 18, 22, 32}


@pytest.fixture()
def laid_out():
    return apply_layout(_blocks(*REPORT), BOLD)


def test_roles_of_an_administrative_report(laid_out):
    roles = [b.role for b in laid_out]
    assert roles[:6] == [HEADER] * 6
    assert roles[6:8] == [TITLE, TITLE]
    assert roles[8:11] == [ADDRESSEE] * 3
    assert roles[11:26] == [BODY] * 15
    assert roles[26:29] == [RECIPIENTS] * 3
    assert roles[29:32] == [SIGNATURE] * 3
    assert roles[32:] == [BODY, BODY]  # an appendix after the signature is body again


def test_kinds_levels_and_heading_paths(laid_out):
    summary = [(b.kind, b.number, b.text, b.level, b.heading_path) for b in laid_out[11:26]]
    top, direction, checks = "I. KẾT QUẢ ĐẠT ĐƯỢC", "1. Công tác chỉ đạo", "2. Kiểm tra, xử lý"
    assert summary == [
        (PARAGRAPH, None, "Sở Lao động - Thương binh và Xã hội báo cáo kết quả như sau:", None, []),
        (HEADING, "I.", "KẾT QUẢ ĐẠT ĐƯỢC", 1, []),
        (HEADING, "1.", "Công tác chỉ đạo", 2, [top]),
        (PARAGRAPH, None, "Sở đã tham mưu ban hành 5 kế hoạch.", None, [top, direction]),
        (LIST_ITEM, "-", "Kế hoạch số 12/KH-UBND năm 2016;", 3, [top, direction]),
        (LIST_ITEM, "+", "Hướng dẫn của Sở năm 2017;", 4, [top, direction]),
        (LIST_ITEM, "-", "Kế hoạch số 20/KH-UBND năm 2018.", 3, [top, direction]),
        (HEADING, "2.", "Kiểm tra, xử lý", 2, [top]),
        # a numbered list under a numbered heading does not close that heading
        (LIST_ITEM, "1.", "Kiểm tra 320 lượt cơ sở kinh doanh dịch vụ nhạy cảm trên địa bàn các huyện.", 3,
         [top, checks]),
        (LIST_ITEM, "2.", "Xử phạt 12 cơ sở vi phạm.", 3, [top, checks]),
        (TABLE, None, "", None, [top, checks]),
        (HEADING, "a)", "Tồn tại", 3, [top, checks]),
        (PARAGRAPH, None, "Kinh phí còn hạn chế.", None, [top, checks, "a) Tồn tại"]),
        (HEADING, None, "Phương hướng", 1, []),  # Heading 1 style closes "I."
        (PARAGRAPH, None, "Tiếp tục kiểm tra thường xuyên.", None, ["Phương hướng"]),
    ]
    assert [b.index for b in laid_out] == list(range(len(REPORT)))
    assert laid_out[32].kind == HEADING and laid_out[33].heading_path == ["PHỤ LỤC"]
    assert all(b.heading_path == [] and b.level is None for b in laid_out if b.role != BODY)


def test_without_bold_information_short_numbered_lines_are_headings():
    blocks = apply_layout(_blocks(
        _p("1. Công tác tuyên truyền"),
        _p("- Tổ chức 20 hội nghị"),
        _p("2. Tỉnh đã tổ chức 150 hội nghị tuyên truyền cho 18.500 lượt người tham dự."),
        _p("a) Phối hợp liên ngành"),
    ), bold=None)
    assert [b.kind for b in blocks] == [HEADING, LIST_ITEM, LIST_ITEM, HEADING]
    assert blocks[3].heading_path == ["1. Công tác tuyên truyền"]


def test_with_bold_information_plain_numbered_lines_stay_list_items():
    blocks = apply_layout(_blocks(_p("1. Công tác tuyên truyền"), _p("II. TỒN TẠI")), bold=set())
    assert [b.kind for b in blocks] == [LIST_ITEM, HEADING]  # a roman label is a heading even when plain


def test_title_without_header_and_recipients_on_one_line():
    blocks = apply_layout(_blocks(
        _p("BÁO CÁO TỔNG KẾT 05 NĂM"), _p("Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở báo cáo như sau:"),
        _p("Nơi nhận: - Như trên; - Lưu VT."), _p("GIÁM ĐỐC"), _p("Nguyễn Thị Lan"),
    ))
    assert [b.role for b in blocks] == [TITLE, BODY, RECIPIENTS, SIGNATURE, SIGNATURE]


def test_a_report_without_any_header_is_all_body():
    blocks = apply_layout(_blocks(_p("Năm 2020 tỉnh kiểm tra 70 cơ sở."), _p("Kinh phí còn thiếu.")))
    assert [b.role for b in blocks] == [BODY, BODY]
    assert [b.heading_path for b in blocks] == [[], []]


def test_drop_blank_removes_separator_rules_and_empty_tables():
    blocks = _blocks(_p("_______"), _p("---***---"), _p("Nội dung"), (TABLE, "", None, None, [["", " "]]),
                     (TABLE, "", None, None, [["1", ""]]))
    assert [(b.kind, b.text) for b in drop_blank(blocks)] == [(PARAGRAPH, "Nội dung"), (TABLE, "")]
