"""Accuracy corpus: real requests against the shipped catalog, with what a careful clerk would hand over.

The cases live in tests/data/parse_corpus.txt and the held-out sets parse_heldout*.txt, one a line: ``REQUEST => ITEM ; ITEM ; ...`` where each
ITEM is ``SKU PACKS QUANTITY UNIT``, ``?SKU1|SKU2 PACKS QUANTITY UNIT`` (must be ambiguous, best guess
among those) or ``!`` (must be unknown). ``fl_oz`` stands for "fl oz", ``-`` for no unit, ``\\n`` in a
request for a line break.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shopcli.catalog.load import load_catalog
from shopcli.parse.pipeline import parse_request

DATA = Path(__file__).parent / "data"
CORPORA = [DATA / "parse_corpus.txt"] + sorted(DATA.glob("parse_heldout*.txt"))
CATALOG = load_catalog()


def read_expected_item(text: str) -> dict:
    words = text.split()
    if words == ["!"]:
        return {"status": "unknown"}
    sku, packs, quantity, unit = words
    expected = {
        "packs": int(packs),
        "quantity": float(quantity),
        "unit": None if unit == "-" else unit.replace("_", " "),
    }
    if sku.startswith("?"):
        expected["status"] = "ambiguous"
        expected["skus"] = sku[1:].split("|")
    else:
        expected["status"] = "matched"
        expected["skus"] = [sku]
    return expected


def read_corpus() -> list:
    cases = []
    for corpus in CORPORA:
        cases.extend(read_cases(corpus))
    return cases


def read_cases(corpus: Path) -> list:
    cases = []
    prefix = "" if corpus.name == "parse_corpus.txt" else corpus.stem.removeprefix("parse_") + "-"
    for number, line in enumerate(corpus.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        request, items = line.split(" => ")
        request = request.replace("\\n", "\n")
        expected = [read_expected_item(item) for item in items.split(" ; ")]
        cases.append(pytest.param(request, expected, id=f"{prefix}line{number}"))
    return cases


@pytest.mark.parametrize("request_text, expected", read_corpus())
def test_corpus(request_text, expected):
    result = parse_request(request_text, CATALOG)
    got = [(i.status, i.product.sku if i.product else None, i.packs, i.quantity, i.unit) for i in result.items]
    assert len(result.items) == len(expected), f"{request_text!r}: got {got}"
    for n, (item, want) in enumerate(zip(result.items, expected), start=1):
        where = f"{request_text!r} item {n} ({item.text!r}): got {got[n - 1]}"
        assert item.status == want["status"], where
        if want["status"] == "unknown":
            assert item.product is None, where
            continue
        assert item.product is not None and item.product.sku in want["skus"], where
        assert item.packs == want["packs"], where
        assert item.quantity == pytest.approx(want["quantity"]), where
        assert item.unit == want["unit"], where
