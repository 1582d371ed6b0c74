"""Performs the Slack calls that use cases wrote to the outbox."""
