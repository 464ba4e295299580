"""File-level entry points of the classification stage: label a JSONL file, evaluate one."""
from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

from .classify import Classifier
from .errors import ReportError
from .evaluate import KeywordBaseline, evaluate, format_report
from .files import write_text
from .labelled import read_json_lines, read_jsonl


@lru_cache(maxsize=4)
def get_classifier(model_dir: str | None = None) -> Classifier:
    """One model per process: loading it is the slow part."""
    return Classifier(model_dir)


def _read_requests(path: Path) -> list[tuple[str, str, list[str], dict]]:
    """(id, text, heading path, the raw line) for each line of a `tongket label` input."""
    items = []
    for number, raw in read_json_lines(path):
        text = unicodedata.normalize("NFC", str(raw.get("text") or ""))
        heading = raw.get("heading") or []
        headings = [heading] if isinstance(heading, str) else [str(h) for h in heading]
        items.append((str(raw.get("id", number)), text, [unicodedata.normalize("NFC", h) for h in headings], raw))
    return items


def label_jsonl(in_file: str, out_file: str, model_dir: str | None = None) -> tuple[int, int]:
    """Label every line of in_file; write the input fields plus the labels to out_file."""
    items = _read_requests(Path(in_file))
    clf = get_classifier(model_dir)
    results = clf.label_texts([(pid, text, headings) for pid, text, headings, _ in items])
    out_path = Path(out_file)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(_output_row(raw, pid, labels), ensure_ascii=False) + "\n"
             for (pid, _, _, raw), labels in zip(items, results)]
    low = sum(1 for labels in results if labels[0].low_confidence)
    write_text(out_path, "".join(lines))
    return len(items), low


def _output_row(raw: dict, pid: str, labels) -> dict:
    """The input line plus the passage label and, when it was split, its sentence spans."""
    main, spans = labels[0], labels[1:]
    row = dict(raw)
    row.update({
        "id": raw.get("id", pid),
        "area": main.area,
        "finding": main.finding,
        "area_confidence": main.area_confidence,
        "finding_confidence": main.finding_confidence,
        "area_top3": [[c, p] for c, p in main.area_scores],
        "finding_top3": [[c, p] for c, p in main.finding_scores],
        "area2": main.area2,
        "low_confidence": main.low_confidence,
        "model_version": main.model_version,
    })
    if spans:
        row["spans"] = [{"sentences": list(s.sentence_span), "text": s.text, "area": s.area, "finding": s.finding,
                         "area_confidence": s.area_confidence, "finding_confidence": s.finding_confidence}
                        for s in spans]
    return row


def evaluate_file(gold_file: str, model_dir: str | None = None, baseline: bool = True,
                  workspace: str | None = None) -> str:
    gold = read_jsonl(gold_file)
    if not gold:
        raise ReportError("tệp không có đoạn nào có nhãn", gold_file)
    clf = get_classifier(model_dir)
    tax = clf.taxonomy
    unknown = [g.id for g in gold if g.area not in tax.area_codes or g.finding not in tax.finding_codes]
    if unknown:
        raise ReportError(f"{len(unknown)} đoạn có nhãn không thuộc danh mục (ví dụ {unknown[0]})", gold_file,
                          "dùng mã lĩnh vực 1.1 … 1.10 và loại ket_qua, ton_tai, nguyen_nhan, de_xuat, khac")
    results = clf.label_texts([(g.id, g.text, [g.heading] if g.heading else []) for g in gold], split=False)
    predicted = [(r[0].area, r[0].finding) for r in results]
    sections = [f"Mô hình {clf.version} trên {gold_file} ({len(gold)} đoạn)"]
    for report, title in zip(evaluate(gold, predicted, tax), ("LĨNH VỰC", "LOẠI NỘI DUNG")):
        sections.append(format_report(report, title))
    scored = [(g, p) for g, p in zip(gold, predicted) if g.finding != "khac"]
    if scored:
        lenient = sum(1 for g, p in scored if p[0] in (g.area, g.area2)) / len(scored)
        sections.append(f"Lĩnh vực đúng với lĩnh vực chính hoặc lĩnh vực thứ hai của đáp án: {lenient:.3f}")
    if baseline:
        kb = KeywordBaseline(tax)
        base = evaluate(gold, [kb.predict(g.text) for g in gold], tax)
        sections.append("Phương pháp từ khóa (đường cơ sở): macro-F1 lĩnh vực "
                        f"{base[0].macro_f1:.3f}, loại {base[1].macro_f1:.3f}")
    if workspace:
        from .learning import corrected_items

        corrected = corrected_items(workspace)
        if corrected:
            res = clf.label_texts([(g.id, g.text, [g.heading] if g.heading else []) for g in corrected], split=False)
            reps = evaluate(corrected, [(r[0].area, r[0].finding) for r in res], tax)
            sections.append(f"Trên {len(corrected)} đoạn đã hiệu chỉnh: macro-F1 lĩnh vực "
                            f"{reps[0].macro_f1:.3f}, loại {reps[1].macro_f1:.3f}, "
                            f"độ chính xác {reps[0].accuracy:.3f} / {reps[1].accuracy:.3f}")
        else:
            sections.append("Không gian làm việc chưa có hiệu chỉnh nào.")
    return "\n\n".join(sections)
