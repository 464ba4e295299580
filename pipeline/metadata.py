"""Report metadata from the first blocks: issuer, number, date, title, province.

The header of an administrative report (Decree 30/2020/NĐ-CP) is a two-column
table (issuing body and number on the left; national motto, place and date on
the right) or, from PDFs, plain lines where both columns are run together. Both
are read as lines; the motto and rules ("_____") are cut out of each line.

* issuer: the capitalised lines of the left column before "Số:"; a parent body
  and the issuing body ("UBND TỈNH NGHỆ AN" / "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
  are kept on separate lines ("\\n"), the wrapped lines of one body are joined.
* doc_number: "Số: 215/BC-UBND" -> "215/BC-UBND".
* date: the first "ngày 15 tháng 7 năm 2020" or "ngày 05/8/2020" in the header, ISO.
* title: the line(s) after "BÁO CÁO", joined.
* province: from the issuer, else the place before ", ngày", else the title,
  else the file name; ``province_source`` says which.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .model import ADDRESSEE, BODY, RECIPIENTS, SIGNATURE, TABLE, Block, Metadata
from .provinces import Province, find_province, match_province
from .vietnamese import detect_legacy, fold_aligned, normalize_text

TOP_BLOCKS = 40  # the header and title are always within the first blocks
MAX_LINES = 120
MAX_TITLE_LINES = 4
NO_MARKER_HEADER_LINES = 12


@dataclass
class _Line:
    text: str
    column: int | None  # table column, None for paragraphs
    block: Block
    rule: bool = False  # the line was only a rule "_____" (a separator)


_MOTTO_RES = (
    re.compile(r"cong\s*hoa\s*xa\s*hoi\s*chu\s*nghia\s*viet\s*nam"),
    re.compile(r"doc\s*lap\s*[-–—.,]?\s*tu\s*do\s*[-–—.,]?\s*hanh\s*phuc"),
)
_RULE_RE = re.compile(r"[_\-–—=*~]{3,}")  # "_______" under the issuer and the motto; not "....." blanks
_DRAFT_RE = re.compile(r"^\(?\s*(du\s*thao|mat|khan)\b.*$")
_NUMBER_RE = re.compile(r"^\s*so\s*[:.]?\s*(\d+)\s*/\s*([a-z0-9][a-z0-9\-./]*)")
_NUMBER_LINE_RE = re.compile(r"^\s*so\s*[:.]?\s*\d*\s*/")  # also "Số:    /BC-UBND" before numbering
_DATE_RES = (
    re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})"),
    re.compile(r"ngay\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"),
)
_MARKER_RE = re.compile(r"^\s*b\s*a\s*o\s*c\s*a\s*o\b\s*[:.]?\s*")
_TITLE_STOP_RE = re.compile(
    r"^\s*(?:kinh\s*gui|noi\s*nhan|phan\s+[ivx\d]|\(\s*(?:kem|ban\s*hanh)|[ivx]+\s*[.)]\s|\d+\s*[.)]\s|[a-z]\s*\)\s)"
)
# Opening words of the first body paragraph; a wrapped title line continues in lowercase instead.
_BODY_START_RE = re.compile(r"^\s*(?:can\s*cu|thuc\s*hien|theo|tiep\s*theo|trien\s*khai)\b")
_ORG_START_RE = re.compile(
    r"^\s*(?:uy\s*ban|ubnd|so\s|ban\s|bo\s|cong\s*an|hoi\s*dong|hoi\s*lien|hoi\s*phu\s*nu|hoi\s*nong\s*dan|"
    r"doan\s|mat\s*tran|toa\s*an|vien\s*kiem\s*sat|bch|bcd|phong\s|chi\s*cuc|cuc\s)"
)


def _split_cells(block: Block) -> list[tuple[str, int | None]]:
    """(text, column) for every line of a block; tables keep their columns."""
    if block.kind == TABLE:
        rows = block.rows or [re.split(r"\t| \| ", line) for line in block.text.split("\n")]
        out = []
        for row in rows:
            seen = set()
            for col, cell in enumerate(row or []):
                cell = cell or ""
                if cell in seen:  # merged cells repeat their text
                    continue
                seen.add(cell)
                out.extend((line, col) for line in cell.split("\n"))
        return out
    return [(line, None) for line in (block.text or "").split("\n")]


_NUMBER_INSIDE_RE = re.compile(r"(?<=\s)so\s*[:.]?\s*\d*\s*/")  # "... TỈNH NGHỆ AN Số: 215/BC-UBND"


def _segments(line: str) -> list[tuple[str, bool]]:
    """Split a line at the motto and rules, and before a capital "Số:" inside it.

    Returns (text, is_rule) pieces: a table cell flattened to one line
    ("ỦY BAN NHÂN DÂN TỈNH NGHỆ AN ______ Số: 215/BC-UBND") gives its lines back.
    """
    folded = fold_aligned(line)
    cuts: list[tuple[int, int, bool]] = []  # (start, end, is_rule)
    for rx in _MOTTO_RES:
        cuts.extend((m.start(), m.end(), False) for m in rx.finditer(folded))
    cuts.extend((m.start(), m.end(), True) for m in _RULE_RE.finditer(folded))
    cuts.extend((m.start(), m.start(), False) for m in _NUMBER_INSIDE_RE.finditer(folded) if line[m.start()] == "S")
    out: list[tuple[str, bool]] = []
    last = 0
    for start, end, is_rule in sorted(cuts):
        if start < last:
            continue
        piece = line[last:start].strip(" |,;-")
        if piece:
            out.append((piece, False))
        if is_rule:
            out.append(("", True))
        last = end
    piece = line[last:].strip(" |,;-")
    if piece:
        out.append((piece, False))
    return out


def _lines(blocks: list[Block]) -> list[_Line]:
    top = blocks[:TOP_BLOCKS]
    raw = [(text, col, b) for b in top for text, col in _split_cells(b)]
    legacy = detect_legacy("\n".join(t for t, _, _ in raw))
    lines: list[_Line] = []
    for text, col, block in raw[:MAX_LINES * 2]:
        text = normalize_text(text, legacy=legacy)
        lines.extend(_Line(piece, col, block, rule) for piece, rule in _segments(text))
    return lines[:MAX_LINES]


def _is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.6 * len(letters)


def _find_marker(lines: list[_Line]) -> int | None:
    for i, line in enumerate(lines):
        folded = fold_aligned(line.text)
        m = _MARKER_RE.match(folded)
        if not m:
            continue
        rest = line.text[m.end():].strip()
        if _is_capitals(line.text[:m.end()]) or (i < 15 and not rest):
            return i
    return None


def _doc_number(lines: list[_Line]) -> tuple[str | None, int | None]:
    for i, line in enumerate(lines):
        m = _NUMBER_RE.match(fold_aligned(line.text))
        if m:
            symbol = line.text[m.start(2):m.end(2)].rstrip(".-/")
            return f"{line.text[m.start(1):m.end(1)]}/{symbol}", i
    return None, None


def _date_in(line: str) -> tuple[str | None, int]:
    folded = fold_aligned(line)
    for rx in _DATE_RES:
        for m in rx.finditer(folded):
            day, month, year = (int(g) for g in m.groups())
            try:
                return date(year, month, day).isoformat(), m.start()
            except ValueError:
                continue
    return None, -1


def _place(line: str, date_start: int) -> str:
    before = line[:date_start]
    number = _NUMBER_RE.match(fold_aligned(before))
    if number:
        before = before[number.end():]
    return before.strip(" ,.;:|")


def _issuer(lines: list[_Line], end: int) -> str | None:
    parts: list[list[str]] = []
    started = False
    for line in lines[:end]:
        if line.column not in (None, 0) or line.rule:
            if started and line.rule:
                break
            continue
        folded = fold_aligned(line.text)
        if _NUMBER_LINE_RE.match(folded) or _date_in(line.text)[0] or _DRAFT_RE.match(folded):
            if started:
                break
            continue
        if not _is_capitals(line.text):
            if started:
                break
            continue
        if not parts or (_ORG_START_RE.match(folded) and _complete(parts[-1])):
            parts.append([line.text])
        else:
            parts[-1].append(line.text)
        started = True
        if sum(len(p) for p in parts) >= 5:
            break
    if not parts:
        return None
    return "\n".join(" ".join(p) for p in parts)


def _complete(part: list[str]) -> bool:
    """A body name is complete unless it ends mid-phrase ("... VÀ XÃ", "ỦY BAN NHÂN DÂN")."""
    folded = fold_aligned(" ".join(part)).strip()
    return not re.search(r"(?:\bva|\bxa|-|\buy ban nhan dan|\bubnd)$", folded)


def _title(lines: list[_Line], marker: int, roles_used: bool) -> str | None:
    first = lines[marker]
    m = _MARKER_RE.match(fold_aligned(first.text))
    collected = []
    rest = first.text[m.end():].strip() if m else ""
    if rest:
        collected.append(rest)
    for line in lines[marker + 1:]:
        folded = fold_aligned(line.text)
        if line.rule or not line.text or _TITLE_STOP_RE.match(folded) or _NUMBER_LINE_RE.match(folded):
            break
        if line.block.role in (ADDRESSEE, RECIPIENTS, SIGNATURE):
            break
        if collected and roles_used and line.block.role == BODY:
            break
        if _date_in(line.text)[0] and re.search(r",\s*ngay", folded):
            break
        if _BODY_START_RE.match(folded) and line.text[:1].isupper():
            break
        if len(line.text) > 250 or (len(line.text) > 100 and line.text.endswith(".")):
            break
        if len(collected) >= MAX_TITLE_LINES:
            break
        collected.append(line.text)
    if rest and len(collected) > 1 and _is_capitals(rest) and not _is_capitals(" ".join(collected[1:])):
        collected[0] = rest.capitalize()  # "BÁO CÁO TỔNG KẾT" / "05 năm ..." -> "Tổng kết 05 năm ..."
    title = re.sub(r"\s+", " ", " ".join(collected)).strip(" .:")
    return title or None


def extract_metadata(blocks: list[Block], filename: str) -> Metadata:
    """Issuer, number, date, title and province of one report; missing fields are None.

    Never raises: a malformed block leaves the fields found so far.
    """
    meta = Metadata()
    try:
        _fill(meta, list(blocks or []), filename if isinstance(filename, str) else "")
    except Exception:  # noqa: BLE001 - metadata is best effort, the batch must go on
        pass
    return meta


def _fill(meta: Metadata, blocks: list[Block], filename: str) -> None:
    lines = _lines(blocks)
    marker = _find_marker(lines)
    header_end = marker if marker is not None else min(len(lines), NO_MARKER_HEADER_LINES)
    header = lines[:header_end]

    meta.doc_number, _ = _doc_number(header)
    place = ""
    for line in header:
        iso, start = _date_in(line.text)
        if iso:
            meta.date, place = iso, _place(line.text, start)
            break
    if meta.date is None and marker is not None:
        for line in lines[marker:]:  # a place-and-date line placed after the title
            iso, start = _date_in(line.text)
            if iso and re.search(r",\s*ngay", fold_aligned(line.text)):
                meta.date, place = iso, _place(line.text, start)
                break
    meta.issuer = _issuer(lines, header_end)
    roles_used = any(b.role != BODY for b in blocks[:TOP_BLOCKS])
    meta.title = _title(lines, marker, roles_used) if marker is not None else None

    sources = (
        ("issuer", lambda: find_province(meta.issuer) if meta.issuer else None),
        ("place", lambda: (match_province(place) or find_province(place + ", ngày")) if place else None),
        ("title", lambda: find_province(meta.title) if meta.title else None),
        ("filename", lambda: match_province(filename) if filename else None),
    )
    for source, find in sources:
        province: Province | None = find()
        if province is not None:
            meta.province, meta.province_source = province.name, source
            return
