"""What a run that labels one new report imports: underthesea's sentence splitter alone (not the
whole package) and spaCy without its command line — each would add half a second to that run.
Both must behave exactly as the libraries' own entry points."""
from __future__ import annotations

import subprocess
import sys

from pipeline.nlp import split_sentences

TEXTS = [
    "Đã kiểm tra 326 lượt cơ sở. Tuy nhiên, lực lượng còn mỏng! Vì sao? TP. Hồ Chí Minh có nhiều điểm nóng.",
    "Năm 2019, UBND tỉnh ban hành Kế hoạch số 125/KH-UBND ngày 15/3/2019... Các sở đã triển khai.",
    "- Đề nghị Bộ LĐTBXH bổ sung kinh phí; tăng cường tập huấn cho cộng tác viên",
    "Theo ông Nguyễn V. A., Trưởng phòng PC02, số vụ giảm 12,5%. Đây là kết quả tốt.",
    "   ",
    "Một câu không có dấu chấm cuối",
]


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_sentences_are_underthesea_s_own():
    from underthesea import sent_tokenize

    for text in TEXTS:
        expected = [s.strip() for s in sent_tokenize(text.strip()) if s.strip()] or ([text.strip()] if text.strip() else [])
        assert split_sentences(text) == expected


def test_splitting_sentences_does_not_import_the_underthesea_package():
    out = _run("import sys; from pipeline.nlp import split_sentences; "
               "print(split_sentences('Một. Hai.'), 'underthesea' in sys.modules)")
    assert out == "['Một.', 'Hai.'] False"


def test_the_classifier_loads_spacy_without_its_command_line_which_still_works_when_asked():
    out = _run("import sys; from pipeline.labelling import get_classifier; from pipeline.model import Passage; "
               "c = get_classifier(None); l = c.label_passages([Passage(id='1', text='Đề nghị Bộ bổ sung kinh phí.')])[0]; "
               "print(l.finding, 'spacy.cli' in sys.modules, 'requests' in sys.modules); "
               "import spacy.cli, spacy; print(callable(spacy.cli.info), 'spacy_version' in spacy.info())")
    assert out.splitlines() == ["de_xuat False False", "True True"]
