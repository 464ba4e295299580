"""kill -9 in the middle of extraction, of classification and of a review import: the next run
continues where it stopped, the database passes PRAGMA integrity_check, no editor correction is lost.

The CLI runs as a subprocess in its own process group; a test-only hook (TONGKET_TEST_PAUSE_AT in
pipeline/run.py, TONGKET_TEST_PAUSE_IN_TRANSACTION in pipeline/workspace.py) holds it at the chosen
point until the test kills the whole group.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

import hostile
from pipeline.run import PAUSE_ENV
from pipeline.workspace import PAUSE_HOOK_ENV, Workspace

BASE_PROVINCES = ["Lào Cai", "Cao Bằng"]
NEW_PROVINCES = ["Lạng Sơn", "Bắc Giang"]


def tongket(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["tongket", *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


def kill_when_paused(args: list[str], env: dict, marker: Path) -> None:
    """Start the CLI, wait until the hook touches `marker`, then kill -9 its whole process group."""
    proc = subprocess.Popen(["tongket", *args], env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"finished before the pause point: {proc.stderr.read().decode()}")
        assert time.monotonic() < deadline, "the pause point was never reached"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def edit_workbook(path: Path, first_row: int, rows: int, area: str) -> None:
    """An editor sets the corrected area (column J) of some rows."""
    wb = load_workbook(path)
    sheet = wb["Rà soát"]
    for number in range(first_row, first_row + rows):
        sheet.cell(row=number, column=10, value=area)
    wb.save(path)


def integrity(out: Path) -> str:
    with sqlite3.connect(out / "tongket.sqlite") as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def corrections(out: Path) -> list[tuple]:
    with Workspace.open(out, readonly=True) as ws:
        return [(c.passage_id, c.field, c.old_value, c.new_value, c.at) for c in ws.corrections()]


def effective_areas(out: Path) -> dict[str, str]:
    with Workspace.open(out, readonly=True) as ws:
        return {pid: state.area for pid, state in ws.editor_states().items()}


def unlabelled(out: Path) -> int:
    with sqlite3.connect(out / "tongket.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM passages p WHERE status = 'active' AND NOT EXISTS "
                          "(SELECT 1 FROM predictions r WHERE r.passage_id = p.id)").fetchone()[0]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A workspace with two reports and three imported editor corrections."""
    root = tmp_path_factory.mktemp("base")
    inbox, out = root / "hop-thu", root / "ket-qua"
    inbox.mkdir()
    for province in BASE_PROVINCES:
        hostile.short_report(inbox / f"{province}.docx", province=province)
    assert tongket("run", str(inbox), "-o", str(out), "--quiet").returncode == 0
    edit_workbook(out / "ra-soat.xlsx", 2, 3, "1.3")
    imported = tongket("review", "import", str(out / "ra-soat.xlsx"), "-w", str(out), "--editor", "btv")
    assert imported.returncode == 0 and imported.stdout.startswith("Đã áp dụng 3 dòng"), imported.stdout
    assert tongket("run", str(inbox), "-o", str(out), "--quiet").returncode == 0  # outputs with the corrections
    return root


@pytest.fixture
def copy(base, tmp_path):
    shutil.copytree(base, tmp_path, dirs_exist_ok=True)
    return tmp_path / "hop-thu", tmp_path / "ket-qua"


def add_reports(inbox: Path) -> None:
    for province in NEW_PROVINCES:
        hostile.short_report(inbox / f"{province}.docx", province=province)


@pytest.mark.parametrize("stage", ["extraction", "classification"])
def test_a_run_killed_mid_stage_continues_where_it_stopped(copy, tmp_path, stage):
    inbox, out = copy
    before, areas = corrections(out), effective_areas(out)
    assert len(before) == 3
    add_reports(inbox)
    marker = tmp_path / "paused"
    kill_when_paused(["run", str(inbox), "-o", str(out), "--quiet", "-j", "2"], {PAUSE_ENV: f"{stage}:{marker}"},
                     marker)

    assert integrity(out) == "ok"
    assert corrections(out) == before and effective_areas(out) == areas
    with sqlite3.connect(out / "tongket.sqlite") as db:
        files = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    left = unlabelled(out)
    if stage == "extraction":
        assert files == 3  # the first new report was stored, the second not
    else:
        assert files == 4 and 0 < left < 2 * left  # one new report labelled, the other not yet

    again = tongket("run", str(inbox), "-o", str(out), "--quiet")
    assert again.returncode == 0, again.stdout + again.stderr
    lines = again.stdout.splitlines()
    if stage == "extraction":
        assert "  Đọc mới / dùng lại          1 / 3" in lines
    else:
        assert "  Đọc mới / dùng lại          0 / 4" in lines
        assert f"  Đoạn mới phân loại          {left}" in lines
    assert "  Tỉnh, thành phố có báo cáo  4/63" in lines
    assert unlabelled(out) == 0 and integrity(out) == "ok"
    assert corrections(out) == before and effective_areas(out) == areas


def test_an_import_killed_mid_transaction_leaves_earlier_corrections_and_nothing_half_done(copy, tmp_path):
    inbox, out = copy
    before, areas = corrections(out), effective_areas(out)
    edit_workbook(out / "ra-soat.xlsx", 5, 4, "1.7")
    marker = tmp_path / "paused"
    kill_when_paused(["review", "import", str(out / "ra-soat.xlsx"), "-w", str(out), "--editor", "btv"],
                     {PAUSE_HOOK_ENV: str(marker)}, marker)

    assert integrity(out) == "ok"
    assert corrections(out) == before and effective_areas(out) == areas  # the killed import left nothing

    again = tongket("review", "import", str(out / "ra-soat.xlsx"), "-w", str(out), "--editor", "btv")
    assert again.stdout.startswith("Đã áp dụng 4 dòng"), again.stdout
    after = corrections(out)
    assert after[:3] == before and len(after) == 7
    assert sorted(effective_areas(out).values()) == ["1.3"] * 3 + ["1.7"] * 4
    rerun = tongket("run", str(inbox), "-o", str(out), "--quiet")
    assert rerun.returncode == 0 and "  Đọc mới / dùng lại          0 / 2" in rerun.stdout.splitlines()
    assert corrections(out) == after and integrity(out) == "ok"
