"""The batch workspace: one SQLite database per batch. The only module that talks to SQLite.

A workspace is the output folder of a batch: ``WORKSPACE/tongket.sqlite`` plus the advisory
lock file ``WORKSPACE/tongket.sqlite.lock`` (a path ending in ``.db``/``.sqlite`` is used as the
database itself). Foreign keys are on, the journal is WAL, every write is one transaction.

Schema (``PRAGMA user_version`` = number of applied ``MIGRATIONS``):

- ``meta(key PK, value)``: ``batch_id`` (uuid4, written into exported workbooks), ``created_at``.
- ``files(path PK, sha256, format, status ok|failed|skipped, province, pages, passages,
  warnings JSON, error, processed_at)``: one row per input file of the last run.
- ``documents(sha256 PK, source, format, province, metadata JSON, document JSON,
  status current|replaced, stored_at)``: the extracted Document, cached by content hash.
- ``passages(id PK, doc_sha256 -> documents, province, source, page, paragraph, block_index,
  heading_path JSON, text, norm_text, sentences JSON, status active|replaced, updated_at)``.
  Passages are never deleted: a passage of a replaced report is kept as ``replaced``.
- ``predictions(id PK, passage_id -> passages, model_version, span_start, span_end, area,
  finding, area_confidence, finding_confidence, area_scores JSON, finding_scores JSON, area2,
  text, low_confidence, created_at)``: one current set per passage and model version (storing
  again replaces that set); a passage's current labels are those of its latest model version.
- ``corrections(id PK, passage_id -> passages, passage_norm, field area|finding|excluded|note,
  old_value, new_value, editor, at, note, carried_from -> corrections)``: append-only (triggers
  forbid UPDATE and DELETE). ``passage_norm`` is the normalised text the editor saw.
- ``runs(id PK, started, finished, stats JSON)``.
- ``memo(key PK, value JSON)`` (schema 2): results of pure functions of a text that the outputs
  need again on every run (the draft's word features of a sentence), keyed by a hash of the
  function's version and its input (``pipeline.memo``). Only a cache: deleting rows is harmless.

How corrections survive re-runs: a correction is *effective* while its passage is active and the
passage's normalised text still equals ``passage_norm``. When it stops being effective (the
report was replaced, or the text changed), it is copied (``carried_from``) onto every active
passage of the same province with that normalised text. A non-effective correction that could
not be carried anywhere is flagged ``cần xem lại`` (see ``flagged()``); its rows stay.

Excluded is stored as ``"x"`` (excluded) or NULL (restored). A later correction of a field
overrides an earlier one (ordered by ``at`` then ``id``).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from .errors import WorkspaceError
from .model import Correction, Document, Label, Metadata, Passage

DB_NAME = "tongket.sqlite"
NEEDS_REVIEW = "cần xem lại"
FIELDS = ("area", "finding", "excluded", "note")
EXCLUDED_MARK = "x"
FILE_STATUSES = ("ok", "failed", "skipped")
# Test hook: when set to a path, add_corrections touches it and sleeps inside its transaction.
PAUSE_HOOK_ENV = "TONGKET_TEST_PAUSE_IN_TRANSACTION"

MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE files (
        path TEXT PRIMARY KEY,
        sha256 TEXT,
        format TEXT,
        status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
        province TEXT,
        pages INTEGER,
        passages INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        processed_at TEXT NOT NULL
    );
    CREATE TABLE documents (
        sha256 TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        format TEXT NOT NULL,
        province TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        document TEXT,
        status TEXT NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'replaced')),
        stored_at TEXT NOT NULL
    );
    CREATE TABLE passages (
        id TEXT PRIMARY KEY,
        doc_sha256 TEXT NOT NULL REFERENCES documents(sha256),
        province TEXT,
        source TEXT NOT NULL,
        page INTEGER,
        paragraph INTEGER NOT NULL,
        block_index INTEGER NOT NULL,
        heading_path TEXT NOT NULL,
        text TEXT NOT NULL,
        norm_text TEXT NOT NULL,
        sentences TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'replaced')),
        updated_at TEXT NOT NULL
    );
    CREATE INDEX passages_match ON passages (province, norm_text);
    CREATE INDEX passages_doc ON passages (doc_sha256);
    CREATE TABLE predictions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        passage_id TEXT NOT NULL REFERENCES passages(id),
        model_version TEXT NOT NULL,
        span_start INTEGER,
        span_end INTEGER,
        area TEXT NOT NULL,
        finding TEXT NOT NULL,
        area_confidence REAL NOT NULL,
        finding_confidence REAL NOT NULL,
        area_scores TEXT NOT NULL,
        finding_scores TEXT NOT NULL,
        area2 TEXT,
        text TEXT NOT NULL,
        low_confidence INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX predictions_passage ON predictions (passage_id, model_version);
    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        passage_id TEXT NOT NULL REFERENCES passages(id),
        passage_norm TEXT NOT NULL,
        field TEXT NOT NULL CHECK (field IN ('area', 'finding', 'excluded', 'note')),
        old_value TEXT,
        new_value TEXT,
        editor TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT NOT NULL,
        carried_from INTEGER REFERENCES corrections(id)
    );
    CREATE INDEX corrections_passage ON corrections (passage_id);
    CREATE INDEX corrections_carried ON corrections (carried_from);
    CREATE TRIGGER corrections_no_update BEFORE UPDATE ON corrections
        BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
    CREATE TRIGGER corrections_no_delete BEFORE DELETE ON corrections
        BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started TEXT NOT NULL,
        finished TEXT,
        stats TEXT
    );
    """,
    """
    CREATE TABLE memo (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    """,
]


@dataclass
class FileRecord:
    path: str
    sha256: str | None
    format: str | None
    status: str
    province: str | None = None
    pages: int | None = None
    passages: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    processed_at: str = ""


@dataclass
class EditorState:
    """The editors' current decision on one passage (None = no correction of that field)."""

    area: str | None = None
    finding: str | None = None
    excluded: bool = False
    note: str | None = None

    @property
    def corrected(self) -> bool:
        return self.area is not None or self.finding is not None


@dataclass
class FlaggedPassage:
    """A corrected passage whose text changed or disappeared: `cần xem lại`."""

    passage: Passage
    corrections: list[Correction]
    replaced: bool  # its report was replaced (else: same report, new text)
    flag: str = NEEDS_REVIEW


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def normalise_text(text: str) -> str:
    """The key passages are matched by: NFC, one tone style, lower case, words only."""
    from .vietnamese import normalize_text

    text = normalize_text(text, legacy=None).lower()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


class Workspace:
    """An open workspace. Use ``with Workspace.open(path) as ws:``."""

    def __init__(self, folder: Path, db_path: Path, conn: sqlite3.Connection, lock_file, readonly: bool):
        self.folder = folder
        self.db_path = db_path
        self.readonly = readonly
        self._conn = conn
        self._lock_file = lock_file
        self._snapshot: dict = {}  # read-only workspaces read each table once (see _read)

    # --- opening, locking, transactions ------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, lock_timeout: float = 3.0) -> "Workspace":
        """Open (creating when missing, unless read-only) the workspace at ``path``.

        Writing opens hold an exclusive advisory lock for the workspace's lifetime; a second
        writer waits up to ``lock_timeout`` seconds, then gets a WorkspaceError.
        """
        folder, db_path = _locate(Path(path))
        if readonly:
            if not db_path.exists():
                raise WorkspaceError("không tìm thấy cơ sở dữ liệu của thư mục làm việc", str(folder),
                                     "chạy tongket run với thư mục này trước")
            return cls._connect(folder, db_path, None, readonly=True)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"không tạo được thư mục làm việc ({exc.strerror})", str(folder))
        lock_file = _acquire_lock(folder, db_path, lock_timeout)
        try:
            return cls._connect(folder, db_path, lock_file, readonly=False)
        except BaseException:
            lock_file.close()
            raise

    @classmethod
    def _connect(cls, folder: Path, db_path: Path, lock_file, readonly: bool) -> "Workspace":
        conn = sqlite3.connect(db_path, timeout=5.0, isolation_level=None)
        ws = cls(folder, db_path, conn, lock_file, readonly)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA foreign_keys = ON")
            if readonly:
                conn.execute("PRAGMA query_only = ON")
            else:
                conn.execute("PRAGMA journal_mode = WAL")
            ws._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _database_error(exc, db_path) from exc
        except BaseException:
            conn.close()
            raise
        return ws

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise WorkspaceError("thư mục làm việc được tạo bởi phiên bản tongket mới hơn", str(self.folder),
                                 "cập nhật tongket rồi chạy lại")
        if version == len(MIGRATIONS):
            return
        if self.readonly:
            raise WorkspaceError("cơ sở dữ liệu cần được nâng cấp", str(self.folder),
                                 "chạy một lệnh ghi (ví dụ tongket run) trước")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._transaction() as conn:
                for statement in _statements(script):
                    conn.execute(statement)
                if number == 1:
                    conn.execute("INSERT INTO meta VALUES ('batch_id', ?), ('created_at', ?)",
                                 (str(uuid.uuid4()), now()))
                conn.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._lock_file is not None:
            self._lock_file.close()  # releases the flock
            self._lock_file = None

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise WorkspaceError("thư mục làm việc đang mở ở chế độ chỉ đọc", str(self.folder))
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _busy_error(self.folder) from exc
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _read(self, key, load):
        """``load()``, once per read-only workspace: output jobs open the workspace read-only while
        nothing writes to it, and several outputs read the same tables. A writable workspace
        always reads afresh."""
        if not self.readonly:
            return load()
        if key not in self._snapshot:
            self._snapshot[key] = load()
        return self._snapshot[key]

    def preload(self, passages: list[Passage], documents: dict[str, Document | None] | None = None,
                labels: dict[str, list[Label]] | None = None) -> None:
        """Use the active passages (and cached documents, current labels without scores) read
        earlier by another connection, the database unchanged since, as the output workers do."""
        if not self.readonly:
            raise ValueError("only a read-only workspace reads from a snapshot")
        self._snapshot["passages"] = list(passages)
        for sha, doc in (documents or {}).items():
            self._snapshot[("document", sha)] = doc
        if labels is not None:
            self._snapshot["labels"] = dict(labels)

    def digest(self, table: str) -> str:
        """A hash of what the outputs read from ``table`` (passages, labels, states, files), straight
        from the rows: equal hashes, equal content."""
        digest = hashlib.sha256()
        for row in self._conn.execute(_DIGESTS[table]):
            digest.update(repr(tuple(row)).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _all(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, tuple(params)).fetchall()

    def _one(self, sql: str, params: Iterable = ()):
        row = self._conn.execute(sql, tuple(params)).fetchone()
        return row[0] if row else None

    @property
    def batch_id(self) -> str:
        return self._one("SELECT value FROM meta WHERE key = 'batch_id'")

    @property
    def schema_version(self) -> int:
        return self._one("PRAGMA user_version")

    # --- files and documents ------------------------------------------------

    def upsert_file(self, path: str, sha256: str | None, *, format: str | None = None, status: str = "ok",
                    province: str | None = None, pages: int | None = None, passages: int = 0,
                    warnings: Iterable[str] = (), error: str | None = None) -> None:
        """Record one input file. A path that now has new content retires its old report."""
        if status not in FILE_STATUSES:
            raise ValueError(f"file status must be one of {FILE_STATUSES}: {status!r}")
        with self._transaction() as conn:
            old_sha = self._one("SELECT sha256 FROM files WHERE path = ?", (path,))
            conn.execute(
                """INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, format = excluded.format,
                   status = excluded.status, province = excluded.province, pages = excluded.pages,
                   passages = excluded.passages, warnings = excluded.warnings, error = excluded.error,
                   processed_at = excluded.processed_at""",
                (path, sha256, format, status, province, pages, passages,
                 json.dumps(list(warnings), ensure_ascii=False), error, now()),
            )
            if old_sha and old_sha != sha256:
                self._retire_if_unreferenced(old_sha)
                self._reconcile()

    def forget_file(self, path: str) -> None:
        """Drop a file that left the input folder; its report's passages are retired."""
        with self._transaction() as conn:
            sha = self._one("SELECT sha256 FROM files WHERE path = ?", (path,))
            conn.execute("DELETE FROM files WHERE path = ?", (path,))
            if sha:
                self._retire_if_unreferenced(sha)
                self._reconcile()

    def files(self) -> list[FileRecord]:
        return list(self._read("files", self._files))

    def _files(self) -> list[FileRecord]:
        return [
            FileRecord(path=r["path"], sha256=r["sha256"], format=r["format"], status=r["status"],
                       province=r["province"], pages=r["pages"], passages=r["passages"],
                       warnings=json.loads(r["warnings"]), error=r["error"], processed_at=r["processed_at"])
            for r in self._all("SELECT * FROM files ORDER BY path")
        ]

    def store_document(self, doc: Document) -> None:
        """Cache an extracted document by content hash (a warm re-run skips extraction)."""
        with self._transaction() as conn:
            conn.execute(
                """INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, 'current', ?)
                   ON CONFLICT (sha256) DO UPDATE SET source = excluded.source, format = excluded.format,
                   province = excluded.province, metadata = excluded.metadata, document = excluded.document,
                   status = 'current', stored_at = excluded.stored_at""",
                (doc.sha256, doc.source, doc.format, doc.metadata.province,
                 json.dumps(doc.to_dict()["metadata"], ensure_ascii=False),
                 json.dumps(doc.to_dict(), ensure_ascii=False), now()),
            )

    def cached_document(self, sha256: str) -> Document | None:
        return self._read(("document", sha256), lambda: self._document(sha256))

    def cached_metadata(self, sha256: str) -> Metadata | None:
        """The metadata of a cached document (None when not cached), without reading its blocks."""
        raw = self._one("SELECT metadata FROM documents WHERE sha256 = ? AND document IS NOT NULL", (sha256,))
        return Metadata(**json.loads(raw)) if raw else None

    def _document(self, sha256: str) -> Document | None:
        raw = self._one("SELECT document FROM documents WHERE sha256 = ?", (sha256,))
        return Document.from_dict(json.loads(raw)) if raw else None

    # --- passages -----------------------------------------------------------

    def replace_passages(self, doc_sha256: str, passages: list[Passage], replaces: Iterable[str] = ()) -> None:
        """Make ``passages`` the passages of one report.

        Passages of this report that are not in the list, and every passage of the reports in
        ``replaces`` (hashes of earlier versions of this report), are retired. Corrections then
        follow their text (see the module docstring).
        """
        with self._transaction() as conn:
            if not self._one("SELECT 1 FROM documents WHERE sha256 = ?", (doc_sha256,)):
                first = passages[0] if passages else Passage(id="", text="")
                conn.execute("INSERT INTO documents (sha256, source, format, province, stored_at) "
                             "VALUES (?, ?, '', ?, ?)", (doc_sha256, first.source, first.province, now()))
            conn.execute("UPDATE documents SET status = 'current' WHERE sha256 = ?", (doc_sha256,))
            for old in replaces:
                if old != doc_sha256:
                    self._retire_document(old)
            previous = {r["id"]: r["norm_text"] for r in
                        self._all("SELECT id, norm_text FROM passages WHERE doc_sha256 = ?", (doc_sha256,))}
            stamp = now()
            for p in passages:
                norm = normalise_text(p.text)
                if p.id in previous and previous[p.id] != norm:
                    conn.execute("DELETE FROM predictions WHERE passage_id = ?", (p.id,))
                conn.execute(
                    """INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)
                       ON CONFLICT (id) DO UPDATE SET doc_sha256 = excluded.doc_sha256,
                       province = excluded.province, source = excluded.source, page = excluded.page,
                       paragraph = excluded.paragraph, block_index = excluded.block_index,
                       heading_path = excluded.heading_path, text = excluded.text,
                       norm_text = excluded.norm_text, sentences = excluded.sentences,
                       status = 'active', updated_at = excluded.updated_at""",
                    (p.id, doc_sha256, p.province, p.source, p.page, p.paragraph, p.block_index,
                     json.dumps(p.heading_path, ensure_ascii=False), p.text, norm,
                     json.dumps(p.sentences, ensure_ascii=False), stamp),
                )
            gone = set(previous) - {p.id for p in passages}
            conn.executemany("UPDATE passages SET status = 'replaced' WHERE id = ?", [(i,) for i in gone])
            self._reconcile()

    def passages(self, province: str | None = None) -> list[Passage]:
        """Active passages, in report order."""
        if province is None:
            return list(self._read("passages", self._passages))
        return self._passages(province)

    def _passages(self, province: str | None = None) -> list[Passage]:
        sql = "SELECT * FROM passages WHERE status = 'active'"
        params: tuple = ()
        if province is not None:
            sql += " AND province = ?"
            params = (province,)
        sql += " ORDER BY COALESCE(province, ''), source, block_index, id"
        return [_passage(r) for r in self._all(sql, params)]

    def unlabelled_passages(self, model_version: str) -> list[Passage]:
        """Active passages without a label from ``model_version``, in report order."""
        rows = self._all(
            """SELECT * FROM passages p WHERE status = 'active' AND NOT EXISTS
               (SELECT 1 FROM predictions pr WHERE pr.passage_id = p.id AND pr.model_version = ?)
               ORDER BY COALESCE(province, ''), source, block_index, id""", (model_version,))
        return [_passage(r) for r in rows]

    def count_passages(self) -> int:
        return self._one("SELECT COUNT(*) FROM passages WHERE status = 'active'")

    def passage(self, passage_id: str) -> Passage | None:
        rows = self._all("SELECT * FROM passages WHERE id = ?", (passage_id,))
        return _passage(rows[0]) if rows else None

    def is_active(self, passage_id: str) -> bool:
        return bool(self._one("SELECT 1 FROM passages WHERE id = ? AND status = 'active'", (passage_id,)))

    def _retire_if_unreferenced(self, sha256: str) -> None:
        if not self._one("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)):
            self._retire_document(sha256)

    def _retire_document(self, sha256: str) -> None:
        self._conn.execute("UPDATE documents SET status = 'replaced' WHERE sha256 = ?", (sha256,))
        self._conn.execute("UPDATE passages SET status = 'replaced' WHERE doc_sha256 = ?", (sha256,))

    def _reconcile(self) -> None:
        """Carry non-effective corrections to active passages with the same text and province."""
        stale = self._all(
            """SELECT c.*, p.province FROM corrections c JOIN passages p ON p.id = c.passage_id
               WHERE (p.status != 'active' OR p.norm_text != c.passage_norm)
               AND NOT EXISTS (SELECT 1 FROM corrections d WHERE d.carried_from = c.id)
               ORDER BY c.id""")
        for c in stale:
            targets = self._all(
                "SELECT id FROM passages WHERE status = 'active' AND norm_text = ? "
                "AND COALESCE(province, '') = COALESCE(?, '') ORDER BY id", (c["passage_norm"], c["province"]))
            for t in targets:
                self._conn.execute(
                    "INSERT INTO corrections (passage_id, passage_norm, field, old_value, new_value, editor, "
                    "at, note, carried_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (t["id"], c["passage_norm"], c["field"], c["old_value"], c["new_value"], c["editor"],
                     c["at"], c["note"], c["id"]))

    # --- labels -------------------------------------------------------------

    def store_labels(self, labels: list[Label]) -> None:
        """Store predictions; each (passage, model version) set replaces the previous one."""
        with self._transaction() as conn:
            for key in dict.fromkeys((lab.passage_id, lab.model_version) for lab in labels):
                conn.execute("DELETE FROM predictions WHERE passage_id = ? AND model_version = ?", key)
            stamp = now()
            for lab in labels:
                span = lab.sentence_span or (None, None)
                try:
                    conn.execute(
                        "INSERT INTO predictions (passage_id, model_version, span_start, span_end, area, "
                        "finding, area_confidence, finding_confidence, area_scores, finding_scores, area2, "
                        "text, low_confidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (lab.passage_id, lab.model_version, span[0], span[1], lab.area, lab.finding,
                         lab.area_confidence, lab.finding_confidence, json.dumps(lab.area_scores),
                         json.dumps(lab.finding_scores), lab.area2, lab.text, int(lab.low_confidence), stamp))
                except sqlite3.IntegrityError:
                    raise WorkspaceError(f"không có đoạn mã «{lab.passage_id}» để lưu nhãn", str(self.folder),
                                         "lưu các đoạn (replace_passages) trước khi lưu nhãn")

    def has_labels(self, passage_id: str, model_version: str) -> bool:
        return bool(self._one("SELECT 1 FROM predictions WHERE passage_id = ? AND model_version = ?",
                              (passage_id, model_version)))

    def labels(self, model_version: str | None = None, scores: bool = True) -> dict[str, list[Label]]:
        """Current labels of active passages: those of ``model_version``, or of the latest one stored.
        ``scores=False`` leaves out the top-three scores (the outputs do not show them)."""
        if model_version is None and not scores:
            return dict(self._read("labels", lambda: self._labels(None, False)))
        return self._labels(model_version, scores)

    def labels_of(self, passage_ids: Iterable[str]) -> dict[str, list[Label]]:
        """``labels(scores=False)`` of some passages only (those labelled since the rest was read)."""
        out: dict[str, list[Label]] = {}
        ids = sorted(set(passage_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self._all(
                f"""SELECT pr.* FROM predictions pr JOIN passages p ON p.id = pr.passage_id
                    WHERE p.status = 'active' AND pr.model_version = {_LATEST}
                    AND pr.passage_id IN ({", ".join("?" * len(chunk))})
                    ORDER BY pr.passage_id, COALESCE(pr.span_start, 0), pr.id""", chunk)
            for r in rows:
                out.setdefault(r["passage_id"], []).append(_label(r, False))
        return out

    def _labels(self, model_version: str | None, scores: bool) -> dict[str, list[Label]]:
        if model_version is None:
            version, params = _LATEST, ()
        else:
            version, params = "?", (model_version,)
        rows = self._all(
            f"""SELECT pr.* FROM predictions pr JOIN passages p ON p.id = pr.passage_id
                WHERE p.status = 'active' AND pr.model_version = {version}
                ORDER BY pr.passage_id, COALESCE(pr.span_start, 0), pr.id""", params)
        out: dict[str, list[Label]] = {}
        for r in rows:
            out.setdefault(r["passage_id"], []).append(_label(r, scores))
        return out

    def model_versions(self) -> list[str]:
        return [r[0] for r in self._all("SELECT model_version FROM predictions GROUP BY model_version "
                                        "ORDER BY MAX(id)")]

    # --- corrections --------------------------------------------------------

    def add_corrections(self, corrections: list[Correction]) -> int:
        """Append editor corrections in one transaction; returns how many were stored."""
        with self._transaction() as conn:
            for c in corrections:
                if c.field not in FIELDS:
                    raise ValueError(f"correction field must be one of {FIELDS}: {c.field!r}")
                norm = self._one("SELECT norm_text FROM passages WHERE id = ? AND status = 'active'",
                                 (c.passage_id,))
                if norm is None:
                    raise WorkspaceError(f"không có đoạn mã «{c.passage_id}» trong thư mục làm việc",
                                         str(self.folder))
                conn.execute(
                    "INSERT INTO corrections (passage_id, passage_norm, field, old_value, new_value, editor, at, "
                    "note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (c.passage_id, norm, c.field, c.old_value, c.new_value, c.editor, c.at or now(), c.note))
            _pause_for_tests()
        return len(corrections)

    def corrections(self, passage_id: str | None = None) -> list[Correction]:
        """The whole history (carried copies included), oldest first."""
        sql, params = "SELECT * FROM corrections", ()
        if passage_id is not None:
            sql, params = sql + " WHERE passage_id = ?", (passage_id,)
        return [_correction(r) for r in self._all(sql + " ORDER BY id", params)]

    def editor_states(self) -> dict[str, EditorState]:
        """The effective corrections of each active passage that has any."""
        return dict(self._read("states", self._editor_states))

    def _editor_states(self) -> dict[str, EditorState]:
        rows = self._all(
            """SELECT c.passage_id, c.field, c.new_value FROM corrections c
               JOIN passages p ON p.id = c.passage_id
               WHERE p.status = 'active' AND p.norm_text = c.passage_norm
               ORDER BY c.at, c.id""")
        states: dict[str, EditorState] = {}
        for r in rows:
            state = states.setdefault(r["passage_id"], EditorState())
            value = r["new_value"]
            if r["field"] == "excluded":
                state.excluded = value == EXCLUDED_MARK
            else:
                setattr(state, r["field"], value or None)
        return states

    def effective_labels(self) -> list[tuple[Passage, Label]]:
        """Labels with the editors' corrections applied; excluded passages left out.

        A corrected area or finding overrides the model on every label of the passage and gets
        confidence 1.0. A passage with no prediction but a corrected area and finding gets one
        label with model version ``editor``. The labels come without their top-three scores.
        """
        return list(self._read("effective", self._effective_labels))

    def _effective_labels(self) -> list[tuple[Passage, Label]]:
        states = self.editor_states()
        labels = self.labels(scores=False)
        out: list[tuple[Passage, Label]] = []
        for p in self.passages():
            state = states.get(p.id, EditorState())
            if state.excluded:
                continue
            plabels = labels.get(p.id, [])
            if not plabels and state.area and state.finding:
                plabels = [Label(p.id, state.area, state.finding, 1.0, 1.0, text=p.text, model_version="editor")]
            for lab in plabels:
                out.append((p, apply_state(lab, state)))
        return out

    def low_confidence_count(self) -> int:
        """How many of ``effective_labels()`` are low-confidence (counted without building them)."""
        states = self.editor_states()
        rows = self._all(
            f"""SELECT pr.passage_id FROM predictions pr JOIN passages p ON p.id = pr.passage_id
                WHERE p.status = 'active' AND pr.low_confidence = 1 AND pr.model_version = {_LATEST}""")
        count = 0
        for r in rows:
            state = states.get(r[0])
            count += state is None or not (state.excluded or state.area or state.finding)
        return count

    def corrected_passages(self) -> list[tuple[Passage, str, str]]:
        """(passage, area, finding) for each active, not excluded passage an editor corrected.

        The field the editor left alone comes from the model (its longest span's label).
        """
        states = self.editor_states()
        labels = self.labels(scores=False)
        out = []
        for p in self.passages():
            state = states.get(p.id)
            if not state or state.excluded or not state.corrected:
                continue
            model = max(labels.get(p.id, []), key=_span_length, default=None)
            area = state.area or (model.area if model else None)
            finding = state.finding or (model.finding if model else None)
            if area and finding:
                out.append((p, area, finding))
        return out

    def flagged(self) -> list[FlaggedPassage]:
        """Corrected passages whose text changed or disappeared and could not be matched."""
        rows = self._all(
            """SELECT c.*, p.status AS passage_status FROM corrections c JOIN passages p ON p.id = c.passage_id
               WHERE (p.status != 'active' OR p.norm_text != c.passage_norm)
               AND NOT EXISTS (SELECT 1 FROM corrections d WHERE d.carried_from = c.id)
               ORDER BY c.id""")
        grouped: dict[str, FlaggedPassage] = {}
        for r in rows:
            if r["passage_id"] not in grouped:
                grouped[r["passage_id"]] = FlaggedPassage(self.passage(r["passage_id"]), [],
                                                          r["passage_status"] != "active")
            grouped[r["passage_id"]].corrections.append(_correction(r))
        return list(grouped.values())

    # --- memo (a cache of pure functions of a text) --------------------------

    def memo(self, prefix: str) -> dict[str, str]:
        """Every memo entry whose key starts with ``prefix``."""
        rows = self._all("SELECT key, value FROM memo WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff"))
        return {r[0]: r[1] for r in rows}

    def store_memo(self, entries: dict[str, str]) -> None:
        """Store new entries; a function's entries of any other version are dropped (never read again)."""
        if not entries:
            return
        versions = {key[:key.index(":", key.index(":") + 1) + 1] for key in entries}  # "name:version:"
        with self._transaction() as conn:
            for prefix in versions:
                name = prefix[:prefix.index(":") + 1]
                conn.execute("DELETE FROM memo WHERE key >= ? AND key < ? AND NOT (key >= ? AND key < ?)",
                             (name, name + "\uffff", prefix, prefix + "\uffff"))
            conn.executemany("INSERT OR REPLACE INTO memo (key, value) VALUES (?, ?)", entries.items())

    # --- runs and status ----------------------------------------------------

    def start_run(self) -> int:
        with self._transaction() as conn:
            return conn.execute("INSERT INTO runs (started) VALUES (?)", (now(),)).lastrowid

    def finish_run(self, run_id: int, stats: dict) -> None:
        with self._transaction() as conn:
            conn.execute("UPDATE runs SET finished = ?, stats = ? WHERE id = ?",
                         (now(), json.dumps(stats, ensure_ascii=False), run_id))

    def status(self) -> dict:
        """Counts for ``tongket status`` (keys are English; the CLI words them)."""
        files = {s: 0 for s in FILE_STATUSES}
        for r in self._all("SELECT status, COUNT(*) FROM files GROUP BY status"):
            files[r[0]] = r[1]
        states = self.editor_states()
        last = self._all("SELECT * FROM runs ORDER BY id DESC LIMIT 1")
        return {
            "workspace": str(self.folder),
            "batch_id": self.batch_id,
            "schema_version": self.schema_version,
            "files": files,
            "documents": self._one("SELECT COUNT(*) FROM documents WHERE status = 'current'"),
            "provinces": self._one("SELECT COUNT(DISTINCT province) FROM passages WHERE status = 'active'"),
            "passages": self._one("SELECT COUNT(*) FROM passages WHERE status = 'active'"),
            "labelled_passages": len(self.labels()),
            "model_versions": self.model_versions(),
            "corrections": self._one("SELECT COUNT(*) FROM corrections WHERE carried_from IS NULL"),
            "corrected_passages": sum(1 for s in states.values() if s.corrected),
            "excluded_passages": sum(1 for s in states.values() if s.excluded),
            "needs_review": len(self.flagged()),
            "last_run": ({"id": last[0]["id"], "started": last[0]["started"], "finished": last[0]["finished"],
                          "stats": json.loads(last[0]["stats"]) if last[0]["stats"] else None} if last else None),
        }


def apply_state(label: Label, state: EditorState) -> Label:
    """A label with an editor's area/finding correction applied."""
    changes: dict = {}
    if state.area:
        changes.update(area=state.area, area_confidence=1.0)
    if state.finding:
        changes.update(finding=state.finding, finding_confidence=1.0)
    if changes:
        changes["low_confidence"] = False
    return replace(label, **changes) if changes else label


def label_text(passage: Passage, label: Label) -> str:
    """The text a label covers: its own text, its sentence span, or the whole passage."""
    if label.text:
        return label.text
    if label.sentence_span and passage.sentences:
        start, end = label.sentence_span
        return " ".join(passage.sentences[start:end])
    return passage.text


def _span_length(label: Label) -> int:
    return label.sentence_span[1] - label.sentence_span[0] if label.sentence_span else 1_000_000


def _locate(path: Path) -> tuple[Path, Path]:
    if path.suffix.lower() in (".db", ".sqlite", ".sqlite3"):
        return path.parent, path
    return path, path / DB_NAME


def _database_error(exc: sqlite3.DatabaseError, db_path: Path) -> WorkspaceError:
    """A full disk or a read-only folder is not a damaged database: say which it is."""
    text = str(exc).lower()
    if "full" in text:
        return WorkspaceError("ổ đĩa đã đầy, không ghi được cơ sở dữ liệu", str(db_path),
                              "hãy giải phóng dung lượng ổ đĩa rồi chạy lại; dữ liệu đã có vẫn nguyên vẹn")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return WorkspaceError("không mở được cơ sở dữ liệu để ghi (thư mục chỉ đọc hoặc thiếu quyền)", str(db_path),
                              "hãy kiểm tra quyền ghi của thư mục kết quả, hoặc chọn thư mục khác bằng -o")
    return WorkspaceError(f"cơ sở dữ liệu không đọc được ({exc})", str(db_path),
                          "dùng một thư mục làm việc mới hoặc khôi phục bản sao lưu")


def _busy_error(folder: Path) -> WorkspaceError:
    return WorkspaceError(f"Thư mục làm việc {folder} đang được một tiến trình tongket khác sử dụng; "
                          "chờ tiến trình đó kết thúc rồi chạy lại.")


def _acquire_lock(folder: Path, db_path: Path, timeout: float):
    lock_file = open(db_path.with_name(db_path.name + ".lock"), "a+")
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lock_file
        except BlockingIOError:
            if time.monotonic() >= deadline:
                lock_file.close()
                raise _busy_error(folder)
            time.sleep(0.1)


def _pause_for_tests() -> None:
    marker = os.environ.get(PAUSE_HOOK_ENV)
    if marker:
        Path(marker).touch()
        time.sleep(60)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers keep their inner semicolons)."""
    out, buffer = [], ""
    for line in script.strip().splitlines():
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return out


_LATEST = "(SELECT model_version FROM predictions q WHERE q.passage_id = pr.passage_id ORDER BY q.id DESC LIMIT 1)"
_DIGESTS = {
    "passages": """SELECT id, doc_sha256, province, source, page, paragraph, block_index, heading_path, text,
                   sentences FROM passages WHERE status = 'active' ORDER BY id""",
    "labels": f"""SELECT pr.passage_id, pr.model_version, pr.span_start, pr.span_end, pr.area, pr.finding,
                  pr.area_confidence, pr.finding_confidence, pr.area2, pr.text, pr.low_confidence
                  FROM predictions pr JOIN passages p ON p.id = pr.passage_id
                  WHERE p.status = 'active' AND pr.model_version = {_LATEST}
                  ORDER BY pr.passage_id, COALESCE(pr.span_start, 0), pr.id""",
    "states": """SELECT c.passage_id, c.field, c.new_value FROM corrections c JOIN passages p ON p.id = c.passage_id
                 WHERE p.status = 'active' AND p.norm_text = c.passage_norm ORDER BY c.at, c.id""",
    # not processed_at: a file that fails is recorded again on every run
    "files": "SELECT path, sha256, format, status, province, pages, passages, warnings, error FROM files ORDER BY path",
}


def _passage(r: sqlite3.Row) -> Passage:
    return Passage(id=r["id"], text=r["text"], heading_path=json.loads(r["heading_path"]),
                   sentences=json.loads(r["sentences"]), source=r["source"], doc_sha256=r["doc_sha256"],
                   province=r["province"], page=r["page"], block_index=r["block_index"],
                   paragraph=r["paragraph"])


def _label(r: sqlite3.Row, scores: bool = True) -> Label:
    span = (r["span_start"], r["span_end"]) if r["span_start"] is not None else None
    return Label(passage_id=r["passage_id"], area=r["area"], finding=r["finding"],
                 area_confidence=r["area_confidence"], finding_confidence=r["finding_confidence"],
                 area_scores=[tuple(x) for x in json.loads(r["area_scores"])] if scores else [],
                 finding_scores=[tuple(x) for x in json.loads(r["finding_scores"])] if scores else [],
                 area2=r["area2"], text=r["text"], sentence_span=span, model_version=r["model_version"],
                 low_confidence=bool(r["low_confidence"]))


def _correction(r: sqlite3.Row) -> Correction:
    return Correction(passage_id=r["passage_id"], field=r["field"], old_value=r["old_value"],
                      new_value=r["new_value"], editor=r["editor"], at=r["at"], note=r["note"])
