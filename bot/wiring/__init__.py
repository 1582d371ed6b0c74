"""The wiring: the only code outside handlers/ that knows Slack's libraries."""
