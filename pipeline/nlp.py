"""Vietnamese word segmentation (underthesea) registered as a spaCy tokenizer.

spaCy's own Vietnamese tokenizer needs pyvi; tongket uses underthesea's CRF word
segmenter instead and registers it under ``tongket.underthesea_tokenizer.v1`` so
that a saved pipeline names it in its config and reloads it offline.

Tokens are normalised for classification: lower case, multi-syllable words joined
with ``_`` ("cơ_sở"), numbers folded to ``#num`` (years of the programme periods
are kept, they carry meaning: "2021", "2025").
"""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

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


def segment(text: str) -> list[str]:
    """Normalised word features of a text, sentence by sentence (cached)."""
    words: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for token in _segment_sentence(line):
            norm = normalise_token(token)
            if norm:
                words.append(norm)
    return words


class UnderthesseaTokenizer:
    """Callable spaCy tokenizer: text -> Doc of normalised underthesea words."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words = segment(text) or ["#empty"]
        return Doc(self.vocab, words=words, spaces=[True] * len(words))

    # spaCy serialises tokenizers with the pipeline; this one has no state.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "UnderthesseaTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> "UnderthesseaTokenizer":
        return self


@spacy.registry.tokenizers("tongket.underthesea_tokenizer.v1")
def create_underthesea_tokenizer():
    def make(nlp):
        return UnderthesseaTokenizer(nlp.vocab)

    return make
