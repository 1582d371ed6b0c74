"""Triage over signed HTTP: the list, its buttons, resolution DMs, export, settings, retention."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.scheduler import run_job
from storage.models import Irritant
from tests.handlers.conftest import ANNA, BRUNO, CHLOE, CLIENTS, PRIVATE, TEAM, Slack
from tests.handlers.payloads import (
    block_action,
    command,
    reaction_event,
    send_event,
    submit_view,
    text_input,
)


def _report(slack: Slack, text: str, reporters: list[str]) -> int:
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text=text)
    for user in reporters:
        assert send_event(slack, reaction_event(user=user, ts=ts)) == 200
    slack.bot.drain_outbox()
    with slack.runtime.session_factory() as session:
        irritant = session.scalars(select(Irritant).where(Irritant.message_ts == ts)).one()
        return irritant.id


def _last_response(slack: Slack, url: str) -> dict[str, Any]:
    calls = [
        call for call in slack.standin.calls("response_url") if call.args.get("_url", url) == url
    ]
    assert calls, "nothing was posted to the response_url"
    return calls[-1].args


def _buttons(blocks: list[dict[str, Any]]) -> dict[tuple[str, int | None], str]:
    found: dict[tuple[str, int | None], str] = {}
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("type") == "button":
                value = element.get("value", "")
                irritant_id = json.loads(value).get("id") if value.startswith("{") else None
                found[(element["action_id"], irritant_id)] = value
    return found


def test_list_is_ranked_by_reporters_and_paginated(slack: Slack) -> None:
    ids = [_report(slack, f"pain {n}", [ANNA] if n % 2 else [ANNA, BRUNO]) for n in range(7)]
    status, _ack, _url = command(slack, "irritants", user=ANNA)
    assert status == 200
    first = slack.standin.wait_for("response_url")[-1].args
    text = json.dumps(first["blocks"])
    assert "Page 1 of 2" in text
    # The four two-reporter irritants come first.
    listed = [
        int(block["block_id"].split("-")[1])
        for block in first["blocks"]
        if block["block_id"].startswith("irritant-") and block["block_id"].count("-") == 1
    ]
    assert set(listed[:4]) == {ids[0], ids[2], ids[4], ids[6]}
    next_value = next(
        value
        for (action, _id), value in _buttons(first["blocks"]).items()
        if action.endswith("next")
    )
    block_action(slack, user=ANNA, action_id="irritants-page-next", value=next_value)
    second = slack.standin.calls("response_url")[-1].args
    assert "Page 2 of 2" in json.dumps(second["blocks"])
    assert second.get("replace_original") is True


def test_acknowledge_resolve_tells_every_reporter_and_marks_the_message(slack: Slack) -> None:
    irritant_id = _report(slack, "Invoice never arrived", [ANNA, BRUNO])
    command(slack, "irritants", user=CHLOE)
    listing = slack.standin.wait_for("response_url")[-1].args
    buttons = _buttons(listing["blocks"])
    block_action(
        slack,
        user=CHLOE,
        action_id="irritant-acknowledge",
        value=buttons[("irritant-acknowledge", irritant_id)],
    )
    with slack.runtime.session_factory() as session:
        assert session.get(Irritant, irritant_id).status == "acknowledged"  # type: ignore[union-attr]
    block_action(
        slack,
        user=CHLOE,
        action_id="irritant-resolve",
        value=buttons[("irritant-resolve", irritant_id)],
    )
    [opened] = slack.standin.wait_for("views.open")
    view = (
        opened.args["view"]
        if isinstance(opened.args["view"], dict)
        else json.loads(opened.args["view"])
    )
    status, ack = submit_view(slack, view, {"resolution": text_input("   ")}, user=CHLOE)
    assert ack["response_action"] == "errors"
    assert "resolution" in ack["errors"]
    status, ack = submit_view(
        slack, view, {"resolution": text_input("We now send invoices the same day.")}, user=CHLOE
    )
    assert status == 200
    assert ack.get("response_action") is None
    slack.bot.drain_outbox()
    dms = [
        call
        for call in slack.standin.calls("chat.postMessage")
        if str(call.args["channel"]).startswith("D")
    ]
    assert len(dms) == 2
    texts = {json.dumps(call.args, ensure_ascii=False) for call in dms}
    assert any("Un irritant que vous avez signalé" in text for text in texts)  # Bruno, in French
    assert any("An irritant you reported" in text for text in texts)  # Anna, in English
    assert all("We now send invoices the same day." in text for text in texts)
    [reaction] = slack.standin.calls("reactions.add")
    assert reaction.args["name"] == "white_check_mark"
    # Resolving again is refused and tells nobody twice.
    block_action(
        slack,
        user=CHLOE,
        action_id="irritant-resolve",
        value=buttons[("irritant-resolve", irritant_id)],
    )
    slack.bot.drain_outbox()
    dms_after = [
        call
        for call in slack.standin.calls("chat.postMessage")
        if str(call.args["channel"]).startswith("D")
    ]
    assert len(dms_after) == 2


def test_reopen_brings_it_back(slack: Slack) -> None:
    irritant_id = _report(slack, "Late delivery", [ANNA])
    with slack.runtime.session_factory.begin() as session:
        session.get(Irritant, irritant_id).status = "resolved"  # type: ignore[union-attr]
    command(slack, "irritants all", user=CHLOE)
    buttons = _buttons(slack.standin.wait_for("response_url")[-1].args["blocks"])
    block_action(
        slack,
        user=CHLOE,
        action_id="irritant-reopen",
        value=buttons[("irritant-reopen", irritant_id)],
    )
    with slack.runtime.session_factory() as session:
        assert session.get(Irritant, irritant_id).status == "new"  # type: ignore[union-attr]


def test_export_sends_json_and_csv_to_the_person_s_dm(slack: Slack) -> None:
    irritant_id = _report(slack, '=HYPERLINK("http://evil")', [ANNA, BRUNO])
    command(slack, "export irritants json", user=ANNA)
    slack.standin.wait_for("files.completeUploadExternal")
    command(slack, "exporter irritants csv", user=BRUNO)
    slack.standin.wait_for("files.completeUploadExternal", count=2)
    files = slack.standin.uploaded_files()
    document = json.loads(files[0].content)
    assert document["schema"] == "journeybot.irritants.v2"
    [record] = document["irritants"]
    assert record["id"] == irritant_id
    assert sorted(record["reporters"]) == sorted([ANNA, BRUNO])
    # Client channels hold clients and guests: the file goes to the person who asked.
    assert files[0].channel.startswith("D")
    assert files[1].channel.startswith("D")
    assert files[1].channel != files[0].channel
    rows = list(csv.DictReader(io.StringIO(files[1].content.decode("utf-8-sig"))))
    assert rows[0]["text"].startswith("'=")
    # People by name beside their ids, as they appear in Slack.
    assert set(rows[0]["reporter_names"].split("; ")) == {"anna", "bruno"}


def _opened_view(slack: Slack) -> dict[str, Any]:
    opened = slack.standin.wait_for("views.open")[-1]
    view = opened.args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def test_settings_are_for_admins_and_validated(slack: Slack) -> None:
    command(slack, "settings", user=ANNA)
    view = _opened_view(slack)
    shown = json.dumps(view["blocks"])
    # A member sees the channel's language and time zone, and the workspace's settings
    # read-only with who can change them.
    block_ids = {block.get("block_id") for block in view["blocks"]}
    assert {"channel_locale", "channel_time_zone"} <= block_ids
    assert "emojis" not in block_ids
    assert ":irritant: :rage:" in shown
    assert "ask one of them" in shown
    # Fields a member's modal never had are ignored even if the client adds them.
    forged = {
        "channel_locale": {"value": {"type": "static_select", "selected_option": {"value": "en"}}},
        "channel_time_zone": text_input("UTC"),
        "emojis": text_input("thumbsup"),
        "categories": text_input("x"),
        "retention_days": text_input("1"),
        "resolved_mark": {"value": {"type": "radio_buttons", "selected_option": {"value": "none"}}},
    }
    _status, ack = submit_view(slack, view, forged, user=ANNA)
    assert ack.get("response_action") is None
    with slack.runtime.session_factory() as session:
        from bot.irritants import config as workspace_settings

        assert workspace_settings.load(session, team_id=TEAM).emojis == ("irritant", "rage")

    command(slack, "settings", user=CHLOE)
    view = _opened_view(slack)
    values = {
        "channel_locale": {"value": {"type": "static_select", "selected_option": {"value": "en"}}},
        "channel_time_zone": text_input("UTC"),
        "workspace_locale": {
            "value": {"type": "static_select", "selected_option": {"value": "en"}}
        },
        "workspace_time_zone": text_input("UTC"),
        "emojis": text_input("rage, :angry:"),
        "categories": text_input("delay, billing"),
        "retention_days": text_input("0"),
        "resolved_mark": {
            "value": {"type": "radio_buttons", "selected_option": {"value": "reply"}}
        },
    }
    _status, ack = submit_view(slack, view, values, user=CHLOE)
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"retention_days"}
    values["retention_days"] = text_input("30")
    _status, ack = submit_view(slack, view, values, user=CHLOE)
    assert ack.get("response_action") is None
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text="so slow")
    send_event(slack, reaction_event(user=ANNA, ts=ts, reaction="angry"))
    with slack.runtime.session_factory() as session:
        assert session.scalars(select(Irritant)).one().message_ts == ts


def test_a_channel_speaks_its_own_language_in_public(slack: Slack) -> None:
    from bot.channel_locale import channel_locale
    from bot.tenancy import Workspace

    command(slack, "settings", user=ANNA)
    view = _opened_view(slack)
    french = {"value": {"type": "static_select", "selected_option": {"value": "fr"}}}
    _status, ack = submit_view(
        slack,
        view,
        {"channel_locale": french, "channel_time_zone": text_input("Paris")},
        user=ANNA,
    )
    assert ack["response_action"] == "errors"
    assert "Europe/Paris" in ack["errors"]["channel_time_zone"]
    _status, ack = submit_view(
        slack,
        view,
        {"channel_locale": french, "channel_time_zone": text_input("Europe/Paris")},
        user=ANNA,
    )
    assert ack.get("response_action") is None
    spoken = slack.runtime.in_transaction(channel_locale, ws=Workspace(TEAM), channel_id=CLIENTS)
    assert (spoken.locale, spoken.time_zone, spoken.source) == ("fr", "Europe/Paris", "channel")
    other = slack.runtime.in_transaction(channel_locale, ws=Workspace(TEAM), channel_id=PRIVATE)
    assert (other.locale, other.time_zone, other.source) == ("en", "UTC", "default")

    from bot.irritants import config as workspace_settings
    from bot.irritants.config import IrritantConfig

    slack.runtime.in_transaction(
        workspace_settings.save,
        team_id=TEAM,
        enterprise_id=None,
        config=IrritantConfig(resolved_mark="reply"),
        actor_id=CHLOE,
        now=slack.runtime.clock.now(),
    )
    irritant_id = _report(slack, "Wrong size again", [ANNA])
    command(slack, "irritants", user=ANNA)
    buttons = _buttons(slack.standin.wait_for("response_url")[-1].args["blocks"])
    block_action(
        slack,
        user=ANNA,
        action_id="irritant-resolve",
        value=buttons[("irritant-resolve", irritant_id)],
    )
    view = _opened_view(slack)
    submit_view(slack, view, {"resolution": text_input("Size chart fixed")}, user=ANNA)
    slack.bot.drain_outbox()
    [reply] = [c for c in slack.standin.calls("chat.postMessage") if c.args.get("thread_ts")]
    # The thread reply is for the channel: French; Anna's own DM stays in English.
    assert "Résolu" in reply.args["text"]
    dms = [
        c for c in slack.standin.calls("chat.postMessage") if str(c.args["channel"]).startswith("D")
    ]
    assert "An irritant you reported" in json.dumps(dms[-1].args)


def test_retention_redacts_old_text_but_keeps_counts(slack: Slack) -> None:
    irritant_id = _report(slack, "an old pain", [ANNA, BRUNO])
    clock = slack.runtime.clock
    assert isinstance(clock, FrozenClock)
    retention = next(job for job in slack.runtime.features.jobs if job.id == "irritant-retention")
    clock.advance(timedelta(days=179))
    run_job(slack.runtime, retention)
    with slack.runtime.session_factory() as session:
        assert session.get(Irritant, irritant_id).message_text == "an old pain"  # type: ignore[union-attr]
    clock.advance(timedelta(days=2))
    run_job(slack.runtime, retention)
    with slack.runtime.session_factory() as session:
        irritant = session.get(Irritant, irritant_id)
        assert irritant is not None
        assert irritant.message_text is None
        assert irritant.text_status == "redacted"
        assert irritant.status == "new"
    command(slack, "irritants", user=ANNA)
    listing = json.dumps(slack.standin.wait_for("response_url")[-1].args["blocks"])
    assert "2 reports" in listing
    assert "message text removed" in listing


def test_export_from_a_channel_the_bot_is_not_in_goes_to_a_dm(slack: Slack) -> None:
    _report(slack, "pain", [ANNA])
    status, _ack, url = command(slack, "export irritants csv", user=ANNA, channel=PRIVATE)
    assert status == 200
    [upload] = slack.standin.wait_for(
        "files.completeUploadExternal",
        predicate=lambda call: call.http_status == 200 and call.response.get("ok"),
    )
    assert str(upload.args["channel_id"]).startswith("D")
    notice = slack.standin.wait_for(
        "response_url", predicate=lambda call: call.args.get("_url") == url
    )
    assert "direct message" in json.dumps(notice[-1].args)


def test_resolved_mark_can_be_a_thread_reply(slack: Slack) -> None:
    from bot.irritants import config as workspace_settings
    from bot.irritants.config import IrritantConfig

    slack.runtime.in_transaction(
        workspace_settings.save,
        team_id=TEAM,
        enterprise_id=None,
        config=IrritantConfig(resolved_mark="reply"),
        actor_id=CHLOE,
        now=slack.runtime.clock.now(),
    )
    irritant_id = _report(slack, "Wrong address on the parcel", [ANNA])
    from bot.irritants import rules as irritants
    from bot.membership import everyone
    from bot.tenancy import Workspace

    slack.runtime.in_transaction(
        irritants.resolve,
        ws=Workspace(TEAM),
        irritant_id=irritant_id,
        actor_id=CHLOE,
        note="Address form fixed",
        now=slack.runtime.clock.now(),
        audience=everyone(),
    )
    slack.bot.drain_outbox()
    replies = [c for c in slack.standin.calls("chat.postMessage") if c.args.get("thread_ts")]
    assert len(replies) == 1
    assert "Address form fixed" in replies[0].args["text"]
    assert slack.standin.calls("reactions.add") == []


def test_the_modal_says_the_note_goes_public_and_reopen_takes_the_mark_back(
    slack: Slack,
) -> None:
    from bot.irritants import config as workspace_settings
    from bot.irritants.config import IrritantConfig

    slack.runtime.in_transaction(
        workspace_settings.save,
        team_id=TEAM,
        enterprise_id=None,
        config=IrritantConfig(resolved_mark="both"),
        actor_id=CHLOE,
        now=slack.runtime.clock.now(),
    )
    irritant_id = _report(slack, "Parcel lost twice", [ANNA, BRUNO])
    command(slack, "irritants", user=BRUNO)
    buttons = _buttons(slack.standin.wait_for("response_url")[-1].args["blocks"])
    block_action(
        slack,
        user=BRUNO,
        action_id="irritant-resolve",
        value=buttons[("irritant-resolve", irritant_id)],
    )
    [opened] = slack.standin.wait_for("views.open")
    view = opened.args["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    # Before anything is sent, in Bruno's language: the DMs, and the client's thread.
    assert "aux 2 personnes qui l’ont signalé" in shown
    assert f"<#{CLIENTS}>" in shown
    assert "clients et invités compris" in shown
    submit_view(slack, view, {"resolution": text_input("Carrier changed")}, user=BRUNO)
    slack.bot.drain_outbox()
    [reply] = [c for c in slack.standin.calls("chat.postMessage") if c.args.get("thread_ts")]
    assert len(slack.standin.calls("reactions.add")) == 1

    command(slack, "irritants all", user=BRUNO)
    buttons = _buttons(slack.standin.wait_for("response_url")[-1].args["blocks"])
    block_action(
        slack,
        user=BRUNO,
        action_id="irritant-reopen",
        value=buttons[("irritant-reopen", irritant_id)],
    )
    slack.bot.drain_outbox()
    [removed] = slack.standin.calls("reactions.remove")
    assert removed.args["name"] == "white_check_mark"
    [deleted] = slack.standin.calls("chat.delete")
    assert deleted.args["ts"] == reply.response["ts"]
    texts = [message.text for message in slack.standin.messages(CLIENTS)]
    assert not any("Carrier changed" in text for text in texts)


def test_a_category_can_be_typed_in_the_reader_s_language(slack: Slack) -> None:
    from bot.irritants import rules as irritants
    from bot.irritants.rules import Details
    from bot.membership import everyone
    from bot.tenancy import Workspace

    irritant_id = _report(slack, "Still waiting for the parcel", [BRUNO])
    slack.runtime.in_transaction(
        irritants.update_details,
        ws=Workspace(TEAM),
        irritant_id=irritant_id,
        details=Details("delay", None, None),
        actor_id=BRUNO,
        now=slack.runtime.clock.now(),
        audience=everyone(),
    )
    _status, _ack, url = command(slack, "irritants délai", user=BRUNO)
    shown = slack.standin.wait_for("response_url", predicate=lambda c: c.args.get("_url") == url)
    text = json.dumps(shown[-1].args["blocks"], ensure_ascii=False)
    assert "Still waiting for the parcel" in text
    assert "Délai" in text
