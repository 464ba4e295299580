"""Two commands on one workspace at once: the first proceeds, the second stops with a clear message (exit 2)."""
from __future__ import annotations

import os
import subprocess
import time

import hostile
from pipeline.run import PAUSE_ENV


def test_a_second_run_on_a_busy_workspace_stops_with_a_clear_message(tmp_path):
    inbox, out = tmp_path / "hop-thu", tmp_path / "ket-qua"
    inbox.mkdir()
    for province in ("Lào Cai", "Cao Bằng"):
        hostile.short_report(inbox / f"{province}.docx", province=province)
    marker = tmp_path / "paused"
    first = subprocess.Popen(["tongket", "run", str(inbox), "-o", str(out), "--quiet"],
                             env={**os.environ, PAUSE_ENV: f"extraction:{marker}"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert first.poll() is None and time.monotonic() < deadline, first.stderr.read()
            time.sleep(0.05)
        busy = (f"Lỗi: Thư mục làm việc {out} đang được một tiến trình tongket khác sử dụng; "
                "chờ tiến trình đó kết thúc rồi chạy lại.")
        second = subprocess.run(["tongket", "run", str(inbox), "-o", str(out), "--quiet"],
                                capture_output=True, text=True, timeout=120)
        assert (second.returncode, second.stdout, second.stderr.splitlines()) == (2, "", [busy])
        importing = subprocess.run(["tongket", "review", "import", str(out / "ra-soat.xlsx"), "-w", str(out)],
                                   capture_output=True, text=True, timeout=120)
        assert (importing.returncode, importing.stderr.splitlines()) == (2, [busy])
        assert not (out / "ra-soat.xlsx").exists()  # the refused commands wrote nothing
    finally:
        marker.unlink(missing_ok=True)  # let the first run go on
    stdout, stderr = first.communicate(timeout=600)
    assert first.returncode == 0, stderr
    assert "  Tệp đã đọc                  2/2 (2 Word)" in stdout.splitlines()
    assert (out / "ra-soat.xlsx").exists()
