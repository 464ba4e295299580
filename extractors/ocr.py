"""Scanned pages: taken from the file or rendered by pdfium, read by Tesseract's Vietnamese model.

A scanner's page (one upright image over the whole page) is handed on with its own pixels; any
other page is rendered in grey at up to OCR_DPI. Each image is read by Tesseract (`tesseract.py`:
its library, else its command; OCR_WORKERS pages at a time, one thread each). Tesseract's TSV output
gives words with boxes and confidences; words become lines (in points, like the
text-PDF lines) that the PDF backend joins into paragraphs, so a scan and its
text PDF come out alike. Tesseract's page segmentation (psm 3) handles small
skew; its text blocks are kept apart as paragraphs. Ruled tables are found in
the image itself (long dark runs) and filled with the words inside each cell;
specks, seals and signatures read as letters are dropped; section numbers that
OCR misreads ("H." for "II.", "A." for "4.") are put back in sequence.
"""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.layout import split_number
from pipeline.model import TABLE, Block

from .pdf import Line, fill_grid, table_grids
from .tesseract import find_reader

OCR_DPI = 300  # the most we render at; a scan made at less is read at its own resolution
MAX_RENDER_PX = 7000  # a page's longer side in pixels at most (A4 at 300 dpi is 3508): a poster-size
# page would otherwise be rendered at gigabytes
MIN_DPI = 200
OCR_WORKERS = 2
LOW_CONFIDENCE = 60.0  # below this mean word confidence a page gets a warning


def tsv_lines(tsv: str, scale: float, skip=None) -> list[Line]:
    """Lines from Tesseract TSV; `scale` converts pixels to points.

    `skip(x, y)` (points) leaves out words whose centre it accepts (those of a table).
    """
    words: dict[tuple, list] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        if skip is not None and skip((left + width / 2) * scale, (top + height / 2) * scale):
            continue
        words.setdefault((block, par, line), []).append((left, top, width, height, conf, cols[11].strip()))
    lines: list[Line] = []
    runs = []
    band: list[list] = []  # consecutive lines split into columns (header, signature)
    for (block, _, _), ws in words.items():
        # Two columns on one baseline ("ỦY BAN NHÂN DÂN" beside the motto): split at a wide gap.
        height = max(w[3] for w in ws)
        cuts = [k for k in range(1, len(ws)) if ws[k][0] - (ws[k - 1][0] + ws[k - 1][2]) > 2.5 * height
                and not (k == 1 and split_number(f"{ws[0][5]} x")[0] == ws[0][5])]  # "I." then a tab
        parts = [ws[a:b] for a, b in zip([0, *cuts], [*cuts, len(ws)])]
        if len(parts) > 1:  # Tesseract's block means nothing across columns: geometry decides
            band.append([(None, part) for part in parts])
            continue
        runs.extend(_column_major(band))
        band = []
        runs.append((block, ws))
    runs.extend(_column_major(band))
    for block, ws in runs:
        confs = [w[4] for w in ws if w[4] >= 0]
        mean = sum(confs) / len(confs) if confs else 0.0
        letters = sum(ch.isalnum() for w in ws for ch in w[5])
        if (letters < 3 and mean < 70) or (letters < 12 and mean < 40):
            continue  # specks, a seal or a signature read as text
        if re.fullmatch(r"[-_–—~=]{1,3}", ws[0][5]) and len(ws) > 1:
            ws = [(*ws[0][:5], "-"), *ws[1:]]  # a dash bullet, often read as "_" or "—"
            while len(ws) > 2 and re.fullmatch(r"[-_–—~=]{1,3}", ws[1][5]):
                ws = [ws[0], *ws[2:]]
        x0 = min(w[0] for w in ws)
        x1 = max(w[0] + w[2] for w in ws)
        top = min(w[1] for w in ws)
        bottom = max(w[1] + w[3] for w in ws)
        confs = [w[4] for w in ws if w[4] >= 0]
        line = Line(
            text=" ".join(w[5] for w in ws), x0=x0 * scale, x1=x1 * scale, top=top * scale,
            baseline=sorted(w[1] + w[3] for w in ws)[len(ws) // 2] * scale,  # most words sit on it
            size=(bottom - top) * scale, first_word=ws[0][2] * scale,
            confidence=sum(confs) / len(confs) if confs else None, group=block,
        )
        if len(ws) > 1 and split_number(f"{ws[0][5]} {ws[1][5]}")[0] == ws[0][5]:
            line.text_x0 = ws[1][0] * scale  # where the words start after a "-", "a)" or "1." label
        lines.append(line)
    if lines:  # one size per page: OCR line heights vary with diacritics, not with fonts
        heights = sorted(ln.size for ln in lines)
        median = heights[len(heights) // 2]
        for ln in lines:
            ln.size = ln.size if ln.size > 1.6 * median else median
    return lines


def _render_dpi(page) -> int:
    """The resolution of the page's largest image, between MIN_DPI and OCR_DPI."""
    from pypdfium2 import raw

    best = 0.0
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        try:
            left, _, right, _ = obj.get_bounds()
            width_px, _ = obj.get_px_size()
        except Exception:  # an image pdfium cannot measure: fall back to the default
            continue
        if right - left > 72:  # at least an inch wide
            best = max(best, width_px / ((right - left) / 72.0))
    cap = MAX_RENDER_PX * 72.0 / max(page.get_size())
    if best <= 0:
        return int(max(1, min(OCR_DPI, cap)))
    return int(max(1, min(OCR_DPI, cap, max(MIN_DPI, round(best)))))


def _page_image(page):
    """The page as a grey Pillow image and its resolution: a scanner's page (one upright image
    filling the page, at a resolution we read as is) is taken straight from the file, ten times
    faster than rendering it; any other page is rendered at ``_render_dpi``."""
    scan = _scanner_page(page)
    if scan is not None:
        return scan
    dpi = _render_dpi(page)
    return page.render(scale=dpi / 72.0, grayscale=True).to_pil().convert("L"), dpi


def _scanner_page(page):
    """(image, dpi) of a page that is exactly one 8-bit grey or colour image drawn upright over the
    whole page, at MIN_DPI to OCR_DPI; None for anything else (masks, 1-bit, rotated, cropped…)."""
    from pypdfium2 import raw

    objects = list(page.get_objects(max_depth=2))
    if len(objects) != 1 or objects[0].type != raw.FPDF_PAGEOBJ_IMAGE or page.get_rotation():
        return None
    image = objects[0]
    try:
        a, b, c, d, e, f = image.get_matrix().get()
        meta = image.get_metadata()
        width, height = page.get_size()
        left, bottom, _, _ = page.get_cropbox()
        if b or c or a <= 0 or d <= 0 or meta.bits_per_pixel not in (8, 24) or meta.colorspace not in (
                raw.FPDF_COLORSPACE_DEVICEGRAY, raw.FPDF_COLORSPACE_DEVICERGB):
            return None
        if max(abs(e - left), abs(f - bottom), abs(a - width), abs(d - height)) > 1.0:
            return None  # not the whole visible page
        dpi = meta.width / (a / 72.0)
        if not MIN_DPI - 1 <= dpi <= OCR_DPI + 1 or abs(meta.height / (d / 72.0) - dpi) > 1.0:
            return None
        pil = image.get_bitmap(render=False).to_pil().convert("L")
    except Exception:  # noqa: BLE001 - pdfium could not decode it as is: render the page instead
        return None
    return (pil, dpi) if pil.size == (meta.width, meta.height) else None


def _column_major(band: list[list]) -> list:
    """Runs of a band of split lines, column by column: the left column reads first."""
    out = []
    columns = max((len(parts) for parts in band), default=0)
    for col in range(columns):
        out.extend(parts[col] for parts in band if col < len(parts))
    return out


def ocr_pages(pdf, indices: list[int], path: Path) -> dict[int, tuple[list, list[str]]]:
    """OCR the given 0-based pages of an open pypdfium2 document: {index: (items, warnings)}.

    Items are Lines and, where the scan has ruled tables, TABLE blocks.
    """
    read = find_reader(path)
    out: dict[int, tuple[list, list[str]]] = {}
    scales: dict[int, float] = {}
    grids: dict[int, list] = {}
    room = threading.BoundedSemaphore(2 * OCR_WORKERS)  # page images held at once (up to 9 MB each)
    with ThreadPoolExecutor(OCR_WORKERS) as pool:
        futures = {}
        for index in indices:
            room.acquire()
            page = pdf[index]
            image, dpi = _page_image(page)
            scales[index] = 72.0 / dpi
            page.close()
            hs, vs = image_rulings(image, scales[index])
            grids[index] = table_grids(hs, vs, tol=5.0)
            futures[index] = pool.submit(read, image)
            futures[index].add_done_callback(lambda _: room.release())
            del image  # the reader holds it until the page is read
        for index, future in futures.items():
            tsv = future.result()
            lines = tsv_lines(tsv, scales[index], skip=_inside_any(grids[index]))
            items = _place_tables(lines, _fill_grids(grids[index], tsv, scales[index]))
            warnings = []
            confs = [ln.confidence for ln in lines if ln.confidence is not None]
            mean = sum(confs) / len(confs) if confs else 0.0
            if not items:
                warnings.append(f"trang {index + 1} là ảnh quét nhưng không nhận dạng được chữ nào")
            elif mean < LOW_CONFIDENCE:
                warnings.append(f"trang {index + 1} có chữ khó đọc (OCR {mean:.0f}%)")
            out[index] = (items, warnings)
    return out


# --- ruled tables on a scan ----------------------------------------------------

def image_rulings(image, scale: float) -> tuple[list, list]:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) rules of a page image, in points.

    A rule is a run of dark pixels far longer than any letter stroke; a slightly
    skewed rule still gives long runs on a few neighbouring pixel rows.
    """
    import numpy as np

    dark = np.asarray(image if image.mode == "L" else image.convert("L")) < 150
    height, width = dark.shape

    def runs(mask, length: int) -> list[tuple[int, int, int]]:
        """(row, first column, last column) of rows that hold a run of `length` dark pixels."""
        need = int(length * 0.95)
        rows = np.nonzero(mask.sum(axis=1) >= need)[0]  # only rows with enough dark pixels at all
        sub = mask[rows]
        total = np.zeros((sub.shape[0], sub.shape[1] + 1), dtype=np.int32)
        np.cumsum(sub, axis=1, out=total[:, 1:])
        full = (total[:, length:] - total[:, :-length]) >= need
        found = []
        for i in np.nonzero(full.any(axis=1))[0]:
            cols = np.nonzero(full[i])[0]
            found.append((int(rows[i]), int(cols[0]), int(cols[-1]) + length))
        return found

    def merge(found: list, gap: int = 6) -> list[list[float]]:
        rules: list[list[float]] = []
        for row, first, last in found:
            if rules and row - rules[-1][3] <= gap:
                rule = rules[-1]
                rule[1], rule[2], rule[3] = min(rule[1], first), max(rule[2], last), row
                rule[4] += row
                rule[5] += 1
            else:
                rules.append([row, first, last, row, row, 1])
        return rules

    hs = merge(runs(dark, max(40, width // 15)))
    vs = merge(runs(dark.T, max(40, int(0.35 * 72 / scale))))

    def points(rules: list) -> list[tuple[float, float, float]]:
        return [(r[4] / r[5] * scale, r[1] * scale, r[2] * scale) for r in rules]

    return points(hs), points(vs)


def _inside_any(grids: list):
    boxes = [bbox for bbox, _ in grids]
    if not boxes:
        return None
    return lambda x, y: any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)


def _fill_grids(grids: list, tsv: str, scale: float) -> list[tuple[tuple, list[list[str]], float | None]]:
    """Each grid's cells filled with the recognised words whose centre falls in them (and their confidence)."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) >= 12 and cols[0] == "5" and cols[11].strip():
            try:
                left, top, width, height = (int(c) for c in cols[6:10])
                conf = float(cols[10])
            except ValueError:
                continue
            order = tuple(int(c) for c in cols[2:6]) if all(c.isdigit() for c in cols[2:6]) else (0,)
            words.append(((left + width / 2) * scale, (top + height / 2) * scale, order, cols[11].strip(), conf))
    def cell_text(cell) -> str:
        inside = sorted((w for w in words if cell[0] <= w[0] <= cell[2] and cell[1] <= w[1] <= cell[3]),
                        key=lambda w: w[2])  # Tesseract's reading order
        return " ".join(" ".join(w[3] for w in inside).replace("|", " ").split())  # rules read as "|"

    out = []
    for bbox, grid in grids:
        rows = fill_grid(grid, cell_text)
        confs = [w[4] for w in words if bbox[0] <= w[0] <= bbox[2] and bbox[1] <= w[1] <= bbox[3] and w[4] >= 0]
        if rows:
            out.append((bbox, rows, round(sum(confs) / len(confs), 1) if confs else None))
    return out


def _place_tables(lines: list[Line], tables: list) -> list:
    """Lines with each table block put before the first line below the table's top."""
    items: list = list(lines)
    for bbox, rows, confidence in sorted(tables, key=lambda t: t[0][1], reverse=True):
        at = next((k for k, ln in enumerate(items) if isinstance(ln, Line) and ln.top > bbox[1]), len(items))
        items.insert(at, Block(kind=TABLE, text="", rows=rows, ocr_confidence=confidence))
    return items


# --- section numbers misread by OCR -------------------------------------------

_ROMAN_LIKE = re.compile(r"^([IVXLHTl1|]{1,4})[.,:;]*\s+(?=\S)")
_ROMAN_VALUES = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
_CONFUSABLE = set("IHLlT1|")
# A digit read as a look-alike capital, before a sentence-case heading: "A. Công tác kiểm tra".
_LETTER_FOR_DIGIT = re.compile(r"^[ASBGTZ]\.\s+(?=(\S+))")
# "3. Tác động của mại dâm": a short numbered line that does not end a sentence.
_DECIMAL_HEADING = re.compile(r"^(\d{1,2})\.\s+(?=\S)(?!.*[.;:]$)(?=(?:\S+\s+){0,19}\S+$)")


def repair_ocr_labels(blocks: list) -> None:
    """Renumber misread section labels of OCR'd text in sequence.

    Tesseract reads "II." as "H." or "IL", "III." as "II." and "5." as "3.". A report's
    upper-case sections run I., II., III., ... so a label made of look-alike strokes
    that breaks that sequence gets the expected numeral; inside a section, a heading-
    shaped "3." right after "4." becomes "5." (a restart at "1." is left alone).
    """
    expected = 1
    last_decimal = 0
    for block in blocks:
        if block.ocr_confidence is None or block.number:
            continue
        comma = re.match(r"^(\d{1,2}),\s+(?=\S)", block.text)  # "5, Thực hiện mô hình"
        if comma and _DECIMAL_HEADING.match(f"1. {block.text[comma.end():]}"):
            block.text = f"{comma.group(1)}. {block.text[comma.end():]}"
        letter = _LETTER_FOR_DIGIT.match(block.text)
        if letter and last_decimal and any(c.islower() for c in letter.group(1)) \
                and _DECIMAL_HEADING.match(f"1. {block.text[letter.end():]}"):
            block.text = f"{last_decimal + 1}. {block.text[letter.end():]}"  # "A. Công tác" after "3."
        decimal = _DECIMAL_HEADING.match(block.text)
        if decimal:
            value = int(decimal.group(1))
            if 1 < value <= last_decimal:
                value = last_decimal + 1
                block.text = f"{value}. {block.text[decimal.end():]}"
            last_decimal = value
            continue
        match = _ROMAN_LIKE.match(block.text)
        rest = block.text[match.end():].lstrip(".,:; ") if match else ""
        if not match or not rest.split()[0].isupper() or len(rest.split()[0]) < 2:
            continue
        token = match.group(1)
        value = _ROMAN_VALUES.index(token) + 1 if token in _ROMAN_VALUES else None
        if value == expected:
            block.text = f"{token}. {rest}"
            expected += 1
        elif expected <= len(_ROMAN_VALUES) and set(token) <= _CONFUSABLE \
                and abs(len(token) - len(_ROMAN_VALUES[expected - 1])) <= 1:
            block.text = f"{_ROMAN_VALUES[expected - 1]}. {rest}"
            expected += 1
        elif value is not None and value > expected:
            block.text = f"{token}. {rest}"
            expected = value + 1
        else:
            continue
        last_decimal = 0
