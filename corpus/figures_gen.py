"""Province-specific key figures for a generated report, consistent everywhere.

One `ProvinceFigures` holds the yearly values 2016…2020 of the six key figures;
the sentences that quote them and the statistics table rows are both derived
from it, so the text, the table's "Tổng cộng" row and the gold always agree.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

YEARS = (2016, 2017, 2018, 2019, 2020)

# key -> (area the sentence belongs to, table column header)
FIGURE_KEYS = {
    "establishments_inspected": ("1.4", "Số lượt cơ sở được kiểm tra"),
    "violations": ("1.4", "Số cơ sở vi phạm"),
    "fines": ("1.4", "Tiền xử phạt (triệu đồng)"),
    "cases_prosecuted": ("1.4", "Số vụ khởi tố"),
    "people_supported": ("1.5", "Số lượt người được hỗ trợ"),
    "budget": ("1.7", "Kinh phí (triệu đồng)"),
}


def format_vn(value: int) -> str:
    """Vietnamese thousands separator: 12345 -> "12.345"."""
    return f"{value:,}".replace(",", ".")


@dataclass
class ProvinceFigures:
    """Yearly values per key; totals are always the exact sums."""

    yearly: dict[str, dict[int, int]] = field(default_factory=dict)

    def total(self, key: str) -> int:
        return sum(self.yearly[key].values())

    def totals(self) -> dict[str, int]:
        return {key: self.total(key) for key in self.yearly}


def generate_figures(rng: random.Random, big_city: bool) -> ProvinceFigures:
    """Plausible yearly figures; centrally-run cities get larger volumes."""
    scale = rng.uniform(2.5, 4.0) if big_city else rng.uniform(0.5, 1.6)
    yearly: dict[str, dict[int, int]] = {k: {} for k in FIGURE_KEYS}
    for year in YEARS:
        inspected = int(rng.randint(60, 420) * scale)
        violations = max(1, int(inspected * rng.uniform(0.06, 0.22)))
        yearly["establishments_inspected"][year] = inspected
        yearly["violations"][year] = violations
        yearly["fines"][year] = max(1, int(violations * rng.uniform(2.5, 9.0)))
        yearly["cases_prosecuted"][year] = max(0, int(rng.randint(1, 14) * scale))
        yearly["people_supported"][year] = int(rng.randint(15, 260) * scale)
        yearly["budget"][year] = int(rng.randint(120, 900) * scale)
    return ProvinceFigures(yearly)


# Several phrasings per group, chosen per province; {x} fields are formatted totals.
_INSPECTION = (
    "Giai đoạn 2016 - 2020, các đoàn kiểm tra liên ngành của tỉnh và các huyện đã kiểm tra "
    "{establishments_inspected} lượt cơ sở kinh doanh dịch vụ, phát hiện {violations} cơ sở vi phạm, "
    "xử phạt hành chính tổng số tiền {fines} triệu đồng.",
    "Trong 05 năm, lực lượng liên ngành tiến hành {establishments_inspected} lượt kiểm tra đối với "
    "các cơ sở lưu trú, karaoke, xoa bóp; qua đó xử lý {violations} cơ sở có sai phạm, "
    "nộp ngân sách {fines} triệu đồng tiền phạt.",
    "Tổng cộng cả giai đoạn đã tổ chức kiểm tra {establishments_inspected} lượt cơ sở kinh doanh "
    "dịch vụ dễ phát sinh tệ nạn mại dâm; lập biên bản, xử phạt {violations} cơ sở vi phạm "
    "với số tiền {fines} triệu đồng (chi tiết tại biểu thống kê).",
    "Kết quả, từ năm 2016 đến năm 2020, Đội kiểm tra liên ngành các cấp đã kiểm tra "
    "{establishments_inspected} lượt cơ sở, trong đó {violations} cơ sở bị xử phạt vi phạm "
    "hành chính, thu {fines} triệu đồng.",
)
_PROSECUTION = (
    "Cơ quan điều tra hai cấp đã khởi tố {cases_prosecuted} vụ án liên quan đến hoạt động "
    "mua dâm, bán dâm, chứa và môi giới mại dâm trong giai đoạn 2016 - 2020.",
    "Lực lượng Công an tỉnh phát hiện, triệt phá các ổ nhóm chứa, môi giới mại dâm, "
    "khởi tố {cases_prosecuted} vụ; Viện kiểm sát và Tòa án các cấp đã truy tố, xét xử kịp thời.",
    "Trong giai đoạn, toàn tỉnh khởi tố {cases_prosecuted} vụ án hình sự về tội chứa mại dâm "
    "và môi giới mại dâm, góp phần răn đe, phòng ngừa chung.",
)
_SUPPORT = (
    "Thông qua các mô hình hỗ trợ, tổng số {people_supported} lượt người bán dâm đã được tư vấn, "
    "khám chữa bệnh, học nghề hoặc vay vốn tạo việc làm.",
    "Giai đoạn 2016 - 2020, các điểm tư vấn và nhóm hỗ trợ tại cộng đồng đã tiếp cận, hỗ trợ "
    "{people_supported} lượt người bán dâm về y tế, pháp lý và sinh kế.",
    "Tổng cộng {people_supported} lượt người bán dâm được hưởng lợi từ các hoạt động hỗ trợ "
    "xã hội, giảm tác hại và hòa nhập cộng đồng của tỉnh.",
)
_BUDGET = (
    "Tổng kinh phí bố trí cho công tác phòng, chống mại dâm giai đoạn 2016 - 2020 là "
    "{budget} triệu đồng, chủ yếu từ ngân sách địa phương.",
    "Trong 05 năm, ngân sách tỉnh và nguồn Trung ương hỗ trợ đã cấp {budget} triệu đồng cho "
    "các hoạt động của Chương trình.",
    "Kinh phí thực hiện Chương trình cả giai đoạn đạt {budget} triệu đồng, được phân bổ cho "
    "tuyên truyền, kiểm tra liên ngành và duy trì các mô hình hỗ trợ.",
)

# Each sentence group: the keys it quotes, its area, its phrasings.
SENTENCE_GROUPS = (
    (("establishments_inspected", "violations", "fines"), "1.4", _INSPECTION),
    (("cases_prosecuted",), "1.4", _PROSECUTION),
    (("people_supported",), "1.5", _SUPPORT),
    (("budget",), "1.7", _BUDGET),
)


@dataclass
class FigureSentence:
    text: str
    area: str
    keys: tuple[str, ...]


def figure_sentences(figures: ProvinceFigures, rng: random.Random, areas: set[str]) -> list[FigureSentence]:
    """One generated sentence per group whose area the report covers."""
    values = {k: format_vn(v) for k, v in figures.totals().items()}
    out = []
    for keys, area, phrasings in SENTENCE_GROUPS:
        choice = rng.choice(phrasings)
        if area in areas:
            out.append(FigureSentence(choice.format(**values), area, keys))
    return out


def statistics_rows(figures: ProvinceFigures, keys: list[str]) -> list[list[str]]:
    """Header row, one row per year, and the "Tổng cộng" row (exact sums)."""
    rows = [["Năm"] + [FIGURE_KEYS[k][1] for k in keys]]
    for year in YEARS:
        rows.append([str(year)] + [format_vn(figures.yearly[k][year]) for k in keys])
    rows.append(["Tổng cộng"] + [format_vn(figures.total(k)) for k in keys])
    return rows
