"""The lock files: every dependency of pyproject.toml pinned, hashed, and installed from them.

When this fails after adding a dependency to pyproject.toml, run `make lock` and commit the
two lock files.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parents[1]
RUNTIME_LOCK = REPO_ROOT / "requirements.lock"
DEV_LOCK = REPO_ROOT / "requirements-dev.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def _pins(lock: Path) -> dict[str, str]:
    return {
        canonicalize_name(name): version for name, version in PIN.findall(lock.read_text("utf-8"))
    }


def _entries(lock: Path) -> list[str]:
    """Each requirement of the lock with its continuation lines joined."""
    text = lock.read_text("utf-8").replace("\\\n", " ")
    return [line for line in text.splitlines() if line and not line.lstrip().startswith("#")]


def _declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    raw = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(item) for item in raw]


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        (RUNTIME_LOCK, _declared()),
        (DEV_LOCK, _declared() + _declared("test")),
    ],
    ids=["runtime", "dev"],
)
def test_every_declared_dependency_is_pinned_within_its_range(
    lock: Path, requirements: list[Requirement]
) -> None:
    pins = _pins(lock)
    missing = sorted(req.name for req in requirements if canonicalize_name(req.name) not in pins)
    assert not missing, f"{lock.name} lacks {missing}: run `make lock`"
    outside = sorted(
        f"{req.name}=={pins[canonicalize_name(req.name)]} (wants {req.specifier})"
        for req in requirements
        if not req.specifier.contains(pins[canonicalize_name(req.name)], prereleases=True)
    )
    assert not outside, f"{lock.name} is stale: {outside}: run `make lock`"


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=["runtime", "dev"])
def test_every_pin_carries_a_hash(lock: Path) -> None:
    entries = _entries(lock)
    assert entries
    unhashed = [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry]
    assert not unhashed, f"pins without hashes in {lock.name}: {unhashed}"
    assert all("==" in entry.split()[0] for entry in entries)


def test_the_test_lock_agrees_with_the_runtime_lock() -> None:
    runtime, dev = _pins(RUNTIME_LOCK), _pins(DEV_LOCK)
    disagree = {name: (version, dev.get(name)) for name, version in runtime.items()}
    disagree = {name: pair for name, pair in disagree.items() if pair[0] != pair[1]}
    assert not disagree, f"runtime and test locks differ: {disagree}: run `make lock`"


def test_make_installs_from_the_lock_with_hashes() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text("utf-8")
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--no-deps -e ." in makefile
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    # Beyond the lock and the project itself, only tools: pip and the pinned lock tool.
    allowed = ("--require-hashes", "--no-deps", "--upgrade pip", "uv==")
    for line in installs:
        assert any(word in line for word in allowed), line
    # CI builds the README's way: a fresh venv, then `make test`, which installs from the lock.
    ci = (REPO_ROOT / ".ci" / "run").read_text("utf-8")
    assert "rm -rf .venv" in ci
    assert "make test" in ci


def test_the_lock_targets_the_python_of_the_image() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text("utf-8")
    locked = re.search(r"--python-version (\d+\.\d+)", makefile)
    assert locked, "make lock does not say which Python it resolves for"
    dockerfile = (REPO_ROOT / "Dockerfile").read_text("utf-8")
    bases = set(re.findall(r"^FROM python:(\d+\.\d+)", dockerfile, re.MULTILINE))
    assert bases == {locked.group(1)}, (bases, locked.group(1))
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        assert f"--python-version {locked.group(1)}" in lock.read_text("utf-8").split("\n", 3)[1]
