"""Two processes on one workspace, and a process killed in the middle of an import."""
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.errors import WorkspaceError
from pipeline.model import Label, Passage
from pipeline.review import export_workbook, import_workbook
from pipeline.workspace import PAUSE_HOOK_ENV, Workspace

SHA = "c" * 64
PASSAGES = [Passage(id=f"cccc:{i}", text=f"Đã kiểm tra {i * 10} cơ sở kinh doanh dịch vụ.", source="ha-tinh.docx",
                    doc_sha256=SHA, province="Hà Tĩnh", block_index=i, paragraph=i) for i in range(1, 4)]
HOLD_LOCK = """
import sys, time
from pathlib import Path
from pipeline.workspace import Workspace
with Workspace.open(sys.argv[1]):
    Path(sys.argv[2]).touch()
    time.sleep(60)
"""


def wait_for(path, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the child process never got there"
        time.sleep(0.05)


def build(folder):
    with Workspace.open(folder) as ws:
        ws.replace_passages(SHA, PASSAGES)
        ws.store_labels([Label(p.id, "1.4", "ket_qua", 0.8, 0.8, text=p.text, model_version="m1") for p in PASSAGES])


def stop(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


def test_a_second_writer_waits_briefly_then_stops_with_a_clear_message(tmp_path):
    folder = tmp_path / "ws"
    build(folder)
    marker = tmp_path / "holding"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder), str(marker)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(marker, holder)
        started = time.monotonic()
        with pytest.raises(WorkspaceError) as caught:
            Workspace.open(folder, lock_timeout=0.5)
        assert time.monotonic() - started >= 0.5
        assert caught.value.render() == (
            f"Thư mục làm việc {folder} đang được một tiến trình tongket khác sử dụng; "
            "chờ tiến trình đó kết thúc rồi chạy lại.")
        result = CliRunner().invoke(main, ["review", "import", str(tmp_path / "ra-soat.xlsx"), "-w", str(folder)])
        assert result.exit_code == 2
        assert "đang được một tiến trình tongket khác sử dụng" in result.output
        with Workspace.open(folder, readonly=True) as ws:  # readers are not blocked
            assert len(ws.passages()) == 3
    finally:
        stop(holder)
    with Workspace.open(folder, lock_timeout=0.5) as ws:
        assert len(ws.passages()) == 3


def test_an_import_killed_midway_leaves_the_database_as_it_was(tmp_path):
    folder = tmp_path / "ws"
    build(folder)
    with Workspace.open(folder, readonly=True) as ws:
        path = export_workbook(ws, tmp_path / "ra-soat.xlsx")
    wb = load_workbook(path)
    for row in wb["Rà soát"].iter_rows(min_row=2):
        row[9].value = "1.1"
    wb.save(path)

    marker = tmp_path / "inside-transaction"
    env = dict(os.environ, **{PAUSE_HOOK_ENV: str(marker)})
    child = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "review", "import", str(path), "-w", str(folder)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(marker, child)
    finally:
        stop(child)
    assert child.returncode == -signal.SIGKILL

    with Workspace.open(folder) as ws:
        assert ws._one("PRAGMA integrity_check") == "ok"
        assert ws.corrections() == []
        summary = import_workbook(ws, path, editor="Lan")
        assert (summary.applied, summary.corrections) == (3, 3)
        assert [lab.area for _, lab in ws.effective_labels()] == ["1.1", "1.1", "1.1"]
