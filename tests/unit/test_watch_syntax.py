"""`/journey watch <window> [business] [team @person… | @group]`, as Slack escapes it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Translator
from bot.watch_syntax import KEYWORDS, Keyword, WatchCommand, WatchSyntaxError, parse_watch

S = timedelta(seconds=1)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", WatchCommand(4 * H, False, (), ())),
        (
            "4h business team <@U111|marie> <@U222|jack>",
            WatchCommand(4 * H, True, ("U111", "U222"), ()),
        ),
        (
            "10s team <!subteam^S123|@ops>",
            WatchCommand(timedelta(seconds=10), False, (), ("S123",)),
        ),
        ("24h team <@U111> <!subteam^S123>", WatchCommand(24 * H, False, ("U111",), ("S123",))),
        ("2d business", WatchCommand(timedelta(days=2), True, (), ())),
        ("business 30m", WatchCommand(timedelta(minutes=30), True, (), ())),
        ("team <@W999|ent> 4h", WatchCommand(4 * H, False, ("W999",), ())),
        ("team <@U111|marie> business 4h", WatchCommand(4 * H, True, ("U111",), ())),
        ("  4h   BUSINESS  ", WatchCommand(4 * H, True, (), ())),
        ("4h team <@U111|marie><@U222|jack>", WatchCommand(4 * H, False, ("U111", "U222"), ())),
        ("4h team <@U111|marie> <@U111|marie>", WatchCommand(4 * H, False, ("U111",), ())),
        ("4h team <@U111|Marie Curie>", WatchCommand(4 * H, False, ("U111",), ())),
    ],
)
def test_the_one_line_form_is_read(text: str, expected: WatchCommand) -> None:
    assert parse_watch(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "4h ouvrés équipe <@U111|marie>",
        "4h ouvré equipe <@U111|marie>",
        "4h heures-ouvrées ÉQUIPE <@U111|marie>",
        "4h Ouvres Equipe <@U111|marie>",
        # "é" typed as "e" + combining accent.
        "4h ouvre\u0301s e\u0301quipe <@U111|marie>",
    ],
)
def test_french_keywords(text: str) -> None:
    assert parse_watch(text) == WatchCommand(4 * H, True, ("U111",), ())


def test_french_windows_in_days() -> None:
    assert parse_watch("2j ouvrés").window == timedelta(days=2)


@pytest.mark.parametrize(
    ("text", "msgid_start", "values"),
    [
        ("", "Give a window after `watch`", {}),
        ("business team <@U1>", "Give a window after `watch`", {}),
        ("4x", "I can't read the window", {"text": "4x"}),
        ("9s", "The window `{text}` is too short", {"text": "9s"}),
        ("31d", "The window `{text}` is too long", {"text": "31d"}),
        ("4h soon", "I don't know `{word}` here", {"word": "soon"}),
        ("4h busines", "I don't know `{word}` here", {"word": "busines"}),
        ("4h team", "Name the team after `{word}`", {"word": "team"}),
        ("4h équipe business", "Name the team after `{word}`", {"word": "équipe"}),
        ("4h team @marie", "I can't tell who `{word}` is", {"word": "@marie"}),
        ("4h team <@U1|marie> @jack", "I can't tell who `{word}` is", {"word": "@jack"}),
        ("4h @marie", "I can't tell who `{word}` is", {"word": "@marie"}),
        ("4h <@U1|marie>", "Write `team` before", {"word": "<@U1|marie>"}),
        ("4h team <#C1|general>", "Only people and user groups", {"word": "<#C1|general>"}),
        ("4h team <!here>", "Only people and user groups", {"word": "<!here>"}),
        ("4h team <@U1", "Only people and user groups", {"word": "<"}),
        ("4h 2d", "Give one window only", {"first": "4h", "second": "2d"}),
        ("4h business ouvrés", "`{word}` is given twice", {"word": "ouvrés"}),
        ("4h team <@U1> team <@U2>", "`{word}` is given twice", {"word": "team"}),
    ],
)
def test_errors_are_precise(text: str, msgid_start: str, values: dict[str, str]) -> None:
    with pytest.raises(WatchSyntaxError, match=re.escape(msgid_start.format(**values))) as refused:
        parse_watch(text)
    assert refused.value.message.startswith(msgid_start)
    assert refused.value.values == values


def test_keywords_are_stored_folded() -> None:
    import unicodedata

    for word in KEYWORDS:
        assert word == unicodedata.normalize("NFC", word).casefold()
    assert set(KEYWORDS.values()) == set(Keyword)


USERS = st.from_regex(r"U[A-Z0-9]{2,10}", fullmatch=True)
GROUPS = st.from_regex(r"S[A-Z0-9]{2,10}", fullmatch=True)
NAMES = st.text(
    st.characters(blacklist_characters="<>|", blacklist_categories=("Cs",)), max_size=12
)


@given(
    st.sampled_from(["10s", "30m", "4h", "24h", "2d", "30d"]),
    st.booleans(),
    st.lists(st.tuples(USERS, NAMES), max_size=4),
    st.lists(st.tuples(GROUPS, NAMES), max_size=2),
    st.booleans(),
)
def test_any_well_formed_line_reads_back(
    window: str,
    business: bool,
    users: list[tuple[str, str]],
    groups: list[tuple[str, str]],
    business_first: bool,
) -> None:
    mentions = [f"<@{uid}|{name}>" if name else f"<@{uid}>" for uid, name in users]
    mentions += [
        f"<!subteam^{gid}|@{name}>" if name else f"<!subteam^{gid}>" for gid, name in groups
    ]
    words = [window]
    if business:
        words.insert(0 if business_first else 1, "business")
    if mentions:
        words += ["team", *mentions]
    parsed = parse_watch(" ".join(words))
    assert parsed.business == business
    assert parsed.team_user_ids == tuple(dict.fromkeys(uid for uid, _ in users))
    assert parsed.team_group_ids == tuple(dict.fromkeys(gid for gid, _ in groups))


@given(st.text(max_size=80))
def test_any_text_is_read_or_refused_with_a_message(text: str) -> None:
    message = ""
    try:
        parsed = parse_watch(text)
    except WatchSyntaxError as refused:
        message = refused.message
    if message:
        return
    assert timedelta(seconds=10) <= parsed.window <= timedelta(days=30)


def test_errors_read_in_french() -> None:
    with pytest.raises(WatchSyntaxError, match="Name the team after `équipe`") as refused:
        parse_watch("4h équipe")
    french = Translator("fr").gettext(refused.value.message, **refused.value.values)
    assert french.startswith("Nommez l’équipe après `équipe`")
    with pytest.raises(WatchSyntaxError, match="The window `31j` is too long") as too_long:
        parse_watch("31j")
    assert Translator("fr").gettext(too_long.value.message, **too_long.value.values) == (
        "La fenêtre `31j` est trop longue\u00a0: 30\u00a0jours au plus."
    )
