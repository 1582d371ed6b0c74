"""The home tab: what waits on each person, kept current without hammering Slack."""
