"""Delivery windows and pickup stores, read from free text.

Everything here is a pure function of its arguments: the current time is
always passed in as ``now`` (a timezone-aware datetime) and every returned
:class:`Window` carries ``now.tzinfo``.  Only :func:`load_stores` does I/O.

Reading a delivery time (:func:`parse_when`)
============================================

The text is read case-insensitively; extra spaces, commas and filler words
("deliver", "deliver it", "delivery", "to be delivered", "for", "on", "at",
"the", "around", "please", ...) are ignored.  A when-text is made of at most
one *day*, at most one *time* and at most one *part of day*, in any order.

Hours
-----
* morning 08:00-12:00, afternoon 12:00-17:00, evening 17:00-21:00;
  "night" and "tonight" mean the evening window.
* a day with no time gets ``default_window`` (09:00-11:00 unless overridden).
* a single time is the start of a 2-hour window: "9am" -> 09:00-11:00,
  "noon" -> 12:00-14:00, "midnight" -> 00:00-02:00.
* "after T" -> T until 21:00 (or T+2h when that is later);
  "before T" / "by T" / "T at the latest" -> 08:00 until T (starting at T-2h
  instead when T is 10:00 or earlier).
* ranges: "2-4pm", "10am-2pm", "10-11am", "14:00-16:00", "between 2 and 4pm",
  "from 9 to 11am".  A side without am/pm takes the other side's am/pm, or
  the opposite one if that would put the start after the end ("10-2pm" is
  10:00-14:00); when the other side is a 24-hour time it is read on the
  24-hour clock too ("9-14:00").  "midnight" (or "24:00", "12am") at the end
  of a range means 24:00.  A range that ends before (or when) it starts is
  an error ("4pm-2pm"); ranges do not run past midnight.
* an hour 1-12 without am/pm takes it from the part of day when one is given
  ("tonight at 8" -> 20:00, "9 in the morning" -> 09:00); otherwise "9:30"
  style times are read on the 24-hour clock and a bare "9" is refused as
  ambiguous.  Hours 0 and 13-23 are always 24-hour clock.
* "in N minutes/hours" (also "in an hour", "in half an hour"): the window
  starts exactly then and lasts 2 hours; it cannot be combined with a day
  or a time.
* "asap" / "as soon as possible" / "now": the next 2-hour slot starting on a
  full hour, no earlier than 08:00 and ending by 21:00 (tomorrow 08:00-10:00
  when none is left today).

Days
----
* "today"; "tonight" (= today, evening); "tomorrow"/"tmrw"/"tmr";
  "day after tomorrow"; "in N days"/"in N weeks".
* weekday names and abbreviations ("friday", "fri", "on friday", "coming
  friday"): the next occurrence; when that is today it is used only if the
  window has not started yet, otherwise it is the same weekday next week.
* "this <weekday>": that weekday in the current calendar week (weeks start
  on Monday); an error if it is already behind us.
* "next <weekday>": that weekday in the *following* calendar week.  Said on
  Monday 23 November 2026, "next friday" is 4 December and "next monday"
  is 30 November.
* "this morning/afternoon/evening/night": today, that part of day.
* dates: "2026-12-01", "12/01/2026", "12/1/26", "12/1" (US month/day),
  "dec 1", "december 1st", "1 december", "1st of december", "the 5th".
  A date without a year is the next such date that is not in the past
  (today counts); "feb 29" finds the next leap year.  A date with a year
  before today is an error ("2026-11-01 is in the past").

Which day, and the past
-----------------------
* no day given: today if the window has not started yet, else tomorrow
  ("9am" said at 14:03 -> tomorrow 09:00-11:00, "evening" -> today
  17:00-21:00).
* a day that is today ("today", "this monday", today's date, "in 0 days")
  with no time: ``default_window`` if it has not started yet, otherwise the
  next 2-hour slot starting on the next full hour, provided it ends by 21:00
  ("today" said at 14:03 -> 15:00-17:00); after that it is an error.
* open windows ("after 5pm", "before noon", "by 5pm") that have started
  today are trimmed to start at the next full hour when at least one hour
  is left ("by 5pm" said at 14:03 -> today 15:00-17:00); otherwise, with no
  day given they move to tomorrow, and with today named it is an error.
* any other window that has already started is an error; a returned window
  always has ``now <= start < end``.

Errors are :class:`~shopcli.errors.UsageError` with one-line messages; the
user's text is echoed with control characters replaced by "?" and cut to 60
characters.

Finding a clause inside a request (:func:`find_clause`)
======================================================

A clause runs from a trigger to the end of the request:

* delivery triggers: "deliver", "deliver it/them", "delivered",
  "to be delivered", "have it delivered", "delivery", "for delivery",
  "bring/ship/send it", and "by" (kept in the clause text, since "by 5pm" is
  a deadline).  They may follow any word, but only fire when everything
  after the trigger reads as a when-text with at least one real day or time
  word (a bare number does not count) - so "2 delivery pizzas" is no clause.
* pickup triggers: "for pickup", "for collection", "pick it/them up" may
  follow any word; "pickup", "pick up", "pick-up", "collect", "collection"
  must start the request or follow ",", ";", ":", "-", a dash, "&", "and" or
  "then".  What follows must be "at/from/in <store>" optionally followed by a
  when-text ("pick it up at Uptown tomorrow"), "<when> at <store>", or a
  when-text alone (then the store text is "").  "a pickup truck toy" is no
  clause.
* For pickup, ``Clause.text`` is the store part and ``Clause.when`` the time
  part ("" when none); for delivery both hold the when-text.  A leading
  "on"/"for"/"at" is dropped from the when-text ("friday at 2pm"); a "by"
  trigger stays in it ("by tomorrow 5pm", a deadline for parse_when).
* Known limit: "by" + any day word fires, so "cookies by sun" is read as a
  delivery "by Sunday".
* ``start``/``end`` span the clause including the separator before it, so
  ``request[:start]`` is the product text without a dangling "and"/",".

Pickup stores
=============

:func:`load_stores` reads a TOML file of ``[[store]]`` tables with string
fields ``id``, ``name``, ``address`` and ``hours`` ("08:00-21:00").
:func:`find_store` matches a store by id or name, ignoring case, punctuation,
a leading "the" and a trailing "store"/"branch".  Typos are never accepted
silently (collecting from the wrong store is worse than asking); the closest
name is offered as "did you mean ...?".
"""

from __future__ import annotations

import calendar
import difflib
import functools
import pathlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from shopcli.errors import DataError, UsageError

__all__ = [
    "Window",
    "Clause",
    "PickupStore",
    "DEFAULT_WINDOW",
    "PARTS_OF_DAY",
    "parse_when",
    "find_clause",
    "load_stores",
    "find_store",
]

DEFAULT_WINDOW: tuple[time, time] = (time(9), time(11))
#: Parts of the day as (start, end) minutes after midnight.
PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "morning": (8 * 60, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
}
_FIRST_DELIVERY = 8 * 60  # deliveries start at 08:00 ...
_LAST_DELIVERY = 21 * 60  # ... and end by 21:00 (used for "after", "today", "asap")
_SLOT = 120  # minutes in a window made from a single time
_ECHO_LIMIT = 60

_EXAMPLES = (
    "try e.g. 'tomorrow morning', 'friday 2-4pm', 'dec 1 at 9am', "
    "'next monday evening', 'in 3 hours'"
)


@dataclass(frozen=True)
class Window:
    """A delivery window; both ends are aware and share ``now.tzinfo``."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Clause:
    """A delivery or pickup clause found inside a request."""

    kind: str  # "delivery" | "pickup"
    text: str  # the when-text (delivery) or the store text (pickup)
    start: int  # span of the whole clause in the request
    end: int
    when: str = field(default="")  # the when-text for both kinds ("" = none)


@dataclass(frozen=True)
class PickupStore:
    id: str
    name: str
    address: str
    hours: str  # "08:00-21:00"


# --------------------------------------------------------------------------
# user text in messages


def _echo(text: str) -> str:
    """The user's text made safe for a one-line message."""
    out = "".join(
        "?" if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") else c
        for c in text
    )
    if len(out) > _ECHO_LIMIT:
        out = out[: _ECHO_LIMIT - 1] + "…"
    return out


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --------------------------------------------------------------------------
# lexing


@dataclass(frozen=True)
class _T:
    """One clock time as written."""

    raw: str
    hour: int
    minute: int
    mer: str | None  # "am" | "pm" | None
    colon: bool
    special: str | None  # "noon" | "midnight" | None


@dataclass
class _Lexed:
    days: list[tuple] = field(default_factory=list)
    times: list[tuple] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    rels: list[timedelta] = field(default_factory=list)
    deadline: bool = False
    asap: bool = False
    evidence: bool = False  # saw a real day/time word (not just a bare number)


class _Unreadable(Exception):
    def __init__(self, rest: str) -> None:
        super().__init__(rest)
        self.rest = rest


_B = r"(?![a-z0-9])"  # end of a word
_TIME = (
    r"(?:noon|midday|midnight|[0-9]{1,2}(?::[0-9]{2})?"
    r"(?:\s*(?:a\.?m\.?|p\.?m\.?))?(?:\s*o'?clock)?)(?![a-z0-9:])"
)
_TIME_PARTS = re.compile(
    r"(?P<special>noon|midday|midnight)|(?P<h>[0-9]{1,2})(?::(?P<m>[0-9]{2}))?"
    r"(?:\s*(?P<mer>a|p)\.?m\.?)?(?:\s*o'?clock)?"
)
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1,
    "wednesday": 2, "weds": 2, "wed": 2, "thursday": 3, "thurs": 3, "thur": 3, "thu": 3,
    "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
_MONTH_RE = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY_RE = "(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + ")"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
_NUM = r"(?:[0-9]{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_TOMORROW = r"(?:tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr)"
_YEAR = r"(?:,?\s*([0-9]{4}))?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(rx, re.ASCII))
    for name, rx in [
        ("half_hour", r"in\s+(?:half\s+an|a\s+half)\s+hour" + _B),
        ("rel", r"in\s+(" + _NUM + r")\s+(minutes?|mins?|hours?|hrs?|days?|weeks?)" + _B),
        ("asap", r"(?:asap|as\s+soon\s+as\s+possible|right\s+now|now)" + _B),
        ("day_after", r"(?:the\s+)?day\s+after\s+" + _TOMORROW + _B),
        ("iso", r"([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})(?![a-z0-9:/-])"),
        ("us", r"([0-9]{1,2})/([0-9]{1,2})(?:/([0-9]{4}|[0-9]{2}))?(?![a-z0-9:/])"),
        ("month_day", r"(" + _MONTH_RE + r")\s*([0-9]{1,2})(?:st|nd|rd|th)?" + _YEAR + r"(?![a-z0-9:])"),
        ("day_month", r"(?:the\s+)?([0-9]{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH_RE + r")" + _YEAR + r"(?![a-z0-9:])"),
        ("ordinal", r"(?:the\s+)?([0-9]{1,2})(?:st|nd|rd|th)(?:\s+of\s+(?:the|this)\s+month)?" + _B),
        ("this_part", r"this\s+(morning|afternoon|evening|night)" + _B),
        ("weekday", r"(?:(this\s+coming|the\s+coming|coming|this|next)\s+)?(" + _WEEKDAY_RE + r")" + _B),
        ("today", r"(today|tonight|" + _TOMORROW + r")" + _B),
        ("between", r"(?:between|from)\s+(" + _TIME + r")\s*(?:and|to|until|till|thru|through|-)\s*(" + _TIME + r")"),
        ("range", r"(" + _TIME + r")(?:\s*-\s*|\s+(?:to|until|till|thru|through)\s+)(" + _TIME + r")"),
        ("after", r"(?:after|from|not\s+before|no\s+earlier\s+than|any\s*time\s+after)\s+(" + _TIME + r")"),
        ("before", r"(?:before|until|till|by|no\s+later\s+than|not\s+after)\s+(" + _TIME + r")"),
        ("part", r"(?:in\s+the\s+)?(morning|afternoon|evening|night)" + _B),
        ("single", r"(?:(?:at|around|about|approx(?:imately)?)\s+)?(" + _TIME + r")"),
        ("latest", r"at\s+the\s+latest" + _B),
        ("by", r"by" + _B),
        (
            "filler",
            r"(?:deliver(?:ed|y)?|to|be|it|them|this|these|everything|for|on|at|the|"
            r"around|about|approx(?:imately)?|please|and|or|sometime|some\s+time|"
            r"any\s*time|o'?clock)" + _B,
        ),
    ]
]
_SKIP = re.compile(r"[\s,;.!?()\-]+")


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


def _time_token(raw: str) -> _T:
    m = _TIME_PARTS.match(raw)
    assert m is not None
    if m["special"]:
        special = "noon" if m["special"] in ("noon", "midday") else "midnight"
        return _T(raw, 12 if special == "noon" else 0, 0, None, False, special)
    mer = (m["mer"] + "m") if m["mer"] else None
    return _T(raw, int(m["h"]), int(m["m"] or 0), mer, m["m"] is not None, None)


def _lex(text: str) -> _Lexed:
    """Split normalized when-text into day/time/part tokens, or raise _Unreadable."""
    out = _Lexed()
    pos = 0
    n = len(text)
    while pos < n:
        skip = _SKIP.match(text, pos)
        if skip:
            pos = skip.end()
            if pos >= n:
                break
        for name, rx in _PATTERNS:
            m = rx.match(text, pos)
            if m:
                break
        else:
            raise _Unreadable(text[pos:])
        pos = m.end()
        if name == "half_hour":
            out.rels.append(timedelta(minutes=30))
        elif name == "rel":
            count = _NUMBER_WORDS.get(m[1])
            count = int(m[1]) if count is None else count
            unit = m[2][0]
            if unit == "m":
                out.rels.append(timedelta(minutes=count))
            elif unit == "h":
                out.rels.append(timedelta(hours=count))
            else:
                out.days.append(("offset", count * (7 if unit == "w" else 1)))
        elif name == "asap":
            out.asap = True
        elif name == "day_after":
            out.days.append(("offset", 2))
        elif name == "iso":
            out.days.append(("date", int(m[1]), int(m[3]), int(m[4]), m[0]))
        elif name == "us":
            year = m[3]
            if year is not None:
                year = int(year) + (2000 if len(year) == 2 else 0)
            out.days.append(("date", year, int(m[1]), int(m[2]), m[0]))
        elif name == "month_day":
            month = _MONTHS[m[1].rstrip(".")]
            out.days.append(("date", int(m[3]) if m[3] else None, month, int(m[2]), m[0]))
        elif name == "day_month":
            month = _MONTHS[m[2].rstrip(".")]
            out.days.append(("date", int(m[3]) if m[3] else None, month, int(m[1]), m[0]))
        elif name == "ordinal":
            out.days.append(("dom", int(m[1]), m[0]))
        elif name == "this_part":
            out.days.append(("today",))
            out.parts.append("evening" if m[1] == "night" else m[1])
        elif name == "weekday":
            mode = (m[1] or "").split()
            mode_name = "next" if "next" in mode else "this" if mode == ["this"] else "coming"
            out.days.append(("weekday", _WEEKDAYS[m[2]], mode_name))
        elif name == "today":
            word = m[1]
            if word == "today":
                out.days.append(("today",))
            elif word == "tonight":
                out.days.append(("today",))
                out.parts.append("evening")
            else:
                out.days.append(("offset", 1))
        elif name in ("between", "range"):
            out.times.append(("range", _time_token(m[1]), _time_token(m[2])))
        elif name == "after":
            out.times.append(("after", _time_token(m[1])))
        elif name == "before":
            out.times.append(("before", _time_token(m[1])))
        elif name == "part":
            out.parts.append("evening" if m[1] == "night" else m[1])
        elif name == "single":
            tok = _time_token(m[1])
            out.times.append(("single", tok))
            if tok.mer is None and not tok.colon and tok.special is None:
                continue  # a bare number is no evidence of a when-text
        elif name in ("latest", "by"):
            out.deadline = True
            continue
        else:  # filler
            continue
        out.evidence = True
    return out


def _looks_like_when(text: str) -> bool:
    """True when *text* reads entirely as a when-text with a real day/time word."""
    norm = _normalize(text)
    if not norm:
        return False
    try:
        return _lex(norm).evidence
    except _Unreadable:
        return False


# --------------------------------------------------------------------------
# resolving clock times


def _bad_time(tok: _T) -> UsageError:
    return UsageError(
        f"'{_echo(tok.raw)}' is not a valid time",
        hint="use e.g. '9am', '2:30pm' or '14:00'",
    )


def _clock(tok: _T, mer: str | None, end: bool) -> int:
    """Minutes after midnight for *tok*, using *mer* ("am", "pm" or "24h") when it has no am/pm."""
    if tok.special == "noon":
        return 12 * 60
    if tok.special == "midnight":
        return 24 * 60 if end else 0
    if tok.minute > 59:
        raise _bad_time(tok)
    mer = tok.mer or (mer if 1 <= tok.hour <= 12 else None)
    if mer == "24h":  # read on the 24-hour clock
        mer = None
        tok = _T(tok.raw, tok.hour, tok.minute, None, True, None)
    if mer is not None:
        if not 1 <= tok.hour <= 12:
            raise _bad_time(tok)
        minutes = (tok.hour % 12 + (12 if mer == "pm" else 0)) * 60 + tok.minute
    elif tok.colon or tok.hour == 0 or tok.hour >= 13:
        if tok.hour == 24 and tok.minute == 0 and end:
            return 24 * 60
        if tok.hour > 23:
            raise _bad_time(tok)
        minutes = tok.hour * 60 + tok.minute
    else:
        raise UsageError(
            f"the time '{_echo(tok.raw)}' is ambiguous",
            hint=f"add am or pm, e.g. '{tok.hour}am' or '{tok.hour}pm'",
        )
    if end and minutes == 0:
        return 24 * 60
    return minutes


def _ambiguous(tok: _T) -> bool:
    return tok.mer is None and tok.special is None and 1 <= tok.hour <= 12


def _effective_mer(tok: _T, minutes: int) -> str:
    if tok.mer:
        return tok.mer
    return "pm" if 12 * 60 <= minutes < 24 * 60 else "am"


def _flip(mer: str) -> str:
    return "am" if mer == "pm" else "pm"


def _range(a: _T, b: _T, ctx: str | None, raw: str) -> tuple[int, int]:
    amb_a, amb_b = _ambiguous(a), _ambiguous(b)
    if amb_a != amb_b and not ((b if amb_a else a).mer or (b if amb_a else a).special):
        # the other side is on the 24-hour clock ("9-14:00", "14:00-12:00"): so is this one
        start = _clock(a, "24h", end=False)
        end = _clock(b, "24h", end=True)
    elif amb_a and not amb_b:
        end = _clock(b, None, end=True)
        mer = _effective_mer(b, end)
        start = _clock(a, mer, end=False)
        if start >= end:
            start = _clock(a, _flip(mer), end=False)
    elif amb_b and not amb_a:
        start = _clock(a, None, end=False)
        mer = _effective_mer(a, start)
        end = _clock(b, mer, end=True)
        if end <= start:
            end = _clock(b, _flip(mer), end=True)
    elif amb_a and amb_b:
        if ctx is None and not (a.colon or b.colon):
            raise UsageError(
                f"the time range '{_echo(raw)}' is ambiguous",
                hint=f"add am or pm, e.g. '{a.hour}-{b.hour}pm' or '{a.hour}-{b.hour}am'",
            )
        start = _clock(a, ctx or "24h", end=False)
        end = _clock(b, ctx or "24h", end=True)
        if ctx and end <= start:  # "morning 11-1": the end takes the other half of the day
            end = _clock(b, _flip(ctx), end=True)
    else:
        start = _clock(a, None, end=False)
        end = _clock(b, None, end=True)
    if end <= start:
        raise UsageError(
            f"the delivery window '{_echo(raw)}' ends before it starts ({_hm(start)}-{_hm(end)})",
            hint="give the earlier time first, e.g. '2-4pm'",
        )
    return start, end


# --------------------------------------------------------------------------
# parse_when


def _unreadable(text: str, why: str = "") -> UsageError:
    return UsageError(f"cannot read the delivery time '{_echo(text)}'{why}", hint=_EXAMPLES)


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_name(month: int, day: int) -> str:
    if 1 <= month <= 12:
        return f"{calendar.month_name[month]} {day}"
    return f"month {month}, day {day}"


def parse_when(
    text: str,
    now: datetime,
    default_window: tuple[time, time] = DEFAULT_WINDOW,
) -> Window:
    """Read a delivery window from *text*, relative to *now* (see the module docstring)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    if not default_window[0] < default_window[1]:
        raise ValueError("default_window must start before it ends")
    norm = _normalize(text)
    if not norm:
        raise UsageError("no delivery time given", hint=_EXAMPLES)
    try:
        lexed = _lex(norm)
    except _Unreadable as exc:
        why = "" if exc.rest == norm else f" (at '{_echo(exc.rest)}')"
        raise _unreadable(text, why) from None
    try:
        return _resolve(lexed, text, now, default_window)
    except OverflowError:
        raise UsageError(
            f"the delivery time '{_echo(text)}' is too far in the future", hint=_EXAMPLES
        ) from None


def _resolve(lx: _Lexed, text: str, now: datetime, default_window: tuple[time, time]) -> Window:
    tz = now.tzinfo
    today = now.date()

    def at(d: date, minutes: int) -> datetime:
        return datetime.combine(d, time(0), tzinfo=tz) + timedelta(minutes=minutes)

    next_hour = now.hour * 60 + 60  # the next full hour, in minutes after today's midnight

    # --- relative hours and asap stand alone
    if lx.rels:
        if len(lx.rels) > 1 or lx.days or lx.times or lx.parts or lx.asap:
            raise _unreadable(text, ": 'in ...' cannot be combined with a day or a time")
        start = (now.astimezone(timezone.utc) + lx.rels[0]).astimezone(tz)
        return Window(start, start + timedelta(minutes=_SLOT))
    if lx.asap:
        if lx.days or lx.times or lx.parts:
            raise _unreadable(text, ": 'asap' cannot be combined with a day or a time")
        first = max(next_hour, _FIRST_DELIVERY)
        if first + _SLOT <= _LAST_DELIVERY:
            return Window(at(today, first), at(today, first + _SLOT))
        tomorrow = today + timedelta(days=1)
        return Window(at(tomorrow, _FIRST_DELIVERY), at(tomorrow, _FIRST_DELIVERY + _SLOT))

    days = list(dict.fromkeys(d[:-1] if d[0] in ("date", "dom") else d for d in lx.days))
    raw_days = {(d[:-1] if d[0] in ("date", "dom") else d): d for d in lx.days}
    parts = list(dict.fromkeys(lx.parts))
    if not days and not lx.times and not parts:
        raise _unreadable(text, ": no day or time found")
    if len(days) > 1:
        raise _unreadable(text, ": it names more than one day")
    if len(lx.times) > 1:
        raise _unreadable(text, ": it names more than one time")
    if len(parts) > 1:
        raise _unreadable(text, ": it names more than one part of the day")
    part = parts[0] if parts else None
    ctx = None if part is None else ("am" if part == "morning" else "pm")

    # --- the window, as minutes after the chosen day's midnight
    kind = "fixed"  # "fixed" | "open" (after/before: may be trimmed) | "default"
    if lx.times:
        spec = lx.times[0]
        if spec[0] == "single" and lx.deadline:
            spec = ("before", spec[1])
        if spec[0] == "range":
            raw = f"{spec[1].raw}-{spec[2].raw}"
            a, b = _range(spec[1], spec[2], ctx, raw)
        elif spec[0] == "single":
            a = _clock(spec[1], ctx, end=False)
            b = a + _SLOT
        elif spec[0] == "after":
            a = _clock(spec[1], ctx, end=False)
            b = max(_LAST_DELIVERY, a + _SLOT)
            kind = "open"
        else:  # before
            b = _clock(spec[1], ctx, end=True)
            a = max(0, min(_FIRST_DELIVERY, b - _SLOT))
            kind = "open"
    elif part is not None:
        a, b = PARTS_OF_DAY[part]
    else:
        a = default_window[0].hour * 60 + default_window[0].minute
        b = default_window[1].hour * 60 + default_window[1].minute
        kind = "default"

    def fit_today() -> tuple[int, int] | None:
        """The window on today, trimmed if allowed, or None if it has started."""
        if at(today, a) >= now:
            return a, b
        if kind == "default":
            if next_hour + _SLOT <= _LAST_DELIVERY:
                return next_hour, next_hour + _SLOT
        elif kind == "open":
            if next_hour + 60 <= b:
                return next_hour, b
        return None

    def started(d: date, lo: int, hi: int) -> UsageError:
        if d == today and kind == "default":
            return UsageError(
                "there is no delivery slot left today",
                hint=f"deliveries run until {_hm(_LAST_DELIVERY)}; try 'tomorrow'",
            )
        what = "is in the past" if at(d, hi) <= now else "has already started"
        return UsageError(
            f"the delivery window {d.isoformat()} {_hm(lo)}-{_hm(hi)} {what}",
            hint=f"it is now {now.strftime('%Y-%m-%d %H:%M')}; pick a later time, e.g. 'tomorrow 9am'",
        )

    def on_today() -> Window:
        fitted = fit_today()
        if fitted is None:
            raise started(today, a, b)
        return Window(at(today, fitted[0]), at(today, fitted[1]))

    def on(d: date) -> Window:
        if d < today:
            raise UsageError(
                f"{d.isoformat()} is in the past", hint=f"today is {today.isoformat()}"
            )
        if d == today:
            return on_today()
        window = Window(at(d, a), at(d, b))
        if window.start < now:  # only with odd time zones
            raise started(d, a, b)
        return window

    if not days:
        fitted = fit_today()
        if fitted is not None:
            return Window(at(today, fitted[0]), at(today, fitted[1]))
        return on(today + timedelta(days=1))

    day = days[0]
    if day[0] == "today":
        return on_today()
    if day[0] == "offset":
        return on(today + timedelta(days=day[1]))
    if day[0] == "weekday":
        wd, mode = day[1], day[2]
        monday = today - timedelta(days=today.weekday())
        if mode == "next":
            return on(monday + timedelta(days=7 + wd))
        if mode == "this":
            d = monday + timedelta(days=wd)
            if d < today:
                raise UsageError(
                    f"this {calendar.day_name[wd]} ({d.isoformat()}) has already passed",
                    hint=f"say 'next {calendar.day_name[wd].lower()}' for {(d + timedelta(days=7)).isoformat()}",
                )
            return on(d)
        d = today + timedelta(days=(wd - today.weekday()) % 7)
        if d == today and at(d, a) < now:
            d += timedelta(days=7)
        return on(d)
    if day[0] == "date":
        year, month, dom = day[1], day[2], day[3]
        raw = raw_days[day][-1]
        if year is not None:
            d = _valid_date(year, month, dom)
            if d is None:
                raise UsageError(
                    f"'{_echo(raw)}' is not a valid date", hint="use e.g. '2026-12-01' or 'dec 1'"
                )
            return on(d)
        for y in range(today.year, today.year + 9):
            d = _valid_date(y, month, dom)
            if d is not None and d >= today:
                return on(d)
        raise UsageError(
            f"'{_echo(raw)}' is not a valid date ({_date_name(month, dom)} does not exist)",
            hint="dates are month/day, e.g. '12/1' or 'dec 1'",
        )
    # day of month ("the 5th")
    dom, raw = day[1], raw_days[day][-1]
    y, mo = today.year, today.month
    for _ in range(13):
        d = _valid_date(y, mo, dom)
        if d is not None and d >= today:
            return on(d)
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    raise UsageError(f"'{_echo(raw)}' is not a valid day of the month", hint="use e.g. 'the 5th'")


# --------------------------------------------------------------------------
# find_clause

_W = r"(?<![\w'])"
_E = r"(?![\w'])"
_OBJ = r"(?:it|them|this|these|everything|all)"
_TRIGGERS: list[tuple[str, bool, re.Pattern[str]]] = [
    # (kind, needs a separator before it, pattern)
    (kind, weak, re.compile(_W + rx + _E, re.IGNORECASE))
    for kind, weak, rx in [
        ("delivery", False, r"for\s+(?:home\s+)?delivery"),
        ("delivery", False, r"(?:to\s+be|get\s+" + _OBJ + r"|have\s+" + _OBJ + r")\s+delivered"),
        ("delivery", False, r"(?:please\s+)?deliver(?:ed|y)?(?:\s+" + _OBJ + r")?"),
        ("delivery", False, r"(?:please\s+)?(?:bring|ship|send)\s+" + _OBJ),
        ("by", False, r"by"),
        ("pickup", False, r"for\s+(?:pick\s*-?\s*up|collection)"),
        ("pickup", False, r"(?:i'?ll\s+|i\s+will\s+|we'?ll\s+)?pick\s+" + _OBJ + r"\s+up"),
        ("pickup", True, r"(?:please\s+|i'?ll\s+|i\s+will\s+)?(?:pick\s*-?\s*up|collect(?:\s+" + _OBJ + r")?|collection)"),
    ]
]
_SEP_CHARS = ",;:-\u2013\u2014\u2012\u2015&"
_SEP_WORD = re.compile(r"(?<!\w)(?:and|then)$", re.IGNORECASE)
_PREP = re.compile(r"(?:at|from|in)\s+(.*)$", re.IGNORECASE | re.DOTALL)
_MID_PREP = re.compile(r"\s(?:at|from)\s+", re.IGNORECASE)
_LEAD_FILLER = re.compile(r"^(?:(?:on|for|at)\s+)+", re.IGNORECASE)


def _strip_separators(prefix: str) -> tuple[str, bool]:
    """Drop trailing separators from *prefix*; report whether there were any."""
    had = False
    while True:
        t = prefix.rstrip()
        if t and t[-1] in _SEP_CHARS:
            prefix, had = t[:-1], True
            continue
        m = _SEP_WORD.search(t)
        if m:
            prefix, had = t[: m.start()], True
            continue
        return t, had


def _tidy(text: str) -> str:
    text = text.strip().rstrip("!?,;").strip()
    if text.endswith(".") and not re.search(r"(?<![a-z])[ap]\.?m\.$", text, re.IGNORECASE):
        text = text.rstrip(".").rstrip()
    return text


def _split_store_when(body: str) -> tuple[str, str]:
    """'Uptown tomorrow' -> ('Uptown', 'tomorrow'); no when-text -> (body, '')."""
    for m in re.finditer(r"\s+", body):
        suffix = body[m.end():]
        if _looks_like_when(suffix):
            return _tidy(body[: m.start()]), _LEAD_FILLER.sub("", _tidy(suffix))
    return _tidy(body), ""


def _pickup_parts(rest: str) -> tuple[str, str] | None:
    m = _PREP.match(rest)
    if m:
        store, when = _split_store_when(m[1])
        return (store, when) if store else None
    if _looks_like_when(rest):
        return "", rest
    for m in _MID_PREP.finditer(rest):
        head, tail = rest[: m.start()], rest[m.end():]
        if _looks_like_when(head):
            store, when = _split_store_when(tail)
            if store and not when:
                return store, _LEAD_FILLER.sub("", _tidy(head))
    return None


def find_clause(request: str) -> Clause | None:
    """Find a trailing delivery/pickup clause in *request* (see the module docstring)."""
    candidates = []
    for kind, weak, rx in _TRIGGERS:
        for m in rx.finditer(request):
            candidates.append((m.start(), -m.end(), kind, weak, m))
    candidates.sort(key=lambda c: (c[0], c[1]))
    for _, _, kind, weak, m in candidates:
        before, had_sep = _strip_separators(request[: m.start()])
        if weak and before and not had_sep:
            continue
        rest = _tidy(request[m.end():])
        if not rest:
            continue
        if kind in ("delivery", "by"):
            if not _looks_like_when(rest):
                continue
            when = _tidy(request[m.start():]) if kind == "by" else _LEAD_FILLER.sub("", rest)
            return Clause("delivery", when, len(before), len(request), when)
        parts = _pickup_parts(rest)
        if parts is None:
            continue
        store, when = parts
        return Clause("pickup", store, len(before), len(request), when)
    return None


# --------------------------------------------------------------------------
# pickup stores

_HOURS = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])\s*-\s*(?:([01][0-9]|2[0-3]):([0-5][0-9])|(24):(00))$")


def load_stores(path: pathlib.Path) -> list[PickupStore]:
    """Read ``[[store]]`` tables (id, name, address, hours) from a TOML file."""
    path = pathlib.Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(
            f"cannot read the pickup stores file {path}: {exc.strerror or exc}",
            hint="check that the file exists and is readable",
        ) from None
    return list(_read_stores(path, raw))


@functools.lru_cache(maxsize=8)
def _read_stores(path: pathlib.Path, raw: bytes) -> tuple[PickupStore, ...]:
    """The stores of a file's bytes, read once per content (a chat asks at every checkout)."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DataError(f"{path}: the pickup stores file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: invalid TOML: {exc}") from None
    tables = data.get("store")
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise DataError(
            f"{path}: expected [[store]] tables",
            hint="each store is a [[store]] table with id, name, address and hours",
        )
    stores: list[PickupStore] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for index, table in enumerate(tables, start=1):
        values = {}
        for key in ("id", "name", "address", "hours"):
            value = table.get(key)
            if not isinstance(value, str) or not value.strip():
                problem = "is missing" if value is None else "must be a non-empty string"
                raise DataError(f"{path}: [[store]] #{index}: field '{key}' {problem}")
            values[key] = value.strip()
        m = _HOURS.match(values["hours"])
        opens = closes = 0
        if m:
            opens = int(m[1]) * 60 + int(m[2])
            closes = int(m[3] or m[5]) * 60 + int(m[4] or m[6])
        if not m or opens >= closes:
            raise DataError(
                f"{path}: [[store]] #{index} ({values['id']}): field 'hours' "
                f"must look like 08:00-21:00, got '{_echo(values['hours'])}'"
            )
        for seen, key in ((seen_ids, "id"), (seen_names, "name")):
            folded = _store_key(values[key])
            if folded in seen:
                raise DataError(
                    f"{path}: [[store]] #{index}: {key} '{_echo(values[key])}' "
                    f"repeats [[store]] #{seen[folded]}"
                )
            seen[folded] = index
        stores.append(PickupStore(**values))
    return tuple(stores)


def _store_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = " ".join(re.sub(r"[\W_]+", " ", text).split())
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"\s+(?:store|branch)$", "", text)
    return text


def find_store(text: str, stores: list[PickupStore]) -> PickupStore:
    """The store named by *text* (id or name); UsageError with a suggestion otherwise."""
    listing = ", ".join(s.name for s in stores[:10]) + (", …" if len(stores) > 10 else "")
    if not stores:
        raise UsageError("there are no pickup stores", hint="choose delivery instead")
    key = _store_key(text)
    if not key:
        raise UsageError("no pickup store given", hint=f"stores: {listing}")
    for store in stores:
        if _store_key(store.id) == key:
            return store
    for store in stores:
        if _store_key(store.name) == key:
            return store
    names = {}
    for store in stores:
        names.setdefault(_store_key(store.name), store.name)
        names.setdefault(_store_key(store.id), store.name)
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    hint = f"stores: {listing}"
    if close:
        hint = f"did you mean {names[close[0]]}? {hint}"
    raise UsageError(f"unknown pickup store '{_echo(text)}'", hint=hint)
