"""Label passages with an area and a finding type, with confidences.

How the evidence is combined (documented in the README):

1. The trained spaCy model gives a probability for every area and finding from
   the passage text alone.
2. Headings above the passage that name an area or a finding type (taxonomy
   ``heading_patterns``) multiply that category's probability by
   ``exp(weight)``; the nearest heading weighs fully, each level further up half
   as much. The product is renormalised. A report that follows the plan's
   numbering ("1.3. Kết quả thực hiện công tác thông tin, tuyên truyền") names
   its area in the heading text, so it is caught by the same patterns.
3. A passage of several sentences whose sentences disagree on the finding type
   ("Đã kiểm tra 300 lượt cơ sở. Tuy nhiên, lực lượng còn mỏng.") is split into
   consecutive sentence spans, one label each, when every span is confident.
4. Text with too few words or no Vietnamese gets ``khac`` with low confidence.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from .model import Label, Passage
from .nlp import split_sentences
from .taxonomy import Taxonomy, load_taxonomy
from .train import MODEL_DIR

HEADING_WEIGHT = {"area": 2.0, "finding": 1.5}
SPLIT_MIN_CONFIDENCE = 0.6
_VI_LETTERS = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
_WORD = re.compile(r"\w+")


@dataclass
class Scores:
    area: dict[str, float]
    finding: dict[str, float]


def looks_vietnamese(text: str) -> bool:
    words = _WORD.findall(text)
    if len(words) < 3:
        return False
    marked = sum(1 for w in words if _VI_LETTERS.search(w))
    return marked / len(words) >= 0.15


def heading_boost(heading_path: list[str], taxonomy: Taxonomy) -> Scores:
    """Log-multipliers per category from the headings above a passage."""
    area = {c: 0.0 for c in taxonomy.area_codes}
    finding = {c: 0.0 for c in taxonomy.finding_codes}
    for distance, heading in enumerate(reversed(heading_path)):
        strength = 0.5 ** distance
        for cats, out, head in ((taxonomy.areas, area, "area"), (taxonomy.findings, finding, "finding")):
            for cat in cats:
                if any(p.search(heading) for p in cat.heading_patterns):
                    out[cat.code] = max(out[cat.code], HEADING_WEIGHT[head] * strength)
    return Scores(area, finding)


def _combine(probs: dict[str, float], boost: dict[str, float]) -> dict[str, float]:
    raw = {c: p * math.exp(boost.get(c, 0.0)) for c, p in probs.items()}
    total = sum(raw.values()) or 1.0
    return {c: v / total for c, v in raw.items()}


def _top(scores: dict[str, float], k: int = 3) -> list[tuple[str, float]]:
    return [(c, round(p, 4)) for c, p in sorted(scores.items(), key=lambda kv: -kv[1])[:k]]


class Classifier:
    """The shipped (or a freshly trained) model plus heading evidence and splitting."""

    def __init__(self, model_dir: str | Path | None = None, taxonomy: Taxonomy | None = None):
        from . import spacy_tokenizer, textcat_model  # noqa: F401  (registered before loading)

        self.model_dir = Path(model_dir or MODEL_DIR)
        if not (self.model_dir / "config.cfg").exists():
            from .errors import ReportError

            raise ReportError("chưa có mô hình phân loại", str(self.model_dir),
                              "chạy 'tongket train' để huấn luyện lại mô hình")
        from .spacy_lite import spacy

        self.nlp = spacy.load(self.model_dir)
        self.taxonomy = taxonomy or load_taxonomy()
        self.version = self.nlp.meta.get("tongket", {}).get("version", "unknown")

    # -- raw model scores ---------------------------------------------------
    def scores(self, texts: list[str]) -> list[Scores]:
        out = []
        for doc in self.nlp.pipe(texts, batch_size=256):
            out.append(Scores(
                area={c: float(doc.cats.get(c, 0.0)) for c in self.taxonomy.area_codes},
                finding={c: float(doc.cats.get(c, 0.0)) for c in self.taxonomy.finding_codes},
            ))
        return out

    # -- labels ---------------------------------------------------------------
    def _label(self, pid: str, text: str, s: Scores, boost: Scores, span=None) -> Label:
        area = _combine(s.area, boost.area)
        finding = _combine(s.finding, boost.finding)
        vietnamese = looks_vietnamese(text)
        if not vietnamese:
            finding = {c: (0.5 if c == "khac" else 0.5 / (len(finding) - 1)) for c in finding}
            area = {c: v * 0.5 + 0.5 / len(area) for c, v in area.items()}
        a_top, f_top = _top(area), _top(finding)
        second = a_top[1] if len(a_top) > 1 else None
        return Label(
            passage_id=pid,
            area=a_top[0][0],
            finding=f_top[0][0],
            area_confidence=round(a_top[0][1], 4),
            finding_confidence=round(f_top[0][1], 4),
            area_scores=a_top,
            finding_scores=f_top,
            area2=second[0] if second and second[1] >= 0.3 else None,
            text=text,
            sentence_span=span,
            model_version=self.version,
            low_confidence=not vietnamese or min(a_top[0][1], f_top[0][1]) < self.taxonomy.low_confidence,
        )

    def label_texts(self, items: list[tuple[str, str, list[str]]], split: bool = True) -> list[list[Label]]:
        """items: (id, text, heading_path). Returns, per item, its passage label first
        followed by sentence-span labels when the passage was split."""
        texts = [text for _, text, _ in items]
        passage_scores = self.scores(texts)
        sentences = [split_sentences(t) if split else [] for t in texts]
        flat = [s for group in sentences if len(group) > 1 for s in group]
        flat_scores = iter(self.scores(flat)) if flat else iter(())
        results = []
        for (pid, text, headings), s, sents in zip(items, passage_scores, sentences):
            boost = heading_boost(headings or [], self.taxonomy)
            labels = [self._label(pid, text, s, boost)]
            if len(sents) > 1:
                sent_labels = [self._label(pid, sent, next(flat_scores), boost, (i, i + 1))
                               for i, sent in enumerate(sents)]
                labels.extend(self._spans(pid, sents, sent_labels, boost))
            results.append(labels)
        return results

    def _spans(self, pid: str, sents: list[str], sent_labels: list[Label], boost: Scores) -> list[Label]:
        """Group consecutive sentences by finding type; [] when the passage stays whole."""
        groups: list[list[int]] = []
        for i, label in enumerate(sent_labels):
            if groups and sent_labels[groups[-1][-1]].finding == label.finding:
                groups[-1].append(i)
            else:
                groups.append([i])
        if len(groups) < 2:
            return []
        spans = []
        for group in groups:
            conf = sum(sent_labels[i].finding_confidence for i in group) / len(group)
            if conf < SPLIT_MIN_CONFIDENCE:
                return []
            text = " ".join(sents[i] for i in group)
            spans.append((group[0], group[-1] + 1, text))
        span_scores = self.scores([t for _, _, t in spans])
        return [self._label(pid, t, sc, boost, (a, b)) for (a, b, t), sc in zip(spans, span_scores)]

    def label_passages(self, passages: list[Passage]) -> list[Label]:
        """Labels for the batch pipeline: span labels replace the passage label when split."""
        out: list[Label] = []
        items = [(p.id, p.text, p.heading_path) for p in passages]
        for labels in self.label_texts(items):
            out.extend(labels[1:] if len(labels) > 1 else labels)
        return out
