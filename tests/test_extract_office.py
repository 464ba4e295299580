"""Legacy .doc, .odt and .rtf: converted by LibreOffice, read by the .docx extractor; antiword fallback."""
from __future__ import annotations

import pytest

import fixtures as fx
from extractors import extract_file, office
from pipeline.errors import ExtractionError
from pipeline.model import HEADING, RECIPIENTS, SIGNATURE, TABLE


def _headings(doc):
    return [(b.number, b.text, b.level) for b in doc.blocks if b.kind == HEADING]


@pytest.mark.parametrize("kind", ["doc", "odt", "rtf"])
def test_numbering_tables_and_metadata_survive_conversion(reports, kind):
    doc = reports.document(kind)
    assert doc.format == kind
    assert _headings(doc) == _headings(reports.document("docx"))
    assert [b.rows for b in doc.blocks if b.kind == TABLE] == [fx.TABLE_ROWS]
    numbered = [b.number for b in doc.blocks if b.text in fx.NUMBERED_A + fx.NUMBERED_B + fx.NUMBERED_C]
    # LibreOffice's own .doc and .rtf writers lose list restarts and start values (it prints
    # the converted files that way too), so only the first list is the same everywhere.
    assert numbered[:2] == ["1.", "2."] and len(numbered) == 6
    if kind == "odt":
        assert numbered == ["1.", "2.", "1.", "2.", "7.", "8."]
    meta = doc.metadata
    assert (meta.province, meta.doc_number, meta.date) == ("Nghệ An", "215/BC-UBND", "2020-07-15")
    assert [b.text for b in doc.blocks if b.role == SIGNATURE][-1] == "Lê Thị Hoa"
    assert [b.numbered_text for b in doc.blocks if b.role == RECIPIENTS][0] == "Nơi nhận:"


def test_word_97_file_is_recognised_by_its_directory(reports):
    assert {"WordDocument", "1Table"} <= office.ole_entries(reports.doc)


def test_antiword_fallback_when_libreoffice_is_missing(reports, monkeypatch):
    fx.require_tool("antiword")
    path = reports.doc
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    doc = extract_file(path)
    assert doc.format == "doc"
    assert doc.warnings[0].startswith("đọc bằng antiword")
    texts = [b.text for b in doc.blocks]
    assert texts[:6] == [  # the header table flattened, column by column
        "ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN", "Số: 215/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Nghệ An, ngày 15 tháng 7 năm 2020",
    ]
    assert [b.numbered_text for b in doc.blocks if b.role == SIGNATURE] == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)", "Lê Thị Hoa",
    ]
    assert fx.DIRECTION in texts and " ".join(fx.SOFT_BREAK) in texts
    assert [b.rows for b in doc.blocks if b.kind == TABLE] == [fx.TABLE_ROWS]
    assert doc.metadata.province == "Nghệ An"


def test_no_converter_at_all_is_a_clear_message(reports, monkeypatch):
    path = reports.doc
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    monkeypatch.setattr(office, "find_antiword", lambda: None)
    with pytest.raises(ExtractionError) as err:
        extract_file(path)
    assert err.value.render() == (
        f"{path}: tệp .doc cần LibreOffice (soffice) hay antiword để đọc nhưng máy chưa cài — "
        "hãy cài libreoffice-writer hoặc antiword, hoặc mở tệp bằng Word và lưu thành .docx"
    )


def test_odt_without_libreoffice_names_the_missing_tool(reports, monkeypatch):
    path = reports.odt
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    with pytest.raises(ExtractionError) as err:
        extract_file(path)
    assert "tệp .odt cần LibreOffice (soffice) để đọc" in err.value.render()


def test_a_web_page_saved_with_a_doc_name_is_read(tmp_path):
    fx.require_tool("soffice")
    path = tmp_path / "bao-cao.doc"
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        "<p>ỦY BAN NHÂN DÂN TỈNH NGHỆ AN</p><p>Số: 215/BC-UBND</p>"
        "<p>Nghệ An, ngày 15 tháng 7 năm 2020</p><p><b>BÁO CÁO</b></p>"
        "<p><b>Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020</b></p>"
        "<p><b>I. KẾT QUẢ ĐẠT ĐƯỢC</b></p>"
        "<p>Đội kiểm tra liên ngành 178 đã kiểm tra 326 lượt cơ sở kinh doanh dịch vụ.</p></body></html>",
        encoding="utf-8")
    doc = extract_file(path)
    assert doc.format == "html"
    assert (doc.metadata.province, doc.metadata.doc_number, doc.metadata.date) == (
        "Nghệ An", "215/BC-UBND", "2020-07-15")
    assert doc.blocks[-1].text == "Đội kiểm tra liên ngành 178 đã kiểm tra 326 lượt cơ sở kinh doanh dịch vụ."
    assert doc.blocks[-1].heading_path == ["I. KẾT QUẢ ĐẠT ĐƯỢC"]
