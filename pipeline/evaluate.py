"""Scores for the two heads: per-class precision/recall/F1, macro-F1, confusion matrix.

Following the codebook, the area of a situation description (finding ``khac``)
is not scored: area metrics skip gold passages whose finding is ``khac``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .nlp import segment
from .taxonomy import Taxonomy


@dataclass
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class HeadReport:
    head: str
    labels: list[str]
    classes: list[ClassScore]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]  # rows gold, columns predicted, in `labels` order
    n: int


def _scores(gold: list[str], pred: list[str], labels: list[str]) -> list[ClassScore]:
    pairs = Counter(zip(gold, pred))
    out = []
    for label in labels:
        tp = pairs[(label, label)]
        predicted = sum(v for (g, p), v in pairs.items() if p == label)
        support = sum(v for (g, p), v in pairs.items() if g == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.append(ClassScore(label, precision, recall, f1, support))
    return out


def macro_f1(gold: list[str], pred: list[str], labels: list[str] | None = None) -> float:
    labels = labels or sorted(set(gold))
    present = [s for s in _scores(gold, pred, labels) if s.support]
    return sum(s.f1 for s in present) / len(present) if present else 0.0


def head_report(head: str, gold: list[str], pred: list[str], labels: list[str]) -> HeadReport:
    classes = _scores(gold, pred, labels)
    present = [s for s in classes if s.support]
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred):
        if g in index and p in index:
            confusion[index[g]][index[p]] += 1
    correct = sum(1 for g, p in zip(gold, pred) if g == p)
    return HeadReport(
        head=head,
        labels=labels,
        classes=classes,
        macro_f1=sum(s.f1 for s in present) / len(present) if present else 0.0,
        accuracy=correct / len(gold) if gold else 0.0,
        confusion=confusion,
        n=len(gold),
    )


def evaluate(gold_items, predicted: list[tuple[str, str]], taxonomy: Taxonomy) -> list[HeadReport]:
    """gold_items: LabelledPassage list; predicted: (area, finding) per item."""
    scored = [i for i, it in enumerate(gold_items) if it.finding != "khac"]
    area = head_report("area", [gold_items[i].area for i in scored], [predicted[i][0] for i in scored],
                       taxonomy.area_codes)
    finding = head_report("finding", [it.finding for it in gold_items], [p[1] for p in predicted],
                          taxonomy.finding_codes)
    return [area, finding]


def format_report(report: HeadReport, title: str) -> str:
    lines = [f"{title} (n = {report.n})", f"{'nhãn':<12}{'P':>7}{'R':>7}{'F1':>7}{'số mẫu':>9}"]
    for s in report.classes:
        lines.append(f"{s.label:<12}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.support:9d}")
    lines.append(f"{'macro-F1':<12}{'':>14}{report.macro_f1:7.3f}   độ chính xác {report.accuracy:.3f}")
    lines.append("Ma trận nhầm lẫn (hàng: nhãn đúng, cột: dự đoán)")
    width = max(6, max(len(label) for label in report.labels) + 1)
    lines.append(" " * 12 + "".join(f"{label[:width - 1]:>{width}}" for label in report.labels))
    for label, row in zip(report.labels, report.confusion):
        lines.append(f"{label:<12}" + "".join(f"{v:>{width}d}" for v in row))
    return "\n".join(lines)


class KeywordBaseline:
    """The simple baseline the model must beat: count taxonomy cue words."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self._cues = {
            head: [(c.code, [tuple(segment(cue)) for cue in c.cues]) for c in cats]
            for head, cats in (("area", taxonomy.areas), ("finding", taxonomy.findings))
        }

    def _pick(self, head: str, words: list[str], default: str) -> str:
        joined = " " + " ".join(words) + " "
        best, best_count = default, 0
        for code, cues in self._cues[head]:
            count = sum(joined.count(" " + " ".join(cue) + " ") for cue in cues if cue)
            if count > best_count:
                best, best_count = code, count
        return best

    def predict(self, text: str) -> tuple[str, str]:
        words = segment(text)
        return self._pick("area", words, "1.9"), self._pick("finding", words, "khac")
