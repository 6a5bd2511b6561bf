"""Tests for shopcli.parse.delivery: delivery windows, clauses and pickup stores."""

from __future__ import annotations

import unicodedata
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopcli.parse.delivery import (
    Clause,
    PickupStore,
    Window,
    find_clause,
    find_store,
    load_stores,
    parse_when,
)
from shopcli.errors import DataError, UsageError

UTC = timezone.utc
# Monday 23 November 2026, 14:03 UTC
NOW = datetime(2026, 11, 23, 14, 3, tzinfo=UTC)


def win(start: str, end: str) -> Window:
    return Window(
        datetime.fromisoformat(start).replace(tzinfo=UTC),
        datetime.fromisoformat(end).replace(tzinfo=UTC),
    )


def day_win(day: str, start: str, end: str) -> Window:
    return win(f"{day} {start}", f"{day} {end}")


TODAY, TOMORROW = "2026-11-23", "2026-11-24"

WHEN_CASES = [
    # --- days alone (default window 09:00-11:00)
    ("tomorrow", day_win(TOMORROW, "09:00", "11:00")),
    ("Tomorrow", day_win(TOMORROW, "09:00", "11:00")),
    ("tmrw", day_win(TOMORROW, "09:00", "11:00")),
    ("deliver it tomorrow", day_win(TOMORROW, "09:00", "11:00")),
    ("  delivery   on   tomorrow ", day_win(TOMORROW, "09:00", "11:00")),
    ("day after tomorrow", day_win("2026-11-25", "09:00", "11:00")),
    ("the day after tomorrow", day_win("2026-11-25", "09:00", "11:00")),
    ("today", day_win(TODAY, "15:00", "17:00")),  # default window passed: next full-hour slot
    ("tonight", day_win(TODAY, "17:00", "21:00")),
    ("friday", day_win("2026-11-27", "09:00", "11:00")),
    ("fri", day_win("2026-11-27", "09:00", "11:00")),
    ("on friday", day_win("2026-11-27", "09:00", "11:00")),
    ("for Friday", day_win("2026-11-27", "09:00", "11:00")),
    ("this coming friday", day_win("2026-11-27", "09:00", "11:00")),
    ("wed", day_win("2026-11-25", "09:00", "11:00")),
    ("sunday", day_win("2026-11-29", "09:00", "11:00")),
    ("monday", day_win("2026-11-30", "09:00", "11:00")),  # today, but the window has passed
    ("monday evening", day_win(TODAY, "17:00", "21:00")),  # today, window still ahead
    ("next friday", day_win("2026-12-04", "09:00", "11:00")),
    ("next monday", day_win("2026-11-30", "09:00", "11:00")),
    ("next tue", day_win("2026-12-01", "09:00", "11:00")),
    ("this friday", day_win("2026-11-27", "09:00", "11:00")),
    ("this sunday", day_win("2026-11-29", "09:00", "11:00")),
    ("this monday", day_win(TODAY, "15:00", "17:00")),
    ("in 2 days", day_win("2026-11-25", "09:00", "11:00")),
    ("in two days", day_win("2026-11-25", "09:00", "11:00")),
    ("in a week", day_win("2026-11-30", "09:00", "11:00")),
    # --- relative hours
    ("in 3 hours", win("2026-11-23 17:03", "2026-11-23 19:03")),
    ("in an hour", win("2026-11-23 15:03", "2026-11-23 17:03")),
    ("in 45 minutes", win("2026-11-23 14:48", "2026-11-23 16:48")),
    ("in half an hour", win("2026-11-23 14:33", "2026-11-23 16:33")),
    # --- dates
    ("2026-12-01", day_win("2026-12-01", "09:00", "11:00")),
    ("12/01/2026", day_win("2026-12-01", "09:00", "11:00")),
    ("12/1", day_win("2026-12-01", "09:00", "11:00")),
    ("12/1/26", day_win("2026-12-01", "09:00", "11:00")),
    ("11/1", day_win("2027-11-01", "09:00", "11:00")),  # no year: next such date
    ("dec 1", day_win("2026-12-01", "09:00", "11:00")),
    ("Dec. 1", day_win("2026-12-01", "09:00", "11:00")),
    ("december 1st", day_win("2026-12-01", "09:00", "11:00")),
    ("1 december", day_win("2026-12-01", "09:00", "11:00")),
    ("1st of december", day_win("2026-12-01", "09:00", "11:00")),
    ("on the 1st of December", day_win("2026-12-01", "09:00", "11:00")),
    ("jan 5", day_win("2027-01-05", "09:00", "11:00")),
    ("march 3rd, 2027", day_win("2027-03-03", "09:00", "11:00")),
    ("feb 29", day_win("2028-02-29", "09:00", "11:00")),
    ("nov 23", day_win(TODAY, "15:00", "17:00")),  # today's date
    ("the 5th", day_win("2026-12-05", "09:00", "11:00")),
    ("on the 30th", day_win("2026-11-30", "09:00", "11:00")),
    # --- bare times: today if still ahead, else tomorrow
    ("9am", day_win(TOMORROW, "09:00", "11:00")),
    ("9 am", day_win(TOMORROW, "09:00", "11:00")),
    ("9 a.m.", day_win(TOMORROW, "09:00", "11:00")),
    ("at 9:30am", day_win(TOMORROW, "09:30", "11:30")),
    ("14:00", day_win(TOMORROW, "14:00", "16:00")),
    ("14:30", day_win(TODAY, "14:30", "16:30")),
    ("3pm", day_win(TODAY, "15:00", "17:00")),
    ("at 6 pm", day_win(TODAY, "18:00", "20:00")),
    ("6 o'clock in the evening", day_win(TODAY, "18:00", "20:00")),
    ("noon", day_win(TOMORROW, "12:00", "14:00")),
    ("midnight", day_win(TOMORROW, "00:00", "02:00")),
    # --- ranges
    ("2-4pm", day_win(TOMORROW, "14:00", "16:00")),
    ("2 - 4 pm", day_win(TOMORROW, "14:00", "16:00")),
    ("3–5pm", day_win(TODAY, "15:00", "17:00")),  # en dash
    ("10am-2pm", day_win(TOMORROW, "10:00", "14:00")),
    ("10-11am", day_win(TOMORROW, "10:00", "11:00")),
    ("10-2pm", day_win(TOMORROW, "10:00", "14:00")),
    ("14:00-16:00", day_win(TOMORROW, "14:00", "16:00")),
    ("9:00-14:00", day_win(TOMORROW, "09:00", "14:00")),
    ("9-14:00", day_win(TOMORROW, "09:00", "14:00")),
    ("16:00-18:00", day_win(TODAY, "16:00", "18:00")),
    ("between 2 and 4pm", day_win(TOMORROW, "14:00", "16:00")),
    ("between noon and 2", day_win(TOMORROW, "12:00", "14:00")),
    ("from 9 to 11am", day_win(TOMORROW, "09:00", "11:00")),
    ("6pm to 8pm", day_win(TODAY, "18:00", "20:00")),
    ("10pm-midnight", win("2026-11-23 22:00", "2026-11-24 00:00")),
    # --- open windows
    ("after 5pm", day_win(TODAY, "17:00", "21:00")),
    ("after 8pm", day_win(TODAY, "20:00", "22:00")),
    ("after 1pm", day_win(TODAY, "15:00", "21:00")),  # trimmed to the next full hour
    ("before noon", day_win(TOMORROW, "08:00", "12:00")),
    ("before 9am", day_win(TOMORROW, "07:00", "09:00")),
    ("by 5pm", day_win(TODAY, "15:00", "17:00")),  # trimmed
    ("by 3pm", day_win(TOMORROW, "08:00", "15:00")),  # less than an hour left today
    ("until 6pm", day_win(TODAY, "15:00", "18:00")),
    ("by tomorrow 5pm", day_win(TOMORROW, "08:00", "17:00")),
    ("tomorrow 5pm at the latest", day_win(TOMORROW, "08:00", "17:00")),
    ("by tomorrow", day_win(TOMORROW, "09:00", "11:00")),
    # --- parts of day
    ("morning", day_win(TOMORROW, "08:00", "12:00")),
    ("afternoon", day_win(TOMORROW, "12:00", "17:00")),
    ("evening", day_win(TODAY, "17:00", "21:00")),
    ("night", day_win(TODAY, "17:00", "21:00")),
    ("in the evening", day_win(TODAY, "17:00", "21:00")),
    ("this evening", day_win(TODAY, "17:00", "21:00")),
    # --- combinations in any order
    ("tomorrow morning", day_win(TOMORROW, "08:00", "12:00")),
    ("morning tomorrow", day_win(TOMORROW, "08:00", "12:00")),
    ("tomorrow night", day_win(TOMORROW, "17:00", "21:00")),
    ("tomorrow 9am", day_win(TOMORROW, "09:00", "11:00")),
    ("9am tomorrow", day_win(TOMORROW, "09:00", "11:00")),
    ("tomorrow at noon", day_win(TOMORROW, "12:00", "14:00")),
    ("friday evening", day_win("2026-11-27", "17:00", "21:00")),
    ("Friday, 2pm", day_win("2026-11-27", "14:00", "16:00")),
    ("on friday at 2pm", day_win("2026-11-27", "14:00", "16:00")),
    ("2026-12-01 14:00-16:00", day_win("2026-12-01", "14:00", "16:00")),
    ("dec 1 at 9am", day_win("2026-12-01", "09:00", "11:00")),
    ("9am on 1st of december", day_win("2026-12-01", "09:00", "11:00")),
    ("next monday between 2 and 4pm", day_win("2026-11-30", "14:00", "16:00")),
    ("next monday 9-11am", day_win("2026-11-30", "09:00", "11:00")),
    ("today 4pm", day_win(TODAY, "16:00", "18:00")),
    ("today after 5pm", day_win(TODAY, "17:00", "21:00")),
    ("tonight at 8", day_win(TODAY, "20:00", "22:00")),  # am/pm from the part of day
    ("tomorrow morning 11-1", day_win(TOMORROW, "11:00", "13:00")),
    ("evening 7-9", day_win(TODAY, "19:00", "21:00")),
    ("tomorrow 9 in the morning", day_win(TOMORROW, "09:00", "11:00")),
    ("tomorrow afternoon 2:30", day_win(TOMORROW, "14:30", "16:30")),
    ("in 2 days in the afternoon", day_win("2026-11-25", "12:00", "17:00")),
    ("day after tomorrow before noon", day_win("2026-11-25", "08:00", "12:00")),
    ("asap", day_win(TODAY, "15:00", "17:00")),
    ("DELIVER IT ON FRIDAY EVENING", day_win("2026-11-27", "17:00", "21:00")),
]

def test_when_table_is_large() -> None:
    assert len(WHEN_CASES) >= 60


@pytest.mark.parametrize(("text", "expected"), WHEN_CASES, ids=[c[0] for c in WHEN_CASES])
def test_parse_when(text: str, expected: Window) -> None:
    got = parse_when(text, NOW)
    assert got == expected
    assert got.start.tzinfo is NOW.tzinfo and got.end.tzinfo is NOW.tzinfo


ERROR_CASES = [
    ("blorp", "cannot read the delivery time 'blorp'"),
    ("tomorrow blorp", "cannot read the delivery time 'tomorrow blorp'"),
    ("", "no delivery time given"),
    ("   ", "no delivery time given"),
    ("deliver", "no day or time found"),
    ("2026-11-01", "2026-11-01 is in the past"),
    ("11/1/2026", "2026-11-01 is in the past"),
    ("2025-12-01 9am", "2025-12-01 is in the past"),
    ("today 9am", "2026-11-23 09:00-11:00 is in the past"),
    ("today 2-4pm", "2026-11-23 14:00-16:00 has already started"),
    ("this morning", "2026-11-23 08:00-12:00 is in the past"),
    ("this afternoon", "2026-11-23 12:00-17:00 has already started"),
    ("today before noon", "is in the past"),
    ("fridays at 9am", "cannot read the delivery time 'fridays at 9am'"),
    ("tomorrow at blorp 9am", "(at 'blorp 9am')"),
    ("9-7:00", "ends before it starts"),
    ("4pm-2pm", "ends before it starts (16:00-14:00)"),
    ("14:00-12:00", "ends before it starts"),
    ("2pm-2pm", "ends before it starts"),
    ("tomorrow 11pm-1am", "ends before it starts"),
    ("feb 30", "February 30 does not exist"),
    ("april 31st", "April 31 does not exist"),
    ("2026-02-30", "'2026-02-30' is not a valid date"),
    ("13/1", "is not a valid date"),
    ("the 32nd", "is not a valid day of the month"),
    ("25:00", "'25:00' is not a valid time"),
    ("13pm", "'13pm' is not a valid time"),
    ("9:75am", "is not a valid time"),
    ("9", "the time '9' is ambiguous"),
    ("tomorrow at 9", "the time '9' is ambiguous"),
    ("2-4", "the time range '2-4' is ambiguous"),
    ("11-1", "ambiguous"),
    ("tomorrow friday", "more than one day"),
    ("9am 5pm", "more than one time"),
    ("morning evening", "more than one part of the day"),
    ("in 3 hours tomorrow", "cannot be combined"),
    ("asap friday", "cannot be combined"),
    ("9999-12-31 11pm", "too far in the future"),
]


@pytest.mark.parametrize(("text", "fragment"), ERROR_CASES, ids=[c[0] or "<empty>" for c in ERROR_CASES])
def test_parse_when_errors(text: str, fragment: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_when(text, NOW)
    assert fragment in info.value.message
    assert info.value.hint
    assert info.value.exit_code == 2


def test_this_weekday_already_passed() -> None:
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    with pytest.raises(UsageError, match="this Monday .2026-11-23. has already passed"):
        parse_when("this monday", wednesday)
    assert parse_when("monday", wednesday) == day_win("2026-11-30", "09:00", "11:00")
    assert parse_when("next monday", wednesday) == day_win("2026-11-30", "09:00", "11:00")
    assert parse_when("next friday", wednesday) == day_win("2026-12-04", "09:00", "11:00")
    assert parse_when("friday", wednesday) == day_win("2026-11-27", "09:00", "11:00")
    # a weekday that is today is kept while its window is still ahead
    assert parse_when("wednesday", wednesday) == day_win("2026-12-02", "09:00", "11:00")
    assert parse_when("wednesday 2pm", wednesday) == day_win("2026-11-25", "14:00", "16:00")


def test_today_rules_late_in_the_day() -> None:
    late = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
    with pytest.raises(UsageError, match="no delivery slot left today"):
        parse_when("today", late)
    assert parse_when("asap", late) == day_win(TOMORROW, "08:00", "10:00")
    assert parse_when("evening", late) == day_win(TOMORROW, "17:00", "21:00")
    assert parse_when("after 5pm", late) == day_win(TODAY, "20:00", "21:00")  # trimmed, 1 hour left
    assert parse_when("after 3pm", datetime(2026, 11, 23, 20, 5, tzinfo=UTC)) == day_win(TOMORROW, "15:00", "21:00")
    with pytest.raises(UsageError, match="has already started"):
        parse_when("tonight", late)
    early = datetime(2026, 11, 23, 6, 10, tzinfo=UTC)
    assert parse_when("today", early) == day_win(TODAY, "09:00", "11:00")
    assert parse_when("asap", early) == day_win(TODAY, "08:00", "10:00")
    assert parse_when("9am", early) == day_win(TODAY, "09:00", "11:00")
    assert parse_when("this morning", early) == day_win(TODAY, "08:00", "12:00")


def test_default_window_and_timezone() -> None:
    assert parse_when("tomorrow", NOW, (time(13), time(15))) == day_win(TOMORROW, "13:00", "15:00")
    tz = ZoneInfo("America/New_York")
    now = datetime(2026, 11, 23, 9, 3, tzinfo=tz)
    got = parse_when("tomorrow 9am", now)
    assert got.start == datetime(2026, 11, 24, 9, 0, tzinfo=tz)
    assert got.start.tzinfo is tz
    assert parse_when("in 2 hours", now).start == now + timedelta(hours=2)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("tomorrow", datetime(2026, 11, 23, 14, 3))


def test_error_messages_are_one_clean_line() -> None:
    nasty = "blorp\n\x1b[31mred\u2028" + "x" * 200
    with pytest.raises(UsageError) as info:
        parse_when(nasty, NOW)
    message = info.value.message
    assert "\n" not in message and "\x1b" not in message and "\u2028" not in message
    assert "blorp?" in message
    quoted = message.split("'")[1]
    assert len(quoted) <= 60


def _clean(s: str) -> bool:
    return all(unicodedata.category(c)[0] != "C" and unicodedata.category(c) not in ("Zl", "Zp") for c in s)


WHEN_WORDS = st.sampled_from(
    [
        "tomorrow", "today", "tonight", "friday", "next", "this", "mon", "dec", "1st",
        "of", "9am", "2-4pm", "between", "and", "noon", "midnight", "in", "3", "hours",
        "days", "morning", "evening", "after", "before", "by", "12/1", "2026-12-01",
        "feb 29", "13:00", "10-11am", "at", "the", "latest", "asap", "-", ",", "99",
        "9999-12-31", "0", "24:00", "12am", "12pm", "week", "o'clock", "day after",
    ]
)
NOWS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9, minutes=30))]),
)


def _check_window(text: str, now: datetime) -> None:
    try:
        got = parse_when(text, now)
    except UsageError as exc:
        assert _clean(exc.message) and exc.message
        assert exc.hint is None or _clean(exc.hint)
        return
    assert isinstance(got, Window)
    assert got.start < got.end
    assert got.start >= now
    assert got.start.tzinfo is now.tzinfo


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=40), now=NOWS)
def test_parse_when_property_arbitrary_text(text: str, now: datetime) -> None:
    _check_window(text, now)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(WHEN_WORDS, max_size=5), now=NOWS)
def test_parse_when_property_when_like_text(words: list[str], now: datetime) -> None:
    _check_window(" ".join(words), now)


@settings(max_examples=300)
@given(text=st.text(max_size=60))
def test_find_clause_never_crashes(text: str) -> None:
    clause = find_clause(text)
    if clause is not None:
        assert 0 <= clause.start <= clause.end == len(text)
        assert clause.kind in ("delivery", "pickup")


# ---------------------------------------------------------------- find_clause

CLAUSE_CASES = [
    # (request, kind, text, when, product text left before the clause)
    ("two bags of rice and deliver it tomorrow morning", "delivery", "tomorrow morning", "tomorrow morning", "two bags of rice"),
    ("eggs, milk — deliver friday evening", "delivery", "friday evening", "friday evening", "eggs, milk"),
    ("eggs, milk - deliver friday evening", "delivery", "friday evening", "friday evening", "eggs, milk"),
    ("milk, delivered tomorrow", "delivery", "tomorrow", "tomorrow", "milk"),
    ("milk delivered tomorrow", "delivery", "tomorrow", "tomorrow", "milk"),
    ("milk for delivery on friday at 2pm", "delivery", "friday at 2pm", "friday at 2pm", "milk"),
    ("bread to be delivered next monday 9-11am", "delivery", "next monday 9-11am", "next monday 9-11am", "bread"),
    ("milk, bread by tomorrow 5pm", "delivery", "by tomorrow 5pm", "by tomorrow 5pm", "milk, bread"),
    ("2 delivery pizzas, deliver tomorrow", "delivery", "tomorrow", "tomorrow", "2 delivery pizzas"),
    ("delivery tomorrow", "delivery", "tomorrow", "tomorrow", ""),
    ("ship it friday", "delivery", "friday", "friday", ""),
    ("milk and bread, have it delivered tomorrow 9am", "delivery", "tomorrow 9am", "tomorrow 9am", "milk and bread"),
    ("rice & deliver tomorrow", "delivery", "tomorrow", "tomorrow", "rice"),
    ("milk then deliver it on dec 1 at 9am", "delivery", "dec 1 at 9am", "dec 1 at 9am", "milk"),
    ("milk, please deliver by friday.", "delivery", "by friday", "by friday", "milk"),
    ("milk, deliver asap", "delivery", "asap", "asap", "milk"),
    ("milk delivered in 3 hours", "delivery", "in 3 hours", "in 3 hours", "milk"),
    ("3 apples; bring them tomorrow evening!", "delivery", "tomorrow evening", "tomorrow evening", "3 apples"),
    ("milk and bread for pickup at Downtown", "pickup", "Downtown", "", "milk and bread"),
    ("milk, pickup at the Main St store", "pickup", "the Main St store", "", "milk"),
    ("pick it up at Uptown tomorrow", "pickup", "Uptown", "tomorrow", ""),
    ("apples and pick up at Downtown at 5pm", "pickup", "Downtown", "5pm", "apples"),
    ("milk; collect from Uptown", "pickup", "Uptown", "", "milk"),
    ("milk, pick up tomorrow at Uptown", "pickup", "Uptown", "tomorrow", "milk"),
    ("eggs for pick-up at Uptown branch on friday", "pickup", "Uptown branch", "friday", "eggs"),
    ("milk, pickup tomorrow", "pickup", "", "tomorrow", "milk"),
    ("2 pickup trucks, I'll pick them up at Downtown", "pickup", "Downtown", "", "2 pickup trucks"),
]


@pytest.mark.parametrize(
    ("request_text", "kind", "text", "when", "before"), CLAUSE_CASES, ids=[c[0] for c in CLAUSE_CASES]
)
def test_find_clause(request_text: str, kind: str, text: str, when: str, before: str) -> None:
    clause = find_clause(request_text)
    assert clause == Clause(kind, text, len(before), len(request_text), when)
    assert request_text[: clause.start] == before


NO_CLAUSE = [
    "2 delivery pizzas",
    "a pickup truck toy",
    "pickup truck toy",
    "milk by the gallon",
    "eggs - deliver to my office",
    "2 eggs, deliver 2",
    "pizza delivery sun dried tomatoes",
    "delivery man costume",
    "milk and pick up",
    "ten deliveries of bread",
    "milk, pickup Downtown",
    "undelivered letters book",
    "two bags of rice",
    "",
]


@pytest.mark.parametrize("request_text", NO_CLAUSE)
def test_find_clause_none(request_text: str) -> None:
    assert find_clause(request_text) is None


def test_clause_texts_parse() -> None:
    for request_text, kind, _, when, _ in CLAUSE_CASES:
        if when:
            window = parse_when(when, NOW)
            assert window.start >= NOW, request_text


# ---------------------------------------------------------------- stores

STORES_TOML = """
[[store]]
id = "downtown"
name = "Downtown"
address = "1 Main St"
hours = "08:00-21:00"

[[store]]
id = "uptown"
name = "Uptown"
address = "99 North Ave"
hours = "09:00-20:00"

[[store]]
id = "main-st"
name = "Main St"
address = "5 Main St"
hours = "07:30-24:00"
"""


@pytest.fixture
def stores(tmp_path) -> list[PickupStore]:
    path = tmp_path / "stores.toml"
    path.write_text(STORES_TOML, encoding="utf-8")
    return load_stores(path)


def test_load_stores(stores: list[PickupStore]) -> None:
    assert [s.id for s in stores] == ["downtown", "uptown", "main-st"]
    assert stores[1] == PickupStore("uptown", "Uptown", "99 North Ave", "09:00-20:00")


@pytest.mark.parametrize(
    ("text", "store_id"),
    [
        ("Downtown", "downtown"),
        ("downtown", "downtown"),
        ("DOWNTOWN", "downtown"),
        ("the Downtown store", "downtown"),
        ("Uptown branch", "uptown"),
        ("the Main St store", "main-st"),
        ("main st.", "main-st"),
        ("main-st", "main-st"),
        ("  uptown  ", "uptown"),
    ],
)
def test_find_store(text: str, store_id: str, stores: list[PickupStore]) -> None:
    assert find_store(text, stores).id == store_id


def test_find_store_typo_is_suggested_not_guessed(stores: list[PickupStore]) -> None:
    with pytest.raises(UsageError) as info:
        find_store("Dwntown", stores)
    assert info.value.message == "unknown pickup store 'Dwntown'"
    assert info.value.hint.startswith("did you mean Downtown?")
    assert "Downtown, Uptown, Main St" in info.value.hint


def test_find_store_unknown_and_empty(stores: list[PickupStore]) -> None:
    with pytest.raises(UsageError) as info:
        find_store("Narnia\n", stores)
    assert info.value.message == "unknown pickup store 'Narnia?'"
    assert info.value.hint == "stores: Downtown, Uptown, Main St"
    with pytest.raises(UsageError, match="no pickup store given"):
        find_store("  ", stores)
    with pytest.raises(UsageError, match="no pickup stores"):
        find_store("Downtown", [])


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("[[store]\nid=1", "invalid TOML"),
        ("title = 'x'", "expected [[store]] tables"),
        ("store = 3", "expected [[store]] tables"),
        ('[[store]]\nname = "A"\naddress = "x"\nhours = "08:00-21:00"', "[[store]] #1: field 'id' is missing"),
        ('[[store]]\nid = "a"\nname = 5\naddress = "x"\nhours = "08:00-21:00"', "[[store]] #1: field 'name' must be a non-empty string"),
        (STORES_TOML + '[[store]]\nid = "x"\nname = "X"\naddress = "x"\nhours = "9-5"', "[[store]] #4 (x): field 'hours'"),
        (STORES_TOML + '[[store]]\nid = "x"\nname = "X"\naddress = "x"\nhours = "21:00-08:00"', "field 'hours'"),
        (STORES_TOML + '[[store]]\nid = "Uptown"\nname = "X"\naddress = "x"\nhours = "08:00-09:00"', "#4: id 'Uptown' repeats [[store]] #2"),
    ],
)
def test_load_stores_errors(tmp_path, content: str, fragment: str) -> None:
    path = tmp_path / "stores.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_stores(path)
    assert str(path) in info.value.message
    assert fragment in info.value.message
    assert info.value.exit_code == 3


def test_load_stores_unreadable(tmp_path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(DataError, match="cannot read the pickup stores file"):
        load_stores(missing)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DataError, match="not UTF-8"):
        load_stores(binary)
