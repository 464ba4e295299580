"""The files a run writes: each rewritten only when what it shows changed, in parallel processes.

Each output has a fingerprint of what it is drawn from (``inputs_of``), made of hashes of the
workspace's tables read straight from SQLite (``Workspace.digest``: passages, current labels,
editors' corrections, files) and of the rest it shows: the review workbook also shows the
flagged corrections and the batch id; the draft the editors' choice of reports and the heatmap
(itself drawn from the tables); the heatmap is fingerprinted by its coverage matrix and the
processing report by the files' outcomes. ``.tongket-outputs.json`` keeps the fingerprints with
the hash of each file written: an output is written again when its fingerprint changed or its
file is missing or not the one tongket wrote — never stale — and a run that changed nothing
rewrites nothing.

Two worker processes write the long outputs (``OutputPool``). When a run has new reports they
start while the reports are read, import their libraries, and read the passages once they are
stored, all while the run loads the model and labels the new passages. The book's worker checks
the heatmap (drawn again when the coverage changed), then writes the review workbook and the
excerpt book; the draft's worker builds the draft's model (grouping the statements, reading the
figures), waits for the heatmap it embeds and renders the draft under a temporary name. The run
writes the processing report and, once everything else is written, puts the draft in place.
"""
from __future__ import annotations

import atexit
import concurrent.futures
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from .files import TEMP_PREFIX, copy_file, move_into_place, output_path, write_text

WORKBOOK = "ra-soat.xlsx"
EXCERPTS = "trich-doan.docx"
HEATMAP = "bao-phu.png"
DRAFT = "du-thao-bao-cao-tong-ket.docx"
PROCESSING = "bao-cao-xu-ly.xlsx"
NAMES = [WORKBOOK, EXCERPTS, HEATMAP, PROCESSING, DRAFT]
OUTPUT_STATE = ".tongket-outputs.json"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_state(out_dir: Path) -> dict:
    try:
        state = json.loads((out_dir / OUTPUT_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def edited(out_dir: Path, state: dict, name: str) -> bool:
    """True when the output exists but is not the file tongket last wrote."""
    path = out_dir / name
    written = state.get("hashes", {}).get(name)
    return path.exists() and written is not None and file_sha256(path) != written


def keep_copy(out_dir: Path, name: str) -> str:
    """Keep an edited output as NAME.da-sua-STAMP before it is rewritten; returns the notice."""
    path = out_dir / name
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    keep = output_path(out_dir, f"{path.stem}.da-sua-{stamp}{path.suffix}")
    copy_file(path, keep)
    hint = (" — nếu đây là bảng rà soát có hiệu chỉnh chưa nhập, chạy "
            f"'tongket review import {keep.name} -w {out_dir}'") if name == WORKBOOK else ""
    return f"{name} đã được sửa sau lần xuất trước; bản đó được giữ lại thành {keep.name}{hint}"


def protect_workbook(ws, out_dir: Path) -> list[str]:
    """At the start of a run: keep a copy of an edited review workbook only if it holds edits that
    were not imported (or that import would refuse), so that nothing an editor typed is lost.
    A workbook whose edits are all in the workspace already is simply rewritten."""
    from .errors import ReportError
    from .review import pending_rows

    if not edited(out_dir, load_state(out_dir), WORKBOOK):
        return []
    try:
        pending = pending_rows(ws, out_dir / WORKBOOK)
    except ReportError:  # not readable, another batch's, not a review workbook: keep it
        pending = 1
    return [keep_copy(out_dir, WORKBOOK)] if pending else []


# --- what each output shows ----------------------------------------------------------------

def digest(*parts) -> str:
    """A fingerprint of plain data (dataclasses, lists, dicts, strings, numbers) by its repr."""
    out = hashlib.sha256()
    for part in parts:
        out.update(repr(part).encode("utf-8", "surrogatepass"))
        out.update(b"\x1e")
    return out.hexdigest()


def inputs_of(snap, tables: dict[str, str], files: list, chosen: set[str]) -> dict[str, str]:
    """The fingerprint of each output but the heatmap's (``heatmap_input``). ``tables``: the
    workspace's digests; the coverage the workbook and the draft show is drawn from them."""
    from .taxonomy import load_taxonomy

    tax = load_taxonomy()
    return {
        WORKBOOK: digest(tables, [(f.passage, f.corrections, f.replaced) for f in snap.flagged()], snap.batch_id,
                         str(snap.folder), tax),
        EXCERPTS: digest(tables, tax),
        PROCESSING: digest([_outcome(f) for f in files]),
        # the draft reads the reports by hash (in the files table); a hash's report never changes
        DRAFT: digest(tables, sorted(chosen), tax),
    }


def _outcome(f) -> tuple:
    """What the run's outputs show of a file's outcome (not whether this run read it afresh)."""
    return (f.path, f.sha256, f.status, f.format, f.province, f.pages, f.passages, f.warnings, f.error, f.flags,
            f.used_in_draft)


def heatmap_input(coverage) -> str:
    from .taxonomy import load_taxonomy

    return digest(coverage, load_taxonomy())


# --- the workers ----------------------------------------------------------------------------

_AHEAD: dict[str, dict] = {}  # in a worker: database -> what it read ahead (see _read_ahead)
_HEATMAP_READY = None  # in the workers: set by the book's worker once the heatmap is up to date


def _start_worker(heatmap_ready) -> None:
    """Each worker's initializer. A worker runs at a lower priority: it starts while the run reads
    the reports and loads the model, which must not wait for it; when the outputs are written, the
    run itself has little left to do. A worker ends
    without the interpreter's teardown (its libraries took tenths of a second to free): its exit
    handlers run after multiprocessing has flushed its queues, so nothing is left to do then."""
    global _HEATMAP_READY
    _HEATMAP_READY = heatmap_ready
    try:
        os.nice(WORKER_NICENESS)
    except (AttributeError, OSError):
        pass
    atexit.register(os._exit, 0)


def _warm_up(draft: bool) -> None:
    """A worker's first task: import what its jobs need, while the run still reads and labels."""
    if draft:
        from . import draft, synthesize  # noqa: F401
    else:
        from . import excerpts, heatmap, review_export  # noqa: F401
    from .taxonomy import load_taxonomy

    load_taxonomy()


def _read_ahead(db_path: str, draft: bool) -> None:
    """Read, while the run labels the new passages, what does not depend on their labels: the
    passages (stored by now, and not stored again in this run), the labels of the others and,
    for the draft, the reports and what the memo remembers of their sentences."""
    from .workspace import Workspace

    with Workspace.open(db_path, readonly=True) as ws:
        ahead = {"passages": ws.passages(), "labels": ws.labels(scores=False)}
        if draft:
            from .draft import remember
            from .memo import Memo

            shas = {p.doc_sha256 for p in ahead["passages"]} | {f.sha256 for f in ws.files() if f.sha256}
            ahead["documents"] = {sha: ws.cached_document(sha) for sha in sorted(shas)}
            ahead["memo"] = remember(Memo(ws))
    _AHEAD[db_path] = ahead


def _open(db_path: str, labelled: list[str]):
    """The workspace, read-only, with what was read ahead; ``labelled``: the passages labelled since."""
    from .workspace import Workspace

    ws = Workspace.open(db_path, readonly=True)
    ahead = _AHEAD.get(db_path)
    if ahead:
        fresh = set(labelled)
        labels = {pid: found for pid, found in ahead["labels"].items() if pid not in fresh}
        ws.preload(ahead["passages"], ahead.get("documents"), {**labels, **ws.labels_of(labelled)})
    return ws


def book_job(db_path: str, labelled: list[str], outputs: dict[str, str], names: list[str], heatmap: str | None,
             heatmap_intact: bool) -> dict:
    """The heatmap when its coverage changed (``heatmap``: its last fingerprint), which the draft's
    worker then embeds (it waits for the signal), then the review workbook and the excerpt book
    when ``names`` has them. Returns the heatmap's fingerprint and what was written."""
    from .coverage import coverage_matrix, write_heatmap
    from .excerpts import write_excerpt_book
    from .review import export_workbook

    written = []
    with _open(db_path, labelled) as ws:
        try:
            coverage = coverage_matrix(ws)
            fingerprint = heatmap_input(coverage)
            if fingerprint != heatmap or not heatmap_intact:
                write_heatmap(coverage, outputs[HEATMAP])
                written.append(HEATMAP)
        finally:
            if _HEATMAP_READY is not None:
                _HEATMAP_READY.set()
        if WORKBOOK in names:
            export_workbook(ws, outputs[WORKBOOK])
            written.append(WORKBOOK)
        if EXCERPTS in names:
            write_excerpt_book(ws, outputs[EXCERPTS])
            written.append(EXCERPTS)
    return {"heatmap": fingerprint, "written": written}


def draft_job(db_path: str, labelled: list[str], target: str, heatmap: str, chosen: set[str]) -> dict:
    """The draft, written to ``target`` (a temporary name: the run puts it in place once every
    other output is written). It embeds the heatmap, which the other worker checks meanwhile (in a
    worker, the job waits for its signal before rendering). Returns the memo entries to keep."""
    from .draft import prepare, render_docx
    from .memo import Memo

    with _open(db_path, labelled) as ws:
        memo = _AHEAD.get(db_path, {}).get("memo") or Memo(ws)
        prepared = prepare(ws, memo=memo, chosen=chosen)
    if _HEATMAP_READY is not None:
        _HEATMAP_READY.wait(HEATMAP_WAIT)
    render_docx(prepared, target, heatmap=heatmap)
    return memo.new


HEATMAP_WAIT = 15 * 60  # seconds; the run always signals, even when it fails
WORKER_NICENESS = 19  # below the run's thread that loads the model (run.THREAD_NICENESS)


class OutputPool:
    """The two output workers, spawned (never forked: a forked child must not inherit the run's
    SQLite connection, nor a lock one of its threads holds). The draft's worker starts when a run
    begins reading new reports; once they are stored, it reads their passages and the workbook's
    worker starts (``stored``), so that neither slows down the run's loading of the model."""

    here = False

    def __init__(self):
        import multiprocessing

        self.context = multiprocessing.get_context("spawn")
        self.heatmap_ready = self.context.Event()  # set by the book's worker, awaited by the draft's
        self.draft = self._worker(draft=True)
        self.book = None

    def _worker(self, draft: bool) -> ProcessPoolExecutor:
        worker = ProcessPoolExecutor(max_workers=1, mp_context=self.context, initializer=_start_worker,
                                     initargs=(self.heatmap_ready,))
        worker.submit(_warm_up, draft)
        return worker

    def stored(self, db_path: str | None = None) -> None:
        """The passages are stored: the workers read them ahead (the book's worker starts now)."""
        if self.book is None:
            self.book = self._worker(draft=False)
            if db_path:
                self.draft.submit(_read_ahead, db_path, True)
                self.book.submit(_read_ahead, db_path, False)

    def close(self) -> None:
        self.heatmap_ready.set()
        for worker in (self.draft, self.book):
            if worker is not None:
                worker.shutdown(wait=True, cancel_futures=True)


class _Here:
    """Runs the jobs in the run's own process (one worker), with the pool's interface."""

    heatmap_ready = None
    here = True

    def __init__(self):
        self.draft = self.book = self

    def stored(self, db_path: str | None = None) -> None:
        pass

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - raised again by result()
            future.set_exception(exc)
        return future

    def close(self) -> None:
        pass


# --- the run's outputs ------------------------------------------------------------------------

def write_outputs(ws, out_dir: Path, files: list, progress, workers: int = 2, chosen: set[str] = frozenset(),
                  pool: OutputPool | None = None, labelled: list[str] = ()) -> tuple[dict[str, str], bool, list[str]]:
    """Write the outputs whose inputs changed; returns (paths, whether anything was written, notices).
    ``labelled``: the passages the run labelled; their labels show in the draft, the workbook and
    the excerpt book, whose jobs then start at once, while the fingerprints are taken."""
    changed, labelled = bool(labelled), list(labelled)
    from .workspace import Workspace

    state = load_state(out_dir)
    hashes, before = state.get("hashes", {}), state.get("inputs", {})
    outputs = {name: str(output_path(out_dir, name)) for name in NAMES}
    intact = {n: (out_dir / n).exists() and file_sha256(out_dir / n) == hashes.get(n) for n in NAMES}
    runner, jobs, placed = None, {}, False
    try:
        with Workspace.open(ws.db_path, readonly=True) as snap:
            if changed:
                runner = _runner(pool, workers)
                notices = _keep_edited(out_dir, hashes, intact)
                jobs = _submit(runner, snap, labelled, outputs, {DRAFT, WORKBOOK, EXCERPTS}, before, intact, chosen)
            tables = {table: snap.digest(table) for table in ("passages", "labels", "states", "files")}
            fingerprint = digest(tables, [_outcome(f) for f in files], sorted(chosen))
            if not changed:
                if state.get("fingerprint") == fingerprint and all(intact.values()):
                    return outputs, False, []
                runner = _runner(pool, workers)
                notices = _keep_edited(out_dir, hashes, intact)
            inputs = inputs_of(snap, tables, files, chosen)
            todo = {n for n in inputs if not intact[n] or inputs[n] != before.get(n)}
            if not changed:
                jobs = _submit(runner, snap, labelled, outputs, todo, before, intact, chosen)
            tick = progress.stage("Xuất kết quả", len(todo | {HEATMAP}))
            if PROCESSING in todo:
                from .processing_report import write_processing_report

                write_processing_report(files, outputs[PROCESSING])
                tick()
            result = jobs[WORKBOOK].result()
            inputs[HEATMAP] = result["heatmap"]
            todo.update(result["written"])
            for _ in result["written"]:
                tick()
            if DRAFT in jobs:
                ws.store_memo(jobs[DRAFT].result())
                move_into_place(_draft_temp(out_dir), Path(outputs[DRAFT]))  # the last file to appear
                placed = True
                tick()
    finally:
        if runner is not None and runner is not pool:
            runner.close()
        if DRAFT in jobs and not placed:  # a job failed: the draft is not put in place
            concurrent.futures.wait([jobs[DRAFT]])
            _draft_temp(out_dir).unlink(missing_ok=True)
    state = {"fingerprint": fingerprint, "hashes": {n: file_sha256(out_dir / n) for n in NAMES},
             "inputs": {n: inputs[n] for n in NAMES}}
    write_text(out_dir / OUTPUT_STATE, json.dumps(state))
    return outputs, bool(todo), notices


def _runner(pool: OutputPool | None, workers: int):
    runner = pool if pool is not None and workers > 1 else (OutputPool() if workers > 1 else _Here())
    runner.stored()
    return runner


def _keep_edited(out_dir: Path, hashes: dict, intact: dict) -> list[str]:
    """Copies of the outputs someone edited (the workbook is seen to at the start of the run)."""
    return [keep_copy(out_dir, n) for n in NAMES
            if n != WORKBOOK and n in hashes and (out_dir / n).exists() and not intact[n]]


def _submit(runner, snap, labelled: list[str], outputs: dict[str, str], todo: set[str], before: dict, intact: dict,
            chosen: set[str]) -> dict:
    """Start the jobs: the book's always (it checks the heatmap), the draft's when it is to do."""
    db = str(snap.db_path)
    jobs = {}
    # in workers the draft starts first (the longest); in one process the heatmap is drawn first
    for name in ([WORKBOOK, DRAFT] if runner.here else [DRAFT, WORKBOOK]):
        if name == WORKBOOK:
            jobs[name] = runner.book.submit(book_job, db, labelled, outputs,
                                            [n for n in (WORKBOOK, EXCERPTS) if n in todo], before.get(HEATMAP),
                                            intact[HEATMAP])
        elif DRAFT in todo:
            jobs[name] = runner.draft.submit(draft_job, db, labelled, str(_draft_temp(Path(outputs[DRAFT]).parent)),
                                             outputs[HEATMAP], set(chosen))
    return jobs


def _draft_temp(out_dir: Path) -> Path:
    return out_dir / f"{TEMP_PREFIX}{os.getpid()}-{DRAFT}"
