"""Units, containers and pack arithmetic.

Every measurable unit belongs to a dimension (mass in grams, volume in millilitres, count in items)
so that a stated amount can be turned into whole packs of a product sold in another unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["Size", "parse_size", "canonical_unit", "dimension", "to_base", "packs_for",
           "MEASURES", "CONTAINERS", "PARTS", "CAPITALISED"]

def _units() -> dict:
    from .words import lang

    return lang()["units"]


# canonical unit -> (dimension, factor to the base unit of that dimension)
MEASURES: dict[str, tuple[str, float]] = {u: (d, float(f)) for u, (d, f) in _units()["measures"].items()}
# what one pack or one thing is called: "2 bags", "a jar", "3 rashers"
CONTAINERS = frozenset(_units()["containers"])
# parts of one product, not packs: "2 cloves garlic", "3 stalks celery", "a pinch of salt" -> 1 pack
PARTS = frozenset(_units()["parts"])
# a size said for each pack this close to the product's own is that pack ("14 oz" of a 13.5 oz can)
PACK_TOLERANCE = 0.1

# every spelling a shopper or a catalog may use -> canonical unit or container
_SPELLINGS: dict[str, str] = {u: u for u in MEASURES}
for _c in sorted(CONTAINERS):
    _SPELLINGS.setdefault(_c, _c)
    _SPELLINGS.setdefault(_c + ("es" if _c.endswith(("s", "sh", "ch", "x")) else "s"), _c)
_SPELLINGS.update(_units()["spellings"])
# "1 T butter", "2 C flour": spellings read before the text is lower-cased
CAPITALISED: dict[str, str] = dict(_units()["capitalised"])


def canonical_unit(word: str) -> str | None:
    """The canonical form of a unit or container word ("Litres" -> "l", "tins" -> "can"), else None."""
    return _SPELLINGS.get(word.strip().lower())


def dimension(unit: str | None) -> str | None:
    """"mass", "volume" or "count" for a measurable unit; None for containers and bare counts."""
    if unit is None:
        return None
    m = MEASURES.get(unit)
    return m[0] if m else None


def to_base(amount: float, unit: str) -> float:
    """The amount in grams, millilitres or items."""
    return amount * MEASURES[unit][1]


@dataclass(frozen=True, slots=True)
class Size:
    """The contents of one pack: ``count`` x ``amount`` ``unit`` ("6 x 12 fl oz" -> 6, 12, "fl oz")."""

    count: int
    amount: float
    unit: str

    @property
    def dimension(self) -> str:
        return MEASURES[self.unit][0]

    @property
    def base(self) -> float:
        """Total contents in base units (g, ml or items)."""
        return self.count * to_base(self.amount, self.unit)

    @property
    def items(self) -> int:
        """How many separate items the pack holds (6 for "6 x 12 fl oz", 12 for "12 ct")."""
        if self.unit == "ct":
            return int(self.count * self.amount)
        return self.count

    def __str__(self) -> str:
        amount = f"{self.amount:g}"
        return f"{self.count} x {amount} {self.unit}" if self.count > 1 else f"{amount} {self.unit}"


_SIZE_RE = re.compile(
    r"^\s*(?:(?P<count>\d+)\s*[x×]\s*)?(?P<amount>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>[a-z][a-z. ]*?)\s*$",
    re.IGNORECASE,
)


def parse_size(text: str) -> Size | None:
    """Read a catalog size such as "2 lb", "12 ct", "6 x 12 fl oz"; None if it is not one."""
    m = _SIZE_RE.match(text)
    if not m:
        return None
    unit = canonical_unit(m["unit"])
    if unit not in MEASURES:
        return None
    amount = float(m["amount"])
    count = int(m["count"] or 1)
    if unit == "dozen":
        unit, amount = "ct", amount * 12
    if amount <= 0 or count <= 0 or not math.isfinite(amount):
        return None
    return Size(count, amount, unit)


def aligned(unit: str | None, size: Size | None) -> str | None:
    """Shoppers say "oz" of drinks: read it as fluid ounces when the product is sold by volume."""
    if unit == "oz" and size is not None and size.dimension == "volume":
        return "fl oz"
    return unit


# containers that are the single items of a multi-item pack, never a pack of them
INNER_ITEMS = frozenset(_units()["inner_items"])


def packs_for(quantity: float, unit: str | None, size: Size | None, pack_size: Size | None = None,
              container: str | None = None) -> int:
    """Whole packs of a product of ``size`` that cover ``quantity`` ``unit``.

    - a measure (2 kg, 3 lb, a gallon) converts across units of one dimension and rounds up;
    - a container or a bare count counts packs ("2 bags", "3 onions"), except that a bare count of
      at least half of a multi-item pack reads as single items ("12 eggs" -> 1 carton of 12,
      "30 eggs" -> 3, "8 bagels" sold by 6 -> 2; "2 eggs" -> 2 cartons, as "2 milk" is 2 jugs);
    - a count said in dozens arrives as unit "ct" and always counts single items;
    - a container other than the product's own counts the items of a multipack ("24 cans" of a
      12 x 12 fl oz case is 2 cases);
    - ``pack_size`` is a size said for each pack ("2 x 500 g", "a 5 lb bag"): the packs are
      ``quantity`` of that size, converted into the product's packs.
    """
    if quantity <= 0:
        return 0
    if pack_size is not None and size is not None:
        pack_size = Size(pack_size.count, pack_size.amount, aligned(pack_size.unit, size))
        if pack_size.dimension == size.dimension:
            if abs(pack_size.base - size.base) <= PACK_TOLERANCE * size.base:
                return _cover(quantity, 1)    # "2 14-ounce cans" of a 13.5 oz can: 2 cans
            return _cover(quantity * pack_size.base, size.base)
    if unit in PARTS and unit != container:
        return 1                              # "2 cloves garlic": one head
    if pack_size is not None and size is not None and pack_size.unit == "ct" and pack_size.amount == size.items:
        return _cover(quantity, 1)            # "coke zero 12pk x2": two of the 12-packs
    unit = aligned(unit, size)
    if unit in CONTAINERS and container and unit != container and size is not None and (
            size.count > 1 or (size.items > 1 and (quantity * 2 >= size.items or unit in INNER_ITEMS))):
        # "24 cans of coke" sold as 12 x 12 fl oz: the cans are inside the packs; "24 rolls of
        # toilet paper" sold as 24 ct, or "2 rolls of paper towels" sold as 6: so are the rolls
        # ("2 boxes of coffee filters" sold as 200 ct are two packs)
        return _cover(quantity, size.items)
    dim = dimension(unit)
    if dim is not None and size is not None:
        if dim == size.dimension:
            return _cover(to_base(quantity, unit), size.base)
        if dim == "count":
            return _cover(to_base(quantity, unit), size.items)
        return 1
    if unit is None and size is not None and size.items > 1 and quantity * 2 >= size.items:
        return _cover(quantity, size.items)
    return _cover(quantity, 1)


def _cover(wanted: float, per_pack: float) -> int:
    """Whole packs of ``per_pack`` that hold ``wanted`` (at least one)."""
    return max(1, math.ceil(wanted / per_pack - 1e-9))
