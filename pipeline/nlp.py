"""Vietnamese word segmentation (underthesea) for classification and synthesis.

The spaCy tokenizer built on it lives in ``pipeline.spacy_tokenizer`` (this module
does not import spaCy, so synthesis and the baseline stay light).

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
    text = text.strip()
    if not text:
        return []
    return [s.strip() for s in _sent_tokenize()(text) if s.strip()] or [text]


@lru_cache(maxsize=1)
def _sent_tokenize():
    """underthesea's sentence splitter. Its module is self-contained (a Punkt-style splitter and a
    JSON of abbreviations), so it is loaded on its own, in milliseconds: importing the
    ``underthesea`` package first imports every pipeline it has (POS, chunking, NER, their models:
    half a second at the start of every run that reads a new report). Another underthesea layout
    falls back to the package's own import."""
    import importlib.util
    import os

    try:
        package = importlib.util.find_spec("underthesea")
        path = os.path.join(package.submodule_search_locations[0], "pipeline", "sent_tokenize", "__init__.py")
        spec = importlib.util.spec_from_file_location("tongket_underthesea_sent_tokenize", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.sent_tokenize
    except Exception:  # noqa: BLE001 - any other version or layout: the documented import
        from underthesea import sent_tokenize

        return sent_tokenize


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


MODEL_LEXICON = Path(__file__).parent / "models" / "classifier" / "tokenizer" / "lexicon.txt"


@lru_cache(maxsize=1)
def default_lexicon() -> frozenset[str]:
    """The shipped model's lexicon (one text file, fast to read), else underthesea's dictionary."""
    if MODEL_LEXICON.exists():
        words = frozenset(w for w in MODEL_LEXICON.read_text(encoding="utf-8").splitlines() if w)
        if words:
            return words
    return base_lexicon()


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

    lexicon = lexicon or default_lexicon()
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
