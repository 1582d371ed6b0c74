"""Journey exercises' Slack face: buttons, modals, subcommands and outbox senders."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.journeys.feature import FEATURE
from handlers.feature import Sender, SlackFeature
from handlers.ids import JourneyAction, JourneyView
from handlers.journeys import ballot, cards, contribute, hand_over, promises, senders, show, start
from handlers.slack_services import SlackServices


def register(app: AsyncApp) -> None:
    app.view(JourneyView.new)(start.on_new_submitted)
    app.action(JourneyAction.add_moment)(contribute.on_add_moment)
    app.view(JourneyView.moment)(contribute.on_moment_submitted)
    app.action(JourneyAction.add_card)(contribute.on_add_card)
    app.view(JourneyView.card)(contribute.on_card_submitted)
    app.action(JourneyAction.next_phase)(contribute.on_next_phase)
    app.action(JourneyAction.moments)(contribute.on_edit_moments)
    app.action(JourneyAction.moment_menu)(contribute.on_moment_menu)
    app.action(JourneyAction.undo_delete)(contribute.on_undo_delete)
    app.view(JourneyView.rename)(contribute.on_rename_submitted)
    app.action(JourneyAction.vote)(ballot.on_vote_button)
    app.action(JourneyAction.cast)(ballot.on_cast)
    app.action(JourneyAction.take_back)(ballot.on_take_back)
    app.action(re.compile(f"^{JourneyAction.ballot_page}"))(ballot.on_ballot_page)
    app.action(JourneyAction.board)(show.on_board_button)
    app.action(re.compile(f"^{JourneyAction.board_page}"))(show.on_board_page)
    app.action(JourneyAction.map)(show.on_map_button)
    app.action(JourneyAction.promise)(promises.on_promise_button)
    app.view(JourneyView.promise)(promises.on_promise_submitted)
    app.action(JourneyAction.make_watch)(promises.on_make_watch)
    app.action(JourneyAction.cards)(cards.on_cards_button)
    app.action(JourneyAction.card_menu)(cards.on_card_menu)
    app.action(JourneyAction.undo_card)(cards.on_undo_card)
    app.action(re.compile(f"^{JourneyAction.cards_page}"))(cards.on_cards_page)
    app.view(JourneyView.card_edit)(cards.on_card_edited)
    app.action(re.compile(f"^{JourneyAction.read_card}-"))(cards.on_read_card)
    app.action(JourneyAction.hand_over)(hand_over.on_hand_over_button)
    app.view(JourneyView.hand_over)(hand_over.on_hand_over_submitted)


def _senders(services: SlackServices) -> list[Sender[Any]]:
    return [*senders.build_senders(services), hand_over.hand_over_sender(services)]


SLACK_FEATURE = SlackFeature(
    core=FEATURE,
    register=register,
    subcommands={
        "new": start.new_command,
        "list": show.list_command,
        "board": show.board_command,
        "map": show.map_command,
        "mute": show.mute_command,
        "unmute": show.unmute_command,
    },
    senders=_senders,
)
