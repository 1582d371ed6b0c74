"""Every callback_id, action_id and block_id the bot uses."""

from enum import StrEnum


class Command(StrEnum):
    journey = "/journey"


class HelpBlock(StrEnum):
    header = "help-header"
    list = "help-list"
    footer = "help-footer"


class IrritantAction(StrEnum):
    details = "irritant-details"
    undo = "irritant-undo"
    acknowledge = "irritant-acknowledge"
    resolve = "irritant-resolve"
    reopen = "irritant-reopen"
    page = "irritants-page"


class IrritantView(StrEnum):
    details = "irritant-details-modal"
    resolve = "irritant-resolve-modal"
    settings = "workspace-settings-modal"


class Shortcut(StrEnum):
    report_irritant = "report_irritant"


class IrritantField(StrEnum):
    """block_id == field name, so validation errors map straight onto input blocks."""

    category = "category"
    severity = "severity"
    note = "note"
    resolution = "resolution"
    emojis = "emojis"
    categories = "categories"
    retention_days = "retention_days"
    resolved_mark = "resolved_mark"
    channel_locale = "channel_locale"
    channel_time_zone = "channel_time_zone"
    workspace_locale = "workspace_locale"
    workspace_time_zone = "workspace_time_zone"
