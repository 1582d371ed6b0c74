"""The Slack-free core every use case may need, built once at start-up and handed down."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.outbox import wrote_outbox
from bot.settings import Settings
from storage.db import dropped_connection, read_only_engine

if TYPE_CHECKING:
    from bot.features import FeatureSet

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Core:
    """Settings, the database, the clock and the features: no Slack type in sight.

    `run` is how a listener calls a use case: `await core.run(list_page, ws=ws, page=0)`
    type-checks `list_page`'s own keyword arguments (ParamSpec), then runs it in one
    transaction on a worker thread so the event loop never waits on the database.
    """

    settings: Settings
    session_factory: sessionmaker[Session]
    features: FeatureSet
    clock: Clock = field(default_factory=SystemClock)
    # Called (from whichever thread committed) after a transaction that wrote to the outbox
    # commits: the wiring puts the relay's wake-up here.
    outbox_listeners: list[Callable[[], None]] = field(default_factory=list)

    def in_transaction(
        self, usecase: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run `usecase(session, *args, **kwargs)` in one transaction (commit or roll back).

        When the use case wrote to the outbox, the relay is woken once the commit is done.

        A connection the database dropped while it sat in the pool (a restart, a failover)
        fails at its first statement; nothing of the transaction can have committed, so it
        runs once more on a fresh connection (SQLAlchemy renews the whole pool when it sees
        a disconnect). A failure at COMMIT is not retried: the transaction may have committed.
        """
        for attempt in (1, 2):
            with self.session_factory() as session:
                try:
                    result = usecase(session, *args, **kwargs)
                except Exception as error:
                    if attempt == 1 and dropped_connection(error):
                        continue
                    raise
                session.commit()
            if wrote_outbox(session):
                for listener in list(self.outbox_listeners):
                    listener()
            return result
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def run(
        self, usecase: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`in_transaction` on a worker thread."""
        work = partial(self.in_transaction, usecase, *args, **kwargs)
        return await asyncio.to_thread(work)

    async def read(
        self, usecase: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`run` for a use case that only reads: on SQLite it takes no write lock, so it
        never queues behind (or holds up) the event ingest."""
        work = partial(self._read, usecase, *args, **kwargs)
        return await asyncio.to_thread(work)

    def _read(
        self, usecase: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        bind = read_only_engine(self.session_factory.kw["bind"])
        for attempt in (1, 2):  # as in `in_transaction`: a dropped connection is retried once
            with Session(bind, expire_on_commit=False) as session:
                try:
                    result = usecase(session, *args, **kwargs)
                except Exception as error:
                    if attempt == 1 and dropped_connection(error):
                        continue  # leaving the `with` closes the session: nothing to commit
                    raise
                session.commit()
                return result
        raise AssertionError("unreachable: the second attempt returns or raises")
