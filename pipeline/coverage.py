"""Coverage of the batch: how many excerpts each of the 63 provinces gave on each area.

Counts use the editors' corrections (excluded passages left out). The matrix is shown as a
sheet of the review workbook and as a PNG heatmap the draft can embed.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .taxonomy import Taxonomy, load_taxonomy
from .workspace import Workspace

UNKNOWN_PROVINCE = "Chưa xác định tỉnh"
MISSING_NOTE = "Chưa gửi báo cáo"


class Coverage(NamedTuple):
    counts: dict[str, dict[str, int]]  # province -> area code -> excerpts; all 63 provinces, all areas
    missing: list[str]  # provinces that sent no report
    skipped: dict[str, list[str]]  # reporting province -> area codes it gave no excerpt on


def province_names() -> list[str]:
    """The 63 provinces in the official order."""
    from .provinces import PROVINCES

    return [p.name for p in PROVINCES]


def province_rank() -> dict[str, int]:
    return {name: i for i, name in enumerate(province_names())}


def coverage_matrix(ws: Workspace, taxonomy: Taxonomy | None = None) -> Coverage:
    tax = taxonomy or load_taxonomy()
    names = province_names()
    counts = {name: {code: 0 for code in tax.area_codes} for name in names}
    reporting = {p.province for p in ws.passages()}
    reporting |= {f.province for f in ws.files() if f.status == "ok"}
    for passage, label in ws.effective_labels():
        province = passage.province if passage.province in counts else UNKNOWN_PROVINCE
        row = counts.setdefault(province, {code: 0 for code in tax.area_codes})
        if label.area in row:
            row[label.area] += 1
    missing = [name for name in names if name not in reporting]
    skipped = {
        name: [code for code, n in counts[name].items() if n == 0]
        for name in names
        if name in reporting and 0 in counts[name].values()
    }
    return Coverage(counts, missing, skipped)


def write_coverage_sheet(book, coverage: Coverage, taxonomy: Taxonomy, title: str = "Bao phủ"):
    """Add the province x area matrix as a sheet of an xlsxwriter workbook; returns the sheet."""
    sheet = book.add_worksheet(title)
    header = ["Tỉnh/TP"] + [f"{a.code}\n{a.short or a.name}" for a in taxonomy.areas] + ["Tổng", "Ghi chú"]
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "align": "center"})
    grey = book.add_format({"bg_color": "#D9D9D9", "pattern": 1})
    for col, text in enumerate(header):
        sheet.write_string(0, col, text, bold)
    missing = set(coverage.missing)
    row = 0
    for row, (province, counts) in enumerate(coverage.counts.items(), start=1):
        if province in missing:
            note = MISSING_NOTE
        elif coverage.skipped.get(province):
            note = "Không có: " + ", ".join(coverage.skipped[province])
        else:
            note = ""
        fill = grey if province in missing else None
        sheet.write_string(row, 0, province, fill)
        for col, value in enumerate([*counts.values(), sum(counts.values())], start=1):
            sheet.write_number(row, col, value, fill)
        if note:
            sheet.write_string(row, len(header) - 1, note, fill)
        elif fill:
            sheet.write_blank(row, len(header) - 1, None, fill)
    sheet.set_row(0, 60)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(header) - 3, 12)
    sheet.set_column(len(header) - 2, len(header) - 2, 8)
    sheet.set_column(len(header) - 1, len(header) - 1, 40)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, row, len(header) - 1)
    if row:
        sheet.conditional_format(1, 1, row, len(taxonomy.areas), {
            "type": "2_color_scale", "min_type": "num", "min_value": 0, "min_color": "#FFFFFF",
            "max_type": "max", "max_color": "#4F81BD"})
    return sheet


def write_heatmap(coverage: Coverage, out: str | Path, taxonomy: Taxonomy | None = None) -> Path:
    """Draw the matrix as a PNG (one row per province, one column per area; see ``heatmap``)."""
    from .files import atomic_write
    from .heatmap import draw

    tax = taxonomy or load_taxonomy()
    missing = set(coverage.missing)
    rows = [(f"{p} ({MISSING_NOTE.lower()})", None) if p in missing else
            (p, [coverage.counts[p][code] for code in tax.area_codes]) for p in coverage.counts]
    image = draw(rows, [f"{a.code} {a.short or a.name}" for a in tax.areas],
                 "Số trích đoạn theo tỉnh, thành phố và lĩnh vực", "Số trích đoạn")
    # zlib level 3: a third of level 6's time for a file 15 % larger (it is written on every run
    # whose coverage changed, on the critical path of a one-report re-run)
    return Path(atomic_write(out, lambda tmp: image.save(tmp, format="PNG", compress_level=3)))
