"""Promises' Slack face: `/journey watch`, `unwatch`, `promises`, and the watch modal."""

from __future__ import annotations

from bot.promises.feature import FEATURE
from handlers.feature import SlackFeature

SLACK_FEATURE = SlackFeature(core=FEATURE)
