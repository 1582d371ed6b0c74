"""A watch pauses when the bot is removed from a channel it needs, and resumes when the bot
is invited back; its owner hears each once, in their own language. Over signed HTTP
against the Slack stand-in, with the injected clock."""

from __future__ import annotations

from datetime import timedelta

from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CLIENTS, TEAM, Slack
from tests.handlers.payloads import send_event
from tests.handlers.watcher_fixtures import (
    TEAM_CHANNEL,
    WatchChannel,
    alert_posts,
    client_writes,
    direct_messages,
    stored,
    tick,
)

pytest_plugins = ["tests.handlers.watcher_fixtures"]

HOUR = timedelta(hours=1)


def _bot_leaves(slack: Slack, channel: str) -> None:
    with slack.standin.lock:
        slack.standin.channels[channel].members.remove(BOT_USER)


def _bot_joins(slack: Slack, channel: str) -> int:
    with slack.standin.lock:
        slack.standin.channels[channel].members.append(BOT_USER)
    event = {
        "type": "member_joined_channel",
        "user": BOT_USER,
        "channel": channel,
        "channel_type": "C",
        "team": TEAM,
        "inviter": ANNA,
    }
    return send_event(slack, event)


def _channel_left(slack: Slack, channel: str, *, event_id: str | None = None) -> int:
    event = {"type": "channel_left", "channel": channel, "actor_id": ANNA, "event_ts": "1.0"}
    return send_event(slack, event, event_id=event_id)


def test_removed_from_the_watched_channel_pauses_the_watch_and_tells_the_owner_once(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack)
    _bot_leaves(slack, CLIENTS)
    assert _channel_left(slack, CLIENTS, event_id="Ev0LEFT1") == 200
    assert _channel_left(slack, CLIENTS, event_id="Ev0LEFT1") == 200  # Slack's retry
    slack.bot.drain_outbox()
    [told] = direct_messages(slack, ANNA)
    assert f"<#{CLIENTS}>" in told["text"]
    assert "/invite @journeybot" in told["text"]
    assert "paused" in told["text"]
    # Past the nudge and the deadline: nothing is posted while paused, and nobody is told
    # again (the escalation's DM to the owner is not sent either).
    tick(slack, 3 * HOUR)
    tick(slack, 2 * HOUR)
    assert alert_posts(slack) == []
    assert len(direct_messages(slack, ANNA)) == 1
    assert [request.next_check_at for request in stored(slack)] == [None]

    # Invited back: the watch resumes, the owner is told, and the alerts that fell due
    # during the pause are not sent late (the bot missed what was said meanwhile).
    assert _bot_joins(slack, CLIENTS) == 200
    slack.bot.drain_outbox()
    resumed = direct_messages(slack, ANNA)[1]
    assert "on again" in resumed["text"]
    assert "1 request went past its reminder time" in resumed["text"]
    tick(slack, HOUR)
    assert alert_posts(slack) == []
    [request] = stored(slack)
    assert request.breached  # the client's clock ran all along

    # A new request is watched as before.
    client_writes(slack, "Another question", user="U0CLIENT2")
    tick(slack, 3 * HOUR)
    assert len(alert_posts(slack, CLIENTS)) == 1


def test_a_request_not_yet_due_keeps_its_schedule_across_a_pause(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    client_writes(slack)
    slack.bot.runtime.clock.advance(HOUR)  # type: ignore[attr-defined]
    _bot_leaves(slack, CLIENTS)
    bot_left = {"type": "member_left_channel", "user": BOT_USER, "channel": CLIENTS}
    assert send_event(slack, bot_left) == 200
    assert _bot_joins(slack, CLIENTS) == 200
    slack.bot.drain_outbox()
    [paused, resumed] = direct_messages(slack, ANNA)
    assert "paused" in paused["text"]
    assert "on again" in resumed["text"]
    assert "reminder time" not in resumed["text"]  # nothing fell due meanwhile
    tick(slack, 2 * HOUR)  # 3 h in: the nudge point of a 4 h window
    assert len(alert_posts(slack, CLIENTS)) == 1


def test_an_alert_refused_in_the_team_channel_pauses_the_watch_until_the_bot_is_invited(
    slack: Slack, watched: WatchChannel
) -> None:
    # The team channel exists but the bot is not in it; the owner speaks French.
    slack.standin.add_channel(TEAM, TEAM_CHANNEL, name="support-team", members=[ANNA, BRUNO])
    watched(alert_channel_id=TEAM_CHANNEL, owner=BRUNO)
    client_writes(slack)
    tick(slack, 3 * HOUR)  # the nudge: not_in_channel
    tick(slack, 2 * HOUR)  # the escalation would come now: the watch is paused
    assert alert_posts(slack) == []
    [told] = direct_messages(slack, BRUNO)
    assert f"<#{TEAM_CHANNEL}>" in told["text"]
    assert "/invite @journeybot" in told["text"]
    assert "en pause" in told["text"]

    client_writes(slack, "Second question", user="U0CLIENT2")
    assert _bot_joins(slack, TEAM_CHANNEL) == 200
    slack.bot.drain_outbox()
    resumed = direct_messages(slack, BRUNO)[1]
    assert "reprend" in resumed["text"]
    assert "1\u00a0demande" in resumed["text"]
    tick(slack, 3 * HOUR)  # the second request's nudge goes to the team channel
    [nudge] = alert_posts(slack, TEAM_CHANNEL)
    assert stored(slack)[1].nudged_at is not None
    assert nudge["channel"] == TEAM_CHANNEL


def test_an_archived_team_channel_says_to_unarchive_it(slack: Slack, watched: WatchChannel) -> None:
    slack.standin.add_channel(
        TEAM, TEAM_CHANNEL, name="support-team", members=[BOT_USER, ANNA], is_archived=True
    )
    watched(alert_channel_id=TEAM_CHANNEL)
    client_writes(slack)
    tick(slack, 3 * HOUR)
    [told] = direct_messages(slack, ANNA)
    assert "unarchive" in told["text"]
    assert alert_posts(slack) == []


def test_group_left_pauses_and_a_person_leaving_does_not(
    slack: Slack, watched: WatchChannel
) -> None:
    watched()
    person_left = {"type": "member_left_channel", "user": BRUNO, "channel": CLIENTS}
    assert send_event(slack, person_left) == 200
    slack.bot.drain_outbox()
    assert direct_messages(slack, ANNA) == []  # a person leaving is no reason to pause
    _bot_leaves(slack, CLIENTS)
    assert send_event(slack, {"type": "group_left", "channel": CLIENTS}) == 200
    slack.bot.drain_outbox()
    [told] = direct_messages(slack, ANNA)
    assert "paused" in told["text"]
