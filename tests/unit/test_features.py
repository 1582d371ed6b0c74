"""Features declare themselves once; what the wiring derives from them stays complete."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.features import Feature, FeatureSet
from bot.outbox import OutboxKind, Payload
from handlers.features import SLACK_FEATURES, feature_set
from storage.models import Base


def test_every_table_with_a_workspace_column_is_purged_on_uninstall() -> None:
    """A new model with `team_id` that no feature declares would survive an uninstall."""
    with_team = {table.name for table in Base.metadata.sorted_tables if "team_id" in table.c}
    declared = {model.__tablename__ for model in feature_set().tenant_tables}

    assert with_team - declared == set()
    assert declared - with_team == set()


def test_tenant_tables_are_purged_children_first() -> None:
    order = [model.__tablename__ for model in feature_set().tenant_tables]

    assert order.index("irritant_votes") < order.index("irritants")
    assert order.index("irritant_events") < order.index("irritants")


def test_every_outbox_kind_has_exactly_one_sender() -> None:
    kinds = set(feature_set().outbox_kinds)
    # Building the senders only binds them; no service is used until one sends.
    services = SimpleNamespace(core=None)
    senders = [
        sender.kind.name
        for feature in SLACK_FEATURES
        for sender in feature.senders(services)  # type: ignore[arg-type]
    ]

    assert sorted(senders) == sorted(kinds)


def test_every_subcommand_has_a_handler_or_is_help() -> None:
    keys = {subcommand.key for subcommand in feature_set().catalog}
    handled = {key for feature in SLACK_FEATURES for key in feature.subcommands}

    assert keys - handled == {"help"}
    assert handled <= keys


class _Nothing(Payload):
    pass


def test_two_features_cannot_claim_one_outbox_kind() -> None:
    kind = OutboxKind("same", _Nothing)
    features = FeatureSet([Feature("a", outbox_kinds=(kind,)), Feature("b", outbox_kinds=(kind,))])

    with pytest.raises(ValueError, match="declared twice"):
        _ = features.outbox_kinds


def test_two_features_cannot_share_a_name() -> None:
    with pytest.raises(ValueError, match="share a name"):
        FeatureSet([Feature("a"), Feature("a")])
