"""spaCy, imported without its command line.

``import spacy`` runs ``from .cli.info import info``, and spaCy's CLI package imports requests,
httpx, weasel, rich and typer: half of spaCy's one-second import, paid on the critical path of
every run that labels a new report, for commands tongket never calls. Here spaCy is imported
with a stand-in for ``spacy.cli`` that is removed right after, so ``import spacy.cli`` and
``spacy.info()`` still load the real CLI when someone asks. Anything unexpected (another spaCy
layout) falls back to the plain import.

Modules that use spaCy import it from here first: ``from .spacy_lite import spacy``.
"""
from __future__ import annotations

import sys
import types


def _import_without_cli():
    if "spacy" in sys.modules:
        return sys.modules["spacy"]

    def info(*args, **kwargs):
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    stub_info = types.ModuleType("spacy.cli.info")
    stub_info.info = info
    stub_cli = types.ModuleType("spacy.cli")
    stub_cli.__path__ = []
    stub_cli.info = stub_info
    sys.modules.update({"spacy.cli": stub_cli, "spacy.cli.info": stub_info})
    try:
        import spacy
    except Exception:  # noqa: BLE001 - retried below with the plain import
        spacy = None
    finally:
        for name, stub in (("spacy.cli.info", stub_info), ("spacy.cli", stub_cli)):
            if sys.modules.get(name) is stub:
                del sys.modules[name]
    if spacy is None:
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]
        import spacy

        return spacy
    if getattr(spacy, "cli", None) is stub_cli:
        del spacy.cli
    return spacy


spacy = _import_without_cli()
