"""Irritant listeners: capture (reactions, shortcut), details, triage, export, settings."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from handlers.commands.journey import SUBCOMMAND_HANDLERS
from handlers.ids import IrritantAction, IrritantView, Shortcut
from handlers.irritants import capture, details, export, settings, triage


def register(app: AsyncApp) -> None:
    app.event("reaction_added")(capture.on_reaction_added)
    app.event("reaction_removed")(capture.on_reaction_removed)
    app.event("message")(capture.on_message_event)
    app.shortcut(Shortcut.report_irritant)(details.on_report_shortcut)
    app.action(IrritantAction.details)(details.on_details_button)
    app.action(IrritantAction.undo)(details.on_undo_button)
    app.view(re.compile(f"^{IrritantView.details}"))(details.on_details_submitted)
    app.action(re.compile(f"^{IrritantAction.page}"))(triage.on_page)
    app.action(IrritantAction.acknowledge)(triage.on_acknowledge)
    app.action(IrritantAction.reopen)(triage.on_reopen)
    app.action(IrritantAction.resolve)(triage.on_resolve_button)
    app.view(IrritantView.resolve)(triage.on_resolve_submitted)
    app.view(IrritantView.settings)(settings.on_settings_submitted)
    SUBCOMMAND_HANDLERS["irritants"] = triage.irritants_command
    SUBCOMMAND_HANDLERS["export"] = export.export_command
    SUBCOMMAND_HANDLERS["settings"] = settings.settings_command
