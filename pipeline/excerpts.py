"""The excerpt book (trich-doan.docx): every kept excerpt, grouped for editors who read.

Grouping: area, then finding type, then province (official order), then report order. The
editors' corrections are applied and excluded passages are left out. Times New Roman, A4.
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

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

    tax = taxonomy or load_taxonomy()
    groups = group_excerpts(ws, tax)
    states = ws.editor_states()
    book = docx.Document()
    _page_setup(book)
    add = _Appender(book)
    total = sum(len(v) for by_f in groups.values() for by_p in by_f.values() for v in by_p.values())

    add("TRÍCH ĐOẠN BÁO CÁO CỦA CÁC TỈNH, THÀNH PHỐ", centre=True, bold=True)
    add(f"Tổng kết {tax.cycle.get('program', '')}".strip(), centre=True)
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
    add.insert()

    from .files import atomic_write

    return atomic_write(out, book.save)


def source_line(passage: Passage) -> str:
    return f"Nguồn: {passage.province or 'Chưa xác định tỉnh'} — {passage.source}, {location(passage)}"


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Appender:
    """Collects paragraphs as WordprocessingML and adds them to the body in one parse: building
    sixteen thousand paragraphs element by element (or with python-docx's add_paragraph, which
    rescans the body each time) took most of the book's time."""

    def __init__(self, book):
        self._book = book
        self._style_ids = {name: book.styles[name].style_id for name in
                           ("Heading 1", "Heading 2", "Heading 3", EXCERPT_STYLE, SOURCE_STYLE)}
        self._parts: list[str] = []

    def __call__(self, text: str, style: str | None = None, centre: bool = False, bold: bool = False) -> None:
        props = (f'<w:pStyle w:val="{escape(self._style_ids[style], _QUOTE)}"/>' if style else "") + (
            '<w:jc w:val="center"/>' if centre else "")
        lines = [f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in _XML_ILLEGAL.sub("", text).split("\n")]
        self._parts.append(("<w:p>" + (f"<w:pPr>{props}</w:pPr>" if props else "") + "<w:r>"
                            + ("<w:rPr><w:b/></w:rPr>" if bold else "") + "<w:br/>".join(lines) + "</w:r></w:p>"))

    def insert(self) -> None:
        """Put the collected paragraphs before the section properties, in order."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        body = parse_xml(f"<w:body {nsdecls('w')}>{''.join(self._parts)}</w:body>")
        end = self._book.element.body.sectPr
        for paragraph in list(body):
            end.addprevious(paragraph)
        self._parts = []


_QUOTE = {'"': "&quot;"}


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
