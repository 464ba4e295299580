"""Build a realistic batch of provincial reports with gold: `tongket corpus build`.

    build_batch(out_dir, seed=0, provinces=63, split="test") -> Manifest

One report per province (seeded choices per province: issuer, number, date,
outline, size, skipped areas, figures, statistics table), assembled from the
labelled passages of one split, written to .docx and converted to the format
mix of a real inbox (text PDF, scanned PDF, .doc, legacy fonts, NFD, old tone
placement), plus named faults. Beside the files: manifest.json, and
gold/documents.json + gold/passages.jsonl.

Determinism: the same seed gives identical gold and manifest, and identical
bytes for .docx (fixed core properties and zip times), .doc and scanned PDFs
(fixed dates, seeded noise). Text PDFs from LibreOffice embed a creation time
and document id: their text is identical, their bytes are not (see
`ManifestEntry.byte_identical`).
"""
from __future__ import annotations

import io
import json
import random
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ReportError
from pipeline.labelled import SPLITS, LabelledPassage, load_split

from . import formats as fmt
from .figures_gen import ProvinceFigures, figure_sentences, generate_figures, statistics_rows
from .report_writer import Para, Report, StatTable, assign_numbers, stable_zip, write_docx

AREAS = ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10")
FINDINGS = ("khac", "ket_qua", "ton_tai", "nguyen_nhan", "de_xuat")  # order inside a section
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
# Gold of the samples lives beside the folder, so that the folder holds only reports.
SAMPLES_GOLD = Path(__file__).resolve().parent / "samples-gold.json"

# variant -> (Document.format the extractors should report, quirks)
VARIANTS = {
    "docx-autonum": ("docx", ["word-numbering"]),
    "docx-typed": ("docx", ["typed-numbering"]),
    "pdf": ("pdf", ["text-pdf"]),
    "pdf-scan": ("pdf-ocr", ["scan"]),
    "doc": ("doc", ["legacy-doc"]),
    "docx-tcvn3": ("docx", ["tcvn3"]),
    "docx-vni": ("docx", ["vni"]),
    "docx-nfd": ("docx", ["nfd"]),
    "docx-oldtone": ("docx", ["old-tone"]),
}
MIX_63 = {"docx-autonum": 15, "docx-typed": 15, "pdf": 21, "pdf-scan": 3, "doc": 3,
          "docx-tcvn3": 2, "docx-vni": 1, "docx-nfd": 2, "docx-oldtone": 1}
SAMPLE_FORMATS = ["docx-autonum", "docx-typed", "pdf", "pdf-scan", "doc", "docx-tcvn3", "docx-vni", "docx-nfd"]
EXTENSIONS = {"docx": "docx", "pdf": "pdf", "pdf-ocr": "pdf", "doc": "doc"}


# --- results ------------------------------------------------------------------------

@dataclass
class ManifestEntry:
    file: str
    format: str  # what the extractors should report: docx, pdf, pdf-ocr, doc
    variant: str
    quirks: list[str] = field(default_factory=list)
    province: str | None = None
    fault: str | None = None  # empty, corrupt, duplicate, not-a-report
    expect_error: bool = False  # the extractors must raise ExtractionError
    byte_identical: bool = True  # same seed -> same bytes
    note: str = ""


@dataclass
class Manifest:
    seed: int
    split: str
    provinces: int
    files: list[ManifestEntry] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the build (not written to manifest.json)

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(e.fault or e.variant for e in self.files).items()))

    def to_dict(self) -> dict:
        return {"seed": self.seed, "split": self.split, "provinces": self.provinces,
                "counts": self.counts(), "files": [asdict(e) for e in self.files]}


@dataclass
class GoldPassage:
    file: str
    province: str
    index: int  # order among the document's gold passages
    text: str  # canonical NFC text, whatever the file's encoding
    area: str
    finding: str
    area2: str | None
    heading_path: list[str]
    source_id: str  # passage id in corpus/passages, or "generated:<what>"
    encoding: str = "unicode"  # unicode, tcvn3, vni: how the paragraph is stored


@dataclass
class GoldDocument:
    file: str
    province: str | None
    issuer: list[str]
    issuer_kind: str  # ubnd, so (provincial Department of Labour)
    doc_number: str
    date: str
    title: str
    format: str
    variant: str
    quirks: list[str]
    fault: str | None
    outline: str
    numbering: str
    areas_covered: list[str]
    areas_missing: list[str]
    areas_skipped: list[str]  # omitted on purpose (the rest of missing: no passages in the split)
    figures: dict[str, int]
    figures_by_year: dict[str, dict[str, int]]
    statistics_table: str  # none, inline, annex
    passages: int
    pages: int | None = None  # PDFs only
    supersedes: str | None = None


@dataclass
class _Item:
    """A body paragraph waiting for its place: a split passage or a generated sentence."""

    text: str
    area: str
    finding: str
    area2: str | None = None
    source_id: str = ""
    table: StatTable | None = None  # a statistics table travels as an item too


@dataclass
class BuiltReport:
    report: Report
    gold: GoldDocument
    passages: list[GoldPassage]
    encoded: list[str]  # per gold passage, its encoding


# --- wording (all written for this generator) -----------------------------------------

AREA_HEADINGS = {
    "1.1": ("Công tác tổ chức điều hành Chương trình", "Công tác lãnh đạo, chỉ đạo, điều hành",
            "Về chỉ đạo, điều hành và phối hợp liên ngành", "Công tác chỉ đạo, ban hành văn bản và kiểm tra, giám sát"),
    "1.2": ("Kết quả thực hiện các mục tiêu, chỉ tiêu", "Về thực hiện các chỉ tiêu của Chương trình",
            "Đánh giá mức độ đạt các mục tiêu, chỉ tiêu"),
    "1.3": ("Công tác thông tin, tuyên truyền, giáo dục", "Về tuyên truyền, giáo dục nâng cao nhận thức",
            "Công tác truyền thông phòng, chống mại dâm"),
    "1.4": ("Công tác kiểm tra, thanh tra, đấu tranh, xử lý vi phạm",
            "Về kiểm tra, xử lý vi phạm và đấu tranh với tội phạm",
            "Công tác kiểm soát địa bàn, điều tra, truy tố, xét xử"),
    "1.5": ("Thực hiện mô hình thí điểm hỗ trợ xã hội đối với người bán dâm",
            "Về hỗ trợ giảm hại và hòa nhập cộng đồng", "Các mô hình hỗ trợ người bán dâm tại cộng đồng"),
    "1.6": ("Công tác xây dựng, hoàn thiện pháp luật", "Về thể chế, chính sách pháp luật",
            "Tham gia góp ý hoàn thiện chính sách, pháp luật"),
    "1.7": ("Quản lý, sử dụng nguồn lực thực hiện Chương trình", "Về kinh phí và nguồn lực",
            "Bố trí, sử dụng kinh phí"),
    "1.8": ("Hợp tác quốc tế và tác động của tệ nạn mại dâm",
            "Về hợp tác quốc tế, phòng ngừa mại dâm có yếu tố nước ngoài",
            "Tác động của mại dâm đến phát triển kinh tế - xã hội"),
    "1.9": ("Khó khăn, vướng mắc và bài học kinh nghiệm", "Đánh giá chung",
            "Những tồn tại, nguyên nhân và bài học kinh nghiệm"),
    "1.10": ("Dự báo tình hình và phương hướng, nhiệm vụ giai đoạn 2021 - 2025",
             "Phương hướng, nhiệm vụ thời gian tới", "Dự báo tình hình, giải pháp giai đoạn 2021 - 2025"),
}
FINDING_HEADINGS = {
    "ket_qua": ("Kết quả đạt được", "Kết quả", "Những mặt làm được"),
    "ton_tai": ("Tồn tại, hạn chế", "Hạn chế", "Khó khăn, tồn tại"),
    "nguyen_nhan": ("Nguyên nhân", "Nguyên nhân của hạn chế"),
    "de_xuat": ("Đề xuất, kiến nghị", "Giải pháp thời gian tới", "Kiến nghị"),
}
TITLES = (
    "Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020",
    "Kết quả thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020",
    "Tổng kết Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020 trên địa bàn {where}",
    "Đánh giá 05 năm triển khai Chương trình phòng, chống mại dâm 2016 - 2020 theo Quyết định số 361/QĐ-TTg",
    "Tổng kết thực hiện Quyết định số 361/QĐ-TTg ngày 07/3/2016 của Thủ tướng Chính phủ phê duyệt "
    "Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020",
)
OPENINGS = (
    "Thực hiện Quyết định số 629/QĐ-LĐTBXH ngày 05/6/2020 của Bộ Lao động - Thương binh và Xã hội ban hành "
    "Kế hoạch tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020, {who} báo cáo "
    "kết quả như sau:",
    "Trên cơ sở báo cáo của các sở, ngành và Ủy ban nhân dân các huyện, thị xã, thành phố, {who} tổng hợp, "
    "báo cáo tổng kết Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020 theo đề nghị của Bộ Lao động - "
    "Thương binh và Xã hội như sau:",
    "Giai đoạn 2016 - 2020, thực hiện Chương trình phòng, chống mại dâm ban hành kèm theo Quyết định số "
    "361/QĐ-TTg của Thủ tướng Chính phủ, {who} đã triển khai đồng bộ các nhiệm vụ được giao. {Who} báo cáo "
    "tổng kết cụ thể như sau:",
)
CLOSINGS = (
    "Trên đây là báo cáo tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020 "
    "của {who}, kính gửi Bộ Lao động - Thương binh và Xã hội tổng hợp./.",
    "Trên đây là kết quả thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020 trên địa bàn "
    "{where}; {who} kính báo cáo Bộ Lao động - Thương binh và Xã hội./.",
    "{Who} trân trọng báo cáo Bộ Lao động - Thương binh và Xã hội (Cục Phòng, chống tệ nạn xã hội) để "
    "tổng hợp, theo dõi./.",
)
TABLE_CAPTIONS = (
    "Biểu 1. Kết quả thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020",
    "Bảng tổng hợp số liệu phòng, chống mại dâm giai đoạn 2016 - 2020",
    "Biểu số 01: Số liệu kiểm tra, xử lý và hỗ trợ theo năm",
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Ngọc", "Xuân", "Công", "Thị Thu", "Đình")
GIVEN = ("Hùng", "Lan", "Dũng", "Hà", "Tuấn", "Hương", "Sơn", "Bình", "Thủy", "Long", "Hải", "Phương",
         "Thắng", "Nga", "Khánh", "Trung", "Hiền", "Cường", "Mai", "Tâm")


# --- one province -----------------------------------------------------------------------

@dataclass
class ReportPlan:
    province: object  # pipeline.provinces.Province
    variant: str
    issuer_kind: str
    number: int
    day: date
    outline: str
    numbering: str
    pages: int
    skipped: list[str]
    table: str
    figures: ProvinceFigures
    file: str = ""
    supersedes: str | None = None
    note: str = ""


def _where(province) -> str:
    return province.full_name


def _who(plan: ReportPlan) -> str:
    if plan.issuer_kind == "so":
        return "Sở Lao động - Thương binh và Xã hội"
    bare = plan.province.name.removeprefix("TP. ")
    return f"Ủy ban nhân dân {plan.province.kind} {bare}"


def _issuer_lines(plan: ReportPlan) -> list[str]:
    bare = plan.province.name.removeprefix("TP. ").upper()
    kind = plan.province.kind.upper()
    if plan.issuer_kind == "so":
        return [f"UBND {kind} {bare}", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"]
    return ["ỦY BAN NHÂN DÂN", f"{kind} {bare}"]


def _doc_number(plan: ReportPlan, rng: random.Random) -> str:
    suffix = rng.choice(("BC-SLĐTBXH", "BC-LĐTBXH")) if plan.issuer_kind == "so" else "BC-UBND"
    return f"{plan.number}/{suffix}"


def _place_date(plan: ReportPlan) -> str:
    place = plan.province.name.removeprefix("TP. ")
    if plan.province.name.startswith("TP. "):
        place = f"Thành phố {place}"
    d = plan.day
    return f"{place}, ngày {d.day:02d} tháng {d.month} năm {d.year}"


def _signature(plan: ReportPlan, rng: random.Random) -> list[str]:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    if plan.issuer_kind == "so":
        return ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", name] if rng.random() < 0.7 else ["GIÁM ĐỐC", name]
    if rng.random() < 0.8:
        return ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", name]
    return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", name]


def _recipients(plan: ReportPlan, rng: random.Random) -> list[str]:
    unit = "thành phố" if plan.province.kind == "thành phố" else "tỉnh"
    party = "Thành ủy" if unit == "thành phố" else "Tỉnh ủy"
    lines = ["Nơi nhận:", "- Bộ Lao động - TB&XH;", "- Cục Phòng, chống TNXH;"]
    if plan.issuer_kind == "so":
        lines += [f"- UBND {unit} (b/c);", "- Giám đốc, các PGĐ Sở;", "- Lưu: VT, PCTNXH."]
    else:
        lines += [f"- TT {party}, TT HĐND {unit} (b/c);", f"- Chủ tịch, các PCT UBND {unit};",
                  f"- Sở LĐTBXH, Công an {unit};", rng.choice(("- Lưu: VT, KGVX.", "- Lưu: VT, VX."))]
    return lines


def _heading_text(options: tuple[str, ...], rng: random.Random, upper: bool = False) -> str:
    text = rng.choice(options)
    return text.upper() if upper else text


def _choose_plan(province, variant: str, rng: random.Random, size: str) -> ReportPlan:
    issuer_kind = "so" if rng.random() < 0.25 else "ubnd"
    day = date(2020, 6, 22) + timedelta(days=rng.randrange(0, 115))
    outline = rng.choices(("A1", "A2", "B", "C"), weights=(2, 2, 3.5, 2.5))[0]
    numbering = "auto" if variant == "docx-autonum" else "typed" if variant == "docx-typed" else \
        rng.choice(("auto", "typed"))
    if size == "small":
        pages = 1 if variant == "pdf-scan" else rng.randint(2, 3)
    elif variant == "pdf-scan":
        pages = rng.randint(2, 4)
    else:
        band = rng.choices(("short", "usual", "long"), weights=(1.5, 6.5, 2))[0]
        pages = {"short": rng.randint(2, 4), "usual": rng.randint(5, 15), "long": rng.randint(16, 30)}[band]
    skippable = ["1.2", "1.5", "1.6", "1.7", "1.8"]
    skipped = sorted(rng.sample(skippable, rng.choice((0, 0, 1, 1, 2, 3))), key=AREAS.index)
    table = rng.choices(("none", "inline", "annex"), weights=(4, 4, 2))[0]
    if size == "small" and variant == "pdf-scan":
        table = "none"  # keep the committed scan to one or two pages
    figures = generate_figures(rng, province.kind == "thành phố")
    return ReportPlan(province, variant, issuer_kind, rng.randint(45, 420), day, outline, numbering, pages,
                 skipped, table, figures)


_AREA_WEIGHT = {"1.1": 1.3, "1.2": 0.7, "1.3": 1.2, "1.4": 1.6, "1.5": 0.9, "1.6": 0.6, "1.7": 0.7,
                "1.8": 0.8, "1.9": 1.1, "1.10": 1.0}
_FINDING_SHARE = {"ket_qua": 0.36, "ton_tai": 0.2, "nguyen_nhan": 0.12, "de_xuat": 0.17, "khac": 0.15}


@lru_cache(maxsize=None)
def _named_province(text: str) -> str | None:
    from pipeline.provinces import find_province

    found = find_province(text)
    return found.name if found else None


def _select(pool: dict, areas: list[str], n_target: int, rng: random.Random,
            province: str) -> dict[tuple[str, str], list[_Item]]:
    """Draw passages per area × finding cell, without repeats inside one report and
    without passages that name another province."""
    total_weight = sum(_AREA_WEIGHT[a] for a in areas) or 1
    chosen: dict[tuple[str, str], list[_Item]] = {}
    for area in areas:
        quota = max(2, round(n_target * _AREA_WEIGHT[area] / total_weight))
        for finding in FINDINGS:
            cell = [p for p in pool.get((area, finding), []) if _named_province(p.text) in (None, province)]
            want = max(1 if finding == "ket_qua" else 0, round(quota * _FINDING_SHARE[finding] + rng.uniform(-0.6, 0.6)))
            picked = rng.sample(cell, min(want, len(cell)))
            chosen[(area, finding)] = [_Item(p.text, p.area, p.finding, p.area2, p.id) for p in picked]
    drawn = [(key, item) for key, items in chosen.items() for item in items]
    if len(drawn) > n_target:  # short reports: keep a random subset, in order
        keep = set(rng.sample(range(len(drawn)), n_target))
        chosen = {key: [] for key in chosen}
        for i, (key, item) in enumerate(drawn):
            if i in keep:
                chosen[key].append(item)
    return chosen


def _attach_figures(chosen: dict, plan: ReportPlan, rng: random.Random, areas: set[str]) -> tuple[dict, dict, StatTable | None]:
    """Put the generated figure sentences (and the statistics table) among the results."""
    sentences = figure_sentences(plan.figures, rng, areas)
    keys = [k for s in sentences for k in s.keys]
    totals = {k: plan.figures.total(k) for k in keys}
    by_year = {k: {str(y): v for y, v in plan.figures.yearly[k].items()} for k in keys}
    table = None
    if plan.table != "none" and keys:
        note = rng.choice(("", "(Nguồn: Công an tỉnh, Sở Lao động - Thương binh và Xã hội tổng hợp)"))
        table = StatTable(rng.choice(TABLE_CAPTIONS), statistics_rows(plan.figures, keys), note)
    for n, sentence in enumerate(sentences):
        items = chosen.setdefault((sentence.area, "ket_qua"), [])
        where = rng.randint(0, min(2, len(items)))
        items.insert(where, _Item(sentence.text, sentence.area, "ket_qua", None, f"generated:figures:{'+'.join(sentence.keys)}"))
        if n == 0 and table is not None and plan.table == "inline":
            items.insert(where + 1, _Item("", sentence.area, "ket_qua", table=table))
    return totals, by_year, table


# Outline events: ("h", level, text) for headings, ("p", _Item) for paragraphs.

def _section_items(chosen: dict, area: str, findings=FINDINGS) -> list[_Item]:
    return [item for f in findings for item in chosen.get((area, f), [])]


def _lead_ins(chosen: dict, words: tuple[str, ...]) -> list[_Item]:
    """1.9 context lines that introduce a list ("… rút ra một số bài học sau:")."""
    items = chosen.get(("1.9", "khac"), [])
    picked = [i for i in items if any(w in i.text.lower() for w in words)]
    chosen[("1.9", "khac")] = [i for i in items if i not in picked]
    return picked


def _area_block(chosen, area, level, rng, subheads, findings=FINDINGS, upper=False) -> list:
    items = _section_items(chosen, area, findings)
    if not items:
        return []
    events = [("h", level, _heading_text(AREA_HEADINGS[area], rng, upper))]
    groups = [f for f in findings if f != "khac" and chosen.get((area, f))]
    if subheads and len(groups) >= 2:
        events += [("p", i) for i in chosen.get((area, "khac"), [])] if "khac" in findings else []
        for f in groups:
            events.append(("h", level + 1, _heading_text(FINDING_HEADINGS[f], rng)))
            events += [("p", i) for i in chosen[(area, f)]]
    else:
        events += [("p", i) for i in items]
    return events


def _outline_a1(chosen, rng) -> tuple[list, str]:
    subheads = rng.random() < 0.5
    events = []
    for area in AREAS:
        events += _area_block(chosen, area, 1, rng, subheads)
    return events, "decimal"


def _outline_a2(chosen, rng) -> tuple[list, str]:
    subheads = rng.random() < 0.4
    results = [e for area in AREAS[:8] for e in _area_block(chosen, area, 2, rng, subheads)]
    events = []
    if results:
        events += [("h", 1, rng.choice(("KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH GIAI ĐOẠN 2016 - 2020",
                                        "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN CÁC NỘI DUNG CỦA CHƯƠNG TRÌNH")))] + results
    general = _section_items(chosen, "1.9")
    if general:
        events += [("h", 1, "TỒN TẠI, KHÓ KHĂN VÀ BÀI HỌC KINH NGHIỆM")] + [("p", i) for i in general]
    forecast = _section_items(chosen, "1.10")
    if forecast:
        events += [("h", 1, "DỰ BÁO TÌNH HÌNH VÀ PHƯƠNG HƯỚNG GIAI ĐOẠN 2021 - 2025")] + [("p", i) for i in forecast]
    return events, "nested"


def _part(title: str, body: list) -> list:
    return [("h", 1, title)] + body if body else []


def _sub(title: str, items: list[_Item]) -> list:
    return [("h", 2, title)] + [("p", i) for i in items] if items else []


def _outline_b(chosen, rng) -> tuple[list, str]:
    lessons_lead = _lead_ins(chosen, ("bài học",))
    proposals_lead = _lead_ins(chosen, ("kiến nghị", "đề xuất", "đề nghị"))
    results = [e for area in AREAS[:8] for e in _area_block(chosen, area, 2, rng, False, ("khac", "ket_qua"))]
    shortcomings = [i for a in AREAS[:9] for i in chosen.get((a, "ton_tai"), [])]
    causes = [i for a in AREAS[:9] for i in chosen.get((a, "nguyen_nhan"), [])]
    general = [("p", i) for i in chosen.get(("1.9", "khac"), [])]
    lessons = lessons_lead + chosen.get(("1.9", "ket_qua"), [])
    forecast = _section_items(chosen, "1.10", ("khac", "nguyen_nhan", "ket_qua", "ton_tai"))
    tasks = chosen.get(("1.10", "de_xuat"), [])
    proposals = proposals_lead + [i for a in AREAS[:9] for i in chosen.get((a, "de_xuat"), [])]
    future = _sub("Dự báo tình hình", forecast) + _sub("Nhiệm vụ, giải pháp chủ yếu", tasks) \
        if forecast and tasks else [("p", i) for i in forecast + tasks]
    events = (
        _part(rng.choice(("KẾT QUẢ ĐẠT ĐƯỢC", "KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH")), results)
        + _part("TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
                general + _sub("Tồn tại, hạn chế", shortcomings) + _sub("Nguyên nhân", causes))
        + _part("BÀI HỌC KINH NGHIỆM", [("p", i) for i in lessons])
        + _part("PHƯƠNG HƯỚNG, NHIỆM VỤ GIAI ĐOẠN 2021 - 2025", future)
        + _part(rng.choice(("ĐỀ XUẤT, KIẾN NGHỊ", "KIẾN NGHỊ")), [("p", i) for i in proposals])
    )
    return events, "roman"


def _outline_c(chosen, rng) -> tuple[list, str]:
    proposals_lead = _lead_ins(chosen, ("kiến nghị", "đề xuất", "đề nghị"))
    results = [e for area in AREAS[:8]
               for e in _area_block(chosen, area, 2, rng, False, ("khac", "ket_qua", "ton_tai"))]
    general = [("p", i) for i in chosen.get(("1.9", "khac"), [])]
    strengths = chosen.get(("1.9", "ket_qua"), [])
    weaknesses = chosen.get(("1.9", "ton_tai"), [])
    causes = [i for a in AREAS[:9] for i in chosen.get((a, "nguyen_nhan"), [])]
    forecast = _section_items(chosen, "1.10", ("khac", "nguyen_nhan", "ket_qua", "ton_tai"))
    tasks = chosen.get(("1.10", "de_xuat"), [])
    proposals = proposals_lead + [i for a in AREAS[:9] for i in chosen.get((a, "de_xuat"), [])]
    events = (
        _part("TÌNH HÌNH VÀ KẾT QUẢ THỰC HIỆN", results)
        + _part("ĐÁNH GIÁ CHUNG", general + _sub("Ưu điểm", strengths) + _sub("Hạn chế", weaknesses)
                + _sub("Nguyên nhân", causes))
        + _part("PHƯƠNG HƯỚNG VÀ KIẾN NGHỊ", _sub("Dự báo tình hình", forecast)
                + _sub("Nhiệm vụ, giải pháp", tasks) + _sub("Kiến nghị", proposals))
    )
    return events, "roman"


OUTLINES = {"A1": _outline_a1, "A2": _outline_a2, "B": _outline_b, "C": _outline_c}


def _build_report(plan: ReportPlan, pool: dict, rng: random.Random, opening_extra: str = "") -> BuiltReport:
    areas = [a for a in AREAS if a not in plan.skipped]
    n_target = max(3, plan.pages * 11 - 6)  # about 11 passages fill a page
    chosen = _select(pool, areas, n_target, rng, plan.province.name)
    totals, by_year, table = _attach_figures(chosen, plan, rng, set(areas))
    who = _who(plan)
    fill = {"who": who, "Who": who[0].upper() + who[1:], "where": _where(plan.province)}
    # Legal bases and "… báo cáo như sau:" lines drawn for 1.1 open the report, bases first.
    preamble = [i for i in chosen.get(("1.1", "khac"), []) if i.text.startswith(_PREAMBLE_STARTS)][:2]
    preamble.sort(key=lambda i: i.text.rstrip().endswith("như sau:"))
    chosen[("1.1", "khac")] = [i for i in chosen.get(("1.1", "khac"), []) if i not in preamble]
    opening = _Item(rng.choice(OPENINGS).format(**fill) + opening_extra, "1.1", "khac", None, "generated:opening")
    if preamble and preamble[-1].text.rstrip().endswith("như sau:") and not opening_extra:
        opening = None  # the drawn passage already introduces the body
    closing = _Item(rng.choice(CLOSINGS).format(**fill), "1.9", "khac", None, "generated:closing")
    if pool.get(CLOSING) and rng.random() < 0.4:
        p = rng.choice(pool[CLOSING])
        closing = _Item(p.text, p.area, p.finding, p.area2, p.id)
    drawn = sum(len(items) for items in chosen.values())
    events, scheme = OUTLINES[plan.outline](chosen, rng)
    placed = sum(1 for e in events if e[0] == "p")
    assert placed == drawn, f"outline {plan.outline} lost passages ({placed}/{drawn})"
    events = [("p", i) for i in preamble] + ([("p", opening)] if opening else []) + events + [("p", closing)]

    report = Report(
        issuer=_issuer_lines(plan), number=f"Số: {_doc_number(plan, rng)}", place_date=_place_date(plan),
        title=rng.choice(TITLES).format(where=_where(plan.province)),
        addressee="Kính gửi: Bộ Lao động - Thương binh và Xã hội",
        recipients=_recipients(plan, rng), signature=_signature(plan, rng),
        numbering=plan.numbering, scheme=scheme, signature_table=rng.random() < 0.7,
        number_suffix=rng.choice(("tab", "space")), font_size=rng.choice((13, 14, 14)),
        created=datetime.combine(plan.day, datetime.min.time()).replace(hour=9),
    )
    legacy = {"docx-tcvn3": "tcvn3", "docx-vni": "vni"}.get(plan.variant)
    section_encoding = "unicode"
    items_in_order: list[_Item] = []
    for event in events:
        if event[0] == "h":
            report.body.append(Para(event[2], heading=event[1]))
            if event[1] == 1 and legacy:
                section_encoding = legacy if rng.random() < 0.6 else "unicode"
        elif event[1].table is not None:
            report.body.append(event[1].table)
        else:
            report.body.append(Para(event[1].text, encoding=section_encoding if legacy else "unicode"))
            items_in_order.append(event[1])
    if legacy and not any(isinstance(p, Para) and p.encoding != "unicode" for p in report.body):
        for p in report.body:  # make sure the quirk shows: encode the body's second half
            if isinstance(p, Para) and not p.heading and report.body.index(p) > len(report.body) // 2:
                p.encoding = legacy
    if table is not None and plan.table == "annex":
        report.annex.append(table)
    assign_numbers(report)

    gold_passages = []
    path: list[Para] = []
    for para in report.body:
        if not isinstance(para, Para):
            continue
        if para.heading:
            path = [p for p in path if p.heading < para.heading] + [para]
            continue
        item = items_in_order[len(gold_passages)]
        gold_passages.append(GoldPassage(
            file="", province=plan.province.name, index=len(gold_passages), text=item.text, area=item.area,
            finding=item.finding, area2=item.area2, heading_path=[f"{p.number} {p.text}" for p in path],
            source_id=item.source_id, encoding=para.encoding))
    furniture = {"generated:opening", closing.source_id} | {i.source_id for i in preamble}
    covered = sorted({g.area for g in gold_passages if g.source_id not in furniture}, key=AREAS.index)
    quirks = list(VARIANTS[plan.variant][1])
    if plan.variant in ("pdf", "pdf-scan", "doc"):
        quirks.append("word-numbering" if plan.numbering == "auto" else "typed-numbering")
    gold = GoldDocument(
        file="", province=plan.province.name, issuer=report.issuer, issuer_kind=plan.issuer_kind,
        doc_number=report.number.removeprefix("Số: "), date=plan.day.isoformat(), title=report.title,
        format=VARIANTS[plan.variant][0], variant=plan.variant, quirks=quirks, fault=None,
        outline=plan.outline, numbering=plan.numbering, areas_covered=covered,
        areas_missing=[a for a in AREAS if a not in covered], areas_skipped=plan.skipped,
        figures=totals, figures_by_year=by_year,
        statistics_table=plan.table if table is not None else "none", passages=len(gold_passages),
    )
    return BuiltReport(report, gold, gold_passages, [g.encoding for g in gold_passages])


def _apply_unicode_quirks(report: Report, variant: str, rng: random.Random) -> list[str]:
    """NFD and/or the other tone placement over every string of the document."""
    steps = []
    if variant == "docx-oldtone" or (variant == "docx-nfd" and rng.random() < 0.5):
        steps.append(("old-tone", fmt.to_old_tone))
    if variant == "docx-nfd":
        steps.append(("nfd", fmt.to_nfd))
    for _, fn in steps:
        _map_report(report, fn)
    return [name for name, _ in steps]


def _map_report(report: Report, fn) -> None:
    report.issuer = [fn(s) for s in report.issuer]
    for name in ("number", "place_date", "title", "addressee"):
        setattr(report, name, fn(getattr(report, name)))
    report.recipients = [fn(s) for s in report.recipients]
    report.signature = [fn(s) for s in report.signature]
    for item in [*report.body, *report.annex]:
        if isinstance(item, Para):
            item.text = fn(item.text)
            item.number = fn(item.number) if item.number else item.number
        else:
            item.caption = fn(item.caption)
            item.rows = [[fn(c) for c in row] for row in item.rows]
            item.note = fn(item.note)


# --- the batch ------------------------------------------------------------------------------

def _variant_list(n: int, formats: list[str] | None, rng: random.Random) -> list[str]:
    if formats:
        unknown = [f for f in formats if f not in VARIANTS]
        if unknown:
            raise ReportError(f"định dạng không hỗ trợ: {', '.join(unknown)}",
                              hint=f"chọn trong: {', '.join(VARIANTS)}")
        return [formats[i % len(formats)] for i in range(n)]
    exact = {v: c * n / 63 for v, c in MIX_63.items()}
    counts = {v: int(x) for v, x in exact.items()}
    for v in sorted(exact, key=lambda v: (counts[v] - exact[v], list(MIX_63).index(v)))[: n - sum(counts.values())]:
        counts[v] += 1
    out = [v for v in MIX_63 for _ in range(counts[v])]
    rng.shuffle(out)
    return out


def load_pool(split: str) -> dict[tuple[str, str], list[LabelledPassage]]:
    names = SPLITS if split == "all" else (split,)
    if split != "all" and split not in SPLITS:
        raise ReportError(f"không có tập dữ liệu '{split}'", hint="chọn test, dev, train hoặc all")
    pool: dict[tuple[str, str], list[LabelledPassage]] = defaultdict(list)
    for name in names:
        for p in load_split(name):
            if p.text.startswith("Trên đây") and p.finding == "khac":
                pool[CLOSING].append(p)
            elif not _is_furniture(p):
                pool[(p.area, p.finding)].append(p)
    for cell in pool.values():
        cell.sort(key=lambda p: p.id)
    if not pool:
        raise ReportError(f"tập '{split}' không có đoạn văn nào", hint="chạy python -m corpus.make_splits")
    return pool


_PREAMBLE_STARTS = ("Căn cứ", "Thực hiện", "Phúc đáp", "Theo đề nghị")
CLOSING = ("closing", "khac")  # pool key of "Trên đây là báo cáo …" passages
_NUMBERED_HEADING_RE = re.compile(r"^(?:[IVX]+\.|\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\))\s")
_FURNITURE_STARTS = ("Nơi nhận", "Kính gửi", "TM.", "KT.", "Số:", "- Lưu", "- Như trên")


def _is_furniture(p: LabelledPassage) -> bool:
    """Labelled header/signature/recipient lines and bare headings: they have their
    own place in a report and would look absurd as body paragraphs."""
    text = p.text.strip()
    if text.startswith(_FURNITURE_STARTS) or text.upper() == text:
        return True
    if _NUMBERED_HEADING_RE.match(text) and not text.endswith((".", ";")):
        return True  # "5. Kết quả thực hiện các mô hình …": a heading, not a paragraph
    if p.finding != "khac":
        return False
    return (len(text) < 60 and not text.endswith((".", ":", ";"))) or (text.startswith("- ") and len(text) < 70)


def _file_name(plan: ReportPlan, rng: random.Random, ext: str, taken: set[str]) -> str:
    slug = plan.province.slug
    patterns = (f"{slug}-bc-tong-ket-pcmd-2016-2020", f"BC-{plan.number}-{slug}",
                f"{slug}_bao-cao-{plan.number}", f"bao-cao-so-{plan.number}-tong-ket-chuong-trinh")
    stem = rng.choices(patterns, weights=(4, 3, 3, 1))[0]
    name, k = f"{stem}.{ext}", 2
    while name in taken:
        name, k = f"{stem}-{k}.{ext}", k + 1
    taken.add(name)
    return name


def _prepare_out_dir(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.json"
    if manifest.exists():
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
            for entry in old.get("files", []):
                (out / entry["file"]).unlink(missing_ok=True)
        except (ValueError, KeyError, TypeError):
            raise ReportError("manifest.json cũ bị hỏng", str(manifest), "xóa thư mục đích rồi chạy lại")
        shutil.rmtree(out / "gold", ignore_errors=True)
        manifest.unlink()
    elif any(out.iterdir()):
        raise ReportError("thư mục đích đã có tệp khác", str(out), "chọn một thư mục trống")


def plan_batch(seed: int, provinces: int, pool: dict, formats: list[str] | None = None,
               size: str = "normal") -> tuple[list[tuple[ReportPlan, BuiltReport]], set[str]]:
    """Decide every report (province, format, outline, passages, figures) without writing."""
    from pipeline.provinces import PROVINCES

    if not 1 <= provinces <= len(PROVINCES):
        raise ReportError(f"số tỉnh phải từ 1 đến {len(PROVINCES)}")
    rng = random.Random(f"batch:{seed}")
    chosen = list(PROVINCES) if provinces == len(PROVINCES) else \
        [PROVINCES[i] for i in sorted(rng.sample(range(len(PROVINCES)), provinces))]
    variants = _variant_list(provinces, formats, rng)
    built: list[tuple[ReportPlan, BuiltReport]] = []
    taken: set[str] = set()
    for province, variant in zip(chosen, variants):
        prng = random.Random(f"{seed}:{province.slug}")
        plan = _choose_plan(province, variant, prng, size)
        plan.file = _file_name(plan, prng, EXTENSIONS[VARIANTS[variant][0]], taken)
        built.append((plan, _build_report(plan, pool, prng)))
    return built, taken


def build_batch(out_dir, seed: int = 0, provinces: int = 63, split: str = "test",
                formats: list[str] | None = None, faults: bool = True, size: str = "normal") -> Manifest:
    """Write the batch, its gold and manifest.json into out_dir; returns the manifest."""
    started = time.monotonic()
    out = Path(out_dir)
    pool = load_pool(split)
    built, taken = plan_batch(seed, provinces, pool, formats, size)
    _prepare_out_dir(out)
    manifest = Manifest(seed=seed, split=split, provinces=provinces)
    documents: list[GoldDocument] = []
    passages: list[GoldPassage] = []
    with tempfile.TemporaryDirectory(prefix="tongket-build-") as tmp:
        staging = Path(tmp)
        to_pdf, to_doc, scans = [], [], []
        for plan, b in built:
            prng = random.Random(f"{seed}:{plan.province.slug}:write")
            if plan.variant in ("docx-nfd", "docx-oldtone"):
                applied = _apply_unicode_quirks(b.report, plan.variant, prng)
                b.gold.quirks += [q for q in applied if q not in b.gold.quirks]
            stem = Path(plan.file).stem
            if VARIANTS[plan.variant][0] == "docx":
                write_docx(b.report, out / plan.file)
            else:
                src = staging / "src" / f"{stem}.docx"
                src.parent.mkdir(exist_ok=True)
                write_docx(b.report, src)
                (to_doc if plan.variant == "doc" else to_pdf).append(src)
                if plan.variant == "pdf-scan":
                    scans.append((plan, b))
        extra = _faults(built, pool, seed, out, taken, staging) if faults else []
        _convert(to_pdf, to_doc, scans, staging, out, seed)
        for plan, b in built:
            b.gold.file = plan.file
            b.gold.supersedes = plan.supersedes
            if b.gold.format in ("pdf", "pdf-ocr"):
                b.gold.pages = _pdf_pages(out / plan.file)
            for p in b.passages:
                p.file = plan.file
            documents.append(b.gold)
            passages.extend(b.passages)
            manifest.files.append(ManifestEntry(
                file=plan.file, format=b.gold.format, variant=plan.variant, quirks=b.gold.quirks,
                province=plan.province.name, fault="duplicate" if plan.supersedes else None,
                byte_identical=b.gold.format != "pdf", note=plan.note))
        for entry, gold, gold_passages in extra:
            manifest.files.append(entry)
            if gold is not None:
                documents.append(gold)
                passages.extend(gold_passages)
    manifest.files.sort(key=lambda e: e.file)
    _write_gold(out, manifest, documents, passages)
    manifest.seconds = time.monotonic() - started
    return manifest


def _convert(to_pdf, to_doc, scans, staging: Path, out: Path, seed: int) -> None:
    """LibreOffice once per target (both at the same time), then the scans."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(fmt.soffice_convert, to_pdf, "pdf", staging / "pdf", profile="pdf"),
                pool.submit(fmt.soffice_convert, to_doc, "doc", staging / "doc", profile="doc")]
        for job in jobs:
            job.result()
    scan_stems = {Path(plan.file).stem for plan, _ in scans}
    for src in to_pdf:
        if src.stem not in scan_stems:
            shutil.copyfile(staging / "pdf" / f"{src.stem}.pdf", out / f"{src.stem}.pdf")
    for src in to_doc:
        shutil.copyfile(staging / "doc" / f"{src.stem}.doc", out / f"{src.stem}.doc")
    for plan, _ in scans:
        prng = random.Random(f"{seed}:{plan.province.slug}:scan")
        fmt.make_scan(staging / "pdf" / f"{Path(plan.file).stem}.pdf", out / plan.file, prng,
                      dpi=prng.choice((150, 170, 200)),
                      stamp=datetime.combine(plan.day, datetime.min.time()))


def _pdf_pages(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


# --- faults -------------------------------------------------------------------------------

_INVITATION = (
    ["UBND TỈNH {P}", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"],
    "GIẤY MỜI",
    "Dự Hội nghị tập huấn nghiệp vụ quản lý đối tượng bảo trợ xã hội năm 2020",
    [
        "Sở Lao động - Thương binh và Xã hội trân trọng kính mời đại diện lãnh đạo Phòng Lao động - Thương binh "
        "và Xã hội các huyện, thị xã, thành phố tham dự Hội nghị tập huấn nghiệp vụ quản lý đối tượng bảo trợ xã hội.",
        "Thời gian: 01 buổi, bắt đầu lúc 7 giờ 30 phút, thứ Năm, ngày 20 tháng 8 năm 2020.",
        "Địa điểm: Hội trường tầng 3, trụ sở Sở Lao động - Thương binh và Xã hội.",
        "Đề nghị các đơn vị cử người tham dự đúng thành phần, đúng giờ; tài liệu do Ban tổ chức cung cấp tại hội nghị.",
    ],
)
_MEMO = [
    "MEMORANDUM",
    "To: All staff, Provincial Project Office",
    "From: Administration Unit",
    "Subject: Office relocation schedule",
    "The project office will move to the second floor of the annex building during the week of 14 September. "
    "Please pack personal items and label every box with your name and room number before Friday.",
    "IT support will disconnect desktop computers on Thursday afternoon; laptops should be taken home overnight.",
    "Thank you for your cooperation.",
]


def _simple_docx(path: Path, lines: list[str], created: datetime) -> None:
    from docx import Document

    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.core_properties.created = doc.core_properties.modified = doc.core_properties.last_printed = created
    doc.core_properties.author = doc.core_properties.last_modified_by = "Văn thư"
    doc.core_properties.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(stable_zip(buffer.getvalue()))


def _faults(built, pool, seed: int, out: Path, taken: set[str], staging: Path) -> list:
    """Empty file, truncated docx, a second (later) report from one province, non-reports."""
    rng = random.Random(f"faults:{seed}")
    extra = []
    # A later report replacing an earlier one from the same province.
    plan0, b0 = rng.choice([pb for pb in built if VARIANTS[pb[0].variant][0] == "docx"] or built)
    prng = random.Random(f"{seed}:{plan0.province.slug}:second")
    plan = ReportPlan(**{**plan0.__dict__})
    plan.variant, plan.numbering = "docx-typed", "typed"
    plan.number = plan0.number + prng.randint(8, 40)
    plan.day = plan0.day + timedelta(days=prng.randint(10, 35))
    plan.supersedes = plan0.file
    plan.note = f"báo cáo thứ hai của cùng tỉnh, thay thế {plan0.file}"
    old_number = b0.gold.doc_number
    extra_text = (f" Báo cáo này thay thế Báo cáo số {old_number} ngày {plan0.day.day:02d}/{plan0.day.month}/2020 "
                  "do bổ sung, điều chỉnh một số nội dung.")
    plan.file = _file_name(plan, prng, "docx", taken).replace(".docx", "-thay-the.docx")
    taken.add(plan.file)
    second = _build_report(plan, pool, prng, opening_extra=extra_text)
    write_docx(second.report, out / plan.file)
    built.append((plan, second))

    # A truncated copy of a report (download cut short).
    plan1, b1 = rng.choice(built[:-1])
    corrupt_name = f"{plan1.province.slug}-bao-cao-tong-ket (1).docx"
    whole = staging / "whole.docx"
    write_docx(b1.report, whole)
    data = whole.read_bytes()
    (out / corrupt_name).write_bytes(data[: len(data) * 2 // 5])
    extra.append((ManifestEntry(corrupt_name, "docx", "docx-typed", ["truncated"], plan1.province.name, "corrupt",
                                True, True, "tệp docx bị cắt cụt, không mở được"), None, []))
    # An empty file.
    (out / "bao-cao-tong-ket-pcmd.pdf").write_bytes(b"")
    extra.append((ManifestEntry("bao-cao-tong-ket-pcmd.pdf", "pdf", "pdf", ["empty"], None, "empty", True, True,
                                "tệp rỗng (0 byte)"), None, []))
    # Files that are not reports.
    p2 = rng.choice(built[:-1])[0]
    header, title, subject, body = _INVITATION
    bare = p2.province.name.removeprefix("TP. ").upper()
    lines = [h.format(P=bare) for h in header] + [title, subject] + body
    _simple_docx(out / "giay-moi-tap-huan.docx", lines, datetime(2020, 8, 12, 9))
    extra.append((ManifestEntry("giay-moi-tap-huan.docx", "docx", "docx-typed", ["not-a-report"], p2.province.name,
                                "not-a-report", False, True, "giấy mời hội nghị, không phải báo cáo"), None, []))
    _simple_docx(out / "memo-office-move.docx", _MEMO, datetime(2020, 9, 1, 9))
    extra.append((ManifestEntry("memo-office-move.docx", "docx", "docx-typed", ["not-a-report", "english"], None,
                                "not-a-report", False, True, "English memo, not a report"), None, []))
    return extra


# --- gold ---------------------------------------------------------------------------------

def _write_gold(out: Path, manifest: Manifest, documents: list[GoldDocument], passages: list[GoldPassage]) -> None:
    gold = out / "gold"
    gold.mkdir(exist_ok=True)
    documents = sorted(documents, key=lambda d: d.file)
    passages = sorted(passages, key=lambda p: (p.file, p.index))
    (gold / "documents.json").write_text(
        json.dumps([asdict(d) for d in documents], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (gold / "passages.jsonl").write_text(
        "".join(json.dumps(asdict(p), ensure_ascii=False) + "\n" for p in passages), encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")


def build_samples(out_dir: Path = SAMPLES_DIR, seed: int = 2020, gold_file: Path = SAMPLES_GOLD) -> Manifest:
    """The small committed set: one short report per format and quirk, gold in samples-gold.json."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="tongket-samples-") as tmp:
        manifest = build_batch(Path(tmp) / "b", seed=seed, provinces=len(SAMPLE_FORMATS), split="test",
                               formats=SAMPLE_FORMATS, faults=False, size="small")
        out_dir.mkdir(parents=True, exist_ok=True)
        old = Path(gold_file)
        if old.exists():
            for entry in json.loads(old.read_text(encoding="utf-8")).get("manifest", {}).get("files", []):
                (out_dir / entry["file"]).unlink(missing_ok=True)
        for entry in manifest.files:
            shutil.copyfile(Path(tmp) / "b" / entry.file, out_dir / entry.file)
        gold_dir = Path(tmp) / "b" / "gold"
        data = {
            "manifest": manifest.to_dict(),
            "documents": json.loads((gold_dir / "documents.json").read_text(encoding="utf-8")),
            "passages": [json.loads(line) for line in
                         (gold_dir / "passages.jsonl").read_text(encoding="utf-8").splitlines()],
        }
        old.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    m = build_samples()
    print(f"Đã dựng {len(m.files)} tệp mẫu trong {SAMPLES_DIR} ({m.seconds:.1f} giây)")
