"""Checkout and the shopper's orders in the chat: the delivery or pickup (said along with items,
at checkout, or in answer to "when should we deliver?"), placing the order, and the intents about
past orders: status, listing, cancelling and reordering."""

from __future__ import annotations

from ..errors import NotDone, ShopError
from .intents import Intent
from ..render import clean
from .replies import LIST_LIMIT, Reply, _join, _sentence
from .session import Session
from .shopping import add, summary
from .state import Pending

STATUS_WORDS = {"placed": "placed", "scheduled": "scheduled", "out_for_delivery": "out for delivery",
                "delivered": "delivered", "ready_for_pickup": "ready for pickup", "picked_up": "picked up",
                "cancelled": "cancelled"}

def remember_delivery(s: Session, text: str) -> str:
    """Keep the delivery said along with items for checkout; the sentence saying so (or why not)."""
    from ..parse.delivery import find_clause
    from ..render import delivery_text

    try:
        s.state.delivery = _delivery_for(s, find_clause(text))
    except ShopError as e:
        return f"About the delivery: {_sentence(e)}"
    return f"At checkout: {delivery_text(s.state.delivery)}."


def _delivery_for(s: Session, clause) -> dict | None:
    from ..orders.lifecycle import delivery_for

    if clause is None:
        return None
    if clause.kind == "delivery":
        return delivery_for(s.now, s.catalog, deliver=clause.text)
    return delivery_for(s.now, s.catalog, pickup=clause.text, when=clause.when or None)


def checkout_answer(s: Session, text: str) -> Reply | None:
    """The answer to "when should we deliver?": a time or a store; None when it is neither."""
    from ..parse.delivery import find_clause
    from .intents import normalize_turn

    norm = normalize_turn(text)
    clause = find_clause(norm) or find_clause(f"deliver {norm}")
    if clause is None:
        stores = _store_names(s)
        first = norm.removeprefix("at ").removeprefix("the ")
        if any(first.startswith(name) for name in stores):
            clause = find_clause(f"pickup at {first}")
    if clause is None:
        return None
    try:
        delivery = _delivery_for(s, clause)
    except ShopError as e:
        s.state.pending = Pending("checkout")
        return Reply(_sentence(e))
    if not s.state.cart:
        return Reply("Your cart is empty, so there's nothing to check out yet.")
    return _place(s, delivery)


def _store_names(s: Session) -> list[str]:
    from ..parse.delivery import load_stores
    from ..orders.lifecycle import stores_path

    path = stores_path(s.catalog)
    if path is None:
        return []
    return [n for store in load_stores(path) for n in (store.name.lower(), store.id.lower())]


def _place(s: Session, delivery: dict) -> Reply:
    from ..orders.lifecycle import CURRENCY, place_orders
    from ..render import delivery_text

    state = s.state
    cart = state.cart
    doc = cart.order(s.catalog, s.now, "; ".join(line.text for line in cart), delivery)
    in_cart = {line.sku for line in cart}
    doc["suggestions"] = [o for sku, o in state.offered.items() if sku not in in_cart][-5:]
    placed = place_orders(s.store, [doc], s.catalog)[0]
    if isinstance(placed, list):
        why = "; ".join(f"{clean(p.text, 60)}: {clean(p.why, 60)}" for p in placed)
        return Reply(f"Sorry, I couldn't place the order: {why}. Change the amount or remove it, "
                     "then check out again.")
    state.events.append(f"{placed['id']} placed " + ", ".join(f"{l['sku']}×{l['packs']}" for l in placed["lines"]))
    cart.clear()
    state.last_added = []
    state.delivery = None
    state.offered = {}
    return Reply(f"Order {clean(placed['id'], 40)} placed: {placed['total']} {CURRENCY}, "
                 f"{delivery_text(placed['delivery'])}.")


def _orders(s: Session) -> list[dict]:
    from ..orders.lifecycle import list_orders

    return list_orders(s.store, now=s.now)


def _which_order(s: Session, intent: Intent, *, usable: bool = False) -> dict | None:
    """The order a turn names by id, else the newest (the newest not cancelled, when ``usable``)."""
    from ..orders.lifecycle import find_order, order_status

    oid = intent.slots.get("id")
    if oid:
        try:
            o = find_order(s.store, oid)
        except NotDone:
            raise NotDone(f"I can't find order {oid}", hint='say "my orders" to see yours') from None
        return dict(o, status=order_status(o, s.now))
    orders = _orders(s)
    if usable:
        orders = [o for o in orders if o["status"] != "cancelled"] or orders
    return orders[0] if orders else None


def _when(delivery: dict | None) -> str:
    from ..render import delivery_text

    return delivery_text(delivery) if delivery else "no delivery time set"


# -- intents --------------------------------------------------------------------------------------

def on_checkout(s: Session, intent: Intent) -> Reply:
    from ..parse.delivery import find_clause

    if not s.state.cart:
        return Reply("Your cart is empty, so there's nothing to check out yet.")
    clause = find_clause(intent.text)
    rest = intent.slots.get("rest")
    if clause is None and rest:
        clause = find_clause(f"deliver {rest}") or find_clause(f"pickup {rest}")
        if clause is None:
            s.state.pending = Pending("checkout")
            return Reply(f"Sorry, I couldn't read '{clean(rest, 60)}' as a delivery time or a pickup store. "
                         "Say e.g. \"tomorrow evening\" or \"pickup at Downtown\".")
    try:
        delivery = _delivery_for(s, clause) if clause is not None else s.state.delivery
    except ShopError as e:
        s.state.pending = Pending("checkout")
        return Reply(_sentence(e))
    if delivery is None:
        s.state.pending = Pending("checkout")
        return Reply("When should we deliver, or where will you pick it up? Say e.g. \"tomorrow evening\" "
                     "or \"pickup at Downtown\".")
    return _place(s, delivery)


def on_order_status(s: Session, intent: Intent) -> Reply:
    o = _which_order(s, intent)
    if o is None:
        return Reply("You have no orders yet.")
    return Reply(f"{clean(o['id'], 40)} ({o['total']} {o['currency']}): {STATUS_WORDS[o['status']]}, "
                 f"{_when(o.get('delivery'))}.")


def on_orders(s: Session, intent: Intent) -> Reply:
    orders = _orders(s)
    if not orders:
        return Reply("You have no orders yet.")
    rows = [f"- {clean(o['id'], 40)} {STATUS_WORDS[o['status']]}, {o['total']} {o['currency']}, "
            f"{_when(o.get('delivery'))}" for o in orders[:LIST_LIMIT]]
    more = f" (newest {LIST_LIMIT} of {len(orders)})" if len(orders) > LIST_LIMIT else ""
    return Reply("\n".join([f"Your orders{more}:"] + rows))


def on_cancel_order(s: Session, intent: Intent) -> Reply:
    from ..orders.lifecycle import cancel_order

    o = _which_order(s, intent)
    if o is None:
        return Reply("You have no orders to cancel.")
    if o["status"] == "cancelled":
        return Reply(f"{clean(o['id'], 40)} is already cancelled.")
    done = cancel_order(s.store, o["id"], s.now)
    s.state.events.append(f"{done['id']} cancelled")
    return Reply(f"Cancelled {clean(done['id'], 40)} ({done['total']} {done['currency']}).")


def on_reorder(s: Session, intent: Intent) -> Reply:
    o = _which_order(s, intent, usable=True)
    if o is None:
        return Reply("You have no past orders to repeat yet.")
    s.state.last_added = []
    added, gone = [], []
    for line in o.get("lines") or ():
        product = s.catalog.by_sku.get(line["sku"])
        if product is None:
            gone.append(clean(line.get("name") or line["sku"], 60))
            continue
        added.append(add(s, product, int(line["packs"])))
    notes = [f"{_join(gone)} {'is' if len(gone) == 1 else 'are'} no longer sold."] if gone else []
    if not added:
        return Reply(" ".join(notes) or "That order has nothing I can add.")
    return Reply(f"From {clean(o['id'], 40)}: added {_join(added)}. " + " ".join(notes + [summary(s)]))
