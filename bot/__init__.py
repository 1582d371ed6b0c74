"""journeybot: customer-experience team rituals inside Slack."""

__version__ = "0.1.0"
