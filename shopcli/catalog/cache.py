"""A validated catalog and its look-up tables, cached in SQLite so that a process starts fast.

Loading and indexing a 50,000-product catalog takes seconds; a process that parses one request
needs a handful of rows. The first run validates the catalog and writes the cache (plain SQLite,
never pickle); later runs open it read-only and query only what they need. The cache is keyed by
each catalog file's path, size and modification time, so an edited catalog is read afresh. When
the cache cannot be written (read-only home, full disk) shopcli simply works from memory.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import tempfile
from array import array
from decimal import Decimal
from pathlib import Path

from ..version import __version__
from .load import Catalog, Product, catalog_files, default_catalog_path, load_catalog
from ..errors import DataError
from .match import STOP, Matcher, product_keys, set_key
from .units import parse_size

__all__ = ["open_catalog", "CachedCatalog", "catalog_signature", "cache_file", "cache_dir"]

FORMAT = 5
_COLUMNS = ("sku", "name", "price", "size", "container", "category", "brand", "aliases", "tags",
            "complements", "stock", "popularity")


def cache_dir() -> Path:
    env = os.environ.get("SHOPCLI_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("shopcli", appauthor=False)


def catalog_signature(source: Path) -> str:
    """What a cache derived from the catalog at ``source`` depends on: each file's path and a hash of
    its bytes (an edit that keeps the size and the time, as ``cp -p`` or ``touch -r`` do, still
    counts), the word data, and this version of shopcli. Raises OSError."""
    words = Path(__file__).parent.parent / "lang" / "en.toml"   # the words behind every key
    parts = [f"shopcli {__version__} format {FORMAT}", _digest(words)]
    for f in catalog_files(source):
        parts.append(f"{f.resolve()}\t{_digest(f)}")
    return "\n".join(parts)


def _digest(path: Path) -> str:
    """A fast hash of a file's bytes (BLAKE2b; about a millisecond for the shipped catalog)."""
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def _whole(con: sqlite3.Connection, count: int) -> bool:
    """Every table of the cache reads to its end and holds what the meta row says (a damaged page
    raises sqlite3.Error on the way, which the caller turns into a rebuild)."""
    n, top = con.execute("SELECT count(*), max(id) FROM product").fetchone()
    for table in ("exact", "setkey", "posting", "vocab"):
        con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return n == count and (count == 0 or top == count - 1)


def cache_file(source: Path, prefix: str, suffix: str) -> Path:
    """The cache file of one kind for the catalog at ``source``."""
    return cache_dir() / f"{prefix}{hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:24]}{suffix}"


def open_catalog(path: str | os.PathLike | None = None, *, use_cache: bool = True) -> Catalog:
    """The catalog at ``path`` (default: the shipped one), from the cache when it is current."""
    source = Path(path) if path is not None else default_catalog_path()
    from ..files import not_a_file

    if not use_cache or not source.exists() or not_a_file(source) is not None:
        return load_catalog(source)          # which says what is wrong with it
    try:
        signature = catalog_signature(source)
    except OSError:
        return load_catalog(source)
    db = cache_file(source, "", ".sqlite")
    cached = CachedCatalog.open(db, signature, source)
    if cached is not None:
        return cached
    catalog = load_catalog(source)
    try:
        _write(catalog, db, signature)
    except (OSError, sqlite3.Error):
        pass  # no cache this time; the catalog in memory serves this process
    return catalog


def _write(catalog: Catalog, db: Path, signature: str) -> None:
    """Write the cache to a temporary file and move it into place (concurrent builders are safe)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=db.parent, prefix=".catalog-", suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        with con:
            con.executescript("""
                PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
                CREATE TABLE meta (signature TEXT, count INTEGER, source TEXT);
                CREATE TABLE product (id INTEGER PRIMARY KEY, rank INTEGER, namekey TEXT, sku TEXT,
                    name TEXT, price TEXT, size TEXT, container TEXT, category TEXT, brand TEXT,
                    aliases TEXT, tags TEXT, complements TEXT, stock INTEGER, popularity REAL);
                CREATE TABLE exact (key TEXT, id INTEGER);
                CREATE TABLE setkey (key TEXT PRIMARY KEY) WITHOUT ROWID;
                CREATE TABLE posting (token TEXT PRIMARY KEY, ids BLOB) WITHOUT ROWID;
                CREATE TABLE vocab (token TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID;
            """)
            products = catalog.products
            order = sorted(range(len(products)), key=lambda i: -products[i].popularity)
            rank = {i: r for r, i in enumerate(order)}
            prows, erows, setkeys = [], [], set()
            posting: dict[str, list[tuple[int, int]]] = {}
            df: dict[str, int] = {}
            for i, p in enumerate(products):
                name, names, free = product_keys(p)
                prows.append((i, rank[i], name, p.sku, p.name, str(p.price), p.size_text, p.container, p.category,
                              p.brand, json.dumps(p.aliases), json.dumps(p.tags), json.dumps(p.complements),
                              p.stock, p.popularity))
                words: set[str] = set(free)
                for k in names:
                    erows.append((k, i))
                    setkeys.add(" ".join(sorted(set_key(k))))
                    words.update(k.split())
                for t in words - STOP:
                    posting.setdefault(t, []).append((rank[i], i))
                    df[t] = df.get(t, 0) + 1
            con.executemany("INSERT INTO product VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", prows)
            con.executemany("INSERT INTO exact VALUES (?,?)", erows)
            con.executemany("INSERT INTO setkey VALUES (?)", [(k,) for k in setkeys])
            # each token's products in popularity order, as one array of 32-bit ids
            con.executemany("INSERT INTO posting VALUES (?,?)",
                            ((t, array("i", (i for _, i in sorted(ids))).tobytes()) for t, ids in posting.items()))
            con.executemany("INSERT INTO vocab VALUES (?,?)", df.items())
            con.executescript("""
                CREATE INDEX exact_key ON exact (key);
                CREATE INDEX product_sku ON product (sku);
                CREATE INDEX product_namekey ON product (namekey);
            """)
            con.execute("INSERT INTO meta VALUES (?,?,?)", (signature, len(products), str(catalog.source)))
        con.close()
        os.replace(tmp, db)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class _BySku:
    """A read-only mapping SKU -> Product answered from the cache."""

    def __init__(self, catalog: "CachedCatalog") -> None:
        self._catalog = catalog

    def get(self, sku: str, default=None):
        p = self._catalog.get(sku)
        return default if p is None else p

    def __getitem__(self, sku: str) -> Product:
        p = self._catalog.get(sku)
        if p is None:
            raise KeyError(sku)
        return p

    def __contains__(self, sku: object) -> bool:
        return isinstance(sku, str) and self._catalog.get(sku) is not None


class CachedCatalog(Catalog):
    """A catalog answered from its SQLite cache: products are read when asked for."""

    def __init__(self, con: sqlite3.Connection, source: Path, count: int) -> None:
        self._con = con
        self.source = source
        self._count = count
        self._rows: dict[int, tuple[Product, int]] = {}
        self._sku_ids: dict[str, int | None] = {}
        self._index = None
        self.by_sku = _BySku(self)  # type: ignore[assignment]

    @classmethod
    def open(cls, db: Path, signature: str, source: Path) -> "CachedCatalog | None":
        if not db.is_file():
            return None
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
            row = con.execute("SELECT signature, count FROM meta").fetchone()
            if row is None or row[0] != signature or not _whole(con, row[1]):
                con.close()
                return None
        except (sqlite3.Error, TypeError, ValueError):
            return None                      # any damage: the caller builds the cache again
        return cls(con, source, row[1])

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        return iter(self.products)

    @functools.cached_property
    def products(self) -> list[Product]:  # type: ignore[override]
        return [self.row(i)[0] for i in range(self._count)]

    def prefetch(self, ids: list[int]) -> None:
        """Read the rows of ``ids`` not read yet, in one query."""
        missing = [i for i in ids if i not in self._rows]
        if len(missing) < 2:
            return
        marks = ",".join("?" * len(missing))
        for got in self._con.execute(f"SELECT id, rank, {', '.join(_COLUMNS)} FROM product WHERE id IN ({marks})",
                                     missing):
            self._rows[got[0]] = (_product(got[2:]), got[1])

    def row(self, i: int) -> tuple[Product, int]:
        r = self._rows.get(i)
        if r is None:
            cur = self._con.execute(f"SELECT rank, {', '.join(_COLUMNS)} FROM product WHERE id=?", (i,))
            got = cur.fetchone()
            if got is None:
                raise DataError(f"the catalog cache for {self.source} is damaged",
                                hint=f"delete {cache_dir()} and run again")
            r = self._rows[i] = (_product(got[1:]), got[0])
        return r

    def get(self, sku: str) -> Product | None:
        if sku not in self._sku_ids:
            got = self._con.execute("SELECT id FROM product WHERE sku=?", (sku,)).fetchone()
            self._sku_ids[sku] = got[0] if got else None
        i = self._sku_ids[sku]
        return None if i is None else self.row(i)[0]

    @property
    def categories(self) -> list[str]:
        return [r[0] for r in self._con.execute(
            "SELECT DISTINCT category FROM product WHERE category IS NOT NULL ORDER BY category")]

    @property
    def index(self) -> "SqlIndex":
        if self._index is None:
            self._index = SqlIndex(self)
        return self._index


def _product(r: tuple) -> Product:
    sku, name, price, size, container, category, brand, aliases, tags, complements, stock, pop = r
    return Product(sku=sku, name=name, price=Decimal(price), size=parse_size(size) if size else None,
                   size_text=size, container=container, category=category, brand=brand,
                   aliases=tuple(json.loads(aliases)), tags=tuple(json.loads(tags)),
                   complements=tuple(json.loads(complements)), stock=stock, popularity=pop)


_MISSING = object()
EXACT_PRELOAD_AFTER = 256     # exact look-ups before all exact keys are read into memory
CACHE_LIMIT = 200_000         # remembered look-ups per table, so that a long batch stays bounded


class SqlIndex(Matcher):
    """The matcher's tables read from the cache, a row at a time, remembered once read."""

    def __init__(self, catalog: CachedCatalog) -> None:
        super().__init__()
        self.catalog = catalog
        self._con = catalog._con
        self._keys: dict[int, tuple[list[tuple[frozenset[str], str]], frozenset[str]]] = {}
        self._exact: dict[str, list[int] | None] = {}
        self._posting: dict[str, list[int] | None] = {}
        self._df: dict[str, int] = {}
        self._siblings: dict[str, list[int]] = {}
        self._sets: dict[frozenset[str], bool] = {}
        # After many look-ups (a batch), every exact key is read at once: most phrases name no
        # product exactly, and a set answers those without a query.
        self._exact_keys: set[str] | None = None
        self._lookups = 0
        self._df_all: dict[str, int] | None = None
        self._lookups_df = 0

    def _q(self, sql: str, args: tuple = ()) -> list[tuple]:
        return self._con.execute(sql, args).fetchall()

    def exact_ids(self, k: str) -> list[int] | None:
        got = self._exact.get(k, _MISSING)
        if got is not _MISSING:
            return got
        if self._exact_keys is None:
            self._lookups += 1
            if self._lookups > EXACT_PRELOAD_AFTER:
                self._exact_keys = {r[0] for r in self._q("SELECT DISTINCT key FROM exact")}
        if len(self._exact) > CACHE_LIMIT:
            self._exact.clear()
        if self._exact_keys is not None and k not in self._exact_keys:
            got = None
        else:
            got = [r[0] for r in self._q("SELECT id FROM exact WHERE key=? ORDER BY id", (k,))] or None
        self._exact[k] = got
        return got

    def sibling_ids(self, namekey: str) -> list[int]:
        got = self._siblings.get(namekey)
        if got is None:
            if len(self._siblings) > CACHE_LIMIT:
                self._siblings.clear()
            got = self._siblings[namekey] = [
                r[0] for r in self._q("SELECT id FROM product WHERE namekey=? ORDER BY id", (namekey,))]
        return got

    def posting(self, word: str) -> list[int] | None:
        if word not in self._posting:
            rows = self._q("SELECT ids FROM posting WHERE token=?", (word,))
            ids = array("i")
            if rows:
                ids.frombytes(rows[0][0])
            self._posting[word] = ids.tolist() or None
        return self._posting[word]

    def df(self, word: str) -> int:
        got = self._df.get(word)
        if got is None:
            if self._df_all is not None:
                return self._df_all.get(word, 0)
            self._lookups_df += 1
            if self._lookups_df > EXACT_PRELOAD_AFTER:   # a batch: read the whole vocabulary once
                self._df_all = dict(self._q("SELECT token, df FROM vocab"))
                return self._df_all.get(word, 0)
            rows = self._q("SELECT df FROM vocab WHERE token=?", (word,))
            got = self._df[word] = rows[0][0] if rows else 0
        return got

    def product(self, i: int) -> Product:
        return self.catalog.row(i)[0]

    def prefetch(self, ids: list[int]) -> None:
        self.catalog.prefetch(ids)

    def rank(self, i: int) -> int:
        return self.catalog.row(i)[1]

    def _product_keys(self, i: int) -> tuple[list[tuple[frozenset[str], str]], frozenset[str]]:
        got = self._keys.get(i)
        if got is None:
            _, names, free = product_keys(self.product(i))
            got = self._keys[i] = ([(frozenset(k.split()), k.split()[-1]) for k in names], free)
        return got

    def keysets(self, i: int) -> list[tuple[frozenset[str], str]]:
        return self._product_keys(i)[0]

    def free(self, i: int) -> frozenset[str]:
        return self._product_keys(i)[1]

    def has_set(self, words: frozenset[str]) -> bool:
        got = self._sets.get(words)
        if got is None:
            if len(self._sets) > CACHE_LIMIT:
                self._sets.clear()
            got = self._sets[words] = bool(self._q("SELECT 1 FROM setkey WHERE key=?", (" ".join(sorted(words)),)))
        return got

    @functools.cached_property
    def head_words(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset(r[0].split()[-1] for r in self._q("SELECT DISTINCT key FROM exact") if r[0].split())

    @functools.cached_property
    def and_phrases(self) -> list[str]:  # type: ignore[override]
        return [r[0] for r in self._q("SELECT DISTINCT key FROM exact WHERE ' ' || key || ' ' LIKE '% and %'")]

    @functools.cached_property
    def vocab(self) -> list[str]:
        return [r[0] for r in self._q("SELECT token FROM vocab")]

    @functools.cached_property
    def names(self) -> list[str]:
        return [r[0] for r in self._q("SELECT name FROM product GROUP BY name ORDER BY MIN(id)")]
