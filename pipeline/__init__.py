"""tongket: from 63 provincial review reports to one national first draft."""

__version__ = "0.1.0"
