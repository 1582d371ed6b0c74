"""Which language to answer a user in: Slack's `locale` for that user, cached."""

from __future__ import annotations

import asyncio
import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import normalize_locale

log = logging.getLogger(__name__)

# A user's locale rarely changes; an hour keeps users.info off the hot path.
CACHE_SECONDS = 3600.0
LOOKUP_TIMEOUT_SECONDS = 1.0


class LocaleResolver:
    def __init__(self, default_locale: str, *, max_entries: int = 50_000) -> None:
        self._default = default_locale
        self._cache: dict[tuple[str, str], tuple[str, float]] = {}
        self._max_entries = max_entries

    def remember(self, team_id: str, user_id: str, slack_locale: str | None) -> str:
        locale = normalize_locale(slack_locale, self._default)
        if len(self._cache) >= self._max_entries:
            self._cache.clear()
        self._cache[(team_id, user_id)] = (locale, time.monotonic() + CACHE_SECONDS)
        return locale

    async def resolve(
        self, client: AsyncWebClient, team_id: str | None, user_id: str | None
    ) -> str:
        """The user's language; the default when Slack can't tell us within a second."""
        if not team_id or not user_id:
            return self._default
        cached = self._cache.get((team_id, user_id))
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        try:
            response = await asyncio.wait_for(
                client.users_info(user=user_id, include_locale=True), LOOKUP_TIMEOUT_SECONDS
            )
        except (SlackApiError, TimeoutError, OSError) as error:
            log.info("locale lookup failed for %s/%s: %s", team_id, user_id, type(error).__name__)
            return self._default
        user = response.get("user") or {}
        return self.remember(team_id, user_id, user.get("locale"))
