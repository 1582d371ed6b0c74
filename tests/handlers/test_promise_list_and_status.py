"""`/journey watch status` (who is at work now), `/journey promises` and its pages, the
`user_change` event, and uninstall, over signed HTTP."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import FrozenClock
from storage.enums import PromiseKind
from storage.models import MemberProfile, Promise, PromiseVersion
from storage.repositories import promises as repo
from storage.repositories.promises import Terms
from tests.handlers.conftest import ANNA, BRUNO, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.payloads import block_action, send_event
from tests.handlers.promises_helpers import run


def _profiles(slack: Slack) -> dict[str, str | None]:
    with slack.runtime.session_factory() as session:
        rows = session.execute(
            select(MemberProfile.user_id, MemberProfile.timezone).where(
                MemberProfile.team_id == TEAM
            )
        )
        return {user_id: timezone for user_id, timezone in rows}


def test_status_shows_the_watch_and_who_is_at_work_now(slack: Slack, clock: FrozenClock) -> None:
    run(slack, "watch 4h team <@U0BRUNO|bruno> <@U0CHLOE|chloe>", user=ANNA, channel=CLIENTS)
    now = int(clock.now().timestamp())
    slack.standin.set_dnd(TEAM, BRUNO, now - 60, now + 3600)  # Bruno is in Do Not Disturb

    _ack, posted = run(slack, "watch status", user=ANNA, channel=CLIENTS)

    assert posted is not None
    text = json.dumps(posted["blocks"])
    assert "We acknowledge every request within 4h" in text
    assert "*At work now:* <@U0CHLOE>" in text
    assert "<@U0BRUNO>, <@U0CHLOE>" in text  # the team itself
    assert {call.args["user"] for call in slack.standin.calls("dnd.info")} == {BRUNO, CHLOE}
    # Time zones come from users.info once, then from storage.
    assert _profiles(slack) == {BRUNO: "Europe/Paris", CHLOE: "America/New_York"}
    slack.standin.clear_calls()
    run(slack, "surveiller statut", user=BRUNO, channel=CLIENTS)
    looked_up = {call.args.get("user") for call in slack.standin.calls("users.info")}
    assert CHLOE not in looked_up


def test_business_hours_are_read_on_each_member_s_own_clock(
    slack: Slack, clock: FrozenClock
) -> None:
    # 2026-03-02 is a Monday. At 15:00 UTC it is 16:00 in Paris and 10:00 in New York.
    run(
        slack,
        "watch 4h business team <@U0BRUNO|bruno> <@U0CHLOE|chloe>",
        user=BRUNO,
        channel=CLIENTS,
    )
    clock.set(clock.now().replace(year=2026, month=3, day=2, hour=15, minute=0))
    _ack, posted = run(slack, "watch status", user=ANNA, channel=CLIENTS)
    assert posted is not None
    assert "*At work now:* <@U0BRUNO>, <@U0CHLOE>" in json.dumps(posted["blocks"])

    clock.set(clock.now().replace(hour=17, minute=30))  # 18:30 in Paris, 12:30 in New York
    _ack, posted = run(slack, "watch status", user=ANNA, channel=CLIENTS)
    assert posted is not None
    assert "*At work now:* <@U0CHLOE>" in json.dumps(posted["blocks"])


def test_user_change_refreshes_the_cached_time_zone(slack: Slack) -> None:
    run(slack, "watch 4h team <@U0CHLOE|chloe>", user=ANNA, channel=CLIENTS)
    run(slack, "watch status", user=ANNA, channel=CLIENTS)
    assert _profiles(slack)[CHLOE] == "America/New_York"

    event = {
        "type": "user_change",
        "user": {"id": CHLOE, "team_id": TEAM, "tz": "Asia/Tokyo", "tz_offset": 32400},
        "event_ts": "1700000000.000200",
    }
    assert send_event(slack, event) == 200

    assert _profiles(slack)[CHLOE] == "Asia/Tokyo"


def _commitments(slack: Slack, count: int) -> None:
    def work(session: Session) -> None:
        for number in range(count):
            repo.add_promise(
                session,
                team_id=TEAM,
                enterprise_id=None,
                channel_id=CLIENTS,
                kind=PromiseKind.commitment,
                created_by=CHLOE,
                terms=Terms(text=f"Commitment number {number}"),
                now=slack.runtime.clock.now() + timedelta(seconds=number),
                exercise_id=12,
            )

    slack.runtime.in_transaction(work)


def test_promises_are_listed_a_page_at_a_time(slack: Slack) -> None:
    run(slack, "watch 4h", user=ANNA, channel=CLIENTS)
    _commitments(slack, 6)

    _ack, first = run(slack, "promesses", user=BRUNO, channel=CLIENTS)

    assert first is not None
    text = json.dumps(first["blocks"], ensure_ascii=False)
    assert "Les promesses de ce canal" in text
    assert "Page 1 sur 2 · 7\u00a0promesses" in text
    # The watch (set by Anna in English) reads in Bruno's French and comes first; then the
    # commitments, with who made them and from which exercise.
    watch_at = text.index("Nous prenons en compte chaque demande sous 4h")
    assert watch_at < text.index("Commitment number 0")
    assert "issue de l’exercice n°\u00a012" in text
    next_button = next(
        element
        for block in first["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    )
    status, _ack, url = block_action(
        slack, user=BRUNO, action_id=next_button["action_id"], value=next_button["value"]
    )
    assert status == 200
    second = [c for c in slack.standin.wait_for("response_url") if c.url == url][-1].args
    second_text = json.dumps(second["blocks"], ensure_ascii=False)
    assert "Page 2 sur 2" in second_text
    assert "Commitment number 5" in second_text
    assert second["replace_original"] is True


def test_a_forged_page_button_shows_nothing(slack: Slack) -> None:
    forged = json.dumps({"team_id": TEAM, "channel_id": "C0PRIVATE", "page": 0})
    status, _ack, url = block_action(slack, user=ANNA, action_id="promises-page-next", value=forged)
    assert status == 200
    posted = [c for c in slack.standin.wait_for("response_url") if c.url == url][-1].args
    assert posted["text"] == "This list is out of date; run the command again."


def test_an_empty_channel_says_how_to_make_a_promise(slack: Slack) -> None:
    _ack, posted = run(slack, "promises", user=ANNA, channel=CLIENTS)
    assert posted is not None
    assert "`/journey watch` promises a response time" in json.dumps(posted["blocks"])


def test_uninstall_purges_promises_versions_and_profiles(slack: Slack) -> None:
    run(slack, "watch 4h team <@U0CHLOE|chloe>", user=ANNA, channel=CLIENTS)
    run(slack, "watch 2h", user=ANNA, channel=CLIENTS)
    run(slack, "watch status", user=ANNA, channel=CLIENTS)
    _commitments(slack, 1)
    with slack.runtime.session_factory() as session:
        before = [
            session.scalar(select(func.count()).select_from(model))
            for model in (Promise, PromiseVersion, MemberProfile)
        ]
    assert before == [2, 3, 3]  # the watch (two versions), a commitment; three members

    assert send_event(slack, {"type": "app_uninstalled", "event_ts": "1.3"}) == 200

    with slack.runtime.session_factory() as session:
        for model in (Promise, PromiseVersion, MemberProfile):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model


def test_help_lists_the_promise_commands_in_each_language(slack: Slack) -> None:
    english, _posted = run(slack, "help", user=ANNA, channel=CLIENTS)
    french, _posted = run(slack, "aide", user=BRUNO, channel=CLIENTS)

    shown = {
        "en": json.dumps(json.loads(english)["blocks"], ensure_ascii=False),
        "fr": json.dumps(json.loads(french)["blocks"], ensure_ascii=False),
    }
    for word in ("/journey watch", "/journey unwatch", "/journey promises"):
        assert word in shown["en"]
    for word in ("/journey surveiller", "/journey ne-plus-surveiller", "/journey promesses"):
        assert word in shown["fr"]
    assert "Promettre un délai de réponse dans ce canal" in shown["fr"]
