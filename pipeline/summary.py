"""Vietnamese wording of a run's summary and of a workspace's status (for the CLI)."""
from __future__ import annotations

from collections import Counter

from .processing_report import FORMAT_VI


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in rows)
    return [f"  {k.ljust(width)}  {v}" for k, v in rows]


def format_summary(summary) -> str:
    ok = [f for f in summary.files if f.status == "ok"]
    formats = Counter(FORMAT_VI.get(f.format or "", f.format or "?") for f in ok)
    lines = ["", "KẾT QUẢ XỬ LÝ"]
    lines += _table([
        ("Tệp đã đọc", f"{len(ok)}/{len(summary.files)}"
         + (f" ({', '.join(f'{n} {fmt}' for fmt, n in sorted(formats.items()))})" if formats else "")),
        ("Tệp lỗi hoặc bỏ qua", str(len(summary.failed))),
        ("Đọc mới / dùng lại", f"{summary.newly_extracted} / {len(summary.files) - summary.newly_extracted}"),
        ("Tỉnh, thành phố có báo cáo", f"{len(summary.provinces_covered)}/63"),
        ("Đoạn trích", str(summary.passages)),
        ("Đoạn độ tin cậy thấp", str(summary.low_confidence)),
        ("Đoạn mới phân loại", str(summary.newly_labelled)),
        ("Thời gian", ", ".join(f"{k} {v:.1f} s" for k, v in summary.stage_seconds.items())),
    ])
    if summary.failed:
        lines.append(f"Tệp lỗi hoặc bỏ qua ({len(summary.failed)}) — chi tiết trong bao-cao-xu-ly.xlsx:")
        lines += [f"  - {f.error}" for f in summary.failed]
    by_path = {f.path: f for f in summary.files}
    if summary.duplicates:
        lines.append("Tỉnh có nhiều báo cáo (dự thảo dùng bản đầu; muốn đổi: đánh x ở cột D của gan-tinh.xlsx):")
        for province, paths in sorted(summary.duplicates.items()):
            used, *others = paths
            lines.append(f"  - {province}: dùng «{used}» ({_date(by_path[used].date)}); không dùng "
                         + ", ".join(f"«{p}» ({_date(by_path[p].date)})" for p in others))
    if summary.no_province:
        lines.append(f"Chưa xác định được tỉnh ({len(summary.no_province)}) — điền tỉnh vào cột C của gan-tinh.xlsx "
                     "rồi chạy lại:")
        lines += [f"  - {path}" for path in summary.no_province]
    if summary.provinces_missing and len(summary.provinces_missing) < 63:
        lines.append(f"Chưa có báo cáo ({len(summary.provinces_missing)}): " + ", ".join(summary.provinces_missing))
    for notice in summary.notices:
        lines.append(f"Lưu ý: {notice}")
    lines.append("Tệp kết quả" + ("" if summary.outputs_written else " (không có gì thay đổi, giữ nguyên)") + ":")
    lines += [f"  {path}" for path in summary.outputs.values()]
    return "\n".join(lines)


def _date(iso: str | None) -> str:
    if not iso or len(iso.split("-")) != 3:
        return "không rõ ngày"
    return "ngày " + "/".join(reversed(iso.split("-")))


def format_status(status: dict) -> str:
    files = status["files"]
    last = status.get("last_run") or {}
    rows = [
        ("Không gian làm việc", status["workspace"]),
        ("Mã lô", status["batch_id"]),
        ("Tệp", f"{sum(files.values())} (đã xử lý {files.get('ok', 0)}, lỗi {files.get('failed', 0)})"),
        ("Báo cáo", str(status["documents"])),
        ("Tỉnh, thành phố", str(status.get("provinces", "—"))),
        ("Đoạn trích", f"{status['passages']} (đã phân loại {status['labelled_passages']})"),
        ("Hiệu chỉnh", f"{status['corrections']} (trên {status['corrected_passages']} đoạn; "
                       f"loại bỏ {status['excluded_passages']}; cần xem lại {status['needs_review']})"),
        ("Phiên bản mô hình", ", ".join(status["model_versions"]) or "—"),
        ("Lần chạy gần nhất", f"{last.get('started', '—')} → {last.get('finished') or 'chưa xong'}" if last else "—"),
    ]
    return "\n".join(_table(rows))
