"""Parsing `/journey` text, French names, suggestions for typos."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handlers.features import feature_set


def test_bare_command_is_help() -> None:
    parsed = feature_set().catalog.parse("   ")
    assert parsed.subcommand is not None
    assert parsed.subcommand.key == "help"


def test_french_names_and_case() -> None:
    catalog = feature_set().catalog
    assert catalog.parse("AIDE").subcommand == catalog.get("help")
    assert catalog.parse("réglages").subcommand == catalog.get("settings")
    assert catalog.parse("exporter irritants csv").subcommand == catalog.get("export")
    assert catalog.parse("exporter irritants csv").args == ["irritants", "csv"]


def test_unknown_word_with_suggestion() -> None:
    catalog = feature_set().catalog
    parsed = catalog.parse("irritans open")
    assert parsed.subcommand is None
    assert parsed.word == "irritans"
    suggestion = catalog.suggest("irritans")
    assert suggestion is not None
    assert suggestion.key == "irritants"
    assert catalog.suggest("zzzzzz") is None


def test_the_rest_keeps_escaped_mentions_whole() -> None:
    catalog = feature_set().catalog
    parsed = catalog.parse("  surveiller 4h ouvrés équipe <@U0ANNA|anna>  <!subteam^S0OPS|@ops>")
    assert parsed.subcommand == catalog.get("watch")
    assert parsed.rest == "4h ouvrés équipe <@U0ANNA|anna>  <!subteam^S0OPS|@ops>"
    assert catalog.parse("promesses").subcommand == catalog.get("promises")
    assert catalog.parse("ne-plus-surveiller").subcommand == catalog.get("unwatch")
    assert catalog.parse("unwatch").rest == ""


@given(st.text(max_size=300))
def test_parse_never_fails(text: str) -> None:
    parsed = feature_set().catalog.parse(text)
    assert parsed.subcommand is not None or parsed.word
    assert parsed.rest.split() == parsed.args
