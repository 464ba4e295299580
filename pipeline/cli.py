"""tongket's command line: a thin click shell over the library.

Each command parses its arguments, calls one library function and prints the
result in Vietnamese. User mistakes arrive as ReportError and are printed
without a traceback.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import ReportError


class TongketGroup(click.Group):
    """Turns ReportError into a one-line Vietnamese message and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ReportError as exc:
            click.echo(f"Lỗi: {exc.render()}", err=True)
            sys.exit(2)


@click.group(cls=TongketGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tongket")
def main():
    """tongket — tổng hợp báo cáo tổng kết của 63 tỉnh, thành phố thành dự thảo báo cáo toàn quốc."""


# --- taxonomy ---------------------------------------------------------------

@main.command("taxonomy")
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False), help="Tệp phân loại TOML khác.")
def taxonomy_cmd(taxonomy_path):
    """In danh mục lĩnh vực và loại nội dung đang dùng."""
    from .taxonomy import load_taxonomy

    tax = load_taxonomy(taxonomy_path)
    click.echo(f"Kỳ tổng kết: {tax.cycle.get('id', '')} — {tax.cycle.get('program', '')}")
    click.echo("Lĩnh vực:")
    for area in tax.areas:
        click.echo(f"  {area.code:<5} {area.name}")
    click.echo("Loại nội dung:")
    for finding in tax.findings:
        click.echo(f"  {finding.code:<12} {finding.name}")
    click.echo(f"Ngưỡng độ tin cậy thấp: {tax.low_confidence}")


# --- extract ----------------------------------------------------------------

@main.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Mỗi tệp một dòng JSON (đúng cấu trúc Document).")
@click.option("--text", "as_text", is_flag=True, help="Chữ thuần, có số thứ tự đề mục; bảng tách bằng tab.")
def extract_cmd(files, as_json, as_text):
    """Đọc báo cáo (Word, PDF, bản quét, .doc, phông TCVN3/VNI) và in nội dung đã chuẩn hóa."""
    import json

    from extractors import document_summary, document_text, extract_file

    if as_json and as_text:
        raise click.UsageError("chỉ chọn một trong hai: --json hoặc --text")
    failed = 0
    for path in files:
        try:
            doc = extract_file(path)
        except ReportError as exc:
            click.echo(f"Lỗi: {exc.render()}", err=True)
            failed += 1
            continue
        for warning in doc.warnings:
            click.echo(f"Cảnh báo: {path}: {warning}", err=True)
        if as_json:
            click.echo(json.dumps(doc.to_dict(), ensure_ascii=False))
        elif as_text:
            if len(files) > 1:
                click.echo(f"===== {path} =====")
            click.echo(document_text(doc))
        else:
            click.echo(document_summary(doc))
    if failed:
        sys.exit(1)


# --- corpus -----------------------------------------------------------------

@main.group("corpus")
def corpus_group():
    """Dữ liệu mẫu: dựng bộ báo cáo giả lập của các tỉnh kèm đáp án (gold)."""


@corpus_group.command("build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Thư mục ghi bộ báo cáo.")
@click.option("--seed", type=int, default=0, show_default=True, help="Hạt giống ngẫu nhiên (cùng hạt giống → cùng kết quả).")
@click.option("--provinces", type=click.IntRange(1, 63), default=63, show_default=True, help="Số tỉnh, thành phố.")
@click.option("--split", type=click.Choice(["test", "dev", "train", "all"]), default="test", show_default=True,
              help="Lấy đoạn văn từ tập nào (báo cáo dùng để đánh giá: chỉ tập test).")
def corpus_build_cmd(out_dir, seed, provinces, split):
    """Dựng một báo cáo cho mỗi tỉnh (nhiều định dạng, kèm lỗi thường gặp) cùng manifest.json và gold/."""
    from corpus.build import build_batch

    manifest = build_batch(out_dir, seed=seed, provinces=provinces, split=split)
    click.echo(f"Đã dựng {len(manifest.files)} tệp cho {provinces} tỉnh, thành phố trong "
               f"{manifest.seconds:.0f} giây → {out_dir}")
    for name, count in manifest.counts().items():
        click.echo(f"  {name:<14} {count}")
    click.echo(f"Đáp án: {out_dir}/gold/documents.json, {out_dir}/gold/passages.jsonl; danh mục: {out_dir}/manifest.json")


# --- classify: train, label, eval -------------------------------------------

@main.command("train")
@click.option("--with-corrections", "with_corrections", is_flag=True,
              help="Gộp các hiệu chỉnh của biên tập viên trong không gian làm việc vào dữ liệu huấn luyện.")
@click.option("-w", "--workspace", type=click.Path(file_okay=True), help="Thư mục hoặc tệp tongket.sqlite.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Nơi lưu mô hình (mặc định: mô hình đi kèm gói).")
def train_cmd(with_corrections, workspace, out_dir):
    """Huấn luyện lại mô hình phân loại từ corpus/passages (và hiệu chỉnh của biên tập viên)."""
    from .labelled import load_split
    from .learning import before_and_after, corrected_items, score_model, train_model
    from .train import MODEL_DIR

    target = Path(out_dir) if out_dir else MODEL_DIR
    sets = {}
    if with_corrections and workspace:
        sets = {"dev": load_split("dev"), "đoạn đã hiệu chỉnh": corrected_items(workspace)}
        sets = {name: items for name, items in sets.items() if items}
    current = target if (target / "config.cfg").exists() else MODEL_DIR  # the model in use so far
    before = ({name: score_model(current, items) for name, items in sets.items()}
              if sets and (current / "config.cfg").exists() else {})
    meta = train_model(out_dir=out_dir, workspace=workspace if with_corrections else None,
                       require_workspace=with_corrections, log=click.echo)
    epochs = meta["best_epoch"]
    click.echo(f"Đã lưu mô hình phiên bản {meta['version']} (vòng tốt nhất: lĩnh vực {epochs['area']}, "
               f"loại {epochs['finding']}; "
               f"{meta['train_size']} đoạn huấn luyện) vào {meta['path']}")
    if sets:
        click.echo("Macro-F1 trước và sau khi học từ hiệu chỉnh (dev đã được dùng để huấn luyện lại, "
                   "nên chỉ để so sánh):")
        click.echo(before_and_after(before, {name: score_model(target, items) for name, items in sets.items()}))


@main.command("label")
@click.argument("in_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False), required=True,
              help="Tệp JSONL kết quả.")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), help="Thư mục mô hình khác.")
def label_cmd(in_file, out_file, model_dir):
    """Gán lĩnh vực và loại nội dung cho từng dòng {"id", "text", "heading"} của IN_FILE."""
    from .labelling import label_jsonl

    count, low = label_jsonl(in_file, out_file, model_dir=model_dir)
    click.echo(f"Đã gán nhãn {count} đoạn ({low} đoạn độ tin cậy thấp) → {out_file}")


@main.command("eval")
@click.argument("gold_file", type=click.Path(dir_okay=False))
@click.option("--model", "model_dir", type=click.Path(file_okay=False), help="Thư mục mô hình khác.")
@click.option("--baseline/--no-baseline", default=True, help="In kèm kết quả của phương pháp từ khóa.")
@click.option("-w", "--workspace", type=click.Path(), help="Đánh giá thêm trên các đoạn đã được biên tập viên hiệu chỉnh.")
def eval_cmd(gold_file, model_dir, baseline, workspace):
    """Đánh giá mô hình trên tệp có nhãn: P/R/F1 từng lớp, macro-F1, ma trận nhầm lẫn."""
    from .labelling import evaluate_file

    click.echo(evaluate_file(gold_file, model_dir=model_dir, baseline=baseline, workspace=workspace))


# --- review -----------------------------------------------------------------

def _editor_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name on some systems
        return ""


@main.group("review")
def review_group():
    """Bảng rà soát Excel cho Tổ biên tập: xuất và nhập hiệu đính."""


@review_group.command("export")
@click.option("-w", "--workspace", required=True, type=click.Path(), help="Thư mục làm việc.")
@click.option("-o", "--output", default="ra-soat.xlsx", show_default=True, type=click.Path(dir_okay=False))
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False), help="Tệp phân loại TOML khác.")
def review_export_cmd(workspace, output, taxonomy_path):
    """Xuất các trích đoạn đã phân loại ra bảng Excel để rà soát."""
    from .review import export_workbook
    from .taxonomy import load_taxonomy
    from .workspace import Workspace

    with Workspace.open(workspace, readonly=True) as ws:
        path = export_workbook(ws, output, load_taxonomy(taxonomy_path))
    click.echo(f"Đã xuất bảng rà soát: {path}")


@review_group.command("import")
@click.argument("xlsx", type=click.Path(dir_okay=False))
@click.option("-w", "--workspace", required=True, type=click.Path(), help="Thư mục làm việc.")
@click.option("--editor", default=None, help="Tên người hiệu đính (mặc định: tên đăng nhập).")
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False), help="Tệp phân loại TOML khác.")
def review_import_cmd(xlsx, workspace, editor, taxonomy_path):
    """Nhập các hiệu đính từ bảng rà soát Excel vào thư mục làm việc."""
    from .review import import_workbook
    from .taxonomy import load_taxonomy
    from .workspace import Workspace

    with Workspace.open(workspace) as ws:
        summary = import_workbook(ws, xlsx, editor if editor is not None else _editor_name(),
                                  load_taxonomy(taxonomy_path))
    click.echo(summary.render())


@main.command("excerpts")
@click.option("-w", "--workspace", required=True, type=click.Path(), help="Thư mục làm việc.")
@click.option("-o", "--output", default="trich-doan.docx", show_default=True, type=click.Path(dir_okay=False))
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False), help="Tệp phân loại TOML khác.")
def excerpts_cmd(workspace, output, taxonomy_path):
    """Xuất sổ trích đoạn (Word) xếp theo lĩnh vực, loại nội dung và tỉnh."""
    from .excerpts import write_excerpt_book
    from .taxonomy import load_taxonomy
    from .workspace import Workspace

    with Workspace.open(workspace, readonly=True) as ws:
        path = write_excerpt_book(ws, output, load_taxonomy(taxonomy_path))
    click.echo(f"Đã xuất sổ trích đoạn: {path}")


@main.command("coverage")
@click.option("-w", "--workspace", required=True, type=click.Path(), help="Thư mục làm việc.")
@click.option("-o", "--output", default="bao-phu.png", show_default=True, type=click.Path(dir_okay=False))
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False), help="Tệp phân loại TOML khác.")
def coverage_cmd(workspace, output, taxonomy_path):
    """Vẽ bản đồ nhiệt tỉnh × lĩnh vực (PNG) và liệt kê tỉnh chưa gửi báo cáo."""
    from .coverage import coverage_matrix, write_heatmap
    from .taxonomy import load_taxonomy
    from .workspace import Workspace

    tax = load_taxonomy(taxonomy_path)
    with Workspace.open(workspace, readonly=True) as ws:
        cov = coverage_matrix(ws, tax)
    path = write_heatmap(cov, output, tax)
    click.echo(f"Đã vẽ bản đồ bao phủ: {path}")
    click.echo(f"Số tỉnh, thành phố chưa gửi báo cáo: {len(cov.missing)}"
               + (f" ({', '.join(cov.missing)})" if cov.missing else ""))
    if cov.skipped:
        click.echo(f"Số báo cáo thiếu ít nhất một lĩnh vực: {len(cov.skipped)}")


# --- draft ------------------------------------------------------------------

@main.command("draft")
@click.option("-w", "--workspace", required=True, type=click.Path(), help="Thư mục làm việc.")
@click.option("-o", "--output", default="du-thao-bao-cao-tong-ket.docx", show_default=True,
              type=click.Path(dir_okay=False), help="Tệp Word dự thảo.")
@click.option("--template", "template", type=click.Path(), default=None,
              help="Mẫu Word (.docx) khác, hoặc thư mục chứa mẫu Word và các tệp *.j2.")
@click.option("--preview", "preview", type=click.Path(dir_okay=False), default=None,
              help="Ghi thêm bản xem trước (.md hoặc .html) có chú thích nguồn.")
def draft_cmd(workspace, output, template, preview):
    """Soạn dự thảo báo cáo tổng kết toàn quốc (Word, mỗi đoạn có ghi chú nguồn)."""
    from .draft import prepare, render_docx, render_preview
    from .workspace import Workspace

    with Workspace.open(workspace, readonly=True) as ws:
        prepared = prepare(ws)
        heatmap = ws.folder / "bao-phu.png"
    path = render_docx(prepared, output, heatmap=heatmap if heatmap.exists() else None, template=template)
    click.echo(f"Đã soạn dự thảo: {path}")
    if preview:
        click.echo(f"Bản xem trước: {render_preview(prepared, preview, template)}")
    draft = prepared.draft
    click.echo(f"Tỉnh, thành phố có báo cáo: {len(draft.provinces_reporting)}/63; "
               f"mục cần kiểm tra (Phụ lục 1): {len(draft.warnings)}")

# --- run, status ------------------------------------------------------------

class _ClickProgress:
    """One click progress bar per stage, on stderr."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None

    def stage(self, name, total):
        self.done()
        if not self.enabled or total == 0:
            return lambda: None
        self.bar = click.progressbar(length=total, label=name.ljust(14), file=sys.stderr, show_pos=True)
        self.bar.__enter__()
        return lambda: self.bar.update(1)

    def done(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


RUN_EPILOG = """\b
Mã thoát:
  0  mọi tệp đều được xử lý
  1  một số tệp lỗi (xem bao-cao-xu-ly.xlsx), các tệp còn lại đã xử lý xong
  2  lỗi sử dụng: thư mục không tồn tại, thư mục kết quả đang được tiến trình khác dùng…
  3  không đọc được báo cáo nào (thư mục rỗng hoặc mọi tệp đều lỗi)

\b
Tệp kết quả trong OUT_DIR: tongket.sqlite, ra-soat.xlsx, trich-doan.docx, bao-phu.png,
bao-cao-xu-ly.xlsx, du-thao-bao-cao-tong-ket.docx; gan-tinh.xlsx khi có báo cáo chưa rõ tỉnh
hoặc một tỉnh gửi hai báo cáo (điền tỉnh ở cột C, đánh x ở cột D để chọn bản dùng, rồi chạy lại).
"""


@main.command("run", epilog=RUN_EPILOG)
@click.argument("input_dir", type=click.Path(file_okay=False))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Thư mục kết quả (chứa tongket.sqlite và các tệp xuất).")
@click.option("-j", "--jobs", default=2, show_default=True, help="Số tiến trình đọc báo cáo song song.")
@click.option("--quiet", is_flag=True, help="Không hiện thanh tiến độ.")
def run_cmd(input_dir, out_dir, jobs, quiet):
    """Xử lý cả lô báo cáo trong INPUT_DIR: trích xuất, phân loại, xuất bảng rà soát và dự thảo."""
    from .run import run_batch
    from .summary import format_summary

    summary = run_batch(input_dir, out_dir, workers=jobs, progress=_ClickProgress(not quiet))
    click.echo(format_summary(summary))
    sys.exit(summary.exit_code)


@main.command("status")
@click.option("-w", "--workspace", required=True, type=click.Path(), help="Thư mục kết quả hoặc tệp tongket.sqlite.")
def status_cmd(workspace):
    """Cho biết trong không gian làm việc có gì."""
    from .summary import format_status
    from .workspace import Workspace

    path = Path(workspace)
    db = path / "tongket.sqlite" if path.is_dir() else path
    if not db.exists():
        raise ReportError("không tìm thấy không gian làm việc", str(db), "chạy 'tongket run' trước")
    with Workspace.open(db, readonly=True) as ws:
        click.echo(format_status(ws.status()))



def entry() -> None:
    """The ``tongket`` command: ``main`` in a process of its own. It ends with the exit handlers
    (worker processes joined, their queues released) but without the interpreter's teardown:
    freeing the language models and libraries a run loaded took more than half a second, and
    every file and database is closed by then."""
    import atexit

    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    atexit._run_exitfuncs()
    os._exit(code or 0)


if __name__ == "__main__":
    entry()
