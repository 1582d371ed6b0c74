"""Step five over signed HTTP: promises from the top-voted ideas, and the one-click watch."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import JourneyExercise, Promise, PromiseVersion
from tests.handlers.conftest import ANNA, BRUNO, CLIENTS, Slack
from tests.handlers.journey_flow import (
    chosen,
    click,
    ephemeral_texts,
    last_opened,
    start_exercise,
)
from tests.handlers.payloads import submit_view, text_input
from tests.handlers.test_journey_ritual import _add_card, _add_moment, _moment_ids


def _in_promises_phase(slack: Slack) -> int:
    exercise_id = start_exercise(slack, user=ANNA)
    assert _add_moment(slack, exercise_id, BRUNO, "First call")[1] == {}
    click(slack, user=ANNA, action_id="journey-next-phase", value=str(exercise_id))
    [moment] = _moment_ids(slack, exercise_id)
    assert _add_card(slack, exercise_id, BRUNO, moment, "tomorrow", "Answer within 24h")[1] == {}
    with slack.runtime.session_factory.begin() as session:
        row = session.get(JourneyExercise, exercise_id)
        assert row is not None
        row.phase = "promises"  # type: ignore[assignment]
    return exercise_id


def _promise_values(card: str, window: str | None) -> dict[str, object]:
    return {
        "promise_card": chosen(card),
        "promise_text": text_input("We answer every client email within 24 hours"),
        "promise_channel": {
            "value": {"type": "conversations_select", "selected_conversation": CLIENTS}
        },
        "window": text_input(window),
        "business": {"value": {"type": "checkboxes", "selected_options": []}},
    }


def test_promises_from_ideas_and_the_one_click_watch(slack: Slack) -> None:
    exercise_id = _in_promises_phase(slack)
    # Only the facilitator makes promises.
    click(slack, user=BRUNO, action_id="journey-promise", value=str(exercise_id))
    assert any("Seul l’animateur" in text for text in ephemeral_texts(slack))  # in French
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=ANNA, action_id="journey-promise", value=str(exercise_id))
    modal = last_opened(slack, opened + 1)
    [card] = [o["value"] for o in modal["blocks"][0]["element"]["options"]]
    _status, ack = submit_view(slack, modal, _promise_values(card, "soon"), user=ANNA)
    assert ack["response_action"] == "errors"
    assert "window" in ack["errors"]
    _status, ack = submit_view(slack, modal, _promise_values(card, "24h"), user=ANNA)
    assert ack.get("response_action") is None
    with slack.runtime.session_factory() as session:
        [promise] = session.scalars(select(Promise)).all()
        assert promise.kind == "commitment"  # nothing enforced before the click
        assert promise.exercise_id == exercise_id
    # The facilitator closes the exercise: the summary offers the watch.
    click(slack, user=ANNA, action_id="journey-next-phase", value=str(exercise_id))
    slack.bot.drain_outbox()
    summary = slack.standin.calls("chat.postMessage")[-1].args
    blocks = (
        summary["blocks"] if isinstance(summary["blocks"], list) else json.loads(summary["blocks"])
    )
    [button] = [
        b["accessory"]
        for b in blocks
        if (b.get("accessory") or {}).get("action_id") == "journey-make-watch"
    ]
    click(slack, user=BRUNO, action_id="journey-make-watch", value=button["value"])
    click(slack, user=ANNA, action_id="journey-make-watch", value=button["value"])
    click(slack, user=ANNA, action_id="journey-make-watch", value=button["value"])  # twice
    with slack.runtime.session_factory() as session:
        active = session.scalars(select(Promise).where(Promise.ended_at.is_(None))).all()
        assert [(p.kind, p.exercise_id, p.channel_id) for p in active] == [
            ("response_time", exercise_id, CLIENTS)
        ]
        version = session.scalars(
            select(PromiseVersion).where(PromiseVersion.promise_id == active[0].id)
        ).one()
        assert version.window_seconds == 24 * 3600
        assert version.text == "We answer every client email within 24 hours"
    # The export lists the promise.
    from tests.handlers.payloads import command

    command(slack, "export json", user=ANNA)
    slack.standin.wait_for("files.completeUploadExternal", timeout=30)
    document = json.loads(slack.standin.uploaded_files()[-1].content or b"")
    assert [p["text"] for p in document["promises"]] == [
        "We answer every client email within 24 hours"
    ]


def test_the_map_and_export_show_the_kept_rate_of_the_promises_made_from_a_moment(
    slack: Slack,
) -> None:
    from datetime import timedelta

    from storage.models import ClientRequest, JourneyCard
    from tests.handlers.payloads import command

    exercise_id = _in_promises_phase(slack)
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=ANNA, action_id="journey-promise", value=str(exercise_id))
    modal = last_opened(slack, opened + 1)
    [card] = [o["value"] for o in modal["blocks"][0]["element"]["options"]]
    assert submit_view(slack, modal, _promise_values(card, "24h"), user=ANNA)[1] == {}
    click(slack, user=ANNA, action_id="journey-next-phase", value=str(exercise_id))
    with slack.runtime.session_factory() as session:
        [draft] = session.scalars(select(Promise)).all()
        assert session.get(JourneyCard, int(card)).promise_id == draft.id  # type: ignore[union-attr]
    click(slack, user=ANNA, action_id="journey-make-watch", value=str(draft.id))
    now = slack.runtime.clock.now()
    with slack.runtime.session_factory.begin() as session:
        watch = session.scalars(select(Promise).where(Promise.ended_at.is_(None))).one()
        linked = session.get(JourneyCard, int(card))
        assert linked is not None
        assert linked.promise_id == watch.id  # the card follows its promise to the watch
        version = session.scalars(
            select(PromiseVersion).where(PromiseVersion.promise_id == watch.id)
        ).one()
        # Due and kept, due and missed, answered late, not due yet, and not a request.
        facts = [
            (now - timedelta(hours=30), now - timedelta(hours=29), "acknowledged"),
            (now - timedelta(hours=30), None, "open"),
            (now - timedelta(hours=50), now - timedelta(hours=1), "acknowledged"),
            (now - timedelta(hours=2), None, "open"),
            (now - timedelta(hours=40), None, "dismissed"),
        ]
        for index, (arrived, acknowledged, status) in enumerate(facts):
            session.add(
                ClientRequest(
                    team_id="T0ACME",
                    promise_id=watch.id,
                    promise_version_id=version.id,
                    channel_id=CLIENTS,
                    ts=f"1700000{index}.000100",
                    requester="U0CLIENT",
                    created_at=arrived,
                    last_message_at=arrived,
                    nudge_at=arrived + timedelta(hours=12),
                    due_at=arrived + timedelta(hours=24),
                    status=status,
                    acknowledged_at=acknowledged,
                )
            )
    command(slack, "export json", user=ANNA)
    slack.standin.wait_for("files.completeUploadExternal", timeout=30)
    document = json.loads(slack.standin.uploaded_files()[-1].content or b"")
    [moment] = document["moments"]
    assert moment["kept_rate"] == 1 / 3  # one kept of the three settled requests
    _status, board, _url = command(slack, "board", user=ANNA)
    assert "Promises kept: 33" in board
    command(slack, "map", user=ANNA)
    slack.standin.wait_for("files.completeUploadExternal", count=2, timeout=60)
    picture = slack.standin.uploaded_files()[-1]
    assert "33" in (picture.alt_txt or "")  # "promises kept 33%" beside the moment
