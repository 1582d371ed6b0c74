"""Pages of a ranked list, shared by every feature that lists things."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int  # 0-based
    size: int

    @property
    def last_number(self) -> int:
        return max(0, (self.total - 1) // self.size)

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return (self.number + 1) * self.size < self.total


def clamp_page(
    fetch: Callable[[int], tuple[list[T], int]], *, page: int, page_size: int
) -> Page[T]:
    """Fetch a page; if items went away under the reader, show the last page that has some."""
    number = max(0, page)
    items, total = fetch(number)
    if not items and number > 0 and total:
        number = (total - 1) // page_size
        items, total = fetch(number)
    return Page(items, total, number, page_size)
