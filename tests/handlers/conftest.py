"""A journeybot served in-process over HTTP, talking to a local Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from bot.clock import FrozenClock
from bot.core import Core
from bot.wiring.app import make_core
from storage.db import make_session_factory
from tests.bot_server import RunningBot, running_bot
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings
from tests.slack_standin import SlackStandIn
from tests.slack_standin.inbound import SlackSender

TEAM = "T0ACME"
OTHER_TEAM = "T0OTHER"
BOT_USER = "U0JOURNEY"
BOT_ID = "B0JOURNEY"
ANNA = "U0ANNA"  # English
BRUNO = "U0BRUNO"  # French
CHLOE = "U0CHLOE"  # English, an admin
CLIENTS = "C0CLIENTS"  # the bot is a member
PRIVATE = "C0PRIVATE"  # the bot is not a member


@dataclass
class Slack:
    """Everything a scenario needs: the stand-in, the bot and a signed sender."""

    standin: SlackStandIn
    bot: RunningBot
    sender: SlackSender

    @property
    def runtime(self) -> Core:
        return self.bot.runtime


def populate(standin: SlackStandIn) -> None:
    standin.add_workspace(
        TEAM, name="Acme", bot_token=BOT_TOKEN, bot_user_id=BOT_USER, bot_id=BOT_ID, domain="acme"
    )
    standin.add_user(TEAM, ANNA, name="anna", tz="Europe/London", locale="en-GB")
    standin.add_user(TEAM, BRUNO, name="bruno", tz="Europe/Paris", locale="fr-FR")
    standin.add_user(
        TEAM, CHLOE, name="chloe", tz="America/New_York", locale="en-US", is_admin=True
    )
    standin.add_channel(TEAM, CLIENTS, name="clients", members=[BOT_USER, ANNA, BRUNO, CHLOE])
    standin.add_channel(TEAM, PRIVATE, name="private", members=[ANNA, BRUNO], is_private=True)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        populate(running)
        yield running


@pytest.fixture
def slack(
    db: Engine, database_url: str, standin: SlackStandIn, clock: FrozenClock
) -> Iterator[Slack]:
    # Slack's message timestamps are real time: the frozen clock starts there too.
    clock.set(datetime.now(UTC))
    settings = make_settings(database_url, slack_api_url=standin.api_url)
    runtime = make_core(settings, make_session_factory(db), clock)
    with running_bot(runtime, db) as bot:
        yield Slack(standin, bot, SlackSender(bot.events_url, SIGNING_SECRET))
