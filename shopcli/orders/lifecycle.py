"""Orders: pricing, delivery, their life over time, and placing them in the store.

An order is a plain JSON document (the contract's order format). Its stored ``status`` is only
``placed`` or ``cancelled``; what a shopper sees — scheduled, out for delivery, delivered — is
derived from the delivery window and the clock, so ``status`` answers truthfully offline.
Money is ``Decimal`` throughout and a string with two decimals in JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable

from ..catalog.load import Catalog, Product
from ..errors import DataError, NotDone, UsageError

__all__ = ["Draft", "Problem", "draft_order", "place_orders", "order_status", "cancel_order",
           "find_order", "list_orders", "parse_time", "import_orders", "canonical", "money", "stores_path",
           "MAX_PACKS", "CURRENCY"]

CURRENCY = "USD"
MAX_PACKS = 999
CENT = Decimal("0.01")
TABLE = "orders"
STATUSES = ("placed", "scheduled", "out_for_delivery", "delivered", "ready_for_pickup", "picked_up",
            "cancelled")
ORDER_KEYS = ("id", "created_at", "status", "request", "lines", "subtotal", "discount", "total", "currency",
              "delivery", "suggestions")


def money(d: Decimal) -> str:
    """A Decimal as the contract's money string: exactly two decimals, rounded half up."""
    return str(d.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass
class Problem:
    """Why one item of a request cannot be ordered as it stands."""

    text: str
    why: str
    candidates: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        s = f"'{self.text}': {self.why}"
        if self.candidates:
            s += " (" + ", ".join(self.candidates) + ")"
        return s


@dataclass
class Draft:
    """An order before it is placed: its document (without id) and what stops it, if anything."""

    doc: dict
    problems: list[Problem]
    items: list = field(default_factory=list)   # the ParsedItems, for interactive repair


def stores_path(catalog: Catalog) -> Path | None:
    """stores.toml beside the catalog (inside a catalog folder, or next to a catalog file)."""
    src = catalog.source
    if src is None:
        return None
    folder = src if src.is_dir() else src.parent
    path = folder / "stores.toml"
    return path if path.is_file() else None


def delivery_for(now: datetime, catalog: Catalog, deliver: str | None = None, pickup: str | None = None,
                 when: str | None = None, *, default_window=None) -> dict:
    """The order's ``delivery`` object from --deliver / --pickup (or a clause said in the request).

    ``default_window`` (two times) is the window of a day said without a time (the config's
    delivery_window); None keeps the built-in one.
    """
    from ..parse import delivery as dl

    window = default_window or dl.DEFAULT_WINDOW
    if deliver and pickup:
        raise UsageError("choose either --deliver or --pickup, not both")
    if deliver:
        w = dl.parse_when(deliver, now, window)
        return {"method": "delivery", "window_start": w.start.isoformat(), "window_end": w.end.isoformat(),
                "store": None}
    if pickup is not None:
        path = stores_path(catalog)
        if path is None:
            raise UsageError("this catalog lists no pickup stores",
                             hint="put a stores.toml beside the catalog (see README)")
        store = dl.find_store(pickup, dl.load_stores(path))
        start = end = None
        if when:
            w = dl.parse_when(when, now, window)
            start, end = w.start.isoformat(), w.end.isoformat()
        return {"method": "pickup", "window_start": start, "window_end": end, "store": store.name}
    # neither said: delivery, time not yet arranged (the order stays "placed", not "scheduled")
    return {"method": "delivery", "window_start": None, "window_end": None, "store": None}


def draft_order(request: str, catalog: Catalog, now: datetime, *, deliver: str | None = None,
                pickup: str | None = None, suggest: int = 3, store=None, default_window=None,
                default_pickup: str | None = None) -> Draft:
    """Parse and price a request; the draft lists every problem instead of raising on items.

    ``default_pickup`` (the config's preferred store) applies when neither an option nor the
    request says how the order is fulfilled; ``default_window`` as for :func:`delivery_for`.
    """
    from ..parse import delivery as dl
    from ..parse.pipeline import parse_request

    text = request
    when = None
    if not deliver and pickup is None:
        clause = dl.find_clause(request)
        if clause is not None:
            text = request[:clause.start]
            if clause.kind == "delivery":
                deliver = clause.text
            else:
                pickup, when = clause.text, clause.when or None
        elif default_pickup:
            pickup = default_pickup
    delivery = delivery_for(now, catalog, deliver, pickup, when, default_window=default_window)
    result = parse_request(text, catalog)
    problems: list[Problem] = []
    packs: dict[str, int] = {}
    for it in result.items:
        if it.problem:
            problems.append(Problem(it.text, it.problem))
        elif it.status == "unknown":
            problems.append(Problem(it.text, "unknown item", [f"did you mean {h}?" for h in it.hint[:3]]))
        elif it.status == "ambiguous":
            options = [it.product] + [p for p, _ in it.alternatives]
            problems.append(Problem(it.text, "ambiguous",
                                    [f"{p.name} [{p.sku}]" for p in dict.fromkeys(options)][:4]))
        else:
            packs[it.product.sku] = packs.get(it.product.sku, 0) + it.packs
    for u in result.unparsed:
        problems.append(Problem(u, "not understood"))
    if not result.items and not result.unparsed:
        problems.append(Problem(request.strip()[:60], "nothing to order"))
    for sku, n in packs.items():
        if n > MAX_PACKS:
            problems.append(Problem(catalog.by_sku[sku].name, f"{n} packs is more than {MAX_PACKS}"))
    doc = build_order(request, [(catalog.by_sku[s], n) for s, n in packs.items()], now, delivery)
    if suggest:
        from ..suggest.engine import order_suggestions

        doc["suggestions"] = order_suggestions(catalog, list(packs), store, limit=suggest)
    return Draft(doc, problems, result.items)


def build_order(request: str, lines: Iterable[tuple[Product, int]], now: datetime,
                delivery: dict | None, prices: dict[str, Decimal] | None = None) -> dict:
    """An order document (without id) with exact money."""
    out_lines = []
    subtotal = Decimal(0)
    for product, n in lines:
        unit = (prices or {}).get(product.sku, product.price)
        total = (unit * n).quantize(CENT, rounding=ROUND_HALF_UP)
        subtotal += total
        out_lines.append({"sku": product.sku, "name": product.name, "packs": n, "unit_price": money(unit),
                          "line_total": money(total)})
    discount = Decimal(0)
    return {"id": None, "created_at": now.isoformat(), "status": "placed", "request": request,
            "lines": out_lines, "subtotal": money(subtotal), "discount": money(discount),
            "total": money(subtotal - discount), "currency": CURRENCY, "delivery": delivery,
            "suggestions": []}


def canonical(doc: dict) -> dict:
    """The order with the contract's keys first, in their fixed order (export is byte-stable)."""
    out = {k: doc.get(k) for k in ORDER_KEYS}
    out.update({k: v for k, v in doc.items() if k not in out})
    return out


# -- the store -------------------------------------------------------------------------------

def held_packs(orders: Iterable[dict]) -> dict[str, int]:
    """Packs of each SKU held by orders that are not cancelled."""
    held: dict[str, int] = {}
    for o in orders:
        _hold(held, o, +1)
    return held


def stock_problems(doc: dict, catalog: Catalog, held: dict[str, int]) -> list[Problem]:
    out = []
    for line in doc["lines"]:
        p = catalog.by_sku.get(line["sku"])
        if p is None or p.stock is None:
            continue
        left = max(0, p.stock - held.get(p.sku, 0))
        if line["packs"] > left:
            out.append(Problem(p.name, f"only {left} available" if left else "out of stock"))
    return out


def place_orders(store, docs: list[dict], catalog: Catalog) -> list[dict | list[Problem]]:
    """Write drafts in one transaction (group commit): each gets an id, or its stock problems.

    Returns, per draft, the placed order or the problems that kept it out. Nothing is returned
    before the transaction is durable on disk.
    """
    results: list[dict | list[Problem]] = []
    with store.transaction() as tx:
        held = _held(tx)
        _counter_past_every_id(tx)
        new = []
        for doc in docs:
            problems = stock_problems(doc, catalog, held)
            if problems:
                results.append(problems)
                continue
            doc = canonical(dict(doc, id=f"ORD-{tx.next_id('order'):06d}"))
            _hold(held, doc, +1)
            new.append(doc)
            results.append(doc)
        if new:
            tx.append(TABLE, new)     # one order on a 100,000-order store does not parse them all
            _save_held(tx, held)
            from ..suggest.engine import record_placed

            record_placed(tx, store, new)
    return results


def _counter_past_every_id(tx) -> None:
    """A counter behind the orders (an edited or partly restored meta document) would hand out ids
    that exist: it is raised past the highest id first. A counter at least the number of orders is
    trusted, so placing one order never reads them all."""
    counters = tx.meta["counters"]
    if counters.get("order", 0) >= tx.count(TABLE):
        return
    top = 0
    for o in tx.table(TABLE).all():
        m = _OUR_ID.match(str(o.get("id") or ""))
        if m:
            top = max(top, int(m[1]))
    counters["order"] = max(top, tx.count(TABLE))


_HELD = "held"


def _held(tx) -> dict[str, int]:
    """Packs held per SKU by the orders in ``tx``'s store: from the orders table's summary when it
    holds, else counted from every order."""
    summary = tx.summary(TABLE)
    held = summary.get(_HELD) if isinstance(summary, dict) else None
    if isinstance(held, dict) and all(type(v) is int for v in held.values()):
        return dict(held)
    return held_packs(tx.table(TABLE).all())


def _hold(held: dict[str, int], doc: dict, sign: int) -> None:
    if doc.get("status") == "cancelled":
        return
    for line in doc.get("lines") or ():
        held[line["sku"]] = held.get(line["sku"], 0) + sign * int(line["packs"])


def _save_held(tx, held: dict[str, int]) -> None:
    tx.set_summary(TABLE, {_HELD: {sku: n for sku, n in held.items() if n}})


def list_orders(store, status: str | None = None, now: datetime | None = None,
                since: datetime | None = None, until: datetime | None = None) -> list[dict]:
    """Orders newest first, each with its derived status; filtered by status and creation time."""
    out = []
    for o in reversed(store.table(TABLE)):
        s = order_status(o, now) if now else o.get("status")
        if status and s != status:
            continue
        if since or until:
            created = parse_time(o.get("created_at"))
            if created is None or (since and created < since) or (until and created >= until):
                continue
        o["status"] = s        # the documents are this call's own copies
        out.append(o)
    return out


def find_order(store, order_id: str) -> dict:
    for o in store.table(TABLE):
        if o.get("id") == order_id:
            return o
    raise NotDone(f"no order {order_id!r}", hint="shop orders list shows the ids")


def order_status(order: dict, now: datetime) -> str:
    """The order's status now: placed, scheduled, out_for_delivery / ready_for_pickup,
    delivered / picked_up, or cancelled."""
    if order.get("status") == "cancelled":
        return "cancelled"
    d = order.get("delivery")
    if not d or not d.get("window_start"):
        return "placed"
    start, end = parse_time(d.get("window_start")), parse_time(d.get("window_end"))
    if start is None or end is None:
        return "placed"
    pickup = d.get("method") == "pickup"
    if now < start:
        return "scheduled"
    if now < end:
        return "ready_for_pickup" if pickup else "out_for_delivery"
    return "picked_up" if pickup else "delivered"


def cancel_order(store, order_id: str, now: datetime) -> dict:
    """Cancel a placed or scheduled order (before its window starts); final."""
    with store.transaction() as tx:
        held = _held(tx)
        table = tx.table(TABLE)
        for doc_id, o in ((d.doc_id, d) for d in table.all()):
            if o.get("id") != order_id:
                continue
            s = order_status(o, now)
            if s not in ("placed", "scheduled"):
                raise NotDone(f"order {order_id} is {s.replace('_', ' ')} and cannot be cancelled")
            _hold(held, o, -1)
            table.update({"status": "cancelled", "cancelled_at": now.isoformat()}, doc_ids=[doc_id])
            _save_held(tx, held)
            from ..suggest.engine import record_cancelled

            record_cancelled(tx, store, o)
            return dict(o, status="cancelled", cancelled_at=now.isoformat())
    raise NotDone(f"no order {order_id!r}", hint="shop orders list shows the ids")


def parse_time(text) -> datetime | None:
    """An ISO 8601 time with a zone from an order document, else None."""
    if not isinstance(text, str):
        return None
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    return t if t.tzinfo else None


# -- import ----------------------------------------------------------------------------------

def import_orders(store, lines: Iterable[str], catalog: Catalog, now: datetime) -> int:
    """Import orders in the export format, all or nothing; returns how many were imported."""
    import json

    docs = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_float=Decimal, parse_constant=_no_constant)
        except (ValueError, RecursionError) as e:
            raise DataError(f"import line {n}: not valid JSON ({getattr(e, 'msg', e)})") from None
        docs.append(_imported(obj, n, catalog, now))
    with store.transaction() as tx:
        held = _held(tx)
        ids = {o.get("id") for o in tx.table(TABLE).all()}
        for n, doc in docs:
            if doc["id"] is None:
                doc["id"] = f"ORD-{tx.next_id('order'):06d}"
                while doc["id"] in ids:
                    doc["id"] = f"ORD-{tx.next_id('order'):06d}"
            elif doc["id"] in ids:
                raise DataError(f"import line {n}: order id {doc['id']!r} is already in the store")
            ids.add(doc["id"])
            m = _OUR_ID.match(doc["id"])
            if m and int(m[1]) > tx.meta["counters"].get("order", 0):
                tx.meta["counters"]["order"] = int(m[1])   # new orders never reuse an imported id
        imported = [canonical(d) for _, d in docs]
        if imported:
            tx.append(TABLE, imported)
            for doc in imported:
                _hold(held, doc, +1)
            _save_held(tx, held)
            from ..suggest.engine import record_placed

            record_placed(tx, store, imported)
    return len(docs)


_OUR_ID = re.compile(r"^ORD-(\d{1,12})$")


def _no_constant(name: str):
    raise ValueError(f"{name} is not allowed")


def _imported(obj, n: int, catalog: Catalog, now: datetime) -> tuple[int, dict]:
    def bad(why: str) -> DataError:
        return DataError(f"import line {n}: {why}")

    if not isinstance(obj, dict):
        raise bad("an order must be a JSON object")
    where = _not_text(obj)
    if where is not None:                    # a lone surrogate ("\ud800") breaks every later command
        raise bad(f"{where} holds a character that is not text")
    lines = obj.get("lines")
    if not isinstance(lines, list) or not lines:
        raise bad("'lines' must be a non-empty list")
    products, prices = [], {}
    for k, line in enumerate(lines):
        if not isinstance(line, dict) or not isinstance(line.get("sku"), str):
            raise bad(f"line {k}: needs a 'sku' string")
        packs = line.get("packs")
        if isinstance(packs, bool) or not isinstance(packs, int) or not 1 <= packs <= MAX_PACKS:
            raise bad(f"line {k}: 'packs' must be a whole number from 1 to {MAX_PACKS}")
        sku = line["sku"]
        product = catalog.by_sku.get(sku)
        if "unit_price" in line:
            try:
                price = Decimal(str(line["unit_price"]))
            except ArithmeticError:
                raise bad(f"line {k}: 'unit_price' is not a number") from None
            if not price.is_finite() or price < 0:
                raise bad(f"line {k}: 'unit_price' must be a number ≥ 0")
            prices[sku] = price
        elif product is None:
            raise bad(f"line {k}: unknown SKU {sku!r} and no unit_price")
        if product is None:
            product = Product(sku=sku, name=str(line.get("name") or sku), price=prices[sku])
        elif "name" in line and isinstance(line["name"], str):
            product = Product(sku=sku, name=line["name"], price=product.price)
        products.append((product, packs))
    created = obj.get("created_at")
    if created is not None and parse_time(created) is None:
        raise bad("'created_at' must be an ISO 8601 time with a zone")
    status = obj.get("status", "placed")
    if status not in STATUSES:
        raise bad(f"'status' {str(status)[:20]!r} is not one of {', '.join(STATUSES)}")
    delivery = obj.get("delivery")
    if delivery is not None and not (isinstance(delivery, dict) and delivery.get("method") in ("delivery", "pickup")):
        raise bad("'delivery' must be null or an object with method delivery or pickup")
    if delivery is not None:
        for key in ("window_start", "window_end"):
            if delivery.get(key) is not None and parse_time(delivery.get(key)) is None:
                raise bad(f"'delivery.{key}' must be an ISO 8601 time with a zone")
        start, end = delivery.get("window_start"), delivery.get("window_end")
        if (start is None) != (end is None):
            raise bad("'delivery.window_start' and 'window_end' go together: both or neither")
        if start is not None and parse_time(end) < parse_time(start):
            raise bad("'delivery.window_end' is before its 'window_start'")
        store_name = delivery.get("store")
        if store_name is not None and (not isinstance(store_name, str) or len(store_name) > 200):
            raise bad("'delivery.store' must be null or a store name (a string)")
        delivery = {"method": delivery["method"], "window_start": start, "window_end": end, "store": store_name}
    oid = obj.get("id")
    if oid is not None and (not isinstance(oid, str) or not oid.strip() or len(oid) > 64):
        raise bad("'id' must be a non-empty string")
    request = obj.get("request")
    doc = build_order(request if isinstance(request, str) else "", products, parse_time(created) or now,
                      delivery, prices)
    if created is not None:
        doc["created_at"] = created
    doc["id"] = oid
    doc["status"] = "cancelled" if status == "cancelled" else "placed"
    suggestions = obj.get("suggestions")
    if suggestions is not None and not (isinstance(suggestions, list) and all(
            isinstance(s, dict) and isinstance(s.get("sku"), str) and isinstance(s.get("name"), str)
            and isinstance(s.get("reason", ""), str) for s in suggestions)):
        raise bad("'suggestions' must be a list of objects with 'sku' and 'name' strings")
    doc["suggestions"] = [{"sku": s["sku"], "name": s["name"], "reason": s.get("reason", "")}
                          for s in suggestions or []]
    if obj.get("discount") is not None:
        try:
            discount = Decimal(str(obj["discount"]))
        except ArithmeticError:
            raise bad("'discount' is not a number") from None
        if not discount.is_finite() or discount < 0:
            raise bad("'discount' must be a number ≥ 0")
        doc["discount"] = money(discount)
        doc["total"] = money(Decimal(doc["subtotal"]) - discount)
    for k, v in obj.items():
        if k not in doc and k not in ORDER_KEYS:
            doc[k] = v
    return n, _plain(doc)


def _not_text(value, where: str = "a field") -> str | None:
    """Where in a JSON value a string cannot be encoded as UTF-8 (a lone surrogate), or None."""
    if isinstance(value, str):
        if value.isascii():
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            found = _not_text(k, "a key") or _not_text(v, f"'{k}'" if isinstance(k, str) and k.isascii() else where)
            if found:
                return found
    elif isinstance(value, list):
        for v in value:
            found = _not_text(v, where)
            if found:
                return found
    return None


def _plain(value):
    """Decimals from the import parser back to JSON numbers, as they were written."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
