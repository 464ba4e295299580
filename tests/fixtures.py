"""Builders for realistic provincial report files, used by the extraction tests and the bench.

`build_report_docx` writes a report the way provinces write them (Decree 30 layout:
header table, title, "Kính gửi", Word auto-numbered headings defined in a real
numbering part and inherited through heading styles, bold typed "a)" headings,
bullets, a statistics table, a tracked change, a text box, soft line breaks,
runs typed in TCVN3 and VNI fonts, "Nơi nhận" and signature table, running header
and page-number footer). The other builders derive PDFs, scans and .doc files
from it with LibreOffice, pdftoppm and Pillow. All text here is invented.
"""
from __future__ import annotations

import copy
import shutil
import struct
import subprocess
import tempfile
import zipfile
from pathlib import Path

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_WPS = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)

# Paragraph texts, kept here so tests can assert them exactly.
INTRO = (
    "Thực hiện Kế hoạch số 629/QĐ-LĐTBXH ngày 05/6/2020 của Bộ Lao động - Thương binh và Xã hội "
    "về tổng kết Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020, Ủy ban nhân dân tỉnh {province} "
    "báo cáo kết quả thực hiện như sau:"
)
DIRECTION = (
    "Ngay sau khi Chương trình được phê duyệt, Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội của tỉnh "
    "đã tham mưu cho Ủy ban nhân dân tỉnh ban hành 12 kế hoạch thực hiện hằng năm, phân công rõ trách nhiệm "
    "của từng sở, ngành và Ủy ban nhân dân các huyện, thành phố, thị xã; việc lồng ghép công tác phòng, chống "
    "mại dâm với phòng, chống ma túy và mua bán người được chú trọng ngay từ khâu xây dựng kế hoạch."
)
DOCUMENTS = "Trong 05 năm, tỉnh đã ban hành các văn bản chỉ đạo chủ yếu sau đây:"
BULLETS = [
    "Kế hoạch số 15/KH-UBND ngày 20/01/2016 về thực hiện Chương trình giai đoạn 2016 - 2020;",
    "Chỉ thị số 07/CT-UBND ngày 12/4/2017 về tăng cường kiểm tra các cơ sở kinh doanh dịch vụ;",
]
SUB_BULLET = "Các sở, ngành xây dựng kế hoạch riêng theo chức năng, nhiệm vụ."
TRACKED = "Năm 2019, Đoàn kiểm tra liên ngành của tỉnh đã kiểm tra việc thực hiện Chương trình tại 12 huyện, thành phố, thị xã."
SOFT_BREAK = ("Các cơ quan báo, đài của tỉnh đã đăng 320 tin, bài", "và phát 45 phóng sự chuyên đề về phòng, chống mại dâm.")
TEXTBOX = "Đường dây nóng 111 đã tiếp nhận 56 cuộc gọi liên quan đến mại dâm và mua bán người."
MEDIA = (
    "Đài Phát thanh và Truyền hình tỉnh duy trì chuyên mục pháp luật hằng tuần, trong đó nhiều số phát sóng "
    "giới thiệu quy định của Pháp lệnh phòng, chống mại dâm và tác hại của tệ nạn mại dâm đối với gia đình, xã hội."
)
COMMUNITY = (
    "Các hội, đoàn thể đã tổ chức 150 hội nghị tuyên truyền tại cộng đồng cho khoảng 18.500 lượt người tham dự, "
    "in và cấp phát 20.000 tờ rơi, dựng 35 pano, áp phích tại các tuyến đường chính."
)
NUMBERED_A = ["Kiểm tra 1.234 lượt cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm.",
              "Xử phạt vi phạm hành chính 45 cơ sở với tổng số tiền 3,5 tỷ đồng."]
NUMBERED_B = ["Triệt phá 9 đường dây, ổ nhóm hoạt động mại dâm.",
              "Khởi tố 14 vụ, 23 bị can về các tội chứa mại dâm và môi giới mại dâm."]
NUMBERED_C = ["Tước giấy phép kinh doanh có thời hạn đối với 3 cơ sở.",
              "Đình chỉ hoạt động 2 cơ sở karaoke vi phạm nhiều lần."]
TABLE_ROWS = [
    ["Năm", "Số lượt kiểm tra", "Số cơ sở vi phạm", "Tiền phạt (triệu đồng)"],
    ["2016", "210", "9", "520"],
    ["2017", "236", "11", "610"],
    ["2018", "248", "8", "700"],
    ["2019", "265", "10", "830"],
    ["2020", "275", "7", "840"],
    ["Tổng cộng", "1.234", "45", "3.500"],
]
AFTER_TABLE = "Số cơ sở vi phạm giảm dần qua các năm, cho thấy hiệu quả của việc kiểm tra thường xuyên, đột xuất."
SHORTCOMING = (
    "Công tác phối hợp giữa các ngành trong kiểm tra, xử lý vi phạm có lúc còn thiếu chặt chẽ; việc theo dõi "
    "người bán dâm sau khi bị xử lý chưa được duy trì thường xuyên."
)
LEGACY_PREFIX = "Đáng chú ý, "
TCVN3_TEXT = "một số huyện chưa bố trí kinh phí cho hoạt động phòng, chống mại dâm."
CAUSE = "Nguyên nhân chủ yếu là do hoạt động mại dâm ngày càng tinh vi, lợi dụng mạng xã hội để môi giới."
VNI_TEXT = "Lực lượng làm công tác phòng, chống tệ nạn xã hội ở cấp xã còn mỏng và thường xuyên thay đổi."
PROPOSALS = [
    "Đề nghị Bộ Lao động - Thương binh và Xã hội sớm tham mưu sửa đổi Pháp lệnh phòng, chống mại dâm năm 2003;",
    "Đề nghị bố trí kinh phí trung ương hỗ trợ các tỉnh thực hiện mô hình hỗ trợ người bán dâm hòa nhập cộng đồng.",
]
CLOSING = "Trên đây là báo cáo tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020 của tỉnh./."
FILLER = (
    "Trong giai đoạn {year}, các lực lượng chức năng tiếp tục rà soát địa bàn, nắm chắc số cơ sở kinh doanh dịch vụ "
    "nhạy cảm, kịp thời phát hiện và xử lý các hành vi lợi dụng hoạt động kinh doanh để che giấu mại dâm; "
    "kết quả được tổng hợp định kỳ gửi Ban Chỉ đạo tỉnh để theo dõi, chỉ đạo."
)
RUNNING_HEADER = "Báo cáo tổng kết Chương trình phòng, chống mại dâm 2016 - 2020"

HEADINGS = {
    "I": "KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH",
    "1": "Công tác chỉ đạo, điều hành",
    "1.1": "Ban hành văn bản chỉ đạo",
    "1.2": "Kiểm tra, giám sát",
    "2": "Công tác thông tin, tuyên truyền",
    "a": "Tuyên truyền trên báo, đài",
    "b": "Tuyên truyền tại cộng đồng",
    "3": "Kiểm tra, xử lý vi phạm",
    "II": "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    "II.1": "Tồn tại, hạn chế",
    "II.2": "Nguyên nhân",
    "III": "ĐỀ XUẤT, KIẾN NGHỊ",
}

_NUMBERING_XML = f"""<w:numbering {nsdecls('w')}>
  <w:abstractNum w:abstractNumId="10">
    <w:multiLevelType w:val="multilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:pStyle w:val="Heading1"/>
      <w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/>
      <w:lvlText w:val="%2."/><w:lvlJc w:val="left"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading3"/>
      <w:lvlText w:val="%2.%3."/><w:lvlJc w:val="left"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="20">
    <w:multiLevelType w:val="hybridMultilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/><w:lvlJc w:val="left"/>
      <w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="+"/><w:lvlJc w:val="left"/>
      <w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="30">
    <w:multiLevelType w:val="singleLevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>
      <w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="30"/></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="30"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
  <w:num w:numId="5"><w:abstractNumId w:val="30"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
</w:numbering>"""


def _set_numbering(doc) -> None:
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(_NUMBERING_XML):
        numbering.append(copy.deepcopy(child))
    # Heading styles carry the numbering: paragraphs inherit it through their style.
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        ppr = style.element.get_or_add_pPr()
        ppr.append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level - 1}"/><w:numId w:val="1"/></w:numPr>'
        ))
        font = style.font
        font.name, font.size, font.bold, font.italic = "Times New Roman", Pt(14), True, level == 3
        font.color.rgb = None
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if rfonts is not None and rfonts.get(qn(attr)) is not None:
                del rfonts.attrib[qn(attr)]
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)


def _numbered(doc, text: str, num_id: int, ilvl: int = 0):
    p = doc.add_paragraph(text)
    p.paragraph_format.first_line_indent = Cm(0)
    ppr = p._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def _bold(doc, text: str):
    p = doc.add_paragraph()
    p.add_run(text).bold = True
    return p


def _legacy_run(paragraph, text: str, font: str) -> None:
    run = paragraph.add_run(text)
    rfonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), font)


def _borderless_table(doc, cells: list[list[list[tuple[str, dict]]]]):
    """A layout table: each cell is a list of (text, formatting) paragraphs."""
    table = doc.add_table(rows=len(cells), cols=len(cells[0]))
    for r, row in enumerate(cells):
        for c, paras in enumerate(row):
            cell = table.cell(r, c)
            for k, (text, fmt) in enumerate(paras):
                p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
                p.alignment = fmt.get("align", WD_ALIGN_PARAGRAPH.CENTER)
                p.paragraph_format.first_line_indent = Cm(0)
                run = p.add_run(text)
                run.bold, run.italic = fmt.get("bold"), fmt.get("italic")
                if fmt.get("size"):
                    run.font.size = Pt(fmt["size"])
    return table


def _page_field_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for xml in (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f'<w:r {nsdecls("w")}><w:t>1</w:t></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p._p.append(parse_xml(xml))


def _tracked_paragraph(doc):
    """TRACKED with "10" deleted and "12" inserted as tracked changes."""
    before, after = TRACKED.split("12")
    p = doc.add_paragraph(before)
    p._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="91" w:author="Sở LĐTBXH" w:date="2020-07-10T08:00:00Z">'
        f'<w:r><w:delText>10</w:delText></w:r></w:del>'
    ))
    p._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="92" w:author="Sở LĐTBXH" w:date="2020-07-10T08:00:00Z">'
        f'<w:r><w:t>12</w:t></w:r></w:ins>'
    ))
    p.add_run(after)
    return p


def _textbox_paragraph(doc, text: str):
    """A paragraph anchoring a text box, written the way Word does (DrawingML choice + VML fallback)."""
    p = doc.add_paragraph()
    box = f'<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>'
    p._p.append(parse_xml(
        f'<w:r {nsdecls("w", "wp", "a")} {_MC_WPS}><mc:AlternateContent><mc:Choice Requires="wps">'
        f'<w:drawing><wp:inline><wp:extent cx="4000000" cy="500000"/><wp:docPr id="7" name="Hộp chữ 7"/>'
        f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:txbx>{box}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>'
        f'</wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape style="width:315pt;height:40pt">'
        f'<v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
    ))
    return p


def build_report_docx(path: str | Path, *, province: str = "Nghệ An", doc_number: str = "215/BC-UBND",
                      date: tuple[int, int, int] = (15, 7, 2020), filler_pages: int = 0,
                      legacy: bool = True, tracked: bool = True) -> Path:
    """Write a provincial report .docx; `filler_pages` adds about that many pages of body text.

    LibreOffice prints tracked changes with both versions visible, so documents meant
    for rendering to PDF are built with `tracked=False` (the accepted text, plainly).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = RUNNING_HEADER
    section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field_footer(section)

    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)
    normal.paragraph_format.first_line_indent = Cm(1)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _set_numbering(doc)

    day, month, year = date
    place = province.replace("Thành phố ", "")
    _borderless_table(doc, [
        [[("ỦY BAN NHÂN DÂN", {"size": 13}), (f"TỈNH {province.upper()}", {"bold": True, "size": 13})],
         [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True, "size": 13}),
          ("Độc lập - Tự do - Hạnh phúc", {"bold": True})]],
        [[(f"Số: {doc_number}", {})],
         [(f"{place}, ngày {day} tháng {month} năm {year}", {"italic": True})]],
    ])
    for text in ("BÁO CÁO", "Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020"):
        p = _bold(doc, text)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Cm(0)
    p = doc.add_paragraph("Kính gửi: Bộ Lao động - Thương binh và Xã hội")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(INTRO.format(province=province))

    doc.add_paragraph(HEADINGS["I"], style="Heading 1")
    doc.add_paragraph(HEADINGS["1"], style="Heading 2")
    doc.add_paragraph(DIRECTION)
    doc.add_paragraph(HEADINGS["1.1"], style="Heading 3")
    doc.add_paragraph(DOCUMENTS)
    for text in BULLETS:
        _numbered(doc, text, 2, 0)
    _numbered(doc, SUB_BULLET, 2, 1)
    doc.add_paragraph(HEADINGS["1.2"], style="Heading 3")
    if tracked:
        _tracked_paragraph(doc)
    else:
        doc.add_paragraph(TRACKED)
    for k in range(filler_pages * 4):
        doc.add_paragraph(FILLER.format(year=2016 + k % 5))
    doc.add_paragraph(HEADINGS["2"], style="Heading 2")
    p = doc.add_paragraph(SOFT_BREAK[0])
    p.add_run().add_break()
    p.add_run(SOFT_BREAK[1])
    _textbox_paragraph(doc, TEXTBOX)
    _bold(doc, f"a) {HEADINGS['a']}")
    doc.add_paragraph(MEDIA)
    _bold(doc, f"b) {HEADINGS['b']}")
    doc.add_paragraph(COMMUNITY)
    doc.add_paragraph(HEADINGS["3"], style="Heading 2")
    for text in NUMBERED_A:
        _numbered(doc, text, 3)
    table = doc.add_table(rows=len(TABLE_ROWS), cols=len(TABLE_ROWS[0]))
    table.style = "Table Grid"
    for r, row in enumerate(TABLE_ROWS):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.paragraphs[0].paragraph_format.first_line_indent = Cm(0)
            cell.paragraphs[0].add_run(text).bold = r == 0
    doc.add_paragraph(AFTER_TABLE)
    for text in NUMBERED_B:  # restarts at 1 (startOverride on a new num of the same list)
        _numbered(doc, text, 4)
    for text in NUMBERED_C:  # starts at 7 (startOverride 7)
        _numbered(doc, text, 5)

    doc.add_paragraph(HEADINGS["II"], style="Heading 1")
    doc.add_paragraph(HEADINGS["II.1"], style="Heading 2")
    doc.add_paragraph(SHORTCOMING)
    p = doc.add_paragraph(LEGACY_PREFIX)
    if legacy:
        from pipeline.vietnamese import encode_tcvn3, encode_vni

        _legacy_run(p, encode_tcvn3(TCVN3_TEXT), ".VnTime")
    else:
        p.add_run(TCVN3_TEXT)
    doc.add_paragraph(HEADINGS["II.2"], style="Heading 2")
    doc.add_paragraph(CAUSE)
    p = doc.add_paragraph()
    if legacy:
        _legacy_run(p, encode_vni(VNI_TEXT), "VNI-Times")
    else:
        p.add_run(VNI_TEXT)
    doc.add_paragraph(HEADINGS["III"], style="Heading 1")
    for text in PROPOSALS:
        doc.add_paragraph(f"- {text}")
    doc.add_paragraph(CLOSING)

    left = {"align": WD_ALIGN_PARAGRAPH.LEFT, "size": 12}
    _borderless_table(doc, [[
        [("Nơi nhận:", {**left, "bold": True, "italic": True}), ("- Bộ Lao động - TB&XH;", left),
         ("- Chủ tịch, các PCT UBND tỉnh;", left), ("- Lưu: VT, VX.", left)],
        [("TM. ỦY BAN NHÂN DÂN", {"bold": True}), ("KT. CHỦ TỊCH", {"bold": True}),
         ("PHÓ CHỦ TỊCH", {"bold": True}), ("(Đã ký)", {"italic": True}), ("Lê Thị Hoa", {"bold": True})],
    ]])
    doc.save(path)
    return path


# --- conversions --------------------------------------------------------------

_PROFILE: list[str] = []  # one LibreOffice profile for the whole test session (created once)


def soffice_convert(paths: list[Path], target: str, outdir: Path) -> list[Path]:
    """Convert files with LibreOffice headless in one run; returns the output paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not _PROFILE:
        _PROFILE.append(tempfile.mkdtemp(prefix="tongket-test-lo-"))
    subprocess.run(
        [soffice, f"-env:UserInstallation={Path(_PROFILE[0]).as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(outdir), *map(str, paths)],
        check=True, capture_output=True, timeout=300,
    )
    ext = target.split(":")[0]
    outs = [outdir / f"{Path(p).stem}.{ext}" for p in paths]
    for out in outs:
        assert out.exists(), f"LibreOffice did not produce {out}"
    return outs


def rasterise_pdf(pdf: Path, out: Path, *, dpi: int = 200, first: int = 1, last: int | None = None,
                  rotate: float = 0.0) -> Path:
    """A scanned copy of a PDF: pages rendered by pdftoppm, slightly rotated, saved as image-only PDF."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="tongket-test-scan-") as tmp:
        cmd = ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(first)]
        if last is not None:
            cmd += ["-l", str(last)]
        subprocess.run([*cmd, str(pdf), f"{tmp}/page"], check=True, capture_output=True, timeout=300)
        images = []
        for page in sorted(Path(tmp).glob("page*.pgm")):
            img = Image.open(page).convert("L")
            if rotate:
                img = img.rotate(rotate, resample=Image.BICUBIC, expand=False, fillcolor=255)
            images.append(img)
        images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return out


# --- deliberately bad inputs ------------------------------------------------

def build_encrypted_ooxml(path: Path) -> Path:
    """An OLE2 compound file laid out like a password-protected .docx (EncryptionInfo + EncryptedPackage)."""
    return build_ole(path, ["EncryptionInfo", "EncryptedPackage"])


def build_ole(path: Path, streams: list[str]) -> Path:
    """An OLE2 compound file whose directory lists empty streams with these names (at most three)."""
    sector, end, free = 512, 0xFFFFFFFE, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9)  # minor, major, byte order, sector shift
    struct.pack_into("<H", header, 0x20, 6)  # mini sector shift
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 4096)  # FAT sectors, first dir sector, txn, cutoff
    struct.pack_into("<IIII", header, 0x3C, end, 0, end, 0)  # mini FAT, DIFAT
    difat = [0] + [free] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = [0xFFFFFFFD, end] + [free] * 126  # sector 0 = FAT, sector 1 = directory

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        e = bytearray(128)
        e[: len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1)
        struct.pack_into("<III", e, 68, free, right, child)
        struct.pack_into("<II", e, 116, end, 0)
        return bytes(e)

    directory = entry("Root Entry", 5, child=1)
    for k, name in enumerate(streams):
        directory += entry(name, 2, right=k + 2 if k + 1 < len(streams) else free)
    directory += b"\0" * (sector - len(directory))
    path.write_bytes(bytes(header) + struct.pack("<128I", *fat) + directory)
    return path


def build_zip_bomb(path: Path, megabytes: int = 210) -> Path:
    """A .docx-looking zip whose one member expands to `megabytes` of zeros."""
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}"><w:body/></w:document>')
        with zf.open("word/media/padding.bin", "w", force_zip64=True) as fh:
            for _ in range(megabytes):
                fh.write(chunk)
    return path


# --- session cache --------------------------------------------------------------

def require_tool(*names: str) -> None:
    """Skip the calling test when an external program it needs is not installed."""
    import pytest

    for name in names:
        if name == "soffice":
            if not (shutil.which("soffice") or shutil.which("libreoffice")):
                pytest.skip("LibreOffice (soffice) is not installed")
        elif not shutil.which(name):
            pytest.skip(f"{name} is not installed")


class ReportFiles:
    """The fixture report in every format, each built (and extracted) at most once per session.

    With one page of filler the PDF has four pages: the statistics table breaks
    across pages 2 and 3 and the signer's name falls on page 4.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[str, Path] = {}
        self._documents: dict[str, object] = {}

    def _once(self, key: str, build) -> Path:
        if key not in self._built:
            self._built[key] = build()
        return self._built[key]

    @property
    def docx(self) -> Path:
        """The report as a province sends it (with a tracked change)."""
        return self._once("docx", lambda: build_report_docx(self.root / "nghe-an-bao-cao.docx", filler_pages=1))

    @property
    def printable(self) -> Path:
        """The same report with the tracked change accepted, the source of every conversion."""
        return self._once("printable", lambda: build_report_docx(self.root / "print" / "nghe-an.docx",
                                                                 filler_pages=1, tracked=False))

    def _convert(self, key: str, target: str) -> Path:
        require_tool("soffice")
        return self._once(key, lambda: soffice_convert([self.printable], target, self.root / key)[0])

    @property
    def pdf(self) -> Path:
        return self._convert("pdf", "pdf")

    @property
    def doc(self) -> Path:
        return self._convert("doc", "doc:MS Word 97")

    @property
    def odt(self) -> Path:
        return self._convert("odt", "odt")

    @property
    def rtf(self) -> Path:
        return self._convert("rtf", "rtf")

    @property
    def scan(self) -> Path:
        """The first two pages of the PDF, printed and scanned at 200 dpi, slightly skewed."""
        pdf = self.pdf
        require_tool("pdftoppm")
        return self._once("scan", lambda: rasterise_pdf(pdf, self.root / "scan.pdf", dpi=200, first=1, last=2,
                                                        rotate=0.4))

    def document(self, kind: str):
        """extract_file() of one format, cached: "docx", "pdf", "scan", "doc", "odt", "rtf"."""
        if kind not in self._documents:
            from extractors import extract_file

            path = getattr(self, kind)
            if kind == "scan":
                require_tool("tesseract")
            self._documents[kind] = extract_file(path)
        return self._documents[kind]


# --- hand-written .docx packages ----------------------------------------------

def minimal_docx(path: Path, body: str, *, numbering: str | None = None, styles: str | None = None,
                 extra: dict[str, bytes | str] | None = None, prolog: str = "") -> Path:
    """A .docx written part by part: `body` is the XML inside w:body (w prefix declared).

    `numbering` and `styles` are the inner XML of w:numbering and w:styles; `extra`
    adds parts verbatim; `prolog` goes before the document element (e.g. a DOCTYPE).
    """
    ns = f'xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    rels = ['<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/>']
    doc_rels = []
    types = ['<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.wordprocessingml.document.main+xml"/>']
    parts: dict[str, bytes | str] = {
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document {ns}><w:body>{body}'
                             f'</w:body></w:document>',
    }
    if numbering is not None:
        parts["word/numbering.xml"] = f'<w:numbering {ns}>{numbering}</w:numbering>'
        doc_rels.append('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        'relationships/numbering" Target="numbering.xml"/>')
    if styles is not None:
        parts["word/styles.xml"] = f'<w:styles {ns}>{styles}</w:styles>'
        doc_rels.append('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        'relationships/styles" Target="styles.xml"/>')
    rel_ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    parts["_rels/.rels"] = f'<Relationships {rel_ns}>{"".join(rels)}</Relationships>'
    parts["word/_rels/document.xml.rels"] = f'<Relationships {rel_ns}>{"".join(doc_rels)}</Relationships>'
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{"".join(types)}</Types>'
    )
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def para(text: str, *, num: tuple[int, int] | None = None, style: str | None = None, bold: bool = False) -> str:
    """One w:p of body XML."""
    ppr = ""
    if style or num:
        inner = f'<w:pStyle w:val="{style}"/>' if style else ""
        if num:
            inner += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        ppr = f"<w:pPr>{inner}</w:pPr>"
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
