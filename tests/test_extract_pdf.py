"""The text-PDF extractor, on the fixture report printed to PDF by LibreOffice."""
from __future__ import annotations

import re

import pytest

import fixtures as fx
from extractors.pdf import text_is_usable
from pipeline.model import HEADER, HEADING, LIST_ITEM, SIGNATURE, TABLE


@pytest.fixture(scope="module")
def doc(reports):
    return reports.document("pdf")


def _block(doc, text):
    return next(b for b in doc.blocks if b.text == text)


def test_format_pages_and_metadata(doc):
    assert (doc.format, doc.pages) == ("pdf", 4)
    meta = doc.metadata
    assert (meta.province, meta.doc_number, meta.date) == ("Nghệ An", "215/BC-UBND", "2020-07-15")
    assert meta.title == "Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020"


def test_header_columns_on_one_baseline_are_split(doc):
    assert [(b.role, b.text, b.page) for b in doc.blocks[:6]] == [
        (HEADER, "ỦY BAN NHÂN DÂN", 1),
        (HEADER, "TỈNH NGHỆ AN", 1),
        (HEADER, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1),  # a centred line wrapped in its cell
        (HEADER, "Độc lập - Tự do - Hạnh phúc", 1),
        (HEADER, "Số: 215/BC-UBND", 1),
        (HEADER, "Nghệ An, ngày 15 tháng 7 năm 2020", 1),
    ]


def test_wrapped_lines_are_joined_into_the_original_paragraphs(doc):
    texts = [b.text for b in doc.blocks]
    for paragraph in (fx.INTRO.format(province="Nghệ An"), fx.DIRECTION, fx.MEDIA, fx.COMMUNITY, fx.SHORTCOMING,
                      fx.CAUSE, fx.TRACKED, " ".join(fx.SOFT_BREAK), fx.AFTER_TABLE, fx.CLOSING):
        assert paragraph in texts
    assert texts.count(fx.FILLER.format(year=2017)) == 1


def test_page_number_of_every_block(doc):
    assert all(b.page in (1, 2, 3, 4) for b in doc.blocks)
    pages = {b.text: b.page for b in doc.blocks}
    assert pages[fx.HEADINGS["I"]] == 1
    assert pages[fx.FILLER.format(year=2017)] == 2
    assert pages[fx.HEADINGS["2"]] == 2
    assert pages[fx.HEADINGS["II"]] == 3
    assert pages["Lê Thị Hoa"] == 4
    assert [b.page for b in doc.blocks] == sorted(b.page for b in doc.blocks)


def test_running_header_and_page_numbers_removed(doc):
    assert not any(fx.RUNNING_HEADER in b.text for b in doc.blocks)
    assert not any(re.fullmatch(r"\d+", b.text) for b in doc.blocks if b.kind != TABLE)


def test_headings_found_by_bold_typed_numbers_match_the_word_file(doc, reports):
    word = reports.document("docx")
    ours = [(b.number, b.text, b.level, b.heading_path) for b in doc.blocks if b.kind == HEADING]
    theirs = [(b.number, b.text, b.level, b.heading_path) for b in word.blocks if b.kind == HEADING]
    assert ours == theirs


def test_list_items_with_hanging_indent(doc):
    items = [(b.number, b.text, b.level) for b in doc.blocks if b.kind == LIST_ITEM and b.number in "-+"]
    assert items == [("-", fx.BULLETS[0], 4), ("-", fx.BULLETS[1], 4), ("+", fx.SUB_BULLET, 5),
                     ("-", fx.PROPOSALS[0], 2), ("-", fx.PROPOSALS[1], 2)]
    numbered = [b.number for b in doc.blocks if b.text in fx.NUMBERED_A + fx.NUMBERED_B + fx.NUMBERED_C]
    assert numbered == ["1.", "2.", "1.", "2.", "7.", "8."]


def test_ruled_table_split_over_two_pages_is_one_table(doc):
    tables = [b for b in doc.blocks if b.kind == TABLE]
    assert len(tables) == 1
    assert tables[0].rows == fx.TABLE_ROWS
    assert tables[0].page == 2
    assert tables[0].heading_path == ["I. KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH", "3. Kiểm tra, xử lý vi phạm"]


def test_vni_text_without_font_names_is_decoded_by_statistics(doc):
    assert _block(doc, fx.VNI_TEXT).heading_path[-1] == "2. Nguyên nhân"


def test_signature_lines_stay_apart(doc):
    assert [b.text for b in doc.blocks if b.role == SIGNATURE] == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)", "Lê Thị Hoa",
    ]


@pytest.mark.parametrize("text, usable", [
    ("", False),
    ("   12  ", False),
    ("Ủy ban nhân dân tỉnh đã ban hành kế hoạch thực hiện Chương trình.", True),
    ("(cid:12)(cid:7)(cid:44)(cid:3)(cid:18)(cid:9)(cid:31)(cid:3)(cid:5)", False),
    ("\ufffd\ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd", False),
    ("\ue001\ue002\ue003\ue004\ue005 \ue006\ue007\ue008\ue009\ue00a\ue00b\ue00c\ue00d\ue00e\ue00f\ue010\ue011\ue012", False),
])
def test_garbage_text_layers_are_sent_to_ocr(text, usable):
    assert text_is_usable(text) is usable


def _line(text, x0, x1, baseline, size=14.0, bold=False, first_word=30.0, text_x0=None):
    from extractors.pdf import Line

    return Line(text=text, x0=x0, x1=x1, top=baseline - size, baseline=baseline, size=size, bold=bold,
                first_word=first_word, text_x0=text_x0)


def test_join_rules_on_synthetic_lines():
    from extractors.pdf import PageContent, join_lines

    page1 = PageContent(number=1, width=595, height=842, items=[
        _line("Ủy ban nhân dân tỉnh đã ban hành Quy chế phối hợp liên ngành số 12/QC-", 113, 538, 100),
        _line("LN ngày 10/3/2016 và chỉ đạo các ngành thực hiện nghiêm túc.", 85, 400, 118.5),
        _line("- Kế hoạch số 15/KH-UBND ngày 20/01/2016 về thực hiện Chương trình", 103, 538, 143,
              text_x0=121),
        _line("giai đoạn 2016 - 2020;", 121, 250, 161.5),
        _line("1. Công tác tuyên truyền", 85, 290, 186, bold=True),
        _line("Các cơ quan báo, đài của tỉnh đã đăng nhiều tin, bài về phòng, chống mại", 113, 538, 210),
        _line("dâm và tệ nạn xã hội trên địa bàn; số liệu cụ thể như sau", 85, 537, 228.5),
    ])
    page2 = PageContent(number=2, width=595, height=842, items=[
        _line("được tổng hợp tại phụ lục kèm theo.", 85, 300, 60),
    ])
    blocks, bold = join_lines([page1, page2])
    assert [(b.text, b.page) for b in blocks] == [
        ("Ủy ban nhân dân tỉnh đã ban hành Quy chế phối hợp liên ngành số 12/QC-LN ngày 10/3/2016 và chỉ đạo "
         "các ngành thực hiện nghiêm túc.", 1),
        ("- Kế hoạch số 15/KH-UBND ngày 20/01/2016 về thực hiện Chương trình giai đoạn 2016 - 2020;", 1),
        ("1. Công tác tuyên truyền", 1),
        ("Các cơ quan báo, đài của tỉnh đã đăng nhiều tin, bài về phòng, chống mại dâm và tệ nạn xã hội trên "
         "địa bàn; số liệu cụ thể như sau được tổng hợp tại phụ lục kèm theo.", 1),  # continues over the page
    ]
    assert bold == {2}


def test_symbol_font_bullets_become_plain_bullets():
    from extractors.pdf import _plain_bullet

    assert _plain_bullet("\uf0b7 Tổ chức hội nghị", "ABCDEF+SymbolMT") == "• Tổ chức hội nghị"
    assert _plain_bullet("§ Kiểm tra cơ sở", "Wingdings-Regular") == "• Kiểm tra cơ sở"
    assert _plain_bullet("§ 3 Điều 5", "TimesNewRomanPSMT") == "§ 3 Điều 5"


def test_rotated_pages_read_like_upright_ones(doc, reports, tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(reports.pdf))
    for page in pdf:
        page.set_rotation(90)
    pdf.save(tmp_path / "xoay.pdf")
    pdf.close()
    from extractors import extract_file

    rotated = extract_file(tmp_path / "xoay.pdf")
    assert [(b.number, b.text) for b in rotated.blocks if b.kind == HEADING] == \
        [(b.number, b.text) for b in doc.blocks if b.kind == HEADING]
    assert {b.text for b in rotated.blocks if b.role == "body"} == {b.text for b in doc.blocks if b.role == "body"}


def test_font_names_tell_bold_and_legacy_encodings():
    from extractors.pdf import _font_facts

    assert _font_facts("ABCDEF+TimesNewRomanPS-BoldMT") == (True, None)
    assert _font_facts("LiberationSerif") == (False, None)
    assert _font_facts("QWERTY+.VnTime") == (False, "tcvn3")
    assert _font_facts(".VnTimeH,Bold") == (True, "tcvn3h")
    assert _font_facts("VNI-Times-Bold") == (True, "vni")


def test_a_short_text_page_is_not_sent_to_ocr(tmp_path):
    """A last page holding only "Lưu: VT, VX." is text, not a scan: the report stays a text PDF."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from extractors import extract_file

    path = tmp_path / "short-last-page.pdf"
    body = ["Công tác kiểm tra các cơ sở kinh doanh dịch vụ được duy trì thường xuyên.",
            "Đội kiểm tra liên ngành đã kiểm tra 326 lượt cơ sở trên địa bàn tỉnh."]
    with PdfPages(path) as pdf:
        for lines in (body, ["Lưu: VT, VX."]):
            fig = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                fig.text(0.1, 0.9 - 0.03 * i, line, fontsize=12)
            pdf.savefig(fig)
            plt.close(fig)
    doc = extract_file(path)
    assert (doc.format, doc.pages) == ("pdf", 2)
    assert [b.text for b in doc.blocks if b.page == 2] == ["Lưu: VT, VX."]
