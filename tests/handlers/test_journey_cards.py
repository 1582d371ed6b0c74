"""Cards after they are written, and the facilitator's hand-over, over signed HTTP against the
Slack stand-in: edit and delete with an undo (authors and the facilitator, while the columns
are filled), a long card read in full from the board, and the role passed to a member."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import JourneyCard
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.journey_flow import (
    as_dict,
    chosen,
    click,
    ephemeral_texts,
    last_opened,
    last_pushed,
    message_select,
    opened_view_id,
    start_exercise,
    store_irritant,
    view_action,
)
from tests.handlers.payloads import command, submit_view, text_input
from tests.handlers.test_journey_ritual import (
    _add_card,
    _add_moment,
    _exercise,
    _moment_ids,
    _next_phase_value,
)

DAVID = "U0DAVID"  # in the workspace, not in #clients
LONG_CARD = ("We answer the first call within the hour and send the draft the same day. " * 7)[:500]


@pytest.fixture
def cards_slack(slack: Slack) -> Slack:
    slack.standin.add_user(TEAM, DAVID, name="david", tz="Europe/London", locale="en-GB")
    return slack


def _to_columns(slack: Slack, exercise_id: int) -> None:
    slack.bot.drain_outbox()
    click(
        slack,
        user=ANNA,
        action_id="journey-next-phase",
        value=_next_phase_value(slack, exercise_id),
    )
    assert _exercise(slack, exercise_id).phase == "columns"


def _exercise_in_columns(slack: Slack, *, anonymous: bool = False) -> tuple[int, int]:
    """Anna's exercise with Bruno's one moment, "First call", taking cards: its id and the
    moment's."""
    exercise_id = start_exercise(slack, user=ANNA, anonymous=anonymous)
    assert _add_moment(slack, exercise_id, BRUNO, "First call")[1] == {}
    [moment] = _moment_ids(slack, exercise_id)
    _to_columns(slack, exercise_id)
    return exercise_id, moment


def _card(slack: Slack, card_id: int) -> JourneyCard:
    with slack.runtime.session_factory() as session:
        row = session.get(JourneyCard, card_id)
        assert row is not None
        session.expunge(row)
        return row


def _card_ids(slack: Slack, exercise_id: int) -> dict[str, int]:
    with slack.runtime.session_factory() as session:
        rows = session.execute(
            select(JourneyCard.text, JourneyCard.id).where(JourneyCard.exercise_id == exercise_id)
        ).all()
    return {text: card_id for text, card_id in rows}


def _editor(slack: Slack, user: str, exercise_id: int) -> tuple[dict[str, Any], str]:
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=user, action_id="journey-cards", value=str(exercise_id))
    return last_opened(slack, opened + 1), opened_view_id(slack)


def _pick_in_editor(
    slack: Slack, user: str, editor: dict[str, Any], view_id: str, choice: str
) -> None:
    """A choice in a card's menu in the card editor: `edit:ID`, `delete:ID`, `read:ID`."""
    view_action(
        slack,
        user=user,
        view=editor,
        view_id=view_id,
        action_id="journey-card-menu",
        selected=choice,
    )


def _latest_update(slack: Slack) -> dict[str, Any]:
    return as_dict(slack.standin.calls("views.update")[-1].args["view"])


def _editor_cards(view: dict[str, Any]) -> list[str]:
    return [
        str(b["block_id"]) for b in view["blocks"] if str(b.get("block_id")).startswith("card-")
    ]


def _board(slack: Slack, user: str) -> str:
    _status, ack, _url = command(slack, "board", user=user)
    return json.dumps(json.loads(ack), ensure_ascii=False)


def test_authors_and_the_facilitator_edit_and_delete_cards_with_undo(cards_slack: Slack) -> None:
    slack = cards_slack
    exercise_id, moment = _exercise_in_columns(slack)
    assert _add_card(slack, exercise_id, BRUNO, moment, "today", "We call back")[1] == {}
    assert _add_card(slack, exercise_id, CHLOE, moment, "tomorrow", "A call in an hour")[1] == {}
    ids = _card_ids(slack, exercise_id)
    bruno_card, chloe_card = ids["We call back"], ids["A call in an hour"]
    # The exercise message, once updated, offers the card editor during the columns phase.
    slack.bot.drain_outbox()
    message = json.dumps(slack.standin.calls("chat.update")[-1].args.get("blocks"))
    assert "journey-cards" in message
    assert "journey-hand-over" in message
    # Bruno (French) sees his own card only, with Edit and Delete.
    editor, view_id = _editor(slack, BRUNO, exercise_id)
    assert _editor_cards(editor) == [f"card-{bruno_card}"]
    assert "Modifier" in json.dumps(editor, ensure_ascii=False)
    # Delete: gone from the board, an Undo on top of the editor; a double click is one delete.
    for _twice in range(2):
        _pick_in_editor(slack, BRUNO, editor, view_id, f"delete:{bruno_card}")
    assert _card(slack, bruno_card).deleted_at is not None
    updated = _latest_update(slack)
    assert updated["blocks"][0]["block_id"] == "deleted"
    assert updated["blocks"][0]["accessory"]["action_id"] == "journey-undo-card"
    assert "We call back" not in _board(slack, CHLOE)
    # Undo brings it back where it was.
    view_action(
        slack,
        user=BRUNO,
        view=updated,
        view_id=view_id,
        action_id="journey-undo-card",
        value=str(bruno_card),
    )
    assert _card(slack, bruno_card).deleted_at is None
    assert "We call back" in _board(slack, CHLOE)
    # Edit: the pushed form validates inline (nothing written), then saves text and column.
    _pick_in_editor(slack, BRUNO, editor, view_id, f"edit:{bruno_card}")
    form = last_pushed(slack)
    assert form["callback_id"] == "journey-card-edit-modal"
    _status, ack = submit_view(
        slack, form, {"column": chosen("tomorrow"), "text": text_input("   ")}, user=BRUNO
    )
    assert ack["response_action"] == "errors"
    assert _card(slack, bruno_card).text == "We call back"
    updates = len(slack.standin.calls("views.update"))
    _status, ack = submit_view(
        slack,
        form,
        {"column": chosen("tomorrow"), "text": text_input("We call back within the hour")},
        user=BRUNO,
        previous_view_id=view_id,
    )
    assert ack == {}
    edited = _card(slack, bruno_card)
    assert (edited.text, edited.column.value) == ("We call back within the hour", "tomorrow")
    assert len(slack.standin.calls("views.update")) == updates + 1  # the editor shows it
    assert "within the hour" in json.dumps(_latest_update(slack))
    # Bruno's own editor can't be driven onto Chloe's card, whatever the menu value says.
    pushes = len(slack.standin.calls("views.push"))
    _pick_in_editor(slack, BRUNO, editor, view_id, f"delete:{chloe_card}")
    assert _card(slack, chloe_card).deleted_at is None
    refusal = last_pushed(slack, pushes + 1)
    assert "Seuls l’auteur de la carte et l’animateur" in json.dumps(refusal, ensure_ascii=False)
    # The facilitator sees every card and deletes Chloe's.
    editor, view_id = _editor(slack, ANNA, exercise_id)
    assert sorted(_editor_cards(editor)) == sorted([f"card-{bruno_card}", f"card-{chloe_card}"])
    _pick_in_editor(slack, ANNA, editor, view_id, f"delete:{chloe_card}")
    assert _card(slack, chloe_card).deleted_at is not None
    _status, ack, _url = command(slack, "list", user=CHLOE)
    assert "1 card" in ack  # a deleted card no longer counts
    # Someone outside the channel gets nothing.
    click(slack, user=DAVID, action_id="journey-cards", value=str(exercise_id))
    assert any("Only members" in text for text in ephemeral_texts(slack))
    # Once voting starts, cards are frozen: votes count on what people read.
    click(slack, user=ANNA, action_id="journey-next-phase", value=f"{exercise_id}:columns")
    assert _exercise(slack, exercise_id).phase == "vote"
    pushes = len(slack.standin.calls("views.push"))
    _pick_in_editor(slack, ANNA, editor, view_id, f"delete:{bruno_card}")
    assert _card(slack, bruno_card).deleted_at is None
    assert "once voting starts" in json.dumps(last_pushed(slack, pushes + 1))
    _status, ack = submit_view(
        slack, form, {"column": chosen("today"), "text": text_input("Changed")}, user=BRUNO
    )
    assert ack["response_action"] == "errors"
    assert _card(slack, bruno_card).text == "We call back within the hour"


def test_a_long_card_is_read_in_full_from_the_board(cards_slack: Slack) -> None:
    slack = cards_slack
    exercise_id, moment = _exercise_in_columns(slack)
    assert _add_card(slack, exercise_id, CHLOE, moment, "tomorrow", LONG_CARD)[1] == {}
    assert _add_card(slack, exercise_id, CHLOE, moment, "today", "Short card")[1] == {}
    card_id = _card_ids(slack, exercise_id)[LONG_CARD]
    # The board (an ephemeral message) cuts the card and offers it in a menu under its moment.
    _status, ack, _url = command(slack, "board", user=CHLOE)
    blocks = json.loads(ack)["blocks"]
    assert LONG_CARD not in json.dumps(blocks)
    menus = [
        element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if str(element["action_id"]).startswith("journey-read-card")
    ]
    [menu] = menus
    assert [option["value"] for option in menu["options"]] == [f"{exercise_id}:{card_id}"]
    opened = len(slack.standin.calls("views.open"))
    message_select(
        slack, user=CHLOE, action_id=menu["action_id"], selected=menu["options"][0]["value"]
    )
    full = last_opened(slack, opened + 1)
    assert full["callback_id"] == "journey-card-text-modal"
    assert LONG_CARD.strip() in " ".join(
        str(block["text"]["text"]) for block in full["blocks"] if block["type"] == "section"
    )
    # A forged card id, or a reader outside the channel, reads nothing.
    message_select(slack, user=CHLOE, action_id=menu["action_id"], selected=f"{exercise_id}:999999")
    assert any("This card no longer exists" in text for text in ephemeral_texts(slack))
    message_select(
        slack, user=DAVID, action_id=menu["action_id"], selected=menu["options"][0]["value"]
    )
    assert any("Only members" in text for text in ephemeral_texts(slack))
    # From the board's modal (the exercise message's Board button) it is pushed on top, in
    # the reader's language, beside the card editor's button.
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=BRUNO, action_id="journey-board", value=str(exercise_id))
    board = last_opened(slack, opened + 1)
    assert "journey-cards" in json.dumps(board)
    assert "Lire une longue carte en entier" in json.dumps(board, ensure_ascii=False)
    pushes = len(slack.standin.calls("views.push"))
    view_action(
        slack,
        user=BRUNO,
        view=board,
        view_id=opened_view_id(slack),
        action_id=menu["action_id"],
        selected=f"{exercise_id}:{card_id}",
    )
    pushed = last_pushed(slack, pushes + 1)
    assert pushed["callback_id"] == "journey-card-text-modal"
    assert "par <@U0CHLOE>" in json.dumps(pushed, ensure_ascii=False)


def test_the_facilitator_hands_over_to_a_channel_member(cards_slack: Slack) -> None:
    slack = cards_slack
    exercise_id = start_exercise(slack, user=ANNA)
    # Only the facilitator hands over.
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=BRUNO, action_id="journey-hand-over", value=str(exercise_id))
    refused = last_opened(slack, opened + 1)
    assert "Seul l’animateur" in json.dumps(refused, ensure_ascii=False)
    click(slack, user=ANNA, action_id="journey-hand-over", value=str(exercise_id))
    form = last_opened(slack, opened + 2)
    assert form["callback_id"] == "journey-hand-over-modal"

    def pick(user: str) -> dict[str, Any]:
        return {"facilitator": {"value": {"type": "users_select", "selected_user": user}}}

    # Someone outside the channel, or herself: refused inline, nothing written.
    refusals = (
        (DAVID, "member of the exercise's channel"),
        (ANNA, "already"),
        (BOT_USER, "an app can't"),
    )
    for user, words in refusals:
        _status, ack = submit_view(slack, form, pick(user), user=ANNA)
        assert ack["response_action"] == "errors"
        assert words in ack["errors"]["facilitator"]
        assert _exercise(slack, exercise_id).facilitator_id == ANNA
    # Bruno takes over; a retried submission changes nothing more.
    for _twice in range(2):
        _status, ack = submit_view(slack, form, pick(BRUNO), user=ANNA)
        assert ack == {}
    assert _exercise(slack, exercise_id).facilitator_id == BRUNO
    slack.bot.drain_outbox()
    # The exercise message names him, and he is told once, in French, in a DM.
    message = json.dumps(slack.standin.calls("chat.update")[-1].args.get("blocks"))
    assert f"<@{BRUNO}>" in message
    dms = [
        call.args
        for call in slack.standin.calls("chat.postMessage")
        if str(call.args["channel"]).startswith("D")
    ]
    assert len(dms) == 1
    assert "vous a confié l’animation" in str(dms[0]["text"])
    assert f"<#{CLIENTS}>" in str(dms[0]["text"])
    # The Next phase button now answers to Bruno, not Anna.
    value = _next_phase_value(slack, exercise_id)
    click(slack, user=ANNA, action_id="journey-next-phase", value=value)
    assert _exercise(slack, exercise_id).phase == "moments"
    click(slack, user=BRUNO, action_id="journey-next-phase", value=value)
    assert _exercise(slack, exercise_id).phase == "columns"
    # Anna's old form can no longer hand it anywhere.
    _status, ack = submit_view(slack, form, pick(CHLOE), user=ANNA)
    assert ack["response_action"] == "errors"
    assert _exercise(slack, exercise_id).facilitator_id == BRUNO


def test_an_anonymous_exercise_names_no_author_but_authors_still_change_their_cards(
    cards_slack: Slack,
) -> None:
    slack = cards_slack
    exercise_id, moment = _exercise_in_columns(slack, anonymous=True)
    assert _add_card(slack, exercise_id, BRUNO, moment, "tomorrow", LONG_CARD)[1] == {}
    card_id = _card_ids(slack, exercise_id)[LONG_CARD]
    # The board, the card read in full and the JSON export name nobody.
    board = _board(slack, CHLOE)
    assert f"<@{BRUNO}>" not in board
    opened = len(slack.standin.calls("views.open"))
    message_select(
        slack, user=CHLOE, action_id="journey-read-card-0", selected=f"{exercise_id}:{card_id}"
    )
    full = json.dumps(last_opened(slack, opened + 1))
    assert BRUNO not in full
    command(slack, "export json", user=CHLOE)
    slack.standin.wait_for("files.completeUploadExternal", timeout=30)
    export = json.loads(slack.standin.uploaded_files()[-1].content or b"{}")
    assert [card["author"] for card in export["moments"][0]["cards"]] == [None]
    # Bruno still finds and deletes his own card; Chloe has none to change.
    editor, view_id = _editor(slack, BRUNO, exercise_id)
    assert _editor_cards(editor) == [f"card-{card_id}"]
    chloe_editor, _chloe_view = _editor(slack, CHLOE, exercise_id)
    assert _editor_cards(chloe_editor) == []
    # The editor cuts a long card too, and reads it in full on top of itself.
    pushes = len(slack.standin.calls("views.push"))
    _pick_in_editor(slack, BRUNO, editor, view_id, f"read:{card_id}")
    in_full = last_pushed(slack, pushes + 1)
    assert in_full["callback_id"] == "journey-card-text-modal"
    assert LONG_CARD.strip() in json.dumps(in_full, ensure_ascii=False)
    _pick_in_editor(slack, BRUNO, editor, view_id, f"delete:{card_id}")
    assert _card(slack, card_id).deleted_at is not None


def test_what_was_deleted_is_removed_for_good_once_its_undo_has_expired(
    cards_slack: Slack,
) -> None:
    from datetime import timedelta

    from bot.journeys.feature import FEATURE
    from bot.scheduler import run_job
    from storage.models import Irritant, JourneyMoment

    job = next(job for job in FEATURE.jobs if job.id == "journey-phases")
    slack = cards_slack
    exercise_id = start_exercise(slack, user=ANNA)
    for name in ("First call", "Draft"):
        assert _add_moment(slack, exercise_id, BRUNO, name)[1] == {}
    first, draft = _moment_ids(slack, exercise_id)
    _to_columns(slack, exercise_id)
    assert _add_card(slack, exercise_id, BRUNO, first, "today", "We call back")[1] == {}
    assert _add_card(slack, exercise_id, BRUNO, first, "today", "We write back")[1] == {}
    ids = _card_ids(slack, exercise_id)
    now = slack.runtime.clock.now()
    irritant_id = store_irritant(slack, "The draft never came", moment_id=draft)
    # Bruno deletes a card; the facilitator deletes the Draft moment.
    editor, view_id = _editor(slack, BRUNO, exercise_id)
    _pick_in_editor(slack, BRUNO, editor, view_id, f"delete:{ids['We call back']}")
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=ANNA, action_id="journey-moments", value=str(exercise_id))
    moments = last_opened(slack, opened + 1)
    view_action(
        slack,
        user=ANNA,
        view=moments,
        view_id=opened_view_id(slack),
        action_id="journey-moment-menu",
        selected=f"delete:{draft}",
    )
    # Within the undo's day nothing is removed; after it, both are gone and the irritant
    # that pointed at the moment is unlinked, not lost.
    clock = slack.runtime.clock
    clock.set(now + timedelta(hours=23))
    assert run_job(slack.runtime, job)["purged"] == 0  # type: ignore[index]
    clock.set(now + timedelta(days=1, minutes=1))
    assert run_job(slack.runtime, job)["purged"] == 2  # type: ignore[index]
    with slack.runtime.session_factory() as session:
        assert session.get(JourneyCard, ids["We call back"]) is None
        assert session.get(JourneyCard, ids["We write back"]) is not None
        assert session.get(JourneyMoment, draft) is None
        linked = session.get(Irritant, irritant_id)
        assert linked is not None
        assert linked.moment_id is None
