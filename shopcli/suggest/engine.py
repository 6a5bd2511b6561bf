"""Complementary suggestions that learn from orders: what goes with the items of a basket.

Two sources of knowledge are combined:

* the catalog's ``complements`` (SKUs, or category names standing for that shelf's most popular
  products), which is all there is for a new store;
* the order history: items bought together more often than their popularity alone explains.

**The measure.** For a basket item *b* and a candidate *c* the engine estimates the lift
``λ = P(b, c) / (P(b) P(c))`` by empirical-Bayes shrinkage of the observed/expected ratio
(DuMouchel's Gamma-Poisson shrinker): with ``n_bc`` orders holding both and ``E = n_b n_c / N``
expected under independence, ``λ = (n_bc + K μ) / (E + K)``. The prior mean ``μ`` is 1 ("no
association") for most pairs and above 1 when the catalog says the two go together, so the catalog
is the prior and the orders the evidence: a pair seen once among few orders barely moves, a
catalog complement that shoppers never buy together fades away, and raw lift's habit of ranking
one-off rarities first is gone. Candidates are ranked by a tempered naive-Bayes posterior,
``P(c)^β · Π_b λ_bc``: the product of lifts pools the evidence of every basket item, and the
tempered popularity prior (β = 3/4) keeps a strongly associated but rarely bought item from
outranking one that is both associated and commonly bought. With β = 1 this is naive Bayes, which
drifts towards staples (onions first for spaghetti); with β = 0 it is lift alone, which ranks
noisy rarities first and loses a fifth of the hits (see benchmarks/eval_suggest.py). Only candidates
positively associated with at least one basket item (some λ > 1) are shown. Suggestions shoppers
accept (buy in their next order) earn a small boost. The score shown is ``r / (1 + r)`` of that
ranking quantity ``r``: 0 to 1, in the ranking's order.

**Statistics** (orders, per-SKU order counts, pair co-occurrence counts, packs held, suggestions
offered and accepted, the last order's suggestions) live in a small sidecar file next to the store,
``<store>.stats.json``. The order functions update it inside their own transactions (while holding
the store's lock, just before the store is committed), so reading it never means parsing the whole
store. Each update writes a fresh random token both into the sidecar and into the store's meta
document; a reader compares the two (and the store's order counter) reading only the head of the
store file, and rebuilds the statistics from the orders when they disagree — after a crash between
the two writes, or after orders written by something that does not keep the statistics. Pair counts
are kept for at most ``PARTNER_CAP`` partners per SKU (the least frequent are dropped), which bounds
the file by the catalog, not by the history; each SKU's partners are one string, decoded only for
the SKUs of a basket. Catalog-wide facts (popularity total, shelves, who names whom as complement,
diet-tag shares) are summarised once per catalog version, in a file beside the catalog cache.

**Good manners**: never an item of the basket, nor another variant of a product family in it (same
name, or same head noun on the same shelf: no "2% Milk" for "Whole Milk") unless the orders show the
two bought together (organic and ordinary bananas), at most one item per family, nothing out of stock (stock minus packs held by orders that are not cancelled), nothing that
conflicts with the tags asked for (``require_tags``/``exclude_tags``, or a diet the basket shows).
A basket shows a diet when every product in it carries the tag (e.g. "vegan") *and* that is unlikely
by chance: the product of each item's share of its family carrying the tag, weighted by popularity,
is at most 1/4 (0 when the name says it, "Vegan Butter"). Oat milk among milks shows a diet; bananas
and spaghetti, vegan anyway, do not, so spaghetti still gets parmesan.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import weakref
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog.load import Catalog, Product
from ..errors import DataError, NotDone
from ..store.head import head_meta as _head_meta

__all__ = ["Suggestion", "Stats", "PairCounts", "suggest_for", "implied_tags", "order_suggestions",
           "run_suggest", "load_stats", "stats_path", "record_placed", "record_cancelled", "DIET_TAGS"]

TABLE = "orders"
META_KEY = "suggest_stats"          # the token of the matching sidecar, in the store's meta document
STATS_VERSION = 2

PRIOR_STRENGTH = 5.0                # K: pseudo-expected co-occurrences behind the prior lift
COMPLEMENT_PRIOR = 4.0              # μ for the first SKU a product names as complement (less for later ones)
SHELF_PRIOR = (3.0, 2.2, 1.6)       # μ for the best, second and third product of a named shelf
POPULARITY_WEIGHT = 0.75            # β: how much how often an item is bought counts
POPULARITY_PRIOR = 10.0             # pseudo-orders behind the catalog's popularity
ACCEPT_WEIGHT = 0.5                 # at most +50% for a suggestion always accepted
ACCEPT_PRIOR = 5.0                  # pseudo-offers: one acceptance is not a habit
PARTNER_CAP = 150                   # pair counts kept per SKU (trimmed to PARTNER_KEEP beyond)
PARTNER_KEEP = 100
MAX_PAIR_BASKET = 60                # larger orders count their items but not their pairs
REBUILD_LOCK_TIMEOUT = 2.0

DIET_TAGS = frozenset({"vegan", "vegetarian", "gluten-free", "dairy-free", "nut-free"})  # read from a basket
DIET_EVIDENCE = 0.25                # at most this chance of an all-tagged basket without the diet
_GENERIC_HEADS = frozenset({"sauce", "powder", "paste", "mix", "seasoning"})


@dataclass(frozen=True)
class Suggestion:
    """One suggested product: a score from 0 to 1 (higher is better) and why, in a few words."""

    product: Product
    score: float
    reason: str
    learned: bool = False           # the reason comes from the order history


# -- statistics ----------------------------------------------------------------------------


@dataclass
class Stats:
    """Counts learned from the orders that are not cancelled; updated one order at a time."""

    orders: int = 0
    items: dict[str, int] = field(default_factory=dict)           # SKU -> orders holding it
    pairs: PairCounts = field(default_factory=lambda: PairCounts())  # SKU -> partner -> orders with both
    held: dict[str, int] = field(default_factory=dict)            # SKU -> packs held
    offered: dict[str, int] = field(default_factory=dict)         # SKU -> receipts suggesting it
    accepted: dict[str, int] = field(default_factory=dict)        # SKU -> times bought right after
    last_suggested: list[str] = field(default_factory=list)       # the newest order's suggestions
    token: str | None = None        # matches the store's meta[META_KEY] when current
    counter: int = 0                # the store's order counter when written
    docs: int = 0                   # orders in the store (any status) when written

    @classmethod
    def build(cls, orders: Iterable[dict]) -> Stats:
        """Statistics of a whole history, oldest order first (the slow path: rebuilds only)."""
        stats = cls()
        for doc in orders:
            stats.observe(doc)
        return stats

    def observe(self, doc: dict) -> None:
        """Count a newly stored order (a cancelled one only moves the 'last order')."""
        self.docs += 1
        if doc.get("status") != "cancelled":
            self._count(doc, self.last_suggested, +1)
        self.last_suggested = _suggested(doc)

    def forget(self, doc: dict, prev_suggested: list[str]) -> None:
        """Stop counting an order that was counted (it has been cancelled)."""
        self._count(doc, prev_suggested, -1)

    def _count(self, doc: dict, prev_suggested: list[str], sign: int) -> None:
        packs = _packs(doc)
        skus = sorted(packs)
        self.orders = max(0, self.orders + sign)
        for s in skus:
            _bump(self.items, s, sign)
            _bump(self.held, s, sign * packs[s])
        if len(skus) <= MAX_PAIR_BASKET:
            pairs = self.pairs
            for i, a in enumerate(skus):
                for b in skus[i + 1:]:
                    self._pair(pairs, a, b, sign)
                    self._pair(pairs, b, a, sign)
        for s in set(_suggested(doc)):
            _bump(self.offered, s, sign)
        for s in set(prev_suggested) & packs.keys():
            _bump(self.accepted, s, sign)

    @staticmethod
    def _pair(pairs: PairCounts, a: str, b: str, sign: int) -> None:
        row = pairs.get(a)
        if row is None:
            if sign < 0:
                return
            row = pairs[a] = {}
        n = row.get(b, 0) + sign
        if n > 0:
            row[b] = n
            if len(row) > PARTNER_CAP:
                kept = sorted(row.items(), key=lambda kv: (-kv[1], kv[0]))[:PARTNER_KEEP]
                pairs[a] = dict(kept)
        else:
            row.pop(b, None)
            if not row:
                del pairs[a]

    # -- the sidecar format
    def to_json(self) -> dict:
        return {"version": STATS_VERSION, "token": self.token, "counter": self.counter, "docs": self.docs,
                "orders": self.orders, "items": self.items, "pairs": self.pairs.encoded(), "held": self.held,
                "offered": self.offered, "accepted": self.accepted, "last_suggested": self.last_suggested}

    @classmethod
    def from_json(cls, obj) -> Stats | None:
        """The statistics of a sidecar document, or None if it is not one this version wrote."""
        if not isinstance(obj, dict) or obj.get("version") != STATS_VERSION:
            return None
        maps = ("items", "pairs", "held", "offered", "accepted")
        if not all(isinstance(obj.get(k), dict) for k in maps):
            return None
        if not all(type(obj.get(k)) is int for k in ("counter", "docs", "orders")):
            return None
        token, last = obj.get("token"), obj.get("last_suggested")
        if not (token is None or isinstance(token, str)) or not isinstance(last, list):
            return None
        return cls(orders=obj["orders"], items=obj["items"], pairs=PairCounts(obj["pairs"]), held=obj["held"],
                   offered=obj["offered"], accepted=obj["accepted"],
                   last_suggested=[s for s in last if isinstance(s, str)], token=token,
                   counter=obj["counter"], docs=obj["docs"])


class PairCounts(MutableMapping):
    """SKU -> {partner: orders holding both}. On disk each SKU's partners are one string
    ("SKU<TAB>count<TAB>…", most frequent first), decoded only when asked for: a suggestion reads
    the rows of its basket, not the 100,000 counts of the whole file."""

    __slots__ = ("_raw", "_rows")

    def __init__(self, raw: Mapping[str, str] | None = None) -> None:
        self._raw: dict[str, str] = dict(raw or {})
        self._rows: dict[str, dict[str, int]] = {}

    def __getitem__(self, sku: str) -> dict[str, int]:
        row = self._rows.get(sku)
        if row is None:
            text = self._raw.pop(sku)
            row = self._rows[sku] = _decode_row(text)
        return row

    def __setitem__(self, sku: str, row: dict[str, int]) -> None:
        self._raw.pop(sku, None)
        self._rows[sku] = row

    def __delitem__(self, sku: str) -> None:
        if self._rows.pop(sku, None) is None:
            del self._raw[sku]

    def __contains__(self, sku: object) -> bool:
        return sku in self._rows or sku in self._raw

    def __iter__(self):
        yield from list(self._rows)
        yield from list(self._raw)

    def __len__(self) -> int:
        return len(self._rows) + len(self._raw)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def encoded(self) -> dict[str, str]:
        out = dict(self._raw)
        for sku, row in self._rows.items():
            out[sku] = "\t".join(f"{p}\t{n}" for p, n in sorted(row.items(), key=lambda kv: (-kv[1], kv[0]))
                                 if "\t" not in p and "\n" not in p)
        return out


def _decode_row(text) -> dict[str, int]:
    if not isinstance(text, str) or not text:
        return {}
    parts = text.split("\t")
    try:
        return dict(zip(parts[::2], map(int, parts[1::2])))
    except ValueError:
        return {}


def _bump(counts: dict[str, int], key: str, by: int) -> None:
    n = counts.get(key, 0) + by
    if n > 0:
        counts[key] = n
    else:
        counts.pop(key, None)


def _packs(doc: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in doc.get("lines") or ():
        if isinstance(line, dict) and isinstance(line.get("sku"), str):
            n = line.get("packs")
            out[line["sku"]] = out.get(line["sku"], 0) + (n if type(n) is int and n > 0 else 0)
    return out


def _suggested(doc: dict) -> list[str]:
    out = [s.get("sku") for s in doc.get("suggestions") or () if isinstance(s, dict)]
    return [s for s in dict.fromkeys(out) if isinstance(s, str)]


# -- the sidecar file ----------------------------------------------------------------------


def stats_path(store) -> Path:
    """The statistics file of a store (a Store or its path): ``<store>.stats.json`` beside it
    (links resolved, like the lock)."""
    return Path(os.path.realpath(_store_path(store)) + ".stats.json")


def _store_path(store) -> Path:
    return Path(os.path.abspath(Path(getattr(store, "path", store)).expanduser()))


_cache: dict[str, tuple[tuple, Stats]] = {}


def _read_sidecar(path: Path) -> Stats | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    sig = (st.st_mtime_ns, st.st_size, st.st_ino)
    hit = _cache.get(str(path))
    if hit is not None and hit[0] == sig:
        return hit[1]
    try:
        raw = path.read_bytes()
        gc_was = gc.isenabled()
        gc.disable()                        # json.loads builds many small objects: no need to scan them
        try:
            stats = Stats.from_json(json.loads(raw))
        finally:
            if gc_was:
                gc.enable()
    except (OSError, ValueError, RecursionError):
        return None
    if stats is not None:
        _cache[str(path)] = (sig, stats)
    return stats


def _write_sidecar(path: Path, stats: Stats) -> None:
    _write_json(path, stats.to_json())
    _cache.pop(str(path), None)


def _write_json(path: Path, obj) -> None:
    """Replace ``path`` atomically and durably."""
    from ..files import replace_file

    replace_file(path, json.dumps(obj, separators=(",", ":")).encode("ascii"))


def _order_counter(meta: Mapping) -> int:
    counters = meta.get("counters")
    n = counters.get("order", 0) if isinstance(counters, dict) else 0
    return n if type(n) is int else 0


def load_stats(store) -> Stats:
    """The statistics of a store (a Store or its path), cheaply: the sidecar if it matches the
    store, else rebuilt.

    Reads the sidecar and the head of the store file only; the orders are parsed only to rebuild.
    :raises DataError: the store is damaged (only noticed when the sidecar does not match).
    """
    from_path = _store_path(store)
    key = str(from_path)
    seen = _loaded.get(key)
    if seen is not None:
        sigs = (_signature(from_path), _signature(seen[0]))
        if sigs == seen[1] and None not in sigs:
            return seen[2]                  # neither file changed: a batch asks once per order
    path = stats_path(store)                # again: a link may now point elsewhere
    sigs = (_signature(from_path), _signature(path))   # taken first: a write after them is noticed
    meta = _head_meta(from_path)
    if meta is None:
        from ..store.db import Store

        meta = Store(from_path).read_meta()
    if not meta:
        return Stats()                      # no store yet, or an empty one
    stats = _read_sidecar(path)
    if stats is None or stats.token != meta.get(META_KEY) or stats.counter != _order_counter(meta):
        stats = _rebuild(from_path, path)
    _loaded[key] = (path, sigs, stats)
    return stats


# store path -> (sidecar path, (store signature, sidecar signature), the statistics they gave)
_loaded: dict[str, tuple[Path, tuple, Stats]] = {}


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _rebuild(store_path: Path, path: Path) -> Stats:
    """Recount every order; saved under the store's lock when it can be had quickly."""
    from ..store.db import Store

    try:
        with Store(store_path, lock_timeout=REBUILD_LOCK_TIMEOUT).transaction() as tx:
            stats = Stats.build(tx.table(TABLE).all())
            stats.token = tx.meta.get(META_KEY)
            stats.counter = _order_counter(tx.meta)
            try:
                _write_sidecar(path, stats)
            except OSError:
                pass                        # a read-only folder: use the counts without keeping them
            return stats
    except (DataError, RuntimeError):
        # Locked by a long writer (or already in a transaction here): count a snapshot, save nothing.
        return Stats.build(Store(store_path).table(TABLE))


def record_placed(tx, store, docs: list[dict]) -> None:
    """Count orders just inserted in ``tx`` (placed or imported), before the transaction commits."""
    _update(tx, store, added=docs)


def record_cancelled(tx, store, doc: dict) -> None:
    """Stop counting an order just cancelled in ``tx`` (``doc`` as it was, with its ``doc_id``)."""
    _update(tx, store, cancelled=doc)


def _update(tx, store, added: list[dict] = (), cancelled: dict | None = None) -> None:
    _loaded.clear()                         # the statistics are about to change
    if getattr(store, "private", False):
        # A scratch store (a replayed transcript's) keeps no sidecar up to date: its few orders
        # are counted when suggestions are asked for.
        tx.meta[META_KEY] = _new_token()
        return
    path = stats_path(store)
    try:
        docs = tx.count(TABLE)              # without parsing the orders
        stats = _read_sidecar(path)
        if stats is None or stats.token != tx.meta.get(META_KEY) or stats.docs != docs - len(added):
            stats = Stats.build(tx.table(TABLE).all())  # stale or missing: the table holds the change
        else:
            _cache.pop(str(path), None)     # changed in place: re-read from disk should this fail
            for doc in added:
                stats.observe(doc)
            if cancelled is not None:
                stats.forget(cancelled, _previous_suggested(tx.table(TABLE), cancelled))
        stats.token = _new_token()
        stats.counter = _order_counter(tx.meta)
        stats.docs = docs
        tx.meta[META_KEY] = stats.token
        _write_sidecar(path, stats)
    except Exception:  # noqa: BLE001 - statistics are derived data and must never stop an order
        tx.meta[META_KEY] = _new_token()    # whatever the sidecar says now is stale


def _new_token() -> str:
    import secrets

    return secrets.token_hex(8)


def _previous_suggested(table, doc: dict) -> list[str]:
    """The suggestions of the order stored just before ``doc``."""
    doc_id = getattr(doc, "doc_id", None)
    if isinstance(doc_id, int):
        for k in range(doc_id - 1, max(0, doc_id - 50), -1):
            prev = table.get(doc_id=k)
            if prev is not None:
                return _suggested(prev)
        if doc_id <= 50:
            return []
    prev: dict | None = None
    for d in table.all():
        if d.get("id") == doc.get("id"):
            return _suggested(prev) if prev is not None else []
        prev = d
    return []


# -- the catalog's side ----------------------------------------------------------------------


class _CatalogView:
    """What the engine needs from a catalog: per-product look-ups on demand, plus a summary of
    catalog-wide facts (see :func:`_summary`)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        summary = _summary(catalog)
        self._pop_norm: float = summary["pop_norm"]
        self._pop_smooth: float = summary["pop_smooth"]
        self._listed_by: dict[str, list[str]] = summary["listed_by"]
        self._shelves: dict[str, list[str]] = summary["shelves"]
        self._tag_share: dict[str, dict[str, float]] = summary["tag_share"]
        self._families: dict[str, tuple] = {}
        self._complements: dict[str, dict[str, float]] = {}

    def popularity_share(self, p: Product) -> float:
        return (max(p.popularity, 0.0) + self._pop_smooth) / self._pop_norm

    def family(self, p: Product) -> tuple:
        keys = self._families.get(p.sku)
        if keys is None:
            keys = self._families[p.sku] = _family(p)
        return keys

    def complements(self, p: Product) -> dict[str, float]:
        """SKU -> prior lift μ for the products the catalog says go with ``p`` (either way round)."""
        out = self._complements.get(p.sku)
        if out is not None:
            return out
        out = {}
        by_sku = self.catalog.by_sku
        for k, ref in enumerate(p.complements):
            fade = 1.0 + 0.25 * k           # the catalog lists the main complements first
            if ref in by_sku:
                out[ref] = max(out.get(ref, 1.0), 1.0 + (COMPLEMENT_PRIOR - 1.0) / fade)
            else:                           # a shelf: its most popular products
                for mu, sku in zip(SHELF_PRIOR, self._shelves.get(ref.lower(), ())):
                    out[sku] = max(out.get(sku, 1.0), 1.0 + (mu - 1.0) / fade)
        for sku in self._listed_by.get(p.sku, ()):   # named the other way round: weaker
            out[sku] = max(out.get(sku, 1.0), 1.0 + (COMPLEMENT_PRIOR - 1.0) / 2)
        out.pop(p.sku, None)
        self._complements[p.sku] = out
        return out

    def tag_share(self, p: Product, tag: str) -> float:
        """How often a shopper without a reason would get ``tag`` picking in ``p``'s family by
        popularity (0 when the name says it: "Vegan Butter"; 1 with no alternative)."""
        return self._tag_share.get(p.sku, {}).get(tag, 1.0)


def _family(p: Product) -> tuple:
    """Family keys: the name, and the head noun on its shelf."""
    name = " ".join(p.name.lower().split())
    keys: tuple = (("name", name),)
    if p.category:
        keys += (("head", p.category.lower(), _head(name)),)
    return keys


def _summarize(catalog: Catalog) -> dict:
    """Catalog-wide facts, in one pass over every product: the popularity total, who names whom as
    a complement, each shelf's most popular products, and the diet-tag shares of product families."""
    products = catalog.products
    total = sum(max(p.popularity, 0.0) for p in products)
    smooth = 0.1 * total / len(products) if total > 0 else 1.0
    skus = {p.sku for p in products}
    listed: dict[str, list[str]] = {}
    shelves: dict[str, list[Product]] = {}
    members: dict[tuple, list[Product]] = {}
    for q in products:
        for ref in q.complements:
            if ref in skus and ref != q.sku:
                listed.setdefault(ref, []).append(q.sku)
        if q.category and q.stock != 0:
            shelves.setdefault(q.category.lower(), []).append(q)
        for key in _family(q):
            members.setdefault(key, []).append(q)
    shares: dict[str, dict[str, float]] = {}
    for q in products:
        for tag in DIET_TAGS.intersection(q.tags):
            if tag.replace("-", " ") in q.name.lower().replace("-", " "):
                share = 0.0
            else:
                share = 1.0
                for key in _family(q):
                    family = members[key]
                    if len(family) > 1:
                        weight = [max(m.popularity, 0.0) + smooth for m in family]
                        share = min(share, sum(w for w, m in zip(weight, family) if tag in m.tags) / sum(weight))
            if share < 1.0:
                shares.setdefault(q.sku, {})[tag] = round(share, 6)
    return {"pop_norm": total + smooth * len(products), "pop_smooth": smooth, "listed_by": listed,
            "shelves": {k: [p.sku for p in sorted(v, key=lambda p: (-p.popularity, p.sku))[:len(SHELF_PRIOR)]]
                        for k, v in shelves.items()},
            "tag_share": shares}


def _summary(catalog: Catalog) -> dict:
    """The catalog summary. A catalog read lazily from its cache (it starts fast by not loading every
    product) gets it from a summary file beside that cache, keyed by the catalog files' paths, sizes
    and times, and written the first time; a catalog in memory is simply summarised."""
    source = catalog.source
    if type(catalog) is Catalog or source is None:
        return _summarize(catalog)
    from ..catalog.cache import cache_file, catalog_signature

    try:
        signature = f"suggest summary {STATS_VERSION}\n{catalog_signature(source)}"
        path = cache_file(source, "suggest-", ".json")
    except OSError:
        return _summarize(catalog)
    try:
        cached = json.loads(path.read_bytes())
        if isinstance(cached, dict) and cached.get("signature") == signature:
            return cached
    except (OSError, ValueError, RecursionError):
        pass
    summary = _summarize(catalog)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_json(path, dict(summary, signature=signature))
    except OSError:
        pass                                # no cache this time
    return summary


_views: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _view(catalog: Catalog) -> _CatalogView:
    view = _views.get(catalog)
    if view is None:
        view = _views[catalog] = _CatalogView(catalog)
    return view


def _head(name: str) -> str:
    """The head noun of a product name, singular: 'Large Eggs' -> 'egg'; 'Soy Sauce' keeps 'soy sauce'."""
    words = re.findall(r"[a-z0-9%]+", name)
    if not words:
        return name
    head = _singular(words[-1])
    if head in _GENERIC_HEADS and len(words) > 1:
        head = f"{_singular(words[-2])} {head}"
    return head


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("oes", "ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


# a sibling of a basket item (organic and ordinary bananas, two sizes of strawberries) is suggested
# only when orders show them bought together this often, and at least as often as chance
SIBLING_EVIDENCE = 3
SIBLING_LIFT = 1.0


def _bought_alongside(p: Product, rows, items: Mapping[str, int], n_orders: int, view) -> bool:
    """Whether real orders put ``p`` in the same basket as a basket item of its own family."""
    if not n_orders:
        return False
    keys = set(view.family(p))
    n_c = items.get(p.sku, 0)
    for b, n_b, row, _ in rows:
        if keys.intersection(view.family(b)):
            n_bc = row.get(p.sku, 0)
            expected = n_b * n_c / n_orders
            if n_bc >= SIBLING_EVIDENCE and n_bc >= SIBLING_LIFT * expected:
                return True
    return False


def implied_tags(catalog: Catalog, basis: list[Product]) -> set[str]:
    """Diet tags the basket asks for: every product carries the tag, and picking only such variants
    by chance is unlikely (a vegan oat milk among milks is a choice; vegan bananas or pasta are not)."""
    if not basis:
        return set()
    view = _view(catalog)
    common = set(basis[0].tags).intersection(*(p.tags for p in basis[1:])) & DIET_TAGS
    return {t for t in common if math.prod(view.tag_share(p, t) for p in basis) <= DIET_EVIDENCE}


# -- the engine ----------------------------------------------------------------------------


def suggest_for(catalog: Catalog, basis: list[str], limit: int = 5, *, stats: Stats | None = None,
                held: Mapping[str, int] | None = None, require_tags: Iterable[str] = (),
                exclude_tags: Iterable[str] = ()) -> list[Suggestion]:
    """Up to ``limit`` products that go with the SKUs in ``basis``, best first.

    ``stats`` are the learned statistics (None: the catalog alone); ``held`` the packs held per SKU
    (default: those of ``stats``), taken from stock.
    """
    basis_products = [catalog.by_sku[s] for s in dict.fromkeys(basis) if s in catalog.by_sku]
    if limit <= 0 or not basis_products:
        return []
    view = _view(catalog)
    stats = stats or Stats()
    held = stats.held if held is None else held
    required = {t.lower() for t in require_tags} | implied_tags(catalog, basis_products)
    excluded = {t.lower() for t in exclude_tags}
    in_basis = {p.sku for p in basis_products} | set(basis)
    blocked = {key for p in basis_products for key in view.family(p)}

    n_orders = stats.orders
    items, pairs = stats.items, stats.pairs
    mean_basket = sum(items.values()) / n_orders if n_orders else 5.0
    rows = []
    candidates: dict[str, None] = {}
    for b in basis_products:
        comp = view.complements(b)
        row = pairs.get(b.sku, {})
        rows.append((b, items.get(b.sku, 0), row, comp))
        candidates.update(dict.fromkeys(comp))
        candidates.update(dict.fromkeys(row))

    scored: list[tuple[float, float, str, Product, tuple]] = []
    for sku in candidates:
        if sku in in_basis:
            continue
        p = catalog.by_sku.get(sku)
        if p is None or not _allowed(p, held, required, excluded):
            continue
        if blocked.intersection(view.family(p)) and not _bought_alongside(p, rows, items, n_orders, view):
            continue                         # a substitute of a basket item, unless orders say otherwise
        n_c = items.get(sku, 0)
        prior = POPULARITY_PRIOR * view.popularity_share(p) * mean_basket
        p_c = min(1.0, (n_c + prior) / (n_orders + POPULARITY_PRIOR))
        log_r = POPULARITY_WEIGHT * math.log(p_c)
        best = None
        for b, n_b, row, comp in rows:
            mu = comp.get(sku, 1.0)
            n_bc = row.get(sku, 0)
            expected = n_b * n_c / n_orders if n_orders else 0.0
            lam = (n_bc + PRIOR_STRENGTH * mu) / (expected + PRIOR_STRENGTH)
            log_r += math.log(lam)
            if best is None or lam > best[0]:
                best = (lam, b, n_b, n_bc, mu)
        if best[0] <= 1.0:
            continue
        offered = stats.offered.get(sku, 0)
        if offered:
            log_r += math.log1p(ACCEPT_WEIGHT * stats.accepted.get(sku, 0) / (offered + ACCEPT_PRIOR))
        scored.append((log_r, p.popularity, sku, p, best))

    scored.sort(key=lambda t: (-t[0], -t[1], t[2]))
    out: list[Suggestion] = []
    seen: set = set()
    for log_r, _, _, p, best in scored:
        keys = view.family(p)
        if seen.intersection(keys):
            continue
        seen.update(keys)
        r = math.exp(log_r)
        reason, learned = _reason(*best[1:])
        out.append(Suggestion(p, round(r / (1.0 + r), 3), reason, learned))
        if len(out) >= limit:
            break
    return out


def _allowed(p: Product, held: Mapping[str, int], required: set[str], excluded: set[str]) -> bool:
    if p.stock is not None and p.stock - held.get(p.sku, 0) <= 0:
        return False
    if excluded and excluded.intersection(p.tags):
        return False
    return not required or required.issubset(p.tags)


def _reason(b: Product, n_b: int, n_bc: int, mu: float) -> tuple[str, bool]:
    name = b.name
    if n_bc >= 2 and n_b >= 10:
        return f"bought with {name} in {round(100 * n_bc / n_b)}% of orders", True
    if n_bc >= 2:
        return f"bought with {name} in {n_bc} of {n_b} orders", True
    if mu > 1.0:
        return f"goes with {name}", False
    return f"bought with {name} before", True


# -- front ends ----------------------------------------------------------------------------


def order_suggestions(catalog: Catalog, basis: list[str], store=None, limit: int = 3) -> list[dict]:
    """The ``suggestions`` of an order receipt: learned from ``store``'s history when there is one."""
    stats = None
    if store is not None:
        try:
            stats = load_stats(store)
        except DataError:
            stats = None                    # a damaged store is reported when the order is written
    return [{"sku": s.product.sku, "name": s.product.name, "reason": s.reason}
            for s in suggest_for(catalog, basis, limit, stats=stats)]


def _basis(catalog, out, text: str, skus: list[str]) -> list[str]:
    """The SKUs to suggest for: those named by SKU, and the products the text clearly names."""
    for sku in skus:
        if sku not in catalog.by_sku:
            raise NotDone(f"unknown SKU {sku!r}", hint="shop parse --json shows the SKUs of products")
    basis: list[str] = []
    if text.strip():
        from ..parse.pipeline import parse_request
        from ..render import clean

        for it in parse_request(text, catalog).items:
            if it.status == "matched" and it.product is not None:
                basis.append(it.product.sku)
            elif it.status == "ambiguous" and it.product is not None:
                options = [it.product.name] + [p.name for p, _ in it.alternatives[:2]]
                out.note(f"'{clean(it.text, 60)}' could be {', '.join(dict.fromkeys(options))} — "
                         "left out; say which one or use --sku")
    basis = list(dict.fromkeys(basis + skus))
    if not basis:
        raise NotDone("nothing recognisable to suggest for",
                      hint="name products as in an order (shop parse shows what is recognised) or pass --sku SKU")
    return basis


def run_suggest_batch(settings, out, lines, limit: int, as_json: bool) -> int:
    """``shop suggest -``: one basket a line of standard input, by SKUs (``EGG-L-12 MILK-WHOLE-1GAL``) or
    in words, answered one line each (a JSON object with --json, else the suggestions tab-separated
    on one line), with the statistics read once. Returns the exit code: 1 when a line named nothing."""
    from ..errors import ShopError
    from ..render import clean

    catalog = settings.catalog
    stats = load_stats(settings.db_path)
    worst = 0
    for n, line in enumerate(lines, 1):
        words = line.replace(",", " ").split()
        skus = [w for w in words if w in catalog.by_sku]
        text = "" if len(skus) == len(words) else line
        try:
            basis = _basis(catalog, out, text, skus if not text else [])
        except ShopError as e:
            out.error(f"line {n}: {e.message}", e.hint)
            worst = max(worst, e.exit_code)
            if as_json:
                out.json({"basis": [], "suggestions": [], "error": e.message})
            else:
                out.line("")
            continue
        suggestions = suggest_for(catalog, basis, limit, stats=stats)
        if as_json:
            out.json({"basis": basis,
                      "suggestions": [{"sku": s.product.sku, "name": s.product.name, "score": s.score,
                                       "reason": s.reason} for s in suggestions],
                      "source": "orders" if any(stats.items.get(s) for s in basis) else "catalog"})
        else:
            out.line("\t".join(clean(s.product.sku, 60) for s in suggestions))
    out.flush()
    return worst


def run_suggest(settings, out, text: str, skus: list[str], limit: int, as_json: bool, *,
                require_tags: Iterable[str] = (), exclude_tags: Iterable[str] = ()) -> None:
    """``shop suggest``: the basis from text and --sku, then suggestions as JSON, a table or lines."""
    catalog = settings.catalog
    basis = _basis(catalog, out, text, skus)
    stats = load_stats(settings.db_path)     # the path: reading needs no store machinery
    suggestions = suggest_for(catalog, basis, limit, stats=stats)
    learned = any(stats.items.get(s) for s in basis)
    source = "orders" if learned else "catalog"
    if as_json:
        out.json({"basis": basis,
                  "suggestions": [{"sku": s.product.sku, "name": s.product.name, "score": s.score,
                                   "reason": s.reason} for s in suggestions],
                  "source": source})
        return
    note = None if learned else "no order history for these items yet: suggestions come from the catalog"
    if out.is_terminal:
        _table(out, catalog, basis, suggestions, note)
    else:
        from ..render import clean

        if note:
            out.note(note)
        if not suggestions:
            out.note("no suggestions for these items")
        for s in suggestions:
            out.line(f"{clean(s.product.sku, 60)}\t{clean(s.product.name)}\t{s.score:.3f}\t{clean(s.reason)}")
        out.flush()


def _table(out, catalog: Catalog, basis: list[str], suggestions: list[Suggestion], note: str | None) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..render import clean

    names = ", ".join(clean(catalog.by_sku[s].name, 40) for s in basis[:4]) + (" …" if len(basis) > 4 else "")
    table = Table(title=Text("Goes with " + names), title_justify="left",
                  caption=Text(note) if note else None, caption_justify="left")
    table.add_column("product", overflow="fold")
    table.add_column("sku", overflow="fold")
    table.add_column("score", justify="right")
    table.add_column("why", overflow="fold")
    for s in suggestions:
        table.add_row(Text(clean(s.product.label)), Text(clean(s.product.sku, 40)), Text(f"{s.score:.2f}"),
                      Text(clean(s.reason), style="dim"))
    if not suggestions:
        out.console.print(Text("No suggestions for " + names))
        if note:
            out.console.print(Text(note, style="dim"))
        return
    out.console.print(table)
