"""Session fixtures: the report fixture in every format, built and converted once.

LibreOffice conversions (2-4 s each) and OCR (seconds per page) are shared by
all tests through `reports`; see tests/fixtures.py for what the files contain.
"""
from __future__ import annotations

import pytest

from fixtures import ReportFiles


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> ReportFiles:
    return ReportFiles(tmp_path_factory.mktemp("reports"))
