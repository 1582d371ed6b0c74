"""Deadlines and reminders with the injected clock, mute, the map picture and the exports."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select

from bot.journeys.feature import FEATURE
from bot.scheduler import run_job
from storage.models import Irritant, JourneyExercise
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.journey_flow import click, ephemeral_texts, start_exercise
from tests.handlers.payloads import command, submit_view, text_input
from tests.handlers.test_journey_ritual import _add_card, _add_moment, _exercise, _moment_ids

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "journey-export.schema.json"
JOB = next(job for job in FEATURE.jobs if job.id == "journey-phases")


def _dms(slack: Slack) -> list[str]:
    return [
        str(call.args["text"])
        for call in slack.standin.calls("chat.postMessage")
        if str(call.args["channel"]).startswith("D")
    ]


def _dm_recipients(slack: Slack) -> list[str]:
    channels = {
        call.response["channel"]["id"]: str(call.args["users"])
        for call in slack.standin.calls("conversations.open")
    }
    return sorted(
        channels[str(call.args["channel"])]
        for call in slack.standin.calls("chat.postMessage")
        if str(call.args["channel"]).startswith("D")
    )


def test_phases_end_at_their_deadline_once_and_remind_who_has_not_contributed(
    slack: Slack,
) -> None:
    exercise_id = start_exercise(slack, user=ANNA)  # deadlines: +2, +5, +6 days
    assert _add_moment(slack, exercise_id, BRUNO, "First call")[1] == {}
    command(slack, "mute", user=CHLOE)
    clock = slack.runtime.clock
    start = clock.now()
    # Far from the deadline: nothing.
    assert run_job(slack.runtime, JOB) == {"advanced": 0, "reminded": 0, "purged": 0}
    # Six hours before the moments deadline: one reminder, to Anna only (Bruno added a
    # moment, Chloe muted, the bot is no one).
    clock.set(start + timedelta(days=2) - timedelta(hours=6))
    assert run_job(slack.runtime, JOB) == {"advanced": 0, "reminded": 1, "purged": 0}
    slack.bot.drain_outbox()
    assert _dm_recipients(slack) == [ANNA]
    assert run_job(slack.runtime, JOB) == {
        "advanced": 0,
        "reminded": 0,
        "purged": 0,
    }  # once per phase
    slack.bot.drain_outbox()
    assert len(_dms(slack)) == 1
    # The deadline passes: the phase moves on exactly once, and the message is updated.
    clock.set(start + timedelta(days=2, minutes=1))
    updates = len(slack.standin.calls("chat.update"))
    assert run_job(slack.runtime, JOB)["advanced"] == 1
    assert run_job(slack.runtime, JOB)["advanced"] == 0
    slack.bot.drain_outbox()
    assert _exercise(slack, exercise_id).phase == "columns"
    assert len(slack.standin.calls("chat.update")) == updates + 1
    # Unmuted, Chloe is reminded of the next phase; Bruno, whose card is in, is not.
    command(slack, "unmute", user=CHLOE)
    [moment] = _moment_ids(slack, exercise_id)
    assert _add_card(slack, exercise_id, BRUNO, moment, "today", "We call back")[1] == {}
    clock.set(start + timedelta(days=5) - timedelta(hours=1))
    assert run_job(slack.runtime, JOB)["reminded"] == 1
    slack.bot.drain_outbox()
    assert _dm_recipients(slack) == [ANNA, ANNA, CHLOE]
    # Then columns, vote and promises: the last deadline leaves it for the facilitator.
    clock.set(start + timedelta(days=7))
    assert run_job(slack.runtime, JOB)["advanced"] == 1
    assert run_job(slack.runtime, JOB)["advanced"] == 1
    assert run_job(slack.runtime, JOB)["advanced"] == 0
    assert _exercise(slack, exercise_id).phase == "promises"
    assert BOT_USER not in _dm_recipients(slack)


def test_map_goes_to_the_dm_or_the_channel_with_alt_text(slack: Slack) -> None:
    exercise_id = start_exercise(slack, user=ANNA)
    assert _add_moment(slack, exercise_id, BRUNO, "First call")[1] == {}
    status, ack, _url = command(slack, "map", user=CHLOE)
    assert status == 200
    assert "direct message" in ack
    [_upload] = slack.standin.wait_for("files.completeUploadExternal", timeout=30)
    [file] = slack.standin.uploaded_files()
    assert file.channel is not None
    assert file.channel.startswith("D")
    assert file.filename == "journey-1.png"
    assert file.content
    assert file.content[:4] == b"\x89PNG"
    assert file.alt_txt
    assert "First call" in file.alt_txt
    assert len(file.alt_txt) <= 1000
    command(slack, "carte #1 partager", user=CHLOE)  # French words work for everyone
    slack.standin.wait_for("files.completeUploadExternal", count=2, timeout=30)
    assert slack.standin.uploaded_files()[-1].channel == CLIENTS


def test_exports_go_to_the_dm_and_the_json_follows_its_schema(slack: Slack) -> None:
    exercise_id = start_exercise(slack, user=ANNA)
    assert _add_moment(slack, exercise_id, BRUNO, "First call")[1] == {}
    [moment] = _moment_ids(slack, exercise_id)
    # An open irritant of the channel, linked to the moment, shows in the export.
    now = slack.runtime.clock.now()
    with slack.runtime.session_factory.begin() as session:
        session.add(
            Irritant(
                team_id=TEAM,
                channel_id=CLIENTS,
                message_ts="1.1",
                status="new",
                text_status="complete",
                status_changed_at=now,
                last_reported_at=now,
                moment_id=moment,
                created_at=now,
            )
        )
    command(slack, "export json", user=CHLOE)
    slack.standin.wait_for("files.completeUploadExternal", timeout=30)
    [file] = slack.standin.uploaded_files()
    assert file.channel is not None
    assert file.channel.startswith("D")
    document = json.loads(file.content or b"")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(document)
    assert document["moments"][0]["name"] == "First call"
    assert document["moments"][0]["open_irritants"] == 1
    command(slack, "export #1 md", user=CHLOE)
    slack.standin.wait_for("files.completeUploadExternal", count=2, timeout=30)
    command(slack, "export Negotiating csv", user=CHLOE)
    slack.standin.wait_for("files.completeUploadExternal", count=3, timeout=30)
    names = [f.filename for f in slack.standin.uploaded_files()]
    assert names == ["journey-1.json", "journey-1.md", "journey-1.csv"]
    # `export irritants` keeps its meaning.
    command(slack, "export irritants csv", user=CHLOE)
    slack.standin.wait_for("files.completeUploadExternal", count=4, timeout=30)
    assert slack.standin.uploaded_files()[-1].filename.startswith("irritants")


def test_the_facilitator_edits_moments_with_undo(slack: Slack) -> None:
    from tests.handlers.journey_flow import as_dict, last_opened, opened_view_id, view_action

    exercise_id = start_exercise(slack, user=ANNA)
    for name in ("Call", "Meeting", "Draft"):
        assert _add_moment(slack, exercise_id, BRUNO, name)[1] == {}
    call, meeting, draft = _moment_ids(slack, exercise_id)
    click(slack, user=CHLOE, action_id="journey-moments", value=str(exercise_id))
    assert any("Only the facilitator" in text for text in ephemeral_texts(slack))
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=ANNA, action_id="journey-moments", value=str(exercise_id))
    editor = last_opened(slack, opened + 1)
    view_id = opened_view_id(slack)
    view_action(
        slack,
        user=ANNA,
        view=editor,
        view_id=view_id,
        action_id="journey-moment-menu",
        selected=f"down:{call}",
    )
    assert _moment_ids(slack, exercise_id) == [meeting, call, draft]
    view_action(
        slack,
        user=ANNA,
        view=editor,
        view_id=view_id,
        action_id="journey-moment-menu",
        selected=f"delete:{draft}",
    )
    assert _moment_ids(slack, exercise_id) == [meeting, call]
    updated = as_dict(slack.standin.calls("views.update")[-1].args["view"])
    assert "Draft" in json.dumps(updated)
    view_action(
        slack,
        user=ANNA,
        view=updated,
        view_id=view_id,
        action_id="journey-undo-delete",
        value=str(draft),
    )
    assert _moment_ids(slack, exercise_id) == [meeting, call, draft]
    view_action(
        slack,
        user=ANNA,
        view=updated,
        view_id=view_id,
        action_id="journey-moment-menu",
        selected=f"merge:{call}",
    )
    assert _moment_ids(slack, exercise_id) == [meeting, draft]
    # Bruno can't drive the editor with a forged modal.
    view_action(
        slack,
        user=BRUNO,
        view=updated,
        view_id=view_id,
        action_id="journey-moment-menu",
        selected=f"delete:{meeting}",
    )
    assert _moment_ids(slack, exercise_id) == [meeting, draft]
    # He is told so, in French, on top of the modal (a click there has no response URL).
    [refusal] = slack.standin.wait_for("views.push")[-1:]
    assert "plus à jour" in json.dumps(refusal.args["view"], ensure_ascii=False)  # in French
    # Rename through the pushed modal.
    view_action(
        slack,
        user=ANNA,
        view=updated,
        view_id=view_id,
        action_id="journey-moment-menu",
        selected=f"rename:{meeting}",
    )
    pushed = slack.standin.wait_for("views.push", count=2)[-1]
    rename = as_dict(pushed.args["view"])
    _status, ack = submit_view(slack, rename, {"name": text_input("Draft")}, user=ANNA)
    assert ack["response_action"] == "errors"
    _status, ack = submit_view(slack, rename, {"name": text_input("Kick-off meeting")}, user=ANNA)
    assert ack.get("response_action") is None
    with slack.runtime.session_factory() as session:
        names = session.scalars(select(JourneyExercise.task)).all()
    assert names == ["Negotiating a contract"]


def test_two_replicas_running_the_phase_job_at_once_move_and_remind_once(slack: Slack) -> None:
    import threading

    from storage.models import JourneyReminder, OutboxMessage

    exercise_id = start_exercise(slack, user=ANNA)
    clock = slack.runtime.clock
    start = clock.now()
    slack.bot.drain_outbox()
    with slack.runtime.session_factory() as session:
        queued_before = len(session.scalars(select(OutboxMessage.id)).all())
    results: list[object] = []
    barrier = threading.Barrier(2)

    def replica() -> None:
        barrier.wait()
        results.append(run_job(slack.runtime, JOB))

    for moment in (timedelta(days=2) - timedelta(hours=6), timedelta(days=2, minutes=1)):
        clock.set(start + moment)
        results.clear()
        threads = [threading.Thread(target=replica) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        done = [result for result in results if isinstance(result, dict)]
        assert sum(result["reminded"] for result in done) <= 1
        assert sum(result["advanced"] for result in done) <= 1
    assert _exercise(slack, exercise_id).phase == "columns"
    with slack.runtime.session_factory() as session:
        reminders = session.scalars(select(JourneyReminder.phase)).all()
        queued = len(session.scalars(select(OutboxMessage.id)).all()) - queued_before
    assert list(reminders) == ["moments"]
    assert queued == 2  # one reminder, one message update: each replica's share, once


def test_a_reminder_speaks_its_reader_language(slack: Slack) -> None:
    exercise_id = start_exercise(slack, user=ANNA)
    assert _add_moment(slack, exercise_id, ANNA, "First call")[1] == {}
    command(slack, "mute", user=CHLOE)
    clock = slack.runtime.clock
    clock.set(clock.now() + timedelta(days=2) - timedelta(hours=6))
    assert run_job(slack.runtime, JOB)["reminded"] == 1
    slack.bot.drain_outbox()
    assert _dm_recipients(slack) == [BRUNO]
    [text] = _dms(slack)
    assert "votre regard manque" in text  # Bruno reads French
    assert "your view is missing" not in text
    assert f"<#{CLIENTS}>" in text
