"""bao-cao-xu-ly.xlsx: one row per input file — what happened to it and what to do."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

HEADER = ["Tệp", "Trạng thái", "Định dạng", "Tỉnh/TP", "Số trang", "Số đoạn", "Cảnh báo", "Lỗi / cách xử lý"]
WIDTHS = [40, 12, 12, 18, 9, 9, 50, 70]
STATUS_VI = {"ok": "đã xử lý", "failed": "lỗi", "skipped": "bỏ qua"}
FORMAT_VI = {"docx": "Word", "doc": "Word 97-2003", "pdf": "PDF", "pdf-ocr": "PDF scan (OCR)",
             "odt": "ODT", "rtf": "RTF", "image": "Ảnh scan (OCR)"}


def write_processing_report(files, out: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from .review import _put as put

    out = Path(out)
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Xử lý tệp"
    for col, (title, width) in enumerate(zip(HEADER, WIDTHS), 1):
        cell = sheet.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    red = PatternFill("solid", fgColor="F8CBAD")
    for row, f in enumerate(files, 2):
        values = [f.path, STATUS_VI.get(f.status, f.status), FORMAT_VI.get(f.format or "", f.format or ""),
                  f.province or "", f.pages, f.passages, "\n".join(f.warnings), f.error or ""]
        for col, value in enumerate(values, 1):
            cell = sheet.cell(row=row, column=col)
            put(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if f.status != "ok":
                cell.fill = red
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{sheet.cell(row=1, column=len(HEADER)).column_letter}{max(1, len(files) + 1)}"
    fd, tmp = tempfile.mkstemp(prefix=".tongket-", suffix=".xlsx", dir=out.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
