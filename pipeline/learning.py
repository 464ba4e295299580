"""Retraining: the corpus train split plus, optionally, the editors' corrections.

Corrections win over a corpus passage with the same normalised text. The workspace
is only read; corrections stay in it whatever happens to the model.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .errors import ReportError
from .labelled import LabelledPassage, load_split
from .train import MODEL_DIR, train

CORRECTION_WEIGHT = 3


def _workspace_path(workspace: str) -> Path:
    path = Path(workspace)
    return path / "tongket.sqlite" if path.is_dir() else path


def corrected_items(workspace: str) -> list[LabelledPassage]:
    """Passages whose area or finding an editor set, with the editor's labels."""
    from .workspace import Workspace

    path = _workspace_path(workspace)
    if not path.exists():
        raise ReportError("không tìm thấy không gian làm việc", str(path), "kiểm tra lại tham số -w")
    with Workspace.open(path, readonly=True) as ws:
        return [LabelledPassage(id=f"ws-{p.id}", text=p.text, area=area, finding=finding,
                                heading=p.heading)
                for p, area, finding in ws.corrected_passages()]


def train_model(out_dir: str | None = None, workspace: str | None = None, require_workspace: bool = False,
                log=print) -> dict:
    train_items, dev_items = load_split("train"), load_split("dev")
    if require_workspace and not workspace:
        raise ReportError("cần chỉ rõ không gian làm việc", None, "thêm tham số -w THƯ_MỤC_KẾT_QUẢ")
    if workspace:
        extra = corrected_items(workspace)
        texts = {" ".join(e.text.lower().split()) for e in extra}
        # An editor's correction is in-domain and deliberate: it counts CORRECTION_WEIGHT times.
        train_items = [t for t in train_items if " ".join(t.text.lower().split()) not in texts] + [
            replace(e, id=f"{e.id}#{k}") for e in extra for k in range(CORRECTION_WEIGHT)]
        log(f"Gộp {len(extra)} đoạn đã được biên tập viên hiệu chỉnh vào dữ liệu huấn luyện.")
    log(f"Huấn luyện trên {len(train_items)} đoạn, chọn vòng tốt nhất trên {len(dev_items)} đoạn dev.")
    target = Path(out_dir) if out_dir else MODEL_DIR
    meta = train(train_items, dev_items, out_dir=target, log=log)
    meta["path"] = str(target)
    return meta


def score_model(model_dir: str | Path, items: list[LabelledPassage]) -> tuple[float, float]:
    """(area macro-F1, finding macro-F1) of a saved model on labelled items."""
    from .classify import Classifier
    from .evaluate import evaluate

    clf = Classifier(model_dir)
    results = clf.label_texts([(i.id, i.text, [i.heading] if i.heading else []) for i in items], split=False)
    area, finding = evaluate(items, [(r[0].area, r[0].finding) for r in results], clf.taxonomy)
    return area.macro_f1, finding.macro_f1


def before_and_after(before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]]) -> str:
    """A Vietnamese table of macro-F1 before and after retraining, per evaluation set."""
    lines = [f"{'tập đánh giá':<28}{'trước (lĩnh vực / loại)':>26}{'sau (lĩnh vực / loại)':>26}"]
    for name in after:
        b = before.get(name)
        was = f"{b[0]:.3f} / {b[1]:.3f}" if b else "—"
        lines.append(f"{name:<28}{was:>26}{f'{after[name][0]:.3f} / {after[name][1]:.3f}':>26}")
    return "\n".join(lines)
