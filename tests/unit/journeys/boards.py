"""Boards for tests, the documentation's sample picture and the benchmark.

`contract_board()` is the seed's example (negotiating a contract) with realistic cards;
`full_board()` puts every text at its maximum length, in English or French.

Write the documentation's sample with:

    python -m tests.unit.journeys.boards docs/images/journey-map-sample.png
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.journeys.board import (
    CARD_TEXT_MAX,
    DESCRIPTION_MAX,
    MOMENT_NAME_MAX,
    NOTE_MAX,
    PERSONA_LINE_MAX,
    PERSONA_NAME_MAX,
    PROMISE_TEXT_MAX,
    TASK_MAX,
    Board,
    Card,
    Column,
    Deadlines,
    Feeling,
    Moment,
    Persona,
    Phase,
    PromiseSummary,
    Touchpoint,
)

DEADLINE = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)


def contract_board() -> Board:
    """Six moments of "negotiating a contract", as a legal team would fill them."""
    card_id = iter(range(1, 1000))

    def cards(today: list[str], tomorrow: list[tuple[str, int]]) -> tuple[Card, ...]:
        made = [Card(next(card_id), Column.TODAY, text, "U01ALICE") for text in today]
        made += [
            Card(next(card_id), Column.TOMORROW, text, "U02BRUNO", votes)
            for text, votes in tomorrow
        ]
        return tuple(made)

    moments = (
        Moment(
            1,
            1,
            "Sales asks us for a contract",
            Touchpoint.EMAIL,
            feeling=Feeling.of([-1, 0, -1, -2, 0]),
            open_irritants=2,
            kept_rate=0.62,
            cards=cards(
                [
                    "We answer when the request reaches the top of the pile",
                    "No one owns the shared inbox",
                ],
                [
                    ("Acknowledge every request within 24 hours, even to say when we'll answer", 7),
                    ("A request form that asks for the deal size and deadline", 3),
                ],
            ),
        ),
        Moment(
            2,
            2,
            "First meeting with the client",
            Touchpoint.MEETING,
            feeling=Feeling.of([1, 1, 0, 2, 1]),
            cards=cards(
                ["We come with our standard template", "Sales does most of the talking"],
                [
                    ("Send a one-page agenda the day before", 4),
                    ("Ask the client what a good contract means for them", 5),
                ],
            ),
        ),
        Moment(
            3,
            3,
            "First draft of the contract",
            Touchpoint.DOCUMENT,
            note="Usually two weeks after the meeting",
            feeling=Feeling.of([-2, -1, -1, -2, -1]),
            open_irritants=3,
            cards=cards(
                ["The draft arrives without explanation", "Legalese the client has to decode"],
                [
                    ("A cover note that explains the three clauses that matter", 6),
                    ("Plain-language summary on the first page", 2),
                    ("Share the draft in a live document instead of attachments", 1),
                ],
            ),
        ),
        Moment(
            4,
            4,
            "Negotiation call",
            Touchpoint.PHONE,
            feeling=Feeling.of([0, -1, 0, 1, 0]),
            open_irritants=1,
            kept_rate=0.8,
            cards=cards(
                ["When the lawyer is out, nobody picks up", "Calls end without next steps"],
                [
                    ("Anyone who hears the phone answers: 'Pierre is out, how can I help?'", 8),
                    ("Written recap of decisions within the day", 3),
                ],
            ),
        ),
        Moment(
            5,
            5,
            "Signature",
            Touchpoint.DIGITAL,
            feeling=Feeling.of([1, 2, 1, 1, 2]),
            cards=cards(
                ["E-signature link sent by the assistant"],
                [("Thank the client and say what happens next", 2)],
            ),
        ),
        Moment(
            6,
            6,
            "Implementation in-house",
            Touchpoint.IN_PERSON,
            feeling=Feeling.of([-1, 0, -1]),
            open_irritants=1,
            cards=cards(
                ["The contract is filed and forgotten"],
                [
                    ("Kick-off with the client's team to walk through obligations", 4),
                    ("Reminders before renewal and notice dates", 1),
                ],
            ),
        ),
    )
    return Board(
        number=6,
        task="Negotiating a contract",
        persona=Persona("Claire", "Head of purchasing at a mid-size manufacturer, short on time"),
        channel_id="C0LEGAL",
        facilitator_id="U01ALICE",
        phase=Phase.VOTE,
        description="Our contracts work, but clients wait without news.",
        deadlines=Deadlines(DEADLINE - timedelta(days=4), DEADLINE - timedelta(days=2), DEADLINE),
        moments=moments,
        promises=(
            PromiseSummary(
                "We acknowledge every request within 24 hours: 'I saw your mail, I'll answer in "
                "three days' counts as an answer",
                timedelta(hours=24),
            ),
        ),
    )


_WORDS = {
    "en": [
        "client",
        "contract",
        "draft",
        "signature",
        "meeting",
        "answer",
        "request",
        "call",
        "follow-up",
        "clause",
        "acknowledge",
        "explain",
        "share",
        "negotiate",
        "deadline",
        "promise",
        "team",
        "partner",
        "document",
        "review",
    ],
    "fr": [
        "client",
        "contrat",
        "projet",
        "signature",
        "réunion",
        "réponse",
        "demande",
        "appel",
        "relance",
        "clause",
        "prendre-en-compte",
        "expliquer",
        "partager",
        "négocier",
        "échéance",
        "promesse",
        "équipe",
        "partenaire",
        "État",
        "Écrire",
        "Ça",
        "été",
    ],
}


def _text(rng: random.Random, locale: str, length: int) -> str:
    """Words up to exactly `length` characters (cut in a word if need be)."""
    words = _WORDS[locale]
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < length:
        parts.append(rng.choice(words))
    return " ".join(parts)[:length]


def full_board(
    moments: int,
    locale: str = "fr",
    *,
    cards_per_column: int = 6,
    voters: int = 30,
    seed: int = 1,
) -> Board:
    """Every text at its maximum length; feelings, figures and votes spread over their ranges."""
    rng = random.Random(seed)
    touchpoints = list(Touchpoint)
    card_id = 0
    made = []
    for index in range(moments):
        cards = []
        for column in (Column.TODAY, Column.TOMORROW):
            for _ in range(cards_per_column):
                card_id += 1
                votes = rng.randint(0, voters) if column is Column.TOMORROW else 0
                cards.append(
                    Card(
                        card_id, column, _text(rng, locale, CARD_TEXT_MAX), f"U{card_id:08d}", votes
                    )
                )
        ratings = [rng.randint(-2, 2) for _ in range(rng.choice([0, voters, voters // 2]))]
        made.append(
            Moment(
                id=100 + index,
                position=index + 1,
                name=_text(rng, locale, MOMENT_NAME_MAX),
                touchpoint=touchpoints[index % len(touchpoints)],
                note=_text(rng, locale, NOTE_MAX) if index % 2 == 0 else None,
                feeling=Feeling.of(ratings),
                open_irritants=rng.choice([0, 1, 12, 1234]),
                kept_rate=rng.choice([None, 0.0, 0.875, 1.0]),
                cards=tuple(cards),
            )
        )
    return Board(
        number=12345,
        task=_text(rng, locale, TASK_MAX),
        persona=Persona(_text(rng, locale, PERSONA_NAME_MAX), _text(rng, locale, PERSONA_LINE_MAX)),
        channel_id="C0123456789",
        facilitator_id="U0123456789",
        phase=Phase.PROMISES,
        description=_text(rng, locale, DESCRIPTION_MAX),
        deadlines=Deadlines(DEADLINE, DEADLINE, DEADLINE),
        moments=tuple(made),
        promises=tuple(
            PromiseSummary(
                _text(rng, locale, PROMISE_TEXT_MAX), rng.choice([None, timedelta(hours=24)])
            )
            for _ in range(5)
        ),
    )


def main(argv: list[str]) -> None:
    from bot.i18n import Translator
    from bot.journeys.map import render_map

    target = Path(argv[0]) if argv else Path("journey-map-sample.png")
    locale = argv[1] if len(argv) > 1 else "en"
    board = contract_board() if len(argv) < 3 else full_board(int(argv[2]), locale)
    pages = render_map(board, Translator(locale))
    for page in pages:
        path = target if len(pages) == 1 else target.with_stem(f"{target.stem}-{page.page}")
        path.write_bytes(page.png)
        sys.stdout.write(f"{path} {page.width}x{page.height} {len(page.png)} bytes\n")
        sys.stdout.write(page.alt_text + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
