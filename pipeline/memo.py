"""Results of pure functions of a text, kept in the workspace from one run to the next.

The draft needs, on every run, the word features and the figures of every sentence of the
batch; they depend only on the sentence (and its province), the code that computes them and,
for the features, the segmentation lexicon. Each result is kept under a hash of its function's
name and version — the source of the modules that compute it (``code_version``), so that any
change to them invalidates what was remembered — and of its inputs. A stale entry is never
read: it just stops being asked for.

Output jobs open the workspace read-only: a ``Memo`` collects what they computed in ``new`` and
the run stores it (``Workspace.store_memo``) once the job is done.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Callable


class Memo:
    """The remembered results of a workspace (loaded per function when first asked for)."""

    def __init__(self, ws=None):
        self.ws = ws
        self.known: dict[str, str] = {}
        self.new: dict[str, str] = {}
        self.decoded: dict[str, object] = {}  # known values already read (see ``decode``)
        self._loaded: set[str] = set()

    def decode(self) -> None:
        """Read every known value now (an output worker does it before the run needs the draft)."""
        self.decoded.update((key, json.loads(raw)) for key, raw in self.known.items() if key not in self.decoded)

    def function(self, name: str, version: str) -> "Remembered":
        prefix = f"{name}:{hashlib.sha1(version.encode('utf-8')).hexdigest()[:16]}:"
        if prefix not in self._loaded and self.ws is not None:
            self.known.update(self.ws.memo(prefix))
            self._loaded.add(prefix)
        return Remembered(self, prefix)


class Remembered:
    """One function's results: ``get(inputs, compute)`` returns the remembered value or computes
    and remembers it (values are plain JSON data)."""

    def __init__(self, memo: Memo, prefix: str):
        self.memo = memo
        self.prefix = prefix

    def get(self, inputs: tuple[str, ...], compute: Callable[[], object]):
        key = self.prefix + hashlib.sha1("\x1f".join(inputs).encode("utf-8", "surrogatepass")).hexdigest()
        if key in self.memo.decoded:
            return self.memo.decoded[key]
        raw = self.memo.known.get(key) or self.memo.new.get(key)
        if raw is not None:
            return json.loads(raw)
        value = compute()
        self.memo.new[key] = json.dumps(value, ensure_ascii=False)
        return value


def code_version(*modules) -> str:
    """A fingerprint of the source of the given modules."""
    digest = hashlib.sha1()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def lexicon_fingerprint() -> str:
    """Which segmentation lexicon ``nlp.segment(mode="lexicon")`` uses: the model's file, by content."""
    from .nlp import MODEL_LEXICON

    try:
        return hashlib.sha1(MODEL_LEXICON.read_bytes()).hexdigest()
    except OSError:
        return "underthesea"
