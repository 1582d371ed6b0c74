"""Who sees what, over signed HTTP: a person sees only the irritants of channels they are in.

A private channel's message must never reach a non-member through the list, an export, the
App Home or a forged button; a guest sees only their channels; a member who leaves stops
seeing it; workspace admins see all. Exports go to the person's DM, never the channel.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import Irritant
from tests.handlers.conftest import ANNA, BOT_USER, BRUNO, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.payloads import block_action, command, reaction_event, send_event

SECRET = "C0SECRET"  # private; the bot, Anna and Chloe are in it  # pragma: allowlist secret
GUEST = "U0GUEST"  # a single-channel guest in #clients
PUBLIC_TEXT = "The invoice is wrong again"
SECRET_TEXT = "Board only: the client may leave us"  # pragma: allowlist secret


@pytest.fixture
def reported(slack: Slack) -> dict[str, int]:
    slack.standin.add_user(TEAM, GUEST, name="guest", locale="en-US")
    slack.standin.add_channel(
        TEAM, CLIENTS, name="clients", members=[BOT_USER, ANNA, BRUNO, CHLOE, GUEST]
    )
    slack.standin.add_channel(
        TEAM, SECRET, name="secret", members=[BOT_USER, ANNA, CHLOE], is_private=True
    )
    ids = {}
    for channel, text in ((CLIENTS, PUBLIC_TEXT), (SECRET, SECRET_TEXT)):
        ts = slack.standin.post_message(channel, user=CHLOE, text=text)
        assert send_event(slack, reaction_event(user=ANNA, ts=ts, channel=channel)) == 200
        slack.bot.drain_outbox()
        with slack.runtime.session_factory() as session:
            row = session.scalars(select(Irritant).where(Irritant.message_ts == ts)).one()
            ids[channel] = row.id
    return ids


def _listing(slack: Slack, user: str) -> str:
    _status, _ack, url = command(slack, "irritants all", user=user)
    calls = slack.standin.wait_for(
        "response_url", predicate=lambda call: call.args.get("_url") == url
    )
    return json.dumps(calls[-1].args["blocks"], ensure_ascii=False)


def _export(slack: Slack, user: str) -> dict[str, Any]:
    before = len(slack.standin.uploaded_files())
    _status, _ack, url = command(slack, "export irritants json", user=user)
    slack.standin.wait_for("files.completeUploadExternal", count=before + 1)
    upload = slack.standin.uploaded_files()[-1]
    # The file goes to the person's DM, and an ephemeral reply says so.
    assert upload.channel.startswith("D")
    notice = slack.standin.wait_for(
        "response_url",
        predicate=lambda call: call.args.get("_url") == url and "direct" in str(call.args),
    )
    assert notice[-1].args.get("response_type") == "ephemeral"
    document: dict[str, Any] = json.loads(upload.content)
    return document


def _home(slack: Slack, user: str) -> str:
    before = len(slack.standin.calls("views.publish"))
    event = {"type": "app_home_opened", "user": user, "channel": "D0X", "tab": "home"}
    assert send_event(slack, event) == 200
    published = slack.standin.wait_for("views.publish", count=before + 1)
    return json.dumps(published[-1].args["view"], ensure_ascii=False)


@pytest.mark.parametrize("outsider", [BRUNO, GUEST])
def test_a_non_member_never_sees_a_private_channel_s_irritants(
    slack: Slack, reported: dict[str, int], outsider: str
) -> None:
    listing = _listing(slack, outsider)
    assert PUBLIC_TEXT in listing
    assert SECRET_TEXT not in listing

    texts = [record["text"] for record in _export(slack, outsider)["irritants"]]
    assert texts == [PUBLIC_TEXT]

    # The home lists what the person reported: they report the public one too.
    with slack.runtime.session_factory() as session:
        public = session.get(Irritant, reported[CLIENTS])
        assert public is not None
        public_ts = public.message_ts
    assert send_event(slack, reaction_event(user=outsider, ts=public_ts, channel=CLIENTS)) == 200
    slack.bot.drain_outbox()
    home = _home(slack, outsider)
    assert PUBLIC_TEXT in home
    assert SECRET_TEXT not in home


def test_members_and_admins_see_the_private_channel(slack: Slack, reported: dict[str, int]) -> None:
    for user in (ANNA, CHLOE):
        listing = _listing(slack, user)
        assert SECRET_TEXT in listing
        assert PUBLIC_TEXT in listing
    texts = {record["text"] for record in _export(slack, CHLOE)["irritants"]}
    assert texts == {PUBLIC_TEXT, SECRET_TEXT}


def test_a_guest_outside_every_channel_sees_nothing_but_an_admin_still_does(
    slack: Slack, reported: dict[str, int]
) -> None:
    # A workspace admin who is in neither channel still sees everything.
    slack.standin.add_channel(TEAM, CLIENTS, name="clients", members=[BOT_USER, ANNA, BRUNO])
    slack.standin.add_channel(
        TEAM, SECRET, name="secret", members=[BOT_USER, ANNA], is_private=True
    )
    listing = _listing(slack, CHLOE)
    assert SECRET_TEXT in listing
    assert PUBLIC_TEXT in listing
    guest_listing = _listing(slack, GUEST)
    assert SECRET_TEXT not in guest_listing


def test_a_member_who_left_stops_seeing_it(slack: Slack, reported: dict[str, int]) -> None:
    assert SECRET_TEXT in _listing(slack, ANNA)

    slack.standin.add_channel(
        TEAM, SECRET, name="secret", members=[BOT_USER, CHLOE], is_private=True
    )
    event = {"type": "member_left_channel", "user": ANNA, "channel": SECRET, "team": TEAM}
    assert send_event(slack, event) == 200

    assert SECRET_TEXT not in _listing(slack, ANNA)
    assert SECRET_TEXT not in _home(slack, ANNA)

    slack.standin.add_channel(
        TEAM, SECRET, name="secret", members=[BOT_USER, CHLOE, ANNA], is_private=True
    )
    event = {"type": "member_joined_channel", "user": ANNA, "channel": SECRET, "team": TEAM}
    assert send_event(slack, event) == 200
    assert SECRET_TEXT in _listing(slack, ANNA)


def test_a_forged_button_does_not_open_a_private_channel_s_irritant(
    slack: Slack, reported: dict[str, int]
) -> None:
    secret_id = reported[SECRET]
    value = json.dumps({"s": "all", "c": None, "p": 0, "id": secret_id})
    block_action(slack, user=GUEST, action_id="irritant-resolve", value=value)
    block_action(slack, user=GUEST, action_id="irritant-details", value=str(secret_id))
    block_action(slack, user=GUEST, action_id="irritant-acknowledge", value=value)

    assert slack.standin.calls("views.open") == []
    with slack.runtime.session_factory() as session:
        row = session.get(Irritant, secret_id)
        assert row is not None
        assert row.status == "new"
    seen = json.dumps([call.args for call in slack.standin.calls("response_url")])
    assert SECRET_TEXT not in seen
    assert "not a member" in seen
