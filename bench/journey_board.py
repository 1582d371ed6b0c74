"""Journey board benchmark: the board read, its Block Kit pages, the map picture and the exports.

Builds a board of 25 moments with 40 cards each (20 today, 20 tomorrow, every text at its
maximum length) voted on and rated by 30 members, stores it in a fresh SQLite database
(migrated to head), then times reading it back (`usecases.board`, what every board, map and
export starts with), its Block Kit pages (message and modal, serialized as sent),
`render_map` and each export:
first, best and median wall time of --rounds runs (the first starts with cold font caches),
and the best CPU time beside it, since the machine may be shared. Peak memory: Python
allocations during one more, traced run of each step (tracemalloc, which misses matplotlib's
C buffers) and the process's peak resident size. Usage:

    python bench/journey_board.py [--rounds 3] [--locale fr] [--out /tmp/journey-map]
        [--database postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import matplotlib  # noqa: E402

from bot.i18n import Translator  # noqa: E402
from bot.journeys import usecases  # noqa: E402
from bot.journeys.board import (  # noqa: E402
    CARD_TEXT_MAX,
    MOMENT_NAME_MAX,
    NOTE_MAX,
    PERSONA_LINE_MAX,
    PERSONA_NAME_MAX,
    TASK_MAX,
    Board,
    Card,
    Column,
    Feeling,
    Moment,
    Persona,
    Phase,
    PromiseSummary,
    Touchpoint,
)
from bot.journeys.export import export_csv, export_json, export_markdown  # noqa: E402
from bot.journeys.map import render_map  # noqa: E402
from bot.tenancy import Workspace  # noqa: E402
from handlers.blocks.journey_board import (  # noqa: E402
    MESSAGE_BLOCKS,
    MODAL_BLOCKS,
    board_frame,
    board_pages,
)
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    JourneyCard,
    JourneyExercise,
    JourneyFeeling,
    JourneyMoment,
    JourneyVote,
)
from tests.db import scratch_database as tests_scratch_database  # noqa: E402

WS = Workspace("T0BENCH")

WORDS = [
    "client", "contrat", "projet", "signature", "réunion", "réponse", "demande", "appel",
    "relance", "clause", "échéance", "promesse", "équipe", "partenaire", "État", "expliquer",
    "partager", "négocier",
]  # fmt: skip


def text(rng: random.Random, length: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:length]


def big_board(moments: int = 25, cards: int = 40, voters: int = 30, seed: int = 7) -> Board:
    rng = random.Random(seed)
    touchpoints = list(Touchpoint)
    made = []
    card_id = 0
    for index in range(moments):
        deck = []
        for number in range(cards):
            card_id += 1
            column = Column.TODAY if number < cards // 2 else Column.TOMORROW
            votes = rng.randint(0, voters) if column is Column.TOMORROW else 0
            deck.append(Card(card_id, column, text(rng, CARD_TEXT_MAX), f"U{card_id:08d}", votes))
        made.append(
            Moment(
                id=index + 1,
                position=index + 1,
                name=text(rng, MOMENT_NAME_MAX),
                touchpoint=touchpoints[index % len(touchpoints)],
                note=text(rng, NOTE_MAX),
                feeling=Feeling.of(rng.randint(-2, 2) for _ in range(voters)),
                open_irritants=rng.randint(0, 40),
                kept_rate=rng.random(),
                cards=tuple(deck),
            )
        )
    return Board(
        number=42,
        task=text(rng, TASK_MAX),
        persona=Persona(text(rng, PERSONA_NAME_MAX), text(rng, PERSONA_LINE_MAX)),
        channel_id="C0BENCH",
        facilitator_id="U0BENCH",
        phase=Phase.PROMISES,
        moments=tuple(made),
        promises=tuple(PromiseSummary(text(rng, 200)) for _ in range(5)),
    )


@contextmanager
def scratch_database(url: str | None) -> Iterator[str]:
    """A fresh database for this run: a SQLite file, or a PostgreSQL database created on the
    given server and dropped afterwards (the tests' own scratch databases; the server's own
    databases are never migrated)."""
    if url is None or url.startswith("sqlite"):
        yield url or f"sqlite:///{tempfile.mkdtemp()}/journey-bench.db"
        return
    os.environ["TEST_DATABASE_URL"] = url
    with tests_scratch_database(Path(tempfile.mkdtemp())) as scratch:
        yield scratch


def store_board(url: str, board: Board, voters: int = 30) -> tuple[Any, int]:
    """The board as rows in a database migrated to head: the session factory and its id."""
    from sqlalchemy import insert, select

    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    now = datetime.now(UTC)
    with factory.begin() as session:
        exercise_id = session.scalars(
            insert(JourneyExercise).returning(JourneyExercise.id),
            [
                {
                    "team_id": WS.team_id,
                    "channel_id": board.channel_id,
                    "number": board.number,
                    "task": board.task,
                    "persona_name": board.persona.name,
                    "persona_line": board.persona.line,
                    "facilitator_id": board.facilitator_id,
                    "phase": board.phase.value,
                    "phase_changed_at": now,
                    "votes_per_member": 3,
                    "anonymous": False,
                    "locale": "fr",
                    "created_at": now,
                }
            ],
        ).one()
        for moment in board.moments:
            moment_id = session.scalars(
                insert(JourneyMoment).returning(JourneyMoment.id),
                [
                    {
                        "team_id": WS.team_id,
                        "exercise_id": exercise_id,
                        "position": moment.position,
                        "name": moment.name,
                        "touchpoint": moment.touchpoint.value,
                        "note": moment.note,
                        "author_id": "U0BENCH",
                        "created_at": now,
                    }
                ],
            ).one()
            session.execute(
                insert(JourneyFeeling),
                [
                    {
                        "team_id": WS.team_id,
                        "exercise_id": exercise_id,
                        "moment_id": moment_id,
                        "user_id": f"U0VOTER{voter:02d}",
                        "rating": (voter % 5) - 2,
                        "rated_at": now,
                    }
                    for voter in range(voters)
                ],
            )
            session.execute(
                insert(JourneyCard),
                [
                    {
                        "team_id": WS.team_id,
                        "exercise_id": exercise_id,
                        "moment_id": moment_id,
                        "column": card.column.value,
                        "text": card.text,
                        "author_id": card.author_id,
                        "created_at": now,
                    }
                    for card in moment.cards
                ],
            )
            stored = session.scalars(
                select(JourneyCard.id)
                .where(JourneyCard.moment_id == moment_id)
                .order_by(JourneyCard.id)
            ).all()
            votes = [
                {
                    "team_id": WS.team_id,
                    "exercise_id": exercise_id,
                    "card_id": card_id,
                    "voter_id": f"U0VOTER{n % voters:02d}",
                    "created_at": now,
                }
                for card_id, card in zip(stored, moment.cards, strict=True)
                for n in range(card.votes)
            ]
            if votes:
                session.execute(insert(JourneyVote), votes)
    return factory, exercise_id


def read_board(factory: Any, exercise_id: int) -> Board:
    with factory() as session:
        return usecases.board(session, ws=WS, exercise_id=exercise_id, now=datetime.now(UTC))


def board_blocks(board: Board, translator: Translator, limit: int) -> str:
    """Every page of the board as Slack receives it (blocks serialized to JSON)."""
    pages = board_pages(board, translator, limit=limit, exercise_id=1)
    return json.dumps(
        [
            [b.to_dict() for b in board_frame(board, page, index, len(pages), 1, translator)]
            for index, page in enumerate(pages)
        ]
    )


def measure(step: Callable[[], Any], rounds: int) -> tuple[list[float], list[float], int, Any]:
    """Wall and CPU times of `rounds` runs, then the Python peak allocation of one more, traced run
    (tracemalloc slows allocation-heavy code several times over: it never runs while timed)."""
    times, cpu = [], []
    result = None
    for _round in range(rounds):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = step()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    gc.collect()
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return times, cpu, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--locale", default="fr")
    parser.add_argument("--out", type=Path, help="write the map pages as OUT-1.png, OUT-2.png…")
    parser.add_argument(
        "--database",
        help="a PostgreSQL server URL to create a scratch database on (default: a SQLite file)",
    )
    parser.add_argument("--steps", help="comma-separated steps to run (default: all)")
    args = parser.parse_args()
    with scratch_database(args.database) as database:
        run(args, database)


def run(args: argparse.Namespace, database: str) -> None:
    translator = Translator(args.locale)
    started = time.perf_counter()
    board = big_board()
    built = time.perf_counter() - started
    cards = sum(len(m.cards) for m in board.moments)
    print(
        f"journey board: {len(board.moments)} moments, {cards} cards, 30 voters, "
        f"locale {args.locale}; built in {built * 1000:.0f} ms"
    )
    print(
        f"python {platform.python_version()}, matplotlib {matplotlib.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f}, "
        f"rounds {args.rounds}"
    )
    started = time.perf_counter()
    factory, exercise_id = store_board(database, board)
    print(f"stored in {database.split(':')[0]} in {time.perf_counter() - started:.1f} s")
    print(
        f"{'step':<16}{'first':>9}{'best':>9}{'median':>9}{'cpu best':>10}{'py peak':>10}  output"
    )
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("board_read", lambda: read_board(factory, exercise_id)),
        ("blocks_message", lambda: board_blocks(board, translator, MESSAGE_BLOCKS)),
        ("blocks_modal", lambda: board_blocks(board, translator, MODAL_BLOCKS)),
        ("render_map", lambda: render_map(board, translator)),
        ("export_json", lambda: export_json(board)),
        ("export_csv", lambda: export_csv(board)),
        ("export_markdown", lambda: export_markdown(board, translator)),
    ]
    if args.steps:
        wanted = set(args.steps.split(","))
        steps = [(name, step) for name, step in steps if name in wanted]
    for name, step in steps:
        times, cpu, peak, result = measure(step, args.rounds)
        if name == "render_map":
            sizes = [f"{p.width}x{p.height}" for p in result]
            megabytes = sum(len(p.png) for p in result) / 1e6
            output = f"{len(result)} pages ({', '.join(sizes)}), {megabytes:.2f} MB"
            if args.out:
                for page in result:
                    Path(f"{args.out}-{page.page}.png").write_bytes(page.png)
        elif name == "board_read":
            cards_read = sum(len(m.cards) for m in result.moments)
            output = f"{len(result.moments)} moments, {cards_read} cards"
        elif name.startswith("blocks_"):
            pages = json.loads(result)
            output = f"{len(pages)} pages, {len(result) / 1e6:.2f} MB of JSON"
        else:
            output = f"{len(result.encode('utf-8')) / 1e6:.2f} MB"
        print(
            f"{name:<16}{times[0] * 1000:>7.0f}ms{min(times) * 1000:>7.0f}ms"
            f"{statistics.median(times) * 1000:>7.0f}ms{min(cpu) * 1000:>8.0f}ms"
            f"{peak / 1e6:>8.1f}MB  {output}"
        )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(f"process peak resident memory: {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
