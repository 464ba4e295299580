"""The batch: every report in a folder → workspace, review workbook, excerpt book, coverage, draft.

Incremental by construction:
- a file is extracted only when its content hash is new (documents are cached in the workspace);
- a passage is classified only when it has no label from the current model version;
- the outputs are rewritten only when the workspace's content changed since they were written
  (a fingerprint of files, labels and corrections kept in ``.tongket-outputs.json``).

Extraction runs in worker processes; a file that fails is recorded with its Vietnamese
reason and the batch goes on. An output an editor has edited since tongket wrote it (the
review workbook, typically) is never overwritten: it is kept as a dated copy first.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from .errors import ReportError
from .model import Document

DB_FILE = "tongket.sqlite"
WORKBOOK = "ra-soat.xlsx"
EXCERPTS = "trich-doan.docx"
HEATMAP = "bao-phu.png"
DRAFT = "du-thao-bao-cao-tong-ket.docx"
PROCESSING = "bao-cao-xu-ly.xlsx"
OUTPUT_STATE = ".tongket-outputs.json"

EXIT_OK = 0  # every file processed
EXIT_PARTIAL = 1  # some files failed, the batch completed
EXIT_NOTHING = 3  # no report could be read (empty folder, or every file failed)

IGNORED_PREFIXES = (".", "~$", "~")


@dataclass
class FileOutcome:
    path: str  # relative to the input folder
    status: str  # ok, failed
    sha256: str | None = None
    format: str | None = None
    province: str | None = None
    pages: int | None = None
    passages: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    cached: bool = False


@dataclass
class RunSummary:
    input_dir: str
    out_dir: str
    files: list[FileOutcome]
    stage_seconds: dict[str, float]
    provinces_covered: list[str]
    provinces_missing: list[str]
    passages: int
    low_confidence: int
    newly_extracted: int
    newly_labelled: int
    outputs_written: bool
    outputs: dict[str, str]
    notices: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status != "ok"]

    @property
    def exit_code(self) -> int:
        if not self.files or len(self.failed) == len(self.files):
            return EXIT_NOTHING
        return EXIT_PARTIAL if self.failed else EXIT_OK


def discover(input_dir: Path, skip: Path | None = None) -> list[Path]:
    """Every file under input_dir, recursively, minus hidden files and Office lock files."""
    out = []
    for root, dirs, files in os.walk(input_dir):
        root_path = Path(root)
        if skip and (root_path == skip or skip in root_path.parents):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out.extend(root_path / f for f in sorted(files) if not f.startswith(IGNORED_PREFIXES))
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _extract_worker(path: str) -> tuple[str, dict | None, str | None]:
    """Runs in a worker process: (path, document as dict, Vietnamese error)."""
    from extractors import extract_file

    try:
        return path, extract_file(path).to_dict(), None
    except ReportError as exc:
        return path, None, exc.render()
    except Exception as exc:  # a bug or an unforeseen file: the batch must go on
        return path, None, (f"{path}: lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {exc}) — "
                            "hãy gửi tệp này cho nhóm phát triển tongket; các tệp khác vẫn được xử lý")


def _extract_all(paths: list[Path], workers: int, tick: Callable[[], None]):
    if workers <= 1 or len(paths) <= 1:
        for p in paths:
            yield _extract_worker(str(p))
            tick()
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_extract_worker, str(p)) for p in paths]
        for fut in as_completed(futures):
            yield fut.result()
            tick()


class _Progress:
    """Progress callbacks the CLI turns into bars; silent by default."""

    def stage(self, name: str, total: int) -> Callable[[], None]:
        return lambda: None

    def done(self) -> None:
        pass


def run_batch(input_dir: str | Path, out_dir: str | Path, workers: int = 2, progress: _Progress | None = None,
              model_dir: str | None = None) -> RunSummary:
    from .segment import passages as make_passages
    from .workspace import Workspace

    progress = progress or _Progress()
    input_dir, out_dir = Path(input_dir), Path(out_dir)
    if not input_dir.is_dir():
        raise ReportError("không tìm thấy thư mục báo cáo", str(input_dir), "kiểm tra lại đường dẫn")
    out_dir.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}
    t0 = time.perf_counter()

    with Workspace.open(out_dir / DB_FILE) as ws:
        run_id = ws.start_run()
        paths = discover(input_dir, skip=out_dir.resolve() if out_dir.resolve() != input_dir.resolve() else None)
        rel = {p: str(p.relative_to(input_dir)) for p in paths}
        known = {f.path: f for f in ws.files()}
        for gone in set(known) - set(rel.values()):
            ws.forget_file(gone)

        # 1. which files are new or changed
        outcomes: dict[str, FileOutcome] = {}
        todo: list[Path] = []
        shas: dict[str, str] = {}
        for p in paths:
            try:
                sha = file_sha256(p)
            except OSError as exc:
                outcomes[rel[p]] = FileOutcome(rel[p], "failed", error=f"{rel[p]}: không đọc được tệp ({exc.strerror})"
                                               " — kiểm tra quyền đọc tệp")
                continue
            shas[rel[p]] = sha
            old = known.get(rel[p])
            if old and old.sha256 == sha and (old.status == "failed" or ws.cached_document(sha)):
                outcomes[rel[p]] = FileOutcome(rel[p], old.status, sha, old.format, old.province, old.pages,
                                               old.passages, old.warnings, old.error, cached=True)
            else:
                todo.append(p)
        times["băm tệp"] = time.perf_counter() - t0

        # 2. extraction in worker processes, stored as each file finishes
        t = time.perf_counter()
        tick = progress.stage("Đọc báo cáo", len(todo))
        for path_str, doc_dict, error in _extract_all(todo, workers, tick):
            name = rel[Path(path_str)]
            sha = shas[name]
            if error:
                ws.upsert_file(name, sha, status="failed", error=error)
                outcomes[name] = FileOutcome(name, "failed", sha, error=error)
                continue
            doc = Document.from_dict(doc_dict)
            doc.source = name
            passages = make_passages(doc)
            ws.store_document(doc)
            old = known.get(name)
            ws.replace_passages(doc.sha256, passages, replaces=[old.sha256] if old and old.sha256 else [])
            ws.upsert_file(name, sha, format=doc.format, status="ok", province=doc.metadata.province,
                           pages=doc.pages, passages=len(passages), warnings=doc.warnings)
            outcomes[name] = FileOutcome(name, "ok", sha, doc.format, doc.metadata.province, doc.pages,
                                         len(passages), doc.warnings)
        times["trích xuất"] = time.perf_counter() - t

        # 3. classification of passages without a label from the current model
        t = time.perf_counter()
        from .labelling import get_classifier

        clf = get_classifier(model_dir)
        pending = [p for p in ws.passages() if not ws.has_labels(p.id, clf.version)]
        tick = progress.stage("Phân loại", len(pending))
        for start in range(0, len(pending), 500):
            chunk = pending[start:start + 500]
            ws.store_labels(clf.label_passages(chunk))
            for _ in chunk:
                tick()
        times["phân loại"] = time.perf_counter() - t

        # 4. outputs, only when something changed
        t = time.perf_counter()
        summary_files = [outcomes[k] for k in sorted(outcomes)]
        outputs, written, notices = _write_outputs(ws, out_dir, summary_files, progress)
        times["xuất kết quả"] = time.perf_counter() - t

        effective = ws.effective_labels()
        from .provinces import PROVINCES

        covered = sorted({f.province for f in summary_files if f.status == "ok" and f.province})
        summary = RunSummary(
            input_dir=str(input_dir), out_dir=str(out_dir), files=summary_files, stage_seconds=times,
            provinces_covered=covered,
            provinces_missing=[p.name for p in PROVINCES if p.name not in covered],
            passages=len(ws.passages()),
            low_confidence=sum(1 for _, lab in effective if lab.low_confidence),
            newly_extracted=len(todo), newly_labelled=len(pending), outputs_written=written,
            outputs=outputs, notices=notices,
        )
        times["tổng"] = time.perf_counter() - t0
        ws.finish_run(run_id, {"files": len(summary_files), "failed": len(summary.failed),
                               "extracted": len(todo), "labelled": len(pending),
                               "seconds": {k: round(v, 3) for k, v in times.items()}})
    progress.done()
    return summary


# --- outputs -------------------------------------------------------------------

def _fingerprint(ws, files: list[FileOutcome]) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.path}|{f.sha256}|{f.status}\n".encode())
    for pid, labels in sorted(ws.labels().items()):
        for lab in labels:
            digest.update(f"{pid}|{lab.model_version}|{lab.area}|{lab.finding}|{lab.sentence_span}\n".encode())
    for c in ws.corrections():
        digest.update(f"{c.passage_id}|{c.field}|{c.new_value}|{c.at}\n".encode())
    return digest.hexdigest()


def _load_state(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / OUTPUT_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _protect_edited(out_dir: Path, state: dict, name: str) -> str | None:
    """Keep a copy of an output someone edited since tongket wrote it; returns a notice."""
    path = out_dir / name
    written = state.get("hashes", {}).get(name)
    if not path.exists() or written is None or file_sha256(path) == written:
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    keep = path.with_name(f"{path.stem}.da-sua-{stamp}{path.suffix}")
    shutil.copy2(path, keep)
    hint = (" — nếu đây là bảng rà soát có hiệu chỉnh chưa nhập, chạy "
            f"'tongket review import {keep.name} -w {out_dir}'") if name == WORKBOOK else ""
    return f"{name} đã được sửa sau lần xuất trước; bản đó được giữ lại thành {keep.name}{hint}"


def _write_outputs(ws, out_dir: Path, files: list[FileOutcome], progress) -> tuple[dict[str, str], bool, list[str]]:
    from .coverage import coverage_matrix, write_heatmap
    from .excerpts import write_excerpt_book
    from .processing_report import write_processing_report
    from .review import export_workbook

    state = _load_state(out_dir)
    fingerprint = _fingerprint(ws, files)
    names = [WORKBOOK, EXCERPTS, HEATMAP, PROCESSING] + ([DRAFT] if _has_draft() else [])
    outputs = {name: str(out_dir / name) for name in names}
    if state.get("fingerprint") == fingerprint and all(
            (out_dir / n).exists() and file_sha256(out_dir / n) == state.get("hashes", {}).get(n) for n in names):
        return outputs, False, []

    notices = [n for n in (_protect_edited(out_dir, state, name) for name in names) if n]
    tick = progress.stage("Xuất kết quả", len(names))
    export_workbook(ws, out_dir / WORKBOOK)
    tick()
    write_excerpt_book(ws, out_dir / EXCERPTS)
    tick()
    write_heatmap(coverage_matrix(ws), out_dir / HEATMAP)
    tick()
    write_processing_report(files, out_dir / PROCESSING)
    tick()
    if _has_draft():
        from .draft import write_draft

        write_draft(ws, out_dir / DRAFT, heatmap=out_dir / HEATMAP)
        tick()
    hashes = {n: file_sha256(out_dir / n) for n in names}
    tmp = out_dir / (OUTPUT_STATE + ".tmp")
    tmp.write_text(json.dumps({"fingerprint": fingerprint, "hashes": hashes}), encoding="utf-8")
    os.replace(tmp, out_dir / OUTPUT_STATE)
    return outputs, True, notices


def _has_draft() -> bool:
    import importlib.util

    return importlib.util.find_spec("pipeline.draft") is not None
