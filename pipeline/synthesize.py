"""Group what the provinces said that means the same thing, and write each group once.

Steps, for the effective labels of a batch (editor corrections applied, exclusions dropped):

1. ``statements``: each label's text is split into sentences (its sentence span, the passage's
   sentences, or underthesea's splitter). List markers are stripped; sentences that only open a
   list (ending with ":") or have fewer than ``MIN_WORDS`` words are dropped. A sentence is never
   cut: it is kept whole or dropped.
2. A sentence found (folded, figures kept) under several area × finding buckets is moved to the
   bucket most of its occurrences have, so that no sentence can be written twice.
3. Per bucket: TF-IDF over ``nlp.segment(mode="lexicon")`` words of the sentence with its
   province-specific wording generalised (so "tỉnh Nghệ An" and "tỉnh Cà Mau" do not differ)
   and numbers folded to ``#num``; cosine similarity; average-linkage agglomerative clustering
   cut at ``MERGE_THRESHOLD``. It runs inside the connected components of the graph
   "similarity ≥ threshold", which contain every average-linkage cluster, so it is exact and fast.
4. Each group is written once: the member closest to the group centroid, preferring a complete
   sentence of 8–60 words without figures, generalised to the national form
   (``generalise``). When every candidate quotes figures, the statement stays that province's
   (``local_figures``) so one province's numbers are never presented as national.
   A single-province sentence close to a group (cosine ≥ ``EXAMPLE_THRESHOLD``) and specific
   (figures, or at least 12 words) is attached to it as an example; the others stay groups of one.
   Groups are ordered by the number of provinces, then sources.

Threshold, measured two ways (both favour 0.7):

- On the gold of a built batch (``corpus.build.plan_batch``, 63 provinces, the generator reuses
  labelled passages verbatim across provinces): pairs of sentences from the same corpus passage
  must merge, others must not. Seed 0, test split (7,347 sentences, 331 distinct): precision and
  recall 1.000 for every threshold from 0.65 to 0.9 (0.6: P .991; 0.5: P .942). Seed 1, dev split
  (6,154 sentences): P .980 / R 1.000 from 0.6 to 0.8; the one "wrong" merge is two near-identical
  corpus sentences ("UBND tỉnh … xây dựng dự thảo Kế hoạch … 2021 - 2025").
- Harder, in ``tests/test_synthesize.py::test_merge_threshold_measured``: every sentence of
  ``corpus/passages/{dev,test}.jsonl`` (2,070 statements) given to three provinces, the
  province's name written into "địa bàn tỉnh"/"UBND tỉnh", the figures changed, and two of the
  three copies lightly edited (an opening phrase, the last clause dropped, a synonym). Pairwise
  precision / recall / F1 by threshold: 0.4 .842/1.00/.915 · 0.5 .935/1.00/.966 ·
  0.6 .970/.999/.985 · 0.65 .984/.998/.991 · 0.7 .993/.992/.993 · 0.8 .992/.946/.969 ·
  0.9 1.00/.829/.907.

Below 0.7 distinct sentences on the same topic start to merge (a wrong merge hides a province's
point); above it edited copies split (a missed merge writes a point as two smaller groups).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

import numpy as np

from .model import FindingGroup, Label, Passage, Source
from .vietnamese import find_quantities, fold

MERGE_THRESHOLD = 0.7
EXAMPLE_THRESHOLD = 0.35
MAX_EXAMPLES = 2
MIN_WORDS = 5
UNKNOWN_PROVINCE = "Chưa xác định tỉnh"

_MARKER_RE = re.compile(r"^\s*(?:[-–—+•*=·>]+\s*|(?:\(?[a-zđ]\)|\d{1,2}(?:\.\d{1,2})*[.)]|[IVX]{1,4}\.)\s+)")
_END_RE = re.compile(r"[\s.;,!?…]+$")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class Statement:
    """One sentence a province wrote, with its labels and where it came from."""

    text: str
    province: str
    area: str
    finding: str
    source: Source
    confidence: float = 1.0
    doc_sha256: str = ""


# --- statements ----------------------------------------------------------------------------

def clean_sentence(text: str) -> str:
    """One sentence as it will be quoted: NFC, one line, no list marker, capitalised."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    previous = None
    while previous != text:
        previous = text
        text = _MARKER_RE.sub("", text, count=1).strip()
    return text[:1].upper() + text[1:] if text else text


@lru_cache(maxsize=65536)
def sentence_key(text: str) -> str:
    """Identity of a sentence across reports: folded letters and figures, no punctuation."""
    return " ".join(re.sub(r"[^\w%]+", " ", fold(text)).split())


def _sentences(passage: Passage, label: Label) -> list[str]:
    if label.sentence_span and passage.sentences:
        start, end = label.sentence_span
        return passage.sentences[start:end]
    text = label.text or passage.text
    if passage.sentences and " ".join(text.split()) == " ".join(passage.text.split()):
        return passage.sentences
    from .nlp import split_sentences

    return split_sentences(text)


def statements(pairs: Iterable[tuple[Passage, Label]]) -> list[Statement]:
    """The sentences of the labelled excerpts, in report order, one Statement each."""
    out: list[Statement] = []
    for passage, label in pairs:
        province = passage.province or UNKNOWN_PROVINCE
        for raw in _sentences(passage, label):
            text = clean_sentence(raw)
            if len(text.split()) < MIN_WORDS or text.rstrip().endswith(":"):
                continue
            source = Source(province=province, file=passage.source, page=passage.page,
                            paragraph=passage.paragraph, excerpt=text, passage_id=passage.id)
            out.append(Statement(text, province, label.area, label.finding, source,
                                 min(label.area_confidence, label.finding_confidence), passage.doc_sha256))
    return out


def select_reports(pairs: list[tuple[Passage, Label]], dates: dict[str, str | None],
                   files: dict[str, str] | None = None, preferred: set[str] = frozenset()
                   ) -> tuple[list[tuple[Passage, Label]], list[str]]:
    """Keep one report per province; say which were set aside.

    A report in ``preferred`` (the editors' choice, see ``pipeline.run.current_reports``) wins;
    then the newest by ``dates`` (hash -> ISO date; None when unknown: older than any dated one);
    ties keep the report with more excerpts. Reports without a province are all kept.
    """
    docs: dict[str, Counter] = defaultdict(Counter)
    for passage, _ in pairs:
        if passage.province:
            docs[passage.province][passage.doc_sha256] += 1
    keep: set[str] = set()
    notes: list[str] = []
    names = files or {}
    for province, counts in docs.items():
        ranked = sorted(counts, key=lambda sha: (sha in preferred, dates.get(sha) or "", counts[sha], sha),
                        reverse=True)
        keep.add(ranked[0])
        if len(ranked) > 1:
            dropped = ", ".join(_report_name(sha, names, dates) for sha in ranked[1:])
            newest = max(counts, key=lambda sha: (dates.get(sha) or "", counts[sha], sha))
            which = "mới nhất" if ranked[0] == newest else "do Tổ biên tập chọn"
            notes.append(f"{province} có {len(ranked)} báo cáo: chỉ dùng báo cáo {which} "
                         f"{_report_name(ranked[0], names, dates)}; không dùng {dropped}.")
    kept = [(p, lab) for p, lab in pairs if not p.province or p.doc_sha256 in keep]
    return kept, notes


def _report_name(sha: str, files: dict[str, str], dates: dict[str, str | None]) -> str:
    date = dates.get(sha)
    return f"«{files.get(sha, sha[:12])}»" + (f" (ngày {_vn_date(date)})" if date else " (không rõ ngày)")


def _vn_date(iso: str) -> str:
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


# --- generalisation -------------------------------------------------------------------------

_SO = (r"(?:LĐTBXH|LĐ-TBXH|LĐ-TB&XH|LĐTB&XH|Lao động\s*-\s*Thương binh và Xã hội|VHTTDL|VH-TT&DL|"
       r"Văn hóa,? Thể thao và Du lịch|Y tế|Tư pháp|Tài chính|Kế hoạch và Đầu tư|Thông tin và Truyền thông|"
       r"TT&TT|TTTT|Du lịch|Giáo dục và Đào tạo|GD&ĐT|GDĐT|Công Thương|Nội vụ)")
_BODIES = (r"(?:Công an|Ban Chỉ đạo(?: \d+)?|Bộ Chỉ huy Bộ đội Biên phòng|Bộ đội Biên phòng|"
           r"Đội kiểm tra liên ngành(?: \d+)?|Hội Liên hiệp Phụ nữ|Hội LHPN|Hội Phụ nữ|Đoàn Thanh niên|"
           r"Ủy ban Mặt trận Tổ quốc|Tòa án nhân dân|Viện [Kk]iểm sát nhân dân|Đài Phát thanh và Truyền hình|"
           r"Đài Phát thanh - Truyền hình|Liên đoàn Lao động|Cục Thống kê)")
_LOCAL = r"(?:tỉnh|thành phố|TP\.?)"
_ALL = "các tỉnh, thành phố"
_RULES: list[tuple[re.Pattern, str | Callable[[re.Match], str]]] = [(re.compile(p), r) for p, r in [
    (r"\b(Tỉnh|Thành) (ủy|uỷ)(?![\w-])", "cấp ủy"),
    (r"\b(trên|Trên) địa bàn (?:toàn )?" + _LOCAL + r"(?![\w-])", r"\1 địa bàn"),
    (r"\bđịa bàn " + _LOCAL + r"(?![\w-])", "địa bàn"),
    (r"\b(toàn|Toàn) (?:tỉnh|thành phố)(?![\w-])", lambda m: "các địa phương" if m.group(1) == "toàn"
     else "Các địa phương"),
    (r"\b(UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Hội đồng nhân dân) " + _LOCAL + r"(?![\w-])", r"\1 " + _ALL),
    (r"\b(Sở " + _SO + r") " + _LOCAL + r"(?![\w-])", r"\1"),
    (r"\b(" + _BODIES + r") " + _LOCAL + r"(?![\w-])", r"\1 " + _ALL),
    (r"\b(ngân sách|Ngân sách) (?:tỉnh|thành phố)(?![\w-])", r"\1 địa phương"),
    (r"\b(của|cho) tỉnh(?![\w-])(?!\s+[A-ZĐ])", r"\1 các địa phương"),
    # "tỉnh" as the subject: at the start of a clause, or after "do", "nhờ", "giúp", "để"
    (r"(^|[,;:] )(T|t)ỉnh (?=[a-zđà-ỹ])",
     lambda m: m.group(1) + ("Các địa phương " if not m.group(1) else "các địa phương ")),
    (r"\b(do|nhờ|giúp|để) tỉnh (?=[a-zđà-ỹ])", r"\1 các địa phương "),
]]


_LOCAL_WORD = {"tinh": "tỉnh", "thanh pho": "thành phố", "tp": "thành phố"}


@lru_cache(maxsize=1)
def _names() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every province name and alias, and the folded form -> canonical name."""
    from .provinces import PROVINCES

    owner: dict[str, str] = {}
    for p in PROVINCES:
        for form in (p.name, p.name.removeprefix("TP. "), *p.aliases):
            owner.setdefault(fold(form), p.name)
    forms = sorted({f for p in PROVINCES for f in (p.name, p.name.removeprefix("TP. "), *p.aliases)},
                   key=len, reverse=True)
    alternatives = "|".join(re.escape(f) for f in forms)
    pattern = re.compile(r"(?<![\w])(?:((?i:tỉnh|thành phố|tp\.?))\s+)?(" + alternatives + r")(?![\w])")
    return pattern, owner


def generalise(text: str, provinces: Iterable[str] = ()) -> str:
    """One province's sentence in the national form: its own names removed, "trên địa bàn tỉnh"
    → "trên địa bàn", "toàn tỉnh" → "các địa phương", "UBND tỉnh" → "UBND các tỉnh, thành phố",
    "Sở LĐTBXH tỉnh X" → "Sở LĐTBXH". Other provinces' names are kept."""
    wanted = set(provinces)
    if wanted:
        pattern, owner = _names()

        def drop(m: re.Match) -> str:
            # "tỉnh Nghệ An" -> "tỉnh" (the rules below then generalise it); a bare name goes.
            if owner.get(fold(m.group(2))) not in wanted:
                return m.group(0)
            return _LOCAL_WORD[fold(m.group(1)).rstrip(".")] if m.group(1) else "địa phương"

        text = pattern.sub(drop, text)
    for rule, repl in _RULES:
        text = rule.sub(repl, text)
    text = re.sub(r"\s+([,.;:)])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = re.sub(r"^[,;:]\s*", "", text)
    return text[:1].upper() + text[1:]


_CONNECTIVE_RE = re.compile(r"^(?:Tuy nhiên|Bên cạnh đó|Ngoài ra|Đồng thời|Mặt khác|Bên cạnh những kết quả đạt được|"
                            r"Nhìn chung|Theo đó|Qua đó|Do đó|Vì vậy|Vì thế|Ngoài những kết quả trên)\s*,\s*")


def drop_connective(text: str) -> str:
    """A sentence lifted out of its paragraph loses "Tuy nhiên, ", "Bên cạnh đó, "…"""
    rest = _CONNECTIVE_RE.sub("", text, count=1)
    if rest == text or len(rest.split()) < MIN_WORDS:
        return text
    return rest[:1].upper() + rest[1:]


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the sentence opens with a name or an acronym."""
    words = text.split()
    if not words:
        return text
    first = words[0]
    if len(first) > 1 and (first.isupper() or any(c.isupper() for c in first[1:])):
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text
    return text[:1].lower() + text[1:]


def end_sentence(text: str) -> str:
    """The sentence without its final punctuation (templates add their own)."""
    return _END_RE.sub("", text)


# --- vectors --------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _segment(text: str) -> tuple[str, ...]:
    from .nlp import segment

    return tuple(w for line in text.splitlines() for w in segment(line, mode="lexicon"))


@lru_cache(maxsize=65536)
def _features(text: str, province: str) -> tuple[str, ...]:
    """Word features of a sentence in its national form (reused sentences are segmented once)."""
    return _segment(generalise(text, [province]))


@lru_cache(maxsize=1)
def features_version() -> str:
    """What ``_features`` depends on besides its inputs: the code of the modules it runs and the
    segmentation lexicon (see ``pipeline.memo``)."""
    import sys

    from . import nlp, provinces, vietnamese
    from .memo import code_version, lexicon_fingerprint

    return code_version(sys.modules[__name__], nlp, provinces, vietnamese) + ":" + lexicon_fingerprint()


def statement_features(items: list[Statement], memo=None) -> list[tuple[str, ...]]:
    """``_features`` of each statement; with a ``memo.Memo``, remembered across runs."""
    if memo is None:
        return [_features(s.text, s.province) for s in items]
    remembered = memo.function("features", features_version())
    return [tuple(remembered.get((s.province, s.text), lambda s=s: list(_features(s.text, s.province))))
            for s in items]


def _national(memo=None) -> Callable[[str, list[str]], str]:
    """``generalise``, remembered across runs with a ``memo.Memo`` (its province-name pattern is
    slow on long sentences)."""
    if memo is None:
        return generalise
    remembered = memo.function("generalise", features_version())
    return lambda text, provinces: remembered.get((text, *provinces), lambda: generalise(text, provinces))


class _Vectoriser:
    """TF-IDF (sublinear tf, smoothed idf) fitted on all statements of the batch."""

    def __init__(self, docs: list[tuple[str, ...]]):
        df: Counter = Counter()
        for words in docs:
            df.update(set(words))
        n = len(docs)
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
        self._ids: dict[str, int] = {}  # word -> number, over every document seen
        self._encoded: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _encode(self, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(word numbers in order, the distinct ones in order of appearance, their tf-idf weights)."""
        found = self._encoded.get(words)
        if found is None:
            ids = self._ids
            counts = Counter(words)
            found = (np.array([ids.setdefault(w, len(ids)) for w in words], dtype=np.int64),
                     np.array([ids[w] for w in counts], dtype=np.int64),
                     np.array([(1.0 + math.log(c)) * self.idf.get(w, 1.0) for w, c in counts.items()]))
            self._encoded[words] = found
        return found

    def matrix(self, docs: list[tuple[str, ...]]) -> np.ndarray:
        """Rows of unit length; columns in order of the words' first appearance in ``docs``."""
        encoded = [self._encode(tuple(words)) for words in docs]
        empty = np.zeros(0, dtype=np.int64)
        every = np.concatenate([e[0] for e in encoded] + [empty])
        words, first = np.unique(every, return_index=True)
        order = words[np.argsort(first, kind="stable")]
        column = np.zeros(len(self._ids) + 1, dtype=np.int64)
        column[order] = np.arange(len(order))
        x = np.zeros((len(docs), max(1, len(order))), dtype=np.float32)
        rows = np.repeat(np.arange(len(docs)), [len(e[1]) for e in encoded])
        cols = column[np.concatenate([e[1] for e in encoded] + [empty])]
        x[rows, cols] = np.concatenate([e[2] for e in encoded] + [np.zeros(0)])  # each rounds to float32 alone
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return x / norms


def cluster(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clusters whose average similarity stays ≥ threshold."""
    n = sim.shape[0]
    seen = np.zeros(n, dtype=bool)
    clusters: list[list[int]] = []
    adjacent = sim >= threshold
    for start in range(n):
        if seen[start]:
            continue
        # the connected component of start in the graph "similarity ≥ threshold", level by level
        component = np.zeros(n, dtype=bool)
        component[start] = True
        frontier = component.copy()
        while True:
            frontier = adjacent[frontier].any(axis=0) & ~component
            if not frontier.any():
                break
            component |= frontier
        seen |= component
        clusters.extend(_average_linkage(np.nonzero(component)[0].tolist(), sim, threshold))
    return clusters


def _average_linkage(members: list[int], sim: np.ndarray, threshold: float) -> list[list[int]]:
    if len(members) == 1:
        return [members]
    total = sim[np.ix_(members, members)].astype(np.float64)  # sum of pairwise similarities
    if total.min() > threshold + 1e-6:
        # every average of these similarities stays above the threshold (by far more than the
        # rounding of summing them): the merging ends with one group, whatever its order
        return [sorted(members)]
    groups = [[m] for m in members]
    sizes = np.ones(len(members))
    alive = np.ones(len(members), dtype=bool)
    avg = total / np.outer(sizes, sizes)  # average similarity; -1 on the diagonal and for merged groups
    np.fill_diagonal(avg, -1.0)
    while True:
        i, j = np.unravel_index(int(np.argmax(avg)), avg.shape)
        if avg[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        groups[i].extend(groups[j])
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        sizes[i] += sizes[j]
        alive[j] = False
        # only row and column i change (each entry computed as total / (size × size), as before)
        avg[i, :] = total[i, :] / (sizes[i] * sizes)
        avg[:, i] = total[:, i] / (sizes * sizes[i])
        avg[i, ~alive] = avg[~alive, i] = -1.0
        avg[j, :] = avg[:, j] = -1.0
        avg[i, i] = -1.0
    return [sorted(groups[k]) for k in range(len(groups)) if alive[k]]


# --- grouping -------------------------------------------------------------------------------

def _rebucket(items: list[Statement]) -> dict[tuple[str, str], list[Statement]]:
    """Buckets by area × finding, an identical sentence always in its majority bucket."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for s in items:
        votes[sentence_key(s.text)][(s.area, s.finding)] += 1
    buckets: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    for s in items:
        counts = votes[sentence_key(s.text)]
        best = max(counts, key=lambda k: (counts[k], k == (s.area, s.finding)))
        buckets[best].append(s)
    return buckets


def _province_order() -> dict[str, int]:
    from .provinces import PROVINCES

    return {p.name: i for i, p in enumerate(PROVINCES)}


@lru_cache(maxsize=65536)
def _has_figures(text: str) -> bool:
    return any(q.unit != "%" for q in find_quantities(text)) or bool(re.search(r"\d+[.,]?\d*\s*%", text))


def _representative(members: list[int], x: np.ndarray, items: list[Statement], multi: bool) -> int:
    centroid = x[members].mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    best, best_score = members[0], -1e9
    for i in members:
        s = items[i]
        words = len(s.text.split())
        score = float(x[i] @ centroid) / norm
        if multi and _has_figures(s.text):
            score -= 0.3
        if not 8 <= words <= 60:
            score -= 0.1
        if not s.text.rstrip().endswith((".", "!", "?", ";")):
            score -= 0.05
        score += 0.01 * s.confidence
        if score > best_score + 1e-9:
            best, best_score = i, score
    return best


def _specific(s: Statement) -> bool:
    return _has_figures(s.text) or len(s.text.split()) >= 12


def group_statements(items: list[Statement], threshold: float = MERGE_THRESHOLD, memo=None
                     ) -> dict[str, dict[str, list[FindingGroup]]]:
    """area -> finding -> groups, each group written once, most provinces first. ``memo``
    (a ``memo.Memo``) remembers the sentences' word features from one run to the next."""
    if not items:
        return {}
    rank = _province_order()
    features = statement_features(items, memo)
    national = _national(memo)
    index = {id(s): i for i, s in enumerate(items)}
    vectoriser = _Vectoriser(features)
    out: dict[str, dict[str, list[FindingGroup]]] = defaultdict(dict)
    for (area, finding), bucket in sorted(_rebucket(items).items()):
        x = vectoriser.matrix([features[index[id(s)]] for s in bucket])
        sim = x @ x.T
        multi: list[tuple[list[int], FindingGroup]] = []
        singles: list[tuple[int, FindingGroup]] = []
        for members in cluster(sim, threshold):
            provinces = sorted({bucket[i].province for i in members}, key=lambda p: (rank.get(p, 99), p))
            rep = _representative(members, x, bucket, len(provinces) > 1)
            rep_text = bucket[rep].text
            # figures that differ between the provinces are each province's own: keep them local
            local = len(provinces) > 1 and _has_figures(rep_text) and len(
                {tuple(_NUMBER_RE.findall(bucket[i].text)) for i in members}) > 1
            statement = drop_connective(rep_text if local or len(provinces) == 1 else national(rep_text, provinces))
            sources = sorted((bucket[i].source for i in members),
                             key=lambda s: (rank.get(s.province, 99), s.province, s.file, s.paragraph))
            group = FindingGroup(area, finding, statement, provinces, sources,
                                 representative=bucket[rep].source, local_figures=local)
            if len(provinces) > 1:
                multi.append((members, group))
            else:
                singles.append((rep, group))
        _attach_examples(multi, singles, x, bucket)
        groups = [g for _, g in multi] + [g for _, g in singles]
        groups.sort(key=lambda g: (-len(g.provinces), -len(g.sources), rank.get(g.provinces[0], 99),
                                   g.statement))
        out[area][finding] = groups
    return _dedupe(dict(out))


def _attach_examples(multi, singles, x: np.ndarray, bucket: list[Statement]) -> None:
    """Move specific single-province sentences next to the group they illustrate."""
    if not multi or not singles:
        return
    centroids = np.stack([x[m].mean(axis=0) for m, _ in multi])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
    candidates = []
    for pos, (i, group) in enumerate(singles):
        if not _specific(bucket[i]):
            continue
        sims = centroids @ x[i]
        best = int(np.argmax(sims))
        if sims[best] >= EXAMPLE_THRESHOLD:
            candidates.append((float(sims[best]), best, pos))
    taken: set[int] = set()
    for _, best, pos in sorted(candidates, reverse=True):
        target = multi[best][1]
        if len(target.examples) < MAX_EXAMPLES:
            target.examples.append(singles[pos][1].sources[0])
            taken.add(pos)
    singles[:] = [s for pos, s in enumerate(singles) if pos not in taken]


def _dedupe(sections: dict[str, dict[str, list[FindingGroup]]]) -> dict[str, dict[str, list[FindingGroup]]]:
    """Merge groups whose written statements are the same sentence, wherever they are: the group
    with more provinces keeps its place, so that no statement is written twice."""
    everything = [(g, area, finding) for area, by_finding in sections.items()
                  for finding, groups in by_finding.items() for g in groups]
    keep: dict[str, FindingGroup] = {}
    dropped: set[int] = set()
    for g, _, _ in sorted(everything, key=lambda item: -len(item[0].provinces)):
        key = sentence_key(g.statement)
        first = keep.setdefault(key, g)
        if first is not g:
            first.provinces += [p for p in g.provinces if p not in first.provinces]
            first.sources += g.sources
            first.examples += g.examples
            dropped.add(id(g))
    rank = _province_order()
    for g in keep.values():
        g.provinces.sort(key=lambda p: (rank.get(p, 99), p))
    return {area: {finding: [g for g in groups if id(g) not in dropped] for finding, groups in by_finding.items()}
            for area, by_finding in sections.items()}
