"""The promise watcher's Slack face: alert buttons, `/journey requests`, outbox senders."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.watcher.feature import FEATURE
from handlers.feature import SlackFeature
from handlers.ids import RequestAction, RequestModal
from handlers.watcher import buttons, holding, listing, senders


def register(app: AsyncApp) -> None:
    app.action(RequestAction.take)(buttons.on_take)
    app.action(RequestAction.dismiss)(buttons.on_dismiss)
    app.action(RequestAction.restore)(buttons.on_restore)
    app.action(RequestAction.holding)(holding.on_holding_button)
    app.view(RequestModal.holding)(holding.on_holding_submitted)
    app.action(re.compile(f"^{RequestAction.page}"))(listing.on_page)


SLACK_FEATURE = SlackFeature(
    core=FEATURE,
    register=register,
    subcommands={"requests": listing.requests_command},
    senders=senders.build_senders,
)
