"""What the benchmark scripts share."""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def byte_compile() -> None:
    """Byte-compile the shopcli package, as `pip install` does for an installed copy, so that the
    processes a benchmark starts time shopcli, not Python compiling it: run from a source tree with
    PYTHONDONTWRITEBYTECODE set, every process would compile every module anew (tens of ms)."""
    compileall.compile_dir(str(ROOT / "shopcli"), quiet=1)
