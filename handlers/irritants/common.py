"""Helpers shared by the irritant listeners."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.irritants import Workspace


def workspace_of(context: AsyncBoltContext, body: dict[str, Any]) -> Workspace:
    """The tenant a request belongs to: the installation that received it.

    Bolt resolves `context.team_id` from `authorizations` (the installing workspace), which
    is right in Slack Connect channels where the event's own `team` is another company's.
    """
    team_id = context.team_id or (body.get("team") or {}).get("id") or body.get("team_id") or ""
    return Workspace(str(team_id), context.enterprise_id)


def base_emoji(reaction: str) -> str:
    """`rage::skin-tone-2` is still `rage`."""
    return reaction.split("::", 1)[0]
