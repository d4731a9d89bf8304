"""The one exception for "the command could not run" (exit code 2)."""

from __future__ import annotations


class CptsError(Exception):
    """A problem that stops a command: one French message for the user, exit code 2.

    Raised by the core for unreadable files, I/O errors and concurrent edits; the CLI
    catches it at the top and prints the message alone, never a traceback.
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(CptsError):
    """The file changed on disk since it was read: writing would lose someone's edit."""
