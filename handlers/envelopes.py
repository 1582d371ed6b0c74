"""The edge: every signed body Slack sends is checked here before any listener sees it.

The models are permissive about fields Slack may add (extra fields pass untouched) and
strict about the types the listeners rely on: ids are short Slack ids, timestamps look like
Slack's `ts`, texts are strings, response URLs point at Slack. A body that doesn't fit gets
a `Refusal`: a quiet 200 for an event (Slack would only retry a 4xx, and a retry can't fix
it), a 400 for the rest. docs/edge.md lists what each kind of body is checked for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

log = logging.getLogger(__name__)

# Slack's ids (team, user, channel, enterprise, app) fit the bot's 32-character columns.
SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
EventId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
# A message timestamp: seconds, a dot, microseconds ("1700000100.000100").
Ts = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,15}(\.[0-9]{1,15})?$")]
Name = Annotated[str, StringConstraints(max_length=255)]
Text = Annotated[str, StringConstraints(max_length=40_000)]
# Deeper than any body Slack sends (a rich-text block in a modal is about 12 levels).
MAX_DEPTH = 64
SLACK_HOOKS = ("https", "hooks.slack.com")


def response_hosts(api_url: str) -> frozenset[tuple[str, str]]:
    """Where a response URL may point: Slack's hooks host, or SLACK_API_URL's host when that
    points somewhere else than Slack (a stand-in in tests, a proxy)."""
    parts = urlsplit(api_url)
    hosts = {SLACK_HOOKS}
    if parts.hostname and not (
        parts.hostname == "slack.com" or parts.hostname.endswith(".slack.com")
    ):
        hosts.add((parts.scheme, parts.netloc))
    return frozenset(hosts)


def is_slack_url(url: str, hosts: frozenset[tuple[str, str]]) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (parts.scheme, parts.netloc) in hosts and not parts.username and not parts.password


def _on_slack(url: str, info: ValidationInfo) -> str:
    hosts = (info.context or {}).get("hosts", frozenset({SLACK_HOOKS}))
    if not is_slack_url(url, hosts):
        raise ValueError("a response URL that is not Slack's")
    return url


ResponseUrl = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_on_slack)]


class Loose(BaseModel):
    """Strict on the declared fields, and anything else Slack adds passes through."""

    model_config = ConfigDict(extra="allow", strict=True)


# -- what Bolt itself reads from any body to build its context (its `extract_*`) ----------
class Ref(Loose):
    """`team`, `user`, `channel` or `enterprise` given as an object."""

    id: SlackId | None = None
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None


IdOrRef = SlackId | Ref


class Authorization(Loose):
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    user_id: SlackId | None = None
    is_enterprise_install: bool | None = None


class ResponseUrlEntry(Loose):
    response_url: ResponseUrl


class Nested(Loose):
    """A message, previous message, item or view inside a body: the ids Bolt looks for."""

    user: IdOrRef | None = None
    channel: IdOrRef | None = None
    team_id: SlackId | None = None
    app_installed_team_id: SlackId | None = None
    thread_ts: Ts | None = None


class Common(Loose):
    type: Name | None = None
    enterprise: IdOrRef | None = None
    team: IdOrRef | None = None
    user: IdOrRef | None = None
    channel: IdOrRef | None = None
    enterprise_id: SlackId | None = None
    team_id: SlackId | None = None
    user_id: SlackId | None = None
    channel_id: SlackId | None = None
    thread_ts: Ts | None = None
    is_enterprise_install: bool | str | None = None
    is_ext_shared_channel: bool | None = None
    authorizations: list[Authorization] | None = None
    response_url: ResponseUrl | None = None
    response_urls: list[ResponseUrlEntry] | None = None
    view: Nested | None = None
    message: Nested | None = None
    previous_message: Nested | None = None
    item: Nested | None = None
    assistant_thread: Nested | None = None
    function_execution_id: Name | None = None
    function_data: dict[str, Any] | None = None
    user_team: SlackId | None = None
    event: Common | None = None


# -- events ------------------------------------------------------------------------------
class ReactionItem(Nested):
    type: Name
    channel: SlackId | None = None
    ts: Ts | None = None


class ReactionEvent(Common):
    type: Literal["reaction_added", "reaction_removed"]
    user: SlackId
    reaction: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    item: ReactionItem
    item_user: SlackId | None = None
    event_ts: Ts | None = None


class PreviousMessage(Nested):
    ts: Ts | None = None


class MessageEvent(Common):
    type: Literal["message"]
    channel: SlackId
    user: SlackId | None = None
    ts: Ts | None = None
    event_ts: Ts | None = None
    thread_ts: Ts | None = None
    deleted_ts: Ts | None = None
    subtype: Name | None = None
    text: Text | None = None
    bot_id: SlackId | None = None
    previous_message: PreviousMessage | None = None


class AppHomeEvent(Common):
    type: Literal["app_home_opened"]
    user: SlackId
    tab: Name | None = None


class RevokedTokens(Loose):
    oauth: list[SlackId] | None = None
    bot: list[SlackId] | None = None


class TokensRevokedEvent(Common):
    type: Literal["tokens_revoked"]
    tokens: RevokedTokens


class AnyEvent(Common):
    type: Name


EVENT_MODELS: dict[str, type[BaseModel]] = {
    "reaction_added": ReactionEvent,
    "reaction_removed": ReactionEvent,
    "message": MessageEvent,
    "app_home_opened": AppHomeEvent,
    "tokens_revoked": TokensRevokedEvent,
}


class EventCallback(Common):
    type: Literal["event_callback"]
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    api_app_id: SlackId | None = None
    event_id: EventId | None = None
    authorizations: list[Authorization] | None = None
    event: AnyEvent


class UrlVerification(Common):
    type: Literal["url_verification"]
    challenge: Annotated[str, StringConstraints(max_length=200)]


# -- interactivity ---------------------------------------------------------------------
class User(Ref):
    id: SlackId
    team_id: SlackId | None = None


class Team(Ref):
    id: SlackId | None = None


class Channel(Ref):
    id: SlackId


class Option(Loose):
    value: Annotated[str, StringConstraints(max_length=2000)]


class InputState(Loose):
    """One input's value in `view.state.values`: typed text, or selected options."""

    type: Name | None = None
    value: Text | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None


class ViewState(Loose):
    values: dict[Name, dict[Name, InputState]]


class View(Nested):
    type: Name  # Bolt reads it to match view listeners
    id: SlackId | None = None
    callback_id: Name | None = None
    private_metadata: Annotated[str, StringConstraints(max_length=3000)] | None = None
    state: ViewState | None = None


class Action(Loose):
    action_id: Name
    block_id: Name | None = None
    type: Name | None = None
    value: Annotated[str, StringConstraints(max_length=2000)] | None = None
    selected_option: Option | None = None


class Interaction(Common):
    user: User
    team: Team | None = None
    channel: Channel | None = None


class Triggered(Interaction):
    trigger_id: Name  # listeners open modals with it


class ViewSubmission(Interaction):
    type: Literal["view_submission", "view_closed"]
    view: View
    trigger_id: Name | None = None  # view_closed has none

    @model_validator(mode="after")
    def _a_submission_carries_its_state(self) -> ViewSubmission:
        # Slack always sends `view.state.values` with a submission, and every form listener
        # reads it (a body without it crashed one: found by the generated bodies).
        if self.type == "view_submission" and self.view.state is None:
            raise ValueError("a submitted view carries its state")
        return self


class Container(Loose):
    type: Name


class BlockActions(Triggered):
    type: Literal["block_actions"]
    container: Container | None = None

    @model_validator(mode="after")
    def _answerable(self) -> BlockActions:
        # A click in a message is answered through its response URL (Bolt's `respond`);
        # Slack always sends one there, and only a click in a view comes without it.
        if self.response_url is None and (
            self.container is None or self.container.type == "message"
        ):
            raise ValueError("a click in a message without its response URL")
        return self

    actions: Annotated[list[Action], Field(min_length=1)]
    view: View | None = None


class ShortcutMessage(Nested):
    ts: Ts | None = None
    thread_ts: Ts | None = None
    text: Text | None = None
    user: SlackId | None = None
    bot_id: SlackId | None = None


class Shortcut(Triggered):
    type: Literal["shortcut", "message_action"]
    callback_id: Name
    message_ts: Ts | None = None
    message: ShortcutMessage | None = None


class SlashCommand(Common):
    """Slash commands come as a form: every value is a string."""

    command: Name
    text: Annotated[str, StringConstraints(max_length=4000)] = ""
    team_id: SlackId
    user_id: SlackId
    channel_id: SlackId | None = None
    trigger_id: Name | None = None


INTERACTION_MODELS: dict[str, type[BaseModel]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "view_closed": ViewSubmission,
    "shortcut": Shortcut,
    "message_action": Shortcut,
    "url_verification": UrlVerification,
}


# -- the check -------------------------------------------------------------------------
@dataclass(frozen=True)
class Refusal:
    """What the edge answers instead of the listeners: a status and a reason for the log."""

    status: int
    reason: str


def _shape_problem(body: object) -> str | None:
    """Too deep, or a NUL character (which PostgreSQL refuses in any text) anywhere."""
    stack: list[tuple[object, int]] = [(body, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return "NUL character"
        elif isinstance(value, dict):
            if depth >= MAX_DEPTH:
                return "nested too deep"
            for key, item in value.items():
                if "\x00" in key:
                    return "NUL character"
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            if depth >= MAX_DEPTH:
                return "nested too deep"
            stack.extend((item, depth + 1) for item in value)
    return None


ValueCheck = Callable[[str], bool]


class EnvelopeCheck:
    """Checks a parsed body; `action_values` says, per action_id (or its `-suffixed`
    variants), which button values the bot writes: a click carrying anything else is refused."""

    def __init__(self, api_url: str, action_values: Mapping[str, ValueCheck]) -> None:
        self._context = {"hosts": response_hosts(api_url)}
        self._action_values = dict(action_values)

    def check(self, body: object) -> Refusal | None:
        if not isinstance(body, dict):
            return Refusal(400, "not a JSON object")
        kind = body.get("type")
        quiet = 200 if kind == "event_callback" else 400
        problem = _shape_problem(body)
        if problem is not None:
            return Refusal(quiet, problem)
        if not isinstance(body.get("event", {}), dict):
            # Bolt's self-event filter reads `body["event"]` as an object in every request: an
            # explicit `"event": null` crashed it (found by the generated bodies).
            return Refusal(quiet, "event is not an object")
        try:
            if kind == "event_callback":
                envelope = EventCallback.model_validate(body, context=self._context)
                model = EVENT_MODELS.get(envelope.event.type)
                if model is not None:
                    model.model_validate(body["event"], context=self._context)
                return None
            if kind is None and "command" in body:
                SlashCommand.model_validate(body, context=self._context)
                return None
            # ssl_check and kinds no listener handles: Bolt answers them, from what it reads.
            model = INTERACTION_MODELS.get(kind, Common) if isinstance(kind, str) else Common
            parsed = model.model_validate(body, context=self._context)
        except ValidationError as error:
            return Refusal(quiet, _where(error))
        if isinstance(parsed, BlockActions):
            return self._check_values(parsed.actions)
        return None

    def _check_values(self, actions: list[Action]) -> Refusal | None:
        for action in actions:
            for action_id, is_ours in self._action_values.items():
                if (
                    action.action_id == action_id or action.action_id.startswith(action_id + "-")
                ) and not is_ours(action.value or ""):
                    return Refusal(400, f"a value the bot did not write for {action_id}")
        return None


def _where(error: ValidationError) -> str:
    """The first problem's location and kind, never the value (it may be message text)."""
    first = error.errors(include_url=False, include_input=False)[0]
    location = ".".join(str(part) for part in first["loc"])
    return f"{location}: {first['type']}"


def refusal_body(refusal: Refusal) -> dict[str, Any]:
    return {"ok": refusal.status == 200} | ({} if refusal.status == 200 else {"error": "malformed"})
