"""Key figures: read from sentences and statistics tables, chosen per province, summed, checked."""
import pytest

from pipeline.figures import (TextSentence, format_number, national_totals, read_text, summarise, table_figures,
                              text_figures)
from pipeline.model import Block, Document, Figure, Metadata, Source


def sentence(text, province="Nghệ An", finding="ket_qua", shared=False, paragraph=7):
    return TextSentence(text, province, finding, Source(province, "bao-cao.docx", 3, paragraph, text), shared)


def read(text, **kw):
    return [(f.key, f.value, f.year) for f in text_figures([sentence(text, **kw)])]


@pytest.mark.parametrize("text, expected", [
    ("Giai đoạn 2016 - 2020, các đoàn kiểm tra liên ngành đã kiểm tra 1.234 lượt cơ sở kinh doanh dịch vụ, "
     "phát hiện 141 cơ sở vi phạm, xử phạt hành chính tổng số tiền 787,5 triệu đồng.",
     [("establishments_inspected", 1234.0, None), ("violations", 141.0, None), ("fines", 787.5, None)]),
    ("Trong 05 năm, lực lượng liên ngành tiến hành 980 lượt kiểm tra đối với các cơ sở lưu trú; qua đó xử lý "
     "56 cơ sở có sai phạm, nộp ngân sách 310 triệu đồng tiền phạt.",
     [("establishments_inspected", 980.0, None), ("violations", 56.0, None), ("fines", 310.0, None)]),
    ("Lực lượng Công an tỉnh triệt phá các ổ nhóm chứa mại dâm, khởi tố 23 vụ, 41 bị can.",
     [("cases_prosecuted", 23.0, None), ("defendants", 41.0, None)]),
    ("Thông qua các mô hình hỗ trợ, tổng số 456 lượt người bán dâm đã được tư vấn, khám chữa bệnh.",
     [("people_supported", 456.0, None)]),
    ("Kinh phí thực hiện Chương trình cả giai đoạn đạt 3,5 tỷ đồng, chủ yếu từ ngân sách địa phương.",
     [("budget", 3500.0, None)]),
    ("Năm 2019, các ngành tổ chức 120 buổi tuyên truyền và 14 đoàn kiểm tra liên ngành.",
     [("communication_events", 120.0, 2019), ("inspections", 14.0, 2019)]),
    # a count without the cue of any key is nobody's figure
    ("Lực lượng Công an đã triệt phá 37 vụ, bắt 92 đối tượng liên quan đến hoạt động mại dâm.", []),
    # per person, on average, a plan for the next period: not a total of the period
    ("Mỗi phụ nữ trở về được trợ cấp ban đầu mỗi người 3 triệu đồng.", []),
    ("Kinh phí hoạt động bình quân chỉ khoảng 30 triệu đồng/năm.", []),
    ("Đề án giai đoạn 2021 - 2025 có tổng kinh phí dự kiến 18,6 tỷ đồng.", []),
])
def test_text_figures_read_each_key_with_its_unit(text, expected):
    assert read(text) == expected


def test_proposals_are_targets_not_results():
    text = "Đề nghị bố trí kinh phí 500 triệu đồng để kiểm tra 300 lượt cơ sở."
    assert read(text, finding="de_xuat") == []
    assert read(text) == [("budget", 500.0, None), ("establishments_inspected", 300.0, None)]


def table_doc(rows, province="Đà Nẵng"):
    return Document(source="/in/da-nang.docx", sha256="d" * 64, format="docx", metadata=Metadata(province=province),
                    blocks=[Block("paragraph", "Biểu 01", index=40, page=9),
                            Block("table", "", index=41, page=9, rows=rows)])


STATS = [["Năm", "Số lượt cơ sở được kiểm tra", "Tiền xử phạt (triệu đồng)", "Kinh phí (tỷ đồng)"],
         ["2016", "100", "20,5", "1,2"],
         ["2017", "110", "30", "1,3"],
         ["2018", "120", "-", "1,5"],
         ["2019", "130", "40", "1"],
         ["2020", "140", "50", "2"],
         ["Tổng cộng", "600", "140,5", "7"]]


def test_table_rows_per_year_and_total_with_units_scaled():
    figures = table_figures(table_doc(STATS), "Đà Nẵng")
    got = [(f.key, f.year, f.value) for f in figures]
    assert got[:3] == [("establishments_inspected", 2016, 100.0), ("establishments_inspected", 2017, 110.0),
                       ("establishments_inspected", 2018, 120.0)]
    assert ("establishments_inspected", None, 600.0) in got
    assert ("fines", 2018, 0.0) in got and ("fines", None, 140.5) in got
    assert ("budget", 2016, 1200.0) in got and ("budget", None, 7000.0) in got  # tỷ đồng -> triệu đồng
    total = next(f for f in figures if f.key == "budget" and f.year is None)
    assert total.source == Source("Đà Nẵng", "da-nang.docx", 9, 0,
                                  "Biểu thống kê, dòng «Tổng cộng», cột «Kinh phí (tỷ đồng)»: 7")


def test_transposed_table_reads_years_across():
    rows = [["Nội dung", "2016", "2017", "2018", "2019", "2020", "Cộng"],
            ["Số vụ khởi tố", "1", "2", "3", "4", "5", "15"],
            ["Số lượt người được hỗ trợ", "10", "20", "30", "40", "50", "150"]]
    got = {(f.key, f.year): f.value for f in table_figures(table_doc(rows), "Đà Nẵng")}
    assert got[("cases_prosecuted", None)] == 15.0 and got[("cases_prosecuted", 2018)] == 3.0
    assert got[("people_supported", None)] == 150.0


def test_table_total_is_preferred_and_a_total_that_does_not_add_up_is_flagged():
    rows = [r[:] for r in STATS]
    rows[-1][1] = "650"  # the years add up to 600
    text = sentence("Giai đoạn 2016 - 2020, đã kiểm tra 600 lượt cơ sở kinh doanh dịch vụ.", "Đà Nẵng")
    summary = summarise([text], {"Đà Nẵng": table_doc(rows)})
    assert summary.chosen["Đà Nẵng"]["establishments_inspected"].value == 650.0
    assert summary.chosen["Đà Nẵng"]["fines"].value == 140.5
    assert ("Đà Nẵng", "establishments_inspected") in summary.flagged
    assert summary.warnings == [
        "Đà Nẵng — Số lượt cơ sở được kiểm tra: dòng tổng cộng của biểu (650) khác tổng các năm (600); "
        "dùng số tổng cộng của biểu (da-nang.docx, trang 9).",
        "Đà Nẵng — Số lượt cơ sở được kiểm tra: số liệu trong văn bản (600, bao-cao.docx, trang 3, đoạn 7) "
        "khác số liệu trong biểu (650); dùng số liệu trong biểu.",
    ]


def test_years_without_a_total_row_are_summed():
    rows = [r for r in STATS if r[0] != "Tổng cộng"]
    summary = summarise([], {"Đà Nẵng": table_doc(rows)})
    chosen = summary.chosen["Đà Nẵng"]["establishments_inspected"]
    assert (chosen.value, chosen.year) == (600.0, None)
    assert chosen.source.excerpt == "Biểu thống kê: cộng các năm 2016, 2017, 2018, 2019, 2020"
    assert summary.warnings == []


def test_a_whole_period_sentence_beats_a_partial_one_and_copied_text_is_never_counted():
    whole = sentence("Giai đoạn 2016 - 2020, Đội kiểm tra liên ngành các cấp đã kiểm tra 900 lượt cơ sở.")
    district = sentence("Đội kiểm tra liên ngành các huyện kiểm tra 1.148 lượt cơ sở.", paragraph=8)
    copied = "Cơ quan điều tra đã khởi tố 12 vụ án về chứa mại dâm."
    copies = [sentence(copied, p, shared=True, paragraph=9) for p in ("Nghệ An", "Cà Mau")]
    assert [tier for _, tier in read_text([whole, district, copies[0]])] == [0, 1, 2]
    summary = summarise([whole, district, *copies], {})
    assert summary.chosen["Nghệ An"]["establishments_inspected"].value == 900.0
    assert "cases_prosecuted" not in summary.chosen["Nghệ An"] and "Cà Mau" not in summary.chosen
    assert summary.warnings == [
        "Số vụ khởi tố: số liệu 12 của Nghệ An, Cà Mau chỉ có trong một câu trùng nguyên văn với báo cáo của "
        "tỉnh, thành phố khác: «Cơ quan điều tra đã khởi tố 12 vụ án về chứa mại dâm.»; chưa cộng vào tổng."]


def test_different_totals_in_the_text_are_flagged_and_the_largest_used():
    a = sentence("Giai đoạn 2016 - 2020, tổng kinh phí bố trí là 1.120 triệu đồng.")
    b = sentence("Tổng kinh phí cả giai đoạn 2016 - 2020 được cấp là 2.341 triệu đồng.", paragraph=12)
    summary = summarise([a, b], {})
    assert summary.chosen["Nghệ An"]["budget"].value == 2341.0
    assert summary.warnings == [
        "Nghệ An — Kinh phí (triệu đồng): văn bản nêu nhiều số liệu khác nhau cho cả giai đoạn (1.120, 2.341); "
        "dùng số lớn nhất (bao-cao.docx, trang 3, đoạn 12)."]


def test_a_figure_far_out_of_line_is_flagged_but_still_shown():
    values = {"Hà Nội": 300, "Nghệ An": 250, "Cà Mau": 200, "Quảng Ninh": 280, "Lào Cai": 45000}
    sentences = [sentence(f"Giai đoạn 2016 - 2020 đã khởi tố {v} vụ án.", p) for p, v in values.items()]
    summary = summarise(sentences, {})
    assert summary.flagged == {("Lào Cai", "cases_prosecuted")}
    assert summary.warnings == [
        "Lào Cai — Số vụ khởi tố: 45.000 lớn hơn 10 lần trung vị các tỉnh, thành phố (280); "
        "kiểm tra lại đơn vị hoặc lỗi đánh máy."]
    assert national_totals(summary.period_figures())["cases_prosecuted"] == (46030.0, 5)


def test_national_totals_sum_period_figures_only():
    figures = [Figure("fines", "Hà Nội", 900.0, "triệu đồng"), Figure("fines", "Nghệ An", 120.5, "triệu đồng"),
               Figure("fines", "Nghệ An", 50.0, "triệu đồng", year=2019),
               Figure("budget", "Cà Mau", 3210.0, "triệu đồng")]
    assert national_totals(figures) == {"fines": (1020.5, 2), "budget": (3210.0, 1)}


@pytest.mark.parametrize("value, text", [(12345, "12.345"), (287.5, "287,5"), (1234567.75, "1.234.567,8"),
                                         (0, "0"), (3500.0, "3.500")])
def test_numbers_are_written_the_vietnamese_way(value, text):
    assert format_number(value) == text
