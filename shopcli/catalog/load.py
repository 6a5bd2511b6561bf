"""Loading and validating product catalogs (JSON, CSV, or a folder of them).

The format is fixed by the contract: a JSON list of products (or an object with ``products``), or a
CSV file with the same field names and ``|`` between list items. Anything else is refused with an
error naming the file, the row or index, and the field.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

from ..errors import DataError
from .units import Size, parse_size

__all__ = ["Product", "Catalog", "load_catalog", "default_catalog_path", "catalog_files"]

MAX_PRICE = Decimal("1000000")


@dataclass(frozen=True, slots=True)
class Product:
    """One product of the catalog, validated."""

    sku: str
    name: str
    price: Decimal
    size: Size | None = None
    size_text: str | None = None
    container: str | None = None
    category: str | None = None
    brand: str | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    complements: tuple[str, ...] = ()
    stock: int | None = None
    popularity: float = 0.0

    @property
    def label(self) -> str:
        """Name with brand and size, as a shopper reads it on a shelf tag."""
        parts = [self.name]
        if self.brand and self.brand.lower() not in self.name.lower():
            parts.insert(0, self.brand)
        if self.size_text:
            parts.append(f"({self.size_text})")
        return " ".join(parts)


class Catalog:
    """The products of one catalog, by SKU, in file order."""

    def __init__(self, products: Iterable[Product], source: Path | None = None) -> None:
        self.products: list[Product] = list(products)
        self.by_sku: dict[str, Product] = {p.sku: p for p in self.products}
        self.source = source
        self._index = None

    def __len__(self) -> int:
        return len(self.products)

    def __iter__(self):
        return iter(self.products)

    def get(self, sku: str) -> Product | None:
        return self.by_sku.get(sku)

    @property
    def categories(self) -> list[str]:
        return sorted({p.category for p in self.products if p.category})

    @property
    def index(self):
        """The matcher's look-up tables, built on first use."""
        if self._index is None:
            from .match import Index

            self._index = Index(self)
        return self._index


def default_catalog_path() -> Path:
    """The catalog shipped with the package (in the wheel) or in the source tree."""
    here = Path(__file__).resolve().parent.parent   # the shopcli package
    packaged = here / "_catalog"
    return packaged if packaged.is_dir() else here.parent / "catalog"


def catalog_files(path: Path) -> list[Path]:
    """The files a catalog path stands for: the file itself, or a folder's .json/.csv files in name order."""
    if path.is_dir():
        return sorted(p for p in path.iterdir()
                      if p.suffix.lower() in (".json", ".csv") and not p.name.startswith(".")
                      and p.is_file())
    return [path]


def load_catalog(path: str | os.PathLike | None = None) -> Catalog:
    """Load and validate a catalog file or folder; raise DataError naming file, row and field."""
    source = Path(path) if path is not None else default_catalog_path()
    if not source.exists():
        raise DataError(f"catalog not found: {source}", hint="pass --catalog PATH or set SHOPCLI_CATALOG")
    from ..files import not_a_file

    special = not_a_file(source)
    if special is not None:
        raise DataError(f"catalog {source} is {special}, not a file or folder",
                        hint="pass --catalog PATH or set SHOPCLI_CATALOG")
    files = catalog_files(source)
    if not files:
        raise DataError(f"catalog folder {source} holds no .json or .csv files")
    products: list[Product] = []
    where: dict[str, str] = {}
    for file in files:
        for loc, product in _read_file(file):
            if product.sku in where:
                raise DataError(f"{file}: {loc}: field 'sku': duplicate SKU {product.sku!r} "
                                f"(first defined at {where[product.sku]})")
            where[product.sku] = f"{file.name} {loc}"
            products.append(product)
    if not products:
        raise DataError(f"catalog {source} holds no products")
    return Catalog(products, source)


def _read_file(file: Path) -> Iterable[tuple[str, Product]]:
    try:
        raw = file.read_bytes()
    except OSError as e:
        raise DataError(f"cannot read catalog {file}: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(f"{file}: not valid UTF-8 (byte {e.start})") from None
    suffix = file.suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(file, text)
    elif suffix == ".json":
        yield from _read_json(file, text)
    else:
        raise DataError(f"{file}: a catalog file must end in .json or .csv")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _read_json(file: Path, text: str) -> Iterable[tuple[str, Product]]:
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except RecursionError:
        raise DataError(f"{file}: not a catalog: JSON nested too deeply") from None
    except ValueError as e:
        msg = getattr(e, "msg", str(e))
        line = getattr(e, "lineno", None)
        at = f" (line {line})" if line else ""
        raise DataError(f"{file}: not valid JSON{at}: {msg}") from None
    if isinstance(data, dict):
        if "products" not in data:
            raise DataError(f"{file}: a JSON catalog object needs a 'products' list")
        data = data["products"]
    if not isinstance(data, list):
        raise DataError(f"{file}: a JSON catalog must be a list of products or {{\"products\": [...]}}")
    for i, obj in enumerate(data):
        loc = f"product {i}"
        if not isinstance(obj, dict):
            raise DataError(f"{file}: {loc}: must be an object with sku, name and price")
        yield loc, _product(file, loc, obj, from_csv=False)


def _read_csv(file: Path, text: str) -> Iterable[tuple[str, Product]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [f for f in ("sku", "name", "price") if f not in header]
    if missing:
        raise DataError(f"{file}: row 1: header lacks field '{missing[0]}'",
                        hint="the header row names the fields: sku,name,price,…")
    try:
        for row in reader:
            loc = f"row {reader.line_num}"
            if None in row:
                raise DataError(f"{file}: {loc}: more values than header fields")
            yield loc, _product(file, loc, row, from_csv=True)
    except csv.Error as e:
        raise DataError(f"{file}: row {reader.line_num}: {e}") from None


def _product(file: Path, loc: str, obj: dict, *, from_csv: bool) -> Product:
    def bad(field: str, why: str) -> DataError:
        return DataError(f"{file}: {loc}: field '{field}': {why}")

    def encodable(field: str, v: str) -> None:
        if not v.isascii():
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as e:      # a lone surrogate ("\ud800") from JSON escapes
                raise bad(field, f"holds a character that is not text (U+{ord(v[e.start]):04X})") from None

    def text(field: str, required: bool = False) -> str | None:
        v = obj.get(field)
        if v is None or (from_csv and v == ""):
            if required:
                raise bad(field, "is required")
            return None
        if not isinstance(v, str):
            raise bad(field, "must be a string")
        encodable(field, v)
        v = " ".join(v.split())
        if required and not v:
            raise bad(field, "must not be empty")
        return v or None

    def strings(field: str) -> tuple[str, ...]:
        v = obj.get(field)
        if v is None or v == "":
            return ()
        if from_csv and isinstance(v, str):
            v = v.split("|")
        if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
            raise bad(field, "must be a list of strings")
        for s in v:
            encodable(field, s)
        return tuple(s for s in (" ".join(s.split()) for s in v) if s)

    def number(field: str, integer: bool) -> Decimal | None:
        v = obj.get(field)
        if v is None or (from_csv and v == ""):
            return None
        if isinstance(v, bool) or not isinstance(v, (int, Decimal, str)):
            raise bad(field, "must be a number")
        try:
            d = Decimal(str(v).strip())
        except InvalidOperation:
            raise bad(field, f"must be a number, got {str(v)[:40]!r}") from None
        if not d.is_finite():
            raise bad(field, "must be a finite number")
        if d < 0:
            raise bad(field, "must not be negative")
        if integer and d != d.to_integral_value():
            raise bad(field, "must be a whole number")
        return d

    sku = text("sku", required=True)
    name = text("name", required=True)
    price = number("price", integer=False)
    if price is None:
        raise bad("price", "is required")
    if price > MAX_PRICE:
        raise bad("price", f"is implausibly large ({price:.2E})")
    if price.as_tuple().exponent < -4:
        raise bad("price", "has more than 4 decimal places")
    size_text = text("size")
    size = None
    if size_text is not None:
        size = parse_size(size_text)
        if size is None:
            raise bad("size", f"cannot read {size_text[:40]!r} (examples: '2 lb', '12 ct', '6 x 12 fl oz')")
    stock = number("stock", integer=True)
    if stock is not None and stock > 10**9:
        raise bad("stock", "is implausibly large")
    popularity = number("popularity", integer=False)
    if popularity is not None and (popularity > 10**9):
        raise bad("popularity", "is implausibly large")
    container = text("container")
    return Product(
        sku=sku, name=name, price=price, size=size, size_text=str(size) if size else None,
        container=container.lower() if container else None, category=text("category"),
        brand=text("brand"), aliases=strings("aliases"), tags=tuple(t.lower() for t in strings("tags")),
        complements=strings("complements"), stock=int(stock) if stock is not None else None,
        popularity=float(popularity) if popularity is not None else 0.0,
    )
