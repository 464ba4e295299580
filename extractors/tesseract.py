"""Tesseract, the OCR engine behind scanned pages: a function that reads a grey page image into TSV.

Tesseract's own library through tesserocr reads in this process: the Vietnamese model is loaded
once per thread and kept, where the `tesseract` command loads it for every page (0.2 s), and the
library tesserocr ships is a newer Tesseract (5.5) than Debian's (5.3) — a page took 1.3 s of CPU
instead of 1.9 s. The command is the fallback where tesserocr is not installed (it has no wheel for
every platform). Both read the same model, `vie.traineddata`, from the same folder, and give the
same TSV (one row per word, with its box and confidence).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path

from pipeline.errors import ExtractionError

OCR_TIMEOUT = 300  # seconds per page
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
MODEL = "vie.traineddata"
_USUAL_MODEL_DIRS = ["/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                     "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata"]

Reader = Callable[[object], str]  # a grey Pillow image -> Tesseract TSV ("" when nothing could be read)


def find_reader(path: Path) -> Reader:
    """The page reader, or a clear message (naming the scanned file) when Tesseract or its
    Vietnamese model is missing."""
    library = _library()
    binary = shutil.which("tesseract")
    if library is None and binary is None:
        raise ExtractionError(
            "tệp là bản quét (không có lớp chữ) nên cần Tesseract để nhận dạng chữ, nhưng máy chưa cài", str(path),
            "hãy cài tesseract-ocr và tesseract-ocr-vie (Ubuntu: apt-get install tesseract-ocr tesseract-ocr-vie)",
        )
    models = _vie_model_dir(binary)
    if models is None:
        raise ExtractionError(
            "tệp là bản quét nhưng Tesseract chưa có mô hình tiếng Việt (vie)", str(path),
            "hãy cài gói tesseract-ocr-vie rồi thử lại",
        )
    if library is not None:
        try:
            _release(models, _acquire(models))  # a damaged model fails here, named, not on every page
        except RuntimeError as exc:
            raise ExtractionError(
                f"tệp là bản quét nhưng Tesseract không mở được mô hình tiếng Việt {os.path.join(models, MODEL)}",
                str(path), "hãy cài lại gói tesseract-ocr-vie (hoặc sửa biến TESSDATA_PREFIX) rồi thử lại",
            ) from exc
        return partial(_read_with_library, models)
    return partial(_read_with_command, binary, models)


@lru_cache(maxsize=1)
def _library():
    """tesserocr, or None when it is not installed (or cannot load)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread per page: the pages run side by side
    try:
        import tesserocr
    except Exception:  # noqa: BLE001 - ImportError, or a broken binary wheel: the command still works
        return None
    return tesserocr


@lru_cache(maxsize=4)
def _vie_model_dir(binary: str | None) -> str | None:
    """The folder holding vie.traineddata: TESSDATA_PREFIX, the command's own, then the usual places."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = [prefix, os.path.join(prefix, "tessdata")] if prefix else []
    if binary is not None:
        candidates.append(_command_model_dir(binary))
    for folder in [*candidates, *_USUAL_MODEL_DIRS]:
        if folder and os.path.isfile(os.path.join(folder, MODEL)):
            return folder
    return None


def _command_model_dir(binary: str) -> str | None:
    """The folder `tesseract --list-langs` names in its first line: List of ... in "DIR/" (3):"""
    try:
        proc = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    first = (proc.stdout + proc.stderr).decode("utf-8", "replace").partition("\n")[0]
    return first.split('"')[1] if first.count('"') >= 2 else None


_IDLE: dict[str, list] = {}  # model folder -> tesserocr readers not in use (one is made per busy thread)
_IDLE_LOCK = threading.Lock()


def _acquire(models: str):
    """An idle tesserocr reader of the model folder, or a new one (RuntimeError if the model is bad)."""
    with _IDLE_LOCK:
        idle = _IDLE.setdefault(models, [])
        if idle:
            return idle.pop()
    tesserocr = _library()
    return tesserocr.PyTessBaseAPI(path=models, lang="vie", psm=tesserocr.PSM.AUTO)


def _release(models: str, api) -> None:
    api.Clear()
    with _IDLE_LOCK:
        _IDLE[models].append(api)


def _read_with_library(models: str, image) -> str:
    api = _acquire(models)
    try:
        api.SetImage(image)
        if not api.Recognize(OCR_TIMEOUT * 1000):  # timed out or failed: the page gets a warning
            return ""
        return TSV_HEADER + "\n" + api.GetTSVText(0)
    finally:
        _release(models, api)


def _read_with_command(binary: str, models: str, image) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="tongket-ocr-") as tmp:
        target = Path(tmp) / "page.pgm"
        image.save(target)
        try:
            proc = subprocess.run([binary, str(target), "stdout", "--tessdata-dir", models, "-l", "vie", "--psm", "3",
                                   "tsv"], capture_output=True, timeout=OCR_TIMEOUT, env=env, check=False)
        except subprocess.TimeoutExpired:
            return ""
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else ""
