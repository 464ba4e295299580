"""Vietnamese word segmentation (underthesea) registered as a spaCy tokenizer.

spaCy's own Vietnamese tokenizer needs pyvi; tongket uses underthesea's CRF word
segmenter instead and registers it under ``tongket.underthesea_tokenizer.v1`` so
that a saved pipeline names it in its config and reloads it offline.

Two segmentation modes, chosen per model in its config (see README, "Model choice"):

- ``crf``: underthesea's CRF word segmenter, sentence by sentence;
- ``lexicon``: greedy longest match over underthesea's own 72k-word dictionary
  plus the multi-syllable words its CRF found in tongket's training corpus
  (the whole list is saved with the model as ``tokenizer/lexicon.txt``). It agrees with the CRF on
  most domain words and is several times faster.

Tokens are normalised for classification: lower case, multi-syllable words joined
with ``_`` ("cơ_sở"), numbers folded to ``#num`` (years of the programme periods
are kept, they carry meaning: "2021", "2025").
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

MAX_WORD_SYLLABLES = 4
_SYLLABLE = re.compile(r"\d+(?:[.,]\d+)*%?|\w+(?:-\w+)*|[^\w\s]")

_NUMBER = re.compile(r"^[\d.,%/]*\d[\d.,%/]*$")
_YEAR = re.compile(r"^(19[5-9]\d|20[0-4]\d)$")
_PUNCT = re.compile(r"^[^\w]+$")


def _word_tokenize(sentence: str) -> list[str]:
    from underthesea import word_tokenize

    return word_tokenize(sentence)


@lru_cache(maxsize=65536)
def _segment_sentence(sentence: str) -> tuple[str, ...]:
    return tuple(_word_tokenize(sentence))


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage (underthesea), never empty for non-blank text."""
    from underthesea import sent_tokenize

    text = text.strip()
    if not text:
        return []
    return [s.strip() for s in sent_tokenize(text) if s.strip()] or [text]


def normalise_token(word: str) -> str | None:
    """The feature form of one segmented word, or None to drop it."""
    word = word.strip().lower()
    if not word or _PUNCT.match(word):
        return None
    if _YEAR.match(word):
        return word
    if _NUMBER.match(word):
        return "#num"
    if any(ch.isdigit() for ch in word):
        # "1.234 lượt" comes back as one token: keep the unit, fold the figure
        parts = [p for p in word.split() if p]
        return "_".join("#num" if _NUMBER.match(p) else p for p in parts)
    return word.replace(" ", "_")


@lru_cache(maxsize=1)
def base_lexicon() -> frozenset[str]:
    """underthesea's own dictionary of multi-syllable words, lower case."""
    import os

    import joblib
    import underthesea.pipeline.word_tokenize as ws

    path = os.path.join(os.path.dirname(ws.__file__), "models", "ws_crf_vlsp2013_20230727", "dictionary.bin")
    from .vietnamese import normalize_text

    return frozenset(normalize_text(w.lower(), legacy=None) for w in joblib.load(path) if " " in w)


def _segment_lexicon(line: str, words: frozenset[str]) -> list[str]:
    sylls = _SYLLABLE.findall(line.lower())
    out, i = [], 0
    while i < len(sylls):
        for size in range(min(MAX_WORD_SYLLABLES, len(sylls) - i), 1, -1):
            candidate = " ".join(sylls[i:i + size])
            if candidate in words:
                out.append(candidate)
                i += size
                break
        else:
            out.append(sylls[i])
            i += 1
    return out


def segment(text: str, mode: str = "crf", lexicon: frozenset[str] | None = None) -> list[str]:
    """Normalised word features of a text, line by line (CRF results cached).
    ``lexicon`` is the word list for the lexicon mode (default: underthesea's)."""
    from .vietnamese import normalize_text

    lexicon = lexicon or base_lexicon()
    words: list[str] = []
    # one spelling for "hoà"/"hòa", NFD/NFC, odd spaces; legacy fonts are the extractors' job
    for line in normalize_text(text, legacy=None).splitlines():
        line = line.strip()
        if not line:
            continue
        tokens = _segment_sentence(line) if mode == "crf" else _segment_lexicon(line, lexicon)
        for token in tokens:
            norm = normalise_token(token)
            if norm:
                words.append(norm)
    return words


def build_lexicon(texts: list[str]) -> list[str]:
    """Multi-syllable words underthesea's CRF finds in texts (for the lexicon mode)."""
    from .vietnamese import normalize_text

    found = set()
    for text in texts:
        for line in normalize_text(text, legacy=None).splitlines():
            for token in _segment_sentence(line.strip()) if line.strip() else ():
                token = token.lower()
                if " " in token and not any(ch.isdigit() for ch in token) and len(token.split()) <= MAX_WORD_SYLLABLES:
                    found.add(token)
    return sorted(found - base_lexicon())


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
