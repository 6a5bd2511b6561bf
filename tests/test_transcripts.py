"""Transcripts: every recorded conversation replays perfectly; the format, diffs, --update,
--compare carts, grades and repair costs; shop chat --record and shop replay through the CLI."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopcli.cli.app import app
from shopcli.render import Output
from shopcli.settings import Settings
from shopcli.chat.transcript import (format_transcript, parse_transcript, read_transcript, record,
                                replay, run_replay)

HERE = Path(__file__).parent
TRANSCRIPTS = sorted((HERE / "transcripts").glob("*.txt"))
NOW = "2026-11-23T14:03:00+00:00"


@pytest.fixture
def settings(tmp_path):
    return Settings(db=str(tmp_path / "unused.json"), now_text=NOW)


def test_there_are_enough_transcripts():
    assert len(TRANSCRIPTS) >= 25


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.name for p in TRANSCRIPTS])
def test_transcript_replays_perfectly(path, settings):
    outcome = replay(read_transcript(path), settings)
    diffs = {outcome.transcript.turns[k].said: (outcome.transcript.turns[k].answer, outcome.answers[k])
             for k in outcome.answer_diffs + outcome.state_diffs}
    assert outcome.grade == "perfect", diffs


def test_the_transcripts_cover_every_intent(settings):
    from shopcli.chat.intents import Context, intent_names, understand

    catalog = settings.catalog
    seen = set()
    for path in TRANSCRIPTS:
        for turn in read_transcript(path).turns:
            seen.add(understand(turn.said, Context(catalog, lambda item: item is None)).name)
    assert set(intent_names()) | {"add", "unclear"} <= seen


def _copy(tmp_path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(HERE / "transcripts" / name, target)
    return target


def _run(settings, files, **kw) -> tuple[int, str]:
    out = io.StringIO()
    err = io.StringIO()
    code = run_replay(settings, Output(stdout=out, stderr=err), [str(f) for f in files], **kw)
    return code, out.getvalue() + err.getvalue()


def test_a_changed_answer_fails_with_a_diff(tmp_path, settings):
    path = _copy(tmp_path, "01-add-and-checkout.txt")
    text = path.read_text().replace("Your cart: 3 items, 9.57 USD.", "Your cart: 3 items, 9.75 USD.")
    path.write_text(text)
    code, out = _run(settings, [path])
    assert code == 1
    assert f"--- {path}:5 > two bags of rice and a dozen eggs" in out
    assert "-Added 2 x Mahatma Long Grain White Rice (2 lb) and 1 x Large Eggs (12 ct). Your cart: 3 items, 9.75 USD." \
        in out
    assert "+Added 2 x Mahatma Long Grain White Rice (2 lb) and 1 x Large Eggs (12 ct). Your cart: 3 items, 9.57 USD." \
        in out
    assert "cart-correct" in out          # the answer differs, every cart and order is right


def test_update_rewrites_the_answers(tmp_path, settings):
    path = _copy(tmp_path, "09-show-and-empty.txt")
    original = path.read_text()
    path.write_text(original.replace("Done, your cart is empty.", "Something else.\n\\> and more"))
    code, out = _run(settings, [path], update=True)
    assert code == 0 and f"updated {path} (1 turn changed)" in out
    assert path.read_text() == original
    assert _run(settings, [path]) == (0, _run(settings, [path])[1])


def test_update_fills_in_a_hand_written_transcript(tmp_path, settings):
    path = tmp_path / "new.txt"
    path.write_text("# shopcli transcript v1\n# now: 2026-11-23T14:03:00+00:00\n# a note\n"
                    "> a dozen eggs\n\n# why this turn matters\n> checkout, deliver tomorrow 9am\n")
    assert _run(settings, [path], update=True)[0] == 0
    assert path.read_text() == (
        "# shopcli transcript v1\n# now: 2026-11-23T14:03:00+00:00\n# a note\n"
        "> a dozen eggs\nAdded 1 x Large Eggs (12 ct). Your cart: 1 item, 3.99 USD.\n= cart: EGG-L-12×1\n"
        "# why this turn matters\n"
        "> checkout, deliver tomorrow 9am\nOrder ORD-000001 placed: 3.99 USD, delivery 2026-11-24 09:00–11:00.\n"
        "= cart: empty\n= order: ORD-000001 placed EGG-L-12×1\n")
    assert _run(settings, [path])[0] == 0


def test_compare_carts_passes_when_only_answers_differ(tmp_path, settings):
    path = _copy(tmp_path, "02-remove.txt")
    path.write_text(path.read_text().replace("Removed Large Eggs (12 ct).", "Eggs gone."))
    assert _run(settings, [path])[0] == 1
    code, out = _run(settings, [path], compare="carts")
    assert code == 0 and "cart-correct" in out and "Eggs gone" not in out


def test_compare_carts_fails_on_a_wrong_cart_with_its_repair_cost(tmp_path, settings):
    path = _copy(tmp_path, "19-reorder.txt")
    text = path.read_text()
    # the last recorded cart: one line's packs changed and one line added -> 2 edits;
    # the placed order: a line removed -> 1 edit
    text = text.replace("= cart: EGG-L-12×1, MILK-WHOLE-1GAL×1\n> show my cart",
                        "= cart: EGG-L-12×1, MILK-WHOLE-1GAL×1\n> show my cart")
    lines = text.splitlines()
    last_cart = max(k for k, line in enumerate(lines) if line.startswith("= cart:"))
    lines[last_cart] = "= cart: EGG-L-12×2, MILK-WHOLE-1GAL×1, BANANA-1LB×1"
    text = "\n".join(lines) + "\n"
    text = text.replace("= order: ORD-000003 placed RICE-WHITE-2LB×2, BANANA-1LB×3, BREAD-WHITE-20OZ×2",
                        "= order: ORD-000003 placed RICE-WHITE-2LB×2, BANANA-1LB×3")
    path.write_text(text)
    code, out = _run(settings, [path], compare="carts")
    assert code == 1
    assert "-= cart: EGG-L-12×2, MILK-WHOLE-1GAL×1, BANANA-1LB×1" in out
    assert "+= cart: EGG-L-12×1, MILK-WHOLE-1GAL×1" in out
    row = next(line for line in out.splitlines() if line.startswith(str(path)))
    assert row.split()[1:] == ["5", "failed", "3"]


def test_grades_in_the_summary(tmp_path, settings):
    perfect = _copy(tmp_path, "01-add-and-checkout.txt")
    wording = _copy(tmp_path, "25-small-talk.txt")
    wording.write_text(wording.read_text().replace("You're welcome!", "No problem!"))
    failed = _copy(tmp_path, "29-quit-ends.txt")
    failed.write_text(failed.read_text().replace("> a dozen eggs", "> two dozen eggs"))
    code, out = _run(settings, [perfect, wording, failed])
    assert code == 1
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith(str(tmp_path))}
    assert rows == {str(perfect): ["3", "perfect", "-"], str(wording): ["4", "cart-correct", "-"],
                    str(failed): ["2", "failed", "1"]}
    assert out.splitlines()[-1] == "3 transcripts: 1 perfect, 1 cart-correct, 1 failed"


@pytest.mark.parametrize("text,where", [
    ("hello\n> milk\n", ":1: not a shopcli transcript"),
    ("# shopcli transcript v2\n> milk\n", ":1: unsupported transcript version v2"),
    ("# shopcli transcript v1\nmilk\n> milk\n", ":2: expected a header line"),
    ("# shopcli transcript v1\n# now: someday\n> milk\n", ":2: now: --now / SHOPCLI_NOW is not an ISO 8601 time"),
    ("# shopcli transcript v1\n# order: {broken\n> milk\n", ":2: order: not valid JSON"),
    ("# shopcli transcript v1\n> milk\nAdded.\n= cart: what?\n", ":4: a state line reads"),
    ("# shopcli transcript v1\n>\n", ":2: empty turn"),
    ("# shopcli transcript v1\n# now: 2026-11-23T14:03:00+00:00\n", ":2: no turns"),
    ("# shopcli transcript v1\n# order: {\"lines\": [{\"sku\": \"NOPE\", \"packs\": 1}]}\n> milk\n",
     ":2: order: line 0: unknown SKU 'NOPE'"),
    ("# shopcli transcript v1\n# catalog: nowhere.json\n> milk\n", ": catalog: catalog not found"),
    ("# shopcli transcript v1\n# order: {\"lines\": [{\"sku\": \"EGG-L-12\", \"packs\": 1}]}\n"
     "# order: {\"lines\": []}\n> milk\n", ":3: order: 'lines' must be a non-empty list"),
])
def test_a_malformed_transcript_names_file_and_line_exit_3(tmp_path, settings, text, where):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    good = _copy(tmp_path, "01-add-and-checkout.txt")
    code, out = _run(settings, [path, good])
    assert code == 3
    assert f"error: {path}{where}" in out
    assert "malformed" in out and "1 perfect" in out


def test_format_round_trip_and_escapes(tmp_path):
    answer = ["> not a turn", "= not a state", "# not a comment", "\\ backslash", "plain"]
    text = format_transcript(["# shopcli transcript v1"], [("milk", answer, ["= cart: MILK×1"], ["# note"])])
    assert "\\> not a turn\n\\= not a state\n\\# not a comment\n\\\\ backslash\nplain\n" in text
    t = parse_transcript(text, tmp_path / "x.txt")
    (turn,) = t.turns
    assert (turn.said, turn.answer, turn.state, turn.comments) == ("milk", answer, ["= cart: MILK×1"], ["# note"])


def test_record_writes_the_starting_state(tmp_path, settings):
    from shopcli.orders.lifecycle import import_orders

    store = settings.store
    import_orders(store, ['{"id": "ORD-000007", "lines": [{"sku": "EGG-L-12", "packs": 1}]}'], settings.catalog,
                  settings.now)
    with store.transaction() as tx:
        tx.table("preferences").insert({"diet": ["vegetarian"]})
    path = tmp_path / "rec.txt"
    record(path, ["status of ORD-000007", "a dozen eggs", "checkout, deliver tomorrow 9am", "bye", "never read"],
           settings)
    text = path.read_text()
    assert text.startswith("# shopcli transcript v1\n# now: 2026-11-23T14:03:00+00:00\n# catalog: default\n"
                           "# order: {\"id\": \"ORD-000007\"")
    assert '# preferences: {"diet": ["vegetarian"]}\n# counter: 7\n' in text
    assert "Order ORD-000008 placed" in text and "never read" not in text
    assert _run(settings, [path])[0] == 0


def test_record_keeps_the_store_counter(tmp_path, settings):
    from shopcli.orders.lifecycle import build_order, place_orders

    store = settings.store
    doc = build_order("", [(settings.catalog.by_sku["EGG-L-12"], 1)], settings.now, None)
    place_orders(store, [doc], settings.catalog)
    with store.transaction() as tx:
        tx.next_id("order")                     # a number handed out and never used
    path = tmp_path / "rec.txt"
    record(path, ["a dozen eggs", "checkout, deliver tomorrow 9am"], settings)
    assert "# counter: 2\n" in path.read_text() and "Order ORD-000003 placed" in path.read_text()
    assert _run(settings, [path])[0] == 0


# -- through the CLI -------------------------------------------------------------------------------------

@pytest.fixture
def env(tmp_path, monkeypatch):
    values = {"SHOPCLI_DB": str(tmp_path / "store" / "orders.json"), "SHOPCLI_NOW": NOW}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("SHOPCLI_CATALOG", raising=False)
    return values


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False, prog_name="shop")


def test_cli_chat_record_and_replay(tmp_path, env):
    path = tmp_path / "session.txt"
    r = cli("chat", "--record", str(path),
            input="two bags of rice and a dozen eggs\nmake that three\ncheckout, deliver tomorrow evening\n")
    assert r.exit_code == 0
    assert r.stdout.splitlines() == [
        "Added 2 x Mahatma Long Grain White Rice (2 lb) and 1 x Large Eggs (12 ct). Your cart: 3 items, 9.57 USD.",
        "Now 3 x Large Eggs (12 ct). Your cart: 5 items, 17.55 USD.",
        "Order ORD-000001 placed: 17.55 USD, delivery 2026-11-24 17:00–21:00.",
    ]
    text = path.read_text()
    assert text.splitlines()[:3] == ["# shopcli transcript v1", f"# now: {NOW}", "# catalog: default"]
    assert "> make that three\nNow 3 x Large Eggs (12 ct). Your cart: 5 items, 17.55 USD.\n" \
           "= cart: RICE-WHITE-2LB×2, EGG-L-12×3\n" in text
    assert Path(env["SHOPCLI_DB"]).exists()
    r = cli("replay", str(path))
    assert r.exit_code == 0 and "1 transcript: 1 perfect, 0 failed" in r.stdout
    path.write_text(text.replace("17.55 USD, delivery", "17.50 USD, delivery"))
    r = cli("replay", str(path))
    assert r.exit_code == 1 and "+Order ORD-000001 placed: 17.55 USD" in r.stdout
    r = cli("replay", "--compare", "carts", str(path))
    assert r.exit_code == 0 and "cart-correct" in r.stdout
    r = cli("replay", "--update", str(path))
    assert r.exit_code == 0 and path.read_text() == text


def test_cli_replay_does_not_touch_the_store(tmp_path, env):
    r = cli("replay", *[str(p) for p in TRANSCRIPTS[:3]])
    assert r.exit_code == 0
    assert not Path(env["SHOPCLI_DB"]).exists()


def test_cli_replay_bad_compare_is_a_usage_error(env):
    r = CliRunner().invoke(app, ["replay", "--compare", "vibes", str(TRANSCRIPTS[0])], prog_name="shop")
    assert r.exit_code == 2


def test_cli_chat_ends_at_end_of_input_and_at_bye(env):
    r = cli("chat", input="a dozen eggs\nbye\na gallon of milk\n")
    assert r.exit_code == 0 and r.stdout.splitlines()[-1] == "Bye! (The 1 item in your cart was not ordered.)"
    r = cli("chat", input="")
    assert r.exit_code == 0 and r.stdout == ""


def test_malformed_transcript_through_the_cli(tmp_path, env):
    bad = tmp_path / "bad.txt"
    bad.write_text("not a transcript\n")
    r = CliRunner().invoke(app, ["replay", str(bad)], prog_name="shop")
    assert r.exit_code == 3
    assert f"error: {bad}:1: not a shopcli transcript" in r.stderr
