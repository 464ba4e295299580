"""The excerpt book (trich-doan.docx): every kept excerpt, grouped for editors who read.

Grouping: area, then finding type, then province (official order), then report order. The
editors' corrections are applied and excluded passages are left out. Times New Roman, A4.
"""
from __future__ import annotations

import re

from pathlib import Path

from .coverage import province_rank
from .model import Label, Passage
from .review import location
from .taxonomy import Taxonomy, load_taxonomy
from .workspace import EditorState, Workspace, label_text

FONT = "Times New Roman"
EXCERPT_STYLE = "Trích đoạn"
SOURCE_STYLE = "Nguồn trích đoạn"


def group_excerpts(ws: Workspace, taxonomy: Taxonomy | None = None
                   ) -> dict[str, dict[str, dict[str, list[tuple[Passage, Label]]]]]:
    """area -> finding -> province -> excerpts, every level in reading order."""
    tax = taxonomy or load_taxonomy()
    rank = province_rank()
    items = sorted(ws.effective_labels(), key=lambda pl: (
        rank.get(pl[0].province, len(rank)), pl[0].province or "", pl[0].source, pl[0].block_index,
        (pl[1].sentence_span or (0, 0))[0]))
    groups: dict[str, dict[str, dict[str, list]]] = {a: {f: {} for f in tax.finding_codes} for a in tax.area_codes}
    for passage, label in items:
        by_finding = groups.setdefault(label.area, {f: {} for f in tax.finding_codes})
        by_province = by_finding.setdefault(label.finding, {})
        by_province.setdefault(passage.province or "Chưa xác định tỉnh", []).append((passage, label))
    return groups


def write_excerpt_book(ws: Workspace, out: str | Path, taxonomy: Taxonomy | None = None) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    tax = taxonomy or load_taxonomy()
    groups = group_excerpts(ws, tax)
    states = ws.editor_states()
    book = docx.Document()
    _page_setup(book)
    add = _Appender(book)
    total = sum(len(v) for by_f in groups.values() for by_p in by_f.values() for v in by_p.values())

    title = add("TRÍCH ĐOẠN BÁO CÁO CỦA CÁC TỈNH, THÀNH PHỐ")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    add(f"Tổng kết {tax.cycle.get('program', '')}".strip()).alignment = WD_ALIGN_PARAGRAPH.CENTER
    add(f"Gồm {total} trích đoạn, xếp theo lĩnh vực, loại nội dung và tỉnh, thành phố; đã áp dụng "
        "hiệu đính của Tổ biên tập, không gồm các đoạn bị loại bỏ.", SOURCE_STYLE)

    names = {a.code: a.name for a in tax.areas} | {f.code: f.name for f in tax.findings}
    for area_code, by_finding in groups.items():
        add(f"{area_code}. {names.get(area_code, area_code)}", "Heading 1")
        if not any(by_finding.values()):
            add("Chưa có trích đoạn nào.", SOURCE_STYLE)
            continue
        for finding_code, by_province in by_finding.items():
            if not by_province:
                continue
            add(names.get(finding_code, finding_code), "Heading 2")
            for province, excerpts in by_province.items():
                add(f"{province} ({len(excerpts)})", "Heading 3")
                for passage, label in excerpts:
                    state = states.get(passage.id, EditorState())
                    add(label_text(passage, label), EXCERPT_STYLE)
                    source = source_line(passage) + (" (đã hiệu đính)" if state.corrected else "")
                    if state.note:
                        source += f"\nGhi chú biên tập: {state.note}"
                    add(source, SOURCE_STYLE)

    from .files import atomic_write

    return atomic_write(out, book.save)


def source_line(passage: Passage) -> str:
    return f"Nguồn: {passage.province or 'Chưa xác định tỉnh'} — {passage.source}, {location(passage)}"


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Appender:
    """Adds paragraphs in constant time, writing the XML directly: python-docx's add_paragraph
    rescans the whole body and its run.text setter walks the text character by character."""

    def __init__(self, book):
        from docx.oxml.ns import qn
        from docx.text.paragraph import Paragraph

        self._qn = qn
        self._paragraph = Paragraph
        self._body = book._body
        self._end = book.element.body.sectPr  # paragraphs go just before the section properties
        self._style_ids = {name: book.styles[name].style_id for name in
                           ("Heading 1", "Heading 2", "Heading 3", EXCERPT_STYLE, SOURCE_STYLE)}

    def __call__(self, text: str, style: str | None = None):
        from lxml import etree

        from docx.oxml import OxmlElement

        qn = self._qn
        p = OxmlElement("w:p")  # python-docx's element class; children made below inherit its lookup
        if style:
            ppr = etree.SubElement(p, qn("w:pPr"))
            etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), self._style_ids[style])
        run = etree.SubElement(p, qn("w:r"))
        for i, line in enumerate(_XML_ILLEGAL.sub("", text).split("\n")):
            if i:
                etree.SubElement(run, qn("w:br"))
            t = etree.SubElement(run, qn("w:t"))
            t.text = line
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        self._end.addprevious(p)
        return self._paragraph(p, self._body)


def _page_setup(book) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor, Twips

    for section in book.sections:
        section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
    excerpt = book.styles.add_style(EXCERPT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    excerpt.base_style = book.styles["Normal"]
    excerpt.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    excerpt.paragraph_format.space_after = Pt(2)
    source = book.styles.add_style(SOURCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    source.base_style = book.styles["Normal"]
    source.font.italic = True
    source.font.size = Pt(11)
    source.paragraph_format.space_after = Pt(8)
    sizes = {"Normal": 13, "Heading 1": 14, "Heading 2": 13, "Heading 3": 13}
    for name, size in sizes.items():
        style = book.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(attr), None)
        if name != "Normal":
            style.font.bold = True
            style.font.italic = name == "Heading 3"
            style.font.color.rgb = RGBColor(0, 0, 0)
