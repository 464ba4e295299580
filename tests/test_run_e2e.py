"""`tongket run` on the shipped samples, as a user runs it (subprocess)."""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
OUTPUTS = ["tongket.sqlite", "ra-soat.xlsx", "trich-doan.docx", "bao-phu.png", "bao-cao-xu-ly.xlsx",
           "du-thao-bao-cao-tong-ket.docx"]


def tongket(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    first = tongket("run", str(SAMPLES), "-o", str(out), "--quiet")
    hashes = {name: digest(out / name) for name in OUTPUTS if name != "tongket.sqlite"}
    second = tongket("run", str(SAMPLES), "-o", str(out), "--quiet")
    return out, first, second, hashes


def test_first_run_processes_every_sample_and_exits_0(runs):
    out, first, _, _ = runs
    assert first.returncode == 0, first.stderr
    assert "Tệp đã đọc                  8/8" in first.stdout
    assert "Tỉnh, thành phố có báo cáo  8/63" in first.stdout
    assert "Traceback" not in first.stdout + first.stderr


def test_every_output_exists_and_opens(runs):
    out = runs[0]
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    workbook = load_workbook(out / "ra-soat.xlsx")
    assert workbook.sheetnames[0] == "Rà soát"
    assert workbook["Rà soát"].max_row > 100  # one row per excerpt of eight reports
    processing = load_workbook(out / "bao-cao-xu-ly.xlsx").active
    assert processing.max_row == 1 + 8
    draft = Document(out / "du-thao-bao-cao-tong-ket.docx")
    assert any("BÁO CÁO" in p.text for p in draft.paragraphs)
    assert Document(out / "trich-doan.docx").paragraphs
    assert Image.open(out / "bao-phu.png").size[0] > 500


def test_second_run_reprocesses_nothing_and_rewrites_nothing(runs):
    out, _, second, hashes = runs
    assert second.returncode == 0, second.stderr
    assert "Đọc mới / dùng lại          0 / 8" in second.stdout
    assert "Đoạn mới phân loại          0" in second.stdout
    assert "không có gì thay đổi" in second.stdout
    assert {name: digest(out / name) for name in hashes} == hashes


def test_status_describes_the_workspace(runs):
    result = tongket("status", "-w", str(runs[0]))
    assert result.returncode == 0, result.stderr
    assert "đã xử lý 8, lỗi 0" in result.stdout
    assert "Phiên bản mô hình    2016-2020-" in result.stdout
