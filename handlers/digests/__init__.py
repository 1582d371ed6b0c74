"""Digests' Slack face: `/journey digest`, its settings form, and the sender that posts a due
digest."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.digests.feature import FEATURE
from handlers.digests import command, modal, sender
from handlers.feature import SlackFeature
from handlers.ids import DigestView


def register(app: AsyncApp) -> None:
    app.view(DigestView.settings)(modal.on_digest_submitted)


SLACK_FEATURE = SlackFeature(
    core=FEATURE,
    register=register,
    subcommands={"digest": command.digest_command},
    senders=sender.build_senders,
)
