"""Weekly promise digests, the pure part: when they are due, what they say, their chart.

Nothing here knows about Slack or the database: storage computes the week's figures with
aggregate queries, and handlers render them.
"""
