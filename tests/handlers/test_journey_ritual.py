"""The journey ritual over signed HTTP against the Slack stand-in: start, moments, cards,
feelings, votes, phases, board, list, map and exports."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from storage.models import JourneyCard, JourneyExercise, JourneyFeeling, JourneyMoment, JourneyVote
from tests.handlers.conftest import ANNA, BRUNO, CHLOE, CLIENTS, OTHER_TEAM, PRIVATE, TEAM, Slack
from tests.handlers.journey_flow import (
    as_dict,
    chosen,
    click,
    ephemeral_texts,
    last_opened,
    new_values,
    opened_view_id,
    start_exercise,
    view_action,
)
from tests.handlers.payloads import command, submit_view, text_input

DAVID = "U0DAVID"  # in the workspace, not in #clients


@pytest.fixture
def ritual(slack: Slack) -> Slack:
    slack.standin.add_user(TEAM, DAVID, name="david", tz="Europe/London", locale="en-GB")
    return slack


def _count(slack: Slack, model: type) -> int:
    with slack.runtime.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _exercise(slack: Slack, exercise_id: int) -> JourneyExercise:
    with slack.runtime.session_factory() as session:
        row = session.get(JourneyExercise, exercise_id)
        assert row is not None
        session.expunge(row)
        return row


def _add_moment(slack: Slack, exercise_id: int, user: str, name: str, touchpoint: str = "email"):
    before = len(slack.standin.calls("views.open"))
    click(slack, user=user, action_id="journey-add-moment", value=str(exercise_id))
    view = last_opened(slack, before + 1)
    return submit_view(
        slack,
        view,
        {
            "name": text_input(name),
            "touchpoint": chosen(touchpoint),
            "note": text_input(None),
            "position": {"value": {"type": "number_input", "value": None}},
        },
        user=user,
    )


def _next_phase_value(slack: Slack, exercise_id: int) -> str:
    """The Next phase button of the exercise message, as last posted or updated."""
    calls = slack.standin.calls("chat.postMessage") + slack.standin.calls("chat.update")
    calls.sort(key=lambda call: call.at)
    for call in reversed(calls):
        blocks = call.args.get("blocks") or []
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        for block in blocks:
            for element in block.get("elements") or []:
                if element.get("action_id") == "journey-next-phase" and str(
                    element.get("value", "")
                ).startswith(f"{exercise_id}:"):
                    return str(element["value"])
    raise AssertionError("no exercise message with a Next phase button")


def _moment_ids(slack: Slack, exercise_id: int) -> list[int]:
    with slack.runtime.session_factory() as session:
        return list(
            session.scalars(
                select(JourneyMoment.id)
                .where(JourneyMoment.exercise_id == exercise_id, JourneyMoment.deleted_at.is_(None))
                .order_by(JourneyMoment.position)
            )
        )


def _add_card(
    slack: Slack,
    exercise_id: int,
    user: str,
    moment_id: int,
    column: str,
    text: str | None,
    feeling: str | None = None,
):
    before = len(slack.standin.calls("views.open"))
    click(slack, user=user, action_id="journey-add-card", value=str(exercise_id))
    view = last_opened(slack, before + 1)
    return submit_view(
        slack,
        view,
        {
            "moment": chosen(str(moment_id)),
            "column": chosen(column),
            "text": text_input(text),
            "feeling": chosen(feeling),
        },
        user=user,
    )


def test_new_validates_inline_and_posts_the_exercise_message(ritual: Slack) -> None:
    slack = ritual
    status, _ack, _url = command(slack, "new Negotiating a contract", user=ANNA)
    assert status == 200
    view = last_opened(slack)
    task_block = next(b for b in view["blocks"] if b.get("block_id") == "task")
    assert task_block["element"]["initial_value"] == "Negotiating a contract"
    now = slack.runtime.clock.now()
    for values, field in (
        (new_values(now, task="  "), "task"),
        (new_values(now, task="x" * 151), "task"),
        (new_values(now, persona="p" * 81), "persona_name"),
        (new_values(now, days=(-1, 3, 4)), "moments_deadline"),
        (new_values(now, days=(3, 2, 4)), "columns_deadline"),
        (new_values(now, votes=0), "votes"),
        (new_values(now, votes=11), "votes"),  # more than the 10 a member may hold
    ):
        status, ack = submit_view(slack, view, values, user=ANNA)
        assert ack["response_action"] == "errors", field
        assert field in ack["errors"], (field, ack)
    assert _count(slack, JourneyExercise) == 0  # a rejected submission writes nothing
    status, ack = submit_view(slack, view, new_values(now), user=ANNA)
    assert ack.get("response_action") is None
    slack.bot.drain_outbox()
    [posted] = slack.standin.calls("chat.postMessage")
    assert posted.args["channel"] == CLIENTS
    text = json.dumps(posted.args, ensure_ascii=False)
    assert "#1 Negotiating a contract" in text
    assert "journey-next-phase" in text
    assert "journey-add-moment" in text
    with slack.runtime.session_factory() as session:
        [first_id] = session.scalars(select(JourneyExercise.id)).all()
    row = _exercise(slack, first_id)
    assert row.number == 1
    assert row.facilitator_id == ANNA
    assert row.message_ts == posted.response["ts"]
    # A second exercise in the channel is #2.
    second = start_exercise(slack, user=BRUNO, task="Answering a claim")
    assert _exercise(slack, second).number == 2


def test_a_shared_channel_warns_before_starting(ritual: Slack) -> None:
    slack = ritual
    slack.standin.add_channel(
        TEAM, "C0SHARED", name="shared", members=["U0JOURNEY", ANNA], is_ext_shared=True
    )
    command(slack, "new Onboarding", user=ANNA, channel="C0SHARED")
    [update] = slack.standin.wait_for("views.update")
    view = as_dict(update.args["view"])
    assert any(b.get("block_id") == "shared_warning" for b in view["blocks"])
    values = new_values(slack.runtime.clock.now(), channel="C0SHARED")
    _status, ack = submit_view(slack, view, values, user=ANNA)
    assert ack["response_action"] == "errors"
    assert "shared_ok" in ack["errors"]
    values["shared_ok"] = {
        "value": {
            "type": "checkboxes",
            "selected_options": [{"text": {"type": "plain_text", "text": "yes"}, "value": "yes"}],
        }
    }
    _status, ack = submit_view(slack, view, values, user=ANNA)
    assert ack.get("response_action") is None
    assert _count(slack, JourneyExercise) == 1


def test_moments_cards_feelings_votes_and_phases(ritual: Slack) -> None:
    slack = ritual
    exercise_id = start_exercise(slack, user=ANNA)
    # Moments: members add them; a duplicate name is refused inline; outsiders are refused.
    assert _add_moment(slack, exercise_id, BRUNO, "First call")[1].get("response_action") is None
    assert _add_moment(slack, exercise_id, CHLOE, "First draft", "document")[1] == {}
    _status, ack = _add_moment(slack, exercise_id, CHLOE, "first CALL")
    assert ack["response_action"] == "errors"
    assert "name" in ack["errors"]
    click(slack, user=DAVID, action_id="journey-add-moment", value=str(exercise_id))
    assert any("Only members" in text for text in ephemeral_texts(slack))
    first, draft = _moment_ids(slack, exercise_id)
    # Only the facilitator moves the exercise on; a double click moves it once.
    slack.bot.drain_outbox()
    value = _next_phase_value(slack, exercise_id)
    assert value == f"{exercise_id}:moments"
    click(slack, user=BRUNO, action_id="journey-next-phase", value=value)
    assert _exercise(slack, exercise_id).phase == "moments"
    click(slack, user=ANNA, action_id="journey-next-phase", value=value)
    click(slack, user=ANNA, action_id="journey-next-phase", value=value)
    assert _exercise(slack, exercise_id).phase == "columns"
    slack.bot.drain_outbox()
    assert _next_phase_value(slack, exercise_id) == f"{exercise_id}:columns"  # message updated
    # Cards and feelings.
    assert _add_card(slack, exercise_id, BRUNO, first, "today", "We answer within a week")[1] == {}
    assert (
        _add_card(slack, exercise_id, BRUNO, first, "tomorrow", "Answer within 24h", "-1")[1] == {}
    )
    assert _add_card(slack, exercise_id, CHLOE, draft, "tomorrow", "Send a template", "1")[1] == {}
    assert _add_card(slack, exercise_id, CHLOE, draft, "tomorrow", None, "2")[1] == {}  # re-rate
    _status, ack = _add_card(slack, exercise_id, CHLOE, draft, "tomorrow", None, None)
    assert ack["response_action"] == "errors"
    assert _count(slack, JourneyCard) == 3
    # The same card submitted again (a double click on Add) is still one card.
    assert _add_card(slack, exercise_id, BRUNO, first, "today", "We answer within a week")[1] == {}
    assert _count(slack, JourneyCard) == 3
    with slack.runtime.session_factory() as session:
        ratings = session.execute(select(JourneyFeeling.user_id, JourneyFeeling.rating)).all()
    assert sorted(ratings) == [(BRUNO, -1), (CHLOE, 2)]
    # Voting on the personal ballot.
    click(slack, user=ANNA, action_id="journey-next-phase", value=str(exercise_id))
    assert _exercise(slack, exercise_id).phase == "vote"
    click(slack, user=BRUNO, action_id="journey-vote", value=str(exercise_id))
    ballot = last_opened(slack, len(slack.standin.calls("views.open")))
    view_id = opened_view_id(slack)
    buttons = [
        b["accessory"]
        for b in ballot["blocks"]
        if (b.get("accessory") or {}).get("action_id") == "journey-cast"
    ]
    assert len(buttons) == 2
    # A double click (the same button twice) counts once.
    for _twice in range(2):
        view_action(
            slack,
            user=BRUNO,
            view=ballot,
            view_id=view_id,
            action_id="journey-cast",
            value=buttons[0]["value"],
        )
    assert _count(slack, JourneyVote) == 1
    updated = as_dict(slack.standin.calls("views.update")[-1].args["view"])
    again = [
        b["accessory"]["value"]
        for b in updated["blocks"]
        if (b.get("accessory") or {}).get("action_id") == "journey-cast"
    ]
    for value in (again[0], again[0].replace(":1:", ":2:")):  # several votes on one card
        view_action(
            slack, user=BRUNO, view=updated, view_id=view_id, action_id="journey-cast", value=value
        )
    assert _count(slack, JourneyVote) == 3
    # No fourth vote: the ballot holds 3.
    view_action(
        slack,
        user=BRUNO,
        view=updated,
        view_id=view_id,
        action_id="journey-cast",
        value=again[1].replace(":1:", ":3:"),
    )
    assert _count(slack, JourneyVote) == 3
    # Take one back.
    view_action(
        slack,
        user=BRUNO,
        view=updated,
        view_id=view_id,
        action_id="journey-take-back",
        value=again[0].replace(":1:", ":3:"),
    )
    assert _count(slack, JourneyVote) == 2
    # The list and the board.
    _status, ack, _url = command(slack, "list", user=CHLOE)
    listing = json.loads(ack)
    assert "#1 Negotiating a contract" in json.dumps(listing)
    assert "2 votes" in json.dumps(listing)
    _status, ack, _url = command(slack, "board #1", user=CHLOE)
    board = json.dumps(json.loads(ack), ensure_ascii=False)
    assert "First call" in board
    assert "Answer within 24h" in board
    assert "(2 votes)" in board
    # The facilitator closes it: the summary names the top idea.
    click(slack, user=ANNA, action_id="journey-next-phase", value=str(exercise_id))
    click(slack, user=ANNA, action_id="journey-next-phase", value=str(exercise_id))
    slack.bot.drain_outbox()
    assert _exercise(slack, exercise_id).phase == "closed"
    summary = json.dumps(slack.standin.calls("chat.postMessage")[-1].args, ensure_ascii=False)
    assert "is closed" in summary
    assert "Answer within 24h" in summary


def test_forged_ids_from_another_workspace_or_channel_are_refused(ritual: Slack) -> None:
    slack = ritual
    exercise_id = start_exercise(slack, user=ANNA)
    # A button from another channel carrying this exercise's id.
    click(slack, user=ANNA, action_id="journey-add-moment", value=str(exercise_id), channel=PRIVATE)
    assert any("no longer exists" in text for text in ephemeral_texts(slack))
    # Another workspace's exercise, named by its id in a payload our installation received.
    now = slack.runtime.clock.now()
    with slack.runtime.session_factory.begin() as session:
        foreign = JourneyExercise(
            team_id=OTHER_TEAM,
            channel_id=CLIENTS,
            number=1,
            task="Theirs",
            persona_name="P",
            persona_line="L",
            facilitator_id=ANNA,
            phase="moments",
            phase_changed_at=now,
            votes_per_member=3,
            anonymous=False,
            locale="en",
            created_at=now,
        )
        session.add(foreign)
        session.flush()
        foreign_id = foreign.id
    for action in ("journey-next-phase", "journey-add-moment", "journey-vote", "journey-board"):
        click(slack, user=ANNA, action_id=action, value=str(foreign_id))
    assert _exercise(slack, foreign_id).phase == "moments"
    assert sum("no longer exists" in text for text in ephemeral_texts(slack)) == 5
    assert _count(slack, JourneyMoment) == 0
