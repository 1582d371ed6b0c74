"""The Dockerfile, read as text (Docker cannot run here): the promises it must keep."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args_of(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def _logical_lines(text: str) -> list[str]:
    """Join backslash continuations and drop comments and blank lines."""
    lines: list[str] = []
    current = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not current):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    if current:
        lines.append(current)
    return lines


def _stages(text: str) -> list[Stage]:
    stages: list[Stage] = []
    for line in _logical_lines(text):
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            match = re.fullmatch(r"(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", args, re.IGNORECASE)
            assert match, f"unreadable FROM line: {line!r}"
            stages.append(Stage(base=match.group(1), name=match.group(2)))
        else:
            assert stages, f"instruction before the first FROM: {line!r}"
            stages[-1].instructions.append((keyword, args))
    return stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return _stages(DOCKERFILE.read_text(encoding="utf-8"))


def _exec_form(args: str) -> list[str]:
    try:
        value = json.loads(args)
    except json.JSONDecodeError:
        pytest.fail(f"not exec form (a JSON array), so SIGTERM would not reach the bot: {args}")
    assert isinstance(value, list), args
    assert value, args
    assert all(isinstance(item, str) for item in value), args
    return value


def test_build_is_multi_stage(stages: list[Stage]) -> None:
    assert len(stages) >= 2
    assert DOCKERFILE.read_text(encoding="utf-8").startswith("# syntax=docker/dockerfile:")
    builder = stages[0]
    assert any("/opt/venv" in args for args in builder.args_of("RUN"))
    final = stages[-1]
    copies = final.args_of("COPY")
    assert any(re.search(r"--from=\S+\s+/opt/venv\b", args) for args in copies), copies
    # The runtime stage installs nothing from the build context: only the built venv.
    assert all("--from=" in args for args in copies), copies


def test_final_stage_runs_as_non_root_user(stages: list[Stage]) -> None:
    users = stages[-1].args_of("USER")
    assert users, "the final stage sets no USER, so the bot would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users


def test_entrypoint_and_cmd_are_exec_form(stages: list[Stage]) -> None:
    final = stages[-1]
    entrypoints, cmds = final.args_of("ENTRYPOINT"), final.args_of("CMD")
    assert entrypoints, "no ENTRYPOINT in the final stage"
    assert cmds, "no CMD in the final stage"
    assert _exec_form(entrypoints[-1]) == ["journeybot"]
    assert _exec_form(cmds[-1]) == ["run"]
    assert final.args_of("STOPSIGNAL")[-1:] == ["SIGTERM"]


def test_healthcheck_hits_readyz(stages: list[Stage]) -> None:
    checks = stages[-1].args_of("HEALTHCHECK")
    assert checks, "no HEALTHCHECK in the final stage"
    check = checks[-1]
    # Ready (database reachable and migrated) is what "healthy" means to compose's depends_on.
    assert "/readyz" in check
    assert "curl" not in check, "python:slim has no curl"
    assert "wget" not in check, "python:slim has no wget"
    env = " ".join(stages[-1].args_of("ENV"))
    assert "PORT=3000" in env
    assert "DATABASE_URL=sqlite:////data/" in env


def test_builder_copies_every_package_pyproject_installs(stages: list[Stage]) -> None:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*").split(".")[0] for pattern in patterns}
    assert packages, "pyproject includes no packages"
    builder = stages[0]
    copied: set[str] = set()
    for args in builder.args_of("COPY"):
        sources = [part for part in args.split() if not part.startswith("--")][:-1]
        copied.update(source.strip("./") for source in sources)
    missing = sorted(packages - copied)
    assert not missing, f"pyproject installs packages the builder never copies: {missing}"
    assert {"pyproject.toml", "README.md"} <= copied, copied


def test_builder_installs_dependencies_from_the_lock_only(stages: list[Stage]) -> None:
    builder = stages[0]
    installs = [args for args in builder.args_of("RUN") if "pip install" in args]
    assert installs, "the builder installs nothing"
    locked = [args for args in installs if "--require-hashes" in args]
    assert locked, "no pip install --require-hashes in the builder"
    assert all("-r requirements.lock" in args for args in locked), locked
    # Every other install is journeybot itself, which must not resolve dependencies again.
    for args in installs:
        assert "--require-hashes" in args or "--no-deps" in args, args
    copies = " ".join(builder.args_of("COPY"))
    assert "requirements.lock" in copies, copies
    # The lock is copied and installed before the source, so a code change reuses that layer.
    order = [kw + " " + args for kw, args in builder.instructions]
    lock_install = next(i for i, line in enumerate(order) if "--require-hashes" in line)
    source_copy = next(i for i, line in enumerate(order) if line.startswith("COPY bot/"))
    assert lock_install < source_copy


def test_dockerignore_keeps_secrets_and_noise_out() -> None:
    ignored = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (".git", "tests", "*.db", "bench/results", ".env"):
        assert entry in ignored, entry
    # Nothing the builder copies may be ignored, or `pip install .` builds an empty package.
    needed_files = ("bot", "handlers", "storage", "pyproject.toml", "README.md")
    needed_files += ("requirements.lock",)
    for needed in needed_files:
        assert needed not in ignored, needed
