"""The home tab's Slack face: `app_home_opened`, its "I'll take it" button, its refresh."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.home.feature import FEATURE
from handlers.feature import SlackFeature
from handlers.home import listeners, sender
from handlers.ids import HomeAction, row_id


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(listeners.on_app_home_opened)
    app.action(HomeAction.take)(listeners.on_take)


def _is_request_id(value: str) -> bool:
    return row_id(value) is not None


SLACK_FEATURE = SlackFeature(
    core=FEATURE,
    register=register,
    senders=sender.build_senders,
    action_values={HomeAction.take: _is_request_id},
)
