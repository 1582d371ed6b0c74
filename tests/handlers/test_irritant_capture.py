"""Capturing irritants over signed HTTP: reactions, retries, removal, deletion, shortcut."""

from __future__ import annotations

import json
import threading
from typing import Any

from sqlalchemy import func, select

from storage.models import Irritant, IrritantEvent, IrritantVote, OutboxMessage
from storage.repositories import irritants as repo
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CHLOE, CLIENTS, PRIVATE, TEAM, Slack
from tests.handlers.payloads import (
    block_action,
    message_shortcut,
    new_event_id,
    reaction_event,
    selected,
    send_event,
    submit_view,
    text_input,
)


def _note(slack: Slack, irritant_id: int, user: str) -> str | None:
    with slack.runtime.session_factory() as session:
        return repo.note_of(session, team_id=TEAM, irritant_id=irritant_id, user_id=user)


def _irritants(slack: Slack) -> list[Irritant]:
    with slack.runtime.session_factory() as session:
        return list(session.scalars(select(Irritant).order_by(Irritant.id)))


def _votes(slack: Slack) -> int:
    with slack.runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(IrritantVote)) or 0


def _client_message(
    slack: Slack, text: str = "Still no answer to my invoice question, third mail!"
) -> str:
    return slack.standin.post_message(CLIENTS, user=CHLOE, text=text)


def test_reaction_captures_the_message_and_confirms_to_the_reporter(slack: Slack) -> None:
    ts = _client_message(slack)
    assert send_event(slack, reaction_event(user=BRUNO, ts=ts, item_user=CHLOE)) == 200
    [irritant] = _irritants(slack)
    assert (irritant.team_id, irritant.channel_id, irritant.message_ts) == (TEAM, CLIENTS, ts)
    slack.bot.drain_outbox()
    [irritant] = _irritants(slack)
    assert irritant.message_text == "Still no answer to my invoice question, third mail!"
    assert irritant.text_status == "complete"
    assert irritant.permalink is not None
    assert ts.replace(".", "") in irritant.permalink
    [ephemeral] = slack.standin.wait_for("chat.postEphemeral")
    assert ephemeral.args["user"] == BRUNO
    assert ephemeral.args["channel"] == CLIENTS
    # Bruno reads French: the confirmation is in French, with the "Add details" button.
    assert "Ajouter des détails" in json.dumps(ephemeral.args["blocks"], ensure_ascii=False)


def test_several_reporters_one_irritant_and_removal_withdraws(slack: Slack) -> None:
    ts = _client_message(slack)
    send_event(slack, reaction_event(user=ANNA, ts=ts))
    send_event(slack, reaction_event(user=BRUNO, ts=ts))
    send_event(
        slack, reaction_event(user=BRUNO, ts=ts, reaction="irritant")
    )  # same person, 2nd emoji
    [_irritant] = _irritants(slack)
    assert _votes(slack) == 3
    send_event(slack, reaction_event(user=ANNA, ts=ts, added=False))
    send_event(slack, reaction_event(user=BRUNO, ts=ts, added=False))
    assert _irritants(slack)[0].status == "new"  # Bruno's :irritant: still counts
    send_event(slack, reaction_event(user=BRUNO, ts=ts, reaction="irritant", added=False))
    assert _irritants(slack)[0].status == "withdrawn"
    assert _votes(slack) == 0


def test_slack_retries_of_one_event_count_once(slack: Slack) -> None:
    ts = _client_message(slack)
    event = reaction_event(user=ANNA, ts=ts)
    event_id = new_event_id()
    statuses = [send_event(slack, event, event_id=event_id, retry_num=n) for n in (None, 1, 2, 3)]
    assert statuses == [200, 200, 200, 200]
    assert len(_irritants(slack)) == 1
    assert _votes(slack) == 1
    slack.bot.drain_outbox()
    assert len(slack.standin.calls("chat.postEphemeral")) == 1


def test_twenty_concurrent_duplicates_count_once(slack: Slack) -> None:
    ts = _client_message(slack)
    event = reaction_event(user=ANNA, ts=ts)
    event_id = new_event_id()
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def deliver() -> None:
        barrier.wait()
        statuses.append(send_event(slack, event, event_id=event_id, retry_num=1))

    threads = [threading.Thread(target=deliver) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 20
    assert _votes(slack) == 1
    with slack.runtime.session_factory() as session:
        kinds = list(session.scalars(select(OutboxMessage.kind)))
    assert sorted(kinds) == ["confirm_report", "fetch_message"]


def test_the_same_reaction_under_two_event_ids_counts_once(slack: Slack) -> None:
    ts = _client_message(slack)
    send_event(slack, reaction_event(user=ANNA, ts=ts))
    send_event(slack, reaction_event(user=ANNA, ts=ts))
    assert _votes(slack) == 1


def test_deleted_message_has_its_text_redacted(slack: Slack) -> None:
    ts = _client_message(slack, "My account number is 12345, please help")
    send_event(slack, reaction_event(user=ANNA, ts=ts))
    slack.bot.drain_outbox()
    assert _irritants(slack)[0].message_text is not None
    deletion = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CLIENTS,
        "ts": "1700001000.000100",
        "deleted_ts": ts,
        "hidden": True,
        "previous_message": {"type": "message", "user": CHLOE, "text": "My account…", "ts": ts},
        "event_ts": "1700001000.000100",
        "channel_type": "channel",
    }
    assert send_event(slack, deletion) == 200
    [irritant] = _irritants(slack)
    assert irritant.message_text is None
    assert irritant.text_status == "redacted"
    assert _votes(slack) == 1


def test_quietly_ignored_reactions(slack: Slack) -> None:
    bot_message = slack.standin.post_message(
        CLIENTS, user=BOT_USER, text="Weekly digest", bot_id="B0JOURNEY"
    )
    send_event(slack, reaction_event(user=ANNA, ts=bot_message, item_user=BOT_USER))
    file_event = reaction_event(user=ANNA, ts="1.1")
    file_event["item"] = {"type": "file", "file": "F0FILE"}
    send_event(slack, file_event)
    send_event(slack, reaction_event(user=ANNA, ts="1700000000.000200", channel="D0ANNA"))
    send_event(slack, reaction_event(user=ANNA, ts=_client_message(slack), reaction="thumbsup"))
    assert _irritants(slack) == []


def test_unreadable_channel_counts_the_vote_and_explains_by_dm(slack: Slack) -> None:
    ts = slack.standin.post_message(PRIVATE, user=ANNA, text="client is upset")
    assert send_event(slack, reaction_event(user=BRUNO, ts=ts, channel=PRIVATE)) == 200
    slack.bot.drain_outbox()
    [irritant] = _irritants(slack)
    assert irritant.text_status == "unavailable"
    assert _votes(slack) == 1
    dms = [
        call
        for call in slack.standin.calls("chat.postMessage")
        if str(call.args["channel"]).startswith("D")
    ]
    assert len(dms) == 1
    assert "/invite @journeybot" in json.dumps(dms[0].args, ensure_ascii=False)


def _opened_view(slack: Slack) -> dict[str, Any]:
    [opened] = slack.standin.wait_for("views.open")
    view = opened.args["view"]
    return dict(json.loads(view) if isinstance(view, str) else view)


def test_message_shortcut_reports_with_details(slack: Slack) -> None:
    ts = _client_message(slack)
    assert message_shortcut(slack, user=ANNA, ts=ts, text="Still no answer", author=CHLOE) == 200
    view = _opened_view(slack)
    status, ack = submit_view(
        slack,
        view,
        {
            "category": selected("delay"),
            "severity": selected("3", "radio_buttons"),
            "note": text_input("Third reminder"),
        },
        user=ANNA,
    )
    assert status == 200
    assert ack.get("response_action") is None
    [irritant] = _irritants(slack)
    assert (irritant.category, irritant.severity) == ("delay", 3)
    assert _note(slack, irritant.id, ANNA) == "Third reminder"
    assert irritant.message_text == "Still no answer"
    assert _votes(slack) == 1


def test_details_modal_validates_inline_and_writes_nothing(slack: Slack) -> None:
    ts = _client_message(slack)
    message_shortcut(slack, user=ANNA, ts=ts, text="Still no answer", author=CHLOE)
    view = _opened_view(slack)
    status, ack = submit_view(
        slack,
        view,
        {
            "category": selected("not-a-category"),
            "severity": selected(None, "radio_buttons"),
            "note": text_input("x" * 1001),
        },
        user=ANNA,
    )
    assert status == 200
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"category", "note"}
    assert _irritants(slack) == []


def test_a_forged_details_metadata_is_refused_and_writes_nothing(slack: Slack) -> None:
    """private_metadata comes back from the client: a report for a message of the client's
    choosing, with text of its choosing, must not be stored."""
    ts = _client_message(slack)
    message_shortcut(slack, user=ANNA, ts=ts, text="Still no answer", author=CHLOE)
    view = _opened_view(slack)
    forged = dict(view)
    forged["private_metadata"] = json.dumps(
        {"mode": "report", "channel_id": "C0NOWHERE", "message_ts": "1.1", "text": "forged"}
    )
    status, ack = submit_view(slack, forged, {"note": text_input("hello")}, user=ANNA)

    assert status == 200
    assert ack["response_action"] == "errors"
    assert ack["errors"] == {"note": "This form is out of date; close it and open it again."}
    assert _irritants(slack) == []


def test_details_of_an_irritant_that_is_gone_says_so_privately(slack: Slack) -> None:
    status, _ack, response_url = block_action(
        slack, user=ANNA, action_id="irritant-details", value="424242"
    )

    assert status == 200
    [posted] = slack.standin.wait_for("response_url")
    assert posted.url == response_url
    assert posted.args["text"] == "This irritant no longer exists."
    assert posted.args["response_type"] == "ephemeral"
    assert slack.standin.calls("views.open") == []


def test_each_reporter_s_note_is_their_own_and_every_version_is_kept(slack: Slack) -> None:
    ts = _client_message(slack)
    for user, note in ((ANNA, "Third reminder"), (BRUNO, "Il menace de partir")):
        message_shortcut(slack, user=user, ts=ts, text="Still no answer", author=CHLOE)
        opened = slack.standin.wait_for("views.open")[-1]
        view = opened.args["view"]
        view = view if isinstance(view, dict) else json.loads(view)
        # The next reporter never sees the previous one's note.
        assert "Third reminder" not in json.dumps(view)
        submit_view(slack, view, {"note": text_input(note)}, user=user)
    [irritant] = _irritants(slack)
    assert _note(slack, irritant.id, ANNA) == "Third reminder"
    assert _note(slack, irritant.id, BRUNO) == "Il menace de partir"
    block_action(slack, user=ANNA, action_id="irritant-details", value=str(irritant.id))
    view = slack.standin.wait_for("views.open")[-1].args["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert "Third reminder" in json.dumps(view)
    assert "Il menace" not in json.dumps(view)
    submit_view(slack, view, {"note": text_input("Fourth reminder")}, user=ANNA)
    with slack.runtime.session_factory() as session:
        notes = [
            row.note
            for row in session.scalars(
                select(IrritantEvent)
                .where(IrritantEvent.kind == "details")
                .order_by(IrritantEvent.id)
            )
        ]
    assert notes == ["Third reminder", "Il menace de partir", "Fourth reminder"]
    assert _note(slack, irritant.id, ANNA) == "Fourth reminder"
