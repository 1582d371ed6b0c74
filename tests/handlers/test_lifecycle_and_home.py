"""Details and Undo buttons, the Home tab, uninstall, self-events, secrets kept out of logs."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from handlers.features import feature_set
from storage.models import Irritant
from storage.repositories import irritants as repo
from tests.conftest import BOT_TOKEN
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.payloads import (
    block_action,
    reaction_event,
    selected,
    send_event,
    submit_view,
    text_input,
)


def _reported(slack: Slack, reporter: str = ANNA) -> int:
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text="Where is my refund?")
    assert send_event(slack, reaction_event(user=reporter, ts=ts)) == 200
    slack.bot.drain_outbox()
    with slack.runtime.session_factory() as session:
        return session.scalars(select(Irritant.id)).one()


def test_add_details_button_opens_the_modal_and_saves(slack: Slack) -> None:
    irritant_id = _reported(slack)
    block_action(slack, user=ANNA, action_id="irritant-details", value=str(irritant_id))
    [opened] = slack.standin.wait_for("views.open")
    view = opened.args["view"]
    assert "Where is my refund?" in json.dumps(view)
    status, ack = submit_view(
        slack,
        view,
        {
            "category": selected("billing"),
            "severity": selected("2", "radio_buttons"),
            "note": text_input("angry"),
        },
        user=ANNA,
    )
    assert status == 200
    assert ack.get("response_action") is None
    with slack.runtime.session_factory() as session:
        irritant = session.get(Irritant, irritant_id)
        assert irritant is not None
        assert (irritant.category, irritant.severity) == ("billing", 2)
        assert repo.note_of(session, team_id=TEAM, irritant_id=irritant_id, user_id=ANNA) == "angry"


def test_undo_takes_the_report_back(slack: Slack) -> None:
    irritant_id = _reported(slack)
    block_action(slack, user=ANNA, action_id="irritant-undo", value=str(irritant_id))
    reply = slack.standin.wait_for("response_url")[-1].args
    assert reply["replace_original"] is True
    with slack.runtime.session_factory() as session:
        assert session.get(Irritant, irritant_id).status == "withdrawn"  # type: ignore[union-attr]


def test_home_tab_shows_commands_and_the_irritants_one_reported(slack: Slack) -> None:
    _reported(slack, BRUNO)
    event = {
        "type": "app_home_opened",
        "user": BRUNO,
        "channel": "D0BRUNO",
        "tab": "home",
        "event_ts": "1.2",
    }
    assert send_event(slack, event) == 200
    [published] = slack.standin.wait_for("views.publish")
    text = json.dumps(published.args["view"], ensure_ascii=False)
    assert "Irritants que vous avez signalés" in text  # Bruno reads French
    assert "Where is my refund?" in text


def test_events_from_the_bot_itself_are_ignored(slack: Slack) -> None:
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text="a client message")
    assert send_event(slack, reaction_event(user=BOT_USER, ts=ts)) == 200
    with slack.runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Irritant)) == 0


def test_uninstall_deletes_the_workspace_data(slack: Slack) -> None:
    _reported(slack, ANNA)
    for _ in range(2):  # a second delivery is a harmless no-op
        assert send_event(slack, {"type": "app_uninstalled", "event_ts": "1.3"}) == 200
    with slack.runtime.session_factory() as session:
        for model in feature_set().tenant_tables:
            count = session.scalar(
                select(func.count()).select_from(model).where(model.team_id == TEAM)
            )  # type: ignore[attr-defined]
            assert count == 0, model.__tablename__


def test_secrets_never_reach_the_logs_even_on_errors(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    slack.standin.inject("conversations.history", status=500, times=20)
    _reported(slack)  # the fetch fails with 500s and is retried later: logged, not leaked
    block_action(slack, user=ANNA, action_id="irritant-details", value="not-a-number")
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert BOT_TOKEN not in logged
    assert "xoxb-" not in logged
