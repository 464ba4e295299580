from click.testing import CliRunner

from pipeline.cli import main
from pipeline.taxonomy import load_taxonomy


def test_default_taxonomy_has_the_plans_ten_areas_and_five_findings():
    tax = load_taxonomy()
    assert tax.area_codes == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10"]
    assert tax.finding_codes == ["ket_qua", "ton_tai", "nguyen_nhan", "de_xuat", "khac"]
    assert tax.area("1.3").choice == "1.3 - Thông tin, tuyên truyền, giáo dục nâng cao nhận thức"


def test_heading_patterns_are_compiled_and_match_vietnamese_headings():
    tax = load_taxonomy()
    assert tax.area("1.3").heading_patterns[0].search("Công tác tuyên truyền")
    assert tax.finding("ton_tai").heading_patterns[0].search("Tồn tại, hạn chế")


def test_taxonomy_command_prints_areas(tmp_path):
    result = CliRunner().invoke(main, ["taxonomy"])
    assert result.exit_code == 0
    assert "1.10" in result.output and "nguyen_nhan" in result.output


def test_broken_taxonomy_file_is_a_clear_message(tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text("[[areas]]\nname = 'thiếu mã'\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["taxonomy", "--taxonomy", str(bad)])
    assert result.exit_code == 2
    assert "tệp phân loại không hợp lệ" in result.output
