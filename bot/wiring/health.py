"""Probes and scrape-time metrics: `/healthz` (alive), `/readyz` (can serve), `/metrics`.

Liveness answers from memory only: a replica whose database is down is not restarted for it,
it is taken out of the load balancer by its failing readiness instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, case, func, select, text

from storage.migrate import is_up_to_date
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

READY_CACHE_SECONDS = 2.0


class ReadinessCheck:
    """Ready once the database answers and carries the newest migration.

    A success is cached for a couple of seconds so that a probe every second from each
    load balancer costs the database almost nothing; a failure is never cached.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._migrated = False
        self._last_ok = 0.0

    def check(self) -> tuple[bool, str]:
        """Probe the database (blocking: call it from a worker thread).

        Returns:
            `(ready, reason)`, where reason is "ok", "database unreachable" or
            "database not migrated".
        """
        if time.monotonic() - self._last_ok < READY_CACHE_SECONDS:
            return True, "ok"
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            if not self._migrated:
                self._migrated = is_up_to_date(self._engine)
        except Exception as error:  # any driver error means "not ready", never a 500
            log.warning("readiness: database unreachable: %s", type(error).__name__)
            return False, "database unreachable"
        if not self._migrated:
            return False, "database not migrated"
        self._last_ok = time.monotonic()
        return True, "ok"


class DatabaseCollector(Collector):
    """Gauges read with one aggregate query at each scrape: outbox depth and due-work lag.

    `journeybot_outbox_depth` counts messages neither sent nor given up (waiting or due);
    `journeybot_due_work_lag_seconds` is how long the oldest *due* one has been waiting,
    0 when nothing is late. A relay that keeps up keeps it near zero; a rising lag with a
    flat depth means the relay stalled.
    """

    def __init__(self, engine: Engine, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._now = now

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "journeybot_database_up", "1 if the last scrape could query the database."
        )
        try:
            depth, lag = self._read()
        except Exception as error:
            log.warning("metrics: database unreachable: %s", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "journeybot_outbox_depth",
            "Outbox messages not yet sent nor given up.",
            value=depth,
        )
        lag_family = GaugeMetricFamily(
            "journeybot_due_work_lag_seconds",
            "Age of the oldest due, unsent piece of scheduled work, by queue.",
            labels=["queue"],
        )
        lag_family.add_metric(["outbox"], lag)
        yield lag_family

    def _read(self) -> tuple[int, float]:
        now = self._now()
        pending = OutboxMessage.sent_at.is_(None) & OutboxMessage.failed_at.is_(None)
        statement = select(
            func.count(),
            func.min(case((OutboxMessage.due_at <= now, OutboxMessage.due_at))),
        ).where(pending)
        with self._engine.connect() as connection:
            depth, oldest_due = connection.execute(statement).one()
        if oldest_due is None:
            return int(depth), 0.0
        if oldest_due.tzinfo is None:  # SQLite hands back naive UTC
            oldest_due = oldest_due.replace(tzinfo=now.tzinfo)
        return int(depth), max(0.0, (now - oldest_due).total_seconds())
