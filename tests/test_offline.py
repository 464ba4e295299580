"""No network at any point: the real command runs with every outgoing connection refused.

Two guards: a `sitecustomize` that makes Python's socket connect/resolve raise and logs each attempt
(so an attempt swallowed by a library still fails the test), and, where available, a private network
namespace with no interface up (`unshare -rn`), which also covers LibreOffice and Tesseract.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hostile

GUARD = '''
import os, socket

_LOG = os.environ["TONGKET_TEST_NET_LOG"]
open(_LOG + ".loaded", "a").close()  # proves the guard was active in the process under test


def _refuse(what):
    def refuse(*args, **kwargs):
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{what} {args!r}\\n")
        raise OSError(101, "network disabled by the offline test")
    return refuse


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _guarded(original, what):
    def call(self, *args, **kwargs):
        if self.family == socket.AF_UNIX:
            return original(self, *args, **kwargs)
        return _refuse(what)(self, *args)
    return call


socket.socket.connect = _guarded(_connect, "connect")
socket.socket.connect_ex = _guarded(_connect_ex, "connect_ex")
socket.create_connection = _refuse("create_connection")
socket.getaddrinfo = _refuse("getaddrinfo")
socket.gethostbyname = _refuse("gethostbyname")
'''

SAMPLES = ["BC-199-hai-duong.docx", "BC-257-thua-thien-hue.pdf", "ninh-thuan-bc-tong-ket-pcmd-2016-2020.doc"]


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "hop-thu"
    folder.mkdir()
    for name in SAMPLES:
        if not (hostile.SAMPLES / name).exists():
            pytest.skip("corpus/samples is missing")
        shutil.copyfile(hostile.SAMPLES / name, folder / name)
    return folder


def test_the_guard_itself_refuses_connections(tmp_path):
    (tmp_path / "guard").mkdir()
    (tmp_path / "guard" / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "guard"), "TONGKET_TEST_NET_LOG": str(log)}
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError as e:\n    print(e.errno)"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "101"
    assert log.read_text(encoding="utf-8") == "create_connection (('192.0.2.1', 80),)\n"


def test_a_run_succeeds_with_python_networking_disabled(inbox, tmp_path):
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    path = os.pathsep.join(p for p in [str(guard), os.environ.get("PYTHONPATH", "")] if p)
    env = {**os.environ, "PYTHONPATH": path, "TONGKET_TEST_NET_LOG": str(log)}
    proc = subprocess.run(["tongket", "run", str(inbox), "-o", str(tmp_path / "ket-qua"), "--quiet"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "  Tệp đã đọc                  3/3 (1 PDF, 1 Word, 1 Word 97-2003)" in proc.stdout.splitlines()
    assert Path(f"{log}.loaded").exists()
    assert not log.exists(), log.read_text(encoding="utf-8")


@pytest.mark.skipif(not shutil.which("unshare") or subprocess.run(["unshare", "-rn", "true"]).returncode != 0,
                    reason="unshare -rn (network namespace) is not available")
def test_a_run_succeeds_without_any_network_interface(inbox, tmp_path):
    proc = subprocess.run(["unshare", "-rn", "tongket", "run", str(inbox), "-o", str(tmp_path / "ket-qua"), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "  Tệp đã đọc                  3/3 (1 PDF, 1 Word, 1 Word 97-2003)" in proc.stdout.splitlines()
    assert (tmp_path / "ket-qua" / "du-thao-bao-cao-tong-ket.docx").exists()
