"""Journey exercises, the pure part: what a board is, its map picture and its exports.

Nothing here knows about Slack or the database: handlers and storage build a `Board` and call
`render_map`, `export_json`, `export_csv` or `export_markdown`.
"""
