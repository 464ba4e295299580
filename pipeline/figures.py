"""Key figures of the period from the reports: text and statistics tables → ``Figure`` records.

Text: every quantity ``vietnamese.find_quantities`` reads in a sentence is given a key when a
cue of that key stands next to it in the same clause ("kiểm tra 326 lượt cơ sở", "41 cơ sở vi
phạm", "xử phạt … 287,5 triệu đồng", "khởi tố 12 vụ", "35 bị can", "1.204 lượt người bán dâm
được hỗ trợ", "120 buổi tuyên truyền", "kinh phí … 3,5 tỷ đồng"); the nearest cue wins.
A sentence about one year ("Năm 2019, …") gives that year's figure; otherwise the figure is
the period's. Proposals (``de_xuat``) are targets, not results, and are skipped.

Tables: a statistics table has one row (or column) per year 2016…2020 and usually a
"Tổng cộng"/"Cộng" row; a column (or row) header names the key and its unit ("Tiền xử phạt
(triệu đồng)", "Kinh phí (tỷ đồng)").

Per province and key the period figure is, in order of preference: the table total; the sum
of the table's years; the period figure of the text. Checks (``FigureSummary.warnings``, shown
in the draft's "Cần kiểm tra số liệu" list): a table total that differs from the sum of its
years; a text figure that differs from the table; several different period figures in the text
(the largest is used); a figure more than ``OUTLIER_FACTOR`` times the median of the provinces;
a figure only found in a sentence copied word for word, figures included, from other provinces'
reports (not counted).
"""
from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .model import TABLE, Document, Figure, Source
from .vietnamese import MONEY_UNIT, find_quantities, fold, fold_aligned, parse_number

YEARS = (2016, 2017, 2018, 2019, 2020)
OUTLIER_FACTOR = 10.0
MIN_PROVINCES_FOR_OUTLIERS = 4
CLAUSE_CHARS = 90  # how far back a cue may stand, within the clause
AFTER_CHARS = 25  # how far ahead a cue may stand ("41 cơ sở vi phạm")


@dataclass(frozen=True)
class FigureKey:
    key: str
    label: str  # column header in the annex
    unit: str
    units: tuple[str, ...]  # quantity units (find_quantities) this key accepts
    before: tuple[str, ...]  # folded cues before the number
    after: tuple[str, ...] = ()  # folded cues right after the number (and its unit)
    context: tuple[str, ...] = ()  # folded words of which one must be in the sentence
    header: tuple[tuple[str, ...], ...] = ()  # table header: any tuple whose words all occur


_PLACES = ("lượt cơ sở", "cơ sở", "cơ sở kinh doanh", "lượt")
KEYS: tuple[FigureKey, ...] = (
    FigureKey("inspections", "Số cuộc kiểm tra", "cuộc", ("cuộc", "đợt", "đoàn"),
              before=("kiem tra", "thanh tra"), after=("kiem tra", "thanh tra"),
              header=(("cuoc", "kiem tra"), ("doan", "kiem tra"), ("dot", "kiem tra"), ("cuoc", "thanh tra"))),
    FigureKey("establishments_inspected", "Số lượt cơ sở được kiểm tra", "lượt cơ sở", _PLACES,
              before=("kiem tra", "thanh tra"), after=("kiem tra", "thanh tra", "duoc kiem tra"),
              header=(("co so", "kiem tra"), ("luot", "kiem tra"))),
    FigureKey("violations", "Số cơ sở vi phạm", "cơ sở", _PLACES + ("trường hợp", "vụ việc"),
              before=("xu phat", "xu ly", "phat hien", "lap bien ban"),
              after=("vi pham", "co vi pham", "co sai pham", "sai pham", "bi xu phat", "bi xu ly"),
              header=(("vi pham",), ("sai pham",), ("co so", "xu phat"))),
    FigureKey("fines", "Tiền xử phạt (triệu đồng)", MONEY_UNIT, (MONEY_UNIT,),
              before=("xu phat", "phat tien", "tien phat", "nop ngan sach", "so tien phat", "xu ly"),
              after=("tien phat", "phat"),
              header=(("tien", "phat"), ("phat", "dong"))),
    FigureKey("cases_prosecuted", "Số vụ khởi tố", "vụ", ("vụ", "vụ án"),
              before=("khoi to",), header=(("vu", "khoi to"),)),
    FigureKey("defendants", "Số bị can, bị cáo", "bị can", ("bị can", "bị cáo", "đối tượng"),
              before=("khoi to", "truy to", "xet xu"), after=("bi khoi to", "bi truy to", "bi xet xu"),
              header=(("bi can",), ("bi cao",), ("doi tuong", "khoi to"))),
    FigureKey("people_supported", "Số lượt người được hỗ trợ", "lượt người",
              ("lượt người", "người", "người bán dâm", "lượt đối tượng", "đối tượng", "trường hợp"),
              before=("ho tro", "tu van", "tiep can", "huong loi", "kham", "day nghe", "vay von", "giup do"),
              after=("ban dam", "duoc ho tro", "duoc tu van", "duoc huong loi", "duoc tiep can"),
              context=("ho tro", "tu van", "huong loi", "tiep can", "hoa nhap", "giam hai", "giam tac hai"),
              header=(("nguoi", "ho tro"), ("huong loi",), ("nguoi", "tu van"))),
    FigureKey("communication_events", "Số buổi, lượt tuyên truyền", "buổi",
              ("buổi", "lượt", "cuộc", "đợt", "hội nghị"),
              before=("tuyen truyen", "truyen thong"), after=("tuyen truyen", "truyen thong"),
              header=(("tuyen truyen",), ("truyen thong",))),
    FigureKey("budget", "Kinh phí (triệu đồng)", MONEY_UNIT, (MONEY_UNIT,),
              before=("kinh phi", "ngan sach", "bo tri", "cap ", "phan bo", "dau tu", "nguon von"),
              header=(("kinh phi",), ("ngan sach",))),
)
KEY_BY_NAME = {k.key: k for k in KEYS}
# Table headers are tried in this order: the most specific first ("Tiền xử phạt" before "vi phạm").
_HEADER_ORDER = ("fines", "budget", "defendants", "cases_prosecuted", "violations", "inspections",
                 "establishments_inspected", "people_supported", "communication_events")

_PERIOD_RE = re.compile(r"giai doan|05 nam|5 nam|ca giai doan|tong cong|tong so|tu nam 2016|2016\s*-\s*2020|"
                        r"nam 2016 den|den nam 2020")
_YEAR_RE = re.compile(r"(?:^|\b)(?:trong |rieng )?nam (201[6-9]|2020)\b")
_PARTIAL_RE = re.compile(r"cap tinh|cap huyen|cac huyen|cap xa|cap co so")
_WHOLE_RE = re.compile(r"cac cap|hai cap|ba cap|tinh va cac huyen|toan tinh|toan thanh pho|tren dia ban")
_FUTURE_RE = re.compile(r"2021|2025|2030|du kien|phan dau|chi tieu|muc tieu")
_TOTAL_ROW_RE = re.compile(r"^(?:tong cong|cong|tong|tong so|ca giai doan|toan giai doan)\b")
_SCALE_RE = re.compile(r"\((?:don vi:?\s*)?(nghin|ngan|trieu|ty|ti)?\s*(?:dong|vnd|d)\)")
_CELL_NUMBER_RE = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


@dataclass
class FigureSummary:
    """The figures of a batch: what was read, what is used, the checks."""

    figures: list[Figure] = field(default_factory=list)  # everything read (years and periods)
    chosen: dict[str, dict[str, Figure]] = field(default_factory=dict)  # province -> key -> period figure
    warnings: list[str] = field(default_factory=list)
    flagged: set[tuple[str, str]] = field(default_factory=set)  # (province, key) pairs to check
    # (key, value, sentence) -> provinces whose only figure for the key is in that copied sentence
    copied: dict[tuple[str, float, str], list[str]] = field(default_factory=lambda: defaultdict(list))

    def period_figures(self) -> list[Figure]:
        return [f for by_key in self.chosen.values() for f in by_key.values()]


@dataclass
class TextSentence:
    """A sentence to read figures from (a Statement of synthesize, or any text with a source)."""

    text: str
    province: str
    finding: str
    source: Source
    shared: bool = False  # copied: other provinces wrote it word for word, figures included


# --- text -----------------------------------------------------------------------------------

def _clause_start(text: str, pos: int) -> int:
    cut = max(text.rfind(";", 0, pos), text.rfind(". ", 0, pos), text.rfind(":", 0, pos))
    return max(cut + 1, pos - CLAUSE_CHARS, 0)


def _clause_end(text: str, pos: int) -> int:
    ends = [i for i in (text.find(";", pos), text.find(". ", pos), text.find(",", pos)) if i >= 0]
    return min(ends + [len(text), pos + AFTER_CHARS])


def classify_quantity(text: str, start: int, end: int, unit: str) -> str | None:
    """The key of the quantity at text[start:end], or None."""
    before = fold(text[_clause_start(text, start):start])
    after = fold(text[end:_clause_end(text, end)])
    sentence = fold(text)
    best: tuple[int, int, str] | None = None  # (distance, order, key)
    for order, k in enumerate(KEYS):
        if unit not in k.units:
            continue
        if k.context and not any(c in sentence for c in k.context):
            continue
        for cue in k.before:
            at = before.rfind(cue)
            if at >= 0:
                distance = len(before) - (at + len(cue))
                if best is None or (distance, order) < best[:2]:
                    best = (distance, order, k.key)
        for cue in k.after:
            at = after.find(cue)
            if 0 <= at <= 3:
                distance = at
                if best is None or (distance, order) < best[:2]:
                    best = (distance, order, k.key)
    return best[2] if best else None


def sentence_year(text: str) -> int | None:
    """The one year a sentence is about ("Năm 2019, …"), None for the period or several years."""
    folded = fold(text)
    if _PERIOD_RE.search(folded):
        return None
    years = {int(y) for y in _YEAR_RE.findall(folded)}
    return years.pop() if len(years) == 1 else None


def _per_unit(text: str, start: int, end: int) -> bool:
    """ "3 triệu đồng/người", "mỗi người 3 triệu đồng", "bình quân 30 triệu đồng": not a total."""
    after = fold_aligned(text[end:end + 12])
    before = fold_aligned(text[max(0, start - 25):start])
    return (after.lstrip().startswith(("/", "moi ", "mot ", "tren ")) or after.startswith("/")
            or bool(re.search(r"(moi \w+( \w+)?|binh quan|khoang)\s*$", before)))


def _scope_tier(text: str, shared: bool) -> int:
    """How much a text figure can be trusted as the province's total (0 best).

    0: the sentence names the whole period ("giai đoạn 2016 - 2020", "05 năm", "tổng cộng") and
    the whole province (no "cấp tỉnh"/"các huyện" alone); 1: any other sentence; 2: copied text
    (other provinces wrote it word for word, figures included): never counted, only flagged.
    """
    if shared:
        return 2
    folded = fold(text)
    partial = bool(_PARTIAL_RE.search(folded)) and not _WHOLE_RE.search(folded)
    return 0 if _PERIOD_RE.search(folded) and not partial else 1


def read_text(sentences: list[TextSentence], memo=None) -> list[tuple[Figure, int]]:
    """Figures quoted in sentences with their trust tier; one per key and sentence (the first).

    Proposals (``de_xuat``) and sentences about plans or targets (the next period, "dự kiến",
    "phấn đấu") are skipped, and so are amounts per person, per year or on average. With a
    ``memo.Memo``, what is read from each sentence is remembered across runs.
    """
    remembered = memo.function("figures", reading_version()) if memo is not None else None
    out: list[tuple[Figure, int]] = []
    for s in sentences:
        if s.finding == "de_xuat":
            continue
        future, year, tier, found = (remembered.get((s.text,), lambda s=s: _reading(s.text)) if remembered
                                     else _reading(s.text))
        if future:
            continue
        for key, value in found:
            out.append((Figure(key, s.province, value, KEY_BY_NAME[key].unit, year, s.source), 2 if s.shared else tier))
    return out


def _reading(text: str) -> list:
    """What ``read_text`` takes from a sentence whatever its province, source or finding type:
    [about the future, year, trust tier unless copied, [[key, value], …]] (plain data, remembered)."""
    if _FUTURE_RE.search(fold(text)):
        return [True, None, 1, []]
    seen: set[str] = set()
    found = []
    for q in find_quantities(text):
        if _per_unit(text, q.start, q.end):
            continue
        key = classify_quantity(text, q.start, q.end, q.unit)
        if key is None or key in seen:
            continue
        seen.add(key)
        found.append([key, q.value])
    return [False, sentence_year(text), _scope_tier(text, False), found]


def reading_version() -> str:
    import sys

    from . import vietnamese
    from .memo import code_version

    return code_version(sys.modules[__name__], vietnamese)


def text_figures(sentences: list[TextSentence]) -> list[Figure]:
    """The figures of ``read_text`` without their tiers."""
    return [f for f, _ in read_text(sentences)]


# --- tables ---------------------------------------------------------------------------------

def _header_key(header: str) -> tuple[str, float] | None:
    """The key a column header names, and the factor to "triệu đồng" for money."""
    folded = fold(header)
    for name in _HEADER_ORDER:
        k = KEY_BY_NAME[name]
        if any(all(word in folded for word in words) for words in k.header):
            scale = 1.0
            if k.unit == MONEY_UNIT:
                m = _SCALE_RE.search(folded)
                scale = {"nghin": 0.001, "ngan": 0.001, "ty": 1000.0, "ti": 1000.0, "trieu": 1.0,
                         None: 1e-6}.get(m.group(1) if m else "trieu", 1.0)
            return name, scale
    return None


def _row_kind(label: str) -> int | str | None:
    """A row (or column) label: a year 2016…2020, "total", or None."""
    folded = fold(label).strip()
    m = re.fullmatch(r"(?:nam\s*)?(20\d\d)", folded)
    if m and int(m.group(1)) in YEARS:
        return int(m.group(1))
    if _TOTAL_ROW_RE.match(folded):
        return "total"
    return None


def cell_value(text: str) -> float | None:
    """A table cell as a number: "1.234" → 1234, "-"/"0" → 0, anything else None."""
    text = (text or "").strip().replace(" ", "")
    if text in ("-", "–", "—", "0"):
        return 0.0
    m = _CELL_NUMBER_RE.fullmatch(text)
    return parse_number(m.group()) if m else None


def _orient(rows: list[list[str]]) -> list[list[str]] | None:
    """The table with years down the first column (transposed when years run across)."""
    if any(_row_kind(r[0]) for r in rows if r):
        return rows
    width = max(len(r) for r in rows)
    columns = [[r[i] if i < len(r) else "" for r in rows] for i in range(width)]
    if any(_row_kind(c[0]) for c in columns if c):
        return columns
    return None


def table_figures(doc: Document, province: str) -> list[Figure]:
    """Yearly figures and totals (year None) of a report's statistics tables."""
    out: list[Figure] = []
    for block in doc.blocks:
        if block.kind != TABLE or not block.rows:
            continue
        rows = _orient([[" ".join((c or "").split()) for c in r] for r in block.rows if r])
        if not rows:
            continue
        first_data = next(i for i, r in enumerate(rows) if _row_kind(r[0]))
        headers = rows[:first_data]
        width = max(len(r) for r in rows)
        for col in range(1, width):
            header = " ".join(h[col] for h in headers if col < len(h))
            found = _header_key(header)
            if not found:
                continue
            key, scale = found
            for r in rows[first_data:]:
                kind = _row_kind(r[0])
                value = cell_value(r[col]) if col < len(r) else None
                if kind is None or value is None:
                    continue
                excerpt = f"Biểu thống kê, dòng «{r[0]}», cột «{header}»: {r[col]}"
                source = Source(province, doc.source.rsplit("/", 1)[-1], block.page, 0, excerpt)
                out.append(Figure(key, province, round(value * scale, 6), KEY_BY_NAME[key].unit,
                                  None if kind == "total" else kind, source))
    return out


# --- choosing, summing, checking ------------------------------------------------------------

def format_number(value: float) -> str:
    """Vietnamese style: 12345 → "12.345", 287.5 → "287,5"."""
    if abs(value - round(value)) < 1e-6:
        return f"{int(round(value)):,}".replace(",", ".")
    whole = f"{value:,.1f}"
    return whole.replace(",", " ").replace(".", ",").replace(" ", ".")


def summarise(sentences: list[TextSentence], documents: dict[str, Document], memo=None) -> FigureSummary:
    """Read, choose and check the figures of a batch.

    ``documents`` maps each province to the one report used for it (tables are read from it);
    ``memo`` (a ``memo.Memo``) remembers what was read from each sentence.
    """
    summary = FigureSummary()
    text: dict[str, dict[str, list[tuple[Figure, int]]]] = defaultdict(lambda: defaultdict(list))
    for f, tier in read_text(sentences, memo):
        summary.figures.append(f)
        text[f.province][f.key].append((f, tier))
    tables: dict[str, dict[str, list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for province, doc in documents.items():
        for f in table_figures(doc, province):
            summary.figures.append(f)
            tables[province][f.key].append(f)
    from .provinces import PROVINCES

    rank = {p.name: i for i, p in enumerate(PROVINCES)}
    for province in sorted(set(text) | set(tables), key=lambda p: (rank.get(p, len(rank)), p)):
        for k in KEYS:
            chosen = _choose(province, k, tables[province][k.key], text[province][k.key], summary)
            if chosen is not None:
                summary.chosen.setdefault(province, {})[k.key] = chosen
    for (key, value, excerpt), provinces in summary.copied.items():
        summary.warnings.append(
            f"{KEY_BY_NAME[key].label}: số liệu {format_number(value)} của {', '.join(provinces)} chỉ có trong "
            f"một câu trùng nguyên văn với báo cáo của tỉnh, thành phố khác: «{excerpt}»; chưa cộng vào tổng.")
    _check_outliers(summary)
    return summary


def _where(f: Figure) -> str:
    s = f.source
    if s is None:
        return ""
    place = ", ".join(x for x in (f"trang {s.page}" if s.page else "", f"đoạn {s.paragraph}" if s.paragraph else "")
                      if x)
    return f"{s.file}" + (f", {place}" if place else "")


def _differs(a: float, b: float) -> bool:
    return abs(a - b) > max(0.5, 0.001 * max(abs(a), abs(b)))


def _choose(province: str, k: FigureKey, table: list[Figure], text: list[tuple[Figure, int]],
            summary: FigureSummary) -> Figure | None:
    """The period figure of one province and key: table total, sum of table years, best text tier."""
    def flag(message: str) -> None:
        summary.warnings.append(f"{province} — {k.label}: {message}")
        summary.flagged.add((province, k.key))

    totals = [f for f in table if f.year is None]
    years = {f.year: f for f in table if f.year is not None}
    period = [(f, tier) for f, tier in text if f.year is None]
    chosen: Figure | None = None
    if totals:
        chosen = totals[0]
        year_sum = sum(f.value for f in years.values())
        if years and _differs(year_sum, chosen.value):
            flag(f"dòng tổng cộng của biểu ({format_number(chosen.value)}) khác tổng các năm "
                 f"({format_number(year_sum)}); dùng số tổng cộng của biểu ({_where(chosen)}).")
    elif years:
        first = next(iter(years.values()))
        excerpt = f"Biểu thống kê: cộng các năm {', '.join(str(y) for y in sorted(years))}"
        source = Source(province, first.source.file, first.source.page, first.source.paragraph, excerpt) \
            if first.source else None
        chosen = Figure(k.key, province, round(sum(f.value for f in years.values()), 6), k.unit, None, source)
    if chosen is not None:
        best_text = [f for f, tier in period if tier == 0 and _differs(f.value, chosen.value)]
        if best_text:
            f = best_text[0]
            flag(f"số liệu trong văn bản ({format_number(f.value)}, {_where(f)}) khác số liệu trong biểu "
                 f"({format_number(chosen.value)}); dùng số liệu trong biểu.")
        return chosen
    if not period:
        return None
    best_tier = min(tier for _, tier in period)
    candidates = [f for f, tier in period if tier == best_tier]
    values = sorted({f.value for f in candidates})
    pick = max(candidates, key=lambda f: f.value)
    if len(values) > 1:
        flag(f"văn bản nêu nhiều số liệu khác nhau cho cả giai đoạn "
             f"({', '.join(format_number(v) for v in values)}); dùng số lớn nhất ({_where(pick)}).")
    if best_tier == 2:
        summary.copied[(k.key, pick.value, pick.source.excerpt if pick.source else "")].append(province)
        return None
    return pick


def _check_outliers(summary: FigureSummary) -> None:
    for k in KEYS:
        values = {p: by_key[k.key].value for p, by_key in summary.chosen.items() if k.key in by_key}
        if len(values) < MIN_PROVINCES_FOR_OUTLIERS:
            continue
        median = statistics.median(values.values())
        if median <= 0:
            continue
        for province, value in sorted(values.items()):
            if value > OUTLIER_FACTOR * median:
                summary.warnings.append(
                    f"{province} — {k.label}: {format_number(value)} lớn hơn {OUTLIER_FACTOR:g} lần trung vị các tỉnh, "
                    f"thành phố ({format_number(median)}); kiểm tra lại đơn vị hoặc lỗi đánh máy.")
                summary.flagged.add((province, k.key))


def national_totals(figures: list[Figure]) -> dict[str, tuple[float, int]]:
    """key -> (sum of the provinces' period figures, number of provinces), in KEYS order."""
    sums: dict[str, float] = defaultdict(float)
    counts: Counter = Counter()
    for f in figures:
        if f.year is None:
            sums[f.key] += f.value
            counts[f.key] += 1
    return {k.key: (round(sums[k.key], 6), counts[k.key]) for k in KEYS if counts[k.key]}
