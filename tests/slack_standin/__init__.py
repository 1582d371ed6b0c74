"""A local stand-in for Slack: Web API, response URLs, file uploads and Socket Mode."""

from tests.slack_standin.server import Call, SlackStandIn
from tests.slack_standin.validation import SlackError

__all__ = ["Call", "SlackError", "SlackStandIn"]
