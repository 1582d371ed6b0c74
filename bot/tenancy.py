"""The tenant: the workspace whose installation received a request or owns a row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Workspace:
    """A Slack workspace as the bot knows it: the installing team (and its Grid, if any).

    Built only from what the bot trusts: the installation Bolt resolved for a request, or a
    stored row. Never from a payload's own `team` field, which a Slack Connect partner or a
    forged body controls.
    """

    team_id: str
    enterprise_id: str | None = None
