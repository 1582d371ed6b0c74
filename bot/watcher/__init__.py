"""The promise watcher ("not my phone"): requests in a watched channel, follow-ups,
acknowledgements, nudges and escalations. `rules` and `timing` know nothing of Slack or the
database; the use cases that store their decisions build on them."""
