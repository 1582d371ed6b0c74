"""The bot posts to a response URL only on Slack's host (hooks.slack.com, or SLACK_API_URL's
host, the stand-in's here), whatever a signed click or a sealed form carries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from handlers.irritants.triage import ResolveMetadata
from storage.models import Irritant
from tests.handlers.conftest import ANNA, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.payloads import reaction_event, send_event, submit_view, text_input
from tests.slack_standin.inbound import (
    FORM,
    block_actions_payload,
    button_action,
    interactivity_body,
)

FIRST_PAGE = '{"s":"open","c":null,"p":0}'


class Elsewhere:
    """A host that is not Slack's, recording every request it gets."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Record(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Record)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/respond/stolen"


@pytest.fixture
def elsewhere() -> Iterator[Elsewhere]:
    host = Elsewhere()
    thread = threading.Thread(target=host.server.serve_forever, daemon=True)
    thread.start()
    yield host
    host.server.shutdown()
    thread.join(5)


def test_a_click_with_another_hosts_response_url_is_refused(
    slack: Slack, elsewhere: Elsewhere
) -> None:
    payload = block_actions_payload(
        trigger_id=slack.standin.new_trigger_id(TEAM),
        actions=[button_action("irritants-page", block_id="b", value=FIRST_PAGE)],
        channel_id=CLIENTS,
        message={"ts": "1700000500.000100", "text": "x"},
        response_url=elsewhere.url,
        team_id=TEAM,
        user_id=ANNA,
    )

    response = slack.sender.post(interactivity_body(payload), content_type=FORM)

    assert response.status == 400
    assert elsewhere.hits == []


def test_a_command_with_another_hosts_response_url_is_refused(
    slack: Slack, elsewhere: Elsewhere
) -> None:
    body = urlencode(
        {
            "command": "/journey",
            "text": "irritants",
            "team_id": TEAM,
            "user_id": ANNA,
            "channel_id": CLIENTS,
            "trigger_id": slack.standin.new_trigger_id(TEAM),
            "response_url": elsewhere.url,
        }
    )

    assert slack.sender.post(body, content_type=FORM).status == 400
    assert elsewhere.hits == []


def test_a_sealed_form_naming_another_host_resolves_but_posts_nothing_there(
    slack: Slack, elsewhere: Elsewhere
) -> None:
    """Even a URL under the bot's own seal is checked again before it is posted to."""
    ts = slack.standin.post_message(CLIENTS, user=CHLOE, text="Where is my refund?")
    assert send_event(slack, reaction_event(user=ANNA, ts=ts, item_user=CHLOE)) == 200
    with slack.runtime.session_factory() as session:
        irritant_id = session.scalars(select(Irritant.id)).one()
    sealed = slack.bot.app.services.seal.seal(
        ResolveMetadata(irritant_id=irritant_id, list_state=FIRST_PAGE, response_url=elsewhere.url)
    )
    view = {
        "callback_id": "irritant-resolve-modal",
        "private_metadata": sealed,
        "blocks": [],
        "title": {"type": "plain_text", "text": "Resolve"},
    }

    status, ack = submit_view(slack, view, {"resolution": text_input("Refunded")}, user=CHLOE)

    assert status == 200
    assert ack.get("response_action") is None  # resolved and closed
    with slack.runtime.session_factory() as session:
        assert session.get(Irritant, irritant_id).status == "resolved"  # type: ignore[union-attr]
    slack.bot.drain_outbox()
    assert elsewhere.hits == []
