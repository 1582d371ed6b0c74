"""Journey board benchmark: the map picture and the exports of a large board.

Builds a board of 25 moments with 40 cards each (20 today, 20 tomorrow, every text at its
maximum length) voted on and rated by 30 members, then times `render_map` and each export:
first, best and median wall time of --rounds runs (the first starts with cold font caches),
and the best CPU time beside it, since the machine may be shared. Peak memory: Python
allocations during one more, traced run of each step (tracemalloc, which misses matplotlib's
C buffers) and the process's peak resident size. Usage:

    python bench/journey_board.py [--rounds 3] [--locale fr] [--out /tmp/journey-map]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import matplotlib  # noqa: E402

from bot.i18n import Translator  # noqa: E402
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
    args = parser.parse_args()

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
    print(
        f"{'step':<16}{'first':>9}{'best':>9}{'median':>9}{'cpu best':>10}{'py peak':>10}  output"
    )
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("render_map", lambda: render_map(board, translator)),
        ("export_json", lambda: export_json(board)),
        ("export_csv", lambda: export_csv(board)),
        ("export_markdown", lambda: export_markdown(board, translator)),
    ]
    for name, step in steps:
        times, cpu, peak, result = measure(step, args.rounds)
        if name == "render_map":
            sizes = [f"{p.width}x{p.height}" for p in result]
            megabytes = sum(len(p.png) for p in result) / 1e6
            output = f"{len(result)} pages ({', '.join(sizes)}), {megabytes:.2f} MB"
            if args.out:
                for page in result:
                    Path(f"{args.out}-{page.page}.png").write_bytes(page.png)
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
