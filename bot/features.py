"""A feature declares itself once; the wiring collects every feature from that declaration.

The Slack-free half of a feature lives here (`Feature`): its subcommands, tenant tables,
scheduled jobs, event subscribers and outbox kinds. Its Slack half (listeners, subcommand
handlers, outbox senders) is `handlers.feature.SlackFeature`, which points at it. Nothing
central is edited to add one: `handlers/features.py` lists the features, and everything
else (the `/journey` catalog, uninstall's purge, the scheduler, the event fan-out, the
relay's senders) is derived from them here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bot.commands import HELP, CommandCatalog, Subcommand
from bot.events import MessageSubscriber, ReactionSubscriber
from bot.membership import BotPresenceSubscriber
from bot.outbox import OutboxKind
from bot.scheduler import Job
from storage.base import Base


@dataclass(frozen=True)
class Feature:
    name: str
    subcommands: tuple[Subcommand, ...] = ()
    # Tables holding a workspace's data, children before parents: uninstall purges them.
    tenant_tables: tuple[type[Base], ...] = ()
    jobs: tuple[Job, ...] = ()
    on_reaction: tuple[ReactionSubscriber, ...] = ()
    on_message: tuple[MessageSubscriber, ...] = ()
    outbox_kinds: tuple[OutboxKind[Any], ...] = ()
    # Told when the bot leaves or joins a channel (handlers/audience.py hears Slack say so).
    on_bot_presence: tuple[BotPresenceSubscriber, ...] = ()


class FeatureSet:
    """Every feature of this build, with what the wiring needs derived once."""

    def __init__(self, features: Iterable[Feature]) -> None:
        self.features = tuple(features)
        names = [feature.name for feature in self.features]
        if len(set(names)) != len(names):
            raise ValueError(f"two features share a name: {names}")

    @cached_property
    def catalog(self) -> CommandCatalog:
        catalog = CommandCatalog()
        catalog.register(HELP)
        for feature in self.features:
            for subcommand in feature.subcommands:
                catalog.register(subcommand)
        return catalog

    @cached_property
    def tenant_tables(self) -> tuple[type[Base], ...]:
        """Every declared tenant table, children before parents (foreign keys decide)."""
        declared = {table.__tablename__: table for f in self.features for table in f.tenant_tables}
        order = [table.name for table in reversed(Base.metadata.sorted_tables)]
        return tuple(declared[name] for name in order if name in declared)

    @cached_property
    def jobs(self) -> tuple[Job, ...]:
        jobs = tuple(job for feature in self.features for job in feature.jobs)
        ids = [job.id for job in jobs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"two jobs share an id: {ids}")
        return jobs

    @cached_property
    def reaction_subscribers(self) -> tuple[ReactionSubscriber, ...]:
        return tuple(sub for feature in self.features for sub in feature.on_reaction)

    @cached_property
    def message_subscribers(self) -> tuple[MessageSubscriber, ...]:
        return tuple(sub for feature in self.features for sub in feature.on_message)

    @cached_property
    def bot_presence_subscribers(self) -> tuple[BotPresenceSubscriber, ...]:
        return tuple(sub for feature in self.features for sub in feature.on_bot_presence)

    @cached_property
    def outbox_kinds(self) -> dict[str, OutboxKind[Any]]:
        kinds: dict[str, OutboxKind[Any]] = {}
        for feature in self.features:
            for kind in feature.outbox_kinds:
                if kind.name in kinds:
                    raise ValueError(f"outbox kind {kind.name!r} is declared twice")
                kinds[kind.name] = kind
        return kinds
