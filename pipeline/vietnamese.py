"""Vietnamese text: normalisation, legacy 8-bit fonts, diacritics folding and numbers.

Everything here is pure, precompiled at import and never raises on any string.

Conventions
-----------
* Output of ``normalize_text`` is NFC with the traditional tone placement the
  ministry uses: ``hòa``, ``thủy``, ``khỏe`` (mark on the first vowel of a final
  ``oa``/``oe``/``uy``), ``hoàn``, ``thuyết`` (second vowel when a consonant
  follows), ``quý`` (``qu`` is a consonant).
* Legacy fonts: TCVN3/ABC (``.VnTime``, capital fonts ``.VnTimeH``) maps each
  letter to one byte; VNI (``VNI-Times``) writes a base letter followed by one
  mark byte. Both arrive as cp1252/Latin-1 characters when a document is read.
* Numbers use "." for thousands and "," for decimals. A single "." followed by
  exactly three digits (and a non-zero leading group of 1-3 digits) is a
  thousands separator ("1.234" = 1234); any other single "." is a decimal point
  ("1.5" = 1.5, "3.14159"); a single "," is always a decimal comma
  ("1,234" = 1.234). With both, the last one is the decimal separator.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --------------------------------------------------------------------------
# Vietnamese letters
# --------------------------------------------------------------------------

BASE_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
# Tone order used by every table below: none, sắc, huyền, hỏi, ngã, nặng.
TONE_MARKS = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
TONE_NAMES = ("ngang", "sắc", "huyền", "hỏi", "ngã", "nặng")


def _compose(base: str, tone: int) -> str:
    return unicodedata.normalize("NFC", base + TONE_MARKS[tone])


def vietnamese_letters() -> list[str]:
    """Every lowercase Vietnamese letter with a diacritic or tone, plus plain vowels and đ."""
    return [_compose(b, t) for b in BASE_VOWELS for t in range(6)] + ["đ"]


# --------------------------------------------------------------------------
# TCVN3 (ABC). Columns: none, sắc, huyền, hỏi, ngã, nặng.
# --------------------------------------------------------------------------

_TCVN3_LOWER = {
    "a": "a\xb8\xb5\xb6\xb7\xb9",
    "ă": "\xa8\xbe\xbb\xbc\xbd\xc6",
    "â": "\xa9\xca\xc7\xc8\xc9\xcb",
    "e": "e\xd0\xcc\xce\xcf\xd1",
    "ê": "\xaa\xd5\xd2\xd3\xd4\xd6",
    "i": "i\xdd\xd7\xd8\xdc\xde",
    "o": "o\xe3\xdf\xe1\xe2\xe4",
    "ô": "\xab\xe8\xe5\xe6\xe7\xe9",
    "ơ": "\xac\xed\xea\xeb\xec\xee",
    "u": "u\xf3\xef\xf1\xf2\xf4",
    "ư": "\xad\xf8\xf5\xf6\xf7\xf9",
    "y": "y\xfd\xfa\xfb\xfc\xfe",
}
# The only capitals the normal (non-H) ABC fonts have.
_TCVN3_CAPITALS = {"Ă": "\xa1", "Â": "\xa2", "Ê": "\xa3", "Ô": "\xa4", "Ơ": "\xa5", "Ư": "\xa6", "Đ": "\xa7"}

_TCVN3_ENCODE: dict[str, str] = {"đ": "\xae"}  # lowercase letter -> code
for _base, _codes in _TCVN3_LOWER.items():
    for _tone, _code in enumerate(_codes):
        _TCVN3_ENCODE[_compose(_base, _tone)] = _code
_TCVN3_DECODE: dict[str, str] = {c: letter for letter, c in _TCVN3_ENCODE.items() if c != letter}
_TCVN3_DECODE.update({c: letter for letter, c in _TCVN3_CAPITALS.items()})
_TCVN3_DECODE_TABLE = str.maketrans(_TCVN3_DECODE)

_TCVN3_ENCODE_NORMAL: dict[str, str] = {}
_TCVN3_ENCODE_CAPITAL: dict[str, str] = {}
for _letter, _code in _TCVN3_ENCODE.items():
    _upper = _letter.upper()
    _TCVN3_ENCODE_NORMAL[_letter] = _code
    _TCVN3_ENCODE_CAPITAL[_letter] = _code
    if _upper in _TCVN3_CAPITALS:
        _TCVN3_ENCODE_NORMAL[_upper] = _TCVN3_CAPITALS[_upper]
    elif _upper.isascii():
        _TCVN3_ENCODE_NORMAL[_upper] = _upper
    else:  # a toned capital: .VnTime has none, so the lowercase code is the best it can do
        _TCVN3_ENCODE_NORMAL[_upper] = _code
    _TCVN3_ENCODE_CAPITAL[_upper] = _code if not _upper.isascii() else _upper
_TCVN3_ENCODE_NORMAL_TABLE = str.maketrans(_TCVN3_ENCODE_NORMAL)
_TCVN3_ENCODE_CAPITAL_TABLE = str.maketrans(_TCVN3_ENCODE_CAPITAL)


def decode_tcvn3(text: str, uppercase_font: bool = False) -> str:
    """Text typed in a TCVN3/ABC font (read as Latin-1 characters) -> Unicode NFC.

    ``uppercase_font=True`` is for the capital fonts (.VnTimeH), which draw every
    code point, lowercase ones included, as a capital: the result is upper-cased.
    """
    if not isinstance(text, str):
        return ""
    out = text.translate(_TCVN3_DECODE_TABLE)
    return unicodedata.normalize("NFC", out.upper() if uppercase_font else out)


def encode_tcvn3(text: str, uppercase_font: bool = False) -> str:
    """Unicode -> how the text looks when a TCVN3 document is read as Latin-1.

    Normal fonts lack toned capitals, so those become the lowercase code (as
    converters do). With ``uppercase_font=True`` every Vietnamese letter uses
    its lowercase code and ASCII letters are kept, as typed for .VnTimeH.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    return text.translate(_TCVN3_ENCODE_CAPITAL_TABLE if uppercase_font else _TCVN3_ENCODE_NORMAL_TABLE)


# --------------------------------------------------------------------------
# VNI. A base letter followed by a mark character; i, ơ, ư and đ are single bytes.
# --------------------------------------------------------------------------

_VNI_PLAIN = ("", "\xf9", "\xf8", "\xfb", "\xf5", "\xef")  # ù ø û õ ï
_VNI_CIRCUMFLEX = ("\xe2", "\xe1", "\xe0", "\xe5", "\xe3", "\xe4")  # â á à å ã ä
_VNI_BREVE = ("\xea", "\xe9", "\xe8", "\xfa", "\xfc", "\xeb")  # ê é è ú ü ë
_VNI_I = ("i", "\xed", "\xec", "\xe6", "\xf3", "\xf2")  # i í ì æ ó ò
_VNI_Y = ("", "\xf9", "\xf8", "\xfb", "\xf5", "\xee")  # ỵ uses î, not ï

_VNI_ENCODE: dict[str, str] = {"đ": "\xf1", "Đ": "\xd1"}
for _tone in range(6):
    _lower_forms = {
        "a": "a" + _VNI_PLAIN[_tone],
        "ă": "a" + _VNI_BREVE[_tone],
        "â": "a" + _VNI_CIRCUMFLEX[_tone],
        "e": "e" + _VNI_PLAIN[_tone],
        "ê": "e" + _VNI_CIRCUMFLEX[_tone],
        "i": _VNI_I[_tone],
        "o": "o" + _VNI_PLAIN[_tone],
        "ô": "o" + _VNI_CIRCUMFLEX[_tone],
        "ơ": "\xf4" + _VNI_PLAIN[_tone],
        "u": "u" + _VNI_PLAIN[_tone],
        "ư": "\xf6" + _VNI_PLAIN[_tone],
        "y": "y" + _VNI_Y[_tone],
    }
    for _base, _enc in _lower_forms.items():
        _letter = _compose(_base, _tone)
        _VNI_ENCODE[_letter] = _enc
        _VNI_ENCODE[_letter.upper()] = _enc.upper()
_VNI_ENCODE_TABLE = str.maketrans({k: v for k, v in _VNI_ENCODE.items() if k != v})

_VNI_DECODE: dict[str, str] = {enc: letter for letter, enc in _VNI_ENCODE.items() if enc != letter}
# Lenient pairs: a mark in the other case than its base, and ỵ typed with ï.
for _enc, _letter in list(_VNI_DECODE.items()):
    if len(_enc) == 2:
        _base, _mark = _enc
        _other = _mark.lower() if _mark.isupper() else _mark.upper()
        _VNI_DECODE.setdefault(_base + _other, _letter)
_VNI_DECODE.setdefault("y\xef", "ỵ")
_VNI_DECODE.setdefault("Y\xcf", "Ỵ")
_VNI_PAIRS = sorted(k for k in _VNI_DECODE if len(k) == 2)
_VNI_SINGLES = "".join(sorted(k for k in _VNI_DECODE if len(k) == 1))
_VNI_PAIR_RE = re.compile("|".join(re.escape(k) for k in _VNI_PAIRS))
_VNI_BASES = "".join(sorted({k[0] for k in _VNI_PAIRS}))
_VNI_MARKS = "".join(sorted({k[1] for k in _VNI_PAIRS}))
_VNI_DECODE_RE = re.compile(
    "[" + re.escape(_VNI_BASES) + "][" + re.escape(_VNI_MARKS) + "]|[" + re.escape(_VNI_SINGLES) + "]"
)


def _vni_piece(m: re.Match) -> str:
    piece = m.group()
    letter = _VNI_DECODE.get(piece)
    if letter is not None:
        return letter
    # Not a valid pair ("iù"): the base may still be a single-byte letter (ô = ơ).
    return _VNI_DECODE.get(piece[0], piece[0]) + piece[1:]


def decode_vni(text: str) -> str:
    """Text typed in a VNI font (read as cp1252 characters) -> Unicode NFC."""
    if not isinstance(text, str):
        return ""
    return unicodedata.normalize("NFC", _VNI_DECODE_RE.sub(_vni_piece, text))


def encode_vni(text: str) -> str:
    """Unicode -> how the text looks when a VNI document is read as cp1252."""
    if not isinstance(text, str):
        return ""
    return unicodedata.normalize("NFC", text).translate(_VNI_ENCODE_TABLE)


# --------------------------------------------------------------------------
# Fonts and detection
# --------------------------------------------------------------------------


def legacy_encoding_for_font(font_name: str | None) -> str | None:
    """".VnTime" -> "tcvn3", ".VnTimeH" -> "tcvn3h" (capital font), "VNI-Times" -> "vni", else None."""
    if not isinstance(font_name, str):
        return None
    name = font_name.strip()
    low = name.lower()
    if re.match(r"vni(?:[-_ ]|$)", low):
        return "vni"
    if low.startswith(".vn") or (low.startswith("vn") and len(name) > 2 and name[2].isupper()):
        # Capital fonts end in "H": .VnTimeH, .VnArialH, .VnArial NarrowH, .VnCentury SchoolbookH.
        return "tcvn3h" if re.search(r"[a-z0-9 ]H$", name) else "tcvn3"
    return None


_VN_SPECIFIC_RE = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
_WORD_RE = re.compile(r"[^\W\d_]+")
_TCVN3_UPPER_CODES = "".join(sorted(c for c in _TCVN3_DECODE if c.isupper() and "\xc0" <= c))
_TCVN3_LOWER_CODES = "".join(sorted(c for c in _TCVN3_DECODE if c.islower() and "\xc0" <= c))
# Codes that are rare in any real language: most of ¡..¾; « and » only inside words.
_TCVN3_SIGNS = "".join(sorted(c for c in _TCVN3_DECODE if "\xa1" <= c <= "\xbe" and c not in "«»")) + "×÷"
_TCVN3_HIT_RE = re.compile(
    "[" + re.escape(_TCVN3_SIGNS) + "]"
    + r"|(?<=[^\W\d_])[«»]"
    + "|(?<=[a-z])[" + re.escape(_TCVN3_UPPER_CODES) + "]"
    + "|(?<=[A-Z])[" + re.escape(_TCVN3_LOWER_CODES) + "]"
)
_LATIN1_LETTER_RE = re.compile("[\xc0-\xd6\xd8-\xf6\xf8-\xff]")
_LATIN1_HIGH_RE = re.compile("[\xa1-\xff]")
DETECT_SAMPLE = 20000  # characters looked at; enough for statistics, fast on long reports


def _vni_leftover(m: re.Match) -> str:
    """What a VNI decoder would not explain: an invalid pair keeps its mark."""
    piece = m.group()
    return "" if piece in _VNI_DECODE or len(piece) == 1 else piece[1:]


def detect_legacy(text: str) -> str | None:
    """"tcvn3", "vni" or None, from character statistics.

    Counts characters that only make sense as legacy codes (TCVN3) or valid
    base+mark pairs (VNI), and compares them with the number of words and with
    real Unicode Vietnamese letters. Plain Unicode Vietnamese, English and
    French-like text give None.
    """
    if not isinstance(text, str) or not text:
        return None
    text = text[:DETECT_SAMPLE]
    unicode_vn = len(_VN_SPECIFIC_RE.findall(text))
    latin1 = len(_LATIN1_HIGH_RE.findall(text))  # every hit below is, or contains, one of these
    if latin1 < 3 or unicode_vn * 4 >= latin1:
        return None
    words = len(_WORD_RE.findall(text))
    tc_hits = _TCVN3_HIT_RE.findall(text)
    tc = len(tc_hits)
    vni_pairs = _VNI_PAIR_RE.findall(text)
    vn = len(vni_pairs)
    best = max(tc, vn)
    if best < 3 or best < 0.12 * max(words, 1) or unicode_vn * 4 >= best:
        return None
    if tc >= vn:
        return "tcvn3" if len(set(tc_hits)) >= 2 else None
    # VNI: Latin-1 letters outside valid pairs/singles (French "été") argue against it.
    stray = len(_LATIN1_LETTER_RE.findall(_VNI_DECODE_RE.sub(_vni_leftover, text)))
    return "vni" if vn > 3 * stray else None


_TCVN3_CODE_RE = re.compile("[" + re.escape("".join(sorted(_TCVN3_DECODE))) + "]")
_CAPITAL_WORD_RE = re.compile(r"[^\sa-z]*[A-Z][^\sa-z]*[A-Z][^\sa-z]*(?!\S)")
_SMALL_ASCII_RE = re.compile("[a-z]")


def _decode_tcvn3_guess_case(text: str) -> str:
    """Decode TCVN3 guessing, per line and word, where a capital (H) font was used.

    A .VnTimeH heading is typed with ASCII capitals and lowercase codes
    ("B¸O C¸O TæNG KÕT"). A word with two or more ASCII capitals, no small
    ASCII letter and a code is such a capital word; a line with one and no
    small ASCII letters is upper-cased whole. "Sè: 215/BC-UBND" stays "Số".
    """
    out = []
    for line in text.split("\n"):
        capitals = [
            m.span() for m in _CAPITAL_WORD_RE.finditer(line)
            if (m.start() == 0 or line[m.start() - 1].isspace()) and _TCVN3_CODE_RE.search(m.group())
        ]
        if not capitals:
            out.append(decode_tcvn3(line))
        elif not _SMALL_ASCII_RE.search(line):
            out.append(decode_tcvn3(line, uppercase_font=True))
        else:
            pieces, last = [], 0
            for start, end in capitals:
                pieces.append(decode_tcvn3(line[last:start]))
                pieces.append(decode_tcvn3(line[start:end], uppercase_font=True))
                last = end
            pieces.append(decode_tcvn3(line[last:]))
            out.append("".join(pieces))
    return "\n".join(out)


# --------------------------------------------------------------------------
# Tone placement
# --------------------------------------------------------------------------

_TONE_OF: dict[str, tuple[str, int]] = {}  # toned letter -> (base letter, tone index)
for _base in BASE_VOWELS:
    for _tone in range(1, 6):
        for _b in (_base, _base.upper()):
            _TONE_OF[_compose(_b, _tone)] = (_b, _tone)


def _toned(chars: str) -> str:
    return "".join(sorted(c for c, (b, _) in _TONE_OF.items() if b.lower() in chars))


_FIRST_VOWEL = {"o": "ae", "u": "y"}  # oa, oe, uy
# A final oa/oe/uy: the mark moves to the first vowel (hoà -> hòa, thuỷ -> thủy).
_TO_FIRST_RE = re.compile(r"([oOuU])([" + _toned("aey") + r"])(?![^\W\d_])")
# oa/oe/uy before a consonant (or oai/oay/oeo): the mark goes on the second vowel (hòan -> hoàn);
# after "q" the u belongs to the consonant (qủy -> quỷ).
_TO_SECOND_RE = re.compile(r"([" + _toned("ou") + r"])([aAeEyYăĂâÂêÊiIơƠ])")


def _after_q(m: re.Match) -> bool:
    return m.start() > 0 and m.string[m.start() - 1] in "qQ"


def _move_to_first(m: re.Match) -> str:
    first, second = m.group(1), m.group(2)
    base2, tone = _TONE_OF[second]
    if base2.lower() not in _FIRST_VOWEL[first.lower()] or _after_q(m):
        return m.group()
    return _compose(first, tone) + base2


_SECOND_CONTEXT = {"o": ("ae", "cmnptiyo"), "u": ("y", "cnpt")}


def _move_to_second(m: re.Match) -> str:
    first, second = m.group(1), m.group(2)
    base1, tone = _TONE_OF[first]
    if _after_q(m) and base1 in "uU":
        return base1 + _compose(second, tone)
    vowels, finals = _SECOND_CONTEXT[base1.lower()]
    end = m.end()
    following = m.string[end:end + 1].lower()
    if second.lower() in vowels and following and following in finals:
        return base1 + _compose(second, tone)
    return m.group()


def fix_tone_placement(text: str) -> str:
    """Traditional tone placement on NFC text: hoà -> hòa, thuỷ -> thủy, hòan -> hoàn, qủy -> quỷ."""
    text = _TO_SECOND_RE.sub(_move_to_second, text)
    return _TO_FIRST_RE.sub(_move_to_first, text)


# --------------------------------------------------------------------------
# normalize_text
# --------------------------------------------------------------------------

_LINE_BREAKS_RE = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Invisible characters and controls (soft hyphen handled after legacy decoding: in TCVN3 it is "ư").
_INVISIBLE_RE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b-\u200f\u2060\ufeff]")
# Every whitespace character Python knows besides " " and the line breaks above.
_OTHER_SPACES_RE = re.compile("[\t\x1f\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACE_RUN_RE = re.compile(" {2,}")
_SOFT_HYPHEN = "\xad"


def _clean_layout(text: str) -> str:
    text = _LINE_BREAKS_RE.sub("\n", text.replace("\r\n", "\n"))
    text = _INVISIBLE_RE.sub("", text)
    text = _SPACE_RUN_RE.sub(" ", _OTHER_SPACES_RE.sub(" ", text))
    if " \n" in text or "\n " in text:
        text = "\n".join(line.strip(" ") for line in text.split("\n"))
    return text.strip(" ")


def _decode_legacy(text: str, encoding: str | None) -> str:
    if encoding == "tcvn3":
        return _decode_tcvn3_guess_case(text)
    if encoding == "tcvn3h":
        return decode_tcvn3(text, uppercase_font=True)
    if encoding == "vni":
        return decode_vni(text)
    return text


def _normalize_once(text: str, legacy: str | None) -> str:
    text = _clean_layout(unicodedata.normalize("NFC", text))
    if legacy == "auto":
        legacy = detect_legacy(text)
    text = _decode_legacy(text, legacy)
    if _SOFT_HYPHEN in text:
        text = _clean_layout(text.replace(_SOFT_HYPHEN, ""))
    return unicodedata.normalize("NFC", fix_tone_placement(unicodedata.normalize("NFC", text)))


def normalize_text(text: str, legacy: str | None = "auto") -> str:
    """Clean text for every later stage; idempotent, NFC out, never raises.

    NFC; TCVN3/VNI decoding (``legacy``: "auto" detects, None disables,
    "tcvn3"/"tcvn3h"/"vni" force); zero-width characters, soft hyphens and
    controls removed; Unicode spaces and tabs collapsed to one space within
    each line, line ends stripped (newlines kept); traditional tone placement.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if legacy not in ("auto", "tcvn3", "tcvn3h", "vni"):
        legacy = None
    out = _normalize_once(text, legacy)
    if out == text:
        return out
    # Junk that looks like legacy text again once decoded converges in a few passes;
    # a forced encoding is applied once only.
    follow = "auto" if legacy == "auto" else None
    for _ in range(4):
        again = _normalize_once(out, follow)
        if again == out:
            break
        out = again
    return out


# --------------------------------------------------------------------------
# Folding
# --------------------------------------------------------------------------

_COMBINING_RE = re.compile("[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_D_TABLE = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_WHITESPACE_RE = re.compile(r"\s+")


def strip_diacritics(text: str) -> str:
    """Remove tones and letter marks: "Đắk Lắk" -> "Dak Lak"."""
    if not isinstance(text, str):
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_TABLE))
    return unicodedata.normalize("NFC", _COMBINING_RE.sub("", decomposed))


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Key for matching: no diacritics, lowercase, whitespace collapsed and trimmed. Cached: the
    same sentence is folded several times over (figures, years, cue words)."""
    return _WHITESPACE_RE.sub(" ", strip_diacritics(text).lower()).strip()


class _FoldChars(dict):
    """str.translate mapping: each character to one folded character (cached)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        base = strip_diacritics(ch).lower()
        value = base if len(base) == 1 else (ch.lower() if len(ch.lower()) == 1 else ch)
        self[code] = value
        return value


_FOLD_CHARS = _FoldChars()


def fold_aligned(text: str) -> str:
    """Like ``fold`` but character for character (no space collapsing), so offsets match ``text``.

    Pass NFC text: a combining mark stays a (folded) character of its own.
    """
    if not isinstance(text, str):
        return ""
    return text.translate(_FOLD_CHARS)


# --------------------------------------------------------------------------
# Numbers and quantities
# --------------------------------------------------------------------------

_NUMBER_SHAPE_RE = re.compile(r"[+-]?\d+(?:[.,]\d+)*")
_GROUPED_RE = {sep: re.compile(r"[1-9]\d{0,2}(?:" + re.escape(sep) + r"\d{3})+") for sep in ".,"}


def parse_number(s: str) -> float | None:
    """A number written the Vietnamese way -> float, or None when it is not one number.

    "1.234" -> 1234, "1.234.567" -> 1234567, "3,5" -> 3.5, "1,234" -> 1.234,
    "1.234,5" -> 1234.5, "1.5" -> 1.5 (only ".ddd" after a 1-3 digit group is thousands).
    """
    if not isinstance(s, str):
        return None
    s = s.strip().replace("\xa0", "")
    if len(s) > 400 or not _NUMBER_SHAPE_RE.fullmatch(s):
        return None
    sign = -1.0 if s[0] == "-" else 1.0
    body = s.lstrip("+-")
    try:
        if "." in body and "," in body:
            cut = max(body.rfind("."), body.rfind(","))
            decimal_sep, whole, frac = body[cut], body[:cut], body[cut + 1:]
            thousands = "," if decimal_sep == "." else "."
            if decimal_sep in whole or not _GROUPED_RE[thousands].fullmatch(whole):
                return None
            return sign * float(whole.replace(thousands, "") + "." + frac)
        for sep in ".,":
            if sep not in body:
                continue
            groups = body.split(sep)
            if len(groups) > 2:
                return sign * float(body.replace(sep, "")) if _GROUPED_RE[sep].fullmatch(body) else None
            if sep == "." and _GROUPED_RE["."].fullmatch(body):
                return sign * float(body.replace(".", ""))
            return sign * float(groups[0] + "." + groups[1])
        return sign * float(body)
    except (ValueError, OverflowError):
        return None


@dataclass
class Quantity:
    """A number with its unit found in running text; money is in "triệu đồng"."""

    value: float
    unit: str
    raw: str
    start: int
    end: int


MONEY_UNIT = "triệu đồng"
PERCENT_UNIT = "%"

# Count nouns, matched longest first; the unit reported is the noun as listed.
COUNT_NOUNS = (
    "lượt người", "lượt cơ sở", "lượt đối tượng", "lượt", "cơ sở kinh doanh", "cơ sở", "vụ án", "vụ việc",
    "vụ", "đối tượng", "bị can", "bị cáo", "người bán dâm", "người", "trường hợp", "đợt", "cuộc", "buổi",
    "lớp", "tờ rơi", "tờ gấp", "cuốn", "pano", "áp phích", "băng rôn", "khẩu hiệu", "tin bài", "tin",
    "bài", "phóng sự", "chương trình", "xã, phường, thị trấn", "xã, phường", "xã/phường", "xã", "phường",
    "huyện", "đường dây", "ổ nhóm", "tụ điểm", "điểm", "đoàn", "hội nghị", "mô hình", "văn bản",
    "kế hoạch", "cán bộ", "học viên", "doanh nghiệp", "hộ", "nhóm", "câu lạc bộ", "tuyên truyền viên",
    "cộng tác viên", "thành viên", "giấy phép", "quyết định", "hồ sơ",
)
_SCALE = {"nghìn": 0.001, "ngàn": 0.001, "triệu": 1.0, "tỷ": 1000.0, "tỉ": 1000.0}
_COUNT_SCALE = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}


def _alt(words) -> str:
    forms = set()
    for w in words:
        forms.add(re.escape(w).replace(r"\ ", r"\s+"))
        forms.add(re.escape(unicodedata.normalize("NFD", w)).replace(r"\ ", r"\s+"))
    return "|".join(sorted(forms, key=len, reverse=True))


_CURRENCY = _alt(["đồng", "VNĐ", "VND", "đ"])
_QUANTITY_RE = re.compile(
    r"(?<![\w.,/\-–])(?P<num>\d+(?:[.,]\d+)*)\s*(?:"
    r"(?P<pct>%|" + _alt(["phần trăm"]) + r")"
    r"|(?P<cmul>" + _alt(_COUNT_SCALE) + r")\s+(?P<cnoun>" + _alt(COUNT_NOUNS) + r")(?![^\W\d_])"
    r"|(?P<mmul>" + _alt(_SCALE) + r")(?![^\W\d_])(?:\s+(?P<mcur>" + _CURRENCY + r"))?(?!\s+l[ệe])(?![^\W\d_])"
    r"|(?P<cur>" + _CURRENCY + r")(?![^\W\d_])"
    r"|(?P<noun>" + _alt(COUNT_NOUNS) + r")(?![^\W\d_])"
    r")",
    re.IGNORECASE,
)
_CANONICAL_NOUN = {fold(n): n for n in COUNT_NOUNS}


def _canonical(word: str, table: dict[str, str] | None = None) -> str:
    key = fold(unicodedata.normalize("NFC", word))
    key = re.sub(r"\s+", " ", key)
    if table is None:
        return _CANONICAL_NOUN.get(key, unicodedata.normalize("NFC", word).lower())
    return table.get(key, key)


_SCALE_KEYS = {fold(k): k for k in _SCALE}


_YEAR_CONTEXT_RE = re.compile(r"(?:nam|giai doan|den|tu)\s*$")


def _is_year(num: str, before: str) -> bool:
    """ "năm 2020 người ..." is a year followed by a noun, not 2020 people."""
    return len(num) == 4 and num.isdigit() and 1900 <= int(num) <= 2100 and bool(_YEAR_CONTEXT_RE.search(fold(before)))


def find_quantities(text: str) -> list[Quantity]:
    """Numbers with units in running text, in order.

    Money becomes "triệu đồng" ("3,5 tỷ đồng" -> 3500.0; "150.000.000 đồng" -> 150.0),
    percentages "%" ("45,6%" -> 45.6), counts keep their noun ("326 lượt" -> 326 "lượt").
    Offsets index the NFC form of ``text`` (the same string when it is NFC already).
    """
    if not isinstance(text, str) or not text:
        return []
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    found: list[Quantity] = []
    for m in _QUANTITY_RE.finditer(text):
        number = parse_number(m.group("num"))
        if number is None:
            continue
        if m.group("pct"):
            value, unit = number, PERCENT_UNIT
        elif m.group("cnoun"):
            scale = _COUNT_SCALE[_SCALE_KEYS[fold(m.group("cmul"))]]
            value, unit = number * scale, _canonical(m.group("cnoun"))
        elif m.group("mmul"):
            value, unit = number * _SCALE[_SCALE_KEYS[fold(m.group("mmul"))]], MONEY_UNIT
        elif m.group("cur"):
            value, unit = number / 1e6, MONEY_UNIT
        else:
            value, unit = number, _canonical(m.group("noun"))
        if unit != PERCENT_UNIT and _is_year(m.group("num"), text[max(0, m.start() - 12):m.start()]):
            continue
        found.append(Quantity(value=round(value, 6), unit=unit, raw=m.group(), start=m.start(), end=m.end()))
    return found
