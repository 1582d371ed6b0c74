"""Every feature of journeybot, listed once: the one place a new capability is added."""

from __future__ import annotations

from bot.features import FeatureSet
from bot.platform import PLATFORM
from handlers import digests, home, irritants, journeys, promises, watcher
from handlers.feature import SlackFeature

SLACK_FEATURES: tuple[SlackFeature, ...] = (
    SlackFeature(core=PLATFORM),
    irritants.SLACK_FEATURE,
    journeys.SLACK_FEATURE,
    promises.SLACK_FEATURE,
    watcher.SLACK_FEATURE,
    digests.SLACK_FEATURE,
    home.SLACK_FEATURE,
)


def feature_set(features: tuple[SlackFeature, ...] = SLACK_FEATURES) -> FeatureSet:
    """The Slack-free view of the same features, for the core (catalog, purge, jobs, events)."""
    return FeatureSet(feature.core for feature in features)
