"""Slack's face: parse payloads, ack in time, call use cases in bot/, render Block Kit."""

from slack_bolt.async_app import AsyncApp

from handlers.feature import SlackFeature


def register_all(app: AsyncApp, features: tuple[SlackFeature, ...]) -> None:
    """Attach the shared listeners, then each feature's own."""
    from handlers import audience, commands, errors, events, lifecycle

    errors.register(app)
    # Bolt tries listeners in registration order, and each miss costs a matcher call:
    # `/journey` (the hottest path) goes first.
    commands.register(
        app, {key: handler for f in features for key, handler in f.subcommands.items()}
    )
    events.register(app)
    lifecycle.register(app)
    audience.register(app)
    for feature in features:
        feature.register(app)
