"""The batch: every report in a folder → workspace, review workbook, excerpt book, coverage, draft.

Incremental by construction:
- a file is extracted only when its content hash is new (documents are cached in the workspace);
- a passage is classified only when it has no label from the current model version;
- an output is rewritten only when what it shows changed since it was written (fingerprints
  kept in ``.tongket-outputs.json``, see ``pipeline.outputs``); a run with a few new reports loads
  the model and starts the output workers while it reads them (``_Ahead``).

Bad input never stops the batch: a file that cannot be read gets one Vietnamese line (the file,
the problem, what to do) in the processing report and the summary. A report that is not in
Vietnamese is kept but not classified (status ``skipped``). A worker that crashes or hangs on a
file costs that file only. Reports are stored one by one and labels report by report, so a run
killed at any point continues where it stopped; outputs are written whole or not at all
(``pipeline.files``).

Editors act on two situations through ``gan-tinh.xlsx`` in the output folder (see
``processing_report``): a report whose province could not be identified (write the province),
and a province that sent several reports (the newest by document date is used in the draft;
an ``x`` chooses another). ``current_reports(ws)`` tells the draft which reports to use.
"""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import threading
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from .errors import ReportError, WorkspaceError
from .files import check_writable, output_error, readable, remove_stale_temps
from .model import Document, Metadata
from .outputs import (DRAFT, EXCERPTS, HEATMAP, OUTPUT_STATE, PROCESSING, WORKBOOK, OutputPool,  # noqa: F401
                      file_sha256, protect_workbook, write_outputs)
from .processing_report import Assignment, read_assignments, write_assignments

DB_FILE = "tongket.sqlite"
ASSIGNMENTS = "gan-tinh.xlsx"

EXIT_OK = 0  # every file processed
EXIT_PARTIAL = 1  # some files failed, the batch completed
EXIT_NOTHING = 3  # no report could be read (empty folder, or every file failed)

IGNORED_PREFIXES = (".", "~$", "~")
FILE_TIMEOUT = 15 * 60  # seconds one file may take (a 300-page scan needs ~10 min on one core)
MIN_VIETNAMESE = 0.15  # share of words with Vietnamese letters below which a report is not Vietnamese
NO_PROVINCE = "không xác định được tỉnh"  # the extractor's warning
ASSIGNED = "tỉnh do Tổ biên tập gán trong " + ASSIGNMENTS
# Test hook: "STAGE:MARKER" pauses the run once at STAGE (extraction, classification, outputs)
# after touching MARKER, until MARKER is deleted (or 120 s pass). Used by the kill/resume tests.
PAUSE_ENV = "TONGKET_TEST_PAUSE_AT"

_VI_LETTERS = re.compile(r"[đăâêôơưĐĂÂÊÔƠƯ\u00c0-\u00c3\u00c8-\u00ca\u00cc\u00cd\u00d2-\u00d5\u00d9\u00da\u00dd"
                         r"\u00e0-\u00e3\u00e8-\u00ea\u00ec\u00ed\u00f2-\u00f5\u00f9\u00fa\u00fd\u0128\u0129\u0168"
                         r"\u0169\u1ea0-\u1ef9]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


@dataclass
class FileOutcome:
    path: str  # relative to the input folder
    status: str  # ok, failed, skipped
    sha256: str | None = None
    format: str | None = None
    province: str | None = None
    pages: int | None = None
    passages: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    cached: bool = False
    date: str | None = None  # the report's own date (metadata), ISO
    detected_province: str | None = None  # what the extractor found, before an editor's assignment
    flags: list[str] = field(default_factory=list)  # this run's remarks: duplicates, missing province
    used_in_draft: bool | None = None  # None: not a usable report


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
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # province -> files, the one used first
    superseded: list[str] = field(default_factory=list)  # files not used because a newer one exists
    no_province: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status != "ok"]

    @property
    def exit_code(self) -> int:
        if not self.files or len(self.failed) == len(self.files):
            return EXIT_NOTHING
        return EXIT_PARTIAL if self.failed else EXIT_OK


# --- input discovery ---------------------------------------------------------------

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


def display_name(relative: str) -> str:
    """A file's name as shown and stored: valid UTF-8, NFC, on one line."""
    return _CONTROL.sub("?", unicodedata.normalize("NFC", readable(relative)))


def _names(paths: list[Path], input_dir: Path) -> dict[Path, str]:
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for p in paths:
        name = base = display_name(str(p.relative_to(input_dir)))
        n = 1
        while name in taken:  # two raw names that look the same once cleaned
            n += 1
            name = f"{base} ({n})"
        taken.add(name)
        names[p] = name
    return names


def _outside(path: Path, input_dir: Path) -> bool:
    """A symbolic link that leads out of the input folder (never read: nothing gets in)."""
    if not path.is_symlink():
        return False
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return True
    root = input_dir.resolve()
    return target != root and root not in target.parents


# --- extraction workers ------------------------------------------------------------

class _Timeout(BaseException):
    """Raised by SIGALRM in a worker; a BaseException so that parsers' `except Exception` let it through."""


def _on_alarm(signum, frame):
    raise _Timeout()


def _extract_worker(path: str, timeout: int = FILE_TIMEOUT) -> tuple[str, dict | None, str | None]:
    """Runs in a worker process: (path, document as dict, Vietnamese error)."""
    from extractors import extract_file

    armed = timeout and hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _on_alarm) if armed else None
    if armed:
        signal.alarm(timeout)
    try:
        return path, extract_file(path).to_dict(), None
    except ReportError as exc:
        return path, None, exc.render()
    except _Timeout:
        return path, None, (f"{path}: đọc tệp quá {timeout // 60 or 1} phút nên đã dừng — hãy kiểm tra tệp "
                            "(có thể quá dài hoặc hỏng), hoặc xin tỉnh gửi lại bản ngắn gọn dạng Word/PDF")
    except Exception as exc:  # a bug or an unforeseen file: the batch must go on
        return path, None, (f"{path}: lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {exc}) — "
                            "hãy gửi tệp này cho nhóm phát triển tongket; các tệp khác vẫn được xử lý")
    finally:
        if armed:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def _crashed(path: str) -> tuple[str, None, str]:
    return path, None, (f"{path}: trình đọc bị dừng đột ngột khi đọc tệp này (tệp quá lớn hoặc hỏng) — "
                        "hãy mở thử bằng Word hoặc trình đọc PDF; nếu lỗi, xin tỉnh gửi lại")


def _extract_all(paths: list[Path], workers: int, tick: Callable[[], None], ahead: "_Ahead | None" = None):
    """(path, document dict, error) for each path, in completion order. A worker that dies takes
    down the pool: the files it left unfinished are retried one per fresh process, so only the
    file that kills its reader is reported. With ``ahead``, even one file is read in a worker
    (the run's own process loads the model meanwhile); its thread starts once the workers are
    forked, and has ended before any retry forks again (a thread running during a fork could
    leave a lock it holds locked forever in the child)."""
    if workers <= 1 or not paths or (len(paths) == 1 and ahead is None):
        for p in paths:
            yield _extract_worker(str(p))
            tick()
        return
    retry: list[Path] = []
    with ProcessPoolExecutor(max_workers=min(workers, len(paths))) as pool:
        futures = {pool.submit(_extract_worker, str(p)): p for p in paths}
        if ahead:
            ahead.start()
        for fut in as_completed(futures):
            try:
                result = fut.result()
            except BrokenProcessPool:
                retry.append(futures[fut])
                continue
            yield result
            tick()
    if retry and ahead:
        ahead.loaded()
    for p in retry:
        try:
            with ProcessPoolExecutor(max_workers=1) as pool:
                result = pool.submit(_extract_worker, str(p)).result()
        except BrokenProcessPool:
            result = _crashed(str(p))
        yield result
        tick()


class _Ahead:
    """Work started when a run has new reports to read, so that it is done when the run needs it.

    While the reports are read in worker processes, a thread of the run's process loads the
    classifier, and the draft's output worker starts and imports its libraries
    (``outputs.OutputPool``). Once the reports are stored, the workbook's worker starts too, and
    both read the passages while the run waits for the model and labels the new passages."""

    def __init__(self, model_dir: str | None):
        self.model_dir = model_dir
        self.pool: OutputPool | None = None
        self.thread = threading.Thread(target=self._load, name="tongket-model", daemon=True)

    def start(self) -> None:
        """The extraction workers are forked: start the thread and the draft's output worker."""
        self.thread.start()
        self.pool = OutputPool()

    def _load(self) -> None:
        _lower_priority(THREAD_NICENESS)  # this thread only: reading the reports (OCR) comes first
        try:
            from .labelling import get_classifier
            from .model import Passage

            clf = get_classifier(self.model_dir)
            clf.label_passages([Passage(id="-", text="Khởi động mô hình phân loại.")])  # its first call is slow
        except BaseException:  # noqa: BLE001 - the classification stage loads it again and says why
            pass

    def stored(self, db_path: Path) -> None:
        """The new reports are stored: the output workers read their passages."""
        if self.pool is not None:
            self.pool.stored(str(db_path))

    def loaded(self) -> None:
        """Wait for the model (the caller then gets it from get_classifier's cache)."""
        if self.thread.is_alive() or self.thread.ident is not None:
            self.thread.join()

    def __enter__(self) -> "_Ahead":
        return self

    def __exit__(self, *exc) -> None:
        self.loaded()
        if self.pool is not None:
            self.pool.close()


THREAD_NICENESS = 5  # the output workers run lower still (outputs.WORKER_NICENESS)


def _lower_priority(steps: int) -> None:
    """Lower the calling thread's scheduling priority (Linux schedules threads one by one; elsewhere
    nothing changes)."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + steps))
    except (AttributeError, OSError):
        pass


# --- test hook ---------------------------------------------------------------------

_paused: set[str] = set()


def _pause(stage: str) -> None:
    spec = os.environ.get(PAUSE_ENV, "")
    want, _, marker = spec.partition(":")
    if not marker or want != stage or stage in _paused:
        return
    _paused.add(stage)
    Path(marker).touch()
    deadline = time.monotonic() + 120
    while Path(marker).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


# --- language ----------------------------------------------------------------------

def vietnamese_share(doc: Document) -> float:
    """Share of words (2+ letters) carrying a Vietnamese letter or tone mark; 0.0 for no words."""
    words = total = 0
    for block in doc.blocks:
        texts = [cell for row in block.rows or [] for cell in row] if block.rows else [block.text]
        for text in texts:
            for word in _WORD.findall(text):
                total += 1
                words += bool(_VI_LETTERS.search(word))
    return words / total if total else 0.0


def _not_vietnamese(name: str, share: float) -> str:
    return (f"{name}: báo cáo không phải tiếng Việt (chỉ {share:.0%} số từ có dấu tiếng Việt) nên được lưu lại "
            "nhưng không phân loại — nếu đúng là báo cáo của tỉnh, xin tỉnh gửi bản tiếng Việt có dấu "
            "(bản gõ phông cũ TCVN3/VNI cũng được)")


# --- the batch ---------------------------------------------------------------------

class _Progress:
    """Progress callbacks the CLI turns into bars; silent by default."""

    def stage(self, name: str, total: int) -> Callable[[], None]:
        return lambda: None

    def done(self) -> None:
        pass


def run_batch(input_dir: str | Path, out_dir: str | Path, workers: int = 2, progress: _Progress | None = None,
              model_dir: str | None = None) -> RunSummary:
    """Run the whole batch. User-side problems (missing folder, busy workspace, full disk,
    read-only output folder) raise ReportError with a Vietnamese message."""
    input_dir, out_dir = Path(input_dir), Path(out_dir)
    if not input_dir.is_dir():
        raise ReportError("không tìm thấy thư mục báo cáo", str(input_dir), "kiểm tra lại đường dẫn")
    check_writable(out_dir)
    try:
        return _run(input_dir, out_dir, workers, progress or _Progress(), model_dir)
    except sqlite3.OperationalError as exc:
        raise _database_error(exc, out_dir / DB_FILE) from exc
    except WorkspaceError as exc:  # opening the database on a full disk is not a damaged database
        if isinstance(exc.__context__, sqlite3.OperationalError) and "full" in str(exc.__context__):
            raise _database_error(exc.__context__, out_dir / DB_FILE) from exc
        raise
    except OSError as exc:
        raise output_error(exc, exc.filename or out_dir) from exc


def _database_error(exc: sqlite3.OperationalError, db: Path) -> ReportError:
    text = str(exc).lower()
    if "full" in text:
        return ReportError("ổ đĩa đã đầy, không ghi được cơ sở dữ liệu", str(db),
                           "hãy giải phóng dung lượng ổ đĩa rồi chạy lại; phần đã xử lý được giữ nguyên")
    if "readonly" in text or "read-only" in text:
        return ReportError("cơ sở dữ liệu hoặc thư mục kết quả chỉ đọc", str(db),
                           "hãy kiểm tra quyền ghi, hoặc chọn thư mục kết quả khác bằng -o")
    return ReportError(f"lỗi cơ sở dữ liệu ({exc})", str(db),
                       "hãy chạy lại; nếu vẫn lỗi, dùng một thư mục kết quả mới")


def _run(input_dir: Path, out_dir: Path, workers: int, progress: _Progress, model_dir: str | None) -> RunSummary:
    from .workspace import Workspace

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    with Workspace.open(out_dir / DB_FILE) as ws, ExitStack() as stack:
        remove_stale_temps(out_dir)
        run_id = ws.start_run()
        assignments, notices = _read_assignments(ws, out_dir / ASSIGNMENTS)
        assigned, assign_notices = _assigned_provinces(assignments)
        notices += assign_notices
        notices += protect_workbook(ws, out_dir)  # before this run changes what its edits are compared to
        skip = out_dir.resolve() if out_dir.resolve() != input_dir.resolve() else None
        paths = discover(input_dir, skip=skip)
        names = _names(paths, input_dir)
        known = {f.path: f for f in ws.files()}
        for gone in set(known) - set(names.values()):
            ws.forget_file(gone)

        # 1. which files are new or changed; a cached report is re-segmented when its province changed
        outcomes: dict[str, FileOutcome] = {}
        todo: list[Path] = []
        shas: dict[str, str] = {}
        for p in paths:
            name = names[p]
            if _outside(p, input_dir):
                outcomes[name] = _fail(ws, name, None, f"{name}: là liên kết trỏ ra ngoài thư mục báo cáo nên không "
                                                       "được đọc — hãy chép chính tệp báo cáo vào thư mục")
                continue
            if not p.is_file():  # a named pipe or a device would block the reader forever
                outcomes[name] = _fail(ws, name, None, f"{name}: không phải một tệp thông thường nên không được đọc — "
                                                       "hãy chép báo cáo vào thư mục dưới dạng tệp Word/PDF")
                continue
            try:
                sha = file_sha256(p)
            except OSError as exc:
                outcomes[name] = _fail(ws, name, None, f"{name}: không đọc được tệp ({exc.strerror}) — "
                                                       "kiểm tra quyền đọc tệp")
                continue
            shas[name] = sha
            old = known.get(name)
            if old and old.sha256 == sha and old.status == "failed":
                outcomes[name] = _from_record(old)
                continue
            metadata = ws.cached_metadata(sha)
            if metadata is None:
                todo.append(p)
            elif old and old.sha256 == sha and _settled(old, metadata, assigned.get(name)):
                outcomes[name] = _from_record(old, metadata)
            else:
                outcomes[name] = _admit(ws, name, sha, ws.cached_document(sha), old, known, assigned.get(name))
        times["băm tệp"] = time.perf_counter() - t0

        # 2. extraction in worker processes, each report stored as soon as it is read; meanwhile
        # the model loads and the output workers start (see _Ahead)
        t = time.perf_counter()
        tick = progress.stage("Đọc báo cáo", len(todo))
        by_str = {str(p): p for p in todo}
        # a few new reports leave a core idle while they are read: load the model and start the output
        # workers meanwhile (a large batch keeps both cores busy reading: that would only slow it down)
        ahead = stack.enter_context(_Ahead(model_dir)) if todo and 1 < workers and len(todo) <= workers else None
        for path_str, doc_dict, error in _extract_all(todo, workers, tick, ahead):
            name = names[by_str[path_str]]
            sha = shas[name]
            if error:
                outcomes[name] = _fail(ws, name, sha, _one_line(error, path_str, name))
                continue
            doc = Document.from_dict(doc_dict)
            doc.source = name
            ws.store_document(doc)
            outcomes[name] = _admit(ws, name, sha, doc, known.get(name), known, assigned.get(name))
            _pause("extraction")
        if ahead:
            ahead.stored(ws.db_path)
        times["trích xuất"] = time.perf_counter() - t

        # 3. classification, report by report, of passages without a label from the current model
        t = time.perf_counter()
        version = _model_version(model_dir)
        pending = ws.unlabelled_passages(version) if version else ws.passages()
        if pending:  # a warm run with nothing to label never loads the model
            from .labelling import get_classifier

            if ahead:
                ahead.loaded()
            clf = get_classifier(model_dir)
            if clf.version != version:
                pending = ws.unlabelled_passages(clf.version)
        tick = progress.stage("Phân loại", len(pending))
        by_doc: dict[str, list] = {}
        for p in pending:
            by_doc.setdefault(p.doc_sha256, []).append(p)
        for chunk in by_doc.values():
            ws.store_labels(clf.label_passages(chunk))
            for _ in chunk:
                tick()
            _pause("classification")
        times["phân loại"] = time.perf_counter() - t

        # 4. duplicates and missing provinces, then the outputs (only when something changed)
        t = time.perf_counter()
        summary_files = [outcomes[k] for k in sorted(outcomes)]
        duplicates = _flag_reports(summary_files, assignments)
        notices += _update_assignments(out_dir / ASSIGNMENTS, assignments, summary_files, duplicates)
        _pause("outputs")
        outputs, written, output_notices = write_outputs(
            ws, out_dir, summary_files, progress, workers, chosen={a.path for a in assignments.values() if a.chosen},
            pool=ahead and ahead.pool, labelled=[p.id for p in pending])
        notices += output_notices
        times["xuất kết quả"] = time.perf_counter() - t

        from .provinces import PROVINCES

        covered = sorted({f.province for f in summary_files if f.status == "ok" and f.province})
        summary = RunSummary(
            input_dir=str(input_dir), out_dir=str(out_dir), files=summary_files, stage_seconds=times,
            provinces_covered=covered,
            provinces_missing=[p.name for p in PROVINCES if p.name not in covered],
            passages=ws.count_passages(),
            low_confidence=ws.low_confidence_count(),
            newly_extracted=len(todo), newly_labelled=len(pending), outputs_written=written,
            outputs=outputs, notices=notices, duplicates=duplicates,
            superseded=[f.path for f in summary_files if f.used_in_draft is False],
            no_province=[f.path for f in summary_files if f.status == "ok" and not f.province],
        )
        times["tổng"] = time.perf_counter() - t0
        ws.finish_run(run_id, {"files": len(summary_files), "failed": len(summary.failed),
                               "extracted": len(todo), "labelled": len(pending),
                               "seconds": {k: round(v, 3) for k, v in times.items()}})
    progress.done()
    return summary


def _model_version(model_dir: str | None) -> str | None:
    """The model's version from its meta.json, without loading the model (None if unreadable)."""
    default = Path(__file__).parent / "models" / "classifier"  # train.MODEL_DIR, without importing spaCy
    try:
        meta = json.loads(((Path(model_dir) if model_dir else default) / "meta.json").read_text(encoding="utf-8"))
        return meta["tongket"]["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _one_line(error: str, path_str: str, name: str) -> str:
    """The worker's message with the file shown by its name in the batch, on one line."""
    if error.startswith(path_str + ": "):
        error = f"{name}: " + error[len(path_str) + 2:]
    return " ".join(error.split())


def _fail(ws, name: str, sha: str | None, error: str) -> FileOutcome:
    ws.upsert_file(name, sha, status="failed", error=error)
    return FileOutcome(name, "failed", sha, error=error)


def _from_record(old, metadata: Metadata | None = None) -> FileOutcome:
    return FileOutcome(old.path, old.status, old.sha256, old.format, old.province, old.pages, old.passages,
                       list(old.warnings), old.error, cached=True,
                       date=metadata.date if metadata else None,
                       detected_province=metadata.province if metadata else None)


def _settled(old, metadata: Metadata, assigned: str | None) -> bool:
    """True when a cached report's stored passages already carry the right province."""
    if assigned:
        return old.province == assigned and ASSIGNED in old.warnings
    return ASSIGNED not in old.warnings and old.province == metadata.province


def _admit(ws, name: str, sha: str, doc: Document, old, known: dict, assigned: str | None) -> FileOutcome:
    """Segment a report (fresh or cached) into passages and record its file row."""
    from .segment import passages as make_passages

    detected = doc.metadata.province
    doc = replace(doc, source=name, metadata=replace(doc.metadata))
    warnings = [w for w in doc.warnings if w != NO_PROVINCE]
    if assigned:
        doc.metadata.province, doc.metadata.province_source = assigned, "editor"
        warnings.append(ASSIGNED)
    shared = old and old.sha256 and any(f.sha256 == old.sha256 for f in known.values() if f.path != name)
    replaces = [old.sha256] if old and old.sha256 and old.sha256 != sha and not shared else []
    share = vietnamese_share(doc)
    status, error, passages = "ok", None, []
    if share < MIN_VIETNAMESE:
        status, error = "skipped", _not_vietnamese(name, share)
    else:
        passages = make_passages(doc)
    ws.replace_passages(sha, passages, replaces=replaces)
    ws.upsert_file(name, sha, format=doc.format, status=status, province=doc.metadata.province, pages=doc.pages,
                   passages=len(passages), warnings=warnings, error=error)
    return FileOutcome(name, status, sha, doc.format, doc.metadata.province, doc.pages, len(passages), warnings,
                       error, date=doc.metadata.date, detected_province=detected)


# --- several reports per province, missing provinces -------------------------------

def _read_assignments(ws, path: Path) -> tuple[dict[str, Assignment], list[str]]:
    """gan-tinh.xlsx as the editors left it, remembered by the file's hash: the file rarely
    changes, and reading it (openpyxl) took a quarter of a second at the start of every run."""
    from dataclasses import asdict

    from . import processing_report
    from .memo import Memo, code_version

    if not path.exists():
        return {}, []
    memo = Memo(ws)
    remembered = memo.function("assignments", code_version(processing_report))

    def read() -> dict:
        rows, notices = read_assignments(path)
        return {"rows": [asdict(a) for a in rows.values()], "notices": notices}

    found = remembered.get((file_sha256(path),), read)
    ws.store_memo(memo.new)
    return {row["path"]: Assignment(**row) for row in found["rows"]}, found["notices"]


def _assigned_provinces(assignments: dict[str, Assignment]) -> tuple[dict[str, str], list[str]]:
    from .provinces import match_province

    out, notices = {}, []
    for a in assignments.values():
        if not a.province:
            continue
        province = match_province(a.province)
        if province is None:
            notices.append(f"{ASSIGNMENTS}, dòng {a.row}: không nhận ra «{a.province}» là tỉnh, thành phố nào — "
                           "hãy chọn tên trong danh sách rồi chạy lại")
        else:
            out[a.path] = province.name
    return out, notices


def choose_reports(files: Iterable, dates: dict[str, str | None], chosen: set[str]) -> dict[str, list]:
    """Usable reports grouped by province, the one the draft uses first.

    The editors' choice (``chosen`` paths) wins, then the newest document date, then the
    report with more passages. Works on FileOutcome and workspace FileRecord alike.
    """
    groups: dict[str, list] = {}
    for f in files:
        if f.status == "ok" and f.province and f.passages:
            groups.setdefault(f.province, []).append(f)
    for group in groups.values():
        group.sort(key=lambda f: (f.path in chosen, dates.get(f.sha256) or "", f.passages, f.path), reverse=True)
    return groups


def _vn_date(iso: str | None) -> str:
    if not iso:
        return "không rõ ngày"
    try:
        return "ngày " + datetime.strptime(iso, "%Y-%m-%d").strftime("%d/%m/%Y")
    except ValueError:
        return f"ngày {iso}"


def _flag_reports(files: list[FileOutcome], assignments: dict[str, Assignment]) -> dict[str, list[str]]:
    """Mark which report of each province the draft uses; flag duplicates and missing provinces."""
    chosen = {a.path for a in assignments.values() if a.chosen}
    groups = choose_reports(files, {f.sha256: f.date for f in files}, chosen)
    duplicates: dict[str, list[str]] = {}
    for f in files:
        if f.status == "ok" and f.passages:
            f.used_in_draft = True
        if f.status == "ok" and not f.province:
            f.flags.append("chưa xác định được tỉnh — hãy điền tỉnh vào cột C của " + ASSIGNMENTS
                           + " rồi chạy lại (báo cáo vẫn được phân loại và đưa vào bảng rà soát)")
    for province, group in groups.items():
        if len(group) < 2:
            continue
        duplicates[province] = [f.path for f in group]
        current = group[0]
        how = ("do Tổ biên tập chọn trong " + ASSIGNMENTS if current.path in chosen
               else "vì có ngày văn bản mới nhất")
        same_date = sum(1 for f in group if (f.date or "") == (current.date or "")) > 1
        unsure = " (các bản cùng ngày hoặc không rõ ngày: hãy kiểm tra)" if same_date and current.path not in chosen else ""
        current.flags.append(f"{province} có {len(group)} báo cáo: bản này ({_vn_date(current.date)}) được dùng cho "
                             f"dự thảo {how}{unsure}")
        for f in group[1:]:
            f.used_in_draft = False
            f.flags.append(f"{province} có {len(group)} báo cáo: bản này ({_vn_date(f.date)}) không dùng cho dự thảo "
                           f"vì đã có «{current.path}» ({_vn_date(current.date)}) — muốn dùng bản này, đánh x ở "
                           f"cột D của {ASSIGNMENTS} rồi chạy lại")
    return duplicates


def _update_assignments(path: Path, assignments: dict[str, Assignment], files: list[FileOutcome],
                        duplicates: dict[str, list[str]]) -> list[str]:
    """Add the reports that need an editor's decision to gan-tinh.xlsx (existing rows are kept as they are)."""
    by_path = {f.path: f for f in files}
    needed: dict[str, str] = {}
    for f in files:
        if f.status == "ok" and not f.province:
            needed[f.path] = "chưa xác định được tỉnh"
    for province, paths in duplicates.items():
        for p in paths:
            needed[p] = f"{province} có {len(paths)} báo cáo"
    missing = [p for p in needed if p not in assignments]
    if not missing:
        return []
    rows = list(assignments.values()) + [
        Assignment(p, by_path[p].detected_province or "", "", False, needed[p]) for p in sorted(missing)]
    try:
        write_assignments(rows, path)
    except ReportError as exc:
        return [exc.render()]
    return [f"{ASSIGNMENTS}: thêm {len(missing)} báo cáo cần Tổ biên tập quyết định (gán tỉnh hoặc chọn bản dùng)"]


def current_reports(ws, chosen: set[str] | None = None) -> set[str]:
    """The hashes of the reports the draft should use: one per province (the editors' choice in
    gan-tinh.xlsx, else the newest by document date), plus every report without a province.
    ``chosen``: the paths marked in gan-tinh.xlsx, when the caller has read it already."""
    if chosen is None:
        assignments, _ = read_assignments(Path(ws.folder) / ASSIGNMENTS)
        chosen = {a.path for a in assignments.values() if a.chosen}
    records = [f for f in ws.files() if f.status == "ok" and f.passages]
    dates = {}
    for f in records:
        doc = ws.cached_document(f.sha256)
        dates[f.sha256] = doc.metadata.date if doc else None
    groups = choose_reports(records, dates, chosen)
    keep = {group[0].sha256 for group in groups.values()}
    return keep | {f.sha256 for f in records if not f.province}
