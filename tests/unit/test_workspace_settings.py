"""Validation of what admins type in `/journey settings`, and its defaults."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import Core
from bot.irritants import config as workspace_settings
from bot.irritants.config import IrritantConfig, SettingsInput, validate


def _input(**overrides: str) -> SettingsInput:
    values = {
        "emojis": "irritant, rage",
        "categories": "delay, billing\nquality",
        "retention_days": "90",
        "resolved_mark": "both",
    }
    values.update(overrides)
    return SettingsInput(**values)


def test_good_input() -> None:
    config, errors = validate(_input())

    assert errors == {}
    assert config == IrritantConfig(
        emojis=("irritant", "rage"),
        categories=("delay", "billing", "quality"),
        retention_days=90,
        resolved_mark="both",
    )


def test_colons_case_and_duplicates_of_emojis_are_cleaned() -> None:
    config, errors = validate(_input(emojis=":Rage:, irritant,\n:rage:, ::face_with_symbols::"))

    assert errors == {}
    assert config is not None
    assert config.emojis == ("rage", "irritant", "face_with_symbols")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("emojis", ""),
        ("emojis", " , ,\n"),
        ("emojis", ",".join(f"e{n}" for n in range(11))),
        ("emojis", "rage, not an emoji"),
        ("emojis", "rage, émoji"),
        ("emojis", "::"),
        ("categories", ""),
        ("categories", ",".join(f"c{n}" for n in range(21))),
        ("categories", "delay, " + "x" * 41),
        ("categories", "delay, Delay"),
        ("retention_days", ""),
        ("retention_days", "ten"),
        ("retention_days", "1.5"),
        ("retention_days", "0"),
        ("retention_days", "3651"),
        ("retention_days", "-5"),
        ("resolved_mark", "sometimes"),
        ("resolved_mark", ""),
    ],
)
def test_each_bad_field_is_named(field: str, value: str) -> None:
    config, errors = validate(_input(**{field: value}))

    assert config is None
    assert list(errors) == [field]


def test_every_error_at_once() -> None:
    config, errors = validate(
        SettingsInput(emojis="", categories="", retention_days="x", resolved_mark="?")
    )
    assert config is None
    assert set(errors) == {"emojis", "categories", "retention_days", "resolved_mark"}


@pytest.mark.parametrize("days", ["1", "3650", " 180 "])
def test_retention_bounds_are_inclusive(days: str) -> None:
    config, errors = validate(_input(retention_days=days))
    assert errors == {}
    assert config is not None
    assert config.retention_days == int(days)


def test_limits_are_exactly_10_emojis_20_categories_40_characters() -> None:
    config, errors = validate(
        _input(
            emojis=",".join(f"e{n}" for n in range(10)),
            categories=",".join(f"{n:02d}" + "c" * 38 for n in range(20)),
        )
    )
    assert errors == {}
    assert config is not None
    assert len(config.emojis) == 10
    assert len(config.categories) == 20


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text(), st.text(), st.text())
def test_validate_never_raises(emojis: str, categories: str, days: str, mark: str) -> None:
    config, errors = validate(SettingsInput(emojis, categories, days, mark))

    assert (config is None) == bool(errors)
    if config is not None:
        assert config.emojis
        assert config.categories
        assert all(workspace_settings.EMOJI_NAME.match(name) for name in config.emojis)
        assert len(set(config.emojis)) == len(config.emojis)
        assert 1 <= config.retention_days <= 3650
        assert config.resolved_mark in workspace_settings.RESOLVED_MARKS


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.from_regex(r"\A[a-z0-9_+'\-]{1,20}\Z"), min_size=1, max_size=10),
    st.integers(min_value=1, max_value=3650),
    st.sampled_from(workspace_settings.RESOLVED_MARKS),
)
def test_valid_input_round_trips(emojis: list[str], days: int, mark: str) -> None:
    raw = SettingsInput(", ".join(f":{name}:" for name in emojis), "delay", str(days), mark)

    config, errors = validate(raw)

    assert errors == {}
    assert config == IrritantConfig(tuple(dict.fromkeys(emojis)), ("delay",), days, mark)


def test_defaults_until_saved_then_what_was_saved(runtime: Core) -> None:
    def load() -> IrritantConfig:
        return runtime.in_transaction(workspace_settings.load, team_id="T0ACME")

    assert load() == IrritantConfig()
    assert IrritantConfig().emojis == ("irritant", "rage")
    assert IrritantConfig().retention_days == 180

    for config in (
        IrritantConfig(("rage",), ("delay", "other"), 30, "reply"),
        IrritantConfig(("irritant", "sob"), ("billing",), 400, "none"),
    ):
        runtime.in_transaction(
            workspace_settings.save,
            team_id="T0ACME",
            enterprise_id=None,
            config=config,
            actor_id="U0ADMIN",
            now=runtime.clock.now(),
        )
        assert load() == config
