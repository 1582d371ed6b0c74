"""Several exercises in one channel, named over signed HTTP: `#n`, words of the task, or the
channel's latest open one when none is named (board, map and export alike)."""

from __future__ import annotations

import json

from sqlalchemy import update

from storage.models import JourneyExercise
from tests.handlers.conftest import ANNA, BRUNO, CHLOE, Slack
from tests.handlers.journey_flow import start_exercise
from tests.handlers.payloads import command


def _board_title(slack: Slack, words: str) -> str:
    _status, ack, _url = command(slack, f"board {words}".strip(), user=CHLOE)
    answer = json.loads(ack)
    if "blocks" not in answer:
        return str(answer["text"])
    return str(answer["blocks"][0]["text"]["text"])


def test_exercises_of_one_channel_are_named_by_number_or_task(slack: Slack) -> None:
    first = start_exercise(slack, user=ANNA, task="Negotiating a contract")
    start_exercise(slack, user=BRUNO, task="Answering a claim")
    _status, ack, _url = command(slack, "list", user=CHLOE)
    listing = json.dumps(json.loads(ack))
    assert "#1 Negotiating a contract" in listing
    assert "#2 Answering a claim" in listing
    assert _board_title(slack, "#1") == "Board of #1 Negotiating a contract"
    assert _board_title(slack, "1") == "Board of #1 Negotiating a contract"
    assert _board_title(slack, "claim") == "Board of #2 Answering a claim"
    assert _board_title(slack, "") == "Board of #2 Answering a claim"  # the latest open one
    assert "No exercise of this channel matches" in _board_title(slack, "#9")
    # Once #2 is closed, the latest open one is #1; closed ones are still read by name.
    with slack.runtime.session_factory.begin() as session:
        session.execute(
            update(JourneyExercise).where(JourneyExercise.id != first).values(phase="closed")
        )
    assert _board_title(slack, "") == "Board of #1 Negotiating a contract"
    assert _board_title(slack, "#2") == "Board of #2 Answering a claim"
    # The export names it the same way (its file says which one).
    command(slack, "export #2 md", user=CHLOE)
    slack.standin.wait_for("files.completeUploadExternal", timeout=30)
    assert slack.standin.uploaded_files()[-1].filename == "journey-2.md"
