"""The per-file workbooks of a run.

- ``bao-cao-xu-ly.xlsx`` (rewritten by every run): one row per input file — status, format,
  province, pages, passages, warnings, whether the draft uses it, and the error with what to do.
- ``gan-tinh.xlsx`` (the editors' file; tongket only adds rows to it): lists the reports whose
  province could not be identified and the provinces that sent more than one report. Editors
  write the right province in column C, or an ``x`` in column D to choose which report of a
  province the draft uses; the next ``tongket run`` applies it.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .files import atomic_write

HEADER = ["Tệp", "Trạng thái", "Định dạng", "Tỉnh/TP", "Số trang", "Số đoạn", "Dùng cho dự thảo", "Cảnh báo",
          "Lỗi / cách xử lý"]
WIDTHS = [40, 12, 12, 18, 9, 9, 12, 60, 70]
STATUS_VI = {"ok": "đã xử lý", "failed": "lỗi", "skipped": "bỏ qua"}
FORMAT_VI = {"docx": "Word", "doc": "Word 97-2003", "pdf": "PDF", "pdf-ocr": "PDF scan (OCR)",
             "odt": "ODT", "rtf": "RTF", "html": "HTML", "image": "Ảnh scan (OCR)"}

ASSIGN_SHEET = "Gán tỉnh"
ASSIGN_HEADER = ["Tệp", "Tỉnh/TP tongket nhận ra", "Tỉnh/TP đúng (Tổ biên tập điền)",
                 "Dùng bản này cho dự thảo (x)", "Vì sao có trong danh sách"]
ASSIGN_WIDTHS = [45, 22, 28, 16, 60]
ASSIGN_HELP = ("Điền tỉnh/thành phố đúng vào cột C cho báo cáo chưa xác định được tỉnh (hoặc nhận sai); "
               "khi một tỉnh có nhiều báo cáo, đánh x ở cột D cho bản muốn dùng trong dự thảo "
               "(không đánh: dùng bản có ngày văn bản mới nhất). Lưu tệp rồi chạy lại tongket run.")


def write_processing_report(files, out: str | Path) -> Path:
    """bao-cao-xu-ly.xlsx (xlsxwriter; text never becomes a formula)."""
    return atomic_write(out, lambda tmp: _write_processing_report(files, tmp))


def _write_processing_report(files, path: Path) -> None:
    import xlsxwriter

    from .review_export import OPTIONS, Cells, close_book

    book = xlsxwriter.Workbook(str(path), OPTIONS)
    base = {"text_wrap": True, "valign": "top"}
    (plain, quoted), (red, red_quoted), (yellow, yellow_quoted) = [
        (book.add_format({**base, **fill}), book.add_format({**base, **fill, "quote_prefix": True}))
        for fill in ({}, {"bg_color": "#F8CBAD", "pattern": 1}, {"bg_color": "#FFF2CC", "pattern": 1})]
    sheet = book.add_worksheet("Xử lý tệp")
    Cells(sheet, plain).row(0, HEADER, book.add_format({"bold": True}))
    for row, f in enumerate(files, 1):
        used = {True: "có", False: "không"}.get(getattr(f, "used_in_draft", None), "")
        values = [f.path, STATUS_VI.get(f.status, f.status), FORMAT_VI.get(f.format or "", f.format or ""),
                  f.province or "", f.pages, f.passages, used, "\n".join(list(f.warnings) + list(f.flags)),
                  f.error or ""]
        look, look_quoted = (red, red_quoted) if f.status != "ok" else (yellow, yellow_quoted) if f.flags else (
            plain, quoted)
        Cells(sheet, look_quoted, [look] * len(values), [look_quoted] * len(values)).row(row, values)
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(0, len(files)), len(HEADER) - 1)
    close_book(book)


# --- gan-tinh.xlsx ----------------------------------------------------------------------------

@dataclass
class Assignment:
    """One row of gan-tinh.xlsx as the editors left it."""

    path: str
    detected: str = ""
    province: str = ""  # as typed (matched to a canonical name by the run)
    chosen: bool = False
    reason: str = ""
    row: int = 0


def _cell_text(value) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).split()) if value is not None else ""


def read_assignments(path: str | Path) -> tuple[dict[str, Assignment], list[str]]:
    """The editors' rows by file path, plus Vietnamese notices for a file that cannot be read."""
    path = Path(path)
    if not path.exists():
        return {}, []
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # an unreadable editor file must not stop the batch
        return {}, [f"{path.name}: không đọc được ({type(exc).__name__}) nên chưa áp dụng việc gán tỉnh — "
                    "hãy mở bằng Excel, lưu lại dạng .xlsx rồi chạy lại"]
    try:
        sheet = wb[ASSIGN_SHEET] if ASSIGN_SHEET in wb.sheetnames else wb.worksheets[0]
        out: dict[str, Assignment] = {}
        for number, row in enumerate(sheet.iter_rows(min_row=3, max_col=5, values_only=True), start=3):
            cells = [_cell_text(v) for v in row] + [""] * (5 - len(row))
            if not cells[0]:
                continue
            out[cells[0]] = Assignment(cells[0], cells[1], cells[2], cells[3].casefold() in ("x", "có", "co"),
                                       cells[4], number)
        return out, []
    finally:
        wb.close()


def write_assignments(rows: list[Assignment], out: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from .provinces import PROVINCES
    from .review import set_cell_value as put

    wb = Workbook()
    sheet = wb.active
    sheet.title = ASSIGN_SHEET
    sheet.cell(row=1, column=1, value=ASSIGN_HELP).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ASSIGN_HEADER))
    sheet.row_dimensions[1].height = 45
    for col, (title, width) in enumerate(zip(ASSIGN_HEADER, ASSIGN_WIDTHS), 1):
        cell = sheet.cell(row=2, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[cell.column_letter].width = width
    for number, a in enumerate(rows, start=3):
        for col, value in enumerate([a.path, a.detected, a.province, "x" if a.chosen else "", a.reason], 1):
            cell = sheet.cell(row=number, column=col)
            put(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    lists = wb.create_sheet("Danh sách tỉnh")
    for number, p in enumerate(PROVINCES, start=1):
        lists.cell(row=number, column=1, value=p.name)
    last = max(len(rows) + 2, 200)
    pick = DataValidation(type="list", formula1=f"'Danh sách tỉnh'!$A$1:$A${len(PROVINCES)}", allow_blank=True,
                          showErrorMessage=True, errorStyle="warning", errorTitle="Tên tỉnh",
                          error="Chọn tên tỉnh, thành phố trong danh sách.")
    pick.add(f"C3:C{last}")
    sheet.add_data_validation(pick)
    sheet.freeze_panes = "A3"
    return atomic_write(out, wb.save)
