"""Layout of an administrative report: roles, headings, outline levels, heading paths.

Works on the blocks any extractor produced, after text normalisation:
1. typed numbering labels ("I.", "1.1.", "a)", "-") are split off the text into
   `Block.number` (Word's automatic numbers arrive already resolved);
2. the header (issuing body, motto, number, place and date), the title, the
   "Kính gửi" addressee, the "Nơi nhận" recipients and the signature block get
   their roles; everything else is body;
3. body paragraphs become headings by style, or by a numbering label when the
   paragraph is bold (or short, when boldness is unknown, as in OCR);
4. every block gets its outline level and the path of headings above it.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .model import (
    ADDRESSEE,
    BODY,
    HEADER,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    RECIPIENTS,
    SIGNATURE,
    TABLE,
    TITLE,
    Block,
)

_ROMAN = r"(?:X{0,3}(?:IX|IV|V?I{1,3}|V)|X{1,3})"
_BULLETS = "-–—+•·▪■□●○◦*❖➢►✓"
# A numbering label at the start of a paragraph, followed by a space (or glued
# to a letter, as in "1.Công tác"). Decimal parts have at most two digits so
# that "1.234 lượt" or "2020 là năm" are never taken for labels.
_NUMBER_RE = re.compile(
    rf"""^(?:
        (?P<part>(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)\s+(?:{_ROMAN}|\d{{1,2}}|THỨ\s+\w+|thứ\s+\w+)[.:]?)
      | (?P<upper>[A-H][.)])
      | (?P<roman>{_ROMAN}[.)])
      | (?P<multi>\d{{1,2}}(?:\.\d{{1,2}})+\.?)
      | (?P<paren>\d{{1,2}}\))
      | (?P<single>\d{{1,2}}\.)
      | (?P<letter>[a-zđ][).])
      | (?P<bullet>[{re.escape(_BULLETS)}])
    )(?:\s+|(?<=[.)\-+])(?=[^\W\d_]))(?=\S)""",
    re.X,
)

_WORD_HEADING_STYLE = re.compile(r"^(?:heading|tiêu đề|tieu de|title|überschrift|titre)\s*(\d)?$", re.I)


def _fold_table() -> dict[int, str]:
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0xC0, 0x1EFA):
        stripped = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if stripped != chr(code) and stripped.isascii():
            table[code] = stripped
    return table


_FOLD = _fold_table()


def fold(text: str, limit: int | None = None) -> str:
    """Upper case without diacritics: "Nơi nhận" -> "NOI NHAN" (for cue matching).

    `limit` folds only the first characters, where the cues of a block are.
    Text is NFC (normalised by the extractors), so one table lookup per letter suffices.
    """
    if limit is not None:
        text = text[:limit]
    return text.translate(_FOLD).upper()


def split_number(text: str) -> tuple[str | None, str]:
    """Split a typed numbering label off a paragraph: "1.1. Công tác" -> ("1.1.", "Công tác")."""
    match = _NUMBER_RE.match(text)
    if not match:
        return None, text
    label = match.group(0).strip()
    rest = text[match.end():].strip()
    if not rest:
        return None, text
    return label, rest


def number_rank(label: str | None) -> float | None:
    """Depth of a numbering label in the Decree 30 outline: I. < 1. < 1.1. < a) < - < +."""
    if not label:
        return None
    label = label.strip()
    if re.match(r"^(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)\b", label):
        return 0.0
    if re.fullmatch(r"[A-H][.)]", label):
        return 0.5
    if re.fullmatch(rf"{_ROMAN}[.)]?", label):
        return 1.0
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3})*\.?", label):
        return 1.0 + len([p for p in label.split(".") if p])
    if re.fullmatch(r"\d{1,3}\)", label):
        return 5.5
    if re.fullmatch(r"[a-zđ][).]", label):
        return 6.0
    if label == "+":
        return 8.0
    if label in ("o", "◦", "○"):
        return 8.0
    if label in ("▪", "■", "□"):
        return 9.0
    return 7.0


def heading_style_level(style: str | None) -> int | None:
    """"Heading 2" / "Tiêu đề 2" -> 2; "Title" -> 1; other styles -> None."""
    if not style:
        return None
    match = _WORD_HEADING_STYLE.match(style.strip())
    if not match:
        return None
    return int(match.group(1) or 1)


# --- roles ------------------------------------------------------------------

_TITLE_RE = re.compile(r"^(?:BAO CAO|KE HOACH|TO TRINH|THONG BAO|CONG VAN|DU THAO BAO CAO)\b")
_ADDRESSEE_RE = re.compile(r"^KINH GUI\b")
_RECIPIENTS_RE = re.compile(r"^NOI NHAN\b")
_SIGNATURE_RE = re.compile(
    r"^(?:(?:T\.?M|K\.?T|T\.?L|T\.?U\.?Q|Q|QUYEN)[.\s/]|"
    r"(?:PHO )?(?:CHU TICH|GIAM DOC|TRUONG BAN|CHANH VAN PHONG|TRUONG PHONG)\s*$|"
    r"\((?:DA KY|KY[ ,]))"
)
_HEADER_RE = re.compile(
    r"(?:CONG HOA XA HOI|DOC LAP|HANH PHUC|UY BAN NHAN DAN|^UBND\b|^SO\s*[:.]|^SO\s+\d"
    r"|NGAY\s+\S+\s+THANG\s+\S+\s+NAM|^SO LAO DONG|^BAN CHI DAO|^(?:TINH|THANH PHO)\b)"
)
_BLANKISH = re.compile(r"^[\W_]*$")


def _words(text: str) -> int:
    return len(text.split())


def _is_short_line(block: Block, limit: int) -> bool:
    return block.kind != TABLE and _words(block.text) <= limit


def _find_title(blocks: list[Block], limit: int = 15) -> int | None:
    for i, block in enumerate(blocks[:limit]):
        if block.kind == TABLE or block.number:
            continue
        if _TITLE_RE.match(fold(block.text, 120)) and block.text.split()[0].isupper() and _words(block.text) <= 40:
            return i
    return None


def _assign_roles(blocks: list[Block]) -> None:
    for block in blocks:
        block.role = BODY
    n = len(blocks)
    title = _find_title(blocks)
    start = 0
    if title is not None:
        for block in blocks[:title]:
            block.role = HEADER
        blocks[title].role = TITLE
        i = title + 1
        while i < n and i <= title + 3:
            b = blocks[i]
            folded = fold(b.text, 120)
            if (
                b.kind == TABLE or b.number or _ADDRESSEE_RE.match(folded)
                or _words(b.text) > 40 or b.text.rstrip().endswith((".", ",", ":", ";"))
            ):
                break
            b.role = TITLE
            i += 1
        start = i
    else:
        i = 0
        while i < n and i < 12 and blocks[i].kind != TABLE and _words(blocks[i].text) <= 15:
            folded = fold(blocks[i].text, 120)
            if not (_HEADER_RE.search(folded) or (blocks[i].text.isupper() and not blocks[i].number)):
                break
            blocks[i].role = HEADER
            i += 1
        start = i

    # "Kính gửi: ..." near the top, with its list of addressees.
    for i in range(start, min(n, start + 8)):
        if blocks[i].kind != TABLE and _ADDRESSEE_RE.match(fold(blocks[i].text, 120)):
            blocks[i].role = ADDRESSEE
            j = i + 1
            while j < n and j <= i + 6 and _is_short_line(blocks[j], 20) and blocks[j].text.rstrip().endswith((";", ".", ",")) \
                    and (blocks[j].number or blocks[i].text.rstrip().endswith(":")):
                blocks[j].role = ADDRESSEE
                j += 1
            break

    # Tail: "Nơi nhận" list and signature block, in either order or interleaved (two
    # columns read one after the other, or line by line from a scan). It starts at the
    # first clear cue and runs over short lines until an appendix, a table or prose.
    tail = next((i for i in range(max(start, n - 40), n) if _is_tail_cue(blocks[i], i, n)), None)
    if tail is None:
        return
    for block in blocks[tail:]:
        if block.role != BODY:
            continue
        folded = fold(block.text, 120)
        text = block.text.rstrip()
        if block.kind == TABLE or _words(text) > 30 or folded.startswith(("PHU LUC", "BIEU", "DANH SACH")):
            break
        if _RECIPIENTS_RE.match(folded):
            block.role = RECIPIENTS
        elif _SIGNATURE_RE.match(folded):
            block.role = SIGNATURE
        elif block.number in ("-", "+", "•", "–") or folded.startswith("LUU") or text.endswith((";", ",")):
            block.role = RECIPIENTS
        elif _words(text) <= 8 and not block.number and not text.endswith((".", ":")):
            block.role = SIGNATURE  # the signer's title or name
        else:
            break


def _is_tail_cue(block: Block, i: int, n: int) -> bool:
    if block.role != BODY or block.kind == TABLE or _words(block.text) > 12:
        return False
    folded = fold(block.text, 120)
    if _RECIPIENTS_RE.match(folded):
        return True
    strong = folded.startswith(("TM", "T.M", "KT", "K.T", "TL", "T.L", "TUQ", "Q.", "QUYEN"))
    return bool(_SIGNATURE_RE.match(folded)) and (strong or i >= n * 0.6)


# --- kinds, levels, paths ---------------------------------------------------

def _decide_kind(block: Block, bold: bool | None) -> str:
    if block.kind in (TABLE, HEADING):
        return block.kind
    if heading_style_level(block.style) is not None:
        return HEADING
    text = block.text.rstrip()
    words = _words(text)
    if not block.number:
        if bold and words <= 12 and text.isupper():
            return HEADING
        return PARAGRAPH if block.kind != LIST_ITEM else LIST_ITEM
    rank = number_rank(block.number) or 7.0
    if bold:
        return HEADING if words <= 40 else LIST_ITEM
    if rank <= 1.0:  # PHẦN, A., I.: headings even when not bold
        return HEADING if words <= 25 and not text.endswith(".") else LIST_ITEM
    if bold is None and rank < 7.0 and words <= 20 and not text.endswith((".", ";", ",")):
        return HEADING
    return LIST_ITEM


def _rank(block: Block) -> float:
    rank = number_rank(block.number)
    if rank is not None:
        return rank
    style_level = heading_style_level(block.style)
    if style_level is not None:
        return float(style_level)
    return 0.5  # an unnumbered, bold, all-caps heading such as "PHỤ LỤC"


def apply_layout(blocks: list[Block], bold: Iterable[int] | None = ()) -> list[Block]:
    """Give every block its role, kind, level and heading path, in place.

    `bold` holds the indices of paragraphs printed entirely in bold, or is None when
    the source cannot tell (OCR). Returns `blocks` for convenience.
    """
    bold_set = None if bold is None else set(bold)
    for i, block in enumerate(blocks):
        block.index = i
        if block.kind != TABLE and not block.number:
            number, rest = split_number(block.text)
            if number:
                block.number, block.text = number, rest
    _assign_roles(blocks)

    # Headings nest by rank; list items nest among themselves under the current
    # heading, so a "1." list under a "3." heading never closes that heading.
    headings: list[tuple[float, Block]] = []
    items: list[tuple[float, Block]] = []
    for i, block in enumerate(blocks):
        if block.role != BODY:
            block.heading_path = []
            block.level = None
            if block.kind == HEADING:
                block.kind = PARAGRAPH
            continue
        is_bold = None if bold_set is None else i in bold_set
        block.kind = _decide_kind(block, is_bold)
        block.heading_path = [b.numbered_text for _, b in headings]
        if block.kind == HEADING:
            rank = _rank(block)
            while headings and headings[-1][0] >= rank:
                headings.pop()
            block.heading_path = [b.numbered_text for _, b in headings]
            block.level = len(headings) + 1
            headings.append((rank, block))
            items.clear()
        elif block.kind == LIST_ITEM:
            rank = number_rank(block.number) or 7.0
            while items and items[-1][0] >= rank:
                items.pop()
            block.level = len(headings) + len(items) + 1
            items.append((rank, block))
        else:
            block.level = None
    return blocks


def drop_blank(blocks: list[Block]) -> list[Block]:
    """Drop paragraphs with no letter or digit (separator rules "-----", "___")."""
    kept = []
    for block in blocks:
        if block.kind == TABLE:
            if any(cell.strip() for row in block.rows or [] for cell in row):
                kept.append(block)
        elif not _BLANKISH.match(block.text):
            kept.append(block)
    return kept
