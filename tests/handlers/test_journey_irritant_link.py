"""Irritants meet the journey over signed HTTP: the details modal links an irritant to a
moment of an open exercise of its channel; the board shows the moment's open irritants."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import Irritant, IrritantNote
from tests.handlers.conftest import ANNA, CHLOE, Slack
from tests.handlers.journey_flow import as_dict, chosen, click, start_exercise, store_irritant
from tests.handlers.payloads import command, submit_view, text_input
from tests.handlers.test_journey_ritual import _add_moment, _moment_ids


def test_an_irritant_is_linked_to_a_moment_and_shows_on_the_board(slack: Slack) -> None:
    exercise_id = start_exercise(slack, user=ANNA)
    assert _add_moment(slack, exercise_id, ANNA, "First call")[1] == {}
    [moment] = _moment_ids(slack, exercise_id)
    irritant_id = store_irritant(slack, "Nobody called back")
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=CHLOE, action_id="irritant-details", value=str(irritant_id))
    [call] = slack.standin.wait_for("views.open", count=opened + 1)[-1:]
    view = as_dict(call.args["view"])
    [block] = [b for b in view["blocks"] if b.get("block_id") == "moment"]
    labels = [o["text"]["text"] for o in block["element"]["options"]]
    assert labels == ["No moment", "#1 Negotiating a contract · 1. First call"]
    # A moment id the modal never offered (another exercise's, forged) is refused inline.
    _status, ack = submit_view(
        slack, view, {"moment": chosen("999999"), "note": text_input(None)}, user=CHLOE
    )
    assert ack["response_action"] == "errors"
    assert "moment" in ack["errors"]
    _status, ack = submit_view(
        slack, view, {"moment": chosen(str(moment)), "note": text_input("linked")}, user=CHLOE
    )
    assert ack.get("response_action") is None
    with slack.runtime.session_factory() as session:
        stored = session.scalars(select(Irritant)).one()
        assert stored.moment_id == moment
        # Chloé's own note (each reporter's note is theirs).
        notes = session.execute(select(IrritantNote.user_id, IrritantNote.note)).all()
        assert [(user, note) for user, note in notes] == [(CHLOE, "linked")]
    _status, ack, _url = command(slack, "board", user=CHLOE)
    assert "1 open irritant" in json.dumps(json.loads(ack), ensure_ascii=False)
    # "No moment" takes the link back.
    _status, ack = submit_view(
        slack, view, {"moment": chosen("none"), "note": text_input(None)}, user=CHLOE
    )
    with slack.runtime.session_factory() as session:
        assert session.scalars(select(Irritant.moment_id)).one() is None
