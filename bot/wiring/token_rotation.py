"""Slack's token rotation, for apps that turn it on: Bolt's rotator, one refresh at a time.

With rotation on, a bot token lives 12 hours and comes with a refresh token that
`oauth.v2.access` (`grant_type=refresh_token`) exchanges, once, for a new pair. Bolt's
`AsyncTokenRotator` does the exchange; Bolt's authorize step calls it before each request's
work and `ClientProvider` before each call made outside a request (outbox, jobs).

Why a subclass: a refresh token is single-use, so two requests of one workspace refreshing
at the same moment would spend it twice and the second would fail with
`invalid_refresh_token` (python-slack-sdk #1242). Here the refreshes of one refresh token
queue behind one lock, and those that waited get the pair the first one obtained.
Replicas still refresh independently: see docs/reliability.md, row 3.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

# Refresh a bot token this long before Slack's expiry (Bolt's own default), so that no call
# starts with a token about to lapse.
REFRESH_MINUTES_BEFORE_EXPIRY = 120
_REMEMBERED_REFRESHES = 1024


class SerialTokenRotator(AsyncTokenRotator):
    def __init__(self, *, client_id: str, client_secret: str, client: AsyncWebClient) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, client=client)
        self._locks: dict[str, asyncio.Lock] = {}
        # refresh token spent -> the bot it was exchanged for (bounded: oldest forgotten).
        self._spent: OrderedDict[str, Bot] = OrderedDict()

    async def perform_bot_token_rotation(
        self, *, bot: Bot, minutes_before_expiration: int = REFRESH_MINUTES_BEFORE_EXPIRY
    ) -> Bot | None:
        refresh_token = bot.bot_refresh_token
        if refresh_token is None:
            return None
        lock = self._locks.setdefault(refresh_token, asyncio.Lock())
        async with lock:
            already = self._spent.get(refresh_token)
            if already is not None:
                return already
            refreshed = await super().perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=minutes_before_expiration
            )
            if refreshed is not None:
                self._spent[refresh_token] = refreshed
                while len(self._spent) > _REMEMBERED_REFRESHES:
                    self._spent.popitem(last=False)
                # Later callers find the pair in `_spent`; those already waiting hold the lock.
                self._locks.pop(refresh_token, None)
            return refreshed
