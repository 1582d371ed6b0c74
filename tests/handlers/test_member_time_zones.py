"""Each person's own time zone (RELIABILITY.md row 17): a `user_change` event refreshes the
cached zone at once, and the next answer that reads it uses the new zone without asking Slack
again; a Slack Connect partner's profile change leaves our cache alone."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sqlalchemy import select

from bot.clock import FrozenClock
from storage.models import MemberProfile
from tests.handlers.conftest import ANNA, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.payloads import send_event
from tests.handlers.promises_helpers import run

# A Monday, 15:00 UTC: 10:00 in New York (at work), midnight in Tokyo (not).
MONDAY_AFTERNOON = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _at_work(slack: Slack) -> str:
    _ack, posted = run(slack, "watch status", user=ANNA, channel=CLIENTS)
    assert posted is not None
    found = re.search(r"\*At work now:\* ([^\"\\]*)", json.dumps(posted["blocks"]))
    assert found is not None
    return found.group(1)


def _cached_zone(slack: Slack, user_id: str, team_id: str = TEAM) -> str | None:
    with slack.runtime.session_factory() as session:
        return session.scalar(
            select(MemberProfile.timezone).where(
                MemberProfile.team_id == team_id, MemberProfile.user_id == user_id
            )
        )


def _user_change(slack: Slack, user_id: str, tz: str | None, team_id: str = TEAM) -> None:
    profile: dict[str, object] = {"id": user_id, "team_id": team_id, "tz_offset": 0}
    if tz is not None:
        profile["tz"] = tz
    event = {"type": "user_change", "user": profile, "event_ts": "1700000000.000200"}
    assert send_event(slack, event) == 200


def test_one_user_change_moves_the_member_to_their_new_clock(
    slack: Slack, clock: FrozenClock
) -> None:
    run(slack, "watch 4h business team <@U0CHLOE|chloe>", user=ANNA, channel=CLIENTS)
    clock.set(MONDAY_AFTERNOON)
    assert _at_work(slack) == "<@U0CHLOE>"  # New York, from users.info, then cached
    assert _cached_zone(slack, CHLOE) == "America/New_York"

    _user_change(slack, CHLOE, "Asia/Tokyo")  # Chloe moved; Slack still says so in users.info
    slack.standin.clear_calls()

    assert _cached_zone(slack, CHLOE) == "Asia/Tokyo"  # within the one event
    assert _at_work(slack) == "nobody"  # midnight in Tokyo
    # Read from the cache the event refreshed, not asked again.
    assert CHLOE not in {call.args.get("user") for call in slack.standin.calls("users.info")}


def test_a_partner_s_profile_change_leaves_our_cache_alone(
    slack: Slack, clock: FrozenClock
) -> None:
    run(slack, "watch 4h business team <@U0CHLOE|chloe>", user=ANNA, channel=CLIENTS)
    clock.set(MONDAY_AFTERNOON)
    assert _at_work(slack) == "<@U0CHLOE>"

    # Same user id seen through a Slack Connect channel, from the partner's workspace.
    _user_change(slack, CHLOE, "Asia/Tokyo", team_id="T0PARTNER")

    assert _cached_zone(slack, CHLOE) == "America/New_York"
    assert _cached_zone(slack, CHLOE, team_id="T0PARTNER") is None
    assert _at_work(slack) == "<@U0CHLOE>"


def test_a_zone_removed_from_the_profile_falls_back_to_the_promise_s_hours(
    slack: Slack, clock: FrozenClock
) -> None:
    run(slack, "watch 4h business team <@U0CHLOE|chloe>", user=ANNA, channel=CLIENTS)
    clock.set(MONDAY_AFTERNOON)
    assert _at_work(slack) == "<@U0CHLOE>"

    _user_change(slack, CHLOE, None)

    assert _cached_zone(slack, CHLOE) is None
    # Without a zone of her own, the watch's business hours decide (15:00 UTC is inside them).
    assert _at_work(slack) == "<@U0CHLOE>"
