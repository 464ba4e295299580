"""The editors' review workbook: export labelled excerpts to Excel, import their corrections.

The main sheet's header row (``HEADER``) is a contract other tools read. The workbook carries
the workspace's batch id and the editor columns as exported on a very hidden sheet, so import
can refuse another batch's workbook and apply only what the editor changed (a blank cell in a
copy handed to a second editor never erases the first editor's work).
"""
from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from collections import Counter
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .coverage import coverage_matrix, province_rank, write_coverage_sheet
from .errors import ReportError, WorkspaceError
from .model import Correction, Label, Passage
from .taxonomy import Category, Taxonomy, load_taxonomy
from .workspace import EXCLUDED_MARK, EditorState, Workspace, label_text, now

HEADER = ["Mã", "Tỉnh/TP", "Tệp", "Vị trí", "Mục", "Trích đoạn", "Lĩnh vực (máy)", "Loại (máy)",
          "Độ tin cậy", "Lĩnh vực (biên tập)", "Loại (biên tập)", "Ghi chú", "Loại bỏ"]
WIDTHS = [20, 16, 22, 12, 28, 80, 30, 20, 10, 30, 20, 30, 8]
MAIN_SHEET = "Rà soát"
SUMMARY_SHEET = "Tổng hợp"
COVERAGE_SHEET = "Bao phủ"
FLAGGED_SHEET = "Cần xem lại"
LISTS_SHEET = "Danh mục"
META_SHEET = "_tongket"
META_HEADER = ["Mã", "area", "finding", "note", "excluded", "text_sha1"]
META_FIRST_ROW = 6
FORMULA_STARTS = ("=", "+", "-", "@")
EDITOR_FIELDS = ("area", "finding", "note", "excluded")


@dataclass
class ExcerptRow:
    """One labelled excerpt: a passage, or one sentence span of it."""

    key: str  # the "Mã" column: passage id, plus "#2", "#3"… for later spans
    passage: Passage
    label: Label  # the model's label
    text: str
    state: EditorState

    @property
    def confidence(self) -> float:
        return round(min(self.label.area_confidence, self.label.finding_confidence), 2)


@dataclass
class ImportSummary:
    applied: int = 0  # rows whose changes were stored
    corrections: int = 0  # correction records stored
    unchanged: int = 0
    rejected: int = 0
    messages: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"Đã áp dụng {self.applied} dòng ({self.corrections} hiệu đính); "
                 f"không đổi {self.unchanged} dòng; từ chối {self.rejected} dòng."]
        return "\n".join(lines + [f"  - {m}" for m in self.messages])


def excerpt_rows(ws: Workspace) -> list[ExcerptRow]:
    """Every labelled excerpt of active passages, in province then report order."""
    labels = ws.labels()
    states = ws.editor_states()
    rank = province_rank()
    rows = []
    for passage in ws.passages():
        for i, label in enumerate(labels.get(passage.id, [])):
            key = passage.id if i == 0 else f"{passage.id}#{i + 1}"
            rows.append(ExcerptRow(key, passage, label, label_text(passage, label),
                                   states.get(passage.id, EditorState())))
    rows.sort(key=lambda r: (rank.get(r.passage.province, len(rank)), r.passage.province or "",
                             r.passage.source, r.passage.block_index, (r.label.sentence_span or (0, 0))[0]))
    return rows


def location(passage: Passage) -> str:
    parts = [f"trang {passage.page}"] if passage.page else []
    return ", ".join(parts + [f"đoạn {passage.paragraph}"])


def clean_text(value) -> str:
    """Cell text as compared on import: NFC, whitespace collapsed, no control characters."""
    if value is None:
        return ""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return " ".join(unicodedata.normalize("NFC", text).split())


# --- export -------------------------------------------------------------------

def export_workbook(ws: Workspace, out: str | Path, taxonomy: Taxonomy | None = None) -> Path:
    """Write the review workbook (written to a temporary file, then moved into place)."""
    from openpyxl import Workbook

    tax = taxonomy or load_taxonomy()
    rows = excerpt_rows(ws)
    wb = Workbook()
    main = wb.active
    main.title = MAIN_SHEET
    _write_excerpts(main, rows, tax, editable=True)
    _write_summary(wb.create_sheet(SUMMARY_SHEET), rows, tax)
    write_coverage_sheet(wb, coverage_matrix(ws, tax), tax, COVERAGE_SHEET)
    flagged = ws.flagged()
    if flagged:
        _write_flagged(wb.create_sheet(FLAGGED_SHEET), flagged)
    for area in tax.areas:
        area_rows = [r for r in rows if not r.state.excluded and (r.state.area or r.label.area) == area.code]
        sheet = wb.create_sheet(_sheet_title(f"{area.code} {area.short or area.name}"))
        _write_excerpts(sheet, area_rows, tax, editable=False)
    _write_lists(wb.create_sheet(LISTS_SHEET), tax)
    _write_meta(wb.create_sheet(META_SHEET), ws, rows)
    wb.active = 0
    return _save(wb, Path(out))


def set_cell_value(cell, value) -> None:
    """Assign a value; text that looks like a formula stays text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _write_excerpts(sheet, rows: list[ExcerptRow], tax: Taxonomy, editable: bool) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(HEADER)
    wrap = Alignment(wrap_text=True, vertical="top")
    styles: dict[int, object] = {}  # per column, copied from the first row (much faster than styling each cell)
    for row_number, r in enumerate(rows, start=2):
        values = [
            r.key, r.passage.province or "", r.passage.source, location(r.passage),
            " › ".join(r.passage.heading_path), r.text,
            _choice(tax.areas, r.label.area), _choice(tax.findings, r.label.finding), r.confidence,
            _choice(tax.areas, r.state.area), _choice(tax.findings, r.state.finding),
            r.state.note or "", EXCLUDED_MARK if r.state.excluded else "",
        ]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=col)
            if col in styles:
                cell._style = copy(styles[col])
            else:
                cell.alignment = wrap
                if col == 9:
                    cell.number_format = "0.00"
                elif col >= 10:
                    cell.number_format = "@"
                styles[col] = copy(cell._style)
            set_cell_value(cell, value)
    header_fill = PatternFill("solid", start_color="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    last = len(rows) + 1
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:M{last}"
    last = max(last, 2)
    sheet.conditional_formatting.add(
        f"A2:M{last}",
        FormulaRule(formula=[f"AND(ISNUMBER($I2),$I2<{tax.low_confidence})"],
                    fill=PatternFill("solid", start_color="FCE4D6", end_color="FCE4D6")))
    if editable:
        _add_dropdowns(sheet, tax, max(last, 1000))
    else:
        sheet.protection.sheet = True
        sheet.protection.autoFilter = False
        sheet.protection.sort = False
        sheet.protection.formatColumns = False


def _add_dropdowns(sheet, tax: Taxonomy, last: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    ranges = {"J": f"$A$2:$A${1 + len(tax.areas)}", "K": f"$B$2:$B${1 + len(tax.findings)}", "M": "$C$2:$C$2"}
    for column, cells in ranges.items():
        dv = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!{cells}", allow_blank=True,
                            showErrorMessage=True, errorStyle="warning", errorTitle="Giá trị không có trong danh sách",
                            error="Chọn trong danh sách, hoặc ghi mã (ví dụ 1.4, ton_tai); cột Loại bỏ chỉ ghi x.")
        dv.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(dv)


def _write_lists(sheet, tax: Taxonomy) -> None:
    sheet.append(["Lĩnh vực", "Loại nội dung", "Loại bỏ"])
    for i in range(max(len(tax.areas), len(tax.findings))):
        sheet.append([
            tax.areas[i].choice if i < len(tax.areas) else None,
            tax.findings[i].choice if i < len(tax.findings) else None,
            EXCLUDED_MARK if i == 0 else None,
        ])
    sheet.sheet_state = "hidden"


def _write_meta(sheet, ws: Workspace, rows: list[ExcerptRow]) -> None:
    for item in (["batch_id", ws.batch_id], ["workspace", str(ws.folder)], ["exported_at", now()], ["format", 1]):
        sheet.append(item)
    sheet.append([])
    sheet.append(META_HEADER)
    for row_number, r in enumerate(rows, start=META_FIRST_ROW + 1):
        values = [r.key, r.state.area, r.state.finding, r.state.note,
                  EXCLUDED_MARK if r.state.excluded else None, _text_hash(r.text)]
        for col, value in enumerate(values, start=1):
            set_cell_value(sheet.cell(row=row_number, column=col), value)
    sheet.sheet_state = "veryHidden"


def _write_summary(sheet, rows: list[ExcerptRow], tax: Taxonomy) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    pairs = Counter(_effective(r) for r in rows if not r.state.excluded)
    sheet.append(["Số trích đoạn theo lĩnh vực và loại nội dung (đã áp dụng hiệu đính, trừ đoạn loại bỏ)"])
    sheet.append(["Lĩnh vực"] + [f.name for f in tax.findings] + ["Tổng"])
    header_rows = [2]
    for area in tax.areas:
        counts = [pairs[(area.code, f.code)] for f in tax.findings]
        sheet.append([area.choice] + counts + [sum(counts)])
    totals = [sum(n for (_, finding), n in pairs.items() if finding == f.code) for f in tax.findings]
    sheet.append(["Tổng"] + totals + [sum(totals)])
    sheet.append([])
    sheet.append(["Tỉnh/TP", "Số trích đoạn", "Độ tin cậy thấp", "Đã hiệu đính", "Loại bỏ"])
    header_rows.append(sheet.max_row)
    by_province: dict[str, list[ExcerptRow]] = {}
    for r in rows:
        by_province.setdefault(r.passage.province or "", []).append(r)
    for province, group in by_province.items():
        sheet.append([province,
                      sum(1 for r in group if not r.state.excluded),
                      sum(1 for r in group if r.confidence < tax.low_confidence),
                      sum(1 for r in group if r.state.corrected),
                      sum(1 for r in group if r.state.excluded)])
    sheet.append([])
    for line in GUIDE:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=12)
    for number in header_rows:
        for cell in sheet[number]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 60
    for i in range(2, len(tax.findings) + 3):
        sheet.column_dimensions[get_column_letter(i)].width = 16


GUIDE = [
    "Cách hiệu đính",
    f"- Chỉ sửa trên trang «{MAIN_SHEET}»; các trang theo lĩnh vực chỉ để đọc.",
    "- Cột «Lĩnh vực (biên tập)» và «Loại (biên tập)»: chọn trong danh sách hoặc ghi mã (ví dụ 1.4, ton_tai).",
    "- Cột «Loại bỏ»: ghi x để bỏ trích đoạn khỏi báo cáo; xóa x để dùng lại.",
    "- Không sửa cột «Trích đoạn»; ý kiến về nội dung ghi vào cột «Ghi chú».",
    "- Dòng tô màu cam có độ tin cậy thấp, cần xem trước.",
]


def _write_flagged(sheet, flagged) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append(["Mã cũ", "Tỉnh/TP", "Tệp", "Trích đoạn cũ", "Hiệu đính đã có", "Lý do"])
    for row_number, item in enumerate(flagged, start=2):
        done = "; ".join(f"{_FIELD_NAMES[c.field]}: {c.new_value or '(bỏ trống)'}" for c in item.corrections)
        reason = ("báo cáo đã được thay thế, không tìm thấy đoạn cùng nội dung" if item.replaced
                  else "nội dung đoạn đã thay đổi")
        row = [item.passage.id, item.passage.province or "", item.passage.source, item.passage.text, done,
               f"{item.flag}: {reason}"]
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=col)
            set_cell_value(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (20, 16, 22, 80, 30, 40)):
        sheet.column_dimensions[letter].width = width


_FIELD_NAMES = {"area": "Lĩnh vực", "finding": "Loại", "excluded": "Loại bỏ", "note": "Ghi chú"}


def _save(wb, out: Path) -> Path:
    from .files import atomic_write

    return atomic_write(out, wb.save)


def _choice(categories: tuple[Category, ...], code: str | None) -> str:
    if not code:
        return ""
    for c in categories:
        if c.code == code:
            return c.choice
    return code


def _effective(r: ExcerptRow) -> tuple[str, str]:
    return r.state.area or r.label.area, r.state.finding or r.label.finding


def _sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31].rstrip(" ,-")


def _text_hash(text: str) -> str:
    return hashlib.sha1(clean_text(text).encode("utf-8")).hexdigest()


# --- import -------------------------------------------------------------------

class _Invalid(Exception):
    pass


def import_workbook(ws: Workspace, path: str | Path, editor: str = "",
                    taxonomy: Taxonomy | None = None) -> ImportSummary:
    """Apply the editor columns of a review workbook; valid rows are stored in one transaction."""
    tax = taxonomy or load_taxonomy()
    path = Path(path)
    wb = _load(path)
    try:
        exported = _read_meta(wb, ws, path)
        sheet = _main_sheet(wb, path)
        summary, corrections = _apply_rows(ws, sheet, exported, tax, editor, path.name)
    finally:
        wb.close()
    if corrections:
        ws.add_corrections(corrections)
    summary.corrections = len(corrections)
    return summary


def _apply_rows(ws: Workspace, sheet, exported, tax: Taxonomy, editor: str, file_name: str
                ) -> tuple[ImportSummary, list[Correction]]:
    current = {r.key: r for r in excerpt_rows(ws)}
    states = ws.editor_states()
    summary = ImportSummary()
    seen: dict[str, int] = {}
    pending: dict[tuple[str, str], tuple[str | None, int]] = {}  # (passage, field) -> (value, row)
    corrections: list[Correction] = []
    stamp = now()
    for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=len(HEADER), values_only=True), start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        where = f"Bảng «{sheet.title}», dòng {number}"
        try:
            key, changes = _row_changes(values, number, seen, current, exported, tax, ws)
        except _Invalid as exc:
            summary.rejected += 1
            summary.messages.append(f"{where}: {exc}")
            continue
        row = current[key]
        pid = row.passage.id
        state = states.get(pid, EditorState())
        new: dict[str, str | None] = {}
        conflict = None
        for fld, value in changes.items():
            if value == _state_value(state, fld):
                continue
            queued = pending.get((pid, fld))
            if queued and queued[0] != value:
                conflict = queued[1]
            new[fld] = value
        if conflict:
            summary.rejected += 1
            summary.messages.append(f"{where}: mâu thuẫn với dòng {conflict} (cùng đoạn «{pid}»); bỏ qua dòng này")
            continue
        if not new:
            summary.unchanged += 1
            continue
        summary.applied += 1
        for fld, value in new.items():
            if (pid, fld) in pending:
                continue
            pending[(pid, fld)] = (value, number)
            old = _state_value(state, fld)
            if old is None and fld in ("area", "finding"):
                old = getattr(row.label, fld)
            corrections.append(Correction(pid, fld, old, value, editor=editor, at=stamp,
                                          note=f"{file_name}, bảng «{sheet.title}», dòng {number}"))
    return summary, corrections


def _row_changes(values, number, seen, current, exported, tax, ws) -> tuple[str, dict[str, str | None]]:
    """Validate one row; return its key and the editor fields that differ from the export."""
    key = clean_text(values[0])
    if not key:
        raise _Invalid("thiếu mã ở cột «Mã»")
    if key in seen:
        raise _Invalid(f"mã «{key}» trùng với dòng {seen[key]}; bỏ qua dòng này")
    seen[key] = number
    row = current.get(key)
    if row is None:
        known = ws.passage(key.split("#")[0])
        if known is not None:
            raise _Invalid(f"đoạn «{key}» không còn trong lần xử lý hiện tại (báo cáo đã được thay thế "
                           "hoặc đã phân loại lại); xuất lại bảng rà soát")
        raise _Invalid(f"không tìm thấy mã «{key}» trong thư mục làm việc")
    before = exported.get(key, {})
    if clean_text(values[5]) != clean_text(row.text):
        if before.get("text_sha1") not in (None, _text_hash(row.text)):
            raise _Invalid("trích đoạn đã thay đổi trong thư mục làm việc sau khi xuất bảng; xuất lại bảng rà soát")
        raise _Invalid("nội dung cột «Trích đoạn» đã bị sửa; không sửa trích đoạn, ghi ý kiến vào cột «Ghi chú»")
    errors, parsed = [], {}
    for fld, col, parse in (("area", 9, lambda v: _parse_choice(v, tax.areas, "Lĩnh vực (biên tập)", "lĩnh vực", "1.4")),
                            ("finding", 10, lambda v: _parse_choice(v, tax.findings, "Loại (biên tập)",
                                                                    "loại nội dung", "ton_tai")),
                            ("note", 11, _parse_note), ("excluded", 12, _parse_excluded)):
        try:
            parsed[fld] = parse(values[col])
        except _Invalid as exc:
            errors.append(str(exc))
    if errors:
        raise _Invalid("; ".join(errors))
    return key, {fld: v for fld, v in parsed.items() if v != before.get(fld)}


def _parse_choice(value, categories, column: str, what: str, example: str) -> str | None:
    if isinstance(value, float):
        value = repr(value)
    text = clean_text(value)
    if not text:
        return None
    head = text.replace(" – ", " - ").split(" - ", 1)[0].strip().casefold()
    for c in categories:
        if head == c.code.casefold() or text.casefold() == c.name.casefold():
            return c.code
    raise _Invalid(f"cột «{column}»: «{text}» không phải {what} hợp lệ (ghi mã như {example} hoặc chọn trong danh sách)")


def _parse_note(value) -> str | None:
    text = "" if value is None else unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _parse_excluded(value) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    if text.casefold() == EXCLUDED_MARK:
        return EXCLUDED_MARK
    raise _Invalid(f"cột «Loại bỏ»: «{text}» không hợp lệ (chỉ ghi x hoặc để trống)")


def _state_value(state: EditorState, fld: str) -> str | None:
    if fld == "excluded":
        return EXCLUDED_MARK if state.excluded else None
    return getattr(state, fld)


def _load(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.exists():
        raise ReportError("không tìm thấy tệp bảng rà soát", str(path))
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReportError(f"không đọc được tệp Excel ({type(exc).__name__})", str(path),
                          "mở tệp bằng Excel và lưu lại dưới dạng .xlsx")


def _read_meta(wb, ws: Workspace, path: Path) -> dict[str, dict[str, str | None]]:
    if META_SHEET not in wb.sheetnames:
        raise WorkspaceError("tệp không phải bảng rà soát do tongket xuất (thiếu trang ẩn «_tongket»)", str(path),
                             "xuất bảng bằng lệnh tongket review export")
    meta = wb[META_SHEET]
    meta.reset_dimensions()  # read-only sheets trust the stored size; read everything instead
    batch = next(meta.iter_rows(min_row=1, max_row=1, max_col=2, values_only=True), (None, None))[1]
    if batch != ws.batch_id:
        raise WorkspaceError(
            f"bảng rà soát thuộc một đợt xử lý khác (mã đợt {batch}), không phải đợt của thư mục làm việc "
            f"{ws.folder} (mã đợt {ws.batch_id})", str(path),
            "nhập vào đúng thư mục làm việc đã xuất bảng, hoặc xuất lại bảng")
    exported = {}
    for values in meta.iter_rows(min_row=META_FIRST_ROW + 1, max_col=len(META_HEADER), values_only=True):
        if values[0] is None:
            continue
        exported[str(values[0])] = {
            "area": values[1], "finding": values[2], "note": _parse_note(values[3]),
            "excluded": values[4], "text_sha1": values[5],
        }
    return exported


def _main_sheet(wb, path: Path):
    # A renamed main sheet is still found: it is the first sheet.
    candidates = [wb[MAIN_SHEET]] if MAIN_SHEET in wb.sheetnames else wb.worksheets[:1]
    for sheet in candidates:
        sheet.reset_dimensions()
        header = [clean_text(c.value) for c in next(sheet.iter_rows(min_row=1, max_row=1), [])][:len(HEADER)]
        if header == HEADER:
            return sheet
    raise WorkspaceError(f"không tìm thấy trang «{MAIN_SHEET}» với hàng tiêu đề chuẩn "
                         f"({', '.join(HEADER)})", str(path), "không đổi tên hoặc xóa các cột của bảng")
