"""Digests' Slack face: `/journey digest` and the sender that posts a due digest."""

from __future__ import annotations

from bot.digests.feature import FEATURE
from handlers.digests import command, sender
from handlers.feature import SlackFeature

SLACK_FEATURE = SlackFeature(
    core=FEATURE,
    subcommands={"digest": command.digest_command},
    senders=sender.build_senders,
)
