"""Promises: what a channel commits to, versioned; a response-time promise is its watch."""
