"""Build ``bao-cao-tong-ket.docx``, the Word template of the national report (docxtpl).

Run ``python templates/make_template.py`` after changing this file; editors may then restyle
the .docx in Word (styles, fonts, spacing) without touching the Jinja tags.

Formatting follows Decree 30/2020/NĐ-CP: A4; margins top/bottom 22 mm, left 32 mm, right
17 mm (inside the decree's ranges, clear of twip rounding); Times New Roman 14 pt body, justified, first-line indent 1 cm; headings "I." (Heading 1),
"1." (Heading 2), "a)" (Heading 3); page number at the top centre from page 2 (different first
page header); header block as a borderless two-column table. Annexes are a landscape section.

Tags the renderer fills (``pipeline/draft.py``): so_hieu, dia_danh_ngay, ghi_chu_du_thao,
noi_dung (the body is inserted there), cot, so_lieu, tong, canh_bao, bao_cao, chua_bao_cao,
so_chua_bao_cao, nguon, ban_do. The figures table carries the alt-text title
``tongket:so-lieu`` so the renderer can comment each figure with its source.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

FONT = "Times New Roman"
OUT = Path(__file__).resolve().parent / "bao-cao-tong-ket.docx"
FIGURES_TABLE = "tongket:so-lieu"
FIGURE_COLUMNS = 9  # pipeline.figures.KEYS
MARGINS = dict(top=Mm(22), bottom=Mm(22), left=Mm(32), right=Mm(17))
CENTER, RIGHT, LEFT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)


def _fonts(element) -> None:
    """Times New Roman for every script, no theme fonts."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _doc_defaults(doc) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def _style(doc, name: str, size: int, *, bold=False, italic=False, align=JUSTIFY, indent: float | None = None,
           before=0, after=6, base: str | None = None, next_style: str | None = None, keep=False):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = styles[base]
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(style.element)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Cm(indent) if indent else Cm(0)
    fmt.left_indent = Cm(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.15
    fmt.keep_with_next = keep
    if next_style:
        style.next_paragraph_style = styles[next_style]
    return style


def _styles(doc) -> None:
    _doc_defaults(doc)
    _style(doc, "Normal", 14, indent=1.0)
    _style(doc, "Heading 1", 14, bold=True, before=12, after=6, indent=1.0, keep=True, next_style="Normal")
    _style(doc, "Heading 2", 14, bold=True, before=6, after=6, indent=1.0, keep=True, next_style="Normal")
    _style(doc, "Heading 3", 14, bold=True, italic=True, before=6, after=6, indent=1.0, keep=True,
           next_style="Normal")
    _style(doc, "TK Nội dung", 14, indent=1.0, base="Normal")
    _style(doc, "TK Ghi chú", 13, italic=True, indent=1.0, base="Normal")
    _style(doc, "TK Bảng", 11, align=LEFT, after=0, base="Normal")
    _style(doc, "TK Giữa", 14, align=CENTER, after=0, base="Normal")
    for name in ("Header", "Footer"):
        if name in [s.name for s in doc.styles]:
            _style(doc, name, 13, align=CENTER, after=0)


def _page(section, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    section.header_distance = section.footer_distance = Mm(10)


def _page_number(section) -> None:
    """PAGE field at the top centre; the first page has its own, empty header."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    p._p.append(field)
    section.first_page_header.paragraphs[0].text = ""


def _para(container, text: str = "", style: str = "TK Giữa", *, bold=None, italic=None, size=None, align=None,
          page_break=False):
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    if page_break:
        p.paragraph_format.page_break_before = True
    return p


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _caption(table, title: str) -> None:
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), title)
    table._tbl.tblPr.append(caption)


def _cell(cell, text: str, *, style="TK Giữa", bold=None, italic=None, size=None) -> None:
    p = cell.paragraphs[0]
    p.style = style
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)


def _widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _header_block(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _cell(left, "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", bold=True, size=13)
    _para(left, "_______", bold=True, size=13)
    _para(left, "Số: {{ so_hieu }}", size=13)
    _cell(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    _para(right, "_______________________", bold=True, size=13)
    _para(right, "{{ dia_danh_ngay }}", italic=True, size=14)
    _widths(table, [60, 101])


def _signature(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell(left, "Nơi nhận:", style="TK Bảng", bold=True, italic=True, size=12)
    for line in ("- Văn phòng Chính phủ;", "- Các bộ, ngành có liên quan;", "- UBND các tỉnh, thành phố;",
                 "- Lưu: VT, Cục PCTNXH."):
        _para(left, line, "TK Bảng", size=11)
    _cell(right, "KT. BỘ TRƯỞNG", bold=True, size=14)
    _para(right, "THỨ TRƯỞNG", bold=True, size=14)
    for _ in range(4):
        _para(right, "")
    _widths(table, [78, 83])


def _grid(doc, header: list[str], row: list[str], widths: list[float], loop: str,
          total: list[str] | None = None, caption: str | None = None):
    """A table: header row, a docxtpl row loop ({%tr for %} … {%tr endfor %}), an optional total row."""
    rows = 4 + (1 if total else 0)
    table = doc.add_table(rows=rows, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        _cell(cell, text, style="TK Bảng", bold=True)
        cell.paragraphs[0].alignment = CENTER
    _cell(table.rows[1].cells[0], "{%tr for r in " + loop + " %}", style="TK Bảng")
    for cell, text in zip(table.rows[2].cells, row):
        _cell(cell, text, style="TK Bảng")
    _cell(table.rows[3].cells[0], "{%tr endfor %}", style="TK Bảng")
    if total:
        for cell, text in zip(table.rows[4].cells, total):
            _cell(cell, text, style="TK Bảng", bold=True)
    # the header row repeats on each page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    _widths(table, widths)
    if caption:
        _caption(table, caption)
    return table


def _annexes(doc) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    section.different_first_page_header_footer = False  # numbered from its first page on
    _para(doc, "Phụ lục 1", bold=True)
    _para(doc, "SỐ LIỆU CHỦ YẾU GIAI ĐOẠN 2016 - 2020 CỦA CÁC TỈNH, THÀNH PHỐ", bold=True)
    _para(doc, "(Kèm theo Báo cáo số {{ so_hieu }} của Bộ Lao động - Thương binh và Xã hội)", italic=True)
    _para(doc, "")
    header = ["TT", "Tỉnh, thành phố"] + ["{{ cot[%d] }}" % i for i in range(FIGURE_COLUMNS)]
    row = ["{{ r.tt }}", "{{ r.tinh }}"] + ["{{ r.o[%d] }}" % i for i in range(FIGURE_COLUMNS)]
    total = ["", "Tổng cộng"] + ["{{ tong[%d] }}" % i for i in range(FIGURE_COLUMNS)]
    _grid(doc, header, row, [10, 34] + [22.5] * FIGURE_COLUMNS, "so_lieu", total, FIGURES_TABLE)
    _para(doc, "Ghi chú: «–» báo cáo không nêu số liệu; «(*)» số liệu cần kiểm tra. Số liệu lấy từ dòng "
               "tổng cộng của biểu thống kê kèm theo báo cáo; nếu không có biểu thì lấy từ nội dung báo cáo.",
          "TK Bảng", italic=True)
    _para(doc, "Cần kiểm tra số liệu:", "TK Bảng", bold=True)
    _para(doc, "{%p for w in canh_bao %}", "TK Bảng")
    _para(doc, "- {{ w }}", "TK Bảng")
    _para(doc, "{%p endfor %}", "TK Bảng")
    _para(doc, "{%p if not canh_bao %}", "TK Bảng")
    _para(doc, "Không có.", "TK Bảng")
    _para(doc, "{%p endif %}", "TK Bảng")

    _para(doc, "Phụ lục 2", bold=True, page_break=True)
    _para(doc, "DANH SÁCH TỈNH, THÀNH PHỐ GỬI BÁO CÁO", bold=True)
    _para(doc, "")
    _grid(doc, ["TT", "Tỉnh, thành phố", "Tệp báo cáo", "Số, ngày văn bản"],
          ["{{ r.tt }}", "{{ r.tinh }}", "{{ r.tep }}", "{{ r.so_ngay }}"], [12, 50, 106, 80], "bao_cao")
    _para(doc, "")
    _para(doc, "Tỉnh, thành phố chưa gửi báo cáo ({{ so_chua_bao_cao }}): {{ chua_bao_cao }}.", "TK Bảng")

    _para(doc, "Phụ lục 3", bold=True, page_break=True)
    _para(doc, "DANH MỤC NGUỒN TRÍCH DẪN", bold=True)
    _para(doc, "(Mỗi đoạn của dự thảo có ghi chú (comment) nêu tỉnh, tệp, trang, đoạn và nguyên văn câu trích)",
          italic=True)
    _para(doc, "")
    _grid(doc, ["TT", "Tỉnh, thành phố", "Tệp", "Vị trí được trích dẫn", "Số câu"],
          ["{{ r.tt }}", "{{ r.tinh }}", "{{ r.tep }}", "{{ r.vi_tri }}", "{{ r.so_cau }}"],
          [12, 40, 66, 110, 20], "nguon")

    _para(doc, "{%p if ban_do %}")
    _para(doc, "Phụ lục 4", bold=True, page_break=True)
    _para(doc, "MỨC ĐỘ BAO PHỦ NỘI DUNG TỔNG KẾT TRONG BÁO CÁO CÁC TỈNH, THÀNH PHỐ", bold=True)
    _para(doc, "{{ ban_do }}")
    _para(doc, "{%p endif %}")


def build(out: Path = OUT) -> Path:
    doc = Document()
    _styles(doc)
    _page(doc.sections[0])
    _page_number(doc.sections[0])
    props = doc.core_properties
    props.title = "Báo cáo tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016-2020"
    props.author = "tongket"
    props.language = "vi-VN"

    _para(doc, "DỰ THẢO", bold=True, size=14, align=RIGHT)
    _para(doc, "{{ ghi_chu_du_thao }}", italic=True, size=11, align=RIGHT)
    _header_block(doc)
    _para(doc, "")
    _para(doc, "BÁO CÁO", bold=True, size=14)
    _para(doc, "Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016-2020", bold=True)
    _para(doc, "___________", bold=True)
    _para(doc, "")
    _para(doc, "{{ noi_dung }}", "Normal")
    _para(doc, "")
    _signature(doc)
    _annexes(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
