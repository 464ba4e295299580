"""Bad files get one Vietnamese line naming the file, the reason and what to do — never a traceback."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import fixtures as fx
from extractors import docx as docx_backend
from extractors import extract_file, sniff
from extractors.office import OfficeBackend
from pipeline.errors import ExtractionError


def _refusal(path) -> str:
    with pytest.raises(ExtractionError) as err:
        extract_file(path)
    message = err.value.render()
    assert message.startswith(f"{path}: ") and "\n" not in message and " — " in message
    return message


def test_missing_file_directory_and_empty_file(tmp_path):
    assert _refusal(tmp_path / "khong-co.docx").endswith("không tìm thấy tệp — hãy kiểm tra lại đường dẫn và tên tệp")
    assert "đây là thư mục, không phải tệp" in _refusal(tmp_path)
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    assert _refusal(empty) == (f"{empty}: tệp rỗng (0 byte) — xin tỉnh gửi lại báo cáo dạng Word (.docx, .doc) "
                               "hoặc PDF")


def test_truncated_and_corrupt_files(tmp_path, reports):
    data = reports.docx.read_bytes()
    half = tmp_path / "tai-do.docx"
    half.write_bytes(data[: len(data) // 2])
    assert "tệp nén bị hỏng hoặc tải về chưa hết" in _refusal(half)
    broken_pdf = tmp_path / "hong.pdf"
    broken_pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert "tệp PDF bị hỏng hoặc tải về chưa hết" in _refusal(broken_pdf)
    bad_xml = fx.minimal_docx(tmp_path / "xml.docx", "<w:p><w:r><w:t>dở dang</w:t></w:r>")
    assert "tệp Word bị hỏng (nội dung XML không đọc được)" in _refusal(bad_xml)


def test_password_protected_docx_and_pdf(tmp_path, reports):
    locked = fx.build_encrypted_ooxml(tmp_path / "mat-khau.docx")
    assert _refusal(locked).endswith("tệp Word được đặt mật khẩu — xin tỉnh gửi bản không đặt mật khẩu "
                                     "(mở bằng Word, bỏ mật khẩu rồi lưu lại)")
    fx.require_tool("soffice")
    options = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
               '"DocumentOpenPassword":{"type":"string","value":"123"}}')
    locked_pdf = fx.soffice_convert([reports.printable], options, tmp_path / "locked")[0]
    assert "tệp PDF được đặt mật khẩu" in _refusal(locked_pdf)


def test_images_spreadsheets_and_other_files_are_not_reports(tmp_path):
    from openpyxl import Workbook
    from PIL import Image

    png = tmp_path / "trang-1.pdf"
    Image.new("L", (40, 40), 255).save(png, "PNG")
    assert "tệp là ảnh PNG, không phải báo cáo Word/PDF — hãy ghép các trang quét thành một tệp PDF" in _refusal(png)
    jpeg = tmp_path / "anh.docx"
    Image.new("RGB", (40, 40)).save(jpeg, "JPEG")
    assert "tệp là ảnh JPEG" in _refusal(jpeg)
    xlsx = tmp_path / "bieu-mau.docx"
    Workbook().save(xlsx)
    assert "tệp là bảng tính Excel, không phải báo cáo Word/PDF" in _refusal(xlsx)
    xls = fx.build_ole(tmp_path / "bieu.doc", ["Workbook"])
    assert "tệp là bảng tính Excel" in _refusal(xls)
    other_ole = fx.build_ole(tmp_path / "la.doc", ["Contents"])
    assert "tệp Office bị hỏng hoặc không phải văn bản Word" in _refusal(other_ole)
    text = tmp_path / "ghi-chu.docx"
    text.write_text("Báo cáo gửi sau.", encoding="utf-8")
    assert "không phải báo cáo Word/PDF (không nhận ra định dạng tệp)" in _refusal(text)
    plain_zip = tmp_path / "nen.docx"
    with zipfile.ZipFile(plain_zip, "w") as zf:
        zf.writestr("a.txt", "xin chào")
    assert "tệp nén (zip) không chứa văn bản Word" in _refusal(plain_zip)


def test_zip_bombs_are_refused_before_reading(tmp_path, monkeypatch):
    bomb = fx.build_zip_bomb(tmp_path / "bom.docx", megabytes=24)
    assert "tệp nén bất thường (tỷ lệ nén quá lớn" in _refusal(bomb)
    big = fx.minimal_docx(tmp_path / "lon.docx", fx.para("Báo cáo"), extra={"word/media/a.bin": bytes(range(256)) * 8192})
    monkeypatch.setattr(docx_backend, "MAX_UNCOMPRESSED", 1024 * 1024)
    assert "tệp giải nén ra quá lớn (2 MB, giới hạn 1 MB)" in _refusal(big)


def test_external_entities_are_never_resolved_and_entity_bombs_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("BÍ MẬT", encoding="utf-8")
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    body = fx.para("Báo cáo của tỉnh Lào Cai.") + "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
    doc = extract_file(fx.minimal_docx(tmp_path / "xxe.docx", body, prolog=prolog))
    assert [b.text for b in doc.blocks] == ["Báo cáo của tỉnh Lào Cai."]
    laughs = '<!DOCTYPE w:document [<!ENTITY a "hahahahaha">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi")) + "]>"
    body = fx.para("Báo cáo.") + "<w:p><w:r><w:t>&i;</w:t></w:r></w:p>"
    assert "tệp Word bị hỏng" in _refusal(fx.minimal_docx(tmp_path / "bom.docx", body, prolog=laughs))


def test_macro_documents_are_read_without_their_macros(tmp_path):
    docm = fx.minimal_docx(tmp_path / "bao-cao.docm", fx.para("Báo cáo tổng kết của tỉnh Lào Cai."),
                           extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    doc = extract_file(docm)
    assert [b.text for b in doc.blocks] == ["Báo cáo tổng kết của tỉnh Lào Cai."]
    assert doc.warnings[0] == "tệp có macro: macro không được chạy, chỉ đọc phần chữ"


def test_extensions_that_lie_are_ignored(tmp_path, reports):
    fake_pdf = tmp_path / "bao-cao.pdf"
    shutil.copyfile(reports.docx, fake_pdf)
    doc = extract_file(fake_pdf)
    assert doc.format == "docx" and doc.metadata.doc_number == "215/BC-UBND"
    fx.require_tool("soffice")
    fake_docx = tmp_path / "bao-cao-cu.docx"
    shutil.copyfile(reports.doc, fake_docx)
    assert isinstance(sniff(fake_docx, fake_docx.read_bytes()[:8192]), OfficeBackend)


def test_pdf_page_limit_and_pdf_without_text(tmp_path):
    import pypdfium2 as pdfium

    huge = pdfium.PdfDocument.new()
    for _ in range(301):
        huge.new_page(200, 200)
    huge.save(tmp_path / "dai.pdf")
    message = _refusal(tmp_path / "dai.pdf")
    assert "tệp PDF có 301 trang, vượt giới hạn 300 trang của một báo cáo" in message
    blank = pdfium.PdfDocument.new()
    blank.new_page(595, 842)
    blank.save(tmp_path / "trang.pdf")
    assert "tệp không có nội dung chữ nào đọc được" in _refusal(tmp_path / "trang.pdf")


def test_cli_keeps_going_after_a_bad_file(tmp_path, reports):
    empty = tmp_path / "rong.docx"
    empty.write_bytes(b"")
    proc = subprocess.run(["tongket", "extract", str(empty), str(reports.docx)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == f"Lỗi: {empty}: tệp rỗng (0 byte) — xin tỉnh gửi lại báo cáo dạng " \
                                          "Word (.docx, .doc) hoặc PDF"
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith(f"{reports.docx}: docx, ")


def test_unexpected_parser_failures_become_a_message(tmp_path, monkeypatch):
    path = fx.minimal_docx(tmp_path / "la.docx", fx.para("Báo cáo"))

    def explode(*args, **kwargs):
        raise struct_error("bad header")

    struct_error = type("error", (Exception,), {})
    monkeypatch.setattr(docx_backend, "read_docx", explode)
    monkeypatch.delenv("TONGKET_DEBUG", raising=False)
    assert "tệp bị hỏng hoặc có cấu trúc lạ, không đọc được (error)" in _refusal(path)


def test_paths_are_reported_as_given():
    missing = Path("khong/co/tep.pdf")
    with pytest.raises(ExtractionError) as err:
        extract_file(missing)
    assert err.value.render().startswith("khong/co/tep.pdf: ")
