"""PDF with a text layer, through pdfium (pypdfium2): fast, page-aware, tables kept.

Per page: text lines with their position, size and boldness from pdfium's text
page; runs on one baseline separated by a wide gap (two table cells, "Số: ..."
beside the date) are split; ruled tables are rebuilt from the page's line
objects and read cell by cell. Then, across pages: running headers, footers and
page numbers are dropped and wrapped lines are joined back into paragraphs.
Pages without a usable text layer (scans, "(cid:12)" garbage) go to OCR.
The line-joining here is shared with the OCR backend.
"""
from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.layout import split_number
from pipeline.model import PARAGRAPH, TABLE, Block

from .base import Backend, ReadResult

MAX_PAGES = 300  # a provincial report is 5-30 pages; a larger PDF is refused, never a hang
MIN_CHARS = 20  # fewer visible characters than this on a page: treat it as a scan

_BOLD_NAME = re.compile(r"bold|black|heavy|demi|semibold|,b$|-b$", re.I)
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_PAGE_NUMBER = re.compile(r"^[\W_]*(?:trang|page)?\s*\d{1,4}(?:\s*(?:/|trên|of)\s*\d{1,4})?[\W_]*$", re.I)
_SENTENCE_END = (".", ":", ";", "!", "?", "…")
_SIGNATURE_START = re.compile(r"^(?:T\.?M|K\.?T|T\.?L|T\.?U\.?Q|Q)\.\s")


@dataclass
class Line:
    """One printed line (or one wide-gap-separated run of it), in points from the page top."""

    text: str
    x0: float
    x1: float
    top: float
    baseline: float
    size: float
    bold: bool = False
    text_x0: float | None = None  # where the words start after a list marker ("- ", "a) ")
    first_word: float = 0.0  # width of the first word, to tell a wrapped line from a new paragraph
    legacy: str | None = None  # legacy font encoding of the line, by font name
    confidence: float | None = None  # OCR only
    group: int | None = None  # OCR only: Tesseract's text block; lines of two blocks never join


@dataclass
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    items: list = field(default_factory=list)  # Line or Block (tables), in reading order


# --- pdfium helpers ----------------------------------------------------------

def _raw():
    import pypdfium2.raw as raw

    return raw


@lru_cache(maxsize=512)
def _font_facts(name: str) -> tuple[bool, str | None]:
    """(bold, legacy encoding) for a PDF font name such as "ABCDEF+TimesNewRomanPS-BoldMT"."""
    from pipeline.vietnamese import legacy_encoding_for_font

    plain = _SUBSET.sub("", name)
    base = re.split(r"[,]", plain)[0]
    base = re.sub(r"[-,]?(Bold|Italic|BoldItalic|Regular|MT|PS)+$", "", base)
    return bool(_BOLD_NAME.search(plain)), legacy_encoding_for_font(base) or legacy_encoding_for_font(plain)


class _TextPage:
    """Thin wrapper over a pdfium text page with the few calls we need."""

    def __init__(self, textpage, height: float) -> None:
        self.tp = textpage
        self.raw = _raw()
        self.height = height
        self._buf = ctypes.create_string_buffer(256)
        self._flags = ctypes.c_int()
        self._x, self._y = ctypes.c_double(), ctypes.c_double()
        self._rect = self.raw.FS_RECTF()

    def font(self, i: int) -> str:
        n = self.raw.FPDFText_GetFontInfo(self.tp.raw, i, self._buf, 256, ctypes.byref(self._flags))
        return self._buf.value.decode("latin-1", "replace") if n else ""

    def origin(self, i: int) -> tuple[float, float]:
        self.raw.FPDFText_GetCharOrigin(self.tp.raw, i, ctypes.byref(self._x), ctypes.byref(self._y))
        return self._x.value, self.height - self._y.value

    def box(self, i: int) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) from the page top (pdfium's loose box: the font's full height)."""
        rect = self._rect
        self.raw.FPDFText_GetLooseCharBox(self.tp.raw, i, ctypes.byref(rect))
        return rect.left, self.height - rect.top, rect.right, self.height - rect.bottom

    def pieces(self, start: int, count: int) -> int:
        """How many separate runs pdfium sees in a range of characters (gaps split runs)."""
        return self.raw.FPDFText_CountRects(self.tp.raw, start, count)

    def generated(self, i: int) -> bool:
        return bool(self.raw.FPDFText_IsGenerated(self.tp.raw, i))

    def size(self, i: int) -> float:
        return float(self.raw.FPDFText_GetFontSize(self.tp.raw, i))


def _make_line(tpage: _TextPage, text: str, start: int) -> Line | None:
    """A Line for text[start:start+len(text)] of the page, trimmed of spaces."""
    text = text.replace("\ufffe", "-")  # pdfium's mark for a hyphen where a line breaks
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    if not text:
        return None
    first, last = start + lead, start + lead + len(text) - 1
    left, top, _, _ = tpage.box(first)
    _, _, right, _ = tpage.box(last)
    _, baseline = tpage.origin(first)
    size = tpage.size(first) or max(tpage.box(first)[3] - top, 1.0)
    first_font = tpage.font(first)
    names = {first_font, tpage.font(last)}
    facts = [_font_facts(n) for n in names if n]
    text = _plain_bullet(text, first_font)
    bold = bool(facts) and all(b for b, _ in facts)
    legacy = next((enc for _, enc in facts if enc), None)
    line = Line(text=text, x0=left, x1=max(right, left), top=top, baseline=baseline, size=size, bold=bold, legacy=legacy)
    space = text.find(" ")
    word_end = (space if space > 0 else len(text)) - 1
    line.first_word = max(0.0, tpage.box(first + word_end)[2] - left)
    number, _ = split_number(text)
    if number:
        offset = text.find(number) + len(number)
        while offset < len(text) and text[offset] == " ":
            offset += 1
        if offset < len(text):
            line.text_x0 = tpage.box(first + offset)[0]
    return line


def _plain_bullet(text: str, font: str) -> str:
    """A bullet drawn from a symbol font (private-use code, or Wingdings "§", "Ø") becomes "•"."""
    first = text[:1]
    if first and (0xE000 <= ord(first) <= 0xF8FF
                  or (first in "§Øü¨v" and re.search(r"wingdings|symbol|webdings", font, re.I))):
        return "•" + text[1:]
    return text


def _printed_lines(tpage: _TextPage, text: str):
    """(start, text) of each printed line: pdfium's lines, cut again where the baseline
    moves (pdfium runs a line ending in a hyphen, "12/QC-", into the next one)."""
    pos = 0
    for raw_line in re.split(r"\r\n|\n|\r", text):
        start = pos
        pos += len(raw_line) + (2 if text[pos + len(raw_line): pos + len(raw_line) + 2] == "\r\n" else 1)
        stripped = raw_line.rstrip()
        if not stripped.strip():
            continue
        size = tpage.size(start) or 10.0
        first_y, last_y = tpage.origin(start)[1], tpage.origin(start + len(stripped) - 1)[1]
        if abs(first_y - last_y) <= 0.6 * size:
            yield start, raw_line
            continue
        cut, prev_y = 0, first_y
        for k in range(1, len(stripped)):
            if stripped[k] == " ":
                continue
            y = tpage.origin(start + k)[1]
            if y - prev_y > 0.6 * size:  # the next printed line
                yield start + cut, raw_line[cut:k]
                cut = k
            prev_y = y
        yield start + cut, raw_line[cut:]


def _page_lines(tpage: _TextPage, text: str) -> list[Line]:
    """Printed lines, each split where a generated space hides a wide gap."""
    lines: list[Line] = []
    for start, raw_line in _printed_lines(tpage, text):
        if not raw_line.strip():
            continue
        cut = start
        spaces = range(0) if tpage.pieces(start, len(raw_line)) < 2 else \
            [k for k, ch in enumerate(raw_line) if ch == " "]
        for k in spaces:
            i = start + k
            if 0 < k < len(raw_line) - 1 and tpage.generated(i):
                prev_right = tpage.box(i - 1)[2]
                next_left = tpage.box(i + 1)[0]
                label_only = split_number(text[cut:i].strip() + " x")[0] == text[cut:i].strip()
                if next_left - prev_right > 2.5 * (tpage.size(i - 1) or 10) and not label_only:
                    line = _make_line(tpage, text[cut:i], cut)
                    if line:
                        lines.append(line)
                    cut = i + 1
        line = _make_line(tpage, text[cut:start + len(raw_line)], cut)
        if line:
            lines.append(line)
    return lines


# --- ruled tables -------------------------------------------------------------

def _rulings(page, height: float) -> tuple[list, list]:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) rules drawn on the page, from the top."""
    raw = _raw()
    hs, vs = [], []
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        y0, y1 = height - top, height - bottom
        if h <= 2.5 and w > 4:
            hs.append(((y0 + y1) / 2, left, right))
        elif w <= 2.5 and h > 4:
            vs.append(((left + right) / 2, y0, y1))
        elif w > 4 and h > 4 and raw.FPDFPath_CountSegments(obj.raw) <= 6:
            hs += [(y0, left, right), (y1, left, right)]
            vs += [(left, y0, y1), (right, y0, y1)]
    return hs, vs


def _cluster(values: list[float], tol: float = 2.5) -> list[float]:
    """Positions closer than `tol` are one (a thick or doubled rule)."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def table_grids(hs: list, vs: list, tol: float = 2.5) -> list[tuple[tuple, list[list]]]:
    """Tables from ruling lines: (bbox, rows of cell boxes), boxes (left, top, right, bottom).

    Rules whose extents touch form one table; a missing vertical rule inside a row
    means a merged cell, whose spanned columns get None so that columns stay aligned.
    A single framed box is not a table.
    """
    if len(hs) < 2 or len(vs) < 2:
        return []
    rules = [("h", r) for r in hs] + [("v", r) for r in vs]
    boxes = [((r[1], r[0], r[2], r[0]) if k == "h" else (r[0], r[1], r[0], r[2])) for k, r in rules]
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            if a[0] - tol <= b[2] and b[0] - tol <= a[2] and a[1] - tol <= b[3] and b[1] - tol <= a[3]:
                parent[find(i)] = find(j)
    groups: dict[int, list] = {}
    for i, rule in enumerate(rules):
        groups.setdefault(find(i), []).append(rule)
    out = []
    for group in groups.values():
        gv = [r for k, r in group if k == "v"]
        ys = _cluster([r[0] for k, r in group if k == "h"], tol)
        xs = _cluster([r[0] for r in gv], tol)
        if len(ys) < 2 or len(xs) < 2 or (len(ys) == 2 and len(xs) == 2):
            continue
        rows = []
        for top, bottom in zip(ys, ys[1:]):
            mid_y = (top + bottom) / 2
            row: list = []
            cell_left = xs[0]
            for k, right in enumerate(xs[1:], start=1):
                boundary = k == len(xs) - 1 or any(
                    abs(x - right) <= tol and y0 - tol <= mid_y <= y1 + tol for x, y0, y1 in gv)
                if not boundary:
                    continue
                row.append((cell_left, top, right, bottom))
                row.extend(None for x in xs[1:k] if cell_left < x < right)
                cell_left = right
            rows.append(row)
        out.append(((xs[0], ys[0], xs[-1], ys[-1]), rows))
    return out


def _tables(page, tpage: _TextPage, height: float) -> list[tuple[tuple[float, float, float, float], list[list[str]]]]:
    """Ruled tables on a page: (bbox from the top, rows of cell texts)."""
    def cell_text(cell) -> str:
        left, top, right, bottom = cell
        return " ".join(tpage.tp.get_text_bounded(left + 1, height - bottom + 1, right - 1, height - top - 1).split())

    out = []
    for bbox, grid in table_grids(*_rulings(page, height)):
        rows = fill_grid(grid, cell_text)
        if rows:
            out.append((bbox, rows))
    return out


def fill_grid(grid: list[list], cell_text) -> list[list[str]]:
    """Rows of cell texts for a table grid (None = a merged-away cell); empty rows dropped."""
    rows = []
    for grid_row in grid:
        row = [cell_text(cell) if cell is not None else "" for cell in grid_row]
        if any(row):
            rows.append(row)
    return rows


# --- running headers, footers, page numbers ---------------------------------

def _signature(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def remove_running(pages: list[PageContent]) -> None:
    """Drop lines in the top/bottom margin band that repeat across pages, and bare page numbers."""
    def in_band(line: Line, page: PageContent) -> bool:
        return line.top < page.height * 0.1 or line.baseline > page.height * 0.9

    counts: Counter = Counter()
    for page in pages:
        counts.update({_signature(it.text) for it in page.items if isinstance(it, Line) and in_band(it, page)})
    # A running header is on (nearly) every page; a heading that happens to open two
    # pages of a long report is not.
    repeat = 10 ** 9 if len(pages) < 2 else 2 if len(pages) <= 4 else max(2, round(0.4 * len(pages)))
    for page in pages:
        page.items = [
            it for it in page.items
            if not (isinstance(it, Line) and in_band(it, page)
                    and (_PAGE_NUMBER.match(it.text) or counts[_signature(it.text)] >= repeat))
        ]


# --- joining lines into paragraphs ------------------------------------------

def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END) or text.rstrip().endswith("./.")


def _starts_paragraph(prev: Line, cur: Line, pitch: float | None, left_edge: float, right_edge: float,
                      same_page: bool) -> bool:
    size = max(cur.size, 1.0)
    ocr = prev.confidence is not None
    if (abs(cur.size - prev.size) > (0.25 * size if ocr else 0.95)) or cur.bold != prev.bold:
        return True
    if same_page and cur.group is not None and prev.group is not None and cur.group != prev.group:
        return True
    if same_page:
        step = cur.baseline - prev.baseline
        if step < -2 or (step < size * 0.5 and cur.x0 > prev.x1):  # back up the page, or beside it
            return True
        if pitch is not None and step > pitch + 0.3 * size:
            return True
    if split_number(cur.text)[0] and (_ends_sentence(prev.text) or prev.x1 < right_edge - 3 * size):
        return True
    centred = (abs((cur.x0 + cur.x1) / 2 - (prev.x0 + prev.x1) / 2) <= 0.6 * size and cur.x1 < prev.x1 - size
               and not _SIGNATURE_START.match(cur.text))
    if prev.text.rstrip().endswith("./."):  # the mark that closes an administrative text
        return True
    # The current line's first word would have fitted at the end of the previous line
    # (OCR boxes are a few points off, so they get some slack).
    slack = 1.0 if not ocr else 0.8 * size
    if prev.x1 + 0.3 * size + cur.first_word < right_edge - slack and not centred:
        return True
    # Indented relative to the previous line: a new paragraph, unless it is the hanging
    # indent of a list item or the second line of a centred block (same centre, shorter).
    if cur.x0 > prev.x0 + 0.5 * size:
        hanging = prev.text_x0 is not None and abs(cur.x0 - prev.text_x0) <= 0.5 * size
        if not (hanging or centred):
            return True
    # A wrapped line goes back to the left margin (or the column's edge): one that moves
    # left but stays off the margin starts something new.
    if cur.x0 < prev.x0 - 0.5 * size and cur.x0 > left_edge + 1.5 * size and not centred:
        return True
    # A line set in the right half (a signature, a place and date) stands alone, unless
    # the next one is its centred continuation.
    if prev.x0 > (left_edge + right_edge) / 2 and not centred:
        return True
    # A line short of both margins (centred, a running title) ends its paragraph.
    if prev.x0 > left_edge + 1.5 * size and prev.x1 < right_edge - 1.5 * size and prev.text_x0 is None \
            and not centred:
        return True
    return False


def _page_pitch(lines: list[Line]) -> float | None:
    steps = [round(b.baseline - a.baseline, 1) for a, b in zip(lines, lines[1:])
             if 0 < b.baseline - a.baseline < 2.5 * max(a.size, 1)]
    if not steps:
        return None
    return Counter(steps).most_common(1)[0][0] if len(steps) < 5 else sorted(steps)[len(steps) // 3]


def join_lines(pages: list[PageContent]) -> tuple[list[Block], set[int]]:
    """Paragraph blocks (with page numbers) from lines, with tables in place.

    Also returns the indices of paragraphs whose lines are all bold.
    """
    from pipeline.vietnamese import decode_tcvn3, decode_vni

    def text_of(line: Line) -> str:
        if line.legacy == "vni":
            return decode_vni(line.text)
        if line.legacy in ("tcvn3", "tcvn3h"):
            return decode_tcvn3(line.text, uppercase_font=line.legacy == "tcvn3h")
        return line.text

    blocks: list[Block] = []
    bold: set[int] = set()
    current: list[Line] = []
    current_page = 0

    def flush() -> None:
        if current:
            text = ""
            for line in current:
                piece = text_of(line)
                if text.endswith("-") and not text.endswith(" -"):
                    text += piece  # "12/QC-" + "LN": a code broken at its hyphen
                else:
                    text = f"{text} {piece}" if text else piece
            confs = [ln.confidence for ln in current if ln.confidence is not None]
            if all(ln.bold for ln in current):
                bold.add(len(blocks))
            blocks.append(Block(kind=PARAGRAPH, text=text, page=current_page,
                                ocr_confidence=round(sum(confs) / len(confs), 1) if confs else None))
            current.clear()

    # Text margins from all pages: most lines start at the left margin and justified ones
    # end at the right margin.
    all_lines = [it for page in pages for it in page.items if isinstance(it, Line)]
    x1s = sorted(ln.x1 for ln in all_lines)
    x0s = sorted(ln.x0 for ln in all_lines)
    right_edge = x1s[int(len(x1s) * 0.9)] if x1s else 0.0
    left_edge = x0s[int(len(x0s) * 0.1)] if x0s else 0.0
    prev: Line | None = None
    prev_page: PageContent | None = None
    for page in pages:
        pitch = _page_pitch([it for it in page.items if isinstance(it, Line)])
        for item in page.items:
            if isinstance(item, Block):
                flush()
                item.page = page.number
                blocks.append(item)
                prev = None
                continue
            if prev is None or _starts_paragraph(prev, item, pitch, left_edge, right_edge, prev_page is page):
                flush()
                current_page = page.number
            current.append(item)
            prev, prev_page = item, page
    flush()
    return _merge_split_tables(blocks, bold)


def _merge_split_tables(blocks: list[Block], bold: set[int]) -> tuple[list[Block], set[int]]:
    """A table continued on the next page (same columns, nothing in between) becomes one table."""
    out: list[Block] = []
    out_bold: set[int] = set()
    for i, block in enumerate(blocks):
        last = out[-1] if out else None
        if (block.kind == TABLE and last is not None and last.kind == TABLE and last.page is not None
                and block.page == last.page + 1 and block.rows and last.rows
                and len(block.rows[0]) == len(last.rows[0])):
            rows = block.rows
            if rows[0] == last.rows[0]:  # a repeated header row
                rows = rows[1:]
            last.rows = last.rows + rows
            continue
        if i in bold:
            out_bold.add(len(out))
        out.append(block)
    return out, out_bold


# --- text layer quality ---------------------------------------------------------

_GOOD = re.compile(r"[\w\s.,;:!?()\[\]/%\"'“”‘’«»&+*=<>@#–—-]", re.U)


def text_is_clean(text: str) -> bool:
    """False for a layer of garbage glyph codes ("(cid:12)" runs, symbols instead of letters)."""
    visible = "".join(text.split())
    if text.count("(cid:") * 6 > len(visible) * 0.2:
        return False
    return len(_GOOD.findall(visible)) >= 0.8 * len(visible)


def text_is_usable(text: str) -> bool:
    """False for a page with (almost) no text, or a layer of garbage glyph codes."""
    return len("".join(text.split())) >= MIN_CHARS and text_is_clean(text)


# --- the backend ------------------------------------------------------------

def open_pdf(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4:
            raise ExtractionError("tệp PDF được đặt mật khẩu", str(path),
                                  "xin tỉnh gửi bản không đặt mật khẩu, hoặc mở bằng mật khẩu rồi in lại ra PDF") from exc
        raise ExtractionError("tệp PDF bị hỏng hoặc tải về chưa hết", str(path),
                              "hãy mở thử bằng trình đọc PDF; nếu lỗi, xin tỉnh gửi lại") from exc


class PdfBackend(Backend):
    name = "pdf"

    def can_read(self, path: Path, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]

    def read(self, path: Path) -> ReadResult:
        pdf = open_pdf(path)
        try:
            return self._read(pdf, path)
        finally:
            pdf.close()

    def _read(self, pdf, path: Path) -> ReadResult:
        n = len(pdf)
        if n > MAX_PAGES:
            raise ExtractionError(f"tệp PDF có {n} trang, vượt giới hạn {MAX_PAGES} trang của một báo cáo", str(path),
                                  "hãy tách phần báo cáo (bỏ các phụ lục dài) ra tệp riêng rồi thử lại")
        if n == 0:
            raise ExtractionError("tệp PDF không có trang nào", str(path), "xin tỉnh gửi lại tệp")
        pages: list[PageContent] = []
        scanned: list[int] = []
        for index in range(n):
            page = pdf[index]
            width, height = page.get_size()
            if page.get_rotation() % 180 == 90:  # text positions are in the unrotated page's space
                width, height = height, width
            content = PageContent(number=index + 1, width=width, height=height)
            textpage = page.get_textpage()
            tpage = _TextPage(textpage, height)
            text = textpage.get_text_range()
            short_page = text.strip() and not _has_images(page) and text_is_clean(text)
            if text_is_usable(text) or short_page:  # a short last page (signature) is text, not a scan
                content.items = self._page_items(page, tpage, text, height, page.get_rotation() != 0)
            elif _has_images(page) or text.strip():
                scanned.append(index)
            textpage.close()
            page.close()
            pages.append(content)
        warnings: list[str] = []
        fmt = "pdf"
        if scanned:
            from .ocr import ocr_pages

            fmt = "pdf-ocr"
            try:
                ocr = ocr_pages(pdf, scanned, path)
            except ExtractionError:
                if len(scanned) == n:
                    raise
                warnings.append(
                    f"các trang {_page_list(scanned)} là ảnh quét nhưng không nhận dạng chữ được (thiếu Tesseract): đã bỏ qua"
                )
                ocr = {}
            for index, (lines, page_warnings) in ocr.items():
                pages[index].items = lines
                warnings.extend(page_warnings)
        remove_running(pages)
        blocks, bold = join_lines(pages)
        if scanned:
            from .ocr import repair_ocr_labels

            repair_ocr_labels(blocks)
        # OCR cannot see bold: layout then judges headings by their shape alone.
        return ReadResult(format=fmt, blocks=blocks, pages=n, warnings=warnings, bold=None if scanned else bold)

    def _page_items(self, page, tpage: _TextPage, text: str, height: float, rotated: bool = False) -> list:
        lines = _page_lines(tpage, text)
        if rotated:  # pdfium's text order does not follow a rotated page: read it top to bottom
            lines.sort(key=lambda ln: (round(ln.baseline), ln.x0))
        lines = _reinsert_floating(_attach_labels(lines))
        tables = _tables(page, tpage, height)
        if not tables:
            return lines
        items: list = []
        placed = set()
        for line in lines:
            mid_x, mid_y = (line.x0 + line.x1) / 2, (line.top + line.baseline) / 2
            hit = next((k for k, (box, _) in enumerate(tables)
                        if box[0] - 1 <= mid_x <= box[2] + 1 and box[1] - 1 <= mid_y <= box[3] + 1), None)
            if hit is None:
                items.append(line)
            elif hit not in placed:
                placed.add(hit)
                items.append(Block(kind=TABLE, text="", rows=tables[hit][1]))
        for k, (_, rows) in enumerate(tables):
            if k not in placed:
                items.append(Block(kind=TABLE, text="", rows=rows))
        return items


def _attach_labels(lines: list[Line]) -> list[Line]:
    """A numbering label printed as a line of its own ("I." then a tab) joins the words beside it."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (prev is not None and abs(prev.baseline - line.baseline) <= 2 and line.x0 > prev.x1
                and split_number(prev.text + " x")[0] == prev.text):
            prev.text = f"{prev.text} {line.text}"
            prev.text_x0, prev.x1 = line.x0, line.x1
            prev.bold = prev.bold and line.bold
            continue
        out.append(line)
    return out


def _reinsert_floating(lines: list[Line]) -> list[Line]:
    """Put text drawn after the bottom of the page (text boxes, frames) back where it sits."""
    if len(lines) < 3:
        return lines
    last = max(range(len(lines)), key=lambda k: lines[k].baseline)
    floating = lines[last + 1:]
    if not floating or any(ln.baseline >= lines[last].baseline - 2 for ln in floating):
        return lines
    out = lines[: last + 1]
    for ln in floating:
        at = next((k for k, other in enumerate(out) if other.baseline > ln.baseline + 2), len(out))
        out.insert(at, ln)
    return out


def _has_images(page) -> bool:
    raw = _raw()
    for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        return True
    return False


def _page_list(indices: list[int]) -> str:
    return ", ".join(str(i + 1) for i in indices)
