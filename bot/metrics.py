"""Every Prometheus metric journeybot exposes at `/metrics`, defined in one place.

Counters and histograms live on one process-wide registry (`REGISTRY`), so any code may
increment them (`metrics.NUDGES_SENT.inc()`) without being handed an object. What must be
read from the database at scrape time (outbox depth, due-work lag) is a collector built per
web application (`bot.wiring.health.database_collector`), and each application serves its
own registry that joins the two (`app_registry`). Building several apps in one process (the
tests do) therefore never registers a metric twice.

Label values are small fixed sets (a request kind, an outcome, a Slack method and error
code): never a user, channel or workspace id, and never message text.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

# `*_created` series (a timestamp per counter) double the output and no alert uses them.
disable_created_metrics()  # type: ignore[no-untyped-call]
REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

# Slack retries a request that isn't acknowledged within 3 s: the buckets bracket that.
ACK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)

REQUESTS = Counter(
    "journeybot_requests",
    "Requests from Slack, by kind (command, block_actions, event:reaction_added…) and outcome.",
    ["kind", "outcome"],
    registry=REGISTRY,
)
ACK_SECONDS = Histogram(
    "journeybot_ack_seconds",
    "Time from receiving a Slack request to answering it (the acknowledgement), by kind.",
    ["kind"],
    buckets=ACK_BUCKETS,
    registry=REGISTRY,
)
NUDGES_SENT = Counter(
    "journeybot_nudges_sent",
    "Promise-watcher nudges and escalations posted, by level.",
    ["level"],
    registry=REGISTRY,
)
DIGESTS_SENT = Counter(
    "journeybot_digests_sent",
    "Weekly promise digests posted.",
    registry=REGISTRY,
)
SLACK_API_ERRORS = Counter(
    "journeybot_slack_api_errors",
    "Slack Web API calls that failed, by method and error (ok=false code or http_NNN).",
    ["method", "error"],
    registry=REGISTRY,
)
SLACK_API_RETRIES = Counter(
    "journeybot_slack_api_retries",
    "Slack Web API calls retried, by reason (rate_limited, connection).",
    ["reason"],
    registry=REGISTRY,
)

# Known label values start at 0, so a dashboard or an alert sees them before the first one.
for _level in ("nudge", "escalation"):
    NUDGES_SENT.labels(_level)
for _reason in ("rate_limited", "connection"):
    SLACK_API_RETRIES.labels(_reason)

# Outcomes of a Slack request as the HTTP handler saw it.
OUTCOME_OK = "ok"
OUTCOME_REJECTED = "rejected"  # bad or missing signature, stale timestamp
OUTCOME_MALFORMED = "malformed"
OUTCOME_ERROR = "error"  # our 5xx: Slack will retry


def outcome_of(status: int) -> str:
    if status == 401:
        return OUTCOME_REJECTED
    if 400 <= status < 500:
        return OUTCOME_MALFORMED
    if status >= 500:
        return OUTCOME_ERROR
    return OUTCOME_OK


class _Forward(Collector):
    """Lets an app's registry serve the process-wide metrics without re-registering them."""

    def __init__(self, source: CollectorRegistry) -> None:
        self._source = source

    def collect(self) -> Iterable[Metric]:
        return self._source.collect()


def app_registry(*collectors: Collector) -> CollectorRegistry:
    """A registry for one web application: the process-wide metrics plus `collectors`."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Forward(REGISTRY))
    for collector in collectors:
        registry.register(collector)
    return registry
