"""The editors' review workbook: export labelled excerpts to Excel, import their corrections.

The main sheet's header row (``HEADER``) is a contract other tools read. The workbook carries
the workspace's batch id and the editor columns as exported on a very hidden sheet, so import
can refuse another batch's workbook and apply only what the editor changed (a blank cell in a
copy handed to a second editor never erases the first editor's work).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .coverage import province_rank
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
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # as openpyxl's, without importing it


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
    labels = ws.labels(scores=False)
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
    from .files import atomic_write
    from .review_export import write_workbook

    return atomic_write(Path(out), lambda tmp: write_workbook(ws, tmp, taxonomy))


def set_cell_value(cell, value) -> None:
    """Assign a value to an openpyxl cell; text that looks like a formula stays text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


GUIDE = [
    "Cách hiệu đính",
    f"- Chỉ sửa trên trang «{MAIN_SHEET}»; các trang theo lĩnh vực chỉ để đọc.",
    "- Cột «Lĩnh vực (biên tập)» và «Loại (biên tập)»: chọn trong danh sách hoặc ghi mã (ví dụ 1.4, ton_tai).",
    "- Cột «Loại bỏ»: ghi x để bỏ trích đoạn khỏi báo cáo; xóa x để dùng lại.",
    "- Không sửa cột «Trích đoạn»; ý kiến về nội dung ghi vào cột «Ghi chú».",
    "- Dòng tô màu cam có độ tin cậy thấp, cần xem trước.",
]
FIELD_NAMES = {"area": "Lĩnh vực", "finding": "Loại", "excluded": "Loại bỏ", "note": "Ghi chú"}


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


def pending_rows(ws: Workspace, path: str | Path, taxonomy: Taxonomy | None = None) -> int:
    """How many rows of a review workbook an import would still apply or refuse; 0 when everything
    in it is in the workspace already. Nothing is stored."""
    tax = taxonomy or load_taxonomy()
    path = Path(path)
    wb = _load(path)
    try:
        exported = _read_meta(wb, ws, path)
        summary, _ = _apply_rows(ws, _main_sheet(wb, path), exported, tax, "", path.name)
    finally:
        wb.close()
    return summary.applied + summary.rejected


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
