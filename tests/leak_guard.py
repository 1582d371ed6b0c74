"""A watch over the whole test run for secrets and message text leaking out (RELIABILITY row 4).

Every log record of every logger (at DEBUG for our own packages; at INFO, the default
LOG_LEVEL, for the libraries, whose DEBUG output is a flood that would slow the timed
tests and that no deployment turns on), with its traceback, and every answer the bot sends
back over HTTP are searched for Slack tokens, the signing secret and the text of any
message the tests' Slack holds. `tests/conftest.py` installs it once per session and fails
the test in which a leak happened, naming the logger (never repeating the secret).

Records are checked before any handler's redaction: a token that only the output filter
catches still counts, since another handler (an error tracker's) would not have that filter.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field

TOKEN = re.compile(r"xox[a-z]-|xapp-")
# Message texts shorter than this are words any log line could hold ("ok", "hello").
MIN_TEXT = 12
# Our own packages at DEBUG, the most an operator can turn on.
OWN_PACKAGES = ("bot", "handlers", "storage")  # not journeybot.bolt: that is Bolt's own


@dataclass
class Leak:
    where: str
    what: str  # "a token", "the signing secret", "message text"


@dataclass
class LeakGuard:
    secrets: tuple[str, ...]
    message_texts: set[str] = field(default_factory=set)
    leaks: list[Leak] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_message_text(self, text: str) -> None:
        if len(text.strip()) >= MIN_TEXT:
            with self.lock:
                self.message_texts.add(text)

    def findings(self, text: str, *, message_text_allowed: bool = False) -> list[str]:
        found: list[str] = []
        if TOKEN.search(text):
            found.append("a token")
        if any(secret in text for secret in self.secrets):
            found.append("the signing secret")
        if not message_text_allowed:
            with self.lock:
                texts = list(self.message_texts)
            if any(message in text for message in texts):
                found.append("message text")
        return found

    def check(self, where: str, text: str, *, message_text_allowed: bool = False) -> None:
        for what in self.findings(text, message_text_allowed=message_text_allowed):
            with self.lock:
                self.leaks.append(Leak(where, what))

    def take(self) -> list[Leak]:
        with self.lock:
            leaks, self.leaks = self.leaks, []
        return leaks


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for the record: message, traceback, stack."""
    parts = [record.getMessage()]
    if record.exc_info and record.exc_info[1] is not None:
        parts.extend(traceback.format_exception(record.exc_info[1]))
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


class LeakHandler(logging.Handler):
    def __init__(self, guard: LeakGuard) -> None:
        super().__init__(logging.DEBUG)
        self.guard = guard

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record_text(record)
        except Exception:  # a record that cannot even be formatted is its logger's bug
            text = str(record.msg)
        self.guard.check(f"log {record.name} {record.levelname}", text)


def install(guard: LeakGuard) -> tuple[LeakHandler, dict[str, int]]:
    """Watch the root logger; returns what `uninstall` needs to undo it."""
    handler = LeakHandler(guard)
    root = logging.getLogger()
    saved = {"": root.level}
    for name in OWN_PACKAGES:
        saved[name] = logging.getLogger(name).level
        logging.getLogger(name).setLevel(logging.DEBUG)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler, saved


def uninstall(handler: LeakHandler, saved: dict[str, int]) -> None:
    logging.getLogger().removeHandler(handler)
    for name, level in saved.items():
        logging.getLogger(name or None).setLevel(level)


def describe(leaks: Iterable[Leak]) -> str:
    return "; ".join(sorted({f"{leak.what} in {leak.where}" for leak in leaks}))
