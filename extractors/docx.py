"""Word .docx (and .docm): body paragraphs and tables in order, straight from the XML.

Reads word/document.xml, styles.xml and numbering.xml with lxml (no entity
resolution, no network) and resolves what a reader sees on paper:
- Word's automatic numbering ("I.", "1.1.", "a)", bullets), from the paragraph or
  inherited through its style, with start values, overrides and restarts;
- tracked changes as if accepted (insertions kept, deletions dropped);
- text boxes, content controls, hyperlinks and field results (page numbers dropped);
- soft line breaks (a broken line that starts a new list item becomes its own block);
- runs typed in TCVN3/VNI fonts, decoded by font name;
- small borderless layout tables (header, signature) flattened into paragraphs.
Headers and footers live in other parts and are never read. Macros in a .docm
are never run or read: only the text is used, with a warning.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from pipeline.errors import ExtractionError
from pipeline.layout import fold, heading_style_level, split_number
from pipeline.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block

from .base import Backend, ReadResult

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT_NS = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a report is a few MB; refuse zip bombs
MAX_RATIO = 200  # uncompressed / compressed, for members over 10 MB

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
    remove_comments=True, remove_pis=True,
)


@lru_cache(maxsize=None)
def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


T, TAB, BR, CR, R, P, TBL, TR, TC = (_w(t) for t in ("t", "tab", "br", "cr", "r", "p", "tbl", "tr", "tc"))
PPR, RPR, INS, DEL, MOVE_TO, MOVE_FROM = (_w(t) for t in ("pPr", "rPr", "ins", "del", "moveTo", "moveFrom"))
FLDCHAR, INSTR, FLDSIMPLE, SYM = (_w(t) for t in ("fldChar", "instrText", "fldSimple", "sym"))
TXBX, SDT, SDT_CONTENT, HYPERLINK = (_w(t) for t in ("txbxContent", "sdt", "sdtContent", "hyperlink"))
NOBREAK_HYPHEN, SOFT_HYPHEN, VAL = _w("noBreakHyphen"), _w("softHyphen"), _w("val")
MC_ALT, MC_CHOICE, MC_FALLBACK = (f"{{{MC_NS}}}{t}" for t in ("AlternateContent", "Choice", "Fallback"))
M_T = f"{{{M_NS}}}t"
M_MATH = (f"{{{M_NS}}}oMath", f"{{{M_NS}}}oMathPara")
_TRANSPARENT = {INS, MOVE_TO, _w("smartTag"), _w("customXml"), HYPERLINK, _w("dir"), _w("bdo"), SDT_CONTENT}
_PAGE_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "PAGEREF"}

_LAYOUT_CUES = re.compile(
    r"CONG HOA XA HOI|DOC LAP|NOI NHAN|^\s*(?:TM|KT|TL|TUQ)\.|CHU TICH|GIAM DOC|UY BAN NHAN DAN|^\s*SO\s*:", re.M
)
_TOC_STYLE = re.compile(r"^(?:toc|mục lục)\s*\d", re.I)
_PUA_BULLETS = {0xF0B7: "•", 0xF0A7: "▪", 0xF0D8: "➢", 0xF076: "❖", 0xF0FC: "✓", 0xF06E: "■", 0xF0A8: "□", 0xF02D: "-"}


def _on(el) -> bool:
    """A Word toggle property: present without a value, or with a true value."""
    val = el.get(VAL)
    return val is None or val.lower() not in ("0", "false", "off", "none")


# --- styles -----------------------------------------------------------------

@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    bold: bool | None = None
    caps: bool | None = None
    vanish: bool | None = None
    font: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    outline: int | None = None


def _run_props(rpr, style: _Style) -> None:
    if rpr is None:
        return
    for child in rpr:
        tag = child.tag
        if tag == _w("b"):
            style.bold = _on(child)
        elif tag == _w("caps"):
            style.caps = _on(child)
        elif tag == _w("vanish"):
            style.vanish = _on(child)
        elif tag == _w("rFonts"):
            font = child.get(_w("hAnsi")) or child.get(_w("ascii"))
            if font:
                style.font = font


_ATTR = re.compile(rb'w:(styleId|type|default)="([^"]*)"')


class _Styles:
    """Word styles, parsed lazily: a report uses a handful of the hundreds a template defines.

    styles.xml is cut into one chunk per w:style with a regular expression and a
    chunk is parsed only when a paragraph or run refers to its style.
    """

    def __init__(self, data: bytes | None) -> None:
        self.styles: dict[str, _Style] = {}
        self.chunks: dict[str, bytes] = {}
        self.default_para: str | None = None
        self.defaults = _Style()
        self._resolved: dict[tuple[str, bool], _Style] = {}
        if not data:
            return
        if STRICT_NS in data:
            data = data.replace(STRICT_NS, W_NS.encode())
        opening = re.search(rb"<w:styles\b[^>]*>", data)
        if opening is None:  # unusual prefixes: parse the whole part
            root = etree.fromstring(data, _PARSER)
            self._defaults(root.find(_w("docDefaults")))
            for el in root.iter(_w("style")):
                self._add(el)
            return
        self.opening = opening.group(0)
        head = data[: data.find(b"<w:style ", opening.end()) if b"<w:style " in data else len(data)]
        defaults = re.search(rb"<w:docDefaults\b.*?</w:docDefaults>", head, re.S)
        if defaults:
            self._defaults(self._parse_chunk(defaults.group(0)))
        pos = opening.end()
        while True:  # bytes.find is much faster than a regular expression over the whole part
            start = data.find(b"<w:style ", pos)
            if start < 0:
                break
            tag_end = data.find(b">", start)
            if tag_end < 0:
                break
            if data[tag_end - 1: tag_end] == b"/":
                pos = tag_end + 1
            else:
                close = data.find(b"</w:style>", tag_end)
                pos = len(data) if close < 0 else close + len(b"</w:style>")
            attrs = dict(_ATTR.findall(data, start, tag_end))
            sid = attrs.get(b"styleId", b"").decode("utf-8", "replace")
            if not sid:
                continue
            self.chunks.setdefault(sid, data[start:pos])
            if attrs.get(b"type") == b"paragraph" and attrs.get(b"default") in (b"1", b"true"):
                self.default_para = sid

    def _parse_chunk(self, chunk: bytes):
        return etree.fromstring(self.opening + chunk + b"</w:styles>", _PARSER)[0]

    def _defaults(self, el) -> None:
        if el is not None:
            _run_props(el.find(f"{_w('rPrDefault')}/{RPR}"), self.defaults)

    def _get(self, sid: str) -> _Style | None:
        if sid not in self.styles and sid in self.chunks:
            self._add(self._parse_chunk(self.chunks.pop(sid)))
        return self.styles.get(sid)

    def _add(self, el) -> None:
        sid = el.get(_w("styleId"))
        if not sid:
            return
        st = _Style()
        name = el.find(_w("name"))
        st.name = name.get(VAL, sid) if name is not None else sid
        based = el.find(_w("basedOn"))
        st.based_on = based.get(VAL) if based is not None else None
        _run_props(el.find(RPR), st)
        ppr = el.find(PPR)
        if ppr is not None:
            num = ppr.find(_w("numPr"))
            if num is not None:
                nid, lvl = num.find(_w("numId")), num.find(_w("ilvl"))
                st.num_id = nid.get(VAL) if nid is not None else None
                st.ilvl = int(lvl.get(VAL, "0")) if lvl is not None and (lvl.get(VAL) or "0").isdigit() else None
            outline = ppr.find(_w("outlineLvl"))
            if outline is not None and (outline.get(VAL) or "").isdigit():
                st.outline = int(outline.get(VAL))
        self.styles[sid] = st
        if el.get(_w("type")) == "paragraph" and el.get(_w("default")) in ("1", "true"):
            self.default_para = self.default_para or sid

    def resolve(self, sid: str | None, with_defaults: bool = True) -> _Style:
        """A style with everything inherited through basedOn (and the document defaults) filled in."""
        if (sid, with_defaults) in self._resolved:
            return self._resolved[sid, with_defaults]
        if not sid or self._get(sid) is None:
            return self.defaults if with_defaults else _Style()
        chain, seen, cur = [], set(), sid
        while cur and cur not in seen and self._get(cur) is not None:
            seen.add(cur)
            chain.append(self.styles[cur])
            cur = self.styles[cur].based_on
        out = _Style(name=self.styles[sid].name)
        for attr in ("bold", "caps", "vanish", "font", "num_id", "ilvl", "outline"):
            for st in chain:
                if getattr(st, attr) is not None:
                    setattr(out, attr, getattr(st, attr))
                    break
            else:
                setattr(out, attr, getattr(self.defaults, attr) if with_defaults else None)
        self._resolved[sid, with_defaults] = out
        return out


# --- numbering --------------------------------------------------------------

@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # None: after any higher level; 0: never
    legal: bool = False
    pstyle: str | None = None


def _parse_level(el) -> _Level:
    lvl = _Level()
    for child in el:
        tag, val = child.tag, child.get(VAL)
        if tag == _w("numFmt") and val:
            lvl.fmt = val
        elif tag == _w("lvlText"):
            lvl.text = val or ""
        elif tag == _w("start") and val and val.lstrip("-").isdigit():
            lvl.start = int(val)
        elif tag == _w("lvlRestart") and val and val.isdigit():
            lvl.restart = int(val)
        elif tag == _w("isLgl"):
            lvl.legal = _on(child)
        elif tag == _w("pStyle"):
            lvl.pstyle = val
    return lvl


def _roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: a..z, aa..zz, aaa..
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(value: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(value)
    if fmt == "lowerRoman":
        return _roman(value).lower()
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(value)


def _bullet(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        out.append(_PUA_BULLETS.get(code, "•") if 0xE000 <= code <= 0xF8FF else ch)
    return "".join(out).strip()


class _Numbering:
    """Counters for Word's list numbering, advanced paragraph by paragraph."""

    def __init__(self, root, styles: _Styles) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, tuple[int | None, _Level | None]]]] = {}
        self.styles = styles
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if root is None:
            return
        for el in root.iter(_w("abstractNum")):
            aid = el.get(_w("abstractNumId"))
            self.abstracts[aid] = {int(l.get(_w("ilvl"), "0")): _parse_level(l) for l in el.iter(_w("lvl"))}
            link = el.find(_w("numStyleLink"))
            if link is not None and link.get(VAL):
                self.style_links[aid] = link.get(VAL)
        for el in root.iter(_w("num")):
            nid = el.get(_w("numId"))
            abs_el = el.find(_w("abstractNumId"))
            if nid is None or abs_el is None:
                continue
            overrides = {}
            for ov in el.iter(_w("lvlOverride")):
                ilvl = int(ov.get(_w("ilvl"), "0"))
                so = ov.find(_w("startOverride"))
                lvl = ov.find(_w("lvl"))
                start = int(so.get(VAL)) if so is not None and (so.get(VAL) or "").isdigit() else None
                overrides[ilvl] = (start, _parse_level(lvl) if lvl is not None else None)
            self.nums[nid] = (abs_el.get(VAL), overrides)

    def _abstract(self, aid: str, depth: int = 0) -> tuple[str, dict[int, _Level]]:
        # numStyleLink: the definition lives behind a numbering style's numId.
        if aid in self.style_links and depth < 3:
            st = self.styles.resolve(self.style_links[aid])
            if st.num_id and st.num_id in self.nums:
                return self._abstract(self.nums[st.num_id][0], depth + 1)
        return aid, self.abstracts.get(aid, {})

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        if num_id in self.nums and style_id:
            _, levels = self._abstract(self.nums[num_id][0])
            for ilvl, lvl in levels.items():
                if lvl.pstyle == style_id:
                    return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> str | None:
        if num_id not in self.nums:
            return None
        aid, overrides = self.nums[num_id]
        aid, base = self._abstract(aid)
        levels = dict(base)
        for lv, (_, lvl) in overrides.items():
            if lvl is not None:
                levels[lv] = lvl
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lv, (start, _) in overrides.items():
                if start is not None:
                    counters[lv] = start - 1
                    for deeper in [d for d in counters if d > lv]:
                        del counters[deeper]
        lvl = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, lvl.start - 1) + 1
        for deeper, dl in levels.items():
            if deeper > ilvl and (dl.restart is None or (dl.restart != 0 and ilvl < dl.restart)):
                counters.pop(deeper, None)
        if lvl.fmt == "bullet":
            return _bullet(lvl.text) or None
        if lvl.fmt == "none" and "%" not in lvl.text:
            return lvl.text.strip() or None

        def repl(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            ref = levels.get(k, _Level())
            value = counters.get(k, ref.start)
            return format_number(value, "decimal" if lvl.legal and ref.fmt != "none" else ref.fmt)

        label = re.sub(r"%([1-9])", repl, lvl.text).strip()
        return label or None


# --- the document body ------------------------------------------------------

@dataclass
class _Para:
    text: str
    bold: bool
    style: str | None
    number: str | None
    heading_level: int | None
    textboxes: list = field(default_factory=list)


class _Reader:
    def __init__(self, styles: _Styles, numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.tracked_changes = False

    # Paragraph content -------------------------------------------------------
    def _collect(self, el, segs: list, fields: list, boxes: list) -> None:
        for child in el:
            tag = child.tag
            if tag == R:
                self._run(child, segs, fields, boxes)
            elif tag in _TRANSPARENT:
                if tag in (INS, MOVE_TO):
                    self.tracked_changes = True
                self._collect(child, segs, fields, boxes)
            elif tag in (DEL, MOVE_FROM):
                self.tracked_changes = True
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self._collect(content, segs, fields, boxes)
            elif tag == FLDSIMPLE:
                instr = (child.get(_w("instr")) or "").split()
                if not instr or instr[0].upper() not in _PAGE_FIELDS:
                    self._collect(child, segs, fields, boxes)
            elif tag == MC_ALT:
                chosen = child.find(MC_CHOICE)
                if chosen is None:
                    chosen = child.find(MC_FALLBACK)
                if chosen is not None:
                    self._collect(chosen, segs, fields, boxes)
            elif tag in M_MATH:
                segs.append(("".join(t.text or "" for t in child.iter(M_T)), None))

    def _run(self, run, segs: list, fields: list, boxes: list) -> None:
        rpr = run.find(RPR)
        props = None
        for child in run:
            tag = child.tag
            if tag == RPR or not isinstance(tag, str):
                continue
            if tag == FLDCHAR:
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    fields.append(["", False])
                elif kind == "separate" and fields:
                    fields[-1][1] = True
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if tag == INSTR:
                if fields:
                    fields[-1][0] += child.text or ""
                continue
            if fields and any(not shown or (instr.split() or [""])[0].upper() in _PAGE_FIELDS for instr, shown in fields):
                continue
            text = None
            if tag == T:
                text = child.text or ""
            elif tag in (TAB,):
                text = " "
            elif tag == BR:
                text = " " if child.get(_w("type")) in ("page", "column") else "\n"
            elif tag == CR:
                text = "\n"
            elif tag == NOBREAK_HYPHEN:
                text = "-"
            elif tag == SYM:
                code = int(child.get(_w("char"), "0"), 16) if re.fullmatch(r"[0-9A-Fa-f]{1,4}", child.get(_w("char"), "")) else 0
                text = "" if not code or 0xE000 <= code <= 0xF8FF else chr(code)
            elif tag == MC_ALT or tag.endswith("}drawing") or tag.endswith("}pict") or tag.endswith("}object"):
                boxes.extend(_textboxes(child))
                continue
            if text:
                if props is None:
                    props = self._props(rpr)
                if props[2]:  # hidden text
                    continue
                segs.append((text, props))

    def _props(self, rpr) -> tuple:
        """(bold, caps, vanish, font) of a run; None means: as the paragraph style says."""
        if rpr is None:
            return (None, None, None, None)
        direct = _Style()
        _run_props(rpr, direct)
        rstyle = rpr.find(_w("rStyle"))
        char = self.styles.resolve(rstyle.get(VAL), with_defaults=False) if rstyle is not None else _Style()
        return tuple(
            getattr(direct, a) if getattr(direct, a) is not None else getattr(char, a)
            for a in ("bold", "caps", "vanish", "font")
        )

    def paragraph(self, p) -> list[_Para]:
        ppr = p.find(PPR)
        style_id = num_id = None
        ilvl = outline = None
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            style_id = ps.get(VAL) if ps is not None else None
            num = ppr.find(_w("numPr"))
            if num is not None:
                nid, lvl = num.find(_w("numId")), num.find(_w("ilvl"))
                num_id = nid.get(VAL) if nid is not None else None
                ilvl = int(lvl.get(VAL, "0")) if lvl is not None and (lvl.get(VAL) or "0").isdigit() else None
            ol = ppr.find(_w("outlineLvl"))
            if ol is not None and (ol.get(VAL) or "").isdigit():
                outline = int(ol.get(VAL))
        style_id = style_id or self.styles.default_para
        pstyle = self.styles.resolve(style_id)
        if _TOC_STYLE.match(pstyle.name):  # a table of contents repeats the headings with page numbers
            return []
        segs: list = []
        boxes: list = []
        self._collect(p, segs, [], boxes)
        text, bold = _assemble(segs, pstyle)

        number = None
        if num_id is None:
            num_id = pstyle.num_id
            if ilvl is None:
                ilvl = pstyle.ilvl
        if num_id and num_id != "0":  # empty numbered paragraphs still count on paper
            if ilvl is None:
                ilvl = self.numbering.level_for_style(num_id, style_id)
            number = self.numbering.next_label(num_id, ilvl)

        outline = outline if outline is not None else pstyle.outline
        level = heading_style_level(pstyle.name)
        if level is None and outline is not None and outline < 9:
            level = outline + 1
        style_name = pstyle.name if style_id else None
        out = []
        for k, part in enumerate(_split_soft_breaks(text)):
            out.append(_Para(part, bold, style_name, number if k == 0 else None, level if k == 0 else None))
        if not out:
            out.append(_Para("", bold, style_name, None, None))
        out[-1].textboxes = boxes
        return out


def _textboxes(el) -> list:
    """w:txbxContent elements under a drawing, skipping mc:Fallback duplicates."""
    found = []
    for child in el:
        if child.tag == MC_FALLBACK:
            continue
        if child.tag == TXBX:
            found.append(child)
        else:
            found.extend(_textboxes(child))
    return found


@lru_cache(maxsize=256)
def _legacy_for_font(font: str | None) -> str | None:
    if not font:
        return None
    from pipeline.vietnamese import legacy_encoding_for_font

    return legacy_encoding_for_font(font)


def _decode(text: str, encoding: str) -> str:
    from pipeline.vietnamese import decode_tcvn3, decode_vni

    if encoding == "vni":
        return decode_vni(text)
    return decode_tcvn3(text, uppercase_font=encoding == "tcvn3h")


def _assemble(segs: list, pstyle: _Style) -> tuple[str, bool]:
    """Join run texts, decoding legacy-font runs and applying all-caps; also tell if all bold."""
    parts = []
    bold_chars = total_chars = 0
    for text, props in segs:
        if props is None:  # math
            parts.append(text)
            continue
        bold, caps, _, font = props
        bold = pstyle.bold if bold is None else bold
        caps = pstyle.caps if caps is None else caps
        font = font or pstyle.font
        encoding = _legacy_for_font(font)
        if encoding:
            text = _decode(text, encoding)
        if caps:
            text = text.upper()
        parts.append(text)
        visible = len(text.strip())
        total_chars += visible
        if bold:
            bold_chars += visible
    text = "".join(parts)
    return text, total_chars > 0 and bold_chars >= 0.9 * total_chars


def _split_soft_breaks(text: str) -> list[str]:
    """Lines from soft breaks are joined by a space, except a line that starts a new list item."""
    groups: list[list[str]] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if groups and split_number(line)[0] is None:
            groups[-1].append(line)
        else:
            groups.append([line])
    return [" ".join(g) for g in groups]


# --- the backend ------------------------------------------------------------

def check_zip(zf: zipfile.ZipFile, path: Path) -> None:
    """Refuse a zip that would expand to an absurd size (a zip bomb) before reading it."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ExtractionError(
                "tệp nén bất thường (tỷ lệ nén quá lớn, có thể là tệp độc hại)", str(path),
                "không mở tệp này; xin tỉnh gửi lại bản Word hoặc PDF bình thường",
            )
    if total > MAX_UNCOMPRESSED:
        raise ExtractionError(
            f"tệp giải nén ra quá lớn ({total // (1024 * 1024)} MB, giới hạn {MAX_UNCOMPRESSED // (1024 * 1024)} MB)",
            str(path), "hãy bỏ bớt ảnh, lưu lại tệp rồi thử lại",
        )


def _parse(zf: zipfile.ZipFile, name: str):
    data = zf.read(name)
    if STRICT_NS in data:
        data = data.replace(STRICT_NS, W_NS.encode())
    return etree.fromstring(data, _PARSER)


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship type (last path segment) -> target part name, for one part."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in zf.namelist():
        return {}
    out = {}
    for rel in _parse(zf, rels_name).iter(f"{{{REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out.setdefault(rel.get("Type", "").rsplit("/", 1)[-1], target)
    return out


def _is_layout_table(rows: list[list[str]], max_rows: int = 4) -> bool:
    """A small table holding the header or the signature block rather than data."""
    if not rows or len(rows) > max_rows or max(len(r) for r in rows) > 3:
        return False
    return bool(_LAYOUT_CUES.search(fold("\n".join("\n".join(r) for r in rows))))


def read_docx(path: Path, fmt: str = "docx") -> ReadResult:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExtractionError("tệp Word bị hỏng hoặc tải về chưa hết (không mở được gói nén)", str(path),
                              "hãy mở tệp bằng Word, lưu lại rồi thử lại, hoặc xin tỉnh gửi lại") from exc
    with zf:
        check_zip(zf, path)
        names = set(zf.namelist())
        main = _rels(zf, "").get("officeDocument") or "word/document.xml"
        if main not in names:
            main = "word/document.xml"
        if main not in names:
            raise ExtractionError("tệp nén không có nội dung Word (thiếu word/document.xml)", str(path),
                                  "hãy kiểm tra lại tệp; chỉ đọc được báo cáo Word hoặc PDF")
        parts = _rels(zf, main)
        try:
            root = _parse(zf, main)
            styles = _Styles(zf.read(parts["styles"]) if parts.get("styles") in names else None)
            numbering = _Numbering(_parse(zf, parts["numbering"]) if parts.get("numbering") in names else None, styles)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, KeyError) as exc:
            raise ExtractionError("tệp Word bị hỏng (nội dung XML không đọc được)", str(path),
                                  "hãy mở tệp bằng Word, lưu lại rồi thử lại, hoặc xin tỉnh gửi lại") from exc
        macro = any(n.lower().endswith("vbaproject.bin") for n in names)
    body = root.find(_w("body"))
    reader = _Reader(styles, numbering)
    result = ReadResult(format=fmt)
    if body is not None:
        _walk(body, reader, result)
    if macro:
        result.warnings.append("tệp có macro: macro không được chạy, chỉ đọc phần chữ")
    if body is not None and body.find(f".//{_w('altChunk')}") is not None:
        result.warnings.append("tệp có phần nội dung nhúng (altChunk) chưa đọc được: hãy mở bằng Word và lưu lại")
    if reader.tracked_changes:
        result.warnings.append("tệp còn thay đổi được theo dõi (Track Changes): đã đọc như khi chấp nhận tất cả")
    return result


def _emit_paragraphs(paras: list[_Para], reader: _Reader, result: ReadResult) -> None:
    for para in paras:
        if para.text.strip():
            if para.bold:
                result.bold.add(len(result.blocks))
            kind = HEADING if para.heading_level else (LIST_ITEM if para.number else PARAGRAPH)
            result.blocks.append(Block(kind=kind, text=para.text.strip(), number=para.number,
                                       level=para.heading_level, style=para.style))
        for box in para.textboxes:
            _walk(box, reader, result)


def _walk(container, reader: _Reader, result: ReadResult) -> None:
    for child in container:
        tag = child.tag
        if tag == P:
            _emit_paragraphs(reader.paragraph(child), reader, result)
        elif tag == TBL:
            _table(child, reader, result)
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                _walk(content, reader, result)
        elif tag in (_w("customXml"), INS, MOVE_TO):
            _walk(child, reader, result)
        elif tag == MC_ALT:
            choice = child.find(MC_CHOICE)
            if choice is not None:
                _walk(choice, reader, result)


def _children(node, tag: str) -> list:
    """Child elements with ``tag``, looking through content controls and custom XML wrappers."""
    out = []
    for child in node:
        if child.tag == tag:
            out.append(child)
        elif child.tag in (SDT, _w("customXml")):
            inner = child.find(SDT_CONTENT) if child.tag == SDT else child
            if inner is not None:
                out.extend(_children(inner, tag))
    return out


def _cells(tr) -> list:
    return _children(tr, TC)


def _rows(tbl) -> list:
    return _children(tbl, TR)


def _cell_paragraphs(container, reader: _Reader) -> list[_Para]:
    """Paragraphs of a table cell in order, nested tables flattened into them."""
    paras: list[_Para] = []
    for child in container:
        tag = child.tag
        if tag == P:
            paras.extend(reader.paragraph(child))
        elif tag == TBL:
            for tr in _rows(child):
                for tc in _cells(tr):
                    paras.extend(_cell_paragraphs(tc, reader))
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                paras.extend(_cell_paragraphs(content, reader))
        elif tag in (_w("customXml"), INS, MOVE_TO):
            paras.extend(_cell_paragraphs(child, reader))
    return paras


def _table(tbl, reader: _Reader, result: ReadResult) -> None:
    grid: list[list[list[_Para]]] = []
    for tr in _rows(tbl):
        row = []
        for tc in _cells(tr):
            paras = _cell_paragraphs(tc, reader)
            row.append(paras)
            span = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
            extra = int(span.get(VAL, "1")) - 1 if span is not None and (span.get(VAL) or "").isdigit() else 0
            row.extend([] for _ in range(max(0, min(extra, 50))))
        grid.append(row)
    rows = [[" ".join(_para_text(p) for p in cell if p.text.strip()) for cell in row] for row in grid]
    if _is_layout_table(rows):
        for row in grid:
            for cell in row:
                _emit_paragraphs(cell, reader, result)
        return
    if any(cell.strip() for row in rows for cell in row):
        result.blocks.append(Block(kind=TABLE, text="", rows=rows))


def _para_text(para: _Para) -> str:
    text = para.text.strip()
    return f"{para.number} {text}" if para.number else text


class DocxBackend(Backend):
    name = "docx"

    def can_read(self, path: Path, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError):
            return False
        return "word/document.xml" in names or (
            "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)
        )

    def read(self, path: Path) -> ReadResult:
        return read_docx(path)
