"""Builders for the hostile and broken input files of issue 8, each written in code.

Good reports come from ``corpus/samples/``; everything else is made here: short reports
(Vietnamese text written for these tests), broken, locked, renamed, oversized and
malicious variants. ``hostile_batch`` lays out one mixed inbox and says what each file is.
"""
from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import fixtures as fx

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
SECRET = "NỘI-DUNG-BÍ-MẬT-KHÔNG-ĐƯỢC-ĐỌC"

# Short report bodies, written for these tests (no province named inside).
_BODY_VI = [
    ("I. KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH", [
        "Trong giai đoạn 2016 - 2020, các cơ quan chức năng đã tổ chức 42 buổi nói chuyện chuyên đề về "
        "phòng, chống mại dâm tại các xã, phường có nhiều cơ sở kinh doanh dịch vụ.",
        "Đoàn kiểm tra liên ngành đã kiểm tra 318 lượt cơ sở lưu trú, karaoke và xoa bóp, phát hiện và "
        "xử phạt 17 cơ sở vi phạm với tổng số tiền 265 triệu đồng.",
        "Lực lượng công an đã triệt phá 4 ổ nhóm chứa mại dâm, khởi tố 6 vụ với 9 bị can.",
    ]),
    ("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", [
        "Việc phối hợp giữa các ngành trong kiểm tra cơ sở kinh doanh dịch vụ có lúc chưa thường xuyên.",
        "Nguyên nhân chủ yếu là đội ngũ cán bộ làm công tác phòng, chống mại dâm ở cấp xã còn kiêm nhiệm.",
    ]),
    ("III. ĐỀ XUẤT, KIẾN NGHỊ", [
        "Đề nghị Bộ Lao động - Thương binh và Xã hội bố trí kinh phí tập huấn cho cán bộ cấp xã.",
    ]),
]
_BODY_EN = [
    ("I. RESULTS OF THE PROGRAMME", [
        "During the period the provincial authorities organised forty awareness sessions in communes "
        "with many entertainment venues.",
        "The inter-agency team inspected three hundred venues and fined seventeen of them.",
    ]),
    ("II. SHORTCOMINGS", [
        "Coordination between agencies was sometimes irregular and commune staff lacked training.",
    ]),
]


def short_report(path: Path, *, province: str | None, date: tuple[int, int, int] = (15, 10, 2020),
                 english: bool = False, extra_paragraphs: tuple[str, ...] = ()) -> Path:
    """A small report in the Decree 30 layout; `province=None` names no province anywhere."""
    from docx import Document

    doc = Document()
    day, month, year = date
    if english:
        doc.add_paragraph("PEOPLE'S COMMITTEE")
        doc.add_paragraph(f"No. 12/RPT, {day:02d} {month:02d} {year}")
        doc.add_paragraph("REPORT")
        doc.add_paragraph("Review of the prostitution prevention programme 2016 - 2020")
        body = _BODY_EN
    else:
        doc.add_paragraph(f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}" if province else "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
        doc.add_paragraph("Số: 12/BC-UBND")
        doc.add_paragraph(f"{province or '…'}, ngày {day:02d} tháng {month:02d} năm {year}")
        doc.add_paragraph("BÁO CÁO")
        doc.add_paragraph("Tổng kết Chương trình hành động phòng, chống mại dâm giai đoạn 2016 - 2020")
        body = _BODY_VI
    for heading, paragraphs in body:
        doc.add_paragraph(heading).runs[0].bold = True
        for text in paragraphs:
            doc.add_paragraph(text)
    for text in extra_paragraphs:
        doc.add_paragraph(text)
    doc.save(path)
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated(source: Path, path: Path) -> Path:
    """The first half of a good file, as after a broken download."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def renamed(source: Path, path: Path) -> Path:
    """The same bytes under another extension (a PDF named .docx, a .docx named .pdf)."""
    shutil.copyfile(source, path)
    return path


def redated(source: Path, path: Path, date: tuple[int, int, int]) -> Path:
    """A .docx report re-issued on another date: its 'ngày … tháng … năm …' line rewritten."""
    import re

    from docx import Document

    doc = Document(source)
    day, month, year = date
    pattern = re.compile(r"ngày\s+\d+\s+tháng\s+\d+\s+năm\s+\d{4}")
    paragraphs = list(doc.paragraphs) + [p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for paragraph in paragraphs:
        if pattern.search(paragraph.text):
            new = pattern.sub(f"ngày {day:02d} tháng {month:02d} năm {year}", paragraph.text)
            for run in paragraph.runs[1:]:
                run.text = ""
            paragraph.runs[0].text = new
            break
    else:
        raise AssertionError(f"no date line in {source}")
    doc.save(path)
    return path


def encrypted_pdf(path: Path) -> Path:
    """A PDF protected by an (unknown) user password: the standard security handler, RC4 40-bit."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <" + b"7a" * 32 + b"> /U <" + b"3c" * 32 + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<" % (len(objects) + 1) + b"11" * 16
            + b"> <" + b"11" * 16 + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    path.write_bytes(bytes(out))
    return path


def encrypted_docx(path: Path) -> Path:
    """A password-protected .docx: Word stores it as an OLE2 file with an encrypted package."""
    return fx.build_encrypted_ooxml(path)


def image_scan(path: Path, kind: str) -> Path:
    """One photographed page (JPEG or PNG) with a line of text on it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).text((20, 80), "BAO CAO TONG KET", fill="black")
    image.save(path, kind)
    return path


def docm(path: Path, province: str) -> Path:
    """A macro-enabled Word file: a report plus a VBA project part."""
    short_report(path, province=province)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Sub AutoOpen() End Sub")
    return path


def long_pdf(path: Path, pages: int = 500) -> Path:
    """A PDF of `pages` near-empty pages (cheap to build, long to read if nothing stops it)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(200, 200)
    pdf.save(path)
    pdf.close()
    return path


def zip_bomb(path: Path, megabytes: int = 24) -> Path:
    """A .docx-looking zip with one member expanding to `megabytes` of zeros (ratio ~1000:1)."""
    return fx.build_zip_bomb(path, megabytes=megabytes)


def external_entity_docx(path: Path, secret_file: Path, province: str) -> Path:
    """A report whose document.xml declares an external entity pointing at a local file."""
    secret_file.write_text(SECRET, encoding="utf-8")
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'
    lines = [f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}", "Số: 31/BC-UBND",
             f"{province}, ngày 02 tháng 10 năm 2020", "BÁO CÁO",
             "Tổng kết Chương trình hành động phòng, chống mại dâm giai đoạn 2016 - 2020"]
    body = "".join(fx.para(line) for line in lines)
    for heading, paragraphs in _BODY_VI:
        body += fx.para(heading, bold=True) + "".join(fx.para(text) for text in paragraphs)
    body += "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
    return fx.minimal_docx(path, body, prolog=prolog)


@dataclass
class Batch:
    folder: Path
    good: dict[str, str]  # file name -> province, every one fully processed
    bad: dict[str, str]  # file name -> a fragment its one-line message must contain
    superseded: str  # the older of the two reports of one province
    newer: str
    no_province: str
    not_vietnamese: str
    formula: str  # a report carrying formula-looking text
    secret_file: Path


LEGACY_NAME = b"B\xe1o c\xe1o t\xf4ng k\xeat.docx"  # "Báo cáo tông kêt" saved in Windows-1252: not UTF-8
FORMULA_TEXT = '=HYPERLINK("http://example.invalid/x","Bấm vào đây")'


def hostile_batch(root: Path) -> Batch:
    """Good sample reports mixed with every hostile file of issue 8, in `root/hop-thu`."""
    inbox = root / "hop-thu"
    inbox.mkdir(parents=True)
    sub = inbox / "thư mục con"
    sub.mkdir()
    s = SAMPLES
    apostrophe = "Báo cáo tổng kết Hải Dương 'bản cuối' (UBND).docx"
    shutil.copyfile(s / "BC-199-hai-duong.docx", inbox / apostrophe)
    shutil.copyfile(s / "BC-399-yen-bai.docx", sub / "BC-399-yen-bai.docx")
    renamed(s / "BC-257-thua-thien-hue.pdf", inbox / "thua-thien-hue-la-pdf.docx")
    renamed(s / "binh-phuoc_bao-cao-257.docx", inbox / "binh-phuoc-la-word.pdf")
    shutil.copyfile(s / "hau-giang-bc-tong-ket-pcmd-2016-2020.docx", inbox / "hau-giang-ban-dau.docx")
    redated(s / "hau-giang-bc-tong-ket-pcmd-2016-2020.docx", inbox / "hau-giang-ban-sua.docx", (16, 11, 2020))
    docm(inbox / "lao-cai-co-macro.docm", "Lào Cai")
    external_entity_docx(inbox / "cao-bang-thuc-the.docx", root / "secret.txt", "Cao Bằng")
    short_report(inbox / "bao-cao-khong-ro-noi.docx", province=None, extra_paragraphs=(FORMULA_TEXT,))
    short_report(inbox / "english-report.docx", province=None, english=True)
    raw_name = os.fsdecode(LEGACY_NAME)  # a name saved in a legacy code page: not valid UTF-8
    short_report(inbox / raw_name, province="Bắc Kạn")

    empty(inbox / "rong.docx")
    truncated(s / "soc-trang-bc-tong-ket-pcmd-2016-2020.docx", inbox / "tai-chua-het.docx")
    truncated(s / "BC-257-thua-thien-hue.pdf", inbox / "pdf-bi-cat.pdf")
    encrypted_pdf(inbox / "co-mat-khau.pdf")
    encrypted_docx(inbox / "co-mat-khau.docx")
    image_scan(inbox / "anh-chup-trang-1.jpg", "JPEG")
    image_scan(inbox / "anh-chup-trang-2.png", "PNG")
    long_pdf(inbox / "500-trang.pdf")
    zip_bomb(inbox / "bom-nen.docx")
    (inbox / "lien-ket-ra-ngoai.docx").symlink_to(s / "soc-trang-bc-tong-ket-pcmd-2016-2020.docx")
    os.mkfifo(inbox / "ong-dan.docx")  # a named pipe: reading it would block forever
    return Batch(
        folder=inbox,
        good={apostrophe: "Hải Dương", "thư mục con/BC-399-yen-bai.docx": "Yên Bái",
              "thua-thien-hue-la-pdf.docx": "Thừa Thiên Huế", "binh-phuoc-la-word.pdf": "Bình Phước",
              "hau-giang-ban-dau.docx": "Hậu Giang", "hau-giang-ban-sua.docx": "Hậu Giang",
              "lao-cai-co-macro.docm": "Lào Cai", "cao-bang-thuc-the.docx": "Cao Bằng",
              "bao-cao-khong-ro-noi.docx": "", LEGACY_NAME.decode("utf-8", "replace"): "Bắc Kạn"},
        bad={"rong.docx": "tệp rỗng (0 byte)",
             "tai-chua-het.docx": "tải về chưa hết",
             "pdf-bi-cat.pdf": "tệp PDF bị hỏng hoặc tải về chưa hết",
             "co-mat-khau.pdf": "tệp PDF được đặt mật khẩu",
             "co-mat-khau.docx": "tệp Word được đặt mật khẩu",
             "anh-chup-trang-1.jpg": "tệp là ảnh JPEG",
             "anh-chup-trang-2.png": "tệp là ảnh PNG",
             "500-trang.pdf": "tệp PDF có 500 trang, vượt giới hạn 300 trang",
             "bom-nen.docx": "tệp nén bất thường",
             "english-report.docx": "không phải tiếng Việt",
             "lien-ket-ra-ngoai.docx": "là liên kết trỏ ra ngoài thư mục báo cáo nên không được đọc",
             "ong-dan.docx": "không phải một tệp thông thường nên không được đọc"},
        superseded="hau-giang-ban-dau.docx", newer="hau-giang-ban-sua.docx",
        no_province="bao-cao-khong-ro-noi.docx", not_vietnamese="english-report.docx",
        formula="bao-cao-khong-ro-noi.docx", secret_file=root / "secret.txt",
    )


__all__ = ["Batch", "FORMULA_TEXT", "SAMPLES", "SECRET", "docm", "empty", "encrypted_docx", "encrypted_pdf",
           "external_entity_docx", "hostile_batch", "image_scan", "long_pdf", "redated", "renamed",
           "LEGACY_NAME", "short_report", "truncated", "zip_bomb"]
