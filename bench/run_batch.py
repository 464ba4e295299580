"""Benchmark of `tongket run` on the 63-report batch, as the editorial group would run it.

    python bench/run_batch.py [--batch DIR] [--seed 1] [--jobs 2]

Builds the batch with `tongket corpus build` (unless --batch is given), then times:
  1. a cold run without the scanned reports,
  2. a warm re-run with nothing changed,
  3. a re-run after one report is replaced,
  4. the scanned reports alone (OCR seconds per page),
and prints per-stage wall time (from the run's own summary), pages and passages per
second, peak resident memory of the whole process tree, and the ratio of our text-PDF
extraction time to `pdftotext` on the same files.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc: only the tree's own
    entries are read (each thread's `children`), so that watching costs the run next to nothing."""
    total, stack, seen = 0, [root_pid], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/status") as fh:
                vm = re.search(r"VmRSS:\s+(\d+)", fh.read())
            total += int(vm.group(1)) if vm else 0
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    stack.extend(int(child) for child in fh.read().split())
        except OSError:  # the process ended meanwhile
            continue
    return total


def timed_run(args: list[str]) -> tuple[float, int, str]:
    """Run a command; return (seconds, peak tree RSS in MB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = [0]

    def watch():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, _ = proc.communicate()
    watcher.join()
    return time.perf_counter() - start, peak[0] // 1024, out


def stage_line(out: str) -> str:
    match = re.search(r"Thời gian\s+(.*)", out)
    return match.group(1).strip() if match else "?"


def count(out: str, label: str) -> int:
    match = re.search(rf"{label}\s+(\d+)", out)
    return int(match.group(1)) if match else 0


def machine_reference() -> float:
    """Seconds for a fixed pure-Python loop: how fast this machine is right now (a shared machine
    varies by tens of percent from hour to hour; compare figures taken at similar references)."""
    t = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", help="an existing batch folder (from tongket corpus build)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    tongket = [sys.executable, "-m", "pipeline.cli"]
    print(f"máy: vòng lặp tham chiếu {machine_reference():.2f} s (5 triệu phép cộng Python)")
    work = Path(tempfile.mkdtemp(prefix="tongket-bench-"))
    try:
        batch = Path(args.batch) if args.batch else work / "batch"
        if not args.batch:
            t = time.perf_counter()
            subprocess.run(tongket + ["corpus", "build", "--out", str(batch), "--seed", str(args.seed)],
                           check=True, stdout=subprocess.DEVNULL)
            print(f"dựng bộ 63 báo cáo: {time.perf_counter() - t:.1f} s")
        manifest = json.loads((batch / "manifest.json").read_text(encoding="utf-8"))
        files = manifest["files"]
        scans = [f["file"] for f in files if f.get("variant") == "pdf-scan"]
        texts = [f["file"] for f in files if f.get("variant") == "pdf" and not f.get("expect_error")]

        inbox = work / "inbox"
        inbox.mkdir()
        for f in files:
            if f["file"] not in scans:
                shutil.copy2(batch / f["file"], inbox / f["file"])
        out = work / "out"

        secs, rss, text = timed_run(tongket + ["run", str(inbox), "-o", str(out), "-j", str(args.jobs), "--quiet"])
        passages = count(text, "Đoạn trích")
        pages = sum((json.loads(line).get("pages") or 0) for line in subprocess.run(
            tongket + ["extract", "--json"] + [str(inbox / n) for n in texts], capture_output=True,
            text=True).stdout.splitlines() if line.startswith("{"))
        print(f"1. chạy lần đầu (không có bản quét, {len(files) - len(scans)} tệp): {secs:.1f} s, "
              f"RSS đỉnh {rss} MB, {passages} đoạn ({passages / secs:.0f} đoạn/s)")
        print(f"   các bước: {stage_line(text)}")

        secs, rss, text = timed_run(tongket + ["run", str(inbox), "-o", str(out), "-j", str(args.jobs), "--quiet"])
        print(f"2. chạy lại, không đổi gì: {secs:.1f} s, RSS đỉnh {rss} MB — {stage_line(text)}")

        victim = sorted(inbox.glob("*.docx"))[0]
        from docx import Document

        doc = Document(victim)
        doc.add_paragraph("Báo cáo bổ sung: tỉnh đã rà soát lại số liệu giai đoạn 2016 - 2020.")
        doc.save(victim)
        t = time.perf_counter()
        subprocess.run(tongket + ["extract", "--json", str(victim)], capture_output=True)
        own = time.perf_counter() - t
        secs, rss, text = timed_run(tongket + ["run", str(inbox), "-o", str(out), "-j", str(args.jobs), "--quiet"])
        print(f"3. thay một báo cáo ({victim.name}): {secs:.1f} s (riêng việc đọc tệp đó ~{own:.1f} s, "
              f"kể cả khởi động) — {stage_line(text)}")

        if texts:
            t = time.perf_counter()
            for name in texts:
                subprocess.run(["pdftotext", str(inbox / name), "-"], capture_output=True, check=True)
            ref = time.perf_counter() - t
            code = ("import sys,time; from extractors import extract_file; t=time.perf_counter(); "
                    "[extract_file(p) for p in sys.argv[1:]]; print(time.perf_counter()-t)")
            ours = float(subprocess.run([sys.executable, "-c", code] + [str(inbox / n) for n in texts],
                                        capture_output=True, text=True, check=True).stdout)
            print(f"PDF có lớp chữ: {len(texts)} tệp, {pages} trang; tongket {ours:.2f} s "
                  f"({pages / ours:.0f} trang/s), pdftotext {ref:.2f} s — tỷ lệ {ours / ref:.1f}×")

        if scans:
            scan_in = work / "scans"
            scan_in.mkdir()
            for name in scans:
                shutil.copy2(batch / name, scan_in / name)
            secs, rss, text = timed_run(tongket + ["run", str(scan_in), "-o", str(work / "out-scan"),
                                                   "-j", str(args.jobs), "--quiet"])
            scan_pages = sum((json.loads(line).get("pages") or 0) for line in subprocess.run(
                tongket + ["extract", "--json"] + [str(scan_in / n) for n in scans], capture_output=True,
                text=True).stdout.splitlines() if line.startswith("{"))
            cores = min(os.cpu_count() or 1, args.jobs)
            match = re.search(r"trích xuất ([\d.]+) s", text)
            ocr = float(match.group(1)) if match else secs
            print(f"4. bản quét: {len(scans)} tệp, {scan_pages} trang; đọc + OCR {ocr:.1f} s "
                  f"({ocr * cores / max(scan_pages, 1):.2f} s/trang/lõi), cả lệnh {secs:.1f} s, RSS đỉnh {rss} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
