"""Who a user is, for answering them: Slack's `locale` and admin flags for that user, cached.

One `users.info` call gives both, so the settings command's admin check costs nothing more
than the language lookup every command already needs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import normalize_locale

log = logging.getLogger(__name__)

# A user's locale rarely changes; an hour keeps users.info off the hot path.
CACHE_SECONDS = 3600.0
LOOKUP_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class Person:
    locale: str
    is_admin: bool  # workspace admin or owner
    timezone: str | None = None  # Slack's `tz` (IANA), for business hours and at-work


class LocaleResolver:
    def __init__(self, default_locale: str, *, max_entries: int = 50_000) -> None:
        self._default = default_locale
        self._cache: dict[tuple[str, str], tuple[Person, float]] = {}
        self._max_entries = max_entries

    def remember(
        self,
        team_id: str,
        user_id: str,
        slack_locale: str | None,
        *,
        is_admin: bool = False,
        timezone: str | None = None,
    ) -> str:
        locale = normalize_locale(slack_locale, self._default)
        if len(self._cache) >= self._max_entries:
            self._cache.clear()
        person = Person(locale, is_admin, timezone)
        self._cache[(team_id, user_id)] = (person, time.monotonic() + CACHE_SECONDS)
        return locale

    async def is_admin(self, client: AsyncWebClient, team_id: str, user_id: str) -> bool:
        """Whether the user is a workspace admin or owner (asks Slack if not cached)."""
        cached = self._cache.get((team_id, user_id))
        if cached is None or cached[1] <= time.monotonic():
            response = await client.users_info(user=user_id, include_locale=True)
            self._remember_user(team_id, user_id, response.get("user") or {})
            cached = self._cache.get((team_id, user_id))
        return cached is not None and cached[0].is_admin

    def _remember_user(self, team_id: str, user_id: str, user: dict[str, object]) -> str:
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        locale = user.get("locale")
        timezone = user.get("tz")
        return self.remember(
            team_id,
            user_id,
            locale if isinstance(locale, str) else None,
            is_admin=admin,
            timezone=timezone if isinstance(timezone, str) and timezone else None,
        )

    def timezone(self, team_id: str, user_id: str) -> str | None:
        """The user's Slack time zone if the language lookup already brought it (no call)."""
        cached = self._cache.get((team_id, user_id))
        return cached[0].timezone if cached is not None else None

    async def resolve(
        self, client: AsyncWebClient, team_id: str | None, user_id: str | None
    ) -> str:
        """The user's language; the default when Slack can't tell us within a second."""
        if not team_id or not user_id:
            return self._default
        cached = self._cache.get((team_id, user_id))
        if cached is not None and cached[1] > time.monotonic():
            return cached[0].locale
        try:
            response = await asyncio.wait_for(
                client.users_info(user=user_id, include_locale=True), LOOKUP_TIMEOUT_SECONDS
            )
        except (SlackApiError, TimeoutError, OSError) as error:
            log.info("locale lookup failed for %s/%s: %s", team_id, user_id, type(error).__name__)
            return self._default
        return self._remember_user(team_id, user_id, response.get("user") or {})
