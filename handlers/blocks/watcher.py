"""Block Kit for the promise watcher: alerts, their updates, the owner's DM, the list."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import N_, Translator
from bot.pagination import Page
from bot.watcher.usecases import AlertView, RequestView
from handlers.blocks.text import quote
from handlers.ids import RequestAction

METADATA_EVENT = "journeybot_request_alert"


def slack_date(moment: datetime) -> str:
    """A date each reader sees in their own time zone, with an ISO fallback."""
    return (
        f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|"
        f"{moment.isoformat(timespec='minutes')}>"
    )


def duration_text(span: timedelta, _: Translator) -> str:
    """How long, as people say it: minutes under two hours, hours under two days, then days."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 120:
        return _.ngettext("{count} minute", "{count} minutes", minutes)
    hours = minutes // 60
    if hours < 48:
        return _.ngettext("{count} hour", "{count} hours", hours)
    return _.ngettext("{count} day", "{count} days", hours // 24)


def request_link(view: RequestView, _: Translator) -> str:
    if view.permalink:
        return f"<{view.permalink}|{_('the request')}>"
    return _("the request in <#{channel}>", channel=view.channel)


def alert_metadata(request_id: int, action: str) -> dict[str, object]:
    """Tags the alert so a redelivery after a crash can see it was already posted."""
    return {
        "event_type": METADATA_EVENT,
        "event_payload": {"request_id": request_id, "action": action},
    }


def is_alert(message: dict[str, object], request_id: int, action: str) -> bool:
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload == {"request_id": request_id, "action": action}


def _mentions(mentions: list[str], _: Translator) -> str:
    if not mentions:
        return _("Nobody from the team is at work right now; the first one back can take it.")
    people = " ".join(f"<@{user}>" for user in mentions)
    return _("{people}, can one of you take it?", people=people)


def alert_blocks(
    alert: AlertView, action: str, mentions: list[str], now: datetime, _: Translator
) -> tuple[str, list[Block]]:
    """The nudge or the escalation, with the two buttons."""
    request = alert.request
    waited = duration_text(now - request.created_at, _)
    if action == "nudge":
        headline = _(
            ":bell: <@{requester}>'s request has waited {waited}. Our promise: {window}, "
            "due {due}.",
            requester=request.requester,
            waited=waited,
            window=alert.window,
            due=slack_date(request.due_at),
        )
    else:
        headline = _(
            ":rotating_light: <@{requester}>'s request went past our promise ({window}): "
            "it has waited {waited}.",
            requester=request.requester,
            window=alert.window,
            waited=waited,
        )
    lines = [headline]
    if alert.alert_channel_id is not None:
        lines.append(request_link(request, _))
        if request.text:
            lines.append(quote(request.text, 280))
    lines.append(_mentions(mentions, _))
    if request.follow_ups:
        lines.append(
            _.ngettext(
                "They have followed up {count} time.",
                "They have followed up {count} times.",
                request.follow_ups,
            )
        )
    value = str(request.id)
    blocks: list[Block] = [
        SectionBlock(block_id="request-alert", text=MarkdownTextObject(text="\n".join(lines))),
        ActionsBlock(
            block_id="request-alert-actions",
            elements=[
                ButtonElement(
                    text=_("I'll take it"),
                    action_id=RequestAction.take,
                    value=value,
                    style="primary",
                ),
                ButtonElement(
                    text=_("Not a request"), action_id=RequestAction.dismiss, value=value
                ),
            ],
        ),
    ]
    return headline, blocks


def owner_blocks(alert: AlertView, _: Translator) -> tuple[str, list[Block]]:
    request = alert.request
    text = _(
        ":rotating_light: A request in <#{channel}> went past the promise ({window}): {link}.",
        channel=request.channel,
        window=alert.window,
        link=request_link(request, _),
    )
    return text, [SectionBlock(block_id="request-owner", text=MarkdownTextObject(text=text))]


def outcome_blocks(
    outcome: str, user_id: str, request_id: int, _: Translator
) -> tuple[str, list[Block]]:
    """The alert once someone acted on it: who is on it, or that it is not a request."""
    if outcome == "taken":
        text = _(":raising_hand: <@{user}> is on it.", user=user_id)
        return text, [SectionBlock(block_id="request-outcome", text=MarkdownTextObject(text=text))]
    if outcome == "dismissed":
        text = _("<@{user}> marked this as not a request: no more reminders.", user=user_id)
        return text, [
            SectionBlock(block_id="request-outcome", text=MarkdownTextObject(text=text)),
            ActionsBlock(
                block_id="request-outcome-actions",
                elements=[
                    ButtonElement(
                        text=_("Undo"), action_id=RequestAction.restore, value=str(request_id)
                    )
                ],
            ),
        ]
    text = _("<@{user}> put this back as a request.", user=user_id)
    return text, [
        SectionBlock(block_id="request-outcome", text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id="request-outcome-actions",
            elements=[
                ButtonElement(
                    text=_("I'll take it"),
                    action_id=RequestAction.take,
                    value=str(request_id),
                    style="primary",
                ),
                ButtonElement(
                    text=_("Not a request"),
                    action_id=RequestAction.dismiss,
                    value=str(request_id),
                ),
            ],
        ),
    ]


STATUS_WORDS = {
    "open": N_("waiting"),
    "acknowledged": N_("acknowledged"),
    "dismissed": N_("not a request"),
}


def list_blocks(
    page: Page[RequestView], *, channel_id: str, scope: str, now: datetime, _: Translator
) -> tuple[str, list[Block]]:
    """The channel's requests, newest first, with age, time left and follow-ups."""
    if not page.items:
        text = (
            _(
                "No request is waiting in <#{channel}>. `all` shows the earlier ones.",
                channel=channel_id,
            )
            if scope == "open"
            else _("No client request in <#{channel}> yet.", channel=channel_id)
        )
        return text, [SectionBlock(block_id="requests-empty", text=MarkdownTextObject(text=text))]
    title = _.ngettext(
        "{count} request in <#{channel}>",
        "{count} requests in <#{channel}>",
        page.total,
        channel=channel_id,
    )
    blocks: list[Block] = [
        SectionBlock(block_id="requests-title", text=MarkdownTextObject(text=f"*{title}*"))
    ]
    for item in page.items:
        age = duration_text(now - item.created_at, _)
        if item.status == "open":
            left = item.due_at - now
            timing = (
                _("{left} left", left=duration_text(left, _))
                if left > timedelta(0)
                else _("past the promise by {late}", late=duration_text(-left, _))
            )
        else:
            timing = _(STATUS_WORDS.get(item.status, item.status))
        follow = _.ngettext("{count} follow-up", "{count} follow-ups", item.follow_ups)
        first_line = _(
            "<@{requester}>, {age} ago · {timing} · {follow}",
            requester=item.requester,
            age=age,
            timing=timing,
            follow=follow,
        )
        excerpt = quote(item.text, 140) if item.text else "_" + _("text removed") + "_"
        link = f" <{item.permalink}|{_('open')}>" if item.permalink else ""
        blocks.append(
            SectionBlock(
                block_id=f"request-{item.id}",
                text=MarkdownTextObject(text=f"{first_line}{link}\n{excerpt}"),
            )
        )
    buttons = []
    if page.has_previous:
        buttons.append(
            ButtonElement(
                text=_("Previous"),
                action_id=f"{RequestAction.page}-previous",
                value=json.dumps({"s": scope, "p": page.number - 1, "c": channel_id}),
            )
        )
    if page.has_next:
        buttons.append(
            ButtonElement(
                text=_("Next"),
                action_id=f"{RequestAction.page}-next",
                value=json.dumps({"s": scope, "p": page.number + 1, "c": channel_id}),
            )
        )
    if buttons:
        blocks.append(ActionsBlock(block_id="requests-pages", elements=buttons))
    blocks.append(
        ContextBlock(
            block_id="requests-footer",
            elements=[
                MarkdownTextObject(
                    text=_(
                        "Page {page} of {pages}", page=page.number + 1, pages=page.last_number + 1
                    )
                )
            ],
        )
    )
    return title, blocks
