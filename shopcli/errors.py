"""The exceptions shopcli raises; the CLI turns each into one line and an exit code."""

from __future__ import annotations

__all__ = ["ShopError", "NotDone", "DataError", "UsageError"]


class ShopError(Exception):
    """Base of every error shopcli reports to a user.

    ``exit_code`` follows the contract: 1 nothing done, 2 usage, 3 data.
    ``hint`` is an optional second sentence telling the user what to do.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotDone(ShopError):
    """The request was understood but nothing was done (unknown item, no such order…)."""

    exit_code = 1


class UsageError(ShopError):
    """Bad option or argument value."""

    exit_code = 2


class DataError(ShopError):
    """The catalog is invalid, or the store is unreadable, corrupt, locked or not writable."""

    exit_code = 3
