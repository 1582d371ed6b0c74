"""A local stand-in for Slack: Web API, response URLs, file uploads and Socket Mode.

`SlackStandIn` is the server (and the world it simulates); `inbound` builds signed requests
from Slack to the bot; `validation` checks Block Kit the way Slack's API does.
"""

from tests.slack_standin.inbound import (
    Response,
    SlackSender,
    Who,
    block_actions_payload,
    button_action,
    event_callback_body,
    event_callback_payload,
    interactivity_body,
    message_action_payload,
    shortcut_payload,
    sign,
    slash_command_body,
    slash_command_payload,
    url_verification_body,
    view_closed_payload,
    view_submission_payload,
)
from tests.slack_standin.server import Call, SlackStandIn
from tests.slack_standin.validation import (
    SlackError,
    check_view_submission_response,
    validate_message,
    validate_message_blocks,
    validate_view,
)
from tests.slack_standin.world import Message, UploadedFile

__all__ = [
    "Call",
    "Message",
    "Response",
    "SlackError",
    "SlackSender",
    "SlackStandIn",
    "UploadedFile",
    "Who",
    "block_actions_payload",
    "button_action",
    "check_view_submission_response",
    "event_callback_body",
    "event_callback_payload",
    "interactivity_body",
    "message_action_payload",
    "shortcut_payload",
    "sign",
    "slash_command_body",
    "slash_command_payload",
    "url_verification_body",
    "validate_message",
    "validate_message_blocks",
    "validate_view",
    "view_closed_payload",
    "view_submission_payload",
]
