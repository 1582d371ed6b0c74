"""Every callback_id, action_id and block_id the bot uses."""

from enum import StrEnum


class Command(StrEnum):
    journey = "/journey"


class HelpBlock(StrEnum):
    header = "help-header"
    list = "help-list"
    footer = "help-footer"
