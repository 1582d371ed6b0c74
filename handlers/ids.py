"""Every callback_id, action_id and block_id the bot uses."""

from enum import StrEnum

# Row ids are INTEGER columns, 32 bits on PostgreSQL: a larger id names no row of ours, and
# a query with it would be refused by the database (an error, where "not found" is meant).
MAX_ROW_ID = 2**31 - 1


def row_id(value: object) -> int | None:
    """The row id a button value or a modal's field carries, or None if it can't be one."""
    text = "" if value is None else str(value)
    # isascii: str.isdigit() also accepts digits int() refuses, such as "²".
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ROW_ID else None


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


class RequestAction(StrEnum):
    take = "request-take"
    dismiss = "request-dismiss"
    restore = "request-restore"
    page = "requests-page"
    holding = "request-holding"  # offers the holding reply to whoever took the request


class RequestModal(StrEnum):
    holding = "request-holding-modal"


class JourneyAction(StrEnum):
    add_moment = "journey-add-moment"
    add_card = "journey-add-card"
    vote = "journey-vote"
    board = "journey-board"
    map = "journey-map"
    next_phase = "journey-next-phase"
    moments = "journey-moments"  # the facilitator's moment editor
    moment_menu = "journey-moment-menu"
    undo_delete = "journey-undo-delete"
    cast = "journey-cast"
    take_back = "journey-take-back"
    board_page = "journey-board-page"
    ballot_page = "journey-ballot-page"
    promise = "journey-promise"
    make_watch = "journey-make-watch"
    cards = "journey-cards"  # the card editor: own cards, or all for the facilitator
    card_menu = "journey-card-menu"
    undo_card = "journey-undo-card"
    cards_page = "journey-cards-page"
    read_card = "journey-read-card"  # a long card of the board, in full
    hand_over = "journey-hand-over"


class JourneyView(StrEnum):
    new = "journey-new-modal"
    moment = "journey-moment-modal"
    card = "journey-card-modal"
    ballot = "journey-ballot-modal"
    board = "journey-board-modal"
    moments = "journey-moments-modal"
    rename = "journey-rename-modal"
    promise = "journey-promise-modal"
    loading = "journey-loading-modal"
    notice = "journey-notice-modal"
    cards = "journey-cards-modal"
    card_edit = "journey-card-edit-modal"
    card_text = "journey-card-text-modal"
    hand_over = "journey-hand-over-modal"


class PromiseView(StrEnum):
    watch = "promise-watch-modal"


class PromiseAction(StrEnum):
    page = "promises-page"
    # Inputs that dispatch no action but must have distinct ids in the modal.
    team_kind = "promise-team-kind"
    alerts = "promise-alerts"


class DigestView(StrEnum):
    settings = "digest-settings-modal"


class HomeAction(StrEnum):
    take = "home-take"
