"""The national first draft: workspace → ``Draft`` → Word (with source comments) and a preview.

``prepare`` builds the model: editors' corrections applied (``ws.effective_labels``), one report
per province (the newest, ``synthesize.select_reports``), statements grouped across provinces
(``synthesize``), figures read, chosen and checked (``figures``).

``write_draft`` renders it in two passes, so editors can restyle the Word template freely:

1. docxtpl renders the template's fixed parts (``templates/bao-cao-tong-ket.docx``, built by
   ``templates/make_template.py``): header block, number and date, title, the annex tables
   (figures per province and national totals, reporting provinces, sources) and the coverage
   heatmap. The template's ``{{ noi_dung }}`` paragraph becomes a marker.
2. python-docx inserts the body at the marker — the section texts come from the Jinja2 files
   ``templates/*.j2`` (opening, area openings, group sentences, examples, closing) — and anchors a
   Word comment naming the sources (province, file, page, paragraph, excerpt) on every drafted
   statement and on every figure of the annex table (found by its alt-text title
   ``tongket:so-lieu``).

Both Jinja environments are sandboxed with ``StrictUndefined``; a template that does not render
raises ``TemplateError`` naming the file and line (for the Word template: the paragraph number
and its text). Output goes to a temporary file first, then ``os.replace``.

Body layout: I. results per area 1.1 … 1.10, each with a) results, b) shortcomings, c) causes,
d) proposals (those present); II. lessons (statements about "bài học", moved from wherever
they were classified); III. forecast and 2021-2025 tasks (area 1.10's context and proposals);
IV. recommendations (area 1.9's proposals). A statement is written in one place only.
"""
from __future__ import annotations

import html
import io
import re
import struct
import traceback
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from docx.oxml.ns import nsdecls, qn

from .errors import TemplateError
from .figures import KEY_BY_NAME, KEYS, TextSentence, format_number, national_totals, summarise
from .memo import Memo
from .model import Document, Draft, FindingGroup, Source
from .synthesize import (UNKNOWN_PROVINCE, end_sentence, group_statements, lower_first, select_reports,
                         sentence_key, statements)
from .taxonomy import Taxonomy, load_taxonomy

WORD_TEMPLATE = "bao-cao-tong-ket.docx"
SECTION_TEXTS = ("mo-dau.j2", "linh-vuc.j2", "nhom.j2", "vi-du.j2", "ngoai-ra.j2", "ket-luan.j2")
BODY_MARKER = "[[tongket:noi-dung]]"
FIGURES_TABLE = "tongket:so-lieu"
AUTHOR, INITIALS = "tongket", "TK"
TOTAL_PROVINCES = 63
MAX_SINGLES = 5  # single-province statements quoted per sub-section; the rest are summarised
PART_ONE_FINDINGS = ("ket_qua", "ton_tai", "nguyen_nhan", "de_xuat")
LETTERS = "abcdefghik"

# Paragraph kinds of the body and the Word styles they use (with a fallback for user templates).
# BODY: drafted from the reports (always with a source comment); FRAME: the templates' own
# framing text (opening, closing); NOTE: an editorial note ("see part III").
H1, H2, H3, BODY, FRAME, NOTE = "h1", "h2", "h3", "body", "frame", "note"
STYLES = {H1: "Heading 1", H2: "Heading 2", H3: "Heading 3", BODY: "TK Nội dung", FRAME: "Normal",
          NOTE: "TK Ghi chú"}

_LESSON_RE = re.compile(r"bai hoc|kinh nghiem cho thay|o dau .{0,80} thi o do")


@dataclass
class Part:
    """A piece of a paragraph; with sources it carries one Word comment."""

    text: str
    sources: list[Source] = field(default_factory=list)
    title: str = ""  # first line of the comment


@dataclass
class Para:
    kind: str
    parts: list[Part]

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts if p.text)


@dataclass
class ReportInfo:
    province: str
    file: str
    sha256: str
    doc_number: str | None = None
    date: str | None = None
    used: bool = True
    why_unused: str = ""
    cited: list[Source] = field(default_factory=list)


@dataclass
class Prepared:
    """The draft model plus what the annexes need."""

    draft: Draft
    reports: list[ReportInfo]
    taxonomy: Taxonomy
    flagged: set[tuple[str, str]] = field(default_factory=set)


# --- model ----------------------------------------------------------------------------------

def _province_order() -> dict[str, int]:
    from .provinces import PROVINCES

    return {p.name: i for i, p in enumerate(PROVINCES)}


def prepare(ws, taxonomy: Taxonomy | None = None, memo=None, chosen: set[str] | None = None) -> Prepared:
    """Read the workspace and build the draft model. ``memo`` (a ``memo.Memo(ws)``: the sentences'
    word features and figures of earlier runs) collects what a writable caller keeps for the next run;
    ``chosen`` are the reports marked in gan-tinh.xlsx when the caller has read it already."""
    from .provinces import PROVINCES

    tax = taxonomy or load_taxonomy()
    pairs = ws.effective_labels()
    shas = {p.doc_sha256 for p, _ in pairs}
    files = [f for f in ws.files() if f.status == "ok"]
    shas |= {f.sha256 for f in files if f.sha256}
    documents: dict[str, Document] = {}
    for sha in sorted(shas):
        doc = ws.cached_document(sha)
        if doc is not None:
            documents[sha] = doc
    names = {sha: Path(d.source).name for sha, d in documents.items()}
    for p, _ in pairs:
        names.setdefault(p.doc_sha256, p.source)
    dates = {sha: d.metadata.date for sha, d in documents.items()}
    from .run import current_reports

    kept_pairs, notes = select_reports(pairs, dates, names, preferred=current_reports(ws, chosen))
    kept_shas = {p.doc_sha256 for p, _ in kept_pairs}

    items = statements(kept_pairs)
    memo = memo if memo is not None else Memo(ws)
    sections = group_statements(items, memo=memo)
    copied = copied_sentences(items)
    sentences = [TextSentence(s.text, s.province, s.finding, s.source, shared=sentence_key(s.text) in copied)
                 for s in items]
    report_of = {}
    for p, _ in kept_pairs:
        if p.province and p.doc_sha256 in documents:
            report_of[p.province] = documents[p.doc_sha256]
    summary = summarise(sentences, report_of, memo)

    rank = _province_order()
    reporting = {p.province for p, _ in pairs if p.province}
    reporting |= {f.province for f in files if f.province}
    reporting = sorted((r for r in reporting if r in rank), key=rank.get)
    draft = Draft(sections=sections, figures=summary.period_figures(), provinces_reporting=reporting,
                  provinces_missing=[p.name for p in PROVINCES if p.name not in reporting],
                  warnings=notes + summary.warnings)

    reports: dict[str, ReportInfo] = {}
    province_of_sha = {p.doc_sha256: p.province for p, _ in pairs}
    for f in files:
        if f.sha256:
            province_of_sha.setdefault(f.sha256, f.province)
    kept_provinces = {p.province for p, _ in kept_pairs}
    for sha in sorted(set(province_of_sha)):
        doc = documents.get(sha)
        province = province_of_sha[sha]
        used = sha in kept_shas
        why = "" if used else ("đã có báo cáo mới hơn" if province in kept_provinces else
                               "không có đoạn nào được dùng (đã loại bỏ hoặc chưa phân loại)")
        reports[sha] = ReportInfo(
            province=province or UNKNOWN_PROVINCE, file=names.get(sha, sha[:12]), sha256=sha,
            doc_number=doc.metadata.doc_number if doc else None, date=dates.get(sha), used=used, why_unused=why)
    passage_doc = {p.id: p.doc_sha256 for p, _ in kept_pairs}
    for group in _all_groups(sections):
        for s in group.sources + group.examples:
            sha = passage_doc.get(s.passage_id)
            if sha in reports:
                reports[sha].cited.append(s)
    ordered = sorted(reports.values(), key=lambda r: (rank.get(r.province, 99), r.province, r.file))
    return Prepared(draft, ordered, tax, summary.flagged)


def copied_sentences(items) -> set[str]:
    """Keys of sentences copied between reports: written word for word, figures included, by two or
    more provinces, and never with other figures (a shared phrasing with each province's own
    figures is a template, not a copy)."""
    provinces: dict[str, set[str]] = defaultdict(set)
    variants: dict[str, set[str]] = defaultdict(set)
    for s in items:
        key = sentence_key(s.text)
        provinces[key].add(s.province)
        variants[re.sub(r"\d+", "#", key)].add(key)
    return {key for key, names in provinces.items()
            if len(names) > 1 and len(variants[re.sub(r"\d+", "#", key)]) == 1}


def _all_groups(sections) -> list[FindingGroup]:
    return [g for by_finding in sections.values() for groups in by_finding.values() for g in groups]


# --- section texts (Jinja2) -----------------------------------------------------------------

def _template_dir() -> Path:
    import templates

    return Path(templates.__file__).resolve().parent


def _friendly(exc: Exception) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, TemplateSyntaxError):
        return f"lỗi cú pháp Jinja ({message})"
    if isinstance(exc, UndefinedError):
        m = re.search(r"'([^']+)' is undefined", message) or re.search(r"has no attribute '([^']+)'", message)
        return f"biến «{m.group(1)}» không có trong dữ liệu của mẫu" if m else f"biến không xác định ({message})"
    if isinstance(exc, SecurityError):
        return f"mẫu dùng thao tác không được phép trong môi trường an toàn ({message})"
    return f"mẫu không hiển thị được ({type(exc).__name__}: {message})"


def _error_line(exc: Exception, filename: str) -> int | None:
    line = getattr(exc, "lineno", None)
    if line:
        return line
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == filename:
            return frame.lineno
    return None


class SectionTexts:
    """The ``*.j2`` section texts: the user's folder first, then the defaults."""

    def __init__(self, override_dir: Path | None = None):
        from jinja2 import FileSystemLoader, StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        search = ([str(override_dir)] if override_dir else []) + [str(_template_dir())]
        self.env = SandboxedEnvironment(loader=FileSystemLoader(search), undefined=StrictUndefined,
                                        autoescape=False, trim_blocks=True, lstrip_blocks=True)
        self.env.filters["so"] = format_number  # {{ 1234 | so }} -> "1.234"
        self._cache = {}

    def render(self, name: str, **context) -> list[str]:
        """The template's paragraphs (separated by blank lines), whitespace collapsed."""
        from jinja2 import TemplateError as JinjaError

        try:
            template = self._cache.get(name) or self.env.get_template(name)
            self._cache[name] = template
            text = template.render(**context)
        except JinjaError as exc:
            path = getattr(exc, "filename", None) or self._path(name)
            line = _error_line(exc, path)
            where = f"{path}, dòng {line}" if line else path
            raise TemplateError(_friendly(exc), where, "các biến dùng được: " + ", ".join(sorted(context)))
        except Exception as exc:  # a filter applied to the wrong type, a division by zero…
            path = self._path(name)
            line = _error_line(exc, path)
            where = f"{path}, dòng {line}" if line else path
            raise TemplateError(_friendly(exc), where)
        paragraphs = [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", text)]
        return [p for p in paragraphs if p]

    def _path(self, name: str) -> str:
        try:
            return self.env.loader.get_source(self.env, name)[1]
        except Exception:
            return name


# --- body -----------------------------------------------------------------------------------

def source_line(s: Source) -> str:
    place = ", ".join(x for x in (f"trang {s.page}" if s.page else "", f"đoạn {s.paragraph}" if s.paragraph else "")
                      if x)
    return f"{s.province} — {s.file}" + (f", {place}" if place else "") + f": «{s.excerpt}»"


def who(provinces: list[str]) -> str:
    """ "Tỉnh Nghệ An", "Thành phố Đà Nẵng", "3 tỉnh, thành phố: …", "17 tỉnh, thành phố, trong đó có …"."""
    from .provinces import PROVINCES

    kinds = {p.name: p for p in PROVINCES}
    if len(provinces) == 1:
        name = provinces[0]
        p = kinds.get(name)
        if p is None:
            return name
        return f"{p.kind.capitalize()} {name.removeprefix('TP. ')}"
    cities = [p for p in provinces if p in kinds and kinds[p].kind != "tỉnh"]
    listed = (cities + [p for p in provinces if p not in cities])[:5]
    if len(provinces) <= 5:
        return f"{len(provinces)} tỉnh, thành phố: {', '.join(listed)}"
    return f"{len(provinces)} tỉnh, thành phố, trong đó có {', '.join(listed)}, …"


def _group_para(group: FindingGroup, texts: SectionTexts) -> Para:
    rep = group.representative.province if group.representative else group.provinces[0]
    statement = end_sentence(group.statement)
    main = " ".join(texts.render(
        "nhom.j2", noi_dung=statement, noi_dung_thuong=lower_first(statement), so_tinh=len(group.provinces),
        cac_tinh=list(group.provinces), nguon=who(group.provinces), dai_dien=rep,
        so_lieu_rieng=group.local_figures))
    parts = [Part(main, group.sources, f"Nguồn ({len(group.provinces)} tỉnh, thành phố; "
                                       f"{len(group.sources)} trích đoạn):")]
    for example in group.examples:
        text = end_sentence(example.excerpt)
        parts.append(Part(" ".join(texts.render("vi-du.j2", tinh=example.province, noi_dung=text,
                                                noi_dung_thuong=lower_first(text))),
                          [example], "Nguồn của ví dụ:"))
    return Para(BODY, parts)


def _notability(group: FindingGroup) -> tuple:
    words = len(group.statement.split())
    figures = bool(re.search(r"\d", group.statement))
    return (-int(figures), -int(12 <= words <= 60), -len(group.sources))


def _subsection(groups: list[FindingGroup], topic: str, texts: SectionTexts) -> list[Para]:
    multi = [g for g in groups if len(g.provinces) > 1]
    singles = sorted((g for g in groups if len(g.provinces) <= 1), key=_notability)
    shown, rest = singles[:MAX_SINGLES], singles[MAX_SINGLES:]
    paras = [_group_para(g, texts) for g in multi + shown]
    if rest:
        rank = _province_order()
        provinces = sorted({g.provinces[0] for g in rest}, key=lambda p: (rank.get(p, 99), p))
        sources = [s for g in rest for s in g.sources]
        text = " ".join(texts.render("ngoai-ra.j2", so_y_kien=len(rest), so_tinh=len(provinces),
                                     cac_tinh=provinces, muc=topic))
        paras.append(Para(BODY, [Part(text, sources, f"Các ý kiến riêng chưa đưa vào dự thảo ({len(rest)}):")]))
    return paras


def _is_lesson(group: FindingGroup) -> bool:
    from .vietnamese import fold

    return bool(_LESSON_RE.search(fold(group.statement)))


def _route(draft: Draft):
    """Split the groups between part I (per area) and parts II-IV; each group goes to one place.

    Returns part one (area -> finding -> groups), the groups of parts II, III.1, III.2 and IV, and
    for each area the parts some of its groups were moved to.
    """
    part_one: dict[str, dict[str, list[FindingGroup]]] = defaultdict(lambda: defaultdict(list))
    lessons, forecast, tasks, recommendations = [], [], [], []
    moved: dict[str, set[int]] = defaultdict(set)
    for area, by_finding in draft.sections.items():
        for finding, groups in by_finding.items():
            for g in groups:
                if finding != "khac" and _is_lesson(g):
                    lessons.append(g)
                    moved[area].add(2)
                elif area == "1.10" and finding == "khac":
                    forecast.append(g)
                    moved[area].add(3)
                elif area == "1.10" and finding == "de_xuat":
                    tasks.append(g)
                    moved[area].add(3)
                elif area == "1.9" and finding == "de_xuat":
                    recommendations.append(g)
                    moved[area].add(4)
                elif finding in PART_ONE_FINDINGS:
                    part_one[area][finding].append(g)
    order = lambda gs: sorted(gs, key=lambda g: -len(g.provinces))  # noqa: E731 (stable: keeps ties)
    return part_one, order(lessons), order(forecast), order(tasks), order(recommendations), moved


def _roman(n: int) -> str:
    return ["I", "II", "III", "IV", "V", "VI"][n - 1]


def body(prepared: Prepared, texts: SectionTexts) -> list[Para]:
    """Every paragraph of the report body, in order."""
    draft, tax = prepared.draft, prepared.taxonomy
    cycle = tax.cycle
    period = str(cycle.get("id", "2016-2020")).replace("-", " - ")
    next_period = str(cycle.get("next_period", "2021 - 2025"))
    program = str(cycle.get("program", "Chương trình phòng, chống mại dâm giai đoạn 2016 - 2020"))
    used = [r for r in prepared.reports if r.used]
    paras: list[Para] = []
    opening = texts.render("mo-dau.j2", so_tinh_bao_cao=len(draft.provinces_reporting),
                           tong_so_tinh=TOTAL_PROVINCES, so_bao_cao=len(used),
                           so_tinh_chua_bao_cao=len(draft.provinces_missing), chuong_trinh=program,
                           ke_hoach=str(cycle.get("plan", "")), giai_doan_tiep=next_period)
    report_sources = [Source(r.province, r.file, None, 0, f"báo cáo {r.doc_number or ''}".strip()
                             + (f" ngày {_vn_date(r.date)}" if r.date else "")) for r in used]
    for i, text in enumerate(opening):
        if i == 0 and report_sources:
            paras.append(Para(BODY, [Part(text, report_sources,
                                          f"Căn cứ: {len(used)} báo cáo (danh sách tại Phụ lục 2):")]))
        else:
            paras.append(Para(FRAME, [Part(text)]))

    part_one, lessons, forecast, tasks, recommendations, moved = _route(draft)
    findings = {f.code: f for f in tax.findings}
    paras.append(Para(H1, [Part(f"I. KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH GIAI ĐOẠN {period}")]))
    for number, area in enumerate(tax.areas, start=1):
        paras.append(Para(H2, [Part(f"{number}. {area.name}")]))
        short = (area.short or area.name).lower()
        by_finding = part_one.get(area.code, {})
        all_groups = [g for gs in draft.sections.get(area.code, {}).values() for g in gs]
        provinces = {p for g in all_groups for p in g.provinces}
        if all_groups:
            intro = texts.render("linh-vuc.j2", ma=area.code, ten=area.name, ten_ngan=area.short or area.name,
                                 so_tinh=len(provinces), tong_so_tinh=TOTAL_PROVINCES,
                                 so_y_kien=sum(len(g.sources) for g in all_groups))
            counts = Counter(s.province for g in all_groups for s in g.sources)
            rank = _province_order()
            listing = [Source(p, "", None, 0, f"{counts[p]} ý kiến")
                       for p in sorted(counts, key=lambda p: (rank.get(p, 99), p))]
            for text in intro:
                paras.append(Para(BODY, [Part(text, listing, "Các tỉnh, thành phố báo cáo nội dung này:")]))
        letter = 0
        for code in PART_ONE_FINDINGS:
            groups = by_finding.get(code, [])
            if not groups:
                continue
            name = findings[code].name if code in findings else code
            paras.append(Para(H3, [Part(f"{LETTERS[letter]}) {name}")]))
            letter += 1
            paras += _subsection(groups, f"{name.lower()} trong lĩnh vực {short}", texts)
        topics = {2: "bài học kinh nghiệm", 3: f"dự báo tình hình, nhiệm vụ giai đoạn {next_period}",
                  4: "kiến nghị chung"}
        for part in sorted(moved.get(area.code, ())):
            paras.append(_note(f"Các ý kiến về {short} mang tính {topics[part]} được tổng hợp tại "
                               f"Mục {_roman(part)}."))
        if not all_groups:
            paras.append(_note(f"Chưa có tỉnh, thành phố nào báo cáo về {short}."))
        elif not letter and not moved.get(area.code):
            paras.append(_note(f"Các ý kiến về {short} chỉ mô tả tình hình chung, chưa đưa vào dự thảo "
                               "(xem sổ trích đoạn)."))

    paras.append(Para(H1, [Part("II. BÀI HỌC KINH NGHIỆM")]))
    paras += _subsection(lessons, "bài học kinh nghiệm", texts) or [
        _note("Chưa có tỉnh, thành phố nào nêu bài học kinh nghiệm.")]
    paras.append(Para(H1, [Part(f"III. DỰ BÁO TÌNH HÌNH VÀ PHƯƠNG HƯỚNG, NHIỆM VỤ GIAI ĐOẠN {next_period}")]))
    paras.append(Para(H2, [Part("1. Dự báo tình hình")]))
    paras += _subsection(forecast, "dự báo tình hình", texts) or [
        _note("Chưa có tỉnh, thành phố nào nêu dự báo tình hình.")]
    paras.append(Para(H2, [Part("2. Mục tiêu, nhiệm vụ, giải pháp")]))
    paras += _subsection(tasks, f"nhiệm vụ, giải pháp giai đoạn {next_period}", texts) or [
        _note(f"Chưa có tỉnh, thành phố nào nêu nhiệm vụ, giải pháp giai đoạn {next_period}.")]
    paras.append(Para(H1, [Part("IV. KIẾN NGHỊ")]))
    paras += _subsection(recommendations, "kiến nghị chung", texts) or [
        _note("Chưa có tỉnh, thành phố nào nêu kiến nghị chung.")]
    for text in texts.render("ket-luan.j2", chuong_trinh=program, giai_doan_tiep=next_period):
        paras.append(Para(FRAME, [Part(text)]))
    return paras


def _note(text: str) -> Para:
    return Para(NOTE, [Part(text)])


def _vn_date(iso: str | None) -> str:
    if not iso:
        return ""
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


# --- annex data -----------------------------------------------------------------------------

@dataclass
class AnnexData:
    columns: list[str]
    rows: list[dict]  # {"tt", "tinh", "o": [cell texts]}
    totals: list[str]
    warnings: list[str]
    reports: list[dict]  # {"tt", "tinh", "tep", "so_ngay"}
    missing: list[str]
    sources: list[dict]  # {"tt", "tinh", "tep", "vi_tri", "so_cau"}


def annex_data(prepared: Prepared) -> AnnexData:
    draft = prepared.draft
    chosen: dict[str, dict[str, object]] = defaultdict(dict)
    for f in draft.figures:
        chosen[f.province][f.key] = f
    rank = _province_order()
    provinces = sorted(set(draft.provinces_reporting) | set(chosen), key=lambda p: (rank.get(p, 99), p))
    rows = []
    for i, province in enumerate(provinces, start=1):
        cells = []
        for k in KEYS:
            f = chosen[province].get(k.key)
            text = format_number(f.value) if f is not None else "–"
            if f is not None and (province, k.key) in prepared.flagged:
                text += " (*)"
            cells.append(text)
        rows.append({"tt": str(i), "tinh": province, "o": cells})
    totals = national_totals(draft.figures)
    total_cells = [format_number(totals[k.key][0]) if k.key in totals else "–" for k in KEYS]
    reports = []
    for i, r in enumerate(prepared.reports, start=1):
        when = " ".join(x for x in (f"Số {r.doc_number}" if r.doc_number else "",
                                    f"ngày {_vn_date(r.date)}" if r.date else "") if x)
        if not r.used:
            when = (when + "; " if when else "") + f"không dùng ({r.why_unused})"
        reports.append({"tt": str(i), "tinh": r.province, "tep": r.file, "so_ngay": when or "–"})
    sources = []
    for r in (r for r in prepared.reports if r.cited):
        sources.append({"tt": str(len(sources) + 1), "tinh": r.province, "tep": r.file,
                        "vi_tri": _locations(r.cited), "so_cau": str(len(r.cited))})
    return AnnexData([k.label for k in KEYS], rows, total_cells, list(draft.warnings), reports,
                     list(draft.provinces_missing), sources)


def _locations(sources: list[Source]) -> str:
    """ "tr. 3: đ. 12, 15; tr. 4: đ. 20" (or "đ. 12, 15" without pages)."""
    by_page: dict[int | None, set[int]] = defaultdict(set)
    for s in sources:
        by_page[s.page].add(s.paragraph)
    parts = []
    for page in sorted(by_page, key=lambda p: (p is None, p or 0)):
        paras = ", ".join(str(n) for n in sorted(by_page[page]))
        parts.append(f"tr. {page}: đ. {paras}" if page else f"đ. {paras}")
    return "; ".join(parts)


# --- Word -----------------------------------------------------------------------------------

def _word_template(template: str | Path | None) -> tuple[Path, Path | None]:
    """(the .docx template, the folder of user section texts or None)."""
    if template is None:
        return _template_dir() / WORD_TEMPLATE, None
    path = Path(template)
    if path.is_dir():
        docx = path / WORD_TEMPLATE
        return (docx if docx.exists() else _template_dir() / WORD_TEMPLATE), path
    if not path.exists():
        raise TemplateError("không tìm thấy tệp mẫu", str(path), "kiểm tra lại đường dẫn --template")
    if path.suffix.lower() != ".docx":
        raise TemplateError("mẫu phải là tệp Word .docx hoặc một thư mục chứa mẫu", str(path))
    return path, None


def _png_size(path: Path) -> tuple[int, int] | None:
    with open(path, "rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def _docx_context(prepared: Prepared, annex: AnnexData, tpl, heatmap: Path | None) -> dict:
    from docx.shared import Mm
    from docxtpl import InlineImage

    cycle = prepared.taxonomy.cycle
    end_year = str(cycle.get("id", "2016-2020")).split("-")[-1].strip()
    used = [r for r in prepared.reports if r.used]
    picture = ""
    if heatmap is not None and Path(heatmap).exists():
        size = _png_size(Path(heatmap))
        box_w, box_h = 240.0, 150.0  # mm, inside a landscape A4 page
        if size and size[0] and size[1] and size[1] / size[0] > box_h / box_w:
            picture = InlineImage(tpl, str(heatmap), height=Mm(box_h))
        else:
            picture = InlineImage(tpl, str(heatmap), width=Mm(box_w))
    return {
        "so_hieu": "…/BC-LĐTBXH",
        "dia_danh_ngay": f"Hà Nội, ngày … tháng … năm {end_year}",
        "nam": end_year,
        "ghi_chu_du_thao": (f"(Dự thảo do tongket tổng hợp ngày {date.today():%d/%m/%Y} từ {len(used)} báo cáo "
                            f"của {len(prepared.draft.provinces_reporting)}/{TOTAL_PROVINCES} tỉnh, thành phố)"),
        "noi_dung": BODY_MARKER,
        "cot": annex.columns,
        "so_lieu": annex.rows,
        "tong": annex.totals,
        "canh_bao": annex.warnings,
        "bao_cao": annex.reports,
        "chua_bao_cao": ", ".join(annex.missing) if annex.missing else "không có",
        "so_chua_bao_cao": len(annex.missing),
        "nguon": annex.sources,
        "ban_do": picture,
    }


def _render_template(path: Path, context_of) -> bytes:
    """docxtpl pass: the template's fixed parts, sandboxed, StrictUndefined."""
    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined
    from jinja2 import TemplateError as JinjaError
    from jinja2.sandbox import SandboxedEnvironment

    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TemplateError(f"tệp mẫu Word không đọc được ({exc})", str(path))
    context = context_of(tpl)
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    try:
        tpl.render(context, jinja_env=env)
    except JinjaError as exc:
        line = _error_line(exc, "<template>")
        where = str(path)
        if line:
            paragraph, text = _template_paragraph(tpl, line)
            where += f", đoạn thứ {paragraph}" + (f" («{text}»)" if text else "")
        raise TemplateError(_friendly(exc), where, "các biến dùng được: " + ", ".join(sorted(context)))
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _template_paragraph(tpl, line: int) -> tuple[int, str]:
    """docxtpl puts each <w:p> on its own line: line N is paragraph N - 1 of the document XML."""
    try:
        xml = tpl.patch_xml(tpl.get_xml())
    except Exception:
        return max(line - 1, 1), ""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml).splitlines()
    text = re.sub(r"<[^>]+>", "", lines[line - 1]) if 0 < line <= len(lines) else ""
    return max(line - 1, 1), html.unescape(" ".join(text.split()))[:120]


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class CommentWriter:
    """Word comments, written in one go.

    python-docx 1.2's ``add_comment`` looks for a free id by scanning every comment, and builds
    each comment element by element: thousands of comments took most of the draft's time. Here a
    comment gets the next id when its range is marked (``reserve``: in the body XML, or with the
    public ``Run.mark_comment_range`` on existing runs), and ``write`` adds them all to the
    comments part, in the XML python-docx writes.
    """

    def __init__(self, doc):
        self.doc = doc
        self.element = doc.comments._comments_elm  # the comments part, created when missing
        ids = [int(c.get(qn("w:id"))) for c in self.element.iterchildren(qn("w:comment"))]
        self.next_id = max(ids) + 1 if ids else 0
        self.pending: list[tuple[int, list[str]]] = []
        self.stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def reserve(self, lines: list[str]) -> int:
        cid, self.next_id = self.next_id, self.next_id + 1
        self.pending.append((cid, lines))
        return cid

    def add(self, first_run, last_run, lines: list[str]) -> None:
        """Mark existing runs as a comment's range, as ``Run.mark_comment_range`` does."""
        from lxml import etree

        cid = str(self.reserve(lines))
        make = first_run._r.makeelement
        first_run._r.addprevious(make(qn("w:commentRangeStart"), {qn("w:id"): cid}))
        reference = make(qn("w:r"), {})
        etree.SubElement(etree.SubElement(reference, qn("w:rPr")), qn("w:rStyle"), {qn("w:val"): "CommentReference"})
        etree.SubElement(reference, qn("w:commentReference"), {qn("w:id"): cid})
        last_run._r.addnext(reference)
        last_run._r.addnext(make(qn("w:commentRangeEnd"), {qn("w:id"): cid}))

    def write(self) -> None:
        from docx.oxml.parser import parse_xml

        ref = '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r>'
        comments = []
        for cid, lines in self.pending:
            paragraphs = "".join(f'<w:p><w:pPr><w:pStyle w:val="CommentText"/></w:pPr>{ref if i == 0 else ""}'
                                 f"{_run_xml(line)}</w:p>" for i, line in enumerate(lines or [""]))
            comments.append(f'<w:comment w:id="{cid}" w:author="{AUTHOR}" w:initials="{INITIALS}" '
                            f'w:date="{self.stamp}">{paragraphs}</w:comment>')
        for comment in list(parse_xml(f'<w:comments {nsdecls("w")}>{"".join(comments)}</w:comments>')):
            self.element.append(comment)
        self.pending = []


def _comment_lines(title: str, sources: list[Source]) -> list[str]:
    return [title] + [source_line(s) if s.file else f"{s.province}: {s.excerpt}" for s in sources]


def _style_ids(doc) -> dict[str, str | None]:
    ids = {s.name: s.style_id for s in doc.styles}
    return {kind: ids.get(name) for kind, name in STYLES.items()}


def _insert_body(doc, paras: list[Para], marker, comments: CommentWriter) -> None:
    """The body paragraphs before the marker, built as WordprocessingML and parsed once."""
    from docx.oxml.parser import parse_xml

    styles = _style_ids(doc)
    out: list[str] = []
    for para in paras:
        style = styles.get(para.kind)
        out.append("<w:p>" + (f'<w:pPr><w:pStyle w:val="{xml_escape(style, {chr(34): "&quot;"})}"/></w:pPr>'
                              if style else ""))
        props = "".join(tag for flag, tag in ((style is None and para.kind in (H1, H2, H3), "<w:b/>"),
                                              (style is None and para.kind == NOTE, "<w:i/>")) if flag)
        for i, part in enumerate(para.parts):
            if i:
                out.append(_run_xml(" "))
            run = _run_xml(part.text, props)
            if part.sources:
                cid = comments.reserve(_comment_lines(part.title, part.sources))
                run = (f'<w:commentRangeStart w:id="{cid}"/>{run}<w:commentRangeEnd w:id="{cid}"/>'
                       f'<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="{cid}"/>'
                       "</w:r>")
            out.append(run)
        out.append("</w:p>")
    for paragraph in list(parse_xml(f'<w:body {nsdecls("w")}>{"".join(out)}</w:body>')):
        marker._p.addprevious(paragraph)


def _run_xml(text: str, props: str = "") -> str:
    """A run with plain text, built directly (python-docx's run.text goes character by character)."""
    return (f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}"
            f'<w:t xml:space="preserve">{xml_escape(_XML_INVALID.sub("", text))}</w:t></w:r>')


def _find_marker(doc, path: Path):
    for p in doc.paragraphs:
        if BODY_MARKER in p.text:
            return p
    raise TemplateError("mẫu Word thiếu đoạn {{ noi_dung }} (nơi chèn nội dung báo cáo)", str(path),
                        "thêm một đoạn chỉ chứa {{ noi_dung }} vào mẫu")


def _figures_table(doc):
    for table in doc.tables:
        pr = table._tbl.tblPr
        caption = pr.find(qn("w:tblCaption")) if pr is not None else None
        if caption is not None and caption.get(qn("w:val")) == FIGURES_TABLE:
            return table
    return None


def _comment_figures(doc, prepared: Prepared, comments: CommentWriter) -> None:
    table = _figures_table(doc)
    if table is None:
        return
    chosen: dict[str, dict] = defaultdict(dict)
    for f in prepared.draft.figures:
        chosen[f.province][f.key] = f
    label_key = {k.label: k.key for k in KEYS}
    rows = table.rows
    if not rows:
        return
    header = [c.text.strip() for c in rows[0].cells]
    columns = {i: label_key[h] for i, h in enumerate(header) if h in label_key}
    totals = national_totals(prepared.draft.figures)
    for row in rows[1:]:
        cells = row.cells
        if len(cells) < 2:
            continue
        name = cells[1].text.strip()
        for i, key in columns.items():
            if i >= len(cells) or not cells[i].paragraphs or not cells[i].paragraphs[0].runs:
                continue
            runs = cells[i].paragraphs[0].runs
            figure = chosen.get(name, {}).get(key)
            if figure is not None and figure.source is not None:
                title = f"{KEY_BY_NAME[key].label} — {name}: {format_number(figure.value)}"
                if (name, key) in prepared.flagged:
                    title += " (cần kiểm tra, xem danh sách dưới bảng)"
                comments.add(runs[0], runs[-1], _comment_lines(title, [figure.source]))
            elif name.lower().startswith("tổng cộng") and key in totals:
                parts = [Source(f.province, "", None, 0, format_number(f.value))
                         for f in prepared.draft.figures if f.key == key and f.year is None]
                comments.add(runs[0], runs[-1],
                             _comment_lines(f"Tổng của {totals[key][1]} tỉnh, thành phố có số liệu:", parts))


def _save_atomically(data_writer, out: Path) -> Path:
    from .files import atomic_write

    return atomic_write(out, data_writer)


def render_docx(prepared: Prepared, out: str | Path, heatmap: str | Path | None = None,
                template: str | Path | None = None) -> Path:
    import docx

    docx_path, text_dir = _word_template(template)
    texts = SectionTexts(text_dir)
    paras = body(prepared, texts)
    annex = annex_data(prepared)
    rendered = _render_template(docx_path, lambda tpl: _docx_context(prepared, annex, tpl,
                                                                     Path(heatmap) if heatmap else None))
    document = docx.Document(io.BytesIO(rendered))
    marker = _find_marker(document, docx_path)
    comments = CommentWriter(document)
    _insert_body(document, paras, marker, comments)
    marker._p.getparent().remove(marker._p)
    _comment_figures(document, prepared, comments)
    comments.write()
    return _save_atomically(document.save, Path(out))


def remember(memo: Memo) -> Memo:
    """Load and read what ``memo`` remembers for ``prepare`` (features, figures, national forms of
    the sentences), then detach it from its workspace: it can serve a later connection."""
    from .figures import reading_version
    from .synthesize import features_version

    for name, version in (("features", features_version()), ("generalise", features_version()),
                          ("figures", reading_version())):
        memo.function(name, version)
    memo.decode()
    memo.ws = None
    return memo


def write_draft(ws, out_path: str | Path, heatmap: str | Path | None = None,
                template: str | Path | None = None, memo=None, chosen: set[str] | None = None) -> Path:
    """Build the draft from a workspace and write it as a Word document."""
    return render_docx(prepare(ws, memo=memo, chosen=chosen), out_path, heatmap=heatmap, template=template)


# --- preview --------------------------------------------------------------------------------

def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def render_markdown(prepared: Prepared, template: str | Path | None = None) -> str:
    """The same draft as Markdown, each statement's sources as a footnote."""
    _, text_dir = _word_template(template)
    paras = body(prepared, SectionTexts(text_dir))
    annex = annex_data(prepared)
    lines = ["**DỰ THẢO**", "", "# BÁO CÁO",
             "", "**Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016-2020**", ""]
    notes: list[str] = []
    prefix = {H1: "## ", H2: "### ", H3: "#### "}
    for para in paras:
        if para.kind in prefix:
            lines += [prefix[para.kind] + _md_escape(para.text), ""]
            continue
        chunks = []
        for part in para.parts:
            text = _md_escape(part.text)
            if part.sources:
                notes.append(_md_footnote(len(notes) + 1, part))
                text += f"[^{len(notes)}]"
            chunks.append(text)
        text = " ".join(chunks)
        lines += [f"*{text}*" if para.kind == NOTE else text, ""]
    lines += _md_annexes(annex)
    return "\n".join(lines + [""] + notes) + "\n"


def _md_footnote(number: int, part: Part) -> str:
    body_lines = [part.title] + [source_line(s) if s.file else f"{s.province}: {s.excerpt}" for s in part.sources]
    return f"[^{number}]: " + "\n    ".join(_md_escape(x) + "  " for x in body_lines)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_md_escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in rows]
    return out + [""]


def _md_annexes(annex: AnnexData) -> list[str]:
    lines = ["## Phụ lục 1. Số liệu chủ yếu giai đoạn 2016 - 2020 của các tỉnh, thành phố", ""]
    rows = [[r["tt"], r["tinh"], *r["o"]] for r in annex.rows] + [["", "Tổng cộng", *annex.totals]]
    lines += _md_table(["TT", "Tỉnh, thành phố", *annex.columns], rows)
    lines += ["**Cần kiểm tra số liệu**", ""]
    lines += [f"- {_md_escape(w)}" for w in annex.warnings] or ["Không có."]
    lines += ["", "## Phụ lục 2. Danh sách tỉnh, thành phố gửi báo cáo", ""]
    lines += _md_table(["TT", "Tỉnh, thành phố", "Tệp báo cáo", "Số, ngày văn bản"],
                       [[r["tt"], r["tinh"], r["tep"], r["so_ngay"]] for r in annex.reports])
    lines += [f"Chưa gửi báo cáo ({len(annex.missing)}): {', '.join(annex.missing) or 'không có'}.", ""]
    lines += ["## Phụ lục 3. Danh mục nguồn trích dẫn", ""]
    lines += _md_table(["TT", "Tỉnh, thành phố", "Tệp", "Vị trí được trích dẫn", "Số câu"],
                       [[r["tt"], r["tinh"], r["tep"], r["vi_tri"], r["so_cau"]] for r in annex.sources])
    return lines


def render_html(prepared: Prepared, template: str | Path | None = None) -> str:
    """The same draft as a standalone HTML page, sources as numbered notes."""
    _, text_dir = _word_template(template)
    paras = body(prepared, SectionTexts(text_dir))
    annex = annex_data(prepared)
    esc = html.escape
    out = ['<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Dự thảo báo cáo tổng kết</title>',
           "<style>body{font-family:'Times New Roman',serif;font-size:14pt;max-width:48em;margin:auto}"
           "p{text-align:justify;text-indent:1cm}.note{font-style:italic}table{border-collapse:collapse}"
           "td,th{border:1px solid #999;padding:2px 6px;font-size:11pt}sup a{text-decoration:none}</style>",
           "</head><body>", "<p><b>DỰ THẢO</b></p>", "<h1>BÁO CÁO</h1>",
           "<p><b>Tổng kết 05 năm thực hiện Chương trình phòng, chống mại dâm giai đoạn 2016-2020</b></p>"]
    notes: list[Part] = []
    tags = {H1: "h2", H2: "h3", H3: "h4"}
    for para in paras:
        if para.kind in tags:
            out.append(f"<{tags[para.kind]}>{esc(para.text)}</{tags[para.kind]}>")
            continue
        chunks = []
        for part in para.parts:
            text = esc(part.text)
            if part.sources:
                notes.append(part)
                n = len(notes)
                text += f'<sup><a id="r{n}" href="#n{n}">{n}</a></sup>'
            chunks.append(text)
        css = ' class="note"' if para.kind == NOTE else ""
        out.append(f"<p{css}>{' '.join(chunks)}</p>")

    def table(header, rows):
        cells = "".join(f"<th>{esc(h)}</th>" for h in header)
        body_rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><tr>{cells}</tr>{body_rows}</table>"

    out.append("<h2>Phụ lục 1. Số liệu chủ yếu giai đoạn 2016 - 2020 của các tỉnh, thành phố</h2>")
    out.append(table(["TT", "Tỉnh, thành phố", *annex.columns],
                     [[r["tt"], r["tinh"], *r["o"]] for r in annex.rows] + [["", "Tổng cộng", *annex.totals]]))
    out.append("<p><b>Cần kiểm tra số liệu</b></p><ul>" + "".join(f"<li>{esc(w)}</li>" for w in annex.warnings)
               + "</ul>" if annex.warnings else "<p><b>Cần kiểm tra số liệu</b>: không có.</p>")
    out.append("<h2>Phụ lục 2. Danh sách tỉnh, thành phố gửi báo cáo</h2>")
    out.append(table(["TT", "Tỉnh, thành phố", "Tệp báo cáo", "Số, ngày văn bản"],
                     [[r["tt"], r["tinh"], r["tep"], r["so_ngay"]] for r in annex.reports]))
    out.append(f"<p>Chưa gửi báo cáo ({len(annex.missing)}): {esc(', '.join(annex.missing) or 'không có')}.</p>")
    out.append("<h2>Phụ lục 3. Danh mục nguồn trích dẫn</h2>")
    out.append(table(["TT", "Tỉnh, thành phố", "Tệp", "Vị trí được trích dẫn", "Số câu"],
                     [[r["tt"], r["tinh"], r["tep"], r["vi_tri"], r["so_cau"]] for r in annex.sources]))
    out.append("<h2>Nguồn</h2><ol>")
    for n, part in enumerate(notes, start=1):
        lines = [esc(part.title)] + [esc(source_line(s) if s.file else f"{s.province}: {s.excerpt}")
                                     for s in part.sources]
        out.append(f'<li id="n{n}">' + "<br>".join(lines) + f' <a href="#r{n}">↩</a></li>')
    out.append("</ol></body></html>")
    return "\n".join(out) + "\n"


def render_preview(prepared: Prepared, out: str | Path, template: str | Path | None = None) -> Path:
    out = Path(out)
    if out.suffix.lower() in (".html", ".htm"):
        text = render_html(prepared, template)
    elif out.suffix.lower() in (".md", ".markdown"):
        text = render_markdown(prepared, template)
    else:
        raise TemplateError("bản xem trước phải là tệp .md hoặc .html", str(out))
    return _save_atomically(lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), out)


def write_preview(ws, out_path: str | Path, template: str | Path | None = None) -> Path:
    """Build the draft from a workspace and write its Markdown or HTML preview."""
    return render_preview(prepare(ws), out_path, template)
