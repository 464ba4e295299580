"""underthesea's segmentation registered as a spaCy tokenizer (``tongket.underthesea_tokenizer.v1``).

spaCy's own Vietnamese tokenizer needs pyvi; tongket's pipeline names this one in its
config so that a saved model reloads it offline. See ``pipeline.nlp`` for the modes.
"""
from __future__ import annotations

from pathlib import Path

from .spacy_lite import spacy  # first: spaCy without its command line
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .nlp import base_lexicon, segment


class UnderthesseaTokenizer:
    """Callable spaCy tokenizer: text -> Doc of normalised underthesea words."""

    def __init__(self, vocab: Vocab, mode: str = "crf", lead_words: int = 0):
        self.vocab = vocab
        self.mode = mode
        self.lead_words = lead_words  # mark the first words: "Nguyên nhân…", "Đề nghị…" open findings
        # The lexicon mode's word list: underthesea's dictionary plus the corpus words, saved
        # whole with the model so that loading reads one file (no dictionary unpickling).
        self._words: frozenset[str] | None = None

    def set_extra_words(self, words: list[str]) -> None:
        """Add the corpus words to underthesea's dictionary (at training time)."""
        self._words = base_lexicon() | frozenset(words)

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            self._words = base_lexicon()
        return self._words

    def __call__(self, text: str) -> Doc:
        words = segment(text, self.mode, self.words if self.mode == "lexicon" else None) or ["#empty"]
        words = [f"^{w}" for w in words[:self.lead_words]] + words
        return Doc(self.vocab, words=words, spaces=[True] * len(words))

    # spaCy saves the tokenizer with the pipeline: its state is the lexicon (lexicon mode only).
    def _lines(self) -> str:
        return "\n".join(sorted(self._words)) if self.mode == "lexicon" and self._words else ""

    def _load_lines(self, text: str) -> None:
        words = frozenset(w for w in text.splitlines() if w)
        self._words = words or None

    def to_bytes(self, **kwargs) -> bytes:
        return self._lines().encode("utf-8")

    def from_bytes(self, data: bytes, **kwargs) -> "UnderthesseaTokenizer":
        self._load_lines(data.decode("utf-8"))
        return self

    def to_disk(self, path, **kwargs) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "lexicon.txt").write_text(self._lines() + "\n", encoding="utf-8")

    def from_disk(self, path, **kwargs) -> "UnderthesseaTokenizer":
        file = Path(path) / "lexicon.txt"
        if file.exists():
            self._load_lines(file.read_text(encoding="utf-8"))
        return self


@spacy.registry.tokenizers("tongket.underthesea_tokenizer.v1")
def create_underthesea_tokenizer(mode: str = "crf", lead_words: int = 0):
    if mode not in ("crf", "lexicon"):
        raise ValueError(f"unknown segmentation mode {mode!r}")

    def make(nlp):
        return UnderthesseaTokenizer(nlp.vocab, mode, lead_words)

    return make
