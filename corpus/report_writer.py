"""Write one provincial report's structure to .docx with python-docx.

The structure (`Report`) is plain data decided by corpus.build: header table,
"BÁO CÁO" and title, "Kính gửi", body (headings, paragraphs, statistics tables),
"Nơi nhận" and signature, optional annex tables. Headings are numbered either
with typed labels or with real Word automatic numbering (a numbering definition
added to numbering.xml and numPr on each heading); both print the same labels.
Output bytes are reproducible: fixed core properties and zip timestamps.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from .formats import legacy_runs

# Numbering schemes: per outline level, (Word numFmt, Word lvlText).
SCHEMES = {
    "roman": (("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)")),
    "decimal": (("decimal", "%1."), ("lowerLetter", "%2)")),
    "nested": (("decimal", "%1."), ("decimal", "%1.%2."), ("lowerLetter", "%3)")),
}
_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
TYPED_LETTERS = "abcdđeghiklmn"  # Decree 30 habit: a, b, c, d, đ, e …
WORD_LETTERS = "abcdefghijklm"  # what Word's lowerLetter prints
NUM_ID = 90  # our numbering instance; the template's own ids are lower


@dataclass
class Para:
    text: str
    heading: int = 0  # 0 = body paragraph, else outline level 1..3
    number: str | None = None  # label as printed ("I.", "1.2.", "a)"), set by assign_numbers
    encoding: str = "unicode"  # unicode | tcvn3 | vni (legacy font runs)


@dataclass
class StatTable:
    caption: str
    rows: list[list[str]]
    note: str = ""


@dataclass
class Report:
    issuer: list[str]  # issuing body, top line first
    number: str  # "Số: 215/BC-UBND"
    place_date: str  # "Nghệ An, ngày 15 tháng 7 năm 2020"
    title: str
    addressee: str
    body: list = field(default_factory=list)  # Para | StatTable
    recipients: list[str] = field(default_factory=list)  # first item is "Nơi nhận:"
    signature: list[str] = field(default_factory=list)
    annex: list[StatTable] = field(default_factory=list)
    numbering: str = "typed"  # typed | auto
    scheme: str = "roman"
    signature_table: bool = True
    number_suffix: str = "tab"  # what follows an automatic number: tab | space
    font_size: int = 14
    created: datetime = datetime(2020, 7, 1, 8, 0, 0)

    def texts(self) -> list[str]:
        """Every visible string, for transforms applied to the whole document."""
        out = [*self.issuer, self.number, self.place_date, self.title, self.addressee,
               *self.recipients, *self.signature]
        for item in [*self.body, *self.annex]:
            if isinstance(item, Para):
                out.append(item.text)
            else:
                out.append(item.caption)
                out.extend(cell for row in item.rows for cell in row)
        return out


def assign_numbers(report: Report) -> None:
    """Set the printed label of every heading, the way the chosen mode prints it."""
    formats = SCHEMES[report.scheme]
    letters = WORD_LETTERS if report.numbering == "auto" else TYPED_LETTERS
    counters = [0, 0, 0]
    for item in report.body:
        if not isinstance(item, Para) or not item.heading:
            continue
        level = item.heading - 1
        counters[level] += 1
        for deeper in range(level + 1, 3):
            counters[deeper] = 0
        label = formats[level][1]
        for i in range(level + 1):
            label = label.replace(f"%{i + 1}", _render(formats[i][0], counters[i], letters))
        item.number = label


def _render(fmt: str, value: int, letters: str) -> str:
    if fmt == "upperRoman":
        return _ROMANS[value - 1]
    if fmt == "lowerLetter":
        return letters[value - 1]
    return str(value)


def write_docx(report: Report, path: Path) -> None:
    doc = Document()
    _page_setup(doc, report)
    _header_table(doc, report)
    _title(doc, report)
    if report.numbering == "auto":
        _add_numbering(doc, report)
    for item in report.body:
        if isinstance(item, StatTable):
            _stat_table(doc, item, report)
        elif item.heading:
            _heading(doc, item, report)
        else:
            _body_paragraph(doc, item, report)
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True  # closing line stays with the signature
    _closing(doc, report)
    if report.annex:
        doc.add_page_break()
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, "PHỤ LỤC SỐ LIỆU", report, bold=True)
        for table in report.annex:
            _stat_table(doc, table, report)
    _core_properties(doc, report)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(stable_zip(buffer.getvalue()))


def stable_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed member timestamps so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --- page and furniture ------------------------------------------------------

def _page_setup(doc, report: Report) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(report.font_size)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), "Times New Roman")
    normal.paragraph_format.space_after = Pt(6)
    # Page number at the top from page 2 on (Decree 30 habit).
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))


def _run(paragraph, text: str, report: Report, bold=False, italic=False, encoding="unicode", size=None):
    for piece, font in legacy_runs(text, encoding):
        run = paragraph.add_run(piece)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
        if font:
            run.font.name = font
    return paragraph


def _cell_lines(cell, lines: list[tuple[str, bool, bool]], report: Report, size: int) -> None:
    """Fill a table cell with centred lines (text, bold, italic)."""
    first = True
    for text, bold, italic in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        _run(p, text, report, bold=bold, italic=italic, size=size)


def _layout_table(doc, widths: tuple[float, float]):
    """A borderless one-row, two-column table that never splits across pages."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    return table


def _header_table(doc, report: Report) -> None:
    table = _layout_table(doc, (6.0, 10.5))
    left, right = table.rows[0].cells
    issuer = [(line, i == len(report.issuer) - 1, False) for i, line in enumerate(report.issuer)]
    _cell_lines(left, issuer + [("———", False, False), (report.number, False, False)], report, 13)
    _cell_lines(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
                        ("Độc lập - Tự do - Hạnh phúc", True, False),
                        ("———————————", False, False),
                        (report.place_date, False, True)], report, 13)


def _title(doc, report: Report) -> None:
    for text, bold in (("BÁO CÁO", True), (report.title, True)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0 if text == "BÁO CÁO" else 6)
        if text == "BÁO CÁO":
            p.paragraph_format.space_before = Pt(12)
        _run(p, text, report, bold=bold)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    _run(p, report.addressee, report)


def _body_paragraph(doc, item: Para, report: Report) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1.27)
    _run(p, item.text, report, encoding=item.encoding)


def _heading(doc, item: Para, report: Report) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1.27)
    p.paragraph_format.keep_with_next = True
    italic = item.heading == 3
    if report.numbering == "auto":
        numpr = p._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = item.heading - 1
        numpr.get_or_add_numId().val = NUM_ID
        _run(p, item.text, report, bold=True, italic=italic)
    else:
        _run(p, f"{item.number} {item.text}", report, bold=True, italic=italic)


def _stat_table(doc, table: StatTable, report: Report) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    _run(p, table.caption, report, bold=True)
    t = doc.add_table(rows=len(table.rows), cols=len(table.rows[0]))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            cell = t.cell(r, c)
            cp = cell.paragraphs[0]
            cp.alignment = WD_ALIGN_PARAGRAPH.CENTER
            cp.paragraph_format.space_after = Pt(0)
            _run(cp, value, report, bold=r == 0 or r == len(table.rows) - 1, size=12)
    if table.note:
        p = doc.add_paragraph()
        _run(p, table.note, report, italic=True, size=12)


def _closing(doc, report: Report) -> None:
    recipients = [(line, i == 0, i == 0, 12 if i == 0 else 11) for i, line in enumerate(report.recipients)]
    signature = [(line, True, False) for line in report.signature]
    if report.signature_table:
        table = _layout_table(doc, (8.0, 8.5))
        left, right = table.rows[0].cells
        for i, (text, bold, italic, size) in enumerate(recipients):
            p = left.paragraphs[0] if i == 0 else left.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            _run(p, text, report, bold=bold, italic=italic, size=size)
        _cell_lines(right, _with_signature_gap(signature), report, 14)
        return
    for text, bold, _ in _with_signature_gap(signature):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_after = Pt(0)
        _run(p, text, report, bold=bold)
    for text, bold, italic, size in recipients:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        _run(p, text, report, bold=bold, italic=italic, size=size)


def _with_signature_gap(lines):
    """Blank lines where the signature and stamp go, before the signer's name."""
    if len(lines) < 2:
        return lines
    return lines[:-1] + [("", False, False)] * 3 + lines[-1:]


def _core_properties(doc, report: Report) -> None:
    props = doc.core_properties
    props.author = "Văn thư"
    props.last_modified_by = "Văn thư"
    props.title = report.title
    props.created = report.created
    props.modified = report.created
    props.last_printed = report.created
    props.revision = 1
    props.comments = ""


# --- automatic numbering -------------------------------------------------------

def _add_numbering(doc, report: Report) -> None:
    numbering = doc.part.numbering_part.element
    levels = []
    for ilvl, (fmt, text) in enumerate(SCHEMES[report.scheme]):
        levels.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:suff w:val="{report.number_suffix}"/>'
            f'<w:pPr><w:ind w:left="0" w:firstLine="720"/></w:pPr>'
            f'<w:rPr><w:b/></w:rPr></w:lvl>'
        )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{NUM_ID}">'
        f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{NUM_ID}"><w:abstractNumId w:val="{NUM_ID}"/></w:num>'
    ))
