"""Slack's face: parse payloads, ack in time, call use cases in bot/, render Block Kit."""

from slack_bolt.async_app import AsyncApp


def register_all(app: AsyncApp) -> None:
    """Attach every listener of every surface."""
    from handlers import commands, errors, home, irritants, lifecycle

    errors.register(app)
    commands.register(app)
    irritants.register(app)
    lifecycle.register(app)
    home.register(app)
