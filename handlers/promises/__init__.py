"""Promises' Slack face: `/journey watch`, `unwatch`, `promises`, the watch form, and the
`user_change` event that keeps members' time zones fresh."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.promises.feature import FEATURE
from handlers.feature import SlackFeature
from handlers.ids import PromiseAction, PromiseView
from handlers.promises import listing, watch


def register(app: AsyncApp) -> None:
    app.view(PromiseView.watch)(watch.on_watch_submitted)
    app.action(re.compile(f"^{PromiseAction.page}"))(listing.on_page)
    app.event("user_change")(watch.on_user_change)


SLACK_FEATURE = SlackFeature(
    core=FEATURE,
    register=register,
    subcommands={
        "watch": watch.watch_command,
        "unwatch": watch.unwatch_command,
        "promises": listing.promises_command,
    },
)
