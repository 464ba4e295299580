"""The one exception family for problems a user can cause.

Every message is Vietnamese, names the file when there is one, and says what to do.
The CLI prints these without a traceback; anything else is a bug.
"""
from __future__ import annotations


class ReportError(Exception):
    """A user-facing problem with one input or one command."""

    def __init__(self, message: str, path: str | None = None, hint: str | None = None):
        self.message = message
        self.path = path
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{self.path}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f" — {self.hint}")
        return "".join(parts)


class ExtractionError(ReportError):
    """A file could not be read as a report."""


class WorkspaceError(ReportError):
    """The workspace database is busy, damaged or from another batch."""


class TemplateError(ReportError):
    """A user template does not render."""
