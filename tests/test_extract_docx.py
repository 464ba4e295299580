"""The .docx extractor: reading order, Word numbering, tracked changes, text boxes, legacy fonts."""
from __future__ import annotations

import zipfile

import pytest

import fixtures as fx
from extractors import extract_file
from extractors.docx import read_docx
from pipeline.model import ADDRESSEE, BODY, HEADER, HEADING, LIST_ITEM, RECIPIENTS, SIGNATURE, TABLE, TITLE


@pytest.fixture(scope="module")
def doc(reports):
    return reports.document("docx")


def _block(doc, text):
    return next(b for b in doc.blocks if b.text == text)


def test_header_title_and_addressee_in_reading_order(doc):
    top = [(b.role, b.text) for b in doc.blocks[:10]]
    assert top == [
        (HEADER, "ỦY BAN NHÂN DÂN"),
        (HEADER, "TỈNH NGHỆ AN"),
        (HEADER, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (HEADER, "Độc lập - Tự do - Hạnh phúc"),
        (HEADER, "Số: 215/BC-UBND"),
        (HEADER, "Nghệ An, ngày 15 tháng 7 năm 2020"),
        (TITLE, "BÁO CÁO"),
        (TITLE, "Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020"),
        (ADDRESSEE, "Kính gửi: Bộ Lao động - Thương binh và Xã hội"),
        (BODY, fx.INTRO.format(province="Nghệ An")),
    ]
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))


def test_word_numbering_inherited_through_heading_styles_and_typed_bold_labels(doc):
    headings = [(b.number, b.text, b.level) for b in doc.blocks if b.kind == HEADING]
    h = fx.HEADINGS
    assert headings == [
        ("I.", h["I"], 1), ("1.", h["1"], 2), ("1.1.", h["1.1"], 3), ("1.2.", h["1.2"], 3),
        ("2.", h["2"], 2), ("a)", h["a"], 3), ("b)", h["b"], 3), ("3.", h["3"], 2),
        ("II.", h["II"], 1), ("1.", h["II.1"], 2), ("2.", h["II.2"], 2), ("III.", h["III"], 1),
    ]


def test_list_numbering_start_override_and_restart(doc):
    items = [(b.number, b.text) for b in doc.blocks if b.text in fx.NUMBERED_A + fx.NUMBERED_B + fx.NUMBERED_C]
    assert items == [
        ("1.", fx.NUMBERED_A[0]), ("2.", fx.NUMBERED_A[1]),
        ("1.", fx.NUMBERED_B[0]), ("2.", fx.NUMBERED_B[1]),  # a new num with startOverride 1
        ("7.", fx.NUMBERED_C[0]), ("8.", fx.NUMBERED_C[1]),  # startOverride 7
    ]
    first = _block(doc, fx.NUMBERED_A[0])
    assert first.kind == LIST_ITEM and first.level == 3
    assert first.heading_path == ["I. KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH", "3. Kiểm tra, xử lý vi phạm"]


def test_bullets_become_nested_list_items_under_their_heading(doc):
    bullets = [(b.number, b.text, b.level) for b in doc.blocks if b.text in fx.BULLETS + [fx.SUB_BULLET]]
    assert bullets == [("-", fx.BULLETS[0], 4), ("-", fx.BULLETS[1], 4), ("+", fx.SUB_BULLET, 5)]
    assert _block(doc, fx.SUB_BULLET).heading_path == [
        "I. KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH", "1. Công tác chỉ đạo, điều hành", "1.1. Ban hành văn bản chỉ đạo",
    ]
    typed = [(b.number, b.kind, b.text) for b in doc.blocks if b.text in fx.PROPOSALS]
    assert typed == [("-", LIST_ITEM, fx.PROPOSALS[0]), ("-", LIST_ITEM, fx.PROPOSALS[1])]


def test_tracked_changes_read_as_accepted(doc):
    assert _block(doc, fx.TRACKED).heading_path[-1] == "1.2. Kiểm tra, giám sát"
    assert not any("1012" in b.text for b in doc.blocks)
    assert "tệp còn thay đổi được theo dõi (Track Changes): đã đọc như khi chấp nhận tất cả" in doc.warnings


def test_soft_line_break_joins_and_text_box_follows_its_anchor_once(doc):
    texts = [b.text for b in doc.blocks]
    joined = " ".join(fx.SOFT_BREAK)
    assert texts.count(fx.TEXTBOX) == 1
    assert texts[texts.index(joined) + 1] == fx.TEXTBOX


def test_runs_in_tcvn3_and_vni_fonts_are_decoded(doc):
    texts = [b.text for b in doc.blocks]
    assert fx.LEGACY_PREFIX + fx.TCVN3_TEXT in texts
    assert fx.VNI_TEXT in texts


def test_statistics_table_kept_in_place_with_rows(doc):
    tables = [b for b in doc.blocks if b.kind == TABLE]
    assert len(tables) == 1
    assert tables[0].rows == fx.TABLE_ROWS
    assert tables[0].text == ""
    before = doc.blocks[tables[0].index - 1]
    assert before.text == fx.NUMBERED_A[1]
    assert doc.blocks[tables[0].index + 1].text == fx.AFTER_TABLE


def test_headers_footers_and_page_fields_stay_out(doc):
    assert not any(fx.RUNNING_HEADER in b.text for b in doc.blocks)
    assert not any(b.text.strip().isdigit() for b in doc.blocks if b.kind != TABLE)


def test_recipients_and_signature_blocks(doc):
    tail = [(b.role, b.numbered_text) for b in doc.blocks[-9:]]
    assert tail == [
        (RECIPIENTS, "Nơi nhận:"), (RECIPIENTS, "- Bộ Lao động - TB&XH;"),
        (RECIPIENTS, "- Chủ tịch, các PCT UBND tỉnh;"), (RECIPIENTS, "- Lưu: VT, VX."),
        (SIGNATURE, "TM. ỦY BAN NHÂN DÂN"), (SIGNATURE, "KT. CHỦ TỊCH"), (SIGNATURE, "PHÓ CHỦ TỊCH"),
        (SIGNATURE, "(Đã ký)"), (SIGNATURE, "Lê Thị Hoa"),
    ]
    assert doc.blocks[-10].text == fx.CLOSING and doc.blocks[-10].role == BODY


def test_document_fields_and_metadata(doc, reports):
    assert doc.format == "docx"
    assert doc.source == str(reports.docx)
    assert len(doc.sha256) == 64
    assert doc.pages is None
    meta = doc.metadata
    assert (meta.province, meta.doc_number, meta.date) == ("Nghệ An", "215/BC-UBND", "2020-07-15")
    assert meta.title == "Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020"


# --- numbering.xml corner cases, on hand-written packages ------------------

_LEVELS = """
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/><w:isLgl/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/>
    <w:lvlRestart w:val="0"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimalZero"/><w:lvlText w:val="%4/"/></w:lvl>
  <w:lvl w:ilvl="4"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/>
  <w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0"><w:start w:val="4"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="Mục %1:"/></w:lvl></w:lvlOverride></w:num>
"""


def test_level_formats_legal_numbering_no_restart_and_bullet_symbols(tmp_path):
    body = "".join([
        fx.para("Một", num=(1, 0)), fx.para("Hai", num=(1, 1)), fx.para("Ba", num=(1, 2)),
        fx.para("Bốn", num=(1, 3)), fx.para("Năm", num=(1, 4)), fx.para("Sáu", num=(1, 0)),
        fx.para("Bảy", num=(1, 1)), fx.para("Tám", num=(1, 2)), fx.para("Chín", num=(1, 3)),
    ])
    path = fx.minimal_docx(tmp_path / "so.docx", body, numbering=_LEVELS)
    labels = [(b.number, b.text) for b in read_docx(path).blocks]
    assert labels == [
        ("I.", "Một"), ("1.1.", "Hai"),  # isLgl: the roman level prints as a decimal
        ("a)", "Ba"), ("01/", "Bốn"), ("•", "Năm"),  # decimalZero; a Symbol-font bullet becomes •
        ("II.", "Sáu"), ("2.1.", "Bảy"),  # level 2 restarts after level 1
        ("b)", "Tám"),  # lvlRestart 0: never restarts
        ("01/", "Chín"),
    ]


def test_level_override_with_its_own_definition_and_num_id_zero(tmp_path):
    body = fx.para("Đầu", num=(2, 0)) + fx.para("Tiếp", num=(2, 0)) + fx.para("Không số", num=(0, 0))
    path = fx.minimal_docx(tmp_path / "ov.docx", body, numbering=_LEVELS)
    assert [(b.number, b.text) for b in read_docx(path).blocks] == [
        ("Mục 4:", "Đầu"), ("Mục 5:", "Tiếp"), (None, "Không số"),
    ]


def test_numbering_from_a_style_chain_and_a_level_linked_to_a_style(tmp_path):
    numbering = """
    <w:abstractNum w:abstractNumId="7">
      <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/>
        <w:pStyle w:val="Muc1"/></w:lvl>
      <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/>
        <w:pStyle w:val="Muc2"/></w:lvl>
    </w:abstractNum>
    <w:num w:numId="9"><w:abstractNumId w:val="7"/></w:num>"""
    styles = """
    <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
    <w:style w:type="paragraph" w:styleId="Muc1"><w:name w:val="Tiêu đề 1"/><w:basedOn w:val="Normal"/>
      <w:pPr><w:numPr><w:numId w:val="9"/></w:numPr></w:pPr><w:rPr><w:b/></w:rPr></w:style>
    <w:style w:type="paragraph" w:styleId="Muc2"><w:name w:val="Mục con"/><w:basedOn w:val="Muc1"/></w:style>"""
    body = fx.para("Kết quả", style="Muc1") + fx.para("Chỉ đạo", style="Muc2") + fx.para("Tuyên truyền", style="Muc2")
    path = fx.minimal_docx(tmp_path / "st.docx", body, numbering=numbering, styles=styles)
    blocks = read_docx(path).blocks
    assert [(b.number, b.text, b.kind, b.style) for b in blocks] == [
        ("I.", "Kết quả", HEADING, "Tiêu đề 1"), ("1.", "Chỉ đạo", LIST_ITEM, "Mục con"),
        ("2.", "Tuyên truyền", LIST_ITEM, "Mục con"),
    ]
    assert read_docx(path).bold == {0, 1, 2}  # bold inherited from the style chain


def test_fields_hidden_text_caps_and_symbols(tmp_path):
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Trang </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> của báo cáo, xem </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>phụ lục</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>chữ ẩn</w:t></w:r>'
        '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>9</w:t></w:r></w:fldSimple></w:p>'
        '<w:p><w:r><w:rPr><w:caps/></w:rPr><w:t>kết quả đạt được</w:t></w:r>'
        '<w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:t xml:space="preserve"> ghi chú</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>Dòng một</w:t><w:br/><w:t>- dòng hai là mục mới;</w:t><w:br/><w:t>tiếp dòng hai</w:t></w:r></w:p>'
    )
    blocks = read_docx(fx.minimal_docx(tmp_path / "f.docx", body)).blocks
    assert [b.text for b in blocks] == [
        "Trang  của báo cáo, xem phụ lục",
        "KẾT QUẢ ĐẠT ĐƯỢC ghi chú",
        "Dòng một",
        "- dòng hai là mục mới; tiếp dòng hai",
    ]
    normalised = extract_file(fx.minimal_docx(tmp_path / "g.docx", body)).blocks
    assert normalised[0].text == "Trang của báo cáo, xem phụ lục"
    assert (normalised[3].number, normalised[3].text) == ("-", "dòng hai là mục mới; tiếp dòng hai")


def test_strict_open_xml_and_embedded_chunks(tmp_path):
    path = fx.minimal_docx(tmp_path / "strict.docx", fx.para("Báo cáo của tỉnh Cà Mau.") + '<w:altChunk r:id="x"/>')
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    strict = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    parts["word/document.xml"] = parts["word/document.xml"].replace(fx.W_NS.encode(), strict).replace(
        b"<w:altChunk", b'<w:altChunk xmlns:r="urn:r"')
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    result = read_docx(path)
    assert [b.text for b in result.blocks] == ["Báo cáo của tỉnh Cà Mau."]
    assert result.warnings == ["tệp có phần nội dung nhúng (altChunk) chưa đọc được: hãy mở bằng Word và lưu lại"]


def test_table_of_contents_is_skipped_and_nested_cell_tables_flattened(tmp_path):
    styles = ('<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="MucLuc2"><w:name w:val="Mục lục 2"/></w:style>')
    nested = ('<w:tbl><w:tr><w:tc>' + fx.para("Huyện A") + '<w:tbl><w:tr><w:tc>' + fx.para("12 cơ sở")
              + '</w:tc></w:tr></w:tbl></w:tc><w:tc>' + fx.para("2020") + '</w:tc></w:tr>'
              + '<w:tr><w:tc>' + fx.para("Huyện B") + '</w:tc><w:tc>' + fx.para("2019") + '</w:tc></w:tr></w:tbl>')
    body = (fx.para("I. KẾT QUẢ\t3", style="TOC1") + fx.para("1. Tuyên truyền\t4", style="MucLuc2")
            + fx.para("I. KẾT QUẢ", bold=True) + nested)
    blocks = read_docx(fx.minimal_docx(tmp_path / "toc.docx", body, styles=styles)).blocks
    assert [(b.kind, b.text, b.rows) for b in blocks] == [
        ("paragraph", "I. KẾT QUẢ", None),
        ("table", "", [["Huyện A 12 cơ sở", "2020"], ["Huyện B", "2019"]]),
    ]
