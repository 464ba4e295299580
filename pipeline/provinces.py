"""The 63 provinces and centrally-run cities of 2020, and finding them in text.

Canonical names are written as the ministry writes them, with traditional tone
placement ("Hòa Bình", "Thanh Hóa", "Khánh Hòa"). The five centrally-run cities
are "Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ" and "TP. Hồ Chí Minh" (the only
one whose display name carries "TP.", because the bare name is also the
President's name). Hyphenated names use a spaced hyphen: "Bà Rịa - Vũng Tàu".

Matching works on word tokens, first with diacritics (so "Nam Định" is not found
in "năm định kỳ"), then without them for ASCII text ("Ba Ria Vung Tau",
"thua thien hue", file names). Weak aliases (the bare "Hồ Chí Minh", "Huế",
provincial capitals such as "Buôn Ma Thuột") only count after "tỉnh",
"thành phố", "TP." or in a place-and-date line ("..., ngày ...").
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from .vietnamese import fold, normalize_text, strip_diacritics

NORTH_MOUNTAINS = "Trung du và miền núi phía Bắc"
RED_RIVER_DELTA = "Đồng bằng sông Hồng"
CENTRAL_COAST = "Bắc Trung Bộ và Duyên hải miền Trung"
CENTRAL_HIGHLANDS = "Tây Nguyên"
SOUTH_EAST = "Đông Nam Bộ"
MEKONG_DELTA = "Đồng bằng sông Cửu Long"
REGIONS = (NORTH_MOUNTAINS, RED_RIVER_DELTA, CENTRAL_COAST, CENTRAL_HIGHLANDS, SOUTH_EAST, MEKONG_DELTA)

PROVINCE = "tỉnh"
CITY = "thành phố"


@dataclass(frozen=True)
class Province:
    name: str  # canonical display name
    kind: str  # "tỉnh" or "thành phố" (centrally-run city)
    region: str
    slug: str  # ASCII, e.g. "ba-ria-vung-tau"
    aliases: tuple[str, ...] = field(default=(), compare=False)  # other spellings, strong
    weak_aliases: tuple[str, ...] = field(default=(), compare=False)  # need "tỉnh"/"TP." or a date line

    @property
    def full_name(self) -> str:
        """ "tỉnh Nghệ An", "thành phố Hà Nội"."""
        bare = self.name.removeprefix("TP. ")
        return f"{self.kind} {bare}"


# name | region | strong aliases ; separated | weak aliases ; separated (capital cities etc.)
_TABLE = """
Hà Giang|N|Hagiang|
Cao Bằng|N||
Bắc Kạn|N|Bắc Cạn|
Tuyên Quang|N||
Lào Cai|N|Lao Kay|
Yên Bái|N||
Thái Nguyên|N||
Lạng Sơn|N||
Bắc Giang|N||
Phú Thọ|N||Việt Trì
Điện Biên|N||Điện Biên Phủ
Lai Châu|N||
Sơn La|N||
Hòa Bình|N||
Hà Nội|R|Hanoi;Thủ đô Hà Nội|
Vĩnh Phúc|R||Vĩnh Yên
Bắc Ninh|R||
Quảng Ninh|R||Hạ Long
Hải Dương|R||
Hải Phòng|R|Haiphong|
Hưng Yên|R||
Thái Bình|R||
Hà Nam|R||Phủ Lý
Nam Định|R||
Ninh Bình|R||
Thanh Hóa|C||
Nghệ An|C||Vinh
Hà Tĩnh|C||
Quảng Bình|C||Đồng Hới
Quảng Trị|C||Đông Hà
Thừa Thiên Huế|C|Thừa Thiên - Huế;TT Huế;TT-Huế;TTHuế|Huế
Đà Nẵng|C|Danang|
Quảng Nam|C||Tam Kỳ
Quảng Ngãi|C||
Bình Định|C||Quy Nhơn
Phú Yên|C||Tuy Hòa
Khánh Hòa|C||Nha Trang
Ninh Thuận|C||Phan Rang - Tháp Chàm;Phan Rang
Bình Thuận|C||Phan Thiết
Kon Tum|H|Kontum|
Gia Lai|H||Pleiku;Plei Ku
Đắk Lắk|H|Đắc Lắc;Đăk Lăk;Đắk Lăk;Đắk Lắc;Đăk Lắk;Daklak|Buôn Ma Thuột
Đắk Nông|H|Đắc Nông;Đăk Nông;Daknong|Gia Nghĩa
Lâm Đồng|H||Đà Lạt
Bình Phước|S||Đồng Xoài
Tây Ninh|S||
Bình Dương|S||Thủ Dầu Một
Đồng Nai|S||Biên Hòa
Bà Rịa - Vũng Tàu|S|Bà Rịa Vũng Tàu;BR-VT;BRVT|Vũng Tàu
TP. Hồ Chí Minh|S|TP.HCM;TPHCM;TP HCM;Thành phố Hồ Chí Minh|Hồ Chí Minh;HCM
Long An|M||Tân An
Tiền Giang|M||Mỹ Tho
Bến Tre|M||
Trà Vinh|M||
Vĩnh Long|M||
Đồng Tháp|M||Cao Lãnh
An Giang|M||Long Xuyên
Kiên Giang|M||Rạch Giá
Cần Thơ|M||
Hậu Giang|M||Vị Thanh
Sóc Trăng|M||
Bạc Liêu|M||
Cà Mau|M||
"""
_REGION_CODES = {
    "N": NORTH_MOUNTAINS, "R": RED_RIVER_DELTA, "C": CENTRAL_COAST,
    "H": CENTRAL_HIGHLANDS, "S": SOUTH_EAST, "M": MEKONG_DELTA,
}
_CITIES = {"Hà Nội", "TP. Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def _build() -> tuple[Province, ...]:
    provinces = []
    for line in _TABLE.strip().splitlines():
        name, region, strong, weak = line.split("|")
        provinces.append(Province(
            name=name,
            kind=CITY if name in _CITIES else PROVINCE,
            region=_REGION_CODES[region],
            slug=_slug(name),
            aliases=tuple(a for a in strong.split(";") if a),
            weak_aliases=tuple(a for a in weak.split(";") if a),
        ))
    return tuple(provinces)


PROVINCES: tuple[Province, ...] = _build()

# --------------------------------------------------------------------------
# Token index
# --------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[^\W_]+")
_PREFIXES = (("tỉnh",), ("thành", "phố"), ("tp",), ("t", "p"), ("ubnd",))
_PREFIXES_FOLDED = tuple(tuple(strip_diacritics(t) for t in p) for p in _PREFIXES)
_DATE_WORDS = ("ngày", "ngay")


def _tokens(text: str) -> list[re.Match]:
    return list(_TOKEN_RE.finditer(text))


def _key(text: str) -> tuple[str, ...]:
    return tuple(m.group() for m in _tokens(normalize_text(text, legacy=None).lower()))


# Phrases that contain a province name but are not one.
_NOT_PROVINCES = ("Thái Bình Dương", "Châu Á - Thái Bình Dương")


def _index() -> tuple[dict, dict, int]:
    exact: dict[tuple[str, ...], tuple[Province | None, bool]] = {}
    folded: dict[tuple[str, ...], tuple[Province | None, bool]] = {}
    for p in PROVINCES:
        forms = [(p.name, False), (p.name.removeprefix("TP. "), p.name.startswith("TP. "))]
        forms += [(a, False) for a in p.aliases] + [(a, True) for a in p.weak_aliases]
        for form, weak in forms:
            key = _key(form)
            for index, k in ((exact, key), (folded, tuple(strip_diacritics(t) for t in key))):
                if k not in index or (index[k][1] and not weak):
                    index[k] = (p, weak)
    for phrase in _NOT_PROVINCES:
        key = _key(phrase)
        exact[key] = folded[tuple(strip_diacritics(t) for t in key)] = (None, False)
    longest = max(len(k) for k in folded)
    return exact, folded, longest


_EXACT, _FOLDED, _LONGEST = _index()
_COMPACT = sorted(
    (
        (re.sub(r"[^a-z0-9]", "", " ".join(k)), p)
        for k, (p, weak) in _FOLDED.items()
        if p is not None and len("".join(k)) >= 5
    ),
    key=lambda item: -len(item[0]),
)


@dataclass
class _Candidate:
    province: Province | None
    start: int  # token index
    length: int
    weak: bool
    prefixed: bool  # after "tỉnh", "thành phố", "TP."
    dated: bool  # before "ngày": a place-and-date line


def _candidates(words: list[str], index: dict, prefixes: tuple) -> list[_Candidate]:
    """Greedy longest matches, left to right."""
    found = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            hit = index.get(tuple(words[i:i + n]))
            if hit:
                prefixed = any(tuple(words[max(0, i - len(p)):i]) == p for p in prefixes)
                dated = i + n < len(words) and words[i + n] in _DATE_WORDS
                found.append(_Candidate(hit[0], i, n, hit[1], prefixed, dated))
                i += n
                break
        else:
            i += 1
    return found


def _best(candidates: list[tuple[_Candidate, bool]]) -> Province | None:
    """Context first ("tỉnh X", "X, ngày"), then strong names, exact spelling, and the earliest."""
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda ce: (not ce[0].prefixed, not ce[0].dated, ce[0].weak, not ce[1], ce[0].start))
    return ranked[0][0].province


def _find(text: str, lenient: bool) -> Province | None:
    """Search ``text``; ``lenient`` (file names) accepts weak and lowercase names without context."""
    original = [m.group() for m in _tokens(normalize_text(text))]
    words = [w.lower() for w in original]
    plain = [strip_diacritics(w) for w in words]

    def accepted(c: _Candidate) -> bool:
        if c.province is None:
            return False
        if lenient or c.prefixed or c.dated:
            return True
        capitalised = all(w[:1].isupper() for w in original[c.start:c.start + c.length])
        return capitalised and not c.weak

    found = [(c, True) for c in _candidates(words, _EXACT, _PREFIXES) if accepted(c)]
    for c in _candidates(plain, _FOLDED, _PREFIXES_FOLDED):
        is_ascii = words[c.start:c.start + c.length] == plain[c.start:c.start + c.length]
        # A match that only works without diacritics, in text that has them, needs context (OCR noise).
        if accepted(c) and (is_ascii or c.prefixed or c.dated):
            found.append((c, False))
    return _best(found)


def find_province(text: str) -> Province | None:
    """The province named in a longer string: an issuer line, a place-and-date line, a title.

    Prefers a name after "tỉnh"/"thành phố"/"TP.", then one before ", ngày",
    then the first; the longest alias wins where names overlap.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    return _find(text, lenient=False)


_EXTENSION_RE = re.compile(r"\.(?:docx?|pdf|odt|rtf|txt|xlsx?|json)$", re.IGNORECASE)
_CAMEL_RE = re.compile(r"(?<=[a-zà-ỹđ])(?=[A-ZÀ-ỸĐ])|(?<=[A-ZĐ])(?=[A-ZĐ][a-zà-ỹđ])|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def match_province(text: str) -> Province | None:
    """A province name in any form: capitals, no diacritics, short forms, NFD, file names.

    "Ba Ria Vung Tau", "thua thien hue", "TP.HCM", "tỉnh Bà Rịa–Vũng Tàu",
    "bao-cao-nghe-an.docx", "BC_BinhDinh_2020.pdf", "QuangNam".
    """
    if not isinstance(text, str) or not text.strip():
        return None
    text = normalize_text(text)
    name = _EXTENSION_RE.sub("", os.path.basename(text.replace("\\", "/")) or text)
    words = list(_key(name))
    for prefix in _PREFIXES:
        if tuple(words[:len(prefix)]) == prefix and len(words) > len(prefix):
            words = words[len(prefix):]
            break
    hit = _EXACT.get(tuple(words)) or _FOLDED.get(tuple(strip_diacritics(w) for w in words))
    if hit:
        return hit[0]  # None for a known non-province phrase
    split = _CAMEL_RE.sub(" ", name)
    found = _find(split, lenient=True)
    if found:
        return found
    compact = re.sub(r"[^a-z0-9]", "", fold(split))
    for key, province in _COMPACT:
        if key in compact:
            return province
    return None


_BY_NAME = {p.name: p for p in PROVINCES}


def by_name(name: str) -> Province:
    """The province with this canonical name, or any form ``match_province`` understands.

    Raises KeyError when nothing matches (a programming error, not a user one).
    """
    province = _BY_NAME.get(name) or match_province(name)
    if province is None:
        raise KeyError(name)
    return province
