"""Issuer, number, date, title and province from the first blocks of a report."""
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.metadata import _fill, extract_metadata
from pipeline.model import SIGNATURE, TITLE, Block, Metadata
from pipeline.vietnamese import encode_tcvn3

TITLE_TEXT = "Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020"
FIRST_BODY = (
    "Thực hiện Kế hoạch số 629/KH-LĐTBXH ngày 05/6/2020 của Bộ Lao động - Thương binh và Xã hội, "
    "Ủy ban nhân dân tỉnh báo cáo kết quả như sau:"
)


def blocks_of(*items):
    out = []
    for i, item in enumerate(items):
        if isinstance(item, list):
            out.append(Block(kind="table", text="", rows=item, index=i))
        else:
            out.append(Block(kind="paragraph", text=item, index=i))
    return out


def header_table(left, right, number="Số: 215/BC-UBND", place="Nghệ An, ngày 15 tháng 7 năm 2020"):
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n_______________"
    return [[left, right or motto], [number, place]]


def test_two_column_header_table():
    blocks = blocks_of(
        header_table("ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\n_______", None),
        "BÁO CÁO",
        "Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm",
        "giai đoạn 2016 - 2020",
        "_______",
        FIRST_BODY,
    )
    assert extract_metadata(blocks, "bao-cao.docx") == Metadata(
        province="Nghệ An",
        issuer="ỦY BAN NHÂN DÂN TỈNH NGHỆ AN",
        doc_number="215/BC-UBND",
        date="2020-07-15",
        title=TITLE_TEXT,
        province_source="issuer",
    )


def test_department_report_keeps_its_parent_body_and_symbol():
    blocks = blocks_of(
        header_table(
            "UBND TỈNH QUẢNG NAM\nSỞ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI",
            None,
            number="Số 87 /BC-SLĐTBXH",
            place="Quảng Nam, ngày 05/8/2020",
        ),
        "BÁO CÁO",
        TITLE_TEXT,
        "Kính gửi: Cục Phòng, chống tệ nạn xã hội",
    )
    meta = extract_metadata(blocks, "x.pdf")
    assert meta.issuer == "UBND TỈNH QUẢNG NAM\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    assert meta.doc_number == "87/BC-SLĐTBXH"
    assert meta.date == "2020-08-05"
    assert meta.title == TITLE_TEXT
    assert (meta.province, meta.province_source) == ("Quảng Nam", "issuer")


PDF_LINES = """UBND TỈNH BÀ RỊA - VŨNG TÀU CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ LAO ĐỘNG - THƯƠNG BINH Độc lập - Tự do - Hạnh phúc
VÀ XÃ HỘI
Số: 1021/BC-SLĐTBXH Bà Rịa - Vũng Tàu, ngày 20 tháng 7 năm 2020
BÁO CÁO TỔNG KẾT
05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016-2020
Kính gửi: Bộ Lao động - Thương binh và Xã hội"""


def test_pdf_lines_with_both_columns_run_together():
    blocks = blocks_of(*PDF_LINES.split("\n"))
    assert extract_metadata(blocks, "brvt.pdf") == Metadata(
        province="Bà Rịa - Vũng Tàu",
        issuer="UBND TỈNH BÀ RỊA - VŨNG TÀU\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
        doc_number="1021/BC-SLĐTBXH",
        date="2020-07-20",
        title="Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016-2020",
        province_source="issuer",
    )


def test_one_pdf_block_with_line_breaks_reads_the_same():
    meta = extract_metadata(blocks_of(PDF_LINES), "brvt.pdf")
    assert (meta.doc_number, meta.date, meta.province) == ("1021/BC-SLĐTBXH", "2020-07-20", "Bà Rịa - Vũng Tàu")


def test_decomposed_text_is_read():
    nfd = [unicodedata.normalize("NFD", line) for line in PDF_LINES.split("\n")]
    meta = extract_metadata(blocks_of(*nfd), "brvt.pdf")
    assert meta.issuer == "UBND TỈNH BÀ RỊA - VŨNG TÀU\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    assert meta.date == "2020-07-20"


def test_province_from_the_place_when_the_issuer_has_none():
    blocks = blocks_of(
        header_table("BAN CHỈ ĐẠO 138", None, place="Bình Định, ngày 10 tháng 8 năm 2020"),
        "BÁO CÁO",
        TITLE_TEXT,
    )
    meta = extract_metadata(blocks, "a.docx")
    assert (meta.issuer, meta.province, meta.province_source) == ("BAN CHỈ ĐẠO 138", "Bình Định", "place")


def test_province_from_the_title_then_the_file_name():
    meta = extract_metadata(blocks_of("BÁO CÁO", "Kết quả phòng, chống mại dâm trên địa bàn tỉnh Sóc Trăng"), "a.docx")
    assert (meta.province, meta.province_source) == ("Sóc Trăng", "title")
    assert meta.title == "Kết quả phòng, chống mại dâm trên địa bàn tỉnh Sóc Trăng"
    meta = extract_metadata(blocks_of("BÁO CÁO", TITLE_TEXT), "BC_BinhDinh_2020.pdf")
    assert (meta.province, meta.province_source) == ("Bình Định", "filename")


def test_capitals_ocr_noise_and_a_blank_day():
    blocks = blocks_of(
        "ỦY BAN NHÂN DÂN",
        "TỈNH HOÀ BÌNH",
        "Số:   /BC-UBND",
        "Hòa Bình, ngày    tháng 8 năm 2020",
        "B Á O  C Á O",
        "TỔNG KẾT CHƯƠNG TRÌNH PHÒNG, CHỐNG MẠI DÂM",
        "GIAI ĐOẠN 2016 - 2020",
        FIRST_BODY,
    )
    meta = extract_metadata(blocks, "x.docx")
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH"
    assert meta.doc_number is None  # not numbered yet
    assert meta.date is None  # day left blank
    assert meta.title == "TỔNG KẾT CHƯƠNG TRÌNH PHÒNG, CHỐNG MẠI DÂM GIAI ĐOẠN 2016 - 2020"
    assert meta.province == "Hòa Bình"


def test_dates_in_body_text_are_not_the_report_date():
    blocks = blocks_of("UBND TỈNH LONG AN", "BÁO CÁO", TITLE_TEXT, FIRST_BODY)
    meta = extract_metadata(blocks, "x.docx")
    assert meta.date is None
    assert meta.doc_number is None
    assert meta.title == TITLE_TEXT


def test_title_stops_at_the_signature_or_addressee_roles():
    blocks = blocks_of("BÁO CÁO", TITLE_TEXT, "TM. ỦY BAN NHÂN DÂN")
    blocks[1].role = TITLE
    blocks[2].role = SIGNATURE
    assert extract_metadata(blocks, "x.docx").title == TITLE_TEXT


def test_tcvn3_header_is_decoded():
    lines = ["ñY BAN NH¢N D¢N TØNH NGHÖ AN", encode_tcvn3("Số: 215/BC-UBND"), "B¸O C¸O", encode_tcvn3(TITLE_TEXT)]
    meta = extract_metadata(blocks_of(*lines), "x.doc")
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"
    assert meta.doc_number == "215/BC-UBND"
    assert meta.title == TITLE_TEXT


def test_empty_and_malformed_input_never_raise():
    assert extract_metadata([], "") == Metadata()
    assert extract_metadata(None, None) == Metadata()
    weird = [Block(kind="table", text="x", rows=[[None, ""], []]), Block(kind="paragraph", text=None)]
    assert extract_metadata(weird, "tong-hop.docx") == Metadata()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(), max_size=8), st.text(max_size=30))
def test_any_paragraphs_give_metadata_without_relying_on_the_safety_net(texts, filename):
    meta = Metadata()
    _fill(meta, blocks_of(*texts), filename)  # the code under extract_metadata's try/except
    assert meta.date is None or len(meta.date) == 10
    assert meta.province is None or meta.province_source in ("issuer", "place", "title", "filename")


def test_table_cells_flattened_to_one_line_are_split_again():
    rows = [[
        "ỦY BAN NHÂN DÂN TỈNH CÀ MAU _______ Số: 56/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ________ Cà Mau, ngày 9 tháng 9 năm 2020",
    ]]
    meta = extract_metadata(blocks_of(rows, "BÁO CÁO", TITLE_TEXT), "x.docx")
    assert meta == Metadata(
        province="Cà Mau",
        issuer="ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
        doc_number="56/BC-UBND",
        date="2020-09-09",
        title=TITLE_TEXT,
        province_source="issuer",
    )


def test_dotted_blanks_are_not_rules():
    blocks = blocks_of("UBND TỈNH TRÀ VINH", "Trà Vinh, ngày ..... tháng 7 năm 2020", "BÁO CÁO", TITLE_TEXT + " ...")
    meta = extract_metadata(blocks, "x.docx")
    assert (meta.date, meta.title, meta.province) == (None, TITLE_TEXT, "Trà Vinh")  # trailing dots dropped
