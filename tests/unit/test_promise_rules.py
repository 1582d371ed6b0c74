"""The watch rules: the form's validation, the one-liner's defaults, where alerts may go."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest

from bot.promises.rules import (
    DEFAULT_ACK_REACTIONS,
    ChannelFacts,
    Field,
    FieldError,
    Team,
    WatchForm,
    WatchSetup,
    WatchTeam,
    alert_refusal,
    from_one_liner,
    validate_form,
)
from bot.watch_syntax import parse_watch
from handlers.features import feature_set

VALID = WatchForm(
    window="4h",
    timezone="Europe/Paris",
    weekdays=("0", "1", "2", "3", "4"),
    opens="09:00",
    closes="17:00",
)


def _fields(form: WatchForm) -> set[str]:
    setup, errors = validate_form(form)
    assert setup is None
    return {error.field for error in errors}


def test_a_valid_form_gives_the_defaults_it_was_not_given() -> None:
    setup, errors = validate_form(VALID)
    assert errors == []
    assert setup == WatchSetup(window=timedelta(hours=4))
    assert setup.ack_reactions == DEFAULT_ACK_REACTIONS
    assert setup.nudge_fraction == 0.75


def test_business_hours_from_the_form() -> None:
    setup, errors = validate_form(
        replace(VALID, business=True, holidays=" fr ", closes="00:00", weekdays=("5", "6"))
    )
    assert errors == []
    assert setup is not None
    assert setup.hours is not None
    assert setup.hours.weekdays == frozenset({5, 6})
    assert (setup.hours.opens, setup.hours.closes) == (time(9), time(0))
    assert setup.hours.holiday_country == "FR"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"window": "40d"}, Field.window),
        ({"window": ""}, Field.window),
        ({"text": "x" * 301}, Field.text),
        ({"business": True, "timezone": "Paris"}, Field.timezone),
        ({"business": True, "weekdays": ()}, Field.weekdays),
        ({"business": True, "opens": ""}, Field.opens),
        ({"business": True, "closes": "08:00"}, Field.closes),
        ({"business": True, "holidays": "XX"}, Field.holidays),
        ({"business": True, "holidays": "France"}, Field.holidays),
        ({"team_kind": "named_users"}, Field.team_people),
        ({"team_kind": "user_group", "team_group": "ops"}, Field.team_group),
        ({"team_kind": "everyone"}, Field.team_kind),
        ({"nudge": "0"}, Field.nudge),
        ({"nudge": "100"}, Field.nudge),
        ({"reactions": "Eyes!"}, Field.reactions),
        ({"reactions": ",".join(f"e{n}" for n in range(11))}, Field.reactions),
        ({"alerts": "team_channel"}, Field.alert_channel),
        ({"alerts": "elsewhere"}, Field.alerts),
    ],
)
def test_each_wrong_field_is_refused_on_its_own_field(
    change: dict[str, object], field: str
) -> None:
    assert _fields(replace(VALID, **change)) == {field}  # type: ignore[arg-type]


def test_business_fields_are_ignored_without_business_hours() -> None:
    setup, errors = validate_form(replace(VALID, timezone="Nowhere", weekdays=()))
    assert errors == []
    assert setup is not None
    assert setup.hours is None


def test_a_group_is_read_from_its_id_or_its_escaped_mention() -> None:
    for typed in ("S0OPS", "<!subteam^S0OPS|@ops>"):
        setup, _errors = validate_form(replace(VALID, team_kind="user_group", team_group=typed))
        assert setup is not None
        assert setup.team == Team(WatchTeam.user_group, group_id="S0OPS")


def test_the_one_liner_reads_slack_s_escaped_text_whole() -> None:
    parsed = feature_set().catalog.parse("watch 4h business team <@U111|Marie Curie> <@U222|jack>")
    setup = from_one_liner(parse_watch(parsed.rest), timezone="America/New_York")
    assert setup.team == Team(WatchTeam.named_users, user_ids=("U111", "U222"))
    assert setup.hours is not None
    assert setup.hours.timezone == "America/New_York"
    assert (setup.hours.opens, setup.hours.closes) == (time(9), time(17))


def test_the_one_liner_without_a_known_time_zone_uses_utc() -> None:
    setup = from_one_liner(parse_watch("4h business"), timezone=None)
    assert setup.hours is not None
    assert setup.hours.timezone == "UTC"


def test_the_one_liner_names_people_or_one_group() -> None:
    with pytest.raises(FieldError, match="Name either people or one user group"):
        from_one_liner(parse_watch("4h team <@U1> <!subteam^S1>"), timezone=None)
    with pytest.raises(FieldError, match="Name one user group for the team, not several"):
        from_one_liner(parse_watch("4h team <!subteam^S1> <!subteam^S2>"), timezone=None)


INSIDE = ChannelFacts(found=True, externally_shared=False, bot_is_member=True)
SHARED = ChannelFacts(found=True, externally_shared=True, bot_is_member=True)
THREAD = WatchSetup(window=timedelta(hours=4))
TEAM_ROOM = replace(THREAD, alert_channel_id="C0TEAM")


@pytest.mark.parametrize(
    ("setup", "channel", "alert_channel", "refused"),
    [
        (THREAD, INSIDE, None, False),
        (THREAD, SHARED, None, True),
        (TEAM_ROOM, SHARED, INSIDE, False),
        (TEAM_ROOM, INSIDE, INSIDE, False),
        (TEAM_ROOM, SHARED, SHARED, True),  # alerts in another shared channel: clients read it
        (TEAM_ROOM, SHARED, ChannelFacts(found=False), True),  # another workspace's channel
        (TEAM_ROOM, SHARED, ChannelFacts(found=True), True),  # the bot is not in it
        (replace(THREAD, alert_channel_id="C0WATCHED"), SHARED, SHARED, True),
    ],
)
def test_where_alerts_may_go(
    setup: WatchSetup,
    channel: ChannelFacts,
    alert_channel: ChannelFacts | None,
    refused: bool,
) -> None:
    refusal = alert_refusal(
        setup, channel_id="C0WATCHED", channel=channel, alert_channel=alert_channel
    )
    assert (refusal is not None) == refused
    if refusal is not None:
        assert refusal.field == Field.alert_channel
