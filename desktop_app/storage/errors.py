"""Storage failures, each with a message a clerk can act on (Chinese)."""

from __future__ import annotations


class StorageError(Exception):
    """Base class; ``str(error)`` is the Chinese message shown to the user."""


class NotADatabase(StorageError):
    pass


class DatabaseCorrupt(StorageError):
    pass


class DatabaseTooNew(StorageError):
    pass


class DatabaseLocked(StorageError):
    pass


class BackupFailed(StorageError):
    pass
