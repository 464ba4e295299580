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


def write_coverage_sheet(wb, coverage: Coverage, taxonomy: Taxonomy, title: str = "Bao phủ"):
    """Add the province x area matrix as a sheet of an openpyxl workbook."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = wb.create_sheet(title)
    header = ["Tỉnh/TP"] + [f"{a.code}\n{a.short or a.name}" for a in taxonomy.areas] + ["Tổng", "Ghi chú"]
    sheet.append(header)
    missing = set(coverage.missing)
    grey = PatternFill("solid", start_color="D9D9D9")
    for province, row in coverage.counts.items():
        if province in missing:
            note = MISSING_NOTE
        elif coverage.skipped.get(province):
            note = "Không có: " + ", ".join(coverage.skipped[province])
        else:
            note = ""
        sheet.append([province, *row.values(), sum(row.values()), note])
        if province in missing:
            for cell in sheet[sheet.max_row]:
                cell.fill = grey
    last_col = get_column_letter(len(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")
    sheet.row_dimensions[1].height = 60
    sheet.column_dimensions["A"].width = 24
    for i in range(2, len(header) - 1):
        sheet.column_dimensions[get_column_letter(i)].width = 12
    sheet.column_dimensions[get_column_letter(len(header) - 1)].width = 8
    sheet.column_dimensions[last_col].width = 40
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{last_col}{sheet.max_row}"
    if sheet.max_row > 1:
        area_end = get_column_letter(len(taxonomy.areas) + 1)
        sheet.conditional_formatting.add(
            f"B2:{area_end}{sheet.max_row}",
            ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                           end_type="max", end_color="4F81BD"))
    return sheet


def write_heatmap(coverage: Coverage, out: str | Path, taxonomy: Taxonomy | None = None) -> Path:
    """Draw the matrix as a PNG (one row per province, one column per area)."""
    import numpy as np
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    tax = taxonomy or load_taxonomy()
    provinces = list(coverage.counts)
    missing = set(coverage.missing)
    data = np.ma.masked_array(
        [[coverage.counts[p][code] for code in tax.area_codes] for p in provinces],
        mask=[[p in missing] * len(tax.area_codes) for p in provinces],
    )
    peak = max(int(data.max()) if data.count() else 0, 1)
    with rc_context({"font.family": "DejaVu Sans", "font.size": 9}):
        fig = Figure(figsize=(11, 0.27 * len(provinces) + 3.2), dpi=110)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        cmap = _colormap()
        image = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0, vmax=peak, interpolation="nearest")
        for y, province in enumerate(provinces):
            for x, code in enumerate(tax.area_codes):
                if province in missing:
                    continue
                value = coverage.counts[province][code]
                ax.text(x, y, str(value), ha="center", va="center", fontsize=7,
                        color="white" if value > peak * 0.6 else "black")
        ax.set_xticks(range(len(tax.areas)))
        ax.set_xticklabels([f"{a.code} {a.short or a.name}" for a in tax.areas], rotation=50, ha="left",
                           rotation_mode="anchor")
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(provinces)))
        ax.set_yticklabels([f"{p} ({MISSING_NOTE.lower()})" if p in missing else p for p in provinces])
        for tick, province in zip(ax.get_yticklabels(), provinces):
            if province in missing:
                tick.set_color("#808080")
        ax.set_title("Số trích đoạn theo tỉnh, thành phố và lĩnh vực", pad=12)
        bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="Số trích đoạn")
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
        # Fixed margins instead of tight_layout, which draws the whole figure once more.
        height = fig.get_figheight()
        fig.subplots_adjust(left=0.25, right=0.85, top=1 - 2.4 / height, bottom=0.25 / height)
        from .files import atomic_write

        out = atomic_write(out, lambda tmp: fig.savefig(tmp, format="png"))
    return Path(out)


def _colormap():
    from matplotlib import colormaps

    return colormaps["YlGnBu"].with_extremes(bad="#D9D9D9")  # grey: provinces that sent no report
