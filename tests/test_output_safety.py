"""Outputs are written whole or not at all, inside the output folder, with text that stays text.

A read-only output folder or a full disk gives one clear Vietnamese line and leaves no half-written
file under a final name (checked with the real command in a private mount namespace when `unshare`
is available); output names made from input names cannot leave the folder; report text that looks
like an Excel formula is stored as text.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import hostile
from pipeline.errors import ReportError
from pipeline.files import (MAX_NAME_BYTES, TEMP_PREFIX, atomic_write, output_path, remove_stale_temps, safe_name,
                            write_text)
from pipeline.processing_report import Assignment, write_assignments, write_processing_report
from pipeline.run import FileOutcome

HOSTILE_CELLS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A3)", '=HYPERLINK("http://x.invalid","bấm")']


# --- atomic writing -------------------------------------------------------------------------

@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_outputs_get_ordinary_permissions_not_0600(tmp_path, umask_022):
    out = write_text(tmp_path / "a.json", "{}")
    assert out.stat().st_mode & 0o777 == 0o644
    assert out.read_text(encoding="utf-8") == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def _fails_after_half(code: int):
    def write(tmp: Path) -> None:
        tmp.write_bytes(b"PK\x03\x04 half of a workbook")
        raise OSError(code, os.strerror(code))
    return write


@pytest.mark.parametrize("code, message", [
    (errno.ENOSPC, "ổ đĩa đã đầy, không ghi được tệp — hãy giải phóng dung lượng ổ đĩa (hoặc chọn thư mục kết quả "
                   "khác bằng -o) rồi chạy lại; bản cũ của tệp, nếu có, vẫn được giữ nguyên"),
    (errno.EROFS, "thư mục kết quả nằm trên ổ chỉ đọc, không ghi được tệp — hãy chọn thư mục kết quả khác bằng -o "
                  "rồi chạy lại"),
    (errno.EACCES, "không có quyền ghi tệp — hãy kiểm tra quyền ghi của thư mục {folder} và đóng tệp nếu đang mở "
                   "trong Excel/Word, hoặc chọn thư mục kết quả khác bằng -o"),
])
def test_a_failed_write_keeps_the_old_file_and_says_what_to_do(tmp_path, code, message):
    target = tmp_path / "ra-soat.xlsx"
    target.write_bytes(b"the previous, complete workbook")
    with pytest.raises(ReportError) as err:
        atomic_write(target, _fails_after_half(code))
    assert err.value.render() == f"{target}: " + message.format(folder=tmp_path)
    assert target.read_bytes() == b"the previous, complete workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["ra-soat.xlsx"]


def test_a_crash_inside_the_writer_leaves_no_file(tmp_path):
    def boom(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise KeyError("bug")

    with pytest.raises(KeyError):
        atomic_write(tmp_path / "du-thao.docx", boom)
    assert list(tmp_path.iterdir()) == []


def test_stale_temporary_files_of_a_killed_run_are_removed_and_fresh_ones_kept(tmp_path):
    old, fresh, other = tmp_path / f"{TEMP_PREFIX}a.xlsx", tmp_path / f"{TEMP_PREFIX}b.xlsx", tmp_path / "ghi-chu.txt"
    for p in (old, fresh, other):
        p.write_bytes(b"x")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    os.utime(other, (an_hour_ago, an_hour_ago))
    assert remove_stale_temps(tmp_path) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, other.name])


def test_a_symlink_planted_at_an_output_name_is_replaced_not_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("do not touch", encoding="utf-8")
    folder = tmp_path / "ket-qua"
    folder.mkdir()
    (folder / "bao-cao-xu-ly.xlsx").symlink_to(outside)
    write_text(folder / "bao-cao-xu-ly.xlsx", "new")
    assert outside.read_text(encoding="utf-8") == "do not touch"
    assert not (folder / "bao-cao-xu-ly.xlsx").is_symlink()


# --- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, safe", [
    ("../../etc/passwd", "etc-passwd"),
    ("..\\..\\Windows\\win.ini", "Windows-win.ini"),
    ("/tmp/x.docx", "tmp-x.docx"),
    (".bashrc", "bashrc"),
    ("CON.docx", "tep-CON.docx"),
    ("", "tep"),
    ("..", "tep"),
    ("Báo cáo 'Hà Nội' (bản 2).docx", "Báo cáo 'Hà Nội' (bản 2).docx"),
    ("a\nb\tc:d*e?.xlsx", "a b c d e.xlsx"),
    (os.fsdecode(b"B\xe1o c\xe1o.docx"), "B\ufffdo c\ufffdo.docx"),
])
def test_output_names_from_input_names_stay_in_the_folder(tmp_path, name, safe):
    assert safe_name(name) == safe
    path = output_path(tmp_path, name)
    assert path.parent == tmp_path and path.name == safe


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_safe_names_are_one_plain_component_whatever_the_input(name):
    safe = safe_name(name)
    assert safe and safe not in (".", "..") and not safe.startswith(".")
    assert not any(c in safe for c in '/\\\0:*?"<>|') and all(ord(c) >= 32 for c in safe)
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES and unicodedata.is_normalized("NFC", safe)
    assert safe_name(safe) == safe


# --- formula injection ------------------------------------------------------------------------

def _formula_cells(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [part.split("</f>")[0] for n in zf.namelist() if n.startswith("xl/worksheets/sheet")
                for part in zf.read(n).decode().split("<f>")[1:]]


def test_text_that_looks_like_a_formula_stays_text_in_the_processing_workbooks(tmp_path):
    files = [FileOutcome(path=text + ".docx", status="failed", error=text, warnings=[text], flags=[text])
             for text in HOSTILE_CELLS]
    report = write_processing_report(files, tmp_path / "bao-cao-xu-ly.xlsx")
    assign = write_assignments([Assignment(text, text, text, False, text) for text in HOSTILE_CELLS],
                               tmp_path / "gan-tinh.xlsx")
    for path in (report, assign):
        assert _formula_cells(path) == []
        cells = [c for sheet in load_workbook(path).worksheets for row in sheet.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.removesuffix(".docx") in HOSTILE_CELLS]
        assert len(cells) >= len(HOSTILE_CELLS) and all(c.data_type == "s" for c in cells)


# --- the real command on a read-only folder and a full disk -----------------------------------

def _namespaces_available() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt || "
                            "mount -t tmpfs -o size=64k tmpfs \"$TMPDIR\""], capture_output=True)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(not _namespaces_available(),
                                      reason="unshare (user and mount namespaces) is not available")

CHECK = """
import json, sys, zipfile
from pathlib import Path
out = Path(sys.argv[1])
state = {}
for p in sorted(out.iterdir()):
    ok = True
    if p.suffix in (".xlsx", ".docx"):
        try:
            ok = zipfile.ZipFile(p).testzip() is None
        except zipfile.BadZipFile:
            ok = False
    elif p.suffix == ".png":
        ok = p.read_bytes()[-8:] == b"IEND\\xaeB`\\x82"
    state[p.name] = ok
print(json.dumps(state))
"""


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A complete run over two small reports, to compare against."""
    root = tmp_path_factory.mktemp("safety")
    inbox, out = root / "hop-thu", root / "ket-qua"
    inbox.mkdir()
    for province in ("Lào Cai", "Cao Bằng"):
        hostile.short_report(inbox / f"{province}.docx", province=province)
    proc = subprocess.run(["tongket", "run", str(inbox), "-o", str(out), "--quiet"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    return root, inbox, out


@needs_namespaces
def test_read_only_output_folder_gives_a_clear_message_and_changes_nothing(finished, tmp_path):
    root, inbox, out = finished
    mine_in, mine_out = tmp_path / "hop-thu", tmp_path / "ket-qua"
    shutil.copytree(inbox, mine_in)
    shutil.copytree(out, mine_out)
    hostile.short_report(mine_in / "Lạng Sơn.docx", province="Lạng Sơn")  # there is new work to write
    before = _digest(mine_out)
    script = f'mount --bind -o ro "{mine_out}" "{mine_out}" && exec tongket run "{mine_in}" -o "{mine_out}" --quiet'
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"Lỗi: {mine_out}: thư mục kết quả nằm trên ổ chỉ đọc, không ghi được tệp — "
                                        "hãy chọn thư mục kết quả khác bằng -o rồi chạy lại"]
    assert _digest(mine_out) == before


@needs_namespaces
def test_a_full_disk_gives_a_clear_message_and_no_half_written_output(finished, tmp_path):
    root, inbox, out = finished
    needed = sum(p.stat().st_size for p in out.iterdir())
    size_kb = (needed - 128 * 1024) // 1024  # everything but the last outputs fits
    mount = tmp_path / "o-dia-nho"
    mount.mkdir()
    (tmp_path / "check.py").write_text(CHECK, encoding="utf-8")
    script = (f'mount -t tmpfs -o size={size_kb}k tmpfs "{mount}" || exit 99; '
              f'tongket run "{inbox}" -o "{mount}" --quiet >"{tmp_path}/stdout" 2>"{tmp_path}/stderr"; '
              f'echo $? >"{tmp_path}/rc"; "{sys.executable}" "{tmp_path}/check.py" "{mount}" >"{tmp_path}/files.json"')
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "rc").read_text().strip() == "2"
    lines = (tmp_path / "stderr").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: ") and "ổ đĩa đã đầy, không ghi được" in lines[0], lines
    files = json.loads((tmp_path / "files.json").read_text(encoding="utf-8"))
    assert all(files.values()), files  # every file under a final name is complete
    assert not any(name.startswith(TEMP_PREFIX) for name in files)
    assert ".tongket-outputs.json" not in files  # the outputs are not recorded as written
    assert "du-thao-bao-cao-tong-ket.docx" not in files


def test_an_xlsxwriter_disk_error_surfaces_as_the_oserror_it_is(tmp_path):
    """xlsxwriter wraps a failed write (full disk, no permission, missing folder) in FileCreateError;
    the run's output-error handling recognises OSError, so the workbook writers re-raise that."""
    import xlsxwriter

    from pipeline.review_export import close_book

    book = xlsxwriter.Workbook(str(tmp_path / "khong-co" / "ra-soat.xlsx"))
    book.add_worksheet("a").write(0, 0, "x")
    with pytest.raises(OSError):
        close_book(book)
