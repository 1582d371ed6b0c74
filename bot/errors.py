"""Errors a rule raises to refuse a change; the one error handler shows them to the person."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the change.

    Args:
        message: an English msgid, translated for the reader by the error handler.
        field: the form field (block_id) the message belongs to, when a modal was submitted.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
