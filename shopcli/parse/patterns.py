"""Regular expressions compiled on first use.

Compiling a pattern costs tens to hundreds of microseconds, and most of the parser's patterns are
for unusual text (prices, bullets, terminal escapes, headings): a `shop` command that never meets
such text should not pay for them at start-up.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["lazy"]


class _Lazy:
    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A stand-in for ``re.compile(pattern, flags)`` that compiles on first use."""
    return _Lazy(pattern, flags)  # type: ignore[return-value]
