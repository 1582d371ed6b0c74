"""The issue's biggest board over signed HTTP: 25 moments × 40 cards (every text at its
maximum length) with 30 voters. `/journey board`, `map` and `export` are acknowledged inside
Slack's 3 seconds (the payload helpers assert it), the board's pages and modal stay inside
Block Kit's limits, and the picture and the file arrive after the ack."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import insert, select

from bot.journeys.board import CARD_TEXT_MAX, MOMENT_NAME_MAX, MOMENTS_MAX
from storage.models import (
    JourneyCard,
    JourneyExercise,
    JourneyFeeling,
    JourneyMoment,
    JourneyVote,
)
from tests.handlers.conftest import ANNA, CHLOE, CLIENTS, TEAM, Slack
from tests.handlers.journey_flow import click, last_opened
from tests.handlers.payloads import command
from tests.slack_standin.validation import block_problems

CARDS_PER_MOMENT = 40
VOTERS = 30


def _store_big_board(slack: Slack) -> int:
    now = slack.runtime.clock.now()
    with slack.runtime.session_factory.begin() as session:
        exercise_id = session.scalars(
            insert(JourneyExercise).returning(JourneyExercise.id),
            [
                {
                    "team_id": TEAM,
                    "channel_id": CLIENTS,
                    "number": 1,
                    "task": "Négocier un contrat",
                    "persona_name": "Commercial",
                    "persona_line": "Veut un contrat signé ce trimestre",
                    "facilitator_id": ANNA,
                    "phase": "columns",
                    "columns_deadline": now + timedelta(days=2),
                    "vote_deadline": now + timedelta(days=3),
                    "phase_changed_at": now,
                    "votes_per_member": 3,
                    "anonymous": False,
                    "locale": "en",
                    "created_at": now,
                }
            ],
        ).one()
        for position in range(1, MOMENTS_MAX + 1):
            moment_id = session.scalars(
                insert(JourneyMoment).returning(JourneyMoment.id),
                [
                    {
                        "team_id": TEAM,
                        "exercise_id": exercise_id,
                        "position": position,
                        "name": (f"{position} Échéance de la réponse " * 8)[:MOMENT_NAME_MAX],
                        "touchpoint": "email",
                        "author_id": ANNA,
                        "created_at": now,
                    }
                ],
            ).one()
            session.execute(
                insert(JourneyCard),
                [
                    {
                        "team_id": TEAM,
                        "exercise_id": exercise_id,
                        "moment_id": moment_id,
                        "column": "today" if n % 2 else "tomorrow",
                        "text": (f"Carte {position}.{n} : répondre à la demande " * 20)[
                            :CARD_TEXT_MAX
                        ],
                        "author_id": f"U0VOTER{n % VOTERS:02d}",
                        "created_at": now,
                    }
                    for n in range(CARDS_PER_MOMENT)
                ],
            )
            session.execute(
                insert(JourneyFeeling),
                [
                    {
                        "team_id": TEAM,
                        "exercise_id": exercise_id,
                        "moment_id": moment_id,
                        "user_id": f"U0VOTER{voter:02d}",
                        "rating": voter % 5 - 2,
                        "rated_at": now,
                    }
                    for voter in range(VOTERS)
                ],
            )
        tomorrow = session.scalars(
            select(JourneyCard.id).where(JourneyCard.column == "tomorrow").order_by(JourneyCard.id)
        ).all()
        session.execute(
            insert(JourneyVote),
            [  # each voter's three votes, spread over the tomorrow cards
                {
                    "team_id": TEAM,
                    "exercise_id": exercise_id,
                    "card_id": tomorrow[(voter * 7 + vote * 13) % len(tomorrow)],
                    "voter_id": f"U0VOTER{voter:02d}",
                    "created_at": now,
                }
                for voter in range(VOTERS)
                for vote in range(3)
            ],
        )
    return int(exercise_id)


def test_the_biggest_board_is_acknowledged_in_time_and_stays_inside_slack_limits(
    slack: Slack,
) -> None:
    exercise_id = _store_big_board(slack)
    # The board as an ephemeral message: a first page of at most 50 valid blocks.
    status, ack, _url = command(slack, "board", user=CHLOE)
    assert status == 200
    blocks = json.loads(ack)["blocks"]
    assert block_problems(blocks, limit=50, root="/blocks") == []
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "Page 1 of" in shown
    assert "journey-read-card" in shown  # every card here is long: each moment has its menu
    # The Board button's modal: at most 100 blocks, validated by the stand-in's views.update.
    opened = len(slack.standin.calls("views.open"))
    click(slack, user=CHLOE, action_id="journey-board", value=str(exercise_id))
    modal = last_opened(slack, opened + 1)
    assert modal["callback_id"] == "journey-board-modal"
    assert block_problems(modal["blocks"], limit=100, root="/blocks") == []
    # The export and the map answer at once; the heavy work comes after the ack.
    status, ack, _url = command(slack, "export json", user=CHLOE)
    assert status == 200
    slack.standin.wait_for("files.completeUploadExternal", timeout=120)
    [export_file] = slack.standin.uploaded_files()
    assert export_file.filename == "journey-1.json"
    export = json.loads(export_file.content or b"{}")
    assert sum(len(moment["cards"]) for moment in export["moments"]) == 1000
    status, ack, _url = command(slack, "map", user=CHLOE)
    assert status == 200
    slack.standin.wait_for("files.completeUploadExternal", count=2, timeout=240)
    picture = slack.standin.uploaded_files()[1]
    assert picture.filename == "journey-1-1.png"  # the first of several pages
    assert (picture.content or b"")[:4] == b"\x89PNG"
