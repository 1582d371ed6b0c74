"""Irritants' Slack face: the shortcut, buttons, modals, subcommands and outbox senders."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.irritants.feature import FEATURE
from handlers.blocks.irritants import ListState, is_irritant_id
from handlers.feature import SlackFeature
from handlers.ids import IrritantAction, IrritantView, Shortcut
from handlers.irritants import config_modal, details, export, senders, triage


def register(app: AsyncApp) -> None:
    app.shortcut(Shortcut.report_irritant)(details.on_report_shortcut)
    app.action(IrritantAction.details)(details.on_details_button)
    app.action(IrritantAction.undo)(details.on_undo_button)
    app.view(re.compile(f"^{IrritantView.details}"))(details.on_details_submitted)
    app.action(re.compile(f"^{IrritantAction.page}"))(triage.on_page)
    app.action(IrritantAction.acknowledge)(triage.on_acknowledge)
    app.action(IrritantAction.reopen)(triage.on_reopen)
    app.action(IrritantAction.resolve)(triage.on_resolve_button)
    app.view(IrritantView.resolve)(triage.on_resolve_submitted)
    app.view(IrritantView.settings)(config_modal.on_settings_submitted)


SLACK_FEATURE = SlackFeature(
    core=FEATURE,
    register=register,
    subcommands={
        "irritants": triage.irritants_command,
        "export": export.export_command,
        "settings": config_modal.settings_command,
    },
    senders=senders.build_senders,
    action_values={
        IrritantAction.details: is_irritant_id,
        IrritantAction.undo: is_irritant_id,
        IrritantAction.page: ListState.is_encoding,
        IrritantAction.acknowledge: ListState.is_encoding,
        IrritantAction.reopen: ListState.is_encoding,
        IrritantAction.resolve: ListState.is_encoding,
    },
)
