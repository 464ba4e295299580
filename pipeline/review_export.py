"""Writing the review workbook (ra-soat.xlsx) with xlsxwriter.

The layout is the contract ``review.import_workbook`` (openpyxl) reads back: the main sheet
``Rà soát`` with ``review.HEADER``, a read-only sheet per area, the summary, the coverage sheet,
``Cần xem lại`` when some corrections need a look, the hidden ``Danh mục`` lists behind the
dropdowns and the very hidden ``_tongket`` sheet with the batch id and the editor columns as
exported. No text is ever a formula; text starting with ``=``, ``+``, ``-`` or ``@`` also gets
Excel's quote prefix, as when typed with a leading apostrophe.

xlsxwriter writes the whole workbook — styles, column widths, frozen panes, filters, dropdowns,
conditional colours, protection, hidden sheets — except the data rows of the three big kinds of
sheet (the main sheet, the area sheets, ``_tongket``: 200,000 cells for a 63-report batch, which
xlsxwriter's per-cell bookkeeping took 3 s to write). Those rows are ``BulkSheet``s: formatted
here as the worksheet XML xlsxwriter itself would write, with the styles xlsxwriter assigned,
as inline strings, and put into the sheet's ``<sheetData>`` once the file is closed (``splice``).
"""
from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

from .coverage import coverage_matrix, write_coverage_sheet
from .review import (COVERAGE_SHEET, FIELD_NAMES, FLAGGED_SHEET, FORMULA_STARTS, GUIDE, HEADER,
                     ILLEGAL_CHARACTERS_RE, LISTS_SHEET, MAIN_SHEET, META_FIRST_ROW, META_HEADER, META_SHEET,
                     SUMMARY_SHEET, WIDTHS, ExcerptRow, _choice, _effective, _sheet_title, _text_hash, excerpt_rows,
                     location)
from .taxonomy import Taxonomy, load_taxonomy
from .workspace import EXCLUDED_MARK, Workspace, now

OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
COMPRESSION = 1  # zlib level of the rewritten parts: the rows are 90 % of the work, level 6 doubles it


def cell_text(value: str) -> str:
    """Text as stored: no control characters, line ends as an XML reader gives them back."""
    return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


class Cells:
    """Writes typed values into one worksheet: numbers as numbers, text always as text.

    ``formats`` are per column; ``quoted`` the same formats with the quote prefix, used for text
    that looks like a formula (``quote`` for the columns without a format)."""

    def __init__(self, sheet, quote, formats: list | None = None, quoted: list | None = None):
        self.sheet = sheet
        self.quote = quote
        self.formats = formats or []
        self.quoted = quoted or []

    def row(self, row: int, values: list, fmt=None) -> None:
        sheet = self.sheet
        for col, value in enumerate(values):
            style = fmt or (self.formats[col] if col < len(self.formats) else None)
            if value is None or value == "":
                if style is not None:
                    sheet.write_blank(row, col, None, style)
            elif isinstance(value, str):
                text = cell_text(value)
                if text.startswith(FORMULA_STARTS) and fmt is None:
                    style = self.quoted[col] if col < len(self.quoted) else self.quote
                sheet.write_string(row, col, text, style)
            else:
                sheet.write_number(row, col, value, style)


class BulkSheet:
    """A sheet whose header rows xlsxwriter writes and whose data rows are spliced in after."""

    def __init__(self, cells: Cells, first: int, formats: list, quoted: list):
        self.cells = cells
        self.sheet = cells.sheet
        self.first = first  # zero-based index of the first data row
        self.formats, self.quoted = formats, quoted
        self.rows: list[list] = []
        # register the formats with xlsxwriter (a row that the splice removes again)
        for col, fmt in enumerate(formats + quoted):
            self.sheet.write_blank(first, col, None, fmt)

    def xml(self, texts: dict[str, tuple[str, bool]]) -> str:
        """The data rows, as xlsxwriter writes cells (styles are known once the book is closed).
        ``texts`` caches each distinct text's XML (the area sheets repeat the main sheet's)."""
        styles, quoted = [_style(f) for f in self.formats], [_style(f) for f in self.quoted]
        letters = [_column_letter(c) for c in range(len(styles))]
        out: list[str] = []
        add = out.append
        for number, values in enumerate(self.rows, start=self.first + 1):
            add(f'<row r="{number}">')
            for col, value in enumerate(values):
                if value is None or value == "":
                    if styles[col]:
                        add(f'<c r="{letters[col]}{number}" s="{styles[col]}"/>')
                elif isinstance(value, str):
                    found = texts.get(value)
                    if found is None:
                        text = cell_text(value)
                        found = texts[value] = (_xml_text(text), text.startswith(FORMULA_STARTS))
                    add(f'<c r="{letters[col]}{number}" s="{quoted[col] if found[1] else styles[col]}" '
                        f't="inlineStr"><is>{found[0]}</is></c>')
                else:
                    add(f'<c r="{letters[col]}{number}" s="{styles[col]}"><v>{value:.16G}</v></c>')
            add("</row>")
        return "".join(out)

    @property
    def part(self) -> str:
        return f"xl/worksheets/sheet{self.sheet.index + 1}.xml"

    @property
    def dimension(self) -> str:
        return f"A1:{_column_letter(len(self.formats) - 1)}{self.first + len(self.rows)}"


def _style(fmt) -> int:
    """The style number xlsxwriter gave a format, 0 (the default) for none. Identical formats must
    be one object: xlsxwriter numbers only the first of several equal ones."""
    if fmt is None:
        return 0
    if fmt.xf_index is None:
        raise ValueError("a bulk-sheet format was not numbered by xlsxwriter (a duplicate format object?)")
    return fmt.xf_index


_EXCEL_ESCAPE = re.compile(r"(?<=_)(?=x[0-9A-Fa-f]{4}_)")


def _xml_text(text: str) -> str:
    """Text as the content of an inline string. Excel reads "_x0041_" in a text as an escaped
    character; openpyxl does not in inline strings. A text holding such a sequence is written as
    runs that split it after its underscore, which both read back as written."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" not in text or not _EXCEL_ESCAPE.search(text):
        return f'<t xml:space="preserve">{text}</t>'
    return "".join(f'<r><t xml:space="preserve">{piece}</t></r>' for piece in _EXCEL_ESCAPE.split(text))


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def close_book(book) -> None:
    """Close an xlsxwriter workbook (it writes the file then). A full disk or a permission error
    comes out as the OSError it is: xlsxwriter wraps it in its own FileCreateError, which the
    run's handling of output errors (one Vietnamese line, exit code 2) would not recognise."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        book.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else exc.__context__
        if isinstance(cause, OSError):
            raise cause from exc
        raise


def splice(path: Path, sheets: list[BulkSheet]) -> None:
    """Put the bulk rows into the closed workbook at ``path`` (rewritten in place)."""
    by_part = {b.part: b for b in sheets}
    texts: dict[str, tuple[str, bool]] = {}
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as target:
        for info, data in entries:
            bulk = by_part.get(info.filename)
            if bulk is not None:
                xml = data.decode("utf-8")
                xml = re.sub(rf'<row r="{bulk.first + 1}"[ >].*?</row>', "", xml, count=1, flags=re.S)
                xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{bulk.dimension}"/>', xml, count=1)
                head, tail = xml.split("</sheetData>", 1)
                data = (head + bulk.xml(texts) + "</sheetData>" + tail).encode("utf-8")
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION)


class Workbook:
    """The xlsxwriter workbook and the formats the sheets share."""

    def __init__(self, path: Path):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), OPTIONS)
        self.bulks: list[BulkSheet] = []
        add = self.book.add_format
        self.quote = add({"quote_prefix": True})
        self.bold = add({"bold": True})
        self.title = add({"bold": True, "font_size": 12})
        self.bold_wrap = add({"bold": True, "text_wrap": True, "valign": "top"})
        self.header = add({"bold": True, "text_wrap": True, "valign": "vcenter", "bg_color": "#DDEBF7",
                           "pattern": 1})
        self.low = add({"bg_color": "#FCE4D6"})  # conditional format (dxf) of low-confidence rows
        wrap = {"text_wrap": True, "valign": "top"}
        self.wrap = add(wrap)
        self.wrap_quote = add({**wrap, "quote_prefix": True})
        number, text = {**wrap, "num_format": "0.00"}, {**wrap, "num_format": "@"}
        self.excerpt_formats = [self.wrap] * 8 + [add(number)] + [add(text)] * 4
        self.excerpt_quoted = [self.wrap_quote] * 8 + [add({**number, "quote_prefix": True})] + [
            add({**text, "quote_prefix": True})] * 4

    def sheet(self, title: str, formats: list | None = None, quoted: list | None = None) -> Cells:
        return Cells(self.book.add_worksheet(title), self.quote, formats, quoted)

    def bulk(self, title: str, first: int, formats: list, quoted: list) -> BulkSheet:
        sheet = BulkSheet(self.sheet(title, formats, quoted), first, formats, quoted)
        self.bulks.append(sheet)
        return sheet


# --- export -------------------------------------------------------------------

def write_workbook(ws: Workspace, out: Path, taxonomy: Taxonomy | None = None,
                   rows: list[ExcerptRow] | None = None) -> Path:
    """Write the review workbook to ``out`` (the caller makes it atomic)."""
    tax = taxonomy or load_taxonomy()
    rows = excerpt_rows(ws) if rows is None else rows
    wb = Workbook(out)
    _write_excerpts(wb, MAIN_SHEET, rows, tax, editable=True)
    _write_summary(wb, rows, tax)
    write_coverage_sheet(wb.book, coverage_matrix(ws, tax), tax, COVERAGE_SHEET)
    flagged = ws.flagged()
    if flagged:
        _write_flagged(wb, flagged)
    for area in tax.areas:
        area_rows = [r for r in rows if not r.state.excluded and (r.state.area or r.label.area) == area.code]
        _write_excerpts(wb, _sheet_title(f"{area.code} {area.short or area.name}"), area_rows, tax, editable=False)
    _write_lists(wb, tax)
    _write_meta(wb, ws, rows)
    close_book(wb.book)
    splice(out, wb.bulks)
    return out


def excerpt_values(r: ExcerptRow, tax: Taxonomy) -> list:
    """One row of the main sheet, in HEADER order."""
    return [
        r.key, r.passage.province or "", r.passage.source, location(r.passage),
        " › ".join(r.passage.heading_path), r.text,
        _choice(tax.areas, r.label.area), _choice(tax.findings, r.label.finding), r.confidence,
        _choice(tax.areas, r.state.area), _choice(tax.findings, r.state.finding),
        r.state.note or "", EXCLUDED_MARK if r.state.excluded else "",
    ]


def _write_excerpts(wb: Workbook, title: str, rows: list[ExcerptRow], tax: Taxonomy, editable: bool) -> None:
    bulk = wb.bulk(title, 1, wb.excerpt_formats, wb.excerpt_quoted)
    bulk.cells.row(0, HEADER, wb.header)
    bulk.rows = [excerpt_values(r, tax) for r in rows]
    sheet = bulk.sheet
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    last = len(rows)  # zero-based index of the last row
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(HEADER) - 1)
    sheet.conditional_format(1, 0, max(last, 1), len(HEADER) - 1, {
        "type": "formula", "criteria": f"=AND(ISNUMBER($I2),$I2<{tax.low_confidence})", "format": wb.low})
    if editable:
        _add_dropdowns(sheet, tax, max(last + 1, 1000))
    else:
        sheet.protect("", {"autofilter": True, "sort": True, "format_columns": True})


def _add_dropdowns(sheet, tax: Taxonomy, last: int) -> None:
    """Dropdowns on the editor columns J, K and M, rows 2 to ``last`` (one-based)."""
    ranges = {9: f"$A$2:$A${1 + len(tax.areas)}", 10: f"$B$2:$B${1 + len(tax.findings)}", 12: "$C$2:$C$2"}
    for col, cells in ranges.items():
        sheet.data_validation(1, col, last - 1, col, {
            "validate": "list", "source": f"='{LISTS_SHEET}'!{cells}", "ignore_blank": True,
            "show_error": True, "error_type": "warning", "error_title": "Giá trị không có trong danh sách",
            "error_message": "Chọn trong danh sách, hoặc ghi mã (ví dụ 1.4, ton_tai); cột Loại bỏ chỉ ghi x."})


def _write_lists(wb: Workbook, tax: Taxonomy) -> None:
    cells = wb.sheet(LISTS_SHEET)
    cells.row(0, ["Lĩnh vực", "Loại nội dung", "Loại bỏ"])
    for i in range(max(len(tax.areas), len(tax.findings))):
        cells.row(i + 1, [
            tax.areas[i].choice if i < len(tax.areas) else None,
            tax.findings[i].choice if i < len(tax.findings) else None,
            EXCLUDED_MARK if i == 0 else None,
        ])
    cells.sheet.hide()


def _write_meta(wb: Workbook, ws: Workspace, rows: list[ExcerptRow]) -> None:
    bulk = wb.bulk(META_SHEET, META_FIRST_ROW, [None] * len(META_HEADER), [wb.quote] * len(META_HEADER))
    for number, item in enumerate((["batch_id", ws.batch_id], ["workspace", str(ws.folder)],
                                   ["exported_at", now()], ["format", 1])):
        bulk.cells.row(number, item)
    bulk.cells.row(META_FIRST_ROW - 1, META_HEADER)
    bulk.rows = [[r.key, r.state.area, r.state.finding, r.state.note, EXCLUDED_MARK if r.state.excluded else None,
                  _text_hash(r.text)] for r in rows]
    bulk.sheet.very_hidden()


def _write_summary(wb: Workbook, rows: list[ExcerptRow], tax: Taxonomy) -> None:
    pairs = Counter(_effective(r) for r in rows if not r.state.excluded)
    lines: list[tuple[list, object]] = [
        (["Số trích đoạn theo lĩnh vực và loại nội dung (đã áp dụng hiệu đính, trừ đoạn loại bỏ)"], wb.title),
        (["Lĩnh vực"] + [f.name for f in tax.findings] + ["Tổng"], wb.bold_wrap),
    ]
    for area in tax.areas:
        counts = [pairs[(area.code, f.code)] for f in tax.findings]
        lines.append(([area.choice] + counts + [sum(counts)], None))
    totals = [sum(n for (_, finding), n in pairs.items() if finding == f.code) for f in tax.findings]
    lines += [(["Tổng"] + totals + [sum(totals)], None), ([], None),
              (["Tỉnh/TP", "Số trích đoạn", "Độ tin cậy thấp", "Đã hiệu đính", "Loại bỏ"], wb.bold_wrap)]
    by_province: dict[str, list[ExcerptRow]] = {}
    for r in rows:
        by_province.setdefault(r.passage.province or "", []).append(r)
    for province, group in by_province.items():
        lines.append(([province,
                       sum(1 for r in group if not r.state.excluded),
                       sum(1 for r in group if r.confidence < tax.low_confidence),
                       sum(1 for r in group if r.state.corrected),
                       sum(1 for r in group if r.state.excluded)], None))
    lines.append(([], None))
    lines += [([line], None) for line in GUIDE]
    cells = wb.sheet(SUMMARY_SHEET)
    for number, (values, fmt) in enumerate(lines):
        cells.row(number, values, fmt)
    cells.sheet.set_column(0, 0, 60)
    cells.sheet.set_column(1, len(tax.findings) + 1, 16)


def _write_flagged(wb: Workbook, flagged) -> None:
    cells = wb.sheet(FLAGGED_SHEET, [wb.wrap] * 6, [wb.wrap_quote] * 6)
    cells.row(0, ["Mã cũ", "Tỉnh/TP", "Tệp", "Trích đoạn cũ", "Hiệu đính đã có", "Lý do"], wb.bold)
    for number, item in enumerate(flagged, start=1):
        done = "; ".join(f"{FIELD_NAMES[c.field]}: {c.new_value or '(bỏ trống)'}" for c in item.corrections)
        reason = ("báo cáo đã được thay thế, không tìm thấy đoạn cùng nội dung" if item.replaced
                  else "nội dung đoạn đã thay đổi")
        cells.row(number, [item.passage.id, item.passage.province or "", item.passage.source, item.passage.text,
                           done, f"{item.flag}: {reason}"])
    for col, width in enumerate((20, 16, 22, 80, 30, 40)):
        cells.sheet.set_column(col, col, width)
