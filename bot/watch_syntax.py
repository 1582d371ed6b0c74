"""The one-line form of `/journey watch`: `<window> [business] [team @person… | @group]`.

Examples: `4h business team @marie @jack`, `10s team @ops`, `24h`, in French
`4h ouvrés équipe @marie`. The slash command is declared with `should_escape: true`, so Slack
sends people as `<@U123|marie>` (or `<@U123>`) and user groups as `<!subteam^S123|@ops>` (or
`<!subteam^S123>`); a bare `@marie` means Slack could not resolve the name and is refused.

The parts come in any order; people and groups follow `team` (or `équipe`) and may mix.
Knows nothing of Slack's API: it only reads the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from bot.i18n import N_
from bot.windows import WindowError, parse_window


class Keyword(Enum):
    BUSINESS = "business"
    TEAM = "team"


# Every word, in every language, folded (NFC, casefold). Adding a language is adding words.
KEYWORDS: dict[str, Keyword] = {
    "business": Keyword.BUSINESS,
    "business-hours": Keyword.BUSINESS,
    "ouvré": Keyword.BUSINESS,
    "ouvrés": Keyword.BUSINESS,
    "ouvre": Keyword.BUSINESS,
    "ouvres": Keyword.BUSINESS,
    "heures-ouvrées": Keyword.BUSINESS,
    "heures-ouvrees": Keyword.BUSINESS,
    "team": Keyword.TEAM,
    "équipe": Keyword.TEAM,
    "equipe": Keyword.TEAM,
}

_TOKEN = re.compile(r"<[^<>]*>|[^\s<]+|<")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_GROUP = re.compile(r"<!subteam\^(S[A-Z0-9]+)(?:\|[^<>]*)?>")


class WatchSyntaxError(Exception):
    """The text after `watch` can't be read; `message` is a msgid formatted with `values`."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values) if values else message)
        self.message = message
        self.values = values


@dataclass(frozen=True)
class WatchCommand:
    window: timedelta
    business: bool
    team_user_ids: tuple[str, ...]
    team_group_ids: tuple[str, ...]


def _fold(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def _looks_like_mention(token: str) -> bool:
    return token.startswith(("<", "@"))


def parse_watch(text: str) -> WatchCommand:
    """Read the text typed after `watch`.

    Raises:
        WatchSyntaxError: no window, a bad window (the window's own message), a word that is
            not a keyword, a part given twice, `team` with nobody after it, a person or group
            before `team`, or a mention Slack did not escape (`@marie`) or that is not a person
            or a user group (`<#C1|general>`, `<!here>`).
    """
    tokens = _TOKEN.findall(text)
    window: timedelta | None = None
    window_word = ""
    business_word = ""
    team_word = ""
    users: list[str] = []
    groups: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        keyword = KEYWORDS.get(_fold(token))
        if keyword is Keyword.BUSINESS:
            if business_word:
                raise WatchSyntaxError(N_("`{word}` is given twice."), word=token)
            business_word = token
        elif keyword is Keyword.TEAM:
            if team_word:
                raise WatchSyntaxError(N_("`{word}` is given twice."), word=token)
            team_word = token
            start = index
            while index < len(tokens) and _looks_like_mention(tokens[index]):
                _add_mention(tokens[index], users, groups)
                index += 1
            if index == start:
                raise WatchSyntaxError(
                    N_("Name the team after `{word}`: people such as @marie or a user group."),
                    word=token,
                )
        elif _looks_like_mention(token):
            _add_mention(token, [], [])  # an unescaped or wrong mention says so first
            raise WatchSyntaxError(
                N_("Write `team` before the people and groups, as in `team {word}`."),
                word=token,
            )
        elif token[:1].isdigit():
            if window is not None:
                raise WatchSyntaxError(
                    N_("Give one window only, not both `{first}` and `{second}`."),
                    first=window_word,
                    second=token,
                )
            try:
                window = parse_window(token)
            except WindowError as error:
                raise WatchSyntaxError(error.message, **error.values) from error
            window_word = token
        else:
            raise WatchSyntaxError(
                N_(
                    "I don't know `{word}` here. Write "
                    "`/journey watch <window> [business] [team @person… | @group]`."
                ),
                word=token,
            )
    if window is None:
        raise WatchSyntaxError(
            N_("Give a window after `watch`, such as `/journey watch 4h business team @marie`.")
        )
    return WatchCommand(
        window=window,
        business=bool(business_word),
        team_user_ids=tuple(dict.fromkeys(users)),
        team_group_ids=tuple(dict.fromkeys(groups)),
    )


def _add_mention(token: str, users: list[str], groups: list[str]) -> None:
    user = _USER.fullmatch(token)
    if user:
        users.append(user.group(1))
        return
    group = _GROUP.fullmatch(token)
    if group:
        groups.append(group.group(1))
        return
    if token.startswith("@"):
        raise WatchSyntaxError(
            N_(
                "I can't tell who `{word}` is: choose the person or group in Slack's list "
                "as you type @, so it becomes a mention."
            ),
            word=token,
        )
    raise WatchSyntaxError(
        N_("Only people and user groups can be in the team, not `{word}`."), word=token
    )
