"""Writing output files safely: whole or not at all, inside the output folder, with a clear message.

Every output (workbooks, Word files, the heatmap) is written to a hidden temporary file in the
same folder, flushed to disk, then renamed over the final name in one step: a crash, a full disk
or a read-only folder leaves the previous file (or nothing) — never a half-written file under the
real name. The temporary file gets normal permissions (0644 under the usual umask), not the 0600
of ``tempfile.mkstemp``.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Callable

from .errors import ReportError

TEMP_PREFIX = ".tongket-tmp-"
STALE_TEMP_SECONDS = 15 * 60
MAX_NAME_BYTES = 180
_UNSAFE_CHARS = re.compile(r'[\x01-\x1f\x7f<>:"|?*]')
_RESERVED_WINDOWS = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


def output_error(exc: OSError, path: str | Path) -> ReportError:
    """The Vietnamese message for an OSError met while writing ``path``."""
    name, folder = str(path), str(Path(path).parent)
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return ReportError("ổ đĩa đã đầy, không ghi được tệp", name,
                           "hãy giải phóng dung lượng ổ đĩa (hoặc chọn thư mục kết quả khác bằng -o) rồi chạy lại; "
                           "bản cũ của tệp, nếu có, vẫn được giữ nguyên")
    if code == errno.EROFS:
        return ReportError("thư mục kết quả nằm trên ổ chỉ đọc, không ghi được tệp", name,
                           "hãy chọn thư mục kết quả khác bằng -o rồi chạy lại")
    if code in (errno.EACCES, errno.EPERM):
        return ReportError("không có quyền ghi tệp", name,
                           f"hãy kiểm tra quyền ghi của thư mục {folder} và đóng tệp nếu đang mở trong Excel/Word, "
                           "hoặc chọn thư mục kết quả khác bằng -o")
    return ReportError(f"không ghi được tệp ({exc.strerror or type(exc).__name__})", name,
                       "hãy kiểm tra ổ đĩa và thư mục kết quả rồi chạy lại")


def _file_mode() -> int:
    """0666 minus the umask: 0644 usually, like any file the user saves."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(out: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary_path)``, then move the finished file to ``out`` in one step.

    Raises ReportError (Vietnamese) for a full disk, a read-only folder or missing permission;
    the temporary file is removed and ``out`` keeps its previous content.
    """
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=out.suffix, dir=out.parent)
    except OSError as exc:
        raise output_error(exc, out) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(exc, out) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(out.parent)
    return out


def move_into_place(done: Path, out: Path) -> Path:
    """Give a finished temporary file (written with ``atomic_write``) its final name, in one step."""
    try:
        os.replace(done, out)
    except OSError as exc:
        raise output_error(exc, out) from exc
    _sync_folder(out.parent)
    return out


def write_text(out: str | Path, text: str) -> Path:
    return atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def copy_file(source: str | Path, out: str | Path) -> Path:
    """Copy ``source`` to ``out`` atomically (a copy cut short never appears under its name)."""
    return atomic_write(out, lambda tmp: shutil.copyfile(source, tmp))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_writable(folder: str | Path) -> Path:
    """Create ``folder`` if needed and prove a file can be written there; ReportError otherwise."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise output_error(exc, folder) from exc
    return folder


def remove_stale_temps(folder: str | Path, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Delete temporary files a killed run left behind (only ours, only old ones)."""
    removed = []
    limit = time.time() - older_than
    for tmp in Path(folder).glob(TEMP_PREFIX + "*"):
        try:
            if tmp.is_file() and tmp.stat().st_mtime < limit:
                tmp.unlink()
                removed.append(tmp)
        except OSError:
            continue
    return removed


def readable(text: str) -> str:
    """Text with the undecodable bytes of a file name (surrogate escapes) shown as U+FFFD."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


def safe_name(name: str, default: str = "tep") -> str:
    """A file name made from untrusted text (e.g. an input file's name): one path component, no
    separators, control or reserved characters, not hidden, not a Windows device name, NFC, at most
    MAX_NAME_BYTES bytes in UTF-8. "../../etc/passwd" becomes "etc-passwd"."""
    text = unicodedata.normalize("NFC", readable(str(name)))
    text = _UNSAFE_CHARS.sub(" ", text.replace("/", "\0").replace("\\", "\0"))
    parts = [" ".join(p.split()).strip(" .") for p in text.split("\0")]
    text = "-".join(p for p in parts if p)
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem or len(suffix) > 10 or not suffix.isalnum():
        stem, suffix = text, ""
    if not stem or stem.split(".")[0].upper() in _RESERVED_WINDOWS:
        stem = f"{default}-{stem}" if stem else default
    ending = f".{suffix}" if suffix else ""
    while len((stem + ending).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or default) + ending


def output_path(folder: str | Path, name: str) -> Path:
    """``folder / safe_name(name)``, checked to be directly inside ``folder``."""
    folder = Path(folder)
    path = folder / safe_name(name)
    if path.parent != folder or path.name in ("", ".", ".."):
        raise ReportError("tên tệp kết quả không hợp lệ", str(name), "hãy đặt tên khác")
    return path
