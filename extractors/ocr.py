"""Scanned pages: rendered by pdfium, read by Tesseract's Vietnamese model.

Each page is rendered in grey at OCR_DPI and handed to a `tesseract` process
(`OMP_THREAD_LIMIT=1`, OCR_WORKERS pages at a time). Tesseract's TSV output
gives words with boxes and confidences; words become lines (in points, like the
text-PDF lines) that the PDF backend joins into paragraphs, so a scan and its
text PDF come out alike. Tesseract's page segmentation (psm 3) handles small
skew; its text blocks are kept apart as paragraphs.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.layout import split_number

from .pdf import Line

OCR_DPI = 300  # the most we render at; a scan made at less is read at its own resolution
MIN_DPI = 200
OCR_WORKERS = 2
OCR_TIMEOUT = 300  # seconds per page
LOW_CONFIDENCE = 60.0  # below this mean word confidence a page gets a warning


@lru_cache(maxsize=1)
def _tesseract_languages(binary: str) -> frozenset[str]:
    try:
        proc = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    return frozenset(line.strip() for line in text.splitlines()[1:] if line.strip())


def find_tesseract(path: Path) -> str:
    """The tesseract binary, or a clear message when it or its Vietnamese model is missing."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise ExtractionError(
            "tệp là bản quét (không có lớp chữ) nên cần Tesseract để nhận dạng chữ, nhưng máy chưa cài", str(path),
            "hãy cài tesseract-ocr và tesseract-ocr-vie (Ubuntu: apt-get install tesseract-ocr tesseract-ocr-vie)",
        )
    if "vie" not in _tesseract_languages(binary):
        raise ExtractionError(
            "tệp là bản quét nhưng Tesseract chưa có mô hình tiếng Việt (vie)", str(path),
            "hãy cài gói tesseract-ocr-vie rồi thử lại",
        )
    return binary


def _run_tesseract(binary: str, image: Path) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run([binary, str(image), "stdout", "-l", "vie", "--psm", "3", "tsv"],
                          capture_output=True, timeout=OCR_TIMEOUT, env=env, check=False)
    if proc.returncode != 0:
        return ""
    return proc.stdout.decode("utf-8", "replace")


def tsv_lines(tsv: str, scale: float) -> list[Line]:
    """Lines from Tesseract TSV; `scale` converts pixels to points."""
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
    import pypdfium2.raw as raw

    best = 0.0
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        try:
            left, _, right, _ = obj.get_bounds()
            width_px, _ = obj.get_px_size()
        except Exception:  # an image pdfium cannot measure: fall back to the default
            continue
        if right - left > 72:  # at least an inch wide
            best = max(best, width_px / ((right - left) / 72.0))
    if best <= 0:
        return OCR_DPI
    return int(min(OCR_DPI, max(MIN_DPI, round(best))))


def _column_major(band: list[list]) -> list:
    """Runs of a band of split lines, column by column: the left column reads first."""
    out = []
    columns = max((len(parts) for parts in band), default=0)
    for col in range(columns):
        out.extend(parts[col] for parts in band if col < len(parts))
    return out


def ocr_pages(pdf, indices: list[int], path: Path) -> dict[int, tuple[list[Line], list[str]]]:
    """OCR the given 0-based pages of an open pypdfium2 document: {index: (lines, warnings)}."""
    binary = find_tesseract(path)
    out: dict[int, tuple[list[Line], list[str]]] = {}
    scales: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="tongket-ocr-") as tmp, ThreadPoolExecutor(OCR_WORKERS) as pool:
        futures = {}
        for index in indices:
            page = pdf[index]
            dpi = _render_dpi(page)
            scales[index] = 72.0 / dpi
            image = page.render(scale=dpi / 72.0, grayscale=True).to_pil()
            page.close()
            target = Path(tmp) / f"page-{index + 1}.pgm"
            image.convert("L").save(target)
            futures[index] = pool.submit(_run_tesseract, binary, target)
        for index, future in futures.items():
            lines = tsv_lines(future.result(), scales[index])
            warnings = []
            confs = [ln.confidence for ln in lines if ln.confidence is not None]
            mean = sum(confs) / len(confs) if confs else 0.0
            if not lines:
                warnings.append(f"trang {index + 1} là ảnh quét nhưng không nhận dạng được chữ nào")
            elif mean < LOW_CONFIDENCE:
                warnings.append(f"trang {index + 1} có chữ khó đọc (OCR {mean:.0f}%)")
            out[index] = (lines, warnings)
    return out


# --- roman section numbers misread by OCR -------------------------------------

_ROMAN_LIKE = re.compile(r"^([IVXLHTl1|]{1,4})[.,:;]?\s+(?=\S)")
_ROMAN_VALUES = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
_CONFUSABLE = set("IHLlT1|")


def repair_roman_labels(blocks: list) -> None:
    """Renumber misread top-level section labels of OCR'd text in sequence.

    Tesseract reads "II." as "H." or "IL" and "III." as "II."; a report's upper-case
    section headings run I., II., III., ... so a label made of look-alike strokes
    that breaks the sequence is replaced by the expected numeral.
    """
    expected = 1
    for block in blocks:
        if block.ocr_confidence is None or block.number:
            continue
        match = _ROMAN_LIKE.match(block.text)
        rest = block.text[match.end():] if match else ""
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
            expected = value + 1
