"""Golden transcripts: every message, modal and file of the main irritant flows, in English and
French, as the person reads them, compared with the reviewed text in `tests/golden/*.txt`.

A change of wording is a reviewed diff of those files. The suite only compares: it never
writes them. On a mismatch the assertion shows the diff.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.golden import render
from tests.handlers.conftest import ANNA, BRUNO, CHLOE, CLIENTS, PRIVATE, TEAM, Slack
from tests.handlers.payloads import (
    block_action,
    command,
    message_shortcut,
    reaction_event,
    selected,
    send_event,
    submit_view,
    text_input,
)

HERE = Path(__file__).resolve().parents[1] / "golden"
DENISE = "U0DENISE"  # a French-speaking workspace admin
CLIENT = "U0CLIENT"  # the client, in a Slack Connect channel


@dataclass(frozen=True)
class Cast:
    """Who plays the story in one language."""

    lang: str
    person: str  # reports, triages, exports
    colleague: str  # reports too
    admin: str
    words: dict[str, str]
    invoice: str
    delivery: str


CASTS = {
    "en": Cast(
        "en",
        ANNA,
        BRUNO,
        CHLOE,
        {"help": "help", "export": "export", "settings": "settings", "nothing": "resolved"},
        "The <https://acme.example/i/42|invoice 42> is wrong again, third time this month",
        "Still no answer about the delivery date",
    ),
    "fr": Cast(
        "fr",
        BRUNO,
        ANNA,
        DENISE,
        {"help": "aide", "export": "exporter", "settings": "réglages", "nothing": "résolus"},
        "La <https://acme.example/f/42|facture 42> est encore fausse, troisième fois ce mois-ci",
        "Toujours pas de réponse sur la date de livraison",
    ),
}
NAMES = {
    ANNA: "anna",
    BRUNO: "bruno",
    CHLOE: "chloe",
    DENISE: "denise",
    CLIENT: "client",
    CLIENTS: "clients",
    PRIVATE: "private",
}


def _name(slack_id: str) -> str:
    return NAMES.get(slack_id, "‹" + slack_id + "›")


class Transcript:
    def __init__(self, slack: Slack) -> None:
        self.slack = slack
        self.parts: list[str] = []
        self._seen: dict[str, int] = {}

    def section(self, title: str) -> None:
        self.parts.append(f"\n======== {title}")

    def add(self, who: str, what: str, body: str) -> None:
        self.parts.append(f"--- {what} → @{_name(who)}\n{body}")

    def new_calls(self, method: str) -> list[Any]:
        """What the bot sent since the last look (Slack's refusals never reach anyone)."""
        calls = self.slack.standin.calls(method)
        start = self._seen.get(method, 0)
        self._seen[method] = len(calls)
        return [
            call for call in calls[start:] if call.http_status == 200 and call.response.get("ok")
        ]

    def text(self) -> str:
        return "\n".join(self.parts).strip() + "\n"


def _ack(raw: str) -> dict[str, Any]:
    return json.loads(raw) if raw.strip().startswith("{") else {"text": raw}


def _view(call: Any) -> dict[str, Any]:
    view = call.args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def _wait(slack: Slack, method: str, count: int) -> None:
    slack.standin.wait_for(method, count=count)


def story(slack: Slack, cast: Cast) -> str:
    standin = slack.standin
    standin.add_user(TEAM, DENISE, name="denise", locale="fr-FR", is_admin=True)
    standin.add_user(TEAM, CLIENT, name="client", locale="en-US")
    out = Transcript(slack)
    me, words = cast.person, cast.words

    out.section("help")
    _status, ack, _url = command(slack, words["help"], user=me)
    out.add(me, "/journey " + words["help"], render.message(_ack(ack), _name))

    out.section("report by reaction")
    ts = standin.post_message(CLIENTS, user=CLIENT, text=cast.invoice)
    assert send_event(slack, reaction_event(user=me, ts=ts)) == 200
    slack.bot.drain_outbox()
    [confirm] = out.new_calls("chat.postEphemeral")
    out.add(me, "ephemeral", render.message(confirm.args, _name))
    assert send_event(slack, reaction_event(user=cast.colleague, ts=ts)) == 200
    slack.bot.drain_outbox()
    out.new_calls("chat.postEphemeral")

    out.section("report in a channel the bot is not in")
    hidden = standin.post_message(PRIVATE, user=CLIENT, text="secret")
    send_event(slack, reaction_event(user=me, ts=hidden, channel=PRIVATE))
    slack.bot.drain_outbox()
    dms = [c for c in out.new_calls("chat.postMessage") if str(c.args["channel"]).startswith("D")]
    for dm in dms:
        out.add(me, "DM", render.message(dm.args, _name))

    out.section("report by the message shortcut")
    ts2 = standin.post_message(CLIENTS, user=CLIENT, text=cast.delivery)
    message_shortcut(slack, user=me, ts=ts2, text=cast.delivery, author=CLIENT)
    _wait(slack, "views.open", 1)
    [opened] = out.new_calls("views.open")
    view = _view(opened)
    out.add(me, "modal", render.view(view, _name, cast.lang))
    submit_view(
        slack,
        view,
        {
            "category": selected("delay"),
            "severity": selected("2", "radio_buttons"),
            "note": text_input("Client called twice" if cast.lang == "en" else "Appelé deux fois"),
        },
        user=me,
    )
    slack.bot.drain_outbox()
    for call in out.new_calls("chat.postEphemeral"):
        out.add(me, "ephemeral", render.message(call.args, _name))

    out.section("triage list")
    _status, _ack_text, url = command(slack, "irritants", user=me)
    listing = standin.wait_for("response_url", predicate=lambda c: c.args.get("_url") == url)
    out.add(me, "/journey irritants", render.message(listing[-1].args, _name))

    out.section("a filter that matches nothing")
    _status, _ack_text, url = command(slack, "irritants " + words["nothing"], user=me)
    empty = standin.wait_for("response_url", predicate=lambda c: c.args.get("_url") == url)
    out.add(me, f"/journey irritants {words['nothing']}", render.message(empty[-1].args, _name))

    out.section("resolve")
    value = next(
        element["value"]
        for block in listing[-1].args["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == "irritant-resolve"
    )
    block_action(slack, user=me, action_id="irritant-resolve", value=value)
    _wait(slack, "views.open", 2)
    [opened] = out.new_calls("views.open")
    view = _view(opened)
    out.add(me, "modal", render.view(view, _name, cast.lang))
    _status, errors = submit_view(slack, view, {"resolution": text_input(" ")}, user=me)
    out.add(me, "modal errors", render.errors(view, errors.get("errors", {}), _name))
    done = (
        "We now check every invoice before it goes out."
        if cast.lang == "en"
        else ("Chaque facture est désormais vérifiée avant envoi.")
    )
    submit_view(slack, view, {"resolution": text_input(done)}, user=me)
    slack.bot.drain_outbox()

    out.section("resolution DM")
    recipients = {
        str(call.response["channel"]["id"]): str(call.args["users"])
        for call in standin.calls("conversations.open")
        if call.response.get("ok")
    }
    dms = [
        (_name(recipients.get(str(call.args["channel"]), "?")), call)
        for call in out.new_calls("chat.postMessage")
        if str(call.args["channel"]).startswith("D")
    ]
    for who, call in sorted(dms, key=lambda pair: pair[0]):  # the relay's order may vary
        out.parts.append(f"--- DM → @{who}\n{render.message(call.args, _name)}")

    out.section("settings (a member)")
    command(slack, words["settings"], user=me)
    _wait(slack, "views.open", 3)
    [opened] = out.new_calls("views.open")
    view = _view(opened)
    out.add(me, "modal", render.view(view, _name, cast.lang))
    language = selected(cast.lang)
    _status, errors = submit_view(
        slack, view, {"channel_locale": language, "channel_time_zone": text_input("Paris")}, user=me
    )
    out.add(me, "modal errors", render.errors(view, errors.get("errors", {}), _name))

    out.section("settings (an admin)")
    command(slack, words["settings"], user=cast.admin)
    _wait(slack, "views.open", 4)
    [opened] = out.new_calls("views.open")
    view = _view(opened)
    out.add(cast.admin, "modal", render.view(view, _name, cast.lang))
    values = {
        "channel_locale": language,
        "channel_time_zone": text_input("UTC"),
        "workspace_locale": language,
        "workspace_time_zone": text_input("UTC"),
        "emojis": text_input("rage, thumbs up"),
        "categories": text_input("delay, billing"),
        "retention_days": text_input("4000"),
        "resolved_mark": selected("reaction", "radio_buttons"),
    }
    _status, errors = submit_view(slack, view, values, user=cast.admin)
    out.add(
        cast.admin,
        "modal errors",
        render.errors(view, errors.get("errors", {}), _name),
    )

    out.section("exports")
    _status, ack, _url = command(slack, f"{words['export']} irritants xml", user=me)
    out.add(me, f"/journey {words['export']} irritants xml", render.message(_ack(ack), _name))
    _status, ack, url = command(slack, f"{words['export']} irritants md", user=me)
    out.add(me, f"/journey {words['export']} irritants md", render.message(_ack(ack), _name))
    standin.wait_for("files.completeUploadExternal", count=1)
    notice = standin.wait_for("response_url", predicate=lambda c: c.args.get("_url") == url)
    out.add(me, "ephemeral", render.message(notice[-1].args, _name))
    [upload] = standin.uploaded_files()
    where = "DM" if str(upload.channel).startswith("D") else "#" + _name(str(upload.channel))
    content = (upload.content or b"").decode("utf-8")
    out.add(
        me,
        f"file in {where}",
        # Irritant numbers come from the database's sequence: masked, they vary by backend.
        re.sub(
            r"^\| \d+ \|",
            "| ‹n› |",
            render.text(f"{upload.title}\n{upload.initial_comment}\n{content}", _name),
            flags=re.M,
        ),
    )

    out.section("App Home")
    event = {"type": "app_home_opened", "user": me, "channel": "D0HOME", "tab": "home"}
    assert send_event(slack, event) == 200
    published = standin.wait_for("views.publish")
    out.add(me, "App Home", render.view(published[-1].args["view"], _name, cast.lang))
    return out.text()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_irritant_flows_read_as_written(slack: Slack, lang: str) -> None:
    golden = HERE / f"irritants.{lang}.txt"
    actual = story(slack, CASTS[lang])
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=str(golden.relative_to(HERE.parents[1])),
                tofile="what the bot sends now",
            )
        )
        pytest.fail("the transcript changed; review and update the golden file:\n" + diff)
