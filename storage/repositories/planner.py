"""Steering SQLite's query planner away from the per-workspace index where it hurts.

Every table carries an index on `team_id` alone, and every query filters on `team_id`.
SQLite has no statistics unless ANALYZE runs (it never does here), so it guesses that an
equality on an indexed column selects a few rows and prefers that index over a unique index
probed with IN lists: "the votes of these 20 irritants by these 20 users" then read every
vote of the workspace, a cost that grew with the tables on every ingest batch. A unary `+`
is SQLite's documented way to keep a term from driving an index; the term still filters.
PostgreSQL keeps statistics and plans these queries well: it gets the plain column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class not_an_index(FunctionElement[str]):
    """`column` for filtering only: SQLite will not pick an index on it for this term."""

    type = String()
    name = "not_an_index"
    inherit_cache = True

    def __init__(self, column: ColumnElement[str] | InstrumentedAttribute[str]) -> None:
        super().__init__(column)


@compiles(not_an_index)
def _plain(element: not_an_index, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(not_an_index, "sqlite")
def _unindexed(element: not_an_index, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)
